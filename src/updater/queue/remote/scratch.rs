//! The small bare repository a job writes its request, turn and answers
//! in and talks to the remote from, and the ids of queued requests.

use super::{DONE, QUEUE};
use crate::git::{parse_oid, transport::Refs, Repo, Ssh};
use crate::updater::outcome::{Answer, Outcome};
use crate::updater::request::{queued_limits, Request};
use crate::updater::workspace::{epoch_nanos, TempDir};
use std::collections::HashMap;
use std::path::Path;

/// A job's scratch repository (a few tiny commits), removed with it.
pub(super) struct Local {
    dir: TempDir,
    pub(super) repo: Repo,
    pub(super) url: String,
    /// The job's request: its author, key and ssh options.
    pub(super) req: Request,
    pub(super) ssh: Ssh,
}

impl Local {
    pub(super) fn new(r: &Request, url: &str) -> Option<Local> {
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

    pub(super) fn path(&self) -> &Path {
        &self.dir.0
    }

    pub(super) fn refs(&self) -> Refs<'_> {
        Refs {
            ssh: &self.ssh,
            from: &self.dir.0,
            url: &self.url,
        }
    }

    /// A commit of the empty tree carrying `message`.
    pub(super) fn commit(&self, message: &str) -> Option<String> {
        self.repo
            .commit_note(&self.req.author(), message)
            .ok()
            .map(|id| id.to_string())
    }

    pub(super) fn push(
        &self,
        atomic: bool,
        leases: &[String],
        specs: &[String],
    ) -> Option<Vec<String>> {
        self.refs().push(atomic, leases, specs)
    }

    pub(super) fn ls_remote(&self, refs: &[&str]) -> Option<HashMap<String, String>> {
        self.refs().ls_remote(refs)
    }

    pub(super) fn fetch(&self, refspecs: &[&str]) -> bool {
        self.refs().fetch(refspecs)
    }

    /// The message of the commit `oid` (fetched before), when it is at
    /// most `limit` bytes.
    pub(super) fn message_of(&self, oid: &str, limit: usize) -> Option<Vec<u8>> {
        let (bytes, _) = self.repo.commit_message(parse_oid(oid).ok()?)?;
        (bytes.len() <= limit).then_some(bytes)
    }

    /// Whether the object `oid` (hex) is here.
    pub(super) fn has(&self, oid: &str) -> bool {
        parse_oid(oid).is_ok_and(|id| self.repo.has(id))
    }

    /// Fetch and read the answer at `done` (the commit `oid`), then delete
    /// it in the remote (under a lease): read once, whether it is believed
    /// or not.
    pub(super) fn answer(&self, done: &str, oid: &str) -> Option<Outcome> {
        parse_oid(oid).ok()?;
        let fetched = self.fetch(&[&format!("+{done}:refs/answer")]);
        let _ = self.push(false, &[format!("{done}:{oid}")], &[format!(":{done}")]);
        if !fetched {
            return None;
        }
        let bytes = self.message_of(oid, queued_limits::REQUEST_BYTES)?;
        let a: Answer = serde_json::from_slice(&bytes).ok()?;
        Some(a.into_outcome())
    }
}

/// A name no other job uses, on any machine: the time, our process id and
/// the machine's name (`<hex nanoseconds>-<pid>-<host>`).
pub(super) fn unique_id() -> String {
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

/// When the job whose id is `id` queued (nanoseconds since the epoch), if
/// `id` is one [`unique_id`] makes; `None` for any other name.
pub(super) fn queued_at(id: &str) -> Option<u128> {
    let mut parts = id.splitn(3, '-');
    let (time, pid, host) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = !time.is_empty()
        && time.len() <= 32
        && time.bytes().all(|b| b.is_ascii_hexdigit())
        && !pid.is_empty()
        && pid.len() <= 10
        && pid.bytes().all(|b| b.is_ascii_digit())
        && host.len() <= 40
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return None;
    }
    u128::from_str_radix(time, 16).ok()
}

/// The full names of our request's ref and answer's ref for `id`.
pub(super) fn names(id: &str) -> (String, String) {
    (format!("{QUEUE}{id}"), format!("{DONE}{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_told_from_other_names() {
        let id = unique_id();
        assert!(queued_at(&id).is_some(), "{id}");
        assert_eq!(
            queued_at("18d2f1e0c0a00000-4242-gone"),
            Some(0x18d2f1e0c0a00000)
        );
        for junk in ["bad", "x-1-h", "18d2-x-h", "18d2-1-h/..", "18d2-1-a b", ""] {
            assert_eq!(queued_at(junk), None, "{junk}");
        }
    }
}
