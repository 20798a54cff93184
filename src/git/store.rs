//! Object stores searched in order, first hit wins (a push's quarantine
//! first, see [`super::quarantine`]), and object ids.

use super::error::GitError;
use gix::odb::store::init::Slots;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// A commit, tree or blob id.
pub use gix::ObjectId;

/// How many pack indices an object store can know at once. gix fixes the
/// number when a store is opened, and a lookup that finds more indices on
/// disk than that fails ("too few index slots"). Packs arrive while a
/// store is open: a server keeps each push as its own pack, so concurrent
/// pushes add packs while the hook reads, and a job's retries fetch into
/// its clone or read a borrowed repository that other pushes grow. Hence
/// twice the indices on disk, and at least 1024 (a slot is a few words).
pub(crate) const SLOTS: Slots = Slots::AsNeededByDiskState {
    multiplier: 2.0,
    minimum: 1024,
};

/// Options to open a repository with [`SLOTS`].
pub(crate) fn open_options() -> gix::open::Options {
    gix::open::Options::default().object_store_slots(SLOTS)
}

/// One object directory's store (with its `info/alternates`).
fn open_dir(d: &Path, hash: gix::hash::Kind) -> Result<gix::odb::Handle, GitError> {
    let opts = gix::odb::store::init::Options {
        slots: SLOTS,
        ..Default::default()
    };
    gix::odb::at_opts(d, hash, None, opts)
        .map_err(|e| GitError::open(format!("object directory {}", d.display()), e))
}

/// Object directories searched in order, first hit wins.
pub struct ObjectStores {
    /// Each directory's store, reopened when a lookup in it fails.
    stores: Vec<(PathBuf, RefCell<gix::odb::Handle>)>,
    dirs: Vec<PathBuf>,
    pub(crate) hash: gix::hash::Kind,
}

impl ObjectStores {
    /// Open object directories (each may have its own `info/alternates`).
    pub fn open(dirs: &[PathBuf], hash: gix::hash::Kind) -> Result<ObjectStores, GitError> {
        let mut stores = Vec::new();
        for d in dirs {
            if d.is_dir() {
                stores.push((d.clone(), RefCell::new(open_dir(d, hash)?)));
            }
        }
        if stores.is_empty() {
            return Err(GitError::Object("no object directory found".into()));
        }
        Ok(ObjectStores {
            stores,
            dirs: dirs.to_vec(),
            hash,
        })
    }

    /// The stores of an open repository.
    pub(crate) fn of_repo(repo: &gix::Repository) -> Result<ObjectStores, GitError> {
        ObjectStores::open(
            &[repo.objects.store_ref().path().to_path_buf()],
            repo.object_hash(),
        )
    }

    /// The directories searched, in order.
    pub(crate) fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// An object's kind and data; `Ok(None)` when no store has it. A store
    /// whose lookup fails (the packs on disk changed past what it can
    /// know: many new ones, or a repack removing the one it read) is
    /// opened again, sized for the disk as it is now, and asked once more.
    pub fn find(
        &self,
        id: &gix::hash::oid,
    ) -> Result<Option<(gix::objs::Kind, Vec<u8>)>, GitError> {
        use gix::objs::Find;
        let mut buf = Vec::new();
        for (dir, store) in &self.stores {
            let first = store
                .borrow()
                .try_find(id, &mut buf)
                .map(|d| d.map(|d| d.kind));
            let found = match first {
                Ok(found) => found,
                Err(_) => {
                    let fresh = open_dir(dir, self.hash)?;
                    let again = fresh.try_find(id, &mut buf).map(|d| d.map(|d| d.kind));
                    *store.borrow_mut() = fresh;
                    again.map_err(|e| GitError::Object(format!("cannot read object {id}: {e}")))?
                }
            };
            if let Some(kind) = found {
                return Ok(Some((kind, buf)));
            }
        }
        Ok(None)
    }
}

/// An object id from its hex form.
pub fn parse_oid(hex: &str) -> Result<ObjectId, GitError> {
    ObjectId::from_hex(hex.as_bytes()).map_err(|e| GitError::Object(format!("{hex}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str], input: Option<&str>) -> String {
        use std::io::Write;
        let mut c = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        if let (Some(text), Some(mut stdin)) = (input, c.stdin.take()) {
            stdin.write_all(text.as_bytes()).expect("git reads stdin");
        }
        let o = c.wait_with_output().expect("git finishes");
        assert!(o.status.success(), "git {args:?}");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// A blob written and packed on its own: one more pack in `dir`.
    fn packed_blob(dir: &Path, text: &str) -> ObjectId {
        let id = git(dir, &["hash-object", "-w", "--stdin"], Some(text));
        let line = format!("{id}\n");
        git(
            dir,
            &["pack-objects", "-q", "objects/pack/pack"],
            Some(&line),
        );
        git(dir, &["prune-packed"], None);
        parse_oid(&id).expect("git prints an object id")
    }

    #[test]
    fn packs_arriving_after_the_store_opened_are_read() {
        let dir = std::env::temp_dir().join(format!(
            "gi-store-slots-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "--bare"], None);
        let objects = dir.join("objects");
        let first = packed_blob(&dir, "first\n");
        let stores = ObjectStores::open(std::slice::from_ref(&objects), gix::hash::Kind::Sha1)
            .expect("the store opens");
        assert!(stores.find(&first).unwrap().is_some());
        // More packs than gix's default slots (1.1 times those on disk,
        // at least 32) arrive while the store is open, as concurrent
        // pushes bring them to a server.
        let mut last = first;
        for i in 0..40 {
            last = packed_blob(&dir, &format!("blob {i}\n"));
        }
        let (kind, data) = stores.find(&last).unwrap().expect("the new pack is seen");
        assert_eq!(kind, gix::objs::Kind::Blob);
        assert_eq!(data, b"blob 39\n");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
