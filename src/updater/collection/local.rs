//! A request without a repository URL: the files of a folder (a checkout,
//! say) edited in place, without git, as the collection does. The result
//! is validated first, with the same rules as the hook (a change that adds
//! an error is refused and nothing is written); each file is written aside
//! and renamed, and with `backup` the file it replaces is kept beside it.

use super::super::apply::{apply, Applied};
use super::super::diff::unified_diff;
use super::super::outcome::{fail, Outcome};
use super::super::request::{BadRequest, Request};
use super::super::scope::Scope;
use crate::config;
use crate::diagnostic::new_errors;
use crate::exit::Exit;
use crate::validate;
use crate::vfs::{FsVfs, Raw, Vfs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The folder a request edits in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Local {
    pub base: PathBuf,
    /// Keep each replaced file as `<file>.<pid>.<YYYY-mm-dd@HH:MM:SS>~`.
    pub backup: bool,
}

impl Local {
    /// `path` relative to the folder (an absolute path must be inside it).
    pub fn relative(&self, path: &str) -> Result<String, BadRequest> {
        let p = Path::new(path);
        if !p.is_absolute() {
            return Ok(path.to_string());
        }
        p.strip_prefix(&self.base)
            .ok()
            .and_then(|r| r.to_str())
            .map(String::from)
            .ok_or_else(|| {
                BadRequest(format!(
                    "`{path}` is not inside inventory_base_dir {}",
                    self.base.display()
                ))
            })
    }
}

/// The folder with the change laid over it (what validation reads).
struct Overlay<'a> {
    base: &'a FsVfs,
    files: BTreeMap<String, Option<Vec<u8>>>,
    links: BTreeMap<String, String>,
}

impl Vfs for Overlay<'_> {
    fn raw(&self, path: &str) -> Raw {
        if let Some(t) = self.links.get(path) {
            return Raw::Symlink(t.clone());
        }
        match self.files.get(path) {
            Some(Some(_)) => Raw::File,
            Some(None) => Raw::Missing,
            None => match self.base.raw(path) {
                Raw::Missing
                    if self
                        .files
                        .keys()
                        .chain(self.links.keys())
                        .any(|f| f.starts_with(&format!("{path}/"))) =>
                {
                    Raw::Dir
                }
                r => r,
            },
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = self.base.raw_list(dir).unwrap_or_default();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for f in self.files.keys().chain(self.links.keys()) {
            if let Some(rest) = f.strip_prefix(&prefix) {
                let first = rest.split('/').next().unwrap_or(rest).to_string();
                if !names.contains(&first) {
                    names.push(first);
                }
            }
        }
        names.retain(|n| {
            let p = format!("{prefix}{n}");
            !matches!(self.files.get(&p), Some(None))
        });
        Ok(names)
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(Some(b)) => Ok(b.clone()),
            Some(None) => Err(io::Error::new(io::ErrorKind::NotFound, path.to_string())),
            None => self.base.raw_read(path),
        }
    }
    fn describe(&self) -> String {
        format!("{} with the change", self.base.describe())
    }
    fn is_executable(&self, path: &str) -> bool {
        !self.files.contains_key(path) && self.base.is_executable(path)
    }
}

/// The backup name of `path`, as Ansible's `backup_local` makes it.
fn backup_name(path: &Path) -> PathBuf {
    let stamp = chrono_like_now();
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{}.{stamp}~", std::process::id()));
    PathBuf::from(s)
}

/// Local time is not known without a time zone database: UTC, in the
/// format `YYYY-mm-dd@HH:MM:SS`.
fn chrono_like_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}@{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Run a request on the folder `l`.
pub fn run(r: &Request, l: &Local) -> Outcome {
    let fs = FsVfs::new(&l.base);
    if !l.base.is_dir() {
        return fail(
            Exit::Usage,
            format!("inventory_base_dir {} is not a folder", l.base.display()),
        );
    }
    let cfg = match config::load(&fs, None) {
        Ok(c) => c.resolved,
        Err(e) => return fail(Exit::Usage, e.to_string()),
    };
    let scope = Scope::of(&fs, &cfg);
    let file = match scope.target(&fs, &r.file) {
        Ok(f) => f,
        Err(e) => return fail(Exit::Usage, format!("--file {e}")),
    };
    let a = match apply(r, &fs, &file) {
        Ok(a) => a,
        Err(e) => return fail(Exit::Violations, e.0),
    };
    let mut out = Outcome {
        attempts: 1,
        changed: a.changed(),
        hosts_added: a.added.clone(),
        hosts_removed: a.removed.clone(),
        groups_added: a.groups_added.clone(),
        groups_removed: a.groups_removed.clone(),
        warnings: a.warnings.clone(),
        ..Outcome::default()
    };
    out.diff.prepared = unified_diff(&file, &a.before, &a.after);
    if !out.changed {
        out.message = "nothing to change: the inventory already says so".into();
        out.diff.before = a.before;
        out.diff.after = a.after;
        return out;
    }
    let overlay = overlay(&fs, &file, &a);
    let after_rep = validate::validate_repo(&overlay, &cfg);
    if after_rep.errors() > 0 {
        let before_rep = validate::validate_repo(&fs, &cfg);
        let (new, _) = new_errors(&before_rep.diagnostics, &after_rep.diagnostics);
        if !new.is_empty() {
            let mut o = fail(
                Exit::Violations,
                "refused: the change would make the inventory invalid",
            );
            o.violations = new.into_iter().map(|d| d.finding_line()).collect();
            o.diff = out.diff;
            return o;
        }
    }
    if r.dry_run {
        out.message = "dry run: nothing written".into();
    } else if let Err(e) = write(l, &overlay, &mut out) {
        return fail(Exit::Failure, e);
    } else {
        out.message = format!("wrote {}", written(&overlay).join(", "));
    }
    out.diff.before = a.before;
    out.diff.after = a.after;
    out
}

fn overlay<'a>(fs: &'a FsVfs, file: &str, a: &Applied) -> Overlay<'a> {
    let mut files = BTreeMap::new();
    if a.before != a.after {
        files.insert(file.to_string(), Some(a.after.clone().into_bytes()));
    }
    for (p, t) in &a.writes {
        files.insert(p.clone(), Some(t.clone().into_bytes()));
    }
    for p in &a.remove_files {
        files.insert(p.clone(), None);
    }
    Overlay {
        base: fs,
        files,
        links: a.links.iter().cloned().collect(),
    }
}

fn written(o: &Overlay<'_>) -> Vec<String> {
    o.files.keys().chain(o.links.keys()).cloned().collect()
}

/// The change written to the folder; the backups made go to
/// `backup_files` (paths from the folder, starting with `/`).
fn write(l: &Local, o: &Overlay<'_>, out: &mut Outcome) -> Result<(), String> {
    let mut backups = Vec::new();
    for (p, content) in &o.files {
        let full = l.base.join(p);
        if l.backup && full.is_file() {
            let b = backup_name(&full);
            std::fs::copy(&full, &b).map_err(|e| format!("cannot back up {p}: {e}"))?;
            backups.push(format!(
                "/{}",
                b.strip_prefix(&l.base).unwrap_or(&b).display()
            ));
        }
        match content {
            Some(bytes) => crate::vfs::write_atomic(&full, bytes)
                .map_err(|e| format!("cannot write {p}: {e}"))?,
            None => match std::fs::remove_file(&full) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(format!("cannot remove {p}: {e}"))
                }
                _ => {}
            },
        }
    }
    #[cfg(unix)]
    for (p, target) in &o.links {
        let full = l.base.join(p);
        if let Some(d) = full.parent() {
            std::fs::create_dir_all(d)
                .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        }
        if full.is_file() {
            std::fs::remove_file(&full).map_err(|e| format!("cannot replace {p}: {e}"))?;
        }
        std::os::unix::fs::symlink(target, &full).map_err(|e| format!("cannot link {p}: {e}"))?;
    }
    out.backup_files = (!backups.is_empty()).then_some(backups);
    Ok(())
}
