//! The one way this program runs the `git` command (for what gix cannot
//! do: push, and clones and fetches that name the server-side command),
//! with the job's ssh options, and the redaction of credentials from
//! anything git says.

use super::error::GitError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How git reaches an `ssh://` remote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ssh {
    /// The private key (`-i`, with `IdentitiesOnly=yes`, `BatchMode=yes`).
    pub key: Option<PathBuf>,
    /// Accept a host key not seen before (`StrictHostKeyChecking=accept-new`).
    pub accept_hostkey: bool,
    /// More options, given to ssh as they are.
    pub opts: Option<String>,
}

impl Ssh {
    /// The ssh command line for git (`GIT_SSH_COMMAND`, `core.sshCommand`);
    /// none without a key: the system's ssh set-up applies.
    pub fn command(&self) -> Option<String> {
        let key = self.key.as_ref()?;
        let mut c = format!(
            "ssh -i '{}' -o IdentitiesOnly=yes -o BatchMode=yes",
            key.display().to_string().replace('\'', "'\\''")
        );
        if self.accept_hostkey {
            c.push_str(" -o StrictHostKeyChecking=accept-new");
        }
        if let Some(o) = &self.opts {
            c.push(' ');
            c.push_str(o);
        }
        Some(c)
    }
}

/// What a git command said.
#[derive(Debug, Clone)]
pub struct Output {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Run `git args` in `cwd` with the ssh options, never prompting.
pub fn run(ssh: &Ssh, cwd: &Path, args: &[&str]) -> Result<Output, GitError> {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(cwd)
        .env("GIT_TERMINAL_PROMPT", "0");
    if let Some(s) = ssh.command() {
        c.env("GIT_SSH_COMMAND", s);
    }
    let o = c.output().map_err(|e| GitError::Spawn(e.to_string()))?;
    Ok(Output {
        ok: o.status.success(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    })
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

#[cfg(test)]
mod tests {
    use super::redact;

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
