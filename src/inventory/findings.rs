//! Places in files, and what a load reports: Ansible's fatal errors, the
//! notes we add, and vars set twice with different values.

use crate::diagnostic::Code;
use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// A place in a file.
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// A variable set twice on one entity with different values.
#[derive(Debug, Clone)]
pub struct VarConflict {
    pub entity: String,
    pub is_host: bool,
    pub var: String,
    pub first: Loc,
    pub second: Loc,
}

/// An error that makes ansible-inventory refuse the source.
#[derive(Debug, Clone)]
pub struct Fatal {
    pub code: Code,
    pub loc: Loc,
    pub message: String,
    pub related: Vec<(Loc, String)>,
}

impl Fatal {
    /// A file Ansible's loader cannot read.
    pub fn yaml(file: &Arc<SourceFile>, e: &crate::yaml::YamlError) -> Fatal {
        Fatal {
            code: Code::YamlSyntax,
            loc: Loc {
                file: file.clone(),
                span: e.span,
            },
            message: e.message.clone(),
            related: Vec::new(),
        }
    }
}

/// Something Ansible accepts with a warning (or silently) that we report.
#[derive(Debug, Clone)]
pub struct Note {
    pub code: Code,
    pub loc: Loc,
    pub message: String,
}
