//! A view's model built from its files in load order.

use super::cache::FileCache;
use super::sources::{source_entries, SourceEntry};
use super::vars_files::load_vars_files;
use crate::diagnostic::Code;
use crate::inventory::build::{add_yaml_hosts, add_yaml_source};
use crate::inventory::findings::{Fatal, Loc};
use crate::inventory::model::Inventory;
use crate::source::{SourceFile, Span};

/// Build the inventory of a set of `-i` sources.
pub fn load_view(cache: &FileCache<'_>, sources: &[String]) -> Inventory {
    load(cache, sources, false)
}

/// The groups and hosts of a set of `-i` sources, without vars (vars
/// files are not read): see [`add_yaml_hosts`].
pub fn load_view_hosts(cache: &FileCache<'_>, sources: &[String]) -> Inventory {
    load(cache, sources, true)
}

pub(super) fn load(cache: &FileCache<'_>, sources: &[String], hosts_only: bool) -> Inventory {
    let mut inv = Inventory::new();
    for entry in source_entries(cache.vfs, sources) {
        add_entry(&mut inv, cache, &entry, hosts_only);
    }
    finish(inv, cache, sources, hosts_only)
}

/// Load one file of a view into `inv` (or note why it cannot be read).
pub(super) fn add_entry(
    inv: &mut Inventory,
    cache: &FileCache<'_>,
    entry: &SourceEntry,
    hosts_only: bool,
) {
    let add = if hosts_only {
        add_yaml_hosts
    } else {
        add_yaml_source
    };
    match entry {
        SourceEntry::File { phys, .. } => {
            let parsed = cache.get(phys);
            match &parsed.doc {
                Ok(doc) => {
                    add(
                        inv,
                        &parsed.file,
                        doc.as_ref(),
                        cache.limits.max_range_hosts,
                    );
                }
                Err(e) => {
                    inv.sources.push(parsed.file.clone());
                    inv.fatal.push(Fatal::yaml(&parsed.file, e));
                }
            }
        }
        SourceEntry::BadLink { path, error } => inv.fatal.push(Fatal {
            code: Code::DanglingSymlink,
            loc: Loc {
                file: SourceFile::new(path.clone(), String::new()),
                span: Span::default(),
            },
            message: error.to_string(),
            related: Vec::new(),
        }),
    }
}

/// What follows the files: `reconcile_inventory`, then the vars files.
pub(super) fn finish(
    mut inv: Inventory,
    cache: &FileCache<'_>,
    sources: &[String],
    hosts_only: bool,
) -> Inventory {
    inv.reconcile();
    if !hosts_only {
        load_vars_files(cache, sources, &mut inv);
    }
    inv
}
