//! INV013 undeclared-group: a group used in an environment but absent from `xenv_groups.yml`

use super::{Context, RuleInfo, ViewKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::inventory::{ALL, UNGROUPED};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::UndeclaredGroup,
    doc: "## What it does
Reports a group that an environment's inventory uses but the cross-environment
hierarchy (`inventory/xenv_groups.yml`, see `xenv_groups` in
`.git-inventory.yml`) does not declare. Off when the repository has no such
file or `require_declared_groups: false`.

## Why is this bad?
`xenv_groups.yml` is where a group gets its parents and so its group_vars.
A group invented in one environment has none of them: `monitoring_agnets`
(a typo) silently gets no monitoring configuration, and DEV and PROD drift.

## Example
```yaml
# inventory/DEV/hosts.yml
monitoring_agnets:
  hosts:
    web01.dettonville.int:
```

## Use instead
```yaml
# inventory/xenv_groups.yml declares monitoring_agents; DEV uses that name
monitoring_agents:
  hosts:
    web01.dettonville.int:
```",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.config.raw.require_declared_groups {
        return;
    }
    let Some(declared) = &cx.declared_groups else {
        return;
    };
    let xenv_path = &cx.config.raw.xenv_groups;
    for v in cx.checked_views().filter(|v| v.kind == ViewKind::Env) {
        for (gi, group) in v.inv.groups.values().enumerate() {
            if gi == ALL || gi == UNGROUPED || declared.contains_key(&group.name) {
                continue;
            }
            let Some(def) = group.defs.first() else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    Code::UndeclaredGroup,
                    &def.file,
                    def.span,
                    format!(
                        "group `{}` is used in {} but not declared in {xenv_path}",
                        group.name, v.name
                    ),
                )
                .with_label("undeclared group"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::lines;

    const XENV: &str = "all:\n  children:\n    web:\n    db:\n";

    #[test]
    fn flags_groups_missing_from_xenv() {
        let files = [
            ("inventory/xenv_groups.yml", XENV),
            (
                "inventory/DEV/hosts.yml",
                "web:\n  hosts:\n    a:\nmonitoring:\n  hosts:\n    a:\n",
            ),
        ];
        assert_eq!(
            lines(&files, "", Code::UndeclaredGroup),
            vec!["inventory/DEV/hosts.yml:4"]
        );
    }

    #[test]
    fn passes_declared_groups_and_repos_without_xenv() {
        let files = [
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    a:\n"),
        ];
        assert!(lines(&files, "", Code::UndeclaredGroup).is_empty());
        let files = [("inventory/DEV/hosts.yml", "anything:\n  hosts:\n    a:\n")];
        assert!(lines(&files, "", Code::UndeclaredGroup).is_empty());
    }
}
