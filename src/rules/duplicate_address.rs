//! INV022 duplicate-address: two hosts with the same `ansible_host` in one environment

use super::lowercase as lower;
use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::inventory::VarDef;
use std::borrow::Cow;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DuplicateAddress,
    doc: "## What it does
Reports two hosts of one environment whose `ansible_host` (set on the host,
inline or in `host_vars/`) is the same address.

## Why is this bad?
Two inventory names for one address is a copy-paste slip or an IP reused
before the old host was removed: a play meant for one machine configures the
other, and the two names' variables fight over one box.

## Example
```yaml
web:
  hosts:
    web03.dettonville.int: {ansible_host: 10.1.0.53}
    web04.dettonville.int: {ansible_host: 10.1.0.53}
```

## Use instead
```yaml
web:
  hosts:
    web03.dettonville.int: {ansible_host: 10.1.0.53}
    web04.dettonville.int: {ansible_host: 10.1.0.54}
```",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for v in cx.checked_views() {
        let mut seen: crate::FastMap<Cow<'_, str>, (&str, &VarDef)> = Default::default();
        seen.reserve(v.inv.hosts.len());
        for host in v.inv.hosts.values() {
            let Some(def) = host
                .file_vars
                .get("ansible_host")
                .or_else(|| host.vars.get("ansible_host"))
            else {
                continue;
            };
            let addr = match (&def.value, def.value.as_str()) {
                (_, Some(s)) => lower(s.trim()),
                (v, None) if v.is_null() => continue,
                (v, None) => Cow::Owned(v.to_json().to_string()),
            };
            if addr.is_empty() || addr.contains("{{") {
                continue;
            }
            match seen.get(&addr) {
                None => {
                    seen.insert(addr, (&host.name, def));
                }
                Some((other, odef)) => {
                    let (Some(loc), Some(oloc)) = (&def.loc, &odef.loc) else {
                        continue;
                    };
                    out.push(
                        Diagnostic::new(
                            Code::DuplicateAddress,
                            &loc.file,
                            loc.span,
                            format!(
                                "`{}` has ansible_host {addr}, already used by `{other}` in {}",
                                host.name, v.name
                            ),
                        )
                        .with_label("same address")
                        .related(
                            &oloc.file,
                            oloc.span,
                            format!("`{other}`"),
                        ),
                    );
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
    fn flags_reused_address() {
        let src = "web:\n  hosts:\n    web03: {ansible_host: 10.1.0.53}\n    web04:\n      ansible_host: 10.1.0.53\n";
        assert_eq!(
            check_env(src, Code::DuplicateAddress),
            vec!["inventory/DEV/hosts.yml:5"]
        );
    }

    #[test]
    fn passes_distinct_addresses_and_one_host_in_two_groups() {
        let src = "a:\n  hosts:\n    web03: {ansible_host: 10.1.0.53}\nb:\n  hosts:\n    web03:\n    web04: {ansible_host: 10.1.0.54}\n";
        assert!(check_env(src, Code::DuplicateAddress).is_empty());
    }
}
