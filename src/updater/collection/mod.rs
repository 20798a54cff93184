//! The `dettonville.git_inventory` collection's meaning of a request: its
//! modules' parameters (`use_vars_files`, `vars_state`, parents as lists
//! or nested mappings, the global groups file, ...) applied to the
//! inventory's data as that collection applies them ([`ops`]), then
//! written back with the fewest edits ([`crate::updater::edit::patch_document`]):
//! the same files as theirs, read as YAML data, without re-sorting and
//! rewriting the whole file.
//!
//! Where we differ on purpose: a member already listed keeps its vars (the
//! collection resets it to `{}`); a parent group's vars file is only
//! created when missing, never emptied; a list var gains only the items it
//! lacks (so a second run changes nothing); a missing file or key is an
//! error with its name, never a crash.

pub mod local;
pub mod merge;
pub mod ops;
pub mod spec;

pub use local::Local;
pub use spec::{Collection, GroupItem, HostItem, Options, Parents, VarsState};

use super::apply::Applied;
use super::edit::{patch_document, patch_parsed, render_document, EditError};
use super::request::State;
use crate::vfs::{self, Raw, Vfs};
use crate::yaml::{self, value};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

type R<T> = Result<T, EditError>;

/// The folder of `path` ("" at the top).
pub fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A file's text, `None` when it does not exist.
fn read_text(vfs: &dyn Vfs, path: &str) -> R<Option<String>> {
    if vfs::kind(vfs, path) == Raw::Missing {
        return Ok(None);
    }
    let bytes = vfs::read(vfs, path).map_err(|e| EditError(format!("{path}: {e}")))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| EditError(format!("{path} is not UTF-8")))
}

/// A YAML text's tree.
fn parse_doc(text: &str, path: &str) -> R<Option<yaml::Node>> {
    yaml::parse(text, yaml::Limits::default())
        .map_err(|e| EditError(format!("{path}: not valid YAML: {}", e.message)))
}

/// A tree's data as Ansible reads it (`null` for an empty file).
fn data_of_doc(doc: Option<&yaml::Node>, path: &str) -> R<Value> {
    doc.map_or(Ok(Value::Null), |d| {
        value::to_json(d).map_err(|e| EditError(format!("{path}: {}", e.message)))
    })
}

/// A YAML text's data as Ansible reads it (`null` for an empty file).
fn data_of(text: &str, path: &str) -> R<Value> {
    data_of_doc(parse_doc(text, path)?.as_ref(), path)
}

/// Where each of `names` is listed under `sec` (`hosts` or `children`):
/// the names of the groups listing it (`""` for the root), at any depth.
fn memberships(
    node: &Map<String, Value>,
    sec: &str,
    names: &BTreeSet<String>,
    at: &str,
    out: &mut BTreeMap<String, BTreeSet<String>>,
) {
    if let Some(Value::Object(m)) = node.get(sec) {
        for n in names {
            if m.contains_key(n) {
                out.entry(n.clone()).or_default().insert(at.to_string());
            }
        }
    }
    if let Some(Value::Object(children)) = node.get("children") {
        for (name, c) in children {
            if let Value::Object(cm) = c {
                memberships(cm, sec, names, name, out);
            }
        }
    }
}

/// The names the global groups file defines: the file in the inventory
/// folder or, as the shared `xenv_groups.yml` of our layout, in the
/// nearest folder above it. None found: an error when the check was asked
/// for, else the check is skipped with a warning.
fn global_groups(
    vfs: &dyn Vfs,
    inv_dir: &str,
    o: &Options,
    warnings: &mut Vec<String>,
) -> R<Option<BTreeSet<String>>> {
    let mut dir = inv_dir;
    let found = loop {
        let path = join(dir, &o.global_groups_file);
        if let Some(text) = read_text(vfs, &path)? {
            break Some((path, text));
        }
        if dir.is_empty() {
            break None;
        }
        dir = dir_of(dir);
    };
    match found {
        Some((path, text)) => {
            let mut keys = BTreeSet::new();
            ops::keys_at_any_depth(&data_of(&text, &path)?, &mut keys);
            Ok(Some(keys))
        }
        None if o.enforce_given => Err(EditError(format!(
            "InventoryParser.init(): file does not exist at global_groups_path={} \
             (nor in a folder above it; create it, or set enforce_global_groups_must_already_exist: false)",
            join(inv_dir, &o.global_groups_file)
        ))),
        None => {
            warnings.push(format!(
                "parent groups not checked against global groups: no {} in {} or a folder above it",
                o.global_groups_file,
                if inv_dir.is_empty() { "the repository root" } else { inv_dir }
            ));
            Ok(None)
        }
    }
}

/// Apply the items of `c` to `file` (the inventory file) in `vfs`.
pub fn apply(c: &Collection, state: State, vfs: &dyn Vfs, file: &str) -> R<Applied> {
    let o = &c.options;
    let shown = if o.inventory_file_param.is_empty() {
        file
    } else {
        o.inventory_file_param.as_str()
    };
    let before = read_text(vfs, file)?.ok_or_else(|| {
        EditError(format!(
            "InventoryParser.init(): inventory file {shown} does not exist"
        ))
    })?;
    // Parsed once: for its data, and for the edits that write the data back.
    let doc = parse_doc(&before, file)?;
    let mut data = data_of_doc(doc.as_ref(), file)?;
    let root = match data.as_object_mut().and_then(|m| m.get_mut(&o.root_key)) {
        Some(r) => r,
        None => {
            return Err(EditError(format!(
                "InventoryParser.init(): root key [{}] not found in inventory file {shown}",
                o.root_key
            )))
        }
    };
    if root.is_null() {
        *root = Value::Object(Map::new());
    }
    let Value::Object(root) = root else {
        return Err(EditError(format!(
            "{file}: `{}` is not a mapping of `hosts`, `children` and `vars`",
            o.root_key
        )));
    };
    let inv_dir = o
        .inventory_dir
        .clone()
        .unwrap_or_else(|| dir_of(file).to_string());
    let mut warnings = c.warnings.clone();
    let global = if o.enforce_global_groups && o.global_groups_file != o.inventory_file_param {
        global_groups(vfs, &inv_dir, o, &mut warnings)?
    } else {
        None
    };
    let read = |p: &str| -> R<Option<(String, Value)>> {
        match read_text(vfs, p)? {
            None => Ok(None),
            Some(t) => data_of(&t, p).map(|d| Some((t, d))),
        }
    };
    let child_dirs = o
        .symlink_subdirs
        .iter()
        .map(|s| join(&inv_dir, s))
        .filter(|d| vfs::kind(vfs, d) == Raw::Dir)
        .collect();
    let mut work = ops::Work {
        opts: o,
        state,
        inv_dir: inv_dir.clone(),
        read: &read,
        global,
        vars_files: Default::default(),
        links: Default::default(),
        child_dirs,
    };
    let host_set: BTreeSet<String> = c.hosts.iter().map(|h| h.name.clone()).collect();
    let group_set: BTreeSet<String> = c.groups.iter().map(|g| g.name.clone()).collect();
    let listed = |root: &Map<String, Value>| {
        let (mut h, mut g) = (BTreeMap::new(), BTreeMap::new());
        memberships(root, "hosts", &host_set, "", &mut h);
        memberships(root, "children", &group_set, "", &mut g);
        (h, g)
    };
    let (hosts_before, groups_before) = listed(root);
    let entry_of = |root: &Map<String, Value>, sec: &str, name: &str| {
        root.get(sec).and_then(|s| s.get(name)).cloned()
    };
    let mut touched = BTreeSet::new();
    for g in &c.groups {
        let was = entry_of(root, "children", &g.name);
        work.group(root, g)?;
        if was != entry_of(root, "children", &g.name) {
            touched.insert(format!("g/{}", g.name));
        }
    }
    for h in &c.hosts {
        let was = entry_of(root, "hosts", &h.name);
        work.host(root, h)?;
        if was != entry_of(root, "hosts", &h.name) {
            touched.insert(format!("h/{}", h.name));
        }
    }
    let (hosts_after, groups_after) = listed(root);
    let after = patch_parsed(&before, doc.as_ref(), &data)?;

    let mut out = Applied {
        before,
        after,
        added: Vec::new(),
        removed: Vec::new(),
        groups_added: Vec::new(),
        groups_removed: Vec::new(),
        remove_files: Vec::new(),
        writes: Vec::new(),
        links: Vec::new(),
        warnings,
    };
    let mut vars_changed = BTreeSet::new();
    for (path, f) in &work.vars_files {
        match (&f.before, &f.after) {
            (Some(_), None) => {
                out.remove_files.push(path.clone());
                vars_changed.insert(path.clone());
            }
            (b, Some(a)) if b.as_ref() != Some(a) => {
                let text = match &f.text {
                    Some(t) if f.before.as_ref().is_some_and(|v| !v.is_null()) => {
                        patch_document(t, a)?
                    }
                    _ => render_document(a),
                };
                out.writes.push((path.clone(), text));
                vars_changed.insert(path.clone());
            }
            _ => {}
        }
    }
    for (link, target) in &work.links {
        // A link already there is left as it is; a file there becomes the
        // link (as the collection does).
        if !matches!(vfs::kind(vfs, link), Raw::Symlink(_)) {
            out.links.push((link.clone(), target.clone()));
        }
    }
    let vars_file = |dir: &str, name: &str| join(&inv_dir, &format!("{dir}/{name}.yml"));
    let moved = |before: &BTreeMap<String, BTreeSet<String>>,
                 after: &BTreeMap<String, BTreeSet<String>>,
                 n: &str| { before.get(n) != after.get(n) };
    for h in &c.hosts {
        let changed = touched.contains(&format!("h/{}", h.name))
            || vars_changed.contains(&vars_file("host_vars", &h.name))
            || moved(&hosts_before, &hosts_after, &h.name);
        let list = if state == State::Absent {
            &mut out.removed
        } else {
            &mut out.added
        };
        if changed && !list.contains(&h.name) {
            list.push(h.name.clone());
        }
    }
    for g in &c.groups {
        let changed = touched.contains(&format!("g/{}", g.name))
            || vars_changed.contains(&vars_file("group_vars", &g.name))
            || moved(&groups_before, &groups_after, &g.name);
        let list = if state == State::Absent {
            &mut out.groups_removed
        } else {
            &mut out.groups_added
        };
        if changed && !list.contains(&g.name) {
            list.push(g.name.clone());
        }
    }
    if !out.changed() {
        out.added.clear();
        out.groups_added.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
