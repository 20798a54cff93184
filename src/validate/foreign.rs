//! The files a view's sources stand for that Ansible loads by a plugin
//! other than `yaml` (rule INV031): the same walk as the loader's (sorted
//! entries, symlinks followed inside the tree, the names Ansible skips
//! skipped), keeping the files the `script`, `ini` or `toml` plugin takes.

use crate::inventory::loader::ignored_name;
use crate::rules::{foreign_loader, ForeignFile};
use crate::vfs::{self, Raw, Vfs};

/// Deepest folder followed below a source (a deeper one is not walked; a
/// symlink loop ends at the resolver's hop limit before this).
const MAX_DEPTH: usize = 64;

/// Every file `sources` stand for that Ansible loads by a plugin other
/// than `yaml`, appended to `out`.
pub(super) fn foreign_files(vfs: &dyn Vfs, sources: &[String], out: &mut Vec<ForeignFile>) {
    for s in sources {
        walk(vfs, s, 0, out);
    }
}

fn walk(vfs: &dyn Vfs, path: &str, depth: usize, out: &mut Vec<ForeignFile>) {
    match vfs::resolve(vfs, path) {
        Ok((phys, Raw::Dir)) if depth < MAX_DEPTH => {
            for name in vfs::list(vfs, &phys).unwrap_or_default() {
                if ignored_name(&name) {
                    continue;
                }
                let child = if path.is_empty() || path == "." {
                    name
                } else {
                    format!("{}/{name}", path.trim_end_matches('/'))
                };
                walk(vfs, &child, depth + 1, out);
            }
        }
        Ok((phys, Raw::File)) => {
            let name = path.rsplit('/').next().unwrap_or(path);
            if let Some(loader) = foreign_loader(name, vfs.is_executable(&phys)) {
                out.push(ForeignFile {
                    path: path.to_string(),
                    phys,
                    loader,
                });
            }
        }
        // A link that cannot be followed is INV030's.
        _ => {}
    }
}
