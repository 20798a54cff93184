//! A real HTTP/1.1 server on 127.0.0.1 for the realization tests: it
//! answers like the AWX/AAP job template launch endpoint (201 and a job
//! id with the right bearer token, 401 without), or with a status the
//! test sets, and records every request it was sent.

use super::loopback::{read_body, read_head, Loopback};
use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// [`HttpServer::answer`]'s status for [`HttpServer::silent`].
const SILENT: u16 = 1;

struct Shared {
    requests: Mutex<Vec<Request>>,
    /// The status every request gets (0: answer as AWX does).
    status: AtomicU64,
    token: String,
    next_job: AtomicU64,
}

pub struct HttpServer {
    pub port: u16,
    shared: Arc<Shared>,
    _server: Loopback,
}

/// A port on 127.0.0.1 nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    l.local_addr().unwrap().port()
}

impl HttpServer {
    /// An AWX-like server accepting `token`, on any free port.
    pub fn awx(token: &str) -> HttpServer {
        HttpServer::on(0, token)
    }

    /// The same on `port` (0: any).
    pub fn on(port: u16, token: &str) -> HttpServer {
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            status: AtomicU64::new(0),
            token: token.to_string(),
            next_job: AtomicU64::new(1000),
        });
        let s = shared.clone();
        let server = Loopback::serve(port, move |stream| {
            let _ = serve(stream, &s);
        });
        HttpServer {
            port: server.port,
            shared,
            _server: server,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answer every request with `status` from now on (0: as AWX).
    pub fn answer(&self, status: u16) {
        self.shared
            .status
            .store(u64::from(status), Ordering::Relaxed);
    }

    /// Read each request and answer nothing (for 3 s, then hang up).
    pub fn silent(&self) {
        self.answer(SILENT);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, s: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let Some((method, path, headers)) = read_head(&mut reader)? else {
        return Ok(());
    };
    let body = read_body(&mut reader, &headers)?;
    let req = Request {
        method,
        path,
        headers,
        body,
    };
    let forced = s.status.load(Ordering::Relaxed) as u16;
    if forced == SILENT {
        s.requests.lock().unwrap().push(req);
        std::thread::sleep(Duration::from_secs(3));
        return Ok(());
    }
    let authorized = req.header("authorization") == Some(&format!("Bearer {}", s.token));
    let (status, text) = if forced != 0 {
        (forced, "{\"detail\": \"forced\"}".to_string())
    } else if req.path.starts_with("/api/v2/job_templates/") {
        if authorized {
            let job = s.next_job.fetch_add(1, Ordering::Relaxed);
            (
                201,
                format!("{{\"job\": {job}, \"id\": {job}, \"status\": \"pending\"}}"),
            )
        } else {
            (
                401,
                "{\"detail\": \"Authentication credentials were not provided.\"}".into(),
            )
        }
    } else {
        (200, "{}".into())
    };
    // Recorded before answering: a client that got its answer finds its
    // request here.
    s.requests.lock().unwrap().push(req);
    let mut w = stream;
    write!(
        w,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    w.flush()
}
