//! The tree of a commit as a [`Vfs`], read from the object database (no
//! checkout): every entry, with the contents of the files the caller's
//! filter picks read on several threads.

use super::error::GitError;
use super::store::ObjectStores;
use crate::vfs::{FileId, Raw, Vfs};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

/// File contents shared between views.
type Blob = std::sync::Arc<Vec<u8>>;

/// Looks an object up by id: its kind and data, `Ok(None)` when absent.
type FindObject<'a> =
    dyn Fn(&gix::hash::oid) -> Result<Option<(gix::objs::Kind, Vec<u8>)>, GitError> + 'a;

/// Which files of a tree have their contents read, by file name: the
/// caller's policy (the inventory loader's names), not this layer's.
pub type FileFilter = fn(&str) -> bool;

/// A file's contents by blob id (`path` names it in the error).
fn read_blob(find: &FindObject<'_>, path: &str, oid: &gix::oid) -> Result<Vec<u8>, GitError> {
    let (_, blob) =
        find(oid)?.ok_or_else(|| GitError::Object(format!("{path}: object {oid} not found")))?;
    Ok(blob)
}

/// The tree of one commit, read from the object database (no checkout).
/// A clone shares the files' contents.
#[derive(Clone)]
pub struct GitTreeVfs {
    /// Every non-directory entry; file contents are read eagerly for the
    /// names `reads` picks, so the view is `Send + Sync` without gix's
    /// `parallel` feature.
    entries: BTreeMap<String, (Raw, Option<Blob>)>,
    /// The blob id of every file as the tree holds it (not of files put).
    ids: BTreeMap<String, gix::ObjectId>,
    /// The id of the tree read.
    tree: Option<gix::ObjectId>,
    dirs: BTreeSet<String>,
    submodules: BTreeSet<String>,
    /// The files whose tree entry is executable (mode 100755).
    exec: BTreeSet<String>,
    what: String,
    /// The files whose contents are read.
    reads: FileFilter,
}

/// Most entries a tree may hold before we refuse to walk it.
const MAX_TREE_ENTRIES: usize = 500_000;

impl GitTreeVfs {
    /// The tree of `rev` (any rev-parse spec) in the repository at or
    /// above `path` (a work tree or a bare repository).
    pub fn discover(path: &Path, rev: &str, reads: FileFilter) -> Result<GitTreeVfs, GitError> {
        let repo = gix::discover(path).map_err(|e| GitError::NotARepository {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::from_repo(&repo, rev, reads)
    }

    /// The tree of `rev` in an open repository.
    pub(crate) fn from_repo(
        repo: &gix::Repository,
        rev: &str,
        reads: FileFilter,
    ) -> Result<GitTreeVfs, GitError> {
        let id = repo.rev_parse_single(rev).map_err(|e| GitError::Revision {
            rev: rev.to_string(),
            message: e.to_string(),
        })?;
        let stores = ObjectStores::of_repo(repo)?;
        Self::from_stores(
            &stores,
            id.detach(),
            format!("commit {}", id.shorten_or_id()),
            reads,
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
        reads: FileFilter,
    ) -> Result<GitTreeVfs, GitError> {
        let find = |o: &gix::hash::oid| stores.find(o);
        let (mut vfs, pending) = Self::walk_tree(&find, id, stores.hash, what, reads)?;
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
        reads: FileFilter,
    ) -> Result<GitTreeVfs, GitError> {
        let find = |o: &gix::hash::oid| stores.find(o);
        Ok(Self::walk_tree(&find, id, stores.hash, what, reads)?.0)
    }

    /// The id of the tree read (none once a file was put or removed).
    pub fn tree_id(&self) -> Option<gix::ObjectId> {
        self.tree
    }

    /// The blob id of the file `path` as the tree holds it.
    pub fn blob_id(&self, path: &str) -> Option<gix::ObjectId> {
        self.ids.get(path).copied()
    }

    /// Read the contents of the files `want` picks, of a tree read by
    /// [`GitTreeVfs::structure_from_stores`] (files read already are kept).
    pub fn read_files(
        &mut self,
        stores: &ObjectStores,
        want: &dyn Fn(&str) -> bool,
    ) -> Result<(), GitError> {
        let pending: Vec<(String, gix::ObjectId)> = self
            .ids
            .iter()
            .filter(|(p, _)| {
                let name = p.rsplit('/').next().unwrap_or(p);
                (self.reads)(name)
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
    ) -> Result<(), GitError> {
        let find = |o: &gix::hash::oid| stores.find(o);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(pending.len());
        if threads <= 1 {
            return self.read_blobs(&find, pending);
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        // Each thread opens the stores again: a handle is not `Sync`.
        let (dirs, hash) = (stores.dirs(), stores.hash);
        type Read = Result<Vec<(String, Vec<u8>)>, GitError>;
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
                        .unwrap_or_else(|_| Err(GitError::Object("a blob reader panicked".into())))
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

    /// Read the blobs of files the walk left unread, one after the other.
    fn read_blobs(
        &mut self,
        find: &FindObject<'_>,
        pending: Vec<(String, gix::ObjectId)>,
    ) -> Result<(), GitError> {
        for (path, oid) in pending {
            let blob = read_blob(find, &path, &oid)?;
            self.set_blob(path, blob);
        }
        Ok(())
    }

    /// Make `path` a file holding `bytes` (a change not yet in any tree;
    /// its directories are added), not executable (a commit written by
    /// [`crate::git::Repo::commit_files`] gives it mode 100644).
    pub fn put_file(&mut self, path: String, bytes: Vec<u8>) {
        self.forget(&path);
        self.set_blob(path, bytes);
    }

    /// `path` is about to hold something new: its folders exist, what the
    /// tree said of it no longer holds.
    fn forget(&mut self, path: &str) {
        let mut dir = path;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            self.dirs.insert(dir.to_string());
        }
        self.ids.remove(path);
        self.exec.remove(path);
        self.tree = None;
    }

    /// Make `path` a symbolic link to `target` (a commit written by
    /// [`crate::git::Repo::commit_files`] gives it mode 120000).
    pub fn put_link(&mut self, path: String, target: String) {
        self.forget(&path);
        let blob = std::sync::Arc::new(target.clone().into_bytes());
        self.entries
            .insert(path, (Raw::Symlink(target), Some(blob)));
    }

    /// The target of the link `path` as put by [`Self::put_link`].
    pub fn link_target(&self, path: &str) -> Option<&str> {
        match self.entries.get(path) {
            Some((Raw::Symlink(t), Some(_))) => Some(t),
            _ => None,
        }
    }

    /// Remove the file `path`.
    pub fn remove_file(&mut self, path: &str) {
        self.entries.remove(path);
        self.ids.remove(path);
        self.exec.remove(path);
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
        reads: FileFilter,
    ) -> Result<(GitTreeVfs, Vec<(String, gix::ObjectId)>), GitError> {
        let mut id = id;
        let mut tree = None;
        for _ in 0..16 {
            let (kind, data) =
                find(&id)?.ok_or_else(|| GitError::Object(format!("object {id} not found")))?;
            match kind {
                gix::objs::Kind::Tree => {
                    tree = Some(id);
                    break;
                }
                gix::objs::Kind::Commit => {
                    let c = gix::objs::CommitRef::from_bytes(&data, hash)
                        .map_err(|e| GitError::Object(format!("cannot parse commit {id}: {e}")))?;
                    id = c.tree();
                }
                gix::objs::Kind::Tag => {
                    let t = gix::objs::TagRef::from_bytes(&data, hash)
                        .map_err(|e| GitError::Object(format!("cannot parse tag {id}: {e}")))?;
                    id = t.target();
                }
                gix::objs::Kind::Blob => {
                    return Err(GitError::Object(format!("{id} is a blob, not a commit")))
                }
            }
        }
        let tree =
            tree.ok_or_else(|| GitError::Object(format!("{id}: too many levels of tags")))?;
        let mut vfs = GitTreeVfs {
            entries: BTreeMap::new(),
            ids: BTreeMap::new(),
            tree: Some(tree),
            dirs: BTreeSet::new(),
            submodules: BTreeSet::new(),
            exec: BTreeSet::new(),
            what,
            reads,
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
    ) -> Result<(), GitError> {
        if depth > 256 {
            return Err(GitError::Object(format!(
                "tree nested deeper than 256 levels at `{prefix}`"
            )));
        }
        let (kind, data) =
            find(&tree)?.ok_or_else(|| GitError::Object(format!("tree {tree} not found")))?;
        if kind != gix::objs::Kind::Tree {
            return Err(GitError::Object(format!("{tree} is not a tree")));
        }
        for entry in gix::objs::TreeRefIter::from_bytes(&data, hash) {
            let entry =
                entry.map_err(|e| GitError::Object(format!("cannot parse tree {tree}: {e}")))?;
            if self.entries.len() + self.dirs.len() > MAX_TREE_ENTRIES {
                return Err(GitError::Object(format!(
                    "the tree has more than {MAX_TREE_ENTRIES} entries"
                )));
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
                let (_, target) = find(&oid)?.ok_or_else(|| {
                    GitError::Object(format!("symlink {path}: object {oid} not found"))
                })?;
                self.entries.insert(
                    path,
                    (
                        Raw::Symlink(String::from_utf8_lossy(&target).into_owned()),
                        None,
                    ),
                );
            } else {
                if (self.reads)(&name) {
                    pending.push((path.clone(), oid));
                }
                if entry.mode.is_executable() {
                    self.exec.insert(path.clone());
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
        Ok(crate::vfs::child_names(
            self.entries.keys().chain(self.dirs.iter()),
            dir,
        ))
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
    fn file_id(&self, path: &str) -> Option<FileId> {
        self.ids
            .get(path)
            .map(|id| FileId::from_bytes(id.as_bytes()))
    }
    fn is_submodule(&self, path: &str) -> bool {
        self.submodules.contains(path)
    }
    fn is_executable(&self, path: &str) -> bool {
        self.exec.contains(path)
    }
}
