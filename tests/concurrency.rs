//! Many `git-inventory update` jobs at once into one bare repository with
//! the pre-receive hook installed, each job on a "machine" of its own (its
//! own `TMPDIR`, so no two share a local turn): rounds of enrolments, then
//! a round of removals, with `--queue off` and with the default local
//! queue. Every job must exit 0 and report its own change, every host must
//! end up in the inventory exactly once (the removed ones gone), the
//! history must stay linear and the final tree must validate.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const XENV: &str = "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n    web:\n";
const PROD: &str = "all:\n  children:\n    ca_domain_int_dettonville:\n      hosts:\n        old01.dettonville.int:\n    web:\n      hosts:\n        old01.dettonville.int:\n";

/// Jobs per round.
const JOBS: usize = 20;
/// Rounds of enrolments before the round of removals.
const ROUNDS: usize = 2;
/// No job may take longer than this.
const JOB_LIMIT: Duration = Duration::from_secs(100);

/// A bare repository with the hook installed, holding inventory/PROD.
fn server(tag: &str) -> (PathBuf, PathBuf) {
    let dir = tempdir(tag);
    let bare = seeded_with_hook(
        &dir,
        &[
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/PROD/xenv_groups.yml", XENV),
            ("inventory/PROD/hosts.yml", PROD),
        ],
        &[],
    );
    (dir, bare)
}

/// One job, in the background, with `tmp` as its machine's temporary
/// directory.
fn spawn(dir: &Path, repo: &str, tmp: &Path, host: &str, args: &[&str]) -> Child {
    std::fs::create_dir_all(tmp).unwrap();
    Command::new(bin())
        .args([
            "update",
            "--repo",
            repo,
            "--file",
            "inventory/PROD/hosts.yml",
        ])
        .args(["--format", "json", "--host", host])
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait for `child`, killing it past [`JOB_LIMIT`] from `started`.
fn finish(mut child: Child, started: Instant) -> Output {
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > JOB_LIMIT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A round: one job per host, all at once, alternately by path and by
/// file:// URL; the failures, described.
fn round(dir: &Path, bare: &Path, queue: &str, hosts: &[String], absent: bool) -> Vec<String> {
    let url = format!("file://{}", bare.display());
    let path = bare.to_str().unwrap().to_string();
    let started = Instant::now();
    let children: Vec<(String, Child)> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let repo = if i % 2 == 0 { &path } else { &url };
            let tmp = dir.join(format!("machine-{i}"));
            let mut args = vec!["--queue", queue, "--retries", "30"];
            if absent {
                args.extend(["--state", "absent"]);
            } else {
                args.extend(["--group", "ca_domain_int_dettonville", "--group", "web"]);
            }
            (h.clone(), spawn(dir, repo, &tmp, h, &args))
        })
        .collect();
    let mut failures = Vec::new();
    let mut attempts = 0;
    for (h, c) in children {
        let o = finish(c, started);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        let key = if absent {
            "hosts_removed"
        } else {
            "hosts_added"
        };
        attempts += j["attempts"].as_u64().unwrap_or(0);
        let reported = j["changed"] == true && j[key][0] == h.as_str();
        if o.status.code() != Some(0) || !reported {
            failures.push(format!(
                "{h}: exit {:?}: {} {} {}",
                o.status.code(),
                j["message"],
                j["remote"],
                stderr(&o).chars().take(400).collect::<String>()
            ));
        }
    }
    eprintln!(
        "{queue}, {} jobs, absent: {absent}: {attempts} attempts in {:?}",
        hosts.len(),
        started.elapsed()
    );
    failures
}

/// Rounds of enrolments, then the first round's hosts removed, with
/// `--queue queue`; every check of the module doc.
fn all_land(queue: &str) {
    let (dir, bare) = server(&format!("conc-{queue}"));
    let hosts = |r: usize| -> Vec<String> {
        (0..JOBS)
            .map(|i| format!("{queue}-r{r}-{i:02}.dettonville.int"))
            .collect()
    };
    let mut failures = Vec::new();
    for r in 0..ROUNDS {
        failures.extend(round(&dir, &bare, queue, &hosts(r), false));
    }
    failures.extend(round(&dir, &bare, queue, &hosts(0), true));
    assert!(
        failures.is_empty(),
        "{} of {} jobs failed:\n{}",
        failures.len(),
        JOBS * (ROUNDS + 1),
        failures.join("\n")
    );
    let text = git_stdout(&["show", "main:inventory/PROD/hosts.yml"], &bare);
    let entries = |h: &str| text.lines().filter(|l| l.trim() == format!("{h}:")).count();
    for h in hosts(0) {
        assert_eq!(entries(&h), 0, "{h} removed:\n{text}");
    }
    for h in (1..ROUNDS)
        .flat_map(hosts)
        .chain(["old01.dettonville.int".to_string()])
    {
        assert_eq!(entries(&h), 2, "{h} once in each of its groups:\n{text}");
    }
    assert_eq!(
        git_stdout(&["rev-list", "--merges", "--count", "main"], &bare),
        "0",
        "linear history"
    );
    let o = run(&["validate", "--rev", "main", "."], &bare);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the final tree validates: {}{}",
        stdout(&o),
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parallel_jobs_on_separate_machines_all_land_with_no_queue() {
    all_land("off");
}

#[test]
fn parallel_jobs_on_separate_machines_all_land_with_the_local_queue() {
    all_land("local");
}

/// A server whose hook fails `n` times without a verdict (as it does when
/// it cannot read an object), then judges as installed.
fn failing_hook(bare: &Path, n: u32) {
    let hooks = bare.join("hooks");
    std::fs::rename(hooks.join("pre-receive"), hooks.join("pre-receive.real")).unwrap();
    let script = "#!/bin/sh\n\
        if [ -e verdict ]; then\n\
          echo 'inventory/PROD/hosts.yml:3:9: INV002 key `git-inventory: the hook could not judge the push` twice' >&2\n\
          exit 1\n\
        fi\n\
        n=$(cat failures-left)\n\
        if [ \"$n\" -gt 0 ]; then\n\
          echo $((n - 1)) > failures-left\n\
          echo 'git-inventory: the hook could not judge the push: cannot read object 1234: push rejected (the hook fails closed)' >&2\n\
          exit 1\n\
        fi\n\
        exec \"$(dirname \"$0\")/pre-receive.real\" \"$@\"\n";
    std::fs::write(hooks.join("pre-receive"), script).unwrap();
    std::fs::set_permissions(
        hooks.join("pre-receive"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(bare.join("failures-left"), format!("{n}\n")).unwrap();
}

fn enrol(dir: &Path, bare: &Path, host: &str, retries: &str) -> Output {
    let tmp = dir.join("machine");
    let c = spawn(
        dir,
        bare.to_str().unwrap(),
        &tmp,
        host,
        &["--retries", retries, "--group", "web"],
    );
    finish(c, Instant::now())
}

#[test]
fn a_push_the_hook_failed_to_judge_is_tried_again() {
    let (dir, bare) = server("conc-hook-failed");
    failing_hook(&bare, 2);
    let o = enrol(&dir, &bare, "again01.dettonville.int", "5");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["attempts"], 3, "{j}");
    assert_eq!(j["hosts_added"][0], "again01.dettonville.int");
    let text = git_stdout(&["show", "main:inventory/PROD/hosts.yml"], &bare);
    assert!(text.contains("again01.dettonville.int:"), "{text}");
    // Out of retries: exit 3, saying the hook gave no verdict.
    let before = git_stdout(&["rev-parse", "main"], &bare);
    std::fs::write(bare.join("failures-left"), "100\n").unwrap();
    let o = enrol(&dir, &bare, "again02.dettonville.int", "1");
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["attempts"], 2, "{j}");
    let msg = j["msg"].as_str().unwrap();
    assert!(
        msg.contains("gave up after 2 attempts") && msg.contains("without a verdict"),
        "{msg}"
    );
    assert!(
        j["remote"][0].as_str().unwrap().contains("could not judge"),
        "{j}"
    );
    assert_eq!(git_stdout(&["rev-parse", "main"], &bare), before);
    // A verdict is not tried again, whatever its findings quote: exit 1
    // at the first attempt.
    std::fs::write(bare.join("verdict"), "").unwrap();
    let o = enrol(&dir, &bare, "again03.dettonville.int", "5");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["attempts"], 1, "{j}");
    assert_eq!(git_stdout(&["rev-parse", "main"], &bare), before);
    let _ = std::fs::remove_dir_all(&dir);
}
