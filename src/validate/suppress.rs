//! Inline suppression comments. `# git-inventory: disable=INV040` on the
//! line of a finding (after its YAML) or on a comment line directly above
//! it drops that finding; `# git-inventory: disable-file=INV040` anywhere
//! in a file drops the rule's findings in the whole file. Codes or names,
//! comma-separated, or `all`. A finding is suppressed by a comment in the
//! file it points at.
//!
//! INV001 (the file is not YAML Ansible can read) is never suppressed:
//! Ansible would refuse the inventory whatever a comment says. The hook
//! honours the comments only when the configuration that judges the push
//! (never the push's own) has `hook.inline_suppressions` on.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use std::collections::HashMap;
use std::sync::Arc;

const MARK: &str = "git-inventory:";

/// The rules a directive names: some, or all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rules {
    all: bool,
    codes: Vec<Code>,
}

impl Rules {
    fn covers(&self, code: Code) -> bool {
        self.all || self.codes.contains(&code)
    }
    fn add(&mut self, list: &str) {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.eq_ignore_ascii_case("all") {
                self.all = true;
            } else if let Some(c) = Code::parse(name) {
                self.codes.push(c);
            }
        }
    }
}

/// The directive in one line's comment: (file-wide, the rules), if any.
fn directive(line: &str) -> Option<(bool, &str)> {
    let mut rest = line;
    while let Some(i) = rest.find('#') {
        // A YAML comment starts the line or follows a blank.
        let starts = i == 0 || rest[..i].ends_with([' ', '\t']);
        let after = rest[i + 1..].trim_start();
        if starts {
            if let Some(body) = after.strip_prefix(MARK) {
                let body = body.trim_start();
                let (file, list) = if let Some(l) = body.strip_prefix("disable-file=") {
                    (true, l)
                } else if let Some(l) = body.strip_prefix("disable=") {
                    (false, l)
                } else {
                    return None;
                };
                let end = list.find(char::is_whitespace).unwrap_or(list.len());
                return Some((file, &list[..end]));
            }
        }
        rest = &rest[i + 1..];
    }
    None
}

/// One file's directives: file-wide, and by line (1-based) the rules a
/// line's own comment, or the comment line right above it, names.
#[derive(Default)]
struct FileRules {
    file: Rules,
    lines: HashMap<usize, Rules>,
}

fn file_rules(f: &SourceFile) -> FileRules {
    let mut out = FileRules::default();
    if !f.text.contains(MARK) {
        return out;
    }
    for (i, line) in f.text.lines().enumerate() {
        let Some((whole, list)) = directive(line) else {
            continue;
        };
        if whole {
            out.file.add(list);
            continue;
        }
        out.lines.entry(i + 1).or_default().add(list);
        // A comment-only line speaks for the line below it.
        if line.trim_start().starts_with('#') {
            out.lines.entry(i + 2).or_default().add(list);
        }
    }
    out
}

/// Drop the findings a comment suppresses.
pub fn apply(diagnostics: &mut Vec<Diagnostic>) {
    let mut by_file: HashMap<*const SourceFile, (Arc<SourceFile>, FileRules)> = HashMap::new();
    diagnostics.retain(|d| {
        if d.code == Code::YamlSyntax {
            return true;
        }
        let f = &d.primary.file;
        let (_, rules) = by_file
            .entry(Arc::as_ptr(f))
            .or_insert_with(|| (f.clone(), file_rules(f)));
        if rules.file.covers(d.code) {
            return false;
        }
        let line = f.line_col(d.primary.span.start).line;
        !rules.lines.get(&line).is_some_and(|r| r.covers(d.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_from_comments_only() {
        assert_eq!(
            directive("  h1: {}  # git-inventory: disable=INV040,INV011 why"),
            Some((false, "INV040,INV011"))
        );
        assert_eq!(
            directive("# git-inventory: disable-file=sort-order"),
            Some((true, "sort-order"))
        );
        assert_eq!(
            directive("  url: http://x#git-inventory: disable=all"),
            None
        );
        assert_eq!(directive("# git-inventory: enable=INV040"), None);
        assert_eq!(directive("  h1: {}"), None);
    }

    #[test]
    fn a_comment_line_covers_the_line_below() {
        let f = SourceFile::new(
            "f.yml",
            "a:\n  # git-inventory: disable=INV040\n  b: 1\n  c: 2 # git-inventory: disable=all\n"
                .to_string(),
        );
        let r = file_rules(&f);
        assert!(!r.lines[&3].covers(Code::YamlSyntax));
        assert!(r.lines[&3].covers(Code::parse("INV040").unwrap()));
        assert!(r.lines[&4].all);
        assert!(
            !r.lines.contains_key(&5),
            "a trailing comment covers its own line"
        );
    }
}
