//! The pre-receive hook through real `git push`es into a bare repository
//! with the hook installed by `git-inventory hook install` (file:// here;
//! tests/hook_ssh.rs does the same over SSH).

mod common;
use common::server::*;
use common::*;

#[test]
fn clean_push_is_accepted_and_bad_pushes_are_rejected_with_locations() {
    let s = Server::new("hook-basic", &[]);
    s.commit("clean");
    let o = s.push(&["main"]);
    assert!(o.status.success(), "{}", err(&o));
    let accepted = s.remote_head("main").unwrap();

    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "duplicate host",
            "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n",
            &["inventory/DEV/hosts.yml:4:5: INV002"],
        ),
        (
            "bad domain group",
            "ca_domain_int_dettonville_:\n  hosts:\n    a:\n",
            &["inventory/DEV/hosts.yml:1:1: INV010"],
        ),
        (
            "yaml syntax",
            "web:\n  hosts:\n\tweb01:\n",
            &["inventory/DEV/hosts.yml:3", "INV001"],
        ),
        (
            "schema",
            "web:\n  hosts:\n    - web01\n",
            &["inventory/DEV/hosts.yml:3:5: INV003"],
        ),
    ];
    for (what, text, needles) in cases {
        s.write("inventory/DEV/hosts.yml", text);
        s.commit(what);
        let o = s.push(&["main"]);
        assert_rejected(&o, needles);
        assert!(err(&o).contains("push rejected"), "{what}: summary line");
        assert_eq!(
            s.remote_head("main").unwrap(),
            accepted,
            "{what}: remote untouched"
        );
        git(&["reset", "-q", "--hard", &accepted], &s.work);
    }
}

#[test]
fn the_tip_of_a_multi_commit_push_decides() {
    let s = Server::new("hook-tip", &[]);
    s.commit("clean");
    assert!(s.push(&["main"]).status.success());
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts: [broken]\n");
    s.commit("broken");
    s.write(
        "inventory/DEV/hosts.yml",
        GOOD.replace("web01", "web02").as_str(),
    );
    s.commit("fixed");
    let o = s.push(&["main"]);
    assert!(
        o.status.success(),
        "bad middle commit, good tip: {}",
        err(&o)
    );
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts: [broken]\n");
    s.commit("broken tip");
    assert_rejected(&s.push(&["main"]), &["INV003"]);
}

#[test]
fn deletions_and_tags() {
    let s = Server::new("hook-refs", &[]);
    s.commit("clean");
    assert!(s.push(&["main"]).status.success());
    // A bad commit on a tag is not validated by default...
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts: [x]\n");
    s.commit("bad");
    git(&["tag", "v1"], &s.work);
    let o = s.push(&["refs/tags/v1"]);
    assert!(
        o.status.success(),
        "tags are skipped by default: {}",
        err(&o)
    );
    // ...but is on a branch, and deleting that branch later is fine.
    assert_rejected(&s.push(&["HEAD:refs/heads/topic"]), &["INV003"]);
    git(&["reset", "-q", "--hard", "HEAD~1"], &s.work);
    assert!(s.push(&["HEAD:refs/heads/topic"]).status.success());
    let o = s.push(&["--delete", "topic"]);
    assert!(o.status.success(), "deletion: {}", err(&o));
    assert!(s.remote_head("topic").is_none());
    // With hook.tags on (server-side config), tags are validated too.
    let cfg = s.dir.join("server.yml");
    std::fs::write(&cfg, "version: 1\nhook:\n  tags: true\n").unwrap();
    let o = run(
        &[
            "hook",
            "install",
            s.bare.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &s.dir,
    );
    assert!(
        o.status.success(),
        "reinstall over our own hook: {}",
        stderr(&o)
    );
    assert_rejected(&s.push(&["refs/tags/v1:refs/tags/v2"]), &["INV003"]);
}

#[test]
fn a_server_side_config_governs_every_push() {
    let s = Server::new("hook-cfg", &[]);
    s.commit("clean");
    assert!(s.push(&["main"]).status.success());
    std::fs::write(s.bare.join("git-inventory.yml"), "version: 1\n").unwrap();
    // A .git-inventory.yml switching INV002 off is not obeyed: neither by
    // the push that brings it, nor once it is on the branch.
    s.write(".git-inventory.yml", "version: 1\nrules:\n  INV002: off\n");
    s.commit("switch off");
    assert_accepted(&s.push(&["main"]));
    s.write(
        "inventory/DEV/hosts.yml",
        "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n",
    );
    s.commit("break");
    assert_rejected(&s.push(&["main"]), &["INV002"]);
    assert_rejected(&s.push(&["HEAD:refs/heads/b"]), &["INV002"]);
}

#[test]
fn ratchet_lets_fixes_through_a_messy_repo_and_blocks_new_violations() {
    let s = Server::new("hook-ratchet", &[]);
    // History already has a violation (pushed before the hook existed).
    std::fs::remove_file(s.bare.join("hooks/pre-receive")).unwrap();
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n    web02.dettonville.int:\n");
    s.commit("messy");
    assert!(s.push(&["main"]).status.success());
    let o = run(&["hook", "install", s.bare.to_str().unwrap()], &s.dir);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("has 1 error: the first push onto it is validated whole"),
        "{}",
        stdout(&o)
    );
    // Strict: an unrelated change is blocked by the old violation.
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n    web03.dettonville.int:\n");
    s.commit("unrelated");
    assert_rejected(&s.push(&["main"]), &["INV002"]);
    // Ratchet (server-side config): the same push goes through...
    std::fs::write(
        s.bare.join("git-inventory.yml"),
        "version: 1\nhook:\n  mode: ratchet\n",
    )
    .unwrap();
    let o = s.push(&["main"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("already present before this push (ratchet)"),
        "{}",
        err(&o)
    );
    // ...and a new violation is still blocked, also on a new branch.
    s.write(
        "inventory/DEV/hosts.yml",
        "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n    web 03:\n",
    );
    s.commit("new violation");
    assert_rejected(&s.push(&["main"]), &["INV006"]);
    assert_rejected(&s.push(&["HEAD:refs/heads/feature"]), &["INV006"]);
}

#[test]
fn gitlab_prefix_and_layout() {
    let s = Server::new("hook-gitlab", &[]);
    s.commit("clean");
    assert!(s.push(&["main"]).status.success());
    s.write("inventory/DEV/hosts.yml", "web:\n  hosts: [x]\n");
    s.commit("bad");
    let o = s.push_env(&["main"], &[("GL_ID", "user-1")]);
    assert_rejected(&o, &["GL-HOOK-ERR: inventory/DEV/hosts.yml:2:10: INV003"]);
    let o = run(
        &["hook", "install", "--gitlab", s.bare.to_str().unwrap()],
        &s.dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shim =
        std::fs::read_to_string(s.bare.join("custom_hooks/pre-receive.d/git-inventory")).unwrap();
    assert!(shim.contains("pre-receive --gitlab"), "{shim}");
}

#[test]
fn install_refuses_foreign_hooks_and_uninstall_removes_only_ours() {
    let dir = tempdir("hook-install");
    let bare = dir.join("b.git");
    git(&["init", "-q", "--bare", bare.to_str().unwrap()], &dir);
    let b = bare.to_str().unwrap();
    std::fs::write(bare.join("hooks/pre-receive"), "#!/bin/sh\necho theirs\n").unwrap();
    let o = run(&["hook", "install", b], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(run(&["hook", "uninstall", b], &dir).status.code(), Some(2));
    assert!(
        bare.join("hooks/pre-receive").exists(),
        "a foreign hook is left alone"
    );
    assert!(run(&["hook", "install", "--force", b], &dir)
        .status
        .success());
    let shim = std::fs::read_to_string(bare.join("hooks/pre-receive")).unwrap();
    assert!(shim.contains(git_inventory::hook::MARKER));
    assert!(run(&["hook", "uninstall", b], &dir).status.success());
    assert!(!bare.join("hooks/pre-receive").exists());
    assert_eq!(
        run(&["hook", "install", dir.to_str().unwrap()], &dir)
            .status
            .code(),
        Some(2),
        "not a bare repo"
    );
}

/// The hook notes each tree it accepts without an error; a push onto such a
/// tree is validated for what it changes. An environment the push leaves
/// as it was is not judged again: shown here with a tree noted by hand
/// although its QA environment has an error (pushed before the hook).
#[test]
fn a_push_onto_an_accepted_tree_is_validated_for_what_it_changes() {
    let s = Server::new("hook-accepted", &[]);
    let qa_good = "web:\n  hosts:\n    qa01.dettonville.int:\n      ansible_host: 10.0.2.1\n    qa02.dettonville.int:\n      ansible_host: 10.0.2.2\n";
    let qa_bad = "web:\n  hosts:\n    qa01.dettonville.int:\n      ansible_host: 10.0.2.1\n    qa02.dettonville.int:\n      ansible_host: 10.0.2.1\n";
    s.write("inventory/QA/hosts.yml", qa_good);
    std::os::unix::fs::symlink(
        "../xenv_groups.yml",
        s.work.join("inventory/QA/xenv_groups.yml"),
    )
    .unwrap();
    s.commit("two environments");
    let o = s.push(&["main"]);
    assert!(o.status.success(), "{}", err(&o));
    let noted_path = s.bare.join("git-inventory/accepted-trees");
    let noted = std::fs::read_to_string(&noted_path).expect("the accepted tree is noted");
    let tree = git_stdout(&["rev-parse", "HEAD^{tree}"], &s.work);
    let line = noted
        .lines()
        .find(|l| l.starts_with(tree.trim()))
        .expect("this tree");
    let fingerprint = line.split(' ').nth(1).unwrap().to_string();
    // Installing again validates the default branch's tip and notes it.
    let line = line.to_string();
    std::fs::remove_file(&noted_path).unwrap();
    let o = run(&["hook", "install", s.bare.to_str().unwrap()], &s.dir);
    assert!(
        stdout(&o).contains("has no error: noted as accepted"),
        "{}",
        stdout(&o)
    );
    assert!(std::fs::read_to_string(&noted_path)
        .unwrap()
        .contains(&line));

    // QA gets an error past the hook (pushed with the hook removed).
    let hook = s.bare.join("hooks/pre-receive");
    let shim = std::fs::read(&hook).unwrap();
    std::fs::remove_file(&hook).unwrap();
    s.write("inventory/QA/hosts.yml", qa_bad);
    s.commit("QA: one address twice");
    assert!(s.push(&["main"]).status.success());
    std::fs::write(&hook, &shim).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let messy = git_stdout(&["rev-parse", "HEAD"], &s.work)
        .trim()
        .to_string();
    let messy_tree = git_stdout(&["rev-parse", "HEAD^{tree}"], &s.work);

    // Not noted: a DEV change onto it is validated whole, QA's error found.
    s.write(
        "inventory/DEV/hosts.yml",
        &format!("{GOOD}    web02.dettonville.int:\n"),
    );
    s.commit("DEV: one more host");
    assert_rejected(&s.push(&["main"]), &["inventory/QA/hosts.yml:6", "INV022"]);

    // Noted (as if the hook had accepted it): only DEV is judged.
    let mut text = std::fs::read_to_string(&noted_path).unwrap();
    text.push_str(&format!("{} {fingerprint}\n", messy_tree.trim()));
    std::fs::write(&noted_path, text).unwrap();
    let o = s.push(&["main"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("0 errors"), "{}", err(&o));
    // Each environment's hosts are kept by its inputs (QA's were not read).
    let kept = std::fs::read_dir(s.bare.join("git-inventory/hosts"))
        .unwrap()
        .count();
    assert!(kept >= 2, "{kept} host lists kept");
    let dev_tip = git_stdout(&["rev-parse", "HEAD"], &s.work)
        .trim()
        .to_string();

    // A change in QA is judged: its error is found again.
    s.write(
        "inventory/QA/hosts.yml",
        &format!("{qa_bad}    qa03.dettonville.int:\n"),
    );
    s.commit("QA: one more host");
    assert_rejected(&s.push(&["main"]), &["inventory/QA/hosts.yml:6", "INV022"]);
    git(&["reset", "-q", "--hard", &dev_tip], &s.work);

    // A DEV host that QA has too: found across environments, exactly.
    s.write(
        "inventory/DEV/hosts.yml",
        &format!("{GOOD}    qa01.dettonville.int:\n"),
    );
    s.commit("DEV: QA's host");
    assert_rejected(&s.push(&["main"]), &["INV020", "qa01.dettonville.int"]);
    git(&["reset", "-q", "--hard", &dev_tip], &s.work);

    // Another configuration judges afresh: once a new .git-inventory.yml
    // is on the branch (judged, with QA settled, by the one before it), the
    // next push is validated whole and QA's error is found.
    git(&["reset", "-q", "--hard", &messy], &s.work);
    git(&["push", "-q", "-f", "origin", "main"], &s.work);
    s.write(".git-inventory.yml", "version: 1\n");
    s.commit("config");
    assert_accepted(&s.push(&["main"]));
    s.write(
        "inventory/DEV/hosts.yml",
        &format!("{GOOD}    web03.dettonville.int:\n"),
    );
    s.commit("DEV");
    assert_rejected(&s.push(&["main"]), &["inventory/QA/hosts.yml:6", "INV022"]);
}

#[test]
fn a_push_cannot_silence_the_hook_with_a_comment_unless_the_judging_config_allows() {
    let dup = "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:  # git-inventory: disable=INV002\nca_domain_int_dettonville:\n  hosts:\n    web01.dettonville.int:\n";
    // By default the comment is ignored: the duplicate key rejects.
    let s = Server::new("hook-suppress", &[]);
    s.commit("clean");
    assert_accepted(&s.push(&["main"]));
    s.write("inventory/DEV/hosts.yml", dup);
    s.commit("dup");
    assert_rejected(&s.push(&["main"]), &["INV002"]);
    // Nor can the push turn them on for itself: its own config is not the
    // one that judges it.
    s.write(
        ".git-inventory.yml",
        "version: 1\nhook:\n  inline_suppressions: true\n",
    );
    s.commit("allow");
    assert_rejected(&s.push(&["main"]), &["INV002"]);
    // With the config already on the ref allowing them, the comment holds.
    s.reset("HEAD~2");
    s.write(
        ".git-inventory.yml",
        "version: 1\nhook:\n  inline_suppressions: true\n",
    );
    s.commit("allow first");
    assert_accepted(&s.push(&["main"]));
    s.write("inventory/DEV/hosts.yml", dup);
    s.commit("dup again");
    assert_accepted(&s.push(&["main"]));
}
