//! INV006 host-name: host key not a valid hostname, IP, or range pattern (`web 02`, bad range)

use super::walk::{key_str, Item};
use super::{Context, FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::hostpattern;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::HostName,
    doc: "## What it does
Reports a host key that Ansible does not recognise as a hostname, an IPv4 or
IPv6 address or a range pattern (`www[01:03]`), with an optional port; and a
range Ansible cannot expand (`web[01:3]`, `web[1:]`, a step of 0).

## Why is this bad?
An unrecognised key is not rejected: Ansible takes it verbatim as one host.
`hosts: \"10.0.0.10 10.0.0.20\"` is a single host named with a space, which
no connection will ever reach; the two machines are silently not managed.
A bad range makes Ansible refuse the whole file.

## Example
```yaml
web:
  hosts: \"10.0.0.10 10.0.0.20\"
db:
  hosts:
    web 02:
    node[01:3]:
```

## Use instead
```yaml
web:
  hosts:
    10.0.0.10:
    10.0.0.20:
db:
  hosts:
    web02:
    node[01:03]:
```",
    check,
    file: None,
    item: Some(check_item),
};

fn check_item(fc: &FileCheck<'_>, item: Item<'_>, out: &mut Vec<Diagnostic>) {
    let file = fc.source();
    {
        {
            if let Item::Host { key, value, .. } = item {
                let Some(name) = key_str(key) else { return };
                if name.is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::HostName,
                            file,
                            key.span,
                            "empty host name: Ansible refuses it",
                        )
                        .with_label("empty"),
                    );
                } else if !hostpattern::is_recognised_host(name) {
                    let hint = if value.is_none() {
                        " (a string after `hosts:` is one host key, not a list)"
                    } else {
                        ""
                    };
                    out.push(
                        Diagnostic::new(
                            Code::HostName,
                            file,
                            key.span,
                            format!("`{name}` is not a valid hostname, IP address or range pattern: Ansible takes it verbatim as one host{hint}"),
                        )
                        .with_label("not a host name"),
                    );
                }
            }
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    super::fatal_diagnostics(cx, Code::HostName, out);
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_spaces_strings_and_bad_ranges() {
        let src =
            "web:\n  hosts: \"10.0.0.10 10.0.0.20\"\ndb:\n  hosts:\n    web 02:\n    node[01:3]:\n";
        assert_eq!(
            check_env(src, Code::HostName),
            vec![
                "inventory/DEV/hosts.yml:2",
                "inventory/DEV/hosts.yml:5",
                "inventory/DEV/hosts.yml:6"
            ]
        );
    }

    #[test]
    fn passes_names_ips_ranges_ports() {
        let src = "web:\n  hosts:\n    www[01:03].example.com:\n    10.0.0.1:\n    \"[2001:db8::1]:2200\":\n    host1:2222:\n";
        assert!(check_env(src, Code::HostName).is_empty());
    }
}
