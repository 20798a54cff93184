//! Host names, keys and values written as YAML that Ansible reads back
//! as they were meant.

use super::result::{EditError, R};
use crate::yaml::yaml11::{resolve_plain, Implicit};
use serde_json::Value;

/// A host name safe to write as a key (no YAML or shell surprises).
pub fn check_host_name(name: &str) -> R<()> {
    let bad = name.is_empty()
        || name.len() > 253
        || name.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '#' | '\''
                        | '"'
                        | '{'
                        | '}'
                        | ','
                        | '&'
                        | '*'
                        | '!'
                        | '|'
                        | '>'
                        | '%'
                        | '@'
                        | '`'
                )
        })
        || name.contains(": ")
        || name.starts_with(['-', '?', ':', '['])
        || name.ends_with(':');
    if bad {
        return Err(EditError(format!(
            "`{name}` is not a valid host name to write"
        )));
    }
    Ok(())
}

/// Render a scalar or collection as YAML text that Ansible reads back as `v`.
pub fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => render_str(s),
        Value::Null => "null".into(),
        other => other.to_string(), // JSON is YAML flow syntax
    }
}

fn render_str(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && resolve_plain(s) == Implicit::Str
        && s.chars()
            .all(|c| c.is_alphanumeric() || "._-/@+=~:".contains(c))
        && !s.starts_with(['-', ':', '@', '~', '='])
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains("{{");
    if plain_ok {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

pub(super) fn render_key(s: &str) -> String {
    render_str(s)
}
