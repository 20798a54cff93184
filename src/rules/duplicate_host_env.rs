//! INV020 duplicate-host-env: one host defined in two environments (prod and dev)

use super::{Context, RuleInfo, ViewKind};
use crate::diagnostic::{Code, Diagnostic};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DuplicateHostEnv,
    doc: "## What it does
Reports a host name defined in the inventories of two environments (two
`inventory/<ENV>/` folders, or an environment and `xenv_hosts.yml`). A file
shared by symlink is one definition, not two.

## Why is this bad?
A machine is in one environment. Defined in DEV and PROD, a DEV play reaches a
production machine, and decommissioning it from one environment leaves it
managed by the other.

## Example
```yaml
# inventory/DEV/hosts.yml
web:
  hosts:
    shared01.dettonville.int:
# inventory/PROD/hosts.yml
web:
  hosts:
    shared01.dettonville.int:
```

## Use instead
Keep the host in the one environment it belongs to (or in
`inventory/xenv_hosts.yml` when it truly serves all of them, and nowhere else).",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: crate::FastMap<&str, (usize, &crate::inventory::HostDef)> = Default::default();
    first.reserve(cx.views.iter().map(|v| v.inv.hosts.len()).sum());
    for (vi, v) in cx.views.iter().enumerate() {
        if !matches!(v.kind, ViewKind::Env | ViewKind::Xenv) {
            continue;
        }
        for host in v.inv.hosts.values() {
            let Some(def) = host.defs.first() else {
                continue;
            };
            match first.get(host.name.as_str()) {
                None => {
                    first.insert(&host.name, (vi, def));
                }
                Some((ovi, odef)) => {
                    let other = &cx.views[*ovi];
                    // Two settled views: as in the tree already validated.
                    if v.settled && other.settled {
                        continue;
                    }
                    // The same file loaded by both views is one definition.
                    let shared = host.defs.iter().any(|d| {
                        other.inv.hosts.get(&host.name).is_some_and(|oh| {
                            oh.defs.iter().any(|od| od.loc.file.path == d.loc.file.path)
                        })
                    });
                    if shared {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            Code::DuplicateHostEnv,
                            &def.loc.file,
                            def.loc.span,
                            format!(
                                "host `{}` is defined in both {} and {}",
                                host.name, other.name, v.name
                            ),
                        )
                        .with_label(format!("in {}", v.name))
                        .related(
                            &odef.loc.file,
                            odef.loc.span,
                            format!("in {}", other.name),
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
    use crate::rules::testing::lines;

    #[test]
    fn flags_a_host_in_two_envs() {
        let files = [
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    shared01:\n"),
            (
                "inventory/PROD/hosts.yml",
                "web:\n  hosts:\n    other:\n    shared01:\n",
            ),
        ];
        assert_eq!(
            lines(&files, "", Code::DuplicateHostEnv),
            vec!["inventory/PROD/hosts.yml:4"]
        );
    }

    #[test]
    fn passes_a_file_shared_by_symlink() {
        let files = [
            ("inventory/common.yml", "web:\n  hosts:\n    shared01:\n"),
            ("inventory/DEV/hosts.yml", "db:\n  hosts:\n    d1:\n"),
            ("inventory/DEV/common.yml", "->../common.yml"),
            ("inventory/PROD/hosts.yml", "db:\n  hosts:\n    p1:\n"),
            ("inventory/PROD/common.yml", "->../common.yml"),
        ];
        assert!(lines(&files, "", Code::DuplicateHostEnv).is_empty());
    }
}
