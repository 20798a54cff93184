//! The rule catalogue: the implementation of each rule of the registry
//! ([`crate::codes`]). A rule is one module, `src/rules/<name>.rs`, holding
//! its [`RuleInfo`]: a doc block (what it does, why it matters, a bad and a
//! good example) and its checks over the validation [`Context`]. Its code,
//! name, default severity and summary are the registry's.

mod catalogue;
mod conflicting_vars;
mod dangling_symlink;
mod domain_exclusive;
mod domain_group_name;
mod domain_mismatch;
mod duplicate_address;
mod duplicate_host_alias;
mod duplicate_host_env;
mod duplicate_key;
mod foreign_inventory_file;
mod group_graph;
mod group_name;
mod host_name;
mod schema;
mod sort_order;
mod undeclared_group;
pub mod walk;
mod yaml11_key;
mod yaml_syntax;

pub mod domain;

pub use catalogue::{catalogue_markdown, rule_markdown};
pub use foreign_inventory_file::{foreign_loader, ForeignFile, Loader};

use crate::config::Resolved;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::inventory::loader::Parsed;
use crate::inventory::Inventory;
use crate::vfs::ResolveError;
use std::collections::HashMap;
use std::sync::Arc;

/// What a file is for, which decides the rules that read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// An inventory source (`hosts.yml`, `xenv_hosts.yml`, any file an env loads).
    Inventory,
    /// The cross-environment group hierarchy.
    XenvGroups,
    /// A `group_vars/` or `host_vars/` file.
    Vars,
}

#[derive(Debug, Clone)]
pub struct FileCtx {
    pub parsed: Arc<Parsed>,
    pub role: FileRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// `inventory/<ENV>/`.
    Env,
    /// `xenv_groups.yml` + `xenv_hosts.yml`.
    Xenv,
    /// A file or directory validated on its own.
    Standalone,
}

/// One inventory as Ansible would load it.
#[derive(Debug, Clone)]
pub struct View {
    pub name: String,
    pub kind: ViewKind,
    pub inv: Inventory,
    /// Loaded from the same inputs as in a tree already validated: the
    /// view's own rules are not run (see `validate::validate_change`); it
    /// is there for the rules that compare views.
    pub settled: bool,
}

/// A symlink that cannot be followed.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub path: String,
    pub error: ResolveError,
}

/// Everything the rules read.
pub struct Context<'a> {
    pub config: &'a Resolved,
    pub files: Vec<FileCtx>,
    pub views: Vec<View>,
    /// Groups declared in `xenv_groups.yml` (name -> where), when it exists.
    pub declared_groups: Option<HashMap<String, crate::inventory::Loc>>,
    /// What the per-file part of the rules found ([`run_file_rules`]).
    pub file_findings: Vec<Diagnostic>,
    pub links: Vec<LinkProblem>,
    /// The files the sources of the checked views stand for that Ansible
    /// loads by a plugin other than yaml (sorted, each once).
    pub foreign: Vec<ForeignFile>,
}

impl Context<'_> {
    /// The views whose own rules run (those not settled).
    pub fn checked_views(&self) -> impl Iterator<Item = &View> {
        self.views.iter().filter(|v| !v.settled)
    }
}

/// A rule's implementation; its name, default severity and summary are
/// its code's ([`Code::name`], [`Code::default_severity`], [`Code::summary`]).
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: Code,
    /// Markdown: What it does / Why is this bad? / Example / Use instead.
    pub doc: &'static str,
    /// Work over the whole context: views, links, the model's fatal errors.
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
    /// Work on one parsed file, run per file in parallel while the models
    /// are being built.
    pub file: Option<fn(&FileCheck<'_>, &mut Vec<Diagnostic>)>,
    /// Work on one key of an inventory file (group, host, var, section),
    /// called from a single walk of each file shared by every rule.
    pub item: Option<fn(&FileCheck<'_>, walk::Item<'_>, &mut Vec<Diagnostic>)>,
}

/// What a per-file rule sees: one file and the configuration.
pub struct FileCheck<'a> {
    pub config: &'a Resolved,
    pub file: &'a FileCtx,
}

impl FileCheck<'_> {
    pub fn source(&self) -> &Arc<crate::source::SourceFile> {
        &self.file.parsed.file
    }
    /// The document when the file parsed and is not empty.
    pub fn doc(&self) -> Option<&crate::yaml::Node> {
        match &self.file.parsed.doc {
            Ok(Some(doc)) => Some(doc),
            _ => None,
        }
    }
    /// An inventory document (hosts or group hierarchy, not a vars file).
    pub fn inventory_doc(&self) -> Option<&crate::yaml::Node> {
        self.doc().filter(|_| self.file.role != FileRole::Vars)
    }
}

/// A rule's findings carry its code and configured severity.
fn stamp(config: &Resolved, rule: &RuleInfo, found: &mut [Diagnostic]) {
    let sev = config.severity(rule.code);
    for d in found {
        d.code = rule.code;
        d.severity = sev;
    }
}

/// A `check` for rules whose work is all per file.
pub fn no_check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}

/// The per-file part of every enabled rule over `files`: each file's
/// `file` checks, then one walk dispatching every key to each `item` check.
/// Severities and codes applied.
pub fn run_file_rules(config: &Resolved, files: &[FileCtx]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let enabled: Vec<&RuleInfo> = RULES
        .iter()
        .copied()
        .filter(|r| config.severity(r.code) != Severity::Off)
        .filter(|r| r.file.is_some() || r.item.is_some())
        .collect();
    files
        .par_iter()
        .flat_map_iter(|f| {
            let fc = FileCheck { config, file: f };
            let mut found: Vec<Vec<Diagnostic>> = vec![Vec::new(); enabled.len()];
            for (r, out) in enabled.iter().zip(found.iter_mut()) {
                if let Some(check) = r.file {
                    check(&fc, out);
                }
            }
            if let Some(doc) = fc.inventory_doc() {
                walk::walk(doc, &mut |item| {
                    for (r, out) in enabled.iter().zip(found.iter_mut()) {
                        if let Some(check) = r.item {
                            check(&fc, item, out);
                        }
                    }
                });
            }
            enabled
                .iter()
                .zip(found)
                .flat_map(|(r, mut v)| {
                    stamp(config, r, &mut v);
                    v
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every rule, in code order: [`info`] of each of [`Code::ALL`].
pub static RULES: [&RuleInfo; Code::ALL.len()] = {
    let mut out = [&yaml_syntax::RULE; Code::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let rule = info(Code::ALL[i]);
        // A rule module names the code it is filed under.
        assert!(rule.code as usize == Code::ALL[i] as usize);
        out[i] = rule;
        i += 1;
    }
    out
};

/// A group name the updater may create (no characters Ansible calls invalid).
pub fn group_name_ok(name: &str) -> bool {
    !name.is_empty() && group_name::invalid_chars(name).is_empty()
}

/// The rule of a code.
pub const fn info(code: Code) -> &'static RuleInfo {
    match code {
        Code::YamlSyntax => &yaml_syntax::RULE,
        Code::DuplicateKey => &duplicate_key::RULE,
        Code::Schema => &schema::RULE,
        Code::Yaml11Key => &yaml11_key::RULE,
        Code::GroupName => &group_name::RULE,
        Code::HostName => &host_name::RULE,
        Code::GroupGraph => &group_graph::RULE,
        Code::DomainGroupName => &domain_group_name::RULE,
        Code::DomainMismatch => &domain_mismatch::RULE,
        Code::DomainExclusive => &domain_exclusive::RULE,
        Code::UndeclaredGroup => &undeclared_group::RULE,
        Code::DuplicateHostEnv => &duplicate_host_env::RULE,
        Code::DuplicateHostAlias => &duplicate_host_alias::RULE,
        Code::DuplicateAddress => &duplicate_address::RULE,
        Code::ConflictingVars => &conflicting_vars::RULE,
        Code::DanglingSymlink => &dangling_symlink::RULE,
        Code::ForeignInventoryFile => &foreign_inventory_file::RULE,
        Code::SortOrder => &sort_order::RULE,
    }
}

/// Lowercased, without a copy when it already is (host names and
/// addresses usually are).
pub(crate) fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Run every enabled rule; severities applied, duplicates (the same finding
/// reached through several environments) removed, sorted by file and line.
pub fn run_all(cx: &Context<'_>) -> Vec<Diagnostic> {
    run_all_timed(cx, &crate::timer::Timer::new())
}

/// [`run_all`], timing each rule.
pub fn run_all_timed(cx: &Context<'_>, timer: &crate::timer::Timer) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Per-file findings first: of two findings of one code on one line,
    // the rule's own (more precise) message is the one kept.
    let mut out: Vec<Diagnostic> = cx.file_findings.clone();
    let checks: Vec<Diagnostic> = RULES
        .par_iter()
        .filter(|r| cx.config.severity(r.code) != Severity::Off)
        .flat_map_iter(|r| {
            let mut v = Vec::new();
            timer.time(r.code.as_str(), || (r.check)(cx, &mut v));
            stamp(cx.config, r, &mut v);
            v
        })
        .collect();
    out.extend(checks);
    out.sort_by_key(|d| d.sort_key());
    out.dedup_by(|a, b| {
        a.code == b.code
            && a.primary.file.path == b.primary.file.path
            && a.primary.file.line_col(a.primary.span.start).line
                == b.primary.file.line_col(b.primary.span.start).line
    });
    out
}

/// The model's fatal errors of a given code, from every view, as diagnostics.
pub fn fatal_diagnostics(cx: &Context<'_>, code: Code, out: &mut Vec<Diagnostic>) {
    for v in cx.checked_views() {
        for f in v.inv.fatal.iter().filter(|f| f.code == code) {
            let mut d = Diagnostic::new(code, &f.loc.file, f.loc.span, f.message.clone());
            for (loc, msg) in &f.related {
                d = d.related(&loc.file, loc.span, msg.clone());
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{info, RULES};
    use crate::diagnostic::Code;
    use std::path::{Path, PathBuf};

    fn rules_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")
    }

    /// The first line of a rule's file: its code, name and summary.
    fn header(code: Code) -> String {
        format!("//! {} {}: {}", code.as_str(), code.name(), code.summary())
    }

    #[test]
    fn every_code_has_its_rule_in_code_order() {
        assert_eq!(RULES.len(), Code::ALL.len());
        for (rule, code) in RULES.iter().zip(Code::ALL) {
            assert_eq!(rule.code, code);
            assert_eq!(info(code).code, code);
        }
    }

    #[test]
    fn rule_files_open_with_their_registry_line() {
        for code in Code::ALL {
            let path = rules_dir().join(format!("{}.rs", code.name().replace('-', "_")));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{code}: the rule's file {}: {e}", path.display()));
            assert_eq!(
                text.lines().next().unwrap_or(""),
                header(code),
                "{}: the first line must name the rule as src/codes.rs does",
                path.display()
            );
            assert!(
                text.contains(&format!("\n    code: Code::{code:?},\n")),
                "{}: its RULE must be filed under {code}",
                path.display()
            );
        }
    }

    #[test]
    fn no_other_file_claims_a_code() {
        for entry in std::fs::read_dir(rules_dir()).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let first = text.lines().next().unwrap_or("");
            let Some(rest) = first.strip_prefix("//! INV") else {
                continue;
            };
            let token = format!("INV{}", rest.split([' ', ':']).next().unwrap_or(""));
            let code = Code::parse(&token)
                .unwrap_or_else(|| panic!("{}: `{token}` is not in src/codes.rs", path.display()));
            let file = path.file_stem().unwrap().to_str().unwrap();
            assert_eq!(
                file,
                code.name().replace('-', "_"),
                "{}: {code} is implemented in the file of its name",
                path.display()
            );
        }
    }

    #[test]
    fn docs_have_the_four_sections_in_order() {
        for rule in RULES {
            let mut at = 0;
            for part in [
                "## What it does\n",
                "## Why is this bad?\n",
                "## Example\n",
                "## Use instead\n",
            ] {
                let found = rule.doc[at..].find(part);
                assert!(
                    found.is_some(),
                    "{}: `{}` missing or out of order",
                    rule.code,
                    part.trim()
                );
                at += found.unwrap() + part.len();
            }
        }
    }
}

#[cfg(test)]
pub mod testing {
    //! Run the validator over an in-memory repository.
    use crate::config::Config;
    use crate::diagnostic::{Code, Diagnostic};
    use crate::vfs::MemVfs;

    /// Validate files given as (path, text); symlinks as ("path", "->target").
    pub fn run(files: &[(&str, &str)], config: &str) -> Vec<Diagnostic> {
        let vfs = MemVfs::new(files);
        let cfg = Config::parse(config, "config")
            .and_then(|c| c.resolve())
            .expect("test config");
        crate::validate::validate_repo(&vfs, &cfg).diagnostics
    }

    /// Only the diagnostics of one code, as `path:line` strings.
    pub fn lines(files: &[(&str, &str)], config: &str, code: Code) -> Vec<String> {
        run(files, config)
            .into_iter()
            .filter(|d| d.code == code)
            .map(|d| format!("{}:{}", d.path(), d.primary.start().line))
            .collect()
    }

    /// A one-environment repository around the given DEV hosts.yml.
    pub fn dev(hosts: &str) -> Vec<(&'static str, String)> {
        vec![("inventory/DEV/hosts.yml", hosts.to_string())]
    }

    pub fn check_env(hosts: &str, code: Code) -> Vec<String> {
        let files = dev(hosts);
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
        lines(&refs, "version: 1\nrules: {INV040: warning}\n", code)
    }
}
