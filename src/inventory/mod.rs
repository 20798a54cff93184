//! The inventory as Ansible builds it: groups and hosts in insertion order,
//! parent/child edges, vars, implicit `all`/`ungrouped`, and the same fatal
//! errors ansible-core raises, each with the location that caused it.
//!
//! [`build`] replays the `yaml` inventory plugin of ansible-core 2.19 over
//! our spanned YAML tree (see `plugins/inventory/yaml.py` and
//! `inventory/data.py`); [`loader`] loads files and directories the way
//! `ansible-inventory -i` does; [`ansible`] prints `--list` and `--graph`.

pub mod ansible;
pub mod build;
pub mod loader;

use crate::diagnostic::Code;
use crate::source::{SourceFile, Span};
use serde_json::Value;
use std::sync::Arc;

/// A place in a file.
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// A variable's value. Text, the common case, is kept as the parsed
/// tree's own string (inline up to 15 bytes, shared beyond): no copy and
/// no allocation per variable, as a `serde_json::Value::String` would need.
/// Anything else is its JSON value; `Json` never holds a string.
#[derive(Debug, Clone)]
pub enum VarValue {
    Str(ecow::EcoString),
    Json(Value),
}

impl VarValue {
    /// The value of a JSON value (a string becomes `Str`).
    pub fn from_json(v: Value) -> VarValue {
        match v {
            Value::String(s) => VarValue::Str(s.into()),
            v => VarValue::Json(v),
        }
    }
    /// What Ansible's loader makes of a node.
    pub fn from_node(
        node: &crate::yaml::Node,
    ) -> Result<VarValue, crate::yaml::value::ConstructError> {
        use crate::yaml::value::{resolve_scalar, Scalar};
        if let crate::yaml::NodeKind::Scalar { value, .. } = &node.kind {
            // Constructed text is the node's own string.
            if let Scalar::Str(_) = resolve_scalar(node)? {
                return Ok(VarValue::Str(value.clone()));
            }
        }
        crate::yaml::value::to_json(node).map(VarValue::from_json)
    }
    pub fn to_json(&self) -> Value {
        match self {
            VarValue::Str(s) => Value::String(s.to_string()),
            VarValue::Json(v) => v.clone(),
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            VarValue::Str(s) => Some(s),
            VarValue::Json(Value::String(s)) => Some(s),
            VarValue::Json(_) => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, VarValue::Json(Value::Null))
    }
}

impl PartialEq for VarValue {
    fn eq(&self, other: &VarValue) -> bool {
        match (self, other) {
            (VarValue::Json(a), VarValue::Json(b)) => a == b,
            _ => self.as_str().is_some() && self.as_str() == other.as_str(),
        }
    }
}

/// A variable value and where it was set.
#[derive(Debug, Clone)]
pub struct VarDef {
    pub value: VarValue,
    pub loc: Option<Loc>,
}

/// Variables by name, in insertion order (a Python dict's): a plain vector
/// searched linearly while small (a host's handful of vars, the common
/// case: no hash table per host), indexed by a hash map once it grows.
/// Names are inline up to 15 bytes.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    entries: Vec<(ecow::EcoString, VarDef)>,
    index: Option<Box<crate::FastMap<ecow::EcoString, usize>>>,
}

/// Entries beyond which a [`Vars`] keeps a hash index.
const VARS_INDEXED_FROM: usize = 16;

impl Vars {
    pub fn with_capacity(n: usize) -> Vars {
        Vars {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }
    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(name).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_str() == name),
        }
    }
    pub fn get(&self, name: &str) -> Option<&VarDef> {
        self.position(name).map(|i| &self.entries[i].1)
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }
    /// Set a var: an existing name keeps its place (dict semantics).
    pub fn insert(&mut self, name: ecow::EcoString, def: VarDef) {
        if let Some(i) = self.position(&name) {
            self.entries[i].1 = def;
            return;
        }
        if let Some(ix) = self.index.as_mut() {
            ix.insert(name.clone(), self.entries.len());
        } else if self.entries.len() + 1 >= VARS_INDEXED_FROM {
            let mut ix: crate::FastMap<ecow::EcoString, usize> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            ix.insert(name.clone(), self.entries.len());
            self.index = Some(Box::new(ix));
        }
        self.entries.push((name, def));
    }
    /// [`Vars::insert`], and where a different value was set before, the
    /// var's name and the two places (for a [`VarConflict`]).
    pub fn replace(&mut self, name: ecow::EcoString, def: VarDef) -> Option<(String, Loc, Loc)> {
        let changed = match (self.get(&name), &def.loc) {
            (Some(old), Some(second)) if old.value != def.value => old
                .loc
                .clone()
                .map(|first| (name.to_string(), first, second.clone())),
            _ => None,
        };
        self.insert(name, def);
        changed
    }
    /// Add a var the caller knows is not set yet (the distinct keys of one
    /// mapping into empty vars): no search while the vars are small.
    pub fn insert_new(&mut self, name: ecow::EcoString, def: VarDef) {
        debug_assert!(!self.contains_key(&name));
        if self.index.is_none() && self.entries.len() + 1 < VARS_INDEXED_FROM {
            self.entries.push((name, def));
        } else {
            self.insert(name, def);
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&ecow::EcoString, &VarDef)> {
        self.into_iter()
    }
    pub fn keys(&self) -> impl Iterator<Item = &ecow::EcoString> {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl Iterator<Item = &VarDef> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<'a> IntoIterator for &'a Vars {
    type Item = (&'a ecow::EcoString, &'a VarDef);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (ecow::EcoString, VarDef)>,
        fn(&'a (ecow::EcoString, VarDef)) -> (&'a ecow::EcoString, &'a VarDef),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// One place a host key appeared: which group's `hosts:` and where.
#[derive(Debug, Clone)]
pub struct HostDef {
    pub group: usize,
    pub loc: Loc,
    /// The host key as written (a range pattern for expanded hosts).
    pub pattern: ecow::EcoString,
}

#[derive(Debug, Clone)]
pub struct Host {
    /// Shares its text with the map key (and the pattern it came from).
    pub name: ecow::EcoString,
    /// Groups the host was added to directly, in order.
    pub groups: Vec<usize>,
    pub vars: Vars,
    pub defs: Vec<HostDef>,
    /// `host_vars/<host>` files (loaded from beside the sources).
    pub file_vars: Vars,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub children: Vec<usize>,
    pub parents: Vec<usize>,
    pub hosts: Vec<usize>,
    pub vars: Vars,
    /// `group_vars/<group>` files.
    pub file_vars: Vars,
    pub priority: i64,
    /// `ansible_group_priority` was set (to any value, 1 included).
    pub priority_given: bool,
    /// Where the group's name appears as a key.
    pub defs: Vec<Loc>,
}

/// A variable set twice on one entity with different values.
#[derive(Debug, Clone)]
pub struct VarConflict {
    pub entity: String,
    pub is_host: bool,
    pub var: String,
    pub first: Loc,
    pub second: Loc,
}

/// An error that makes ansible-inventory refuse the source.
#[derive(Debug, Clone)]
pub struct Fatal {
    pub code: Code,
    pub loc: Loc,
    pub message: String,
    pub related: Vec<(Loc, String)>,
}

impl Fatal {
    /// A file Ansible's loader cannot read.
    pub fn yaml(file: &Arc<SourceFile>, e: &crate::yaml::YamlError) -> Fatal {
        Fatal {
            code: Code::YamlSyntax,
            loc: Loc {
                file: file.clone(),
                span: e.span,
            },
            message: e.message.clone(),
            related: Vec::new(),
        }
    }
}

/// Something Ansible accepts with a warning (or silently) that we report.
#[derive(Debug, Clone)]
pub struct Note {
    pub code: Code,
    pub loc: Loc,
    pub message: String,
}

pub const ALL: usize = 0;
pub const UNGROUPED: usize = 1;

/// The inventory of one view (an environment, a file, a set of `-i` sources).
#[derive(Debug, Clone)]
pub struct Inventory {
    pub groups: crate::OrderedMap<String, Group>,
    pub hosts: crate::OrderedMap<ecow::EcoString, Host>,
    /// Fatal errors: the first one is where Ansible stops.
    pub fatal: Vec<Fatal>,
    pub notes: Vec<Note>,
    pub conflicts: Vec<VarConflict>,
    /// Files that were read as inventory sources, in load order.
    pub sources: Vec<Arc<SourceFile>>,
    /// Something here was decided by what the model already held (a
    /// `children` entry taken as a known host, a port given to a host
    /// because it was new): built apart, this model cannot be laid over an
    /// earlier one (see [`Inventory::absorb`]).
    pub order_bound: bool,
}

impl Default for Inventory {
    fn default() -> Self {
        Self::new()
    }
}

impl Inventory {
    pub fn new() -> Inventory {
        let mut inv = Inventory {
            groups: crate::OrderedMap::default(),
            hosts: crate::OrderedMap::default(),
            fatal: Vec::new(),
            notes: Vec::new(),
            conflicts: Vec::new(),
            sources: Vec::new(),
            order_bound: false,
        };
        inv.add_group("all");
        inv.add_group("ungrouped");
        let _ = inv.add_child_group(ALL, UNGROUPED);
        inv
    }

    /// A model holding only host names (kept from an earlier run), each
    /// defined nowhere that can be shown: for the rules that compare views'
    /// hosts, which then have the whole tree validated to say where.
    pub fn of_host_names(names: &[String]) -> Inventory {
        let mut inv = Inventory::new();
        let nowhere = Loc {
            file: crate::source::SourceFile::new(String::new(), String::new()),
            span: crate::source::Span::default(),
        };
        for n in names {
            let (h, _) = inv.add_host(n.as_str().into());
            inv.hosts[h].defs.push(HostDef {
                group: UNGROUPED,
                loc: nowhere.clone(),
                pattern: n.as_str().into(),
            });
        }
        inv
    }

    pub fn add_group(&mut self, name: &str) -> usize {
        if let Some(i) = self.groups.get_index_of(name) {
            return i;
        }
        let (i, _) = self.groups.insert_full(
            name.to_string(),
            Group {
                name: name.to_string(),
                children: Vec::new(),
                parents: Vec::new(),
                hosts: Vec::new(),
                vars: Vars::default(),
                file_vars: Vars::default(),
                priority: 1,
                priority_given: false,
                defs: Vec::new(),
            },
        );
        i
    }

    /// `InventoryData.add_host`: the host's index, and whether it is new.
    /// A new host keeps `name` itself as its map key and name (one string).
    pub fn add_host(&mut self, name: ecow::EcoString) -> (usize, bool) {
        if let Some(i) = self.hosts.get_index_of(name.as_str()) {
            return (i, false);
        }
        let (i, _) = self.hosts.insert_full(
            name.clone(),
            Host {
                name,
                groups: Vec::new(),
                vars: Vars::default(),
                defs: Vec::new(),
                file_vars: Vars::default(),
            },
        );
        (i, true)
    }

    /// `Group.add_host`: no-op when already a member. Membership is checked
    /// on the host's (short) list of groups; the two lists are kept in step,
    /// so adding to a group of 100k hosts stays O(1).
    pub fn add_host_to_group(&mut self, group: usize, host: usize) {
        if !self.hosts[host].groups.contains(&group) {
            self.hosts[host].groups.push(group);
            self.groups[group].hosts.push(host);
        }
    }

    /// The given groups and every group above them (through `parents`).
    /// A host's groups are a handful: the ones found so far are searched
    /// as a list, and only a long list gets a table of every group.
    fn upward(&self, start: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(8);
        let mut seen: Option<Vec<bool>> = None;
        let mut stack: Vec<usize> = start.to_vec();
        while let Some(g) = stack.pop() {
            let new = match seen.as_mut() {
                Some(seen) => !std::mem::replace(&mut seen[g], true),
                None => !out.contains(&g),
            };
            if new {
                out.push(g);
                if seen.is_none() && out.len() > 32 {
                    let mut table = vec![false; self.groups.len()];
                    for &x in &out {
                        table[x] = true;
                    }
                    seen = Some(table);
                }
                stack.extend(self.groups[g].parents.iter().copied());
            }
        }
        out
    }

    /// All ancestors of a group (not including itself).
    pub fn ancestors(&self, group: usize) -> Vec<usize> {
        self.upward(&self.groups[group].parents)
    }

    /// `Group.add_child_group`, with its two errors.
    pub fn add_child_group(&mut self, parent: usize, child: usize) -> Result<(), String> {
        if parent == child {
            return Err("can't add group to itself".into());
        }
        if self.groups[parent].children.contains(&child) {
            return Ok(());
        }
        if self.ancestors(parent).contains(&child) {
            return Err(format!(
                "Adding group '{}' as child to '{}' creates a recursive dependency loop.",
                self.groups[child].name, self.groups[parent].name
            ));
        }
        self.groups[parent].children.push(child);
        if !self.groups[child].parents.contains(&parent) {
            self.groups[child].parents.push(parent);
        }
        Ok(())
    }

    /// Lay `later`, the model of the files loaded after this model's own,
    /// built apart on an empty inventory, over this one: the same model as
    /// loading those files on top of this one would give, before
    /// [`Inventory::reconcile`]. Every list in the model only ever grows by
    /// appending what it lacks (groups, hosts, a group's hosts and
    /// children, a host's groups), and vars keep their first place and
    /// their last value, so the later model's lists and vars carried over
    /// in their order give what its operations would have given. What
    /// depends on what the model held before is refused instead (`false`,
    /// with `self` part-way merged: the caller loads the files in order):
    /// an error in `later`, [`Inventory::order_bound`], and a `children`
    /// edge closing a cycle with this model's edges (which loading in order
    /// reports where it happens). A group's `parents` are kept as a set
    /// (their order is never shown), and `conflicts` holds those of each
    /// model plus a var set differently in both.
    pub fn absorb(&mut self, later: Inventory) -> bool {
        if later.order_bound || !later.fatal.is_empty() {
            return false;
        }
        let Inventory {
            groups,
            hosts,
            notes,
            conflicts,
            sources,
            ..
        } = later;
        let gmap: Vec<usize> = groups.keys().map(|name| self.add_group(name)).collect();
        for (g, group) in groups.values().enumerate() {
            let gi = gmap[g];
            for &c in &group.children {
                let ci = gmap[c];
                if self.groups[gi].children.contains(&ci) {
                    continue;
                }
                if gi == ci || self.ancestors(gi).contains(&ci) {
                    return false;
                }
                self.groups[gi].children.push(ci);
                if !self.groups[ci].parents.contains(&gi) {
                    self.groups[ci].parents.push(gi);
                }
            }
        }
        // A host already here keeps its groups and gains the later ones
        // after them; `since[h]` is where its new memberships start (and
        // `usize::MAX` marks a host that is new, so in no group yet).
        let mut since: Vec<usize> = Vec::with_capacity(hosts.len());
        let mut hmap: Vec<usize> = Vec::with_capacity(hosts.len());
        self.hosts.reserve(hosts.len());
        for (_, mut host) in hosts {
            for g in &mut host.groups {
                *g = gmap[*g];
            }
            for d in &mut host.defs {
                d.group = gmap[d.group];
            }
            match self.hosts.entry(host.name.clone()) {
                indexmap::map::Entry::Vacant(v) => {
                    hmap.push(v.index());
                    v.insert(host);
                    since.push(usize::MAX);
                }
                indexmap::map::Entry::Occupied(o) => {
                    let hi = o.index();
                    let here = &mut self.hosts[hi];
                    since.push(here.groups.len());
                    hmap.push(hi);
                    for g in host.groups {
                        if !here.groups.contains(&g) {
                            here.groups.push(g);
                        }
                    }
                    here.defs.extend(host.defs);
                    let name = here.name.to_string();
                    merge_vars(&mut here.vars, host.vars, &name, true, &mut self.conflicts);
                    merge_vars(
                        &mut here.file_vars,
                        host.file_vars,
                        &name,
                        true,
                        &mut Vec::new(),
                    );
                }
            }
        }
        for (g, group) in groups.into_iter().map(|(_, g)| g).enumerate() {
            let gi = gmap[g];
            for h in group.hosts {
                let hi = hmap[h];
                let new_member = match since[h] {
                    usize::MAX => true,
                    from => self.hosts[hi].groups[from..].contains(&gi),
                };
                if new_member {
                    self.groups[gi].hosts.push(hi);
                }
            }
            let here = &mut self.groups[gi];
            here.defs.extend(group.defs);
            if group.priority_given {
                here.priority = group.priority;
                here.priority_given = true;
            }
            let name = here.name.clone();
            merge_vars(
                &mut here.vars,
                group.vars,
                &name,
                false,
                &mut self.conflicts,
            );
            merge_vars(
                &mut here.file_vars,
                group.file_vars,
                &name,
                false,
                &mut Vec::new(),
            );
        }
        self.notes.extend(notes);
        self.conflicts.extend(conflicts);
        self.sources.extend(sources);
        true
    }

    /// `InventoryData.reconcile_inventory`: parentless groups under `all`,
    /// hosts with no other group into `ungrouped`. That is Ansible's
    /// `add_child('ungrouped', host)`, which looks for a group of the
    /// name first: a host named like a group makes that group a child of
    /// `ungrouped` (and stays out of it), an error where that is a loop.
    pub fn reconcile(&mut self) {
        for g in 0..self.groups.len() {
            if g != ALL && self.groups[g].parents.is_empty() {
                let _ = self.add_child_group(ALL, g);
            }
        }
        for h in 0..self.hosts.len() {
            let only_implicit = self.hosts[h]
                .groups
                .iter()
                .all(|&g| g == ALL || g == UNGROUPED);
            let in_ungrouped = self.hosts[h].groups.contains(&UNGROUPED);
            if in_ungrouped && !only_implicit {
                self.groups[UNGROUPED].hosts.retain(|&x| x != h);
                self.hosts[h].groups.retain(|&x| x != UNGROUPED);
            } else if !in_ungrouped && only_implicit {
                match self.groups.get_index_of(self.hosts[h].name.as_str()) {
                    None => self.add_host_to_group(UNGROUPED, h),
                    Some(g) => {
                        if let Err(message) = self.add_child_group(UNGROUPED, g) {
                            if let Some(d) = self.hosts[h].defs.first() {
                                self.fatal.push(Fatal {
                                    code: Code::GroupGraph,
                                    loc: d.loc.clone(),
                                    message,
                                    related: Vec::new(),
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every group a host belongs to, directly or through `children`.
    pub fn host_groups_transitive(&self, host: usize) -> Vec<usize> {
        self.upward(&self.hosts[host].groups)
    }

    /// Longest path from `all` for every group (Ansible's `Group.depth`).
    pub fn depths(&self) -> Vec<u32> {
        let n = self.groups.len();
        let mut depth = vec![0u32; n];
        // Kahn's topological order from the roots; the graph is acyclic once built.
        let mut indeg: Vec<usize> = self.groups.values().map(|g| g.parents.len()).collect();
        let mut queue: Vec<usize> = (0..n).filter(|&g| indeg[g] == 0).collect();
        let mut i = 0;
        while i < queue.len() {
            let g = queue[i];
            i += 1;
            for &c in &self.groups[g].children {
                depth[c] = depth[c].max(depth[g] + 1);
                indeg[c] -= 1;
                if indeg[c] == 0 {
                    queue.push(c);
                }
            }
        }
        depth
    }

    /// The variables `ansible-inventory --list` shows for a host, borrowed
    /// from the model and sorted by name: inventory vars of `all`, of its
    /// groups (by depth, priority, name), `group_vars/` files likewise, then
    /// the host's own vars and its `host_vars/` file, the last definition of
    /// a name winning (`inventory_file` and `inventory_dir` left out).
    pub fn host_vars_sorted(&self, host: usize, depths: &[u32]) -> Vec<(&str, &VarValue)> {
        let inherited = self.group_layer(&self.hosts[host].groups, depths);
        self.over_group_layer(host, &inherited)
    }

    /// What a host in exactly these groups (its direct ones) inherits: the
    /// group and `group_vars/` layers of [`Inventory::host_vars_sorted`],
    /// sorted by name with the winning definition of each. Hosts with the
    /// same groups share it (`--list` works it out once per set).
    pub fn group_layer(&self, direct: &[usize], depths: &[u32]) -> Vec<(&str, &VarValue)> {
        let mut groups: Vec<usize> = self
            .upward(direct)
            .into_iter()
            .filter(|&g| g != ALL)
            .collect();
        groups.sort_by(|&a, &b| {
            (depths[a], self.groups[a].priority, &self.groups[a].name).cmp(&(
                depths[b],
                self.groups[b].priority,
                &self.groups[b].name,
            ))
        });
        let layers = std::iter::once(&self.groups[ALL].vars)
            .chain(groups.iter().map(|&g| &self.groups[g].vars))
            .chain(std::iter::once(&self.groups[ALL].file_vars))
            .chain(groups.iter().map(|&g| &self.groups[g].file_vars));
        winners(layers)
    }

    /// A host's vars over what its groups give it (`inherited`, from
    /// [`Inventory::group_layer`]): both sorted by name, the host's winning.
    pub fn over_group_layer<'a>(
        &'a self,
        host: usize,
        inherited: &[(&'a str, &'a VarValue)],
    ) -> Vec<(&'a str, &'a VarValue)> {
        let h = &self.hosts[host];
        let own = winners([&h.vars, &h.file_vars].into_iter());
        let mut out: Vec<(&str, &VarValue)> = Vec::with_capacity(own.len() + inherited.len());
        let (mut i, mut j) = (0, 0);
        while i < inherited.len() || j < own.len() {
            let take_own = match (inherited.get(i), own.get(j)) {
                (Some(a), Some(b)) => match a.0.cmp(b.0) {
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => {
                        i += 1;
                        true
                    }
                    std::cmp::Ordering::Greater => true,
                },
                (Some(_), None) => false,
                _ => true,
            };
            if take_own {
                out.push(own[j]);
                j += 1;
            } else {
                out.push(inherited[i]);
                i += 1;
            }
        }
        out.retain(|(k, _)| !matches!(*k, "inventory_file" | "inventory_dir"));
        out
    }
}

/// Set `later`'s vars over `vars` in their order (dict `update`), noting
/// a var both set to different values.
fn merge_vars(
    vars: &mut Vars,
    later: Vars,
    entity: &str,
    is_host: bool,
    conflicts: &mut Vec<VarConflict>,
) {
    if vars.is_empty() {
        *vars = later;
        return;
    }
    for (k, def) in later.entries {
        if let Some((var, first, second)) = vars.replace(k, def) {
            conflicts.push(VarConflict {
                entity: entity.to_string(),
                is_host,
                var,
                first,
                second,
            });
        }
    }
}

/// The vars of layers in precedence order (lowest first) as one list
/// sorted by name, each name with the value of its last definition.
fn winners<'a>(layers: impl Iterator<Item = &'a Vars>) -> Vec<(&'a str, &'a VarValue)> {
    let mut all: Vec<(&str, &VarValue)> = Vec::new();
    for vars in layers {
        all.extend(vars.iter().map(|(k, v)| (k.as_str(), &v.value)));
    }
    // A stable sort keeps each name's definitions in precedence order:
    // the last of a run is the one that wins.
    all.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(&str, &VarValue)> = Vec::with_capacity(all.len());
    for (k, v) in all {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 = v,
            _ => out.push((k, v)),
        }
    }
    out
}

#[cfg(test)]
mod graph_tests {
    use super::Inventory;

    #[test]
    fn a_host_sees_every_group_above_it_however_many() {
        // A chain of 50 groups plus a diamond: past 32 found groups the
        // search switches from the list to a table; the answer is the same.
        let mut inv = Inventory::new();
        let groups: Vec<usize> = (0..50).map(|i| inv.add_group(&format!("g{i}"))).collect();
        for w in groups.windows(2) {
            inv.add_child_group(w[1], w[0]).unwrap();
        }
        let side = inv.add_group("side");
        inv.add_child_group(side, groups[0]).unwrap();
        inv.add_child_group(groups[10], side).unwrap();
        let (h, _) = inv.add_host("h1".into());
        inv.add_host_to_group(groups[0], h);
        inv.reconcile();
        let mut got = inv.host_groups_transitive(h);
        got.sort_unstable();
        let mut want: Vec<usize> = groups.clone();
        want.extend([side, super::ALL]);
        want.sort_unstable();
        assert_eq!(got, want);
        // Each group once, in the order of a depth-first climb from the host.
        assert_eq!(inv.host_groups_transitive(h)[0], groups[0]);
    }
}

#[cfg(test)]
mod vars_tests {
    use super::{VarDef, VarValue, Vars};

    fn def(v: i64) -> VarDef {
        VarDef {
            value: VarValue::Json(v.into()),
            loc: None,
        }
    }

    #[test]
    fn vars_keep_dict_order_small_and_indexed() {
        for n in [3usize, 15, 16, 17, 100] {
            let mut vars = Vars::default();
            for i in 0..n {
                vars.insert(format!("v{i}").into(), def(i as i64));
            }
            // re-setting keeps the first place and takes the new value
            vars.insert("v1".into(), def(-1));
            vars.insert("v0".into(), def(-2));
            assert_eq!(vars.len(), n);
            let keys: Vec<String> = vars.keys().map(|k| k.to_string()).collect();
            let want: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
            assert_eq!(keys, want, "n={n}");
            assert_eq!(vars.get("v1").unwrap().value, def(-1).value);
            assert_eq!(vars.get("v0").unwrap().value, def(-2).value);
            assert_eq!(
                vars.get(&format!("v{}", n - 1)).unwrap().value,
                def((n - 1) as i64).value
            );
            assert!(vars.get("nope").is_none() && !vars.contains_key("nope"));
        }
    }

    #[test]
    fn text_is_one_value_however_it_was_made() {
        let node = crate::yaml::parse("a: text\nb: 'yes'\nc: yes\nd: 0x1f\n", Default::default())
            .ok()
            .flatten()
            .and_then(|d| d.as_map().map(|m| m.to_vec()))
            .unwrap_or_default();
        let vals: Vec<VarValue> = node
            .iter()
            .map(|(_, v)| VarValue::from_node(v).unwrap_or(VarValue::Json(serde_json::Value::Null)))
            .collect();
        assert_eq!(vals[0], VarValue::Str("text".into()));
        assert_eq!(vals[0], VarValue::from_json(serde_json::json!("text")));
        assert_eq!(vals[0], VarValue::Json(serde_json::json!("text")));
        assert_eq!(vals[1].as_str(), Some("yes"));
        assert_eq!(vals[2], VarValue::Json(serde_json::json!(true)));
        assert_eq!(vals[3], VarValue::Json(serde_json::json!(31)));
        assert_ne!(vals[1], vals[2]);
        assert_eq!(vals[1].to_json(), serde_json::json!("yes"));
    }
}
