//! Where a job works: a private temporary directory, and in it the clone
//! of the branch (or a bare repository borrowing a local one's objects, or
//! a kept `--workdir` clone fetched into).

use super::request::Request;
use crate::git::{transport, GitError, ObjectId, Repo};
use crate::timer::Timer;
use std::path::PathBuf;

/// Nanoseconds since the epoch (0 if the clock is before it): names no
/// other job uses, and jitter.
pub fn epoch_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A directory of our own, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh name in the system's temporary directory (not created).
    pub fn fresh() -> TempDir {
        TempDir(std::env::temp_dir().join(format!(
            "git-inventory-update-{}-{}",
            std::process::id(),
            epoch_nanos()
        )))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The clone a turn works in: where it is, the branch and its tip.
pub struct Cloned {
    /// Removes a temporary clone when the turn is over.
    _cleanup: Option<TempDir>,
    pub path: PathBuf,
    pub repo: Repo,
    /// The repository on this machine whose objects are borrowed.
    pub local: Option<PathBuf>,
    pub branch: String,
    pub base: ObjectId,
}

/// Clone the branch (or borrow a local repository's objects, or fetch
/// into a kept --workdir clone).
pub fn open_clone(r: &Request, url: &str, timer: &Timer) -> Result<Cloned, GitError> {
    let (_cleanup, base_dir) = match &r.workdir {
        Some(w) => (None, w.clone()),
        None => {
            let t = TempDir::fresh();
            let p = t.0.clone();
            (Some(t), p)
        }
    };
    if let Err(e) = std::fs::create_dir_all(&base_dir) {
        return Err(GitError::Write(format!(
            "cannot create {}: {e}",
            base_dir.display()
        )));
    }
    let path = base_dir.join("repo.git");
    // A repository on this machine, named by its path: borrow its objects
    // instead of copying them (a kept --workdir clone still fetches).
    let local = if r.workdir.is_none() {
        transport::local_source(&r.repo)
    } else {
        None
    };
    let ssh = r.ssh();
    let spec = transport::CloneSpec {
        name: &r.repo,
        branch: r.branch.as_deref(),
        depth: r.depth,
        ssh: &ssh,
        progress: r.progress,
    };
    // A kept clone that cannot be used (a run killed mid-clone, a corrupt
    // store) is thrown away and cloned afresh.
    let reused = if r.workdir.is_some() && path.join("HEAD").is_file() {
        transport::refresh(&path, url, &spec).ok()
    } else {
        None
    };
    let fetched = reused.is_some();
    let repo = match reused {
        Some(repo) => Ok(repo),
        None => match &local {
            Some(src) => transport::borrow(src, &path, r.branch.as_deref(), &r.repo),
            None => transport::clone(url, &path, &spec),
        },
    }?;
    timer.lap("clone");
    let branch = match &r.branch {
        Some(b) => b.clone(),
        None => repo
            .head_branch()
            .ok_or_else(|| GitError::Object("the remote has no default branch".into()))?,
    };
    let head = if fetched {
        repo.fetch_head().ok()
    } else {
        None
    };
    let base = match head {
        Some(id) => id,
        None => repo.head_commit()?,
    };
    Ok(Cloned {
        _cleanup,
        path,
        repo,
        local,
        branch,
        base,
    })
}
