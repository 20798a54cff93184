//! A git server for the hook's tests: a bare repository with the hook
//! installed by `git-inventory hook install`, and a work tree pushing to
//! it over `file://` with a real `git push`.

use super::{git, run, stderr, tempdir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The group hierarchy every work tree starts with.
pub const XENV: &str = "all:\n  children:\n    ca_domain:\n      children:\n        ca_domain_int_dettonville:\n    web:\n";
/// A clean `inventory/DEV/hosts.yml`.
pub const GOOD: &str = "web:\n  hosts:\n    web01.dettonville.int:\nca_domain_int_dettonville:\n  hosts:\n    web01.dettonville.int:\n";

pub struct Server {
    pub dir: PathBuf,
    pub bare: PathBuf,
    pub work: PathBuf,
}

/// Run git in `cwd` with a test identity and `env`, outside GitLab.
pub fn sh_git(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(cwd)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env_remove("GL_ID");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("git runs")
}

impl Server {
    /// A bare repo with the hook (`hook install` given `install`), and a
    /// work tree holding a clean inventory, not yet committed.
    pub fn new(tag: &str, install: &[&str]) -> Server {
        let s = Server::unhooked(tag);
        let mut args = vec!["hook", "install", s.bare.to_str().unwrap()];
        args.extend_from_slice(install);
        let o = run(&args, &s.dir);
        assert!(o.status.success(), "{}", stderr(&o));
        s
    }

    /// [`Server::new`] before the hook is installed.
    pub fn unhooked(tag: &str) -> Server {
        let dir = tempdir(tag);
        let bare = dir.join("srv.git");
        git(
            &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
            &dir,
        );
        let work = dir.join("work");
        git(&["init", "-q", "-b", "main", work.to_str().unwrap()], &dir);
        let url = format!("file://{}", bare.display());
        git(&["remote", "add", "origin", &url], &work);
        let s = Server { dir, bare, work };
        s.write("inventory/xenv_groups.yml", XENV);
        std::fs::create_dir_all(s.work.join("inventory/DEV")).unwrap();
        std::os::unix::fs::symlink(
            "../xenv_groups.yml",
            s.work.join("inventory/DEV/xenv_groups.yml"),
        )
        .unwrap();
        s.write("inventory/DEV/hosts.yml", GOOD);
        s
    }
    pub fn write(&self, path: &str, text: &str) {
        let p = self.work.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    /// Give the work tree's file `path` the mode `mode`.
    pub fn chmod(&self, path: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.work.join(path), std::fs::Permissions::from_mode(mode))
            .unwrap();
    }
    pub fn commit(&self, msg: &str) {
        git(&["add", "-A"], &self.work);
        git(&["commit", "-qm", msg], &self.work);
    }
    pub fn push(&self, args: &[&str]) -> Output {
        self.push_env(args, &[])
    }
    pub fn push_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut a = vec!["push", "origin"];
        a.extend_from_slice(args);
        sh_git(&a, &self.work, env)
    }
    /// Undo the work tree's commits since `commit`.
    pub fn reset(&self, commit: &str) {
        git(&["reset", "-q", "--hard", commit], &self.work);
    }
    pub fn remote_head(&self, branch: &str) -> Option<String> {
        let o = sh_git(&["rev-parse", "--verify", "-q", branch], &self.bare, &[]);
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
    }
}

pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn assert_accepted(o: &Output) {
    assert!(o.status.success(), "push should be accepted:\n{}", err(o));
}

pub fn assert_rejected(o: &Output, needles: &[&str]) {
    let e = err(o);
    assert!(!o.status.success(), "push should be rejected:\n{e}");
    assert!(e.contains("pre-receive hook declined"), "{e}");
    for n in needles {
        assert!(
            e.lines()
                .any(|l| l.starts_with("remote: ") && l.contains(n)),
            "no `remote:` line with {n:?}:\n{e}"
        );
    }
}
