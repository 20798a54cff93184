//! Everything that talks to git, and the only module that does: gix for
//! reading objects, writing commits and network clones; the `git` program
//! for pushes, `file://` clones and fetches.
//!
//! - [`store`]: object stores searched in order, object ids
//! - [`quarantine`]: the repository a hook runs in, the push's objects first
//! - [`tree`]: the tree of a commit as a [`crate::vfs::Vfs`]
//! - [`repo`]: a repository's branch, tip and new commits
//! - [`transport`]: clone, borrow, fetch, push (with a typed outcome)
//! - [`cli`]: the one runner of the `git` program, ssh options, redaction
//! - [`progress`]: clone progress as terminal bars

pub mod cli;
mod error;
pub mod progress;
pub mod quarantine;
pub mod repo;
pub mod store;
pub mod transport;
pub mod tree;

pub use cli::{redact, HttpAuth, Ssh};
pub use error::GitError;
pub use quarantine::Quarantine;
pub use repo::{message_of_raw_commit, Author, Repo};
pub use store::{parse_oid, ObjectId, ObjectStores};
pub use transport::PushOutcome;
pub use tree::{FileFilter, GitTreeVfs};
