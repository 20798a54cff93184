//! What judges a push, and what it sees, through real `git push`es into a
//! bare repository with the hook installed: the configuration is never the
//! one the push brings (the server-side file, else the one already on the
//! ref, else the defaults), limits have server-side ceilings, and files
//! Ansible loads by another plugin than yaml are reported (INV031).

mod common;
use common::server::*;
use common::*;

/// `hosts.yml` with a duplicate key (INV002).
const DUPLICATE: &str = "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n";

/// A clean pushed first, its commit id.
fn clean_main(s: &Server) -> String {
    s.commit("clean");
    assert_accepted(&s.push(&["main"]));
    s.remote_head("main").unwrap()
}

#[test]
fn a_pushed_config_is_judged_by_the_one_before_it_and_governs_from_the_next_push() {
    let s = Server::new("cfg-next", &[]);
    let tip = clean_main(&s);
    // Switching INV002 off in the push that breaks it: rejected.
    s.write(
        ".git-inventory.yml",
        "version: 1\nrules:\n  INV002: \"off\"\n",
    );
    s.write("inventory/DEV/hosts.yml", DUPLICATE);
    s.commit("switch off and break");
    assert_rejected(&s.push(&["main"]), &["inventory/DEV/hosts.yml:4:5: INV002"]);
    assert_eq!(s.remote_head("main").unwrap(), tip, "remote untouched");
    // The change of configuration alone is accepted...
    s.reset(&tip);
    s.write(
        ".git-inventory.yml",
        "version: 1\nrules:\n  INV002: \"off\"\n",
    );
    s.commit("switch off");
    assert_accepted(&s.push(&["main"]));
    // ...and governs the next push.
    s.write("inventory/DEV/hosts.yml", DUPLICATE);
    s.commit("break");
    assert_accepted(&s.push(&["main"]));
}

#[test]
fn pushed_refs_and_env_markers_do_not_exempt_the_push() {
    let s = Server::new("cfg-exempt", &[]);
    let tip = clean_main(&s);
    for cfg in [
        "version: 1\nhook:\n  refs: [x]\n",
        "version: 1\nenv_markers: [x]\n",
        "version: 1\ninventory_dir: elsewhere\n",
        "version: 1\nhook:\n  mode: ratchet\n",
    ] {
        s.write(".git-inventory.yml", cfg);
        s.write("inventory/DEV/hosts.yml", DUPLICATE);
        s.commit(cfg);
        assert_rejected(&s.push(&["main"]), &["INV002"]);
        s.reset(&tip);
    }
}

#[test]
fn a_pushed_config_that_cannot_be_read_is_refused() {
    let s = Server::new("cfg-bad", &[]);
    let tip = clean_main(&s);
    for cfg in ["version: 1\nbogus: 1\n", "rules: {INV999: error}\n"] {
        s.write(".git-inventory.yml", cfg);
        s.commit("a bad config");
        assert_rejected(
            &s.push(&["main"]),
            &[
                ".git-inventory.yml",
                "would judge the next push onto refs/heads/main",
            ],
        );
        s.reset(&tip);
    }
}

/// `hosts.yml` with a host var nested `depth` mappings deep.
fn nested(depth: usize) -> String {
    let mut text = String::from("web:\n  hosts:\n    web01.dettonville.int:\n      v:\n");
    for level in 0..depth {
        text.push_str(&format!("{}a:\n", " ".repeat(8 + 2 * level)));
    }
    text.push_str(&format!("{}x: 1\n", " ".repeat(8 + 2 * depth)));
    text
}

#[test]
fn pushed_limits_cannot_raise_the_servers() {
    // Nesting past the default `max_depth` (256) is INV001.
    let s = Server::new("cfg-limits", &[]);
    let tip = clean_main(&s);
    let raise = "version: 1\nlimits:\n  max_depth: 100000\n";
    s.write(".git-inventory.yml", raise);
    s.write("inventory/DEV/hosts.yml", &nested(300));
    s.commit("raise and nest");
    assert_rejected(&s.push(&["main"]), &["INV001", "nesting deeper than 256"]);
    // Already on the branch, a tree's limits still cannot pass the
    // defaults; they can go below them.
    s.reset(&tip);
    s.write(".git-inventory.yml", raise);
    s.commit("raise");
    assert_accepted(&s.push(&["main"]));
    s.write("inventory/DEV/hosts.yml", &nested(300));
    s.commit("nest");
    assert_rejected(&s.push(&["main"]), &["INV001", "nesting deeper than 256"]);
    s.reset(&s.remote_head("main").unwrap());
    s.write(
        ".git-inventory.yml",
        "version: 1\nlimits:\n  max_depth: 8\n",
    );
    s.commit("lower");
    assert_accepted(&s.push(&["main"]));
    s.write("inventory/DEV/hosts.yml", &nested(20));
    s.commit("nest a little");
    assert_rejected(&s.push(&["main"]), &["INV001", "nesting deeper than 8"]);
    // A server-side file sets them.
    std::fs::write(
        s.bare.join("git-inventory.yml"),
        "version: 1\nlimits:\n  max_depth: 400\n",
    )
    .unwrap();
    s.write("inventory/DEV/hosts.yml", &nested(300));
    s.commit("nest within the server's limit");
    assert_accepted(&s.push(&["main"]));
}

#[test]
fn a_server_config_that_is_not_a_readable_file_rejects_the_push() {
    let s = Server::new("cfg-server-bad", &[]);
    let tip = clean_main(&s);
    let server = s.bare.join("git-inventory.yml");
    s.write(
        "inventory/DEV/hosts.yml",
        &format!("{GOOD}    web02.dettonville.int:\n"),
    );
    s.commit("a good change");
    std::os::unix::fs::symlink("nowhere.yml", &server).unwrap();
    let o = s.push(&["main"]);
    assert_rejected(&o, &["server-side configuration", "fails closed"]);
    let o = run(&["hook", "install", s.bare.to_str().unwrap()], &s.dir);
    assert!(stdout(&o).contains("cannot be used"), "{}", stdout(&o));
    std::fs::remove_file(&server).unwrap();
    std::fs::create_dir(&server).unwrap();
    assert_rejected(
        &s.push(&["main"]),
        &["server-side configuration", "not a regular file"],
    );
    assert_eq!(s.remote_head("main").unwrap(), tip);
    std::fs::remove_dir(&server).unwrap();
    assert_accepted(&s.push(&["main"]));
}

#[test]
fn a_new_branch_is_judged_by_the_default_branchs_config() {
    let s = Server::new("cfg-branch", &[]);
    let sorted = "ca_domain_int_dettonville:\n  hosts:\n    web01.dettonville.int:\nweb:\n  hosts:\n    web01.dettonville.int:\n";
    s.write(
        ".git-inventory.yml",
        "version: 1\nrules:\n  INV040: error\n",
    );
    s.write("inventory/DEV/hosts.yml", sorted);
    let tip = clean_main(&s);
    // The branch drops main's INV040 and breaks the order: main's judges.
    s.write(".git-inventory.yml", "version: 1\n");
    s.write(
        "inventory/DEV/hosts.yml",
        &format!("{sorted}    web00.dettonville.int:\n"),
    );
    s.commit("unsorted");
    assert_rejected(&s.push(&["HEAD:refs/heads/topic"]), &["INV040"]);
    // Nor does a branch get to switch off what main's config has on.
    s.reset(&tip);
    s.write(
        ".git-inventory.yml",
        "version: 1\nrules:\n  INV040: error\n  INV002: \"off\"\n",
    );
    s.write("inventory/DEV/hosts.yml", DUPLICATE);
    s.commit("switch off and break");
    assert_rejected(&s.push(&["HEAD:refs/heads/topic"]), &["INV002"]);
}

#[test]
fn hook_install_says_which_configuration_governs() {
    let dir = tempdir("cfg-install");
    let bare = dir.join("b.git");
    git(&["init", "-q", "--bare", bare.to_str().unwrap()], &dir);
    let b = bare.to_str().unwrap();
    let o = run(&["hook", "install", b], &dir);
    assert!(
        stdout(&o).contains(
            "pushes are judged by the .git-inventory.yml of the commit already on each ref (none yet: the defaults)"
        ),
        "{}",
        stdout(&o)
    );
    let cfg = dir.join("server.yml");
    std::fs::write(&cfg, "version: 1\n").unwrap();
    let o = run(
        &["hook", "install", b, "--config", cfg.to_str().unwrap()],
        &dir,
    );
    let want = format!(
        "pushes are judged by the server-side config {}",
        cfg.canonicalize().unwrap().display()
    );
    assert!(stdout(&o).contains(&want), "{}", stdout(&o));
    // A default branch with a .git-inventory.yml of its own.
    let with = seeded_bare(
        &dir,
        &[
            (".git-inventory.yml", "version: 1\n"),
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    web01:\n"),
        ],
    );
    let o = run(&["hook", "install", with.to_str().unwrap()], &dir);
    let out = stdout(&o);
    assert!(
        out.contains("the .git-inventory.yml of the commit already on each ref;"),
        "{out}"
    );
    assert!(out.contains("has no error: noted as accepted"), "{out}");
}

#[test]
fn files_other_plugins_load_are_rejected_and_names_ansible_skips_are_not() {
    let s = Server::new("foreign-push", &[]);
    let tip = clean_main(&s);
    // Each on its own: an executable script, hosts.yml made executable
    // (only its mode changes), an ini inventory.
    s.write("inventory/DEV/dyn.sh", "#!/bin/sh\necho '{}'\n");
    s.chmod("inventory/DEV/dyn.sh", 0o755);
    s.commit("a script");
    assert_rejected(
        &s.push(&["main"]),
        &["inventory/DEV/dyn.sh", "INV031", "executable"],
    );
    s.reset(&tip);
    s.write("inventory/DEV/hosts.yml", &format!("#!/bin/sh\n{GOOD}"));
    s.commit("a shebang");
    assert_accepted(&s.push(&["main"]));
    let shebang = s.remote_head("main").unwrap();
    s.chmod("inventory/DEV/hosts.yml", 0o755);
    s.commit("hosts.yml executable");
    assert_rejected(&s.push(&["main"]), &["inventory/DEV/hosts.yml", "INV031"]);
    s.reset(&shebang);
    s.write(
        "inventory/DEV/extra.ini",
        "[web]\nprod-db01.dettonville.int\n",
    );
    s.commit("an ini file");
    assert_rejected(
        &s.push(&["main"]),
        &["inventory/DEV/extra.ini", "INV031", "ini plugin"],
    );
    s.reset(&shebang);
    // Names Ansible skips in a folder pass.
    s.write("inventory/DEV/README.md", "# DEV\n[web]\nnotes\n");
    s.write("inventory/DEV/hosts.yml.orig", "[web]\nold01\n");
    s.commit("notes");
    assert_accepted(&s.push(&["main"]));
}
