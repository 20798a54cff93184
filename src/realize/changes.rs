//! What a change between two trees did to the hosts, view by view, judged
//! on the model Ansible builds: a host is *added* or *removed* when it
//! appears in or leaves a view, *changed* when the groups it belongs to
//! (directly or through `children`) or any var `ansible-inventory --list`
//! shows for it differ. A view whose every input is as it was (the same
//! entries, listings and blobs: see [`view_footprint`]) is not loaded at
//! all, so a change pays for the views it touched only.

use crate::config::Resolved;
use crate::inventory::ansible::shown_vars;
use crate::inventory::loader::{load_view_parallel, FileCache};
use crate::inventory::Inventory;
use crate::validate::{discover, view_footprint};
use crate::vfs::Vfs;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// How one host that is in the view on both sides changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostChange {
    pub host: String,
    /// Groups it is in now and was not (`all` never listed), sorted.
    pub groups_added: Vec<String>,
    /// Groups it was in and is not now, sorted.
    pub groups_removed: Vec<String>,
    /// Vars that were set, unset or given another value, sorted.
    pub vars_changed: Vec<String>,
}

/// The hosts of one view a change added, removed and changed (each sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ViewChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<HostChange>,
}

impl ViewChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The hosts to run a play on: added and changed, sorted.
    pub fn to_realize(&self) -> Vec<&str> {
        let mut hosts: Vec<&str> = self
            .added
            .iter()
            .map(String::as_str)
            .chain(self.changed.iter().map(|c| c.host.as_str()))
            .collect();
        hosts.sort_unstable();
        hosts
    }
}

/// What a change did, by view name (`PROD`, `xenv`, a standalone file's
/// path); views without a change to any host are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub views: BTreeMap<String, ViewChanges>,
    /// Views Ansible refuses to load on one side (with why): their hosts
    /// cannot be told, so none are reported (a refused view is not "every
    /// host removed").
    pub refused: BTreeMap<String, String>,
}

impl Changes {
    /// Added and changed hosts of every view, sorted, each once.
    pub fn to_realize(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.views.values().flat_map(|v| v.to_realize()).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Removed hosts of every view, sorted, each once (a host that moved
    /// from one view to another is not removed).
    pub fn removed(&self) -> Vec<&str> {
        let kept: HashSet<&str> = self.to_realize().into_iter().collect();
        let mut all: Vec<&str> = self
            .views
            .values()
            .flat_map(|v| v.removed.iter().map(String::as_str))
            .filter(|h| !kept.contains(h))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// One view to compare: its sources on each side (`None`: not there).
#[derive(Debug, Clone)]
pub struct ViewPair {
    pub name: String,
    before: Option<Vec<String>>,
    after: Option<Vec<String>>,
}

/// What comparing two trees will load: the views whose inputs differ, and
/// the files to read from each tree for them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub views: Vec<ViewPair>,
    pub reads_before: HashSet<String>,
    pub reads_after: HashSet<String>,
}

/// A view's sources before and after a change (`None`: not there).
type Sides = (Option<Vec<String>>, Option<Vec<String>>);

/// Work out which views a change from `before` to `after` may have
/// changed. Only entries and blob ids are looked at: the trees need not
/// hold any file's contents yet.
pub fn plan(before: &dyn Vfs, after: &dyn Vfs, config: &Resolved) -> Plan {
    let mut sides: BTreeMap<String, Sides> = BTreeMap::new();
    for (name, _, sources) in discover(before, config) {
        sides.entry(name).or_default().0 = Some(sources);
    }
    for (name, _, sources) in discover(after, config) {
        sides.entry(name).or_default().1 = Some(sources);
    }
    let mut out = Plan::default();
    for (name, (b, a)) in sides {
        let mut same = b == a;
        let mut reads_after = Vec::new();
        let mut reads_before = Vec::new();
        if let Some(sources) = &a {
            let (s, reads) = view_footprint(after, before, config, sources);
            same &= s;
            reads_after = reads;
        }
        // Loading asks the same questions of trees that answer alike: when
        // `before` answers every question loading `after` asked as `after`
        // did, loading it asks nothing else.
        if let Some(sources) = b.as_ref().filter(|_| !same) {
            reads_before = view_footprint(before, after, config, sources).1;
        }
        // Only the views to load need their files read.
        if !same {
            out.reads_after.extend(reads_after);
            out.reads_before.extend(reads_before);
            out.views.push(ViewPair {
                name,
                before: b,
                after: a,
            });
        }
    }
    out
}

/// Compare the views of `plan` between `before` and `after`, both holding
/// the contents of the files the plan reads from them.
pub fn compare(plan: &Plan, before: &dyn Vfs, after: &dyn Vfs, config: &Resolved) -> Changes {
    compare_with(plan, before, after, config, Vec::new())
}

/// [`compare`], with models of `after` already built (by a validation of
/// it, with this configuration): a view loaded from the same sources is
/// taken from them instead of being loaded again.
pub fn compare_with(
    plan: &Plan,
    before: &dyn Vfs,
    after: &dyn Vfs,
    config: &Resolved,
    mut built: Vec<crate::validate::KeptModel>,
) -> Changes {
    let timer = crate::timer::Timer::new();
    let prebuilt: Vec<Option<Inventory>> = plan
        .views
        .iter()
        .map(|v| {
            let sources = v.after.as_ref()?;
            let at = built
                .iter()
                .position(|m| m.name == v.name && &m.sources == sources)?;
            Some(built.swap_remove(at).inv)
        })
        .collect();
    crate::release_in_background(built);
    let limits = config.load_limits();
    let cache_before = FileCache::new(before, limits);
    let cache_after = FileCache::new(after, limits);
    // Every side to load, loaded on every core.
    let jobs: Vec<(usize, bool, &Vec<String>)> = plan
        .views
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            let b = v.before.as_ref().map(|s| (i, false, s));
            let a = v
                .after
                .as_ref()
                .filter(|_| prebuilt[i].is_none())
                .map(|s| (i, true, s));
            b.into_iter().chain(a)
        })
        .collect();
    let models: Vec<(usize, bool, Inventory)> = jobs
        .into_par_iter()
        .map(|(i, after_side, sources)| {
            let cache = if after_side {
                &cache_after
            } else {
                &cache_before
            };
            (i, after_side, load_view_parallel(cache, sources, 0))
        })
        .collect();
    let mut sides: Vec<(Option<Inventory>, Option<Inventory>)> =
        prebuilt.into_iter().map(|a| (None, a)).collect();
    for (i, after_side, inv) in models {
        if after_side {
            sides[i].1 = Some(inv);
        } else {
            sides[i].0 = Some(inv);
        }
    }
    timer.lap("load both sides");
    let empty = Inventory::new();
    let mut out = Changes::default();
    for (v, (b, a)) in plan.views.iter().zip(&sides) {
        let b = b.as_ref().unwrap_or(&empty);
        let a = a.as_ref().unwrap_or(&empty);
        if let Some(why) = refusal(b, "before").or_else(|| refusal(a, "after")) {
            out.refused.insert(v.name.clone(), why);
            continue;
        }
        let c = diff(b, a);
        if !c.is_empty() {
            out.views.insert(v.name.clone(), c);
        }
    }
    timer.lap("compare the hosts");
    crate::release(sides);
    out
}

/// Why Ansible would refuse to load `inv` (its first fatal error), if it
/// would.
fn refusal(inv: &Inventory, side: &str) -> Option<String> {
    let f = inv.fatal.first()?;
    let lc = f.loc.file.line_col(f.loc.span.start);
    Some(format!(
        "{side} the change, Ansible refuses this inventory: {}:{}:{}: {} {}",
        f.loc.file.path, lc.line, lc.column, f.code, f.message
    ))
}

/// A host as the change is judged on: its groups (sorted, `all` left
/// out) and the vars `--list` shows (sorted by name).
struct HostState<'i> {
    groups: Vec<&'i str>,
    vars: Vec<(&'i str, &'i crate::inventory::VarValue)>,
}

fn state<'i>(inv: &'i Inventory, host: usize, depths: &[u32]) -> HostState<'i> {
    let mut groups: Vec<&str> = inv
        .host_groups_transitive(host)
        .into_iter()
        .filter(|&g| g != crate::inventory::ALL)
        .map(|g| inv.groups[g].name.as_str())
        .collect();
    groups.sort_unstable();
    HostState {
        groups,
        vars: shown_vars(inv, host, depths),
    }
}

/// What lets most hosts be told unchanged without working out their vars:
/// when both models have the same groups with the same parents, a host
/// with the same direct groups and own vars, none of whose groups (or
/// their ancestors) changed vars or priority, receives the same.
struct Shortcut {
    /// Per group of `after`: its vars, priority or an ancestor's differ.
    tainted: Vec<bool>,
}

impl Shortcut {
    fn new(before: &Inventory, after: &Inventory) -> Option<Shortcut> {
        if before.groups.len() != after.groups.len() {
            return None;
        }
        let parents = |inv: &Inventory, ps: &[usize]| -> Vec<String> {
            ps.iter().map(|&p| inv.groups[p].name.clone()).collect()
        };
        let mut changed = Vec::with_capacity(after.groups.len());
        for g in after.groups.values() {
            let b = before.groups.get(&g.name)?;
            if parents(after, &g.parents) != parents(before, &b.parents) {
                return None;
            }
            changed.push(
                !(g.vars.same_values(&b.vars)
                    && g.file_vars.same_values(&b.file_vars)
                    && g.priority == b.priority),
            );
        }
        let tainted = (0..after.groups.len())
            .map(|g| changed[g] || after.ancestors(g).into_iter().any(|a| changed[a]))
            .collect();
        Some(Shortcut { tainted })
    }

    /// Whether host `a` of `after` (`b` of `before`) surely receives the
    /// same groups and vars.
    fn unchanged(&self, before: &Inventory, b: usize, after: &Inventory, a: usize) -> bool {
        let (hb, ha) = (&before.hosts[b], &after.hosts[a]);
        if ha.groups.iter().any(|&g| self.tainted[g]) {
            return false;
        }
        let names = |inv: &Inventory, gs: &[usize]| -> Vec<String> {
            let mut n: Vec<String> = gs.iter().map(|&g| inv.groups[g].name.clone()).collect();
            n.sort_unstable();
            n
        };
        ha.vars.same_values(&hb.vars)
            && ha.file_vars.same_values(&hb.file_vars)
            && names(after, &ha.groups) == names(before, &hb.groups)
    }
}

/// The hosts `after` added to, removed from and changed in `before`.
pub fn diff(before: &Inventory, after: &Inventory) -> ViewChanges {
    let shortcut = Shortcut::new(before, after);
    let (db, da) = (before.depths(), after.depths());
    let found: Vec<(Option<HostChange>, Option<&str>)> = (0..after.hosts.len())
        .into_par_iter()
        .map(|i| {
            let name = after.hosts[i].name.as_str();
            match before.hosts.get_index_of(name) {
                None => (None, Some(name)),
                Some(j)
                    if shortcut
                        .as_ref()
                        .is_some_and(|s| s.unchanged(before, j, after, i)) =>
                {
                    (None, None)
                }
                Some(j) => (
                    host_change(name, &state(before, j, &db), &state(after, i, &da)),
                    None,
                ),
            }
        })
        .collect();
    let mut out = ViewChanges::default();
    for (c, added) in found {
        out.changed.extend(c);
        out.added.extend(added.map(str::to_string));
    }
    out.removed = before
        .hosts
        .keys()
        .filter(|h| !after.hosts.contains_key(h.as_str()))
        .map(|h| h.to_string())
        .collect();
    out.added.sort_unstable();
    out.removed.sort_unstable();
    out.changed.sort_unstable_by(|a, b| a.host.cmp(&b.host));
    out
}

fn host_change(name: &str, b: &HostState<'_>, a: &HostState<'_>) -> Option<HostChange> {
    if b.groups == a.groups && b.vars == a.vars {
        return None;
    }
    let minus = |x: &[&str], y: &[&str]| -> Vec<String> {
        x.iter()
            .filter(|g| y.binary_search(g).is_err())
            .map(|g| g.to_string())
            .collect()
    };
    let mut vars_changed = Vec::new();
    let (mut i, mut j) = (0, 0);
    // Both sorted by name: one merge walk.
    while i < b.vars.len() || j < a.vars.len() {
        match (b.vars.get(i), a.vars.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                if x.1 != y.1 {
                    vars_changed.push(x.0.to_string());
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                vars_changed.push(x.0.to_string());
                i += 1;
            }
            (Some(x), None) => {
                vars_changed.push(x.0.to_string());
                i += 1;
            }
            (_, Some(y)) => {
                vars_changed.push(y.0.to_string());
                j += 1;
            }
            (None, None) => break,
        }
    }
    Some(HostChange {
        host: name.to_string(),
        groups_added: minus(&a.groups, &b.groups),
        groups_removed: minus(&b.groups, &a.groups),
        vars_changed,
    })
}
