//! A request from the command line: its flags laid over the Ansible
//! module's parameters (`--params`), a flag winning over a parameter of the
//! same meaning, so a job can pass what it already has and override a part.

use super::params::{self, Params};
use super::request::{BadRequest, HostChange, Queue, Request, State};
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
    pub state: Option<State>,
    pub branch: Option<String>,
    pub message_prefix: Option<String>,
    pub ssh_key: Option<PathBuf>,
    /// `"Name <mail>"`.
    pub author: Option<String>,
    pub dry_run: bool,
    pub no_push: bool,
    pub workdir: Option<PathBuf>,
    pub retries: u32,
    /// 0: the whole history.
    pub depth: u32,
    pub queue: Queue,
    pub progress: bool,
}

impl Flags {
    /// The request these flags and parameters ask for.
    pub fn into_request(self) -> Result<Request, BadRequest> {
        let bad = |m: &str| BadRequest(m.to_string());
        let p = match &self.params_text {
            Some(text) => params::parse(text)?,
            None => Params::default(),
        };
        let mut hosts = params::hosts(&p.host_list);
        if let Some(text) = &self.hosts_text {
            hosts.extend(params::parse_hosts(text)?);
        }
        if let Some(h) = self.host {
            let vars = self
                .vars
                .iter()
                .map(|v| params::parse_var(v))
                .collect::<Result<Vec<_>, _>>()?;
            hosts.push(HostChange {
                name: h,
                groups: self.groups.clone(),
                vars,
            });
        } else if !self.groups.is_empty() || !self.vars.is_empty() {
            return Err(bad("--group and --var go with --host"));
        }
        let (mut name, mut email) = (
            p.git_user_name
                .clone()
                .unwrap_or_else(|| "git-inventory".into()),
            p.git_user_email
                .clone()
                .unwrap_or_else(|| "git-inventory@localhost".into()),
        );
        if let Some(au) = &self.author {
            let (n, m) = au
                .split_once('<')
                .and_then(|(n, rest)| rest.strip_suffix('>').map(|m| (n.trim(), m.trim())))
                .ok_or_else(|| BadRequest(format!("--author `{au}`: expected \"Name <mail>\"")))?;
            name = n.to_string();
            email = m.to_string();
        }
        let ssh = p.ssh_params.clone().unwrap_or_default();
        Ok(Request {
            repo: self
                .repo
                .or(p.inventory_repo_url)
                .ok_or_else(|| bad("--repo (inventory_repo_url) is required"))?,
            branch: self.branch.or(p.inventory_repo_branch),
            file: self
                .file
                .or(p.inventory_file)
                .ok_or_else(|| bad("--file (inventory_file) is required"))?,
            hosts,
            groups: params::groups(&p.group_list),
            state: self.state.or(p.state).unwrap_or(State::Merge),
            message_prefix: self.message_prefix.or(p.git_comment_prefix),
            message_body: p.git_comment_body,
            ssh_key: self.ssh_key.or(ssh.key_file.map(PathBuf::from)),
            accept_hostkey: ssh.accept_hostkey,
            ssh_opts: ssh.ssh_opts,
            author_name: name,
            author_email: email,
            dry_run: self.dry_run,
            no_push: self.no_push,
            retries: self.retries,
            depth: std::num::NonZeroU32::new(self.depth),
            workdir: self.workdir,
            queue: self.queue,
            progress: self.progress,
        })
    }
}
