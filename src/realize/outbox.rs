//! The outbox: every delivery is a file in `<git-dir>/git-inventory/outbox/`
//! before its first try, removed once the receiver took it (2xx). Files
//! are named so that their sorted order is the order they were made in;
//! each is written aside and renamed, so a reader never sees half of one.
//! One process delivers at a time (a lock on `outbox/.lock`, released
//! by the system when the process ends, however it ends).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the outbox is, under the git dir.
pub const DIR: &str = "git-inventory/outbox";

/// One delivery waiting: what to send where. Secrets are not in it: the
/// target is named by its key and looked up in the configuration at each
/// try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The event's id (the receiver's deduplication key).
    pub event: String,
    /// The ref the event is about.
    #[serde(rename = "ref")]
    pub refname: String,
    /// [`super::config::Target::key`] of the receiver.
    pub target: String,
    /// `launch`, `removed` or `webhook`.
    pub kind: String,
    /// What the event says, for the pusher (`PROD: 2 added`).
    pub summary: String,
    /// The exact body sent (so a signature is over the same bytes at
    /// every try).
    pub body: String,
    /// Tries so far.
    pub attempts: u32,
    /// Not tried again by a push before this time (seconds since the
    /// epoch); `deliver` tries regardless.
    pub next_try: u64,
    /// The last failure, for `deliver` to show.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// Why the outbox could not be used.
#[derive(Debug, thiserror::Error)]
#[error("outbox {}: {message}", path.display())]
pub struct OutboxError {
    pub path: PathBuf,
    pub message: String,
}

fn err(path: &Path, e: impl std::fmt::Display) -> OutboxError {
    OutboxError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How long a push waits before trying a failed delivery again: 30 s,
/// doubled at each failure, at most an hour.
pub fn backoff(attempts: u32) -> u64 {
    30u64
        .saturating_mul(1 << attempts.saturating_sub(1).min(7))
        .min(3600)
}

/// The outbox of a repository.
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(git_dir: &Path) -> Outbox {
        Outbox {
            dir: git_dir.join(DIR),
        }
    }

    /// Add deliveries, in order, each a file written aside and renamed.
    pub fn put(&self, entries: &[Entry]) -> Result<(), OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (i, e) in entries.iter().enumerate() {
            let name = format!("{stamp:024}-{:04}-{}.json", i, std::process::id());
            self.write(&self.dir.join(name), e)?;
        }
        Ok(())
    }

    fn write(&self, path: &Path, e: &Entry) -> Result<(), OutboxError> {
        let text = serde_json::to_vec_pretty(e).map_err(|x| err(path, x))?;
        let tmp = self.dir.join(format!(".tmp-{}", std::process::id()));
        std::fs::write(&tmp, text).map_err(|x| err(&tmp, x))?;
        std::fs::rename(&tmp, path).map_err(|x| {
            let _ = std::fs::remove_file(&tmp);
            err(path, x)
        })
    }

    /// Every waiting delivery, oldest first.
    pub fn list(&self) -> Result<Vec<(PathBuf, Entry)>, OutboxError> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(err(&self.dir, e)),
        };
        let mut paths: Vec<PathBuf> = rd
            .flatten()
            .map(|d| d.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let mut out = Vec::new();
        for p in paths {
            let text = std::fs::read(&p).map_err(|e| err(&p, e))?;
            let entry: Entry = serde_json::from_slice(&text)
                .map_err(|e| err(&p, format!("not an outbox entry: {e}")))?;
            out.push((p, entry));
        }
        Ok(out)
    }

    /// Note a failed try of the delivery at `path`.
    pub fn failed(&self, path: &Path, mut e: Entry, why: &str) -> Result<(), OutboxError> {
        e.attempts += 1;
        e.next_try = now() + backoff(e.attempts);
        e.last_error = Some(why.to_string());
        self.write(path, &e)
    }

    /// The delivery at `path` was taken by its receiver.
    pub fn done(&self, path: &Path) -> Result<(), OutboxError> {
        std::fs::remove_file(path).map_err(|e| err(path, e))
    }

    /// Take the delivery lock, waiting at most `wait`: `None` when another
    /// process held it all that time.
    pub fn lock(&self, wait: std::time::Duration) -> Result<Option<std::fs::File>, OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        let path = self.dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| err(&path, e))?;
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(e)) => return Err(err(&path, e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u32) -> Entry {
        Entry {
            event: format!("e{n}"),
            refname: "refs/heads/main".into(),
            target: "webhook http://127.0.0.1:1/".into(),
            kind: "webhook".into(),
            summary: "DEV: 1 added".into(),
            body: "{}".into(),
            attempts: 0,
            next_try: 0,
            last_error: None,
        }
    }

    #[test]
    fn entries_come_back_in_the_order_they_were_put() {
        let dir = std::env::temp_dir().join(format!("gi-outbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ob = Outbox::new(&dir);
        assert!(ob.list().unwrap().is_empty(), "no outbox: nothing waits");
        ob.put(&[entry(1), entry(2)]).unwrap();
        ob.put(&[entry(3)]).unwrap();
        let got = ob.list().unwrap();
        let ids: Vec<&str> = got.iter().map(|(_, e)| e.event.as_str()).collect();
        assert_eq!(ids, ["e1", "e2", "e3"]);
        ob.failed(&got[0].0, got[0].1.clone(), "HTTP 500").unwrap();
        let again = ob.list().unwrap();
        assert_eq!(again[0].1.attempts, 1);
        assert!(again[0].1.next_try >= now() + 29);
        ob.done(&again[0].0).unwrap();
        assert_eq!(ob.list().unwrap().len(), 2);
        let held = ob.lock(std::time::Duration::ZERO).unwrap();
        assert!(held.is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(5), 480);
        assert_eq!(backoff(50), 3600);
    }
}
