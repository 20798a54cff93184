//! A file's text made to say given data with the fewest edits: the keys
//! the data drops are deleted (their lines), new keys are inserted in the
//! style of their siblings (sorted position when the siblings are sorted),
//! changed values are rewritten in place, and everything the data keeps
//! stays byte-identical, comments and formatting included. The data is
//! compared as Ansible reads it (YAML 1.1, through [`crate::yaml::value`]).

use super::layout::{
    column, content_end, indent_step, is_flow, is_null, key_name, line_end, line_start, parse,
    sorted_index,
};
use super::render::{render_key, render_value};
use super::result::R;
use crate::yaml::{value, Node, NodeKind};
use serde_json::{Map, Value};

/// One replacement of `text[start..end]`; insertions at one offset keep
/// the order they were made in.
type Edits = Vec<(usize, usize, String)>;

/// `text` edited to say `target` (the whole text rewritten only when its
/// top level is not a block mapping).
pub fn patch_document(text: &str, target: &Value) -> R<String> {
    patch_parsed(text, parse(text)?.as_ref(), target)
}

/// [`patch_document`] with the text's tree already parsed (`doc`).
pub fn patch_parsed(text: &str, doc: Option<&Node>, target: &Value) -> R<String> {
    let Some(doc) = doc else {
        if text.trim().is_empty() {
            return Ok(render_document(target));
        }
        // Comments only: kept, the data after them.
        let mut out = text.to_string();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(render_document(target).trim_start_matches("---\n"));
        return Ok(out);
    };
    if value::to_json(doc).ok().as_ref() == Some(target) {
        return Ok(text.to_string());
    }
    if let (NodeKind::Map { pairs, .. }, Value::Object(t)) = (&doc.kind, target) {
        if !pairs.is_empty() && !t.is_empty() && !is_flow(text, doc) {
            let step = indent_step(text, doc);
            let mut edits = Edits::new();
            if patch_map(text, pairs, t, step, &mut edits) {
                return Ok(apply_edits(text, edits));
            }
        }
    }
    Ok(render_document(target))
}

/// A new file's text for `v` (`---` then block style; `{}` when empty).
pub fn render_document(v: &Value) -> String {
    match v {
        _ if in_block(v) => format!("---\n{}", block(v, 0, 2)),
        Value::Null | Value::Object(_) => "---\n{}\n".into(),
        other => format!("---\n{}\n", render_value(other)),
    }
}

/// Edits making the block mapping `pairs` say `t`; `false` when it cannot
/// be edited in place (merge keys, keys that are not strings, a mapping
/// inside a sequence item's line).
fn patch_map(
    text: &str,
    pairs: &[(Node, Node)],
    t: &Map<String, Value>,
    step: usize,
    edits: &mut Edits,
) -> bool {
    let col = column(text, pairs[0].0.span.start as usize);
    let mut names = Vec::with_capacity(pairs.len());
    for (k, _) in pairs {
        let ls = line_start(text, k.span.start as usize);
        let own_line = text[ls..k.span.start as usize].bytes().all(|b| b == b' ');
        match key_name(k) {
            Some(n) if n != "<<" && own_line => names.push(n),
            _ => return false,
        }
    }
    let null_style = pairs.iter().all(|(_, v)| is_null(v));
    let mut mine = Edits::new();
    for ((k, v), name) in pairs.iter().zip(&names) {
        match t.get(name) {
            None => {
                let start = line_start(text, k.span.start as usize);
                let end = line_end(text, value_end(text, v).max(k.span.end as usize));
                mine.push((start, end, String::new()));
            }
            Some(tv) => patch_entry(text, k, v, tv, col, step, &mut mine),
        }
    }
    // New keys, in the data's order (sorted), those at one place together.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (name, tv) in t {
        if names.iter().any(|n| n == name) {
            continue;
        }
        let at = match sorted_index(pairs, name) {
            Some(0) => line_start(text, pairs[0].0.span.start as usize),
            Some(i) => after_entry(text, &pairs[i - 1]),
            None => after_entry(text, &pairs[pairs.len() - 1]),
        };
        let empty_map = tv.as_object().is_some_and(Map::is_empty);
        let lines = entry_text(name, tv, col, step, null_style && empty_map);
        match inserts.iter_mut().find(|(a, _)| *a == at) {
            Some((_, s)) => s.push_str(&lines),
            None => inserts.push((at, lines)),
        }
    }
    for (at, mut s) in inserts {
        if at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
            s.insert(0, '\n');
        }
        mine.push((at, at, s));
    }
    edits.extend(mine);
    true
}

/// Where the line after an entry begins.
fn after_entry(text: &str, (k, v): &(Node, Node)) -> usize {
    line_end(text, value_end(text, v).max(k.span.end as usize))
}

/// Where a value's text ends: its closing bracket for a flow collection,
/// its last descendant's end for a block one.
fn value_end(text: &str, v: &Node) -> usize {
    if is_flow(text, v) {
        return v.span.end as usize;
    }
    match &v.kind {
        NodeKind::Map { pairs, .. } => match pairs.last() {
            Some((k, last)) => value_end(text, last).max(k.span.end as usize),
            None => v.span.end as usize,
        },
        NodeKind::Seq { items, .. } => items
            .last()
            .map_or(v.span.end as usize, |i| value_end(text, i)),
        NodeKind::Scalar { .. } => content_end(v),
    }
}

/// Edits making the value `v` of key `k` say `tv`.
fn patch_entry(
    text: &str,
    k: &Node,
    v: &Node,
    tv: &Value,
    col: usize,
    step: usize,
    edits: &mut Edits,
) {
    if value::to_json(v).ok().as_ref() == Some(tv) {
        return;
    }
    match (&v.kind, tv) {
        (NodeKind::Map { pairs, .. }, Value::Object(to))
            if !pairs.is_empty() && !to.is_empty() && !is_flow(text, v) =>
        {
            let mut inner = Edits::new();
            if patch_map(text, pairs, to, step, &mut inner) {
                edits.extend(inner);
                return;
            }
        }
        (NodeKind::Seq { items, .. }, Value::Array(ta))
            if !items.is_empty() && ta.len() > items.len() && !is_flow(text, v) =>
        {
            if let Some(e) = append_items(text, v, items, ta, step) {
                edits.push(e);
                return;
            }
        }
        _ => {}
    }
    replace_value(text, k, v, tv, col, step, edits);
}

/// New items appended to a block sequence whose items the data keeps.
fn append_items(
    text: &str,
    v: &Node,
    items: &[Node],
    ta: &[Value],
    step: usize,
) -> Option<(usize, usize, String)> {
    for (item, want) in items.iter().zip(ta) {
        if value::to_json(item).ok().as_ref() != Some(want) {
            return None;
        }
    }
    let first = items[0].span.start as usize;
    let ls = line_start(text, first);
    let dash = ls + text[ls..first].rfind('-')?;
    if !text[ls..dash].bytes().all(|b| b == b' ') {
        return None;
    }
    let rest = Value::Array(ta[items.len()..].to_vec());
    let at = line_end(text, value_end(text, v));
    let mut s = block(&rest, dash - ls, step);
    if at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
        s.insert(0, '\n');
    }
    Some((at, at, s))
}

/// The value of `k` rewritten whole (what follows it on its last line,
/// such as a comment, stays).
fn replace_value(
    text: &str,
    k: &Node,
    v: &Node,
    tv: &Value,
    col: usize,
    step: usize,
    edits: &mut Edits,
) {
    let key_end = k.span.end as usize;
    let colon = text[key_end..]
        .find(':')
        .map(|i| key_end + i + 1)
        .unwrap_or(key_end);
    let end = if v.span.is_empty() {
        colon
    } else {
        value_end(text, v).max(colon)
    };
    let new = if in_block(tv) {
        format!("\n{}", block(tv, col + step, step).trim_end_matches('\n'))
    } else {
        format!(" {}", render_value(tv))
    };
    edits.push((colon, end, new));
}

/// `key: value` lines at `indent` (block style for collections with
/// items; `key:` for an empty mapping among siblings written so).
fn entry_text(key: &str, v: &Value, indent: usize, step: usize, bare: bool) -> String {
    let pad = " ".repeat(indent);
    match v {
        _ if in_block(v) => format!(
            "{pad}{}:\n{}",
            render_key(key),
            block(v, indent + step, step)
        ),
        Value::Object(_) if bare => format!("{pad}{}:\n", render_key(key)),
        other => format!("{pad}{}: {}\n", render_key(key), render_value(other)),
    }
}

/// Whether `v` is written in block style: a mapping or a sequence with
/// items (an empty one is `{}` / `[]`).
fn in_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// A non-empty mapping's entries, or a sequence's items, at `indent`.
fn block(v: &Value, indent: usize, step: usize) -> String {
    let pad = " ".repeat(indent);
    let mut s = String::new();
    match v {
        Value::Object(m) => {
            for (k, iv) in m {
                s.push_str(&entry_text(k, iv, indent, step, false));
            }
        }
        Value::Array(a) => {
            for item in a {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        // The first entry on the dash's line, the others under it.
                        let inner = block(item, indent + 2, step);
                        s.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                    }
                    Value::Array(l) if !l.is_empty() => {
                        s.push_str(&format!("{pad}-\n{}", block(item, indent + 2, step)));
                    }
                    other => s.push_str(&format!("{pad}- {}\n", render_value(other))),
                }
            }
        }
        other => s.push_str(&format!("{pad}{}\n", render_value(other))),
    }
    s
}

/// The edits applied: by offset, insertions at one offset in the order
/// they were made and before a range starting there.
fn apply_edits(text: &str, mut edits: Edits) -> String {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].0, edits[i].1 != edits[i].0, i));
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = 0;
    for i in order {
        let (s, e, r) = std::mem::take(&mut edits[i]);
        if s < cursor {
            // Overlapping edits are not made by the walk above; never
            // write text twice.
            continue;
        }
        out.push_str(&text[cursor..s]);
        out.push_str(&r);
        cursor = e;
    }
    out.push_str(&text[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(text: &str) -> Value {
        value::to_json(&parse(text).unwrap().unwrap()).unwrap()
    }

    fn patched(text: &str, target: Value) -> String {
        let out = patch_document(text, &target).unwrap();
        assert_eq!(data(&out), target, "patched text says the target:\n{out}");
        out
    }

    #[test]
    fn unchanged_data_keeps_the_text() {
        let t = "# head\nall:\n  hosts:\n    a: {}   # a\n";
        assert_eq!(patched(t, data(t)), t);
    }

    #[test]
    fn a_new_member_is_one_line_in_sorted_place() {
        let t = "all:\n  children:\n    web:\n      hosts:\n        a.x: {}\n        c.x: {}\n    # db next\n    db: {}\n";
        let mut d = data(t);
        d["all"]["children"]["web"]["hosts"]["b.x"] = json!({});
        let out = patched(t, d);
        assert_eq!(
            out,
            t.replace("        c.x", "        b.x: {}\n        c.x")
        );
    }

    #[test]
    fn siblings_written_bare_get_a_bare_member() {
        let t = "all:\n  hosts:\n    a:\n    c:\n";
        let mut d = data(t);
        d["all"]["hosts"]["b"] = json!({});
        let out = patch_document(t, &d).unwrap();
        assert_eq!(out, "all:\n  hosts:\n    a:\n    b:\n    c:\n");
    }

    #[test]
    fn removed_keys_take_their_lines_and_values_change_in_place() {
        let t = "all:\n  vars:\n    x: 1  # keep\n    gone:\n      - a\n  hosts:\n    h: {}\n";
        let d = json!({"all": {"vars": {"x": 2}, "hosts": {"h": {}}}});
        assert_eq!(
            patched(t, d),
            "all:\n  vars:\n    x: 2  # keep\n  hosts:\n    h: {}\n"
        );
    }

    #[test]
    fn collections_are_written_in_block_style() {
        let t = "all:\n  hosts:\n    h:\n";
        let d = json!({"all": {"hosts": {"h": {"dns": ["1.1.1.1", "8.8.8.8"], "p": {"k": "v w"}}}, "children": {"g": {}}}});
        let out = patched(t, d);
        assert!(
            out.contains("    h:\n      dns:\n        - 1.1.1.1\n"),
            "{out}"
        );
    }

    #[test]
    fn flow_values_are_replaced_whole() {
        let t = "a: {x: 1, inner: {y: 2}}\nl: [1]\nz: 1\n";
        let out = patched(
            t,
            json!({"a": {"x": 1, "inner": {"y": 3}}, "l": [1, 2], "z": 1}),
        );
        assert!(out.ends_with("z: 1\n"), "{out}");
        let out = patched(t, json!({"l": [1], "z": 1}));
        assert_eq!(out, "l: [1]\nz: 1\n");
    }

    #[test]
    fn a_block_mapping_ending_in_a_flow_value_is_removed_whole() {
        let t = "all:\n  hosts:\n    old: {ansible_host: 10.0.0.9}\n  children:\n    web: {}\n";
        let out = patched(t, json!({"all": {"hosts": {}, "children": {"web": {}}}}));
        assert_eq!(out, "all:\n  hosts: {}\n  children:\n    web: {}\n");
    }

    #[test]
    fn lists_gain_items_at_their_end() {
        let t = "l:\n  - a\n  - b\nz: 1\n";
        let out = patched(t, json!({"l": ["a", "b", "c"], "z": 1}));
        assert_eq!(out, "l:\n  - a\n  - b\n  - c\nz: 1\n");
    }

    #[test]
    fn new_documents() {
        assert_eq!(render_document(&json!({})), "---\n{}\n");
        let d = json!({"a": [{"n": 1, "m": "x"}], "b": {"c": null}});
        let out = render_document(&d);
        assert_eq!(data(&out), d, "{out}");
    }
}
