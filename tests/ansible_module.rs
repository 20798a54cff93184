//! The Ansible collection: built with ansible-galaxy, its module run by a
//! real ansible-playbook against a local bare repository (with the hook),
//! in normal, repeated and check+diff modes; ansible-doc renders its docs.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ansible_bin(tool: &str) -> PathBuf {
    let inv = std::env::var_os("GIT_INVENTORY_ANSIBLE_INVENTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ansible-venv/bin/ansible-inventory"));
    let p = inv.parent().unwrap().join(tool);
    assert!(
        p.is_file(),
        "MISSING {}: run `scripts/test`, which installs ansible-core into target/ansible-venv",
        p.display()
    );
    p
}

fn ansible(tool: &str, args: &[&str], cwd: &Path, collections: &Path, home: &Path) -> Output {
    Command::new(ansible_bin(tool))
        .args(args)
        .current_dir(cwd)
        .env("ANSIBLE_COLLECTIONS_PATH", collections)
        .env("ANSIBLE_HOME", home)
        .env("ANSIBLE_LOCAL_TEMP", home.join("tmp"))
        .env("ANSIBLE_CONFIG", home.join("none.cfg"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_LOCALHOST_WARNING", "false")
        .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false")
        .output()
        .expect("ansible runs")
}

/// Host lines directly under `@group:` in `--graph` output.
fn graph_members(graph: &str, group: &str) -> Vec<String> {
    let depth = |l: &str| l.matches("  |").count();
    let lines: Vec<&str> = graph.lines().collect();
    let Some(i) = lines
        .iter()
        .position(|l| l.trim_start_matches(['|', ' ', '-']).trim() == format!("@{group}:"))
    else {
        return Vec::new();
    };
    let d = depth(lines[i]);
    lines[i + 1..]
        .iter()
        .take_while(|l| depth(l) > d)
        .filter(|l| depth(l) == d + 1 && !l.contains('@'))
        .map(|l| l.rsplit("--").next().unwrap_or("").to_string())
        .collect()
}

/// The registered result the play wrote to `result.json`.
fn task_result(o: &Output, file: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("{e}: no result file: {}{}", stdout(o), stderr(o)));
    let _ = std::fs::remove_file(file);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The collection, built and installed under `dir` as users would; the
/// collections path.
fn installed_collection(dir: &Path, home: &Path) -> PathBuf {
    let build = dir.join("build");
    let o = ansible(
        "ansible-galaxy",
        &[
            "collection",
            "build",
            root().join("ansible").to_str().unwrap(),
            "--output-path",
            build.to_str().unwrap(),
        ],
        dir,
        &dir.join("none"),
        home,
    );
    assert!(o.status.success(), "build: {}{}", stdout(&o), stderr(&o));
    let tarball = build.join("gitinv-git_inventory-0.1.0.tar.gz");
    let colls = dir.join("collections");
    let o = ansible(
        "ansible-galaxy",
        &[
            "collection",
            "install",
            tarball.to_str().unwrap(),
            "-p",
            colls.to_str().unwrap(),
        ],
        dir,
        &colls,
        home,
    );
    assert!(o.status.success(), "install: {}{}", stdout(&o), stderr(&o));
    colls
}

#[test]
fn playbook_enrolls_idempotently_and_check_mode_predicts() {
    let dir = tempdir("ansible-module");
    let home = dir.join("home");
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let colls = installed_collection(&dir, &home);

    // A repository like our users': inventory/prod/hosts.yml, the hook installed.
    let bare = dir.join("inventory.git");
    git(
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
        &dir,
    );
    let seed = dir.join("seed");
    git(&["init", "-q", "-b", "main", seed.to_str().unwrap()], &dir);
    std::fs::create_dir_all(seed.join("inventory/prod")).unwrap();
    std::fs::write(seed.join("inventory/xenv_groups.yml"), "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n    aibrix_prod:\n    ollama_hosts:\n").unwrap();
    std::os::unix::fs::symlink(
        "../xenv_groups.yml",
        seed.join("inventory/prod/xenv_groups.yml"),
    )
    .unwrap();
    std::fs::write(seed.join("inventory/prod/hosts.yml"), "# prod\nall:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        inference-grid-01.dettonville.int:\n").unwrap();
    git(&["add", "-A"], &seed);
    git(&["commit", "-qm", "seed"], &seed);
    git(&["push", "-q", bare.to_str().unwrap(), "main"], &seed);
    assert!(run(&["hook", "install", bare.to_str().unwrap()], &dir)
        .status
        .success());
    let key = dir.join("deploy_key");
    std::fs::write(&key, "unused for a local repository\n").unwrap();
    std::process::Command::new("chmod")
        .args(["600", key.to_str().unwrap()])
        .status()
        .unwrap();

    let result = dir.join("result.json");
    let play = |host: &str| {
        format!(
            "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - name: enroll\n      gitinv.git_inventory.update_inventory:\n        inventory_repo_url: \"{url}\"\n        inventory_file: inventory/prod/hosts.yml\n        git_comment_prefix: INFRA-4242\n        ssh_params:\n          key_file: \"{key}\"\n        state: present\n        host_list:\n          - host_name: {host}\n            parent_groups:\n              - ca_domain_int_dettonville\n              - aibrix_prod\n              - ollama_hosts\n        binary_path: \"{bin}\"\n      register: r\n    - name: keep the result\n      ansible.builtin.copy:\n        content: \"{{{{ r | to_json }}}}\"\n        dest: \"{out}\"\n      check_mode: false\n      diff: false\n",
            url = bare.display(),
            key = key.display(),
            bin = bin().display(),
            out = result.display()
        )
    };
    let pb = dir.join("enroll.yml");
    std::fs::write(&pb, play("inference-grid-03.dettonville.int")).unwrap();
    let head = || {
        let o = Command::new("git")
            .args(["rev-parse", "main"])
            .current_dir(&bare)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let before = head();
    let interp = format!(
        "ansible_python_interpreter={}",
        ansible_bin("python").display()
    );
    let o = ansible(
        "ansible-playbook",
        &["-i", "localhost,", "-e", &interp, pb.to_str().unwrap()],
        &dir,
        &colls,
        &home,
    );
    let r = task_result(&o, &result);
    assert!(o.status.success(), "{r}\n{}", stderr(&o));
    assert_eq!(r["changed"], true, "{r}");
    assert_ne!(head(), before);
    let after_first = head();

    // Again: nothing to do.
    let o = ansible(
        "ansible-playbook",
        &["-i", "localhost,", "-e", &interp, pb.to_str().unwrap()],
        &dir,
        &colls,
        &home,
    );
    let r = task_result(&o, &result);
    assert!(o.status.success(), "{r}");
    assert_eq!(r["changed"], false, "{r}");
    assert_eq!(head(), after_first);

    // Check + diff mode for a new host: the predicted diff, nothing pushed.
    std::fs::write(&pb, play("inference-grid-04.dettonville.int")).unwrap();
    let o = ansible(
        "ansible-playbook",
        &[
            "-i",
            "localhost,",
            "-e",
            &interp,
            "--check",
            "--diff",
            pb.to_str().unwrap(),
        ],
        &dir,
        &colls,
        &home,
    );
    let r = task_result(&o, &result);
    assert!(o.status.success(), "{r}");
    assert_eq!(r["changed"], true, "{r}");
    let diff = &r["diff"];
    assert!(
        diff["after"]
            .as_str()
            .unwrap()
            .contains("inference-grid-04.dettonville.int"),
        "{r}"
    );
    assert!(
        !diff["before"]
            .as_str()
            .unwrap()
            .contains("inference-grid-04"),
        "{r}"
    );
    assert_eq!(head(), after_first, "check mode pushes nothing");

    // What Ansible itself now sees.
    let clone = dir.join("clone");
    git(
        &[
            "clone",
            "-q",
            bare.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
        &dir,
    );
    let o = Command::new(ansible_bin("ansible-inventory"))
        .args(["-i", "inventory/prod/hosts.yml", "--graph"])
        .current_dir(&clone)
        .env("ANSIBLE_HOME", &home)
        .env("ANSIBLE_CONFIG", home.join("none.cfg"))
        .output()
        .unwrap();
    let graph = stdout(&o);
    for g in ["ca_domain_int_dettonville", "aibrix_prod", "ollama_hosts"] {
        assert!(
            graph_members(&graph, g).contains(&"inference-grid-03.dettonville.int".to_string()),
            "{g}:\n{graph}"
        );
    }

    // ansible-doc renders the module's documentation.
    let o = ansible(
        "ansible-doc",
        &["gitinv.git_inventory.update_inventory"],
        &dir,
        &colls,
        &home,
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let doc = stdout(&o);
    for opt in [
        "inventory_repo_url",
        "host_list",
        "ssh_params",
        "git_comment_prefix",
        "EXAMPLES",
        "RETURN VALUES",
    ] {
        assert!(doc.contains(opt), "ansible-doc lacks {opt}:\n{doc}");
    }
}

#[test]
fn credentials_in_the_repository_url_are_hidden() {
    let dir = tempdir("ansible-secret");
    let home = dir.join("home");
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let colls = installed_collection(&dir, &home);
    let result = dir.join("result.json");
    // A token as the user name of an https URL (nothing listens there: the
    // clone fails), a password in the ticket prefix.
    let play = format!(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - name: enroll\n      gitinv.git_inventory.update_inventory:\n        inventory_repo_url: https://TOKEN1234@127.0.0.1:1/x.git\n        inventory_file: inventory/prod/hosts.yml\n        git_comment_prefix: \"see https://bot:PASS5678@h/x\"\n        host_list:\n          - host_name: web01.dettonville.int\n            parent_groups: [web]\n        binary_path: \"{bin}\"\n      register: r\n      ignore_errors: true\n    - name: keep the result\n      ansible.builtin.copy:\n        content: \"{{{{ r | to_json }}}}\"\n        dest: \"{out}\"\n",
        bin = bin().display(),
        out = result.display()
    );
    let pb = dir.join("secret.yml");
    std::fs::write(&pb, play).unwrap();
    let interp = format!(
        "ansible_python_interpreter={}",
        ansible_bin("python").display()
    );
    let o = ansible(
        "ansible-playbook",
        &[
            "-i",
            "localhost,",
            "-e",
            &interp,
            "-vvv",
            pb.to_str().unwrap(),
        ],
        &dir,
        &colls,
        &home,
    );
    let r = task_result(&o, &result);
    assert_eq!(r["failed"], true, "{r}");
    assert_eq!(r["rc"], 3, "{r}");
    let all = format!("{}{}{r}", stdout(&o), stderr(&o));
    for secret in ["TOKEN1234", "PASS5678"] {
        assert!(!all.contains(secret), "{secret} shown:\n{all}");
    }
    assert!(
        r["msg"].as_str().unwrap().contains("127.0.0.1:1/x.git"),
        "{r}"
    );
}
