//! Places in a file's text found from the parsed tree's spans: lines,
//! columns, where a node ends, a group's definitions, and the splicing of
//! new text into a block mapping.

use super::result::{EditError, R};
use crate::rules::walk::{key_str, walk, Item};
use crate::yaml::value::resolve_scalar;
use crate::yaml::{self, Node, NodeKind};

pub(super) fn parse(text: &str) -> R<Option<Node>> {
    yaml::parse(text, yaml::Limits::default()).map_err(|e| {
        EditError(format!(
            "the file is not valid YAML (byte {}): {}",
            e.span.start, e.message
        ))
    })
}

/// Byte offset of the start of the line holding `pos`.
pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Byte offset just after the line holding `pos` (after its `\n`).
pub(super) fn line_end(text: &str, pos: usize) -> usize {
    match text[pos.min(text.len())..].find('\n') {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

/// Column (bytes) of `pos` within its line.
pub(super) fn column(text: &str, pos: usize) -> usize {
    pos - line_start(text, pos)
}

/// Where a node's own text ends: the end of its last descendant.
pub(super) fn content_end(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => node.span.end as usize,
        NodeKind::Map { pairs, .. } => match pairs.last() {
            Some((k, v)) => content_end(v).max(k.span.end as usize),
            None => node.span.end as usize,
        },
        NodeKind::Seq { items, .. } => items
            .last()
            .map(content_end)
            .unwrap_or(node.span.end as usize),
    }
}

/// A flow collection (`{...}`, `[...]`) rather than a block one.
pub(super) fn is_flow(text: &str, node: &Node) -> bool {
    matches!(
        text.as_bytes().get(node.span.start as usize),
        Some(b'{') | Some(b'[')
    )
}

pub(super) fn is_null(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Scalar { .. })
        && matches!(resolve_scalar(node), Ok(crate::yaml::value::Scalar::Null))
}

pub(super) fn key_name(k: &Node) -> Option<String> {
    crate::yaml::value::key_string(k).ok().map(String::from)
}

/// Sorted insertion index for `key` among a mapping's keys, or `None` to
/// append (the keys are not sorted).
pub(super) fn sorted_index(pairs: &[(Node, Node)], key: &str) -> Option<usize> {
    let names: Vec<String> = pairs.iter().filter_map(|(k, _)| key_name(k)).collect();
    if names.windows(2).any(|w| w[0] > w[1]) {
        return None;
    }
    Some(
        names
            .iter()
            .position(|n| n.as_str() > key)
            .unwrap_or(names.len()),
    )
}

/// The indentation step the file uses (2 by default).
pub(super) fn indent_step(text: &str, doc: &Node) -> usize {
    if let Some(pairs) = doc.as_map() {
        for (k, v) in pairs {
            if let Some(inner) = v.as_map() {
                if let Some((ik, _)) = inner.first() {
                    if !is_flow(text, v) {
                        let d = column(text, ik.span.start as usize)
                            .saturating_sub(column(text, k.span.start as usize));
                        if d > 0 {
                            return d;
                        }
                    }
                }
            }
        }
    }
    2
}

/// Insert an entry (already indented lines) into a block mapping.
pub(super) fn insert_into_block(
    text: &str,
    pairs: &[(Node, Node)],
    key: &str,
    lines: &str,
) -> String {
    let at = match sorted_index(pairs, key) {
        Some(0) => line_start(text, pairs[0].0.span.start as usize),
        Some(i) => line_end(
            text,
            content_end(&pairs[i - 1].1).max(pairs[i - 1].0.span.end as usize),
        ),
        None => match pairs.last() {
            Some((k, v)) => line_end(text, content_end(v).max(k.span.end as usize)),
            None => text.len(),
        },
    };
    let mut out = String::with_capacity(text.len() + lines.len() + 1);
    out.push_str(&text[..at]);
    if at > 0 && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(lines);
    out.push_str(&text[at..]);
    out
}

/// Replace a null/empty value (`key:` or `key: {}` or `key: ~`) by block lines.
pub(super) fn replace_empty_value(text: &str, key: &Node, value: &Node, lines: &str) -> String {
    let key_end = key.span.end as usize;
    // Everything after the key's colon on that line that is the value goes;
    // a trailing comment stays.
    let colon = text[key_end..]
        .find(':')
        .map(|i| key_end + i + 1)
        .unwrap_or(key_end);
    let val_end = if value.span.is_empty() {
        colon
    } else {
        value.span.end as usize
    };
    let eol = line_end(text, colon);
    let mut out = String::with_capacity(text.len() + lines.len());
    out.push_str(&text[..colon]);
    // What follows the value on its line (spaces, a comment) stays as it was.
    out.push_str(&text[val_end.min(eol)..eol]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(lines);
    out.push_str(&text[eol..]);
    out
}

/// Find a group's definitions in the file: (key, body), preferring one that
/// already has the section `sec`.
pub(super) fn find_group<'a>(doc: &'a Node, group: &str, sec: &str) -> Vec<(&'a Node, &'a Node)> {
    let mut found = Vec::new();
    walk(doc, &mut |item| {
        if let Item::Group { key, body, .. } = item {
            if key_str(key) == Some(group) {
                found.push((key, body));
            }
        }
    });
    // Prefer a definition with the section, then one with a body (not a
    // bare `name: {}` reference under some parent's children).
    found.sort_by_key(|(_, b)| {
        let m = b.as_map().unwrap_or(&[]);
        (
            !m.iter().any(|(k, _)| key_str(k) == Some(sec)),
            m.is_empty(),
        )
    });
    found
}

pub(super) fn section<'a>(body: &'a Node, name: &str) -> Option<(&'a Node, &'a Node)> {
    body.as_map()?
        .iter()
        .find(|(k, _)| key_str(k) == Some(name))
        .map(|(k, v)| (k, v))
}

pub(super) fn apply(text: &str, mut reps: Vec<(usize, usize, String)>) -> String {
    reps.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (s, e, t) in reps {
        out.replace_range(s..e, &t);
    }
    out
}
