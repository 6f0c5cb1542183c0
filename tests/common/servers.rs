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

/// The test issuer (`tests/issuer/`, built by `cargo test` as the example
/// `test-issuer`): OpenID4VCI 1.0 and draft 13, VC-API and DCC on 127.0.0.1.
pub struct Issuer {
    pub base: String,
    child: Child,
}

impl Issuer {
    pub fn start() -> Issuer {
        use std::io::BufRead;
        // target/<profile>/deps/integration-… → target/<profile>/examples/test-issuer
        let exe = std::env::current_exe().unwrap();
        let bin = exe.parent().unwrap().parent().unwrap().join("examples").join("test-issuer");
        assert!(bin.exists(), "{} is missing: cargo test builds it (cargo build --example test-issuer)", bin.display());
        let mut child = Command::new(&bin).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base = line.trim().strip_prefix("listening ").unwrap_or_else(|| panic!("test issuer said {line:?}")).to_string();
        Issuer { base, child }
    }

    /// A fresh offer of `profile`: `{by_value, by_reference, https, tx_code}`.
    pub fn offer(&self, profile: &str) -> serde_json::Value {
        get_json(&format!("{}/{profile}/offer", self.base))
    }

    /// Every request the issuer received so far.
    pub fn log(&self) -> Vec<serde_json::Value> {
        get_json(&format!("{}/_log", self.base)).as_array().cloned().unwrap_or_default()
    }

    /// The logged requests whose path ends with `suffix`.
    pub fn hits(&self, suffix: &str) -> Vec<serde_json::Value> {
        self.log().into_iter().filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(suffix))).collect()
    }

    /// GET a text resource of the issuer (e.g. the DCC request link).
    pub fn text(&self, path: &str) -> String {
        http_get(&format!("{}{path}", self.base))
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let u = url.strip_prefix("http://").unwrap();
    let (host, path) = u.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((u, "/".into()));
    let mut s = TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        // De-chunk.
        let mut rest = body;
        let mut acc = String::new();
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            acc.push_str(&tail[..n]);
            rest = &tail[n + 2..];
        }
        return acc;
    }
    body.to_string()
}

fn get_json(url: &str) -> serde_json::Value {
    serde_json::from_str(&http_get(url)).unwrap()
}

/// A credential issuer we did not write: Sphereon's OpenID4VCI issuer server
/// (`tests/interop/`, installed by `scripts/app-setup.sh`) on 127.0.0.1.
pub struct Sphereon {
    pub base: String,
    child: Child,
}

impl Sphereon {
    pub fn start() -> Sphereon {
        use std::io::BufRead;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
        assert!(
            dir.join("node_modules/@sphereon/oid4vci-issuer-server").exists(),
            "tests/interop/node_modules is missing: run scripts/app-setup.sh (npm ci --prefix tests/interop)"
        );
        let mut child = Command::new("node").arg(dir.join("issuer.mjs")).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base = line.trim().strip_prefix("listening ").unwrap_or_else(|| panic!("Sphereon issuer said {line:?}")).to_string();
        Sphereon { base, child }
    }

    /// A fresh pre-authorized offer: `{offer, tx_code}`.
    pub fn offer(&self, pin: bool) -> serde_json::Value {
        get_json(&format!("{}/offer?pin={}", self.base, u8::from(pin)))
    }
}

impl Drop for Sphereon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
