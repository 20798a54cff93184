//! Helpers shared by the integration tests: the binary, fixtures, and the
//! reference data in `../shared` (required: its absence fails loudly).
#![allow(dead_code)]

pub mod git_http;
pub mod http;
pub mod loopback;
pub mod server;
pub mod sshd;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_git-inventory"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the git-inventory binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `../shared/corpus`: the reference corpus with Ansible's answers.
pub fn shared_corpus() -> PathBuf {
    let dir = root().join("../shared/corpus");
    assert!(
        dir.join("expected").is_dir(),
        "MISSING ../shared/corpus (expected beside the project root at {}): the parity tests need \
         the shared corpus and Ansible's recorded answers; check out ../shared",
        dir.display()
    );
    dir
}

/// Our own copy of the synthetic cases, always present.
pub fn own_fixtures() -> PathBuf {
    root().join("tests/fixtures/parity")
}

/// Every `*.yml` of a corpus directory, sorted.
pub fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    v.sort();
    v
}

pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "gi-test-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Run git in `cwd` with a test identity; its output, whatever the status.
pub fn git_output(args: &[&str], cwd: &Path) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs")
}

/// git's standard output, trimmed.
pub fn git_stdout(args: &[&str], cwd: &Path) -> String {
    String::from_utf8_lossy(&git_output(args, cwd).stdout)
        .trim()
        .to_string()
}

/// Run git in `cwd`; it must succeed.
pub fn git(args: &[&str], cwd: &Path) {
    let o = git_output(args, cwd);
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `dir/srv.git`, a bare repository whose `main` holds one commit with
/// `files` (path, text); built through a work tree at `dir/seed`.
pub fn seeded_bare(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    seeded_bare_with_links(dir, files, &[])
}

/// [`seeded_bare`] with symlinks too: `links` (path, target).
pub fn seeded_bare_with_links(
    dir: &Path,
    files: &[(&str, &str)],
    links: &[(&str, &str)],
) -> PathBuf {
    let bare = dir.join("srv.git");
    git(
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
        dir,
    );
    let work = dir.join("seed");
    git(&["init", "-q", "-b", "main", work.to_str().unwrap()], dir);
    for (path, text) in files {
        let p = work.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    for (path, target) in links {
        let p = work.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }
    git(&["add", "-A"], &work);
    git(&["commit", "-qm", "seed"], &work);
    git(&["push", "-q", bare.to_str().unwrap(), "main"], &work);
    bare
}

/// [`seeded_bare_with_links`] with the hook installed.
pub fn seeded_with_hook(dir: &Path, files: &[(&str, &str)], links: &[(&str, &str)]) -> PathBuf {
    let bare = seeded_bare_with_links(dir, files, links);
    let o = run(&["hook", "install", bare.to_str().unwrap()], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    bare
}

/// Run the binary with `input` on its standard input.
pub fn run_stdin(args: &[&str], cwd: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the git-inventory binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("the binary finishes")
}
