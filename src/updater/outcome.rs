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
    pub commit: Option<String>,
    pub attempts: u32,
    pub hosts_added: Vec<String>,
    pub hosts_removed: Vec<String>,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    pub diff: Diff,
    /// Validation findings that refused the change (file:line:col: CODE message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    /// `remote:` lines of a rejected push.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote: Vec<String>,
    #[serde(skip)]
    pub exit: Exit,
}

/// The file's text before and after, and the unified diff between them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Diff {
    pub before: String,
    pub after: String,
    pub prepared: String,
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
}

impl Answer {
    pub fn of(outcome: Outcome) -> Answer {
        Answer {
            exit: outcome.exit,
            outcome,
        }
    }

    pub fn into_outcome(self) -> Outcome {
        let mut o = self.outcome;
        o.exit = self.exit;
        o
    }
}
