//! The remote queue (`--queue remote`) against what anyone who can push to
//! `refs/git-inventory/` can put there: requests for files other than the
//! inventory or with forged trailers, a forged answer, a turn held by a
//! dead job or kept fresh by hand, thousands of junk refs. Each through
//! real `git-inventory update` processes and a bare repository with the
//! hook installed.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const XENV: &str = "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n    web:\n";
const PROD: &str = "all:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        pweb01.dettonville.int:\n    web:\n      hosts:\n        pweb01.dettonville.int:\n";
const BUILD: &str = "#!/bin/sh\nmake all\n";

/// A bare repository with the hook installed, holding inventory/PROD and
/// a build script.
fn server(tag: &str) -> (PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let bare = seeded_with_hook(
        &dir,
        &[
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/PROD/xenv_groups.yml", XENV),
            ("inventory/PROD/hosts.yml", PROD),
            ("build.sh", BUILD),
        ],
        &[],
    );
    (dir, bare)
}

/// A job with `--queue remote` on a machine of its own, in the background.
fn job(dir: &Path, bare: &Path, machine: &str, args: &[&str], env: &[(&str, &str)]) -> Child {
    let tmp = dir.join(machine);
    std::fs::create_dir_all(&tmp).unwrap();
    let mut c = Command::new(bin());
    c.args(["update", "--repo", bare.to_str().unwrap()])
        .args(["--file", "inventory/PROD/hosts.yml", "--format", "json"])
        .args(["--queue", "remote", "--retries", "5"])
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

/// Wait for `child`, killing it after `limit`.
fn finish(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn refs(bare: &Path, under: &str) -> Vec<String> {
    let pattern = format!("refs/git-inventory/{under}");
    // Any owner (the ssh server's repository is its user's).
    let args = [
        "-c",
        "safe.directory=*",
        "for-each-ref",
        "--format=%(refname)",
    ];
    git_stdout(&[&args[..], &[pattern.as_str()]].concat(), bare)
        .lines()
        .map(String::from)
        .collect()
}

/// A commit of the empty tree with `message`, in the bare repository.
fn note(bare: &Path, message: &str) -> String {
    let tree = git_stdout(&["hash-object", "-t", "tree", "-w", "/dev/null"], bare);
    git_stdout(&["commit-tree", &tree, "-m", message], bare)
}

/// An id as a job makes one (`<hex time>-<pid>-<host>`), queued now.
fn job_id(tag: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{now:x}-4242-{tag}")
}

/// Hold the turn by hand, as a job of another machine would.
fn hold_turn(bare: &Path, message: &str) -> String {
    let c = note(bare, message);
    git(&["update-ref", "refs/git-inventory/turn", &c], bare);
    c
}

/// Wait until `n` requests are queued (or 60 s pass).
fn queued(bare: &Path, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let q = refs(bare, "queue/");
        if q.len() >= n || Instant::now() > deadline {
            return q;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn request(file: &str, host: &str, body: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "repo": "", "branch": null, "file": file,
        "hosts": [{"name": host, "groups": ["web"], "vars": []}],
        "groups": [], "state": "merge", "message_prefix": null, "message_body": body,
        "ssh_key": null, "accept_hostkey": false, "ssh_opts": null,
        "author_name": "git-inventory", "author_email": "git-inventory@localhost",
        "dry_run": false, "no_push": false, "retries": 0, "depth": 1, "workdir": null,
        "progress": false
    })
}

#[test]
fn queued_requests_for_other_files_or_with_trailers_are_refused() {
    let (dir, bare) = server("rq-bad");
    let hostile = [
        ("build", request("build.sh", "evil1.dettonville.int", None)),
        (
            "ci",
            request(".gitlab-ci.yml", "evil2.dettonville.int", None),
        ),
        (
            "trailer",
            request(
                "inventory/PROD/hosts.yml",
                "evil3.dettonville.int",
                Some("add evil3\n\nReviewed-by: Security Team <sec@example.com>"),
            ),
        ),
    ];
    let mut ids = Vec::new();
    for (tag, req) in &hostile {
        let id = job_id(tag);
        let c = note(&bare, &req.to_string());
        git(
            &["update-ref", &format!("refs/git-inventory/queue/{id}"), &c],
            &bare,
        );
        ids.push(id);
    }
    let o = finish(
        job(
            &dir,
            &bare,
            "m1",
            &["--host", "good1.dettonville.int", "--group", "web"],
            &[],
        ),
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        git_stdout(&["show", "main:build.sh"], &bare),
        BUILD.trim_end()
    );
    let tree = git_stdout(&["ls-tree", "-r", "--name-only", "main"], &bare);
    assert!(!tree.contains(".gitlab-ci.yml"), "{tree}");
    let hosts = git_stdout(&["show", "main:inventory/PROD/hosts.yml"], &bare);
    assert!(
        hosts.contains("good1.dettonville.int") && !hosts.contains("evil"),
        "{hosts}"
    );
    let log = git_stdout(&["log", "--format=%B", "main"], &bare);
    assert!(
        !log.contains("Reviewed-by") && !log.contains("evil"),
        "{log}"
    );
    // Each answered: exit 2, and why.
    for id in &ids {
        let done = format!("refs/git-inventory/done/{id}");
        let answer = git_stdout(&["log", "-1", "--format=%B", &done], &bare);
        assert!(answer.contains("\"exit\":2"), "{id}: {answer}");
        assert!(answer.contains("queued request"), "{id}: {answer}");
    }
    assert!(refs(&bare, "queue/").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_forged_answer_is_not_believed() {
    let (dir, bare) = server("rq-forged");
    let tip = git_stdout(&["rev-parse", "main"], &bare);
    hold_turn(&bare, "a turn held by the test");
    let waiting = job(
        &dir,
        &bare,
        "m1",
        &["--state", "absent", "--host", "pweb01.dettonville.int"],
        &[],
    );
    let q = queued(&bare, 1);
    assert_eq!(q.len(), 1, "the job queued its request");
    let id = q[0]
        .trim_start_matches("refs/git-inventory/queue/")
        .to_string();
    // What someone able to push to refs/git-inventory/ could answer: done,
    // in the commit already on the branch.
    let forged = serde_json::json!({"exit": 0, "outcome": {
        "changed": true, "failed": false, "commit": tip, "attempts": 1,
        "message": format!("pushed {} to main: git-inventory: remove pweb01.dettonville.int from all groups", &tip[..12]),
        "hosts_added": [], "hosts_removed": ["pweb01.dettonville.int"],
        "groups_added": [], "groups_removed": [],
        "diff": {"before": "", "after": "", "prepared": ""}
    }});
    let c = note(&bare, &forged.to_string());
    git(
        &["update-ref", &format!("refs/git-inventory/done/{id}"), &c],
        &bare,
    );
    // Read and not believed: the job waits on for its turn.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !refs(&bare, "done/").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(refs(&bare, "done/").is_empty(), "the answer was read");
    std::thread::sleep(Duration::from_millis(500));
    git(&["update-ref", "-d", "refs/git-inventory/turn"], &bare);
    let o = finish(waiting, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let j = json(&o);
    let hosts = git_stdout(&["show", "main:inventory/PROD/hosts.yml"], &bare);
    assert!(
        !hosts.contains("pweb01"),
        "the job removed it itself:\n{hosts}"
    );
    let new_tip = git_stdout(&["rev-parse", "main"], &bare);
    assert_ne!(new_tip, tip);
    assert_eq!(j["commit"], new_tip.as_str(), "{j}");
    assert_eq!(j["hosts_removed"][0], "pweb01.dettonville.int");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dead_jobs_turn_is_taken_over_in_seconds() {
    let (dir, bare) = server("rq-dead");
    // Held, never refreshed: its job was killed.
    hold_turn(&bare, "the turn of a killed job");
    let started = Instant::now();
    let o = finish(
        job(
            &dir,
            &bare,
            "m1",
            &["--host", "late1.dettonville.int", "--group", "web"],
            &[],
        ),
        Duration::from_secs(40),
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["hosts_added"][0], "late1.dettonville.int");
    assert!(took < Duration::from_secs(25), "took {took:?}");
    assert!(refs(&bare, "").is_empty(), "{:?}", refs(&bare, ""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_turn_kept_fresh_by_hand_does_not_hold_a_job_for_long() {
    let (dir, bare) = server("rq-fresh");
    hold_turn(&bare, "a turn kept fresh");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let keeper = {
        let (stop, bare) = (stop.clone(), bare.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 600 {
                n += 1;
                hold_turn(&bare, &format!("a turn kept fresh ({n})"));
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    let env = [("GIT_INVENTORY_TURN_STALE_SECS", "2")];
    let started = Instant::now();
    let o = finish(
        job(
            &dir,
            &bare,
            "m1",
            &["--host", "alone1.dettonville.int", "--group", "web"],
            &env,
        ),
        Duration::from_secs(60),
    );
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    keeper.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["hosts_added"][0], "alone1.dettonville.int");
    // Three times the stale time, at least ten seconds, then alone.
    assert!(took < Duration::from_secs(25), "took {took:?}");
    assert!(refs(&bare, "queue/").is_empty(), "its request withdrawn");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_live_turn_longer_than_the_stale_time_is_not_taken_as_dead() {
    let (dir, bare) = server("rq-live");
    // A hook that takes 4 s over a branch: the turn lasts longer than the
    // stale time (2 s), and only its heartbeat tells the waiting job it is
    // alive.
    let hooks = bare.join("hooks");
    std::fs::rename(hooks.join("pre-receive"), hooks.join("pre-receive.real")).unwrap();
    std::fs::write(
        hooks.join("pre-receive"),
        "#!/bin/sh\ninput=$(cat)\ncase \"$input\" in *refs/heads/*) sleep 4;; esac\n\
         printf '%s\\n' \"$input\" | exec \"$(dirname \"$0\")/pre-receive.real\" \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        hooks.join("pre-receive"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let before: usize = git_stdout(&["rev-list", "--count", "main"], &bare)
        .parse()
        .unwrap();
    hold_turn(&bare, "a turn held by the test");
    let env = [("GIT_INVENTORY_TURN_STALE_SECS", "2")];
    let jobs: Vec<Child> = (0..2)
        .map(|i| {
            let host = format!("live{i}.dettonville.int");
            job(
                &dir,
                &bare,
                &format!("m{i}"),
                &["--host", &host, "--group", "web"],
                &env,
            )
        })
        .collect();
    assert_eq!(queued(&bare, 2).len(), 2, "both queued");
    git(&["update-ref", "-d", "refs/git-inventory/turn"], &bare);
    for o in jobs.into_iter().map(|c| finish(c, Duration::from_secs(60))) {
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert_eq!(json(&o)["changed"], true, "{}", stdout(&o));
    }
    let after: usize = git_stdout(&["rev-list", "--count", "main"], &bare)
        .parse()
        .unwrap();
    assert_eq!(
        after,
        before + 1,
        "one commit: the waiting job was answered"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thousands_of_junk_refs_are_swept_and_cost_little() {
    let (dir, bare) = server("rq-junk");
    let time = |host: &str, m: &str| {
        let started = Instant::now();
        let o = finish(
            job(&dir, &bare, m, &["--host", host, "--group", "web"], &[]),
            Duration::from_secs(60),
        );
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        started.elapsed()
    };
    let clean = time("clean1.dettonville.int", "m0");
    // 3,000 refs no job would make: names of no job, a request that is
    // not one, requests queued long ago, answers nobody read.
    let junk = note(&bare, "not a request");
    let mut lines = String::new();
    for i in 0..2399 {
        lines.push_str(&format!("create refs/git-inventory/queue/junk{i} {junk}\n"));
    }
    let fresh = job_id("notarequest");
    lines.push_str(&format!("create refs/git-inventory/queue/{fresh} {junk}\n"));
    for i in 0..300 {
        let id = format!("{:x}-{i}-now", 0x1800_0000_0000_0000u64 + i);
        lines.push_str(&format!("create refs/git-inventory/queue/{id} {junk}\n"));
        lines.push_str(&format!("create refs/git-inventory/done/{id} {junk}\n"));
    }
    let mut c = Command::new("git")
        .args(["update-ref", "--stdin"])
        .current_dir(&bare)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    c.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    assert!(c.wait().unwrap().success());
    assert_eq!(refs(&bare, "").len(), 3000);
    let swept = time("junk1.dettonville.int", "m1");
    assert!(refs(&bare, "").is_empty(), "{} left", refs(&bare, "").len());
    let after = time("after1.dettonville.int", "m2");
    eprintln!("one job: {clean:?} alone, {swept:?} with 3,000 junk refs, {after:?} after");
    // The job that sweeps pays for deleting them once (about a
    // millisecond a ref on the server); the next job does not.
    assert!(
        swept < clean * 2 + Duration::from_secs(8),
        "with junk {swept:?}, without {clean:?}"
    );
    assert!(
        after < clean * 2 + Duration::from_millis(1500),
        "after {after:?}, without {clean:?}"
    );
    let hosts = git_stdout(&["show", "main:inventory/PROD/hosts.yml"], &bare);
    for h in ["clean1", "junk1", "after1"] {
        assert!(hosts.contains(h), "{hosts}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn over_ssh_a_waiting_job_checks_its_answer_and_believes_it() {
    let server_ssh = sshd::start("rq-ssh");
    let exe = server_ssh.binary();
    let (_dir, seeded) = server("rq-ssh");
    let bare = server_ssh.home.join("srv.git");
    let (s, b) = (seeded.to_str().unwrap(), bare.to_str().unwrap());
    git(&["clone", "-q", "--bare", s, b], &server_ssh.home);
    let o = Command::new(&exe)
        .args(["hook", "install", b])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let before: usize = git_stdout(&["rev-list", "--count", "main"], &bare)
        .parse()
        .unwrap();
    hold_turn(&bare, "a turn held by the test");
    server_ssh.give(&bare);
    let params = |host: &str| {
        serde_json::json!({
            "inventory_repo_url": server_ssh.url(&bare), "inventory_repo_branch": "main",
            "inventory_file": "inventory/PROD/hosts.yml",
            "ssh_params": {"key_file": server_ssh.key.to_str().unwrap(), "ssh_opts": format!(
                "-p {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
                server_ssh.port)},
            "host_list": [{"host_name": host, "parent_groups": ["web"]}]
        })
    };
    let jobs: Vec<Child> = ["ssh1", "ssh2"]
        .iter()
        .map(|h| {
            let tmp = server_ssh.home.join(format!("machine-{h}"));
            std::fs::create_dir_all(&tmp).unwrap();
            let mut c = Command::new(bin())
                .args(["update", "--params", "-", "--format", "json"])
                .args(["--queue", "remote", "--retries", "5"])
                .env("TMPDIR", &tmp)
                .current_dir(&server_ssh.home)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let text = params(&format!("{h}.dettonville.int")).to_string();
            use std::io::Write;
            c.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
            c
        })
        .collect();
    assert_eq!(queued(&bare, 2).len(), 2, "both queued");
    let any = ["-c", "safe.directory=*"];
    git(
        &[&any[..], &["update-ref", "-d", "refs/git-inventory/turn"]].concat(),
        &bare,
    );
    for o in jobs.into_iter().map(|c| finish(c, Duration::from_secs(60))) {
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        let j = json(&o);
        // The waiting job fetched the commit its answer names, found its
        // change there, and believed it.
        assert_eq!(j["changed"], true, "{j}");
        assert_eq!(j["message"], "Inventory updated successfully", "{j}");
        let m = j["summary"].as_str().unwrap();
        assert!(m.contains("(one commit with another job's change)"), "{m}");
    }
    let after: usize = git_stdout(
        &[&any[..], &["rev-list", "--count", "main"]].concat(),
        &bare,
    )
    .parse()
    .unwrap();
    assert_eq!(after, before + 1);
}
