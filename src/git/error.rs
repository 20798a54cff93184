//! What can go wrong talking to git, by the operation that failed.

use std::path::PathBuf;

/// A failure of the git layer. The messages name what was being done and
/// carry git's (or gix's) own words; credentials in them are redacted by
/// the callers that print them.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GitError {
    /// No repository at or above the path.
    #[error("{}: not a git repository: {message}", path.display())]
    NotARepository { path: PathBuf, message: String },
    /// A repository or object directory could not be opened.
    #[error("cannot open {}: {message}", path.display())]
    Open { path: PathBuf, message: String },
    /// A revision that does not name a commit here.
    #[error("cannot resolve revision `{rev}`: {message}")]
    Revision { rev: String, message: String },
    /// An object that is missing, unreadable or not what it should be.
    #[error("{0}")]
    Object(String),
    /// Writing a blob, tree or commit, or a file of the git dir.
    #[error("{0}")]
    Write(String),
    /// A branch that does not exist or is not a valid name.
    #[error("branch `{branch}`: {message}")]
    Branch { branch: String, message: String },
    /// The `git` program could not be started.
    #[error("cannot run git: {0}")]
    Spawn(String),
    /// A clone that failed.
    #[error("cannot clone {repo}: {message}")]
    Clone { repo: String, message: String },
    /// A fetch that failed.
    #[error("cannot fetch {what}: {message}")]
    Fetch { what: String, message: String },
}

impl GitError {
    pub(crate) fn open(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> GitError {
        GitError::Open {
            path: path.into(),
            message: e.to_string(),
        }
    }
}
