//! Validating a change: a view whose every input is as it was in the tree
//! before is *settled* (built, for the rules that compare views, but its
//! own rules are not run), and the per-file rules run only on the files
//! that changed.

use super::discover::{discover, repo_views, ViewSpec};
use super::run::{validate_repo, validate_scoped, Report};
use super::schedule::Scope;
use crate::config::Resolved;
use crate::inventory::loader::{expand_source, FileCache, Parsed, SourceEntry};
use crate::timer::Timer;
use crate::vfs::{self, Raw, Vfs};
use std::sync::Arc;

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
    parsed: Vec<Arc<Parsed>>,
    /// The files each view may read.
    reads: Vec<Vec<String>>,
    /// Files changed since `before`.
    changed: std::collections::HashSet<String>,
    /// The group hierarchy (read by every run, for the declared groups).
    declared: Option<String>,
    known: Option<&'k dyn KnownHosts>,
    models: Option<&'k super::KeptModels>,
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
        models: None,
    }
}

impl<'k> Plan<'k> {
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
    pub fn with_parsed(mut self, parsed: Vec<Arc<Parsed>>) -> Self {
        self.parsed = parsed
            .into_iter()
            .filter(|p| {
                let path = p.file.path.as_str();
                !self.changed.contains(path) && self.reads.iter().flatten().any(|f| f == path)
            })
            .collect();
        self
    }

    /// Hand the models of the views built in full over to `into` when the
    /// run is done (the updater reads the change's effect from them).
    pub fn keeping_models(mut self, into: &'k super::KeptModels) -> Self {
        self.models = Some(into);
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
            models: self.models,
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

/// What loading the view of `sources` from `now` depends on: whether
/// every question it asks (entries, listings, blob ids; see
/// [`plan_change`]) gets the same answer from `before`, and the files it
/// may read (to have their contents read before loading).
pub fn view_footprint(
    now: &dyn Vfs,
    before: &dyn Vfs,
    config: &Resolved,
    sources: &[String],
) -> (bool, Vec<String>) {
    let inputs = view_inputs(now, config, sources);
    let same = inputs.iter().all(|q| q.same_in(before, now));
    let reads = inputs
        .into_iter()
        .filter_map(|q| match q {
            Asked::Read(p) => Some(p),
            _ => None,
        })
        .collect();
    (same, reads)
}

/// Parse the files of the views of `vfs` that load none of the files
/// `edited` (physical paths), one after the other on the caller's thread,
/// for [`Plan::with_parsed`].
pub fn parse_ahead(vfs: &dyn Vfs, config: &Resolved, edited: &[String]) -> Vec<Arc<Parsed>> {
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
/// id, the view itself (SHA-256, hex). Empty (no key) when a file it
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
    vfs::FileId::digest(text.as_bytes()).to_string()
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
    /// Whether this file is executable.
    Executable(String, bool),
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
            Asked::Executable(p, r) => before.is_executable(p) == *r,
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
    fn file_id(&self, path: &str) -> Option<vfs::FileId> {
        self.inner.file_id(path)
    }
    fn is_executable(&self, path: &str) -> bool {
        let r = self.inner.is_executable(path);
        self.note(Asked::Executable(path.to_string(), r));
        r
    }
}

/// Every question loading the view of `sources` may ask of `vfs`: the
/// walk of its sources (symlinks resolved), its files and which of them
/// Ansible loads by another plugin than yaml, everything under the
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
    super::foreign::foreign_files(&noting, sources, &mut Vec::new());
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
