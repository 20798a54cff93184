//! Where the inventories of a repository are: one view per environment
//! folder, the cross-environment files, standalone inventory files.

use crate::config::Resolved;
use crate::rules::ViewKind;
use crate::vfs::{self, Raw, Vfs};

/// One view to load: its name, its kind and its `-i` sources.
pub type ViewSpec = (String, ViewKind, Vec<String>);

/// The views (sources per view) of a repository laid out as configured.
pub fn discover(vfs: &dyn Vfs, config: &Resolved) -> Vec<ViewSpec> {
    let cfg = &config.raw;
    let inv_dir = cfg.inventory_dir.trim_end_matches('/').to_string();
    let mut views = Vec::new();
    if vfs::kind(vfs, &inv_dir) != Raw::Dir {
        // Not our layout: the whole tree is one inventory, like `-i DIR/`.
        views.push((".".to_string(), ViewKind::Standalone, vec![String::new()]));
        return views;
    }
    let xenv_files: Vec<String> = [&cfg.xenv_groups, &cfg.xenv_hosts]
        .into_iter()
        .filter(|p| vfs::kind(vfs, p) == Raw::File && !config.is_excluded(p))
        .cloned()
        .collect();
    for name in vfs::list(vfs, &inv_dir).unwrap_or_default() {
        let path = format!("{inv_dir}/{name}");
        if config.is_excluded(&path) {
            continue;
        }
        match vfs::kind(vfs, &path) {
            Raw::Dir if !crate::inventory::loader::ignored_name(&name) => {
                let is_env = cfg
                    .env_markers
                    .iter()
                    .any(|m| vfs::kind(vfs, &format!("{path}/{m}")) == Raw::File);
                if is_env {
                    views.push((name, ViewKind::Env, vec![path]));
                }
            }
            Raw::File => {
                let is_yaml = crate::inventory::loader::yaml_plugin_accepts(&name)
                    && !crate::inventory::loader::ignored_name(&name);
                if is_yaml && !xenv_files.contains(&path) {
                    views.push((path.clone(), ViewKind::Standalone, vec![path]));
                }
            }
            _ => {}
        }
    }
    if !xenv_files.is_empty() {
        views.push(("xenv".to_string(), ViewKind::Xenv, xenv_files));
    }
    views
}

/// The views of a repository and the directory whose symlinks are checked.
pub(super) fn repo_views(vfs: &dyn Vfs, config: &Resolved) -> (Vec<ViewSpec>, String) {
    let views = discover(vfs, config);
    let inv_dir = config.raw.inventory_dir.trim_end_matches('/').to_string();
    let root = if vfs::kind(vfs, &inv_dir) == Raw::Dir {
        inv_dir
    } else {
        String::new()
    };
    (views, root)
}
