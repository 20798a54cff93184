//! A request from the command line: its flags laid over the Ansible
//! modules' parameters (`--params`, `--param KEY=VALUE`), a flag winning
//! over a parameter of the same meaning, so a job can pass what it already
//! has and override a part. Parameters mean what the
//! `dettonville.git_inventory` modules mean ([`super::collection`]); a
//! request of flags only is the classic one ([`super::apply`]).

use super::collection::spec::{HostItem as Item, Parents};
use super::collection::{Collection, Local};
use super::params::{self, Params};
use super::request::{BadRequest, GroupChange, HostChange, Queue, Request, State};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// The `update` command's flags, with the texts of the files they name
/// already read (`--params`, `--hosts`).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub repo: Option<String>,
    pub file: Option<String>,
    pub host: Option<String>,
    pub groups: Vec<String>,
    /// `key=value`, YAML-typed values.
    pub vars: Vec<String>,
    /// The text of a `--hosts` file.
    pub hosts_text: Option<String>,
    /// The text of the `--params` JSON/YAML.
    pub params_text: Option<String>,
    /// `--param KEY=VALUE`: one parameter each, YAML-typed, over `--params`.
    pub param: Vec<String>,
    pub state: Option<State>,
    pub branch: Option<String>,
    pub message_prefix: Option<String>,
    pub ssh_key: Option<PathBuf>,
    /// A file holding the token for an http(s) remote (else
    /// `GIT_INVENTORY_HTTP_TOKEN`).
    pub http_token_file: Option<PathBuf>,
    /// The user name sent with the token (else `GIT_INVENTORY_HTTP_USER`,
    /// else `oauth2`).
    pub http_user: Option<String>,
    /// `"Name <mail>"`.
    pub author: Option<String>,
    pub dry_run: bool,
    pub no_push: bool,
    pub workdir: Option<PathBuf>,
    /// Default 10.
    pub retries: Option<u32>,
    /// Default 1; 0: the whole history.
    pub depth: Option<u32>,
    pub queue: Option<Queue>,
    pub progress: bool,
}

/// The parameters' text with the `--param` values laid over it (as
/// JSON: the schema check then sees them too).
fn params_text(text: Option<&str>, over: &[String]) -> Result<Option<String>, BadRequest> {
    if over.is_empty() {
        return Ok(text.map(String::from));
    }
    let mut map = match text {
        Some(t) => match serde_json::to_value(params::raw(t)?) {
            Ok(Value::Object(m)) => m,
            _ => return Err(BadRequest("params: not a mapping".into())),
        },
        None => Map::new(),
    };
    for kv in over {
        let (k, v) =
            params::parse_var(kv).map_err(|e| BadRequest(e.0.replace("--var", "--param")))?;
        map.insert(k, v);
    }
    Ok(Some(Value::Object(map).to_string()))
}

fn author(p: &Params, flag: Option<&str>) -> Result<(String, String), BadRequest> {
    if let Some(au) = flag {
        let (n, m) = au
            .split_once('<')
            .and_then(|(n, rest)| rest.strip_suffix('>').map(|m| (n.trim(), m.trim())))
            .ok_or_else(|| BadRequest(format!("--author `{au}`: expected \"Name <mail>\"")))?;
        return Ok((n.to_string(), m.to_string()));
    }
    Ok((
        p.git_user_name
            .clone()
            .unwrap_or_else(|| "git-inventory".into()),
        p.git_user_email
            .clone()
            .unwrap_or_else(|| "git-inventory@localhost".into()),
    ))
}

impl Flags {
    /// The request these flags and parameters ask for.
    pub fn into_request(self) -> Result<Request, BadRequest> {
        let bad = |m: &str| BadRequest(m.to_string());
        let text = params_text(self.params_text.as_deref(), &self.param)?;
        let p = match (&text, &self.params_text) {
            (Some(t), Some(orig)) if !self.param.is_empty() => {
                // The file's own errors with their lines, then the --param ones.
                params::parse(orig)?;
                params::parse_from(t, Some("--param"))?
            }
            (Some(t), _) => params::parse(t)?,
            (None, _) => Params::default(),
        };
        let vars = self
            .vars
            .iter()
            .map(|v| params::parse_var(v))
            .collect::<Result<Vec<_>, _>>()?;
        if self.host.is_none() && (!self.groups.is_empty() || !vars.is_empty()) {
            return Err(bad("--group and --var go with --host"));
        }
        let mut extra = Vec::new();
        if let Some(t) = &self.hosts_text {
            extra.extend(params::parse_hosts(t)?);
        }
        if let Some(h) = &self.host {
            extra.push(HostChange {
                name: h.clone(),
                groups: self.groups.clone(),
                vars,
            });
        }
        let (name, email) = author(&p, self.author.as_deref())?;
        let ssh = p.ssh_params.clone().unwrap_or_default();
        let mut file = self
            .file
            .clone()
            .or(p.inventory_file.clone())
            .ok_or_else(|| bad("--file (inventory_file) is required"))?;
        let repo = self.repo.clone().or(p.inventory_repo_url.clone());
        let (hosts, groups, collection) = if text.is_some() {
            let (mut c, ignored) = params::collection(&p)?;
            // As the collection does, an item key it does not know is not
            // used; unlike it, we say so.
            c.warnings.extend(ignored.iter().map(|k| {
                format!("{k}: not a key of a host or group item, not used (a host item has host_name, parent_groups or groups, host_vars; a group item group_name, parent_groups or groups, children, group_vars)")
            }));
            c.hosts.extend(extra.into_iter().map(|h| Item {
                parents: (!h.groups.is_empty()).then(|| Parents::List(h.groups.clone())),
                vars: (!h.vars.is_empty()).then(|| h.vars.into_iter().collect()),
                name: h.name,
            }));
            if let Some(d) = &p.inventory_dir {
                if !file.starts_with('/') {
                    file = format!("{}/{file}", d.trim_end_matches('/'));
                }
            }
            c.local = local(&p, repo.is_none())?;
            if let Some(l) = &c.local {
                file = l.relative(&file)?;
                if let Some(d) = &mut c.options.inventory_dir {
                    *d = l.relative(d)?;
                }
            }
            let (hosts, groups) = changes(&c);
            (hosts, groups, Some(c))
        } else {
            (extra, Vec::new(), None)
        };
        let keep = (p.remove_repo_dir == Some(false))
            .then(|| p.inventory_base_dir.clone().map(PathBuf::from))
            .flatten();
        Ok(Request {
            repo: match (&repo, &collection) {
                (Some(r), _) => r.clone(),
                (None, Some(c)) if c.local.is_some() => String::new(),
                _ => return Err(bad("--repo (inventory_repo_url) is required")),
            },
            branch: self.branch.or(p.inventory_repo_branch),
            file,
            hosts,
            groups,
            state: self.state.or(p.state).unwrap_or(State::Merge),
            message_prefix: self.message_prefix.or(p.git_comment_prefix),
            message_body: p.git_comment_body,
            ssh_key: self.ssh_key.or(ssh.key_file.map(PathBuf::from)),
            accept_hostkey: ssh.accept_hostkey,
            ssh_opts: ssh.ssh_opts,
            http: http_auth(self.http_token_file.as_deref(), self.http_user)?,
            author_name: name,
            author_email: email,
            dry_run: self.dry_run,
            no_push: self.no_push || p.test_mode == Some(true),
            retries: self.retries.or(p.retries).unwrap_or(10),
            depth: std::num::NonZeroU32::new(self.depth.or(p.clone_depth).unwrap_or(1)),
            workdir: self.workdir.or(keep),
            queue: self.queue.or(p.queue).unwrap_or_default(),
            progress: self.progress,
            collection,
        })
    }
}

/// The token for http(s) remotes: from `file` (one trailing newline
/// stripped), else `GIT_INVENTORY_HTTP_TOKEN`; none without either. The
/// error names the file, never what it holds.
fn http_auth(
    file: Option<&std::path::Path>,
    user: Option<String>,
) -> Result<Option<crate::git::HttpAuth>, BadRequest> {
    let token = match file {
        Some(f) => {
            crate::secret::read(f).map_err(|e| BadRequest(format!("--http-token-file: {e}")))?
        }
        None => match std::env::var("GIT_INVENTORY_HTTP_TOKEN") {
            Ok(t) if !t.is_empty() => t,
            _ => return Ok(None),
        },
    };
    let user = user
        .or_else(|| std::env::var("GIT_INVENTORY_HTTP_USER").ok())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "oauth2".into());
    Ok(Some(crate::git::HttpAuth { user, token }))
}

/// Without a repository URL: the folder edited in place.
fn local(p: &Params, no_repo: bool) -> Result<Option<Local>, BadRequest> {
    if !no_repo {
        return Ok(None);
    }
    let base = match &p.inventory_base_dir {
        Some(b) => PathBuf::from(b),
        None => std::env::current_dir()
            .map_err(|e| BadRequest(format!("cannot read the current folder: {e}")))?,
    };
    Ok(Some(Local {
        base,
        backup: p.backup == Some(true),
    }))
}

/// The hosts and groups the collection's items name, for the checks and
/// the summary every request gets.
fn changes(c: &Collection) -> (Vec<HostChange>, Vec<GroupChange>) {
    let hosts = c
        .hosts
        .iter()
        .map(|h| HostChange {
            name: h.name.clone(),
            groups: h.parents.as_ref().map(Parents::names).unwrap_or_default(),
            vars: h
                .vars
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect();
    let groups = c
        .groups
        .iter()
        .map(|g| GroupChange {
            name: g.name.clone(),
            parents: g.parents.as_ref().map(Parents::names).unwrap_or_default(),
            children: g
                .children
                .iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect(),
            vars: g
                .vars
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect();
    (hosts, groups)
}
