//! The Ansible collection `dettonville.git_inventory`: built with
//! ansible-galaxy, its three modules run by a real ansible-playbook against
//! local bare repositories (with the hook) or a local folder, one test per
//! family of parameters; the files after the push are checked as YAML
//! data, the results' `changed`/`failed`/`message`, and idempotence.

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
    let tarball = std::fs::read_dir(&build)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("a collection tarball");
    assert!(
        tarball
            .to_string_lossy()
            .contains("dettonville-git_inventory-"),
        "{}",
        tarball.display()
    );
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

/// A collection installed in a temporary folder, and plays run with it.
struct Play {
    dir: PathBuf,
    home: PathBuf,
    colls: PathBuf,
}

impl Play {
    fn new(tag: &str) -> Play {
        let dir = tempdir(tag);
        let home = dir.join("home");
        std::fs::create_dir_all(home.join("tmp")).unwrap();
        let colls = installed_collection(&dir, &home);
        Play { dir, home, colls }
    }

    /// A bare repository holding `files` (a text starting with `->` is a
    /// symlink to the rest), the hook installed.
    fn repo(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = self.dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let (links, plain): (Vec<_>, Vec<_>) = files.iter().partition(|(_, t)| t.starts_with("->"));
        let links: Vec<(&str, &str)> = links.iter().map(|(p, t)| (*p, &t[2..])).collect();
        let plain: Vec<(&str, &str)> = plain.into_iter().collect();
        seeded_with_hook(&dir, &plain, &links)
    }

    /// Run the tasks (module, arguments as YAML lines) in one play with
    /// `extra` ansible-playbook flags; each task's registered result.
    fn run(&self, tasks: &[(&str, String)], extra: &[&str]) -> (Output, Vec<serde_json::Value>) {
        let out = self.dir.join("results.json");
        let mut play = String::from(
            "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n",
        );
        for (i, (module, args)) in tasks.iter().enumerate() {
            play.push_str(&format!(
                "    - name: task {i}\n      dettonville.git_inventory.{module}:\n"
            ));
            for l in args.lines() {
                play.push_str(&format!("        {l}\n"));
            }
            play.push_str(&format!(
                "        binary_path: \"{}\"\n      register: r{i}\n      ignore_errors: true\n",
                bin().display()
            ));
        }
        let names: Vec<String> = (0..tasks.len()).map(|i| format!("r{i}")).collect();
        play.push_str(&format!(
            "    - name: keep the results\n      ansible.builtin.copy:\n        content: \"{{{{ [{}] | to_json }}}}\"\n        dest: \"{}\"\n      check_mode: false\n      diff: false\n",
            names.join(", "),
            out.display()
        ));
        let pb = self.dir.join("play.yml");
        std::fs::write(&pb, &play).unwrap();
        let interp = format!(
            "ansible_python_interpreter={}",
            ansible_bin("python").display()
        );
        let mut args = vec!["-i", "localhost,", "-e", &interp];
        args.extend_from_slice(extra);
        args.push(pb.to_str().unwrap());
        let o = ansible(
            "ansible-playbook",
            &args,
            &self.dir,
            &self.colls,
            &self.home,
        );
        let r = task_result(&o, &out);
        let list = r
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{r}\n{play}"));
        (o, list)
    }
}

/// The data of `path` on `main` of `bare` (None: no such file).
fn data_at(bare: &Path, path: &str) -> Option<serde_json::Value> {
    let o = git_output(&["show", &format!("main:{path}")], bare);
    if !o.status.success() {
        return None;
    }
    let text = String::from_utf8(o.stdout).unwrap();
    let doc = git_inventory::yaml::parse(&text, Default::default()).unwrap();
    Some(doc.map_or(serde_json::Value::Null, |d| {
        git_inventory::yaml::value::to_json(&d).unwrap()
    }))
}

/// Whether `path` on `main` of `bare` is a symlink to `target`.
fn link_at(bare: &Path, path: &str, target: &str) -> bool {
    let ls = git_stdout(&["ls-tree", "main", path], bare);
    let blob = git_stdout(&["show", &format!("main:{path}")], bare);
    ls.starts_with("120000") && blob.trim_end() == target
}

fn tip(bare: &Path) -> String {
    git_stdout(&["rev-parse", "main"], bare).trim().to_string()
}

fn ok(r: &serde_json::Value, changed: bool) {
    assert_eq!(r["failed"], false, "{r}");
    assert_eq!(r["changed"], changed, "{r}");
}

const PROD: &str = "# prod\nall:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        inference-grid-01.dettonville.int: {}\n";
const XENV: &str = "all:\n  children:\n    ca_domain_int_dettonville: {}\n    aibrix_prod: {}\n    ollama_hosts: {}\n    location_site1:\n      children:\n        nfs_server: {}\n        ntp_client: {}\n    web: {}\n";

#[test]
fn the_users_task_runs_as_written_then_changes_nothing() {
    let p = Play::new("collection-task");
    let bare = p.repo(
        "r",
        &[
            ("inventory/prod/hosts.yml", PROD),
            ("inventory/prod/xenv_groups.yml", XENV),
        ],
    );
    // The task of the issue, verbatim but for a file:// repository and no key.
    let task = format!(
        "inventory_repo_url: \"file://{}\"\ninventory_file: \"inventory/prod/hosts.yml\"\ngit_comment_prefix: \"PROVISION-API-2026\"\nstate: present\nhost_list:\n  - host_name: \"inference-grid-03.dettonville.int\"\n    parent_groups: [ca_domain_int_dettonville, aibrix_prod, ollama_hosts]\n",
        bare.display()
    );
    let before = tip(&bare);
    let (o, r) = p.run(
        &[
            ("update_inventory", task.clone()),
            ("update_inventory", task.clone()),
        ],
        &[],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    ok(&r[0], true);
    assert_eq!(
        r[0]["message"], "Inventory updated successfully",
        "{}",
        r[0]
    );
    assert!(r[0]["commit"].is_string(), "{}", r[0]);
    ok(&r[1], false);
    assert_eq!(
        r[1]["message"], "No changes required for inventory/prod/hosts.yml",
        "{}",
        r[1]
    );
    assert_ne!(tip(&bare), before);
    let d = data_at(&bare, "inventory/prod/hosts.yml").unwrap();
    for g in ["ca_domain_int_dettonville", "aibrix_prod", "ollama_hosts"] {
        assert_eq!(
            d["all"]["children"][g]["hosts"]["inference-grid-03.dettonville.int"],
            serde_json::json!({}),
            "{g}: {d}"
        );
    }
    // The minimal diff: the comment stays, one line per membership.
    let msg = git_stdout(&["log", "-1", "--format=%s", "main"], &bare);
    assert!(msg.starts_with("PROVISION-API-2026 - "), "{msg}");
    let stat = git_stdout(&["diff", "--numstat", &before, "main"], &bare);
    // 1 line into the domain group, 3 for each new group.
    assert_eq!(stat.trim(), "7\t0\tinventory/prod/hosts.yml", "{stat}");

    // Check and diff mode: the predicted change, nothing pushed.
    let after = tip(&bare);
    let task4 = task.replace("inference-grid-03", "inference-grid-04");
    let (_, r) = p.run(&[("update_inventory", task4)], &["--check", "--diff"]);
    ok(&r[0], true);
    assert_eq!(r[0]["check_mode"], true, "{}", r[0]);
    assert!(
        r[0]["diff"]["after"]
            .as_str()
            .unwrap()
            .contains("inference-grid-04"),
        "{}",
        r[0]
    );
    assert_eq!(tip(&bare), after, "check mode pushes nothing");

    // ansible-doc renders all three modules.
    for m in ["update_inventory", "update_hosts", "update_groups"] {
        let o = ansible(
            "ansible-doc",
            &[&format!("dettonville.git_inventory.{m}")],
            &p.dir,
            &p.colls,
            &p.home,
        );
        assert!(o.status.success(), "{m}: {}{}", stdout(&o), stderr(&o));
        let doc = stdout(&o);
        for opt in [
            "inventory_repo_url",
            "use_vars_files",
            "vars_state",
            "global_groups_file",
            "EXAMPLES",
            "RETURN VALUES",
        ] {
            assert!(doc.contains(opt), "{m}: ansible-doc lacks {opt}");
        }
        let own = if m == "update_groups" {
            "group_list"
        } else {
            "host_list"
        };
        assert!(doc.contains(own), "{m} lacks {own}");
    }

    // What Ansible itself now sees.
    let clone = p.dir.join("clone");
    git(
        &[
            "clone",
            "-q",
            bare.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
        &p.dir,
    );
    let o = Command::new(ansible_bin("ansible-inventory"))
        .args(["-i", "inventory/prod/hosts.yml", "--graph"])
        .current_dir(&clone)
        .env("ANSIBLE_HOME", &p.home)
        .env("ANSIBLE_CONFIG", p.home.join("none.cfg"))
        .output()
        .unwrap();
    let graph = stdout(&o);
    assert!(
        graph_members(&graph, "ollama_hosts")
            .contains(&"inference-grid-03.dettonville.int".to_string()),
        "{graph}"
    );
}

#[test]
fn vars_files_parents_children_and_child_inventory_links() {
    let p = Play::new("collection-vars-files");
    let bare = p.repo(
        "r",
        &[
            ("inventory/prod/hosts.yml", PROD),
            ("inventory/prod/xenv_groups.yml", XENV),
            (
                "inventory/prod/group_vars/location_site1.yml",
                "site: site1\nenv: prod\n",
            ),
        ],
    );
    let url = format!(
        "inventory_repo_url: \"{}\"\ninventory_file: inventory/prod/hosts.yml\n",
        bare.display()
    );
    let hosts = format!("{url}host_list:\n  - host_name: web01.dettonville.int\n    parent_groups: [ca_domain_int_dettonville, web]\n    host_vars: {{ansible_host: 10.0.0.11, dns: [10.0.0.53]}}\n  - host_name: web02.dettonville.int\n    groups: [ca_domain_int_dettonville, web]\ncreate_empty_hostvars_files: true\n");
    let groups = format!("{url}always_add_child_group_to_root: true\ngroup_list:\n  - group_name: nfs_server\n    parent_groups: [location_site1]\n    group_vars: {{share: /srv/nfs}}\n  - group_name: location_site1\n    children: {{ntp_client: {{}}}}\n    group_vars: {{env: qa}}\n");
    let (o, r) = p.run(
        &[
            ("update_hosts", hosts.clone()),
            ("update_groups", groups.clone()),
            ("update_hosts", hosts),
            ("update_groups", groups),
        ],
        &[],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    ok(&r[0], true);
    ok(&r[1], true);
    ok(&r[2], false);
    ok(&r[3], false);
    let hv = |h: &str| data_at(&bare, &format!("inventory/prod/host_vars/{h}.yml"));
    assert_eq!(
        hv("web01.dettonville.int"),
        Some(serde_json::json!({"ansible_host": "10.0.0.11", "dns": ["10.0.0.53"]}))
    );
    assert_eq!(
        hv("web02.dettonville.int"),
        Some(serde_json::json!({})),
        "create_empty_hostvars_files"
    );
    let gv = |g: &str| data_at(&bare, &format!("inventory/prod/group_vars/{g}.yml"));
    assert_eq!(
        gv("nfs_server"),
        Some(serde_json::json!({"share": "/srv/nfs"}))
    );
    assert_eq!(
        gv("location_site1"),
        Some(serde_json::json!({"site": "site1", "env": "qa"})),
        "merged into the file"
    );
    let d = data_at(&bare, "inventory/prod/hosts.yml").unwrap();
    let c = &d["all"]["children"];
    assert_eq!(
        c["web"]["hosts"]["web01.dettonville.int"],
        serde_json::json!({}),
        "{d}"
    );
    assert!(
        c["web"]["hosts"]["web01.dettonville.int"]
            .get("ansible_host")
            .is_none(),
        "vars in host_vars/, not inline"
    );
    assert_eq!(
        c["location_site1"]["children"]["nfs_server"],
        serde_json::json!({}),
        "{d}"
    );
    assert_eq!(
        c["nfs_server"],
        serde_json::json!({}),
        "always_add_child_group_to_root: {d}"
    );
    assert_eq!(
        c["location_site1"]["children"]["ntp_client"],
        serde_json::json!({}),
        "{d}"
    );

    // A parent inventory folder with child inventories: links to the vars files.
    let bare = p.repo(
        "links",
        &[
            ("inventory/SANDBOX/hosts.yml", "all:\n  children: {}\n"),
            ("inventory/DEV/hosts.yml", "all:\n  children: {}\n"),
            ("inventory/xenv_groups.yml", XENV),
        ],
    );
    let task = format!("inventory_repo_url: \"{}\"\ninventory_dir: inventory\ninventory_file: SANDBOX/hosts.yml\ngroup_list:\n  - group_name: ntp_client\n    parent_groups: [location_site1]\n", bare.display());
    let (_, r) = p.run(&[("update_inventory", task)], &[]);
    ok(&r[0], true);
    assert_eq!(
        data_at(&bare, "inventory/group_vars/ntp_client.yml"),
        Some(serde_json::json!({}))
    );
    assert_eq!(
        data_at(&bare, "inventory/group_vars/location_site1.yml"),
        Some(serde_json::json!({})),
        "the parent's file"
    );
    for sub in ["DEV", "SANDBOX"] {
        for g in ["ntp_client", "location_site1"] {
            let link = format!("inventory/{sub}/group_vars/{g}.yml");
            assert!(
                link_at(&bare, &link, &format!("../../group_vars/{g}.yml")),
                "{link}"
            );
        }
    }
    assert!(
        data_at(&bare, "inventory/QA/group_vars/ntp_client.yml").is_none(),
        "no QA folder, no link"
    );
    let d = data_at(&bare, "inventory/SANDBOX/hosts.yml").unwrap();
    assert_eq!(
        d["all"]["children"]["location_site1"]["children"]["ntp_client"],
        serde_json::json!({}),
        "{d}"
    );
}

#[test]
fn vars_state_merges_or_overwrites_at_the_depth_asked() {
    let p = Play::new("collection-vars-state");
    let start = "ocp:\n  cluster: {name: c1, nodes: 3}\n  namespaces: [a, b]\nsite: s1\n";
    let bare = p.repo(
        "r",
        &[
            ("inventory/prod/hosts.yml", PROD),
            ("inventory/prod/xenv_groups.yml", XENV),
            ("inventory/prod/group_vars/web.yml", start),
            ("inventory/prod/host_vars/h1.dettonville.int.yml", start),
        ],
    );
    let url = format!(
        "inventory_repo_url: \"{}\"\ninventory_file: inventory/prod/hosts.yml\n",
        bare.display()
    );
    let vars = "{ocp: {cluster: {nodes: 5}, namespaces: [c]}}";
    let (o, r) = p.run(
        &[
            ("update_groups", format!("{url}group_list:\n  - group_name: web\n    group_vars: {vars}\n")),
            ("update_hosts", format!("{url}vars_state: overwrite\nhost_list:\n  - host_name: h1.dettonville.int\n    parent_groups: [web]\n    host_vars: {vars}\n")),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    ok(&r[0], true);
    ok(&r[1], true);
    assert_eq!(
        data_at(&bare, "inventory/prod/group_vars/web.yml"),
        Some(
            serde_json::json!({"ocp": {"cluster": {"name": "c1", "nodes": 5}, "namespaces": ["a", "b", "c"]}, "site": "s1"})
        ),
        "merge: every depth, lists gain the new items"
    );
    assert_eq!(
        data_at(&bare, "inventory/prod/host_vars/h1.dettonville.int.yml"),
        Some(
            serde_json::json!({"ocp": {"cluster": {"nodes": 5}, "namespaces": ["c"]}, "site": "s1"})
        ),
        "overwrite at depth 2: ocp merges, its values are replaced"
    );
    let (_, r) = p.run(
        &[("update_hosts", format!("{url}vars_state: overwrite\nvars_overwrite_depth: 1\nhost_list:\n  - host_name: h1.dettonville.int\n    host_vars: {{ocp: {{x: 1}}}}\n"))],
        &[],
    );
    ok(&r[0], true);
    assert_eq!(
        data_at(&bare, "inventory/prod/host_vars/h1.dettonville.int.yml"),
        Some(serde_json::json!({"ocp": {"x": 1}, "site": "s1"})),
        "depth 1: the top-level value is replaced"
    );
}

#[test]
fn states_inline_vars_nested_parents_and_global_groups() {
    let p = Play::new("collection-states");
    let start = "all:\n  hosts:\n    old01.dettonville.int: {ansible_host: 10.0.0.9}\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        old01.dettonville.int: {}\n        app01.dettonville.int: {}\n    web:\n      hosts:\n        app01.dettonville.int: {}\n";
    let bare = p.repo(
        "r",
        &[
            ("inventory/prod/hosts.yml", start),
            ("inventory/prod/xenv_groups.yml", XENV),
            (
                "inventory/prod/host_vars/old01.dettonville.int.yml",
                "role: old\n",
            ),
        ],
    );
    let url = format!(
        "inventory_repo_url: \"{}\"\ninventory_file: inventory/prod/hosts.yml\n",
        bare.display()
    );
    let (o, r) = p.run(
        &[
            // overwrite: out of `web`, into aibrix_prod only (and the domain).
            ("update_hosts", format!("{url}state: overwrite\nhost_list:\n  - host_name: app01.dettonville.int\n    parent_groups: [ca_domain_int_dettonville, aibrix_prod]\n")),
            // absent: out of every group, its host_vars file removed.
            ("update_hosts", format!("{url}state: absent\nhosts:\n  - host_name: old01.dettonville.int\n")),
            // inline vars (use_vars_files false) on the root entry, and the root's hosts.
            ("update_hosts", format!("{url}use_vars_files: false\nalways_add_host_to_root_hosts: true\nhost_list:\n  - host_name: db01.dettonville.int\n    parent_groups:\n      location_site1:\n        nfs_server: {{}}\n    host_vars: {{ansible_port: 2222}}\n")),
            ("update_groups", format!("{url}use_vars_files: false\ngroups:\n  - group_name: web\n    group_vars: {{http_port: 8080}}\n")),
            // A parent outside the global groups file: refused with its words.
            ("update_hosts", format!("{url}host_list:\n  - host_name: x01.dettonville.int\n    parent_groups: [ca_domain_int_dettonville, foobar]\n")),
            // The domain group derived from the name.
            ("update_inventory", format!("{url}derive_domain_group: true\nhost_list:\n  - host_name: gpu01.dettonville.int\n    parent_groups: [ollama_hosts]\n")),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for i in [0, 1, 2, 3, 5] {
        ok(&r[i], true);
    }
    assert_eq!(r[4]["failed"], true, "{}", r[4]);
    assert_eq!(r[4]["changed"], false, "{}", r[4]);
    let msg = r[4]["msg"].as_str().unwrap();
    assert!(msg.contains("validate_global_group_exists(foobar): group_name=[foobar] not found in xenv_groups.yml"), "{msg}");
    assert_eq!(
        r[1]["hosts_removed"],
        serde_json::json!(["old01.dettonville.int"]),
        "{}",
        r[1]
    );
    let d = data_at(&bare, "inventory/prod/hosts.yml").unwrap();
    let c = &d["all"]["children"];
    assert!(
        c["web"]["hosts"].get("app01.dettonville.int").is_none(),
        "{d}"
    );
    assert_eq!(
        c["aibrix_prod"]["hosts"]["app01.dettonville.int"],
        serde_json::json!({}),
        "{d}"
    );
    assert!(!d.to_string().contains("old01"), "{d}");
    assert!(data_at(&bare, "inventory/prod/host_vars/old01.dettonville.int.yml").is_none());
    assert_eq!(
        d["all"]["hosts"]["db01.dettonville.int"],
        serde_json::json!({"ansible_port": 2222}),
        "{d}"
    );
    assert_eq!(
        c["location_site1"]["children"]["nfs_server"]["hosts"]["db01.dettonville.int"],
        serde_json::json!({}),
        "{d}"
    );
    assert_eq!(
        c["web"]["vars"],
        serde_json::json!({"http_port": 8080}),
        "{d}"
    );
    assert_eq!(
        c["ca_domain_int_dettonville"]["hosts"]["gpu01.dettonville.int"],
        serde_json::json!({}),
        "{d}"
    );
    assert!(c["ca_domain_int_dettonville"]["hosts"]
        .get("x01.dettonville.int")
        .is_none());
}

#[test]
fn a_local_folder_is_changed_in_place_without_git() {
    let p = Play::new("collection-local");
    let base = p.dir.join("checkout");
    std::fs::create_dir_all(base.join("inventory/prod")).unwrap();
    std::fs::write(base.join("inventory/prod/hosts.yml"), PROD).unwrap();
    std::fs::write(base.join("inventory/prod/xenv_groups.yml"), XENV).unwrap();
    let task = format!(
        "inventory_base_dir: \"{}\"\ninventory_file: inventory/prod/hosts.yml\nbackup: true\nhost_list:\n  - host_name: web09.dettonville.int\n    parent_groups: [ca_domain_int_dettonville, web]\n    host_vars: {{ansible_host: 10.0.0.99}}\n",
        base.display()
    );
    let (o, r) = p.run(
        &[("update_hosts", task.clone()), ("update_hosts", task)],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    ok(&r[0], true);
    assert_eq!(r[0]["message"], "Inventory updated successfully");
    ok(&r[1], false);
    let backups = r[0]["backup_files"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r[0]));
    assert_eq!(backups.len(), 1, "{}", r[0]);
    let b = backups[0].as_str().unwrap();
    assert!(
        b.starts_with("/inventory/prod/hosts.yml.") && b.ends_with('~'),
        "{b}"
    );
    assert_eq!(std::fs::read_to_string(base.join(&b[1..])).unwrap(), PROD);
    let text = std::fs::read_to_string(base.join("inventory/prod/hosts.yml")).unwrap();
    assert!(
        text.starts_with("# prod\n") && text.contains("web09.dettonville.int: {}"),
        "{text}"
    );
    let hv =
        std::fs::read_to_string(base.join("inventory/prod/host_vars/web09.dettonville.int.yml"))
            .unwrap();
    assert!(hv.contains("ansible_host: 10.0.0.99"), "{hv}");
}

#[test]
fn credentials_in_the_repository_url_are_hidden() {
    let p = Play::new("collection-secret");
    // A token as the user name of an https URL (nothing listens there: the
    // clone fails), a password in the ticket prefix.
    let task = "inventory_repo_url: https://TOKEN1234@127.0.0.1:1/x.git\ninventory_file: inventory/prod/hosts.yml\ngit_comment_prefix: \"see https://bot:PASS5678@h/x\"\nhost_list:\n  - host_name: web01.dettonville.int\n    parent_groups: [web]\n".to_string();
    let (o, r) = p.run(&[("update_inventory", task)], &["-vvv"]);
    let r = &r[0];
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

#[test]
fn the_remaining_parameters_commit_keep_and_name_as_asked() {
    let p = Play::new("collection-rest");
    let bare = p.repo(
        "r",
        &[
            (
                "inventory/prod/hosts.yml",
                "prod:\n  children:\n    web:\n      hosts: {}\n",
            ),
            ("inventory/prod/xenv_groups.yml", XENV),
            ("inventory/prod/DEV/hosts.yml", "all: {}\n"),
            ("inventory/prod/STAGE/hosts.yml", "all: {}\n"),
        ],
    );
    let kept = p.dir.join("kept-clone");
    let url = format!("inventory_repo_url: \"{}\"\ninventory_file: inventory/prod/hosts.yml\ninventory_root_yaml_key: prod\nlogging_level: DEBUG\nyaml_lib_mode: pyyaml\n", bare.display());
    let before = tip(&bare);
    let (o, r) = p.run(
        &[
            // test_mode: made and validated, not pushed.
            ("update_hosts", format!("{url}test_mode: true\nhost_list:\n  - host_name: t01.dettonville.int\n    parent_groups: [web]\n")),
            // The ticket by its alias, our own body, author and committer; the clone kept.
            ("update_hosts", format!("{url}jira_id: INFRA-77\ngit_comment_body: enrol the first web node\ngit_user_name: Provisioner\ngit_user_email: prov@example.int\nremove_repo_dir: false\ninventory_base_dir: \"{}\"\nhost_list:\n  - host_name: w01.dettonville.int\n    parent_groups: [web]\n", kept.display())),
            // No vars files where none are wanted; links only from the subdirs named.
            ("update_groups", format!("{url}create_empty_groupvars_files: false\ngroup_list:\n  - group_name: quiet\n    parent_groups: [web]\n")),
            ("update_groups", format!("{url}create_parent_groupvar_files: false\nsymlink_subdirs: [STAGE]\ngroup_list:\n  - group_name: loud\n    parent_groups: [web]\n")),
            ("update_groups", format!("{url}enable_groupvar_symlinks_for_child_inventories: false\ngroup_list:\n  - group_name: unlinked\n")),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for x in &r {
        ok(x, true);
    }
    assert_eq!(
        r[0]["commit"].as_str().map(str::len),
        Some(40),
        "test_mode commits in the clone: {}",
        r[0]
    );
    assert_ne!(tip(&bare), before);
    let log = git_stdout(&["log", "--format=%s|%an|%ae|%cn", "main"], &bare);
    assert!(!log.contains("t01"), "test_mode pushed nothing: {log}");
    assert!(
        log.contains("INFRA-77 - git-inventory: enrol the first web node|Provisioner|prov@example.int|Provisioner"),
        "{log}"
    );
    assert!(
        kept.join("repo.git/HEAD").is_file(),
        "remove_repo_dir: false keeps the clone"
    );
    assert_eq!(
        r[1]["inventory_base_dir"],
        kept.to_str().unwrap(),
        "{}",
        r[1]
    );
    let d = data_at(&bare, "inventory/prod/hosts.yml").unwrap();
    let web = &d["prod"]["children"]["web"];
    assert_eq!(
        web["hosts"]["w01.dettonville.int"],
        serde_json::json!({}),
        "{d}"
    );
    for g in ["quiet", "loud"] {
        assert_eq!(web["children"][g], serde_json::json!({}), "{d}");
    }
    let gv = |g: &str| data_at(&bare, &format!("inventory/prod/group_vars/{g}.yml"));
    assert_eq!(gv("quiet"), None, "create_empty_groupvars_files: false");
    assert_eq!(gv("loud"), Some(serde_json::json!({})));
    assert_eq!(gv("web"), None, "create_parent_groupvar_files: false");
    assert!(link_at(
        &bare,
        "inventory/prod/STAGE/group_vars/loud.yml",
        "../../group_vars/loud.yml"
    ));
    assert!(
        data_at(&bare, "inventory/prod/DEV/group_vars/loud.yml").is_none(),
        "DEV not in symlink_subdirs"
    );
    assert_eq!(gv("unlinked"), Some(serde_json::json!({})));
    assert!(
        data_at(&bare, "inventory/prod/DEV/group_vars/unlinked.yml").is_none(),
        "links switched off"
    );
}
