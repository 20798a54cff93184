//! A validation run: find the environments of a repository, load each the
//! way `ansible-inventory -i inventory/<ENV>/` does (files parsed once, in
//! parallel), then run the rule catalogue over files, views and the repo.

use crate::config::Resolved;
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::loader::{expand_source, load_view, load_view_hosts, FileCache, SourceEntry};
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
pub fn discover(vfs: &dyn Vfs, config: &Resolved) -> Vec<ViewSpec> {
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
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
) -> Report {
    let scope = Scope::everything(views.len());
    validate_scoped(vfs, config, views, link_root, &scope)
}

fn validate_scoped(
    vfs: &dyn Vfs,
    config: &Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    scope: &Scope<'_>,
) -> Report {
    let timer = Timer::new();
    let cx = prepare_scoped(vfs, config, views, link_root, &timer, scope);
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

/// One view to load: its name, its kind and its `-i` sources.
pub type ViewSpec = (String, ViewKind, Vec<String>);

/// Told each view built: its index and model.
type Keep<'a> = dyn Fn(usize, &crate::inventory::Inventory) + Sync + 'a;

/// What a run looks at. A *settled* view is built (other views' rules
/// compare with it) but its own rules are not run; the per-file rules run
/// only on the files `checked` picks.
struct Scope<'s> {
    settled: Vec<bool>,
    checked: &'s (dyn Fn(&str) -> bool + Sync),
    /// The hosts of settled views known without loading them.
    hosts: Vec<Option<Vec<String>>>,
    /// Files parsed ahead, from the contents this tree holds.
    parsed: Vec<std::sync::Arc<crate::inventory::loader::Parsed>>,
    /// Told each view built (its index and model).
    keep: Option<&'s Keep<'s>>,
}

impl Scope<'_> {
    /// Every view and every file.
    fn everything(views: usize) -> Scope<'static> {
        Scope {
            settled: vec![false; views],
            checked: &|_| true,
            hosts: vec![None; views],
            parsed: Vec::new(),
            keep: None,
        }
    }
}

/// Views built over one tree, with the per-file rules of the files only
/// one view loads already run.
struct Built {
    views: Vec<View>,
    /// The per-file findings of those files.
    findings: Vec<crate::diagnostic::Diagnostic>,
    /// Those files (physical paths): their rules have run, or were not to.
    done: std::collections::HashSet<String>,
    /// Every file parsed, sorted by path (the trees of `done` files let go).
    files: Vec<std::sync::Arc<crate::inventory::loader::Parsed>>,
}

/// Build every view over `vfs`, each file parsed once (in parallel), and
/// run the per-file rules of the files only one view loads alongside.
fn build(vfs: &dyn Vfs, config: &Resolved, views: &[ViewSpec], scope: &Scope<'_>) -> Built {
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

/// Everything the rules look at: each source file parsed once (in
/// parallel), the inventory model of every view, the declared groups and
/// the symlink problems under `link_root`.
pub fn prepare<'c>(
    vfs: &dyn Vfs,
    config: &'c Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    timer: &Timer,
) -> Context<'c> {
    let scope = Scope::everything(views.len());
    prepare_scoped(vfs, config, views, link_root, timer, &scope)
}

fn prepare_scoped<'c>(
    vfs: &dyn Vfs,
    config: &'c Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    timer: &Timer,
    scope: &Scope<'_>,
) -> Context<'c> {
    let built = build(vfs, config, &views, scope);
    timer.lap("views + their files' rules");
    let files: Vec<FileCtx> = built
        .files
        .into_iter()
        .map(|parsed| FileCtx {
            role: role_of(&parsed.file.path, config),
            parsed,
        })
        .collect();
    // Shared files (xenv_groups.yml) and vars files found while loading.
    let later: Vec<FileCtx> = files
        .iter()
        .filter(|f| !built.done.contains(f.parsed.file.path.as_str()))
        .filter(|f| (scope.checked)(&f.parsed.file.path))
        .cloned()
        .collect();
    let mut file_findings = built.findings;
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
        views: built.views,
        declared_groups,
        links,
        file_findings,
    };
    timer.lap("setup");
    cx
}

/// Validate a whole repository laid out as configured.
pub fn validate_repo(vfs: &dyn Vfs, config: &Resolved) -> Report {
    let (views, root) = repo_views(vfs, config);
    let scope = Scope::everything(views.len());
    validate_scoped(vfs, config, views, Some(&root), &scope)
}

/// The views of a repository and the directory whose symlinks are checked.
fn repo_views(vfs: &dyn Vfs, config: &Resolved) -> (Vec<ViewSpec>, String) {
    let views = discover(vfs, config);
    let inv_dir = config.raw.inventory_dir.trim_end_matches('/').to_string();
    let root = if vfs::kind(vfs, &inv_dir) == Raw::Dir {
        inv_dir
    } else {
        String::new()
    };
    (views, root)
}

/// Validate `vfs`, a change of the tree `before`, leaving out what the
/// change cannot have altered: a view whose every input (each entry and
/// directory listing its loading looks at, each file it may read, the
/// declared groups) is as it was in `before` is settled (built, for the
/// rules that compare views, but its own rules are not run), and the
/// per-file rules run only on the files that changed.
///
/// So the report holds every finding `validate_repo` would give that
/// `before` did not have (and possibly some it had): callers that only
/// refuse what is new (the updater), or that know `before` had no findings
/// (the hook, for a tree it accepted), decide as on the whole tree.
/// Files are compared by their blob ids ([`Vfs::file_id`]); a tree that
/// knows none (a working tree) settles nothing.
pub fn validate_change(vfs: &dyn Vfs, before: &dyn Vfs, config: &Resolved) -> Report {
    plan_change(vfs, before, config, None).run(vfs, config)
}

/// Host names of views, kept between runs by the view's inputs (the hook
/// keeps them in the repository): a settled view whose hosts are known is
/// not loaded at all, its files not even read.
pub trait KnownHosts: Sync {
    /// The hosts of the view whose inputs hash to `key`, if kept.
    fn get(&self, key: &str) -> Option<Vec<String>>;
    /// Keep the hosts of the view whose inputs hash to `key` (`hosts`
    /// lists them; not called when they are kept already).
    fn put(&self, key: &str, hosts: &dyn Fn() -> Vec<String>);
}

/// What a validation of a change will look at: see [`plan_change`].
pub struct Plan<'k> {
    views: Vec<ViewSpec>,
    root: String,
    settled: Vec<bool>,
    /// Each view's inputs, as a key for [`KnownHosts`].
    keys: Vec<String>,
    /// The hosts of the settled views that `known` had.
    hosts: Vec<Option<Vec<String>>>,
    /// Files parsed ahead ([`Plan::with_parsed`]).
    parsed: Vec<std::sync::Arc<crate::inventory::loader::Parsed>>,
    /// The files each view may read.
    reads: Vec<Vec<String>>,
    /// Files changed since `before`.
    changed: std::collections::HashSet<String>,
    /// The group hierarchy (read by every run, for the declared groups).
    declared: Option<String>,
    known: Option<&'k dyn KnownHosts>,
}

/// Work out which views of `vfs` a change from `before` left settled
/// (only the trees' entries and blob ids are looked at: `vfs` need not
/// hold the files' contents yet; see [`Plan::reads`]).
pub fn plan_change<'k>(
    vfs: &dyn Vfs,
    before: &dyn Vfs,
    config: &Resolved,
    known: Option<&'k dyn KnownHosts>,
) -> Plan<'k> {
    let timer = Timer::new();
    let (views, root) = repo_views(vfs, config);
    let mut settled = Vec::new();
    let mut keys = Vec::new();
    let mut reads = Vec::new();
    let mut changed = std::collections::HashSet::new();
    for spec in &views {
        let inputs = view_inputs(vfs, config, &spec.2);
        settled.push(inputs.iter().all(|q| q.same_in(before, vfs)));
        keys.push(inputs_key(vfs, spec, &inputs));
        let mut files = Vec::new();
        for q in &inputs {
            if let Asked::Read(p) = q {
                if !same_file(vfs, before, p) {
                    changed.insert(p.clone());
                }
                files.push(p.clone());
            }
        }
        reads.push(files);
    }
    let declared = match vfs::resolve(vfs, &config.raw.xenv_groups) {
        Ok((p, Raw::File)) => Some(p),
        _ => None,
    };
    let hosts = settled
        .iter()
        .zip(&keys)
        .map(|(s, k)| {
            if *s && !k.is_empty() {
                known.and_then(|kh| kh.get(k))
            } else {
                None
            }
        })
        .collect();
    timer.lap("what the change touches");
    Plan {
        parsed: Vec::new(),
        views,
        root,
        settled,
        keys,
        hosts,
        reads,
        changed,
        declared,
        known,
    }
}

impl Plan<'_> {
    /// Whether the validation reads the file `path` (a tree may be given
    /// to [`Plan::validate`] holding only these files' contents).
    pub fn reads(&self, path: &str) -> bool {
        self.declared.as_deref() == Some(path)
            || self
                .reads
                .iter()
                .zip(&self.hosts)
                .any(|(files, known)| known.is_none() && files.iter().any(|f| f == path))
    }

    /// Take files parsed ahead from the tree before the change (the
    /// updater parses its untouched environments' files while it makes the
    /// change): those the change left as they were stand for their parse.
    pub fn with_parsed(
        mut self,
        parsed: Vec<std::sync::Arc<crate::inventory::loader::Parsed>>,
    ) -> Self {
        self.parsed = parsed
            .into_iter()
            .filter(|p| {
                let path = p.file.path.as_str();
                !self.changed.contains(path) && self.reads.iter().flatten().any(|f| f == path)
            })
            .collect();
        self
    }

    /// [`Plan::validate`] over `vfs` holding every file's contents, or the
    /// whole tree when the plan cannot give an exact report.
    pub fn run(self, vfs: &dyn Vfs, config: &Resolved) -> Report {
        match self.validate(vfs, config) {
            Some(report) => report,
            None => validate_repo(vfs, config),
        }
    }

    /// Run it over `vfs` (the tree planned for, with the contents of the
    /// files it [`reads`](Plan::reads)). `None` when a host turned out to
    /// be in two environments with a settled view in the run: the whole
    /// tree is then to be validated, for an exact report.
    pub fn validate(self, vfs: &dyn Vfs, config: &Resolved) -> Option<Report> {
        let changed = |p: &str| self.changed.contains(p) || vfs.file_id(p).is_none();
        let keep = |i: usize, inv: &crate::inventory::Inventory| {
            if let (Some(k), Some(key)) = (self.known, self.keys.get(i)) {
                if key.is_empty() {
                    return;
                }
                k.put(key, &|| inv.hosts.keys().map(|h| h.to_string()).collect());
            }
        };
        let scope = Scope {
            settled: self.settled.clone(),
            checked: &changed,
            hosts: self.hosts.clone(),
            parsed: self.parsed,
            keep: Some(&keep),
        };
        let any_settled = scope.settled.iter().any(|s| *s);
        let report = validate_scoped(vfs, config, self.views, Some(&self.root), &scope);
        // Settled views hold their hosts or more (vars not read, so no var
        // error ends a file early; kept names, with no place to point at).
        let duplicate = report
            .diagnostics
            .iter()
            .any(|d| d.code == crate::diagnostic::Code::DuplicateHostEnv);
        (!(duplicate && any_settled)).then_some(report)
    }
}

/// Parse the files of the views of `vfs` that load none of the files
/// `edited` (physical paths), one after the other on the caller's thread,
/// for [`Plan::with_parsed`].
pub fn parse_ahead(
    vfs: &dyn Vfs,
    config: &Resolved,
    edited: &[String],
) -> Vec<std::sync::Arc<crate::inventory::loader::Parsed>> {
    let cache = FileCache::new(vfs, config.load_limits());
    let mut out = Vec::new();
    for (_, _, sources) in discover(vfs, config) {
        let mut files = Vec::new();
        for s in &sources {
            let mut entries = Vec::new();
            expand_source(vfs, s, &mut entries);
            files.extend(entries.into_iter().filter_map(|e| match e {
                SourceEntry::File { phys, .. } => Some(phys),
                SourceEntry::BadLink { .. } => None,
            }));
        }
        if files.iter().any(|f| edited.contains(f)) {
            continue;
        }
        out.extend(files.iter().map(|f| cache.get(f)));
    }
    out.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    out.dedup_by(|a, b| a.file.path == b.file.path);
    out
}

/// A key for a view's inputs: every question and answer, each file's
/// blob id, the view itself (SHA-1, hex). Empty (no key) when a file it
/// reads has no blob id (a file written since the tree was read).
fn inputs_key(vfs: &dyn Vfs, spec: &ViewSpec, inputs: &[Asked]) -> String {
    let mut text = format!("{spec:?}\n");
    for q in inputs {
        text.push_str(&format!("{q:?}"));
        if let Asked::Read(p) = q {
            match vfs.file_id(p) {
                Some(id) => text.push_str(&format!(" {id}")),
                None => return String::new(),
            }
        }
        text.push('\n');
    }
    gix::objs::compute_hash(
        gix::hash::Kind::Sha1,
        gix::objs::Kind::Blob,
        text.as_bytes(),
    )
    .map(|id| id.to_string())
    .unwrap_or_default()
}

/// Whether `path` is the same file (the same blob) in both trees.
fn same_file(now: &dyn Vfs, before: &dyn Vfs, path: &str) -> bool {
    match (now.file_id(path), before.file_id(path)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A question loading a view asks of a tree, with the answer it got.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    /// What is at this path (file, directory, symlink, nothing).
    Entry(String, Raw),
    /// Whether this path is a submodule.
    Submodule(String, bool),
    /// The names in this directory (sorted), or none.
    List(String, Option<Vec<String>>),
    /// This file's contents.
    Read(String),
}

impl Asked {
    /// Whether `before` gives the answer `now` gave.
    fn same_in(&self, before: &dyn Vfs, now: &dyn Vfs) -> bool {
        match self {
            Asked::Entry(p, r) => before.raw(p) == *r,
            Asked::Submodule(p, r) => before.is_submodule(p) == *r,
            Asked::List(d, names) => sorted_list(before, d) == *names,
            Asked::Read(p) => same_file(now, before, p),
        }
    }
}

fn sorted_list(vfs: &dyn Vfs, dir: &str) -> Option<Vec<String>> {
    let mut names = vfs.raw_list(dir).ok()?;
    names.sort_unstable();
    Some(names)
}

/// A tree that notes every question asked of it, with its answer.
struct Noting<'a> {
    inner: &'a dyn Vfs,
    asked: std::sync::Mutex<Vec<Asked>>,
}

impl Noting<'_> {
    fn note(&self, a: Asked) {
        if let Ok(mut all) = self.asked.lock() {
            all.push(a);
        }
    }
}

impl Vfs for Noting<'_> {
    fn raw(&self, path: &str) -> Raw {
        let r = self.inner.raw(path);
        self.note(Asked::Entry(path.to_string(), r.clone()));
        r
    }
    fn raw_list(&self, dir: &str) -> std::io::Result<Vec<String>> {
        let r = self.inner.raw_list(dir);
        let mut names = r.as_ref().ok().cloned();
        if let Some(n) = &mut names {
            n.sort_unstable();
        }
        self.note(Asked::List(dir.to_string(), names));
        r
    }
    fn raw_read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.note(Asked::Read(path.to_string()));
        self.inner.raw_read(path)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn absolute_links_ok(&self) -> bool {
        self.inner.absolute_links_ok()
    }
    fn is_submodule(&self, path: &str) -> bool {
        let r = self.inner.is_submodule(path);
        self.note(Asked::Submodule(path.to_string(), r));
        r
    }
    fn file_id(&self, path: &str) -> Option<gix::ObjectId> {
        self.inner.file_id(path)
    }
}

/// Every question loading the view of `sources` may ask of `vfs`: the
/// walk of its sources (symlinks resolved), its files, everything under the
/// `group_vars/` and `host_vars/` beside each source (more than the loader
/// reads, which is only what names a group or host), and the group
/// hierarchy (`xenv_groups.yml`, for the declared groups).
fn view_inputs(vfs: &dyn Vfs, config: &Resolved, sources: &[String]) -> Vec<Asked> {
    let noting = Noting {
        inner: vfs,
        asked: std::sync::Mutex::new(Vec::new()),
    };
    let mut entries = Vec::new();
    for s in sources {
        expand_source(&noting, s, &mut entries);
    }
    for e in entries {
        if let SourceEntry::File { phys, .. } = e {
            noting.note(Asked::Read(phys));
        }
    }
    for base in crate::inventory::loader::vars_bases(&noting, sources) {
        for sub in ["group_vars", "host_vars"] {
            let dir = if base.is_empty() {
                sub.to_string()
            } else {
                format!("{base}/{sub}")
            };
            everything_under(&noting, &dir, 0);
        }
    }
    if let Ok((phys, Raw::File)) = vfs::resolve_described(&noting, &config.raw.xenv_groups) {
        noting.note(Asked::Read(phys));
    }
    noting.asked.into_inner().unwrap_or_default()
}

/// Ask about every entry under `path` (symlinks followed), and read every
/// file there.
fn everything_under(vfs: &Noting<'_>, path: &str, depth: usize) {
    match vfs::resolve_described(vfs, path) {
        // Too deep to follow: a question no tree answers the same way.
        Ok((_, Raw::Dir)) if depth >= 64 => vfs.note(Asked::Read(path.to_string())),
        Ok((phys, Raw::Dir)) => {
            for name in vfs::list(vfs, &phys).unwrap_or_default() {
                everything_under(vfs, &format!("{path}/{name}"), depth + 1);
            }
        }
        Ok((phys, Raw::File)) => {
            vfs.note(Asked::Read(phys));
            vfs.note(Asked::Read(path.to_string()));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{validate_change, validate_repo};
    use crate::config::Config;
    use crate::diagnostic::Code;
    use crate::vfs::MemVfs;

    const XENV: &str = "all:\n  children:\n    web:\n    db:\n";
    const DEV: &str = "web:\n  hosts:\n    d1.example.int:\n      ansible_host: 10.0.1.1\n";
    /// QA has an error already: two hosts at one address (INV022).
    const QA: &str = "web:\n  hosts:\n    q1.example.int:\n      ansible_host: 10.0.2.1\n    q2.example.int:\n      ansible_host: 10.0.2.1\n";

    fn tree(changes: &[(&str, &str)]) -> MemVfs {
        let mut files = vec![
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/DEV/hosts.yml", DEV),
            ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
            ("inventory/QA/hosts.yml", QA),
            ("inventory/QA/xenv_groups.yml", "->../xenv_groups.yml"),
        ];
        for (p, t) in changes {
            files.retain(|(q, _)| q != p);
            files.push((p, t));
        }
        MemVfs::new(&files)
    }

    /// (code, path:line) of each diagnostic, sorted.
    fn found(ds: &[crate::diagnostic::Diagnostic]) -> Vec<String> {
        let mut v: Vec<String> = ds
            .iter()
            .map(|d| format!("{} {}:{}", d.code, d.path(), d.primary.start().line))
            .collect();
        v.sort();
        v
    }

    fn both(changes: &[(&str, &str)]) -> (Vec<String>, Vec<String>, Vec<String>) {
        let cfg = Config::default().resolve().expect("default config");
        let before = tree(&[]);
        let after = tree(changes);
        (
            found(&validate_change(&after, &before, &cfg).diagnostics),
            found(&validate_repo(&after, &cfg).diagnostics),
            found(&validate_repo(&before, &cfg).diagnostics),
        )
    }

    /// What the change-only run leaves out was there before the change.
    fn leaves_out_only_old(changed: &[String], whole: &[String], before: &[String]) {
        for d in whole.iter().filter(|d| !changed.contains(d)) {
            assert!(before.contains(d), "{d} is new but was not reported");
        }
    }

    #[test]
    fn an_environment_the_change_leaves_alone_is_settled() {
        let dev = format!("{DEV}    d2.example.int:\n");
        let (changed, whole, before) = both(&[("inventory/DEV/hosts.yml", &dev)]);
        assert!(whole.iter().any(|d| d.starts_with("INV022 inventory/QA")));
        assert!(changed.is_empty(), "{changed:?}");
        leaves_out_only_old(&changed, &whole, &before);
    }

    #[test]
    fn a_new_error_in_the_changed_environment_is_found() {
        let dev = format!("{DEV}    d2.example.int:\n      ansible_host: 10.0.1.1\n");
        let (changed, whole, before) = both(&[("inventory/DEV/hosts.yml", &dev)]);
        assert_eq!(changed, vec!["INV022 inventory/DEV/hosts.yml:6"]);
        leaves_out_only_old(&changed, &whole, &before);
    }

    #[test]
    fn a_host_also_in_a_settled_environment_is_found_as_the_whole_run_finds_it() {
        let dev = format!("{DEV}    q1.example.int:\n");
        let (changed, whole, _) = both(&[("inventory/DEV/hosts.yml", &dev)]);
        let dup = |v: &[String]| -> Vec<String> {
            v.iter()
                .filter(|d| d.starts_with("INV020"))
                .cloned()
                .collect()
        };
        assert_eq!(dup(&changed).len(), 1, "{changed:?}");
        assert_eq!(dup(&changed), dup(&whole));
    }

    #[test]
    fn a_file_every_environment_reads_settles_none() {
        let xenv = format!("{XENV}    app:\n");
        let (changed, whole, before) = both(&[("inventory/xenv_groups.yml", &xenv)]);
        assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
        assert_eq!(changed, whole);
        leaves_out_only_old(&changed, &whole, &before);
    }

    #[test]
    fn vars_beside_an_environment_unsettle_it() {
        let (changed, whole, before) =
            both(&[("inventory/QA/group_vars/web.yml", "owner: team1\n")]);
        assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
        assert!(!changed.iter().any(|d| d.contains("inventory/DEV")));
        leaves_out_only_old(&changed, &whole, &before);
    }

    #[test]
    fn a_new_file_in_an_environment_unsettles_it_only() {
        let (changed, whole, before) = both(&[(
            "inventory/QA/more.yml",
            "db:\n  hosts:\n    q3.example.int:\n",
        )]);
        assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
        leaves_out_only_old(&changed, &whole, &before);
        // Removing QA's file: QA is gone, DEV settled, nothing reported.
        let cfg = Config::default().resolve().expect("default config");
        let before = tree(&[]);
        let mut files = vec![
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/DEV/hosts.yml", DEV),
            ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
        ];
        files.push((
            "inventory/QA/other.yml",
            "web:\n  hosts:\n    q9.example.int:\n",
        ));
        let after = MemVfs::new(&files);
        let r = validate_change(&after, &before, &cfg);
        assert!(
            !r.diagnostics
                .iter()
                .any(|d| d.code == Code::DuplicateAddress),
            "{:?}",
            found(&r.diagnostics)
        );
    }

    #[test]
    fn files_parsed_ahead_stand_only_for_unchanged_files() {
        let cfg = Config::default().resolve().expect("default config");
        let before = tree(&[]);
        // QA changes too: its parse from `before` must not be used.
        let qa = format!("{QA}    q3.example.int:\n      ansible_host: 10.0.2.1\n");
        let dev = format!("{DEV}    d2.example.int:\n");
        let after = tree(&[
            ("inventory/DEV/hosts.yml", &dev),
            ("inventory/QA/hosts.yml", &qa),
        ]);
        let ahead = super::parse_ahead(&before, &cfg, &[]);
        assert!(ahead
            .iter()
            .any(|p| p.file.path == "inventory/QA/hosts.yml"));
        let with = super::plan_change(&after, &before, &cfg, None)
            .with_parsed(ahead)
            .validate(&after, &cfg)
            .expect("no host in two environments");
        let without = validate_change(&after, &before, &cfg);
        assert_eq!(found(&with.diagnostics), found(&without.diagnostics));
        assert!(
            found(&with.diagnostics)
                .iter()
                .any(|d| d == "INV022 inventory/QA/hosts.yml:8"),
            "{:?}",
            found(&with.diagnostics)
        );
    }

    #[test]
    fn a_broken_yaml_file_in_the_change_is_reported() {
        let (changed, _, _) = both(&[("inventory/DEV/hosts.yml", "web:\n  hosts: [\n")]);
        assert!(
            changed
                .iter()
                .any(|d| d.starts_with("INV001 inventory/DEV")),
            "{changed:?}"
        );
    }
}
