//! Realization end to end: real `git push` into a bare repository with
//! `hook install`'s post-receive, delivering to a real HTTP server on
//! 127.0.0.1 (AWX's launch endpoint, a webhook receiver); the outbox and
//! `deliver`; and `changes` against `git-inventory list` at both commits.

mod common;

use common::http::{closed_port, HttpServer};
use common::server::{sh_git, Server};
use common::{git, run, stderr, stdout, tempdir};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

const TOKEN: &str = "tok-9f3a1c77e2";

/// A bare repository and a work tree with the group hierarchy; the
/// hooks come with [`Site::install`].
struct Site(Server);

impl std::ops::Deref for Site {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.0
    }
}

impl Site {
    fn new(tag: &str) -> Site {
        Site(Server::unhooked(tag))
    }

    /// Make `config` the server-side config and install the hooks.
    fn install(&self, config: &str) {
        std::fs::write(self.bare.join("git-inventory.yml"), config).unwrap();
        let o = run(&["hook", "install", self.bare.to_str().unwrap()], &self.dir);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("post-receive"), "{}", stdout(&o));
        assert!(self.bare.join("hooks/post-receive").is_file());
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    /// Commit DEV's hosts (each in `web` and the domain group) and push.
    fn push_hosts(&self, hosts: &[&str]) -> Output {
        let mut text = String::from("web:\n  hosts:\n");
        for h in hosts {
            text.push_str(&format!("    {h}:\n"));
        }
        text.push_str("ca_domain_int_dettonville:\n  hosts:\n");
        for h in hosts {
            text.push_str(&format!("    {h}:\n"));
        }
        self.write("inventory/DEV/hosts.yml", &text);
        git(&["add", "-A"], &self.work);
        git(&["commit", "-qm", "hosts"], &self.work);
        let o = sh_git(&["push", "origin", "main"], &self.work, &[]);
        assert!(o.status.success(), "the push is accepted:\n{}", stderr(&o));
        o
    }

    fn outbox(&self) -> Vec<PathBuf> {
        let dir = self.bare.join("git-inventory/outbox");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "json"));
        files
    }

    fn head(&self) -> String {
        common::git_stdout(&["rev-parse", "HEAD"], &self.work)
            .trim()
            .to_string()
    }
}

fn awx_config(url: &str, token_file: &str) -> String {
    format!(
        "version: 1\nrealize:\n  targets:\n    - type: awx\n      url: {url}\n      token_file: {token_file}\n      job_template: 42\n      removed_job_template: 43\n  timeout: 3\n"
    )
}

fn launches(server: &HttpServer) -> Vec<(String, Value)> {
    server
        .requests()
        .into_iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            assert_eq!(r.header("content-type"), Some("application/json"));
            (r.path.clone(), r.json())
        })
        .collect()
}

#[test]
fn a_push_launches_the_job_templates_with_exactly_its_hosts() {
    let server = HttpServer::awx(TOKEN);
    let site = Site::new("realize-awx");
    // GitLab's layout has a post-receive.d too.
    let gl = tempdir("realize-gitlab");
    let gl_bare = gl.join("g.git");
    git(&["init", "-q", "--bare", gl_bare.to_str().unwrap()], &gl);
    std::fs::write(
        gl_bare.join("git-inventory.yml"),
        awx_config("http://127.0.0.1:9", "/nonexistent"),
    )
    .unwrap();
    let o = run(
        &["hook", "install", "--gitlab", gl_bare.to_str().unwrap()],
        &gl,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(gl_bare
        .join("custom_hooks/post-receive.d/git-inventory")
        .is_file());
    let o = run(
        &["hook", "uninstall", "--gitlab", gl_bare.to_str().unwrap()],
        &gl,
    );
    assert!(o.status.success());
    assert!(!gl_bare
        .join("custom_hooks/post-receive.d/git-inventory")
        .exists());
    let token_file = site.file("awx.token", &format!("{TOKEN}\n"));
    site.install(&awx_config(&server.url(), &token_file));
    // The first push onto the branch: every host is new.
    let o = site.push_hosts(&["web01.dettonville.int"]);
    let first = site.head();
    let said = stderr(&o);
    assert!(
        said.contains("remote: git-inventory: realize main: DEV: 1 added -> awx job 1000"),
        "{said}"
    );
    let got = launches(&server);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "/api/v2/job_templates/42/launch/");
    assert_eq!(got[0].1["limit"], "web01.dettonville.int");
    assert_eq!(got[0].1["extra_vars"]["git_inventory"]["from"], Value::Null);
    // Two hosts added, one removed: one launch each way.
    let o = site.push_hosts(&["web02.dettonville.int", "web03.dettonville.int"]);
    let second = site.head();
    let said = stderr(&o);
    assert!(
        said.contains("realize main: DEV: 2 added, 1 removed -> awx job 1001"),
        "{said}"
    );
    assert!(said.contains("-> awx job 1002 (removed hosts)"), "{said}");
    let got = launches(&server);
    assert_eq!(got.len(), 3, "{got:?}");
    let (site_play, decommission) = (&got[1], &got[2]);
    assert_eq!(site_play.0, "/api/v2/job_templates/42/launch/");
    assert_eq!(
        site_play.1["limit"],
        "web02.dettonville.int,web03.dettonville.int"
    );
    assert_eq!(decommission.0, "/api/v2/job_templates/43/launch/");
    assert_eq!(decommission.1["limit"], "web01.dettonville.int");
    let event = &site_play.1["extra_vars"]["git_inventory"];
    assert_eq!(event, &decommission.1["extra_vars"]["git_inventory"]);
    assert_eq!(event["ref"], "refs/heads/main");
    assert_eq!(event["from"], first.as_str());
    assert_eq!(event["to"], second.as_str());
    assert_eq!(event["version"], 1);
    assert!(event["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        event["environments"],
        json!({"DEV": {
            "added": ["web02.dettonville.int", "web03.dettonville.int"],
            "removed": ["web01.dettonville.int"],
            "changed": []
        }})
    );
    for r in server.requests() {
        assert_eq!(r.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
    }
    // Nothing is sent when nothing about a host changed.
    site.write("inventory/DEV/notes.md", "not an inventory file\n");
    git(&["add", "-A"], &site.work);
    git(&["commit", "-qm", "notes"], &site.work);
    let o = sh_git(&["push", "origin", "main"], &site.work, &[]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("realize main: no host changed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.requests().len(), 3);
    assert!(site.outbox().is_empty());
    assert!(!said.contains(TOKEN));
}

#[test]
fn with_the_receiver_down_the_push_succeeds_and_deliver_sends_it_once_later() {
    let port = closed_port();
    let site = Site::new("realize-down");
    let token_file = site.file("awx.token", TOKEN);
    let url = format!("http://127.0.0.1:{port}");
    site.install(&awx_config(&url, &token_file));
    let o = site.push_hosts(&["web01.dettonville.int"]);
    let said = stderr(&o);
    assert!(said.contains("not delivered"), "{said}");
    assert!(said.contains("kept in the outbox"), "{said}");
    assert!(!said.contains(TOKEN), "{said}");
    assert_eq!(site.outbox().len(), 1);
    // A second push while it is down waits behind the first (in order).
    let o = site.push_hosts(&["web01.dettonville.int", "web02.dettonville.int"]);
    assert!(!stderr(&o).contains(TOKEN));
    assert!(
        stderr(&o).contains("2 waiting in the outbox"),
        "{}",
        stderr(&o)
    );
    assert_eq!(site.outbox().len(), 2);
    // Still down: deliver says so and exits 1, keeping both.
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("2 waiting in the outbox"),
        "{}",
        stdout(&o)
    );
    assert_eq!(site.outbox().len(), 2);
    // Back up: each event is delivered once, in order.
    let server = HttpServer::on(port, TOKEN);
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 waiting in the outbox"));
    assert!(!stdout(&o).contains(TOKEN) && !stderr(&o).contains(TOKEN));
    let got = launches(&server);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].1["limit"], "web01.dettonville.int");
    assert_eq!(got[1].1["limit"], "web02.dettonville.int");
    assert!(site.outbox().is_empty());
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(server.requests().len(), 2, "nothing is delivered twice");
}

#[test]
fn a_refused_token_or_a_server_error_keeps_the_event_and_never_shows_the_token() {
    let server = HttpServer::awx("the-right-token-51e0");
    let site = Site::new("realize-401");
    let token_file = site.file("awx.token", &format!("{TOKEN}\n"));
    site.install(&awx_config(&server.url(), &token_file));
    let o = site.push_hosts(&["web01.dettonville.int"]);
    let said = stderr(&o);
    assert!(said.contains("HTTP 401"), "{said}");
    assert!(!said.contains(TOKEN), "{said}");
    assert_eq!(site.outbox().len(), 1);
    let kept = std::fs::read_to_string(&site.outbox()[0]).unwrap();
    assert!(!kept.contains(TOKEN), "the outbox holds no secret: {kept}");
    // The token fixed, the server failing: still kept; then delivered.
    std::fs::write(&token_file, "the-right-token-51e0\n").unwrap();
    server.answer(500);
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("HTTP 500"), "{}", stdout(&o));
    server.answer(0);
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("the-right-token-51e0"));
    let got = server.requests();
    assert_eq!(got.len(), 3, "401, 500, then 201");
    assert!(site.outbox().is_empty());
}

#[test]
fn a_receiver_that_never_answers_costs_a_push_one_timeout() {
    let server = HttpServer::awx(TOKEN);
    server.silent();
    let site = Site::new("realize-silent");
    let token_file = site.file("awx.token", TOKEN);
    site.install(&awx_config(&server.url(), &token_file).replace("timeout: 3", "timeout: 1"));
    let start = std::time::Instant::now();
    let o = site.push_hosts(&["web01.dettonville.int"]);
    let took = start.elapsed();
    let said = stderr(&o);
    assert!(said.contains("no answer within 1 s"), "{said}");
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    assert_eq!(site.outbox().len(), 1);
    server.answer(0);
    // The silent answer may still hold the server for its 3 s.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let o = run(&["deliver", site.bare.to_str().unwrap()], &site.dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(site.outbox().is_empty());
}

/// HMAC-SHA256 of `body` keyed by `key`, by Python's `hmac` module (an
/// implementation apart from ours).
fn python_hmac(key: &str, body: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import hmac,hashlib,sys; print('sha256=' + hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())",
            key,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn webhooks_are_signed_and_a_wrong_secret_is_visible_to_the_receiver() {
    let server = HttpServer::awx(TOKEN);
    let site = Site::new("realize-hook");
    let right = site.file("right.secret", "s3cret-shared-1\n");
    let wrong = site.file("wrong.secret", "s3cret-other-2\n");
    let config = format!(
        "version: 1\nrealize:\n  targets:\n    - type: webhook\n      url: {0}/good\n      secret_file: {right}\n    - type: webhook\n      url: {0}/bad\n      secret_file: {wrong}\n",
        server.url()
    );
    site.install(&config);
    let o = site.push_hosts(&["web01.dettonville.int"]);
    let said = stderr(&o);
    assert!(said.contains("-> webhook HTTP 200"), "{said}");
    assert!(!said.contains("s3cret"), "{said}");
    let got = server.requests();
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.header("x-git-inventory-event"), Some("changes"));
        let body = r.json();
        assert_eq!(r.header("x-git-inventory-delivery"), body["id"].as_str());
        assert_eq!(
            body["environments"]["DEV"]["added"],
            json!(["web01.dettonville.int"])
        );
        let expected = python_hmac("s3cret-shared-1", &r.body);
        let signed = r.header("x-git-inventory-signature-256").unwrap();
        match r.path.as_str() {
            "/good" => assert_eq!(signed, expected, "signed with the shared secret"),
            "/bad" => assert_ne!(signed, expected, "a wrong secret shows as a bad signature"),
            p => panic!("unexpected path {p}"),
        }
    }
}

#[test]
fn a_pushed_tree_cannot_choose_where_events_go() {
    let ours = HttpServer::awx(TOKEN);
    let theirs = HttpServer::awx(TOKEN);
    let site = Site::new("realize-tree");
    let token_file = site.file("awx.token", TOKEN);
    site.install(&awx_config(&ours.url(), &token_file));
    // The pushed tree's own config names another receiver: it is read
    // (and must be valid) but never acted on.
    site.write(
        ".git-inventory.yml",
        &format!(
            "version: 1\nrealize:\n  targets:\n    - type: webhook\n      url: {}/steal\n",
            theirs.url()
        ),
    );
    site.push_hosts(&["web01.dettonville.int"]);
    assert_eq!(ours.requests().len(), 1);
    assert!(theirs.requests().is_empty(), "{:?}", theirs.requests());
}

// ---------------------------------------------------------------------------
// `changes` against `list` at both commits.

/// What `list -i inventory/ENV` says of each host at one commit: its groups
/// (transitively, `all` left out) and its vars.
type Hosts = BTreeMap<String, (BTreeSet<String>, Value)>;

fn export(repo: &Path, rev: &str, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    let archive = into.with_extension("tar");
    git(&["archive", "-o", archive.to_str().unwrap(), rev], repo);
    let o = std::process::Command::new("tar")
        .args([
            "-xf",
            archive.to_str().unwrap(),
            "-C",
            into.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
}

fn hosts_by_list(tree: &Path, env: &str) -> Option<Hosts> {
    let dir = tree.join("inventory").join(env);
    if !dir.join("hosts.yml").exists() {
        return None;
    }
    let o = run(&["list", "-i", dir.to_str().unwrap()], tree);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Each group's members, then up through the `children` edges.
    let mut parents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut direct: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (g, body) in v.as_object().unwrap() {
        if g == "_meta" {
            continue;
        }
        for c in body["children"].as_array().into_iter().flatten() {
            parents
                .entry(c.as_str().unwrap().into())
                .or_default()
                .push(g.clone());
        }
        for h in body["hosts"].as_array().into_iter().flatten() {
            direct
                .entry(h.as_str().unwrap().into())
                .or_default()
                .push(g.clone());
        }
    }
    let hostvars = &v["_meta"]["hostvars"];
    let mut out = Hosts::new();
    for (h, groups) in direct {
        let mut all = BTreeSet::new();
        let mut stack = groups;
        while let Some(g) = stack.pop() {
            if all.insert(g.clone()) {
                stack.extend(parents.get(&g).cloned().unwrap_or_default());
            }
        }
        all.remove("all");
        let vars = hostvars.get(&h).cloned().unwrap_or(json!({}));
        out.insert(h, (all, vars));
    }
    Some(out)
}

/// The `changes` JSON `list` implies for one environment (`None`: nothing).
fn expected_env(before: Option<Hosts>, after: Option<Hosts>) -> Option<Value> {
    let (b, a) = (before.unwrap_or_default(), after.unwrap_or_default());
    let added: Vec<&String> = a.keys().filter(|h| !b.contains_key(*h)).collect();
    let removed: Vec<&String> = b.keys().filter(|h| !a.contains_key(*h)).collect();
    let mut changed = Vec::new();
    for (h, (ga, va)) in &a {
        let Some((gb, vb)) = b.get(h) else { continue };
        let mut vars: BTreeSet<&String> = BTreeSet::new();
        let (oa, ob) = (va.as_object().unwrap(), vb.as_object().unwrap());
        for k in oa.keys().chain(ob.keys()) {
            if oa.get(k) != ob.get(k) {
                vars.insert(k);
            }
        }
        if ga != gb || !vars.is_empty() {
            changed.push(json!({
                "host": h,
                "groups_added": ga.difference(gb).collect::<Vec<_>>(),
                "groups_removed": gb.difference(ga).collect::<Vec<_>>(),
                "vars_changed": vars,
            }));
        }
    }
    if added.is_empty() && removed.is_empty() && changed.is_empty() {
        return None;
    }
    Some(json!({"added": added, "removed": removed, "changed": changed}))
}

fn edit(work: &Path, path: &str, from: &str, to: &str) {
    let p = work.join(path);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{path} has {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn changes_agree_with_list_at_both_commits() {
    let dir = tempdir("realize-changes");
    let work = dir.join("repo");
    std::fs::create_dir_all(&work).unwrap();
    let examples = common::root().join("examples");
    let o = std::process::Command::new("cp")
        .args(["-a"])
        .arg(examples.join("inventory"))
        .arg(examples.join(".git-inventory.yml"))
        .arg(&work)
        .output()
        .unwrap();
    assert!(o.status.success());
    git(&["init", "-q", "-b", "main"], &work);
    let commit = |msg: &str| {
        git(&["add", "-A"], &work);
        let o = sh_git(&["commit", "-qm", msg], &work, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        common::git_stdout(&["rev-parse", "HEAD"], &work)
            .trim()
            .to_string()
    };
    let mut commits = vec![commit("seed")];
    let dev = "inventory/DEV/hosts.yml";
    type Edit<'a> = (&'a str, Box<dyn Fn(&Path)>);
    let edits: Vec<Edit> = vec![
        (
            "add",
            Box::new(|w: &Path| {
                edit(w, dev, "          ansible_host: 10.10.1.33\n", "          ansible_host: 10.10.1.33\n        web09.dettonville.int:\n          ansible_host: 10.10.1.50\n")
            }),
        ),
        (
            "remove",
            Box::new(|w: &Path| {
                edit(
                    w,
                    dev,
                    "        buildbox02:\n          ansible_host: 10.10.3.12\n",
                    "",
                )
            }),
        ),
        (
            "regroup",
            Box::new(|w: &Path| {
                edit(
                    w,
                    dev,
                    "    docker_stack_ollama:\n      hosts:\n        gpu-node01.johnson.int: {}",
                    "    docker_stack_ollama:\n      hosts:\n        gpu-node02.johnson.int: {}",
                )
            }),
        ),
        (
            "group var",
            Box::new(|w: &Path| {
                edit(
                    w,
                    "inventory/xenv_groups.yml",
                    "app_listen_port: 8443",
                    "app_listen_port: 9443",
                )
            }),
        ),
        (
            "group_vars file",
            Box::new(|w: &Path| {
                edit(
                    w,
                    "inventory/DEV/group_vars/all.yml",
                    "dc_env: dev",
                    "dc_env: development",
                )
            }),
        ),
        (
            "host range",
            Box::new(|w: &Path| {
                edit(
                    w,
                    dev,
                    "app[01:03].dettonville.int: {}",
                    "app[01:05].dettonville.int: {}",
                )
            }),
        ),
        (
            "a host_vars file",
            Box::new(|w: &Path| {
                let p = w.join("inventory/DEV/host_vars/admin01.dettonville.int.yml");
                let text = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, format!("{text}rack_unit: 42\n")).unwrap();
            }),
        ),
        (
            "a group under another",
            Box::new(|w: &Path| {
                edit(
                    w,
                    "inventory/xenv_groups.yml",
                    "        control_host: {}\n",
                    "        control_host: {}\n        bastion_host: {}\n",
                )
            }),
        ),
        (
            "a rename that changes no host",
            Box::new(|w: &Path| {
                let d = w.join("inventory/DEV/group_vars");
                std::fs::rename(d.join("docker_stack.yml"), d.join("docker_stack.yaml")).unwrap();
            }),
        ),
    ];
    for (what, f) in &edits {
        f(&work);
        commits.push(commit(what));
    }
    let mut pairs: Vec<(usize, usize, &str)> = edits
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (i, i + 1, *w))
        .collect();
    pairs.push((0, commits.len() - 1, "all of them"));
    for (i, j, what) in pairs {
        let (a, b) = (&commits[i], &commits[j]);
        let o = run(
            &["changes", &format!("{a}..{b}"), "--format", "json"],
            &work,
        );
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let got: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(got["from"], a.as_str());
        assert_eq!(got["to"], b.as_str());
        let (ta, tb) = (
            dir.join(format!("t{i}-{j}a")),
            dir.join(format!("t{i}-{j}b")),
        );
        export(&work, a, &ta);
        export(&work, b, &tb);
        let mut want = serde_json::Map::new();
        for env in ["DEV", "PROD", "QA"] {
            if let Some(v) = expected_env(hosts_by_list(&ta, env), hosts_by_list(&tb, env)) {
                want.insert(env.to_string(), v);
            }
        }
        // The xenv view (shared hosts) changes with these edits only through
        // xenv_groups.yml vars, which `list` of the two files shows too.
        let mut got_envs = got["environments"].as_object().unwrap().clone();
        if let Some(x) = got_envs.remove("xenv") {
            let list_x = |t: &Path| {
                let o = run(
                    &[
                        "list",
                        "-i",
                        "inventory/xenv_groups.yml",
                        "-i",
                        "inventory/xenv_hosts.yml",
                    ],
                    t,
                );
                assert!(o.status.success());
                let v: Value = serde_json::from_slice(&o.stdout).unwrap();
                v["_meta"]["hostvars"].clone()
            };
            assert_ne!(list_x(&ta), list_x(&tb), "{what}: xenv changed: {x}");
        }
        assert_eq!(Value::Object(got_envs), Value::Object(want), "{what}");
        if what == "a group under another" {
            let moved = got["environments"]["PROD"]["changed"].to_string();
            assert!(
                moved.contains("bastion21") && moved.contains("ansible_controller"),
                "{got}"
            );
        }
        if what == "a rename that changes no host" {
            assert_eq!(got["environments"], json!({}), "{what}");
        }
        if what == "add" {
            let o = run(
                &[
                    "changes",
                    &format!("{a}..{b}"),
                    "--format",
                    "limit",
                    "--env",
                    "DEV",
                ],
                &work,
            );
            assert_eq!(stdout(&o), "web09.dettonville.int\n");
        }
    }
    // A view Ansible refuses at one commit: its hosts cannot be told (not
    // "every host removed"): exit 1, naming the file.
    edit(&work, dev, "all:\n", "all: [\n");
    let broken = commit("broken");
    let o = run(
        &[
            "changes",
            &format!("{}..{broken}", commits[commits.len() - 1]),
        ],
        &work,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("inventory/DEV/hosts.yml:"),
        "{}",
        stderr(&o)
    );
    // Usage errors.
    let o = run(&["changes", "HEAD"], &work);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["changes", "HEAD~1..HEAD", "--format", "limit"], &work);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["changes", "nope..HEAD"], &work);
    assert_eq!(o.status.code(), Some(2));
}
