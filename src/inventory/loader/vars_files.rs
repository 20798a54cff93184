//! `group_vars/` and `host_vars/` beside the sources, read into the
//! groups' and hosts' file vars.

use super::cache::FileCache;
use crate::diagnostic::Code;
use crate::inventory::findings::{Fatal, Loc};
use crate::inventory::model::Inventory;
use crate::inventory::vars::{VarDef, VarValue, Vars};
use crate::source::Span;
use crate::vfs::{self, Raw, Vfs};
use crate::yaml::value;

/// Index of the `group_vars`/`host_vars` directory beside a source.
struct VarsDir {
    dir: String,
    names: Names,
    /// The names without their `.yml`/`.yaml`/`.json` (and as they are):
    /// a host or group with no file there is told without building a path.
    stems: Names,
}

type Names = std::collections::HashSet<String, foldhash::fast::RandomState>;

/// The extensions `find_vars_files` tries, in its order.
const VARS_EXTS: [&str; 4] = ["", ".yml", ".yaml", ".json"];

fn vars_dir(vfs: &dyn Vfs, base: &str, sub: &str) -> Option<VarsDir> {
    let dir = if base.is_empty() {
        sub.to_string()
    } else {
        format!("{base}/{sub}")
    };
    if vfs::kind(vfs, &dir) != Raw::Dir {
        return None;
    }
    let names: Names = vfs::list(vfs, &dir).ok()?.into_iter().collect();
    let stems = names
        .iter()
        .flat_map(|n| {
            VARS_EXTS
                .iter()
                .filter_map(move |ext| n.strip_suffix(ext).map(str::to_string))
        })
        .collect();
    Some(VarsDir { dir, names, stems })
}

/// `DataLoader.find_vars_files`: `<name>` (file or directory), else
/// `<name>.yml`, `.yaml`, `.json`; a directory gives its files recursively.
fn find_vars_files(vfs: &dyn Vfs, vd: &VarsDir, name: &str) -> Vec<String> {
    if !vd.stems.contains(name) {
        return Vec::new();
    }
    for ext in VARS_EXTS {
        let cand = format!("{name}{ext}");
        if !vd.names.contains(&cand) {
            continue;
        }
        let path = format!("{}/{cand}", vd.dir);
        let mut out = Vec::new();
        match vfs::kind(vfs, &path) {
            Raw::Dir => collect_dir_vars(vfs, &path, &mut out),
            Raw::File => out.push(path),
            _ => continue,
        }
        return out;
    }
    Vec::new()
}

fn collect_dir_vars(vfs: &dyn Vfs, dir: &str, out: &mut Vec<String>) {
    for name in vfs::list(vfs, dir).unwrap_or_default() {
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let path = format!("{dir}/{name}");
        match vfs::kind(vfs, &path) {
            Raw::Dir => collect_dir_vars(vfs, &path, out),
            Raw::File => {
                let ext = name.rfind('.').map(|i| &name[i..]).unwrap_or("");
                if matches!(ext, "" | ".yml" | ".yaml" | ".json") {
                    out.push(path);
                }
            }
            _ => {}
        }
    }
}

/// Read a vars file into `vars` (shallow merge, like `combine_vars`).
fn merge_vars_file(cache: &FileCache<'_>, path: &str, vars: &mut Vars, inv: &mut Inventory) {
    let phys = match vfs::resolve(cache.vfs, path) {
        Ok((p, _)) => p,
        Err(_) => return,
    };
    let parsed = cache.get(&phys);
    let doc = match &parsed.doc {
        Ok(Some(d)) => d,
        Ok(None) => return,
        Err(e) => {
            inv.fatal.push(Fatal::yaml(&parsed.file, e));
            return;
        }
    };
    let fail = |inv: &mut Inventory, span: Span, message: String| {
        inv.fatal.push(Fatal {
            code: Code::Schema,
            loc: Loc {
                file: parsed.file.clone(),
                span,
            },
            message,
            related: Vec::new(),
        })
    };
    let entries = match value::entries(doc) {
        Ok(e) => e,
        Err(_) if doc.as_map().is_none() => {
            // PyYAML gives a falsy value for empty scalars; those are ignored.
            if matches!(value::resolve_scalar(doc), Ok(value::Scalar::Null)) {
                return;
            }
            fail(
                inv,
                doc.span,
                format!("a vars file must hold a mapping, got {}", doc.kind_name()),
            );
            return;
        }
        Err(e) => {
            fail(inv, e.node_span, e.message);
            return;
        }
    };
    for e in entries {
        let (Ok(k), Ok(v)) = (value::key_string(e.key), VarValue::from_node(e.value)) else {
            fail(inv, e.key.span, "cannot read this variable".into());
            continue;
        };
        vars.insert(
            k,
            VarDef {
                value: v,
                loc: Some(Loc {
                    file: parsed.file.clone(),
                    span: e.key.span,
                }),
            },
        );
    }
}

/// The directories whose `group_vars/` and `host_vars/` the view of
/// `sources` reads: each source directory, or a source file's directory.
pub fn vars_bases(vfs: &dyn Vfs, sources: &[String]) -> Vec<String> {
    sources
        .iter()
        .map(|src| {
            let base = match vfs::kind(vfs, src) {
                Raw::Dir => src.trim_end_matches('/').to_string(),
                _ => match src.rfind('/') {
                    Some(i) => src[..i].to_string(),
                    None => String::new(),
                },
            };
            if base == "." {
                String::new()
            } else {
                base
            }
        })
        .collect()
}

pub(super) fn load_vars_files(cache: &FileCache<'_>, sources: &[String], inv: &mut Inventory) {
    for base in vars_bases(cache.vfs, sources) {
        if let Some(gd) = vars_dir(cache.vfs, &base, "group_vars") {
            for g in 0..inv.groups.len() {
                let name = inv.groups[g].name.clone();
                for f in find_vars_files(cache.vfs, &gd, &name) {
                    let mut vars = std::mem::take(&mut inv.groups[g].file_vars);
                    merge_vars_file(cache, &f, &mut vars, inv);
                    inv.groups[g].file_vars = vars;
                }
            }
        }
        if let Some(hd) = vars_dir(cache.vfs, &base, "host_vars") {
            for h in 0..inv.hosts.len() {
                let name = inv.hosts[h].name.clone();
                for f in find_vars_files(cache.vfs, &hd, &name) {
                    let mut vars = std::mem::take(&mut inv.hosts[h].file_vars);
                    merge_vars_file(cache, &f, &mut vars, inv);
                    inv.hosts[h].file_vars = vars;
                }
            }
        }
    }
}
