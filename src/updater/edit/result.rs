//! Why an edit fails, and what it gives.

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub(super) type R<T> = Result<T, EditError>;

/// Outcome of an edit: the new text, or `None` when nothing changes.
pub type Edited = Option<String>;
