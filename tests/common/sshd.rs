//! A private `sshd` on 127.0.0.1 serving bare repositories as a dedicated
//! user whose shell is `git-shell` (see ../shared/NOTES-ssh-git-server.md for
//! every trap this avoids). Needs root and openssh-server (`scripts/test`
//! installs it when run as root); anything missing fails loudly.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "gitinv-ssh";

pub struct Sshd {
    child: Child,
    pub port: u16,
    pub home: PathBuf,
    pub key: PathBuf,
    pub log: PathBuf,
}

fn run_ok(cmd: &mut Command, what: &str) {
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        o.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn ensure_user(home: &Path) {
    let exists = Command::new("id")
        .arg(USER)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let shell = which("git-shell").expect("MISSING git-shell (part of git) on PATH");
    if !exists {
        run_ok(
            Command::new("useradd")
                .args(["-m", "-d"])
                .arg(home)
                .arg("-s")
                .arg(&shell)
                .arg(USER),
            "useradd",
        );
    }
    // useradd leaves `!`: with UsePAM no, sshd refuses a locked account.
    run_ok(
        Command::new("usermod").args(["-p", "*", USER]),
        "usermod -p '*'",
    );
}

/// Start the server (one per test process is enough; each test uses its own repo).
pub fn start(tag: &str) -> Sshd {
    assert!(
        is_root(),
        "the SSH tests need root (to create the `{USER}` user and run sshd); run scripts/test as root"
    );
    let sshd = Path::new("/usr/sbin/sshd");
    assert!(
        sshd.is_file(),
        "MISSING /usr/sbin/sshd: install openssh-server (scripts/test does it when run as root)"
    );
    let home = PathBuf::from(format!("/home/{USER}"));
    ensure_user(&home);
    let base = home.join(format!("t-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    // Privilege separation directory (systemd normally creates it).
    std::fs::create_dir_all("/run/sshd").unwrap();
    let host_key = base.join("host_ed25519");
    let key = base.join("client_ed25519");
    for k in [&host_key, &key] {
        run_ok(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(k),
            "ssh-keygen",
        );
    }
    let ssh_dir = home.join(".ssh");
    std::fs::create_dir_all(&ssh_dir).unwrap();
    let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let ak = ssh_dir.join("authorized_keys");
    let mut keys = std::fs::read_to_string(&ak).unwrap_or_default();
    keys.push_str(&pubkey);
    std::fs::write(&ak, keys).unwrap();
    // StrictModes: sane owner and modes on the home, .ssh and the key file.
    run_ok(
        Command::new("chown")
            .args(["-R", &format!("{USER}:{USER}")])
            .arg(&home),
        "chown home",
    );
    run_ok(Command::new("chmod").args(["755"]).arg(&home), "chmod home");
    run_ok(
        Command::new("chmod").args(["700"]).arg(&ssh_dir),
        "chmod .ssh",
    );
    run_ok(
        Command::new("chmod").args(["600"]).arg(&ak),
        "chmod authorized_keys",
    );
    // The client key stays root's (mode 600, as ssh demands).
    run_ok(
        Command::new("chown").args(["root:root"]).arg(&key),
        "chown client key",
    );
    run_ok(
        Command::new("chmod").args(["600"]).arg(&key).arg(&host_key),
        "chmod keys",
    );
    run_ok(
        Command::new("chown").args(["root:root"]).arg(&host_key),
        "chown host key",
    );

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = base.join("sshd_config");
    let log = base.join("sshd.log");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
             AuthorizedKeysFile .ssh/authorized_keys\nPubkeyAuthentication yes\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             AllowUsers {USER}\nAcceptEnv GIT_PROTOCOL\nStrictModes yes\nLogLevel VERBOSE\n",
            host_key.display(),
            base.join("sshd.pid").display()
        ),
    )
    .unwrap();
    let child = Command::new(sshd)
        .arg("-D")
        .arg("-f")
        .arg(&config)
        .arg("-E")
        .arg(&log)
        .stdin(Stdio::null())
        .spawn()
        .expect("sshd starts");
    let s = Sshd {
        child,
        port,
        home: base,
        key,
        log,
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "sshd did not listen on 127.0.0.1:{port} within 10 s: {}",
            std::fs::read_to_string(&s.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    s
}

impl Sshd {
    /// `GIT_SSH_COMMAND` for this server.
    pub fn ssh_command(&self) -> String {
        format!(
            "ssh -i {} -p {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
             -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10",
            self.key.display(),
            self.port
        )
    }
    /// URL of a repository under this server's directory.
    pub fn url(&self, repo: &Path) -> String {
        format!("ssh://{USER}@127.0.0.1:{}{}", self.port, repo.display())
    }
    /// A copy of git-inventory the server's user can execute (the build
    /// directory may sit under a home it cannot enter).
    pub fn binary(&self) -> PathBuf {
        let dir = self.home.join("bin");
        std::fs::create_dir_all(&dir).unwrap();
        let dst = dir.join("git-inventory");
        std::fs::copy(super::bin(), &dst).expect("copy the binary");
        run_ok(
            Command::new("chmod").args(["755"]).arg(&dir).arg(&dst),
            "chmod binary",
        );
        dst
    }
    /// Hand a bare repository to the server's user (it must own it).
    pub fn give(&self, path: &Path) {
        run_ok(
            Command::new("chown")
                .args(["-R", &format!("{USER}:{USER}")])
                .arg(path),
            "chown repo",
        );
    }
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
