//! The collection's operations on small inventories in memory.

use super::*;
use crate::updater::params;
use crate::vfs::MemVfs;
use serde_json::json;

const HOSTS: &str = "---\nall:\n  hosts:\n    old.x.int:\n      ansible_host: 10.0.0.9\n  children:\n    web:\n      hosts:\n        a.x.int: {}\n        old.x.int: {}\n    db:\n      hosts:\n        b.x.int: {}\n";
const XENV: &str =
    "all:\n  children:\n    web: {}\n    db: {}\n    site:\n      children:\n        nfs: {}\n";

fn run(state: State, params_yaml: &str, files: &[(&str, &str)]) -> Result<Applied, EditError> {
    let p = params::parse(params_yaml).expect("params");
    let (c, ignored) = params::collection(&p).expect("items");
    assert!(ignored.is_empty());
    let mut all = vec![("inv/hosts.yml", HOSTS), ("inv/xenv_groups.yml", XENV)];
    all.extend_from_slice(files);
    apply(&c, state, &MemVfs::new(&all), "inv/hosts.yml")
}

fn data(text: &str) -> Value {
    data_of(text, "t").unwrap()
}

fn written<'a>(a: &'a Applied, path: &str) -> Option<&'a str> {
    a.writes
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
}

#[test]
fn a_host_goes_under_each_parent_and_its_vars_to_host_vars() {
    let a = run(
        State::Merge,
        "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: n.x.int\n    parent_groups: [web, db]\n    host_vars: {ansible_host: 10.0.0.1}\n",
        &[],
    )
    .unwrap();
    let d = data(&a.after);
    assert_eq!(d["all"]["children"]["web"]["hosts"]["n.x.int"], json!({}));
    assert_eq!(d["all"]["children"]["db"]["hosts"]["n.x.int"], json!({}));
    assert!(
        d["all"]["hosts"].get("n.x.int").is_none(),
        "not at the root"
    );
    let hv = written(&a, "inv/host_vars/n.x.int.yml").expect("host_vars file");
    assert_eq!(data(hv), json!({"ansible_host": "10.0.0.1"}));
    assert_eq!(a.added, vec!["n.x.int"]);
    // Only the two member lines are new.
    assert_eq!(a.after.lines().count(), HOSTS.lines().count() + 2);
}

#[test]
fn a_parent_outside_the_global_groups_is_refused_with_the_collections_words() {
    let e = run(
        State::Merge,
        "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: n.x.int\n    parent_groups: [web, foobar]\n",
        &[],
    )
    .unwrap_err();
    assert!(
        e.0.contains("validate_global_group_exists(foobar): group_name=[foobar] not found in xenv_groups.yml"),
        "{e}"
    );
    // A nested name counts, and the check can be switched off.
    assert!(run(State::Merge, "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: n.x.int\n    parent_groups: {site: {nfs: {}}}\n", &[]).is_ok());
    assert!(run(State::Merge, "inventory_file: inv/hosts.yml\nenforce_global_groups_must_already_exist: false\nhost_list:\n  - host_name: n.x.int\n    parent_groups: [foobar]\n", &[]).is_ok());
}

#[test]
fn overwrite_takes_a_host_out_of_its_other_groups_and_absent_out_of_all() {
    let a = run(
        State::Overwrite,
        "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: a.x.int\n    parent_groups: [db]\n",
        &[],
    )
    .unwrap();
    let d = data(&a.after);
    assert!(d["all"]["children"]["web"]["hosts"]
        .get("a.x.int")
        .is_none());
    assert_eq!(d["all"]["children"]["db"]["hosts"]["a.x.int"], json!({}));
    let a = run(
        State::Absent,
        "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: old.x.int\n",
        &[("inv/host_vars/old.x.int.yml", "x: 1\n")],
    )
    .unwrap();
    assert!(!a.after.contains("old.x.int"), "{}", a.after);
    assert_eq!(a.remove_files, vec!["inv/host_vars/old.x.int.yml"]);
    assert_eq!(a.removed, vec!["old.x.int"]);
}

#[test]
fn inline_vars_merge_on_the_root_entry() {
    let a = run(
        State::Merge,
        "inventory_file: inv/hosts.yml\nuse_vars_files: false\nhost_list:\n  - host_name: old.x.int\n    host_vars: {ansible_port: 2222}\n",
        &[],
    )
    .unwrap();
    let d = data(&a.after);
    assert_eq!(
        d["all"]["hosts"]["old.x.int"],
        json!({"ansible_host": "10.0.0.9", "ansible_port": 2222})
    );
    assert!(a.writes.is_empty());
}

#[test]
fn groups_get_their_vars_file_their_parents_one_and_links_from_child_inventories() {
    let a = run(
        State::Merge,
        "inventory_file: inv/hosts.yml\nalways_add_child_group_to_root: true\ngroup_list:\n  - group_name: nfs\n    parent_groups: [site]\n    children: [nfs_a]\n    group_vars: {share: /srv}\n",
        &[("inv/group_vars/site.yml", "region: eu\n"), ("inv/DEV/hosts.yml", "all: {}\n")],
    )
    .unwrap();
    let d = data(&a.after);
    assert_eq!(d["all"]["children"]["site"]["children"]["nfs"], json!({}));
    assert_eq!(d["all"]["children"]["nfs"]["children"]["nfs_a"], json!({}));
    assert_eq!(
        data(written(&a, "inv/group_vars/nfs.yml").unwrap()),
        json!({"share": "/srv"})
    );
    assert!(
        written(&a, "inv/group_vars/site.yml").is_none(),
        "a parent's file is kept"
    );
    // The group's file and its parent's, as the collection links them.
    let link = |g: &str| {
        (
            format!("inv/DEV/group_vars/{g}.yml"),
            format!("../../group_vars/{g}.yml"),
        )
    };
    assert_eq!(a.links, vec![link("nfs"), link("site")]);
}

#[test]
fn vars_files_merge_at_the_depth_asked() {
    let start = "---\nfull:\n  outer1: {x: 1, inner: {y: 2}}\n  outer2: 5\nl: [1]\n";
    let req = |extra: &str| {
        format!("inventory_file: inv/hosts.yml\n{extra}group_list:\n  - group_name: web\n    group_vars:\n      full: {{outer1: {{inner: {{z: 3}}}}}}\n      l: [2]\n")
    };
    let files = [("inv/group_vars/web.yml", start)];
    let merged = run(State::Merge, &req(""), &files).unwrap();
    assert_eq!(
        data(written(&merged, "inv/group_vars/web.yml").unwrap()),
        json!({"full": {"outer1": {"x": 1, "inner": {"y": 2, "z": 3}}, "outer2": 5}, "l": [1, 2]})
    );
    let over = run(State::Merge, &req("vars_state: overwrite\n"), &files).unwrap();
    assert_eq!(
        data(written(&over, "inv/group_vars/web.yml").unwrap()),
        json!({"full": {"outer1": {"inner": {"z": 3}}, "outer2": 5}, "l": [1, 2]})
    );
    let replaced = run(State::Overwrite, &req(""), &files).unwrap();
    assert_eq!(
        data(written(&replaced, "inv/group_vars/web.yml").unwrap()),
        json!({"full": {"outer1": {"inner": {"z": 3}}}, "l": [2]})
    );
}

#[test]
fn the_same_request_twice_changes_nothing() {
    let req = "inventory_file: inv/hosts.yml\nhost_list:\n  - host_name: n.x.int\n    parent_groups: {site: {nfs: {}}}\n    host_vars: {dns: [a, b]}\n";
    let a = run(State::Merge, req, &[]).unwrap();
    let mut files: Vec<(&str, &str)> = vec![("inv/hosts.yml", &a.after)];
    for (p, t) in &a.writes {
        files.push((p, t));
    }
    files.push(("inv/xenv_groups.yml", XENV));
    let p = params::parse(req).unwrap();
    let (c, _) = params::collection(&p).unwrap();
    let again = apply(&c, State::Merge, &MemVfs::new(&files), "inv/hosts.yml").unwrap();
    assert!(!again.changed(), "{:?}", again.writes);
}

#[test]
fn a_missing_root_key_or_file_is_named() {
    let p = params::parse("inventory_file: inv/other.yml\nhost_list: [{host_name: h}]\n").unwrap();
    let (c, _) = params::collection(&p).unwrap();
    let vfs = MemVfs::new(&[("inv/hosts.yml", "web:\n  hosts: {}\n")]);
    let e = apply(&c, State::Merge, &vfs, "inv/other.yml").unwrap_err();
    assert!(
        e.0.contains("inventory file inv/other.yml does not exist"),
        "{e}"
    );
    let e = apply(&c, State::Merge, &vfs, "inv/hosts.yml").unwrap_err();
    assert!(e.0.contains("root key [all] not found"), "{e}");
}

#[test]
fn the_global_groups_file_is_looked_for_above_and_its_absence_is_told() {
    let req = |extra: &str| {
        let p = params::parse(&format!(
            "inventory_file: inv/prod/hosts.yml\n{extra}host_list:\n  - host_name: n.x.int\n    parent_groups: [foobar]\n"
        ))
        .unwrap();
        params::collection(&p).unwrap().0
    };
    // The shared file of our layout, a folder up: enforced.
    let shared = MemVfs::new(&[("inv/prod/hosts.yml", HOSTS), ("inv/xenv_groups.yml", XENV)]);
    let e = apply(&req(""), State::Merge, &shared, "inv/prod/hosts.yml").unwrap_err();
    assert!(e.0.contains("group_name=[foobar] not found"), "{e}");
    // None anywhere: by default not checked, and said so; asked for: an error.
    let none = MemVfs::new(&[("inv/prod/hosts.yml", HOSTS)]);
    let a = apply(&req(""), State::Merge, &none, "inv/prod/hosts.yml").unwrap();
    assert!(a.warnings[0].contains("not checked"), "{:?}", a.warnings);
    let e = apply(
        &req("enforce_global_groups_must_already_exist: true\n"),
        State::Merge,
        &none,
        "inv/prod/hosts.yml",
    )
    .unwrap_err();
    assert!(
        e.0.contains("global_groups_path=inv/prod/xenv_groups.yml"),
        "{e}"
    );
}
