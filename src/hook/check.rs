//! One ref's verdict: the pushed tree validated with the configuration
//! that governs it (never one the push brings), by what the push changed
//! when the tree it lands on was accepted before, strict or ratchet.

use super::cache::{accepted_before, fingerprint, note_accepted, KeptHosts, KEPT_HOSTS};
use super::refs::{glob_match, is_zero, RefUpdate};
use super::{HookError, Mode, Options};
use crate::config::{self, ConfigError, Limits, Loaded};
use crate::diagnostic::{new_errors, Diagnostic, Severity};
use crate::git::{GitTreeVfs, Quarantine};
use crate::inventory::loader::yaml_plugin_accepts;
use crate::validate::{self, Report};
use crate::vfs::{MemVfs, Vfs};
use std::path::{Path, PathBuf};

/// The name of the server-side configuration in the repository's git dir.
const SERVER_FILE: &str = "git-inventory.yml";

/// The server-side configuration file, when there is one: `--config`, or
/// [`SERVER_FILE`] in the repository's git dir when anything is at that
/// path (a directory or a dangling symlink there is one too, which
/// [`config::load_file`] then refuses).
pub fn server_config(config: Option<&Path>, git_dir: &Path) -> Option<PathBuf> {
    if let Some(p) = config {
        return Some(p.to_path_buf());
    }
    let p = git_dir.join(SERVER_FILE);
    match std::fs::symlink_metadata(&p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        _ => Some(p),
    }
}

/// The server-side config's hook timeout (4 s when none is set).
pub(super) fn server_timeout(git_dir: &Path, opts: &Options) -> f64 {
    server_config(opts.config.as_deref(), git_dir)
        .and_then(|p| config::load_file(&p).ok())
        .map(|l| l.resolved.raw.limits.hook_timeout_secs)
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(4.0)
}

/// Read a tree's [`config::FILE_NAME`] (when it has one) and load it.
fn tree_config(repo: &Quarantine, tree: &mut GitTreeVfs) -> Result<Loaded, HookError> {
    if let Ok((phys, _)) = crate::vfs::resolve(tree, config::FILE_NAME) {
        tree.read_files(repo.stores(), &|p| p == phys)?;
    }
    Ok(config::load_tree(tree)?)
}

/// The configuration that judges a push: the server-side file when there
/// is one (`server`), else the `.git-inventory.yml` of `before`, the
/// commit already on the ref (or the default branch's tip), else the
/// defaults. A tree's limits are capped by the defaults: only a
/// server-side file may raise them.
fn governing(
    repo: &Quarantine,
    server: Option<&Path>,
    before: Option<&mut GitTreeVfs>,
) -> Result<Loaded, HookError> {
    if let Some(path) = server {
        return config::load_file(path)
            .map_err(|e| ConfigError(format!("the server-side configuration: {e}")).into());
    }
    let Some(old) = before else {
        return Ok(Loaded::defaults()?);
    };
    let loaded = tree_config(repo, old).map_err(|e| {
        HookError::Config(ConfigError(format!(
            "the configuration of {}, which judges this push: {e}",
            old.describe()
        )))
    })?;
    Ok(Loaded {
        resolved: loaded.resolved.capped_by(&Limits::default()),
        source: loaded.source,
    })
}

/// A finding as the pusher sees it (warnings marked).
fn line_of(d: &Diagnostic) -> String {
    let mut line = d.finding_line();
    if d.severity != Severity::Error {
        line.push_str(" (warning)");
    }
    line
}

/// Validate one ref update: its lines go to `out`; the number of findings
/// that reject it is returned (0: accepted).
pub(super) fn check_ref(
    repo: &Quarantine,
    u: &RefUpdate,
    opts: &Options,
    out: &mut Vec<String>,
) -> Result<usize, HookError> {
    let timer = crate::timer::Timer::new();
    let mut tree = repo.structure(&u.new, yaml_plugin_accepts)?;
    // The commit the push lands on: the ref's tip, or for a new ref the
    // default branch's. Without a server-side file, its configuration
    // judges the push, so it must be read.
    let before = if is_zero(&u.old) {
        repo.default_branch_tip()
    } else {
        Some(u.old.clone())
    };
    let server = server_config(opts.config.as_deref(), repo.git_dir());
    let mut old_tree = match &before {
        Some(b) => match repo.structure(b, yaml_plugin_accepts) {
            Ok(t) => Some(t),
            Err(e) if server.is_none() => return Err(e.into()),
            Err(_) => None,
        },
        None => None,
    };
    let loaded = governing(repo, server.as_deref(), old_tree.as_mut())?;
    let (mut cfg, cfg_text) = (loaded.resolved, loaded.source);
    // A comment in the push silences the hook only where the judging
    // configuration says so.
    cfg.raw.inline_suppressions &= cfg.raw.hook.inline_suppressions;
    let is_tag = u.name.starts_with("refs/tags/");
    if is_tag && !cfg.raw.hook.tags {
        return Ok(0);
    }
    if !is_tag && !cfg.raw.hook.refs.iter().any(|g| glob_match(g, &u.name)) {
        return Ok(0);
    }
    let mode = opts.mode.unwrap_or(if cfg.raw.hook.mode == "ratchet" {
        Mode::Ratchet
    } else {
        Mode::Strict
    });
    // A push onto a tree this hook accepted without an error (under the
    // same program and configuration): only what the push changed is
    // validated, the environments it left as they were are known to be
    // clean (`validate::plan_change`). A new branch is compared with the
    // default branch.
    let fp = fingerprint(&cfg_text);
    let clean_before = old_tree.filter(|t| {
        t.tree_id()
            .is_some_and(|id| accepted_before(repo.git_dir(), id, &fp))
    });
    // Without a server-side file, the configuration this push brings
    // judges the next push onto it: one that cannot be read would refuse
    // every push after it (its own fix included), so it refuses this one.
    let next_config = match server {
        Some(_) => None,
        None => tree_config(repo, &mut tree).err(),
    };
    // Otherwise the whole tree is validated (a change from nothing); both
    // keep each environment's hosts by its inputs, and use them for a
    // settled one: its files are then not even read.
    let nothing = MemVfs::new(&[]);
    let kept = KeptHosts {
        dir: repo.git_dir().join(KEPT_HOSTS),
        fingerprint: fp.clone(),
    };
    let plan = match &clean_before {
        Some(old) => validate::plan_change(&tree, old, &cfg, Some(&kept)),
        None => validate::plan_change(&tree, &nothing, &cfg, Some(&kept)),
    };
    tree.read_files(repo.stores(), &|p| plan.reads(p))?;
    timer.lap("read the pushed tree");
    let report: Report = match plan.validate(&tree, &cfg) {
        Some(r) => r,
        None => {
            tree.read_files(repo.stores(), &|_| true)?;
            validate::validate_repo(&tree, &cfg)
        }
    };
    kept.prune();
    if report.errors() == 0 && next_config.is_none() {
        if let Some(id) = tree.tree_id() {
            note_accepted(repo.git_dir(), id, &fp);
        }
    }
    let mut blocking: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut old_count = 0;
    // (Against a tree without errors, ratchet is strict.)
    if mode == Mode::Ratchet && clean_before.is_none() {
        if let Some(old_tree) = before
            .as_ref()
            .and_then(|b| repo.tree(b, yaml_plugin_accepts).ok())
        {
            let old = validate::validate_repo(&old_tree, &cfg);
            (blocking, old_count) = new_errors(&old.diagnostics, &report.diagnostics);
        }
    }
    for d in &blocking {
        out.push(line_of(d));
    }
    if let Some(e) = &next_config {
        out.push(format!(
            "{e}: the configuration this push brings would judge the next push onto {}",
            u.name
        ));
    }
    let refusals = blocking.len() + usize::from(next_config.is_some());
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        out.push(line_of(d));
    }
    let short = &u.new[..u.new.len().min(12)];
    let kept = if old_count > 0 {
        format!(", {old_count} already present before this push (ratchet)")
    } else {
        String::new()
    };
    out.push(format!(
        "git-inventory: {} at {short}: {} error{}, {} warning{}{kept}: {}",
        u.name,
        refusals,
        if refusals == 1 { "" } else { "s" },
        report.warnings(),
        if report.warnings() == 1 { "" } else { "s" },
        if refusals == 0 {
            "accepted"
        } else {
            "push rejected"
        }
    ));
    Ok(refusals)
}
