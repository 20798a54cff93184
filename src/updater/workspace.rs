//! Where a job works: a private temporary directory, and in it the clone
//! of the branch (or a bare repository borrowing a local one's objects, or
//! a kept `--workdir` clone fetched into).
//!
//! A temporary directory is removed when its job ends, unless the job was
//! killed (`SIGKILL`): then a later job removes it (see [`sweep_stale`]).

use super::request::Request;
use crate::git::{transport, GitError, ObjectId, Repo};
use crate::timer::Timer;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of every job's temporary directory starts so, followed by
/// `<pid>-<nanoseconds since the epoch>`.
const TEMP_PREFIX: &str = "git-inventory-update-";

/// How long a dead job's temporary directory is left before another job
/// removes it: a margin for a pid that looks dead but is not (a live job
/// in another pid namespace that shares the temporary directory).
pub const STALE_AFTER: Duration = Duration::from_secs(600);

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
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            epoch_nanos()
        )))
    }
}

/// Remove, from the temporary directory `tmp`, the temporary directories
/// of jobs that were killed: named as [`TempDir::fresh`] names them, owned
/// by our user, whose pid is not running (no `/proc/<pid>`), and untouched
/// (the directory and its clone) for [`STALE_AFTER`]. Returns how many
/// were removed. Without `/proc` nothing is removed: a job cannot tell a
/// dead job's directory from a live one's there.
pub fn sweep_stale(tmp: &Path) -> usize {
    let (Some(uid), true) = (my_uid(), Path::new("/proc/self").is_dir()) else {
        return 0;
    };
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(temp_dir_pid) else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = e.path();
        if owned_dir(&path, uid) && untouched_for(&path, STALE_AFTER) {
            // `remove_dir_all` removes the links inside, never what they
            // point to.
            if std::fs::remove_dir_all(&path).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// The pid in a job's temporary directory name
/// (`git-inventory-update-<pid>-<nanos>`).
fn temp_dir_pid(name: &str) -> Option<u32> {
    let (pid, nanos) = name.strip_prefix(TEMP_PREFIX)?.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(nanos) {
        return None;
    }
    pid.parse().ok()
}

/// Whether `path` is a directory (not a link to one) owned by `uid`.
fn owned_dir(path: &Path, uid: u32) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir() && m.uid() == uid)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, uid);
        false
    }
}

/// Whether neither the job directory `path` nor its clone (`repo.git`)
/// changed in the last `age`.
fn untouched_for(path: &Path, age: Duration) -> bool {
    [path.to_path_buf(), path.join("repo.git")]
        .iter()
        .filter_map(|p| std::fs::symlink_metadata(p).and_then(|m| m.modified()).ok())
        .all(|t| t.elapsed().is_ok_and(|a| a > age))
}

/// Our effective user id (the owner of `/proc/self`); `None` where there
/// is no `/proc`.
pub fn my_uid() -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").ok().map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        None
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
            sweep_stale(&std::env::temp_dir());
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
