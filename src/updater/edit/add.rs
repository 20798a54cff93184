//! Adding a host, a child group or a var to a group's section, creating
//! the section and the group when the file lacks them.

use super::layout::{
    apply, column, content_end, find_group, indent_step, insert_into_block, is_flow, is_null,
    key_name, line_end, parse, replace_empty_value, section,
};
use super::render::{check_host_name, render_key, render_value};
use super::result::{EditError, Edited, R};
use crate::rules::walk::key_str;
use crate::yaml::{Node, NodeKind};
use serde_json::Value;

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
    if !matches!(doc.kind, NodeKind::Map { .. }) || is_flow(text, &doc) {
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
