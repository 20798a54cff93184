//! `git-inventory update`: enroll or decommission hosts in an inventory
//! repository with one call, safe under concurrent jobs.
//!
//! Flow: a shallow single-branch bare clone (no checkout; for a repository
//! named by a local path, a bare repository borrowing its objects instead,
//! see `borrow_clone`); the file's text is
//! edited in memory with minimal diffs ([`edit`]); the new blob, tree and
//! commit are written with gix; the resulting tree is validated with the same
//! rules as the hook (a change that adds an error is refused); then
//! `git push --porcelain --atomic`. When another job pushed first
//! (non-fast-forward), we fetch the new tip (or read it, borrowing), re-apply the same idempotent
//! change and push again, with jittered exponential backoff. Jobs on one
//! machine updating one local repository take turns, and the job whose turn
//! it is also does the requests of the jobs waiting for theirs, in one
//! commit ([`turns`]).

pub mod edit;
pub mod params;
pub mod remote_turns;
pub mod turns;

use crate::config::{Config, Resolved};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate;
use crate::vfs::{self, GitTreeVfs};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `present`/`merge`, `overwrite` or `absent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    #[value(alias = "present")]
    #[serde(alias = "present")]
    Merge,
    Overwrite,
    Absent,
}

/// One host to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostChange {
    pub name: String,
    pub groups: Vec<String>,
    pub vars: Vec<(String, Value)>,
}

/// One group to create (with parents, children, vars) or remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    pub name: String,
    pub parents: Vec<String>,
    pub children: Vec<String>,
    pub vars: Vec<(String, Value)>,
}

/// Everything one update needs (JSON when handed to the job whose turn it
/// is, see [`turns`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub repo: String,
    pub branch: Option<String>,
    pub file: String,
    pub hosts: Vec<HostChange>,
    pub groups: Vec<GroupChange>,
    pub state: State,
    pub message_prefix: Option<String>,
    pub message_body: Option<String>,
    pub ssh_key: Option<PathBuf>,
    pub accept_hostkey: bool,
    pub ssh_opts: Option<String>,
    pub author_name: String,
    pub author_email: String,
    pub dry_run: bool,
    pub no_push: bool,
    pub retries: u32,
    /// Clone and fetch only this many commits; `None`: the branch's history.
    pub depth: Option<std::num::NonZeroU32>,
    /// Keep the clone here and fetch into it on the next run.
    pub workdir: Option<PathBuf>,
    /// Show clone progress (the CLI sets it for a terminal, never for JSON).
    pub progress: bool,
    /// How jobs updating the same repository at once take turns.
    #[serde(default)]
    pub queue: Queue,
}

impl Request {
    /// Whether `other` can go into the same commit as this request (the
    /// same branch and author): what a job whose turn it is claims.
    pub fn shares_commit_with(&self, other: &Request) -> bool {
        self.branch == other.branch
            && self.author_name == other.author_name
            && self.author_email == other.author_email
    }
}

/// How concurrent jobs take turns ([`turns`], [`remote_turns`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    /// Jobs of one machine only, through its temporary directory: nothing
    /// is written to the remote but the branch.
    #[default]
    Local,
    /// Jobs of one machine, then machines through refs in the remote
    /// (`refs/git-inventory/`). Opt-in: the job whose turn it is commits
    /// the queued requests with its own credentials, so anyone who can push
    /// to those refs can have a change made to the branch (the hook still
    /// validates it). Use it where whoever can push to the repository may
    /// change the inventory.
    Remote,
    /// No turns: every job clones, pushes, and retries when it lost a race.
    Off,
}

/// The result, shaped like an Ansible module's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Outcome {
    pub changed: bool,
    pub failed: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    pub commit: Option<String>,
    pub attempts: u32,
    pub hosts_added: Vec<String>,
    pub hosts_removed: Vec<String>,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    pub diff: Diff,
    /// Validation findings that refused the change (file:line:col: CODE message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    /// `remote:` lines of a rejected push.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote: Vec<String>,
    #[serde(skip)]
    pub exit: u8,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Diff {
    pub before: String,
    pub after: String,
    pub prepared: String,
}

/// `scheme://user:secret@host/...` -> `scheme://user:***@host/...`, anywhere
/// in a text: credentials never reach output, logs or commit messages.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                let user = userinfo.split(':').next().unwrap_or("");
                if userinfo.contains(':') {
                    out.push_str(&format!("{user}:***{}", &authority[at..]));
                } else {
                    out.push_str(authority);
                }
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn fail(exit: u8, msg: impl Into<String>) -> Outcome {
    let msg = redact(&msg.into());
    Outcome {
        failed: true,
        exit,
        message: msg.clone(),
        msg: Some(msg),
        ..Outcome::default()
    }
}

/// Validate what we were asked before touching anything.
fn check_request(r: &Request) -> Result<(), String> {
    let f = &r.file;
    if f.is_empty()
        || f.starts_with('/')
        || f.contains('\\')
        || vfs::normalize(f).as_deref() != Some(f.as_str())
    {
        return Err(format!(
            "--file `{f}` must be a relative path inside the repository (no `..`)"
        ));
    }
    if r.hosts.is_empty() && r.groups.is_empty() {
        return Err("no host or group given (--host, --hosts, host_list or group_list)".into());
    }
    for g in &r.groups {
        for name in std::iter::once(&g.name)
            .chain(&g.parents)
            .chain(&g.children)
        {
            if !crate::rules::group_name_ok(name) {
                return Err(format!("group `{name}` is not a valid group name"));
            }
        }
    }
    for h in &r.hosts {
        edit::check_host_name(&h.name).map_err(|e| e.0)?;
        for g in &h.groups {
            if g.is_empty() || !crate::rules::group_name_ok(g) {
                return Err(format!("group `{g}` is not a valid group name"));
            }
        }
        if r.state != State::Absent && h.groups.is_empty() {
            return Err(format!(
                "host `{}`: give at least one group to add it to",
                h.name
            ));
        }
    }
    if let Some(k) = &r.ssh_key {
        check_key_file(k)?;
    }
    Ok(())
}

fn check_key_file(k: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(k).map_err(|e| format!("ssh key {}: {e}", k.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "ssh key {} is readable by others (mode {:o}): ssh would refuse it; chmod 600 it",
                k.display(),
                meta.permissions().mode() & 0o777
            ));
        }
    }
    let _ = meta;
    Ok(())
}

fn ssh_command(r: &Request) -> Option<String> {
    let key = r.ssh_key.as_ref()?;
    let mut c = format!(
        "ssh -i '{}' -o IdentitiesOnly=yes -o BatchMode=yes",
        key.display().to_string().replace('\'', "'\\''")
    );
    if r.accept_hostkey {
        c.push_str(" -o StrictHostKeyChecking=accept-new");
    }
    if let Some(o) = &r.ssh_opts {
        c.push(' ');
        c.push_str(o);
    }
    Some(c)
}

/// Run git with our environment; (success, stdout, stderr).
fn git(r: &Request, cwd: &Path, args: &[&str]) -> Result<(bool, String, String), String> {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(cwd)
        .env("GIT_TERMINAL_PROMPT", "0");
    if let Some(s) = ssh_command(r) {
        c.env("GIT_SSH_COMMAND", s);
    }
    let o = c.output().map_err(|e| format!("cannot run git: {e}"))?;
    Ok((
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    ))
}

/// Nanoseconds since the epoch (0 if the clock is before it): names no
/// other job uses, and jitter.
fn epoch_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn temp_dir() -> PathBuf {
    let nanos = epoch_nanos();
    std::env::temp_dir().join(format!(
        "git-inventory-update-{}-{nanos}",
        std::process::id()
    ))
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one application of the change produced.
struct Applied {
    before: String,
    after: String,
    added: Vec<String>,
    removed: Vec<String>,
    groups_added: Vec<String>,
    groups_removed: Vec<String>,
    remove_files: Vec<String>,
}

fn host_vars_files(vfs: &GitTreeVfs, file: &str, host: &str) -> Vec<String> {
    let dir = match file.rfind('/') {
        Some(i) => &file[..i],
        None => "",
    };
    let base = if dir.is_empty() {
        "host_vars".to_string()
    } else {
        format!("{dir}/host_vars")
    };
    ["", ".yml", ".yaml", ".json"]
        .iter()
        .map(|ext| format!("{base}/{host}{ext}"))
        .filter(|p| vfs::kind(vfs, p) != vfs::Raw::Missing)
        .collect()
}

/// Apply the request's change to the file's text at a commit.
fn apply(r: &Request, vfs: &GitTreeVfs) -> Result<Applied, String> {
    let before = match vfs::read(vfs, &r.file) {
        Ok(b) => String::from_utf8(b).map_err(|_| format!("{} is not UTF-8", r.file))?,
        Err(_) if r.state != State::Absent => String::new(),
        Err(e) => return Err(format!("{}: {e}", r.file)),
    };
    let mut text = before.clone();
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut remove_files = Vec::new();
    let mut groups_added = Vec::new();
    let mut groups_removed = Vec::new();
    for g in &r.groups {
        let before_g = text.clone();
        if r.state == State::Absent {
            if let Some(t) = edit::remove_group(&text, &g.name).map_err(|e| e.0)? {
                text = t;
            }
        } else {
            let parents: Vec<&str> = if g.parents.is_empty() {
                vec!["all"]
            } else {
                g.parents.iter().map(String::as_str).collect()
            };
            for p in parents {
                if let Some(t) =
                    edit::ensure_entry(&text, p, &g.name, edit::Entry::Child).map_err(|e| e.0)?
                {
                    text = t;
                }
            }
            for c in &g.children {
                if let Some(t) =
                    edit::ensure_entry(&text, &g.name, c, edit::Entry::Child).map_err(|e| e.0)?
                {
                    text = t;
                }
            }
            for (k, v) in &g.vars {
                if let Some(t) =
                    edit::ensure_entry(&text, &g.name, k, edit::Entry::Var(v)).map_err(|e| e.0)?
                {
                    text = t;
                }
            }
        }
        if text != before_g {
            if r.state == State::Absent {
                groups_removed.push(g.name.clone());
            } else {
                groups_added.push(g.name.clone());
            }
        }
    }
    for h in &r.hosts {
        match r.state {
            State::Absent => {
                let groups = (!h.groups.is_empty()).then_some(h.groups.as_slice());
                let (out, from) = edit::remove_host(&text, &h.name, groups).map_err(|e| e.0)?;
                if let Some(t) = out {
                    text = t;
                    removed.push(h.name.clone());
                }
                if groups.is_none() {
                    let files = host_vars_files(vfs, &r.file, &h.name);
                    if !files.is_empty() && !removed.contains(&h.name) {
                        removed.push(h.name.clone());
                    }
                    remove_files.extend(files);
                }
                let _ = from;
            }
            State::Merge | State::Overwrite => {
                if r.state == State::Overwrite {
                    let others: Vec<String> = {
                        let (_, from) = edit::remove_host(&text, &h.name, None).map_err(|e| e.0)?;
                        from.into_iter().filter(|g| !h.groups.contains(g)).collect()
                    };
                    if !others.is_empty() {
                        if let (Some(t), _) =
                            edit::remove_host(&text, &h.name, Some(&others)).map_err(|e| e.0)?
                        {
                            text = t;
                        }
                    }
                }
                let mut changed_here = false;
                for (i, g) in h.groups.iter().enumerate() {
                    let vars: &[(String, Value)] = if i == 0 { &h.vars } else { &[] };
                    if let Some(t) = edit::add_host(&text, g, &h.name, vars).map_err(|e| e.0)? {
                        text = t;
                        changed_here = true;
                    }
                }
                if changed_here {
                    added.push(h.name.clone());
                }
            }
        }
    }
    Ok(Applied {
        before,
        after: text,
        added,
        removed,
        groups_added,
        groups_removed,
        remove_files,
    })
}

fn summary(r: &Request, a: &Applied) -> String {
    let names = |v: &[String]| {
        if v.len() <= 3 {
            v.join(", ")
        } else {
            format!("{} hosts", v.len())
        }
    };
    let groups: Vec<String> = {
        let mut g: Vec<String> = r.hosts.iter().flat_map(|h| h.groups.clone()).collect();
        g.dedup();
        g
    };
    let mut parts = Vec::new();
    if !a.added.is_empty() {
        parts.push(format!("add {} to {}", names(&a.added), groups.join(", ")));
    }
    if !a.removed.is_empty() {
        let from = if groups.is_empty() {
            "all groups".to_string()
        } else {
            groups.join(", ")
        };
        parts.push(format!("remove {} from {from}", names(&a.removed)));
    }
    if !a.groups_added.is_empty() {
        parts.push(format!("update group {}", names(&a.groups_added)));
    }
    if !a.groups_removed.is_empty() {
        parts.push(format!("remove group {}", names(&a.groups_removed)));
    }
    parts.join("; ")
}

fn commit_message(r: &Request, a: &Applied) -> String {
    let body = redact(&r.message_body.clone().unwrap_or_else(|| summary(r, a)));
    match &r.message_prefix {
        Some(p) if !p.is_empty() => format!("{p} - git-inventory: {body}"),
        _ => format!("git-inventory: {body}"),
    }
}

fn load_config(vfs: &GitTreeVfs) -> Result<Resolved, String> {
    let cfg = match vfs::read(vfs, crate::config::FILE_NAME) {
        Ok(b) => Config::parse(&String::from_utf8_lossy(&b), crate::config::FILE_NAME)
            .map_err(|e| e.0)?,
        Err(_) => Config::default(),
    };
    cfg.resolve().map_err(|e| e.0)
}

fn key(d: &Diagnostic) -> (String, &'static str, String) {
    (d.path().to_string(), d.code.as_str(), d.message.clone())
}

/// Errors in `after` that `before` did not have.
fn new_errors(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<String> {
    let mut had: HashMap<(String, &'static str, String), usize> = HashMap::new();
    for d in before.iter().filter(|d| d.severity == Severity::Error) {
        *had.entry(key(d)).or_default() += 1;
    }
    after
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| match had.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .map(|d| {
            let lc = d.primary.start();
            format!(
                "{}:{}:{}: {} {}",
                d.path(),
                lc.line,
                lc.column,
                d.code,
                d.message
            )
        })
        .collect()
}

const DIFF_CONTEXT: usize = 3;

fn full_unified_diff(file: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(DIFF_CONTEXT)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// The unified diff of an edit: only the changed middle of the file (plus
/// context) goes through the diff algorithm, with hunk headers shifted
/// back to whole-file line numbers. Diffing all of a 10 MB inventory for a
/// one-line change took a tenth of a second.
fn unified_diff(file: &str, before: &str, after: &str) -> String {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    let same = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    // Back to a line start, then DIFF_CONTEXT lines more.
    let mut start = before[..same].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..DIFF_CONTEXT {
        if start == 0 {
            break;
        }
        start = before[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let room = (b.len() - start).min(a.len() - start);
    let tail = b
        .iter()
        .rev()
        .zip(a.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    // Forward to a line start, then DIFF_CONTEXT lines more.
    let mut end = b.len() - tail;
    if end > start && b[end - 1] != b'\n' {
        end = before[end..].find('\n').map_or(b.len(), |i| end + i + 1);
    }
    for _ in 0..DIFF_CONTEXT {
        if end >= b.len() {
            break;
        }
        end = before[end..].find('\n').map_or(b.len(), |i| end + i + 1);
    }
    let a_end = a.len() - (b.len() - end);
    if start == 0 && end == b.len() {
        return full_unified_diff(file, before, after);
    }
    let shift = before[..start].matches('\n').count();
    let middle = full_unified_diff(file, &before[start..end], &after[start..a_end]);
    let mut out = String::with_capacity(middle.len());
    for line in middle.split_inclusive('\n') {
        match shift_hunk_header(line, shift) {
            Some(h) => out.push_str(&h),
            None => out.push_str(line),
        }
    }
    out
}

/// `@@ -a,b +c,d @@` with both starts moved down by `shift` lines.
fn shift_hunk_header(line: &str, shift: usize) -> Option<String> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, rest) = rest.split_once(" @@")?;
    let move_start = |range: &str| -> Option<String> {
        let (s, len) = match range.split_once(',') {
            Some((s, l)) => (s, Some(l)),
            None => (range, None),
        };
        let s = s.parse::<usize>().ok()? + shift;
        Some(match len {
            Some(l) => format!("{s},{l}"),
            None => s.to_string(),
        })
    };
    Some(format!(
        "@@ -{} +{} @@{rest}",
        move_start(old)?,
        move_start(new)?
    ))
}

/// Write the new file (and drop host_vars files) on top of `base`; returns the commit id.
fn write_commit(
    repo: &gix::Repository,
    r: &Request,
    base: gix::ObjectId,
    vfs: &GitTreeVfs,
    touched: &std::collections::BTreeSet<String>,
    message: &str,
) -> Result<gix::ObjectId, String> {
    let base_commit = repo
        .find_commit(base)
        .map_err(|e| format!("cannot read {base}: {e}"))?;
    let tree = base_commit
        .tree_id()
        .map_err(|e| format!("cannot read the tree of {base}: {e}"))?;
    let mut ed = repo
        .edit_tree(tree)
        .map_err(|e| format!("cannot edit the tree: {e}"))?;
    // Each touched path as the requests left it: a file, or gone.
    for f in touched {
        match vfs.file_blob(f) {
            Some(bytes) => {
                let blob = repo
                    .write_blob(bytes.as_slice())
                    .map_err(|e| format!("cannot write the blob: {e}"))?;
                ed.upsert(
                    f.as_str(),
                    gix::object::tree::EntryKind::Blob,
                    blob.detach(),
                )
                .map_err(|e| format!("cannot place {f}: {e}"))?;
            }
            None => {
                ed.remove(f.as_str())
                    .map_err(|e| format!("cannot remove {f}: {e}"))?;
            }
        }
    }
    let new_tree = ed
        .write()
        .map_err(|e| format!("cannot write the tree: {e}"))?;
    commit_object(repo, r, new_tree.detach(), vec![base], message)
}

/// Write a commit of `tree` on `parents`, by the request's author, now.
fn commit_object(
    repo: &gix::Repository,
    r: &Request,
    tree: gix::ObjectId,
    parents: Vec<gix::ObjectId>,
    message: &str,
) -> Result<gix::ObjectId, String> {
    let sig = gix::actor::Signature {
        name: r.author_name.as_str().into(),
        email: r.author_email.as_str().into(),
        time: gix::date::Time::now_local_or_utc(),
    };
    let commit = gix::objs::Commit {
        tree,
        parents: parents.into(),
        author: sig.clone(),
        committer: sig,
        encoding: None,
        message: message.into(),
        extra_headers: Vec::new(),
    };
    let id = repo
        .write_object(&commit)
        .map_err(|e| format!("cannot write the commit: {e}"))?;
    Ok(id.detach())
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

/// Run an update; never panics, every failure is an [`Outcome`] with `failed`.
/// On a local repository, requests of jobs waiting for their turn are done
/// with ours, in one commit ([`turns`]).
pub fn run(r: &Request) -> Outcome {
    if let Err(m) = check_request(r) {
        return fail(2, m);
    }
    let url = normalize_url(&r.repo);
    let timer = validate::Timer::new();
    let turn = match turns::wait(r, &url) {
        turns::Waited::Answered(o) => return *o,
        turns::Waited::Ours(t) => t,
    };
    timer.lap("wait for our turn");
    // Then the turn among machines, in the remote.
    let remote = if r.queue == Queue::Remote {
        match remote_turns::wait(r, &url) {
            remote_turns::Waited::Answered(o) => return *o,
            remote_turns::Waited::Ours(t) => t,
        }
    } else {
        None
    };
    timer.lap("wait for our turn in the remote");
    // The clone first, then the requests that queued meanwhile (twenty
    // jobs started at once queue while it is made).
    let cloned = match open_clone(r, &url, &timer) {
        Ok(c) => c,
        Err(t) => {
            turns::answer(Vec::new(), Vec::new(), remote);
            return match t {
                Turned::Failed(o) => *o,
                _ => fail(3, "cannot clone"),
            };
        }
    };
    let mut claimed = turn.as_ref().map(|t| t.claim(r)).unwrap_or_default();
    if let Some(t) = &remote {
        claimed.extend(
            t.claim(r)
                .into_iter()
                .map(|(spot, request)| turns::Claimed {
                    at: turns::At::Remote(spot),
                    request,
                }),
        );
    }
    timer.lap(&format!("claim {} waiting", claimed.len()));
    // A waiting job checked its own request, but one from the remote's
    // queue is only what was pushed there: each is checked again here.
    let mut bad: Vec<(turns::Claimed, Outcome)> = Vec::new();
    let claimed: Vec<turns::Claimed> = claimed
        .into_iter()
        .filter_map(|c| match check_request(&c.request) {
            Ok(()) => Some(c),
            Err(m) => {
                bad.push((c, fail(2, m)));
                None
            }
        })
        .collect();
    let mut outs = {
        let reqs: Vec<&Request> = std::iter::once(r)
            .chain(claimed.iter().map(|c| &c.request))
            .collect();
        // A waiting job's diff texts go to its queue entry at once (an
        // 11 MB file's before and after, times the batch, are not kept).
        let stash = |k: usize, d: &mut Diff| {
            if let Some(c) = k.checked_sub(1).and_then(|i| claimed.get(i)) {
                turns::stash_diff(c, d);
            }
        };
        run_turn(r, &url, &timer, &cloned, &reqs, &stash)
    };
    let claimed = match outs {
        Turned::Refused if !claimed.is_empty() => {
            // Together the changes add an error: each job's change is then
            // judged alone, ours now and theirs in their own turns.
            turns::release(claimed);
            outs = run_turn(r, &url, &timer, &cloned, &[r], &|_, _| {});
            Vec::new()
        }
        _ => claimed,
    };
    let mut outs = match outs {
        Turned::Done(o) => o,
        Turned::Refused => vec![fail(
            1,
            "refused: the change would make the inventory invalid",
        )],
        Turned::Failed(o) => std::iter::repeat_n(*o, claimed.len() + 1).collect(),
    };
    let own = outs.remove(0);
    let (bad, bad_outs): (Vec<_>, Vec<_>) = bad.into_iter().unzip();
    let mut claimed = claimed;
    claimed.extend(bad);
    outs.extend(bad_outs);
    turns::answer(claimed, outs, remote);
    own
}

/// How a turn ended.
enum Turned {
    /// One outcome per request, ours first.
    Done(Vec<Outcome>),
    /// Several requests that together would add a validation error.
    Refused,
    /// A failure that is every request's (a clone, a push).
    Failed(Box<Outcome>),
}

impl Turned {
    fn failed(o: Outcome) -> Turned {
        Turned::Failed(Box::new(o))
    }
}

/// The clone a turn works in: where it is, the branch and its tip.
struct Cloned {
    /// Removes a temporary clone when the turn is over.
    _cleanup: Option<TempDir>,
    clone: PathBuf,
    repo: gix::Repository,
    /// The repository on this machine whose objects are borrowed.
    local: Option<PathBuf>,
    branch: String,
    base: gix::ObjectId,
}

/// Clone the branch (or borrow a local repository's objects, or fetch
/// into a kept --workdir clone).
fn open_clone(r: &Request, url: &str, timer: &validate::Timer) -> Result<Cloned, Turned> {
    // A private temporary clone, removed on the way out; or a --workdir
    // that is kept and fetched into on the next run.
    let (_cleanup, base_dir) = match &r.workdir {
        Some(w) => (None, w.clone()),
        None => {
            let t = TempDir(temp_dir());
            let p = t.0.clone();
            (Some(t), p)
        }
    };
    if let Err(e) = std::fs::create_dir_all(&base_dir) {
        return Err(Turned::failed(fail(
            3,
            format!("cannot create {}: {e}", base_dir.display()),
        )));
    }
    let clone = base_dir.join("repo.git");
    // A repository on this machine, named by its path: borrow its objects
    // instead of copying them (a kept --workdir clone still fetches).
    let local = if r.workdir.is_none() {
        local_source(&r.repo)
    } else {
        None
    };
    let reused = r.workdir.is_some() && clone.join("HEAD").is_file();
    // A kept clone that cannot be used (a run killed mid-clone, a corrupt
    // store) is thrown away and cloned afresh.
    let reused_repo = if reused {
        reuse_clone(r, url, &clone).ok()
    } else {
        None
    };
    let reused = reused_repo.is_some();
    let repo = if let Some(repo) = reused_repo {
        repo
    } else if let Some(src) = &local {
        match borrow_clone(r, src, &clone) {
            Ok(repo) => repo,
            Err(e) => return Err(Turned::failed(fail(3, e))),
        }
    } else if url.starts_with("file://") {
        let _ = std::fs::remove_dir_all(&clone);
        match clone_on_this_machine(r, url, &clone) {
            Ok(repo) => repo,
            Err(e) => return Err(Turned::failed(fail(3, e))),
        }
    } else {
        let _ = std::fs::remove_dir_all(&clone);
        match clone_branch(r, url, &clone) {
            Ok(repo) => repo,
            Err(e) => return Err(Turned::failed(fail(3, e))),
        }
    };
    timer.lap("clone");
    let branch = match &r.branch {
        Some(b) => b.clone(),
        None => match repo.head_name() {
            Ok(Some(n)) => n.shorten().to_string(),
            _ => {
                return Err(Turned::failed(fail(
                    3,
                    "the remote has no default branch".to_string(),
                )))
            }
        },
    };
    let head = if reused {
        repo.rev_parse_single("FETCH_HEAD").map(|i| i.detach()).ok()
    } else {
        None
    };
    let base = match head
        .map(Ok)
        .unwrap_or_else(|| repo.head_id().map(|i| i.detach()))
    {
        Ok(id) => id,
        Err(e) => {
            return Err(Turned::failed(fail(
                3,
                format!("the branch has no commit: {e}"),
            )))
        }
    };
    Ok(Cloned {
        _cleanup,
        clone,
        repo,
        local,
        branch,
        base,
    })
}

/// Apply `reqs` (ours first, then the claimed ones) to one tree of the
/// clone, validate, commit and push, retrying when another job pushed first.
fn run_turn(
    r: &Request,
    url: &str,
    timer: &validate::Timer,
    cloned: &Cloned,
    reqs: &[&Request],
    stash: &dyn Fn(usize, &mut Diff),
) -> Turned {
    let Cloned {
        clone,
        repo,
        local,
        branch,
        ..
    } = cloned;
    let mut base = cloned.base;
    let batch = reqs.len() > 1;
    let mut last_remote: Vec<String> = Vec::new();
    let mut attempts = 0;
    for attempt in 1..=r.retries.saturating_add(1) {
        attempts = attempt;
        let started = std::time::Instant::now();
        let mut vfs = match GitTreeVfs::from_repo(repo, &base.to_string()) {
            Ok(v) => v,
            Err(e) => return Turned::failed(fail(3, e)),
        };
        // Never push what the validator would reject (new errors only).
        let cfg = match load_config(&vfs) {
            Ok(c) => c,
            Err(e) => return Turned::failed(fail(2, e)),
        };
        // The tree as it was, to validate only what the change touches; the
        // files of the environments the requests do not edit are parsed on
        // the other core while the change is made.
        let before_vfs = vfs.clone();
        let ahead = parse_ahead(&vfs, &cfg, reqs);
        // Each request applied in turn to the tree the ones before it left.
        let mut outs: Vec<Outcome> = Vec::with_capacity(reqs.len());
        let mut touched = std::collections::BTreeSet::new();
        let mut messages: Vec<(usize, String)> = Vec::new();
        for (k, q) in reqs.iter().enumerate() {
            let mut a = match apply(q, &vfs) {
                Ok(a) => a,
                Err(e) if batch => {
                    outs.push(fail(1, e));
                    continue;
                }
                Err(e) => return Turned::failed(fail(1, e)),
            };
            let changed = a.before != a.after || !a.remove_files.is_empty();
            if changed {
                messages.push((k, commit_message(q, &a)));
            }
            let mut out = Outcome {
                attempts: attempt,
                hosts_added: std::mem::take(&mut a.added),
                hosts_removed: std::mem::take(&mut a.removed),
                groups_added: std::mem::take(&mut a.groups_added),
                groups_removed: std::mem::take(&mut a.groups_removed),
                ..Outcome::default()
            };
            out.diff.prepared = unified_diff(&q.file, &a.before, &a.after);
            if !changed {
                out.message = "nothing to change: the inventory already says so".into();
            } else {
                out.changed = true;
                vfs.put_file(q.file.clone(), a.after.as_bytes().to_vec());
                touched.insert(q.file.clone());
                for f in &a.remove_files {
                    vfs.remove_file(f);
                    touched.insert(f.clone());
                }
            }
            // The texts move into the result (an 11 MB file is not copied).
            out.diff.before = std::mem::take(&mut a.before);
            out.diff.after = std::mem::take(&mut a.after);
            stash(k, &mut out.diff);
            outs.push(out);
        }
        timer.lap("edit");
        if messages.is_empty() {
            return Turned::Done(outs);
        }
        let message = if messages.len() == 1 {
            messages[0].1.clone()
        } else {
            batch_message(reqs, &messages)
        };
        let commit = match write_commit(repo, r, base, &vfs, &touched, &message) {
            Ok(c) => c,
            Err(e) => return Turned::failed(fail(3, e)),
        };
        timer.lap("commit");
        // What is validated is the edited tree the commit was written from
        // (not the commit's tree read back and inflated again: 33 MB at
        // 100k hosts). When a file was removed, its directory may be left
        // empty, which git does not keep: then the commit is read back.
        // The base tree's files are read again only if the result has errors.
        let removed = touched.iter().any(|p| vfs.file_blob(p).is_none());
        let after_vfs = if removed {
            drop(vfs);
            match GitTreeVfs::from_repo(repo, &commit.to_string()) {
                Ok(v) => v,
                Err(e) => return Turned::failed(fail(3, e)),
            }
        } else {
            vfs
        };
        // Only what the change can have altered is validated (the views
        // loading an edited file, the edited files' own rules; the other
        // environments are loaded for the rules that compare them). The base
        // is validated only when the result has errors (to tell new ones
        // from old): a clean result needs one validation, not two.
        let parsed = ahead.and_then(|h| h.join().ok()).unwrap_or_default();
        timer.lap("files parsed ahead");
        let after_rep = validate::plan_change(&after_vfs, &before_vfs, &cfg, None)
            .with_parsed(parsed)
            .run(&after_vfs, &cfg);
        let added_errors = if after_rep.errors() == 0 {
            Vec::new()
        } else {
            let before_rep = validate::validate_repo(&before_vfs, &cfg);
            new_errors(&before_rep.diagnostics, &after_rep.diagnostics)
        };
        timer.lap("validate");
        if !added_errors.is_empty() {
            if messages.len() > 1 {
                return Turned::Refused;
            }
            let k = messages[0].0;
            let mut o = fail(
                1,
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
            return if batch {
                Turned::Done(outs)
            } else {
                Turned::failed(outs.remove(0))
            };
        }
        if r.dry_run || r.no_push {
            // Never batched: a dry run or --no-push does not take turns.
            let out = &mut outs[0];
            if r.dry_run {
                out.message = format!("dry run: would commit \"{message}\"");
            } else {
                out.commit = Some(commit.to_string());
                out.message = format!(
                    "committed {} (not pushed): {message}",
                    &commit.to_string()[..12]
                );
            }
            return Turned::Done(outs);
        }
        let refspec = format!("{commit}:refs/heads/{branch}");
        // To a repository on this machine (a path is a file:// URL by now)
        // nothing crosses a network: send
        // whole objects at the fastest compression rather than search for
        // deltas (an 11 MB file: 0.12 -> 0.07 s of our pack-objects, the
        // receiving side unchanged). Over the network, git's defaults.
        let mut args: Vec<&str> = Vec::new();
        let to_local = url.starts_with("file://");
        if to_local {
            args.extend(["-c", "pack.window=0", "-c", "pack.compression=1"]);
        }
        args.extend(["push", "--porcelain", "--atomic"]);
        if to_local {
            args.extend(["--receive-pack", LOCAL_RECEIVE_PACK]);
        }
        args.extend([url, refspec.as_str()]);
        let (ok, stdout, stderr) = match git(r, clone, &args) {
            Ok(x) => x,
            Err(e) => return Turned::failed(fail(3, e)),
        };
        timer.lap("push");
        if ok {
            let others = messages.len() - 1;
            for (k, own) in &messages {
                let with = match others {
                    0 => String::new(),
                    1 => " (one commit with another job's change)".to_string(),
                    n => format!(" (one commit with {n} other jobs' changes)"),
                };
                outs[*k].commit = Some(commit.to_string());
                outs[*k].message = redact(&format!(
                    "pushed {} to {branch}{with}: {own}",
                    &commit.to_string()[..12]
                ));
            }
            return Turned::Done(outs);
        }
        let remote: Vec<String> = stderr
            .lines()
            .filter(|l| l.starts_with("remote:"))
            .map(|l| redact(l.trim_end()))
            .collect();
        let text = format!("{stdout}\n{stderr}");
        // A hook that ran out of time (many pushes at once) gave no verdict:
        // back off and try again, like a race.
        let hook_busy = text.contains("did not finish within");
        let hook = text.contains("hook declined") && !hook_busy;
        // Another job got there first: either git saw it before sending
        // (non-fast-forward), or both were accepted by the hook and this one
        // lost the ref lock on the server.
        let raced = hook_busy
            || !hook
                && ((text.contains("[rejected]")
                    && (text.contains("fetch first") || text.contains("non-fast-forward")))
                    || (text.contains("[remote rejected]")
                        && (text.contains("failed to update ref")
                            || text.contains("cannot lock ref")
                            || text.contains("incorrect old value"))));
        if !raced {
            let msg = if hook {
                "the server refused the push (its pre-receive hook declined)".to_string()
            } else {
                format!("push failed: {}", stderr.trim())
            };
            for (k, _) in &messages {
                let mut o = fail(if hook { 1 } else { 3 }, msg.clone());
                o.remote = remote.clone();
                o.attempts = attempt;
                o.diff = std::mem::take(&mut outs[*k].diff);
                outs[*k] = o;
            }
            return Turned::Done(outs);
        }
        last_remote = remote;
        if attempt > r.retries {
            break;
        }
        // Another job pushed first: take the new tip and re-apply.
        std::thread::sleep(backoff(attempt, started.elapsed()));
        if let Some(src) = &local {
            // The borrowed objects already hold the new tip: read the ref.
            base = match branch_tip(src, branch) {
                Ok(id) => id,
                Err(e) => return Turned::failed(fail(3, e)),
            };
            continue;
        }
        match fetch_tip(r, clone, url, branch) {
            Ok((true, _, _)) => {}
            Ok((false, _, e)) => {
                return Turned::failed(fail(3, format!("cannot fetch {branch}: {}", e.trim())))
            }
            Err(e) => return Turned::failed(fail(3, e)),
        }
        base = match repo.rev_parse_single("FETCH_HEAD") {
            Ok(id) => id.detach(),
            Err(e) => return Turned::failed(fail(3, format!("cannot read the fetched tip: {e}"))),
        };
    }
    let mut o = fail(
        3,
        format!(
            "gave up after {attempts} attempts: other jobs kept pushing first, or the server's hook kept running out of time"
        ),
    );
    o.attempts = attempts;
    o.remote = last_remote;
    Turned::failed(o)
}

/// Start parsing, on a thread of its own, the files of the environments of
/// `vfs` that load none of the files the requests edit (see
/// [`validate::parse_ahead`]).
fn parse_ahead(
    vfs: &GitTreeVfs,
    cfg: &Resolved,
    reqs: &[&Request],
) -> Option<std::thread::JoinHandle<Vec<std::sync::Arc<crate::inventory::loader::Parsed>>>> {
    let edited: Vec<String> = reqs
        .iter()
        .filter_map(|q| vfs::resolve(vfs, &q.file).ok().map(|(p, _)| p))
        .collect();
    let (vfs, cfg) = (vfs.clone(), cfg.clone());
    std::thread::Builder::new()
        .spawn(move || validate::parse_ahead(&vfs, &cfg, &edited))
        .ok()
}

/// The message of one commit carrying several jobs' changes: their ticket
/// prefixes (each once) and a count, then each job's own message.
fn batch_message(reqs: &[&Request], messages: &[(usize, String)]) -> String {
    let mut prefixes: Vec<&str> = Vec::new();
    for (k, _) in messages {
        if let Some(p) = reqs[*k].message_prefix.as_deref().filter(|p| !p.is_empty()) {
            if !prefixes.contains(&p) {
                prefixes.push(p);
            }
        }
    }
    let mut m = String::new();
    if !prefixes.is_empty() {
        m.push_str(&redact(&prefixes.join(", ")));
        m.push_str(" - ");
    }
    m.push_str(&format!(
        "git-inventory: {} changes from concurrent jobs\n",
        messages.len()
    ));
    for (_, own) in messages {
        m.push('\n');
        m.push_str(own);
    }
    m
}

/// `git fetch` of the branch's tip into the clone (FETCH_HEAD), as deep as
/// the clone was made.
fn fetch_tip(
    r: &Request,
    clone: &Path,
    url: &str,
    branch: &str,
) -> Result<(bool, String, String), String> {
    let depth = r.depth.map(|d| d.to_string());
    let mut args = vec!["fetch", "--quiet", "--no-tags"];
    if url.starts_with("file://") {
        args.extend(["--upload-pack", LOCAL_UPLOAD_PACK]);
    }
    if let Some(d) = &depth {
        args.extend(["--depth", d.as_str()]);
    }
    args.extend([url, branch]);
    git(r, clone, &args)
}

/// A bare clone with gix (ssh, http, git://: `file://` goes through
/// [`clone_on_this_machine`]) of the last `--depth` commits (default 1), or of
/// the whole history: only the named branch when one is given (fetched as a
/// revision, no other refs), else the remote HEAD. Which one is cheaper
/// depends on the server: from packed objects a full clone is sent as it is
/// (0.5 s for the 34 MB benchmark inventory) where a shallow one makes the
/// server rebuild and recompress the tip's files (2.2 s); with pushes left
/// as loose objects the full clone recompresses every version (3.7 s
/// against 2.6 s). Shallow is the bounded default.
/// `ssh://` uses the system ssh with our key through `core.sshCommand`.
fn clone_branch(r: &Request, url: &str, dest: &Path) -> Result<gix::Repository, String> {
    let mut prep =
        gix::prepare_clone_bare(url, dest).map_err(|e| format!("cannot clone {}: {e}", r.repo))?;
    if let Some(depth) = r.depth {
        prep = prep.with_shallow(gix::remote::fetch::Shallow::DepthAtRemote(depth));
    }
    if let Some(b) = &r.branch {
        prep = prep
            .with_revision(Some(format!("refs/heads/{b}")))
            .map_err(|e| format!("branch `{b}`: {e}"))?;
    }
    if let Some(cmd) = ssh_command(r) {
        prep = prep.with_in_memory_config_overrides([format!("core.sshCommand={cmd}")]);
    }
    let interrupt = std::sync::atomic::AtomicBool::new(false);
    let (repo, _) = if r.progress {
        let bridge = crate::progress::Bridge::stderr();
        prep.fetch_only(bridge.task("clone"), &interrupt)
    } else {
        prep.fetch_only(gix::progress::Discard, &interrupt)
    }
    .map_err(|e| format!("cannot clone {}: {e}", r.repo))?;
    Ok(repo)
}

/// The server side of a clone or fetch from a `file://` URL. It runs on
/// this machine and its pack goes through a pipe, not a network: sending
/// whole objects at the fastest compression beats searching for deltas.
/// With git's defaults, a shallow clone of the 34 MB benchmark inventory
/// spends 2.4 s in the server's delta search and compression; with these,
/// 0.26-0.33 s, whether the server's objects are packed or loose.
const LOCAL_UPLOAD_PACK: &str = "git -c pack.window=0 -c pack.compression=1 upload-pack";

/// The server side of a push to a `file://` URL (it runs on this machine).
/// A push of a few objects is normally exploded into loose objects, each
/// compressed again and written on its own (an 11 MB hosts.yml); kept as
/// the pack it arrived in, it is only indexed. The hook starts sooner and
/// steadier: a one-host push into the 100k-host repository, 414-802 ms
/// (median 537) -> 356-440 ms (median 416), five of each, alternated.
const LOCAL_RECEIVE_PACK: &str = "git -c receive.unpackLimit=1 receive-pack";

/// A bare clone from a `file://` URL with git itself (gix cannot name the
/// upload-pack command): `--depth` as asked, only the branch (or the
/// remote HEAD), no tags, the server side run as [`LOCAL_UPLOAD_PACK`].
fn clone_on_this_machine(r: &Request, url: &str, dest: &Path) -> Result<gix::Repository, String> {
    let depth = r.depth.map(|d| d.to_string());
    let parent = dest.parent().unwrap_or(Path::new("."));
    let dest_s = dest.to_string_lossy();
    let mut args = vec![
        "clone",
        "--bare",
        "--quiet",
        "--no-tags",
        "--single-branch",
        "--upload-pack",
        LOCAL_UPLOAD_PACK,
    ];
    if let Some(d) = &depth {
        args.extend(["--depth", d.as_str()]);
    }
    if let Some(b) = &r.branch {
        args.extend(["--branch", b.as_str()]);
    }
    args.extend(["--", url, &dest_s]);
    match git(r, parent, &args)? {
        (true, _, _) => gix::open(dest).map_err(|e| format!("cannot open {}: {e}", dest.display())),
        (false, _, e) => Err(format!("cannot clone {}: {}", r.repo, e.trim())),
    }
}

/// A kept clone: fetch the branch's current tip into it (FETCH_HEAD).
fn reuse_clone(r: &Request, url: &str, clone: &Path) -> Result<gix::Repository, String> {
    let repo = gix::open(clone).map_err(|e| format!("cannot open {}: {e}", clone.display()))?;
    let branch = match &r.branch {
        Some(b) => b.clone(),
        None => match repo.head_name() {
            Ok(Some(n)) => n.shorten().to_string(),
            _ => "HEAD".to_string(),
        },
    };
    match fetch_tip(r, clone, url, &branch) {
        Ok((true, _, _)) => {
            gix::open(clone).map_err(|e| format!("cannot open {}: {e}", clone.display()))
        }
        Ok((false, _, e)) => Err(format!(
            "cannot fetch {branch} into {}: {}",
            clone.display(),
            e.trim()
        )),
        Err(e) => Err(e),
    }
}

/// A URL (`scheme://...`) or scp-like `host:path`, not a local path.
fn looks_remote(repo: &str) -> bool {
    repo.contains("://")
        || (repo.contains(':') && !repo.starts_with('/') && repo.find(':') < repo.find('/'))
}

/// The repository directory when `--repo` is a local path (not a URL,
/// `file://` included: that one goes through git's transport, as with git).
fn local_source(repo: &str) -> Option<PathBuf> {
    if looks_remote(repo) {
        return None;
    }
    let p = std::path::absolute(repo).ok()?;
    p.is_dir().then_some(p)
}

/// The commit a branch of the local repository `src` points at now.
fn branch_tip(src: &Path, branch: &str) -> Result<gix::ObjectId, String> {
    let repo = gix::open(src).map_err(|e| format!("cannot open {}: {e}", src.display()))?;
    let mut r = repo
        .find_reference(format!("refs/heads/{branch}").as_str())
        .map_err(|e| format!("branch `{branch}`: {e}"))?;
    r.peel_to_id()
        .map(|id| id.detach())
        .map_err(|e| format!("branch `{branch}`: {e}"))
}

/// A bare repository at `dest` that borrows the objects of the local
/// repository `src` (`objects/info/alternates`, as `git clone --shared`
/// does) instead of copying them: what it needs is read in place, and
/// what the update writes (one blob, trees, a commit) goes to `dest` only.
/// Its HEAD names the branch, which points at the source's tip. Nothing in
/// `src` is written; the push is the only way the change reaches it.
fn borrow_clone(r: &Request, src: &Path, dest: &Path) -> Result<gix::Repository, String> {
    let source = gix::open(src).map_err(|e| format!("cannot open {}: {e}", r.repo))?;
    let branch = match &r.branch {
        Some(b) => b.clone(),
        None => match source.head_name() {
            Ok(Some(n)) => n.shorten().to_string(),
            _ => return Err(format!("{}: the repository has no default branch", r.repo)),
        },
    };
    // A name git accepts as a branch (nothing like `../x` becomes a path).
    let full = format!("refs/heads/{branch}");
    gix::refs::FullName::try_from(full.as_str())
        .map_err(|e| format!("branch `{branch}`: not a valid branch name ({e})"))?;
    let tip = branch_tip(src, &branch)?;
    let objects = std::path::absolute(source.objects.store_ref().path())
        .map_err(|e| format!("{}: {e}", r.repo))?;
    let _ = std::fs::remove_dir_all(dest);
    let repo =
        gix::init_bare(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let info = repo.objects.store_ref().path().join("info");
    let write = |p: PathBuf, text: String| {
        std::fs::create_dir_all(p.parent().unwrap_or(dest))
            .and_then(|_| std::fs::write(&p, text))
            .map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    write(info.join("alternates"), format!("{}\n", objects.display()))?;
    write(dest.join("HEAD"), format!("ref: refs/heads/{branch}\n"))?;
    write(dest.join(&full), format!("{tip}\n"))?;
    gix::open(dest).map_err(|e| format!("cannot open {}: {e}", dest.display()))
}

/// A local path becomes a file:// URL (so shallow clones work).
fn normalize_url(repo: &str) -> String {
    if looks_remote(repo) {
        return repo.to_string();
    }
    match std::path::absolute(repo) {
        Ok(p) => format!("file://{}", p.display()),
        Err(_) => repo.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{full_unified_diff, redact, unified_diff};

    #[test]
    fn windowed_diff_equals_the_whole_file_diff() {
        let base: String = (0..200).map(|i| format!("line {i}\n")).collect();
        type Edit = Box<dyn Fn(&str) -> String>;
        let edits: Vec<Edit> = vec![
            Box::new(|t: &str| t.replacen("line 100\n", "line 100\nnew\n", 1)),
            Box::new(|t: &str| t.replacen("line 0\n", "", 1)),
            Box::new(|t: &str| t.replacen("line 199\n", "line 199", 1)),
            Box::new(|t: &str| format!("{t}tail\n")),
            Box::new(|t: &str| format!("head\n{t}")),
            Box::new(|t: &str| {
                t.replacen("line 10\n", "x\n", 1)
                    .replacen("line 150\n", "", 1)
            }),
            Box::new(|t: &str| t.replacen("line 5", "line 5b", 1)),
            Box::new(|t: &str| t.to_string()),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let after = edit(&base);
            assert_eq!(
                unified_diff("f", &base, &after),
                full_unified_diff("f", &base, &after),
                "edit {i}"
            );
            assert_eq!(
                unified_diff("f", &after, &base),
                full_unified_diff("f", &after, &base),
                "edit {i} reversed"
            );
        }
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact("cannot clone https://bot:s3cret@git.example/x.git: refused"),
            "cannot clone https://bot:***@git.example/x.git: refused"
        );
        assert_eq!(redact("ssh://git@host:22/x"), "ssh://git@host:22/x");
        assert_eq!(redact("no url here"), "no url here");
        assert_eq!(
            redact("a http://u:p@h b https://h/c"),
            "a http://u:***@h b https://h/c"
        );
    }
}
