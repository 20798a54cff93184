//! `git-inventory update`: enroll or decommission hosts in an inventory
//! repository with one call, safe under concurrent jobs.
//!
//! Flow: take our turn ([`queue`]); make the clone ([`workspace`]: a
//! shallow single-branch bare clone, no checkout, or for a repository named
//! by a local path a bare repository borrowing its objects); apply our
//! request and the waiting ones to the file's text with minimal diffs
//! ([`apply`], [`edit`]), to inventory files only ([`scope`]); validate
//! the result with the same rules as the hook (a change that adds an error
//! is refused), commit and push; when another job pushed first, do it
//! again on the new tip ([`attempt`]).

pub mod apply;
pub mod attempt;
pub mod collection;
pub mod diff;
pub mod edit;
pub mod flags;
pub mod outcome;
pub mod params;
pub mod queue;
pub mod request;
pub mod scope;
pub mod workspace;

pub use flags::Flags;
pub use outcome::{Diff, Outcome};
pub use request::{GroupChange, HostChange, Queue, Request, State};

use crate::exit::Exit;
use crate::git::transport;
use crate::timer::Timer;
use attempt::{Claims, Turned};
use outcome::fail;
use queue::{Claimed, Waited};
use request::{check_queued, check_request};

/// Run an update; never panics, every failure is an [`Outcome`] with
/// `failed`. Requests of jobs waiting for their turn are done with ours,
/// in one commit. A request in the collection's terms answers with that
/// collection's messages (ours then in `summary`).
pub fn run(r: &Request) -> Outcome {
    let mut out = run_turns(r);
    if let (Some(c), false) = (&r.collection, out.failed) {
        out.summary = Some(std::mem::take(&mut out.message));
        out.message = if out.changed {
            "Inventory updated successfully".into()
        } else {
            let shown = &c.options.inventory_file_param;
            format!(
                "No changes required for {}",
                if shown.is_empty() { &r.file } else { shown }
            )
        };
    }
    out
}

fn run_turns(r: &Request) -> Outcome {
    if let Err(m) = check_request(r) {
        return fail(Exit::Usage, m.0);
    }
    if let Some(l) = r.collection.as_ref().and_then(|c| c.local.as_ref()) {
        return collection::local::run(r, l);
    }
    let url = transport::normalize_url(&r.repo);
    let timer = Timer::new();
    let turns = match queue::wait(r, &url) {
        Waited::Answered(o) => return *o,
        Waited::Ours(t) => t.unwrap_or_default(),
    };
    timer.lap("wait for our turn");
    // The clone first, then the requests that queued meanwhile (twenty
    // jobs started at once queue while it is made).
    let cloned = match workspace::open_clone(r, &url, &timer) {
        Ok(c) => c,
        Err(e) => {
            turns.finish(Vec::new());
            return fail(Exit::Failure, e.to_string());
        }
    };
    let claimed = turns.claim(r);
    timer.lap(&format!("claim {} waiting", claimed.len()));
    // A waiting job checked its own request, but one from the remote's
    // queue is only what was pushed there: each is checked again here, and
    // must be a plain request of the kind a job queues.
    let mut bad: Vec<(Claimed, Outcome)> = Vec::new();
    let claimed: Vec<Claimed> = claimed
        .into_iter()
        .filter_map(|c| {
            match check_request(&c.request).and_then(|()| {
                if c.from_remote() {
                    check_queued(&c.request)
                } else {
                    Ok(())
                }
            }) {
                Ok(()) => Some(c),
                Err(m) => {
                    bad.push((c, fail(Exit::Usage, m.0)));
                    None
                }
            }
        })
        .collect();
    let mut outs = {
        let reqs: Vec<&Request> = std::iter::once(r)
            .chain(claimed.iter().map(|c| &c.request))
            .collect();
        // A waiting job's diff texts go to its queue at once (an 11 MB
        // file's before and after, times the batch, are not kept).
        let stash = |k: usize, d: &mut Diff| {
            if let Some(c) = k.checked_sub(1).and_then(|i| claimed.get(i)) {
                turns.stash_diff(c, d);
            }
        };
        let stamp = |k: usize| k.checked_sub(1).and_then(|i| claimed.get(i))?.stamp();
        let claims = Claims {
            stash: &stash,
            stamp: &stamp,
        };
        attempt::run_turn(r, &url, &timer, &cloned, &reqs, &claims)
    };
    let claimed = match outs {
        Turned::Refused if !claimed.is_empty() => {
            // Together the changes add an error: each job's change is then
            // judged alone, ours now and theirs in their own turns.
            turns.release(claimed);
            let alone = Claims {
                stash: &|_, _| {},
                stamp: &|_| None,
            };
            outs = attempt::run_turn(r, &url, &timer, &cloned, &[r], &alone);
            Vec::new()
        }
        _ => claimed,
    };
    let mut outs = match outs {
        Turned::Done(o) => o,
        Turned::Refused => vec![fail(
            Exit::Violations,
            "refused: the change would make the inventory invalid",
        )],
        Turned::Failed(o) => std::iter::repeat_n(*o, claimed.len() + 1).collect(),
    };
    let own = outs.remove(0);
    // A job of another machine gets the commit with its answer, to read
    // there that its request is in it (see queue::remote).
    for (c, o) in claimed.iter().zip(outs.iter_mut()) {
        if c.from_remote() {
            o.commit_object = o
                .commit
                .as_deref()
                .and_then(|id| crate::git::parse_oid(id).ok())
                .and_then(|id| cloned.repo.raw_commit(id))
                .and_then(|raw| String::from_utf8(raw).ok());
        }
    }
    let mut answered: Vec<(Claimed, Outcome)> = claimed.into_iter().zip(outs).collect();
    answered.extend(bad);
    turns.finish(answered);
    own
}
