//! What the hook keeps between pushes, in the repository's git dir, to
//! judge a push by what it changed: the trees it accepted without an
//! error, and each environment's host names by the inputs it was loaded
//! from. Both are best effort: a write that fails only loses the shortcut,
//! and each is keyed by a fingerprint of the program and configuration
//! that judged.

use crate::git::ObjectId;
use crate::validate;
use std::path::{Path, PathBuf};

/// Where the hook notes the trees it accepted without an error: a line
/// `<tree id> <fingerprint>` each, the newest last.
const ACCEPTED: &str = "git-inventory/accepted-trees";

/// Trees noted, at most.
const ACCEPTED_KEPT: usize = 64;

/// What judged a tree: this program (its version and its file's size and
/// time, so that a rebuilt binary with other rules judges afresh) and the
/// configuration it applied (the text it was read from). A tree accepted
/// under one fingerprint is known to have no error only under the same one.
pub(super) fn fingerprint(cfg_text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        m.len().hash(&mut h);
        if let Ok(t) = m.modified() {
            t.hash(&mut h);
        }
    }
    cfg_text.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Where the hook keeps each environment's host names, by the inputs the
/// environment was loaded from: `<fingerprint>-<key>`, a JSON list each.
pub(super) const KEPT_HOSTS: &str = "git-inventory/hosts";

/// Kept host lists, at most (the newest); about 1 MB each per 33k hosts.
const KEPT_HOSTS_MAX: usize = 24;

/// [`validate::KnownHosts`] in the repository: best effort, like the list
/// of accepted trees (a write that fails only loses the shortcut).
pub(super) struct KeptHosts {
    pub(super) dir: PathBuf,
    pub(super) fingerprint: String,
}

impl KeptHosts {
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}-{key}", self.fingerprint))
    }

    /// Remove all but the newest [`KEPT_HOSTS_MAX`] lists.
    pub(super) fn prune(&self) {
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = rd
            .flatten()
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if files.len() <= KEPT_HOSTS_MAX {
            return;
        }
        files.sort();
        for (_, p) in &files[..files.len() - KEPT_HOSTS_MAX] {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl validate::KnownHosts for KeptHosts {
    fn get(&self, key: &str) -> Option<Vec<String>> {
        let text = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    fn put(&self, key: &str, hosts: &dyn Fn() -> Vec<String>) {
        let path = self.path(key);
        if key.is_empty() || path.exists() || std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_vec(&hosts()) else {
            return;
        };
        let tmp = self.dir.join(format!(".{key}.{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Whether the hook accepted `tree` without an error under `fp`.
pub(super) fn accepted_before(git_dir: &Path, tree: ObjectId, fp: &str) -> bool {
    let want = format!("{tree} {fp}");
    std::fs::read_to_string(git_dir.join(ACCEPTED))
        .map(|t| t.lines().any(|l| l == want))
        .unwrap_or(false)
}

/// Note that `tree` has no error under `fp` (the newest [`ACCEPTED_KEPT`]
/// are kept). Best effort: a repository the hook cannot write to only
/// loses the shortcut.
pub(super) fn note_accepted(git_dir: &Path, tree: ObjectId, fp: &str) {
    let path = git_dir.join(ACCEPTED);
    let line = format!("{tree} {fp}");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines: Vec<&str> = old.lines().filter(|l| *l != line).collect();
    lines.push(&line);
    let keep = &lines[lines.len().saturating_sub(ACCEPTED_KEPT)..];
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    // Written aside and renamed: a reader sees the old list or the new.
    let tmp = dir.join(format!(".accepted-trees.{}", std::process::id()));
    if std::fs::write(&tmp, keep.join("\n") + "\n").is_ok() && std::fs::rename(&tmp, &path).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
    }
}
