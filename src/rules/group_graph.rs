//! INV007 group-graph: group added to itself, children cycle, group and host of the same name

use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::GroupGraph,
    doc: "## What it does
Reports a group listed among its own children, a cycle of `children`
(a -> b -> a), and a name used both for a group and a host in one
environment.

## Why is this bad?
A cycle or a self-child makes Ansible refuse the inventory. A host and a group
of the same name make every pattern that names it ambiguous: `hosts: web`
targets the group, `--limit web` and `delegate_to: web` mean different things.

## Example
```yaml
a:
  children:
    b:
      children:
        a:
```

## Use instead
```yaml
a:
  children:
    b:
```",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    super::fatal_diagnostics(cx, Code::GroupGraph, out);
    for v in cx.checked_views() {
        for host in v.inv.hosts.values() {
            let Some(group) = v.inv.groups.get(host.name.as_str()) else {
                continue;
            };
            let Some(def) = host.defs.first() else {
                continue;
            };
            let mut d = Diagnostic::new(
                Code::GroupGraph,
                &def.loc.file,
                def.loc.span,
                format!("`{}` is both a host and a group", host.name),
            )
            .with_label("host");
            if let Some(g) = group.defs.first() {
                d = d.related(&g.file, g.span, "group of the same name");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_loops_self_and_same_name() {
        // Ansible raises where it adds `b` under `a`, after `a` was put under `b`.
        assert_eq!(
            check_env(
                "a:\n  children:\n    b:\n      children:\n        a:\n",
                Code::GroupGraph
            ),
            vec!["inventory/DEV/hosts.yml:3"]
        );
        assert_eq!(
            check_env("all:\n  children:\n    all:\n", Code::GroupGraph).len(),
            1
        );
        assert_eq!(
            check_env(
                "all:\n  children:\n    web:\n      hosts:\n        web:\n",
                Code::GroupGraph
            ),
            vec!["inventory/DEV/hosts.yml:5"]
        );
    }

    #[test]
    fn passes_a_dag() {
        let src =
            "g1:\n  children:\n    prod:\ng2:\n  children:\n    prod:\n      hosts:\n        a:\n";
        assert!(check_env(src, Code::GroupGraph).is_empty());
    }
}
