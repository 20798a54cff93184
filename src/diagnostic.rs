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
