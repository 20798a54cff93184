//! The repository a pre-receive hook runs in. During `pre-receive`, git
//! keeps a push's objects apart (`GIT_OBJECT_DIRECTORY`,
//! `GIT_ALTERNATE_OBJECT_DIRECTORIES`) until the hook accepts it. gix does
//! not read these variables itself, so the quarantine is searched first,
//! then the repository's own store.

use super::error::GitError;
use super::store::{parse_oid, ObjectStores};
use super::tree::{FileFilter, GitTreeVfs};
use std::path::{Path, PathBuf};

/// The repository a hook runs in, with the push's quarantine in front.
pub struct Quarantine {
    stores: ObjectStores,
    git_dir: PathBuf,
}

impl Quarantine {
    /// Open the repository at `git_dir` and the quarantine git named in
    /// this process's environment.
    pub fn open(git_dir: &Path) -> Result<Quarantine, GitError> {
        let repo = gix::open_opts(git_dir, super::store::open_options())
            .map_err(|e| GitError::open(format!("repository {}", git_dir.display()), e))?;
        let hash = repo.object_hash();
        let own = repo.objects.store_ref().path().to_path_buf();
        let mut dirs = Vec::new();
        if let Some(q) = std::env::var_os("GIT_OBJECT_DIRECTORY") {
            dirs.push(absolute_in(git_dir, Path::new(&q)));
        }
        if let Some(alts) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            for a in std::env::split_paths(&alts) {
                if !a.as_os_str().is_empty() {
                    dirs.push(absolute_in(git_dir, &a));
                }
            }
        }
        dirs.push(own);
        Ok(Quarantine {
            stores: ObjectStores::open(&dirs, hash)?,
            git_dir: git_dir.to_path_buf(),
        })
    }

    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    pub fn stores(&self) -> &ObjectStores {
        &self.stores
    }

    /// The tree of commit `oid` (hex), with the files `reads` picks read.
    pub fn tree(&self, oid: &str, reads: FileFilter) -> Result<GitTreeVfs, GitError> {
        GitTreeVfs::from_stores(
            &self.stores,
            parse_oid(oid)?,
            format!("commit {oid}"),
            reads,
        )
    }

    /// The entries of commit `oid`'s tree, without the files' contents.
    pub fn structure(&self, oid: &str, reads: FileFilter) -> Result<GitTreeVfs, GitError> {
        GitTreeVfs::structure_from_stores(
            &self.stores,
            parse_oid(oid)?,
            format!("commit {oid}"),
            reads,
        )
    }

    /// The commit the default branch (HEAD) points at, if any.
    pub fn default_branch_tip(&self) -> Option<String> {
        let repo = gix::open_opts(&self.git_dir, super::store::open_options()).ok()?;
        let id = repo.head_id().ok()?;
        Some(id.detach().to_string())
    }

    /// The full name HEAD points at (`refs/heads/main`), if it names one.
    pub fn head_ref_name(&self) -> Option<String> {
        gix::open_opts(&self.git_dir, super::store::open_options())
            .ok()
            .and_then(|g| g.head_name().ok().flatten())
            .map(|n| n.as_bstr().to_string())
    }
}

fn absolute_in(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}
