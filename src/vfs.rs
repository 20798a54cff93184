//! A read-only view of a repository's files: the working tree on disk, or the
//! tree of a commit read through gix (no checkout). Symlinks are resolved
//! inside the view; a link that leaves it or points nowhere is an error the
//! caller can report (rule INV030), never something read from outside.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// What a path is, without following a final symlink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    File,
    Dir,
    Symlink(String),
    Missing,
}

/// Why a path could not be resolved inside the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The link (at `link`) points at something that does not exist.
    Dangling {
        link: String,
        target: String,
    },
    /// The link leaves the repository.
    Escapes {
        link: String,
        target: String,
    },
    /// Too many links (a loop).
    Loop {
        link: String,
    },
    /// A git submodule: its files live in another repository.
    Submodule {
        path: String,
    },
    /// A directory where an inventory file is expected.
    NotAFile {
        path: String,
    },

    Missing,
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Dangling { link, target } => {
                write!(
                    f,
                    "symlink `{link}` points to `{target}`, which does not exist"
                )
            }
            ResolveError::Escapes { link, target } => write!(
                f,
                "symlink `{link}` points to `{target}`, outside the repository"
            ),
            ResolveError::Loop { link } => write!(f, "symlink `{link}` is part of a loop"),
            ResolveError::Submodule { path } => write!(
                f,
                "`{path}` is a git submodule: its files are in another repository and are not validated"
            ),
            ResolveError::NotAFile { path } => {
                write!(f, "`{path}` is a directory where an inventory file is expected")
            }
            ResolveError::Missing => write!(f, "no such file or directory"),
        }
    }
}

/// The primitive operations a view must provide; paths are `/`-separated,
/// relative to the view's root, and contain no symlinks before their last
/// component (the resolver guarantees that).
pub trait Vfs: Send + Sync {
    fn raw(&self, path: &str) -> Raw;
    /// Names in a directory (any order).
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>>;
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>>;
    /// A short description for messages (`working tree`, `commit abc1234`).
    fn describe(&self) -> String;
    /// Whether an absolute symlink target is read relative to this view's
    /// root (true only for a view of the whole file system).
    fn absolute_links_ok(&self) -> bool {
        false
    }
    /// Whether the path is a git submodule (only a git tree knows).
    fn is_submodule(&self, _path: &str) -> bool {
        false
    }
    /// The blob id of the file `path` (not through symlinks), when the
    /// tree knows it: two trees holding the same id hold the same file.
    fn file_id(&self, _path: &str) -> Option<gix::ObjectId> {
        None
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Normalise `a/./b/../c`; `None` when it climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Resolve every symlink in `path`; returns the physical path and its kind.
pub fn resolve(vfs: &dyn Vfs, path: &str) -> Result<(String, Raw), ResolveError> {
    let Some(norm) = normalize(path) else {
        return Err(ResolveError::Escapes {
            link: path.to_string(),
            target: path.to_string(),
        });
    };
    let mut pending: Vec<String> = norm
        .split('/')
        .filter(|s| !s.is_empty())
        .rev()
        .map(String::from)
        .collect();
    let mut current = String::new();
    let mut hops = 0;
    let mut kind = Raw::Dir;
    while let Some(comp) = pending.pop() {
        if comp == ".." {
            if current.is_empty() {
                return Err(ResolveError::Escapes {
                    link: path.to_string(),
                    target: path.to_string(),
                });
            }
            current = match current.rfind('/') {
                Some(i) => current[..i].to_string(),
                None => String::new(),
            };
            kind = Raw::Dir;
            continue;
        }
        if comp == "." {
            continue;
        }
        let candidate = join(&current, &comp);
        match vfs.raw(&candidate) {
            Raw::Symlink(target) => {
                hops += 1;
                if hops > 40 {
                    return Err(ResolveError::Loop { link: candidate });
                }
                if target.starts_with('/') {
                    if !vfs.absolute_links_ok() {
                        return Err(ResolveError::Escapes {
                            link: candidate,
                            target,
                        });
                    }
                    current = String::new();
                }
                // Check the target stays inside the root before following it.
                let joined = join(&current, &target);
                if normalize(&joined).is_none() {
                    return Err(ResolveError::Escapes {
                        link: candidate,
                        target,
                    });
                }
                pending.extend(
                    target
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .rev()
                        .map(String::from),
                );
            }
            Raw::Missing => {
                return Err(ResolveError::Missing);
            }
            k => {
                if !pending.is_empty() && k != Raw::Dir {
                    return Err(ResolveError::Missing);
                }
                current = candidate;
                kind = k;
            }
        }
    }
    Ok((current, kind))
}

/// Resolve a path and describe a failure in terms of the link that caused it.
pub fn resolve_described(vfs: &dyn Vfs, path: &str) -> Result<(String, Raw), ResolveError> {
    match resolve(vfs, path) {
        Err(ResolveError::Missing) => {
            // Find the symlink component (if any) that leads nowhere.
            let mut prefix = String::new();
            for comp in path.split('/').filter(|c| !c.is_empty() && *c != ".") {
                let cand = join(&prefix, comp);
                if let Ok((phys, _)) = resolve(vfs, &prefix) {
                    if let Raw::Symlink(t) = vfs.raw(&join(&phys, comp)) {
                        if resolve(vfs, &cand).is_err() {
                            return Err(ResolveError::Dangling {
                                link: cand,
                                target: t,
                            });
                        }
                    }
                }
                prefix = cand;
            }
            Err(ResolveError::Missing)
        }
        other => other,
    }
}

/// Kind of a path after following symlinks (`Missing` when unresolvable).
pub fn kind(vfs: &dyn Vfs, path: &str) -> Raw {
    match resolve(vfs, path) {
        Ok((_, k)) => k,
        Err(_) => Raw::Missing,
    }
}

/// Read a file, following symlinks inside the view.
pub fn read(vfs: &dyn Vfs, path: &str) -> io::Result<Vec<u8>> {
    match resolve_described(vfs, path) {
        Ok((phys, Raw::File)) => vfs.raw_read(&phys),
        Ok((_, Raw::Dir)) => Err(io::Error::other(format!("`{path}` is a directory"))),
        Ok(_) => Err(io::Error::new(io::ErrorKind::NotFound, "not found")),
        Err(ResolveError::Missing) => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("`{path}`: no such file"),
        )),
        Err(e) => Err(io::Error::other(e.to_string())),
    }
}

/// Sorted names of a directory (following symlinks to reach it).
pub fn list(vfs: &dyn Vfs, dir: &str) -> io::Result<Vec<String>> {
    let phys = if dir.is_empty() || dir == "." {
        String::new()
    } else {
        match resolve(vfs, dir) {
            Ok((p, Raw::Dir)) => p,
            Ok(_) => return Err(io::Error::other(format!("`{dir}` is not a directory"))),
            Err(e) => return Err(io::Error::other(e.to_string())),
        }
    };
    let mut names = vfs.raw_list(&phys)?;
    names.sort();
    Ok(names)
}

/// The working tree (or any directory) on disk.
pub struct FsVfs {
    root: PathBuf,
}

impl FsVfs {
    pub fn new(root: impl Into<PathBuf>) -> FsVfs {
        FsVfs { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    fn full(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }
}

impl Vfs for FsVfs {
    fn raw(&self, path: &str) -> Raw {
        match std::fs::symlink_metadata(self.full(path)) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(self.full(path)) {
                Ok(t) => Raw::Symlink(t.to_string_lossy().replace('\\', "/")),
                Err(_) => Raw::Missing,
            },
            Ok(m) if m.is_dir() => Raw::Dir,
            Ok(_) => Raw::File,
            Err(_) => Raw::Missing,
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.full(dir))? {
            out.push(e?.file_name().to_string_lossy().into_owned());
        }
        Ok(out)
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.full(path))
    }
    fn describe(&self) -> String {
        format!("working tree {}", self.root.display())
    }
    fn absolute_links_ok(&self) -> bool {
        self.root == Path::new("/")
    }
}

/// File contents shared between views.
type Blob = std::sync::Arc<Vec<u8>>;

/// Looks an object up by id: its kind and data, `Ok(None)` when absent.
pub type FindObject<'a> =
    dyn Fn(&gix::hash::oid) -> Result<Option<(gix::objs::Kind, Vec<u8>)>, String> + 'a;

/// Object stores searched in order, first hit wins: a push's quarantine,
/// then the alternates git names, then the repository's own store.
pub struct ObjectStores {
    stores: Vec<gix::odb::Handle>,
    dirs: Vec<PathBuf>,
    pub hash: gix::hash::Kind,
}

impl ObjectStores {
    /// Open object directories (each may have its own `info/alternates`).
    pub fn open(dirs: &[PathBuf], hash: gix::hash::Kind) -> Result<ObjectStores, String> {
        let mut stores = Vec::new();
        for d in dirs {
            if d.is_dir() {
                stores.push(
                    gix::odb::at(d, hash).map_err(|e| {
                        format!("cannot open object directory {}: {e}", d.display())
                    })?,
                );
            }
        }
        if stores.is_empty() {
            return Err("no object directory found".into());
        }
        Ok(ObjectStores {
            stores,
            dirs: dirs.to_vec(),
            hash,
        })
    }

    pub fn find(&self, id: &gix::hash::oid) -> Result<Option<(gix::objs::Kind, Vec<u8>)>, String> {
        use gix::objs::Find;
        let mut buf = Vec::new();
        for s in &self.stores {
            let kind = match s.try_find(id, &mut buf) {
                Ok(Some(d)) => d.kind,
                Ok(None) => continue,
                Err(e) => return Err(format!("cannot read object {id}: {e}")),
            };
            return Ok(Some((kind, buf)));
        }
        Ok(None)
    }
}

/// A file's contents by blob id (`path` names it in the error).
fn read_blob(find: &FindObject<'_>, path: &str, oid: &gix::oid) -> Result<Vec<u8>, String> {
    let (_, blob) = find(oid)?.ok_or_else(|| format!("{path}: object {oid} not found"))?;
    Ok(blob)
}

/// The tree of one commit, read from the object database (no checkout).
/// A clone shares the files' contents.
#[derive(Clone)]
pub struct GitTreeVfs {
    /// Every non-directory entry; file contents are read eagerly for the
    /// names an inventory can use (YAML/JSON or no extension), so the view
    /// is `Send + Sync` without gix's `parallel` feature.
    entries: BTreeMap<String, (Raw, Option<Blob>)>,
    /// The blob id of every file as the tree holds it (not of files put).
    ids: BTreeMap<String, gix::ObjectId>,
    /// The id of the tree read.
    tree: Option<gix::ObjectId>,
    dirs: BTreeSet<String>,
    submodules: BTreeSet<String>,
    what: String,
}

/// Most entries a tree may hold before we refuse to walk it.
const MAX_TREE_ENTRIES: usize = 500_000;

impl GitTreeVfs {
    /// Open `repo_path` and read the tree of `rev` (any rev-parse spec).
    pub fn open(repo_path: &Path, rev: &str) -> Result<GitTreeVfs, String> {
        let repo = gix::open(repo_path)
            .map_err(|e| format!("cannot open git repository {}: {e}", repo_path.display()))?;
        Self::from_repo(&repo, rev)
    }

    pub fn from_repo(repo: &gix::Repository, rev: &str) -> Result<GitTreeVfs, String> {
        let id = repo
            .rev_parse_single(rev)
            .map_err(|e| format!("cannot resolve revision `{rev}`: {e}"))?;
        let stores = ObjectStores::open(
            &[repo.objects.store_ref().path().to_path_buf()],
            repo.object_hash(),
        )?;
        Self::from_stores(
            &stores,
            id.detach(),
            format!("commit {}", id.shorten_or_id()),
        )
    }

    /// The tree of a commit, tag or tree id in `stores`; the files' blobs
    /// (inflating and applying deltas: most of the time of reading a big
    /// inventory) are read by several threads, each opening the stores
    /// again (an odb handle is not shared between threads without gix's
    /// `parallel` feature).
    pub fn from_stores(
        stores: &ObjectStores,
        id: gix::ObjectId,
        what: String,
    ) -> Result<GitTreeVfs, String> {
        let find = |o: &gix::hash::oid| stores.find(o);
        let (mut vfs, pending) = Self::walk_tree(&find, id, stores.hash, what)?;
        vfs.read_pending(stores, pending)?;
        Ok(vfs)
    }

    /// The entries of the tree of a commit, tag or tree id in `stores`,
    /// with their blob ids but without the files' contents (enough to
    /// compare with another tree, not to read it; see
    /// [`GitTreeVfs::read_files`]).
    pub fn structure_from_stores(
        stores: &ObjectStores,
        id: gix::ObjectId,
        what: String,
    ) -> Result<GitTreeVfs, String> {
        let find = |o: &gix::hash::oid| stores.find(o);
        Ok(Self::walk_tree(&find, id, stores.hash, what)?.0)
    }

    /// The id of the tree read (none once a file was put or removed).
    pub fn tree_id(&self) -> Option<gix::ObjectId> {
        self.tree
    }

    /// Read the contents of the files `want` picks, of a tree read by
    /// [`GitTreeVfs::structure_from_stores`] (files read already are kept).
    pub fn read_files(
        &mut self,
        stores: &ObjectStores,
        want: &dyn Fn(&str) -> bool,
    ) -> Result<(), String> {
        let pending: Vec<(String, gix::ObjectId)> = self
            .ids
            .iter()
            .filter(|(p, _)| {
                let name = p.rsplit('/').next().unwrap_or(p);
                crate::inventory::loader::yaml_plugin_accepts(name)
                    && matches!(self.entries.get(p.as_str()), Some((Raw::File, None)))
                    && want(p)
            })
            .map(|(p, id)| (p.clone(), *id))
            .collect();
        self.read_pending(stores, pending)
    }

    /// Read blobs, on several threads when there are several.
    fn read_pending(
        &mut self,
        stores: &ObjectStores,
        pending: Vec<(String, gix::ObjectId)>,
    ) -> Result<(), String> {
        let find = |o: &gix::hash::oid| stores.find(o);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(pending.len());
        if threads <= 1 {
            return self.read_blobs(&find, pending);
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (dirs, hash) = (&stores.dirs, stores.hash);
        type Read = Result<Vec<(String, Vec<u8>)>, String>;
        let read: Vec<Read> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mine = ObjectStores::open(dirs, hash)?;
                        let find = |o: &gix::hash::oid| mine.find(o);
                        let mut got = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((path, oid)) = pending.get(i) else {
                                return Ok(got);
                            };
                            got.push((path.clone(), read_blob(&find, path, oid)?));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|_| Err("a blob reader panicked".to_string()))
                })
                .collect()
        });
        for r in read {
            for (path, blob) in r? {
                self.set_blob(path, blob);
            }
        }
        Ok(())
    }

    /// The tree of a commit, tag or tree id, found through `find`.
    pub fn from_object(
        find: &FindObject<'_>,
        id: gix::ObjectId,
        hash: gix::hash::Kind,
        what: String,
    ) -> Result<GitTreeVfs, String> {
        let (mut vfs, pending) = Self::walk_tree(find, id, hash, what)?;
        vfs.read_blobs(find, pending)?;
        Ok(vfs)
    }

    /// Read the blobs of files the walk left unread, one after the other.
    fn read_blobs(
        &mut self,
        find: &FindObject<'_>,
        pending: Vec<(String, gix::ObjectId)>,
    ) -> Result<(), String> {
        for (path, oid) in pending {
            let blob = read_blob(find, &path, &oid)?;
            self.set_blob(path, blob);
        }
        Ok(())
    }

    /// Make `path` a file holding `bytes` (a change not yet in any tree;
    /// its directories are added).
    pub fn put_file(&mut self, path: String, bytes: Vec<u8>) {
        let mut dir = path.as_str();
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            self.dirs.insert(dir.to_string());
        }
        self.ids.remove(&path);
        self.tree = None;
        self.set_blob(path, bytes);
    }

    /// Remove the file `path`.
    pub fn remove_file(&mut self, path: &str) {
        self.entries.remove(path);
        self.ids.remove(path);
        self.tree = None;
    }

    /// The contents of the file `path` as read or put (not through
    /// symlinks).
    pub fn file_blob(&self, path: &str) -> Option<Blob> {
        match self.entries.get(path) {
            Some((Raw::File, Some(b))) => Some(b.clone()),
            _ => None,
        }
    }

    fn set_blob(&mut self, path: String, blob: Vec<u8>) {
        self.entries
            .insert(path, (Raw::File, Some(std::sync::Arc::new(blob))));
    }

    /// The tree's entries, and the (path, blob id) of every file whose
    /// contents are to be read (the names an inventory can use).
    fn walk_tree(
        find: &FindObject<'_>,
        id: gix::ObjectId,
        hash: gix::hash::Kind,
        what: String,
    ) -> Result<(GitTreeVfs, Vec<(String, gix::ObjectId)>), String> {
        let mut id = id;
        let mut tree = None;
        for _ in 0..16 {
            let (kind, data) = find(&id)?.ok_or_else(|| format!("object {id} not found"))?;
            match kind {
                gix::objs::Kind::Tree => {
                    tree = Some(id);
                    break;
                }
                gix::objs::Kind::Commit => {
                    let c = gix::objs::CommitRef::from_bytes(&data, hash)
                        .map_err(|e| format!("cannot parse commit {id}: {e}"))?;
                    id = c.tree();
                }
                gix::objs::Kind::Tag => {
                    let t = gix::objs::TagRef::from_bytes(&data, hash)
                        .map_err(|e| format!("cannot parse tag {id}: {e}"))?;
                    id = t.target();
                }
                gix::objs::Kind::Blob => return Err(format!("{id} is a blob, not a commit")),
            }
        }
        let tree = tree.ok_or_else(|| format!("{id}: too many levels of tags"))?;
        let mut vfs = GitTreeVfs {
            entries: BTreeMap::new(),
            ids: BTreeMap::new(),
            tree: Some(tree),
            dirs: BTreeSet::new(),
            submodules: BTreeSet::new(),
            what,
        };
        vfs.dirs.insert(String::new());
        let mut pending = Vec::new();
        vfs.walk(find, tree, "", hash, 0, &mut pending)?;
        Ok((vfs, pending))
    }

    fn walk(
        &mut self,
        find: &FindObject<'_>,
        tree: gix::ObjectId,
        prefix: &str,
        hash: gix::hash::Kind,
        depth: usize,
        pending: &mut Vec<(String, gix::ObjectId)>,
    ) -> Result<(), String> {
        if depth > 256 {
            return Err(format!("tree nested deeper than 256 levels at `{prefix}`"));
        }
        let (kind, data) = find(&tree)?.ok_or_else(|| format!("tree {tree} not found"))?;
        if kind != gix::objs::Kind::Tree {
            return Err(format!("{tree} is not a tree"));
        }
        for entry in gix::objs::TreeRefIter::from_bytes(&data, hash) {
            let entry = entry.map_err(|e| format!("cannot parse tree {tree}: {e}"))?;
            if self.entries.len() + self.dirs.len() > MAX_TREE_ENTRIES {
                return Err(format!("the tree has more than {MAX_TREE_ENTRIES} entries"));
            }
            let name = entry.filename.to_string();
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let oid = entry.oid.to_owned();
            if entry.mode.is_tree() {
                self.dirs.insert(path.clone());
                self.walk(find, oid, &path, hash, depth + 1, pending)?;
            } else if entry.mode.is_commit() {
                // a submodule: a directory we cannot see into
                self.submodules.insert(path.clone());
                self.dirs.insert(path);
            } else if entry.mode.is_link() {
                let (_, target) =
                    find(&oid)?.ok_or_else(|| format!("symlink {path}: object {oid} not found"))?;
                self.entries.insert(
                    path,
                    (
                        Raw::Symlink(String::from_utf8_lossy(&target).into_owned()),
                        None,
                    ),
                );
            } else {
                if crate::inventory::loader::yaml_plugin_accepts(&name) {
                    pending.push((path.clone(), oid));
                }
                self.ids.insert(path.clone(), oid);
                self.entries.insert(path, (Raw::File, None));
            }
        }
        Ok(())
    }
}

impl Vfs for GitTreeVfs {
    fn raw(&self, path: &str) -> Raw {
        if let Some((k, _)) = self.entries.get(path) {
            return k.clone();
        }
        if self.dirs.contains(path) {
            Raw::Dir
        } else {
            Raw::Missing
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names = BTreeSet::new();
        for p in self
            .entries
            .keys()
            .chain(self.dirs.iter())
            .filter(|p| p.starts_with(&prefix) && p.len() > prefix.len())
        {
            let rest = &p[prefix.len()..];
            let name = rest.split('/').next().unwrap_or(rest);
            names.insert(name.to_string());
        }
        Ok(names.into_iter().collect())
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        match self.entries.get(path) {
            Some((_, Some(data))) => Ok(data.as_ref().clone()),
            Some(_) => Err(io::Error::other(format!(
                "`{path}` is not a YAML file (not read from the tree)"
            ))),
            None => Err(io::Error::new(io::ErrorKind::NotFound, path.to_string())),
        }
    }
    fn describe(&self) -> String {
        self.what.clone()
    }
    fn file_id(&self, path: &str) -> Option<gix::ObjectId> {
        self.ids.get(path).copied()
    }
    fn is_submodule(&self, path: &str) -> bool {
        self.submodules.contains(path)
    }
}

/// An in-memory tree (tests, fuzzing): files given as (path, text); a text
/// starting with `->` makes a symlink to what follows.
pub struct MemVfs {
    entries: BTreeMap<String, Raw>,
    data: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl MemVfs {
    /// Files as raw bytes (invalid UTF-8 included); symlinks as in [`MemVfs::new`].
    pub fn from_bytes(files: &[(&str, &[u8])]) -> MemVfs {
        let mut v = MemVfs::new(&[]);
        for (path, data) in files {
            let mut p = *path;
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                v.dirs.insert(p.to_string());
            }
            match data.strip_prefix(b"->") {
                Some(t) => {
                    v.entries.insert(
                        path.to_string(),
                        Raw::Symlink(String::from_utf8_lossy(t).into_owned()),
                    );
                }
                None => {
                    v.entries.insert(path.to_string(), Raw::File);
                    v.data.insert(path.to_string(), data.to_vec());
                }
            }
        }
        v
    }

    pub fn new(files: &[(&str, &str)]) -> MemVfs {
        let mut entries = BTreeMap::new();
        let mut data = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        dirs.insert(String::new());
        for (path, text) in files {
            let mut p = *path;
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                dirs.insert(p.to_string());
            }
            if let Some(target) = text.strip_prefix("->") {
                entries.insert(path.to_string(), Raw::Symlink(target.to_string()));
            } else {
                entries.insert(path.to_string(), Raw::File);
                data.insert(path.to_string(), text.as_bytes().to_vec());
            }
        }
        MemVfs {
            entries,
            data,
            dirs,
        }
    }
}

impl Vfs for MemVfs {
    fn raw(&self, path: &str) -> Raw {
        match self.entries.get(path) {
            Some(k) => k.clone(),
            None if self.dirs.contains(path) => Raw::Dir,
            None => Raw::Missing,
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names = BTreeSet::new();
        for p in self.entries.keys().chain(self.dirs.iter()) {
            if let Some(rest) = p.strip_prefix(&prefix) {
                if !rest.is_empty() {
                    names.insert(rest.split('/').next().unwrap_or(rest).to_string());
                }
            }
        }
        Ok(names.into_iter().collect())
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.data
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))
    }
    fn file_id(&self, path: &str) -> Option<gix::ObjectId> {
        let data = self.data.get(path)?;
        gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, data).ok()
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_paths() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn resolves_links_inside_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("gi-vfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("inv/DEV")).unwrap();
        std::fs::write(dir.join("inv/x.yml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink("../x.yml", dir.join("inv/DEV/x.yml")).unwrap();
        std::os::unix::fs::symlink("../../../etc/passwd", dir.join("inv/DEV/out.yml")).unwrap();
        std::os::unix::fs::symlink("nowhere.yml", dir.join("inv/DEV/dangling.yml")).unwrap();
        let v = FsVfs::new(&dir);
        assert_eq!(read(&v, "inv/DEV/x.yml").unwrap(), b"a: 1\n");
        assert!(matches!(
            resolve(&v, "inv/DEV/out.yml"),
            Err(ResolveError::Escapes { .. })
        ));
        assert!(matches!(
            resolve_described(&v, "inv/DEV/dangling.yml"),
            Err(ResolveError::Dangling { .. })
        ));
        assert_eq!(
            list(&v, "inv/DEV").unwrap(),
            vec!["dangling.yml", "out.yml", "x.yml"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
