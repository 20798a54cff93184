//! INV021 duplicate-host-alias: one machine under two spellings: case (`Web01`/`web01`), short vs FQDN

use super::lowercase as lower;
use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::inventory::Host;
use std::borrow::Cow;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DuplicateHostAlias,
    doc: "## What it does
Reports two host names in one environment that name the same machine: they
differ only in letter case (`Web01.dettonville.int` / `web01.dettonville.int`),
or one is the short name of the other (`web05` / `web05.dettonville.int`).
IP addresses are not judged.

## Why is this bad?
DNS is case-insensitive and resolves short names through the search domain,
but Ansible compares host names as strings: the machine is managed twice,
with two sets of variables, and removing one spelling leaves the other.

## Example
```yaml
web:
  hosts:
    web05:
    Web01.dettonville.int:
ca_domain_int_dettonville:
  hosts:
    web05.dettonville.int:
    web01.dettonville.int:
```

## Use instead
```yaml
web:
  hosts:
    web05.dettonville.int:
    web01.dettonville.int:
ca_domain_int_dettonville:
  hosts:
    web05.dettonville.int:
    web01.dettonville.int:
```",
    check,
    file: None,
    item: None,
};

fn is_ip(name: &str) -> bool {
    name.contains(':')
        || name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn report(out: &mut Vec<Diagnostic>, later: &Host, earlier: &Host, why: &str) {
    let (Some(d1), Some(d0)) = (later.defs.first(), earlier.defs.first()) else {
        return;
    };
    out.push(
        Diagnostic::new(
            Code::DuplicateHostAlias,
            &d1.loc.file,
            d1.loc.span,
            format!(
                "`{}` and `{}` name the same machine ({why})",
                later.name, earlier.name
            ),
        )
        .with_label("second spelling")
        .related(&d0.loc.file, d0.loc.span, "first spelling"),
    );
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for v in cx.checked_views() {
        let hosts: Vec<&Host> = v.inv.hosts.values().filter(|h| !is_ip(&h.name)).collect();
        let lowered: Vec<Cow<'_, str>> = hosts.iter().map(|h| lower(&h.name)).collect();
        let mut by_lower: crate::FastMap<&str, usize> = Default::default();
        by_lower.reserve(hosts.len());
        let mut short: crate::FastMap<&str, usize> = Default::default();
        for (i, h) in hosts.iter().enumerate() {
            let lower: &str = &lowered[i];
            match by_lower.get(lower) {
                Some(&j) => report(out, h, hosts[j], "letter case"),
                None => {
                    by_lower.insert(lower, i);
                }
            }
            if !lower.contains('.') {
                short.entry(lower).or_insert(i);
            }
        }
        for (i, h) in hosts.iter().enumerate() {
            let Some((first, _)) = lowered[i].split_once('.') else {
                continue;
            };
            if let Some(&j) = short.get(first) {
                let (later, earlier) = if i > j {
                    (h, &hosts[j])
                } else {
                    (&hosts[j], h)
                };
                report(out, later, earlier, "short name and FQDN");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_case_and_short_names() {
        let src = "a:\n  hosts:\n    web01.x.int:\n    web05:\nb:\n  hosts:\n    Web01.x.int:\n    web05.x.int:\n";
        assert_eq!(
            check_env(src, Code::DuplicateHostAlias),
            vec!["inventory/DEV/hosts.yml:7", "inventory/DEV/hosts.yml:8"]
        );
    }

    #[test]
    fn passes_distinct_machines_and_ips() {
        let src = "a:\n  hosts:\n    web01.a.int:\n    web01.b.int:\n    10.0.0.1:\n    10:\n";
        assert!(check_env(src, Code::DuplicateHostAlias).is_empty());
    }
}
