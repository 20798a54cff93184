//! `hook install` and `hook uninstall`: the shim in a bare repository (or
//! GitLab's `custom_hooks/pre-receive.d/`) that runs `pre-receive`.

use super::check::{check_ref, server_config};
use super::refs::RefUpdate;
use super::{HookError, Mode, Options};
use crate::git::Quarantine;
use crate::inventory::loader::yaml_plugin_accepts;
use crate::vfs::{Raw, Vfs};
use std::path::{Path, PathBuf};

/// Which configuration judges the pushes into a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Governing {
    /// The server-side file (`--config`, or `git-inventory.yml` in the git
    /// dir), and why it cannot be used when it cannot (what is at its path
    /// is not a readable file, or not a valid configuration): every push
    /// is then rejected.
    Server {
        path: PathBuf,
        problem: Option<String>,
    },
    /// The `.git-inventory.yml` of the commit already on each ref (for a
    /// new ref, the default branch's tip); `found: false` when the default
    /// branch's tip has none (or there is no commit yet): the defaults.
    OnTheRef { found: bool },
}

impl std::fmt::Display for Governing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Governing::Server {
                path,
                problem: None,
            } => write!(f, "the server-side config {}", path.display()),
            Governing::Server {
                path,
                problem: Some(why),
            } => write!(
                f,
                "the server-side config {}, which cannot be used ({why}): every push is rejected until it is fixed",
                path.display()
            ),
            Governing::OnTheRef { found: true } => {
                f.write_str("the .git-inventory.yml of the commit already on each ref")
            }
            Governing::OnTheRef { found: false } => f.write_str(
                "the .git-inventory.yml of the commit already on each ref (none yet: the defaults)",
            ),
        }
    }
}

/// Which configuration will judge the pushes into `repo`, with `config`
/// as given to `install` (see [`Governing`]).
pub fn governing(repo: &Path, config: Option<&Path>) -> Governing {
    if let Some(path) = server_config(config, repo) {
        let problem = crate::config::load_file(&path).err().map(|e| e.0);
        let path = path.canonicalize().unwrap_or(path);
        return Governing::Server { path, problem };
    }
    let found = Quarantine::open(repo).ok().is_some_and(|r| {
        r.default_branch_tip()
            .and_then(|tip| r.structure(&tip, yaml_plugin_accepts).ok())
            .is_some_and(|t| t.raw(crate::config::FILE_NAME) != Raw::Missing)
    });
    Governing::OnTheRef { found }
}

/// Validate the default branch's tip as the hook would (`config` as given
/// to `install`), noting it as accepted when it has no error, so that the
/// first push onto it is validated for what it changes. `None` for a
/// repository without commits; else the tip and its error count.
pub fn note_tip(repo: &Path, config: Option<&Path>) -> Result<Option<(String, usize)>, HookError> {
    let r = Quarantine::open(repo)?;
    let Some(tip) = r.default_branch_tip() else {
        return Ok(None);
    };
    let head = r.head_ref_name().unwrap_or_else(|| "HEAD".to_string());
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

/// Which hook a shim runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shim {
    /// `pre-receive`: validates every push.
    PreReceive,
    /// `post-receive`: realizes what a push changed (installed when the
    /// server-side configuration has a `realize:` section).
    PostReceive,
}

impl Shim {
    fn name(self) -> &'static str {
        match self {
            Shim::PreReceive => "pre-receive",
            Shim::PostReceive => "post-receive",
        }
    }
}

fn hook_path(repo: &Path, gitlab: bool, shim: Shim) -> PathBuf {
    if gitlab {
        repo.join(format!("custom_hooks/{}.d/git-inventory", shim.name()))
    } else {
        repo.join(format!("hooks/{}", shim.name()))
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Why the shim could not be installed or removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InstallError(pub String);

/// Write a shim into a bare repository.
pub fn install(
    repo: &Path,
    shim: Shim,
    gitlab: bool,
    force: bool,
    config: Option<&Path>,
) -> Result<PathBuf, InstallError> {
    if !repo.join("objects").is_dir() || !repo.join("refs").is_dir() {
        return Err(InstallError(format!(
            "{}: not a bare git repository",
            repo.display()
        )));
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| InstallError(format!("cannot find this program's path: {e}")))?;
    let path = hook_path(repo, gitlab, shim);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.contains(MARKER) && !force {
            return Err(InstallError(format!(
                "{} exists and is not ours: use --force to replace it",
                path.display()
            )));
        }
    } else if path.exists() && !force {
        return Err(InstallError(format!(
            "{} exists: use --force to replace it",
            path.display()
        )));
    }
    let mut args = String::from(shim.name());
    if gitlab && shim == Shim::PreReceive {
        args.push_str(" --gitlab");
    }
    if let Some(c) = config {
        let c = c
            .canonicalize()
            .map_err(|e| InstallError(format!("{}: {e}", c.display())))?;
        args.push_str(&format!(" --config {}", shell_quote(&c.to_string_lossy())));
    }
    let text = format!(
        "#!/bin/sh\n{MARKER}\n# {}; remove with `git-inventory hook uninstall`.\nexec {} {args} \"$@\"\n",
        match shim {
            Shim::PreReceive => "Validates every pushed inventory",
            Shim::PostReceive => "Tells the configured receivers what each push changed",
        },
        shell_quote(&exe.to_string_lossy())
    );
    let dir = path
        .parent()
        .ok_or_else(|| InstallError("bad hook path".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| InstallError(format!("{}: {e}", dir.display())))?;
    let tmp = dir.join(".git-inventory-hook.tmp");
    std::fs::write(&tmp, text).map_err(|e| InstallError(format!("{}: {e}", tmp.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| InstallError(format!("{}: {e}", tmp.display())))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| InstallError(format!("{}: {e}", path.display())))?;
    Ok(path)
}

/// Remove our shim (and only ours).
pub fn uninstall(repo: &Path, shim: Shim, gitlab: bool) -> Result<PathBuf, InstallError> {
    let path = hook_path(repo, gitlab, shim);
    let text = std::fs::read_to_string(&path)
        .map_err(|_| InstallError(format!("{}: no hook installed", path.display())))?;
    if !text.contains(MARKER) {
        return Err(InstallError(format!(
            "{} is not ours: left in place",
            path.display()
        )));
    }
    std::fs::remove_file(&path).map_err(|e| InstallError(format!("{}: {e}", path.display())))?;
    Ok(path)
}
