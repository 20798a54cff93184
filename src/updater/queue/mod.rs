//! Jobs updating the same repository at once take turns, and the job whose
//! turn it is does the requests of the jobs waiting for theirs, in one
//! commit (a group commit): twenty jobs started at once then cost two or
//! three validations, hook runs and pushes instead of twenty.
//!
//! Two queues speak that protocol, each behind [`Transport`]: [`local`],
//! for the jobs of one machine (a lock file and request files in the
//! temporary directory), and [`remote`], for jobs on different machines
//! (refs under `refs/git-inventory/` in the remote; opt-in). A job waits
//! in the local queue first, then in the remote one.

pub mod local;
pub mod remote;
mod transport;

use crate::updater::outcome::{Diff, Outcome};
use crate::updater::request::{Queue, Request};
pub use transport::{Transport, Waited};

/// The turns a job holds: in this machine's queue, in the remote's, both
/// or neither.
#[derive(Default)]
pub struct Turns {
    local: Option<local::Turn>,
    remote: Option<remote::Turn>,
}

/// A claimed request: where it waited and what it asks.
pub struct Claimed {
    at: At,
    pub request: Request,
}

impl Claimed {
    /// Whether it waited in the remote's queue, where anyone who can push
    /// to `refs/git-inventory/` can put a request.
    pub fn from_remote(&self) -> bool {
        matches!(self.at, At::Remote(_))
    }

    /// The words that tie its change to the commit, for a request from the
    /// remote queue: its id and the commit it was queued as.
    pub fn stamp(&self) -> Option<String> {
        match &self.at {
            At::Remote(s) => remote::stamp(s),
            At::Local(_) => None,
        }
    }
}

/// Where a claimed request waited.
enum At {
    Local(std::path::PathBuf),
    Remote(remote::Spot),
}

/// Wait for our turn in each queue the request uses, handing our request
/// to the job whose turn it is while we wait.
pub fn wait(r: &Request, url: &str) -> Waited<Turns> {
    let local = match local::wait(r, url) {
        Waited::Answered(o) => return Waited::Answered(o),
        Waited::Ours(t) => t,
    };
    let remote = if r.queue == Queue::Remote {
        match remote::wait(r, url) {
            Waited::Answered(o) => return Waited::Answered(o),
            Waited::Ours(t) => t,
        }
    } else {
        None
    };
    Waited::Ours(Some(Turns { local, remote }))
}

impl Turns {
    /// The waiting requests that can share a commit with `r`: this
    /// machine's first, then the remote's.
    pub fn claim(&self, r: &Request) -> Vec<Claimed> {
        let mut claimed: Vec<Claimed> = Vec::new();
        if let Some(t) = &self.local {
            claimed.extend(t.claim(r).into_iter().map(|(p, request)| Claimed {
                at: At::Local(p),
                request,
            }));
        }
        if let Some(t) = &self.remote {
            claimed.extend(t.claim(r).into_iter().map(|(s, request)| Claimed {
                at: At::Remote(s),
                request,
            }));
        }
        claimed
    }

    /// Take a claimed request's diff texts out of `d` (see
    /// [`Transport::stash_diff`]).
    pub fn stash_diff(&self, c: &Claimed, d: &mut Diff) {
        match (&c.at, &self.local, &self.remote) {
            (At::Local(p), Some(t), _) => t.stash_diff(p, d),
            (At::Remote(s), _, Some(t)) => t.stash_diff(s, d),
            _ => {}
        }
    }

    /// Give claimed requests back to their queues.
    pub fn release(&self, claimed: Vec<Claimed>) {
        let (local, remote) = split(claimed.into_iter().map(|c| (c, ())));
        if let Some(t) = &self.local {
            t.release(local.into_iter().map(|(p, _)| p).collect());
        }
        if let Some(t) = &self.remote {
            t.release(remote.into_iter().map(|(s, _)| s).collect());
        }
    }

    /// Hand each claimed request its outcome, and end our turns.
    pub fn finish(self, answered: Vec<(Claimed, Outcome)>) {
        let (local, remote) = split(answered.into_iter());
        if let Some(t) = self.local {
            t.finish(local);
        }
        if let Some(t) = self.remote {
            t.finish(remote);
        }
    }
}

/// Claimed requests, each with a value, by the queue they came from.
type BySource<T> = (Vec<(std::path::PathBuf, T)>, Vec<(remote::Spot, T)>);

fn split<T>(items: impl Iterator<Item = (Claimed, T)>) -> BySource<T> {
    let (mut local, mut remote) = (Vec::new(), Vec::new());
    for (c, v) in items {
        match c.at {
            At::Local(p) => local.push((p, v)),
            At::Remote(s) => remote.push((s, v)),
        }
    }
    (local, remote)
}
