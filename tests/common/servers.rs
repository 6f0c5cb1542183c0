//! Real servers for the sharing tests, each on a free port on 127.0.0.1 and
//! stopped (by its own process id) when dropped: WsgiDAV through
//! `scripts/webdav-server.sh`, and moto's S3-compatible server.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for(port: u16, child: &mut Child, what: &str) {
    let t0 = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(st)) = child.try_wait() {
            panic!("{what} exited early ({st}); run scripts/setup.sh to install it");
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `scripts/webdav-server.sh`: `/dav/` read-write with Basic auth, `/pub/` read-only.
pub struct WebDav {
    pub base: String,
    pub root: PathBuf,
    pub port: u16,
    _dir: tempfile::TempDir,
    child: Child,
}

impl WebDav {
    pub fn start(user: &str, password: &str) -> WebDav {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/webdav-server.sh");
        let mut child = Command::new("bash")
            .arg(script)
            .arg(port.to_string())
            .arg(&root)
            .args([user, password])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start scripts/webdav-server.sh");
        wait_for(port, &mut child, "the WebDAV server (wsgidav)");
        WebDav { base: format!("http://127.0.0.1:{port}"), root, port, _dir: dir, child }
    }

    pub fn dav(&self) -> String {
        format!("{}/dav/", self.base)
    }

    pub fn public(&self) -> String {
        format!("{}/pub/", self.base)
    }

    /// Names of the files on the server's disk.
    pub fn files(&self) -> Vec<String> {
        match std::fs::read_dir(&self.root) {
            Ok(d) => d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
            Err(_) => Vec::new(),
        }
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WebDav {
    fn drop(&mut self) {
        self.stop();
    }
}

/// moto's S3-compatible server (`python3 -m moto.server`).
pub struct S3 {
    pub endpoint: String,
    child: Child,
}

impl S3 {
    pub fn start() -> S3 {
        let port = free_port();
        // scripts/setup.sh installs moto into a venv and exports BACKPACK_PYTHON.
        let venv = "/var/tmp/backpack-pyenv/bin/python";
        let python = std::env::var("BACKPACK_PYTHON")
            .unwrap_or_else(|_| if Path::new(venv).exists() { venv.into() } else { "python3".into() });
        let mut child = Command::new(python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto (python3 -m moto.server)");
        wait_for(port, &mut child, "the S3 server (moto)");
        S3 { endpoint: format!("http://127.0.0.1:{port}"), child }
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
