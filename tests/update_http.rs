//! `git-inventory update` over http: clone, fetch and push through `git
//! http-backend` on 127.0.0.1 behind basic authentication, the token from
//! the environment or a file, never printed; and the pre-receive hook
//! judging the push there as anywhere.

mod common;
use base64::Engine;
use common::git_http::GitHttp;
use common::server::{GOOD, XENV};
use common::*;
use std::process::{Command, Output};

const TOKEN: &str = "glpat-7c1e0f5a9b3d";

fn update(
    url: &str,
    host: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    cwd: &std::path::Path,
) -> Output {
    let mut c = Command::new(bin());
    c.args([
        "update",
        "--repo",
        url,
        "--file",
        "inventory/DEV/hosts.yml",
        "--format",
        "json",
        "--host",
        host,
        "--group",
        "ca_domain_int_dettonville",
    ])
    .args(extra)
    .current_dir(cwd)
    .env_remove("GIT_INVENTORY_HTTP_TOKEN")
    .env_remove("GIT_INVENTORY_HTTP_USER");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn assert_secret_kept(o: &Output) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("oauth2:{TOKEN}"));
    for text in [stdout(o), stderr(o)] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(&basic), "{text}");
    }
}

#[test]
fn update_clones_fetches_and_pushes_over_http_with_a_token() {
    let dir = tempdir("upd-http");
    let root = dir.join("srv");
    std::fs::create_dir_all(&root).unwrap();
    let bare = seeded_bare_with_links(
        &root,
        &[
            ("inventory/xenv_groups.yml", XENV),
            ("inventory/DEV/hosts.yml", GOOD),
        ],
        &[("inventory/DEV/xenv_groups.yml", "../xenv_groups.yml")],
    );
    let o = run(&["hook", "install", bare.to_str().unwrap()], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let server = GitHttp::start(&root, "oauth2", TOKEN);
    let url = server.url("srv.git");

    // No token: refused by the server, said plainly.
    let o = update(&url, "web02.dettonville.int", &[], &[], &dir);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("cannot clone"), "{}", stdout(&o));

    // The token from the environment: cloned and pushed (through the hook).
    let o = update(
        &url,
        "web02.dettonville.int",
        &[],
        &[("GIT_INVENTORY_HTTP_TOKEN", TOKEN)],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_secret_kept(&o);
    let head = git_stdout(&["log", "-1", "--format=%s", "main"], &bare);
    assert!(head.contains("web02.dettonville.int"), "{head}");

    // From a file, into a kept clone: the second run fetches over http.
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let work = dir.join("kept");
    for host in ["web03.dettonville.int", "web04.dettonville.int"] {
        let o = update(
            &url,
            host,
            &[
                "--http-token-file",
                token_file.to_str().unwrap(),
                "--workdir",
                work.to_str().unwrap(),
            ],
            &[],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert_secret_kept(&o);
    }
    let text = git_stdout(&["show", "main:inventory/DEV/hosts.yml"], &bare);
    for h in ["web02", "web03", "web04"] {
        assert!(text.contains(&format!("{h}.dettonville.int")), "{text}");
    }
    // Every request that reached git carried the token; none other did.
    let seen = server.seen();
    assert!(seen
        .iter()
        .any(|s| s.method == "POST" && s.path.ends_with("git-receive-pack") && s.authorized));
    assert!(seen
        .iter()
        .any(|s| s.method == "POST" && s.path.ends_with("git-upload-pack") && s.authorized));

    // A change the validator refuses is refused over http as anywhere.
    let o = update(
        &url,
        "web05.johnson.int",
        &[],
        &[("GIT_INVENTORY_HTTP_TOKEN", TOKEN)],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert_secret_kept(&o);

    // A token file that cannot be read is a usage error naming the file.
    let o = update(
        &url,
        "web06.dettonville.int",
        &["--http-token-file", "/nonexistent/token"],
        &[],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).contains("/nonexistent/token"), "{}", stdout(&o));
}
