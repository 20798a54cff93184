//! The formats CI systems read (`github`, `gitlab`, `sarif`) end to end:
//! SARIF against the SARIF 2.1.0 schema, paths from the git work tree's
//! root when the inventory repository is a subfolder of it, and
//! `validate --fix`.

mod common;
use common::*;
use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    let o = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The schema has teeth: a log without runs, a result without a message.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.1.0"})));
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "x"}]}]}))
    );
    let o = run(
        &["validate", "--format", "sarif", "examples/broken"],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log = json(&o);
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The same findings as the JSON format, at the same places.
    let plain = json(&run(
        &["validate", "--format", "json", "examples/broken"],
        &root(),
    ));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let diags = plain["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            d["code"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        // From the work tree's root (this checkout's), not examples/broken.
        let from_top = if root().join(".git").exists() {
            "examples/broken/"
        } else {
            ""
        };
        let file = format!("{from_top}{}", d["file"].as_str().unwrap());
        assert_eq!(loc["artifactLocation"]["uri"], file.as_str());
        assert_eq!(loc["region"]["startLine"], d["line"]);
        assert_eq!(loc["region"]["startColumn"], d["column"]);
        assert_eq!(r["level"], d["severity"]);
    }
    // An empty run is valid too.
    let clean = json(&run(
        &["validate", "--format", "sarif", "examples/"],
        &root(),
    ));
    assert!(validator.is_valid(&clean));
    assert_eq!(clean["runs"][0]["results"].as_array().unwrap().len(), 0);
}

/// A work tree holding the broken example in `ansible/`.
fn nested_repo(tag: &str) -> std::path::PathBuf {
    let dir = tempdir(tag);
    copy_tree(&root().join("examples/broken"), &dir.join("ansible"));
    git(&["init", "-q"], &dir);
    dir
}

#[test]
fn ci_paths_are_from_the_work_tree_root_whatever_folder_is_validated() {
    let dir = nested_repo("ci-paths");
    let file = "ansible/inventory/DEV/hosts.yml";
    for (cwd, path) in [
        (dir.clone(), "ansible"),
        (dir.join("ansible"), "."),
        (dir.join("ansible/inventory/DEV"), "."),
    ] {
        let gh = stdout(&run(&["validate", "--format", "github", path], &cwd));
        assert!(
            gh.contains(&format!("file={file},")),
            "{cwd:?} {path}: {gh}"
        );
        assert!(!gh.contains("file=inventory/"), "{gh}");
        let gl = json(&run(&["validate", "--format", "gitlab", path], &cwd));
        let paths: Vec<&str> = gl
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["location"]["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&file), "{paths:?}");
        assert!(paths.iter().all(|p| p.starts_with("ansible/")), "{paths:?}");
        let sarif = json(&run(&["validate", "--format", "sarif", path], &cwd));
        let uris: Vec<&str> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert!(uris.contains(&file), "{uris:?}");
    }
    // One file, too; and the human and JSON formats stay repository-relative.
    let gh = stdout(&run(
        &[
            "validate",
            "--format",
            "github",
            "ansible/inventory/DEV/hosts.yml",
        ],
        &dir,
    ));
    assert!(gh.contains(&format!("file={file},")), "{gh}");
    let plain = json(&run(&["validate", "--format", "json", "ansible"], &dir));
    assert!(plain["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["file"] == "inventory/DEV/hosts.yml"));
}

#[test]
fn fix_sorts_what_sort_order_reports_and_nothing_else() {
    let dir = tempdir("cli-fix");
    let write = |path: &str, text: &str| {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(".git-inventory.yml", "rules:\n  INV040: warning\n");
    let unsorted = "\
# environment DEV
web:
  hosts:
    web02.dettonville.int:
    # the first one
    web01.dettonville.int:
      ansible_host: 10.0.0.1
  vars:
    zone: b
    app: a
db:
  hosts:
    db01.dettonville.int: {}
";
    write("inventory/DEV/hosts.yml", unsorted);
    let o = run(&["validate", "--format", "json", "."], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["warnings"], 2);
    let o = run(&["validate", "--fix", "."], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fixed inventory/DEV/hosts.yml"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("no problems"), "{}", stdout(&o));
    let fixed = std::fs::read_to_string(dir.join("inventory/DEV/hosts.yml")).unwrap();
    assert_eq!(
        fixed,
        "\
# environment DEV
db:
  hosts:
    db01.dettonville.int: {}
web:
  hosts:
    # the first one
    web01.dettonville.int:
      ansible_host: 10.0.0.1
    web02.dettonville.int:
  vars:
    zone: b
    app: a
"
    );
    // Nothing left to fix: the file is not touched again.
    let o = run(&["validate", "--fix", "."], &dir);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("fixed"), "{}", stderr(&o));
    // A suppressed finding is not fixed; --fix with --rev is refused.
    write(
        "inventory/QA/hosts.yml",
        "b:\n  hosts:\n    h2.dettonville.int:\n    h1.dettonville.int:  # git-inventory: disable=INV040\na: {}  # git-inventory: disable=INV040\n",
    );
    let before = std::fs::read_to_string(dir.join("inventory/QA/hosts.yml")).unwrap();
    let o = run(&["validate", "--fix", "."], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("inventory/QA/hosts.yml")).unwrap(),
        before
    );
    let o = run(&["validate", "--fix", "--rev", "HEAD", "."], &dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
