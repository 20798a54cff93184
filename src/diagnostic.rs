//! Diagnostics: what a rule found, where, and how bad it is.

pub use crate::codes::{Code, Severity};
use crate::source::{LineCol, SourceFile, Span};
use std::sync::Arc;

/// A labelled span in some file.
#[derive(Debug, Clone)]
pub struct Label {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Label {
        Label {
            file: file.clone(),
            span,
            message: message.into(),
        }
    }
    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start)
    }
    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end)
    }
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// The environment whose view produced it, when it is a cross-file finding.
    pub env: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: Code,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let message = message.into();
        Diagnostic {
            code,
            severity: Severity::Error,
            primary: Label::new(file, span, ""),
            message,
            related: Vec::new(),
            env: None,
        }
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.primary.message = label.into();
        self
    }
    pub fn related(mut self, file: &Arc<SourceFile>, span: Span, msg: impl Into<String>) -> Self {
        self.related.push(Label::new(file, span, msg));
        self
    }
    pub fn path(&self) -> &str {
        &self.primary.file.path
    }
    /// Ordering key: file, position, code.
    pub fn sort_key(&self) -> (String, u32, Code) {
        (
            self.primary.file.path.clone(),
            self.primary.span.start,
            self.code,
        )
    }
}

impl Diagnostic {
    /// The finding on one line, as hooks, CI logs and the updater print
    /// it: `path:line:col: CODE message`.
    pub fn finding_line(&self) -> String {
        let lc = self.primary.start();
        format!(
            "{}:{}:{}: {} {}",
            self.path(),
            lc.line,
            lc.column,
            self.code,
            self.message
        )
    }

    /// Its message with the positions it quotes left out: what tells the
    /// same finding apart from others across edits elsewhere in its file.
    pub fn message_key(&self) -> String {
        without_positions(&self.message)
    }
}

/// A message with the positions it quotes (`first at line 12`,
/// `at inventory/DEV/hosts.yml:42`) left out.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = [rest.find("line "), rest.find(':')]
            .into_iter()
            .flatten()
            .min();
        let Some(i) = next else { break };
        let skip = if rest[i..].starts_with("line ") { 5 } else { 1 };
        out.push_str(&rest[..i + skip]);
        rest = rest[i + skip..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    }
    out.push_str(rest);
    out
}

/// Findings counted by what makes two the same one: file, code and
/// message (not the line: an edit above a finding moves it; and the
/// positions its message quotes are left out).
struct Present(std::collections::HashMap<(String, Code, String), usize>);

impl Present {
    fn key(d: &Diagnostic) -> (String, Code, String) {
        (d.path().to_string(), d.code, d.message_key())
    }

    fn of<'a>(found: impl Iterator<Item = &'a Diagnostic>) -> Present {
        let mut had = std::collections::HashMap::new();
        for d in found {
            *had.entry(Present::key(d)).or_default() += 1;
        }
        Present(had)
    }

    /// Whether `d` was present (each one present stands for one `d`).
    fn take(&mut self, d: &Diagnostic) -> bool {
        match self.0.get_mut(&Present::key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// Put `prefix` before the path of every file the diagnostics name (a
/// repository in a subfolder of its git work tree, reported from the work
/// tree's root). Each file is copied once, however many findings it has.
pub fn rebase(diagnostics: &mut [Diagnostic], prefix: &str) {
    if prefix.is_empty() {
        return;
    }
    // Keyed by the old file's address; the old file is kept alive with
    // its copy so that no address is reused while the map lives.
    type Moved = (Arc<SourceFile>, Arc<SourceFile>);
    let mut moved: std::collections::HashMap<*const SourceFile, Moved> =
        std::collections::HashMap::new();
    let mut relabel = |l: &mut Label| {
        let (_, to) = moved.entry(Arc::as_ptr(&l.file)).or_insert_with(|| {
            let copy = SourceFile::new(format!("{prefix}{}", l.file.path), l.file.text.clone());
            (l.file.clone(), copy)
        });
        l.file = to.clone();
    };
    for d in diagnostics {
        relabel(&mut d.primary);
        d.related.iter_mut().for_each(&mut relabel);
    }
}

/// Drop the findings of `after` that `before` had too (any severity, the
/// same as [`new_errors`] judges); how many were dropped.
pub fn drop_present(after: &mut Vec<Diagnostic>, before: &[Diagnostic]) -> usize {
    let mut present = Present::of(before.iter());
    let n = after.len();
    after.retain(|d| !present.take(d));
    n - after.len()
}

/// The errors of `after` that `before` did not have, each error of
/// `before` standing for one of `after` that is the same finding (file,
/// code, message; not the line). Also how many of `after`'s errors were
/// already there.
pub fn new_errors<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
) -> (Vec<&'a Diagnostic>, usize) {
    let is_error = |d: &&Diagnostic| d.severity == Severity::Error;
    let mut present = Present::of(before.iter().filter(is_error));
    let (old, new): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        after.iter().filter(is_error).partition(|d| present.take(d));
    (new, old.len())
}
