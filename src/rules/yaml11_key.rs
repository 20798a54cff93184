//! INV004 yaml11-key: a key Ansible reads as a bool/int/float/date/null (`yes:`, `12:30:`, `0755:`)

use super::walk::Item;
use super::{Context, FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::value::{resolve_scalar, Scalar};
use crate::yaml::{Node, NodeKind, Style};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::Yaml11Key,
    doc: "## What it does
Reports a group name, host name or variable name that YAML 1.1 (which Ansible
uses, through PyYAML) reads as something other than a string: `yes`, `no`,
`on`, `off` are booleans, `0755` is the octal 493, `12:30` is the base-60 750,
`1_000` is 1000, `2024-01-01` is a date, `~` is null.

## Why is this bad?
A YAML 1.2 tool shows you the string `0755`; Ansible refuses the host
(\"Host pattern 493 must be a string\"), drops the group, or creates a
variable named `True`. What you read is not what runs.

## Example
```yaml
all:
  hosts:
    0755:
  children:
    on:
```

## Use instead
```yaml
all:
  hosts:
    \"0755\":
  children:
    \"on\":
```",
    check,
    file: None,
    item: Some(check_item),
};

fn check_key(
    file: &std::sync::Arc<crate::source::SourceFile>,
    key: &Node,
    role: &str,
    out: &mut Vec<Diagnostic>,
) {
    let NodeKind::Scalar { value, style, .. } = &key.kind else {
        return;
    };
    if *style != Style::Plain || key.tag().is_some() {
        return;
    }
    let what = match resolve_scalar(key) {
        Ok(Scalar::Bool(b)) => format!("the boolean {}", if b { "True" } else { "False" }),
        Ok(Scalar::Int(i)) => format!("the integer {i}"),
        Ok(Scalar::Float(f)) => format!("the float {}", crate::yaml::value::python_float_repr(f)),
        Ok(Scalar::Timestamp(t)) => format!("the date {t}"),
        Ok(Scalar::Null) => "null".to_string(),
        _ => return,
    };
    out.push(
        Diagnostic::new(
            Code::Yaml11Key,
            file,
            key.span,
            format!("{role} `{value}` is {what} to Ansible (YAML 1.1), not the string \"{value}\"; quote it"),
        )
        .with_label(format!("read as {what}")),
    );
}

fn check_item(fc: &FileCheck<'_>, item: Item<'_>, out: &mut Vec<Diagnostic>) {
    let file = fc.source();
    match item {
        Item::Group { key, .. } => check_key(file, key, "group name", out),
        Item::Host { key, value, .. } if value.is_some() => check_key(file, key, "host name", out),
        Item::Var { key, .. } => check_key(file, key, "variable name", out),
        _ => {}
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    super::fatal_diagnostics(cx, Code::Yaml11Key, out);
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_yaml11_keys() {
        let src = "all:\n  hosts:\n    0755:\n    '0644':\n    web:\n      yes: 1\n  children:\n    on:\n";
        assert_eq!(
            check_env(src, Code::Yaml11Key),
            vec![
                "inventory/DEV/hosts.yml:3",
                "inventory/DEV/hosts.yml:6",
                "inventory/DEV/hosts.yml:8"
            ]
        );
    }

    #[test]
    fn passes_quoted_and_nested_data_keys() {
        let src = "all:\n  hosts:\n    '12:30':\n    h:\n      x: {0: a}\n";
        assert!(check_env(src, Code::Yaml11Key).is_empty());
    }
}
