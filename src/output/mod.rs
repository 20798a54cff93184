//! Renderers for a validation [`Report`]:
//! `human` (miette), `json` (stable, documented in README), `github`
//! (workflow commands), `gitlab` (Code Quality report) and `sarif`
//! (SARIF 2.1.0, for code scanning).

pub mod human;
mod sarif;

pub use sarif::sarif;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::validate::Report;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Gitlab,
    Sarif,
}

impl Format {
    /// A format CI systems read, whose paths must be from the git work
    /// tree's root to attach to files (`github`, `gitlab`, `sarif`).
    pub fn for_ci(self) -> bool {
        matches!(self, Format::Github | Format::Gitlab | Format::Sarif)
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

impl<'a> JsonLabel<'a> {
    fn new(l: &'a Label) -> Self {
        let (s, e) = (l.start(), l.end());
        JsonLabel {
            file: &l.file.path,
            line: s.line,
            column: s.column,
            end_line: e.line,
            end_column: e.column,
            message: &l.message,
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: &'a str,
    related: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    files: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The `json` format (version 1; see README "JSON output").
pub fn json(report: &Report) -> String {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let p = JsonLabel::new(&d.primary);
            JsonDiagnostic {
                code: d.code.as_str(),
                name: d.code.name(),
                severity: d.severity,
                message: &d.message,
                file: p.file,
                line: p.line,
                column: p.column,
                end_line: p.end_line,
                end_column: p.end_column,
                label: &d.primary.message,
                related: d.related.iter().map(JsonLabel::new).collect(),
            }
        })
        .collect();
    let r = JsonReport {
        version: 1,
        summary: JsonSummary {
            errors: report.errors(),
            warnings: report.warnings(),
            files: report.files,
        },
        diagnostics,
    };
    serde_json::to_string_pretty(&r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (s, e) = (d.primary.start(), d.primary.end());
        let level = match d.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            gh_escape_prop(d.path()),
            s.line,
            s.column,
            e.line,
            e.column,
            gh_escape_prop(&format!("{} {}", d.code, d.code.name())),
            gh_escape_data(&d.message)
        ));
    }
    out
}

#[derive(Serialize)]
struct GlLines {
    begin: usize,
    end: usize,
}

#[derive(Serialize)]
struct GlLocation<'a> {
    path: &'a str,
    lines: GlLines,
}

#[derive(Serialize)]
struct GlIssue<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: GlLocation<'a>,
}

/// A finding's fingerprint, the same across unrelated edits: its code,
/// file and message and how many identical ones come before it in the
/// file, not its line, so an edit above a finding leaves it the same
/// finding (GitLab and code scanning show it neither fixed nor new).
mod fingerprint {
    use crate::diagnostic::Diagnostic;

    /// The fingerprint of each diagnostic, in order.
    pub fn all(diagnostics: &[Diagnostic]) -> Vec<String> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        diagnostics
            .iter()
            .map(|d| {
                let what = format!("{}\0{}\0{}", d.code, d.path(), d.message_key());
                let nth = seen.entry(what.clone()).or_default();
                *nth += 1;
                format!(
                    "{:016x}",
                    crate::hash::fnv1a(format!("{what}\0{nth}").as_bytes())
                )
            })
            .collect()
    }
}

/// GitLab Code Quality report (a JSON array of issues), fingerprinted
/// with [`fingerprint::all`].
pub fn gitlab(report: &Report) -> String {
    let fingerprints = fingerprint::all(&report.diagnostics);
    let issues: Vec<GlIssue<'_>> = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint): (&Diagnostic, String)| {
            let (s, e) = (d.primary.start(), d.primary.end());
            GlIssue {
                description: format!("{} {}", d.code, d.message),
                check_name: format!("{} {}", d.code, d.code.name()),
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    _ => "minor",
                },
                location: GlLocation {
                    path: d.path(),
                    lines: GlLines {
                        begin: s.line,
                        end: e.line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
}

/// One line per diagnostic: `path:line:col: CODE message` (hooks, pipes).
pub fn short(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let s = d.primary.start();
        out.push_str(&format!(
            "{}:{}:{}: {} [{}] {}\n",
            d.path(),
            s.line,
            s.column,
            d.code,
            d.severity.as_str(),
            d.message
        ));
    }
    out
}

/// The closing summary line.
pub fn summary(report: &Report) -> String {
    let (e, w) = (report.errors(), report.warnings());
    let files = plural(report.files, "file");
    if e == 0 && w == 0 {
        format!("git-inventory: {files} checked, no problems")
    } else {
        format!(
            "git-inventory: {files} checked, {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        )
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
