//! INV010 domain-group-name: `ca_domain_*` name that is not a reversed valid domain

use super::domain;
use super::walk::{key_str, Item};
use super::{FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DomainGroupName,
    doc: "## What it does
Reports a domain group whose name does not follow the convention: the prefix
(`ca_domain`, see `domain_prefix` in `.git-inventory.yml`), then the labels of
a DNS domain in reverse order joined by `_`, lowercase letters and digits,
`-` written as `_` (`dettonville.int` -> `ca_domain_int_dettonville`).

## Why is this bad?
Automation derives a host's domain group from its FQDN. A misspelt group
(`ca_domain_int__dettonville`, `ca_domain_dettonville-int`) is never matched:
hosts land in a group nothing reads, and the domain checks (INV011, INV012)
cannot judge them.

## Example
```yaml
ca_domain:
  children:
    ca_domain_int_dettonville_:
    ca_domain_Int_Johnson:
```

## Use instead
```yaml
ca_domain:
  children:
    ca_domain_int_dettonville:
    ca_domain_int_johnson:
```",
    check: super::no_check,
    file: None,
    item: Some(check_item),
};

fn check_item(fc: &FileCheck<'_>, item: Item<'_>, out: &mut Vec<Diagnostic>) {
    let prefix = &fc.config.raw.domain_prefix;
    let file = fc.source();
    {
        {
            if let Item::Group { key, .. } = item {
                let Some(name) = key_str(key) else { return };
                if let Some(Err(why)) = domain::parse_group(prefix, name) {
                    out.push(
                        Diagnostic::new(
                            Code::DomainGroupName,
                            file,
                            key.span,
                            format!("domain group `{name}` does not follow `{prefix}_<domain labels reversed>`: {why}"),
                        )
                        .with_label("invalid domain group name"),
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
    fn flags_malformed_domain_groups() {
        let src = "ca_domain:\n  children:\n    ca_domain_int_dettonville_:\n    ca_domain_int__x:\n    ca_domain_Int_x:\n    ca_domain_int:\n";
        assert_eq!(check_env(src, Code::DomainGroupName).len(), 4);
    }

    #[test]
    fn passes_the_convention() {
        let src = "ca_domain:\n  children:\n    ca_domain_int_dettonville:\n    ca_domain_int_johnson_my_lab:\n";
        assert!(check_env(src, Code::DomainGroupName).is_empty());
    }
}
