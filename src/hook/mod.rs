//! The server side: `git-inventory pre-receive` validates every pushed ref
//! from the push quarantine, and `hook install` puts a shim into a bare
//! repository (or GitLab's `custom_hooks/pre-receive.d/`).
//!
//! The hook fails closed: a panic, an unreadable object or a bad config
//! rejects the push and says why. A failure that gave no verdict on the
//! push (an object it could not read, a panic, the timeout) says so in
//! words the updater knows ([`HOOK_FAILED`], [`HOOK_TIMED_OUT`]): it tries
//! such a push again, where a verdict is final.

mod cache;
mod check;
mod install;
mod refs;

pub use check::server_config;
pub use install::{governing, install, note_tip, uninstall, Governing, Shim, MARKER};
pub use refs::{glob_match, is_zero, parse_updates, BadRefLine, RefUpdate};

use crate::config::ConfigError;
use crate::exit::Exit;
use crate::git::transport::{HOOK_FAILED, HOOK_TIMED_OUT};
use crate::git::{GitError, Quarantine};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Why the hook could not judge a push (it then rejects it).
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(transparent)]
    Input(#[from] BadRefLine),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl HookError {
    /// Whether the push itself may pass when tried again: a git failure
    /// (an object not readable now) may not recur, where a bad ref line or
    /// configuration will.
    fn is_transient(&self) -> bool {
        matches!(self, HookError::Git(_))
    }
}

/// The line that rejects a push the hook could not judge: with
/// [`HOOK_FAILED`] when trying again may help.
fn fails_closed(what: &str, transient: bool) -> String {
    if transient {
        format!("git-inventory: {HOOK_FAILED}: {what}: push rejected (the hook fails closed)")
    } else {
        format!("git-inventory: {what}: push rejected (the hook fails closed)")
    }
}

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
    /// Server-side configuration file (default: `git-inventory.yml` in the
    /// git dir, when anything is there); without one, the
    /// `.git-inventory.yml` of the commit already on the ref judges.
    pub config: Option<PathBuf>,
    /// Mode from the command line (overrides the config's `hook.mode`).
    pub mode: Option<Mode>,
    /// Prefix lines with `GL-HOOK-ERR:` (also when `GL_ID` is set).
    pub gitlab: bool,
    /// Longest the decision may take (default: the server config's
    /// `limits.hook_timeout_secs`, else 4 s); then the push is rejected.
    pub timeout: Option<f64>,
}

/// What to tell the pusher, and whether to accept.
pub struct Verdict {
    pub accept: bool,
    pub lines: Vec<String>,
}

/// Decide a push. Never panics: any failure rejects the push.
pub fn decide(input: &str, git_dir: &Path, opts: &Options) -> Verdict {
    let run = || -> Result<Verdict, HookError> {
        let updates = parse_updates(input)?;
        let mut lines = Vec::new();
        let mut accept = true;
        let todo: Vec<&RefUpdate> = updates.iter().filter(|u| !is_zero(&u.new)).collect();
        if todo.is_empty() {
            return Ok(Verdict { accept, lines });
        }
        let repo = Quarantine::open(git_dir)?;
        for u in todo {
            accept &= check::check_ref(&repo, u, opts, &mut lines)? == 0;
        }
        Ok(Verdict { accept, lines })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => Verdict {
            accept: false,
            lines: vec![fails_closed(&e.to_string(), e.is_transient())],
        },
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Verdict {
                accept: false,
                lines: vec![fails_closed(&format!("internal error ({what})"), true)],
            }
        }
    }
}

/// `git-inventory pre-receive`: read stdin, print the verdict; accepted or
/// rejected.
pub fn pre_receive(opts: &Options) -> Exit {
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
                let what = format!("cannot read the push's ref list: {e}");
                eprintln!("{}", fails_closed(&what, true));
                return Exit::Violations;
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
        .unwrap_or_else(|| check::server_timeout(&git_dir, opts));
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
                "git-inventory: {HOOK_TIMED_OUT} {timeout} s: push rejected (the hook fails closed; see --timeout)"
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
        Exit::Ok
    } else {
        Exit::Violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_fails_closed() {
        let v = decide(
            "not a ref line\n",
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(!v.accept);
        assert!(v.lines[0].contains("fails closed"));
        assert!(!v.lines[0].contains(HOOK_FAILED), "bad input recurs");
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let v = decide(
            &format!("{z} {a} refs/heads/main\n"),
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(!v.accept, "an unreadable repository rejects");
        assert!(v.lines[0].contains(HOOK_FAILED), "{:?}", v.lines);
        let v = decide(
            &format!("{a} {z} refs/heads/main\n"),
            Path::new("/nonexistent"),
            &Options::default(),
        );
        assert!(v.accept, "a deletion needs no objects");
    }
}
