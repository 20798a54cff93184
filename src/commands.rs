//! The commands behind the CLI, as library functions returning their
//! [`Exit`].

use crate::config::{self, Resolved};
use crate::diagnostic::drop_present;
use crate::exit::Exit;
use crate::git::{GitError, GitTreeVfs};
use crate::inventory::loader::yaml_plugin_accepts;
use crate::output::{self, Format};
use crate::rules::{self, ViewKind};
use crate::validate::{self, Report};
use crate::vfs::{FsVfs, Vfs};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

fn load_config(vfs: &dyn Vfs, explicit: Option<&Path>) -> Result<Resolved, String> {
    config::load(vfs, explicit)
        .map(|l| l.resolved)
        .map_err(|e| e.to_string())
}

/// The directory holding `.git-inventory.yml` at or above `start`, if any.
fn find_config_root(start: &Path) -> Option<PathBuf> {
    find_up(start, |d| d.join(config::FILE_NAME).is_file())
}

fn find_up(start: &Path, found: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut dir = std::path::absolute(start).ok()?;
    loop {
        if found(&dir) {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// The inventory repository a directory belongs to: the nearest ancestor
/// (or itself) with `.git-inventory.yml`, else a git work tree root with an
/// `inventory/` folder.
fn repo_root(dir: &Path) -> Option<PathBuf> {
    find_config_root(dir).or_else(|| {
        find_up(dir, |d| {
            d.join(".git").exists() && d.join("inventory").is_dir()
        })
    })
}

/// A path's findings and the directory their paths are relative to.
fn validate_path(path: &Path, config: Option<&Path>) -> Result<(Report, PathBuf), (Exit, String)> {
    let meta =
        std::fs::metadata(path).map_err(|e| (Exit::Usage, format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        // A folder inside a repository (`cd inventory/DEV && git-inventory
        // validate`) is validated with the whole repository as context
        // (symlinks, xenv_groups.yml, other environments), and only the
        // findings under that folder are reported.
        let abs = std::path::absolute(path).map_err(|e| (Exit::Usage, e.to_string()))?;
        let root = repo_root(&abs).unwrap_or_else(|| abs.clone());
        let vfs = FsVfs::new(&root);
        let cfg = load_config(&vfs, config).map_err(|m| (Exit::Usage, m))?;
        let mut report = validate::validate_repo(&vfs, &cfg);
        if root != abs {
            let prefix = abs
                .strip_prefix(&root)
                .map(|p| format!("{}/", p.to_string_lossy().replace('\\', "/")))
                .unwrap_or_default();
            report.diagnostics.retain(|d| d.path().starts_with(&prefix));
        }
        return Ok((report, root));
    }
    // One file, validated as `ansible-inventory -i FILE` would load it, with
    // the configuration of the repository it lives in.
    let abs = std::path::absolute(path).map_err(|e| (Exit::Usage, e.to_string()))?;
    let parent = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
    let root = find_config_root(&parent).unwrap_or(parent);
    let rel = abs
        .strip_prefix(&root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .map_err(|_| {
            (
                Exit::Usage,
                format!("{}: outside its repository", path.display()),
            )
        })?;
    let vfs = FsVfs::new(&root);
    let cfg = load_config(&vfs, config).map_err(|m| (Exit::Usage, m))?;
    let view = (rel.clone(), ViewKind::Standalone, vec![rel]);
    Ok((validate::validate_views(&vfs, &cfg, vec![view], None), root))
}

/// Where `root` is inside its git work tree (`ansible/`), or nothing when
/// it is the work tree's root or in none.
fn work_tree_prefix(root: &Path) -> String {
    find_up(root, |d| d.join(".git").exists())
        .and_then(|top| {
            let rel = std::path::absolute(root).ok()?;
            let rel = rel.strip_prefix(&top).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            Some(if rel.is_empty() { rel } else { rel + "/" })
        })
        .unwrap_or_default()
}

fn validate_rev(repo: &Path, rev: &str, config: Option<&Path>) -> Result<Report, (Exit, String)> {
    let vfs = GitTreeVfs::discover(repo, rev, yaml_plugin_accepts).map_err(|e| match e {
        GitError::NotARepository { .. } => (Exit::Usage, e.to_string()),
        e => (Exit::Failure, e.to_string()),
    })?;
    let cfg = load_config(&vfs, config).map_err(|m| (Exit::Usage, m))?;
    Ok(validate::validate_repo(&vfs, &cfg))
}

/// The findings of the repository `path` is in at commit `base`, judged
/// by the configuration the run at hand applies (`explicit`, else that of
/// the tree validated: commit `rev`, or the working tree). Paths are from
/// the git work tree's root, so the repository must be there.
fn baseline_report(
    path: &Path,
    base: &str,
    rev: Option<&str>,
    explicit: Option<&Path>,
) -> Result<Report, (Exit, String)> {
    let git = |e: GitError| match e {
        GitError::NotARepository { .. } | GitError::Revision { .. } => (Exit::Usage, e.to_string()),
        e => (Exit::Failure, e.to_string()),
    };
    let old = GitTreeVfs::discover(path, base, yaml_plugin_accepts).map_err(git)?;
    let cfg = match rev {
        Some(r) => {
            let now = GitTreeVfs::discover(path, r, yaml_plugin_accepts).map_err(git)?;
            load_config(&now, explicit)
        }
        None => {
            let abs = std::path::absolute(path).map_err(|e| (Exit::Usage, e.to_string()))?;
            let start = if abs.is_dir() {
                abs.clone()
            } else {
                abs.parent().unwrap_or(Path::new("/")).to_path_buf()
            };
            let root = repo_root(&start).unwrap_or(start);
            let top = find_up(&root, |d| d.join(".git").exists());
            if top.as_deref() != Some(root.as_path()) {
                return Err((
                    Exit::Usage,
                    format!(
                        "{}: the repository is not at the root of its git work tree",
                        root.display()
                    ),
                ));
            }
            load_config(&FsVfs::new(&root), explicit)
        }
    }
    .map_err(|m| (Exit::Usage, m))?;
    Ok(validate::validate_repo(&old, &cfg))
}

/// `validate --fix`: sort the mappings INV040 (sort-order) reports, in
/// place (each file written aside and renamed). Returns the files changed.
fn fix(paths: &[PathBuf], config: Option<&Path>) -> Result<Vec<String>, (Exit, String)> {
    use std::collections::BTreeMap;
    let mut fixed = Vec::new();
    for p in paths {
        let (report, root) = validate_path(p, config)?;
        // Each file's text as validation read it, and the keys reported.
        let mut keys: BTreeMap<&str, (&str, Vec<u32>)> = BTreeMap::new();
        for d in &report.diagnostics {
            if d.code == crate::diagnostic::Code::SortOrder {
                let file = &d.primary.file;
                let entry = keys.entry(&file.path).or_insert((&file.text, Vec::new()));
                entry.1.push(d.primary.span.start);
            }
        }
        for (rel, (text, at)) in keys {
            // A symlinked file is edited where it points (the link stays).
            let full = std::fs::canonicalize(root.join(rel))
                .map_err(|e| (Exit::Failure, format!("{rel}: {e}")))?;
            match crate::updater::edit::sort_keys(text, Some(&at)) {
                Ok(Some(new)) => {
                    crate::vfs::write_atomic(&full, new.as_bytes())
                        .map_err(|e| (Exit::Failure, format!("{}: {e}", full.display())))?;
                    fixed.push(rel.to_string());
                }
                Ok(None) => {}
                Err(e) => return Err((Exit::Failure, format!("{}: {e}", full.display()))),
            }
        }
    }
    Ok(fixed)
}

/// `git-inventory validate`.
pub fn validate(
    paths: &[PathBuf],
    rev: Option<&str>,
    format: Format,
    config: Option<&Path>,
    color: Color,
    baseline: Option<&str>,
    fix_too: bool,
) -> Exit {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    if fix_too {
        if rev.is_some() {
            eprintln!("git-inventory: --fix edits files in the working tree; it cannot be used with --rev");
            return Exit::Usage;
        }
        match fix(&paths, config) {
            Ok(files) => {
                for f in &files {
                    eprintln!("git-inventory: fixed {f}");
                }
            }
            Err((code, msg)) => {
                eprintln!("git-inventory: --fix: {msg}");
                return code;
            }
        }
    }
    let mut total = Report::default();
    let mut known = 0;
    for p in &paths {
        // A commit's tree is read from the work tree's root already; a
        // folder's findings are from its repository's root, which CI formats
        // re-root at the work tree's.
        let r = match rev {
            Some(rev) => validate_rev(p, rev, config),
            None => validate_path(p, config).map(|(mut r, root)| {
                if format.for_ci() {
                    crate::diagnostic::rebase(&mut r.diagnostics, &work_tree_prefix(&root));
                }
                r
            }),
        };
        match r {
            // A path naming nothing Ansible would read as an inventory is a
            // mistake to say, not "no problems".
            Ok(r) if r.files == 0 && r.diagnostics.is_empty() => {
                eprintln!(
                    "git-inventory: {}: no inventory here (no inventory/<ENV>/hosts.yml, no YAML inventory file)",
                    p.display()
                );
                return Exit::Usage;
            }
            Ok(mut r) => {
                if let Some(base) = baseline {
                    match baseline_report(p, base, rev, config) {
                        Ok(old) => known += drop_present(&mut r.diagnostics, &old.diagnostics),
                        Err((code, msg)) => {
                            eprintln!("git-inventory: --baseline {base}: {msg}");
                            return code;
                        }
                    }
                }
                total.files += r.files;
                total.views.extend(r.views);
                total.diagnostics.extend(r.diagnostics);
            }
            Err((code, msg)) => {
                eprintln!("git-inventory: {msg}");
                return code;
            }
        }
    }
    let text = match format {
        Format::Human => {
            let color = use_color(color, std::io::stdout().is_terminal(), &|k| {
                std::env::var(k).ok()
            });
            let mut t = output::human::render(&total.diagnostics, color);
            t.push_str(&output::summary(&total));
            if let Some(base) = baseline {
                t.push_str(&format!(
                    " ({} already at {base}, not shown)",
                    output::plural(known, "finding")
                ));
            }
            t.push('\n');
            t
        }
        Format::Json => output::json(&total) + "\n",
        Format::Github => output::github(&total),
        Format::Gitlab => output::gitlab(&total) + "\n",
        Format::Sarif => output::sarif(&total) + "\n",
    };
    let code = if total.errors() > 0 {
        Exit::Violations
    } else {
        Exit::Ok
    };
    crate::exit::emit_then(&text, code)
}

/// `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// Colour on a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether output is coloured. `always`/`never` decide; `auto` is off with
/// `NO_COLOR` set (non-empty), on with `FORCE_COLOR` or `CLICOLOR_FORCE`
/// set (non-empty, not `0`), off for `TERM=dumb`, else on for a terminal.
pub fn use_color(
    choice: Color,
    stdout_is_terminal: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let forced = |k: &str| env(k).is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR") => false,
        Color::Auto if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") => true,
        Color::Auto if env("TERM").as_deref() == Some("dumb") => false,
        Color::Auto => stdout_is_terminal,
    }
}

/// `git-inventory rules [CODE]`.
pub fn rules(code: Option<&str>) -> Exit {
    match code {
        None => {
            let mut text = format!("{:<7} {:<21} {:<8} summary\n", "code", "name", "default");
            for r in rules::RULES.iter() {
                text.push_str(&format!(
                    "{:<7} {:<21} {:<8} {}\n",
                    r.code.as_str(),
                    r.code.name(),
                    r.code.default_severity().as_str(),
                    r.code.summary()
                ));
            }
            crate::exit::emit_then(&text, Exit::Ok)
        }
        Some(c) => match crate::diagnostic::Code::parse(c) {
            Some(code) => crate::exit::emit_then(&(rules::rule_markdown(code) + "\n"), Exit::Ok),
            None => {
                eprintln!("git-inventory: unknown rule `{c}` (see `git-inventory rules`)");
                Exit::Usage
            }
        },
    }
}

/// `git-inventory changes --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangesFormat {
    Human,
    Json,
    Limit,
}

/// `[REPO] OLD..NEW` or `[REPO] OLD NEW`: the repository and the two revs.
fn changes_args(args: &[String]) -> Result<(PathBuf, String, String), String> {
    let range = |r: &str| match r.split_once("..") {
        Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.starts_with('.') => {
            Ok((a.to_string(), b.to_string()))
        }
        _ => Err(format!("`{r}`: expected OLD..NEW (or OLD NEW)")),
    };
    match args {
        [r] => range(r).map(|(a, b)| (PathBuf::from("."), a, b)),
        [repo, r] if r.contains("..") => range(r).map(|(a, b)| (PathBuf::from(repo), a, b)),
        [a, b] => Ok((PathBuf::from("."), a.clone(), b.clone())),
        [repo, a, b] => Ok((PathBuf::from(repo), a.clone(), b.clone())),
        _ => Err("expected [REPO] OLD..NEW or [REPO] OLD NEW".into()),
    }
}

/// The configuration `changes` lays the trees out by: `explicit`, else the
/// `.git-inventory.yml` of commit `at`.
fn config_at(
    repo: &crate::git::Repo,
    at: crate::git::ObjectId,
    explicit: Option<&Path>,
) -> Result<Resolved, (Exit, String)> {
    if let Some(p) = explicit {
        return load_config(&crate::vfs::MemVfs::new(&[]), Some(p)).map_err(|m| (Exit::Usage, m));
    }
    let phys = {
        let tree = repo
            .tree_reading(at, yaml_plugin_accepts, &|_| false)
            .map_err(|e| (Exit::Failure, e.to_string()))?;
        crate::vfs::resolve(&tree, config::FILE_NAME)
            .map(|(p, _)| p)
            .ok()
    };
    let tree = repo
        .tree_reading(at, yaml_plugin_accepts, &|p| Some(p) == phys.as_deref())
        .map_err(|e| (Exit::Failure, e.to_string()))?;
    load_config(&tree, None).map_err(|m| (Exit::Usage, format!("commit {at}: {m}")))
}

/// `git-inventory changes`.
pub fn changes(
    args: &[String],
    format: ChangesFormat,
    env: Option<&str>,
    config: Option<&Path>,
) -> Exit {
    let run = || -> Result<String, (Exit, String)> {
        let (path, old, new) = changes_args(args).map_err(|m| (Exit::Usage, m))?;
        if format == ChangesFormat::Limit && env.is_none() {
            return Err((Exit::Usage, "--format limit needs --env ENV".into()));
        }
        let repo = crate::git::Repo::discover(&path).map_err(|e| (Exit::Usage, e.to_string()))?;
        let commit = |rev: &str| {
            repo.commit_of(rev)
                .map_err(|e| (Exit::Usage, e.to_string()))
        };
        let (before, after) = (commit(&old)?, commit(&new)?);
        let cfg = config_at(&repo, after, config)?;
        let stores = repo.stores().map_err(|e| (Exit::Failure, e.to_string()))?;
        let changes = crate::realize::between(&stores, Some(before), after, &cfg)
            .map_err(|e| (Exit::Failure, e.to_string()))?;
        if let Some((name, why)) = changes.refused.iter().next() {
            return Err((Exit::Violations, format!("{name}: {why}")));
        }
        let (from, to) = (before.to_string(), after.to_string());
        Ok(match format {
            ChangesFormat::Json => {
                let v = crate::realize::event::changes_json(&changes, Some(&from), &to);
                serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
            }
            ChangesFormat::Limit => {
                let hosts = changes
                    .views
                    .get(env.unwrap_or_default())
                    .map(|v| v.to_realize().join(","))
                    .unwrap_or_default();
                hosts + "\n"
            }
            ChangesFormat::Human => crate::realize::event::human(&changes),
        })
    };
    match run() {
        Ok(text) => crate::exit::emit_then(&text, Exit::Ok),
        Err((code, msg)) => {
            eprintln!("git-inventory: {}", crate::git::redact(&msg));
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{use_color, Color};

    #[test]
    fn colour_follows_the_flag_then_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(use_color(Color::Always, false, &env(&[("NO_COLOR", "1")])));
        assert!(!use_color(
            Color::Never,
            true,
            &env(&[("FORCE_COLOR", "1")])
        ));
        assert!(use_color(Color::Auto, true, &env(&[])));
        assert!(!use_color(Color::Auto, false, &env(&[])));
        assert!(!use_color(Color::Auto, true, &env(&[("NO_COLOR", "1")])));
        assert!(use_color(Color::Auto, true, &env(&[("NO_COLOR", "")])));
        assert!(use_color(Color::Auto, false, &env(&[("FORCE_COLOR", "1")])));
        assert!(use_color(
            Color::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            Color::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!use_color(Color::Auto, true, &env(&[("TERM", "dumb")])));
        assert!(use_color(
            Color::Auto,
            false,
            &env(&[("TERM", "dumb"), ("FORCE_COLOR", "1")])
        ));
    }
}
