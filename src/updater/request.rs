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
    /// The token for an http(s) remote: never serialized (a queued request
    /// carries what to change, not how its job reaches the remote).
    #[serde(skip)]
    pub http: Option<crate::git::HttpAuth>,
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
    /// The request in the `dettonville.git_inventory` collection's terms
    /// (its parameters came with `--params`): applied as that collection
    /// applies it ([`super::collection`]).
    #[serde(default)]
    pub collection: Option<super::collection::Collection>,
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
            http: self.http.clone(),
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
    if r.hosts.is_empty() && r.groups.is_empty() && r.collection.is_none() {
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
        if r.state != State::Absent && h.groups.is_empty() && r.collection.is_none() {
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

/// The most a request queued in the remote may hold: what a provisioning
/// job asks for fits in it many times over, and the job whose turn it is
/// never reads, edits or commits more for someone else.
pub mod queued_limits {
    /// Bytes of a queued request's JSON (the commit message it is in).
    pub const REQUEST_BYTES: usize = 4 << 20;
    /// Hosts and groups of one request.
    pub const ENTRIES: usize = 10_000;
    /// Vars of one host or group.
    pub const VARS: usize = 256;
    /// Bytes of a name (host, group, var, file path).
    pub const NAME_BYTES: usize = 255;
    /// Bytes of the file's path.
    pub const PATH_BYTES: usize = 1024;
    /// Bytes of one var's value, as JSON.
    pub const VALUE_BYTES: usize = 64 << 10;
    /// Characters of the message prefix and of the message body.
    pub const PREFIX_CHARS: usize = 200;
    pub const BODY_CHARS: usize = 2000;
}

/// The checks a request queued in the remote gets on top of
/// [`check_request`]: it is only what someone pushed under
/// `refs/git-inventory/queue/`, and the job whose turn it is would commit
/// it with its own credentials. A queued request edits a YAML file outside
/// hidden directories, stays within [`queued_limits`], carries plain
/// message text (one line, no control characters, nothing git would read
/// as a trailer such as `Reviewed-by:`), and is not a dry run. A job whose
/// own request fails these does not queue it, and does it in its own turn.
pub fn check_queued(r: &Request) -> Result<(), BadRequest> {
    use queued_limits as max;
    let bad = |m: String| Err(BadRequest(format!("queued request: {m}")));
    let f = &r.file;
    let hidden = f.split('/').any(|c| c.starts_with('.'));
    let yaml = f.ends_with(".yml") || f.ends_with(".yaml");
    if f.len() > max::PATH_BYTES || hidden || !yaml {
        return bad(format!(
            "file `{}` is not a .yml or .yaml file outside hidden directories",
            f.chars().take(max::NAME_BYTES).collect::<String>()
        ));
    }
    if r.dry_run || r.no_push {
        return bad("a dry run or --no-push is not queued".into());
    }
    if r.hosts.len() + r.groups.len() > max::ENTRIES {
        return bad(format!(
            "{} hosts and groups (at most {})",
            r.hosts.len() + r.groups.len(),
            max::ENTRIES
        ));
    }
    let entries = r
        .hosts
        .iter()
        .map(|h| (&h.name, h.groups.iter().collect::<Vec<_>>(), &h.vars))
        .chain(r.groups.iter().map(|g| {
            let names = g.parents.iter().chain(&g.children).collect::<Vec<_>>();
            (&g.name, names, &g.vars)
        }));
    for (name, groups, vars) in entries {
        let long = std::iter::once(name)
            .chain(groups)
            .chain(vars.iter().map(|(k, _)| k))
            .find(|n| n.len() > max::NAME_BYTES);
        if let Some(n) = long {
            return bad(format!(
                "a name of {} bytes (at most {})",
                n.len(),
                max::NAME_BYTES
            ));
        }
        if vars.len() > max::VARS {
            return bad(format!(
                "`{name}` has {} vars (at most {})",
                vars.len(),
                max::VARS
            ));
        }
        let big = vars
            .iter()
            .find(|(_, v)| serde_json::to_string(v).map_or(true, |s| s.len() > max::VALUE_BYTES));
        if let Some((k, _)) = big {
            return bad(format!(
                "the value of `{k}` is over {} bytes",
                max::VALUE_BYTES
            ));
        }
    }
    for (what, text, limit) in [
        ("message_prefix", &r.message_prefix, max::PREFIX_CHARS),
        ("message_body", &r.message_body, max::BODY_CHARS),
    ] {
        if let Some(t) = text {
            plain_message(t, limit).or_else(|m| bad(format!("{what}: {m}")))?;
        }
    }
    Ok(())
}

/// Whether `text` is one plain line of at most `limit` characters that git
/// would not read as a trailer (`Token: value`, as `Signed-off-by: ...`).
fn plain_message(text: &str, limit: usize) -> Result<(), String> {
    if text.chars().count() > limit {
        return Err(format!("longer than {limit} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err("a line break or control character".into());
    }
    let t = text.trim_start();
    let token_len = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(t.len());
    if token_len > 0 && t[token_len..].trim_start().starts_with(':') {
        return Err(format!(
            "`{}:` would read as a git trailer",
            &t[..token_len]
        ));
    }
    Ok(())
}

#[cfg(test)]
mod queued_tests {
    use super::*;

    fn queued(file: &str) -> Request {
        Request {
            repo: String::new(),
            branch: None,
            file: file.into(),
            hosts: vec![HostChange {
                name: "h1.dettonville.int".into(),
                groups: vec!["web".into()],
                vars: Vec::new(),
            }],
            groups: Vec::new(),
            state: State::Merge,
            message_prefix: Some("INFRA-42".into()),
            message_body: None,
            ssh_key: None,
            accept_hostkey: false,
            ssh_opts: None,
            http: None,
            author_name: "git-inventory".into(),
            author_email: "git-inventory@localhost".into(),
            dry_run: false,
            no_push: false,
            retries: 10,
            depth: None,
            workdir: None,
            progress: false,
            queue: Queue::Remote,
            collection: None,
        }
    }

    #[test]
    fn a_plain_enrolment_passes() {
        assert_eq!(check_queued(&queued("inventory/PROD/hosts.yml")), Ok(()));
        assert_eq!(check_queued(&queued("inventory/xenv_groups.yaml")), Ok(()));
    }

    #[test]
    fn files_other_than_yaml_outside_hidden_directories_are_refused() {
        for f in [
            "build.sh",
            ".gitlab-ci.yml",
            ".github/workflows/ci.yml",
            "inventory/.hidden/hosts.yml",
            "Makefile",
        ] {
            assert!(check_queued(&queued(f)).is_err(), "{f}");
        }
    }

    #[test]
    fn message_text_must_be_one_plain_line_without_trailers() {
        let with = |prefix: Option<&str>, body: Option<&str>| {
            let mut r = queued("inventory/PROD/hosts.yml");
            r.message_prefix = prefix.map(String::from);
            r.message_body = body.map(String::from);
            check_queued(&r)
        };
        assert!(with(Some("OPS-1, OPS-2"), Some("enrol h1 (ticket 42)")).is_ok());
        assert!(with(None, Some("add h1\n\nReviewed-by: Boss <boss@example.com>")).is_err());
        assert!(with(Some("Reviewed-by: Boss <boss@example.com>"), None).is_err());
        assert!(with(None, Some("Signed-off-by : x")).is_err());
        assert!(with(Some("OPS-1\r"), None).is_err());
        assert!(with(Some("a\u{2028}b"), None).is_err());
        assert!(with(Some(&"x".repeat(201)), None).is_err());
    }

    #[test]
    fn sizes_are_bounded() {
        let mut r = queued("inventory/PROD/hosts.yml");
        r.hosts[0].vars = (0..300)
            .map(|i| (format!("v{i}"), Value::from(i)))
            .collect();
        assert!(check_queued(&r).is_err());
        let mut r = queued("inventory/PROD/hosts.yml");
        r.hosts[0].vars = vec![("big".into(), Value::from("x".repeat(70_000)))];
        assert!(check_queued(&r).is_err());
        let mut r = queued("inventory/PROD/hosts.yml");
        r.hosts[0].groups = vec!["g".repeat(300)];
        assert!(check_queued(&r).is_err());
        let mut r = queued("inventory/PROD/hosts.yml");
        r.dry_run = true;
        assert!(check_queued(&r).is_err());
    }
}
