//! A validation run over a tree: every view built, every enabled rule run.

use super::discover::{repo_views, ViewSpec};
use super::schedule::{build, role_of, Scope};
use crate::config::Resolved;
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::Loc;
use crate::rules::{self, Context, FileCtx, FileRole, LinkProblem};
use crate::timer::Timer;
use crate::vfs::{self, Raw, Vfs};
use std::collections::HashMap;

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub files: usize,
    /// (view name, hosts, groups) per view.
    pub views: Vec<(String, usize, usize)>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// Every symlink under `dir` that cannot be followed (not descending links).
fn link_problems(vfs: &dyn Vfs, dir: &str, out: &mut Vec<LinkProblem>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(names) = vfs.raw_list(dir) else { return };
    for name in names {
        let path = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        match vfs.raw(&path) {
            Raw::Dir if vfs.is_submodule(&path) => out.push(LinkProblem {
                error: vfs::ResolveError::Submodule { path: path.clone() },
                path,
            }),
            Raw::Dir if name != ".git" => link_problems(vfs, &path, out, depth + 1),
            Raw::Symlink(_) => {
                if let Err(error) = vfs::resolve_described(vfs, &path) {
                    let error = match error {
                        vfs::ResolveError::Missing => vfs::ResolveError::Dangling {
                            link: path.clone(),
                            target: match vfs.raw(&path) {
                                Raw::Symlink(t) => t,
                                _ => String::new(),
                            },
                        },
                        e => e,
                    };
                    out.push(LinkProblem { path, error });
                }
            }
            _ => {}
        }
    }
}

/// Validate given views over a tree.
pub fn validate_views(
    vfs: &dyn Vfs,
    config: &Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
) -> Report {
    let scope = Scope::everything(views.len());
    validate_scoped(vfs, config, views, link_root, &scope)
}

pub(super) fn validate_scoped(
    vfs: &dyn Vfs,
    config: &Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    scope: &Scope<'_>,
) -> Report {
    let timer = Timer::new();
    let sources: Vec<Vec<String>> = match scope.models {
        Some(_) => views.iter().map(|v| v.2.clone()).collect(),
        None => Vec::new(),
    };
    let cx = prepare_scoped(vfs, config, views, link_root, &timer, scope);
    let mut diagnostics = rules::run_all_timed(&cx, &timer);
    if config.raw.inline_suppressions {
        super::suppress::apply(&mut diagnostics);
    }
    if !config.exclude.is_empty() {
        diagnostics.retain(|d| !config.is_excluded(d.path()));
    }
    timer.lap("rules");
    let report = Report {
        diagnostics,
        files: cx.files.len(),
        views: cx
            .views
            .iter()
            .map(|v| (v.name.clone(), v.inv.hosts.len(), v.inv.groups.len()))
            .collect(),
    };
    let crate::rules::Context {
        mut views, files, ..
    } = cx;
    if let Some(into) = scope.models {
        let mut kept = into.lock().unwrap_or_else(|e| e.into_inner());
        let mut settled = Vec::new();
        for (v, sources) in views.into_iter().zip(sources) {
            if v.settled {
                settled.push(v);
            } else {
                kept.push(KeptModel {
                    name: v.name,
                    sources,
                    inv: v.inv,
                });
            }
        }
        views = settled;
    }
    crate::release_in_background((views, files));
    report
}

/// The model of a view a run built in full, handed over when the run is
/// done (see [`crate::validate::Plan::keeping_models`]).
pub struct KeptModel {
    pub name: String,
    /// The `-i` sources it was loaded from.
    pub sources: Vec<String>,
    pub inv: crate::inventory::Inventory,
}

/// Where a run hands over the models it built.
pub type KeptModels = std::sync::Mutex<Vec<KeptModel>>;

/// Everything the rules look at: each source file parsed once (in
/// parallel), the inventory model of every view, the declared groups and
/// the symlink problems under `link_root`.
pub fn prepare<'c>(
    vfs: &dyn Vfs,
    config: &'c Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    timer: &Timer,
) -> Context<'c> {
    let scope = Scope::everything(views.len());
    prepare_scoped(vfs, config, views, link_root, timer, &scope)
}

fn prepare_scoped<'c>(
    vfs: &dyn Vfs,
    config: &'c Resolved,
    views: Vec<ViewSpec>,
    link_root: Option<&str>,
    timer: &Timer,
    scope: &Scope<'_>,
) -> Context<'c> {
    let built = build(vfs, config, &views, scope);
    timer.lap("views + their files' rules");
    let mut foreign = Vec::new();
    for (i, (_, _, sources)) in views.iter().enumerate() {
        if !scope.settled.get(i).copied().unwrap_or(false) {
            super::foreign::foreign_files(vfs, sources, &mut foreign);
        }
    }
    foreign.sort();
    foreign.dedup();
    let files: Vec<FileCtx> = built
        .files
        .into_iter()
        .map(|parsed| FileCtx {
            role: role_of(&parsed.file.path, config),
            parsed,
        })
        .collect();
    // Shared files (xenv_groups.yml) and vars files found while loading.
    let later: Vec<FileCtx> = files
        .iter()
        .filter(|f| !built.done.contains(f.parsed.file.path.as_str()))
        .filter(|f| (scope.checked)(&f.parsed.file.path))
        .cloned()
        .collect();
    let mut file_findings = built.findings;
    file_findings.extend(rules::run_file_rules(config, &later));
    let declared_groups = files
        .iter()
        .find(|f| f.role == FileRole::XenvGroups)
        .and_then(|f| match &f.parsed.doc {
            Ok(Some(doc)) => {
                let mut m: HashMap<String, Loc> = HashMap::new();
                rules::walk::walk(doc, &mut |item| {
                    if let rules::walk::Item::Group { key, .. } = item {
                        if let Some(name) = rules::walk::key_str(key) {
                            m.entry(name.to_string()).or_insert(Loc {
                                file: f.parsed.file.clone(),
                                span: key.span,
                            });
                        }
                    }
                });
                Some(m)
            }
            _ => None,
        });
    let mut links = Vec::new();
    if let Some(root) = link_root {
        if !root.is_empty() && vfs.is_submodule(root) {
            links.push(LinkProblem {
                path: root.to_string(),
                error: vfs::ResolveError::Submodule {
                    path: root.to_string(),
                },
            });
        }
        link_problems(vfs, root, &mut links, 0);
        // An environment marker that is a directory is not silently skipped.
        for name in vfs::list(vfs, root).unwrap_or_default() {
            for m in &config.raw.env_markers {
                let p = format!("{root}/{name}/{m}");
                if vfs::kind(vfs, &p) == Raw::Dir {
                    links.push(LinkProblem {
                        error: vfs::ResolveError::NotAFile { path: p.clone() },
                        path: p,
                    });
                }
            }
        }
    }
    let cx = Context {
        config,
        files,
        views: built.views,
        declared_groups,
        links,
        file_findings,
        foreign,
    };
    timer.lap("setup");
    cx
}

/// Validate a whole repository laid out as configured.
pub fn validate_repo(vfs: &dyn Vfs, config: &Resolved) -> Report {
    let (views, root) = repo_views(vfs, config);
    let scope = Scope::everything(views.len());
    validate_scoped(vfs, config, views, Some(&root), &scope)
}
