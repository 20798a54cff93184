//! The heartbeat of a turn: while a job holds the turn, a thread of its
//! own rewrites `turn` (a new commit, pushed with a lease on the value
//! before it) every [`super::heartbeat`], so waiting jobs can tell a live
//! turn from a dead job's: one unchanged for [`super::stale`] is dead.

use super::TURN;
use crate::git::{transport::Refs, Author, Repo, Ssh};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running heartbeat; [`Heartbeat::stop`] ends it.
pub(super) struct Heartbeat {
    stop: Arc<AtomicBool>,
    /// The value `turn` was last given.
    lock: Arc<Mutex<String>>,
    thread: Option<JoinHandle<()>>,
}

/// Where the heartbeat writes and pushes from, and as whom.
pub(super) struct Beat {
    /// The job's scratch repository.
    pub(super) dir: PathBuf,
    pub(super) url: String,
    pub(super) ssh: Ssh,
    pub(super) author: Author,
    /// The job's id, named in each new value.
    pub(super) id: String,
}

impl Heartbeat {
    /// Rewrite `turn`, which holds `lock`, every `every` until stopped.
    pub(super) fn start(beat: Beat, lock: String, every: Duration) -> Heartbeat {
        let stop = Arc::new(AtomicBool::new(false));
        let lock = Arc::new(Mutex::new(lock));
        let (s, l) = (stop.clone(), lock.clone());
        let thread = std::thread::Builder::new()
            .name("turn heartbeat".into())
            .spawn(move || beat.run(&s, &l, every))
            .ok();
        Heartbeat { stop, lock, thread }
    }

    /// Stop the heartbeat (waiting for a push under way); the value `turn`
    /// was last given.
    pub(super) fn stop(mut self) -> String {
        self.halt();
        self.value()
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn value(&self) -> String {
        match self.lock.lock() {
            Ok(v) => v.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.halt();
    }
}

impl Beat {
    fn run(self, stop: &AtomicBool, lock: &Mutex<String>, every: Duration) {
        let Ok(repo) = Repo::open(&self.dir) else {
            return;
        };
        let refs = Refs {
            ssh: &self.ssh,
            from: &self.dir,
            url: &self.url,
        };
        let mut n: u64 = 0;
        loop {
            let next = Instant::now() + every;
            while Instant::now() < next {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            n += 1;
            let message = format!("git-inventory: the turn of {} (heartbeat {n})", self.id);
            let Ok(new) = repo.commit_note(&self.author, &message) else {
                continue;
            };
            let new = new.to_string();
            let old = match lock.lock() {
                Ok(v) => v.clone(),
                Err(p) => p.into_inner().clone(),
            };
            let pushed = refs.push(
                false,
                &[format!("{TURN}:{old}")],
                &[format!("{new}:{TURN}")],
            );
            if pushed.is_some_and(|p| p.iter().any(|d| d == TURN)) {
                match lock.lock() {
                    Ok(mut v) => *v = new,
                    Err(p) => *p.into_inner() = new,
                }
            }
        }
    }
}
