//! `git-inventory update` against real bare repositories (with the
//! pre-receive hook installed): add, idempotence, removal, overwrite,
//! batches, group creation, dry run, refusal, minimal diffs, a 20-job race,
//! and the same over SSH.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const XENV: &str = "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n        ca_domain_int_johnson:\n    aibrix_prod:\n    ollama_hosts:\n    web:\n    zeta:\n";

/// A bare repo with the hook, holding `hosts` as inventory/PROD/hosts.yml.
fn server(tag: &str, hosts: &str) -> (PathBuf, PathBuf) {
    seeded_server(
        tag,
        &[("PROD", hosts)],
        &[(
            "inventory/PROD/host_vars/old01.dettonville.int.yml",
            "rack: r1\n",
        )],
        true,
    )
}

/// A bare repo whose first commit holds each `(ENV, hosts.yml)` of `envs`
/// (with xenv_groups.yml linked in) and the `files`; the hook when `hook`.
fn seeded_server(
    tag: &str,
    envs: &[(&str, &str)],
    files: &[(&str, &str)],
    hook: bool,
) -> (PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let bare = dir.join("srv.git");
    git(
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
        &dir,
    );
    let work = dir.join("seed");
    git(&["init", "-q", "-b", "main", work.to_str().unwrap()], &dir);
    std::fs::create_dir_all(work.join("inventory")).unwrap();
    std::fs::write(work.join("inventory/xenv_groups.yml"), XENV).unwrap();
    for (env, hosts) in envs {
        std::fs::create_dir_all(work.join(format!("inventory/{env}"))).unwrap();
        std::os::unix::fs::symlink(
            "../xenv_groups.yml",
            work.join(format!("inventory/{env}/xenv_groups.yml")),
        )
        .unwrap();
        std::fs::write(work.join(format!("inventory/{env}/hosts.yml")), hosts).unwrap();
    }
    for (path, text) in files {
        let p = work.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(&["add", "-A"], &work);
    git(&["commit", "-qm", "seed"], &work);
    git(&["push", "-q", bare.to_str().unwrap(), "main"], &work);
    if hook {
        let o = run(&["hook", "install", bare.to_str().unwrap()], &dir);
        assert!(o.status.success());
    }
    (dir, bare)
}

const PROD: &str = "# PROD inventory\nall:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        old01.dettonville.int:\n          ansible_host: 10.0.0.1\n    web:\n      hosts:\n        old01.dettonville.int:\n";

fn update(bare: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "update",
        "--repo",
        bare.to_str().unwrap(),
        "--file",
        "inventory/PROD/hosts.yml",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(&args, bare.parent().unwrap())
}

/// Enrol `host` into inventory/PROD/hosts.yml under the
/// `ca_domain_int_dettonville` group.
fn enrol(bare: &Path, host: &str) -> Output {
    update(
        bare,
        &["--host", host, "--group", "ca_domain_int_dettonville"],
    )
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn show(bare: &Path, what: &str) -> String {
    let o = Command::new("git")
        .args(["-c", "safe.directory=*", "show"])
        .args(what.split(' '))
        .current_dir(bare)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn commits(bare: &Path) -> usize {
    git_stdout(&["rev-list", "--count", "main"], bare)
        .parse()
        .unwrap()
}

#[test]
fn add_is_idempotent_and_removal_works() {
    let (_d, bare) = server("upd-basic", PROD);
    let add = [
        "--host",
        "inference-grid-03.dettonville.int",
        "--group",
        "ca_domain_int_dettonville",
        "--group",
        "aibrix_prod",
        "--group",
        "ollama_hosts",
        "--var",
        "ansible_host=10.0.0.3",
        "--message-prefix",
        "INFRA-7",
    ];
    let o = update(&bare, &add);
    let r = json(&o);
    assert_eq!(o.status.code(), Some(0), "{r}");
    assert_eq!(r["changed"], true);
    assert_eq!(
        r["hosts_added"],
        serde_json::json!(["inference-grid-03.dettonville.int"])
    );
    assert_eq!(r["attempts"], 1);
    assert_eq!(commits(&bare), 2);
    // What the commit did to the hosts: `changes` of base..commit, the
    // event the post-receive hook sends on.
    let head = git_stdout(&["rev-parse", "main"], &bare);
    assert_eq!(r["changes"]["to"], head.trim());
    assert_eq!(
        r["changes"]["environments"]["PROD"]["added"],
        serde_json::json!(["inference-grid-03.dettonville.int"]),
        "{r}"
    );
    let o = common::run(
        &[
            "changes",
            bare.to_str().unwrap(),
            "main~1..main",
            "--format",
            "json",
        ],
        &bare,
    );
    let by_cli: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(by_cli, r["changes"], "the same event as `changes`");
    let msg = show(&bare, "-s --format=%s main");
    assert!(
        msg.contains("INFRA-7 - git-inventory: add inference-grid-03.dettonville.int to"),
        "{msg}"
    );
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for g in [
        "aibrix_prod:\n      hosts:\n        inference-grid-03",
        "ollama_hosts:\n      hosts:\n        inference-grid-03",
    ] {
        assert!(text.contains(g), "{text}");
    }
    // Again: nothing to do, no commit.
    let o = update(&bare, &add);
    let r = json(&o);
    assert_eq!(r["changed"], false, "{r}");
    assert_eq!(commits(&bare), 2);
    // Remove from one group only.
    let o = update(
        &bare,
        &[
            "--state",
            "absent",
            "--host",
            "inference-grid-03.dettonville.int",
            "--group",
            "ollama_hosts",
        ],
    );
    let r = json(&o);
    assert_eq!(
        r["hosts_removed"],
        serde_json::json!(["inference-grid-03.dettonville.int"])
    );
    // Still in PROD (other groups): changed, its groups fewer.
    let changed = &r["changes"]["environments"]["PROD"]["changed"][0];
    assert_eq!(changed["host"], "inference-grid-03.dettonville.int", "{r}");
    assert!(changed["groups_removed"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("ollama_hosts")));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        !text.contains("ollama_hosts:\n      hosts:\n        inference"),
        "{text}"
    );
    assert!(
        text.contains("aibrix_prod:\n      hosts:\n        inference-grid-03"),
        "{text}"
    );
    // Remove old01 from everything: its host_vars file goes too.
    let o = update(
        &bare,
        &["--state", "absent", "--host", "old01.dettonville.int"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(!text.contains("old01"), "{text}");
    let tree = show(&bare, "main:inventory/PROD/host_vars/");
    assert!(!tree.contains("old01"), "{tree}");
}

#[test]
fn overwrite_batch_group_creation_and_dry_run() {
    let (dir, bare) = server("upd-batch", PROD);
    // overwrite: old01 only in ca_domain_int_dettonville afterwards
    let o = update(
        &bare,
        &[
            "--state",
            "overwrite",
            "--host",
            "old01.dettonville.int",
            "--group",
            "ca_domain_int_dettonville",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        !text.contains("    web:\n      hosts:\n        old01"),
        "{text}"
    );
    // a batch of 100 hosts is one commit
    let before = commits(&bare);
    let list: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"host_name": format!("b{i:03}.dettonville.int"), "parent_groups": ["ca_domain_int_dettonville", "web"]}))
        .collect();
    let f = dir.join("hosts.json");
    std::fs::write(&f, serde_json::to_string(&list).unwrap()).unwrap();
    let o = update(&bare, &["--hosts", f.to_str().unwrap()]);
    let r = json(&o);
    assert_eq!(r["hosts_added"].as_array().unwrap().len(), 100, "{r}");
    assert_eq!(commits(&bare), before + 1);
    // a group absent from the file (declared in xenv) is created under all.children
    let o = update(
        &bare,
        &[
            "--host",
            "c01.dettonville.int",
            "--group",
            "ca_domain_int_dettonville",
            "--group",
            "ollama_hosts",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        text.contains("    ollama_hosts:\n      hosts:\n        c01.dettonville.int:\n"),
        "{text}"
    );
    // dry run: a diff, nothing pushed
    let before = commits(&bare);
    let o = update(
        &bare,
        &[
            "--dry-run",
            "--host",
            "d01.dettonville.int",
            "--group",
            "web",
        ],
    );
    let r = json(&o);
    assert_eq!(r["changed"], true);
    assert!(
        r["diff"]["prepared"]
            .as_str()
            .unwrap()
            .contains("+        d01.dettonville.int:"),
        "{r}"
    );
    assert_eq!(commits(&bare), before);
}

#[test]
fn refuses_a_change_that_breaks_validation() {
    let (_d, bare) = server("upd-refuse", PROD);
    let head = show(&bare, "-s --format=%H main");
    let o = enrol(&bare, "db01.johnson.int");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["failed"], true);
    assert!(
        r["violations"][0].as_str().unwrap().contains("INV011"),
        "{r}"
    );
    assert_eq!(show(&bare, "-s --format=%H main"), head, "remote untouched");
    // a group not declared in xenv_groups.yml is refused (INV013), not invented
    let o = update(
        &bare,
        &[
            "--host",
            "x01.dettonville.int",
            "--group",
            "ca_domain_int_dettonville",
            "--group",
            "not_declared",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        json(&o)["violations"][0]
            .as_str()
            .unwrap()
            .contains("INV013"),
        "{}",
        stdout(&o)
    );
    assert_eq!(show(&bare, "-s --format=%H main"), head, "remote untouched");
    // bad names never reach the file
    let o = update(&bare, &["--host", "web 02", "--group", "web"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["update", "--params", "-", "--format", "json"], &bare);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn minimal_diff_on_a_commented_unsorted_flow_styled_file() {
    let messy = "---\n# header\n\n## section one\nall:\n  children:\n    # unsorted on purpose\n    zeta:\n      hosts:\n        z1: {ansible_host: '10.0.9.1'}   # quoted\n        \"a1\":\n    ca_domain_int_dettonville:\n      hosts:\n        m01.dettonville.int:     # keep me\n          ansible_host: \"10.0.0.11\"\n\n        k01.dettonville.int: {ansible_host: 10.0.0.12}\n    web:\n      hosts: {w1: , w2: }\n# trailing comment\n";
    let (dir, bare) = server("upd-minimal", messy);
    let o = update(
        &bare,
        &[
            "--host",
            "n01.dettonville.int",
            "--group",
            "ca_domain_int_dettonville",
            "--group",
            "web",
            "--var",
            "ansible_host=10.0.0.13",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = update(&bare, &["--state", "absent", "--host", "z1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let clone = dir.join("check");
    git(
        &[
            "clone",
            "-q",
            bare.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
        &dir,
    );
    let numstat = |rev: &str| git_stdout(&["diff", "--numstat", &format!("{rev}~1"), rev], &clone);
    // add: 2 lines in the (unsorted) domain group, 1 changed line in the flow map
    assert_eq!(numstat("HEAD~1"), "3\t1\tinventory/PROD/hosts.yml");
    // remove: exactly the one line of z1
    assert_eq!(numstat("HEAD"), "0\t1\tinventory/PROD/hosts.yml");
    let text = std::fs::read_to_string(clone.join("inventory/PROD/hosts.yml")).unwrap();
    assert!(
        text.contains("        m01.dettonville.int:     # keep me\n")
            && text.contains("# trailing comment\n"),
        "{text}"
    );
    assert!(
        text.contains("hosts: {w1: , w2: , n01.dettonville.int: }"),
        "{text}"
    );
}

fn bare_str(bare: &Path) -> String {
    bare.to_str().unwrap().to_string()
}

/// One enrolment of `host` into web and its domain group, running in the
/// background; `tmpdir` stands for the machine it runs on.
fn spawn_job(
    dir: &Path,
    repo: &str,
    host: &str,
    retries: &str,
    tmpdir: Option<&Path>,
    extra: &[&str],
) -> std::process::Child {
    let mut c = Command::new(bin());
    c.args([
        "update",
        "--repo",
        repo,
        "--file",
        "inventory/PROD/hosts.yml",
    ])
    .args(["--format", "json", "--retries", retries, "--host", host])
    .args(["--group", "ca_domain_int_dettonville", "--group", "web"])
    .args(extra)
    .current_dir(dir)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    if let Some(t) = tmpdir {
        c.env("TMPDIR", t);
    }
    c.spawn().unwrap()
}

#[test]
fn twenty_concurrent_jobs_all_land_once() {
    let (dir, bare) = server("upd-race", PROD);
    // Half the jobs borrow the server's objects (a local path), half clone
    // and fetch over git's transport (a file:// URL). Jobs on one machine
    // take turns (a lock in the temporary directory); two temporary
    // directories stand for two machines, whose jobs race and retry.
    let url = format!("file://{}", bare.display());
    let machines = [dir.join("tmp-a"), dir.join("tmp-b")];
    for m in &machines {
        std::fs::create_dir_all(m).unwrap();
    }
    let children: Vec<(String, std::process::Child)> = (0..20)
        .map(|i| {
            let host = format!("race{i:02}.dettonville.int");
            let repo = if i % 2 == 0 {
                bare_str(&bare)
            } else {
                url.clone()
            };
            let child = spawn_job(&dir, &repo, &host, "40", Some(&machines[(i / 2) % 2]), &[]);
            (host, child)
        })
        .collect();
    for (host, child) in children {
        let o = child.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{host}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for i in 0..20 {
        let h = format!("race{i:02}.dettonville.int:");
        assert_eq!(text.matches(&h).count(), 2, "{h} once per group:\n{text}");
    }
    // Jobs waiting for their turn hand their change to the job whose turn
    // it is: fewer commits than jobs, each host in exactly one (below).
    assert!(commits(&bare) <= 21, "at most one commit per host");
    assert_eq!(
        git_stdout(&["rev-list", "--merges", "--count", "main"], &bare),
        "0",
        "linear history"
    );
    let log = git_stdout(&["log", "-p", "--format=%s", "main"], &bare);
    for i in 0..20 {
        let added = format!("+        race{i:02}.dettonville.int:");
        assert_eq!(
            log.matches(&added).count(),
            2,
            "race{i:02} arrived in exactly one commit"
        );
    }
}

#[test]
fn jobs_on_one_machine_take_turns() {
    let (dir, bare) = server("upd-turns", PROD);
    let url = format!("file://{}", bare.display());
    let children: Vec<std::process::Child> = (0..6)
        .map(|i| {
            let repo = if i % 2 == 0 {
                bare_str(&bare)
            } else {
                url.clone()
            };
            spawn_job(
                &dir,
                &repo,
                &format!("turn{i}.dettonville.int"),
                "0",
                None,
                &[],
            )
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        // No retries allowed, and none needed: nobody pushed in between.
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert_eq!(json(&o)["attempts"], 1, "{}", stdout(&o));
    }
    assert!(commits(&bare) <= 7);
}

/// The lock the updater takes for a repository on this machine, and its
/// queue, in the job's temporary directory.
fn turn_lock(tmp: &Path, bare: &Path) -> (PathBuf, PathBuf) {
    git_inventory::updater::queue::local::names_in(tmp, bare).unwrap()
}

/// While the turn is held (here by the test itself), `jobs` queue their
/// requests; released, one job does them all. Returns each job's output.
fn batch_of(dir: &Path, bare: &Path, jobs: &[(&str, &str)]) -> Vec<Output> {
    let tmp = dir.join(format!("tmp-{}", jobs[0].0));
    std::fs::create_dir_all(&tmp).unwrap();
    let (lock, queue) = turn_lock(&tmp, bare);
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let url = format!("file://{}", bare.display());
    let children: Vec<std::process::Child> = jobs
        .iter()
        .enumerate()
        .map(|(i, (host, ticket))| {
            let repo = if i % 2 == 0 {
                bare_str(bare)
            } else {
                url.clone()
            };
            spawn_job(
                dir,
                &repo,
                host,
                "0",
                Some(&tmp),
                &["--message-prefix", ticket],
            )
        })
        .collect();
    let queued = || {
        std::fs::read_dir(&queue)
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "req"))
                })
                .count()
            })
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while queued() < jobs.len() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(queued(), jobs.len(), "every job queued its request");
    drop(held);
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    // Nothing is left behind in the queue.
    assert_eq!(std::fs::read_dir(&queue).unwrap().count(), 0);
    outs
}

#[test]
fn a_request_claimed_by_a_job_that_died_is_run_by_its_own_job() {
    let (dir, bare) = server("upd-orphan", PROD);
    let tmp = dir.join("tmp-orphan");
    std::fs::create_dir_all(&tmp).unwrap();
    let (lock, queue) = turn_lock(&tmp, &bare);
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let child = spawn_job(
        &dir,
        &bare_str(&bare),
        "o1.dettonville.int",
        "0",
        Some(&tmp),
        &[],
    );
    let req = || {
        std::fs::read_dir(&queue).ok().and_then(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == "req"))
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while req().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // "Claim" it as a batching job would, then "die": the lock goes, no answer.
    let r = req().expect("the job queued its request");
    std::fs::rename(&r, r.with_extension("claimed")).unwrap();
    drop(held);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["changed"], true);
    assert!(show(&bare, "main:inventory/PROD/hosts.yml").contains("o1.dettonville.int:"));
    assert_eq!(std::fs::read_dir(&queue).unwrap().count(), 0, "withdrawn");
}

#[test]
fn waiting_jobs_share_one_commit() {
    let (dir, bare) = server("upd-batch", PROD);
    let jobs = [
        ("b1.dettonville.int", "OPS-1"),
        ("b2.dettonville.int", "OPS-2"),
        ("b3.dettonville.int", "OPS-3"),
        ("b4.dettonville.int", "OPS-2"),
    ];
    let outs = batch_of(&dir, &bare, &jobs);
    let tip = show(&bare, "-s --format=%H main").trim().to_string();
    for ((host, _), o) in jobs.iter().zip(&outs) {
        let r = json(o);
        assert_eq!(o.status.code(), Some(0), "{r}");
        // Each job's own diff: the file before and after its change.
        let (before, after) = (r["diff"]["before"].as_str(), r["diff"]["after"].as_str());
        assert!(!before.unwrap().contains(&format!("{host}:")), "{r}");
        assert!(after.unwrap().contains(&format!("{host}:")), "{r}");
        assert_eq!(r["changed"], true, "{r}");
        assert_eq!(r["commit"], tip.as_str(), "{r}");
        assert!(
            r["message"]
                .as_str()
                .unwrap()
                .contains("(one commit with 3 other jobs' changes)"),
            "{r}"
        );
        assert!(r["diff"]["prepared"]
            .as_str()
            .unwrap()
            .contains("+        b"));
    }
    // One commit for the four: the tickets once each, every job's message.
    assert_eq!(commits(&bare), 2);
    let msg = show(&bare, "-s --format=%B main");
    let (tickets, subject) = msg.lines().next().unwrap().split_once(" - ").unwrap();
    let mut tickets: Vec<&str> = tickets.split(", ").collect();
    tickets.sort();
    assert_eq!(tickets, ["OPS-1", "OPS-2", "OPS-3"], "{msg}");
    assert_eq!(subject, "git-inventory: 4 changes from concurrent jobs");
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for (host, ticket) in jobs {
        assert!(
            msg.contains(&format!("{ticket} - git-inventory: add {host} to")),
            "{msg}"
        );
        assert_eq!(text.matches(&format!("{host}:")).count(), 2, "{text}");
    }
    // A request that would add an error is judged alone: refused, while
    // the others still land.
    let jobs = [
        ("b5.dettonville.int", "OPS-5"),
        ("wrong.example.com", "OPS-6"),
        ("b7.dettonville.int", "OPS-7"),
    ];
    let outs = batch_of(&dir, &bare, &jobs);
    for ((host, _), o) in jobs.iter().zip(&outs) {
        let r = json(o);
        if host.ends_with("example.com") {
            assert_eq!(o.status.code(), Some(1), "{r}");
            assert!(!r["violations"].as_array().unwrap().is_empty(), "{r}");
        } else {
            assert_eq!(o.status.code(), Some(0), "{r}");
            assert_eq!(r["changed"], true, "{r}");
        }
    }
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(text.contains("b5.dettonville.int:") && text.contains("b7.dettonville.int:"));
    assert!(!text.contains("wrong.example.com"));
}

#[test]
fn a_local_path_borrows_objects_a_file_url_clones() {
    let (dir, bare) = server("upd-borrow", PROD);
    let job = |repo: &str, host: &str, extra: &[&str]| -> (Output, String) {
        let trace = dir.join(format!("trace-{host}"));
        let o = Command::new(bin())
            .args([
                "update",
                "--repo",
                repo,
                "--file",
                "inventory/PROD/hosts.yml",
            ])
            .args(["--host", host, "--group", "ca_domain_int_dettonville"])
            .args(extra)
            .env("GIT_TRACE2_EVENT", &trace)
            .current_dir(&dir)
            .output()
            .unwrap();
        (o, std::fs::read_to_string(&trace).unwrap_or_default())
    };
    // A path: no upload-pack (nothing is copied), only the push's receive-pack.
    let (o, events) = job(bare.to_str().unwrap(), "b01.dettonville.int", &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!events.contains("upload-pack"), "{events}");
    assert!(events.contains("receive-pack"), "{events}");
    // The server keeps the pushed pack (no loose objects written one by one).
    assert!(events.contains("receive.unpackLimit=1"), "{events}");
    // A file:// URL goes through git's transport, as with git.
    let url = format!("file://{}", bare.display());
    let (o, events) = job(&url, "b02.dettonville.int", &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(events.contains("upload-pack"), "{events}");
    // Its server side runs here: whole objects, no delta search.
    assert!(events.contains("pack.window=0"), "{events}");
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(text.contains("b01.dettonville.int") && text.contains("b02.dettonville.int"));
    // The server was only pushed to: it borrows nothing and has no stray refs.
    assert!(!bare.join("objects/info/alternates").exists());
    assert_eq!(
        git_stdout(&["for-each-ref", "--format=%(refname)"], &bare),
        "refs/heads/main"
    );
    // A missing branch, or a name that is no branch name, is refused (exit 3).
    for bad in ["nope", "../../escape"] {
        let (o, _) = job(
            bare.to_str().unwrap(),
            "b03.dettonville.int",
            &["--branch", bad],
        );
        assert_eq!(
            o.status.code(),
            Some(3),
            "{bad}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(bad) || stdout(&o).contains(bad),
            "{}",
            stderr(&o)
        );
    }
    assert!(!dir.join("escape").exists());
}

#[test]
fn update_over_ssh() {
    let server_ssh = sshd::start("update");
    let exe = server_ssh.binary();
    let (_d, local) = server("upd-ssh", PROD);
    let bare = server_ssh.home.join("srv.git");
    git(
        &[
            "clone",
            "-q",
            "--bare",
            local.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
        &server_ssh.home,
    );
    let o = Command::new(&exe)
        .args(["hook", "install", bare.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    server_ssh.give(&bare);
    let url = server_ssh.url(&bare);
    let key = server_ssh.key.to_str().unwrap().to_string();
    let port_opt = format!(
        "-p {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        server_ssh.port
    );
    let params = serde_json::json!({
        "inventory_repo_url": url, "inventory_repo_branch": "main",
        "inventory_file": "inventory/PROD/hosts.yml", "git_comment_prefix": "INFRA-9",
        "ssh_params": {"key_file": key, "ssh_opts": port_opt}, "state": "present",
        "host_list": [{"host_name": "s01.dettonville.int", "parent_groups": ["ca_domain_int_dettonville", "web"]}]
    });
    let landed = |o: &Output| {
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}{}\n{}",
            stdout(o),
            stderr(o),
            server_ssh.log()
        )
    };
    landed(&run_stdin(
        &["update", "--params", "-", "--format", "json"],
        &server_ssh.home,
        &params.to_string(),
    ));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(text.contains("s01.dettonville.int"), "{text}");
    // Two jobs of two "machines" taking turns in the remote over SSH (the
    // queue's pushes, ls-remote and fetch go through the same ssh command).
    let jobs: Vec<std::process::Child> = ["s02", "s03"]
        .iter()
        .map(|h| {
            let mut p = params.clone();
            p["host_list"][0]["host_name"] = format!("{h}.dettonville.int").into();
            let tmp = server_ssh.home.join(format!("machine-{h}"));
            std::fs::create_dir_all(&tmp).unwrap();
            let mut c = Command::new(bin())
                .args([
                    "update", "--params", "-", "--format", "json", "--queue", "remote",
                ])
                .env("TMPDIR", &tmp)
                .env("GIT_TRACE2_EVENT", tmp.join("trace"))
                .current_dir(&server_ssh.home)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(p.to_string().as_bytes())
                .unwrap();
            c
        })
        .collect();
    for c in jobs {
        landed(&c.wait_with_output().unwrap());
    }
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        text.contains("s02.dettonville.int") && text.contains("s03.dettonville.int"),
        "{text}"
    );
    assert_eq!(remote_refs(&bare, ""), Vec::<String>::new());
    // A job took the turn over ssh and read the queue (it does only after
    // its first push to refs/git-inventory/ went through).
    let traces: String = ["s02", "s03"]
        .iter()
        .map(|h| {
            std::fs::read_to_string(server_ssh.home.join(format!("machine-{h}/trace")))
                .unwrap_or_default()
        })
        .collect();
    assert!(
        traces.contains("\"refs/git-inventory/*\""),
        "the queue listed"
    );
}

fn update_params(bare: &Path, params: serde_json::Value) -> Output {
    run_stdin(
        &["update", "--params", "-", "--format", "json"],
        bare.parent().unwrap(),
        &params.to_string(),
    )
}

#[test]
fn group_list_creates_and_removes_groups() {
    let (_d, bare) = server("upd-groups", PROD);
    let o = update_params(
        &bare,
        serde_json::json!({
            "inventory_repo_url": bare, "inventory_file": "inventory/PROD/hosts.yml",
            "state": "present",
            "group_list": [{"group_name": "web", "parent_groups": ["aibrix_prod"], "group_vars": {"tier": "front"}}]
        }),
    );
    let r = json(&o);
    assert_eq!(o.status.code(), Some(0), "{r}");
    assert_eq!(r["groups_added"], serde_json::json!(["web"]));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        text.contains("    aibrix_prod:\n      children:\n        web: {}\n"),
        "{text}"
    );
    // The collection's default: vars in group_vars/, the parent's file too.
    let vars = show(&bare, "main:inventory/PROD/group_vars/web.yml");
    assert!(vars.contains("tier: front\n"), "{vars}");
    assert!(show(&bare, "main:inventory/PROD/group_vars/aibrix_prod.yml").contains("{}"));
    // Inline when asked.
    let o = update_params(
        &bare,
        serde_json::json!({
            "inventory_repo_url": bare, "inventory_file": "inventory/PROD/hosts.yml",
            "use_vars_files": false,
            "group_list": [{"group_name": "web", "group_vars": {"tier": "back"}}]
        }),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(text.contains("      vars:\n        tier: back\n"), "{text}");
    let o = update_params(
        &bare,
        serde_json::json!({
            "inventory_repo_url": bare, "inventory_file": "inventory/PROD/hosts.yml",
            "state": "absent", "group_list": [{"group_name": "aibrix_prod"}]
        }),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(!text.contains("aibrix_prod"), "{text}");
}

#[test]
fn workdir_is_reused_and_fetched() {
    let (dir, bare) = server("upd-workdir", PROD);
    let wd = dir.join("wd");
    let w = wd.to_str().unwrap();
    let o = update(
        &bare,
        &[
            "--workdir",
            w,
            "--host",
            "w01.dettonville.int",
            "--group",
            "web",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(wd.join("repo.git/HEAD").is_file(), "the clone is kept");
    // another job pushes meanwhile
    let o = update(&bare, &["--host", "w02.dettonville.int", "--group", "web"]);
    assert_eq!(o.status.code(), Some(0));
    // the kept clone fetches the new tip: w02 survives, w03 is added
    let o = update(
        &bare,
        &[
            "--workdir",
            w,
            "--host",
            "w03.dettonville.int",
            "--group",
            "web",
        ],
    );
    let r = json(&o);
    assert_eq!(r["attempts"], 1, "{r}");
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for h in ["w01", "w02", "w03"] {
        assert!(text.contains(&format!("{h}.dettonville.int")), "{text}");
    }
    let o = update(
        &bare,
        &[
            "--workdir",
            w,
            "--host",
            "w03.dettonville.int",
            "--group",
            "web",
        ],
    );
    assert_eq!(json(&o)["changed"], false);
}

#[test]
fn clones_shallow_unless_depth_zero_asks_for_the_history() {
    let (dir, bare) = server("upd-depth", PROD);
    let shallow = |wd: &Path| {
        git_stdout(
            &["rev-parse", "--is-shallow-repository"],
            &wd.join("repo.git"),
        )
    };
    let full = dir.join("wd-full");
    let o = update(
        &bare,
        &[
            "--workdir",
            full.to_str().unwrap(),
            "--depth",
            "0",
            "--host",
            "d01.dettonville.int",
            "--group",
            "web",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(shallow(&full), "false");
    let one = dir.join("wd-one");
    let in_one = |host: &str| {
        let args = ["--workdir", one.to_str().unwrap(), "--host", host];
        update(&bare, &[&args[..], &["--group", "web"]].concat())
    };
    let o = in_one("d02.dettonville.int");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(shallow(&one), "true");
    // another job lands in between: the shallow clone fetches the new tip
    let o = update(&bare, &["--host", "d03.dettonville.int", "--group", "web"]);
    assert_eq!(o.status.code(), Some(0));
    let o = in_one("d04.dettonville.int");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for h in ["d01", "d02", "d03", "d04"] {
        assert!(text.contains(&format!("{h}.dettonville.int")), "{text}");
    }
}

#[test]
fn quiet_on_pipes_and_in_json() {
    let (dir, bare) = server("upd-quiet", PROD);
    let o = run(
        &[
            "update",
            "--repo",
            bare.to_str().unwrap(),
            "--file",
            "inventory/PROD/hosts.yml",
            "--host",
            "q01.dettonville.int",
            "--group",
            "web",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).is_empty(),
        "no progress on a pipe: {:?}",
        stderr(&o)
    );
    assert!(
        stdout(&o).starts_with("git-inventory: pushed "),
        "{}",
        stdout(&o)
    );
    let o = update(&bare, &["--host", "q02.dettonville.int", "--group", "web"]);
    assert!(
        stderr(&o).is_empty(),
        "no progress in JSON mode: {:?}",
        stderr(&o)
    );
    let _: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is only JSON");
}

/// The updater validates what its change can alter: an error another
/// environment already had is not its business (a job enrolling into PROD
/// is not blocked by DEV), a host another environment has is refused.
#[test]
fn judges_what_the_change_touches_across_environments() {
    // DEV: two hosts at one address (INV022), from before the updater
    // (and before any hook: there is none here).
    let dev = "web:\n  hosts:\n    dev01.dettonville.int:\n      ansible_host: 10.9.0.1\n    dev02.dettonville.int:\n      ansible_host: 10.9.0.1\n";
    let (_d, bare) = seeded_server("upd-envs", &[("PROD", PROD), ("DEV", dev)], &[], false);

    let o = enrol(&bare, "new01.dettonville.int");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(show(&bare, "main:inventory/PROD/hosts.yml").contains("new01.dettonville.int"));
    let head = show(&bare, "-s --format=%H main");

    let o = enrol(&bare, "dev02.dettonville.int");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let r = json(&o);
    let v = r["violations"].to_string();
    assert!(
        v.contains("INV020") && v.contains("dev02.dettonville.int"),
        "{r}"
    );
    assert!(
        !v.contains("INV022"),
        "DEV's old error is not this change's: {r}"
    );
    assert_eq!(show(&bare, "-s --format=%H main"), head, "remote untouched");
}

/// Hold the turn in the remote as a job of another machine would: a
/// commit at refs/git-inventory/turn.
fn hold_remote_turn(bare: &Path) -> String {
    let tree = git_stdout(&["hash-object", "-t", "tree", "-w", "/dev/null"], bare);
    let c = git_stdout(
        &["commit-tree", &tree, "-m", "a turn held by the test"],
        bare,
    );
    git(&["update-ref", "refs/git-inventory/turn", &c], bare);
    c
}

fn remote_refs(bare: &Path, under: &str) -> Vec<String> {
    let o = git_output(
        &[
            "-c",
            "safe.directory=*",
            "for-each-ref",
            "--format=%(refname)",
            &format!("refs/git-inventory/{under}"),
        ],
        bare,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn jobs_on_machines_apart_take_turns_in_the_remote() {
    let (dir, bare) = server("upd-remote-turns", PROD);
    let before = commits(&bare);
    hold_remote_turn(&bare);
    // Six jobs, each on a "machine" of its own (its own temporary
    // directory), over file:// and by path, no retries allowed.
    let url = format!("file://{}", bare.display());
    let children: Vec<std::process::Child> = (0..6)
        .map(|i| {
            let m = dir.join(format!("machine-{i}"));
            std::fs::create_dir_all(&m).unwrap();
            let repo = if i % 2 == 0 {
                url.clone()
            } else {
                bare_str(&bare)
            };
            spawn_job(
                &dir,
                &repo,
                &format!("apart{i}.dettonville.int"),
                "0",
                Some(&m),
                &["--queue", "remote"],
            )
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while remote_refs(&bare, "queue/").len() < 6 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        remote_refs(&bare, "queue/").len(),
        6,
        "every job queued in the remote"
    );
    // The turn given back: one job takes it and does every request.
    git(&["update-ref", "-d", "refs/git-inventory/turn"], &bare);
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for (i, o) in outs.iter().enumerate() {
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(o), stderr(o));
        let j = json(o);
        assert_eq!(j["changed"], true);
        assert_eq!(j["hosts_added"][0], format!("apart{i}.dettonville.int"));
        assert!(
            j["message"]
                .as_str()
                .unwrap()
                .contains("one commit with 5 other jobs' changes"),
            "{j}"
        );
        // Its own change's diff, not the others'.
        let prepared = j["diff"]["prepared"].as_str().unwrap();
        assert!(
            prepared.contains(&format!("+        apart{i}.dettonville.int:")),
            "{prepared}"
        );
        for k in (0..6).filter(|k| *k != i) {
            let other = format!("+        apart{k}.");
            assert!(!prepared.contains(&other), "{prepared}");
        }
    }
    assert_eq!(commits(&bare), before + 1, "one commit for six jobs");
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    for i in 0..6 {
        let h = format!("apart{i}.dettonville.int:");
        assert_eq!(text.matches(&h).count(), 2, "{h} once per group:\n{text}");
    }
    assert_eq!(
        remote_refs(&bare, ""),
        Vec::<String>::new(),
        "nothing left in the remote"
    );
}

#[test]
fn a_dead_jobs_turn_is_taken_back_and_a_remote_without_queue_refs_is_updated_alone() {
    let (dir, bare) = server("upd-remote-stale", PROD);
    // A turn nobody gives back: after GIT_INVENTORY_TURN_STALE_SECS of
    // seeing it unchanged, a job deletes it and goes on.
    let held = hold_remote_turn(&bare);
    // Answers of jobs killed while they waited: the one queued long ago is
    // swept at the end of the turn, the one queued now is left for its job.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let old_answer = "refs/git-inventory/done/18d2f1e0c0a00000-4242-gone";
    let new_answer = format!("refs/git-inventory/done/{now:x}-4343-waiting");
    git(&["update-ref", old_answer, &held], &bare);
    git(&["update-ref", &new_answer, &held], &bare);
    let m = dir.join("machine-stale");
    std::fs::create_dir_all(&m).unwrap();
    let started = std::time::Instant::now();
    let o = Command::new(bin())
        .args([
            "update",
            "--repo",
            &bare_str(&bare),
            "--file",
            "inventory/PROD/hosts.yml",
        ])
        .args([
            "--format",
            "json",
            "--retries",
            "0",
            "--host",
            "stale1.dettonville.int",
        ])
        .args(["--group", "ca_domain_int_dettonville"])
        .args(["--queue", "remote"])
        .env("TMPDIR", &m)
        .env("GIT_INVENTORY_TURN_STALE_SECS", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(remote_refs(&bare, ""), vec![new_answer.clone()]);
    git(&["update-ref", "-d", &new_answer], &bare);
    // `--queue local` (the default) does not look at the remote's turn.
    hold_remote_turn(&bare);
    let o = update(
        &bare,
        &[
            "--host",
            "local1.dettonville.int",
            "--group",
            "web",
            "--queue",
            "local",
            "--retries",
            "0",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    git(&["update-ref", "-d", "refs/git-inventory/turn"], &bare);
    // A server that takes no refs outside branches: the job goes on alone.
    let hook = bare.join("hooks/update");
    std::fs::write(
        &hook,
        "#!/bin/sh\ncase \"$1\" in refs/heads/*) exit 0;; esac\necho \"no such refs here: $1\" >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let o = update(
        &bare,
        &[
            "--host",
            "alone1.dettonville.int",
            "--group",
            "web",
            "--retries",
            "0",
            "--queue",
            "remote",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["hosts_added"][0], "alone1.dettonville.int");
    assert_eq!(remote_refs(&bare, ""), Vec::<String>::new());
}

#[test]
fn a_request_from_the_remote_queue_is_checked_again() {
    let (_dir, bare) = server("upd-remote-bad", PROD);
    // What anyone able to push to refs/git-inventory/ could queue: a file
    // outside the repository.
    let req = serde_json::json!({
        "repo": "", "branch": null, "file": "../../outside.yml",
        "hosts": [{"name": "evil.dettonville.int", "groups": ["web"], "vars": []}],
        "groups": [], "state": "merge", "message_prefix": null, "message_body": null,
        "ssh_key": null, "accept_hostkey": false, "ssh_opts": null,
        "author_name": "git-inventory", "author_email": "git-inventory@localhost",
        "dry_run": false, "no_push": false, "retries": 0, "depth": 1, "workdir": null,
        "progress": false
    });
    let tree = git_stdout(&["hash-object", "-t", "tree", "-w", "/dev/null"], &bare);
    let c = git_stdout(&["commit-tree", &tree, "-m", &req.to_string()], &bare);
    // Named as a job names its request (`<hex time>-<pid>-<host>`): a name
    // no job makes is swept unanswered.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let id = format!("{now:x}-4242-bad");
    git(
        &["update-ref", &format!("refs/git-inventory/queue/{id}"), &c],
        &bare,
    );
    let o = update(
        &bare,
        &[
            "--host",
            "good1.dettonville.int",
            "--group",
            "web",
            "--queue",
            "remote",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    assert!(
        text.contains("good1.dettonville.int") && !text.contains("evil"),
        "{text}"
    );
    // The bad request got its answer: refused as a bad --file.
    let done = format!("refs/git-inventory/done/{id}");
    assert_eq!(remote_refs(&bare, ""), vec![done.clone()]);
    let answer = git_stdout(&["log", "-1", "--format=%B", &done], &bare);
    assert!(answer.contains("must be a relative path"), "{answer}");
    assert!(answer.contains("\"exit\":2"), "{answer}");
}

#[test]
fn params_are_checked_against_their_schema_with_the_place_of_an_error() {
    let (dir, bare) = server("upd-schema", PROD);
    let file = dir.join("request.yml");
    let req = |extra: &str| {
        format!(
            "inventory_repo_url: {}\ninventory_file: inventory/PROD/hosts.yml\nhost_list:\n  - host_name: web07.dettonville.int\n{extra}",
            bare.display()
        )
    };
    std::fs::write(&file, req("    host_vars: [1]\n")).unwrap();
    let f = file.to_str().unwrap();
    let o = run(&["update", "--params", f], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("params/host_list/0/host_vars (5:16): [1] is not of types"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&file, req("    parent_groups: [web]\nbogus_param: 1\n")).unwrap();
    let o = run(&["update", "--params", f], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bogus_param"), "{}", stderr(&o));
    // --param: one parameter over the file, checked too.
    std::fs::write(
        &file,
        req("    parent_groups: [web]\n    host_vars: {rack: r9}\n    network_internal: {x: 1}\ngit_comment_prefix: \"TEST-1001 - \"\n"),
    )
    .unwrap();
    let o = run(
        &["update", "--params", f, "--param", "use_vars_files=maybe"],
        &dir,
    );
    assert!(
        stderr(&o).contains("params/use_vars_files (--param)"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &[
            "update",
            "--params",
            f,
            "--param",
            "use_vars_files=false",
            "--param",
            "derive_domain_group=true",
            "--format",
            "json",
        ],
        &dir,
    );
    let r = json(&o);
    assert_eq!(o.status.code(), Some(0), "{r}");
    assert_eq!(r["message"], "Inventory updated successfully", "{r}");
    // An item key the collection does not know: not used, and said so.
    let w = r["warnings"][0].as_str().unwrap_or_default();
    assert!(
        w.starts_with("host_list[0].network_internal: not a key"),
        "{r}"
    );
    // A prefix given with its separator gets no second one.
    let subject = git_stdout(&["log", "-1", "--format=%s", "main"], &bare);
    assert!(
        subject.starts_with("TEST-1001 - git-inventory: "),
        "{subject}"
    );
    let text = show(&bare, "main:inventory/PROD/hosts.yml");
    // Inline vars on the root's hosts, the host under web and its domain group.
    assert!(
        text.contains("  hosts:\n    web07.dettonville.int:\n      rack: r9\n"),
        "{text}"
    );
    assert!(
        text.contains("        web07.dettonville.int: {}\n    web:"),
        "{text}"
    );
    assert!(text.starts_with("# PROD inventory\n"), "{text}");
}
