use super::*;
use crate::inventory::{ansible, Inventory, Loc, Vars};
use crate::vfs::MemVfs;
use std::fmt::Write;

/// Everything a model holds that loading order can change, as text.
fn model(inv: &Inventory) -> String {
    let mut t = String::new();
    let loc = |l: &Loc| format!("{}@{}", l.file.path, l.span.start);
    let vars = |v: &Vars| {
        v.iter()
            .map(|(k, d)| format!("{k}={:?}@{:?}", d.value.to_json(), d.loc.as_ref().map(loc)))
            .collect::<Vec<_>>()
            .join(",")
    };
    let gname = |g: &usize| inv.groups[*g].name.clone();
    let hname = |h: &usize| inv.hosts[*h].name.to_string();
    for g in inv.groups.values() {
        let mut parents: Vec<String> = g.parents.iter().map(gname).collect();
        parents.sort();
        let _ = writeln!(
            t,
            "group {} children={:?} parents={parents:?} hosts={:?} prio={} vars=[{}] file_vars=[{}] defs={:?}",
            g.name,
            g.children.iter().map(gname).collect::<Vec<_>>(),
            g.hosts.iter().map(hname).collect::<Vec<_>>(),
            g.priority,
            vars(&g.vars),
            vars(&g.file_vars),
            g.defs.iter().map(loc).collect::<Vec<_>>(),
        );
    }
    for h in inv.hosts.values() {
        let _ = writeln!(
            t,
            "host {} groups={:?} vars=[{}] file_vars=[{}] defs={:?}",
            h.name,
            h.groups.iter().map(gname).collect::<Vec<_>>(),
            vars(&h.vars),
            vars(&h.file_vars),
            h.defs
                .iter()
                .map(|d| format!("{}:{}:{}", gname(&d.group), loc(&d.loc), d.pattern))
                .collect::<Vec<_>>(),
        );
    }
    let _ = writeln!(
        t,
        "fatal {:?}",
        inv.fatal.first().map(|f| (f.code, loc(&f.loc), &f.message))
    );
    let _ = writeln!(
        t,
        "sources {:?}",
        inv.sources.iter().map(|s| &s.path).collect::<Vec<_>>()
    );
    let _ = writeln!(t, "notes {}", inv.notes.len());
    if inv.fatal.is_empty() {
        t.push_str(&ansible::list_text(inv));
    }
    t
}

/// Loading in parallel gives the model loading in order gives.
fn same_either_way(files: &[(&str, &str)], sources: &[&str]) -> Inventory {
    let sources: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
    let vfs = MemVfs::new(files);
    let in_order = load_view(&FileCache::new(&vfs, Default::default()), &sources);
    for helpers in [1, 3] {
        let cache = FileCache::new(&vfs, Default::default());
        let parallel = load_view_parallel(&cache, &sources, helpers);
        assert_eq!(model(&parallel), model(&in_order), "{helpers} helpers");
    }
    in_order
}

const DEV: &str = "all:
  vars: {site: dev, tier: 1}
  children:
    web:
      vars: {ansible_group_priority: 5, port: 80}
      hosts:
        a.example.int: {x: 1, y: 2}
        b.example.int:
    db:
      vars: {ansible_group_priority: 3}
      children:
        web:
      hosts:
        c.example.int: {x: 3}
";
const QA: &str = "all:
  vars: {site: qa}
  children:
    db:
      vars: {port: 5432}
      hosts:
        a.example.int: {y: 20, z: 30}
        d.example.int:
    web:
      vars: {ansible_group_priority: 1}
      hosts:
        b.example.int: {x: 2}
        d.example.int:
      children:
        cache:
          hosts:
            e[1:3].example.int: {w: 1}
";
const PROD: &str = "prod:
  children:
    db:
    web:
  hosts:
    a.example.int: {x: 9}
    f.example.int:
";

#[test]
fn overlapping_files_merge_as_loaded_in_order() {
    let inv = same_either_way(
        &[
            ("inv/DEV/hosts.yml", DEV),
            ("inv/QA/hosts.yml", QA),
            ("inv/PROD/hosts.yml", PROD),
            (
                "inv/xenv_groups.yml",
                "xenv:\n  children:\n    web:\n    prod:\n",
            ),
            ("inv/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
            ("inv/QA/xenv_groups.yml", "->../xenv_groups.yml"),
            ("inv/PROD/xenv_groups.yml", "->../xenv_groups.yml"),
            ("inv/QA/group_vars/web.yml", "port: 8080\n"),
            ("inv/DEV/host_vars/a.example.int.yml", "x: 100\n"),
        ],
        &["inv/DEV", "inv/QA", "inv/PROD"],
    );
    assert!(inv.fatal.is_empty());
    // What the later files changed is there: a later priority of 1
    // replaces an earlier 5, a later var value wins.
    assert_eq!(inv.groups["web"].priority, 1);
    assert_eq!(inv.groups["db"].priority, 3);
    let a = &inv.hosts["a.example.int"];
    assert_eq!(a.vars.get("x").map(|d| d.value.to_json()), Some(9.into()));
    assert_eq!(a.defs.len(), 3);
}

#[test]
fn a_cycle_across_files_is_reported_where_loading_in_order_meets_it() {
    let inv = same_either_way(
        &[
            ("one.yml", "a:\n  children:\n    b:\n"),
            ("two.yml", "b:\n  children:\n    c:\n"),
            ("three.yml", "c:\n  children:\n    a:\n  hosts:\n    h1:\n"),
        ],
        &["one.yml", "two.yml", "three.yml"],
    );
    assert_eq!(inv.fatal.len(), 1);
    assert_eq!(inv.fatal[0].loc.file.path, "three.yml");
}

#[test]
fn what_depends_on_earlier_files_is_loaded_in_order() {
    // `x` as a child is the group of the first file, not the host the
    // second file defines before it.
    let inv = same_either_way(
        &[
            ("one.yml", "x:\n  hosts:\n    h1:\n"),
            (
                "two.yml",
                "all:\n  hosts:\n    x:\ng:\n  children:\n    x: not a group\n",
            ),
        ],
        &["one.yml", "two.yml"],
    );
    assert!(inv.fatal.is_empty(), "{:?}", inv.fatal);
    assert_eq!(
        inv.groups["g"].children,
        [inv.groups.get_index_of("x").unwrap()]
    );
    assert!(inv.groups["g"].hosts.is_empty());
    // A port goes to a host only where it is new.
    let inv = same_either_way(
        &[
            ("one.yml", "all:\n  hosts:\n    web2: {ansible_port: 22}\n"),
            ("two.yml", "h:\n  hosts:\n    web2:2222:\n    web3:2222:\n"),
        ],
        &["one.yml", "two.yml"],
    );
    assert!(inv.fatal.is_empty(), "{:?}", inv.fatal);
    let port = |h: &str| {
        inv.hosts[h]
            .vars
            .get("ansible_port")
            .map(|d| d.value.to_json())
    };
    assert_eq!(port("web2"), Some(22.into()));
    assert_eq!(port("web3"), Some(2222.into()));
    // A name that is neither group nor host yet is the same error.
    let inv = same_either_way(
        &[
            ("one.yml", "all:\n  hosts:\n    web1:\n"),
            (
                "two.yml",
                "g:\n  children:\n    web1: not a group\n    web9: nor this\n",
            ),
        ],
        &["one.yml", "two.yml"],
    );
    assert_eq!(inv.fatal.len(), 1);
}

#[test]
fn errors_and_dangling_links_end_in_the_same_first_error() {
    for bad in ["all: [", "->missing.yml", "all:\n  hosts: [a, b]\n", ""] {
        let inv = same_either_way(
            &[("a.yml", DEV), ("b.yml", bad), ("c.yml", QA)],
            &["a.yml", "b.yml", "c.yml"],
        );
        assert!(!inv.fatal.is_empty(), "{bad:?}");
    }
}

#[test]
fn one_file_or_the_same_file_twice() {
    same_either_way(&[("a.yml", DEV)], &["a.yml"]);
    same_either_way(
        &[("a.yml", DEV), ("b.yml", "->a.yml")],
        &["a.yml", "b.yml", "a.yml"],
    );
}
