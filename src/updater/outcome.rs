//! What an update answers, shaped like an Ansible module's result.

use crate::exit::Exit;
use crate::git::redact;
use serde::{Deserialize, Serialize};

/// The result of one request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Outcome {
    pub changed: bool,
    pub failed: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// What was done, in our words, when `message` is the collection's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub commit: Option<String>,
    pub attempts: u32,
    pub hosts_added: Vec<String>,
    pub hosts_removed: Vec<String>,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    pub diff: Diff,
    /// What the commit did to the hosts, per environment: the JSON of
    /// `git-inventory changes` (in a batch, the whole commit's), the event
    /// the post-receive hook sends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<serde_json::Value>,
    /// Validation findings that refused the change (file:line:col: CODE message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    /// `remote:` lines of a rejected push.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote: Vec<String>,
    /// What the caller should know: a check that could not be made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Copies kept of the files a local run replaced (`backup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_files: Option<Vec<String>>,
    #[serde(skip)]
    pub exit: Exit,
    /// The raw object of `commit`, handed with a queued request's answer so
    /// that its job can read the commit without fetching it; never part of
    /// the outcome's JSON.
    #[serde(skip)]
    pub commit_object: Option<String>,
}

/// The file's text before and after, and the unified diff between them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Diff {
    pub before: String,
    pub after: String,
    pub prepared: String,
}

impl Outcome {
    /// A digest of what the outcome says a request did: its unified diff
    /// and the hosts and groups it names (hex, 32 digits). The commit of a
    /// batch carries it beside each queued request's id, so the job that
    /// queued it can tell its answer is the one the committing job gave
    /// (see [`super::queue::remote`]).
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [
            &[self.diff.prepared.clone()][..],
            &self.hosts_added,
            &self.hosts_removed,
            &self.groups_added,
            &self.groups_removed,
        ] {
            for item in part {
                h.update(item.len().to_le_bytes());
                h.update(item.as_bytes());
            }
            h.update(b"\xff");
        }
        h.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A failed request's outcome (credentials redacted from the message).
pub fn fail(exit: Exit, msg: impl Into<String>) -> Outcome {
    let msg = redact(&msg.into());
    Outcome {
        failed: true,
        exit,
        message: msg.clone(),
        msg: Some(msg),
        ..Outcome::default()
    }
}

/// What one job hands another through a queue: the outcome with its exit
/// code (which is not part of the outcome's JSON).
#[derive(Serialize, Deserialize)]
pub struct Answer {
    exit: Exit,
    outcome: Outcome,
    /// The raw commit the outcome names ([`Outcome::commit_object`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    commit_object: Option<String>,
}

impl Answer {
    pub fn of(mut outcome: Outcome) -> Answer {
        Answer {
            exit: outcome.exit,
            commit_object: outcome.commit_object.take(),
            outcome,
        }
    }

    pub fn into_outcome(self) -> Outcome {
        let mut o = self.outcome;
        o.exit = self.exit;
        o.commit_object = self.commit_object;
        o
    }
}
