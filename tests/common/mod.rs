//! Shared test helpers: paths to the shared vectors, a real HTTP server on
//! 127.0.0.1, and a runner for the `backpack` binary.
#![allow(dead_code)]

pub mod servers;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// `tests/vectors` in the repository (override with BACKPACK_VECTORS).
pub fn vectors() -> PathBuf {
    let p = std::env::var_os("BACKPACK_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors"));
    assert!(p.is_dir(), "test vectors not found at {} (set BACKPACK_VECTORS)", p.display());
    p
}

pub fn vector(rel: &str) -> PathBuf {
    let p = vectors().join(rel);
    assert!(p.exists(), "missing vector {}", p.display());
    p
}

pub fn ob30(name: &str) -> PathBuf {
    vector(&format!("1edtech-validator/inspector-vc/src/test/resources/ob30/{name}"))
}

pub fn ob20(name: &str) -> PathBuf {
    vector(&format!("1edtech-validator/inspector-vc/src/test/resources/ob20/{name}"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// One canned HTTP response.
#[derive(Clone)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// `Location` header for redirects.
    pub location: Option<String>,
}

impl Resp {
    pub fn json(body: impl Into<Vec<u8>>) -> Resp {
        Resp { status: 200, content_type: "application/json".into(), body: body.into(), location: None }
    }
}

/// A small real HTTP/1.1 server on 127.0.0.1 serving fixed routes; it records
/// every path requested.
pub struct Server {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Resp>>>,
    pub hits: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Resp>>> = Arc::default();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, h) = (routes.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, h) = (r.clone(), h.clone());
                std::thread::spawn(move || serve(stream, &r, &h));
            }
        });
        Server { base, routes, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn route(&self, path: &str, resp: Resp) {
        self.routes.lock().unwrap().insert(path.to_string(), resp);
    }
}

fn serve(mut stream: TcpStream, routes: &Mutex<HashMap<String, Resp>>, hits: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map(|n| n == 0).unwrap_or(true) || h == "\r\n" {
            break;
        }
    }
    hits.lock().unwrap().push(path.clone());
    let resp = routes.lock().unwrap().get(&path).cloned().unwrap_or(Resp {
        status: 404,
        content_type: "text/plain".into(),
        body: b"not found".to_vec(),
        location: None,
    });
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        resp.content_type,
        resp.body.len()
    );
    if let Some(l) = &resp.location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&resp.body);
    let _ = stream.flush();
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
}

/// The `backpack` binary with a private data folder.
pub struct Cli {
    pub data: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Cli {
    /// A CLI on the real OS keyring (tests run inside scripts/with-keyring.sh).
    pub fn keyring() -> Cli {
        Cli { data: tempfile::tempdir().unwrap(), env: vec![] }
    }

    /// A CLI whose store is kept under a passphrase, keyring off.
    pub fn passphrase(p: &str) -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            env: vec![("BACKPACK_KEYRING".into(), "off".into()), ("BACKPACK_PASSPHRASE".into(), p.into())],
        }
    }

    pub fn dir(&self) -> PathBuf {
        self.data.path().join("store")
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_backpack"));
        c.env_remove("BACKPACK_PASSPHRASE").env_remove("BACKPACK_KEYRING").env_remove("BACKPACK_BACKUP_PASSPHRASE");
        c.env_remove("BACKPACK_SHARE_PASSWORD").env_remove("BACKPACK_VERIFIER_BASE");
        c.env_remove("BACKPACK_ALLOW_PRIVATE_NETWORK").env_remove("BACKPACK_HTTP_DEADLINE_SECS");
        c.arg("--data-dir").arg(self.dir());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run backpack")
    }

    /// Run and parse stdout as JSON lines.
    pub fn json_lines(&self, args: &[&str]) -> (Output, Vec<serde_json::Value>) {
        let out = self.run(args);
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect();
        (out, lines)
    }

    pub fn count(&self) -> usize {
        let (out, lines) = self.json_lines(&["list", "--json"]);
        assert!(out.status.success(), "list failed: {}", String::from_utf8_lossy(&out.stderr));
        lines.len()
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
