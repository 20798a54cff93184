//! INV005 group-name: group name with characters Ansible calls invalid (`kube-master`)

use super::walk::{key_str, Item};
use super::{FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::GroupName,
    doc: "## What it does
Reports a group name that Ansible's `TRANSFORM_INVALID_GROUP_CHARS` check
calls invalid: anything but letters, digits and `_`, or a leading digit.

## Why is this bad?
Ansible warns on every run, such a group cannot be used as a variable name in
templates (`groups.kube-master` is a subtraction), and with
`TRANSFORM_INVALID_GROUP_CHARS=always` it is silently renamed
(`kube_master`), so playbooks targeting the old name match nothing.

## Example
```yaml
all:
  children:
    kube-master:
```

## Use instead
```yaml
all:
  children:
    kube_master:
```",
    check: super::no_check,
    file: None,
    item: Some(check_item),
};

/// Ansible's `INVALID_VARIABLE_NAMES` (`^[\\d\\W]|[^\\w]`, Unicode-aware).
pub fn invalid_chars(name: &str) -> Vec<char> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut bad: Vec<char> = Vec::new();
    for (i, c) in name.chars().enumerate() {
        if (!word(c) || (i == 0 && c.is_numeric())) && !bad.contains(&c) {
            bad.push(c);
        }
    }
    bad
}

fn check_item(fc: &FileCheck<'_>, item: Item<'_>, out: &mut Vec<Diagnostic>) {
    let file = fc.source();
    {
        {
            if let Item::Group { key, .. } = item {
                let Some(name) = key_str(key) else { return };
                let bad = invalid_chars(name);
                if bad.is_empty() {
                    return;
                }
                let chars: String = bad
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let fixed: String = name
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if c.is_alphanumeric() && !(i == 0 && c.is_numeric()) || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                out.push(
                    Diagnostic::new(
                        Code::GroupName,
                        file,
                        key.span,
                        format!("group name `{name}` has characters Ansible calls invalid ({chars}); use `{fixed}`"),
                    )
                    .with_label("invalid group name"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_dashes_dots_and_leading_digits() {
        let src = "all:\n  children:\n    web-servers:\n    ca_domain_int.example:\n    1bad:\n    good_1:\n";
        assert_eq!(check_env(src, Code::GroupName).len(), 3);
    }

    #[test]
    fn passes_word_characters() {
        assert!(check_env(
            "all:\n  children:\n    kube_master:\n    ünïcode:\n",
            Code::GroupName
        )
        .is_empty());
    }
}
