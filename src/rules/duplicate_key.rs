//! INV002 duplicate-key: a key twice in one mapping (Ansible keeps the last, silently losing data)

use super::{FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::yaml::value::{is_merge_key, key_id, KeyId};
use crate::yaml::{Node, NodeKind};
use std::sync::Arc;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DuplicateKey,
    doc: "## What it does
Reports a key that appears twice in the same mapping: a group, a host, a
variable. Keys are compared as Ansible compares them, so `1`, `1.0` and
`true` are one key.

## Why is this bad?
Ansible keeps only the last value and carries on with a warning nobody reads:
the first host's variables, or a whole first group body, are silently lost.

## Example
```yaml
web:
  hosts:
    web01: {ansible_host: 10.0.0.1}
    web01: {ansible_user: deploy}
```

## Use instead
```yaml
web:
  hosts:
    web01: {ansible_host: 10.0.0.1, ansible_user: deploy}
```",
    check: super::no_check,
    file: Some(check_file),
    item: None,
};

fn key_text(file: &SourceFile, k: &Node) -> String {
    k.as_scalar()
        .map(|(s, _)| s.to_string())
        .unwrap_or_else(|| file.slice(k.span).to_string())
}

fn visit(file: &Arc<SourceFile>, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Map {
            pairs, distinct, ..
        } => {
            // Keys the parser found distinct (most mappings) are not
            // compared. Small mappings are scanned, big ones hashed.
            let compare = pairs.len() > 1 && !distinct;
            let mut small: Vec<(KeyId<'_>, &Node)> = Vec::new();
            let mut big: Option<crate::FastMap<KeyId<'_>, &Node>> = None;
            if compare && pairs.len() > 16 {
                let mut m = crate::FastMap::default();
                m.reserve(pairs.len());
                big = Some(m);
            } else if compare {
                small.reserve_exact(pairs.len());
            }
            for (k, v) in pairs {
                if compare && !is_merge_key(k) {
                    if let Ok(id) = key_id(k) {
                        if id != KeyId::Unhashable {
                            let first = match &big {
                                Some(m) => m.get(&id).copied(),
                                None => small.iter().find(|(i, _)| *i == id).map(|(_, n)| *n),
                            };
                            match first {
                                Some(first) => {
                                    let first_line = file.line_col(first.span.start).line;
                                    out.push(
                                        Diagnostic::new(
                                            Code::DuplicateKey,
                                            file,
                                            k.span,
                                            format!(
                                                "duplicate key `{}` (first at line {first_line}): Ansible keeps only this last value and drops the first",
                                                key_text(file, k)
                                            ),
                                        )
                                        .with_label("duplicate")
                                        .related(file, first.span, "first defined here"),
                                    );
                                }
                                None => match &mut big {
                                    Some(m) => {
                                        m.insert(id, k);
                                    }
                                    None => small.push((id, k)),
                                },
                            }
                        }
                    }
                }
                visit(file, v, out);
            }
        }
        NodeKind::Seq { items, .. } => {
            for i in items {
                visit(file, i, out);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

fn check_file(fc: &FileCheck<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(doc) = fc.doc() {
        visit(fc.source(), doc, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_duplicate_hosts_and_groups() {
        let src =
            "web:\n  hosts:\n    h1:\n      a: 1\n    h1:\n      a: 2\nweb:\n  hosts:\n    h3:\n";
        assert_eq!(
            check_env(src, Code::DuplicateKey),
            vec!["inventory/DEV/hosts.yml:5", "inventory/DEV/hosts.yml:7"]
        );
        assert_eq!(
            check_env("g:\n  vars:\n    1: a\n    true: b\n", Code::DuplicateKey).len(),
            1
        );
    }

    #[test]
    fn merge_keys_are_not_duplicates() {
        let src = "g:\n  vars:\n    base: &b {x: 1}\n    other:\n      <<: *b\n      x: 2\n";
        assert!(check_env(src, Code::DuplicateKey).is_empty());
    }
}
