//! Jobs on one machine that update the same local repository take turns,
//! and a job waiting for its turn hands its request to the job whose turn
//! it is: that job applies every waiting request to one tree, validates it
//! once, makes one commit and pushes once, then hands each waiting job its
//! own result (a group commit). Twenty jobs started at once then cost two
//! or three validations, hook runs and pushes instead of twenty.
//!
//! The protocol lives in the temporary directory, next to the lock file
//! named after the repository's canonical path:
//! - `<name>.lock`: an exclusive lock (`flock`) held by the job whose turn
//!   it is, released with the process however it ends;
//! - `<name>.queue/<id>.req`: a waiting job's request (JSON, written to a
//!   temporary name and renamed);
//! - `<id>.claimed`: the same file, renamed by the job that took it into
//!   its batch (a rename succeeds for one job only);
//! - `<id>.diff`: the request's diff texts (before, after), written as soon
//!   as its change is applied, so a batch does not hold them all;
//! - `<id>.out`: the outcome the batching job hands back, written before it
//!   releases the lock.
//!
//! A waiting job polls for its `.out` and for the lock. When it gets the
//! lock without an answer (the batching job died, or left the request
//! out, or removed it as expired), it withdraws its request and runs it
//! itself: requests are idempotent, so a change that did land reports
//! "nothing to change". A job waits [`GIVE_UP`] at most, then withdraws
//! its request and goes ahead alone.
//!
//! A job killed while it waits leaves its request behind: a turn that
//! comes within [`GIVE_UP`] of its queueing still does it (it was asked
//! for), and its unread answer is removed ten minutes later; a request
//! older than that is removed, not done (a later job never applies a
//! change its job gave up on, or a cancelled job's). Requests claimed by a
//! turn that died unanswered, and half-written files, go after ten
//! minutes too.

use super::transport::{Transport, Waited};
use crate::updater::outcome::{Answer, Diff, Outcome};
use crate::updater::request::{Queue, Request};
use crate::updater::workspace::{epoch_nanos, my_uid};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a job waits for its turn before it goes ahead alone. A request
/// queued longer ago than that is not done by a later turn but removed:
/// its job has given up waiting (and does its request itself) or is dead.
pub const GIVE_UP: Duration = Duration::from_secs(300);

/// How long an answer, or a request claimed by a turn that died, is kept
/// for a job that may still come for it.
const KEEP_UNREAD: Duration = Duration::from_secs(600);

/// The lock of our turn and the queue of requests waiting for it.
pub struct Turn {
    _lock: File,
    queue: PathBuf,
}

/// The lock and queue names for the repository at `url` (normalized: a
/// local path has become a file:// URL); `None` for a remote repository.
fn names(url: &str) -> Option<(PathBuf, PathBuf)> {
    names_in(
        &std::env::temp_dir(),
        Path::new(url.strip_prefix("file://")?),
    )
}

/// The lock file and queue directory, in the temporary directory `tmp`, of
/// the local repository `repo`: named after its canonical path (FNV-1a, the
/// same name from every build of this tool).
pub fn names_in(tmp: &Path, repo: &Path) -> Option<(PathBuf, PathBuf)> {
    let canon = std::fs::canonicalize(repo).ok()?;
    let h = crate::hash::fnv1a(canon.as_os_str().as_encoded_bytes());
    Some((
        tmp.join(format!("git-inventory-{h:016x}.lock")),
        tmp.join(format!("git-inventory-{h:016x}.queue")),
    ))
}

/// Whether `queue` is a directory only we can write to, created now if
/// missing: another user must not slip requests into our commits.
fn private_queue(queue: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let _ = std::fs::DirBuilder::new().mode(0o700).create(queue);
        match (std::fs::symlink_metadata(queue), my_uid()) {
            (Ok(m), Some(uid)) => m.is_dir() && m.uid() == uid && m.mode() & 0o077 == 0,
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = queue;
        false
    }
}

/// Whether the request file `p` is ours (same user).
fn owned(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(p)
            .ok()
            .zip(my_uid())
            .is_some_and(|(m, uid)| m.is_file() && m.uid() == uid)
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        false
    }
}

/// A name no other job on this machine uses.
fn unique_id() -> String {
    format!("{}-{}", std::process::id(), epoch_nanos())
}

/// Write `bytes` to `path` through a temporary name and a rename: a reader
/// sees the whole file or none.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
    let tmp = path.with_extension(format!("{}.tmp", ext.unwrap_or_default()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Wait for our turn on a local repository; hand our request to the job
/// whose turn it is while we wait. A dry run or `--no-push` neither waits
/// nor joins a batch.
pub fn wait(r: &Request, url: &str) -> Waited<Turn> {
    if r.dry_run || r.no_push || r.queue == Queue::Off {
        return Waited::Ours(None);
    }
    let Some((lock, queue)) = names(url) else {
        return Waited::Ours(None);
    };
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
    else {
        return Waited::Ours(None);
    };
    let ours = |file: File| {
        Waited::Ours(Some(Turn {
            _lock: file,
            queue: queue.clone(),
        }))
    };
    match file.try_lock() {
        Ok(()) => return ours(file),
        Err(std::fs::TryLockError::WouldBlock) => {}
        Err(_) => return Waited::Ours(None),
    }
    // Queue the request; if it cannot be queued, only wait.
    let id = unique_id();
    let req = queue.join(format!("{id}.req"));
    let out = queue.join(format!("{id}.out"));
    let queued = private_queue(&queue)
        && serde_json::to_vec(r)
            .ok()
            .is_some_and(|b| write_whole(&req, &b).is_ok());
    let answered = || -> Option<Waited<Turn>> {
        let bytes = std::fs::read(&out).ok()?;
        let _ = std::fs::remove_file(&out);
        let a: Answer = serde_json::from_slice(&bytes).ok()?;
        let mut o = a.into_outcome();
        let diff = out.with_extension("diff");
        if let Some((before, after)) = read_diff(&diff) {
            o.diff.before = before;
            o.diff.after = after;
        }
        let _ = std::fs::remove_file(&diff);
        Some(Waited::Answered(Box::new(o)))
    };
    let withdraw = || {
        let _ = std::fs::remove_file(&req);
        let _ = std::fs::remove_file(req.with_extension("claimed"));
        let _ = std::fs::remove_file(req.with_extension("diff"));
    };
    let deadline = Instant::now() + GIVE_UP;
    loop {
        if queued {
            if let Some(a) = answered() {
                return a;
            }
        }
        match file.try_lock() {
            Ok(()) => {
                // The answer is written before the lock is released.
                if queued {
                    if let Some(a) = answered() {
                        return a;
                    }
                }
                withdraw();
                return ours(file);
            }
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(_) => {
                withdraw();
                return Waited::Ours(None);
            }
        }
    }
}

impl Transport for Turn {
    /// The request's file, renamed `.claimed`.
    type Spot = PathBuf;

    fn claim(&self, r: &Request) -> Vec<(PathBuf, Request)> {
        if !private_queue(&self.queue) {
            return Vec::new();
        }
        let Ok(dir) = std::fs::read_dir(&self.queue) else {
            return Vec::new();
        };
        // Each entry with its age, read once.
        let all: Vec<(PathBuf, Option<std::time::SystemTime>)> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .map(|p| {
                let t = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
                (p, t)
            })
            .collect();
        let is = |p: &Path, ext: &str| p.extension().is_some_and(|x| x == ext);
        let older = |t: &Option<std::time::SystemTime>, than: Duration| {
            t.and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > than)
        };
        // Answers nobody came for (their job was killed while it waited),
        // and requests a dead turn claimed and never answered, go after
        // ten minutes; a request older than a job waits is not done but
        // removed (its job went ahead alone, or is dead).
        for (p, t) in &all {
            let unread = is(p, "out") || is(p, "diff") || is(p, "claimed") || is(p, "tmp");
            if (unread && older(t, KEEP_UNREAD)) || (is(p, "req") && older(t, GIVE_UP)) {
                let _ = std::fs::remove_file(p);
            }
        }
        let mut waiting: Vec<_> = all
            .into_iter()
            .filter(|(p, t)| is(p, "req") && !older(t, GIVE_UP) && owned(p))
            .collect();
        // First come, first served (the file's age is what we have).
        waiting.sort_by_key(|(_, t)| *t);
        let mut got = Vec::new();
        for (p, _) in waiting {
            let claimed = p.with_extension("claimed");
            if std::fs::rename(&p, &claimed).is_err() {
                continue;
            }
            let request = std::fs::read(&claimed)
                .ok()
                .and_then(|b| serde_json::from_slice::<Request>(&b).ok());
            match request {
                Some(q) if q.shares_commit_with(r) => got.push((claimed, q)),
                _ => {
                    let _ = std::fs::rename(&claimed, &p);
                }
            }
        }
        got
    }

    /// The texts go next to the request (`<id>.diff`), for its job to read
    /// with the answer.
    fn stash_diff(&self, spot: &PathBuf, d: &mut Diff) {
        let (before, after) = (std::mem::take(&mut d.before), std::mem::take(&mut d.after));
        // The length of `before` on a line, then both texts as they are (no
        // JSON escaping of two 11 MB strings).
        let mut b = Vec::with_capacity(before.len() + after.len() + 24);
        b.extend_from_slice(format!("{}\n", before.len()).as_bytes());
        b.extend_from_slice(before.as_bytes());
        b.extend_from_slice(after.as_bytes());
        let _ = write_whole(&spot.with_extension("diff"), &b);
    }

    fn release(&self, spots: Vec<PathBuf>) {
        for path in spots {
            let _ = std::fs::remove_file(path.with_extension("diff"));
            let _ = std::fs::rename(&path, path.with_extension("req"));
        }
    }

    /// Each answer is written (`<id>.out`) before the lock is let go.
    fn finish(self, answered: Vec<(PathBuf, Outcome)>) {
        for (path, outcome) in answered {
            if let Ok(b) = serde_json::to_vec(&Answer::of(outcome)) {
                let _ = write_whole(&path.with_extension("out"), &b);
            }
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The texts [`Turn::stash_diff`] wrote.
fn read_diff(path: &Path) -> Option<(String, String)> {
    let b = std::fs::read(path).ok()?;
    let nl = memchr::memchr(b'\n', &b)?;
    let n: usize = std::str::from_utf8(&b[..nl]).ok()?.parse().ok()?;
    let rest = b.get(nl + 1..)?;
    let (before, after) = (rest.get(..n)?, rest.get(n..)?);
    Some((
        String::from_utf8(before.to_vec()).ok()?,
        String::from_utf8(after.to_vec()).ok()?,
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::private_queue;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_queue_others_can_write_to_is_not_used() {
        let base = std::env::temp_dir().join(format!("gi-turns-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let q = base.join("q");
        assert!(private_queue(&q), "created private");
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!private_queue(&q), "world-writable: refused");
        // A file or a symlink in its place is refused too.
        let f = base.join("f");
        std::fs::write(&f, "").unwrap();
        assert!(!private_queue(&f));
        let l = base.join("l");
        std::os::unix::fs::symlink(&q, &l).unwrap();
        assert!(!private_queue(&l));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
