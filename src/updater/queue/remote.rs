//! Jobs on different machines (AWX pods, CI runners) that update the same
//! repository take turns through refs in that repository, the one place
//! they all reach, and the job whose turn it is does the waiting jobs'
//! requests with its own in one commit: the group commit of [`super::local`]
//! across machines. Without it, twenty jobs started at once collide: each
//! loser fetches, re-applies, validates and pushes through the server's
//! hook again, twenty times over.
//!
//! The protocol, all under `refs/git-inventory/` in the remote (pushes to
//! these refs never touch a branch; the pre-receive hook checks branches):
//! - `turn`: a commit naming the job whose turn it is. Taken by creating
//!   the ref with `--force-with-lease=<ref>:` (it must not exist: git
//!   checks that in the ref transaction, so one job wins), given back by
//!   deleting it with a lease on the value it wrote.
//! - `queue/<id>`: a waiting job's request, as JSON in a commit message
//!   (with no URL, key or path of the job's: the remote is shared). Pushed
//!   in the same push that tries to take the turn.
//! - `done/<id>`: the outcome the job whose turn it was hands back (JSON in
//!   a commit message), created in one atomic push with the deletion of the
//!   requests it did and of `turn`. The waiting job reads it and deletes it.
//!   An answer nobody read (its job was killed while it waited) is deleted
//!   by a later turn's end once it is ten minutes older than its request
//!   (the `<id>` starts with the time its job queued).
//!
//! A waiting job polls `turn` and its `done/<id>` with `git ls-remote`
//! (gently: one upload-pack on the server per poll). When `turn` is gone
//! and its answer is not there, it takes the turn and does its request
//! itself (with whatever else waits). A turn that keeps the same value
//! for two minutes belongs to a job that died: it is deleted, with a lease
//! on that value. Requests are idempotent, so a request done twice (a job
//! thought dead that was not) reports "nothing to change" the second time.
//!
//! What the answer does not carry: the whole file's texts before and
//! after (`diff.before`/`after`, 11 MB each at 100k hosts). The waiting job
//! gets the unified diff of its own change (`diff.prepared`).

use super::transport::{Transport, Waited};
use crate::git::{transport::Refs, Repo, Ssh};
use crate::updater::outcome::{Answer, Diff, Outcome};
use crate::updater::request::Request;
use crate::updater::workspace::{epoch_nanos, TempDir};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const TURN: &str = "refs/git-inventory/turn";
const QUEUE: &str = "refs/git-inventory/queue/";
const DONE: &str = "refs/git-inventory/done/";
/// A turn whose ref keeps one value this long is a dead job's (two minutes,
/// or `GIT_INVENTORY_TURN_STALE_SECS`: a turn on a huge repository over a
/// slow link may need more).
fn stale() -> Duration {
    let secs = std::env::var("GIT_INVENTORY_TURN_STALE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    Duration::from_secs(secs)
}
/// How long a job waits in all before it goes on alone.
const GIVE_UP: Duration = Duration::from_secs(300);
/// How long an answer is left for its job: twice [`GIVE_UP`] after the job
/// queued (clocks of machines apart are seldom minutes apart). Older ones
/// are swept at the end of a turn.
const ANSWER_KEPT: Duration = Duration::from_secs(600);

/// Our turn: the lock ref we created and the small repository we talk to
/// the remote from.
pub struct Turn {
    /// A bare repository of our own (a few tiny commits).
    local: Local,
    /// Our request's ref (deleted when the turn ends).
    own: String,
    /// The value we gave `turn`.
    lock: String,
    finished: bool,
}

/// The small bare repository a job writes its request, turn and answers
/// in, and pushes from; removed with it.
struct Local {
    dir: TempDir,
    repo: Repo,
    url: String,
    /// The job's request: its author, key and ssh options.
    req: Request,
    ssh: Ssh,
}

/// A request taken into our batch: its ref in the remote and its value.
pub struct Spot {
    pub name: String,
    pub oid: String,
}

impl Local {
    fn new(r: &Request, url: &str) -> Option<Local> {
        let dir = TempDir::fresh();
        let repo = Repo::init_bare(&dir.0).ok()?;
        Some(Local {
            dir,
            repo,
            url: url.to_string(),
            req: r.clone(),
            ssh: r.ssh(),
        })
    }

    fn refs(&self) -> Refs<'_> {
        Refs {
            ssh: &self.ssh,
            from: &self.dir.0,
            url: &self.url,
        }
    }

    /// A commit of the empty tree carrying `message`.
    fn commit(&self, message: &str) -> Option<String> {
        self.repo
            .commit_note(&self.req.author(), message)
            .ok()
            .map(|id| id.to_string())
    }

    fn push(&self, atomic: bool, leases: &[String], specs: &[String]) -> Option<Vec<String>> {
        self.refs().push(atomic, leases, specs)
    }

    fn ls_remote(&self, refs: &[&str]) -> Option<HashMap<String, String>> {
        self.refs().ls_remote(refs)
    }

    fn fetch(&self, refspecs: &[&str]) -> bool {
        self.refs().fetch(refspecs)
    }

    /// The answers fetched with the claim (`refs/done/*`) that nobody will
    /// read: queued longer ago than a waiter waits, with a margin for
    /// clocks apart (the id starts with the time its job queued).
    fn unread_answers(&self) -> Vec<Spot> {
        let limit = epoch_nanos().saturating_sub(ANSWER_KEPT.as_nanos());
        self.repo
            .refs_under("refs/done/")
            .into_iter()
            .filter_map(|(id, oid)| {
                let queued = id
                    .split('-')
                    .next()
                    .and_then(|t| u128::from_str_radix(t, 16).ok())?;
                (queued < limit).then(|| Spot {
                    name: format!("{DONE}{id}"),
                    oid: oid.to_string(),
                })
            })
            .collect()
    }

    /// Fetch and read our answer at `done`, then delete it in the remote.
    fn answer(&self, done: &str, oid: &str) -> Option<Outcome> {
        if !self.fetch(&[&format!("{done}:refs/answer")]) {
            return None;
        }
        let id = crate::git::parse_oid(oid).ok()?;
        let (bytes, _) = self.repo.commit_message(id)?;
        let a: Answer = serde_json::from_slice(&bytes).ok()?;
        let _ = self.push(false, &[format!("{done}:{oid}")], &[format!(":{done}")]);
        Some(a.into_outcome())
    }
}

/// A name no other job uses, on any machine: the time, our process id and
/// the machine's name.
fn unique_id() -> String {
    let nanos = epoch_nanos();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let host: String = host
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    format!("{nanos:x}-{}-{host}", std::process::id())
}

/// Between two polls: 300 ms at first, growing to a second, jittered so
/// that waiting jobs do not ask all at once. Each poll costs the server a
/// process (over ssh, a connection): twenty jobs polling every 150 ms take
/// half of a 2-core server from the job whose turn it is, and triple the
/// time of its clone. A turn lasts a second or more (clone, edit,
/// validate, push), so the answer is seldom late by much.
fn pause(polls: u32) -> Duration {
    let nanos = (epoch_nanos() % 1_000_000_000) as u64;
    let base = (300u64 + 100 * u64::from(polls)).min(1000);
    Duration::from_millis(base * 3 / 4 + nanos % (base / 2 + 1))
}

/// Try to take the turn (create `turn` with the value `lock`), pushing
/// `extra` with it; which refs the push updated.
fn take(local: &Local, lock: &str, extra: Option<String>) -> Option<Vec<String>> {
    let mut specs = vec![format!("{lock}:{TURN}")];
    specs.extend(extra);
    local.push(false, &[format!("{TURN}:")], &specs)
}

/// Queue our request in the remote and wait for our turn or our answer.
pub fn wait(r: &Request, url: &str) -> Waited<Turn> {
    if r.dry_run || r.no_push {
        return Waited::Ours(None);
    }
    let Some(local) = Local::new(r, url) else {
        return Waited::Ours(None);
    };
    let id = unique_id();
    let own = format!("{QUEUE}{id}");
    let done = format!("{DONE}{id}");
    // What the remote keeps of the request: what to change, not how we
    // reach the remote.
    let mut shared = r.clone();
    shared.repo = String::new();
    shared.ssh_key = None;
    shared.ssh_opts = None;
    shared.workdir = None;
    shared.progress = false;
    let (Some(req), Some(lock)) = (
        serde_json::to_string(&shared)
            .ok()
            .and_then(|j| local.commit(&j)),
        local.commit(&format!("git-inventory: the turn of {id}")),
    ) else {
        return Waited::Ours(None);
    };
    let Some(first) = take(&local, &lock, Some(format!("{req}:{own}"))) else {
        return Waited::Ours(None);
    };
    let queued = first.contains(&own);
    let turn = |local: Local| Turn {
        local,
        own: own.clone(),
        lock: lock.clone(),
        finished: false,
    };
    if first.iter().any(|d| d == TURN) {
        return Waited::Ours(Some(turn(local)));
    }
    if !queued {
        // The remote takes no such refs (or is unreachable): alone.
        return Waited::Ours(None);
    }
    let started = Instant::now();
    let stale = stale();
    let mut seen: Option<(String, Instant)> = None;
    let mut polls = 0;
    while started.elapsed() < GIVE_UP {
        std::thread::sleep(pause(polls));
        polls += 1;
        let Some(refs) = local.ls_remote(&[TURN, &done]) else {
            continue;
        };
        if let Some(oid) = refs.get(&done) {
            if let Some(o) = local.answer(&done, oid) {
                return Waited::Answered(Box::new(o));
            }
        }
        match refs.get(TURN) {
            None => {
                if take(&local, &lock, None).is_some_and(|p| p.iter().any(|d| d == TURN)) {
                    // The answer may have come with the turn's end.
                    let t = turn(local);
                    if let Some(o) = t
                        .local
                        .ls_remote(&[&done])
                        .and_then(|m| m.get(&done).cloned())
                        .and_then(|oid| t.local.answer(&done, &oid))
                    {
                        drop(t);
                        return Waited::Answered(Box::new(o));
                    }
                    return Waited::Ours(Some(t));
                }
            }
            Some(oid) => match &seen {
                Some((v, since)) if v == oid => {
                    if since.elapsed() > stale {
                        // A dead job's turn.
                        let _ =
                            local.push(false, &[format!("{TURN}:{oid}")], &[format!(":{TURN}")]);
                        seen = None;
                    }
                }
                _ => seen = Some((oid.clone(), Instant::now())),
            },
        }
    }
    // Withdraw the request and go on alone.
    let _ = local.push(false, &[format!("{own}:{req}")], &[format!(":{own}")]);
    Waited::Ours(None)
}

impl Transport for Turn {
    /// The request's ref in the remote and the commit it held.
    type Spot = Spot;

    fn claim(&self, r: &Request) -> Vec<(Spot, Request)> {
        let l = &self.local;
        // The answers too, for the end of the turn to sweep those left
        // by jobs killed while they waited (they are few and small).
        if !l.fetch(&[
            &format!("+{QUEUE}*:refs/queue/*"),
            &format!("+{DONE}*:refs/done/*"),
        ]) {
            return Vec::new();
        }
        let mut got: Vec<(i64, Spot, Request)> = Vec::new();
        for (id, oid) in l.repo.refs_under("refs/queue/") {
            let name = format!("{QUEUE}{id}");
            if name == self.own {
                continue;
            }
            let Some((message, time)) = l.repo.commit_message(oid) else {
                continue;
            };
            let Ok(q) = serde_json::from_slice::<Request>(&message) else {
                continue;
            };
            if q.shares_commit_with(r) {
                let spot = Spot {
                    name,
                    oid: oid.to_string(),
                };
                got.push((time, spot, q));
            }
        }
        got.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
        got.into_iter().map(|(_, s, q)| (s, q)).collect()
    }

    /// The answer carries the unified diff only: the whole file's texts
    /// (11 MB each at 100k hosts) would cost each waiter about a clone.
    fn stash_diff(&self, _: &Spot, d: &mut Diff) {
        d.before.clear();
        d.after.clear();
    }

    /// A request left in the remote's queue waits for its own turn.
    fn release(&self, _: Vec<Spot>) {}

    /// Hand each claimed request its outcome (`done/<id>`), delete the
    /// requests done and ours, and give the turn back, in one atomic push
    /// (then ref by ref if that fails: the answers still go out).
    fn finish(mut self, answered: Vec<(Spot, Outcome)>) {
        self.finished = true;
        let l = &self.local;
        let mut leases = Vec::new();
        let mut specs = Vec::new();
        for (spot, mut outcome) in answered {
            outcome.diff.before.clear();
            outcome.diff.after.clear();
            let Some(c) = serde_json::to_string(&Answer::of(outcome))
                .ok()
                .and_then(|j| l.commit(&j))
            else {
                continue;
            };
            let id = spot.name.trim_start_matches(QUEUE);
            specs.push(format!("{c}:{DONE}{id}"));
            leases.push(format!("{}:{}", spot.name, spot.oid));
            specs.push(format!(":{}", spot.name));
        }
        for spot in l.unread_answers() {
            leases.push(format!("{}:{}", spot.name, spot.oid));
            specs.push(format!(":{}", spot.name));
        }
        specs.push(format!(":{}", self.own));
        leases.push(format!("{TURN}:{}", self.lock));
        specs.push(format!(":{TURN}"));
        let all = l.push(true, &leases, &specs);
        if all.is_none_or(|p| !p.iter().any(|d| d == TURN)) {
            // Something moved meanwhile (a request withdrawn, our turn
            // taken as a dead job's): each ref on its own, under its lease.
            let _ = l.push(false, &leases, &specs);
        }
    }
}

impl Drop for Turn {
    /// A turn ended without [`Turn::finish`]: give it back, withdraw ours.
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.local.push(
                false,
                &[format!("{TURN}:{}", self.lock)],
                &[format!(":{TURN}"), format!(":{}", self.own)],
            );
        }
    }
}
