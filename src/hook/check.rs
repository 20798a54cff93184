//! One ref's verdict: the pushed tree validated with the configuration
//! that governs it, by what the push changed when the tree it lands on was
//! accepted before, strict or ratchet.

use super::cache::{accepted_before, fingerprint, note_accepted, KeptHosts, KEPT_HOSTS};
use super::refs::{glob_match, is_zero, RefUpdate};
use super::{HookError, Mode, Options};
use crate::config::{self, Config};
use crate::diagnostic::{new_errors, Diagnostic, Severity};
use crate::git::Quarantine;
use crate::inventory::loader::yaml_plugin_accepts;
use crate::validate::{self, Report};
use crate::vfs::MemVfs;
use std::path::{Path, PathBuf};

/// The server-side configuration file, when there is one: `--config`, or
/// `git-inventory.yml` in the repository's git dir.
fn server_config(opts: &Options, git_dir: &Path) -> Option<PathBuf> {
    opts.config
        .clone()
        .or_else(|| Some(git_dir.join("git-inventory.yml")).filter(|p| p.is_file()))
}

/// The server-side config's hook timeout (4 s when none is set).
pub(super) fn server_timeout(git_dir: &Path, opts: &Options) -> f64 {
    server_config(opts, git_dir)
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| Config::parse(&t, "server config").ok())
        .map(|c| c.limits.hook_timeout_secs)
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(4.0)
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
    // The pushed tree's entries; of the files, first the configuration.
    let mut tree = repo.structure(&u.new, yaml_plugin_accepts)?;
    if let Ok((phys, _)) = crate::vfs::resolve(&tree, config::FILE_NAME) {
        tree.read_files(repo.stores(), &|p| p == phys)?;
    }
    let loaded = config::load(&tree, server_config(opts, repo.git_dir()).as_deref())?;
    let (cfg, cfg_text) = (loaded.resolved, loaded.source);
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
    let before = if is_zero(&u.old) {
        repo.default_branch_tip()
    } else {
        Some(u.old.clone())
    };
    let clean_before = before
        .as_ref()
        .and_then(|b| repo.structure(b, yaml_plugin_accepts).ok())
        .filter(|t| {
            t.tree_id()
                .is_some_and(|id| accepted_before(repo.git_dir(), id, &fp))
        });
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
    if report.errors() == 0 {
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
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" },
        report.warnings(),
        if report.warnings() == 1 { "" } else { "s" },
        if blocking.is_empty() {
            "accepted"
        } else {
            "push rejected"
        }
    ));
    Ok(blocking.len())
}
