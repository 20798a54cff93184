//! A repository this program opened or made (a job's clone, a queue's
//! scratch repository): its branch and tip, the trees of its commits, and
//! the commits it writes.

use super::error::GitError;
use super::store::ObjectId;
use super::tree::{FileFilter, GitTreeVfs};
use std::path::Path;

/// Who a commit is by (author and committer alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// An open repository.
pub struct Repo(pub(super) gix::Repository);

impl Repo {
    /// Open the repository at `path`, its object store sized for packs
    /// that arrive while it is open ([`super::store::SLOTS`]).
    pub fn open(path: &Path) -> Result<Repo, GitError> {
        gix::open_opts(path, super::store::open_options())
            .map(Repo)
            .map_err(|e| GitError::open(path, e))
    }

    /// The repository at or above `path` (a work tree or a bare
    /// repository), as `git` would find it.
    pub fn discover(path: &Path) -> Result<Repo, GitError> {
        gix::discover(path)
            .map(Repo)
            .map_err(|e| GitError::NotARepository {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
    }

    /// The commit `rev` (any rev-parse spec) names, tags peeled.
    pub fn commit_of(&self, rev: &str) -> Result<ObjectId, GitError> {
        let bad = |message: String| GitError::Revision {
            rev: rev.to_string(),
            message,
        };
        let id = self
            .0
            .rev_parse_single(rev)
            .map_err(|e| bad(e.to_string()))?;
        let object = id.object().map_err(|e| bad(e.to_string()))?;
        object
            .peel_to_commit()
            .map(|c| c.id)
            .map_err(|e| bad(e.to_string()))
    }

    /// The repository's object stores (to read trees by
    /// [`GitTreeVfs::structure_from_stores`]).
    pub fn stores(&self) -> Result<super::store::ObjectStores, GitError> {
        super::store::ObjectStores::of_repo(&self.0)
    }

    /// The repository's git dir (`.git`, or the bare repository itself).
    pub fn git_dir(&self) -> &Path {
        self.0.git_dir()
    }

    /// A new, empty bare repository at `path`, opened as [`Repo::open`]
    /// does.
    pub fn init_bare(path: &Path) -> Result<Repo, GitError> {
        gix::init_bare(path)
            .map_err(|e| GitError::Write(format!("cannot create {}: {e}", path.display())))?;
        Repo::open(path)
    }

    /// The short name of the branch HEAD names (`main`), if any.
    pub fn head_branch(&self) -> Option<String> {
        match self.0.head_name() {
            Ok(Some(n)) => Some(n.shorten().to_string()),
            _ => None,
        }
    }

    /// The commit HEAD points at.
    pub fn head_commit(&self) -> Result<ObjectId, GitError> {
        self.0
            .head_id()
            .map(|i| i.detach())
            .map_err(|e| GitError::Object(format!("the branch has no commit: {e}")))
    }

    /// The commit the last fetch brought (`FETCH_HEAD`).
    pub fn fetch_head(&self) -> Result<ObjectId, GitError> {
        self.0
            .rev_parse_single("FETCH_HEAD")
            .map(|i| i.detach())
            .map_err(|e| GitError::Object(format!("cannot read the fetched tip: {e}")))
    }

    /// The tree of commit `id`, with the files `reads` picks read.
    pub fn tree(&self, id: ObjectId, reads: FileFilter) -> Result<GitTreeVfs, GitError> {
        GitTreeVfs::from_repo(&self.0, &id.to_string(), reads)
    }

    /// Write the files of `vfs` named in `touched` (each as `vfs` holds it
    /// now: a file, or gone) on top of commit `base`'s tree, and a commit
    /// of that tree on `base`.
    pub fn commit_files(
        &self,
        base: ObjectId,
        vfs: &GitTreeVfs,
        touched: &std::collections::BTreeSet<String>,
        author: &Author,
        message: &str,
    ) -> Result<ObjectId, GitError> {
        let w = |e: &dyn std::fmt::Display, what: &str| GitError::Write(format!("{what}: {e}"));
        let base_commit = self
            .0
            .find_commit(base)
            .map_err(|e| GitError::Object(format!("cannot read {base}: {e}")))?;
        let tree = base_commit
            .tree_id()
            .map_err(|e| GitError::Object(format!("cannot read the tree of {base}: {e}")))?;
        let mut ed = self
            .0
            .edit_tree(tree)
            .map_err(|e| w(&e, "cannot edit the tree"))?;
        for f in touched {
            if let Some(target) = vfs.link_target(f) {
                let blob = self
                    .0
                    .write_blob(target.as_bytes())
                    .map_err(|e| w(&e, "cannot write the blob"))?;
                ed.upsert(
                    f.as_str(),
                    gix::object::tree::EntryKind::Link,
                    blob.detach(),
                )
                .map_err(|e| w(&e, &format!("cannot place {f}")))?;
                continue;
            }
            match vfs.file_blob(f) {
                Some(bytes) => {
                    let blob = self
                        .0
                        .write_blob(bytes.as_slice())
                        .map_err(|e| w(&e, "cannot write the blob"))?;
                    ed.upsert(
                        f.as_str(),
                        gix::object::tree::EntryKind::Blob,
                        blob.detach(),
                    )
                    .map_err(|e| w(&e, &format!("cannot place {f}")))?;
                }
                None => {
                    ed.remove(f.as_str())
                        .map_err(|e| w(&e, &format!("cannot remove {f}")))?;
                }
            }
        }
        let new_tree = ed.write().map_err(|e| w(&e, "cannot write the tree"))?;
        self.commit(new_tree.detach(), vec![base], author, message)
    }

    /// A commit of the empty tree, with no parent, carrying `message` (a
    /// note exchanged through refs, not a change of any branch).
    pub fn commit_note(&self, author: &Author, message: &str) -> Result<ObjectId, GitError> {
        let tree = self
            .0
            .write_object(gix::objs::Tree::empty())
            .map_err(|e| GitError::Write(format!("cannot write the tree: {e}")))?;
        self.commit(tree.detach(), Vec::new(), author, message)
    }

    /// Write a commit of `tree` on `parents`, by `author`, now.
    fn commit(
        &self,
        tree: ObjectId,
        parents: Vec<ObjectId>,
        author: &Author,
        message: &str,
    ) -> Result<ObjectId, GitError> {
        let sig = gix::actor::Signature {
            name: author.name.as_str().into(),
            email: author.email.as_str().into(),
            time: gix::date::Time::now_local_or_utc(),
        };
        let commit = gix::objs::Commit {
            tree,
            parents: parents.into(),
            author: sig.clone(),
            committer: sig,
            encoding: None,
            message: message.into(),
            extra_headers: Vec::new(),
        };
        let id = self
            .0
            .write_object(&commit)
            .map_err(|e| GitError::Write(format!("cannot write the commit: {e}")))?;
        Ok(id.detach())
    }

    /// The entries of commit `id`'s tree (every file's kind and blob id),
    /// with the contents of the files `read` picks (by path) among those
    /// `reads` accepts (by name).
    pub fn tree_reading(
        &self,
        id: ObjectId,
        reads: FileFilter,
        read: &dyn Fn(&str) -> bool,
    ) -> Result<GitTreeVfs, GitError> {
        let stores = super::store::ObjectStores::of_repo(&self.0)?;
        let mut tree =
            GitTreeVfs::structure_from_stores(&stores, id, format!("commit {id}"), reads)?;
        tree.read_files(&stores, read)?;
        Ok(tree)
    }

    /// Whether commit `ancestor` is `tip` or one of its ancestors: `None`
    /// when that cannot be told from here within `limit` commits (history
    /// cut short by a shallow clone, or longer than that).
    pub fn is_ancestor(&self, ancestor: ObjectId, tip: ObjectId, limit: usize) -> Option<bool> {
        if ancestor == tip {
            return Some(true);
        }
        let walk = self.0.rev_walk([tip]).all().ok()?;
        let mut seen = 0;
        for info in walk {
            let info = info.ok()?;
            if info.id == ancestor {
                return Some(true);
            }
            seen += 1;
            if seen >= limit {
                return None;
            }
        }
        // The whole history was walked, unless it was cut short.
        let shallow = self.0.shallow_commits().ok().flatten().is_some();
        (!shallow).then_some(false)
    }

    /// The refs under `prefix` (`refs/queue/`): each one's name without the
    /// prefix and the commit it points at.
    pub fn refs_under(&self, prefix: &str) -> Vec<(String, ObjectId)> {
        let Ok(refs) = self.0.references() else {
            return Vec::new();
        };
        let Ok(iter) = refs.prefixed(prefix) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for mut reference in iter.flatten() {
            let name = reference.name().as_bstr().to_string();
            if let Ok(id) = reference.peel_to_id() {
                out.push((name.trim_start_matches(prefix).to_string(), id.detach()));
            }
        }
        out
    }

    /// The raw object of commit `id` (as git hashes it), if it is one.
    pub fn raw_commit(&self, id: ObjectId) -> Option<Vec<u8>> {
        let o = self.0.find_object(id).ok()?;
        (o.kind == gix::objs::Kind::Commit).then(|| o.data.clone())
    }

    /// Whether the object `id` is in the repository.
    pub fn has(&self, id: ObjectId) -> bool {
        self.0.has_object(id)
    }

    /// The message and commit time (seconds) of commit `id`.
    pub fn commit_message(&self, id: ObjectId) -> Option<(Vec<u8>, i64)> {
        let c = self.0.find_commit(id).ok()?;
        let time = c.time().map(|t| t.seconds).unwrap_or(0);
        let decoded = c.decode().ok()?;
        Some((decoded.message.to_vec(), time))
    }

    /// The directory of the repository's own objects.
    pub(super) fn objects_dir(&self) -> &Path {
        self.0.objects.store_ref().path()
    }
}

/// The message of the commit whose raw object is `raw`, when `raw` is a
/// commit and hashes to `id` (so it is that commit, wherever it came
/// from).
pub fn message_of_raw_commit(raw: &[u8], id: ObjectId) -> Option<Vec<u8>> {
    let kind = id.kind();
    let hashed = gix::objs::compute_hash(kind, gix::objs::Kind::Commit, raw).ok()?;
    if hashed != id {
        return None;
    }
    let c = gix::objs::CommitRef::from_bytes(raw, kind).ok()?;
    Some(c.message.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_commit_is_read_only_when_it_hashes_to_its_id() {
        let raw = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
            author a <a@example.invalid> 1700000000 +0000\n\
            committer a <a@example.invalid> 1700000000 +0000\n\n\
            git-inventory: add h1\n";
        let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Commit, raw)
            .expect("sha1 hashes");
        assert_eq!(
            message_of_raw_commit(raw, id).as_deref(),
            Some(&b"git-inventory: add h1\n"[..])
        );
        let mut tampered = raw.to_vec();
        let n = tampered.len();
        tampered[n - 2] = b'2';
        assert_eq!(message_of_raw_commit(&tampered, id), None);
    }
}
