//! Loading sources the way `ansible-inventory -i SRC` does: a directory loads
//! its entries in sorted order (recursively, skipping hidden files,
//! `group_vars`, `host_vars` and ignored extensions), a file is read by the
//! yaml plugin when its extension is empty, `.yml`, `.yaml` or `.json`;
//! `group_vars/` and `host_vars/` beside each source give file vars.
//! Files are parsed once and shared between views through [`FileCache`].

use super::build::{add_yaml_hosts, add_yaml_source};
use super::{Fatal, Inventory, Loc, VarDef, VarValue, Vars};
use crate::diagnostic::Code;
use crate::source::{SourceFile, Span};
use crate::vfs::{self, Raw, ResolveError, Vfs};
use crate::yaml::{self, value, Node, YamlError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A file read and parsed once.
#[derive(Debug)]
pub struct Parsed {
    pub file: Arc<SourceFile>,
    /// `Err` for a YAML (or encoding) error; `Ok(None)` for an empty stream.
    pub doc: Result<Option<Node>, YamlError>,
}

/// Limits applied while loading.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    pub yaml: yaml::Limits,
    /// Most hosts one range pattern may expand to.
    pub max_range_hosts: usize,
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            yaml: yaml::Limits::default(),
            max_range_hosts: 1_000_000,
            max_file_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Decode file bytes as PyYAML would accept them (UTF-8, optional BOM).
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    match String::from_utf8(bytes) {
        Ok(s) => {
            if let Some(i) = s.find('\0') {
                return Err((
                    i,
                    "the file contains a NUL byte (not a YAML text file)".into(),
                ));
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err((
                at,
                format!("invalid UTF-8 at byte {at} (YAML files must be UTF-8)"),
            ))
        }
    }
}

/// The bytes before a decoding error (after a BOM), for locating it.
fn raw_prefix(bytes: &[u8], at: usize) -> Vec<u8> {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    b[..at.min(b.len())].to_vec()
}

/// One file's place in the cache: parsed once, by whichever thread asks
/// first; others asking meanwhile wait for that parse instead of repeating
/// it (so files can be parsed ahead, in parallel, of the model reading them).
type Slot = Arc<std::sync::OnceLock<Arc<Parsed>>>;

/// Shared, thread-safe cache of parsed files keyed by physical path.
pub struct FileCache<'v> {
    pub vfs: &'v dyn Vfs,
    pub limits: LoadLimits,
    map: Mutex<HashMap<String, Slot>>,
}

impl<'v> FileCache<'v> {
    pub fn new(vfs: &'v dyn Vfs, limits: LoadLimits) -> FileCache<'v> {
        FileCache {
            vfs,
            limits,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Take a file parsed elsewhere (from the same contents) as the parse
    /// of its path.
    pub fn adopt(&self, parsed: Arc<Parsed>) {
        if let Ok(mut map) = self.map.lock() {
            let path = parsed.file.path.clone();
            map.insert(path, Arc::new(std::sync::OnceLock::from(parsed)));
        }
    }

    /// Parse a file by its physical (symlink-free) path, once.
    pub fn get(&self, phys: &str) -> Arc<Parsed> {
        let slot: Slot = match self.map.lock() {
            Ok(mut map) => map.entry(phys.to_string()).or_default().clone(),
            Err(_) => Slot::default(),
        };
        slot.get_or_init(|| Arc::new(self.parse(phys))).clone()
    }

    fn parse(&self, phys: &str) -> Parsed {
        let bytes = match self.vfs.raw_read(phys) {
            Ok(b) => b,
            Err(e) => {
                return Parsed {
                    file: SourceFile::new(phys, String::new()),
                    doc: Err(YamlError {
                        span: Span::default(),
                        message: format!("cannot read the file: {e}"),
                    }),
                }
            }
        };
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Parsed {
                file: SourceFile::new(phys, String::new()),
                doc: Err(YamlError {
                    span: Span::default(),
                    message: format!(
                        "file is {} bytes, over the limit of {} bytes",
                        bytes.len(),
                        self.limits.max_file_bytes
                    ),
                }),
            };
        }
        match decode(bytes) {
            Ok(text) => {
                let doc = yaml::parse(&text, self.limits.yaml);
                Parsed {
                    file: SourceFile::new(phys, text),
                    doc,
                }
            }
            Err((at, message)) => {
                // Keep the readable prefix so the error has a line and column.
                let text = String::from_utf8_lossy(&raw_prefix(
                    &self.vfs.raw_read(phys).unwrap_or_default(),
                    at,
                ))
                .into_owned();
                let end = text.len();
                Parsed {
                    file: SourceFile::new(phys, text),
                    doc: Err(YamlError {
                        span: Span::new(end, end),
                        message,
                    }),
                }
            }
        }
    }

    /// Let go of a file's tree (its view is built and the per-file rules
    /// have read it): the entry keeps the text, for locations, and its
    /// document becomes empty. Returns the parsed file as it was, for the
    /// caller to drop outside the cache's lock.
    pub fn release_tree(&self, phys: &str) -> Option<Arc<Parsed>> {
        let mut map = self.map.lock().ok()?;
        let slot = map.get_mut(phys)?;
        let parsed = slot.get()?.clone();
        let bare = Arc::new(Parsed {
            file: parsed.file.clone(),
            doc: Ok(None),
        });
        *slot = Arc::new(std::sync::OnceLock::from(bare));
        Some(parsed)
    }

    /// Everything parsed so far, sorted by path.
    pub fn all(&self) -> Vec<Arc<Parsed>> {
        let mut v: Vec<Arc<Parsed>> = match self.map.lock() {
            Ok(m) => m.values().filter_map(|s| s.get().cloned()).collect(),
            Err(_) => Vec::new(),
        };
        v.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        v
    }
}

/// Names Ansible skips inside an inventory directory.
pub fn ignored_name(name: &str) -> bool {
    const EXTS: [&str; 12] = [
        ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg",
        ".retry",
    ];
    name.starts_with('.')
        || matches!(name, "host_vars" | "group_vars" | "vars_plugins")
        || EXTS.iter().any(|e| name.ends_with(e))
}

/// Extensions the yaml plugin accepts (`os.path.splitext` semantics).
pub fn yaml_plugin_accepts(name: &str) -> bool {
    let base = name.trim_start_matches('.');
    match base.rfind('.') {
        None => true,
        Some(i) => matches!(&base[i..], ".yml" | ".yaml" | ".json"),
    }
}

/// One file an inventory view reads, or a problem reaching it.
#[derive(Debug, Clone)]
pub enum SourceEntry {
    /// Path as listed (may go through symlinks) and its physical path.
    File { path: String, phys: String },
    /// A link that cannot be followed.
    BadLink { path: String, error: ResolveError },
}

/// The files a source path stands for, in Ansible's order.
pub fn expand_source(vfs: &dyn Vfs, path: &str, out: &mut Vec<SourceEntry>) {
    match vfs::resolve_described(vfs, path) {
        Ok((phys, Raw::Dir)) => {
            let names = vfs::list(vfs, &phys).unwrap_or_default();
            for name in names {
                if ignored_name(&name) {
                    continue;
                }
                let child = if path.is_empty() || path == "." {
                    name.clone()
                } else {
                    format!("{}/{}", path.trim_end_matches('/'), name)
                };
                expand_source(vfs, &child, out);
            }
        }
        Ok((phys, Raw::File)) => {
            let name = path.rsplit('/').next().unwrap_or(path);
            if yaml_plugin_accepts(name) {
                out.push(SourceEntry::File {
                    path: path.to_string(),
                    phys,
                });
            }
        }
        Ok(_) => {}
        Err(error) => out.push(SourceEntry::BadLink {
            path: path.to_string(),
            error,
        }),
    }
}

/// Build the inventory of a set of `-i` sources.
pub fn load_view(cache: &FileCache<'_>, sources: &[String]) -> Inventory {
    load(cache, sources, false)
}

/// The groups and hosts of a set of `-i` sources, without vars (vars
/// files are not read): see [`add_yaml_hosts`].
pub fn load_view_hosts(cache: &FileCache<'_>, sources: &[String]) -> Inventory {
    load(cache, sources, true)
}

fn load(cache: &FileCache<'_>, sources: &[String], hosts_only: bool) -> Inventory {
    let mut inv = Inventory::new();
    for entry in source_entries(cache.vfs, sources) {
        add_entry(&mut inv, cache, &entry, hosts_only);
    }
    finish(inv, cache, sources, hosts_only)
}

/// Every file the sources stand for, in Ansible's order.
pub fn source_entries(vfs: &dyn Vfs, sources: &[String]) -> Vec<SourceEntry> {
    let mut entries = Vec::new();
    for src in sources {
        expand_source(vfs, src, &mut entries);
    }
    entries
}

/// Load one file of a view into `inv` (or note why it cannot be read).
fn add_entry(inv: &mut Inventory, cache: &FileCache<'_>, entry: &SourceEntry, hosts_only: bool) {
    let add = if hosts_only {
        add_yaml_hosts
    } else {
        add_yaml_source
    };
    match entry {
        SourceEntry::File { phys, .. } => {
            let parsed = cache.get(phys);
            match &parsed.doc {
                Ok(doc) => {
                    add(
                        inv,
                        &parsed.file,
                        doc.as_ref(),
                        cache.limits.max_range_hosts,
                    );
                }
                Err(e) => {
                    inv.sources.push(parsed.file.clone());
                    inv.fatal.push(Fatal::yaml(&parsed.file, e));
                }
            }
        }
        SourceEntry::BadLink { path, error } => inv.fatal.push(Fatal {
            code: Code::DanglingSymlink,
            loc: Loc {
                file: SourceFile::new(path.clone(), String::new()),
                span: Span::default(),
            },
            message: error.to_string(),
            related: Vec::new(),
        }),
    }
}

/// What follows the files: `reconcile_inventory`, then the vars files.
fn finish(
    mut inv: Inventory,
    cache: &FileCache<'_>,
    sources: &[String],
    hosts_only: bool,
) -> Inventory {
    inv.reconcile();
    if !hosts_only {
        load_vars_files(cache, sources, &mut inv);
    }
    inv
}

/// [`load_view`] on `helpers` more threads. Each file is parsed and built
/// into a model of its own, and the models are laid over one another in
/// load order ([`Inventory::absorb`]) as they are ready. The threads parse
/// the files first (the builds then never wait for a parse), then build
/// them in order; this thread merges each model as soon as it is built,
/// working (or waiting) meanwhile. Where a file's model depends on the
/// ones before it (see `absorb`), the files are loaded again in order from
/// the parses already made: the result is always [`load_view`]'s.
pub fn load_view_parallel(cache: &FileCache<'_>, sources: &[String], helpers: usize) -> Inventory {
    let entries = source_entries(cache.vfs, sources);
    if helpers == 0 || entries.len() < 2 {
        return load(cache, sources, false);
    }
    let board = Board::new(cache, &entries);
    // The helpers are jobs of rayon's pool, which `list` uses next.
    let merged = rayon::in_place_scope(|s| {
        for _ in 0..helpers.min(entries.len() - 1) {
            s.spawn(|_| while board.work(None) {});
        }
        let mut merged: Option<Inventory> = None;
        for k in 0..entries.len() {
            let model = board.take(k)?;
            match merged.as_mut() {
                None => merged = Some(model),
                Some(m) => {
                    if !m.absorb(model) {
                        board.stop();
                        return None;
                    }
                }
            }
        }
        merged
    });
    match merged {
        Some(inv) => finish(inv, cache, sources, false),
        None => load(cache, sources, false),
    }
}

/// The work of [`load_view_parallel`]: which files are parsed, which
/// models are built (and not yet merged).
struct Board<'b, 'v> {
    cache: &'b FileCache<'v>,
    entries: &'b [SourceEntry],
    state: Mutex<BoardState<'b>>,
    ready: std::sync::Condvar,
}

struct BoardState<'b> {
    /// Next entry to parse, next entry to build.
    parse_next: usize,
    build_next: usize,
    /// Files whose parse is taken (a file loaded twice is parsed once).
    parsing: std::collections::HashSet<&'b str>,
    built: Vec<Option<Inventory>>,
    stopped: bool,
}

/// What a thread of [`Board::work`] does next.
enum Task<'b> {
    /// Parse this file (into the cache).
    Parse(&'b str),
    /// Build the model of this entry.
    Build(usize),
}

impl<'b, 'v> Board<'b, 'v> {
    fn new(cache: &'b FileCache<'v>, entries: &'b [SourceEntry]) -> Board<'b, 'v> {
        Board {
            cache,
            entries,
            state: Mutex::new(BoardState {
                parse_next: 0,
                build_next: 0,
                parsing: Default::default(),
                built: entries.iter().map(|_| None).collect(),
                stopped: false,
            }),
            ready: std::sync::Condvar::new(),
        }
    }

    fn stop(&self) {
        if let Ok(mut st) = self.state.lock() {
            st.stopped = true;
        }
        self.ready.notify_all();
    }

    /// Do one task: parse the next file not taken, else build the next
    /// model. With `want`, wait while there is no task and that model is
    /// not built. `false` when there is nothing (more) to do for the caller.
    fn work(&self, want: Option<usize>) -> bool {
        let Ok(mut st) = self.state.lock() else {
            return false;
        };
        let n = self.entries.len();
        let task = loop {
            if st.stopped || want.is_some_and(|k| st.built[k].is_some()) {
                return false;
            }
            let mut parse = None;
            while st.parse_next < n && parse.is_none() {
                if let SourceEntry::File { phys, .. } = &self.entries[st.parse_next] {
                    if st.parsing.insert(phys.as_str()) {
                        parse = Some(phys.as_str());
                    }
                }
                st.parse_next += 1;
            }
            if let Some(phys) = parse {
                break Task::Parse(phys);
            }
            if st.build_next < n {
                st.build_next += 1;
                break Task::Build(st.build_next - 1);
            }
            if want.is_none() {
                return false;
            }
            st = match self.ready.wait(st) {
                Ok(st) => st,
                Err(_) => return false,
            };
        };
        drop(st);
        match task {
            Task::Parse(phys) => {
                self.cache.get(phys);
            }
            Task::Build(i) => {
                let mut model = Inventory::new();
                add_entry(&mut model, self.cache, &self.entries[i], false);
                if let Ok(mut st) = self.state.lock() {
                    st.built[i] = Some(model);
                }
                self.ready.notify_all();
            }
        }
        true
    }

    /// The model of entry `k`, working (or waiting) until it is built;
    /// `None` once stopped.
    fn take(&self, k: usize) -> Option<Inventory> {
        loop {
            {
                let mut st = self.state.lock().ok()?;
                if let Some(m) = st.built[k].take() {
                    return Some(m);
                }
                if st.stopped {
                    return None;
                }
            }
            self.work(Some(k));
        }
    }
}

/// Index of the `group_vars`/`host_vars` directory beside a source.
struct VarsDir {
    dir: String,
    names: std::collections::HashSet<String>,
}

fn vars_dir(vfs: &dyn Vfs, base: &str, sub: &str) -> Option<VarsDir> {
    let dir = if base.is_empty() {
        sub.to_string()
    } else {
        format!("{base}/{sub}")
    };
    if vfs::kind(vfs, &dir) != Raw::Dir {
        return None;
    }
    let names = vfs::list(vfs, &dir).ok()?.into_iter().collect();
    Some(VarsDir { dir, names })
}

/// `DataLoader.find_vars_files`: `<name>` (file or directory), else
/// `<name>.yml`, `.yaml`, `.json`; a directory gives its files recursively.
fn find_vars_files(vfs: &dyn Vfs, vd: &VarsDir, name: &str) -> Vec<String> {
    for ext in ["", ".yml", ".yaml", ".json"] {
        let cand = format!("{name}{ext}");
        if !vd.names.contains(&cand) {
            continue;
        }
        let path = format!("{}/{cand}", vd.dir);
        let mut out = Vec::new();
        match vfs::kind(vfs, &path) {
            Raw::Dir => collect_dir_vars(vfs, &path, &mut out),
            Raw::File => out.push(path),
            _ => continue,
        }
        return out;
    }
    Vec::new()
}

fn collect_dir_vars(vfs: &dyn Vfs, dir: &str, out: &mut Vec<String>) {
    for name in vfs::list(vfs, dir).unwrap_or_default() {
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let path = format!("{dir}/{name}");
        match vfs::kind(vfs, &path) {
            Raw::Dir => collect_dir_vars(vfs, &path, out),
            Raw::File => {
                let ext = name.rfind('.').map(|i| &name[i..]).unwrap_or("");
                if matches!(ext, "" | ".yml" | ".yaml" | ".json") {
                    out.push(path);
                }
            }
            _ => {}
        }
    }
}

/// Read a vars file into `vars` (shallow merge, like `combine_vars`).
fn merge_vars_file(cache: &FileCache<'_>, path: &str, vars: &mut Vars, inv: &mut Inventory) {
    let phys = match vfs::resolve(cache.vfs, path) {
        Ok((p, _)) => p,
        Err(_) => return,
    };
    let parsed = cache.get(&phys);
    let doc = match &parsed.doc {
        Ok(Some(d)) => d,
        Ok(None) => return,
        Err(e) => {
            inv.fatal.push(Fatal::yaml(&parsed.file, e));
            return;
        }
    };
    let fail = |inv: &mut Inventory, span: Span, message: String| {
        inv.fatal.push(Fatal {
            code: Code::Schema,
            loc: Loc {
                file: parsed.file.clone(),
                span,
            },
            message,
            related: Vec::new(),
        })
    };
    let entries = match value::entries(doc) {
        Ok(e) => e,
        Err(_) if doc.as_map().is_none() => {
            // PyYAML gives a falsy value for empty scalars; those are ignored.
            if matches!(value::resolve_scalar(doc), Ok(value::Scalar::Null)) {
                return;
            }
            fail(
                inv,
                doc.span,
                format!("a vars file must hold a mapping, got {}", doc.kind_name()),
            );
            return;
        }
        Err(e) => {
            fail(inv, e.node_span, e.message);
            return;
        }
    };
    for e in entries {
        let (Ok(k), Ok(v)) = (value::key_string(e.key), VarValue::from_node(e.value)) else {
            fail(inv, e.key.span, "cannot read this variable".into());
            continue;
        };
        vars.insert(
            k,
            VarDef {
                value: v,
                loc: Some(Loc {
                    file: parsed.file.clone(),
                    span: e.key.span,
                }),
            },
        );
    }
}

/// The directories whose `group_vars/` and `host_vars/` the view of
/// `sources` reads: each source directory, or a source file's directory.
pub fn vars_bases(vfs: &dyn Vfs, sources: &[String]) -> Vec<String> {
    sources
        .iter()
        .map(|src| {
            let base = match vfs::kind(vfs, src) {
                Raw::Dir => src.trim_end_matches('/').to_string(),
                _ => match src.rfind('/') {
                    Some(i) => src[..i].to_string(),
                    None => String::new(),
                },
            };
            if base == "." {
                String::new()
            } else {
                base
            }
        })
        .collect()
}

fn load_vars_files(cache: &FileCache<'_>, sources: &[String], inv: &mut Inventory) {
    for base in vars_bases(cache.vfs, sources) {
        if let Some(gd) = vars_dir(cache.vfs, &base, "group_vars") {
            for g in 0..inv.groups.len() {
                let name = inv.groups[g].name.clone();
                for f in find_vars_files(cache.vfs, &gd, &name) {
                    let mut vars = std::mem::take(&mut inv.groups[g].file_vars);
                    merge_vars_file(cache, &f, &mut vars, inv);
                    inv.groups[g].file_vars = vars;
                }
            }
        }
        if let Some(hd) = vars_dir(cache.vfs, &base, "host_vars") {
            for h in 0..inv.hosts.len() {
                let name = inv.hosts[h].name.clone();
                for f in find_vars_files(cache.vfs, &hd, &name) {
                    let mut vars = std::mem::take(&mut inv.hosts[h].file_vars);
                    merge_vars_file(cache, &f, &mut vars, inv);
                    inv.hosts[h].file_vars = vars;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::ansible;
    use crate::vfs::MemVfs;
    use std::fmt::Write;

    /// Everything a model holds that loading order can change, as text.
    fn model(inv: &Inventory) -> String {
        let mut t = String::new();
        let loc = |l: &Loc| format!("{}@{}", l.file.path, l.span.start);
        let vars = |v: &Vars| {
            v.iter()
                .map(|(k, d)| format!("{k}={:?}@{:?}", d.value.to_json(), d.loc.as_ref().map(loc)))
                .collect::<Vec<_>>()
                .join(",")
        };
        let gname = |g: &usize| inv.groups[*g].name.clone();
        let hname = |h: &usize| inv.hosts[*h].name.to_string();
        for g in inv.groups.values() {
            let mut parents: Vec<String> = g.parents.iter().map(gname).collect();
            parents.sort();
            let _ = writeln!(
                t,
                "group {} children={:?} parents={parents:?} hosts={:?} prio={} vars=[{}] file_vars=[{}] defs={:?}",
                g.name,
                g.children.iter().map(gname).collect::<Vec<_>>(),
                g.hosts.iter().map(hname).collect::<Vec<_>>(),
                g.priority,
                vars(&g.vars),
                vars(&g.file_vars),
                g.defs.iter().map(loc).collect::<Vec<_>>(),
            );
        }
        for h in inv.hosts.values() {
            let _ = writeln!(
                t,
                "host {} groups={:?} vars=[{}] file_vars=[{}] defs={:?}",
                h.name,
                h.groups.iter().map(gname).collect::<Vec<_>>(),
                vars(&h.vars),
                vars(&h.file_vars),
                h.defs
                    .iter()
                    .map(|d| format!("{}:{}:{}", gname(&d.group), loc(&d.loc), d.pattern))
                    .collect::<Vec<_>>(),
            );
        }
        let _ = writeln!(
            t,
            "fatal {:?}",
            inv.fatal.first().map(|f| (f.code, loc(&f.loc), &f.message))
        );
        let _ = writeln!(
            t,
            "sources {:?}",
            inv.sources.iter().map(|s| &s.path).collect::<Vec<_>>()
        );
        let _ = writeln!(t, "notes {}", inv.notes.len());
        if inv.fatal.is_empty() {
            t.push_str(&ansible::list_text(inv));
        }
        t
    }

    /// Loading in parallel gives the model loading in order gives.
    fn same_either_way(files: &[(&str, &str)], sources: &[&str]) -> Inventory {
        let sources: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
        let vfs = MemVfs::new(files);
        let in_order = load_view(&FileCache::new(&vfs, Default::default()), &sources);
        for helpers in [1, 3] {
            let cache = FileCache::new(&vfs, Default::default());
            let parallel = load_view_parallel(&cache, &sources, helpers);
            assert_eq!(model(&parallel), model(&in_order), "{helpers} helpers");
        }
        in_order
    }

    const DEV: &str = "all:
  vars: {site: dev, tier: 1}
  children:
    web:
      vars: {ansible_group_priority: 5, port: 80}
      hosts:
        a.example.int: {x: 1, y: 2}
        b.example.int:
    db:
      vars: {ansible_group_priority: 3}
      children:
        web:
      hosts:
        c.example.int: {x: 3}
";
    const QA: &str = "all:
  vars: {site: qa}
  children:
    db:
      vars: {port: 5432}
      hosts:
        a.example.int: {y: 20, z: 30}
        d.example.int:
    web:
      vars: {ansible_group_priority: 1}
      hosts:
        b.example.int: {x: 2}
        d.example.int:
      children:
        cache:
          hosts:
            e[1:3].example.int: {w: 1}
";
    const PROD: &str = "prod:
  children:
    db:
    web:
  hosts:
    a.example.int: {x: 9}
    f.example.int:
";

    #[test]
    fn overlapping_files_merge_as_loaded_in_order() {
        let inv = same_either_way(
            &[
                ("inv/DEV/hosts.yml", DEV),
                ("inv/QA/hosts.yml", QA),
                ("inv/PROD/hosts.yml", PROD),
                (
                    "inv/xenv_groups.yml",
                    "xenv:\n  children:\n    web:\n    prod:\n",
                ),
                ("inv/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
                ("inv/QA/xenv_groups.yml", "->../xenv_groups.yml"),
                ("inv/PROD/xenv_groups.yml", "->../xenv_groups.yml"),
                ("inv/QA/group_vars/web.yml", "port: 8080\n"),
                ("inv/DEV/host_vars/a.example.int.yml", "x: 100\n"),
            ],
            &["inv/DEV", "inv/QA", "inv/PROD"],
        );
        assert!(inv.fatal.is_empty());
        // What the later files changed is there: a later priority of 1
        // replaces an earlier 5, a later var value wins.
        assert_eq!(inv.groups["web"].priority, 1);
        assert_eq!(inv.groups["db"].priority, 3);
        let a = &inv.hosts["a.example.int"];
        assert_eq!(a.vars.get("x").map(|d| d.value.to_json()), Some(9.into()));
        assert_eq!(a.defs.len(), 3);
    }

    #[test]
    fn a_cycle_across_files_is_reported_where_loading_in_order_meets_it() {
        let inv = same_either_way(
            &[
                ("one.yml", "a:\n  children:\n    b:\n"),
                ("two.yml", "b:\n  children:\n    c:\n"),
                ("three.yml", "c:\n  children:\n    a:\n  hosts:\n    h1:\n"),
            ],
            &["one.yml", "two.yml", "three.yml"],
        );
        assert_eq!(inv.fatal.len(), 1);
        assert_eq!(inv.fatal[0].loc.file.path, "three.yml");
    }

    #[test]
    fn what_depends_on_earlier_files_is_loaded_in_order() {
        // `x` as a child is the group of the first file, not the host the
        // second file defines before it.
        let inv = same_either_way(
            &[
                ("one.yml", "x:\n  hosts:\n    h1:\n"),
                (
                    "two.yml",
                    "all:\n  hosts:\n    x:\ng:\n  children:\n    x: not a group\n",
                ),
            ],
            &["one.yml", "two.yml"],
        );
        assert!(inv.fatal.is_empty(), "{:?}", inv.fatal);
        assert_eq!(
            inv.groups["g"].children,
            [inv.groups.get_index_of("x").unwrap()]
        );
        assert!(inv.groups["g"].hosts.is_empty());
        // A port goes to a host only where it is new.
        let inv = same_either_way(
            &[
                ("one.yml", "all:\n  hosts:\n    web2: {ansible_port: 22}\n"),
                ("two.yml", "h:\n  hosts:\n    web2:2222:\n    web3:2222:\n"),
            ],
            &["one.yml", "two.yml"],
        );
        assert!(inv.fatal.is_empty(), "{:?}", inv.fatal);
        let port = |h: &str| {
            inv.hosts[h]
                .vars
                .get("ansible_port")
                .map(|d| d.value.to_json())
        };
        assert_eq!(port("web2"), Some(22.into()));
        assert_eq!(port("web3"), Some(2222.into()));
        // A name that is neither group nor host yet is the same error.
        let inv = same_either_way(
            &[
                ("one.yml", "all:\n  hosts:\n    web1:\n"),
                (
                    "two.yml",
                    "g:\n  children:\n    web1: not a group\n    web9: nor this\n",
                ),
            ],
            &["one.yml", "two.yml"],
        );
        assert_eq!(inv.fatal.len(), 1);
    }

    #[test]
    fn errors_and_dangling_links_end_in_the_same_first_error() {
        for bad in ["all: [", "->missing.yml", "all:\n  hosts: [a, b]\n", ""] {
            let inv = same_either_way(
                &[("a.yml", DEV), ("b.yml", bad), ("c.yml", QA)],
                &["a.yml", "b.yml", "c.yml"],
            );
            assert!(!inv.fatal.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn one_file_or_the_same_file_twice() {
        same_either_way(&[("a.yml", DEV)], &["a.yml"]);
        same_either_way(
            &[("a.yml", DEV), ("b.yml", "->a.yml")],
            &["a.yml", "b.yml", "a.yml"],
        );
    }
}
