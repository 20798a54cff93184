//! `ansible-inventory --list`: the groups from `all`, then `_meta.hostvars`.

use super::python::{pad, write_entries, write_str};
use super::shown::internal;
use crate::inventory::model::{Inventory, ALL};
use crate::inventory::vars::VarValue;

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
/// pieces rendered in parallel and written out (`text`, what comes
/// before, first).
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
    // Bytes a host's entry takes, as seen so far: each piece's string is
    // sized once from it (no regrowth copying what was rendered).
    let per_host = std::sync::atomic::AtomicUsize::new(600);
    let mut first = true;
    for chunk in order.chunks(LIST_CHUNK) {
        // Each host's entry starts with ",\n"; the very first one's becomes
        // the opening brace.
        let pieces: Vec<String> = chunk
            .par_chunks(LIST_PIECE)
            .map(|hosts| {
                let guess = per_host.load(std::sync::atomic::Ordering::Relaxed);
                let mut t = String::with_capacity(guess * hosts.len());
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
                let seen = t.len() / hosts.len().max(1) + 64;
                per_host.fetch_max(seen, std::sync::atomic::Ordering::Relaxed);
                t
            })
            .collect();
        // Written as they are (the pieces are bigger than the output's
        // buffer: no copy).
        out.write_all(text.as_bytes())?;
        text.clear();
        for p in pieces.iter().filter(|p| !p.is_empty()) {
            if first {
                out.write_all(b"{\n")?;
                out.write_all(&p.as_bytes()[2..])?;
                first = false;
            } else {
                out.write_all(p.as_bytes())?;
            }
        }
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

#[cfg(test)]
mod tests {
    use crate::inventory::loader::{load_view, FileCache};
    use crate::vfs::MemVfs;

    fn list(text: &str) -> String {
        let vfs = MemVfs::new(&[("hosts.yml", text)]);
        let cache = FileCache::new(&vfs, Default::default());
        super::list_text(&load_view(&cache, &["hosts.yml".to_string()]))
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
