//! Jobs on different machines (AWX pods, CI runners) that update the same
//! repository take turns through refs in that repository, the one place
//! they all reach, and the job whose turn it is does the waiting jobs'
//! requests with its own in one commit: the group commit of
//! [`super::local`] across machines. Without it, twenty jobs started at
//! once collide: each loser fetches, re-applies, validates and pushes
//! through the server's hook again, twenty times over.
//!
//! The protocol, all under `refs/git-inventory/` in the remote (pushes to
//! these refs never touch a branch; the pre-receive hook checks branches):
//! - `turn`: a commit naming the job whose turn it is. Taken by creating
//!   the ref with `--force-with-lease=<ref>:` (it must not exist: git
//!   checks that in the ref transaction, so one job wins); rewritten by
//!   the holder's [`heartbeat`] every [`heartbeat()`] under a lease on its
//!   last value; given back by deleting it with a lease on that value.
//! - `queue/<id>`: a waiting job's request, as JSON in a commit message
//!   (with no URL, key or path of the job's: the remote is shared), pushed
//!   in the same push that tries to take the turn. `<id>` is
//!   `<hex time>-<pid>-<host>` ([`scratch::unique_id`]).
//! - `done/<id>`: the outcome the job whose turn it was hands back (JSON in
//!   a commit message), created in one atomic push with the deletion of the
//!   requests it did and of `turn`. The waiting job reads it and deletes it.
//!
//! Whoever can push to `refs/git-inventory/` can write any of these, so
//! nothing there is taken on trust:
//! - a claimed request is checked as the job's own is, and more
//!   ([`crate::updater::request::check_queued`]); one that fails is
//!   answered with exit 2 and not done;
//! - an answer is believed only when the branch bears it out
//!   ([`verify`]); otherwise the waiting job does its request itself
//!   (requests are idempotent);
//! - a turn that stays one value for [`stale()`] is a dead job's, and is
//!   deleted with a lease on that value; a waiting job that has waited
//!   [`patience()`] while turns come and go without its answer goes on
//!   alone;
//! - a turn claims at most [`sweep::MAX_CLAIMED`] requests, oldest first,
//!   and, once it has given the turn back, deletes refs no job makes,
//!   requests older than a job waits (not done: their job went on alone
//!   or died), answers nobody came for, and refs that hold no request,
//!   for at most [`sweep::SWEEP_TIME`] ([`sweep`]).
//!
//! A waiting job polls `turn`, its `done/<id>` and the branch with
//! `git ls-remote` (gently: one upload-pack on the server per poll). When
//! `turn` is gone and its answer is not there, it takes the turn and does
//! its request itself (with whatever else waits).
//!
//! What the answer does not carry: the whole file's texts before and
//! after (`diff.before`/`after`, 11 MB each at 100k hosts). The waiting job
//! gets the unified diff of its own change (`diff.prepared`).

mod heartbeat;
mod scratch;
mod sweep;
mod verify;

use super::transport::{Transport, Waited};
use crate::updater::outcome::{Answer, Diff, Outcome};
use crate::updater::request::{check_queued, Request};
use heartbeat::{Beat, Heartbeat};
use scratch::{unique_id, Local};
use std::time::{Duration, Instant};
use verify::{branch_ref, verified, Mine, Tips};

const TURN: &str = "refs/git-inventory/turn";
const QUEUE: &str = "refs/git-inventory/queue/";
const DONE: &str = "refs/git-inventory/done/";

/// A turn whose ref keeps one value this long is a dead job's: 15 s, or
/// `GIT_INVENTORY_TURN_STALE_SECS` (1 to 3600), three heartbeats.
fn stale() -> Duration {
    let secs = std::env::var("GIT_INVENTORY_TURN_STALE_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .map_or(15.0, |s| s.clamp(1.0, 3600.0));
    Duration::from_secs_f64(secs)
}

/// How often the job whose turn it is rewrites `turn`: a third of
/// [`stale()`], so a live turn changes three times before it would be
/// thought dead.
fn heartbeat() -> Duration {
    stale() / 3
}

/// How long a job waits while turns come and go without its answer before
/// it goes on alone: three times [`stale()`], at least 10 s, at most
/// [`GIVE_UP`]. A turn that is alive but never does our request (someone
/// keeps `turn` fresh by hand) costs no more.
fn patience() -> Duration {
    (stale() * 3).clamp(Duration::from_secs(10), GIVE_UP)
}

/// The longest a job waits in all, and the age past which a queued request
/// is swept instead of done.
const GIVE_UP: Duration = Duration::from_secs(300);

/// How long an answer is left for its job: twice [`GIVE_UP`] after the job
/// queued (clocks of machines apart are seldom minutes apart). Older ones
/// are swept by a later turn.
const ANSWER_KEPT: Duration = Duration::from_secs(600);

/// Our turn: the lock ref we created (kept fresh by the heartbeat) and
/// the small repository we talk to the remote from.
pub struct Turn {
    local: Local,
    /// Our request's ref (deleted when the turn ends).
    own: String,
    beat: Option<Heartbeat>,
    /// The refs to sweep once the turn is given back (found by the claim).
    sweep: std::cell::RefCell<sweep::Sweep>,
    finished: bool,
}

/// A request taken into our batch: its ref in the remote and its value.
pub struct Spot {
    pub name: String,
    pub oid: String,
}

/// The words that tie the change of the request at `s` to the commit that
/// makes it: its id and the commit it was queued as (the commit's job adds
/// a digest of the answer it gives, see [`verify`]).
pub fn stamp(s: &Spot) -> Option<String> {
    Some(format!("{} {}", s.name.strip_prefix(QUEUE)?, s.oid))
}

impl Turn {
    /// Our turn, `turn` holding `lock`: its heartbeat starts now.
    fn new(local: Local, own: String, id: &str, lock: String) -> Turn {
        let beat = Beat {
            dir: local.path().to_path_buf(),
            url: local.url.clone(),
            ssh: local.ssh.clone(),
            author: local.req.author(),
            id: id.to_string(),
        };
        Turn {
            beat: Some(Heartbeat::start(beat, lock, heartbeat())),
            local,
            own,
            sweep: std::cell::RefCell::new(sweep::Sweep::default()),
            finished: false,
        }
    }

    /// Stop the heartbeat: the value `turn` holds, for the lease that
    /// gives it back.
    fn lock(&mut self) -> Option<String> {
        self.beat.take().map(Heartbeat::stop)
    }
}

/// Between two polls: 300 ms at first, growing to a second, jittered so
/// that waiting jobs do not ask all at once. Each poll costs the server a
/// process (over ssh, a connection): twenty jobs polling every 150 ms take
/// half of a 2-core server from the job whose turn it is, and triple the
/// time of its clone. A turn lasts a second or more (clone, edit,
/// validate, push), so the answer is seldom late by much.
fn pause(polls: u32) -> Duration {
    let nanos = (crate::updater::workspace::epoch_nanos() % 1_000_000_000) as u64;
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
    // A request the queue would refuse from anyone is done in our own
    // turn, not queued.
    if r.dry_run || r.no_push || check_queued(r).is_err() {
        return Waited::Ours(None);
    }
    let Some(local) = Local::new(r, url) else {
        return Waited::Ours(None);
    };
    let id = unique_id();
    let (own, done) = scratch::names(&id);
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
    if first.iter().any(|d| d == TURN) {
        return Waited::Ours(Some(Turn::new(local, own, &id, lock)));
    }
    if !first.contains(&own) {
        // The remote takes no such refs (or is unreachable): alone.
        return Waited::Ours(None);
    }
    let branch = branch_ref(r);
    let mine = Mine { id: &id, req: &req };
    let mut tips = Tips::default();
    let started = Instant::now();
    let (stale, patience) = (stale(), patience());
    let mut seen: Option<(String, Instant)> = None;
    let mut polls = 0;
    while started.elapsed() < patience {
        std::thread::sleep(pause(polls));
        polls += 1;
        let Some(refs) = local.ls_remote(&[TURN, &done, &branch]) else {
            continue;
        };
        tips.saw(refs.get(&branch));
        if let Some(oid) = refs.get(&done) {
            // Read (and deleted) whether believed or not: an answer the
            // branch does not bear out leaves us to do our request.
            if let Some(o) = local
                .answer(&done, oid)
                .and_then(|a| verified(r, &a, &local, &tips, &mine))
            {
                return Waited::Answered(Box::new(o));
            }
        }
        match refs.get(TURN) {
            None => {
                if take(&local, &lock, None).is_some_and(|p| p.iter().any(|d| d == TURN)) {
                    let t = Turn::new(local, own, &id, lock);
                    // The answer may have come with the turn's end.
                    if let Some(o) = answered_with_the_turn(&t, r, &done, &branch, tips, &mine) {
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

/// Our answer, when it was written with the end of the turn we have just
/// taken and the branch bears it out.
fn answered_with_the_turn(
    t: &Turn,
    r: &Request,
    done: &str,
    branch: &str,
    mut tips: Tips,
    mine: &Mine<'_>,
) -> Option<Outcome> {
    let refs = t.local.ls_remote(&[done, branch])?;
    tips.saw(refs.get(branch));
    let oid = refs.get(done)?;
    let a = t.local.answer(done, oid)?;
    verified(r, &a, &t.local, &tips, mine)
}

impl Transport for Turn {
    /// The request's ref in the remote and the commit it held.
    type Spot = Spot;

    /// The oldest requests queued (at most [`sweep::MAX_CLAIMED`]) that
    /// can share our commit, after sweeping the refs no job will read.
    fn claim(&self, r: &Request) -> Vec<(Spot, Request)> {
        let (got, mut junk) = sweep::claim(&self.local, &self.own);
        let (ours, others): (Vec<_>, Vec<_>) =
            got.into_iter().partition(|(_, q)| q.shares_commit_with(r));
        // Requests of another branch or author wait for their own turn.
        junk.waiting.extend(others.into_iter().map(|(s, _)| s.name));
        *self.sweep.borrow_mut() = junk;
        ours
    }

    /// The answer carries the unified diff only: the whole file's texts
    /// (11 MB each at 100k hosts) would cost each waiter about a clone.
    fn stash_diff(&self, _: &Spot, d: &mut Diff) {
        d.before.clear();
        d.after.clear();
    }

    /// A request left in the remote's queue waits for its own turn (and
    /// keeps the queue from being pruned).
    fn release(&self, spots: Vec<Spot>) {
        let mut sweep = self.sweep.borrow_mut();
        sweep.waiting.extend(spots.into_iter().map(|s| s.name));
    }

    /// Hand each claimed request its outcome (`done/<id>`), delete the
    /// requests done and ours, and give the turn back, in one atomic push
    /// (then ref by ref if that fails: the answers still go out).
    fn finish(mut self, answered: Vec<(Spot, Outcome)>) {
        self.finished = true;
        let lock = self.lock();
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
        specs.push(format!(":{}", self.own));
        if let Some(lock) = lock {
            leases.push(format!("{TURN}:{lock}"));
            specs.push(format!(":{TURN}"));
        }
        let all = l.push(true, &leases, &specs);
        if all.is_none_or(|p| !p.iter().any(|d| d == TURN)) {
            // Something moved meanwhile (a request withdrawn, our turn
            // taken as a dead job's): each ref on its own, under its lease.
            let _ = l.push(false, &leases, &specs);
        }
        // With the turn given back, no waiting job waits for this.
        sweep::delete(l, self.sweep.take());
    }
}

impl Drop for Turn {
    /// A turn ended without [`Turn::finish`]: give it back, withdraw ours.
    fn drop(&mut self) {
        if !self.finished {
            let mut specs = vec![format!(":{}", self.own)];
            let mut leases = Vec::new();
            if let Some(lock) = self.lock() {
                leases.push(format!("{TURN}:{lock}"));
                specs.push(format!(":{TURN}"));
            }
            let _ = self.local.push(false, &leases, &specs);
        }
    }
}
