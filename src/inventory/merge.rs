//! Laying the model of later files over an earlier one, and Ansible's
//! `reconcile_inventory` once everything is loaded.

use super::findings::{Fatal, VarConflict};
use super::model::{Inventory, ALL, UNGROUPED};
use super::vars::Vars;
use crate::diagnostic::Code;

impl Inventory {
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
        // A host's groups, to Ansible, take in their ancestors: in
        // `ungrouped` where that is some group's child, a host is in that
        // group too, and so not only in the implicit ones.
        let ungrouped_nested = self.groups[UNGROUPED].parents.iter().any(|&p| p != ALL);
        for h in 0..self.hosts.len() {
            let only_implicit = self.hosts[h]
                .groups
                .iter()
                .all(|&g| g == ALL || (g == UNGROUPED && !ungrouped_nested));
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
