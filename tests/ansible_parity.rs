//! Parity with the real `ansible-inventory` (ansible-core installed by
//! `scripts/test` into `target/ansible-venv`): for every corpus file and
//! every example environment, equal `--list` JSON and `--graph` text where
//! Ansible succeeds; where it refuses the source, `validate` exits 1 and
//! reports an error at the line Ansible names (when it names one).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ansible_inventory() -> PathBuf {
    let p = std::env::var_os("GIT_INVENTORY_ANSIBLE_INVENTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ansible-venv/bin/ansible-inventory"));
    assert!(
        p.is_file(),
        "MISSING ansible-inventory at {}: run `scripts/test`, which installs ansible-core into \
         target/ansible-venv (or set GIT_INVENTORY_ANSIBLE_INVENTORY)",
        p.display()
    );
    p
}

struct Answer {
    rc: i32,
    list: String,
    graph: String,
    stderr: String,
}

/// `ansible-inventory ARGS` with only the yaml plugin, failing on what it
/// cannot parse, and a private home without configuration.
fn ansible(exe: &Path, home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(exe);
    c.args(args)
        .env("ANSIBLE_INVENTORY_ENABLED", "yaml")
        .env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "true")
        .env("ANSIBLE_HOME", home)
        .env("ANSIBLE_LOCAL_TEMP", home.join("tmp"))
        .env("ANSIBLE_CONFIG", home.join("none.cfg"))
        .env("ANSIBLE_NOCOLOR", "1");
    c
}

fn ask_ansible(exe: &Path, source: &str, home: &Path) -> Answer {
    let call = |flag: &str| {
        ansible(exe, home, &["-i", source, flag])
            .output()
            .expect("ansible-inventory runs")
    };
    let list = call("--list");
    let graph = call("--graph");
    Answer {
        rc: list.status.code().unwrap_or(-1),
        list: String::from_utf8_lossy(&list.stdout).into_owned(),
        graph: String::from_utf8_lossy(&graph.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&list.stderr).into_owned(),
    }
}

/// Lines Ansible names for the source in its error output (`Origin: f:L:C`).
fn named_lines(stderr: &str, file_name: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for l in stderr.lines() {
        if let Some(rest) = l.trim().strip_prefix("Origin: ") {
            if let Some(pos) = rest.find(file_name) {
                let tail = &rest[pos + file_name.len()..];
                if let Some(n) = tail.strip_prefix(':').and_then(|t| t.split(':').next()) {
                    if let Ok(n) = n.parse() {
                        out.push(n);
                    }
                }
            }
        }
    }
    out
}

fn compare(source: &str, cwd: &Path, ans: &Answer) -> Result<(), String> {
    if ans.rc == 0 {
        let o = run(&["list", "-i", source], cwd);
        if !o.status.success() {
            return Err(format!(
                "{source}: Ansible accepts it, we refuse: {}",
                stderr(&o)
            ));
        }
        let ours: serde_json::Value =
            serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
        let theirs: serde_json::Value =
            serde_json::from_str(&ans.list).map_err(|e| format!("{source}: {e}"))?;
        if ours != theirs {
            return Err(format!(
                "{source}: --list differs\nours:   {ours}\nansible: {theirs}"
            ));
        }
        let o = run(&["graph", "-i", source], cwd);
        if stdout(&o).trim_end() != ans.graph.trim_end() {
            return Err(format!(
                "{source}: --graph differs\nours:\n{}\nansible:\n{}",
                stdout(&o),
                ans.graph
            ));
        }
    } else {
        let o = run(&["validate", "--format", "json", source], cwd);
        if o.status.code() != Some(1) {
            return Err(format!(
                "{source}: Ansible refuses it (rc {}), validate exited {:?}",
                ans.rc,
                o.status.code()
            ));
        }
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
        let errors: Vec<(String, u64)> = r["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["severity"] == "error")
            .map(|d| {
                (
                    d["file"].as_str().unwrap_or("").to_string(),
                    d["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        if errors.is_empty() {
            return Err(format!("{source}: no error reported"));
        }
        let file_name = Path::new(source.trim_end_matches('/'))
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        let lines = named_lines(&ans.stderr, &file_name);
        if let Some(&want) = lines.first() {
            if !errors.iter().any(|(_, l)| *l as usize == want) {
                return Err(format!(
                    "{source}: Ansible names line {want}, we report {errors:?}"
                ));
            }
        }
        if run(&["list", "-i", source], cwd).status.code() != Some(1) {
            return Err(format!("{source}: list must refuse what Ansible refuses"));
        }
    }
    Ok(())
}

#[test]
fn agrees_with_real_ansible_inventory() {
    let exe = ansible_inventory();
    let home = tempdir("ansible-home");
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let corpus = shared_corpus();
    let mut jobs: Vec<(String, PathBuf)> = corpus_files(&corpus)
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                corpus.clone(),
            )
        })
        .collect();
    for base in ["examples/inventory", "examples/broken/inventory"] {
        let dir = root().join(base);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .collect();
        names.sort_by_key(|e| e.file_name());
        for e in names {
            let name = e.file_name().to_string_lossy().to_string();
            if e.path().is_dir() {
                jobs.push((format!("{name}/"), dir.clone()));
            } else if name == "xenv_hosts.yml" {
                jobs.push((name, dir.clone()));
            }
        }
    }
    assert!(jobs.len() >= 40, "{} sources", jobs.len());
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some((source, cwd)) = jobs.get(i) else {
                    break;
                };
                let ans = ask_ansible(&exe, &cwd.join(source).to_string_lossy(), &home);
                if let Err(e) = compare(source, cwd, &ans) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} sources disagree:\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn graph_vars_and_host_agree_on_the_examples() {
    let exe = ansible_inventory();
    let home = tempdir("ansible-home-vars");
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let dir = root().join("examples/inventory");
    for env in ["DEV/", "QA/", "PROD/", "xenv_hosts.yml"] {
        let theirs = ansible(&exe, &home, &["-i", env, "--graph", "--vars"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(theirs.status.success());
        let ours = run(&["graph", "-i", env, "--vars"], &dir);
        assert_eq!(
            stdout(&ours).trim_end(),
            String::from_utf8_lossy(&theirs.stdout).trim_end(),
            "{env}: --graph --vars differs"
        );
    }
    for host in [
        "admin01.dettonville.int",
        "app02.dettonville.int",
        "gpu-node01.johnson.int",
    ] {
        let theirs = ansible(&exe, &home, &["-i", "DEV/", "--host", host])
            .current_dir(&dir)
            .output()
            .unwrap();
        let ours = run(&["list", "-i", "DEV/", "--host", host], &dir);
        assert_eq!(
            stdout(&ours),
            String::from_utf8_lossy(&theirs.stdout),
            "{host}: --host differs"
        );
    }
}
