//! Diagnostics: what a rule found, where, and how bad it is.

use crate::source::{LineCol, SourceFile, Span};
use serde::Serialize;
use std::sync::Arc;

/// Stable rule codes (see `git-inventory rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    YamlSyntax,
    DuplicateKey,
    Schema,
    Yaml11Key,
    GroupName,
    HostName,
    GroupGraph,
    DomainGroupName,
    DomainMismatch,
    DomainExclusive,
    UndeclaredGroup,
    DuplicateHostEnv,
    DuplicateHostAlias,
    DuplicateAddress,
    ConflictingVars,
    DanglingSymlink,
    SortOrder,
}

impl Code {
    pub const ALL: [Code; 17] = [
        Code::YamlSyntax,
        Code::DuplicateKey,
        Code::Schema,
        Code::Yaml11Key,
        Code::GroupName,
        Code::HostName,
        Code::GroupGraph,
        Code::DomainGroupName,
        Code::DomainMismatch,
        Code::DomainExclusive,
        Code::UndeclaredGroup,
        Code::DuplicateHostEnv,
        Code::DuplicateHostAlias,
        Code::DuplicateAddress,
        Code::ConflictingVars,
        Code::DanglingSymlink,
        Code::SortOrder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "INV001",
            Code::DuplicateKey => "INV002",
            Code::Schema => "INV003",
            Code::Yaml11Key => "INV004",
            Code::GroupName => "INV005",
            Code::HostName => "INV006",
            Code::GroupGraph => "INV007",
            Code::DomainGroupName => "INV010",
            Code::DomainMismatch => "INV011",
            Code::DomainExclusive => "INV012",
            Code::UndeclaredGroup => "INV013",
            Code::DuplicateHostEnv => "INV020",
            Code::DuplicateHostAlias => "INV021",
            Code::DuplicateAddress => "INV022",
            Code::ConflictingVars => "INV023",
            Code::DanglingSymlink => "INV030",
            Code::SortOrder => "INV040",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::DuplicateKey => "duplicate-key",
            Code::Schema => "schema",
            Code::Yaml11Key => "yaml11-key",
            Code::GroupName => "group-name",
            Code::HostName => "host-name",
            Code::GroupGraph => "group-graph",
            Code::DomainGroupName => "domain-group-name",
            Code::DomainMismatch => "domain-mismatch",
            Code::DomainExclusive => "domain-exclusive",
            Code::UndeclaredGroup => "undeclared-group",
            Code::DuplicateHostEnv => "duplicate-host-env",
            Code::DuplicateHostAlias => "duplicate-host-alias",
            Code::DuplicateAddress => "duplicate-address",
            Code::ConflictingVars => "conflicting-vars",
            Code::DanglingSymlink => "dangling-symlink",
            Code::SortOrder => "sort-order",
        }
    }

    /// Parse `INV003` or `schema` (case-insensitive).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.name().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "off" | "ignore" | "none" => Some(Severity::Off),
            "warning" | "warn" => Some(Severity::Warning),
            "error" | "deny" => Some(Severity::Error),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

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

/// The errors of `after` that `before` did not have: a finding counts as
/// the same when its file, code and message are (not its line: an edit
/// above it moves it), each one of `before` standing for one of `after`.
/// Also how many of `after`'s errors were already there.
pub fn new_errors<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
) -> (Vec<&'a Diagnostic>, usize) {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.path().to_string(), d.code, d.message.clone());
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
