//! Change planning against whole runs, on in-memory trees.

use super::{validate_change, validate_repo};
use crate::config::Config;
use crate::diagnostic::Code;
use crate::vfs::MemVfs;

const XENV: &str = "all:\n  children:\n    web:\n    db:\n";
const DEV: &str = "web:\n  hosts:\n    d1.example.int:\n      ansible_host: 10.0.1.1\n";
/// QA has an error already: two hosts at one address (INV022).
const QA: &str = "web:\n  hosts:\n    q1.example.int:\n      ansible_host: 10.0.2.1\n    q2.example.int:\n      ansible_host: 10.0.2.1\n";

fn tree(changes: &[(&str, &str)]) -> MemVfs {
    let mut files = vec![
        ("inventory/xenv_groups.yml", XENV),
        ("inventory/DEV/hosts.yml", DEV),
        ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
        ("inventory/QA/hosts.yml", QA),
        ("inventory/QA/xenv_groups.yml", "->../xenv_groups.yml"),
    ];
    for (p, t) in changes {
        files.retain(|(q, _)| q != p);
        files.push((p, t));
    }
    MemVfs::new(&files)
}

/// (code, path:line) of each diagnostic, sorted.
fn found(ds: &[crate::diagnostic::Diagnostic]) -> Vec<String> {
    let mut v: Vec<String> = ds
        .iter()
        .map(|d| format!("{} {}:{}", d.code, d.path(), d.primary.start().line))
        .collect();
    v.sort();
    v
}

fn both(changes: &[(&str, &str)]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let cfg = Config::default().resolve().expect("default config");
    let before = tree(&[]);
    let after = tree(changes);
    (
        found(&validate_change(&after, &before, &cfg).diagnostics),
        found(&validate_repo(&after, &cfg).diagnostics),
        found(&validate_repo(&before, &cfg).diagnostics),
    )
}

/// What the change-only run leaves out was there before the change.
fn leaves_out_only_old(changed: &[String], whole: &[String], before: &[String]) {
    for d in whole.iter().filter(|d| !changed.contains(d)) {
        assert!(before.contains(d), "{d} is new but was not reported");
    }
}

#[test]
fn an_environment_the_change_leaves_alone_is_settled() {
    let dev = format!("{DEV}    d2.example.int:\n");
    let (changed, whole, before) = both(&[("inventory/DEV/hosts.yml", &dev)]);
    assert!(whole.iter().any(|d| d.starts_with("INV022 inventory/QA")));
    assert!(changed.is_empty(), "{changed:?}");
    leaves_out_only_old(&changed, &whole, &before);
}

#[test]
fn a_new_error_in_the_changed_environment_is_found() {
    let dev = format!("{DEV}    d2.example.int:\n      ansible_host: 10.0.1.1\n");
    let (changed, whole, before) = both(&[("inventory/DEV/hosts.yml", &dev)]);
    assert_eq!(changed, vec!["INV022 inventory/DEV/hosts.yml:6"]);
    leaves_out_only_old(&changed, &whole, &before);
}

#[test]
fn a_host_also_in_a_settled_environment_is_found_as_the_whole_run_finds_it() {
    let dev = format!("{DEV}    q1.example.int:\n");
    let (changed, whole, _) = both(&[("inventory/DEV/hosts.yml", &dev)]);
    let dup = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|d| d.starts_with("INV020"))
            .cloned()
            .collect()
    };
    assert_eq!(dup(&changed).len(), 1, "{changed:?}");
    assert_eq!(dup(&changed), dup(&whole));
}

#[test]
fn a_file_every_environment_reads_settles_none() {
    let xenv = format!("{XENV}    app:\n");
    let (changed, whole, before) = both(&[("inventory/xenv_groups.yml", &xenv)]);
    assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
    assert_eq!(changed, whole);
    leaves_out_only_old(&changed, &whole, &before);
}

#[test]
fn vars_beside_an_environment_unsettle_it() {
    let (changed, whole, before) = both(&[("inventory/QA/group_vars/web.yml", "owner: team1\n")]);
    assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
    assert!(!changed.iter().any(|d| d.contains("inventory/DEV")));
    leaves_out_only_old(&changed, &whole, &before);
}

#[test]
fn a_new_file_in_an_environment_unsettles_it_only() {
    let (changed, whole, before) = both(&[(
        "inventory/QA/more.yml",
        "db:\n  hosts:\n    q3.example.int:\n",
    )]);
    assert!(changed.iter().any(|d| d.starts_with("INV022 inventory/QA")));
    leaves_out_only_old(&changed, &whole, &before);
    // Removing QA's file: QA is gone, DEV settled, nothing reported.
    let cfg = Config::default().resolve().expect("default config");
    let before = tree(&[]);
    let mut files = vec![
        ("inventory/xenv_groups.yml", XENV),
        ("inventory/DEV/hosts.yml", DEV),
        ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
    ];
    files.push((
        "inventory/QA/other.yml",
        "web:\n  hosts:\n    q9.example.int:\n",
    ));
    let after = MemVfs::new(&files);
    let r = validate_change(&after, &before, &cfg);
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.code == Code::DuplicateAddress),
        "{:?}",
        found(&r.diagnostics)
    );
}

#[test]
fn files_parsed_ahead_stand_only_for_unchanged_files() {
    let cfg = Config::default().resolve().expect("default config");
    let before = tree(&[]);
    // QA changes too: its parse from `before` must not be used.
    let qa = format!("{QA}    q3.example.int:\n      ansible_host: 10.0.2.1\n");
    let dev = format!("{DEV}    d2.example.int:\n");
    let after = tree(&[
        ("inventory/DEV/hosts.yml", &dev),
        ("inventory/QA/hosts.yml", &qa),
    ]);
    let ahead = super::parse_ahead(&before, &cfg, &[]);
    assert!(ahead
        .iter()
        .any(|p| p.file.path == "inventory/QA/hosts.yml"));
    let with = super::plan_change(&after, &before, &cfg, None)
        .with_parsed(ahead)
        .validate(&after, &cfg)
        .expect("no host in two environments");
    let without = validate_change(&after, &before, &cfg);
    assert_eq!(found(&with.diagnostics), found(&without.diagnostics));
    assert!(
        found(&with.diagnostics)
            .iter()
            .any(|d| d == "INV022 inventory/QA/hosts.yml:8"),
        "{:?}",
        found(&with.diagnostics)
    );
}

#[test]
fn a_broken_yaml_file_in_the_change_is_reported() {
    let (changed, _, _) = both(&[("inventory/DEV/hosts.yml", "web:\n  hosts: [\n")]);
    assert!(
        changed
            .iter()
            .any(|d| d.starts_with("INV001 inventory/DEV")),
        "{changed:?}"
    );
}

#[test]
fn a_file_another_plugin_loads_unsettles_its_environment_only() {
    let cfg = Config::default().resolve().expect("default config");
    let before = tree(&[]);
    // Only a mode changes: no listing, no blob id.
    let after = tree(&[]).executable(&["inventory/QA/hosts.yml"]);
    let changed = found(&validate_change(&after, &before, &cfg).diagnostics);
    assert!(
        changed.contains(&"INV031 inventory/QA/hosts.yml:1".to_string()),
        "{changed:?}"
    );
    assert!(!changed.iter().any(|d| d.contains("inventory/DEV")));
    let (changed, whole, before) = both(&[("inventory/DEV/extra.ini", "[web]\nq1.example.int\n")]);
    assert!(changed.contains(&"INV031 inventory/DEV/extra.ini:1".to_string()));
    assert!(!changed.iter().any(|d| d.contains("inventory/QA")));
    leaves_out_only_old(&changed, &whole, &before);
}
