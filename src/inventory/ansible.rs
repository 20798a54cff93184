//! `ansible-inventory --list` and `--graph` output, byte for byte where we can:
//! the same traversal order, Python's `json.dumps(sort_keys=True, indent=4)`
//! formatting (ASCII-escaped), and the same `  |--` tree.

use super::{Inventory, VarValue, ALL};
use crate::yaml::value::python_float_repr;
use serde_json::{Map, Value};

/// The flattened vars `--list` shows for one host, sorted by name and
/// borrowed from the model.
fn shown_vars<'i>(inv: &'i Inventory, host: usize, depths: &[u32]) -> Vec<(&'i str, &'i VarValue)> {
    let mut vars = inv.host_vars_sorted(host, depths);
    vars.retain(|(k, _)| !internal(k));
    vars
}

/// The same, as a JSON object (`--host`, `--graph --vars`).
pub fn host_vars(inv: &Inventory, host: usize, depths: &[u32]) -> Map<String, Value> {
    shown_vars(inv, host, depths)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_json()))
        .collect()
}

/// The `--list` text: `json.dumps(sort_keys=True, indent=4)` of the groups
/// and `_meta.hostvars`.
pub fn list_text(inv: &Inventory) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_list(inv, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Hosts whose vars are rendered at once (in parallel) before being written.
const LIST_CHUNK: usize = 4096;

/// Write the `--list` text (without a final newline). Hosts are taken in
/// name order, a chunk at a time: each chunk's vars are rendered in
/// parallel, borrowed from the model, and written out, so the output never
/// sits in memory whole (55 MB at 100k hosts).
pub fn write_list(inv: &Inventory, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut shown = Vec::new();
    let mut seen = vec![false; inv.groups.len()];
    listed_groups(inv, ALL, &mut seen, &mut shown);
    // `_meta` is set last by ansible-inventory: a group of that name is
    // replaced by it. The top level is in sorted order ('_' sorts between
    // upper- and lower-case names).
    let mut keys: Vec<(&str, Option<usize>)> = shown
        .into_iter()
        .map(|g| (inv.groups[g].name.as_str(), Some(g)))
        .filter(|(name, _)| *name != "_meta")
        .collect();
    keys.push(("_meta", None));
    keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let depths = inv.depths();
    // A stable sort on one thread: it merges the runs already in name
    // order (each group's hosts, as generated or kept sorted), 10k hosts
    // in 0.4 ms against 1.2 for a parallel unstable sort, 100k in 4.7
    // against 11.
    let mut order: Vec<usize> = (0..inv.hosts.len()).collect();
    order.sort_by(|&a, &b| inv.hosts[a].name.cmp(&inv.hosts[b].name));
    let mut text = String::from("{\n");
    for (i, (k, group)) in keys.iter().enumerate() {
        pad(&mut text, 4);
        write_str(k, &mut text);
        text.push_str(": ");
        match group {
            Some(g) => write_group(inv, *g, &mut text),
            None => {
                text.push_str("{\n");
                pad(&mut text, 8);
                text.push_str("\"hostvars\": ");
                write_hostvars(inv, &order, &depths, &mut text, out)?;
                text.push_str(",\n");
                pad(&mut text, 8);
                text.push_str("\"profile\": \"inventory_legacy\"\n");
                pad(&mut text, 4);
                text.push('}');
            }
        }
        if i + 1 < keys.len() {
            text.push(',');
        }
        text.push('\n');
    }
    text.push('}');
    out.write_all(text.as_bytes())
}

/// Hosts rendered into one string by one worker (fewer, larger pieces).
const LIST_PIECE: usize = 64;

/// `_meta.hostvars`: hosts in name order, a chunk at a time, each chunk's
/// pieces rendered in parallel and written out (flushing `text` first).
fn write_hostvars(
    inv: &Inventory,
    order: &[usize],
    depths: &[u32],
    text: &mut String,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    // What each set of direct groups passes down, worked out once per set
    // (a few hundred sets for 100k hosts).
    let mut layers: crate::FastMap<&[usize], usize> = crate::FastMap::default();
    let mut inherited: Vec<Vec<(&str, &VarValue)>> = Vec::new();
    let layer_of: Vec<usize> = inv
        .hosts
        .values()
        .map(|h| {
            *layers.entry(h.groups.as_slice()).or_insert_with(|| {
                inherited.push(inv.group_layer(&h.groups, depths));
                inherited.len() - 1
            })
        })
        .collect();
    let mut first = true;
    for chunk in order.chunks(LIST_CHUNK) {
        // Each host's entry starts with ",\n"; the very first one's becomes
        // the opening brace.
        let pieces: Vec<String> = chunk
            .par_chunks(LIST_PIECE)
            .map(|hosts| {
                let mut t = String::with_capacity(600 * hosts.len());
                for &h in hosts {
                    let mut vars = inv.over_group_layer(h, &inherited[layer_of[h]]);
                    vars.retain(|(k, _)| !internal(k));
                    if vars.is_empty() {
                        continue;
                    }
                    t.push_str(",\n");
                    pad(&mut t, 12);
                    write_str(&inv.hosts[h].name, &mut t);
                    t.push_str(": ");
                    write_entries(vars.into_iter(), 12, &mut t);
                }
                t
            })
            .collect();
        for p in pieces.iter().filter(|p| !p.is_empty()) {
            if first {
                text.push_str("{\n");
                text.push_str(&p[2..]);
                first = false;
            } else {
                text.push_str(p);
            }
        }
        out.write_all(text.as_bytes())?;
        text.clear();
    }
    if first {
        text.push_str("{}");
    } else {
        text.push('\n');
        pad(text, 8);
        text.push('}');
    }
    Ok(())
}

/// A variable ansible-inventory never prints (`C.INTERNAL_STATIC_VARS`;
/// a match the compiler turns into length and byte tests).
fn internal(k: &str) -> bool {
    matches!(
        k,
        "ansible_async_path"
            | "ansible_collection_name"
            | "ansible_config_file"
            | "ansible_dependent_role_names"
            | "ansible_diff_mode"
            | "ansible_facts"
            | "ansible_forks"
            | "ansible_inventory_sources"
            | "ansible_limit"
            | "ansible_play_batch"
            | "ansible_play_hosts"
            | "ansible_play_hosts_all"
            | "ansible_play_role_names"
            | "ansible_playbook_python"
            | "ansible_role_name"
            | "ansible_role_names"
            | "ansible_run_tags"
            | "ansible_skip_tags"
            | "ansible_verbosity"
            | "ansible_version"
            | "inventory_dir"
            | "inventory_file"
            | "inventory_hostname"
            | "inventory_hostname_short"
            | "groups"
            | "group_names"
            | "hostvars"
            | "playbook_dir"
            | "play_hosts"
            | "role_name"
            | "role_names"
            | "role_path"
            | "role_uuid"
    )
}

/// The groups `--list` shows, in ansible-inventory's traversal from `all`:
/// each group with hosts (`all`'s are not listed) or children, once.
fn listed_groups(inv: &Inventory, g: usize, seen: &mut [bool], out: &mut Vec<usize>) {
    let group = &inv.groups[g];
    for &c in &group.children {
        if !seen[c] {
            listed_groups(inv, c, seen, out);
            seen[c] = true;
        }
    }
    if !group.children.is_empty() || (g != ALL && !group.hosts.is_empty()) {
        out.push(g);
    }
}

/// A group's `{"children": [...], "hosts": [...]}` at the top level.
fn write_group(inv: &Inventory, g: usize, out: &mut String) {
    let group = &inv.groups[g];
    let children = group.children.iter().map(|&c| inv.groups[c].name.as_str());
    let hosts: &[usize] = if g == ALL { &[] } else { &group.hosts };
    let hosts = hosts.iter().map(|&h| inv.hosts[h].name.as_str());
    out.push_str("{\n");
    let has_children = !group.children.is_empty();
    if has_children {
        pad(out, 8);
        out.push_str("\"children\": ");
        write_names(children, 8, out);
    }
    if hosts.len() > 0 {
        if has_children {
            out.push(',');
            out.push('\n');
        }
        pad(out, 8);
        out.push_str("\"hosts\": ");
        write_names(hosts, 8, out);
    }
    out.push('\n');
    pad(out, 4);
    out.push('}');
}

/// A non-empty list of names, as `json.dumps(indent=4)` writes it.
fn write_names<'a>(names: impl Iterator<Item = &'a str>, level: usize, out: &mut String) {
    out.push_str("[\n");
    let mut first = true;
    for n in names {
        if !first {
            out.push_str(",\n");
        }
        first = false;
        pad(out, level + 4);
        write_str(n, out);
    }
    out.push('\n');
    pad(out, level);
    out.push(']');
}

/// The `--graph [GROUP] [--vars]` text; `None` when the group does not exist.
pub fn graph(inv: &Inventory, start: &str, show_vars: bool) -> Option<String> {
    let g = inv.groups.get_index_of(start)?;
    let depths = if show_vars { inv.depths() } else { Vec::new() };
    let mut lines = Vec::new();
    graph_group(inv, g, 0, show_vars, &depths, &mut lines);
    Some(lines.join("\n"))
}

fn graph_name(name: &str, depth: usize) -> String {
    if depth == 0 {
        name.to_string()
    } else {
        format!("{}--{}", "  |".repeat(depth), name)
    }
}

fn show_vars(vars: &Map<String, Value>, depth: usize, lines: &mut Vec<String>) {
    let mut keys: Vec<&String> = vars.keys().collect();
    keys.sort();
    for k in keys {
        lines.push(graph_name(
            &format!("{{{} = {}}}", k, python_str(&vars[k])),
            depth,
        ));
    }
}

fn graph_group(
    inv: &Inventory,
    g: usize,
    depth: usize,
    vars: bool,
    depths: &[u32],
    lines: &mut Vec<String>,
) {
    let group = &inv.groups[g];
    lines.push(graph_name(&format!("@{}:", group.name), depth));
    let depth = depth + 1;
    for &c in &group.children {
        graph_group(inv, c, depth, vars, depths, lines);
    }
    if g != ALL {
        for &h in &group.hosts {
            lines.push(graph_name(&inv.hosts[h].name, depth));
            if vars {
                show_vars(&host_vars(inv, h, depths), depth + 1, lines);
            }
        }
    }
    if vars {
        let mut gv = Map::new();
        for (k, v) in group.vars.iter().chain(group.file_vars.iter()) {
            gv.insert(k.to_string(), v.value.to_json());
        }
        if group.priority != 1 {
            gv.insert("ansible_group_priority".into(), group.priority.into());
        }
        gv.retain(|k, _| !internal(k));
        show_vars(&gv, depth, lines);
    }
}

/// Python's `str()` of a value (repr inside containers).
pub fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => python_float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{s}\"")
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    python_repr(&Value::String(k.clone())),
                    python_repr(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `json.dumps(value, sort_keys=True, indent=4)` as Python writes it.
pub fn python_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, 0, &mut out);
    out
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    // Most strings need no escape at all: one copy.
    if needs_no_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True when every byte is printable ASCII other than `"` and `\\`: the
/// text goes into the JSON as it is. Eight bytes at a time (a word with
/// any byte that is high, low, DEL, a quote or a backslash is flagged).
fn needs_no_escape(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let flagged = |x: u64| {
        (x & HIGH)
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\\')))
            | zero_byte(x ^ (ONES * 0x7f))
    };
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        if flagged(u64::from_le_bytes(a)) != 0 {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&c| (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\')
}

/// `n` spaces of Python's indentation, without allocating.
fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

fn write_json(v: &Value, level: usize, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => write!(out, "{i}"),
                (_, Some(u), _) => write!(out, "{u}"),
                (_, _, Some(f)) => {
                    out.push_str(&python_float_repr(f));
                    Ok(())
                }
                _ => write!(out, "{n}"),
            };
        }
        Value::String(s) => write_str(s, out),
        Value::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for (i, item) in a.iter().enumerate() {
                pad(out, level + 4);
                write_json(item, level + 4, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, level);
            out.push(']');
        }
        Value::Object(m) => {
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            write_entries(entries.into_iter(), level, out);
        }
    }
}

/// What can be written as Python's JSON: a JSON value, or a variable's.
trait PyJson {
    fn write(&self, level: usize, out: &mut String);
}

impl PyJson for Value {
    fn write(&self, level: usize, out: &mut String) {
        write_json(self, level, out)
    }
}

impl PyJson for VarValue {
    fn write(&self, level: usize, out: &mut String) {
        match self {
            VarValue::Str(s) => write_str(s, out),
            VarValue::Json(v) => write_json(v, level, out),
        }
    }
}

/// An object from entries already sorted by key.
fn write_entries<'a, V: PyJson + 'a>(
    entries: impl ExactSizeIterator<Item = (&'a str, &'a V)>,
    level: usize,
    out: &mut String,
) {
    let n = entries.len();
    if n == 0 {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, (k, v)) in entries.enumerate() {
        pad(out, level + 4);
        write_str(k, out);
        out.push_str(": ");
        v.write(level + 4, out);
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    pad(out, level);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use crate::inventory::loader::{load_view, FileCache};
    use crate::vfs::MemVfs;

    fn list(text: &str) -> String {
        let vfs = MemVfs::new(&[("hosts.yml", text)]);
        let cache = FileCache::new(&vfs, Default::default());
        super::list_text(&load_view(&cache, &["hosts.yml".to_string()]))
    }

    /// ansible-core's `C.INTERNAL_STATIC_VARS`, the list `internal()` matches.
    const INTERNAL: [&str; 33] = [
        "ansible_async_path",
        "ansible_collection_name",
        "ansible_config_file",
        "ansible_dependent_role_names",
        "ansible_diff_mode",
        "ansible_facts",
        "ansible_forks",
        "ansible_inventory_sources",
        "ansible_limit",
        "ansible_play_batch",
        "ansible_play_hosts",
        "ansible_play_hosts_all",
        "ansible_play_role_names",
        "ansible_playbook_python",
        "ansible_role_name",
        "ansible_role_names",
        "ansible_run_tags",
        "ansible_skip_tags",
        "ansible_verbosity",
        "ansible_version",
        "inventory_dir",
        "inventory_file",
        "inventory_hostname",
        "inventory_hostname_short",
        "groups",
        "group_names",
        "hostvars",
        "playbook_dir",
        "play_hosts",
        "role_name",
        "role_names",
        "role_path",
        "role_uuid",
    ];

    #[test]
    fn internal_vars_are_the_listed_ones() {
        for k in INTERNAL {
            assert!(super::internal(k), "{k}");
        }
        for k in [
            "ansible_host",
            "ansible_user",
            "groups_x",
            "group",
            "",
            "role_names2",
        ] {
            assert!(!super::internal(k), "{k}");
        }
    }

    #[test]
    fn strings_needing_no_escape_are_told_by_every_byte() {
        for b in 0u8..=255 {
            for at in [0, 3, 7, 8, 12, 15] {
                let mut s = vec![b'a'; 16];
                s[at] = b;
                let plain = (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
                assert_eq!(super::needs_no_escape(&s), plain, "byte {b:#x} at {at}");
            }
        }
        assert!(super::needs_no_escape(b""));
    }

    #[test]
    fn list_is_python_json_with_hostvars_by_name() {
        let got = list("all:\n  children:\n    web:\n      hosts:\n        b1: {x: 1}\n        a1:\n        c1: {y: 'q\"'}\n");
        let want = "{\n    \"_meta\": {\n        \"hostvars\": {\n            \"b1\": {\n                \"x\": 1\n            },\n            \"c1\": {\n                \"y\": \"q\\\"\"\n            }\n        },\n        \"profile\": \"inventory_legacy\"\n    },\n    \"all\": {\n        \"children\": [\n            \"ungrouped\",\n            \"web\"\n        ]\n    },\n    \"web\": {\n        \"hosts\": [\n            \"b1\",\n            \"a1\",\n            \"c1\"\n        ]\n    }\n}";
        assert_eq!(got, want);
    }

    #[test]
    fn a_group_named_meta_is_replaced_by_meta() {
        // ansible-inventory sets `_meta` last: the group of that name is gone
        // (checked against ansible-core 2.19).
        let got = list("all:\n  children:\n    _meta:\n      hosts:\n        a1: {x: 1}\n    Zed:\n      hosts:\n        b1:\n");
        assert_eq!(got.matches("\"_meta\": {").count(), 1, "{got}");
        assert!(got.contains("\"hostvars\": {\n            \"a1\""), "{got}");
        let zed = got.find("\"Zed\": {").unwrap();
        let meta = got.find("\"_meta\": {").unwrap();
        assert!(zed < meta, "upper case sorts before '_': {got}");
    }
}
