//! The one way this program runs the `git` command (for what gix cannot
//! do: push, and clones and fetches that name the server-side command),
//! with the job's ssh options, and the redaction of credentials from
//! anything git says.

use super::error::GitError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How git reaches a remote: the ssh options of an `ssh://` remote, and
/// the token of an `https://` one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ssh {
    /// The private key (`-i`, with `IdentitiesOnly=yes`, `BatchMode=yes`).
    pub key: Option<PathBuf>,
    /// Accept a host key not seen before (`StrictHostKeyChecking=accept-new`).
    pub accept_hostkey: bool,
    /// More options, given to ssh as they are.
    pub opts: Option<String>,
    /// Credentials for http(s) remotes.
    pub http: Option<HttpAuth>,
}

/// A token for http(s) remotes, sent as HTTP basic authentication
/// (`user:token`, how GitLab, GitHub and Gitea take a token for git)
/// through git's `http.extraHeader` in the environment: never on a command
/// line, in a URL or in a message.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpAuth {
    pub user: String,
    pub token: String,
}

impl std::fmt::Debug for HttpAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HttpAuth {{ user: {:?}, token: *** }}", self.user)
    }
}

impl HttpAuth {
    fn header(&self) -> String {
        use base64::Engine;
        let pair = format!("{}:{}", self.user, self.token);
        format!(
            "Authorization: Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
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
    if let Some(h) = &ssh.http {
        // After any configuration the environment already passes to git.
        let n: usize = std::env::var("GIT_CONFIG_COUNT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        c.env("GIT_CONFIG_COUNT", (n + 1).to_string())
            .env(format!("GIT_CONFIG_KEY_{n}"), "http.extraHeader")
            .env(format!("GIT_CONFIG_VALUE_{n}"), h.header());
    }
    let o = c.output().map_err(|e| GitError::Spawn(e.to_string()))?;
    // Whatever git says, the token is not in it.
    let hide = |b: &[u8]| {
        let t = String::from_utf8_lossy(b).into_owned();
        match &ssh.http {
            Some(h) if !h.token.is_empty() => t.replace(&h.token, "***"),
            _ => t,
        }
    };
    Ok(Output {
        ok: o.status.success(),
        stdout: hide(&o.stdout),
        stderr: hide(&o.stderr),
    })
}

/// Credentials in URLs, anywhere in a text, replaced by `***`: they never
/// reach output, logs or commit messages. The rule, by scheme:
/// - `ssh://` (and `git+ssh://`, `ssh+git://`): the user name is who one
///   logs in as (`git`), not a secret, and stays; a password after it is
///   hidden (`ssh://git:***@host`);
/// - every other scheme (`https://`, `http://`, ...): the whole userinfo is
///   hidden, a user name alone included, since a token is often given as
///   the user name (`https://TOKEN@host` -> `https://***@host`,
///   `https://bot:token@host` -> `https://***@host`).
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
                let host = &authority[at..];
                if is_ssh_scheme(&head[..i]) {
                    match userinfo.split_once(':') {
                        Some((user, _)) => out.push_str(&format!("{user}:***{host}")),
                        None => out.push_str(authority),
                    }
                } else {
                    out.push_str(&format!("***{host}"));
                }
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Whether the text before a `://` ends with an ssh scheme name.
fn is_ssh_scheme(before: &str) -> bool {
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .map_or(0, |i| i + 1);
    let scheme = before[start..].to_ascii_lowercase();
    matches!(scheme.as_str(), "ssh" | "git+ssh" | "ssh+git")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact("cannot clone https://bot:s3cret@git.example/x.git: refused"),
            "cannot clone https://***@git.example/x.git: refused"
        );
        assert_eq!(redact("ssh://git@host:22/x"), "ssh://git@host:22/x");
        assert_eq!(redact("no url here"), "no url here");
        assert_eq!(
            redact("a http://u:p@h b https://h/c"),
            "a http://***@h b https://h/c"
        );
    }

    #[test]
    fn a_token_as_user_name_is_redacted_an_ssh_user_is_not() {
        assert_eq!(
            redact("fatal: https://TOKEN@127.0.0.1:1/x.git: refused"),
            "fatal: https://***@127.0.0.1:1/x.git: refused"
        );
        assert_eq!(redact("HTTPS://glpat-x@h/r"), "HTTPS://***@h/r");
        assert_eq!(redact("'https://a:b@c@h/r'"), "'https://***@h/r'");
        assert_eq!(redact("ssh://git:pw@host/x"), "ssh://git:***@host/x");
        assert_eq!(redact("git+ssh://git@host/x"), "git+ssh://git@host/x");
        assert_eq!(redact("x(ssh://deploy@h/r)"), "x(ssh://deploy@h/r)");
        // An `@` after the host is part of the path, not a user.
        assert_eq!(redact("https://h/a@b"), "https://h/a@b");
    }
}
