//! Object stores searched in order, first hit wins (a push's quarantine
//! first, see [`super::quarantine`]), and object ids.

use super::error::GitError;
use std::path::PathBuf;

/// A commit, tree or blob id.
pub use gix::ObjectId;

/// Object directories searched in order, first hit wins.
pub struct ObjectStores {
    stores: Vec<gix::odb::Handle>,
    dirs: Vec<PathBuf>,
    pub(crate) hash: gix::hash::Kind,
}

impl ObjectStores {
    /// Open object directories (each may have its own `info/alternates`).
    pub fn open(dirs: &[PathBuf], hash: gix::hash::Kind) -> Result<ObjectStores, GitError> {
        let mut stores = Vec::new();
        for d in dirs {
            if d.is_dir() {
                stores.push(
                    gix::odb::at(d, hash).map_err(|e| {
                        GitError::open(format!("object directory {}", d.display()), e)
                    })?,
                );
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

    /// An object's kind and data; `Ok(None)` when no store has it.
    pub fn find(
        &self,
        id: &gix::hash::oid,
    ) -> Result<Option<(gix::objs::Kind, Vec<u8>)>, GitError> {
        use gix::objs::Find;
        let mut buf = Vec::new();
        for s in &self.stores {
            let kind = match s.try_find(id, &mut buf) {
                Ok(Some(d)) => d.kind,
                Ok(None) => continue,
                Err(e) => return Err(GitError::Object(format!("cannot read object {id}: {e}"))),
            };
            return Ok(Some((kind, buf)));
        }
        Ok(None)
    }
}

/// An object id from its hex form.
pub fn parse_oid(hex: &str) -> Result<ObjectId, GitError> {
    ObjectId::from_hex(hex.as_bytes()).map_err(|e| GitError::Object(format!("{hex}: {e}")))
}
