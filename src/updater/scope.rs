//! Which file an update may edit, and where the edit goes.
//!
//! The updater edits inventory files only, as discovery finds them
//! ([`crate::validate::discover`]): in the layout, a file an environment
//! loads, the xenv files, a YAML file directly in the inventory folder, or
//! a new YAML file in an environment folder (or the marker file of a new
//! one); in a repository not in the layout, a YAML file outside hidden
//! folders that no CI system or tool reads. `editable` in
//! `.git-inventory.yml` replaces that rule by its globs. A hidden path
//! (`.git*`, `.github/`, `.gitlab-ci.yml`) or a name that is not YAML
//! (`build.sh`, `README.md`) is never edited.
//!
//! A `--file` that is a symlink is edited where it points, inside the
//! repository (the link stays a link); a link that leaves the repository,
//! points nowhere or loops is refused.

use crate::config::Resolved;
use crate::inventory::loader::{ignored_name, source_entries, SourceEntry};
use crate::rules::ViewKind;
use crate::vfs::{self, Raw, ResolveError, Vfs};
use std::collections::HashSet;

/// Why a file may not be edited (exit 2, nothing committed); the message
/// names the file, for `--file ` to be put before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotEditable {
    #[error("`{0}` is a hidden path (a name starting with `.`: git's files, CI configuration): the updater never edits it")]
    Hidden(String),
    #[error(
        "`{0}` is not named like a YAML inventory ({1}): the updater edits inventory files only"
    )]
    NotYaml(String, &'static str),
    #[error("`{file}` is not an inventory file of this repository: the updater edits the files an environment loads (`{dir}/<ENV>/`), the xenv files and the YAML files directly in `{dir}/`, or creates a YAML file in an environment folder")]
    NotInventory { file: String, dir: String },
    #[error("`{0}` is read by a CI system or tool, not an inventory file: the updater never edits it (name the inventory files with `editable` in .git-inventory.yml)")]
    ToolFile(String),
    #[error("`{0}` is not an inventory file: in a repository without an `{1}/` folder (the whole tree is one inventory), the updater edits the YAML files Ansible loads, outside hidden folders, `group_vars/` and `host_vars/`")]
    NotLoaded(String, String),
    #[error("`{0}` matches none of the `editable` globs of .git-inventory.yml")]
    NotListed(String),
    #[error("`{file}` cannot be edited: {reason}")]
    Unreachable { file: String, reason: String },
    #[error("`{file}` is a symlink to `{target}`, which cannot be edited: {why}")]
    Target {
        file: String,
        target: String,
        why: Box<NotEditable>,
    },
}

/// Names that CI systems and common tools read at any depth: never an
/// inventory, in a repository not in the layout.
const TOOL_FILES: [&str; 14] = [
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    "bitbucket-pipelines.yml",
    "appveyor.yml",
    "buildspec.yml",
    "cloudbuild.yml",
    "cloudbuild.yaml",
    "codecov.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "mkdocs.yml",
    "galaxy.yml",
];

/// The inventory files of one tree, found once per attempt.
pub struct Scope<'c> {
    cfg: &'c Resolved,
    /// The inventory folder, when the repository is in the layout.
    inventory_dir: Option<String>,
    /// The environment folders (where a new YAML file may be created).
    env_dirs: HashSet<String>,
    /// Every file a view loads, by the path it is listed under and by its
    /// physical path.
    sources: HashSet<String>,
}

impl<'c> Scope<'c> {
    /// The inventory files of `vfs`, laid out as `cfg` says.
    pub fn of(vfs: &dyn Vfs, cfg: &'c Resolved) -> Scope<'c> {
        let dir = cfg.raw.inventory_dir.trim_end_matches('/').to_string();
        let inventory_dir = (vfs::kind(vfs, &dir) == Raw::Dir).then_some(dir);
        let mut env_dirs = HashSet::new();
        let mut sources = HashSet::new();
        for (_, kind, srcs) in crate::validate::discover(vfs, cfg) {
            if kind == ViewKind::Env {
                env_dirs.extend(srcs.iter().cloned());
            }
            for e in source_entries(vfs, &srcs) {
                if let SourceEntry::File { path, phys } = e {
                    sources.insert(path);
                    sources.insert(phys);
                }
            }
        }
        Scope {
            cfg,
            inventory_dir,
            env_dirs,
            sources,
        }
    }

    /// Where an edit of `file` goes: `file` itself, or the file it links
    /// to inside the repository; an error when either may not be edited.
    pub fn target(&self, vfs: &dyn Vfs, file: &str) -> Result<String, NotEditable> {
        self.named_ok(file)?;
        let (target, exists) = resolve_target(vfs, file)?;
        self.may_edit(file, exists)?;
        if target != file {
            let wrap = |why| NotEditable::Target {
                file: file.to_string(),
                target: target.clone(),
                why: Box::new(why),
            };
            self.named_ok(&target).map_err(wrap)?;
            self.may_edit(&target, exists).map_err(wrap)?;
        }
        Ok(target)
    }

    /// The rules every edited path obeys: no hidden component, a YAML name.
    fn named_ok(&self, path: &str) -> Result<(), NotEditable> {
        if path.split('/').any(|c| c.starts_with('.')) {
            return Err(NotEditable::Hidden(path.to_string()));
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let (exts, says): (&[&str], _) = if self.inventory_dir.is_some() {
            (&[".yml", ".yaml", ".json"], "*.yml, *.yaml, *.json")
        } else {
            (&[".yml", ".yaml"], "*.yml, *.yaml")
        };
        if !exts
            .iter()
            .any(|e| name.len() > e.len() && name.ends_with(e))
        {
            return Err(NotEditable::NotYaml(path.to_string(), says));
        }
        Ok(())
    }

    /// Whether `path` is an inventory file (or, when it does not `exist`
    /// yet, may become one).
    fn may_edit(&self, path: &str, exists: bool) -> Result<(), NotEditable> {
        if !self.cfg.editable.is_empty() {
            return match self.cfg.editable.iter().any(|g| g.is_match(path)) {
                true => Ok(()),
                false => Err(NotEditable::NotListed(path.to_string())),
            };
        }
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
        let Some(dir) = &self.inventory_dir else {
            // Not in the layout: the whole tree is one inventory.
            if TOOL_FILES.contains(&name) {
                return Err(NotEditable::ToolFile(path.to_string()));
            }
            let loaded = if exists {
                self.sources.contains(path)
            } else {
                !path.split('/').any(ignored_name)
            };
            return match loaded {
                true => Ok(()),
                false => Err(NotEditable::NotLoaded(
                    path.to_string(),
                    self.cfg.raw.inventory_dir.clone(),
                )),
            };
        };
        let raw = &self.cfg.raw;
        let ok = if exists {
            self.sources.contains(path)
        } else {
            // A new file: in an environment folder, directly in the
            // inventory folder, an xenv file, or a new environment's marker.
            let new_env = parent.rsplit_once('/').is_some_and(|(up, env)| {
                up == dir && !ignored_name(env) && raw.env_markers.iter().any(|m| m == name)
            });
            self.env_dirs.contains(parent)
                || parent == dir
                || path == raw.xenv_groups
                || path == raw.xenv_hosts
                || new_env
        };
        match ok && !ignored_name(name) {
            true => Ok(()),
            false => Err(NotEditable::NotInventory {
                file: path.to_string(),
                dir: dir.clone(),
            }),
        }
    }
}

/// The physical path an edit of `file` writes, and whether it exists: the
/// file itself, the file a symlink on the way points to, or for a new file
/// its place in the folder it names (through linked folders).
fn resolve_target(vfs: &dyn Vfs, file: &str) -> Result<(String, bool), NotEditable> {
    let unreachable = |reason: String| NotEditable::Unreachable {
        file: file.to_string(),
        reason,
    };
    match vfs::resolve_described(vfs, file) {
        Ok((phys, Raw::File)) => Ok((phys, true)),
        Ok(_) => Err(unreachable(
            ResolveError::NotAFile {
                path: file.to_string(),
            }
            .to_string(),
        )),
        Err(ResolveError::Missing) => {
            // The deepest folder that exists, and what is missing below it.
            let comps: Vec<&str> = file.split('/').collect();
            for k in (0..comps.len()).rev() {
                let dir = comps[..k].join("/");
                match vfs::resolve(vfs, &dir) {
                    Ok((phys, Raw::Dir)) => {
                        let first = join(&phys, comps[k]);
                        if vfs.raw(&first) != Raw::Missing {
                            let what = format!("`{}` is not a folder", comps[..=k].join("/"));
                            return Err(unreachable(what));
                        }
                        let rest = comps[k..].join("/");
                        return Ok((join(&phys, &rest), false));
                    }
                    Ok(_) => {
                        return Err(unreachable(format!("`{dir}` is not a folder")));
                    }
                    Err(ResolveError::Missing) => continue,
                    Err(e) => return Err(unreachable(e.to_string())),
                }
            }
            Err(unreachable("no folder of it exists".to_string()))
        }
        Err(e) => Err(unreachable(e.to_string())),
    }
}

fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_string()
    } else {
        format!("{dir}/{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::vfs::MemVfs;

    fn cfg(text: &str) -> Resolved {
        Config::parse(text, "c").unwrap().resolve().unwrap()
    }

    const LAYOUT: &[(&str, &str)] = &[
        ("inventory/xenv_groups.yml", "all:\n"),
        ("inventory/PROD/hosts.yml", "all:\n"),
        ("inventory/PROD/extra.yaml", "all:\n"),
        ("inventory/PROD/group_vars/all.yml", "x: 1\n"),
        ("inventory/other.yml", "all:\n"),
        ("inventory/notes/readme.yml", "x: 1\n"),
        ("README.md", "hi\n"),
        ("build.sh", "#!/bin/sh\n"),
        (".gitlab-ci.yml", "job: {}\n"),
    ];

    fn target(vfs: &dyn Vfs, c: &Resolved, f: &str) -> Result<String, NotEditable> {
        Scope::of(vfs, c).target(vfs, f)
    }

    #[test]
    fn in_the_layout_only_inventory_files() {
        let v = MemVfs::new(LAYOUT);
        let c = cfg("");
        for ok in [
            "inventory/PROD/hosts.yml",
            "inventory/PROD/extra.yaml",
            "inventory/PROD/new.yml",
            "inventory/xenv_groups.yml",
            "inventory/xenv_hosts.yml",
            "inventory/other.yml",
            "inventory/STAGE/hosts.yml",
        ] {
            assert_eq!(target(&v, &c, ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "README.md",
            "build.sh",
            ".gitlab-ci.yml",
            ".github/workflows/ci.yml",
            "inventory/PROD/group_vars/all.yml",
            "inventory/notes/readme.yml",
            "inventory/STAGE/other.yml",
            "inventory/PROD/sub/new.yml",
            "hosts.yml",
            "inventory/PROD/dyn.sh",
            "inventory/PROD/hosts",
        ] {
            assert!(target(&v, &c, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn outside_the_layout_yaml_files_but_hidden_and_tool_files() {
        let v = MemVfs::new(&[
            ("hosts.yml", "all:\n"),
            ("sites/a.yaml", "all:\n"),
            ("mkdocs.yml", "site_name: x\n"),
            ("build.sh", "#!/bin/sh\n"),
            (".github/workflows/ci.yml", "on: push\n"),
        ]);
        let c = cfg("");
        for ok in ["hosts.yml", "sites/a.yaml", "sites/new.yml"] {
            assert_eq!(target(&v, &c, ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "mkdocs.yml",
            "build.sh",
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "host_vars/h.yml",
            "x.json",
        ] {
            assert!(target(&v, &c, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_symlink_is_edited_where_it_points_inside_the_repository() {
        let v = MemVfs::new(&[
            ("inventory/xenv_groups.yml", "all:\n"),
            ("inventory/xenv_hosts.yml", "all:\n"),
            ("inventory/PROD/hosts.yml", "all:\n"),
            ("inventory/PROD/xenv_groups.yml", "->../xenv_groups.yml"),
            ("inventory/PROD/shared.yml", "->../xenv_hosts.yml"),
            ("inventory/PROD/out.yml", "->../../../etc/hosts.yml"),
            ("inventory/PROD/abs.yml", "->/etc/hosts.yml"),
            ("inventory/PROD/gone.yml", "->nothing.yml"),
            ("inventory/PROD/loop.yml", "->loop.yml"),
            ("inventory/PROD/build.yml", "->../../build.sh"),
            ("build.sh", "#!/bin/sh\n"),
        ]);
        let c = cfg("");
        let t = |f: &str| target(&v, &c, f);
        assert_eq!(
            t("inventory/PROD/xenv_groups.yml").as_deref(),
            Ok("inventory/xenv_groups.yml")
        );
        assert_eq!(
            t("inventory/PROD/shared.yml").as_deref(),
            Ok("inventory/xenv_hosts.yml")
        );
        for f in ["out.yml", "abs.yml", "gone.yml", "loop.yml"] {
            let e = t(&format!("inventory/PROD/{f}")).unwrap_err();
            assert!(matches!(e, NotEditable::Unreachable { .. }), "{f}: {e}");
        }
        let e = t("inventory/PROD/build.yml").unwrap_err();
        assert!(matches!(e, NotEditable::Target { .. }), "{e}");
        assert!(e.to_string().contains("`build.sh`"), "{e}");
    }

    #[test]
    fn editable_globs_replace_the_rule() {
        let v = MemVfs::new(LAYOUT);
        let c = cfg("editable: [\"inventory/PROD/hosts.yml\", \"inventory/notes/*.yml\"]\n");
        assert!(target(&v, &c, "inventory/PROD/hosts.yml").is_ok());
        assert!(target(&v, &c, "inventory/notes/readme.yml").is_ok());
        assert!(matches!(
            target(&v, &c, "inventory/PROD/extra.yaml"),
            Err(NotEditable::NotListed(_))
        ));
        let c = cfg("editable: [\"**\"]\n");
        assert!(matches!(
            target(&v, &c, ".gitlab-ci.yml"),
            Err(NotEditable::Hidden(_))
        ));
        assert!(matches!(
            target(&v, &c, "build.sh"),
            Err(NotEditable::NotYaml(..))
        ));
    }
}
