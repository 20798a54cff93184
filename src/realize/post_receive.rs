//! The server side of realization. `post-receive` (installed by `hook
//! install` when the server-side configuration has a `realize:` section)
//! works out what each realized ref's update changed, writes the
//! deliveries to the outbox before the first try, and delivers what is
//! due; `deliver` (for a timer, or by hand) tries everything still
//! waiting. Only the server-side configuration is read: a pushed tree
//! never says where events go.

use super::config::RealizeConfig;
use super::deliver::{self, Pass};
use super::event;
use super::outbox::{Entry, Outbox};
use crate::config::{self, Resolved};
use crate::exit::Exit;
use crate::git::{parse_oid, Quarantine};
use crate::hook::{glob_match, is_zero, parse_updates, server_config, RefUpdate};
use std::path::{Path, PathBuf};

/// The server-side configuration with its `realize:` section: `None` when
/// there is no server-side file or it has no such section.
fn realize_config(
    git_dir: &Path,
    explicit: Option<&Path>,
) -> Result<Option<(Resolved, RealizeConfig)>, String> {
    let Some(path) = server_config(explicit, git_dir) else {
        return Ok(None);
    };
    let loaded = config::load_file(&path).map_err(|e| e.to_string())?;
    let realize = loaded.resolved.raw.realize.clone();
    Ok(realize.map(|r| (loaded.resolved, r)))
}

/// Whether the server-side configuration (`explicit`, or the git dir's
/// file) realizes pushes: what `hook install` asks before it installs
/// `post-receive`.
pub fn realizes(git_dir: &Path, explicit: Option<&Path>) -> bool {
    matches!(realize_config(git_dir, explicit), Ok(Some(_)))
}

/// Whether updates of `name` are realized: the `realize.refs` globs, else
/// the default branch.
fn watched(r: &RealizeConfig, name: &str, default_ref: Option<&str>) -> bool {
    if r.refs.is_empty() {
        default_ref == Some(name)
    } else {
        r.refs.iter().any(|g| glob_match(g, name))
    }
}

/// The deliveries of one ref update, and the line saying what it changed.
fn record(
    repo: &Quarantine,
    u: &RefUpdate,
    cfg: &Resolved,
    r: &RealizeConfig,
) -> Result<(Vec<Entry>, String), String> {
    let after = parse_oid(&u.new).map_err(|e| e.to_string())?;
    let before = if is_zero(&u.old) {
        None
    } else {
        Some(parse_oid(&u.old).map_err(|e| e.to_string())?)
    };
    let changes = super::between(repo.stores(), before, after, cfg)
        .map_err(|e| crate::git::redact(&e.to_string()))?;
    let from = before.map(|b| b.to_string());
    let id = event::new_id(&u.name, from.as_deref(), &u.new);
    let ev = event::event(
        &id,
        &u.name,
        event::changes_json(&changes, from.as_deref(), &u.new),
    );
    let summary = event::summary(&changes);
    let mut entries = Vec::new();
    for t in &r.targets {
        for d in event::deliveries(t, &changes, &ev) {
            entries.push(Entry {
                event: id.clone(),
                refname: u.name.clone(),
                target: t.key(),
                kind: d.kind,
                summary: summary.clone(),
                body: d.body,
                attempts: 0,
                next_try: 0,
                last_error: None,
            });
        }
    }
    let line = format!(
        "git-inventory: realize {}: {summary}",
        deliver::short_ref(&u.name)
    );
    Ok((entries, line))
}

/// Decide what to deliver for the ref updates in `input` and deliver what
/// is due; the lines for the pusher, and whether everything went well.
pub fn run(input: &str, git_dir: &Path, explicit: Option<&Path>) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let (cfg, r) = match realize_config(git_dir, explicit) {
        Ok(Some(c)) => c,
        Ok(None) => return (lines, true),
        Err(e) => {
            lines.push(format!("git-inventory: realize: {e}: nothing realized"));
            return (lines, false);
        }
    };
    let updates = match parse_updates(input) {
        Ok(u) => u,
        Err(e) => {
            lines.push(format!("git-inventory: realize: {e}"));
            return (lines, false);
        }
    };
    let repo = match Quarantine::open(git_dir) {
        Ok(q) => q,
        Err(e) => {
            lines.push(format!("git-inventory: realize: {e}"));
            return (lines, false);
        }
    };
    let default_ref = repo.head_ref_name();
    let outbox = Outbox::new(git_dir);
    let mut ok = true;
    for u in updates
        .iter()
        .filter(|u| !is_zero(&u.new) && watched(&r, &u.name, default_ref.as_deref()))
    {
        match record(&repo, u, &cfg, &r) {
            Ok((entries, line)) => {
                // Each delivery says what it carries; an update that sends
                // nothing says so here.
                if entries.is_empty() {
                    lines.push(line);
                }
                if let Err(e) = outbox.put(&entries) {
                    lines.push(format!("git-inventory: realize: {e}: not realized"));
                    ok = false;
                }
            }
            Err(e) => {
                lines.push(format!(
                    "git-inventory: realize: cannot tell what {} changed: {e}",
                    u.name
                ));
                ok = false;
            }
        }
    }
    match deliver::pass(&outbox, &r, true) {
        Ok(p) => {
            ok &= p.waiting == 0;
            lines.extend(p.lines);
            if p.waiting > 0 {
                lines.push(format!(
                    "git-inventory: realize: {} waiting in the outbox (the next push or `git-inventory deliver` tries again)",
                    p.waiting
                ));
            }
        }
        Err(e) => {
            lines.push(format!("git-inventory: realize: {e}"));
            ok = false;
        }
    }
    (lines, ok)
}

/// `git-inventory post-receive`: stdin holds git's ref lines. Never fails
/// the push (it is in already); says on stderr what was delivered.
pub fn post_receive(explicit: Option<&Path>) -> Exit {
    let mut input = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut input) {
        eprintln!("git-inventory: realize: cannot read the push's ref list: {e}");
        return Exit::Failure;
    }
    let git_dir = std::env::var_os("GIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    // (Plain lines on GitLab too: `GL-HOOK-ERR:` marks a rejection, and
    // the push is in already.)
    let (lines, ok) = run(&input, &git_dir, explicit);
    for l in &lines {
        eprintln!("{l}");
    }
    if ok {
        Exit::Ok
    } else {
        Exit::Violations
    }
}

/// `git-inventory deliver [REPO]`: try every waiting delivery, in order.
/// Exit 0 when the outbox is empty afterwards, 1 when some remain.
pub fn deliver(repo: &Path, explicit: Option<&Path>) -> Exit {
    let git_dir = match crate::git::Repo::discover(repo) {
        Ok(r) => r.git_dir().to_path_buf(),
        Err(e) => {
            eprintln!("git-inventory: {e}");
            return Exit::Usage;
        }
    };
    let r = match realize_config(&git_dir, explicit) {
        Ok(Some((_, r))) => r,
        Ok(None) => {
            eprintln!(
                "git-inventory: {}: no server-side configuration with a `realize:` section (git-inventory.yml in the git dir, or --config)",
                git_dir.display()
            );
            return Exit::Usage;
        }
        Err(e) => {
            eprintln!("git-inventory: {e}");
            return Exit::Usage;
        }
    };
    let outbox = Outbox::new(&git_dir);
    match deliver::pass(&outbox, &r, false) {
        Ok(Pass { lines, waiting }) => {
            let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            text.push_str(&format!("git-inventory: {waiting} waiting in the outbox\n"));
            let code = if waiting == 0 {
                Exit::Ok
            } else {
                Exit::Violations
            };
            crate::exit::emit_then(&text, code)
        }
        Err(e) => {
            eprintln!("git-inventory: {e}");
            Exit::Failure
        }
    }
}
