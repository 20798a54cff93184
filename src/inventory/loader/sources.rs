//! The files a source path stands for, in Ansible's order.

use crate::vfs::{self, Raw, ResolveError, Vfs};

/// Names Ansible skips inside an inventory directory.
pub fn ignored_name(name: &str) -> bool {
    const EXTS: [&str; 12] = [
        ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg",
        ".retry",
    ];
    name.starts_with('.')
        || matches!(name, "host_vars" | "group_vars" | "vars_plugins")
        || EXTS.iter().any(|e| name.ends_with(e))
}

/// Extensions the yaml plugin accepts (`os.path.splitext` semantics).
pub fn yaml_plugin_accepts(name: &str) -> bool {
    let base = name.trim_start_matches('.');
    match base.rfind('.') {
        None => true,
        Some(i) => matches!(&base[i..], ".yml" | ".yaml" | ".json"),
    }
}

/// One file an inventory view reads, or a problem reaching it.
#[derive(Debug, Clone)]
pub enum SourceEntry {
    /// Path as listed (may go through symlinks) and its physical path.
    File { path: String, phys: String },
    /// A link that cannot be followed.
    BadLink { path: String, error: ResolveError },
}

/// The files a source path stands for, in Ansible's order.
pub fn expand_source(vfs: &dyn Vfs, path: &str, out: &mut Vec<SourceEntry>) {
    match vfs::resolve_described(vfs, path) {
        Ok((phys, Raw::Dir)) => {
            let names = vfs::list(vfs, &phys).unwrap_or_default();
            for name in names {
                if ignored_name(&name) {
                    continue;
                }
                let child = if path.is_empty() || path == "." {
                    name.clone()
                } else {
                    format!("{}/{}", path.trim_end_matches('/'), name)
                };
                expand_source(vfs, &child, out);
            }
        }
        Ok((phys, Raw::File)) => {
            let name = path.rsplit('/').next().unwrap_or(path);
            if yaml_plugin_accepts(name) {
                out.push(SourceEntry::File {
                    path: path.to_string(),
                    phys,
                });
            }
        }
        Ok(_) => {}
        Err(error) => out.push(SourceEntry::BadLink {
            path: path.to_string(),
            error,
        }),
    }
}

/// Every file the sources stand for, in Ansible's order.
pub fn source_entries(vfs: &dyn Vfs, sources: &[String]) -> Vec<SourceEntry> {
    let mut entries = Vec::new();
    for src in sources {
        expand_source(vfs, src, &mut entries);
    }
    entries
}
