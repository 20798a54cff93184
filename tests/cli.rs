//! The binary end to end: the shipped examples, every planted violation,
//! exit codes, output formats, `rules`, and `--rev` on a real git repository.

mod common;
use common::*;
use std::collections::BTreeSet;

#[test]
fn clean_example_validates() {
    let o = run(&["validate", "examples/"], &root());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no problems"), "{}", stdout(&o));
}

/// (file, line, code) for every `# INVxxx` marker in examples/broken.
fn planted() -> BTreeSet<(String, usize, String)> {
    let base = root().join("examples/broken");
    let mut out = BTreeSet::new();
    for e in walkdir::WalkDir::new(&base)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "yml") {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(e.path()).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("# INV") else {
                continue;
            };
            let code = line.get(pos + 2..pos + 8).unwrap_or("");
            if code.len() == 6
                && code[3..].bytes().all(|b| b.is_ascii_digit())
                && !line.trim_start().starts_with('#')
            {
                out.insert((rel.clone(), i + 1, code.to_string()));
            }
        }
    }
    out
}

#[test]
fn broken_example_trips_every_rule_where_planted() {
    let o = run(
        &["validate", "--format", "json", "examples/broken"],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: BTreeSet<(String, usize, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let marks = planted();
    assert!(marks.len() >= 20, "markers: {marks:?}");
    for (file, line, code) in &marks {
        // A marker sits on the offending line, or just above it when a
        // comment cannot share the line (inside an unclosed quote).
        let hit = (*line..=line + 1).any(|l| found.contains(&(file.clone(), l, code.clone())));
        assert!(
            hit,
            "planted {code} at {file}:{line} not reported; found: {found:?}"
        );
    }
    let codes: BTreeSet<&str> = found.iter().map(|(_, _, c)| c.as_str()).collect();
    for rule in git_inventory::rules::RULES.iter() {
        assert!(
            codes.contains(rule.code.as_str()),
            "{} never tripped",
            rule.code
        );
    }
}

#[test]
fn missing_path_is_a_usage_error() {
    let o = run(&["validate", "no/such/dir"], &root());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no/such/dir"));
    let o = run(&["list", "-i", "no/such/file.yml"], &root());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn silent_data_loss_fails_validation() {
    let dir = tempdir("loss");
    std::fs::write(
        dir.join("dup.yml"),
        "web:\n  hosts:\n    h1: {a: 1}\n    h1: {a: 2}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("str.yml"),
        "web:\n  hosts:\n    10.0.0.10\n    10.0.0.20\n",
    )
    .unwrap();
    for f in ["dup.yml", "str.yml"] {
        let o = run(&["validate", f], &dir);
        assert_eq!(o.status.code(), Some(1), "{f}: {}", stdout(&o));
    }
}

#[test]
fn formats_are_machine_readable() {
    let gh = run(
        &["validate", "--format", "github", "examples/broken"],
        &root(),
    );
    let text = stdout(&gh);
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
    // CI formats name files from the git work tree's root (this checkout's).
    let from_top = if root().join(".git").exists() {
        "examples/broken/"
    } else {
        ""
    };
    assert!(
        text.contains(&format!(
            "file={from_top}inventory/DEV/hosts.yml,line=22,col=9"
        )),
        "{text}"
    );
    let gl = run(
        &["validate", "--format", "gitlab", "examples/broken"],
        &root(),
    );
    let issues: serde_json::Value = serde_json::from_slice(&gl.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(!issues.is_empty());
    let fps: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), issues.len(), "fingerprints are unique");
    assert!(issues[0]["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    let human = run(&["validate", "examples/broken"], &root());
    let h = stdout(&human);
    assert!(h.contains("inventory/DEV/hosts.yml:22:9"), "{h}");
    assert!(!h.contains("\u{1b}["), "no colour when not a terminal");
}

#[test]
fn rules_command_documents_every_rule() {
    let o = run(&["rules"], &root());
    assert!(o.status.success());
    for r in git_inventory::rules::RULES.iter() {
        assert!(stdout(&o).contains(r.code.as_str()));
        let d = run(&["rules", r.code.as_str()], &root());
        let doc = stdout(&d);
        for part in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(part), "{}: missing {part}", r.code);
        }
    }
    assert_eq!(run(&["rules", "INV999"], &root()).status.code(), Some(2));
    assert!(run(&["rules", "duplicate-key"], &root()).status.success());
}

#[test]
fn validate_rev_reads_a_commit_without_checkout() {
    let dir = tempdir("rev");
    git(&["init", "-q", "-b", "main"], &dir);
    let env = dir.join("inventory/DEV");
    std::fs::create_dir_all(&env).unwrap();
    std::fs::write(
        dir.join("inventory/xenv_groups.yml"),
        "all:\n  children:\n    web:\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../xenv_groups.yml", env.join("xenv_groups.yml")).unwrap();
    std::fs::write(env.join("hosts.yml"), "web:\n  hosts:\n    web01:\n").unwrap();
    git(&["add", "-A"], &dir);
    git(&["commit", "-qm", "good"], &dir);
    std::fs::write(
        env.join("hosts.yml"),
        "web:\n  hosts:\n    web01:\n    web01:\n",
    )
    .unwrap();
    git(&["commit", "-qam", "bad"], &dir);
    // The working tree is changed again; --rev must not look at it.
    std::fs::write(env.join("hosts.yml"), "web:\n  hosts: [x]\n").unwrap();
    let o = run(&["validate", "--rev", "HEAD~1"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = run(&["validate", "--rev", "HEAD", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["INV002"]);
    let o = run(&["validate", "--rev", "no-such-rev"], &dir);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn config_switches_rules() {
    let dir = tempdir("cfg");
    std::fs::create_dir_all(dir.join("inventory/DEV")).unwrap();
    std::fs::write(
        dir.join("inventory/DEV/hosts.yml"),
        "b:\n  hosts:\n    h:\na:\n  hosts:\n    web-1 x:\n",
    )
    .unwrap();
    assert_eq!(run(&["validate"], &dir).status.code(), Some(1));
    std::fs::write(
        dir.join(".git-inventory.yml"),
        "version: 1\nrules:\n  INV006: off\n  INV040: error\n",
    )
    .unwrap();
    let o = run(&["validate", "--format", "json"], &dir);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["INV040"]);
    std::fs::write(
        dir.join(".git-inventory.yml"),
        "version: 1\nrules:\n  INV006: maybe\n",
    )
    .unwrap();
    assert_eq!(run(&["validate"], &dir).status.code(), Some(2));
}

#[test]
fn client_hooks_validate_what_is_committed_and_pushed() {
    let dir = tempdir("hooks");
    git(&["init", "-q", "-b", "main"], &dir);
    git(
        &[
            "config",
            "core.hooksPath",
            &root().join("hooks").to_string_lossy(),
        ],
        &dir,
    );
    std::fs::create_dir_all(dir.join("inventory/DEV")).unwrap();
    let path = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |msg: &str| {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                "commit",
                "-qm",
                msg,
            ])
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap()
    };
    std::fs::write(
        dir.join("inventory/DEV/hosts.yml"),
        "web:\n  hosts:\n    web01:\n",
    )
    .unwrap();
    git(&["add", "-A"], &dir);
    let o = commit("good");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(
        dir.join("inventory/DEV/hosts.yml"),
        "web:\n  hosts:\n    web01:\n    web01:\n",
    )
    .unwrap();
    git(&["add", "-A"], &dir);
    let o = commit("bad");
    assert!(
        !o.status.success(),
        "the pre-commit hook must refuse a duplicate key"
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("INV002"), "{said}");
    // Unstaged breakage does not block a good staged change.
    std::fs::write(
        dir.join("inventory/DEV/hosts.yml"),
        "web:\n  hosts:\n    web01:\n    web02:\n",
    )
    .unwrap();
    git(&["add", "-A"], &dir);
    std::fs::write(dir.join("inventory/DEV/hosts.yml"), "web: [broken\n").unwrap();
    assert!(commit("good again").status.success());
}

#[test]
fn completions_source_in_bash_and_man_page_renders() {
    let o = run(&["completions", "bash"], &root());
    assert!(o.status.success());
    let dir = tempdir("compl");
    let f = dir.join("c.bash");
    std::fs::write(&f, &o.stdout).unwrap();
    let b = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -e; source '{}'; complete -p git-inventory",
            f.display()
        ))
        .output()
        .expect("bash runs");
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert!(String::from_utf8_lossy(&b.stdout).contains("git-inventory"));
    // Options and values complete too, as bash asks for them.
    let complete = |words: &[&str]| {
        let line = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let b = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({line}); COMP_CWORD={}; _git__inventory git-inventory '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                f.display(),
                words.len() - 1,
                words[words.len() - 1],
                words[words.len() - 2],
            ))
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&b.stdout).into_owned()
    };
    assert!(complete(&["git-inventory", "val"]).contains("validate"));
    assert!(complete(&["git-inventory", "validate", "--fo"]).contains("--format"));
    let formats = complete(&["git-inventory", "validate", "--format", ""]);
    assert!(
        formats.contains("github") && formats.contains("gitlab"),
        "{formats}"
    );
    assert!(complete(&["git-inventory", "hook", "install", "--gi"]).contains("--gitlab"));
    // `git inventory <TAB>` through git's own bash completion.
    let git_completion = "/usr/share/bash-completion/completions/git";
    assert!(
        std::path::Path::new(git_completion).is_file(),
        "{git_completion} is missing (Debian's git package ships it)"
    );
    let git_complete = |line: &str| {
        let b = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{git_completion}'; source '{}'; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
                 read -ra COMP_WORDS <<< \"$COMP_LINE\"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); \
                 COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); __git_wrap__git_main git; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                f.display(),
            ))
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&b.stdout).into_owned()
    };
    let sub = git_complete("git inventory val");
    assert!(sub.contains("validate"), "{sub}");
    let opt = git_complete("git -C /tmp inventory validate --fo");
    assert!(opt.contains("--format"), "{opt}");
    let val = git_complete("git inventory validate --format ");
    assert!(val.contains("sarif"), "{val}");
    for shell in ["zsh", "fish"] {
        assert!(!run(&["completions", shell], &root()).stdout.is_empty());
    }
    let man = run(&["man"], &root());
    let text = stdout(&man);
    assert!(text.contains(".TH git-inventory 1"), "{text}");
    assert!(
        text.contains("validate") && text.contains("update"),
        "{text}"
    );
    // A page per subcommand, so the pages the top one names exist.
    let pages = dir.join("man1");
    let o = run(&["man", "--dir", pages.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    for page in [
        "git-inventory.1",
        "git-inventory-validate.1",
        "git-inventory-changes.1",
        "git-inventory-hook.1",
        "git-inventory-hook-install.1",
    ] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap_or_default();
        let title = page.trim_end_matches(".1");
        assert!(text.contains(&format!(".TH {title} 1")), "{page}: {text}");
    }
    let top = std::fs::read_to_string(pages.join("git-inventory.1")).unwrap();
    let mut named = 0;
    for rest in top.split("git\\-inventory\\-").skip(1) {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '\\' || *c == '-')
            .collect();
        if !rest[name.len()..].starts_with("(1)") {
            continue;
        }
        let page = format!("git-inventory-{}.1", name.replace("\\-", "-"));
        assert!(pages.join(&page).is_file(), "{page} is named but missing");
        named += 1;
    }
    assert!(
        named >= 5,
        "the top page names its subcommands' pages:\n{top}"
    );
}

#[test]
fn validating_a_folder_inside_a_repository_uses_the_repository() {
    let inside = root().join("examples/inventory/DEV");
    let o = run(&["validate"], &inside);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(
        &["validate", "--format", "json"],
        &root().join("examples/broken/inventory/PROD"),
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: BTreeSet<&str> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|f| f.starts_with("inventory/PROD/")),
        "{files:?}"
    );
}

#[test]
fn generated_repositories_are_clean_or_trip_every_rule() {
    let dir = tempdir("gen");
    let gen = root().join("scripts/gen-inventory");
    let clean = dir.join("clean");
    let o = std::process::Command::new(&gen)
        .args(["600", clean.to_str().unwrap()])
        .output()
        .expect("python3 runs the generator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        run(&["validate", clean.to_str().unwrap()], &dir)
            .status
            .code(),
        Some(0)
    );
    let planted = dir.join("planted");
    let o = std::process::Command::new(&gen)
        .args(["600", planted.to_str().unwrap(), "--plant"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = run(
        &["validate", "--format", "json", planted.to_str().unwrap()],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: BTreeSet<&str> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for rule in git_inventory::rules::RULES.iter() {
        assert!(
            codes.contains(rule.code.as_str()),
            "{} not planted: {codes:?}",
            rule.code
        );
    }
}

/// The INV031 findings of `validate --format json ARGS` in `dir`, as paths.
fn foreign_files(args: &[&str], dir: &std::path::Path) -> Vec<String> {
    let mut a = vec!["validate", "--format", "json"];
    a.extend_from_slice(args);
    let o = run(&a, dir);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "INV031")
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn files_other_ansible_plugins_load_are_reported_in_the_work_tree_and_a_commit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("foreign");
    git(&["init", "-q", "-b", "main"], &dir);
    let env = dir.join("inventory/DEV");
    std::fs::create_dir_all(&env).unwrap();
    let files = [
        (
            "hosts.yml",
            "#!/bin/sh\nweb:\n  hosts:\n    web01:\n",
            0o755,
        ),
        ("dyn.sh", "#!/bin/sh\necho '{}'\n", 0o755),
        ("extra.ini", "[web]\nprod01.dettonville.int\n", 0o644),
        ("README.md", "notes\n", 0o644),
        ("hosts.yml.orig", "[web]\nold01\n", 0o644),
    ];
    for (name, text, mode) in files {
        std::fs::write(env.join(name), text).unwrap();
        std::fs::set_permissions(env.join(name), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let want = vec![
        "inventory/DEV/dyn.sh",
        "inventory/DEV/extra.ini",
        "inventory/DEV/hosts.yml",
    ];
    assert_eq!(foreign_files(&[], &dir), want, "the work tree");
    git(&["add", "-A"], &dir);
    git(&["commit", "-qm", "foreign"], &dir);
    assert_eq!(foreign_files(&["--rev", "HEAD"], &dir), want, "the commit");
    // Once the bits are off and the ini is gone, nothing is reported.
    for name in ["hosts.yml", "dyn.sh"] {
        std::fs::set_permissions(env.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::remove_file(env.join("dyn.sh")).unwrap();
    std::fs::remove_file(env.join("extra.ini")).unwrap();
    assert!(foreign_files(&[], &dir).is_empty());
}

/// Run the binary with its standard output a pipe whose reader is gone
/// before it writes (`git-inventory rules | head -0`).
fn run_into_closed_pipe(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(bin())
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    for (args, code) in [
        (&["rules"][..], 0),
        (&["rules", "INV002"][..], 0),
        (&["validate", "examples/"][..], 0),
        (&["validate", "examples/broken"][..], 1),
        (&["list", "-i", "examples/inventory/DEV"][..], 0),
        (&["graph", "-i", "examples/inventory/DEV"][..], 0),
        (&["completions", "bash"][..], 0),
        (&["man"][..], 0),
    ] {
        let o = run_into_closed_pipe(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn colour_is_asked_for_or_told_by_the_environment() {
    let colour = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = std::process::Command::new(bin());
        c.args(args).current_dir(root());
        for k in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TERM"] {
            c.env_remove(k);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        String::from_utf8_lossy(&o.stdout).contains("\u{1b}[")
    };
    let v = ["validate", "examples/broken"];
    assert!(!colour(&v, &[]), "not a terminal: no colour");
    assert!(colour(
        &[&v[..], &["--color", "always"]].concat(),
        &[("NO_COLOR", "1")]
    ));
    assert!(colour(&v, &[("FORCE_COLOR", "1")]));
    assert!(colour(&v, &[("CLICOLOR_FORCE", "1")]));
    assert!(!colour(&v, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!colour(
        &[&v[..], &["--color", "never"]].concat(),
        &[("FORCE_COLOR", "1")]
    ));
}

#[test]
fn a_path_without_an_inventory_is_a_usage_error_and_counts_read_well() {
    let dir = tempdir("cli-empty");
    let o = run(&["validate", dir.to_str().unwrap()], &root());
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("no inventory here"), "{}", stderr(&o));
    let one = dir.join("hosts.yml");
    std::fs::write(&one, "all:\n  hosts:\n    h1.example.int:\n").unwrap();
    let o = run(&["validate", one.to_str().unwrap()], &root());
    assert!(stdout(&o).contains("1 file checked"), "{}", stdout(&o));
}

#[test]
fn gitlab_fingerprints_survive_an_edit_above_the_finding() {
    let dir = tempdir("cli-fingerprints");
    let o = std::process::Command::new("cp")
        .args(["-a"])
        .arg(root().join("examples/broken"))
        .arg(dir.join("b"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let fps = || {
        let o = run(&["validate", "--format", "gitlab", "b"], &dir);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect::<BTreeSet<String>>()
    };
    let before = fps();
    for f in ["inventory/DEV/hosts.yml", "inventory/SYNTAX/hosts.yml"] {
        let p = dir.join("b").join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("# a comment added above everything\n{text}")).unwrap();
    }
    assert_eq!(fps(), before);
}

#[test]
fn suppression_comments_drop_findings_but_never_a_syntax_error() {
    let dir = tempdir("cli-suppress");
    let write = |path: &str, text: &str| {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let dup = "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:{}\n";
    let codes = |dir: &std::path::Path| {
        let o = run(&["validate", "--format", "json", "."], dir);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    write("inventory/DEV/hosts.yml", &dup.replace("{}", ""));
    assert_eq!(codes(&dir), ["INV002"]);
    // On the line, above it, file-wide, by name: each silences it.
    for text in [
        dup.replace("{}", "  # git-inventory: disable=INV002 (kept on purpose)"),
        dup.replace(
            "    web01.dettonville.int:{}",
            "    # git-inventory: disable=duplicate-key\n    web01.dettonville.int:",
        ),
        format!(
            "# git-inventory: disable-file=INV002\n{}",
            dup.replace("{}", "")
        ),
        dup.replace("{}", "  # git-inventory: disable=all"),
    ] {
        write("inventory/DEV/hosts.yml", &text);
        assert_eq!(codes(&dir), Vec::<String>::new(), "{text}");
    }
    // Another rule's comment, or one two lines up, does not.
    write(
        "inventory/DEV/hosts.yml",
        &dup.replace("{}", "  # git-inventory: disable=INV040"),
    );
    assert_eq!(codes(&dir), ["INV002"]);
    // Turned off in the config: the comments are ignored.
    write(
        "inventory/DEV/hosts.yml",
        &dup.replace("{}", "  # git-inventory: disable=INV002"),
    );
    write(
        ".git-inventory.yml",
        "version: 1\ninline_suppressions: false\n",
    );
    assert_eq!(codes(&dir), ["INV002"]);
    std::fs::remove_file(dir.join(".git-inventory.yml")).unwrap();
    // A file Ansible cannot read stays an error.
    write(
        "inventory/DEV/hosts.yml",
        "# git-inventory: disable-file=all\nweb:\n  hosts:\n\tweb01:\n",
    );
    assert_eq!(codes(&dir), ["INV001"]);
}

#[test]
fn a_baseline_reports_only_what_is_new_since_it() {
    let dir = tempdir("cli-baseline");
    let hosts = dir.join("inventory/DEV/hosts.yml");
    std::fs::create_dir_all(hosts.parent().unwrap()).unwrap();
    let dup = |h: &str| format!("    {h}.dettonville.int:\n    {h}.dettonville.int:\n");
    std::fs::write(&hosts, format!("web:\n  hosts:\n{}", dup("web01"))).unwrap();
    git(&["init", "-q", "-b", "main"], &dir);
    git(&["add", "-A"], &dir);
    let o = server::sh_git(&["commit", "-qm", "messy"], &dir, &[]);
    assert!(o.status.success());
    let codes = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    // What the baseline had, moved down by an edit above it, is not new.
    std::fs::write(
        &hosts,
        format!("# a comment\nweb:\n  hosts:\n{}", dup("web01")),
    )
    .unwrap();
    let o = run(
        &["validate", "--baseline", "HEAD", "--format", "json", "."],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(codes(&o).is_empty(), "{}", stdout(&o));
    let o = run(&["validate", "--baseline", "HEAD", "."], &dir);
    assert!(
        stdout(&o).contains("1 finding already at HEAD"),
        "{}",
        stdout(&o)
    );
    // A new one is reported, and fails.
    std::fs::write(
        &hosts,
        format!("web:\n  hosts:\n{}{}", dup("web01"), dup("web02")),
    )
    .unwrap();
    let o = run(
        &["validate", "--baseline", "HEAD", "--format", "json", "."],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&o), [("INV002".to_string(), 6)]);
    // A commit against an older one.
    git(&["add", "-A"], &dir);
    let o = server::sh_git(&["commit", "-qm", "more"], &dir, &[]);
    assert!(o.status.success());
    let o = run(
        &[
            "validate",
            "--rev",
            "HEAD",
            "--baseline",
            "HEAD~1",
            "--format",
            "json",
            ".",
        ],
        &dir,
    );
    assert_eq!(codes(&o), [("INV002".to_string(), 6)]);
    let o = run(&["validate", "--baseline", "nope", "."], &dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn excluded_paths_are_not_validated() {
    let dir = tempdir("cli-exclude");
    let dup = "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n";
    for env in ["DEV", "LEGACY"] {
        let p = dir.join(format!("inventory/{env}/hosts.yml"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            p,
            dup.replace("web01", &format!("{}01", env.to_lowercase())),
        )
        .unwrap();
    }
    let files = |exclude: &str| {
        std::fs::write(
            dir.join(".git-inventory.yml"),
            format!("version: 1\nexclude: {exclude}\n"),
        )
        .unwrap();
        let o = run(&["validate", "--format", "json", "."], &dir);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut f: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file"].as_str().unwrap().to_string())
            .collect();
        f.dedup();
        f
    };
    assert_eq!(
        files("[]"),
        ["inventory/DEV/hosts.yml", "inventory/LEGACY/hosts.yml"]
    );
    assert_eq!(
        files("[\"inventory/LEGACY/**\"]"),
        ["inventory/DEV/hosts.yml"]
    );
    assert_eq!(files("[inventory/LEGACY]"), ["inventory/DEV/hosts.yml"]);
    assert_eq!(files("[\"inventory/*/hosts.yml\"]"), Vec::<String>::new());
    let o = run(&["validate", "."], &dir);
    assert!(o.status.success(), "{}", stdout(&o));
}

#[test]
fn every_pre_commit_hook_runs_the_validator() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let doc = git_inventory::yaml::parse(&text, Default::default())
        .unwrap()
        .unwrap();
    let hooks = git_inventory::yaml::value::to_json(&doc).unwrap();
    let hooks = hooks.as_array().unwrap();
    let languages: BTreeSet<&str> = hooks
        .iter()
        .map(|h| h["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, BTreeSet::from(["rust", "system"]));
    for h in hooks {
        let entry: Vec<&str> = h["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "git-inventory", "{h}");
        assert_eq!(h["pass_filenames"], false, "{h}");
        let mut args: Vec<&str> = entry[1..].to_vec();
        args.push("examples/");
        let o = run(&args, &root());
        assert_eq!(o.status.code(), Some(0), "{h}: {}", stdout(&o));
        let files = regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
        for f in [
            "inventory/PROD/hosts.yml",
            "inventory/DEV/group_vars/all.yml",
            ".git-inventory.yml",
        ] {
            assert!(files.is_match(f), "{h}: {f}");
        }
        assert!(!files.is_match("README.md"));
    }
}
