//! Minimal-diff edits of an inventory file's text, guided by the spans of
//! our YAML parser: only the lines of the host (or group) added or removed
//! change; comments, blank lines, quoting, flow/block style and key order
//! elsewhere stay byte-identical. A mapping whose keys are sorted gets the new
//! key in sorted position; otherwise it is appended. Every edit is re-parsed.

use crate::rules::walk::{key_str, walk, Item};
use crate::yaml::value::resolve_scalar;
use crate::yaml::yaml11::{resolve_plain, Implicit};
use crate::yaml::{self, Node, NodeKind};
use serde_json::Value;

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type R<T> = Result<T, EditError>;

fn parse(text: &str) -> R<Option<Node>> {
    yaml::parse(text, yaml::Limits::default()).map_err(|e| {
        EditError(format!(
            "the file is not valid YAML (byte {}): {}",
            e.span.start, e.message
        ))
    })
}

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

fn render_key(s: &str) -> String {
    render_str(s)
}

/// Byte offset of the start of the line holding `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Byte offset just after the line holding `pos` (after its `\n`).
fn line_end(text: &str, pos: usize) -> usize {
    match text[pos.min(text.len())..].find('\n') {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

/// Column (bytes) of `pos` within its line.
fn column(text: &str, pos: usize) -> usize {
    pos - line_start(text, pos)
}

/// Where a node's own text ends: the end of its last descendant.
fn content_end(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => node.span.end as usize,
        NodeKind::Map(pairs) => match pairs.last() {
            Some((k, v)) => content_end(v).max(k.span.end as usize),
            None => node.span.end as usize,
        },
        NodeKind::Seq(items) => items
            .last()
            .map(content_end)
            .unwrap_or(node.span.end as usize),
    }
}

/// A flow collection (`{...}`, `[...]`) rather than a block one.
fn is_flow(text: &str, node: &Node) -> bool {
    matches!(
        text.as_bytes().get(node.span.start as usize),
        Some(b'{') | Some(b'[')
    )
}

fn is_null(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Scalar { .. })
        && matches!(resolve_scalar(node), Ok(crate::yaml::value::Scalar::Null))
}

fn key_name(k: &Node) -> Option<String> {
    crate::yaml::value::key_string(k).ok().map(String::from)
}

/// Sorted insertion index for `key` among a mapping's keys, or `None` to
/// append (the keys are not sorted).
fn sorted_index(pairs: &[(Node, Node)], key: &str) -> Option<usize> {
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
fn indent_step(text: &str, doc: &Node) -> usize {
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
fn insert_into_block(text: &str, pairs: &[(Node, Node)], key: &str, lines: &str) -> String {
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

/// What kind of entry to ensure in a group's section.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A host under `hosts:`, with vars merged into its mapping.
    Host(&'a [(String, Value)]),
    /// A child group under `children:` (written `name: {}`).
    Child,
    /// A variable under `vars:`.
    Var(&'a Value),
}

fn entry_lines(spec: Entry<'_>, key: &str, indent: usize, step: usize) -> String {
    match spec {
        Entry::Host(vars) => host_lines(key, vars, indent, step),
        Entry::Child => format!("{}{}: {{}}\n", " ".repeat(indent), render_key(key)),
        Entry::Var(v) => format!(
            "{}{}: {}\n",
            " ".repeat(indent),
            render_key(key),
            render_value(v)
        ),
    }
}

fn section_name(spec: Entry<'_>) -> &'static str {
    match spec {
        Entry::Host(_) => "hosts",
        Entry::Child => "children",
        Entry::Var(_) => "vars",
    }
}

/// Lines of a host entry at `indent`, with its vars (block style).
fn host_lines(host: &str, vars: &[(String, Value)], indent: usize, step: usize) -> String {
    let pad = " ".repeat(indent);
    let mut s = format!("{pad}{}:\n", render_key(host));
    for (k, v) in vars {
        s.push_str(&format!(
            "{}{}: {}\n",
            " ".repeat(indent + step),
            render_key(k),
            render_value(v)
        ));
    }
    s
}

/// Replace a null/empty value (`key:` or `key: {}` or `key: ~`) by block lines.
fn replace_empty_value(text: &str, key: &Node, value: &Node, lines: &str) -> String {
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
fn find_group<'a>(doc: &'a Node, group: &str, sec: &str) -> Vec<(&'a Node, &'a Node)> {
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

fn section<'a>(body: &'a Node, name: &str) -> Option<(&'a Node, &'a Node)> {
    body.as_map()?
        .iter()
        .find(|(k, _)| key_str(k) == Some(name))
        .map(|(k, v)| (k, v))
}

/// Outcome of an edit: the new text, or `None` when nothing changes.
pub type Edited = Option<String>;

/// Add `host` (with `vars` merged in) under `group`, creating the group
/// under `all.children` (or at the top level) when the file lacks it.
pub fn add_host(text: &str, group: &str, host: &str, vars: &[(String, Value)]) -> R<Edited> {
    check_host_name(host)?;
    ensure_entry(text, group, host, Entry::Host(vars))
}

/// Make `key` an entry of `group`'s section (hosts, children or vars),
/// creating the section, and the group under `all.children`, when missing.
pub fn ensure_entry(text: &str, group: &str, key: &str, spec: Entry<'_>) -> R<Edited> {
    let sec = section_name(spec);
    let doc = parse(text)?;
    let Some(doc) = doc else {
        let lines = format!(
            "{}:\n  {sec}:\n{}",
            render_key(group),
            entry_lines(spec, key, 4, 2)
        );
        return Ok(Some(format!("{text}{lines}")));
    };
    if !matches!(doc.kind, NodeKind::Map(_)) || is_flow(text, &doc) {
        return Err(EditError(
            "the file's top level is not a block mapping of groups".into(),
        ));
    }
    let step = indent_step(text, &doc);
    let groups = find_group(&doc, group, sec);
    let Some(&(gkey, body)) = groups.first() else {
        return Ok(Some(create_group(text, &doc, group, sec, key, spec, step)?));
    };
    let gcol = column(text, gkey.span.start as usize);
    if is_null(body) || (is_flow(text, body) && body.as_map().is_some_and(|m| m.is_empty())) {
        let lines = format!(
            "{}{sec}:\n{}",
            " ".repeat(gcol + step),
            entry_lines(spec, key, gcol + 2 * step, step)
        );
        return Ok(Some(replace_empty_value(text, gkey, body, &lines)));
    }
    let Some(bpairs) = body.as_map().filter(|_| !is_flow(text, body)) else {
        return Err(EditError(format!(
            "group `{group}` is not a block mapping; edit it by hand"
        )));
    };
    match section(body, sec) {
        None => {
            let col = column(text, bpairs[0].0.span.start as usize);
            let lines = format!(
                "{}{sec}:\n{}",
                " ".repeat(col),
                entry_lines(spec, key, col + step, step)
            );
            Ok(Some(insert_into_block(text, bpairs, sec, &lines)))
        }
        Some((skey, smap)) => {
            let scol = column(text, skey.span.start as usize);
            if is_null(smap) || (is_flow(text, smap) && smap.as_map().is_some_and(|m| m.is_empty()))
            {
                let lines = entry_lines(spec, key, scol + step, step);
                return Ok(Some(replace_empty_value(text, skey, smap, &lines)));
            }
            let Some(pairs) = smap.as_map() else {
                return Err(EditError(format!(
                    "`{sec}` of group `{group}` is not a mapping"
                )));
            };
            if let Some((k, v)) = pairs
                .iter()
                .find(|(k, _)| key_name(k).as_deref() == Some(key))
            {
                return match spec {
                    Entry::Host(vars) => merge_vars(text, k, v, vars, step),
                    Entry::Child => Ok(None),
                    Entry::Var(val) => {
                        if crate::yaml::value::to_json(v).ok().as_ref() == Some(val) {
                            Ok(None)
                        } else if v.span.is_empty() {
                            Ok(Some(apply(
                                text,
                                vec![(
                                    k.span.end as usize,
                                    k.span.end as usize + 1,
                                    format!(": {}", render_value(val)),
                                )],
                            )))
                        } else {
                            Ok(Some(apply(
                                text,
                                vec![(
                                    v.span.start as usize,
                                    v.span.end as usize,
                                    render_value(val),
                                )],
                            )))
                        }
                    }
                };
            }
            if is_flow(text, smap) {
                return Ok(Some(match spec {
                    Entry::Host(vars) => append_flow(text, smap, key, vars),
                    Entry::Child => append_flow(text, smap, key, &[]),
                    Entry::Var(val) => append_flow_value(text, smap, key, val),
                }));
            }
            let col = column(text, pairs[0].0.span.start as usize);
            Ok(Some(insert_into_block(
                text,
                pairs,
                key,
                &entry_lines(spec, key, col, step),
            )))
        }
    }
}

fn append_flow_value(text: &str, map: &Node, key: &str, val: &Value) -> String {
    let close = (map.span.end as usize).saturating_sub(1);
    let close = text[..=close.min(text.len().saturating_sub(1))]
        .rfind('}')
        .unwrap_or(close);
    let trimmed = text[..close].trim_end();
    let sep = if trimmed.ends_with(['{', ',']) {
        " "
    } else {
        ", "
    };
    format!(
        "{trimmed}{sep}{}: {}{}",
        render_key(key),
        render_value(val),
        &text[trimmed.len()..]
    )
}

/// Append `host: {vars}` to a non-empty flow mapping.
fn append_flow(text: &str, map: &Node, host: &str, vars: &[(String, Value)]) -> String {
    let close = (map.span.end as usize).saturating_sub(1);
    let close = text[..=close.min(text.len().saturating_sub(1))]
        .rfind('}')
        .unwrap_or(close);
    // Keep the line's own spacing: `{a: 1}` -> `{a: 1, h: }`,
    // `{w1: , w2: }` -> `{w1: , w2: , h: }`.
    let trimmed = text[..close].trim_end();
    let ws = &text[trimmed.len()..close];
    let colon_gap = if trimmed.ends_with(':') { " " } else { "" };
    let sep = if trimmed.ends_with(['{', ',']) {
        " "
    } else {
        ", "
    };
    let val = if vars.is_empty() {
        String::new()
    } else {
        format!(
            "{{{}}}",
            vars.iter()
                .map(|(k, v)| format!("{}: {}", render_key(k), render_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let entry = if val.is_empty() {
        format!("{}:", render_key(host))
    } else {
        format!("{}: {val}", render_key(host))
    };
    let tail_ws = if ws.is_empty() && val.is_empty() {
        " "
    } else {
        ws
    };
    format!(
        "{trimmed}{colon_gap}{sep}{entry}{tail_ws}{}",
        &text[close..]
    )
}

/// Merge vars into an existing host entry.
fn merge_vars(
    text: &str,
    key: &Node,
    value: &Node,
    vars: &[(String, Value)],
    step: usize,
) -> R<Edited> {
    if vars.is_empty() {
        return Ok(None);
    }
    let existing: Vec<(String, &Node, &Node)> = value
        .as_map()
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| key_name(k).map(|n| (n, k, v)))
        .collect();
    let mut out = text.to_string();
    // Work from the end of the file backwards so spans stay valid.
    let mut replacements: Vec<(usize, usize, String)> = Vec::new();
    let mut missing: Vec<(String, Value)> = Vec::new();
    for (k, v) in vars {
        match existing.iter().find(|(n, _, _)| n == k) {
            Some((_, _, vn)) => {
                let same = crate::yaml::value::to_json(vn).ok().as_ref() == Some(v);
                if !same {
                    replacements.push((
                        vn.span.start as usize,
                        vn.span.end as usize,
                        render_value(v),
                    ));
                }
            }
            None => missing.push((k.clone(), v.clone())),
        }
    }
    if replacements.is_empty() && missing.is_empty() {
        return Ok(None);
    }
    if !missing.is_empty() {
        let kcol = column(text, key.span.start as usize);
        if is_null(value) || (is_flow(text, value) && existing.is_empty()) {
            let lines: String = missing
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{}: {}\n",
                        " ".repeat(kcol + step),
                        render_key(k),
                        render_value(v)
                    )
                })
                .collect();
            let edited = replace_empty_value(&out, key, value, &lines);
            return Ok(Some(apply(&edited, replacements)));
        }
        if is_flow(text, value) {
            let close = text[..value.span.end as usize]
                .rfind('}')
                .unwrap_or(value.span.end as usize);
            let before = text[..close].trim_end();
            let add: String = missing
                .iter()
                .map(|(k, v)| format!(", {}: {}", render_key(k), render_value(v)))
                .collect();
            replacements.push((before.len(), before.len(), add));
        } else if let Some(pairs) = value.as_map() {
            let col = column(text, pairs[0].0.span.start as usize);
            let at = line_end(text, content_end(value));
            let lines: String = missing
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{}: {}\n",
                        " ".repeat(col),
                        render_key(k),
                        render_value(v)
                    )
                })
                .collect();
            replacements.push((at, at, lines));
        } else {
            return Err(EditError("the host's value is not a mapping".into()));
        }
    }
    out = apply(&out, replacements);
    Ok(Some(out))
}

fn apply(text: &str, mut reps: Vec<(usize, usize, String)>) -> String {
    reps.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (s, e, t) in reps {
        out.replace_range(s..e, &t);
    }
    out
}

/// Create a group holding the host: under `all.children` when the file
/// has it, else at the top level.
fn create_group(
    text: &str,
    doc: &Node,
    group: &str,
    sec: &str,
    key: &str,
    spec: Entry<'_>,
    step: usize,
) -> R<String> {
    // `<group>:` / `<sec>:` / the entry, at a given indentation.
    let block = |col: usize| {
        format!(
            "{}{}:\n{}{sec}:\n{}",
            " ".repeat(col),
            render_key(group),
            " ".repeat(col + step),
            entry_lines(spec, key, col + 2 * step, step)
        )
    };
    let root = doc.as_map().unwrap_or(&[]);
    if let Some((_, abody)) = root.iter().find(|(k, _)| key_str(k) == Some("all")) {
        if let Some((ckey, children)) = section(abody, "children") {
            if let Some(cpairs) = children
                .as_map()
                .filter(|m| !m.is_empty() && !is_flow(text, children))
            {
                let col = column(text, cpairs[0].0.span.start as usize);
                return Ok(insert_into_block(text, cpairs, group, &block(col)));
            }
            if is_null(children) {
                let col = column(text, ckey.span.start as usize) + step;
                return Ok(replace_empty_value(text, ckey, children, &block(col)));
            }
        } else if let Some(apairs) = abody
            .as_map()
            .filter(|m| !m.is_empty() && !is_flow(text, abody))
        {
            let col = column(text, apairs[0].0.span.start as usize);
            let lines = format!("{}children:\n{}", " ".repeat(col), block(col + step));
            return Ok(insert_into_block(text, apairs, "children", &lines));
        }
    }
    Ok(insert_into_block(text, root, group, &block(0)))
}

/// Remove every definition of `group` (its key and body lines), wherever it
/// is defined or listed as a child. Returns the new text, if anything changed.
pub fn remove_group(text: &str, group: &str) -> R<Edited> {
    let Some(doc) = parse(text)? else {
        return Ok(None);
    };
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let root_pairs = doc.as_map().unwrap_or(&[]);
    for (i, (k, v)) in root_pairs.iter().enumerate() {
        if key_str(k) == Some(group) {
            let _ = i;
            cuts.push((
                line_start(text, k.span.start as usize),
                line_end(text, content_end(v).max(k.span.end as usize)),
                String::new(),
            ));
        }
    }
    walk(&doc, &mut |item| {
        if let Item::Section {
            name: "children",
            map,
            ..
        } = item
        {
            let Some(pairs) = map.as_map() else { return };
            for (i, (k, v)) in pairs.iter().enumerate() {
                if key_str(k) == Some(group) {
                    if is_flow(text, map) {
                        cuts.push(flow_cut(map, pairs, i));
                    } else {
                        cuts.push((
                            line_start(text, k.span.start as usize),
                            line_end(text, content_end(v).max(k.span.end as usize)),
                            String::new(),
                        ));
                    }
                }
            }
        }
    });
    if cuts.is_empty() {
        return Ok(None);
    }
    // A definition nested in a removed one is dropped with it.
    cuts.sort_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
    let mut kept: Vec<(usize, usize, String)> = Vec::new();
    for c in cuts {
        if kept.last().is_some_and(|k| c.0 >= k.0 && c.1 <= k.1) {
            continue;
        }
        kept.push(c);
    }
    Ok(Some(apply(text, kept)))
}

/// Remove `host` from the `hosts:` of the given groups (every group when
/// `groups` is `None`). Returns the new text and the groups it was removed from.
pub fn remove_host(text: &str, host: &str, groups: Option<&[String]>) -> R<(Edited, Vec<String>)> {
    let Some(doc) = parse(text)? else {
        return Ok((None, Vec::new()));
    };
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    let mut problem: Option<String> = None;
    walk(&doc, &mut |item| {
        if let Item::Section {
            name: "hosts",
            map,
            group,
        } = item
        {
            let gname = key_str(group).unwrap_or_default().to_string();
            if let Some(gs) = groups {
                if !gs.contains(&gname) {
                    return;
                }
            }
            let Some(pairs) = map.as_map() else { return };
            for (i, (k, v)) in pairs.iter().enumerate() {
                let Some(name) = key_str(k) else { continue };
                if name == host {
                    if is_flow(text, map) {
                        cuts.push(flow_cut(map, pairs, i));
                    } else {
                        let start = line_start(text, k.span.start as usize);
                        let end = line_end(text, content_end(v).max(k.span.end as usize));
                        cuts.push((start, end, String::new()));
                    }
                    if !removed.contains(&gname) {
                        removed.push(gname.clone());
                    }
                } else if name.contains('[') {
                    if let Ok((names, _)) = crate::hostpattern::expand_hostpattern(name, 1_000_000)
                    {
                        if names.iter().any(|n| n == host) && problem.is_none() {
                            problem = Some(format!(
                                "`{host}` is part of the range `{name}` in group `{gname}`: split the range by hand"
                            ));
                        }
                    }
                }
            }
        }
    });
    if let Some(p) = problem {
        return Err(EditError(p));
    }
    if cuts.is_empty() {
        return Ok((None, removed));
    }
    Ok((Some(apply(text, cuts)), removed))
}

/// The text range to drop for entry `i` of a flow mapping (with one comma).
fn flow_cut(map: &Node, pairs: &[(Node, Node)], i: usize) -> (usize, usize, String) {
    if pairs.len() == 1 {
        return (map.span.start as usize, map.span.end as usize, "{}".into());
    }
    let (k, v) = &pairs[i];
    let start = k.span.start as usize;
    let end = content_end(v).max(k.span.end as usize);
    if i + 1 < pairs.len() {
        // up to the next key
        (start, pairs[i + 1].0.span.start as usize, String::new())
    } else {
        // from the end of the previous entry (drops the comma before)
        let prev_end = content_end(&pairs[i - 1].1).max(pairs[i - 1].0.span.end as usize);
        (prev_end, end, String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines_changed(a: &str, b: &str) -> (usize, usize) {
        let d = similar::TextDiff::from_lines(a, b);
        let mut add = 0;
        let mut del = 0;
        for c in d.iter_all_changes() {
            match c.tag() {
                similar::ChangeTag::Insert => add += 1,
                similar::ChangeTag::Delete => del += 1,
                _ => {}
            }
        }
        (add, del)
    }

    const INV: &str = "---\n# header comment\nall:\n  children:\n    # web servers\n    web:\n      hosts:\n        a.x.int:   # first\n        c.x.int: {ansible_host: \"10.0.0.3\"}\n      vars:\n        tier: web\n    zz_unsorted:\n      hosts:\n        b: ~\n        a:\n";

    #[test]
    fn adds_in_sorted_position_and_only_those_lines() {
        let out = add_host(INV, "web", "b.x.int", &[]).unwrap().unwrap();
        assert!(
            out.contains("        a.x.int:   # first\n        b.x.int:\n        c.x.int:"),
            "{out}"
        );
        assert_eq!(lines_changed(INV, &out), (1, 0));
        let out = add_host(
            INV,
            "zz_unsorted",
            "c",
            &[("ansible_host".into(), json!("10.0.0.9"))],
        )
        .unwrap()
        .unwrap();
        assert!(
            out.ends_with("        a:\n        c:\n          ansible_host: 10.0.0.9\n"),
            "{out}"
        );
        assert_eq!(lines_changed(INV, &out), (2, 0));
    }

    #[test]
    fn adding_twice_is_a_no_op() {
        let once = add_host(INV, "web", "b.x.int", &[("k".into(), json!(1))])
            .unwrap()
            .unwrap();
        assert_eq!(
            add_host(&once, "web", "b.x.int", &[("k".into(), json!(1))]).unwrap(),
            None
        );
        assert_eq!(
            add_host(
                INV,
                "web",
                "c.x.int",
                &[("ansible_host".into(), json!("10.0.0.3"))]
            )
            .unwrap(),
            None
        );
    }

    #[test]
    fn merges_vars_into_existing_entries() {
        let out = add_host(
            INV,
            "web",
            "c.x.int",
            &[
                ("ansible_host".into(), json!("10.0.0.4")),
                ("u".into(), json!("x")),
            ],
        )
        .unwrap()
        .unwrap();
        assert!(
            out.contains("c.x.int: {ansible_host: 10.0.0.4, u: x}"),
            "{out}"
        );
        let out = add_host(INV, "web", "a.x.int", &[("u".into(), json!("x"))])
            .unwrap()
            .unwrap();
        assert!(
            out.contains("        a.x.int:   # first\n          u: x\n"),
            "{out}"
        );
    }

    #[test]
    fn creates_missing_sections_and_groups() {
        let out = add_host(INV, "db", "d1", &[]).unwrap().unwrap();
        assert!(
            out.contains("        a:\n")
                && out.contains("    db:\n      hosts:\n        d1:\n    web:"),
            "{out}"
        );
        assert_eq!(lines_changed(INV, &out), (3, 0));
        let t = "web:\n  vars:\n    x: 1\nother: {}\n";
        let out = add_host(t, "web", "h", &[]).unwrap().unwrap();
        assert_eq!(
            out,
            "web:\n  hosts:\n    h:\n  vars:\n    x: 1\nother: {}\n"
        );
        let out = add_host(t, "other", "h", &[]).unwrap().unwrap();
        assert_eq!(out, "web:\n  vars:\n    x: 1\nother:\n  hosts:\n    h:\n");
        let out = add_host("g:\n  hosts:\n", "g", "h", &[]).unwrap().unwrap();
        assert_eq!(out, "g:\n  hosts:\n    h:\n");
        let out = add_host("g:\n  hosts: {a: 1}\n", "g", "h", &[])
            .unwrap()
            .unwrap();
        assert_eq!(out, "g:\n  hosts: {a: 1, h: }\n");
        assert!(crate::yaml::parse(&out, Default::default())
            .unwrap()
            .is_some());
    }

    #[test]
    fn removes_only_the_entry_lines() {
        let (out, from) = remove_host(INV, "c.x.int", None).unwrap();
        let out = out.unwrap();
        assert_eq!(from, vec!["web"]);
        assert_eq!(lines_changed(INV, &out), (0, 1));
        let (out, from) = remove_host(INV, "a", Some(&["web".to_string()])).unwrap();
        assert!(out.is_none() && from.is_empty());
        let (out, _) = remove_host("g:\n  hosts: {a: 1, b: 2, c: 3}\n", "b", None).unwrap();
        assert_eq!(out.unwrap(), "g:\n  hosts: {a: 1, c: 3}\n");
        let (out, _) = remove_host("g:\n  hosts: {a: 1, b: 2}\n", "b", None).unwrap();
        assert_eq!(out.unwrap(), "g:\n  hosts: {a: 1}\n");
        assert!(remove_host("g:\n  hosts:\n    w[1:3]:\n", "w2", None).is_err());
    }

    #[test]
    fn groups_children_and_vars() {
        let t = "all:\n  children:\n    b:\n      hosts:\n        h1:\n    d: {}\n";
        let out = ensure_entry(t, "all", "c", Entry::Child).unwrap().unwrap();
        assert_eq!(
            out,
            "all:\n  children:\n    b:\n      hosts:\n        h1:\n    c: {}\n    d: {}\n"
        );
        assert_eq!(ensure_entry(&out, "all", "c", Entry::Child).unwrap(), None);
        let out = ensure_entry(t, "d", "x", Entry::Var(&json!(1)))
            .unwrap()
            .unwrap();
        assert_eq!(out, "all:\n  children:\n    b:\n      hosts:\n        h1:\n    d:\n      vars:\n        x: 1\n");
        let again = ensure_entry(&out, "d", "x", Entry::Var(&json!(2)))
            .unwrap()
            .unwrap();
        assert!(again.ends_with("        x: 2\n"), "{again}");
        let out = ensure_entry(t, "newp", "b", Entry::Child).unwrap().unwrap();
        assert!(
            out.contains("    newp:\n      children:\n        b: {}\n"),
            "{out}"
        );
        let out = remove_group(t, "b").unwrap().unwrap();
        assert_eq!(out, "all:\n  children:\n    d: {}\n");
    }

    #[test]
    fn refuses_dangerous_names() {
        for bad in ["a b", "a\nb", "a: b", "#x", "", "x'y"] {
            assert!(check_host_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_host_name("web01.dettonville.int").is_ok());
        assert_eq!(render_value(&json!("yes")), "\"yes\"");
        assert_eq!(render_value(&json!("0755")), "\"0755\"");
        assert_eq!(render_value(&json!("10.0.0.1")), "10.0.0.1");
    }
}
