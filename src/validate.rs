//! A validation run: find the environments of a repository, load each the
//! way `ansible-inventory -i inventory/<ENV>/` does (files parsed once, in
//! parallel), then run the rule catalogue over files, views and the repo.

use crate::config::Resolved;
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::loader::{expand_source, load_view, FileCache, SourceEntry};
use crate::inventory::Loc;
use crate::rules::{self, Context, FileCtx, FileRole, LinkProblem, View, ViewKind};
use crate::vfs::{self, Raw, Vfs};
use std::collections::HashMap;

/// Phase timings on stderr when `GIT_INVENTORY_TIMINGS` is set (a
/// profiling aid; benchmarks live outside the tests).
pub struct Timer {
    on: bool,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Timer {
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("GIT_INVENTORY_TIMINGS").is_some(),
            last: std::sync::Mutex::new(std::time::Instant::now()),
        }
    }
    pub fn lap(&self, what: &str) {
        if self.on {
            if let Ok(mut last) = self.last.lock() {
                eprintln!(
                    "timing: {what:<24} {:>8.1} ms {:>7.1} MB resident",
                    last.elapsed().as_secs_f64() * 1000.0,
                    resident_mb()
                );
                *last = std::time::Instant::now();
            }
        }
    }
    /// Time a closure on its own (for work running in parallel).
    pub fn time<T>(&self, what: &str, f: impl FnOnce() -> T) -> T {
        let t = std::time::Instant::now();
        let v = f();
        if self.on {
            eprintln!(
                "timing:   {what:<22} {:>8.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        v
    }
}

/// Resident memory of this process (Linux; 0 elsewhere).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |pages| pages * 4096.0 / 1e6)
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub files: usize,
    /// (view name, hosts, groups) per view.
    pub views: Vec<(String, usize, usize)>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// The views (sources per view) of a repository laid out as configured.
pub fn discover(vfs: &dyn Vfs, config: &Resolved) -> Vec<(String, ViewKind, Vec<String>)> {
    let cfg = &config.raw;
    let inv_dir = cfg.inventory_dir.trim_end_matches('/').to_string();
    let mut views = Vec::new();
    if vfs::kind(vfs, &inv_dir) != Raw::Dir {
        // Not our layout: the whole tree is one inventory, like `-i DIR/`.
        views.push((".".to_string(), ViewKind::Standalone, vec![String::new()]));
        return views;
    }
    let xenv_files: Vec<String> = [&cfg.xenv_groups, &cfg.xenv_hosts]
        .into_iter()
        .filter(|p| vfs::kind(vfs, p) == Raw::File)
        .cloned()
        .collect();
    for name in vfs::list(vfs, &inv_dir).unwrap_or_default() {
        let path = format!("{inv_dir}/{name}");
        match vfs::kind(vfs, &path) {
            Raw::Dir if !crate::inventory::loader::ignored_name(&name) => {
                let is_env = cfg
                    .env_markers
                    .iter()
                    .any(|m| vfs::kind(vfs, &format!("{path}/{m}")) == Raw::File);
                if is_env {
                    views.push((name, ViewKind::Env, vec![path]));
                }
            }
            Raw::File => {
                let is_yaml = crate::inventory::loader::yaml_plugin_accepts(&name)
                    && !crate::inventory::loader::ignored_name(&name);
                if is_yaml && !xenv_files.contains(&path) {
                    views.push((path.clone(), ViewKind::Standalone, vec![path]));
                }
            }
            _ => {}
        }
    }
    if !xenv_files.is_empty() {
        views.push(("xenv".to_string(), ViewKind::Xenv, xenv_files));
    }
    views
}

/// Every symlink under `dir` that cannot be followed (not descending links).
fn link_problems(vfs: &dyn Vfs, dir: &str, out: &mut Vec<LinkProblem>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(names) = vfs.raw_list(dir) else { return };
    for name in names {
        let path = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        match vfs.raw(&path) {
            Raw::Dir if vfs.is_submodule(&path) => out.push(LinkProblem {
                error: vfs::ResolveError::Submodule { path: path.clone() },
                path,
            }),
            Raw::Dir if name != ".git" => link_problems(vfs, &path, out, depth + 1),
            Raw::Symlink(_) => {
                if let Err(error) = vfs::resolve_described(vfs, &path) {
                    let error = match error {
                        vfs::ResolveError::Missing => vfs::ResolveError::Dangling {
                            link: path.clone(),
                            target: match vfs.raw(&path) {
                                Raw::Symlink(t) => t,
                                _ => String::new(),
                            },
                        },
                        e => e,
                    };
                    out.push(LinkProblem { path, error });
                }
            }
            _ => {}
        }
    }
}

fn role_of(path: &str, config: &Resolved) -> FileRole {
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

/// Validate given views over a tree.
pub fn validate_views(
    vfs: &dyn Vfs,
    config: &Resolved,
    views: Vec<(String, ViewKind, Vec<String>)>,
    link_root: Option<&str>,
) -> Report {
    let timer = Timer::new();
    let cx = prepare(vfs, config, views, link_root, &timer);
    let diagnostics = rules::run_all_timed(&cx, &timer);
    timer.lap("rules");
    let report = Report {
        diagnostics,
        files: cx.files.len(),
        views: cx
            .views
            .iter()
            .map(|v| (v.name.clone(), v.inv.hosts.len(), v.inv.groups.len()))
            .collect(),
    };
    let crate::rules::Context { views, files, .. } = cx;
    crate::release_in_background((views, files));
    report
}

/// Everything the rules look at: each source file parsed once (in
/// parallel), the inventory model of every view, the declared groups and
/// the symlink problems under `link_root`.
pub fn prepare<'c>(
    vfs: &dyn Vfs,
    config: &'c Resolved,
    views: Vec<(String, ViewKind, Vec<String>)>,
    link_root: Option<&str>,
    timer: &Timer,
) -> Context<'c> {
    let cache = FileCache::new(vfs, config.load_limits());
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
    let file_ctx = |parsed: std::sync::Arc<crate::inventory::loader::Parsed>| FileCtx {
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
    let (cache_ref, views, own_ref, next) = (&cache, &views, &own, &next);
    let (built_ref, found_ref) = (&built_slots, &found_slots);
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().clamp(1, n.max(1)) {
            s.spawn(move |s| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, kind, sources)) = views.get(i) else {
                    break;
                };
                let mine: Vec<FileCtx> = own_ref[i]
                    .iter()
                    .map(|p| file_ctx(cache_ref.get(p)))
                    .collect();
                s.spawn(move |_| {
                    let _ = found_ref[i].set(rules::run_file_rules(config, &mine));
                });
                let inv = load_view(cache_ref, sources);
                // The cache lets go of the trees; the queued rules hold them
                // until they are done.
                for p in &own_ref[i] {
                    drop(cache_ref.release_tree(p));
                }
                let _ = built_ref[i].set(View {
                    inv,
                    name: name.clone(),
                    kind: *kind,
                });
            });
        }
    });
    let built: Vec<View> = built_slots
        .into_iter()
        .filter_map(OnceLock::into_inner)
        .collect();
    let mut file_findings: Vec<crate::diagnostic::Diagnostic> = found_slots
        .into_iter()
        .filter_map(OnceLock::into_inner)
        .flatten()
        .collect();
    timer.lap("views + their files' rules");
    let files: Vec<FileCtx> = cache.all().into_iter().map(file_ctx).collect();
    // Shared files (xenv_groups.yml) and vars files found while loading.
    let done: std::collections::HashSet<&str> = own.iter().flatten().map(String::as_str).collect();
    let later: Vec<FileCtx> = files
        .iter()
        .filter(|f| !done.contains(f.parsed.file.path.as_str()))
        .cloned()
        .collect();
    file_findings.extend(rules::run_file_rules(config, &later));
    let declared_groups = files
        .iter()
        .find(|f| f.role == FileRole::XenvGroups)
        .and_then(|f| match &f.parsed.doc {
            Ok(Some(doc)) => {
                let mut m: HashMap<String, Loc> = HashMap::new();
                rules::walk::walk(doc, &mut |item| {
                    if let rules::walk::Item::Group { key, .. } = item {
                        if let Some(name) = rules::walk::key_str(key) {
                            m.entry(name.to_string()).or_insert(Loc {
                                file: f.parsed.file.clone(),
                                span: key.span,
                            });
                        }
                    }
                });
                Some(m)
            }
            _ => None,
        });
    let mut links = Vec::new();
    if let Some(root) = link_root {
        if !root.is_empty() && vfs.is_submodule(root) {
            links.push(LinkProblem {
                path: root.to_string(),
                error: vfs::ResolveError::Submodule {
                    path: root.to_string(),
                },
            });
        }
        link_problems(vfs, root, &mut links, 0);
        // An environment marker that is a directory is not silently skipped.
        for name in vfs::list(vfs, root).unwrap_or_default() {
            for m in &config.raw.env_markers {
                let p = format!("{root}/{name}/{m}");
                if vfs::kind(vfs, &p) == Raw::Dir {
                    links.push(LinkProblem {
                        error: vfs::ResolveError::NotAFile { path: p.clone() },
                        path: p,
                    });
                }
            }
        }
    }
    let cx = Context {
        config,
        files,
        views: built,
        declared_groups,
        links,
        file_findings,
    };
    crate::release(cache);
    timer.lap("setup");
    cx
}

/// Validate a whole repository laid out as configured.
pub fn validate_repo(vfs: &dyn Vfs, config: &Resolved) -> Report {
    let views = discover(vfs, config);
    let inv_dir = config.raw.inventory_dir.trim_end_matches('/').to_string();
    let root = if vfs::kind(vfs, &inv_dir) == Raw::Dir {
        inv_dir
    } else {
        String::new()
    };
    validate_views(vfs, config, views, Some(&root))
}
