//! The server side: `git-inventory pre-receive` validates every pushed ref
//! from the push quarantine, and `hook install` puts a shim into a bare
//! repository (or GitLab's `custom_hooks/pre-receive.d/`).
//!
//! The hook fails closed: a panic, an unreadable object or a bad config
//! rejects the push and says why.

use crate::config::{self, Config, Resolved};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{self, Report};
use crate::vfs::{GitTreeVfs, ObjectStores};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// How violations decide the push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Any violation rejects the push.
    Strict,
    /// Only violations not already present at the old commit reject it.
    Ratchet,
}

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Server-side configuration: overrides the pushed `.git-inventory.yml`.
    pub config: Option<PathBuf>,
    /// Mode from the command line (overrides the config's `hook.mode`).
    pub mode: Option<Mode>,
    /// Prefix lines with `GL-HOOK-ERR:` (also when `GL_ID` is set).
    pub gitlab: bool,
    /// Longest the decision may take (default: the server config's
    /// `limits.hook_timeout_secs`, else 4 s); then the push is rejected.
    pub timeout: Option<f64>,
}

/// One line of pre-receive input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub name: String,
}

fn is_oid(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_zero(s: &str) -> bool {
    s.bytes().all(|b| b == b'0')
}

/// Parse `<old> <new> <ref>` lines (SHA-1 or SHA-256 ids).
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>, String> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "input line {}: expected `<old> <new> <ref>`",
                i + 1
            ));
        };
        if !is_oid(old) || !is_oid(new) || old.len() != new.len() || name.is_empty() {
            return Err(format!(
                "input line {}: expected `<old> <new> <ref>`",
                i + 1
            ));
        }
        out.push(RefUpdate {
            old: old.to_ascii_lowercase(),
            new: new.to_ascii_lowercase(),
            name: name.to_string(),
        });
    }
    Ok(out)
}

/// `*` matches any run of characters (`/` included); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// The repository the hook runs in, with the quarantine in front.
struct Repo {
    stores: ObjectStores,
    git_dir: PathBuf,
}

impl Repo {
    fn open(git_dir: &Path) -> Result<Repo, String> {
        let repo = gix::open(git_dir)
            .map_err(|e| format!("cannot open repository {}: {e}", git_dir.display()))?;
        let hash = repo.object_hash();
        let own = repo.objects.store_ref().path().to_path_buf();
        let mut dirs = Vec::new();
        // gix does not read git's quarantine variables itself.
        if let Some(q) = std::env::var_os("GIT_OBJECT_DIRECTORY") {
            dirs.push(absolute_in(git_dir, Path::new(&q)));
        }
        if let Some(alts) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            for a in std::env::split_paths(&alts) {
                if !a.as_os_str().is_empty() {
                    dirs.push(absolute_in(git_dir, &a));
                }
            }
        }
        dirs.push(own);
        Ok(Repo {
            stores: ObjectStores::open(&dirs, hash)?,
            git_dir: git_dir.to_path_buf(),
        })
    }

    fn tree(&self, oid: &str) -> Result<GitTreeVfs, String> {
        let id = gix::ObjectId::from_hex(oid.as_bytes()).map_err(|e| format!("{oid}: {e}"))?;
        GitTreeVfs::from_stores(&self.stores, id, format!("commit {oid}"))
    }

    /// The entries of a commit's tree, without the files' contents.
    fn structure(&self, oid: &str) -> Result<GitTreeVfs, String> {
        let id = gix::ObjectId::from_hex(oid.as_bytes()).map_err(|e| format!("{oid}: {e}"))?;
        GitTreeVfs::structure_from_stores(&self.stores, id, format!("commit {oid}"))
    }

    /// The commit the default branch (HEAD) points at, if any.
    fn default_branch_tip(&self) -> Option<String> {
        let repo = gix::open(&self.git_dir).ok()?;
        let id = repo.head_id().ok()?;
        Some(id.detach().to_string())
    }
}

fn absolute_in(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// The configuration that applies: the server's override when there is one
/// (`--config`, or `git-inventory.yml` in the repository's git dir), else the
/// pushed tree's own `.git-inventory.yml`; and the text it was read from
/// (empty for the defaults).
fn config_for(
    tree: &GitTreeVfs,
    opts: &Options,
    git_dir: &Path,
) -> Result<(Resolved, String), String> {
    let server = opts
        .config
        .clone()
        .or_else(|| Some(git_dir.join("git-inventory.yml")).filter(|p| p.is_file()));
    let (cfg, cfg_text) = match server {
        Some(p) => {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let c = Config::parse(&text, &p.display().to_string()).map_err(|e| e.to_string())?;
            (c, format!("{}\n{text}", p.display()))
        }
        None => match crate::vfs::read(tree, config::FILE_NAME) {
            Ok(b) => {
                let text = String::from_utf8(b)
                    .map_err(|_| format!("{}: not UTF-8", config::FILE_NAME))?;
                let c = Config::parse(&text, config::FILE_NAME).map_err(|e| e.to_string())?;
                (c, format!("{}\n{text}", config::FILE_NAME))
            }
            Err(_) => (Config::default(), String::new()),
        },
    };
    Ok((cfg.resolve().map_err(|e| e.to_string())?, cfg_text))
}

/// The server-side config's hook timeout (4 s when none is set).
fn server_timeout(git_dir: &Path, opts: &Options) -> f64 {
    let file = opts
        .config
        .clone()
        .or_else(|| Some(git_dir.join("git-inventory.yml")).filter(|p| p.is_file()));
    file.and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| Config::parse(&t, "server config").ok())
        .map(|c| c.limits.hook_timeout_secs)
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(4.0)
}

/// What to tell the pusher, and whether to accept.
pub struct Verdict {
    pub accept: bool,
    pub lines: Vec<String>,
}

fn key(d: &Diagnostic) -> (String, &'static str, String) {
    (d.path().to_string(), d.code.as_str(), d.message.clone())
}

fn line_of(d: &Diagnostic) -> String {
    let lc = d.primary.start();
    let sev = if d.severity == Severity::Error {
        ""
    } else {
        " (warning)"
    };
    format!(
        "{}:{}:{}: {} {}{sev}",
        d.path(),
        lc.line,
        lc.column,
        d.code,
        d.message
    )
}

/// Where the hook notes the trees it accepted without an error: a line
/// `<tree id> <fingerprint>` each, the newest last.
const ACCEPTED: &str = "git-inventory/accepted-trees";

/// Trees noted, at most.
const ACCEPTED_KEPT: usize = 64;

/// What judged a tree: this program (its version and its file's size and
/// time, so that a rebuilt binary with other rules judges afresh) and the
/// configuration it applied (the text it was read from). A tree accepted
/// under one fingerprint is known to have no error only under the same one.
fn fingerprint(cfg_text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        m.len().hash(&mut h);
        if let Ok(t) = m.modified() {
            t.hash(&mut h);
        }
    }
    cfg_text.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Where the hook keeps each environment's host names, by the inputs the
/// environment was loaded from: `<fingerprint>-<key>`, a JSON list each.
const KEPT_HOSTS: &str = "git-inventory/hosts";

/// Kept host lists, at most (the newest); about 1 MB each per 33k hosts.
const KEPT_HOSTS_MAX: usize = 24;

/// [`validate::KnownHosts`] in the repository: best effort, like the list
/// of accepted trees (a write that fails only loses the shortcut).
struct KeptHosts {
    dir: PathBuf,
    fingerprint: String,
}

impl KeptHosts {
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}-{key}", self.fingerprint))
    }

    /// Remove all but the newest [`KEPT_HOSTS_MAX`] lists.
    fn prune(&self) {
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = rd
            .flatten()
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if files.len() <= KEPT_HOSTS_MAX {
            return;
        }
        files.sort();
        for (_, p) in &files[..files.len() - KEPT_HOSTS_MAX] {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl validate::KnownHosts for KeptHosts {
    fn get(&self, key: &str) -> Option<Vec<String>> {
        let text = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    fn put(&self, key: &str, hosts: &dyn Fn() -> Vec<String>) {
        let path = self.path(key);
        if key.is_empty() || path.exists() || std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_vec(&hosts()) else {
            return;
        };
        let tmp = self.dir.join(format!(".{key}.{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Whether the hook accepted `tree` without an error under `fp`.
fn accepted_before(git_dir: &Path, tree: gix::ObjectId, fp: &str) -> bool {
    let want = format!("{tree} {fp}");
    std::fs::read_to_string(git_dir.join(ACCEPTED))
        .map(|t| t.lines().any(|l| l == want))
        .unwrap_or(false)
}

/// Note that `tree` has no error under `fp` (the newest [`ACCEPTED_KEPT`]
/// are kept). Best effort: a repository the hook cannot write to only
/// loses the shortcut.
fn note_accepted(git_dir: &Path, tree: gix::ObjectId, fp: &str) {
    let path = git_dir.join(ACCEPTED);
    let line = format!("{tree} {fp}");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines: Vec<&str> = old.lines().filter(|l| *l != line).collect();
    lines.push(&line);
    let keep = &lines[lines.len().saturating_sub(ACCEPTED_KEPT)..];
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    // Written aside and renamed: a reader sees the old list or the new.
    let tmp = dir.join(format!(".accepted-trees.{}", std::process::id()));
    if std::fs::write(&tmp, keep.join("\n") + "\n").is_ok() && std::fs::rename(&tmp, &path).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Validate one ref update: its lines go to `out`; the number of findings
/// that reject it is returned (0: accepted).
fn check_ref(
    repo: &Repo,
    u: &RefUpdate,
    opts: &Options,
    out: &mut Vec<String>,
) -> Result<usize, String> {
    let timer = validate::Timer::new();
    // The pushed tree's entries; of the files, first the configuration.
    let mut tree = repo.structure(&u.new)?;
    if let Ok((phys, _)) = crate::vfs::resolve(&tree, config::FILE_NAME) {
        tree.read_files(&repo.stores, &|p| p == phys)?;
    }
    let (cfg, cfg_text) = config_for(&tree, opts, &repo.git_dir)?;
    let is_tag = u.name.starts_with("refs/tags/");
    if is_tag && !cfg.raw.hook.tags {
        return Ok(0);
    }
    if !is_tag && !cfg.raw.hook.refs.iter().any(|g| glob_match(g, &u.name)) {
        return Ok(0);
    }
    let mode = opts.mode.unwrap_or(if cfg.raw.hook.mode == "ratchet" {
        Mode::Ratchet
    } else {
        Mode::Strict
    });
    // A push onto a tree this hook accepted without an error (under the
    // same program and configuration): only what the push changed is
    // validated, the environments it left as they were are known to be
    // clean (`validate::plan_change`). A new branch is compared with the
    // default branch.
    let fp = fingerprint(&cfg_text);
    let before = if is_zero(&u.old) {
        repo.default_branch_tip()
    } else {
        Some(u.old.clone())
    };
    let clean_before = before
        .as_ref()
        .and_then(|b| repo.structure(b).ok())
        .filter(|t| {
            t.tree_id()
                .is_some_and(|id| accepted_before(&repo.git_dir, id, &fp))
        });
    // Otherwise the whole tree is validated (a change from nothing); both
    // keep each environment's hosts by its inputs, and use them for a
    // settled one: its files are then not even read.
    let nothing = crate::vfs::MemVfs::new(&[]);
    let kept = KeptHosts {
        dir: repo.git_dir.join(KEPT_HOSTS),
        fingerprint: fp.clone(),
    };
    let plan = match &clean_before {
        Some(old) => validate::plan_change(&tree, old, &cfg, Some(&kept)),
        None => validate::plan_change(&tree, &nothing, &cfg, Some(&kept)),
    };
    tree.read_files(&repo.stores, &|p| plan.reads(p))?;
    timer.lap("read the pushed tree");
    let report: Report = match plan.validate(&tree, &cfg) {
        Some(r) => r,
        None => {
            tree.read_files(&repo.stores, &|_| true)?;
            validate::validate_repo(&tree, &cfg)
        }
    };
    kept.prune();
    if report.errors() == 0 {
        if let Some(id) = tree.tree_id() {
            note_accepted(&repo.git_dir, id, &fp);
        }
    }
    let mut blocking: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut old_count = 0;
    // (Against a tree without errors, ratchet is strict.)
    if mode == Mode::Ratchet && clean_before.is_none() {
        if let Some(base) = &before {
            if let Ok(old_tree) = repo.tree(base) {
                let old = validate::validate_repo(&old_tree, &cfg);
                let mut allowed: HashMap<(String, &'static str, String), usize> = HashMap::new();
                for d in old
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                {
                    *allowed.entry(key(d)).or_default() += 1;
                }
                blocking.retain(|d| match allowed.get_mut(&key(d)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        old_count += 1;
                        false
                    }
                    _ => true,
                });
            }
        }
    }
    for d in &blocking {
        out.push(line_of(d));
    }
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        out.push(line_of(d));
    }
    let short = &u.new[..u.new.len().min(12)];
    let kept = if old_count > 0 {
        format!(", {old_count} already present before this push (ratchet)")
    } else {
        String::new()
    };
    out.push(format!(
        "git-inventory: {} at {short}: {} error{}, {} warning{}{kept}: {}",
        u.name,
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" },
        report.warnings(),
        if report.warnings() == 1 { "" } else { "s" },
        if blocking.is_empty() {
            "accepted"
        } else {
            "push rejected"
        }
    ));
    Ok(blocking.len())
}

/// Decide a push. Never panics: any failure rejects the push.
pub fn decide(input: &str, git_dir: &Path, opts: &Options) -> Verdict {
    let run = || -> Result<Verdict, String> {
        let updates = parse_updates(input)?;
        let mut lines = Vec::new();
        let mut accept = true;
        let todo: Vec<&RefUpdate> = updates.iter().filter(|u| !is_zero(&u.new)).collect();
        if todo.is_empty() {
            return Ok(Verdict { accept, lines });
        }
        let repo = Repo::open(git_dir)?;
        for u in todo {
            accept &= check_ref(&repo, u, opts, &mut lines)? == 0;
        }
        Ok(Verdict { accept, lines })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(v)) => v,
        Ok(Err(msg)) => Verdict {
            accept: false,
            lines: vec![format!(
                "git-inventory: {msg}: push rejected (the hook fails closed)"
            )],
        },
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Verdict {
                accept: false,
                lines: vec![format!(
                    "git-inventory: internal error ({what}): push rejected (the hook fails closed)"
                )],
            }
        }
    }
}

/// `git-inventory pre-receive`: read stdin, print the verdict, exit 0 or 1.
pub fn pre_receive(opts: &Options) -> u8 {
    let mut input = String::new();
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut buf = String::new();
    loop {
        buf.clear();
        match lock.read_line(&mut buf) {
            Ok(0) => break,
            Ok(_) => input.push_str(&buf),
            Err(e) => {
                eprintln!("git-inventory: cannot read the push's ref list: {e}: push rejected (the hook fails closed)");
                return 1;
            }
        }
    }
    // One ref (the usual push): its trees and models are left to process
    // exit. Several refs are validated one after the other and freed.
    if input.lines().filter(|l| !l.trim().is_empty()).count() <= 1 {
        crate::FREE_AT_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let git_dir = std::env::var_os("GIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let gitlab = opts.gitlab || std::env::var_os("GL_ID").is_some();
    let timeout = opts
        .timeout
        .unwrap_or_else(|| server_timeout(&git_dir, opts));
    let (tx, rx) = std::sync::mpsc::channel();
    let (inp, dir, o) = (input.clone(), git_dir.clone(), opts.clone());
    std::thread::spawn(move || {
        let _ = tx.send(decide(&inp, &dir, &o));
    });
    let limit = std::time::Duration::try_from_secs_f64(timeout.max(0.0))
        .unwrap_or(std::time::Duration::from_secs(24 * 3600));
    let v = match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(_) => Verdict {
            accept: false,
            lines: vec![format!(
                "git-inventory: validation did not finish within {timeout} s: push rejected (the hook fails closed; see --timeout)"
            )],
        },
    };
    for l in &v.lines {
        if gitlab {
            eprintln!("GL-HOOK-ERR: {l}");
        } else {
            eprintln!("{l}");
        }
    }
    if v.accept {
        0
    } else {
        1
    }
}

/// Validate the default branch's tip as the hook would (`config` as given
/// to `install`), noting it as accepted when it has no error, so that the
/// first push onto it is validated for what it changes. `None` for a
/// repository without commits; else the tip and its error count.
pub fn note_tip(repo: &Path, config: Option<&Path>) -> Result<Option<(String, usize)>, String> {
    let r = Repo::open(repo)?;
    let Some(tip) = r.default_branch_tip() else {
        return Ok(None);
    };
    let head = gix::open(repo)
        .ok()
        .and_then(|g| g.head_name().ok().flatten())
        .map(|n| n.as_bstr().to_string())
        .unwrap_or_else(|| "HEAD".to_string());
    let opts = Options {
        config: config.map(Path::to_path_buf),
        mode: Some(Mode::Strict),
        gitlab: false,
        timeout: None,
    };
    let u = RefUpdate {
        old: "0".repeat(tip.len()),
        new: tip.clone(),
        name: head,
    };
    let mut lines = Vec::new();
    let blocking = check_ref(&r, &u, &opts, &mut lines)?;
    Ok(Some((tip, blocking)))
}

/// First line of every shim we write; how `install` recognises its own.
pub const MARKER: &str = "# git-inventory hook: installed by `git-inventory hook install`";

fn hook_path(repo: &Path, gitlab: bool) -> PathBuf {
    if gitlab {
        repo.join("custom_hooks/pre-receive.d/git-inventory")
    } else {
        repo.join("hooks/pre-receive")
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Write the pre-receive shim into a bare repository.
pub fn install(
    repo: &Path,
    gitlab: bool,
    force: bool,
    config: Option<&Path>,
) -> Result<PathBuf, String> {
    if !repo.join("objects").is_dir() || !repo.join("refs").is_dir() {
        return Err(format!("{}: not a bare git repository", repo.display()));
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| format!("cannot find this program's path: {e}"))?;
    let path = hook_path(repo, gitlab);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.contains(MARKER) && !force {
            return Err(format!(
                "{} exists and is not ours: use --force to replace it",
                path.display()
            ));
        }
    } else if path.exists() && !force {
        return Err(format!(
            "{} exists: use --force to replace it",
            path.display()
        ));
    }
    let mut args = String::from("pre-receive");
    if gitlab {
        args.push_str(" --gitlab");
    }
    if let Some(c) = config {
        let c = c
            .canonicalize()
            .map_err(|e| format!("{}: {e}", c.display()))?;
        args.push_str(&format!(" --config {}", shell_quote(&c.to_string_lossy())));
    }
    let text = format!(
        "#!/bin/sh\n{MARKER}\n# Validates every pushed inventory; remove with `git-inventory hook uninstall`.\nexec {} {args} \"$@\"\n",
        shell_quote(&exe.to_string_lossy())
    );
    let dir = path.parent().ok_or("bad hook path")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tmp = dir.join(".git-inventory-hook.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Remove our shim (and only ours).
pub fn uninstall(repo: &Path, gitlab: bool) -> Result<PathBuf, String> {
    let path = hook_path(repo, gitlab);
    let text = std::fs::read_to_string(&path)
        .map_err(|_| format!("{}: no hook installed", path.display()))?;
    if !text.contains(MARKER) {
        return Err(format!("{} is not ours: left in place", path.display()));
    }
    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ref_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let v = parse_updates(&format!(
            "{z} {a} refs/heads/main\n{a} {z} refs/heads/old\n"
        ))
        .unwrap();
        assert_eq!(v.len(), 2);
        assert!(is_zero(&v[1].new));
        let s = "b".repeat(64);
        assert!(parse_updates(&format!("{s} {s} refs/heads/x\n")).is_ok());
        assert!(parse_updates("garbage\n").is_err());
        assert!(parse_updates(&format!("{a} {s} refs/heads/x\n")).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("refs/heads/*", "refs/heads/feature/x"));
        assert!(glob_match("refs/heads/main", "refs/heads/main"));
        assert!(!glob_match("refs/heads/main", "refs/heads/main2"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("refs/*/release-*", "refs/heads/release-1"));
    }

    #[test]
    fn bad_input_fails_closed() {
        let v = decide(
            "not a ref line\n",
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(!v.accept);
        assert!(v.lines[0].contains("fails closed"));
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let v = decide(
            &format!("{z} {a} refs/heads/main\n"),
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(!v.accept, "an unreadable repository rejects");
        let v = decide(
            &format!("{a} {z} refs/heads/main\n"),
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(v.accept, "a deletion needs no objects");
    }
}
