//! Limits applied while reading, not after (issue #11, items 3 and 6): a
//! PNG text bomb stopped while inflating, files that are not regular files
//! refused unread, a total deadline for every HTTP request against a real
//! server trickling one byte a second, and no fetch from credential content
//! to loopback or private addresses (a real server on 127.0.0.1 counts the
//! connections it gets).

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use backpack::import::fetch::FetchOptions;
use backpack::import::{self, Fetcher, ImportOptions, Input};
use backpack::verify::{self, Outcome, VerifyOptions};
use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers

/// A PNG (1x1, grey) with an `iTXt openbadgecredential` chunk whose zlib
/// text inflates to `gib` GiB of zeros. The deflate data is built from one
/// sync-flushed segment of 1 MiB of zeros repeated, so making it is cheap.
fn png_text_bomb(gib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), true);
    let zeros = vec![0u8; 1 << 20];
    let mut run = |out: &mut Vec<u8>| {
        let mut buf = vec![0u8; 1 << 16];
        let before = c.total_in();
        let mut input: &[u8] = &zeros;
        loop {
            let (i0, o0) = (c.total_in(), c.total_out());
            c.compress(input, &mut buf, FlushCompress::Sync).unwrap();
            let used = (c.total_in() - i0) as usize;
            out.extend_from_slice(&buf[..(c.total_out() - o0) as usize]);
            input = &input[used..];
            if input.is_empty() && c.total_in() - before == zeros.len() as u64 && (c.total_out() - o0) < buf.len() as u64 {
                break;
            }
        }
    };
    let mut first = Vec::new();
    run(&mut first); // zlib header + the first MiB (starts from an empty window)
    let mut segment = Vec::new();
    run(&mut segment); // one more MiB after a window of zeros: repeatable
    let mut z = first;
    for _ in 1..gib * 1024 {
        z.extend_from_slice(&segment);
    }
    let mut itxt = b"openbadgecredential\0\x01\x00\0\0".to_vec();
    itxt.extend_from_slice(&z);
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        let mut h = crc32fast::Hasher::new();
        h.update(kind);
        h.update(data);
        v.extend_from_slice(&h.finalize().to_be_bytes());
        v
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(chunk(b"iTXt", &itxt));
    let mut idat = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
    idat.write_all(&[0, 0]).unwrap();
    png.extend(chunk(b"IDAT", &idat.finish().unwrap()));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// Run a command with a hard wait: a hang fails the test instead of hanging it.
// The child is reaped with wait4 (below), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_within(cmd: Command, limit: Duration) -> (std::process::Output, Duration) {
    run_within_stdin(cmd, None, limit)
}

/// [`run_within`] with this standard input (a `Command`'s own stdin setting cannot be read back to pass it on).
// The child is reaped with wait4 (below), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_within_stdin(cmd: Command, stdin: Option<Stdio>, limit: Duration) -> (std::process::Output, Duration) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let t = Instant::now();
    // The command runs under a small Python parent that reports its peak RSS:
    // a child spawned straight from this test binary (vfork + exec) inherits
    // the binary's own high-water mark in ru_maxrss (Linux keeps the old mm's
    // peak at exec), so with many tests running its figure was this process's.
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut wrapped = Command::new("python3");
    wrapped.args([
        "-c",
        "import resource, subprocess, sys\n\
         r = subprocess.run(sys.argv[2:])\n\
         open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n\
         sys.exit(r.returncode if r.returncode >= 0 else 128 - r.returncode)",
    ]);
    wrapped.arg(rss_file.path()).arg(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        wrapped.current_dir(d);
    }
    if let Some(i) = stdin {
        wrapped.stdin(i);
    }
    let mut cmd = wrapped;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let read = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let (out, err) = (read(Box::new(child.stdout.take().unwrap())), read(Box::new(child.stderr.take().unwrap())));
    let pid = child.id() as libc::pid_t;
    // Reap this child with wait4, so its own peak RSS is known: RUSAGE_CHILDREN
    // would be the largest of every child this test binary has waited for.
    let (mut status, mut usage): (libc::c_int, libc::rusage) = (0, unsafe { std::mem::zeroed() });
    loop {
        // SAFETY: wait4 writes into the status and rusage we pass.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if t.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = usage;
    let peak: u64 = std::fs::read_to_string(rss_file.path()).ok().and_then(|t| t.trim().parse().ok()).unwrap_or(0);
    PEAK_RSS_KIB.with(|p| p.set(p.get().max(peak)));
    let output = std::process::Output { status: std::process::ExitStatus::from_raw(status), stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    (output, t.elapsed())
}

thread_local! {
    /// The largest resident set of the children this test (thread) ran through [`run_within`], in KiB.
    static PEAK_RSS_KIB: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Largest resident set of any child this test ran through [`run_within`], in MiB.
fn children_peak_rss_mib() -> u64 {
    PEAK_RSS_KIB.with(|p| p.get()) / 1024
}

/// A real HTTP server on 127.0.0.1 that counts connections. `/trickle`
/// sends headers and then one body byte a second; `/stall` never answers;
/// anything else gets the body set with `serve` (JSON).
struct CountingServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    body: Arc<std::sync::Mutex<String>>,
}

impl CountingServer {
    fn start() -> CountingServer {
        let body: Arc<std::sync::Mutex<String>> = Arc::default();
        let b = body.clone();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let n = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                n.fetch_add(1, Ordering::SeqCst);
                let body = b.lock().unwrap().clone();
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let mut r = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    let _ = r.read_line(&mut line);
                    loop {
                        let mut h = String::new();
                        if r.read_line(&mut h).map(|n| n == 0).unwrap_or(true) || h == "\r\n" {
                            break;
                        }
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    if path.starts_with("/stall") {
                        std::thread::sleep(Duration::from_secs(120));
                        return;
                    }
                    if path.starts_with("/trickle") {
                        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
                        for _ in 0..120 {
                            if stream.write_all(b" ").and_then(|_| stream.flush()).is_err() {
                                return;
                            }
                            std::thread::sleep(Duration::from_secs(1));
                        }
                        return;
                    }
                    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body.as_bytes());
                });
            }
        });
        CountingServer { port, connections, body }
    }

    fn serve(&self, body: String) {
        *self.body.lock().unwrap() = body;
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn fetcher(deadline_secs: u64, allow_private_network: bool) -> Fetcher {
    Fetcher::with_options(FetchOptions { deadline: Duration::from_secs(deadline_secs), allow_private_network }).unwrap()
}

const NOW: &str = "2026-06-01T00:00:00Z";

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

/// A signed (did:key) StatusList2021 credential and its signed list, index 6 clear.
fn status_pair(list_url: &str) -> (Value, Value) {
    use base64::Engine;
    let key = ed25519_dalek::SigningKey::from_bytes(&[21u8; 32]);
    let (did, vm) = backpack::verify::sign::did_key_of(&key);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&[0u8; 16_384]).unwrap();
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gz.finish().unwrap());
    let list = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1", "https://w3id.org/security/data-integrity/v1"],
        "id": list_url,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": did,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{list_url}#list"), "type": "StatusList2021", "statusPurpose": "revocation", "encodedList": encoded}
    });
    let list = backpack::verify::sign::sign_data_integrity(&list, "eddsa-rdfc-2022", &key, &vm, "2025-01-01T00:00:00Z").unwrap();
    let c = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/data-integrity/v1"],
        "id": "urn:uuid:0d7c9a52-0000-4000-8000-000000000006",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": "Profile", "name": "Status Test Issuer"},
        "issuanceDate": "2025-01-01T00:00:00Z",
        "name": "Status test",
        "credentialSubject": {"type": "AchievementSubject", "achievement": {
            "id": "urn:uuid:0d7c9a52-0000-4000-8000-0000000000aa", "type": "Achievement", "name": "Status test",
            "description": "d", "criteria": {"narrative": "n"}}},
        "credentialStatus": {"id": format!("{list_url}#6"), "type": "StatusList2021Entry", "statusPurpose": "revocation",
                             "statusListIndex": "6", "statusListCredential": list_url}
    });
    let c = backpack::verify::sign::sign_data_integrity(&c, "eddsa-rdfc-2022", &key, &vm, "2025-01-01T00:00:00Z").unwrap();
    (c, list)
}

fn verify_text(text: String, opts: &VerifyOptions) -> verify::Report {
    verify::verify_input(&Input::Text { label: "c".into(), text }, opts)
}

// ---------------------------------------------------------------------------
// 1. PNG text bomb

#[test]
fn png_text_bomb_is_stopped_while_inflating() {
    let png = png_text_bomb(3);
    assert!(png.len() < 4 << 20, "a {} byte file", png.len());
    // The stream really goes on far past the cap: its first 64 MiB inflate.
    let z = &png[png.windows(4).position(|w| w == b"iTXt").unwrap() + 4 + 24..];
    let n = std::io::copy(&mut std::io::Read::take(flate2::read::ZlibDecoder::new(z), 64 << 20), &mut std::io::sink()).unwrap();
    assert_eq!(n, 64 << 20);
    let t = Instant::now();
    let e = import::parse_bytes("bomb.png", &png, &ImportOptions::default()).unwrap_err();
    let took = t.elapsed();
    assert_eq!(e.code(), "too-large", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("inflated") && msg.contains(&import::MAX_PAYLOAD_BYTES.to_string()), "{msg}");
    assert!(took < Duration::from_secs(3), "took {took:?}");

    // The CLI, in its own process: quick, refused, and small in memory.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bomb.png");
    std::fs::write(&f, &png).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backpack"));
    cmd.args(["verify", "--json", "--offline"]).arg(&f);
    let (out, took) = run_within(cmd, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    assert!(report.to_string().contains("stopped reading there"), "{report}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let peak = children_peak_rss_mib();
    eprintln!("bomb: {} byte PNG, CLI {took:?}, peak RSS of children {peak} MiB", png.len());
    assert!(peak < 200, "peak RSS {peak} MiB");
}

// ---------------------------------------------------------------------------
// 2. Named files

#[test]
fn dev_zero_fifos_and_stdin_end_promptly_with_an_error() {
    let cli = Cli::passphrase("limits-test");
    assert!(cli.run(&["list"]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let fifo = fifo.to_str().unwrap();
    for args in [
        vec!["import", "--json", "--offline", "/dev/zero"],
        vec!["import", "--json", "--offline", fifo],
        vec!["verify", "--json", "--offline", "/dev/zero"],
        vec!["verify", "--json", "--offline", fifo],
        vec!["check", "--json", "/dev/zero"],
    ] {
        let mut cmd = cli.cmd();
        cmd.args(&args);
        let (out, took) = run_within(cmd, Duration::from_secs(20));
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_ne!(out.status.code(), Some(0), "{args:?}: {all}");
        assert!(out.status.code().is_some(), "{args:?} ended by a signal");
        assert!(all.contains("not a regular file"), "{args:?}: {all}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
        if args[0] == "import" {
            assert!(all.contains("\"code\":\"not-a-regular-file\""), "{args:?}: {all}");
        }
    }
    // Pathway files and images to bake into go through the same reader.
    let (out, _) = run_within({ let mut c = cli.cmd(); c.args(["pathway", "import", "/dev/zero"]); c }, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a regular file"), "{}", stderr(&out));
    // Standard input that never ends stops at the limit.
    let mut cmd = cli.cmd();
    cmd.args(["import", "--offline", "-"]);
    let (out, took) = run_within_stdin(cmd, Some(std::fs::File::open("/dev/zero").unwrap().into()), Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard input is more than 16777216 bytes"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(cli.count(), 0);
}

#[test]
fn a_folder_walk_reports_non_regular_entries_and_goes_on() {
    let cli = Cli::passphrase("limits-test");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), status_pair("https://status.example/1").0.to_string()).unwrap();
    let c = std::ffi::CString::new(dir.path().join("b.json").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let mut cmd = cli.cmd();
    cmd.args(["import", "--json", "--offline"]).arg(dir.path());
    let (out, _) = run_within(cmd, Duration::from_secs(20));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["status"], "imported", "{lines:?}");
    assert_eq!(lines[1]["code"], "not-a-regular-file", "{lines:?}");
    assert!(lines[1]["source"].as_str().unwrap().ends_with("b.json"));
    assert_eq!(cli.count(), 1);
    // An image to bake into goes through the same reader.
    let id = lines[0]["id"].as_str().unwrap();
    let mut cmd = cli.cmd();
    cmd.args(["export", id, "--format", "png", "--into", "/dev/zero", "-o"]).arg(dir.path().join("out.png"));
    let (out, _) = run_within(cmd, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("/dev/zero: not a regular file"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// 3. Deadline

#[test]
fn a_trickling_server_cannot_hold_a_request_past_the_deadline() {
    let s = CountingServer::start();
    let f = fetcher(2, true);
    for path in ["/trickle", "/stall"] {
        let t = Instant::now();
        let e = f.get_requested(&s.url(path)).unwrap_err();
        let took = t.elapsed();
        assert_eq!(e.code(), "deadline", "{path}: {e}");
        assert!(e.to_string().contains("took too long"), "{e}");
        assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(4), "{path} took {took:?}");
    }
    // A status list served a byte a second: "could not check", within the deadline.
    let (c, _) = status_pair("https://status.example/trickle/1");
    let opts = VerifyOptions { fetcher: Some(fetcher(2, false).with_map("https://status.example/", &s.url("/"))), now: at(NOW) };
    let t = Instant::now();
    let r = verify_text(c.to_string(), &opts);
    assert!(t.elapsed() < Duration::from_secs(5), "took {:?}", t.elapsed());
    let status = r.check("status").unwrap();
    assert_eq!(status.outcome, Outcome::Error, "{:?}", r.checks);
    assert!(status.detail.contains("took too long"), "{}", status.detail);
}

#[test]
fn cli_import_by_url_ends_at_the_deadline() {
    let s = CountingServer::start();
    let cli = Cli::passphrase("limits-test");
    let mut cmd = cli.cmd();
    cmd.env("BACKPACK_HTTP_DEADLINE_SECS", "2").args(["import", "--json", &s.url("/trickle")]);
    let (out, took) = run_within(cmd, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["code"], "deadline", "{line}");
    assert!(line["error"].as_str().unwrap().contains("took too long"), "{line}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

// ---------------------------------------------------------------------------
// 4. No private addresses from credential content

#[test]
fn status_lists_on_loopback_are_not_fetched_without_the_switch() {
    let s = CountingServer::start();
    let (c, list) = status_pair(&s.url("/lists/1"));
    s.serve(list.to_string());
    let r = verify_text(c.to_string(), &VerifyOptions { fetcher: Some(fetcher(5, false)), now: at(NOW) });
    let status = r.check("status").unwrap();
    assert_eq!(status.outcome, Outcome::Error, "{:?}", r.checks);
    assert!(status.detail.contains("loopback"), "{}", status.detail);
    assert_eq!(r.verdict, verify::Verdict::Indeterminate);
    // The same name through DNS: refused after resolution.
    let by_name = s.url("/lists/1").replace("127.0.0.1", "localhost");
    let (c2, _) = status_pair(&by_name);
    let r = verify_text(c2.to_string(), &VerifyOptions { fetcher: Some(fetcher(5, false)), now: at(NOW) });
    let status = r.check("status").unwrap();
    assert_eq!(status.outcome, Outcome::Error, "{:?}", r.checks);
    assert!(status.detail.contains("localhost (127.0.0.1) is a loopback address"), "{}", status.detail);
    assert_eq!(s.count(), 0, "no connection without the switch");
    // With the switch the list is fetched and the credential is clear.
    let r = verify_text(c.to_string(), &VerifyOptions { fetcher: Some(fetcher(5, true)), now: at(NOW) });
    assert_eq!(r.check("status").unwrap().outcome, Outcome::Pass, "{:?}", r.checks);
    assert!(s.count() >= 1);
}

#[test]
fn did_web_keys_and_linked_badge_classes_on_private_addresses_are_refused() {
    let s = CountingServer::start();
    s.serve("{}".into());
    // A did:web on 127.0.0.1: "could not check", never "invalid".
    let key = ed25519_dalek::SigningKey::from_bytes(&[4u8; 32]);
    let did = format!("did:web:127.0.0.1%3A{}", s.port);
    let vm = format!("{did}#key-1");
    let (c, _) = status_pair("https://status.example/x");
    let mut c = c;
    c.as_object_mut().unwrap().remove("proof");
    c.as_object_mut().unwrap().remove("credentialStatus");
    c["issuer"]["id"] = Value::String(did.clone());
    let signed = backpack::verify::sign::sign_data_integrity(&c, "eddsa-rdfc-2022", &key, &vm, "2025-01-01T00:00:00Z").unwrap();
    let r = verify_text(signed.to_string(), &VerifyOptions { fetcher: Some(fetcher(5, false)), now: at(NOW) });
    let proof = r.check("proof").unwrap();
    assert_eq!(proof.outcome, Outcome::Error, "{:?}", r.checks);
    assert!(proof.detail.contains("loopback"), "{}", proof.detail);
    assert_eq!(r.verdict, verify::Verdict::Indeterminate);

    // An OB 2.0 assertion whose BadgeClass link points at a private or
    // link-local address: a warning that says why, nothing fetched.
    let text = std::fs::read_to_string(ob20("basic-assertion.json")).unwrap();
    for (url, class) in [
        (s.url("/badge.json"), "loopback"),
        ("http://169.254.169.254/latest/meta-data/".to_string(), "link-local"),
        ("http://[::ffff:10.0.0.1]/b.json".to_string(), "private"),
    ] {
        let t = text.replace("https://example.org/robotics-badge.json", &url);
        let c = import::parse_bytes("a.json", t.as_bytes(), &ImportOptions { fetcher: Some(fetcher(5, false)), ..Default::default() })
            .unwrap()
            .items
            .remove(0)
            .credential;
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(c.warnings[0].contains(class) && c.warnings[0].contains("BACKPACK_ALLOW_PRIVATE_NETWORK"), "{:?}", c.warnings);
    }
    assert_eq!(s.count(), 0, "no connection without the switch");
}

#[test]
fn cli_switch_allows_private_addresses_and_typed_urls_are_always_allowed() {
    let s = CountingServer::start();
    let (c, list) = status_pair(&s.url("/lists/1"));
    s.serve(list.to_string());
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.json");
    std::fs::write(&f, c.to_string()).unwrap();
    let run = |allow: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backpack"));
        cmd.env_remove("BACKPACK_ALLOW_PRIVATE_NETWORK").args(["verify", "--json", "--now", NOW]).arg(&f);
        if allow {
            cmd.env("BACKPACK_ALLOW_PRIVATE_NETWORK", "1");
        }
        let (out, _) = run_within(cmd, Duration::from_secs(30));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
        (out.status.code(), v)
    };
    let (code, report) = run(false);
    assert_ne!(code, Some(0));
    let status = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "status").unwrap().clone();
    assert_eq!(status["outcome"], "error", "{report}");
    assert!(status["detail"].as_str().unwrap().contains("loopback"), "{status}");
    assert_eq!(s.count(), 0);
    let (code, report) = run(true);
    assert_eq!(code, Some(0), "{report}");
    assert!(s.count() >= 1);

    // A URL the user types is the user's choice: fetched on 127.0.0.1 without the switch.
    let before = s.count();
    let e = fetcher(5, false).get_requested(&s.url("/anything")).unwrap();
    assert!(!e.body.is_empty());
    assert_eq!(s.count(), before + 1);
}
