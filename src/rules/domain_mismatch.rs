//! INV011 domain-mismatch: a host FQDN in a domain group whose domain is not a suffix of it

use super::domain;
use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::inventory::Inventory;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DomainMismatch,
    doc: "## What it does
Reports a host whose fully qualified name is not inside the domain of a
domain group it belongs to, directly or through `children`. Short names and
IP addresses are not judged.

## Why is this bad?
Domain groups carry the domain's settings (DNS search path, CA, join
credentials). `db01.johnson.int` in `ca_domain_int_dettonville` is configured
for the wrong domain: certificates, Kerberos or DNS registration fail on the
next run, far from the line that caused it.

## Example
```yaml
ca_domain_int_dettonville:
  hosts:
    db01.johnson.int:
```

## Use instead
```yaml
ca_domain_int_johnson:
  hosts:
    db01.johnson.int:
```",
    check,
    file: None,
    item: None,
};

/// Hosts under a group (its own and its descendants'), with the group that
/// holds each directly.
pub fn subtree_hosts(inv: &Inventory, g: usize) -> Vec<(usize, usize)> {
    let mut seen = vec![false; inv.groups.len()];
    let mut stack = vec![g];
    let mut out = Vec::new();
    while let Some(x) = stack.pop() {
        if std::mem::replace(&mut seen[x], true) {
            continue;
        }
        for &h in &inv.groups[x].hosts {
            out.push((h, x));
        }
        stack.extend(inv.groups[x].children.iter().copied());
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let prefix = &cx.config.raw.domain_prefix;
    for v in cx.checked_views() {
        let inv = &v.inv;
        for (gi, group) in inv.groups.values().enumerate() {
            let Some(Ok(labels)) = domain::parse_group(prefix, &group.name) else {
                continue;
            };
            let dom = domain::domain_text(&labels);
            for (h, direct) in subtree_hosts(inv, gi) {
                let host = &inv.hosts[h];
                if domain::host_name_in_domain(&host.name, &labels) != Some(false) {
                    continue;
                }
                let Some(def) = host.defs.iter().find(|d| d.group == direct) else {
                    continue;
                };
                let via = if direct == gi {
                    String::new()
                } else {
                    format!(" (through `{}`)", inv.groups[direct].name)
                };
                let host_domain = host.name.split_once('.').map(|x| x.1).unwrap_or("");
                let mut d = Diagnostic::new(
                    Code::DomainMismatch,
                    &def.loc.file,
                    def.loc.span,
                    format!(
                        "host `{}` is in `{}`{via}, but it is not in {dom}; it belongs in `{}`",
                        host.name,
                        group.name,
                        domain::group_for_domain(prefix, host_domain)
                    ),
                )
                .with_label(format!("not in {dom}"));
                if let Some(g) = group.defs.first() {
                    d = d.related(&g.file, g.span, format!("domain group for {dom}"));
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_wrong_domain_directly_and_through_children() {
        let src = "ca_domain_int_dettonville:\n  hosts:\n    db01.johnson.int:\n    web01.dettonville.int:\n  children:\n    apps:\n      hosts:\n        app01.example.com:\n";
        assert_eq!(
            check_env(src, Code::DomainMismatch),
            vec!["inventory/DEV/hosts.yml:3", "inventory/DEV/hosts.yml:8"]
        );
    }

    #[test]
    fn passes_short_names_ips_and_subdomains() {
        let src = "ca_domain_int_dettonville:\n  hosts:\n    web01:\n    10.0.0.1:\n    a.lab.dettonville.int:\n    MY-HOST.Dettonville.INT:\n";
        assert!(check_env(src, Code::DomainMismatch).is_empty());
    }
}
