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
}

impl Diagnostic {
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

/// The findings of `after` that `before` did not have (any severity),
/// judged as [`new_errors`] judges errors; how many were already there.
pub fn drop_present(after: &mut Vec<Diagnostic>, before: &[Diagnostic]) -> usize {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.path().to_string(), d.code, d.message_key());
    let mut had: HashMap<(String, Code, String), usize> = HashMap::new();
    for d in before {
        *had.entry(key(d)).or_default() += 1;
    }
    let n = after.len();
    after.retain(|d| match had.get_mut(&key(d)) {
        Some(k) if *k > 0 => {
            *k -= 1;
            false
        }
        _ => true,
    });
    n - after.len()
}

/// The errors of `after` that `before` did not have: a finding counts as
/// the same when its file, code and message are (not its line: an edit
/// above it moves it, and the positions its message quotes are left out),
/// each one of `before` standing for one of `after`. Also how many of
/// `after`'s errors were already there.
pub fn new_errors<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
) -> (Vec<&'a Diagnostic>, usize) {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.path().to_string(), d.code, d.message_key());
    let mut had: HashMap<(String, Code, String), usize> = HashMap::new();
    for d in before.iter().filter(|d| d.severity == Severity::Error) {
        *had.entry(key(d)).or_default() += 1;
    }
    let mut old = 0;
    let new = after
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| match had.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                old += 1;
                false
            }
            _ => true,
        })
        .collect();
    (new, old)
}
