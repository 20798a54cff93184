//! The variables `ansible-inventory --list` shows for a host: group layers
//! by depth and priority, then the host's own.

use super::model::{Inventory, ALL};
use super::vars::{VarValue, Vars};

impl Inventory {
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
