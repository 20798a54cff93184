//! INV040 sort-order: keys not sorted (some teams require it; off by default)

use super::walk::Item;
use super::{FileCheck, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::yaml::value::{is_merge_key, key_string};
use crate::yaml::Node;
use std::sync::Arc;

pub static RULE: RuleInfo = RuleInfo {
    code: Code::SortOrder,
    doc: "## What it does
Reports the first key that is out of order in the top-level mapping of an
inventory file and in every `children:` and `hosts:` mapping. Off by default;
turn it on in `.git-inventory.yml` (`rules: {INV040: warning}`).

## Why is this bad?
Sorted groups and hosts keep diffs small and merges clean when many jobs edit
one file, and make a duplicate visible next to its twin. The updater inserts
in sorted position when a mapping is already sorted.

## Example
```yaml
docker_stack:
  children:
    docker_stack_jenkins:
    docker_stack_gitea:
```

## Use instead
```yaml
docker_stack:
  children:
    docker_stack_gitea:
    docker_stack_jenkins:
```

## Fix
`git-inventory validate --fix` sorts the reported mappings: each entry moves
whole, with the comment lines just above it; nothing else changes.",
    check: super::no_check,
    file: Some(check_top),
    item: Some(check_item),
};

fn check_map(file: &Arc<SourceFile>, map: &Node, what: &str, out: &mut Vec<Diagnostic>) {
    let Some(pairs) = map.as_map() else { return };
    let mut prev: Option<(ecow::EcoString, &Node)> = None;
    for (k, _) in pairs.iter().filter(|(k, _)| !is_merge_key(k)) {
        let Ok(name) = key_string(k) else { continue };
        if let Some((p, pk)) = &prev {
            if name < *p {
                out.push(
                    Diagnostic::new(
                        Code::SortOrder,
                        file,
                        k.span,
                        format!("{what} are not sorted: `{name}` should come before `{p}`"),
                    )
                    .with_label("out of order")
                    .related(file, pk.span, "comes after this"),
                );
                return;
            }
        }
        prev = Some((name, k));
    }
}

fn check_top(fc: &FileCheck<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(doc) = fc.inventory_doc() {
        check_map(fc.source(), doc, "top-level groups", out);
    }
}

fn check_item(fc: &FileCheck<'_>, item: Item<'_>, out: &mut Vec<Diagnostic>) {
    if let Item::Section { name, map, .. } = item {
        if name != "vars" {
            check_map(fc.source(), map, name, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::check_env;

    #[test]
    fn flags_first_unsorted_key() {
        let src =
            "all:\n  children:\n    b:\n    a:\n    c:\n      hosts:\n        z:\n        y:\n";
        assert_eq!(
            check_env(src, Code::SortOrder),
            vec!["inventory/DEV/hosts.yml:4", "inventory/DEV/hosts.yml:8"]
        );
    }

    #[test]
    fn passes_sorted_and_is_off_by_default() {
        assert!(check_env("all:\n  children:\n    a:\n    b:\n", Code::SortOrder).is_empty());
        let files = [("inventory/DEV/hosts.yml", "b:\na:\n")];
        assert!(crate::rules::testing::lines(&files, "", Code::SortOrder).is_empty());
    }
}
