//! SARIF 2.1.0 (`--format sarif`): one run whose driver lists every rule,
//! one result per finding, for GitHub code scanning and other SARIF readers.
//! Columns count Unicode code points (as every other format here does);
//! `endColumn` is the column after the last character, as SARIF wants.

use super::fingerprint;
use crate::diagnostic::{Code, Diagnostic, Label, Severity};
use crate::validate::Report;
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log of a report.
pub fn sarif(report: &Report) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&c| rule(c)).collect();
    let fingerprints = fingerprint::all(&report.diagnostics);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fp)| result(d, fp))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "git-inventory",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into())
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Off => "none",
    }
}

fn rule(code: Code) -> Value {
    let doc = crate::rules::rule_markdown(code);
    json!({
        "id": code.as_str(),
        "name": code.name(),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": code.summary()},
        "help": {
            "text": doc,
            "markdown": doc,
        },
        "defaultConfiguration": {"level": level(code.default_severity())},
    })
}

fn result(d: &Diagnostic, fingerprint: String) -> Value {
    let index = Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0);
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": {"text": d.message},
        "locations": [location(&d.primary, None)],
        "partialFingerprints": {"gitInventory/v1": fingerprint},
    });
    if !d.related.is_empty() {
        r["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| location(l, Some(i)))
            .collect();
    }
    r
}

fn location(l: &Label, id: Option<usize>) -> Value {
    let (s, e) = (l.start(), l.end());
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&l.file.path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": s.line,
                "startColumn": s.column,
                "endLine": e.line,
                "endColumn": e.column,
            },
        },
    });
    if let Some(id) = id {
        loc["id"] = json!(id);
    }
    if !l.message.is_empty() {
        loc["message"] = json!({"text": l.message});
    }
    loc
}

/// A relative path as a URI reference: unreserved characters and `/` as
/// they are, every other byte percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            super::uri("inventory/prod/hosts.yml"),
            "inventory/prod/hosts.yml"
        );
        assert_eq!(super::uri("a b/é#.yml"), "a%20b/%C3%A9%23.yml");
    }
}
