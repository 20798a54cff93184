//! Parity with the real `ansible-inventory` (ansible-core installed by
//! `scripts/test` into `target/ansible-venv`): for every corpus file and
//! every example environment, equal `--list` JSON and `--graph` text where
//! Ansible succeeds; where it refuses the source, `validate` exits 1 and
//! reports an error at the line Ansible names (when it names one).

mod common;
use common::*;
use std::collections::BTreeSet;
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

/// The real ansible-inventory and a private home for it (no configuration,
/// its own temporary directory).
fn ansible_with_home(tag: &str) -> (PathBuf, PathBuf) {
    let home = tempdir(tag);
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    (ansible_inventory(), home)
}

/// Our output is Ansible's, text for text (trailing newlines aside).
fn assert_same_output(ours: &std::process::Output, theirs: &std::process::Output, what: &str) {
    assert_eq!(
        stdout(ours).trim_end(),
        String::from_utf8_lossy(&theirs.stdout).trim_end(),
        "{what} differs"
    );
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
    let (exe, home) = ansible_with_home("ansible-home");
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
    let (exe, home) = ansible_with_home("ansible-home-vars");
    let dir = root().join("examples/inventory");
    for env in ["DEV/", "QA/", "PROD/", "xenv_hosts.yml"] {
        let theirs = ansible(&exe, &home, &["-i", env, "--graph", "--vars"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(theirs.status.success());
        let ours = run(&["graph", "-i", env, "--vars"], &dir);
        assert_same_output(&ours, &theirs, &format!("{env}: --graph --vars"));
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

/// Several `-i` sources whose groups, hosts and vars overlap: `list` and
/// `graph` build each file's model apart and lay them over one another,
/// which must give what Ansible's loading them in order gives (including
/// where a file depends on the ones before it and is loaded in order).
#[test]
fn overlapping_sources_agree_with_ansible() {
    let (exe, home) = ansible_with_home("ansible-home-overlap");
    let dir = tempdir("overlap");
    let files = [
        (
            "one.yml",
            "all:\n  vars: {site: dev, tier: 1}\n  children:\n    web:\n      vars: {ansible_group_priority: 5, port: 80}\n      hosts:\n        a.example.int: {x: 1, y: 2}\n        b.example.int:\n    db:\n      vars: {ansible_group_priority: 3}\n      children:\n        web:\n      hosts:\n        c.example.int: {x: 3}\n",
        ),
        (
            "two.yml",
            "all:\n  vars: {site: qa}\n  children:\n    db:\n      vars: {port: 5432}\n      hosts:\n        a.example.int: {y: 20, z: 30}\n        d.example.int:\n    web:\n      vars: {ansible_group_priority: 1}\n      hosts:\n        b.example.int: {x: 2}\n        d.example.int:\n      children:\n        cache:\n          hosts:\n            e[1:3].example.int: {w: 1}\n",
        ),
        (
            "three.yml",
            "prod:\n  children:\n    db:\n    web:\n  hosts:\n    a.example.int: {x: 9}\n    f.example.int:\n",
        ),
        ("group_vars/web.yml", "port: 8080\n"),
        ("host_vars/a.example.int.yml", "x: 100\n"),
        // Laid over the ones before, these depend on them: `x` is the
        // group of x.yml, not the host defined before it; web2 keeps the
        // port it was given where it was new.
        ("x.yml", "x:\n  hosts:\n    h1:\n    web2: {ansible_port: 22}\n"),
        (
            "y.yml",
            "all:\n  hosts:\n    x:\ng:\n  children:\n    x: not a group\nh:\n  hosts:\n    web2:2222:\n    web3:2222:\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for sources in [
        &["one.yml", "two.yml", "three.yml"][..],
        &["three.yml", "one.yml", "two.yml", "one.yml"],
        &["x.yml", "y.yml", "one.yml"],
    ] {
        let args: Vec<&str> = sources.iter().flat_map(|s| ["-i", *s]).collect();
        for (ours_cmd, flags) in [("list", &["--list"][..]), ("graph", &["--graph", "--vars"])] {
            let theirs = ansible(&exe, &home, &[&args[..], flags].concat())
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                theirs.status.success(),
                "{sources:?}: {}",
                String::from_utf8_lossy(&theirs.stderr)
            );
            let mut ours_args = vec![ours_cmd];
            ours_args.extend(&args);
            if ours_cmd == "graph" {
                ours_args.push("--vars");
            }
            let ours = run(&ours_args, &dir);
            assert_same_output(&ours, &theirs, &format!("{sources:?}: {ours_cmd}"));
        }
    }
}

/// Ansible puts a host in no group into `ungrouped` with `add_child`,
/// which takes a group of that name first: the group becomes a child of
/// `ungrouped`, or the inventory is refused where that makes a loop.
#[test]
fn a_host_named_like_a_group_goes_under_ungrouped_as_in_ansible() {
    let (exe, home) = ansible_with_home("ansible-home-ungrouped");
    let dir = tempdir("ungrouped");
    let cases = [
        (
            "taken.yml",
            "web:\n  hosts:\n    h1:\nall:\n  hosts:\n    web:\n",
        ),
        ("itself.yml", "all:\n  hosts:\n    ungrouped:\n"),
        ("all.yml", "all:\n  hosts:\n    all:\n"),
        (
            "loop.yml",
            "x:\n  children:\n    ungrouped:\nall:\n  hosts:\n    x:\n",
        ),
    ];
    for (name, text) in cases {
        std::fs::write(dir.join(name), text).unwrap();
        let theirs = ansible(&exe, &home, &["-i", name, "--list"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let ours = run(&["list", "-i", name], &dir);
        if theirs.status.success() {
            assert_same_output(&ours, &theirs, &format!("{name}: list"));
        } else {
            let said = String::from_utf8_lossy(&theirs.stderr);
            let message = said
                .lines()
                .find_map(|l| l.strip_prefix("[ERROR]: "))
                .unwrap_or_default()
                .replace("Unexpected Exception, this is probably a bug: ", "");
            assert_eq!(ours.status.code(), Some(1), "{name}: {}", stderr(&ours));
            assert!(
                !message.is_empty() && stderr(&ours).contains(&message),
                "{name}: Ansible says {message:?}, we say {}",
                stderr(&ours)
            );
        }
    }
}

/// INV031's idea of which files of an environment folder Ansible loads by
/// a plugin other than `yaml` is Ansible's: with its default plugins, each
/// file below gives one host of its own, and the files whose host Ansible
/// lists (less the three the yaml plugin reads) are the files `validate`
/// reports.
#[test]
fn files_other_plugins_load_are_the_ones_inv031_reports() {
    use std::os::unix::fs::PermissionsExt;
    let (exe, home) = ansible_with_home("ansible-home-foreign");
    let dir = tempdir("foreign-parity");
    let env = dir.join("inventory/DEV");
    // (name, mode, the format it is written in); host `h<index>` each.
    let files = [
        ("hosts.yml", 0o644, "yaml"),
        ("noext", 0o644, "yaml"),
        ("data.json", 0o644, "json"),
        ("extra.ini", 0o644, "ini"),
        ("hosts.conf", 0o644, "ini"),
        ("notes.sh", 0o644, "ini"),
        ("more.toml", 0o644, "toml"),
        ("sub/deep.ini", 0o644, "ini"),
        ("dyn.sh", 0o755, "script"),
        ("exec.yml", 0o755, "script"),
        ("README.md", 0o644, "ini"),
        ("old.orig", 0o644, "ini"),
        ("site.cfg", 0o644, "ini"),
        ("notes.txt", 0o644, "ini"),
        ("hosts.bak", 0o644, "ini"),
        ("hosts~", 0o644, "ini"),
        ("play.retry", 0o644, "ini"),
        (".hidden.ini", 0o644, "ini"),
        ("run.sh.swp", 0o755, "script"),
    ];
    let host = |i: usize| format!("h{i:02}");
    for (i, (name, mode, format)) in files.iter().enumerate() {
        let h = host(i);
        let text = match *format {
            "yaml" => format!("web:\n  hosts:\n    {h}:\n"),
            "json" => format!("{{\"web\": {{\"hosts\": {{\"{h}\": null}}}}}}\n"),
            "ini" => format!("[web]\n{h}\n"),
            "toml" => format!("[web.hosts]\n{h} = {{}}\n"),
            _ => format!(
                "#!/bin/sh\necho '{{\"web\": {{\"hosts\": [\"{h}\"]}}, \"_meta\": {{\"hostvars\": {{}}}}}}'\n"
            ),
        };
        let p = env.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(*mode)).unwrap();
    }
    let o = ansible(&exe, &home, &["-i", "inventory/DEV/", "--list"])
        .env(
            "ANSIBLE_INVENTORY_ENABLED",
            "host_list,script,auto,yaml,ini,toml",
        )
        .env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "false")
        .current_dir(&dir)
        .output()
        .expect("ansible-inventory runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let listed: BTreeSet<String> = list
        .as_object()
        .unwrap()
        .values()
        .filter_map(|g| g["hosts"].as_array())
        .flatten()
        .filter_map(|h| h.as_str().map(String::from))
        .collect();
    let yaml_read = ["hosts.yml", "noext", "data.json"];
    let mut theirs = BTreeSet::new();
    for (i, (name, _, _)) in files.iter().enumerate() {
        let loaded = listed.contains(&host(i));
        if yaml_read.contains(name) {
            assert!(loaded, "{name}: the yaml plugin reads it");
        } else if loaded {
            theirs.insert(format!("inventory/DEV/{name}"));
        }
    }
    let o = run(&["validate", "--format", "json"], &dir);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ours: BTreeSet<String> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "INV031")
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ours, theirs, "Ansible listed {listed:?}");
    assert_eq!(ours.len(), 7, "{ours:?}");
}
