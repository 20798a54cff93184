//! Moving commits between repositories: clones (a shallow bare clone over
//! the network with gix, `git clone` for `file://`, or borrowing a local
//! repository's objects), fetches, and pushes, whose outcome is typed.

use super::cli::{self, Ssh};
use super::error::GitError;
use super::repo::Repo;
use super::store::ObjectId;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

/// The server side of a clone or fetch from a `file://` URL. It runs on
/// this machine and its pack goes through a pipe, not a network: sending
/// whole objects at the fastest compression beats searching for deltas
/// (a shallow clone of a 34 MB inventory spends seconds in the delta
/// search and compression with git's defaults).
const LOCAL_UPLOAD_PACK: &str = "git -c pack.window=0 -c pack.compression=1 upload-pack";

/// The server side of a push to a `file://` URL (it runs on this machine).
/// A push of a few objects is normally exploded into loose objects, each
/// compressed again and written on its own; kept as the pack it arrived
/// in, it is only indexed, and the server's hook starts sooner.
const LOCAL_RECEIVE_PACK: &str = "git -c receive.unpackLimit=1 receive-pack";

/// The words of the pre-receive hook's message when it ran out of time:
/// the hook writes them, and a push that meets them was given no verdict.
pub const HOOK_TIMED_OUT: &str = "validation did not finish within";

/// The words of the pre-receive hook's message when it failed without a
/// verdict (an object it could not read, a panic): the push may pass when
/// tried again.
pub const HOOK_FAILED: &str = "the hook could not judge the push";

/// Whether one of the hook's `remote:` lines is its own message starting
/// with `marker` (`remote: [GL-HOOK-ERR: ]git-inventory: <marker>...`).
/// Only the hook writes a line that starts so: its findings start with a
/// path and a line number, so what an inventory holds cannot pass for it.
fn hook_said(remote: &[String], marker: &str) -> bool {
    remote.iter().any(|l| {
        let l = l.trim_start_matches("remote:").trim_start();
        let l = l.strip_prefix("GL-HOOK-ERR:").map_or(l, str::trim_start);
        l.strip_prefix("git-inventory: ")
            .is_some_and(|m| m.starts_with(marker))
    })
}

/// What to clone, and how.
#[derive(Debug, Clone)]
pub struct CloneSpec<'a> {
    /// The repository as the user named it (for messages).
    pub name: &'a str,
    /// Only this branch; `None`: the remote's HEAD.
    pub branch: Option<&'a str>,
    /// The last this many commits; `None`: the branch's whole history.
    pub depth: Option<NonZeroU32>,
    pub ssh: &'a Ssh,
    /// Show progress bars on stderr.
    pub progress: bool,
}

/// A URL (`scheme://...`) or scp-like `host:path`, not a local path.
fn looks_remote(repo: &str) -> bool {
    repo.contains("://")
        || (repo.contains(':') && !repo.starts_with('/') && repo.find(':') < repo.find('/'))
}

/// The repository directory when `repo` is a local path (not a URL,
/// `file://` included: that one goes through git's transport, as with git).
pub fn local_source(repo: &str) -> Option<PathBuf> {
    if looks_remote(repo) {
        return None;
    }
    let p = std::path::absolute(repo).ok()?;
    p.is_dir().then_some(p)
}

/// A local path becomes a file:// URL (so shallow clones work).
pub fn normalize_url(repo: &str) -> String {
    if looks_remote(repo) {
        return repo.to_string();
    }
    match std::path::absolute(repo) {
        Ok(p) => format!("file://{}", p.display()),
        Err(_) => repo.to_string(),
    }
}

/// Whether `url` names a repository on this machine.
fn on_this_machine(url: &str) -> bool {
    url.starts_with("file://")
}

/// A bare clone of `url` at `dest` (which is replaced): `git clone` with
/// `LOCAL_UPLOAD_PACK` for `file://`, else gix (ssh, http, git://; ssh
/// through the system ssh with the job's key).
pub fn clone(url: &str, dest: &Path, spec: &CloneSpec<'_>) -> Result<Repo, GitError> {
    let _ = std::fs::remove_dir_all(dest);
    if on_this_machine(url) {
        return clone_with_git(url, dest, spec, Some(LOCAL_UPLOAD_PACK));
    }
    // http(s) through git itself (curl, its credential set-up, the token
    // in its environment).
    if is_http(url) {
        return clone_with_git(url, dest, spec, None);
    }
    clone_with_gix(url, dest, spec).or_else(|first| {
        // gix reports an ssh failure as "handshake failed", ssh's own
        // words (an unknown host key, a refused key or connection) lost:
        // git, asked the same, says them.
        let _ = std::fs::remove_dir_all(dest);
        clone_with_git(url, dest, spec, None).map_err(|e| match e {
            GitError::Clone { .. } => e,
            _ => first,
        })
    })
}

/// Whether `url` is an http or https URL.
fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A bare clone with gix of the last `depth` commits, or of the whole
/// history: only the named branch when one is given (fetched as a
/// revision, no other refs), else the remote HEAD. Which is cheaper depends
/// on the server: from packed objects a full clone is sent as it is, where
/// a shallow one makes the server rebuild and recompress the tip's files;
/// with pushes left as loose objects the full clone recompresses every
/// version. Shallow is the bounded default.
fn clone_with_gix(url: &str, dest: &Path, spec: &CloneSpec<'_>) -> Result<Repo, GitError> {
    let failed = |e: &dyn std::fmt::Display| GitError::Clone {
        repo: spec.name.to_string(),
        message: e.to_string(),
    };
    let mut prep = gix::prepare_clone_bare(url, dest).map_err(|e| failed(&e))?;
    if let Some(depth) = spec.depth {
        prep = prep.with_shallow(gix::remote::fetch::Shallow::DepthAtRemote(depth));
    }
    if let Some(b) = spec.branch {
        prep = prep
            .with_revision(Some(format!("refs/heads/{b}")))
            .map_err(|e| GitError::Branch {
                branch: b.to_string(),
                message: e.to_string(),
            })?;
    }
    if let Some(cmd) = spec.ssh.command() {
        prep = prep.with_in_memory_config_overrides([format!("core.sshCommand={cmd}")]);
    }
    let interrupt = std::sync::atomic::AtomicBool::new(false);
    let (repo, _) = if spec.progress {
        let bridge = super::progress::Bridge::stderr();
        prep.fetch_only(bridge.task("clone"), &interrupt)
    } else {
        prep.fetch_only(gix::progress::Discard, &interrupt)
    }
    .map_err(|e| failed(&e))?;
    // Opened again with room for the packs later fetches add.
    drop(repo);
    Repo::open(dest)
}

/// A bare clone with git itself (for a `file://` URL, since gix cannot
/// name the upload-pack command; for http(s); and to say why an ssh clone
/// failed): the depth as asked, only the branch (or the remote HEAD), no
/// tags.
fn clone_with_git(
    url: &str,
    dest: &Path,
    spec: &CloneSpec<'_>,
    upload_pack: Option<&str>,
) -> Result<Repo, GitError> {
    let depth = spec.depth.map(|d| d.to_string());
    let parent = dest.parent().unwrap_or(Path::new("."));
    let dest_s = dest.to_string_lossy();
    let mut args = vec!["clone", "--bare", "--quiet", "--no-tags", "--single-branch"];
    if let Some(u) = upload_pack {
        args.extend(["--upload-pack", u]);
    }
    if let Some(d) = &depth {
        args.extend(["--depth", d.as_str()]);
    }
    if let Some(b) = spec.branch {
        args.extend(["--branch", b]);
    }
    args.extend(["--", url, &dest_s]);
    let out = cli::run(spec.ssh, parent, &args)?;
    if !out.ok {
        return Err(GitError::Clone {
            repo: spec.name.to_string(),
            message: out.stderr.trim().to_string(),
        });
    }
    Repo::open(dest)
}

/// `git fetch` of `branch`'s tip into the clone at `clone` (FETCH_HEAD),
/// `depth` commits deep.
pub fn fetch_tip(
    ssh: &Ssh,
    clone: &Path,
    url: &str,
    branch: &str,
    depth: Option<NonZeroU32>,
) -> Result<(), GitError> {
    let depth = depth.map(|d| d.to_string());
    let mut args = vec!["fetch", "--quiet", "--no-tags"];
    if on_this_machine(url) {
        args.extend(["--upload-pack", LOCAL_UPLOAD_PACK]);
    }
    if let Some(d) = &depth {
        args.extend(["--depth", d.as_str()]);
    }
    args.extend([url, branch]);
    let out = cli::run(ssh, clone, &args)?;
    if out.ok {
        Ok(())
    } else {
        Err(GitError::Fetch {
            what: branch.to_string(),
            message: out.stderr.trim().to_string(),
        })
    }
}

/// A kept clone at `clone`: fetch the branch's current tip into it
/// (FETCH_HEAD).
pub fn refresh(clone: &Path, url: &str, spec: &CloneSpec<'_>) -> Result<Repo, GitError> {
    let repo = Repo::open(clone)?;
    let branch = match spec.branch {
        Some(b) => b.to_string(),
        None => repo.head_branch().unwrap_or_else(|| "HEAD".to_string()),
    };
    fetch_tip(spec.ssh, clone, url, &branch, spec.depth).map_err(|e| match e {
        GitError::Fetch { message, .. } => GitError::Fetch {
            what: format!("{branch} into {}", clone.display()),
            message,
        },
        e => e,
    })?;
    Repo::open(clone)
}

/// The commit a branch of the local repository `src` points at now.
pub fn branch_tip(src: &Path, branch: &str) -> Result<ObjectId, GitError> {
    let repo =
        gix::open_opts(src, super::store::open_options()).map_err(|e| GitError::open(src, e))?;
    let bad = |e: &dyn std::fmt::Display| GitError::Branch {
        branch: branch.to_string(),
        message: e.to_string(),
    };
    let mut r = repo
        .find_reference(format!("refs/heads/{branch}").as_str())
        .map_err(|e| bad(&e))?;
    r.peel_to_id().map(|id| id.detach()).map_err(|e| bad(&e))
}

/// A bare repository at `dest` that borrows the objects of the local
/// repository `src` (`objects/info/alternates`, as `git clone --shared`
/// does) instead of copying them: what it needs is read in place, and
/// what is written (blobs, trees, a commit) goes to `dest` only. Its HEAD
/// names the branch, which points at the source's tip. Nothing in `src` is
/// written; a push is the only way a change reaches it.
pub fn borrow(src: &Path, dest: &Path, branch: Option<&str>, name: &str) -> Result<Repo, GitError> {
    let source =
        gix::open_opts(src, super::store::open_options()).map_err(|e| GitError::open(name, e))?;
    let source = Repo(source);
    let branch = match branch {
        Some(b) => b.to_string(),
        None => source.head_branch().ok_or_else(|| {
            GitError::Object(format!("{name}: the repository has no default branch"))
        })?,
    };
    // A name git accepts as a branch (nothing like `../x` becomes a path).
    let full = format!("refs/heads/{branch}");
    gix::refs::FullName::try_from(full.as_str()).map_err(|e| GitError::Branch {
        branch: branch.clone(),
        message: format!("not a valid branch name ({e})"),
    })?;
    let tip = branch_tip(src, &branch)?;
    let objects = std::path::absolute(source.objects_dir()).map_err(|e| GitError::open(name, e))?;
    let _ = std::fs::remove_dir_all(dest);
    let repo = Repo::init_bare(dest)?;
    let info = repo.objects_dir().join("info");
    let write = |p: PathBuf, text: String| {
        std::fs::create_dir_all(p.parent().unwrap_or(dest))
            .and_then(|_| std::fs::write(&p, text))
            .map_err(|e| GitError::Write(format!("cannot write {}: {e}", p.display())))
    };
    write(info.join("alternates"), format!("{}\n", objects.display()))?;
    write(dest.join("HEAD"), format!("ref: refs/heads/{branch}\n"))?;
    write(dest.join(&full), format!("{tip}\n"))?;
    Repo::open(dest)
}

/// How a push of a branch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Pushed,
    /// Another push got there first (non-fast-forward, or the ref moved
    /// while the server's hook ran): fetch, re-apply, push again.
    Raced {
        remote: Vec<String>,
    },
    /// The server's hook ran out of time: no verdict, try again later.
    HookTimedOut {
        remote: Vec<String>,
    },
    /// The server's hook failed without a verdict (see [`HOOK_FAILED`]):
    /// try again later.
    HookFailed {
        remote: Vec<String>,
    },
    /// The server's pre-receive hook declined the push: a verdict.
    HookRefused {
        remote: Vec<String>,
    },
    /// Anything else (no connection, no permission, a broken server).
    Failed {
        stderr: String,
        remote: Vec<String>,
    },
}

/// `git push --porcelain --atomic url commit:refs/heads/branch`, from the
/// repository at `from`.
pub fn push_branch(
    ssh: &Ssh,
    from: &Path,
    url: &str,
    commit: ObjectId,
    branch: &str,
) -> Result<PushOutcome, GitError> {
    let refspec = format!("{commit}:refs/heads/{branch}");
    let mut args: Vec<&str> = Vec::new();
    let local = on_this_machine(url);
    if local {
        // Nothing crosses a network: whole objects at the fastest
        // compression rather than a search for deltas.
        args.extend(["-c", "pack.window=0", "-c", "pack.compression=1"]);
    }
    args.extend(["push", "--porcelain", "--atomic"]);
    if local {
        args.extend(["--receive-pack", LOCAL_RECEIVE_PACK]);
    }
    args.extend([url, refspec.as_str()]);
    let out = cli::run(ssh, from, &args)?;
    Ok(if out.ok {
        PushOutcome::Pushed
    } else {
        classify(&out.stdout, &out.stderr)
    })
}

/// What a failed `git push --porcelain` said, as an outcome.
fn classify(stdout: &str, stderr: &str) -> PushOutcome {
    let remote: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("remote:"))
        .map(|l| cli::redact(l.trim_end()))
        .collect();
    let text = format!("{stdout}\n{stderr}");
    if text.contains("hook declined") {
        if hook_said(&remote, HOOK_TIMED_OUT) {
            return PushOutcome::HookTimedOut { remote };
        }
        if hook_said(&remote, HOOK_FAILED) {
            return PushOutcome::HookFailed { remote };
        }
        return PushOutcome::HookRefused { remote };
    }
    // Either git saw the new tip before sending (non-fast-forward), or both
    // pushes passed the hook and this one lost the ref lock on the server.
    let raced = (text.contains("[rejected]")
        && (text.contains("fetch first") || text.contains("non-fast-forward")))
        || (text.contains("[remote rejected]")
            && (text.contains("failed to update ref")
                || text.contains("cannot lock ref")
                || text.contains("incorrect old value")));
    if raced {
        PushOutcome::Raced { remote }
    } else {
        PushOutcome::Failed {
            stderr: stderr.trim().to_string(),
            remote,
        }
    }
}

/// A remote spoken to through refs only (no branch is changed): pushes
/// under leases, `ls-remote`, fetches of refspecs, from a scratch
/// repository at `from`.
pub struct Refs<'a> {
    pub ssh: &'a Ssh,
    pub from: &'a Path,
    pub url: &'a str,
}

impl Refs<'_> {
    fn git(&self, args: &[&str]) -> Option<cli::Output> {
        cli::run(self.ssh, self.from, args).ok()
    }

    /// Push `specs` (`src:dst`, `:dst` to delete) with `leases`
    /// (`ref:value`, `ref:` for "must not exist"); which destinations were
    /// updated. Not atomic unless asked: each ref stands alone.
    pub fn push(&self, atomic: bool, leases: &[String], specs: &[String]) -> Option<Vec<String>> {
        let mut args: Vec<String> = vec!["push".into(), "--porcelain".into()];
        if atomic {
            args.push("--atomic".into());
        }
        if on_this_machine(self.url) {
            args.extend(["--receive-pack".into(), LOCAL_RECEIVE_PACK.into()]);
        }
        args.extend(leases.iter().map(|l| format!("--force-with-lease={l}")));
        args.push(self.url.to_string());
        args.extend(specs.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Some(pushed(&self.git(&args)?.stdout))
    }

    /// Delete every ref under `prefix` (`refs/x/`) in the remote that the
    /// scratch repository does not have under the same name, in one push
    /// (`--prune`): what thousands of deletions, each named, would cost
    /// many times over (git matches each named ref against all the
    /// remote's). Whether the push ran.
    pub fn prune(&self, prefix: &str) -> bool {
        let spec = format!("{prefix}*:{prefix}*");
        let mut args = vec!["push", "--porcelain", "--prune"];
        if on_this_machine(self.url) {
            args.extend(["--receive-pack", LOCAL_RECEIVE_PACK]);
        }
        args.extend([self.url, spec.as_str()]);
        self.git(&args).is_some_and(|o| o.ok)
    }

    /// The values of `refs` in the remote (absent ones left out).
    pub fn ls_remote(&self, refs: &[&str]) -> Option<HashMap<String, String>> {
        let mut args = vec!["ls-remote", self.url];
        args.extend(refs);
        let out = self.git(&args)?;
        if !out.ok {
            return None;
        }
        Some(
            out.stdout
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .filter(|(_, name)| refs.contains(name))
                .map(|(oid, name)| (name.to_string(), oid.to_string()))
                .collect(),
        )
    }

    /// The refs under `prefix` (`refs/git-inventory/queue/`) in the
    /// remote: each one's full name and value.
    pub fn ls_remote_under(&self, prefix: &str) -> Option<Vec<(String, String)>> {
        let pattern = format!("{prefix}*");
        let out = self.git(&["ls-remote", self.url, &pattern])?;
        if !out.ok {
            return None;
        }
        Some(
            out.stdout
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .filter(|(_, name)| name.starts_with(prefix))
                .map(|(oid, name)| (name.to_string(), oid.to_string()))
                .collect(),
        )
    }

    /// Fetch `refspecs` from the remote into the scratch repository.
    pub fn fetch(&self, refspecs: &[&str]) -> bool {
        self.fetch_with(&[], refspecs)
    }

    /// Fetch the commit `oid` and its tree (not its history) into the
    /// scratch repository, as `into`. A commit the remote holds can be
    /// asked for by id (git's protocol v2), whatever ref reaches it.
    pub fn fetch_commit(&self, oid: &str, into: &str) -> bool {
        self.fetch_with(&["--depth", "1"], &[&format!("{oid}:{into}")])
    }

    fn fetch_with(&self, options: &[&str], refspecs: &[&str]) -> bool {
        let mut args = vec!["fetch", "--quiet", "--no-tags", "--no-write-fetch-head"];
        args.extend(options);
        if on_this_machine(self.url) {
            args.extend(["--upload-pack", LOCAL_UPLOAD_PACK]);
        }
        args.push(self.url);
        args.extend(refspecs);
        self.git(&args).is_some_and(|o| o.ok)
    }
}

/// The destinations a `git push --porcelain` updated (every flag but `!`).
fn pushed(porcelain: &str) -> Vec<String> {
    porcelain
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let flag = f.next()?;
            let spec = f.next()?;
            let (_, dst) = spec.rsplit_once(':')?;
            (flag.len() == 1 && flag != "!").then(|| dst.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{classify, pushed, PushOutcome};

    #[test]
    fn porcelain_lines_name_what_was_updated() {
        let out = "To file:///srv.git\n\
                   *\tabc:refs/git-inventory/queue/x\t[new reference]\n\
                   !\tdef:refs/git-inventory/turn\t[rejected] (stale info)\n\
                   -\t:refs/git-inventory/done/y\t[deleted]\n\
                   Done\n";
        assert_eq!(
            pushed(out),
            vec![
                "refs/git-inventory/queue/x".to_string(),
                "refs/git-inventory/done/y".to_string()
            ]
        );
    }

    #[test]
    fn failed_pushes_are_told_apart() {
        let raced = "!\tc:refs/heads/main\t[rejected] (fetch first)\n";
        assert!(matches!(classify(raced, ""), PushOutcome::Raced { .. }));
        let refused = "remote: x.yml:1:1: INV002 dup\n ! [remote rejected] main (pre-receive hook declined)\n";
        match classify("", refused) {
            PushOutcome::HookRefused { remote } => {
                assert_eq!(remote, vec!["remote: x.yml:1:1: INV002 dup"])
            }
            o => panic!("{o:?}"),
        }
        let late = format!(
            "remote: git-inventory: {} 4 s: push rejected\n ! [remote rejected] main (pre-receive hook declined)\n",
            super::HOOK_TIMED_OUT
        );
        assert!(matches!(
            classify("", &late),
            PushOutcome::HookTimedOut { .. }
        ));
        let failed = format!(
            "remote: GL-HOOK-ERR: git-inventory: {}: cannot read object 1234: push rejected (the hook fails closed)    \n ! [remote rejected] main (pre-receive hook declined)\n",
            super::HOOK_FAILED
        );
        assert!(matches!(
            classify("", &failed),
            PushOutcome::HookFailed { .. }
        ));
        // A finding that quotes the words is still a verdict.
        let quoted = format!(
            "remote: inventory/PROD/hosts.yml:3:5: INV023 x is `git-inventory: {}`\n ! [remote rejected] main (pre-receive hook declined)\n",
            super::HOOK_FAILED
        );
        assert!(matches!(
            classify("", &quoted),
            PushOutcome::HookRefused { .. }
        ));
        assert!(matches!(
            classify("", "fatal: could not read from remote repository"),
            PushOutcome::Failed { .. }
        ));
    }
}
