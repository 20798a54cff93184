//! Whether an answer a waiting job finds at `done/<id>` is borne out by
//! the branch. Anyone who can push to `refs/git-inventory/` can write one,
//! so the job believes it only when it is tied to the commit that did the
//! change. That commit must be on the branch: a tip of the branch the job
//! saw while it waited or, for a repository on this machine, an ancestor
//! of the tip (only those who may push to the branch put commits there).
//! And it must hold the job's change, shown one of two ways:
//! - its message ties the request to it: the job whose turn it was writes,
//!   for each queued request it did, `Git-Inventory-Request: <id>
//!   <request commit> <digest of the answer>` (the answer hands the raw
//!   commit along, so no fetch is needed: it is the commit whose id hashes
//!   from it); a request rewritten under the same id, or an answer not the
//!   one that commit's job gave, does not match;
//! - else its tree holds the change: the request applied to it changes
//!   nothing (the commit read from the repository on this machine, or
//!   fetched one commit deep).
//!
//! The result then says what the job can vouch for. Anything else (a
//! failure, a commit it cannot tie to the branch or to the change) is not
//! believed, and the job does its request itself.

use super::scratch::Local;
use crate::git::{message_of_raw_commit, parse_oid, transport, ObjectId, Repo};
use crate::inventory::loader::yaml_plugin_accepts;
use crate::updater::apply::{apply, commit_message, Applied};
use crate::updater::attempt::REQUEST_LINE;
use crate::updater::outcome::Outcome;
use crate::updater::request::Request;
use std::collections::HashSet;

/// How far back from the tip an answer's commit is looked for, in a
/// repository on this machine.
const ANCESTRY: usize = 10_000;

/// The branch tips a waiting job saw, newest last (a few hundred at most).
#[derive(Default)]
pub(super) struct Tips(Vec<String>);

impl Tips {
    pub(super) fn saw(&mut self, tip: Option<&String>) {
        if let Some(t) = tip {
            if self.0.last() != Some(t) {
                if self.0.len() >= 512 {
                    self.0.remove(0);
                }
                self.0.push(t.clone());
            }
        }
    }

    fn latest(&self) -> Option<&str> {
        self.0.last().map(String::as_str)
    }

    fn seen(&self, c: &str) -> bool {
        self.0.iter().any(|t| t == c)
    }
}

/// The ref a waiting job watches for the branch's tip.
pub(super) fn branch_ref(r: &Request) -> String {
    match &r.branch {
        Some(b) => format!("refs/heads/{b}"),
        None => "HEAD".to_string(),
    }
}

/// Our request as it waits: its id and the commit it was queued as.
pub(super) struct Mine<'a> {
    pub(super) id: &'a str,
    pub(super) req: &'a str,
}

/// The outcome to report for the answer `o` to our request `r`, when the
/// branch bears it out; `None` when it does not.
pub(super) fn verified(
    r: &Request,
    o: &Outcome,
    local: &Local,
    tips: &Tips,
    mine: &Mine<'_>,
) -> Option<Outcome> {
    if o.failed || o.exit != crate::exit::Exit::Ok {
        return None;
    }
    let latest = tips.latest()?;
    let commit = if o.changed {
        o.commit.as_deref()?
    } else {
        latest
    };
    let c = parse_oid(commit).ok()?;
    let here = local
        .url
        .strip_prefix("file://")
        .and_then(transport::local_source);
    let seen = tips.seen(commit);
    if seen && o.changed {
        let raw = o.commit_object.as_deref().map(str::as_bytes);
        if raw
            .and_then(|raw| message_of_raw_commit(raw, c))
            .is_some_and(|m| stamped(&m, mine, o))
        {
            return Some(truthful(r, o, commit, None));
        }
    }
    let repo = match &here {
        // On this machine: read the repository itself.
        Some(path) => {
            let repo = Repo::open(path).ok()?;
            let tip = parse_oid(latest).ok()?;
            if !seen && repo.is_ancestor(c, tip, ANCESTRY) != Some(true) {
                return None;
            }
            repo
        }
        // Elsewhere: the commit must be a tip we saw; it is fetched.
        None => {
            if !seen || !local.refs().fetch_commit(commit, "refs/checked") {
                return None;
            }
            Repo::open(local.path()).ok()?
        }
    };
    let message = repo
        .raw_commit(c)
        .and_then(|raw| message_of_raw_commit(&raw, c));
    if o.changed && message.is_some_and(|m| stamped(&m, mine, o)) {
        return Some(truthful(r, o, commit, None));
    }
    let text = holds_change(r, &repo, c)?;
    Some(truthful(r, o, commit, Some(&text)))
}

/// Whether the commit message `m` ties our request to its commit with the
/// answer `o`.
fn stamped(m: &[u8], mine: &Mine<'_>, o: &Outcome) -> bool {
    let want = format!("{REQUEST_LINE} {} {} {}", mine.id, mine.req, o.digest());
    String::from_utf8_lossy(m)
        .lines()
        .any(|l| l.trim_end() == want)
}

/// Whether commit `c`'s tree holds the change of `r` (applying it there
/// changes nothing): then the file's text there.
fn holds_change(r: &Request, repo: &Repo, c: ObjectId) -> Option<String> {
    let structure = repo.tree_reading(c, yaml_plugin_accepts, &|_| false).ok()?;
    let phys = crate::vfs::resolve(&structure, &r.file)
        .ok()
        .map(|(p, _)| p)
        .unwrap_or_else(|| r.file.clone());
    let tree = repo
        .tree_reading(c, yaml_plugin_accepts, &|p| p == phys)
        .ok()?;
    let a = apply(r, &tree, &phys).ok()?;
    (!a.changed()).then_some(a.after)
}

/// The answer, keeping only what the job can vouch for: its own hosts and
/// groups among those named, the commit it checked, its own commit message,
/// and the diff when the commit vouches for it (`text` is `None`: the
/// digest in its message covers it) or every line it adds is in the file's
/// `text`.
fn truthful(r: &Request, o: &Outcome, commit: &str, text: Option<&str>) -> Outcome {
    let hosts: HashSet<&str> = r.hosts.iter().map(|h| h.name.as_str()).collect();
    let groups: HashSet<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    let mine = |v: &[String], of: &HashSet<&str>| -> Vec<String> {
        v.iter()
            .filter(|x| of.contains(x.as_str()))
            .cloned()
            .collect()
    };
    let mut out = Outcome {
        changed: o.changed,
        attempts: o.attempts,
        hosts_added: mine(&o.hosts_added, &hosts),
        hosts_removed: mine(&o.hosts_removed, &hosts),
        groups_added: mine(&o.groups_added, &groups),
        groups_removed: mine(&o.groups_removed, &groups),
        ..Outcome::default()
    };
    if !o.changed {
        out.message = "nothing to change: the inventory already says so".into();
        return out;
    }
    let did = Applied {
        before: String::new(),
        after: String::new(),
        added: out.hosts_added.clone(),
        removed: out.hosts_removed.clone(),
        groups_added: out.groups_added.clone(),
        groups_removed: out.groups_removed.clone(),
        remove_files: Vec::new(),
        writes: Vec::new(),
        links: Vec::new(),
        warnings: Vec::new(),
    };
    let own = commit_message(r, &did);
    let short = &commit[..commit.len().min(12)];
    out.commit = Some(commit.to_string());
    out.message = crate::git::redact(&format!(
        "pushed {short} to {}{}: {own}",
        branch_named(r, &o.message, short),
        with_others(&o.message)
    ));
    if text.is_none_or(|t| diff_in(&o.diff.prepared, &r.file, t)) {
        out.diff.prepared = o.diff.prepared.clone();
    }
    out
}

/// The branch the answer's message names (`pushed <c> to <branch>...`),
/// when the request names none and it is a valid branch name.
fn branch_named(r: &Request, message: &str, short: &str) -> String {
    if let Some(b) = &r.branch {
        return b.clone();
    }
    message
        .strip_prefix(&format!("pushed {short} to "))
        .and_then(|rest| rest.split([' ', ':']).next())
        .filter(|b| {
            !b.is_empty()
                && b.len() <= 255
                && b.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-_./".contains(&c))
                && !b.contains("..")
        })
        .unwrap_or("the default branch")
        .to_string()
}

/// How many other jobs' changes the answer says the commit carries, in
/// the words of a batch's answer; nothing for any other text.
fn with_others(message: &str) -> String {
    let one = " (one commit with another job's change)";
    if message.contains(one) {
        return one.to_string();
    }
    let n = message
        .split_once(" (one commit with ")
        .and_then(|(_, rest)| rest.split_once(" other jobs' changes)"))
        .and_then(|(n, _)| n.parse::<u32>().ok());
    match n {
        Some(n) if n >= 2 => format!(" (one commit with {n} other jobs' changes)"),
        _ => String::new(),
    }
}

/// Whether `diff` is a diff of `file` whose added lines are all in `text`.
fn diff_in(diff: &str, file: &str, text: &str) -> bool {
    let lines: HashSet<&str> = text.lines().collect();
    let mut header = diff.lines();
    let names_file = header.next() == Some(&format!("--- a/{file}"))
        && header.next() == Some(&format!("+++ b/{file}"));
    names_file
        && diff
            .lines()
            .skip(2)
            .filter_map(|l| l.strip_prefix('+'))
            .all(|l| lines.contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_batch_answer_s_own_words_are_kept() {
        assert_eq!(
            with_others("pushed abc to main (one commit with 5 other jobs' changes): x"),
            " (one commit with 5 other jobs' changes)"
        );
        assert_eq!(
            with_others("pushed abc to main (one commit with another job's change): x"),
            " (one commit with another job's change)"
        );
        assert_eq!(with_others("pushed abc to main: remove pweb01"), "");
        assert_eq!(
            with_others("(one commit with lots other jobs' changes)"),
            ""
        );
    }

    #[test]
    fn a_commit_ties_a_request_only_to_the_answer_its_job_gave() {
        let mut o = Outcome {
            changed: true,
            hosts_added: vec!["h1.dettonville.int".into()],
            ..Outcome::default()
        };
        o.diff.prepared = "--- a/f.yml\n+++ b/f.yml\n+    h1.dettonville.int:\n".into();
        let mine = Mine {
            id: "18d2-1-host",
            req: "abc",
        };
        let m = format!(
            "OPS-1 - git-inventory: 2 changes\n\n{REQUEST_LINE} 18d2-1-host abc {}\n",
            o.digest()
        );
        assert!(stamped(m.as_bytes(), &mine, &o));
        let mut forged = o.clone();
        forged.hosts_added.push("h2.dettonville.int".into());
        assert!(!stamped(m.as_bytes(), &mine, &forged));
        forged = o.clone();
        forged.diff.prepared.push_str("+    evil:\n");
        assert!(!stamped(m.as_bytes(), &mine, &forged));
        let rewritten = Mine {
            id: "18d2-1-host",
            req: "abd",
        };
        assert!(!stamped(m.as_bytes(), &rewritten, &o));
    }

    #[test]
    fn a_diff_is_kept_only_when_its_lines_are_in_the_file() {
        let text = "all:\n  hosts:\n    a:\n    b:\n";
        let diff =
            "--- a/h.yml\n+++ b/h.yml\n@@ -1,3 +1,4 @@\n all:\n   hosts:\n     a:\n+    b:\n";
        assert!(diff_in(diff, "h.yml", text));
        assert!(!diff_in(diff, "other.yml", text));
        let forged = diff.replace("+    b:", "+    evil:");
        assert!(!diff_in(&forged, "h.yml", text));
    }
}
