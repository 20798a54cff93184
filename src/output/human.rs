//! Human output through miette, with a `SourceCode` that answers from our
//! precomputed line index instead of rescanning the file for every label.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// A file as miette sees it.
#[derive(Debug, Clone)]
pub struct Source(pub Arc<SourceFile>);

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let f = &self.0;
        let text = f.text.as_bytes();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = f.line_col(start as u32).line; // 1-based
        let last = f.line_col(end.saturating_sub(1).max(start) as u32).line;
        let from_line = first.saturating_sub(before).max(1);
        let to_line = (last + after).min(f.line_count());
        let (data_start, column) = if before == 0 {
            (start, f.line_col(start as u32).column - 1)
        } else {
            (f.line_start(from_line) as usize, 0)
        };
        let data_end = if to_line >= f.line_count() {
            text.len()
        } else {
            f.line_start(to_line + 1) as usize
        }
        .max(end);
        Ok(Box::new(MietteSpanContents::new_named(
            f.path.clone(),
            &text[data_start..data_end],
            SourceSpan::from(data_start..data_end),
            from_line - 1,
            column,
            to_line - from_line + 1,
        )))
    }
}

/// One diagnostic (and its labels in one file) for miette.
#[derive(Debug)]
struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    source: Source,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(&self.code))
        }
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.source.0.text.is_empty() {
            None
        } else {
            Some(&self.source)
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.0.text.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn span_of(l: &Label) -> SourceSpan {
    let len = l.span.len().max(if l.file.text.is_empty() { 0 } else { 1 });
    let start = (l.span.start as usize).min(l.file.text.len());
    let len = len.min(l.file.text.len() - start);
    SourceSpan::from(start..start + len)
}

fn convert(d: &Diagnostic) -> Rendered {
    let lc = d.primary.start();
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(d.primary.message.clone()).filter(|m| !m.is_empty()),
        span_of(&d.primary),
    )];
    let mut related = Vec::new();
    for r in &d.related {
        if Arc::ptr_eq(&r.file, &d.primary.file) || r.file.path == d.primary.file.path {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                span_of(r),
            ));
        } else {
            let rl = r.start();
            related.push(Rendered {
                message: format!("{}:{}:{}: {}", r.file.path, rl.line, rl.column, r.message),
                code: String::new(),
                severity: miette::Severity::Advice,
                source: Source(r.file.clone()),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(r.message.clone()),
                    span_of(r),
                )],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        message: format!("{}:{}:{}: {}", d.path(), lc.line, lc.column, d.message),
        code: format!("{} {}", d.code, d.code.name()),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            _ => miette::Severity::Warning,
        },
        source: Source(d.primary.file.clone()),
        labels,
        related,
    }
}

/// Render diagnostics for a terminal (`color`) or a pipe.
pub fn render(diags: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        let r = convert(d);
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&d.finding_line());
            out.push('\n');
        }
    }
    out
}
