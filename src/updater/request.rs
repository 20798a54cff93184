//! What an update is asked to do: hosts and groups to add or remove, where,
//! by whom, how, and the checks made before anything is touched.

use crate::git::{Author, Ssh};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

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
/// is, see [`super::queue`]).
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

    /// How git reaches the remote for this request.
    pub fn ssh(&self) -> Ssh {
        Ssh {
            key: self.ssh_key.clone(),
            accept_hostkey: self.accept_hostkey,
            opts: self.ssh_opts.clone(),
        }
    }

    /// Who the commit is by.
    pub fn author(&self) -> Author {
        Author {
            name: self.author_name.clone(),
            email: self.author_email.clone(),
        }
    }
}

/// How concurrent jobs take turns ([`super::queue`]).
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

/// A request that cannot be done as asked (exit 2, nothing touched).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadRequest(pub String);

/// Validate what we were asked before touching anything.
pub fn check_request(r: &Request) -> Result<(), BadRequest> {
    check(r).map_err(BadRequest)
}

/// The first thing wrong with the request, in words.
fn check(r: &Request) -> Result<(), String> {
    let f = &r.file;
    if f.is_empty()
        || f.starts_with('/')
        || f.contains('\\')
        || crate::vfs::normalize(f).as_deref() != Some(f.as_str())
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
        super::edit::check_host_name(&h.name).map_err(|e| e.0)?;
        check_host_not_a_path(&h.name)?;
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

/// A host name is also the name of its `host_vars/<host>` file: one with a
/// path separator or `..` in it would name another host's file, or a file
/// outside `host_vars/`, so it is refused in every state.
fn check_host_not_a_path(name: &str) -> Result<(), String> {
    if name.contains(['/', '\\']) || name.contains("..") || name == "." {
        return Err(format!(
            "host `{name}` is not a valid host name: a host name has no `/`, `\\` or `..`"
        ));
    }
    Ok(())
}

fn check_key_file(k: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(k).map_err(|e| format!("ssh key {}: {e}", k.display()))?;
    #[cfg(not(unix))]
    let _ = meta;
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
    Ok(())
}
