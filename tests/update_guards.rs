//! What `git-inventory update` may touch and say, against real bare
//! repositories: only inventory files are edited, a symlinked `--file` is
//! edited where it points, host names never name other files, credentials
//! never reach output or commits, and a killed job's leftovers (its
//! temporary clone, its queued request) do not outlive it for long.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const XENV: &str = "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n    web:\n";
const PROD: &str = "all:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        old01.dettonville.int:\n    web:\n      hosts:\n        old01.dettonville.int:\n";

/// `dir/srv.git` with one commit of `files` (path, text) and `links`
/// (path, target), the hook installed when `hook`.
fn seeded(dir: &Path, files: &[(&str, &str)], links: &[(&str, &str)], hook: bool) -> PathBuf {
    if hook {
        seeded_with_hook(dir, files, links)
    } else {
        seeded_bare_with_links(dir, files, links)
    }
}

/// A repository in the layout, with the hook, and a few files that are
/// not inventory files.
fn layout(tag: &str) -> (PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let bare = seeded(
        &dir,
        &[
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/PROD/hosts.yml", PROD),
            ("inventory/PROD/group_vars/all.yml", "ntp: pool\n"),
            ("README.md", "# inventory\n"),
            ("build.sh", "#!/bin/sh\necho build\n"),
            (".gitlab-ci.yml", "lint:\n  script: [make]\n"),
        ],
        &[("inventory/PROD/xenv_groups.yml", "../xenv_groups.yml")],
        true,
    );
    (dir, bare)
}

/// `update --format json` of `host` into `web` in `file`, plus `extra`.
fn update(bare: &Path, file: &str, host: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "update",
        "--repo",
        bare.to_str().unwrap(),
        "--file",
        file,
        "--format",
        "json",
        "--host",
        host,
    ];
    args.extend_from_slice(extra);
    if !extra.contains(&"absent") {
        args.extend_from_slice(&["--group", "web"]);
    }
    run(&args, bare.parent().unwrap())
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn tip(bare: &Path) -> String {
    git_stdout(&["rev-parse", "main"], bare)
}

fn show(bare: &Path, spec: &str) -> String {
    git_stdout(&["show", spec], bare)
}

/// `git ls-tree` mode of `path` at main (`120000` for a symlink).
fn mode(bare: &Path, path: &str) -> String {
    let l = git_stdout(&["ls-tree", "main", path], bare);
    l.split(' ').next().unwrap_or("").to_string()
}

#[test]
fn only_inventory_files_are_edited() {
    let (dir, bare) = layout("guard-scope");
    let before = tip(&bare);
    for f in [
        "README.md",
        "build.sh",
        ".gitlab-ci.yml",
        "inventory/PROD/group_vars/all.yml",
        "inventory/notes.md",
        "hosts.yml",
    ] {
        let o = update(&bare, f, "x1.dettonville.int", &[]);
        let r = json(&o);
        assert_eq!(o.status.code(), Some(2), "{f}: {r}");
        assert!(
            r["msg"].as_str().unwrap().contains(&format!("`{f}`")),
            "{r}"
        );
        assert_eq!(tip(&bare), before, "{f}: nothing pushed");
    }
    assert_eq!(show(&bare, "main:build.sh"), "#!/bin/sh\necho build");
    // The inventory files are: an environment's, a new one in its folder.
    for f in ["inventory/PROD/hosts.yml", "inventory/PROD/extra.yml"] {
        let o = update(&bare, f, "x1.dettonville.int", &[]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", stdout(&o));
    }
    assert!(show(&bare, "main:inventory/PROD/extra.yml").contains("x1.dettonville.int"));

    // A request waiting for its turn is checked as well when its batch is
    // made: the bad one is refused, the good one lands.
    let tmp = dir.join("tmp-batch");
    std::fs::create_dir_all(&tmp).unwrap();
    let (lock, queue) = git_inventory::updater::queue::local::names_in(&tmp, &bare).unwrap();
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let job = |file: &str, host: &str| {
        Command::new(bin())
            .args(["update", "--repo", bare.to_str().unwrap(), "--file", file])
            .args(["--format", "json", "--host", host, "--group", "web"])
            .env("TMPDIR", &tmp)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let jobs = [
        job("inventory/PROD/hosts.yml", "q1.dettonville.int"),
        job("build.sh", "q2.dettonville.int"),
    ];
    wait_for(|| requests(&queue).len() == 2, "both jobs queued");
    drop(held);
    let outs: Vec<Output> = jobs
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert!(
        outs.iter().any(|o| o.status.code() == Some(0)),
        "{:?}",
        outs
    );
    assert!(
        outs.iter().any(|o| o.status.code() == Some(2)),
        "{:?}",
        outs
    );
    assert!(show(&bare, "main:inventory/PROD/hosts.yml").contains("q1.dettonville.int"));
    assert_eq!(show(&bare, "main:build.sh"), "#!/bin/sh\necho build");
}

#[test]
fn outside_the_layout_and_with_editable_globs() {
    // Not in the layout: YAML files, but no hidden or CI files, no scripts.
    let dir = tempdir("guard-flat");
    let bare = seeded(
        &dir,
        &[
            ("hosts.yml", PROD),
            ("build.sh", "#!/bin/sh\n"),
            (".github/workflows/ci.yml", "on: push\n"),
            ("azure-pipelines.yml", "steps: []\n"),
        ],
        &[],
        false,
    );
    let before = tip(&bare);
    for f in [
        "build.sh",
        ".github/workflows/ci.yml",
        "azure-pipelines.yml",
    ] {
        let o = update(&bare, f, "x1.dettonville.int", &[]);
        assert_eq!(o.status.code(), Some(2), "{f}: {}", stdout(&o));
    }
    assert_eq!(tip(&bare), before);
    let o = update(&bare, "hosts.yml", "x1.dettonville.int", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // `editable` names the files exactly.
    let dir = tempdir("guard-globs");
    let bare = seeded(
        &dir,
        &[
            (
                ".git-inventory.yml",
                "editable: [\"inventory/*/hosts.yml\"]\n",
            ),
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/PROD/hosts.yml", PROD),
        ],
        &[],
        false,
    );
    let o = update(&bare, "inventory/PROD/extra.yml", "x1.dettonville.int", &[]);
    let r = json(&o);
    assert_eq!(o.status.code(), Some(2), "{r}");
    assert!(r["msg"].as_str().unwrap().contains("editable"), "{r}");
    let o = update(&bare, "inventory/PROD/hosts.yml", "x1.dettonville.int", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_symlinked_file_is_edited_where_it_points() {
    let dir = tempdir("guard-link");
    let bare = seeded(
        &dir,
        &[
            ("inventory/xenv_groups.yml", XENV),
            (
                "inventory/xenv_hosts.yml",
                "web:\n  hosts:\n    shared01.dettonville.int:\n",
            ),
            ("inventory/PROD/hosts.yml", PROD),
            (
                "inventory/DEV/hosts.yml",
                "web:\n  hosts:\n    dev01.dettonville.int:\n",
            ),
        ],
        &[
            ("inventory/PROD/xenv_groups.yml", "../xenv_groups.yml"),
            ("inventory/DEV/xenv_groups.yml", "../xenv_groups.yml"),
            ("inventory/PROD/xenv_hosts.yml", "../xenv_hosts.yml"),
            ("inventory/DEV/xenv_hosts.yml", "../xenv_hosts.yml"),
        ],
        true,
    );
    let o = update(
        &bare,
        "inventory/PROD/xenv_hosts.yml",
        "shared02.dettonville.int",
        &[],
    );
    let r = json(&o);
    assert_eq!(o.status.code(), Some(0), "{r}");
    // The shared file changed; both links are still links to it.
    assert!(show(&bare, "main:inventory/xenv_hosts.yml").contains("shared02.dettonville.int"));
    for env in ["PROD", "DEV"] {
        let link = format!("inventory/{env}/xenv_hosts.yml");
        assert_eq!(mode(&bare, &link), "120000", "{link} is still a link");
    }
    let prepared = r["diff"]["prepared"].as_str().unwrap();
    assert!(
        prepared.starts_with("--- a/inventory/xenv_hosts.yml"),
        "{r}"
    );
    let msg = r["message"].as_str().unwrap();
    assert!(msg.contains("edited inventory/xenv_hosts.yml"), "{r}");

    // A link out of the repository, or to nothing: refused, nothing pushed.
    let dir = tempdir("guard-badlink");
    let bare = seeded(
        &dir,
        &[
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/PROD/hosts.yml", PROD),
        ],
        &[
            ("inventory/PROD/out.yml", "../../../outside.yml"),
            ("inventory/PROD/gone.yml", "nothing.yml"),
        ],
        false,
    );
    let before = tip(&bare);
    for f in ["inventory/PROD/out.yml", "inventory/PROD/gone.yml"] {
        let o = update(&bare, f, "x1.dettonville.int", &[]);
        let r = json(&o);
        assert_eq!(o.status.code(), Some(2), "{f}: {r}");
        assert!(r["msg"].as_str().unwrap().contains("symlink"), "{r}");
        assert_eq!(mode(&bare, f), "120000", "{f} is still a link");
    }
    assert_eq!(tip(&bare), before);
}

#[test]
fn host_names_that_are_paths_are_refused() {
    let (_dir, bare) = layout("guard-hostpath");
    let before = tip(&bare);
    let seed = bare.parent().unwrap().join("seed");
    std::fs::create_dir_all(seed.join("inventory/PROD/host_vars/sub")).unwrap();
    std::fs::write(seed.join("inventory/PROD/host_vars/sub/h.yml"), "x: 1\n").unwrap();
    git(&["add", "-A"], &seed);
    git(&["commit", "-qm", "host_vars"], &seed);
    git(&["push", "-q", bare.to_str().unwrap(), "main"], &seed);
    let with_vars = tip(&bare);
    assert_ne!(with_vars, before);
    for host in ["../group_vars/all", "sub/h", "a\\b", "..", "."] {
        for state in ["absent", "merge"] {
            let o = update(&bare, "inventory/PROD/hosts.yml", host, &["--state", state]);
            let r = json(&o);
            assert_eq!(o.status.code(), Some(2), "{host} {state}: {r}");
            assert_eq!(r["changed"], false, "{r}");
        }
    }
    assert_eq!(tip(&bare), with_vars, "nothing pushed");
    assert_eq!(
        show(&bare, "main:inventory/PROD/host_vars/sub/h.yml"),
        "x: 1"
    );
}

#[test]
fn credentials_never_reach_output_or_commits() {
    // A token as the user name of an https URL: the clone fails (nothing
    // listens), and neither the JSON nor the human output shows it.
    let dir = tempdir("guard-secret");
    for format in ["json", "human"] {
        let o = run(
            &[
                "update",
                "--repo",
                "https://TOKEN1234@127.0.0.1:1/x.git",
                "--file",
                "inventory/PROD/hosts.yml",
                "--host",
                "x1.dettonville.int",
                "--group",
                "web",
                "--format",
                format,
            ],
            &dir,
        );
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(3), "{all}");
        assert!(!all.contains("TOKEN1234"), "{format}: {all}");
        assert!(all.contains("https://***@127.0.0.1:1/x.git"), "{all}");
    }
    // An ssh user name is not a secret and stays readable.
    let o = run(
        &[
            "update",
            "--repo",
            "ssh://git@127.0.0.1:1/x.git",
            "--file",
            "inventory/PROD/hosts.yml",
            "--host",
            "x1.dettonville.int",
            "--group",
            "web",
        ],
        &dir,
    );
    assert!(
        stderr(&o).contains("ssh://git@127.0.0.1:1"),
        "{}",
        stderr(&o)
    );

    // Credentials in the ticket prefix never reach the commit's subject.
    let (_dir, bare) = layout("guard-prefix");
    let o = update(
        &bare,
        "inventory/PROD/hosts.yml",
        "x1.dettonville.int",
        &[
            "--message-prefix",
            "ticket https://u:secret@h/x https://TOKEN5678@h/y",
        ],
    );
    let r = json(&o);
    assert_eq!(o.status.code(), Some(0), "{r}");
    let log = git_stdout(&["log", "--format=%B", "main"], &bare);
    for s in ["secret", "TOKEN5678"] {
        assert!(!log.contains(s), "{log}");
        assert!(!r.to_string().contains(s), "{r}");
    }
    assert!(
        log.contains(
            "ticket https://***@h/x https://***@h/y - git-inventory: add x1.dettonville.int"
        ),
        "{log}"
    );
}

/// Wait up to 30 s for `cond`.
fn wait_for(cond: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(cond(), "timed out: {what}");
}

/// The `.req` files in a local queue.
fn requests(queue: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(queue)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "req"))
                .collect()
        })
        .unwrap_or_default()
}

/// Set the modification time of `path` to `secs` seconds ago.
fn age(path: &Path, secs: u64) {
    let t = std::time::SystemTime::now() - Duration::from_secs(secs);
    let f = std::fs::File::open(path).unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn a_killed_jobs_clone_is_swept_and_its_old_request_expires() {
    let (dir, bare) = layout("guard-sweep");
    let tmp = dir.join("tmp-machine");
    std::fs::create_dir_all(&tmp).unwrap();
    // Temporary clones of jobs: a killed one long ago (no such pid), a
    // live one (this test's pid), a killed one a moment ago, something
    // else of the same prefix.
    let dead_pid = 99_999_999u32;
    let planted = |name: &str, secs: u64| {
        let d = tmp.join(name);
        std::fs::create_dir_all(d.join("repo.git/objects")).unwrap();
        std::fs::write(d.join("repo.git/HEAD"), "ref: refs/heads/main\n").unwrap();
        age(&d.join("repo.git"), secs);
        age(&d, secs);
        d
    };
    let stale = planted(&format!("git-inventory-update-{dead_pid}-1"), 3600);
    let live = planted(
        &format!("git-inventory-update-{}-2", std::process::id()),
        3600,
    );
    let recent = planted(&format!("git-inventory-update-{}-3", dead_pid - 1), 5);
    let other = planted("git-inventory-update-notes", 3600);
    let job = |host: &str| {
        Command::new(bin())
            .args(["update", "--repo", bare.to_str().unwrap()])
            .args(["--file", "inventory/PROD/hosts.yml", "--format", "json"])
            .args(["--host", host, "--group", "web"])
            .env("TMPDIR", &tmp)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let o = job("s1.dettonville.int").wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!stale.exists(), "a dead job's old clone is removed");
    for kept in [&live, &recent, &other] {
        assert!(kept.exists(), "{} is kept", kept.display());
    }

    // A job killed while it waited for its turn: its request, once older
    // than a job waits, is removed, not done.
    let (lock, queue) = git_inventory::updater::queue::local::names_in(&tmp, &bare).unwrap();
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let mut killed = job("killed.dettonville.int");
    wait_for(|| requests(&queue).len() == 1, "the job queued its request");
    killed.kill().unwrap(); // SIGKILL
    let _ = killed.wait();
    let req = requests(&queue).remove(0);
    age(&req, 301);
    drop(held);
    let o = job("s2.dettonville.int").wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(text.contains("s2.dettonville.int"), "{text}");
    assert!(!text.contains("killed.dettonville.int"), "{text}");
    assert!(
        requests(&queue).is_empty(),
        "the expired request is removed"
    );

    // A waiting job whose request was removed still does its change.
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let waiting = job("s3.dettonville.int");
    wait_for(|| requests(&queue).len() == 1, "the job queued its request");
    std::fs::remove_file(requests(&queue).remove(0)).unwrap();
    drop(held);
    let o = waiting.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(show(&bare, "main:inventory/PROD/hosts.yml").contains("s3.dettonville.int"));
}
