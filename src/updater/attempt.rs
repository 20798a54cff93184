//! One turn's work: the requests applied to the branch's tip, validated,
//! committed and pushed; when another job pushed first, or the server's
//! hook gave no verdict (out of time, or failed inside), the same
//! (idempotent) change is made again on the new tip, with jittered
//! exponential backoff.

use super::apply::{apply, batch_message, commit_message};
use super::diff::unified_diff;
use super::outcome::{fail, Diff, Outcome};
use super::request::Request;
use super::scope::Scope;
use super::workspace::{epoch_nanos, Cloned};
use crate::config::{self, Resolved};
use crate::diagnostic::new_errors;
use crate::exit::Exit;
use crate::git::{redact, transport, GitError, GitTreeVfs, ObjectId, PushOutcome};
use crate::inventory::loader::{yaml_plugin_accepts, Parsed};
use crate::timer::Timer;
use crate::validate;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a turn ended.
pub enum Turned {
    /// One outcome per request, ours first.
    Done(Vec<Outcome>),
    /// Several requests that together would add a validation error.
    Refused,
    /// A failure that is every request's (a clone, a push).
    Failed(Box<Outcome>),
}

fn failed(o: Outcome) -> Turned {
    Turned::Failed(Box::new(o))
}

/// Where a request's diff texts go once made (see [`super::queue`]).
pub type Stash<'a> = dyn Fn(usize, &mut Diff) + 'a;

/// The words that tie a request's change to the commit that makes it
/// (`<id> <request commit>` for one from the remote queue), if any.
pub type Stamp<'a> = dyn Fn(usize) -> Option<String> + 'a;

/// The name of the commit message's lines that tie each request from the
/// remote queue to the commit: `Git-Inventory-Request: <id> <request
/// commit> <digest of its outcome>`.
pub const REQUEST_LINE: &str = "Git-Inventory-Request:";

/// What the queues ask of a turn for each request: where its diff texts
/// go, and the words that tie its change to the commit.
pub struct Claims<'a> {
    pub stash: &'a Stash<'a>,
    pub stamp: &'a Stamp<'a>,
}

/// Apply `reqs` (ours first, then the claimed ones) to one tree of the
/// clone, validate, commit and push, again on the new tip while other jobs
/// push first (up to the request's retries).
pub fn run_turn(
    r: &Request,
    url: &str,
    timer: &Timer,
    cloned: &Cloned,
    reqs: &[&Request],
    claims: &Claims<'_>,
) -> Turned {
    let mut base = cloned.base;
    let mut last_remote = Vec::new();
    let mut last_why = "other jobs kept pushing first";
    let mut attempts = 0;
    for attempt in 1..=r.retries.saturating_add(1) {
        attempts = attempt;
        let started = Instant::now();
        let ready = match prepare(r, cloned, base, reqs, attempt, claims, timer) {
            Ok(ready) => ready,
            Err(end) => return end,
        };
        if r.dry_run || r.no_push {
            return Turned::Done(not_pushed(r, ready));
        }
        // What the change does to the hosts is worked out while the push
        // (and the server's hook) runs.
        let (pushed, changes) = std::thread::scope(|s| {
            let changes = s.spawn(|| ready.trees.changes());
            let pushed =
                transport::push_branch(&r.ssh(), &cloned.path, url, ready.commit, &cloned.branch);
            (pushed, changes.join().ok())
        });
        timer.lap("push");
        match pushed {
            Err(e) => return failed(fail(Exit::Failure, e.to_string())),
            Ok(PushOutcome::Pushed) => {
                return Turned::Done(pushed_outs(&cloned.branch, ready, changes))
            }
            // No verdict (another job first, the hook out of time or failed
            // inside): again.
            Ok(PushOutcome::Raced { remote }) => {
                last_remote = remote;
                last_why = "other jobs kept pushing first";
            }
            Ok(PushOutcome::HookTimedOut { remote }) => {
                last_remote = remote;
                last_why = "the server's hook kept running out of time";
            }
            Ok(PushOutcome::HookFailed { remote }) => {
                last_remote = remote;
                last_why =
                    "the server's hook kept failing without a verdict (see its remote: lines)";
            }
            Ok(PushOutcome::HookRefused { remote }) => {
                let msg = "the server refused the push (its pre-receive hook declined)";
                return Turned::Done(refused_push(ready, Exit::Violations, msg, remote, attempt));
            }
            Ok(PushOutcome::Failed { stderr, remote }) => {
                let msg = format!("push failed: {stderr}");
                return Turned::Done(refused_push(ready, Exit::Failure, &msg, remote, attempt));
            }
        }
        if attempt > r.retries {
            break;
        }
        std::thread::sleep(backoff(attempt, started.elapsed()));
        base = match new_tip(r, cloned, url) {
            Ok(id) => id,
            Err(e) => return failed(fail(Exit::Failure, e.to_string())),
        };
    }
    let mut o = fail(
        Exit::Failure,
        format!("gave up after {attempts} attempts: {last_why}"),
    );
    o.attempts = attempts;
    o.remote = last_remote;
    failed(o)
}

/// One attempt's change, committed and validated: what is left is to push.
struct Ready {
    commit: ObjectId,
    outs: Vec<Outcome>,
    /// The index and commit message of each request that changed something.
    messages: Vec<(usize, String)>,
    /// The commit's message.
    message: String,
    /// Per request, what its message adds about the file edited (when its
    /// `file` is a symlink), else empty.
    notes: Vec<String>,
    /// The trees before and after the change, for what it does to the
    /// hosts ([`Trees::changes`]).
    trees: Trees,
}

/// The trees of one attempt's change and the configuration laying them out.
struct Trees {
    base: ObjectId,
    commit: ObjectId,
    before: GitTreeVfs,
    after: GitTreeVfs,
    cfg: Resolved,
    /// The models of `after`'s views the validation built in full, for
    /// [`Trees::changes`] to take instead of loading them again.
    built: std::sync::Mutex<Vec<crate::validate::KeptModel>>,
}

impl Trees {
    /// The hosts the change adds, removes and changes, per environment:
    /// the `changes` JSON (`git-inventory changes base..commit`), which the
    /// post-receive hook sends on as its event.
    fn changes(&self) -> serde_json::Value {
        let plan = crate::realize::changes::plan(&self.before, &self.after, &self.cfg);
        let built = std::mem::take(&mut *self.built.lock().unwrap_or_else(|e| e.into_inner()));
        let changes = crate::realize::changes::compare_with(
            &plan,
            &self.before,
            &self.after,
            &self.cfg,
            built,
        );
        crate::realize::event::changes_json(
            &changes,
            Some(&self.base.to_string()),
            &self.commit.to_string(),
        )
    }
}

/// Apply, commit and validate on `base`; `Err` when the turn ends here
/// (nothing to change, a refusal, a failure).
fn prepare(
    r: &Request,
    cloned: &Cloned,
    base: ObjectId,
    reqs: &[&Request],
    attempt: u32,
    claims: &Claims<'_>,
    timer: &Timer,
) -> Result<Ready, Turned> {
    let repo = &cloned.repo;
    let vfs = repo
        .tree(base, yaml_plugin_accepts)
        .map_err(|e| failed(fail(Exit::Failure, e.to_string())))?;
    // Never push what the validator would reject (new errors only).
    let cfg = config::load(&vfs, None)
        .map_err(|e| failed(fail(Exit::Usage, e.to_string())))?
        .resolved;
    // The tree as it was, to validate only what the change touches; the
    // files of the environments the requests do not edit are parsed on
    // the other core while the change is made.
    let before_vfs = vfs.clone();
    let ahead = parse_ahead(&vfs, &cfg, reqs);
    let edited = edit_all(vfs, &cfg, reqs, attempt, claims.stash)?;
    timer.lap("edit");
    let Edited {
        vfs,
        mut outs,
        touched,
        messages,
        notes,
    } = edited;
    if messages.is_empty() {
        return Err(Turned::Done(outs));
    }
    let mut message = if messages.len() == 1 {
        messages[0].1.clone()
    } else {
        batch_message(reqs, &messages)
    };
    let stamps: Vec<String> = messages
        .iter()
        .filter_map(|(k, _)| {
            let tag = (claims.stamp)(*k)?;
            Some(format!("{REQUEST_LINE} {tag} {}", outs[*k].digest()))
        })
        .collect();
    if !stamps.is_empty() {
        message.push_str("\n\n");
        message.push_str(&stamps.join("\n"));
    }
    let commit = repo
        .commit_files(base, &vfs, &touched, &r.author(), &message)
        .map_err(|e| failed(fail(Exit::Failure, e.to_string())))?;
    timer.lap("commit");
    // What is validated is the edited tree the commit was written from (not
    // the commit's tree read back and inflated again). When a file was
    // removed, its directory may be left empty, which git does not keep:
    // then the commit is read back.
    let removed = touched.iter().any(|p| vfs.file_blob(p).is_none());
    let after_vfs = if removed {
        drop(vfs);
        repo.tree(commit, yaml_plugin_accepts)
            .map_err(|e| failed(fail(Exit::Failure, e.to_string())))?
    } else {
        vfs
    };
    let parsed = ahead.and_then(|h| h.join().ok()).unwrap_or_default();
    timer.lap("files parsed ahead");
    let built = crate::validate::KeptModels::default();
    let added_errors = judge(&after_vfs, &before_vfs, &cfg, parsed, &built);
    timer.lap("validate");
    let trees = Trees {
        base,
        commit,
        before: before_vfs,
        after: after_vfs,
        cfg,
        built,
    };
    if !added_errors.is_empty() {
        if messages.len() > 1 {
            return Err(Turned::Refused);
        }
        let k = messages[0].0;
        let mut o = fail(
            Exit::Violations,
            format!(
                "refused: the change would make the inventory invalid ({} new error{})",
                added_errors.len(),
                if added_errors.len() == 1 { "" } else { "s" }
            ),
        );
        o.violations = added_errors;
        o.diff = std::mem::take(&mut outs[k].diff);
        o.attempts = attempt;
        outs[k] = o;
        return Err(if reqs.len() > 1 {
            Turned::Done(outs)
        } else {
            failed(outs.remove(0))
        });
    }
    Ok(Ready {
        commit,
        outs,
        messages,
        message,
        notes,
        trees,
    })
}

/// The tree with every request applied, and what each did.
struct Edited {
    vfs: GitTreeVfs,
    outs: Vec<Outcome>,
    /// The paths the requests wrote or removed.
    touched: BTreeSet<String>,
    messages: Vec<(usize, String)>,
    notes: Vec<String>,
}

/// Each request applied in turn to the tree the ones before it left, to
/// the inventory file its `file` stands for ([`Scope`]). In a batch, a
/// request that cannot be applied fails alone.
fn edit_all(
    mut vfs: GitTreeVfs,
    cfg: &Resolved,
    reqs: &[&Request],
    attempt: u32,
    stash: &Stash<'_>,
) -> Result<Edited, Turned> {
    let batch = reqs.len() > 1;
    let scope = Scope::of(&vfs, cfg);
    let mut outs: Vec<Outcome> = Vec::with_capacity(reqs.len());
    let mut touched = BTreeSet::new();
    let mut messages: Vec<(usize, String)> = Vec::new();
    let mut notes = Vec::with_capacity(reqs.len());
    for (k, q) in reqs.iter().enumerate() {
        notes.push(String::new());
        let file = match scope.target(&vfs, &q.file) {
            Ok(f) => f,
            Err(e) if batch => {
                outs.push(fail(Exit::Usage, format!("--file {e}")));
                continue;
            }
            Err(e) => return Err(failed(fail(Exit::Usage, format!("--file {e}")))),
        };
        if file != q.file {
            notes[k] = format!(" (edited {file}, which {} links to)", q.file);
        }
        let mut a = match apply(q, &vfs, &file) {
            Ok(a) => a,
            Err(e) if batch => {
                outs.push(fail(Exit::Violations, e.0));
                continue;
            }
            Err(e) => return Err(failed(fail(Exit::Violations, e.0))),
        };
        let changed = a.changed();
        if changed {
            messages.push((k, commit_message(q, &a)));
        }
        let mut out = Outcome {
            attempts: attempt,
            hosts_added: std::mem::take(&mut a.added),
            hosts_removed: std::mem::take(&mut a.removed),
            groups_added: std::mem::take(&mut a.groups_added),
            groups_removed: std::mem::take(&mut a.groups_removed),
            warnings: std::mem::take(&mut a.warnings),
            ..Outcome::default()
        };
        out.diff.prepared = unified_diff(&file, &a.before, &a.after);
        if !changed {
            out.message = format!(
                "nothing to change: the inventory already says so{}",
                notes[k]
            );
        } else {
            out.changed = true;
            vfs.put_file(file.clone(), a.after.as_bytes().to_vec());
            touched.insert(file);
            for f in &a.remove_files {
                vfs.remove_file(f);
                touched.insert(f.clone());
            }
            for (f, text) in std::mem::take(&mut a.writes) {
                vfs.put_file(f.clone(), text.into_bytes());
                touched.insert(f);
            }
            for (f, target) in std::mem::take(&mut a.links) {
                vfs.put_link(f.clone(), target);
                touched.insert(f);
            }
        }
        // The texts move into the result (an 11 MB file is not copied).
        out.diff.before = std::mem::take(&mut a.before);
        out.diff.after = std::mem::take(&mut a.after);
        stash(k, &mut out.diff);
        outs.push(out);
    }
    Ok(Edited {
        vfs,
        outs,
        touched,
        messages,
        notes,
    })
}

/// The errors the change adds, as finding lines. Only what the change can
/// have altered is validated (the views loading an edited file, the edited
/// files' own rules; the other environments are loaded for the rules that
/// compare them); the tree before is validated only when the result has
/// errors, to tell new ones from old. The models of the views validated in
/// full are handed to `built`.
fn judge(
    after: &GitTreeVfs,
    before: &GitTreeVfs,
    cfg: &Resolved,
    parsed: Vec<Arc<Parsed>>,
    built: &crate::validate::KeptModels,
) -> Vec<String> {
    let after_rep = validate::plan_change(after, before, cfg, None)
        .with_parsed(parsed)
        .keeping_models(built)
        .run(after, cfg);
    if after_rep.errors() == 0 {
        return Vec::new();
    }
    let before_rep = validate::validate_repo(before, cfg);
    let (new, _) = new_errors(&before_rep.diagnostics, &after_rep.diagnostics);
    new.into_iter().map(|d| d.finding_line()).collect()
}

/// Start parsing, on a thread of its own, the files of the environments of
/// `vfs` that load none of the files the requests edit (see
/// [`validate::parse_ahead`]).
fn parse_ahead(
    vfs: &GitTreeVfs,
    cfg: &Resolved,
    reqs: &[&Request],
) -> Option<std::thread::JoinHandle<Vec<Arc<Parsed>>>> {
    let edited: Vec<String> = reqs
        .iter()
        .filter_map(|q| crate::vfs::resolve(vfs, &q.file).ok().map(|(p, _)| p))
        .collect();
    let (vfs, cfg) = (vfs.clone(), cfg.clone());
    std::thread::Builder::new()
        .spawn(move || validate::parse_ahead(&vfs, &cfg, &edited))
        .ok()
}

/// A dry run or `--no-push` (never batched: they do not take turns).
fn not_pushed(r: &Request, ready: Ready) -> Vec<Outcome> {
    let changes = ready.trees.changes();
    let Ready {
        commit,
        mut outs,
        message,
        notes,
        ..
    } = ready;
    let out = &mut outs[0];
    out.changes = Some(changes);
    let note = notes.first().map_or("", String::as_str);
    if r.dry_run {
        out.message = format!("dry run: would commit \"{message}\"{note}");
    } else {
        out.commit = Some(commit.to_string());
        out.message = format!(
            "committed {} (not pushed): {message}{note}",
            &commit.to_string()[..12]
        );
    }
    outs
}

/// Every request in the pushed commit says so, with what the commit did
/// to the hosts.
fn pushed_outs(branch: &str, ready: Ready, changes: Option<serde_json::Value>) -> Vec<Outcome> {
    let Ready {
        commit,
        mut outs,
        messages,
        notes,
        ..
    } = ready;
    let others = messages.len() - 1;
    for (k, own) in &messages {
        let with = match others {
            0 => String::new(),
            1 => " (one commit with another job's change)".to_string(),
            n => format!(" (one commit with {n} other jobs' changes)"),
        };
        let note = notes.get(*k).map_or("", String::as_str);
        outs[*k].commit = Some(commit.to_string());
        outs[*k].changes = changes.clone();
        outs[*k].message = redact(&format!(
            "pushed {} to {branch}{with}: {own}{note}",
            &commit.to_string()[..12]
        ));
    }
    outs
}

/// Every request in a push the server refused fails with `msg`.
fn refused_push(
    ready: Ready,
    exit: Exit,
    msg: &str,
    remote: Vec<String>,
    attempt: u32,
) -> Vec<Outcome> {
    let Ready {
        mut outs, messages, ..
    } = ready;
    for (k, _) in &messages {
        let mut o = fail(exit, msg);
        o.remote = remote.clone();
        o.attempts = attempt;
        o.diff = std::mem::take(&mut outs[*k].diff);
        outs[*k] = o;
    }
    outs
}

/// The branch's tip after another job pushed: read from the borrowed
/// repository, or fetched.
fn new_tip(r: &Request, cloned: &Cloned, url: &str) -> Result<ObjectId, GitError> {
    if let Some(src) = &cloned.local {
        return transport::branch_tip(src, &cloned.branch);
    }
    transport::fetch_tip(&r.ssh(), &cloned.path, url, &cloned.branch, r.depth)?;
    cloned.repo.fetch_head()
}

/// Jittered exponential backoff that scales with what an attempt costs:
/// when attempts are slow (a big repository, a loaded server), colliding
/// jobs must spread out over at least that long, or they collide forever.
fn backoff(attempt: u32, attempt_cost: Duration) -> Duration {
    let nanos = (epoch_nanos() % 1_000_000_000) as u64;
    let seed = nanos ^ (std::process::id() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let cost = attempt_cost.as_millis().min(60_000) as u64;
    let base =
        (50u64 << attempt.min(5)).max(cost.saturating_mul(1 << attempt.min(3).saturating_sub(1)));
    Duration::from_millis((base / 2 + seed % (base + 1)).min(60_000))
}
