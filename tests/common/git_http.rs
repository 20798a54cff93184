//! A git server over HTTP on 127.0.0.1: `git http-backend` (git's own
//! smart-HTTP server, run as a CGI program) behind a small HTTP/1.1 front
//! that asks for basic authentication with one user and token, and
//! records what each request carried.

use super::loopback::{read_body, read_head, Loopback};
use base64::Engine;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// One request: method, path, and whether it was authorized.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorized: bool,
}

struct Shared {
    root: PathBuf,
    expected: String,
    seen: Mutex<Vec<Seen>>,
}

pub struct GitHttp {
    pub port: u16,
    shared: Arc<Shared>,
    _server: Loopback,
}

impl GitHttp {
    /// Serve the repositories under `root`, to `user` with `token` only.
    pub fn start(root: &Path, user: &str, token: &str) -> GitHttp {
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"))
        );
        let shared = Arc::new(Shared {
            root: root.to_path_buf(),
            expected,
            seen: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        // One thread a connection: git opens a few at once.
        let server = Loopback::serve(0, move |stream| {
            let _ = serve(stream, &s);
        });
        GitHttp {
            port: server.port,
            shared,
            _server: server,
        }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("http://127.0.0.1:{}/{repo}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, s: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    while let Some((method, target, headers)) = read_head(&mut reader)? {
        let body = read_body(&mut reader, &headers)?;
        let authorized = headers.get("authorization") == Some(&s.expected);
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        s.seen.lock().unwrap().push(Seen {
            method: method.clone(),
            path: path.to_string(),
            authorized,
        });
        if !authorized {
            let text = "authentication required\n";
            write!(
                w,
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            )?;
            w.flush()?;
            continue;
        }
        let mut cgi = Command::new("git");
        cgi.arg("http-backend")
            .env("GIT_PROJECT_ROOT", &s.root)
            .env("GIT_HTTP_EXPORT_ALL", "1")
            .env("REQUEST_METHOD", &method)
            .env("PATH_INFO", path)
            .env("QUERY_STRING", query)
            .env("CONTENT_LENGTH", body.len().to_string())
            .env("REMOTE_USER", "tester")
            .env("REMOTE_ADDR", "127.0.0.1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(t) = headers.get("content-type") {
            cgi.env("CONTENT_TYPE", t);
        }
        if let Some(e) = headers.get("content-encoding") {
            cgi.env("HTTP_CONTENT_ENCODING", e);
        }
        if let Some(p) = headers.get("git-protocol") {
            cgi.env("GIT_PROTOCOL", p);
        }
        let mut child = cgi.spawn()?;
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&body);
        });
        let out = child.wait_with_output()?;
        let _ = feeder.join();
        let raw = out.stdout;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
        let (head, payload) = match split {
            Some((i, n)) => (
                String::from_utf8_lossy(&raw[..i]).into_owned(),
                &raw[i + n..],
            ),
            None => (String::new(), &raw[..]),
        };
        let mut status = "200 OK".to_string();
        let mut out_headers = String::new();
        for h in head.lines() {
            match h.split_once(':') {
                Some((k, v)) if k.eq_ignore_ascii_case("status") => status = v.trim().to_string(),
                Some(_) => {
                    out_headers.push_str(h.trim_end());
                    out_headers.push_str("\r\n");
                }
                None => {}
            }
        }
        write!(
            w,
            "HTTP/1.1 {status}\r\n{out_headers}Content-Length: {}\r\n\r\n",
            payload.len()
        )?;
        w.write_all(payload)?;
        w.flush()?;
    }
    Ok(())
}
