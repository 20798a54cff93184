//! What the job whose turn it is finds under `refs/git-inventory/`: the
//! requests it may claim (oldest first, at most [`MAX_CLAIMED`]) and the
//! refs it sweeps once it has given the turn back: names no job makes,
//! requests older than a job waits (their job went on alone or died: they
//! are not done), answers nobody came for, and requests that are not one.
//!
//! Deleting refs costs `git push` time in proportion to the deletions
//! times all the refs the remote has (it matches each refspec against
//! every ref): 500 deletions among 3,000 refs take about a second. So a
//! turn sweeps in chunks for at most [`SWEEP_TIME`]; thousands of junk refs
//! go over a few turns, each slowed by that much at most.

use super::scratch::{queued_at, Local};
use super::{Spot, ANSWER_KEPT, DONE, GIVE_UP, QUEUE, TURN};
use crate::updater::request::{queued_limits, Request};
use crate::updater::workspace::epoch_nanos;
use std::time::Duration;

/// The most requests one turn claims: a turn's work stays bounded however
/// many requests are queued; the others wait for the next turn.
pub(super) const MAX_CLAIMED: usize = 64;

/// The most refs one turn lists for sweeping.
pub(super) const MAX_SWEPT: usize = 4096;

/// Refs deleted by one push.
const SWEEP_CHUNK: usize = 100;

/// How long a turn spends sweeping, at most (after a chunk has begun, it
/// ends): the rest goes in later turns.
pub(super) const SWEEP_TIME: Duration = Duration::from_secs(1);

/// How far ahead of this machine's clock a request's time may be (clocks
/// of machines apart): later than that, the name is not a job's.
const AHEAD: Duration = Duration::from_secs(600);

/// The refs under `refs/git-inventory/`, sorted for a turn.
#[derive(Default)]
pub(super) struct Listing {
    /// Requests to claim, oldest first (at most [`MAX_CLAIMED`]).
    pub(super) requests: Vec<Spot>,
    /// Refs to delete (at most [`MAX_SWEPT`]).
    pub(super) sweep: Vec<Spot>,
    /// Requests left for later turns (past [`MAX_CLAIMED`]).
    pub(super) later: usize,
}

/// What a turn leaves to sweep when it has given the turn back.
#[derive(Default)]
pub(super) struct Sweep {
    pub(super) spots: Vec<Spot>,
    /// The requests that were queued and still wait for a turn (listed but
    /// not claimed): while there are any, the queue is not pruned.
    pub(super) waiting: Vec<String>,
}

/// Sort the remote's refs (`(full name, value)`) for the turn of the job
/// whose request is `own`, at `now` (nanoseconds since the epoch).
pub(super) fn sort(refs: Vec<(String, String)>, own: &str, now: u128) -> Listing {
    let stale = now.saturating_sub((GIVE_UP + Duration::from_secs(60)).as_nanos());
    let unread = now.saturating_sub(ANSWER_KEPT.as_nanos());
    let ahead = now.saturating_add(AHEAD.as_nanos());
    let mut requests: Vec<(u128, Spot)> = Vec::new();
    let mut sweep = Vec::new();
    for (name, oid) in refs {
        if name == TURN || name == own {
            continue;
        }
        let spot = Spot {
            name: name.clone(),
            oid,
        };
        let (queued, is_request) = if let Some(id) = name.strip_prefix(QUEUE) {
            (queued_at(id), true)
        } else if let Some(id) = name.strip_prefix(DONE) {
            (queued_at(id), false)
        } else {
            (None, false)
        };
        match queued {
            Some(t) if t > ahead => sweep.push(spot),
            Some(t) if is_request && t >= stale => requests.push((t, spot)),
            Some(t) if !is_request && t >= unread => {}
            _ => sweep.push(spot),
        }
    }
    requests.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    let later = requests.len().saturating_sub(MAX_CLAIMED);
    requests.truncate(MAX_CLAIMED);
    sweep.truncate(MAX_SWEPT);
    Listing {
        requests: requests.into_iter().map(|(_, s)| s).collect(),
        sweep,
        later,
    }
}

/// List the remote's refs for our turn and fetch the requests to claim:
/// each request that reads as one, with its spot, and the refs to sweep
/// (with those that hold no request: not a commit, too big, not a
/// request's JSON).
pub(super) fn claim(local: &Local, own: &str) -> (Vec<(Spot, Request)>, Sweep) {
    let Some(refs) = local.refs().ls_remote_under("refs/git-inventory/") else {
        return (Vec::new(), Sweep::default());
    };
    let Listing {
        requests,
        mut sweep,
        later,
    } = sort(refs, own, epoch_nanos());
    let specs: Vec<String> = requests
        .iter()
        .map(|s| {
            format!(
                "+{}:refs/queue/{}",
                s.name,
                s.name.trim_start_matches(QUEUE)
            )
        })
        .collect();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    // One fetch; when it fails (a request withdrawn since it was listed
    // fails the whole fetch), one per request.
    if !specs.is_empty() && !local.fetch(&specs) {
        for spec in &specs {
            local.fetch(&[spec]);
        }
    }
    let mut got = Vec::new();
    for spot in requests {
        let read = local
            .message_of(&spot.oid, queued_limits::REQUEST_BYTES)
            .and_then(|m| serde_json::from_slice::<Request>(&m).ok());
        match read {
            Some(q) => got.push((spot, q)),
            None if local.has(&spot.oid) => sweep.push(spot),
            // Moved since it was listed: left for the next turn.
            None => {}
        }
    }
    // Requests past the claim cap still wait: a name that cannot be in
    // `waiting` keeps the queue from being pruned.
    let waiting = if later > 0 {
        vec![String::new()]
    } else {
        Vec::new()
    };
    (
        got,
        Sweep {
            spots: sweep,
            waiting,
        },
    )
}

/// Delete what `sweep` lists. When no request waits in the queue any more
/// (every one listed was claimed, and done or answered), the queue's refs
/// are pruned in one push: any that came since belong to jobs still
/// waiting, which then take the turn and do their request themselves.
/// The rest go a chunk per push, for at most [`SWEEP_TIME`]. No lease: no
/// job writes a ref again once it is one to sweep (ids are unique and
/// carry their time), and a lease per ref would cost as much again.
pub(super) fn delete(local: &Local, sweep: Sweep) {
    let in_queue = |s: &Spot| s.name.starts_with(QUEUE);
    let many = sweep.spots.iter().filter(|s| in_queue(s)).count() > SWEEP_CHUNK;
    let pruned = many && sweep.waiting.is_empty() && local.refs().prune(QUEUE);
    let spots: Vec<&Spot> = sweep
        .spots
        .iter()
        .filter(|s| !(pruned && in_queue(s)))
        .collect();
    let started = std::time::Instant::now();
    for chunk in spots.chunks(SWEEP_CHUNK) {
        if started.elapsed() >= SWEEP_TIME {
            break;
        }
        let specs: Vec<String> = chunk.iter().map(|s| format!(":{}", s.name)).collect();
        let _ = local.push(false, &[], &specs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OID: &str = "0123456789012345678901234567890123456789";

    fn names(spots: &[Spot]) -> Vec<&str> {
        spots.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn requests_oldest_first_junk_and_stale_swept() {
        let now: u128 = 0x1900_0000_0000_0000;
        let s = Duration::from_secs(1).as_nanos();
        let id = |t: u128| format!("{t:x}-42-host");
        let refs = vec![
            (format!("{QUEUE}{}", id(now - 2 * s)), OID.into()),
            (format!("{QUEUE}{}", id(now - 5 * s)), OID.into()),
            (format!("{QUEUE}{}", id(now - 1000 * s)), OID.into()),
            (format!("{QUEUE}{}", id(now + 3600 * s)), OID.into()),
            (format!("{QUEUE}junk"), OID.into()),
            (format!("{QUEUE}{}", id(now)), OID.into()),
            (format!("{DONE}{}", id(now - 700 * s)), OID.into()),
            (format!("{DONE}{}", id(now - 7 * s)), OID.into()),
            ("refs/git-inventory/other".into(), OID.into()),
            (TURN.into(), OID.into()),
        ];
        let own = format!("{QUEUE}{}", id(now));
        let l = sort(refs, &own, now);
        assert_eq!(
            names(&l.requests),
            vec![
                format!("{QUEUE}{}", id(now - 5 * s)),
                format!("{QUEUE}{}", id(now - 2 * s))
            ]
        );
        let mut swept = names(&l.sweep);
        swept.sort();
        let mut want = vec![
            format!("{QUEUE}{}", id(now - 1000 * s)),
            format!("{QUEUE}{}", id(now + 3600 * s)),
            format!("{QUEUE}junk"),
            format!("{DONE}{}", id(now - 700 * s)),
            "refs/git-inventory/other".to_string(),
        ];
        want.sort();
        assert_eq!(swept, want);
    }

    #[test]
    fn claims_and_sweeps_are_bounded() {
        let now: u128 = 0x1900_0000_0000_0000;
        let refs: Vec<(String, String)> = (0..5000)
            .map(|i| (format!("{QUEUE}{:x}-{i}-h", now - i), OID.to_string()))
            .chain((0..5000).map(|i| (format!("{QUEUE}junk{i}"), OID.to_string())))
            .collect();
        let l = sort(refs, "", now);
        assert_eq!(l.requests.len(), MAX_CLAIMED);
        assert_eq!(l.sweep.len(), MAX_SWEPT);
        assert_eq!(
            l.requests[0].name,
            format!("{QUEUE}{:x}-4999-h", now - 4999)
        );
    }
}
