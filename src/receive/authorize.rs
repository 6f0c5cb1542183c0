//! The authorization code grant for a desktop wallet (RFC 8252): the user
//! signs in at the issuer in the system browser, which comes back to a
//! one-time listener on `http://127.0.0.1:<port>/callback`.
//!
//! PKCE S256 always; a pushed authorization request (RFC 9126) whenever the
//! server has a PAR endpoint (so only `client_id` and `request_uri` travel
//! through the browser); `authorization_details` with the configuration id
//! (and its `scope`, when it has one); the offer's `issuer_state`; on return
//! `state` checked (other returns ignored) and `iss` (RFC 9207). The
//! browser is `$BROWSER` when set (a test's scripted browser), else the
//! desktop's opener. Waiting ends at the callback, on cancel, or after the
//! timeout.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::Digest;

use super::metadata::{AuthServer, Configuration};
use super::offer::AuthorizationCode;
use super::{b64, check_url, err, random_b64, Http, ReceiveError};

/// How long the wallet waits for the user to finish in the browser.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// What comes back from the browser, ready for the token request.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The authorization code.
    pub code: String,
    /// The PKCE verifier.
    pub verifier: String,
    /// The redirect URI used (sent again with the token request).
    pub redirect_uri: String,
}

/// The shell's part in the hand-off: open a URL, say whether the user cancelled.
pub struct Handoff<'a> {
    /// Open the URL in the browser.
    pub open: &'a dyn Fn(&str) -> Result<(), String>,
    /// The user cancelled.
    pub cancelled: &'a dyn Fn() -> bool,
    /// Give up after this long.
    pub timeout: Duration,
}

/// Run the authorization code hand-off.
pub fn authorize(
    http: &Http<'_>,
    server: &AuthServer,
    config: &Configuration,
    grant: Option<&AuthorizationCode>,
    client_id: &str,
    hand: &Handoff<'_>,
) -> Result<Authorization, ReceiveError> {
    let Some(endpoint) = &server.authorization_endpoint else {
        return err("metadata-invalid", format!("the authorization server {} has no authorization_endpoint", server.issuer));
    };
    check_url(endpoint, "the authorization endpoint")?;
    if !server.code_challenge_methods.is_empty() && !server.code_challenge_methods.iter().any(|m| m == "S256") {
        return err("unsupported", "the authorization server does not support PKCE with S256, which Backpack requires");
    }
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| ReceiveError::new("io", format!("cannot listen on 127.0.0.1 for the browser's return: {e}")))?;
    let port = listener.local_addr().map_err(|e| ReceiveError::new("io", e.to_string()))?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let state = random_b64(16);
    let verifier = random_b64(32);
    let challenge = b64(&sha2::Sha256::digest(verifier.as_bytes()));
    let mut params: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), client_id.into()),
        ("redirect_uri".into(), redirect_uri.clone()),
        ("state".into(), state.clone()),
        ("code_challenge".into(), challenge),
        ("code_challenge_method".into(), "S256".into()),
        ("authorization_details".into(), json!([{"type": "openid_credential", "credential_configuration_id": config.id}]).to_string()),
    ];
    if let Some(s) = &config.scope {
        params.push(("scope".into(), s.clone()));
    }
    if let Some(s) = grant.and_then(|g| g.issuer_state.as_ref()) {
        params.push(("issuer_state".into(), s.clone()));
    }
    let mut browser_url = url::Url::parse(endpoint).map_err(|e| ReceiveError::new("bad-url", e.to_string()))?;
    match &server.par_endpoint {
        Some(par) => {
            let a = http.post_form(par, params, "the pushed authorization request endpoint")?;
            let request_uri = a.json.get("request_uri").and_then(|v| v.as_str()).filter(|_| a.ok());
            let Some(request_uri) = request_uri else {
                return err("authorization-failed", format!("the authorization server refused the pushed authorization request ({})", a.describe()));
            };
            browser_url.query_pairs_mut().append_pair("client_id", client_id).append_pair("request_uri", request_uri);
        }
        None if server.require_par => return err("metadata-invalid", "the authorization server requires pushed authorization requests but names no endpoint for them"),
        None => {
            browser_url.query_pairs_mut().extend_pairs(params.iter());
        }
    }
    (hand.open)(browser_url.as_str()).map_err(|e| ReceiveError::new("browser-failed", format!("the browser could not be opened: {e}")))?;
    let returned = wait(&listener, hand, &state)?;
    // RFC 9207: the server names itself in the response, so a response from
    // another authorization server (a mix-up) is not taken for this one's.
    match (&returned.iss, server.iss_parameter_supported) {
        (Some(iss), _) if iss.trim_end_matches('/') != server.issuer.trim_end_matches('/') => {
            return err("issuer-mismatch", format!("the sign-in answer came from {iss}, not from {}; nothing was requested", server.issuer))
        }
        (None, true) => return err("issuer-mismatch", format!("the sign-in answer does not name its server, which {} promises (RFC 9207); nothing was requested", server.issuer)),
        _ => {}
    }
    Ok(Authorization { code: returned.code, verifier, redirect_uri })
}

/// The browser's return to the listener, with this request's `state`.
struct Returned {
    code: String,
    iss: Option<String>,
}

/// Wait for the browser's return with `state` on the listener: the code, or
/// why not. Returns that carry another `state` (or none) are answered and
/// ignored, so a page that calls the loopback address cannot end or steer
/// the sign-in; if only such returns came before the timeout, the error says so.
fn wait(listener: &TcpListener, hand: &Handoff<'_>, state: &str) -> Result<Returned, ReceiveError> {
    listener.set_nonblocking(true).map_err(|e| ReceiveError::new("io", e.to_string()))?;
    let started = Instant::now();
    let mut foreign = 0;
    loop {
        if (hand.cancelled)() {
            return err("cancelled", "signing in at the issuer was cancelled; nothing was requested");
        }
        if started.elapsed() > hand.timeout {
            if foreign > 0 {
                return err("state-mismatch", format!("the browser came back {foreign} time(s), never with this request's state; nothing was requested"));
            }
            return err("authorization-timeout", format!("signing in at the issuer did not finish within {} s", hand.timeout.as_secs()));
        }
        match listener.accept() {
            Ok((stream, _)) => match answer(stream, state) {
                Answered::Ours(r) => return r,
                Answered::Foreign => foreign += 1,
                Answered::Other => {}
            },
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return err("io", format!("the browser's return failed: {e}")),
        }
    }
}

enum Answered {
    /// The callback with this request's state: the code, or the server's refusal.
    Ours(Result<Returned, ReceiveError>),
    /// A callback with another state, or none.
    Foreign,
    /// Anything else (a favicon, a probe).
    Other,
}

/// Read one request on the listener and answer it.
fn answer(mut stream: TcpStream, state: &str) -> Answered {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    while n < buf.len() {
        match stream.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => {
                n += k;
                if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let head = String::from_utf8_lossy(&buf[..n]);
    let target = head.lines().next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or("");
    let u = url::Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let Some(u) = u.filter(|u| u.path() == "/callback") else {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return Answered::Other;
    };
    let q = |k: &str| u.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned());
    let (page, answered) = if q("state").as_deref() != Some(state) {
        ("This answer does not belong to Backpack's current sign-in and was ignored.", Answered::Foreign)
    } else {
        match (q("code"), q("error")) {
            (_, Some(e)) => {
                let d = q("error_description").map(|d| format!(": {d}")).unwrap_or_default();
                (
                    "The issuer did not authorize the request. You can close this page.",
                    Answered::Ours(Err(ReceiveError::new("authorization-denied", format!("the issuer did not authorize the request ({e}{d})")))),
                )
            }
            (Some(code), None) => ("Done. You can close this page and return to Backpack.", Answered::Ours(Ok(Returned { code, iss: q("iss") }))),
            (None, None) => (
                "The issuer sent no code. You can close this page.",
                Answered::Ours(Err(ReceiveError::new("authorization-failed", "the browser came back without an authorization code"))),
            ),
        }
    };
    let body = format!("<!doctype html><meta charset=utf-8><title>Backpack</title><p>{page}</p>");
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Security-Policy: default-src 'none'\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    answered
}

/// Open `url` in the user's browser: `$BROWSER` when set (its first
/// `:`-separated entry; `%s` replaced by the URL, else the URL appended as
/// an argument; no shell), else `xdg-open` / `open` / the Windows opener.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    check_url(url, "the sign-in page").map_err(|e| e.message)?;
    let mut cmd = match std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty()) {
        Some(b) => {
            let first = b.split(':').next().unwrap_or_default().to_string();
            let mut words: Vec<String> = first.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                return Err("$BROWSER is empty".into());
            }
            if words.iter().any(|w| w.contains("%s")) {
                words = words.into_iter().map(|w| w.replace("%s", url)).collect();
            } else {
                words.push(url.to_string());
            }
            let mut c = std::process::Command::new(&words[0]);
            c.args(&words[1..]);
            c
        }
        None if cfg!(target_os = "macos") => {
            let mut c = std::process::Command::new("open");
            c.arg(url);
            c
        }
        None if cfg!(windows) => {
            let mut c = std::process::Command::new("rundll32");
            c.args(["url.dll,FileProtocolHandler", url]);
            c
        }
        None => {
            let mut c = std::process::Command::new("xdg-open");
            c.arg(url);
            c
        }
    };
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("{e}"))?;
    // Reap it whenever it ends, so no zombie is left behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}
