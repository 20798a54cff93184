//! INV012 domain-exclusive: a host in two domain groups of one environment whose domains are unrelated

use super::domain;
use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DomainExclusive,
    doc: "## What it does
Reports a host that belongs (directly or through `children`) to two groups of
a mutually exclusive set in one environment. The set is configured by
`exclusive_groups` (regexes; default `ca_domain_.+`). For domain groups, a
domain and its subdomain are related and may both hold the host; the
`ca_domain` umbrella never counts.

## Why is this bad?
A machine lives in one DNS domain. In two unrelated domain groups it gets two
conflicting sets of domain settings, and which one wins depends on group
depth and name order, not on intent.

## Example
```yaml
ca_domain_int_dettonville:
  hosts:
    nas01:
ca_domain_int_johnson:
  hosts:
    nas01:
```

## Use instead
```yaml
ca_domain_int_johnson:
  hosts:
    nas01:
```",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let prefix = &cx.config.raw.domain_prefix;
    let patterns = &cx.config.exclusive;
    for v in cx.checked_views() {
        let inv = &v.inv;
        // Which groups are in an exclusive set, and which set.
        let sets: Vec<Option<usize>> = inv
            .groups
            .keys()
            .map(|name| patterns.iter().position(|p| p.is_match(name)))
            .collect();
        if sets.iter().all(Option::is_none) {
            continue;
        }
        let labels: Vec<Option<Vec<String>>> = inv
            .groups
            .keys()
            .map(|n| domain::parse_group(prefix, n).and_then(Result::ok))
            .collect();
        for (h, host) in inv.hosts.values().enumerate() {
            let mut members: Vec<usize> = inv
                .host_groups_transitive(h)
                .into_iter()
                .filter(|&g| sets[g].is_some())
                .collect();
            if members.len() < 2 {
                continue;
            }
            members.sort_unstable();
            'pairs: for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    if sets[a] != sets[b] {
                        continue;
                    }
                    if let (Some(la), Some(lb)) = (&labels[a], &labels[b]) {
                        if domain::related(la, lb) {
                            continue;
                        }
                    }
                    let (ga, gb) = (&inv.groups[a], &inv.groups[b]);
                    let def = host
                        .defs
                        .iter()
                        .find(|d| d.group == b)
                        .or_else(|| host.defs.last());
                    let Some(def) = def else { continue };
                    let mut d = Diagnostic::new(
                        Code::DomainExclusive,
                        &def.loc.file,
                        def.loc.span,
                        format!(
                            "host `{}` is in both `{}` and `{}`, which exclude each other",
                            host.name, ga.name, gb.name
                        ),
                    )
                    .with_label(format!("in `{}`", gb.name));
                    if let Some(other) = host.defs.iter().find(|d| d.group == a) {
                        d = d.related(&other.loc.file, other.loc.span, format!("in `{}`", ga.name));
                    } else if let Some(g) = ga.defs.first() {
                        d = d.related(&g.file, g.span, format!("`{}`", ga.name));
                    }
                    out.push(d);
                    break 'pairs;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_two_unrelated_domains() {
        let src = "ca_domain_int_dettonville:\n  hosts:\n    nas01:\nca_domain_int_johnson:\n  hosts:\n    nas01:\n";
        assert_eq!(
            check_env(src, Code::DomainExclusive),
            vec!["inventory/DEV/hosts.yml:6"]
        );
    }

    #[test]
    fn passes_subdomains_and_umbrella() {
        let src = "ca_domain:\n  children:\n    ca_domain_int_johnson:\n      hosts:\n        a.lab.johnson.int:\n    ca_domain_int_johnson_lab:\n      hosts:\n        a.lab.johnson.int:\n";
        assert!(check_env(src, Code::DomainExclusive).is_empty());
    }
}
