//! INV023 conflicting-vars: one host or group given different values for a var in two places

use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::inventory::{Loc, Vars};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::ConflictingVars,
    doc: "## What it does
Reports a variable given two different values for the same host or group in
one environment: in two places of the inventory files, or inline and in its
`host_vars/`/`group_vars/` file.

## Why is this bad?
Only one value wins, by load order and precedence rules few remember. The
other definition looks authoritative to whoever reads it, and editing it
changes nothing.

## Example
```yaml
web:
  hosts:
    web06.dettonville.int: {ansible_user: deploy}
ca_domain_int_dettonville:
  hosts:
    web06.dettonville.int: {ansible_user: admin}
```

## Use instead
```yaml
web:
  hosts:
    web06.dettonville.int: {ansible_user: deploy}
ca_domain_int_dettonville:
  hosts:
    web06.dettonville.int:
```",
    check,
    file: None,
    item: None,
};

fn push(out: &mut Vec<Diagnostic>, what: &str, name: &str, var: &str, second: &Loc, first: &Loc) {
    out.push(
        Diagnostic::new(
            Code::ConflictingVars,
            &second.file,
            second.span,
            format!(
                "{what} `{name}`: `{var}` is set here and, to a different value, at {}:{}",
                first.file.path,
                first.file.line_col(first.span.start).line
            ),
        )
        .with_label("second value")
        .related(&first.file, first.span, "first value"),
    );
}

fn inline_vs_file(out: &mut Vec<Diagnostic>, what: &str, name: &str, inline: &Vars, file: &Vars) {
    for (k, fv) in file {
        if let Some(iv) = inline.get(k) {
            if iv.value != fv.value {
                if let (Some(a), Some(b)) = (&iv.loc, &fv.loc) {
                    push(out, what, name, k, b, a);
                }
            }
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for v in cx.checked_views() {
        for c in &v.inv.conflicts {
            push(
                out,
                if c.is_host { "host" } else { "group" },
                &c.entity,
                &c.var,
                &c.second,
                &c.first,
            );
        }
        for h in v.inv.hosts.values() {
            inline_vs_file(out, "host", &h.name, &h.vars, &h.file_vars);
        }
        for g in v.inv.groups.values() {
            inline_vs_file(out, "group", &g.name, &g.vars, &g.file_vars);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::{check_env, lines};

    #[test]
    fn flags_two_values() {
        let src = "a:\n  hosts:\n    h: {u: deploy}\nb:\n  hosts:\n    h: {u: admin}\n";
        assert_eq!(
            check_env(src, Code::ConflictingVars),
            vec!["inventory/DEV/hosts.yml:6"]
        );
        let files = [
            ("inventory/DEV/hosts.yml", "a:\n  hosts:\n    h: {p: 22}\n"),
            ("inventory/DEV/host_vars/h.yml", "p: 2222\n"),
        ];
        assert_eq!(
            lines(&files, "", Code::ConflictingVars),
            vec!["inventory/DEV/host_vars/h.yml:1"]
        );
    }

    #[test]
    fn passes_same_value_twice() {
        let src = "a:\n  hosts:\n    h: {u: deploy}\nb:\n  hosts:\n    h: {u: deploy}\n";
        assert!(check_env(src, Code::ConflictingVars).is_empty());
    }
}
