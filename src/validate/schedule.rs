//! Building every view of a run on the cores there are: each file parsed
//! once, each view's model built, and the per-file rules of the files only
//! one view loads run alongside, as filler work.

use super::discover::ViewSpec;
use crate::config::Resolved;
use crate::inventory::loader::{
    expand_source, load_view, load_view_hosts, FileCache, Parsed, SourceEntry,
};
use crate::rules::{self, FileCtx, FileRole, View};
use crate::vfs::{self, Raw, Vfs};
use std::collections::HashMap;
use std::sync::Arc;

/// Told each view built: its index and model.
type Keep<'a> = dyn Fn(usize, &crate::inventory::Inventory) + Sync + 'a;

/// What a run looks at. A *settled* view is built (other views' rules
/// compare with it) but its own rules are not run; the per-file rules run
/// only on the files `checked` picks.
pub(super) struct Scope<'s> {
    pub(super) settled: Vec<bool>,
    pub(super) checked: &'s (dyn Fn(&str) -> bool + Sync),
    /// The hosts of settled views known without loading them.
    pub(super) hosts: Vec<Option<Vec<String>>>,
    /// Files parsed ahead, from the contents this tree holds.
    pub(super) parsed: Vec<Arc<Parsed>>,
    /// Told each view built (its index and model).
    pub(super) keep: Option<&'s Keep<'s>>,
    /// Given, when the run is done, the models of the views built in full
    /// (not settled), instead of their being freed.
    pub(super) models: Option<&'s super::KeptModels>,
}

impl Scope<'_> {
    /// Every view and every file.
    pub(super) fn everything(views: usize) -> Scope<'static> {
        Scope {
            settled: vec![false; views],
            checked: &|_| true,
            hosts: vec![None; views],
            parsed: Vec::new(),
            keep: None,
            models: None,
        }
    }
}

/// Views built over one tree, with the per-file rules of the files only
/// one view loads already run.
pub(super) struct Built {
    pub(super) views: Vec<View>,
    /// The per-file findings of those files.
    pub(super) findings: Vec<crate::diagnostic::Diagnostic>,
    /// Those files (physical paths): their rules have run, or were not to.
    pub(super) done: std::collections::HashSet<String>,
    /// Every file parsed, sorted by path (the trees of `done` files let go).
    pub(super) files: Vec<Arc<Parsed>>,
}

/// Build every view over `vfs`, each file parsed once (in parallel), and
/// run the per-file rules of the files only one view loads alongside.
pub(super) fn build(
    vfs: &dyn Vfs,
    config: &Resolved,
    views: &[ViewSpec],
    scope: &Scope<'_>,
) -> Built {
    let cache = FileCache::new(vfs, config.load_limits());
    for p in &scope.parsed {
        cache.adopt(p.clone());
    }
    // The files each view loads. A file only one view loads (an
    // environment's hosts.yml, the big ones) gives its tree back as soon as
    // that view is built and the per-file rules have read it, so the trees
    // of all environments never sit in memory together.
    let xenv_phys = match vfs::kind(vfs, &config.raw.xenv_groups) {
        Raw::File => vfs::resolve(vfs, &config.raw.xenv_groups)
            .ok()
            .map(|(p, _)| p),
        _ => None,
    };
    let view_files: Vec<Vec<String>> = views
        .iter()
        .map(|(_, _, sources)| {
            let mut files = Vec::new();
            for s in sources {
                let mut entries = Vec::new();
                expand_source(vfs, s, &mut entries);
                for e in entries {
                    if let SourceEntry::File { phys: p, .. } = e {
                        files.push(p);
                    }
                }
            }
            files.sort();
            files.dedup();
            files
        })
        .collect();
    let mut loaders: HashMap<&str, usize> = HashMap::new();
    for files in &view_files {
        for f in files {
            *loaders.entry(f.as_str()).or_default() += 1;
        }
    }
    let own: Vec<Vec<String>> = view_files
        .iter()
        .map(|files| {
            files
                .iter()
                .filter(|f| loaders.get(f.as_str()) == Some(&1))
                .filter(|f| xenv_phys.as_deref() != Some(f.as_str()))
                .cloned()
                .collect()
        })
        .collect();
    // The group hierarchy is read whichever views load it (declared groups).
    if let Some(p) = &xenv_phys {
        cache.get(p);
    }
    let file_ctx = |parsed: Arc<Parsed>| FileCtx {
        role: role_of(&parsed.file.path, config),
        parsed,
    };
    // Scheduling on few cores: each worker takes the next view, parses its
    // own files and builds its model; the view's per-file rules are queued
    // behind it as filler work. Parsing the next view comes before any
    // queued rules, so no view's parse-then-build chain starts late (with
    // three environments on two cores, the third one would otherwise start
    // only when the first two are done, leaving a core idle).
    use std::sync::OnceLock;
    let n = views.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let built_slots: Vec<OnceLock<View>> = (0..n).map(|_| OnceLock::new()).collect();
    let found_slots: Vec<OnceLock<Vec<crate::diagnostic::Diagnostic>>> =
        (0..n).map(|_| OnceLock::new()).collect();
    // Shared borrows for the `move` closures below (the cache itself is
    // left to `release` at the end).
    let (cache_ref, own_ref, next) = (&cache, &own, &next);
    let (built_ref, found_ref) = (&built_slots, &found_slots);
    let checked = scope.checked;
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().clamp(1, n.max(1)) {
            s.spawn(move |s| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, kind, sources)) = views.get(i) else {
                    break;
                };
                let mine: Vec<FileCtx> = own_ref[i]
                    .iter()
                    .filter(|p| checked(p))
                    .map(|p| file_ctx(cache_ref.get(p)))
                    .collect();
                s.spawn(move |_| {
                    let _ = found_ref[i].set(rules::run_file_rules(config, &mine));
                });
                let settled = scope.settled.get(i).copied().unwrap_or(false);
                let known = scope.hosts.get(i).and_then(Option::as_ref);
                // A settled view is there for the rules comparing views,
                // which read its hosts only.
                let inv = match known {
                    Some(names) if settled => crate::inventory::Inventory::of_host_names(names),
                    _ if settled => load_view_hosts(cache_ref, sources),
                    _ => load_view(cache_ref, sources),
                };
                if let (Some(keep), None) = (scope.keep, known) {
                    keep(i, &inv);
                }
                // The cache lets go of the trees; the queued rules hold them
                // until they are done.
                for p in &own_ref[i] {
                    drop(cache_ref.release_tree(p));
                }
                let _ = built_ref[i].set(View {
                    inv,
                    name: name.clone(),
                    kind: *kind,
                    settled,
                });
            });
        }
    });
    let built = Built {
        views: built_slots
            .into_iter()
            .filter_map(OnceLock::into_inner)
            .collect(),
        findings: found_slots
            .into_iter()
            .filter_map(OnceLock::into_inner)
            .flatten()
            .collect(),
        done: own.into_iter().flatten().collect(),
        files: cache.all(),
    };
    crate::release(cache);
    built
}

pub(super) fn role_of(path: &str, config: &Resolved) -> FileRole {
    if path == config.raw.xenv_groups {
        FileRole::XenvGroups
    } else if path
        .split('/')
        .any(|c| c == "group_vars" || c == "host_vars")
    {
        FileRole::Vars
    } else {
        FileRole::Inventory
    }
}
