//! The pre-receive hook over SSH: a private sshd on 127.0.0.1, a bare
//! repository owned by its git-shell user, the hook installed, real pushes.

mod common;
use common::*;
use std::process::{Command, Output};

fn push(work: &std::path::Path, ssh: &str, url: &str) -> Output {
    Command::new("git")
        .args(["push", url, "HEAD:main"])
        .current_dir(work)
        .env("GIT_SSH_COMMAND", ssh)
        .output()
        .expect("git push runs")
}

#[test]
fn hook_judges_pushes_over_ssh() {
    let server = sshd::start("hook");
    let bare = server.home.join("srv.git");
    git(
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
        &server.home,
    );
    let exe = server.binary();
    let o = Command::new(&exe)
        .args(["hook", "install", bare.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    server.give(&bare);

    let work = tempdir("ssh-work");
    git(&["init", "-q", "-b", "main"], &work);
    std::fs::create_dir_all(work.join("inventory/DEV")).unwrap();
    std::fs::write(
        work.join("inventory/DEV/hosts.yml"),
        "web:\n  hosts:\n    web01.dettonville.int:\n",
    )
    .unwrap();
    git(&["add", "-A"], &work);
    git(&["commit", "-qm", "clean"], &work);
    let ssh = server.ssh_command();
    let url = server.url(&bare);
    let o = push(&work, &ssh, &url);
    assert!(
        o.status.success(),
        "clean push over ssh: {}\nsshd log:\n{}",
        String::from_utf8_lossy(&o.stderr),
        server.log()
    );

    std::fs::write(
        work.join("inventory/DEV/hosts.yml"),
        "web:\n  hosts:\n    web01.dettonville.int:\n    web01.dettonville.int:\n",
    )
    .unwrap();
    git(&["commit", "-qam", "duplicate"], &work);
    let o = push(&work, &ssh, &url);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "duplicate must be rejected: {e}");
    assert!(e.contains("pre-receive hook declined"), "{e}");
    assert!(
        e.lines()
            .any(|l| l.starts_with("remote: inventory/DEV/hosts.yml:4:5: INV002")),
        "{e}"
    );
}
