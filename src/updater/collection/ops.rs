//! The collection's operations on an inventory's data: groups and hosts
//! placed under the root, attached to their parents (lists or nested
//! mappings), removed at every depth, their vars inline or in vars files,
//! and the global groups every parent must be one of.

use super::merge::{merge, truthy};
use super::spec::{GroupItem, HostItem, Options, Parents};
use crate::updater::edit::EditError;
use crate::updater::request::State;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

type R<T> = Result<T, EditError>;

fn err<T>(m: String) -> R<T> {
    Err(EditError(m))
}

/// A vars file's data as the operations leave it.
#[derive(Debug, Clone)]
pub struct VarsFile {
    /// The file's text as read (`None`: the file does not exist).
    pub text: Option<String>,
    /// The file's data before (`None`: the file does not exist).
    pub before: Option<Value>,
    /// Its data after (`None`: the file is removed).
    pub after: Option<Value>,
}

/// How the operations read a vars file: its text and data, `None` when
/// there is no such file.
pub type ReadVars<'a> = dyn Fn(&str) -> R<Option<(String, Value)>> + 'a;

/// What the operations need besides the inventory's data, and what they
/// produce besides it.
pub struct Work<'a> {
    pub opts: &'a Options,
    pub state: State,
    /// `group_vars/` and `host_vars/` are in this folder ("" for the root).
    pub inv_dir: String,
    /// Reads a vars file's text and data (`Ok(None)`: no such file).
    pub read: &'a ReadVars<'a>,
    /// Which names the global groups file defines (`None`: not enforced).
    pub global: Option<BTreeSet<String>>,
    pub vars_files: BTreeMap<String, VarsFile>,
    /// Child inventories' links to group vars files: path -> target.
    pub links: BTreeMap<String, String>,
    /// Folders of child inventories that exist (for the links).
    pub child_dirs: Vec<String>,
}

/// `m[key]` as a mapping, created (or made one from `null`) when needed.
fn map_at<'m>(
    m: &'m mut Map<String, Value>,
    key: &str,
    path: &str,
) -> R<&'m mut Map<String, Value>> {
    let v = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(o) => Ok(o),
        other => err(format!(
            "`{path}{key}` is {}, not a mapping: edit it by hand",
            crate::yaml::value::json_kind(other)
        )),
    }
}

/// `m[key]` present: kept as it is (a member's own vars stay), `{}` when
/// absent.
fn ensure_member(m: &mut Map<String, Value>, key: &str) {
    m.entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
}

/// Every mapping key at any depth of the global groups file's data.
pub fn keys_at_any_depth(v: &Value, out: &mut BTreeSet<String>) {
    if let Value::Object(m) = v {
        for (k, sub) in m {
            out.insert(k.clone());
            keys_at_any_depth(sub, out);
        }
    }
}

/// Remove `host` from every `hosts` mapping at any depth; whether any was.
pub fn remove_host_tree(node: &mut Map<String, Value>, host: &str) -> bool {
    let mut found = false;
    if let Some(Value::Object(h)) = node.get_mut("hosts") {
        found |= h.remove(host).is_some();
    }
    if let Some(Value::Object(children)) = node.get_mut("children") {
        for c in children.values_mut() {
            if let Value::Object(cm) = c {
                found |= remove_host_tree(cm, host);
            }
        }
    }
    found
}

/// Remove `group` from every `children` mapping at any depth.
pub fn remove_group_tree(node: &mut Map<String, Value>, group: &str) -> bool {
    let mut found = false;
    if let Some(Value::Object(children)) = node.get_mut("children") {
        found |= children.remove(group).is_some();
        for c in children.values_mut() {
            if let Value::Object(cm) = c {
                found |= remove_group_tree(cm, group);
            }
        }
    }
    found
}

enum Member<'n> {
    Host(&'n str),
    Group(&'n str),
}

impl Work<'_> {
    fn check_global(&self, group: &str) -> R<()> {
        match &self.global {
            Some(known) if !known.contains(group) => err(format!(
                "InventoryParser.validate_global_group_exists({group}): group_name=[{group}] not found in {}",
                self.opts.global_groups_file
            )),
            _ => Ok(()),
        }
    }

    fn vars_path(&self, dir: &str, name: &str) -> String {
        if self.inv_dir.is_empty() {
            format!("{dir}/{name}.yml")
        } else {
            format!("{}/{dir}/{name}.yml", self.inv_dir)
        }
    }

    fn vars_file(&mut self, path: &str) -> R<&mut VarsFile> {
        if !self.vars_files.contains_key(path) {
            let (text, before) = (self.read)(path)?.unzip();
            self.vars_files.insert(
                path.to_string(),
                VarsFile {
                    text,
                    after: before.clone(),
                    before,
                },
            );
        }
        Ok(self.vars_files.get_mut(path).expect("inserted above"))
    }

    /// The vars file of a group or host: `vars` merged into it (or made
    /// its content), or the file created empty when `create_empty`.
    /// `refresh_only`: a parent's file, created when missing and otherwise
    /// left as it is.
    fn write_vars(
        &mut self,
        dir: &str,
        name: &str,
        vars: Option<&Map<String, Value>>,
        create_empty: bool,
        refresh_only: bool,
    ) -> R<()> {
        if vars.is_none() && !create_empty {
            return Ok(());
        }
        let path = self.vars_path(dir, name);
        let (state, vs, depth) = (
            self.state,
            self.opts.vars_state,
            self.opts.vars_overwrite_depth,
        );
        let f = self.vars_file(&path)?;
        let current = f.after.clone().unwrap_or(Value::Null);
        let next = if refresh_only {
            if truthy(&current) {
                current
            } else {
                Value::Object(Map::new())
            }
        } else {
            match (current, vars) {
                (Value::Object(mut old), Some(new)) if !old.is_empty() && state == State::Merge => {
                    merge(&mut old, new, vs, depth);
                    Value::Object(old)
                }
                (old, None) if truthy(&old) && state == State::Merge => old,
                (_, Some(new)) => Value::Object(new.clone()),
                (_, None) => Value::Object(Map::new()),
            }
        };
        f.after = Some(next);
        if dir == "group_vars" {
            self.link_group_vars(name);
        }
        Ok(())
    }

    /// Links to a group's vars file from each child inventory's
    /// `group_vars/`, where the child inventory's folder exists.
    fn link_group_vars(&mut self, group: &str) {
        if !self.opts.groupvar_symlinks {
            return;
        }
        for sub in &self.child_dirs {
            let link = format!("{sub}/group_vars/{group}.yml");
            self.links
                .insert(link, format!("../../group_vars/{group}.yml"));
        }
    }

    fn remove_vars_file(&mut self, dir: &str, name: &str) -> R<()> {
        let path = self.vars_path(dir, name);
        let f = self.vars_file(&path)?;
        f.after = None;
        Ok(())
    }

    /// Attach `member` to each parent, from `node` down (nested mappings
    /// descend through `children`).
    fn attach(
        &mut self,
        node: &mut Map<String, Value>,
        parents: &Parents,
        member: &Member<'_>,
    ) -> R<()> {
        match parents {
            Parents::List(names) => {
                for p in names {
                    self.attach_one(node, p, None, member)?;
                }
            }
            Parents::Tree(tree) => {
                for (p, sub) in tree {
                    let sub = sub.as_object().filter(|s| !s.is_empty());
                    self.attach_one(node, p, sub, member)?;
                }
            }
        }
        Ok(())
    }

    fn attach_one(
        &mut self,
        node: &mut Map<String, Value>,
        parent: &str,
        sub: Option<&Map<String, Value>>,
        member: &Member<'_>,
    ) -> R<()> {
        self.check_global(parent)?;
        let children = map_at(node, "children", "")?;
        let pnode = map_at(children, parent, "children.")?;
        match sub {
            Some(sub) => self.attach(pnode, &Parents::Tree(sub.clone()), member)?,
            None => match member {
                Member::Host(h) => ensure_member(map_at(pnode, "hosts", parent)?, h),
                Member::Group(g) => ensure_member(map_at(pnode, "children", parent)?, g),
            },
        }
        if let Member::Group(_) = member {
            let o = self.opts;
            if o.use_vars_files && o.create_parent_groupvar_files && o.create_empty_groupvars_files
            {
                self.write_vars("group_vars", parent, None, true, true)?;
            }
        }
        Ok(())
    }

    /// One `group_list` item, as `state` says.
    pub fn group(&mut self, root: &mut Map<String, Value>, g: &GroupItem) -> R<()> {
        if self.state == State::Absent {
            remove_group_tree(root, &g.name);
            return self.remove_vars_file("group_vars", &g.name);
        }
        if self.state == State::Overwrite {
            remove_group_tree(root, &g.name);
        }
        map_at(root, "children", "")?;
        if g.parents.is_none() || self.opts.always_add_child_group_to_root {
            ensure_member(map_at(root, "children", "")?, &g.name);
        }
        if self.opts.use_vars_files {
            let empty = self.opts.create_empty_groupvars_files;
            self.write_vars("group_vars", &g.name, g.vars.as_ref(), empty, false)?;
        } else if let Some(vars) = &g.vars {
            let entry = map_at(map_at(root, "children", "")?, &g.name, "children.")?;
            set_inline_vars(entry, vars, self.state == State::Merge, self.opts)?;
        }
        if let Some(children) = &g.children {
            let entry = map_at(map_at(root, "children", "")?, &g.name, "children.")?;
            let kids = map_at(entry, "children", &g.name)?;
            for (c, node) in children {
                let cur = kids
                    .entry(c.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                deep_merge(cur, node);
            }
        }
        if let Some(p) = &g.parents {
            self.attach(root, p, &Member::Group(&g.name))?;
        }
        Ok(())
    }

    /// One `host_list` item, as `state` says.
    pub fn host(&mut self, root: &mut Map<String, Value>, h: &HostItem) -> R<()> {
        if self.state == State::Absent {
            remove_host_tree(root, &h.name);
            return self.remove_vars_file("host_vars", &h.name);
        }
        if self.state == State::Overwrite {
            remove_host_tree(root, &h.name);
        }
        if h.parents.is_none() || self.opts.always_add_host_to_root_hosts {
            ensure_member(map_at(root, "hosts", "")?, &h.name);
        }
        if self.opts.use_vars_files {
            let empty = self.opts.create_empty_hostvars_files;
            self.write_vars("host_vars", &h.name, h.vars.as_ref(), empty, false)?;
        } else if let Some(vars) = &h.vars {
            // Inline host vars live on the host's entry under the root's
            // `hosts`, as the collection writes them.
            let entry = map_at(map_at(root, "hosts", "")?, &h.name, "hosts.")?;
            if entry.is_empty() {
                *entry = vars.clone();
            } else {
                merge(
                    entry,
                    vars,
                    self.opts.vars_state,
                    self.opts.vars_overwrite_depth,
                );
            }
        }
        if let Some(p) = &h.parents {
            self.attach(root, p, &Member::Host(&h.name))?;
        }
        Ok(())
    }
}

/// A group's inline `vars:` merged with (or replaced by) `vars`.
fn set_inline_vars(
    entry: &mut Map<String, Value>,
    vars: &Map<String, Value>,
    merging: bool,
    o: &Options,
) -> R<()> {
    match entry.get_mut("vars") {
        Some(Value::Object(old)) if merging && !old.is_empty() => {
            merge(old, vars, o.vars_state, o.vars_overwrite_depth);
        }
        _ => {
            entry.insert("vars".into(), Value::Object(vars.clone()));
        }
    }
    Ok(())
}

/// `new` merged into `cur`: mappings key by key, anything else replaces.
fn deep_merge(cur: &mut Value, new: &Value) {
    match (cur, new) {
        (Value::Object(c), Value::Object(n)) => {
            for (k, v) in n {
                match c.get_mut(k) {
                    Some(cv) => deep_merge(cv, v),
                    None => {
                        c.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (c, Value::Null) if c.is_object() => {}
        (c, n) => *c = n.clone(),
    }
}
