//! INV030 dangling-symlink: a symlink that escapes the repository or points nowhere

use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::DanglingSymlink,
    doc: "## What it does
Reports a symbolic link in the inventory tree whose target does not exist,
lies outside the repository (an absolute path, too many `..`), or loops.

## Why is this bad?
Environments share `xenv_groups.yml` through symlinks. A broken link makes
`ansible-inventory -i inventory/<ENV>/` fail outright (\"Completely failed to
parse inventory source\"); a link out of the repository makes the inventory
depend on whatever the machine running Ansible happens to have there.

## Example
```text
inventory/PROD/xenv_groups.yml -> ../xenv_group.yml     (typo: no such file)
inventory/PROD/hosts.yml -> /home/me/hosts.yml          (outside the repo)
```

## Use instead
```text
inventory/PROD/xenv_groups.yml -> ../xenv_groups.yml
```",
    check,
    file: None,
    item: None,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for l in cx
        .links
        .iter()
        .filter(|l| !matches!(l.error, crate::vfs::ResolveError::NotAFile { .. }))
    {
        let file = SourceFile::new(l.path.clone(), String::new());
        out.push(
            Diagnostic::new(
                Code::DanglingSymlink,
                &file,
                Span::default(),
                l.error.to_string(),
            )
            .with_label("broken link"),
        );
    }
    super::fatal_diagnostics(cx, Code::DanglingSymlink, out);
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::lines;

    #[test]
    fn flags_dangling_and_escaping_links() {
        let files = [
            ("inventory/DEV/hosts.yml", "a:\n  hosts:\n    h:\n"),
            ("inventory/DEV/missing.yml", "->../nowhere.yml"),
            ("inventory/DEV/out.yml", "->../../../etc/passwd"),
        ];
        let got = lines(&files, "", Code::DanglingSymlink);
        assert_eq!(
            got,
            vec!["inventory/DEV/missing.yml:1", "inventory/DEV/out.yml:1"]
        );
    }

    #[test]
    fn passes_links_inside_the_repo() {
        let files = [
            ("inventory/xenv_groups.yml", "all:\n  children:\n    a:\n"),
            ("inventory/DEV/hosts.yml", "a:\n  hosts:\n    h:\n"),
            ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
        ];
        assert!(lines(&files, "", Code::DanglingSymlink).is_empty());
    }
}
