//! A read-only view of a repository's files: the working tree on disk, an
//! in-memory tree, or the tree of a commit (`crate::git::GitTreeVfs`, no
//! checkout). Symlinks are resolved inside the view; a link that leaves it
//! or points nowhere is an error the caller can report (rule INV030), never
//! something read from outside.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// What a path is, without following a final symlink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    File,
    Dir,
    Symlink(String),
    Missing,
}

/// Why a path could not be resolved inside the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The link (at `link`) points at something that does not exist.
    Dangling { link: String, target: String },
    /// The link leaves the repository.
    Escapes { link: String, target: String },
    /// Too many links (a loop).
    Loop { link: String },
    /// A git submodule: its files live in another repository.
    Submodule { path: String },
    /// A directory where an inventory file is expected.
    NotAFile { path: String },
    /// Nothing at the path.
    Missing,
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Dangling { link, target } => {
                write!(
                    f,
                    "symlink `{link}` points to `{target}`, which does not exist"
                )
            }
            ResolveError::Escapes { link, target } => write!(
                f,
                "symlink `{link}` points to `{target}`, outside the repository"
            ),
            ResolveError::Loop { link } => write!(f, "symlink `{link}` is part of a loop"),
            ResolveError::Submodule { path } => write!(
                f,
                "`{path}` is a git submodule: its files are in another repository and are not validated"
            ),
            ResolveError::NotAFile { path } => {
                write!(f, "`{path}` is a directory where an inventory file is expected")
            }
            ResolveError::Missing => write!(f, "no such file or directory"),
        }
    }
}

/// The primitive operations a view must provide; paths are `/`-separated,
/// relative to the view's root, and contain no symlinks before their last
/// component (the resolver guarantees that).
pub trait Vfs: Send + Sync {
    fn raw(&self, path: &str) -> Raw;
    /// Names in a directory (any order).
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>>;
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>>;
    /// A short description for messages (`working tree`, `commit abc1234`).
    fn describe(&self) -> String;
    /// Whether an absolute symlink target is read relative to this view's
    /// root (true only for a view of the whole file system).
    fn absolute_links_ok(&self) -> bool {
        false
    }
    /// Whether the path is a git submodule (only a git tree knows).
    fn is_submodule(&self, _path: &str) -> bool {
        false
    }
    /// The id of the file `path`'s contents (not through symlinks), when
    /// the tree knows it: two trees holding the same id hold the same file.
    fn file_id(&self, _path: &str) -> Option<FileId> {
        None
    }
    /// Whether the file `path` (not through symlinks) has an executable
    /// bit: Ansible runs such a file in an inventory folder as a script.
    fn is_executable(&self, _path: &str) -> bool {
        false
    }
}

/// A file's identity by its contents (a git blob id, or a digest): equal
/// ids, equal contents. Shown as hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    bytes: [u8; 32],
    len: u8,
}

impl FileId {
    /// An id of up to 32 bytes (longer ones are cut).
    pub fn from_bytes(id: &[u8]) -> FileId {
        let len = id.len().min(32);
        let mut bytes = [0; 32];
        bytes[..len].copy_from_slice(&id[..len]);
        FileId {
            bytes,
            len: len as u8,
        }
    }

    /// The SHA-256 of `data` (for trees that hold no ids of their own).
    pub fn digest(data: &[u8]) -> FileId {
        use sha2::Digest;
        FileId::from_bytes(sha2::Sha256::digest(data).as_slice())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl std::fmt::Display for FileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The names directly in `dir` (sorted, once each), given every path of a
/// tree held as a list of paths (`a/b/c` puts `a` in the root, `b` in `a`).
pub fn child_names<'a>(paths: impl Iterator<Item = &'a String>, dir: &str) -> Vec<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut names = BTreeSet::new();
    for p in paths {
        if let Some(rest) = p.strip_prefix(&prefix) {
            if !rest.is_empty() {
                names.insert(rest.split('/').next().unwrap_or(rest).to_string());
            }
        }
    }
    names.into_iter().collect()
}

/// Normalise `a/./b/../c`; `None` when it climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Resolve every symlink in `path`; returns the physical path and its kind.
pub fn resolve(vfs: &dyn Vfs, path: &str) -> Result<(String, Raw), ResolveError> {
    let Some(norm) = normalize(path) else {
        return Err(ResolveError::Escapes {
            link: path.to_string(),
            target: path.to_string(),
        });
    };
    let mut pending: Vec<String> = norm
        .split('/')
        .filter(|s| !s.is_empty())
        .rev()
        .map(String::from)
        .collect();
    let mut current = String::new();
    let mut hops = 0;
    let mut kind = Raw::Dir;
    while let Some(comp) = pending.pop() {
        if comp == ".." {
            if current.is_empty() {
                return Err(ResolveError::Escapes {
                    link: path.to_string(),
                    target: path.to_string(),
                });
            }
            current = match current.rfind('/') {
                Some(i) => current[..i].to_string(),
                None => String::new(),
            };
            kind = Raw::Dir;
            continue;
        }
        if comp == "." {
            continue;
        }
        let candidate = join(&current, &comp);
        match vfs.raw(&candidate) {
            Raw::Symlink(target) => {
                hops += 1;
                if hops > 40 {
                    return Err(ResolveError::Loop { link: candidate });
                }
                if target.starts_with('/') {
                    if !vfs.absolute_links_ok() {
                        return Err(ResolveError::Escapes {
                            link: candidate,
                            target,
                        });
                    }
                    current = String::new();
                }
                // Check the target stays inside the root before following it.
                let joined = join(&current, &target);
                if normalize(&joined).is_none() {
                    return Err(ResolveError::Escapes {
                        link: candidate,
                        target,
                    });
                }
                pending.extend(
                    target
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .rev()
                        .map(String::from),
                );
            }
            Raw::Missing => {
                return Err(ResolveError::Missing);
            }
            k => {
                if !pending.is_empty() && k != Raw::Dir {
                    return Err(ResolveError::Missing);
                }
                current = candidate;
                kind = k;
            }
        }
    }
    Ok((current, kind))
}

/// Resolve a path and describe a failure in terms of the link that caused it.
pub fn resolve_described(vfs: &dyn Vfs, path: &str) -> Result<(String, Raw), ResolveError> {
    match resolve(vfs, path) {
        Err(ResolveError::Missing) => {
            // Find the symlink component (if any) that leads nowhere.
            let mut prefix = String::new();
            for comp in path.split('/').filter(|c| !c.is_empty() && *c != ".") {
                let cand = join(&prefix, comp);
                if let Ok((phys, _)) = resolve(vfs, &prefix) {
                    if let Raw::Symlink(t) = vfs.raw(&join(&phys, comp)) {
                        if resolve(vfs, &cand).is_err() {
                            return Err(ResolveError::Dangling {
                                link: cand,
                                target: t,
                            });
                        }
                    }
                }
                prefix = cand;
            }
            Err(ResolveError::Missing)
        }
        other => other,
    }
}

/// Kind of a path after following symlinks (`Missing` when unresolvable).
pub fn kind(vfs: &dyn Vfs, path: &str) -> Raw {
    match resolve(vfs, path) {
        Ok((_, k)) => k,
        Err(_) => Raw::Missing,
    }
}

/// Read a file, following symlinks inside the view.
pub fn read(vfs: &dyn Vfs, path: &str) -> io::Result<Vec<u8>> {
    match resolve_described(vfs, path) {
        Ok((phys, Raw::File)) => vfs.raw_read(&phys),
        Ok((_, Raw::Dir)) => Err(io::Error::other(format!("`{path}` is a directory"))),
        Ok(_) => Err(io::Error::new(io::ErrorKind::NotFound, "not found")),
        Err(ResolveError::Missing) => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("`{path}`: no such file"),
        )),
        Err(e) => Err(io::Error::other(e.to_string())),
    }
}

/// Sorted names of a directory (following symlinks to reach it).
pub fn list(vfs: &dyn Vfs, dir: &str) -> io::Result<Vec<String>> {
    let phys = if dir.is_empty() || dir == "." {
        String::new()
    } else {
        match resolve(vfs, dir) {
            Ok((p, Raw::Dir)) => p,
            Ok(_) => return Err(io::Error::other(format!("`{dir}` is not a directory"))),
            Err(e) => return Err(io::Error::other(e.to_string())),
        }
    };
    let mut names = vfs.raw_list(&phys)?;
    names.sort();
    Ok(names)
}

/// The working tree (or any directory) on disk.
pub struct FsVfs {
    root: PathBuf,
}

impl FsVfs {
    pub fn new(root: impl Into<PathBuf>) -> FsVfs {
        FsVfs { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    fn full(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }
}

impl Vfs for FsVfs {
    fn raw(&self, path: &str) -> Raw {
        match std::fs::symlink_metadata(self.full(path)) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(self.full(path)) {
                Ok(t) => Raw::Symlink(t.to_string_lossy().replace('\\', "/")),
                Err(_) => Raw::Missing,
            },
            Ok(m) if m.is_dir() => Raw::Dir,
            Ok(_) => Raw::File,
            Err(_) => Raw::Missing,
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.full(dir))? {
            out.push(e?.file_name().to_string_lossy().into_owned());
        }
        Ok(out)
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.full(path))
    }
    fn describe(&self) -> String {
        format!("working tree {}", self.root.display())
    }
    fn absolute_links_ok(&self) -> bool {
        self.root == Path::new("/")
    }
    #[cfg(unix)]
    fn is_executable(&self, path: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(self.full(path))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
}

/// An in-memory tree (tests, fuzzing): files given as (path, text); a text
/// starting with `->` makes a symlink to what follows. Files are not
/// executable unless marked ([`MemVfs::executable`]).
pub struct MemVfs {
    entries: BTreeMap<String, Raw>,
    data: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
    exec: BTreeSet<String>,
}

impl MemVfs {
    /// Files as raw bytes (invalid UTF-8 included); symlinks as in [`MemVfs::new`].
    pub fn from_bytes(files: &[(&str, &[u8])]) -> MemVfs {
        let mut v = MemVfs::new(&[]);
        for (path, data) in files {
            let mut p = *path;
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                v.dirs.insert(p.to_string());
            }
            match data.strip_prefix(b"->") {
                Some(t) => {
                    v.entries.insert(
                        path.to_string(),
                        Raw::Symlink(String::from_utf8_lossy(t).into_owned()),
                    );
                }
                None => {
                    v.entries.insert(path.to_string(), Raw::File);
                    v.data.insert(path.to_string(), data.to_vec());
                }
            }
        }
        v
    }

    pub fn new(files: &[(&str, &str)]) -> MemVfs {
        let mut entries = BTreeMap::new();
        let mut data = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        dirs.insert(String::new());
        for (path, text) in files {
            let mut p = *path;
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                dirs.insert(p.to_string());
            }
            if let Some(target) = text.strip_prefix("->") {
                entries.insert(path.to_string(), Raw::Symlink(target.to_string()));
            } else {
                entries.insert(path.to_string(), Raw::File);
                data.insert(path.to_string(), text.as_bytes().to_vec());
            }
        }
        MemVfs {
            entries,
            data,
            dirs,
            exec: BTreeSet::new(),
        }
    }

    /// The same tree with the files `paths` marked executable.
    pub fn executable(mut self, paths: &[&str]) -> MemVfs {
        self.exec.extend(paths.iter().map(|p| p.to_string()));
        self
    }
}

impl Vfs for MemVfs {
    fn raw(&self, path: &str) -> Raw {
        match self.entries.get(path) {
            Some(k) => k.clone(),
            None if self.dirs.contains(path) => Raw::Dir,
            None => Raw::Missing,
        }
    }
    fn raw_list(&self, dir: &str) -> io::Result<Vec<String>> {
        Ok(child_names(
            self.entries.keys().chain(self.dirs.iter()),
            dir,
        ))
    }
    fn raw_read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.data
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))
    }
    fn file_id(&self, path: &str) -> Option<FileId> {
        self.data.get(path).map(|d| FileId::digest(d))
    }
    fn describe(&self) -> String {
        "memory".into()
    }
    fn is_executable(&self, path: &str) -> bool {
        self.data.contains_key(path) && self.exec.contains(path)
    }
}

/// Write `bytes` to `path` aside and rename it into place (its mode kept):
/// a reader sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.git-inventory.{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    if let Ok(m) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, m.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_paths() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn resolves_links_inside_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("gi-vfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("inv/DEV")).unwrap();
        std::fs::write(dir.join("inv/x.yml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink("../x.yml", dir.join("inv/DEV/x.yml")).unwrap();
        std::os::unix::fs::symlink("../../../etc/passwd", dir.join("inv/DEV/out.yml")).unwrap();
        std::os::unix::fs::symlink("nowhere.yml", dir.join("inv/DEV/dangling.yml")).unwrap();
        let v = FsVfs::new(&dir);
        assert_eq!(read(&v, "inv/DEV/x.yml").unwrap(), b"a: 1\n");
        assert!(matches!(
            resolve(&v, "inv/DEV/out.yml"),
            Err(ResolveError::Escapes { .. })
        ));
        assert!(matches!(
            resolve_described(&v, "inv/DEV/dangling.yml"),
            Err(ResolveError::Dangling { .. })
        ));
        assert_eq!(
            list(&v, "inv/DEV").unwrap(),
            vec!["dangling.yml", "out.yml", "x.yml"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn executable_bits() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("gi-vfs-x-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("d")).unwrap();
        for (name, mode) in [("plain", 0o644), ("owner", 0o744), ("other", 0o601)] {
            std::fs::write(dir.join(name), "x").unwrap();
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(mode))
                .unwrap();
        }
        std::os::unix::fs::symlink("owner", dir.join("link")).unwrap();
        let v = FsVfs::new(&dir);
        assert!(!v.is_executable("plain"));
        assert!(v.is_executable("owner"));
        assert!(v.is_executable("other"));
        assert!(!v.is_executable("link"), "not through symlinks");
        assert!(
            !v.is_executable("d"),
            "a directory is not an executable file"
        );
        assert!(!v.is_executable("missing"));
        let _ = std::fs::remove_dir_all(&dir);

        let m = MemVfs::new(&[("a", "x"), ("b", "x"), ("l", "->a")]).executable(&["a", "l"]);
        assert!(m.is_executable("a"));
        assert!(!m.is_executable("b"));
        assert!(!m.is_executable("l"), "a link is not a file");
    }
}
