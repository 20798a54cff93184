//! Groups and hosts in insertion order, their parent/child edges and the
//! implicit `all` and `ungrouped`.

use super::findings::{Fatal, Loc, Note, VarConflict};
use super::vars::Vars;
use crate::source::SourceFile;
use std::sync::Arc;

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
    pub(super) fn upward(&self, start: &[usize]) -> Vec<usize> {
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
}

#[cfg(test)]
mod tests {
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
