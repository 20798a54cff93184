use super::*;
use serde_json::json;

fn lines_changed(a: &str, b: &str) -> (usize, usize) {
    let d = similar::TextDiff::from_lines(a, b);
    let mut add = 0;
    let mut del = 0;
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Insert => add += 1,
            similar::ChangeTag::Delete => del += 1,
            _ => {}
        }
    }
    (add, del)
}

const INV: &str = "---\n# header comment\nall:\n  children:\n    # web servers\n    web:\n      hosts:\n        a.x.int:   # first\n        c.x.int: {ansible_host: \"10.0.0.3\"}\n      vars:\n        tier: web\n    zz_unsorted:\n      hosts:\n        b: ~\n        a:\n";

#[test]
fn adds_in_sorted_position_and_only_those_lines() {
    let out = add_host(INV, "web", "b.x.int", &[]).unwrap().unwrap();
    assert!(
        out.contains("        a.x.int:   # first\n        b.x.int:\n        c.x.int:"),
        "{out}"
    );
    assert_eq!(lines_changed(INV, &out), (1, 0));
    let out = add_host(
        INV,
        "zz_unsorted",
        "c",
        &[("ansible_host".into(), json!("10.0.0.9"))],
    )
    .unwrap()
    .unwrap();
    assert!(
        out.ends_with("        a:\n        c:\n          ansible_host: 10.0.0.9\n"),
        "{out}"
    );
    assert_eq!(lines_changed(INV, &out), (2, 0));
}

#[test]
fn adding_twice_is_a_no_op() {
    let once = add_host(INV, "web", "b.x.int", &[("k".into(), json!(1))])
        .unwrap()
        .unwrap();
    assert_eq!(
        add_host(&once, "web", "b.x.int", &[("k".into(), json!(1))]).unwrap(),
        None
    );
    assert_eq!(
        add_host(
            INV,
            "web",
            "c.x.int",
            &[("ansible_host".into(), json!("10.0.0.3"))]
        )
        .unwrap(),
        None
    );
}

#[test]
fn merges_vars_into_existing_entries() {
    let out = add_host(
        INV,
        "web",
        "c.x.int",
        &[
            ("ansible_host".into(), json!("10.0.0.4")),
            ("u".into(), json!("x")),
        ],
    )
    .unwrap()
    .unwrap();
    assert!(
        out.contains("c.x.int: {ansible_host: 10.0.0.4, u: x}"),
        "{out}"
    );
    let out = add_host(INV, "web", "a.x.int", &[("u".into(), json!("x"))])
        .unwrap()
        .unwrap();
    assert!(
        out.contains("        a.x.int:   # first\n          u: x\n"),
        "{out}"
    );
}

#[test]
fn creates_missing_sections_and_groups() {
    let out = add_host(INV, "db", "d1", &[]).unwrap().unwrap();
    assert!(
        out.contains("        a:\n")
            && out.contains("    db:\n      hosts:\n        d1:\n    web:"),
        "{out}"
    );
    assert_eq!(lines_changed(INV, &out), (3, 0));
    let t = "web:\n  vars:\n    x: 1\nother: {}\n";
    let out = add_host(t, "web", "h", &[]).unwrap().unwrap();
    assert_eq!(
        out,
        "web:\n  hosts:\n    h:\n  vars:\n    x: 1\nother: {}\n"
    );
    let out = add_host(t, "other", "h", &[]).unwrap().unwrap();
    assert_eq!(out, "web:\n  vars:\n    x: 1\nother:\n  hosts:\n    h:\n");
    let out = add_host("g:\n  hosts:\n", "g", "h", &[]).unwrap().unwrap();
    assert_eq!(out, "g:\n  hosts:\n    h:\n");
    let out = add_host("g:\n  hosts: {a: 1}\n", "g", "h", &[])
        .unwrap()
        .unwrap();
    assert_eq!(out, "g:\n  hosts: {a: 1, h: }\n");
    assert!(crate::yaml::parse(&out, Default::default())
        .unwrap()
        .is_some());
}

#[test]
fn removes_only_the_entry_lines() {
    let (out, from) = remove_host(INV, "c.x.int", None).unwrap();
    let out = out.unwrap();
    assert_eq!(from, vec!["web"]);
    assert_eq!(lines_changed(INV, &out), (0, 1));
    let (out, from) = remove_host(INV, "a", Some(&["web".to_string()])).unwrap();
    assert!(out.is_none() && from.is_empty());
    let (out, _) = remove_host("g:\n  hosts: {a: 1, b: 2, c: 3}\n", "b", None).unwrap();
    assert_eq!(out.unwrap(), "g:\n  hosts: {a: 1, c: 3}\n");
    let (out, _) = remove_host("g:\n  hosts: {a: 1, b: 2}\n", "b", None).unwrap();
    assert_eq!(out.unwrap(), "g:\n  hosts: {a: 1}\n");
    assert!(remove_host("g:\n  hosts:\n    w[1:3]:\n", "w2", None).is_err());
}

#[test]
fn groups_children_and_vars() {
    let t = "all:\n  children:\n    b:\n      hosts:\n        h1:\n    d: {}\n";
    let out = ensure_entry(t, "all", "c", Entry::Child).unwrap().unwrap();
    assert_eq!(
        out,
        "all:\n  children:\n    b:\n      hosts:\n        h1:\n    c: {}\n    d: {}\n"
    );
    assert_eq!(ensure_entry(&out, "all", "c", Entry::Child).unwrap(), None);
    let out = ensure_entry(t, "d", "x", Entry::Var(&json!(1)))
        .unwrap()
        .unwrap();
    assert_eq!(
        out,
        "all:\n  children:\n    b:\n      hosts:\n        h1:\n    d:\n      vars:\n        x: 1\n"
    );
    let again = ensure_entry(&out, "d", "x", Entry::Var(&json!(2)))
        .unwrap()
        .unwrap();
    assert!(again.ends_with("        x: 2\n"), "{again}");
    let out = ensure_entry(t, "newp", "b", Entry::Child).unwrap().unwrap();
    assert!(
        out.contains("    newp:\n      children:\n        b: {}\n"),
        "{out}"
    );
    let out = remove_group(t, "b").unwrap().unwrap();
    assert_eq!(out, "all:\n  children:\n    d: {}\n");
}

#[test]
fn refuses_dangerous_names() {
    for bad in ["a b", "a\nb", "a: b", "#x", "", "x'y"] {
        assert!(check_host_name(bad).is_err(), "{bad:?}");
    }
    assert!(check_host_name("web01.dettonville.int").is_ok());
    assert_eq!(render_value(&json!("yes")), "\"yes\"");
    assert_eq!(render_value(&json!("0755")), "\"0755\"");
    assert_eq!(render_value(&json!("10.0.0.1")), "10.0.0.1");
}
