//! INV001 yaml-syntax: not valid YAML (tabs, bad indentation, unclosed quote, unknown tag)

use super::{FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::value;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::YamlSyntax,
    doc: "## What it does
Reports a file that cannot be read as YAML: a tab used for indentation, a
wrong indentation level, an unclosed quote or bracket, several documents in
one file, an unknown tag (`!foo`), a list used as a mapping key, invalid UTF-8.

## Why is this bad?
Ansible refuses the whole inventory source: every host in it disappears from
every play until the file is fixed.

## Example
```yaml
all:
  hosts:
\tweb01:          # a tab
    db01: {ansible_host: \"10.0.0.5}
```

## Use instead
```yaml
all:
  hosts:
    web01:
    db01: {ansible_host: \"10.0.0.5\"}
```",
    check: super::no_check,
    file: Some(check_file),
    item: None,
};

fn check_file(fc: &FileCheck<'_>, out: &mut Vec<Diagnostic>) {
    let f = fc.file;
    {
        match &f.parsed.doc {
            Err(e) => out.push(
                Diagnostic::new(
                    Code::YamlSyntax,
                    &f.parsed.file,
                    e.span,
                    format!("not valid YAML: {}", e.message),
                )
                .with_label("the parser stops here"),
            ),
            Ok(Some(doc)) => {
                if let Err(e) = value::check(doc) {
                    out.push(
                        Diagnostic::new(
                            Code::YamlSyntax,
                            &f.parsed.file,
                            e.node_span,
                            format!("Ansible cannot load this file: {}", e.message),
                        )
                        .with_label("here"),
                    );
                }
            }
            Ok(None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_tabs_and_unclosed_quotes() {
        let got = check_env("all:\n  hosts:\n\tweb01:\n", Code::YamlSyntax);
        assert_eq!(got, vec!["inventory/DEV/hosts.yml:3"]);
        let got = check_env("all:\n  hosts:\n    a: {x: \"1}\n", Code::YamlSyntax);
        assert_eq!(got.len(), 1);
        assert_eq!(
            check_env("a:\n  hosts:\n    h: !foo x\n", Code::YamlSyntax).len(),
            1
        );
    }

    #[test]
    fn passes_valid_yaml() {
        assert!(check_env("all:\n  hosts:\n    web01:\n", Code::YamlSyntax).is_empty());
    }
}
