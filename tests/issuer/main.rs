//! The test issuer: an OpenID4VCI (1.0 Final and Draft 13), VC-API exchange
//! and DCC credential issuer on 127.0.0.1, which the wallet's integration
//! tests run against. This file owns the process (arguments, the listening
//! line, the request loop), the request log (`GET`/`DELETE /_log`) and the
//! routing of a path to the module that answers it.
//!
//! It is deliberately strict: whatever the specifications say a wallet must
//! not do is refused with the specification's error code, and every request
//! is logged (with notes saying why it was refused) so tests can assert on
//! what the wallet sent.
//!
//! Run: `target/debug/examples/test-issuer [--port N]` (first stdout line:
//! `listening http://127.0.0.1:PORT`), or `--self-test DIR` to play the
//! wallet against a fresh server and write every issued credential to DIR.
//!
//! URL layout (BASE = `http://127.0.0.1:PORT`, P = a profile, see `profiles.rs`):
//!
//! | URL | what |
//! |-----|------|
//! | `GET BASE/.well-known/openid-credential-issuer/P` | 1.0 issuer metadata (404 for Draft 13 profiles) |
//! | `GET BASE/P/.well-known/openid-credential-issuer` | Draft 13 issuer metadata (404 for 1.0 profiles) |
//! | `GET BASE/.well-known/oauth-authorization-server/P` | AS metadata (`.../auth` for `tenant/a`'s external AS) |
//! | `GET BASE/P/offer` | a fresh offer: `{by_value, by_reference, https, tx_code, offer}` |
//! | `GET BASE/P/offers/ID` | an offer by reference |
//! | `POST BASE/P/token` (`BASE/auth/token` for `tenant/a`) | token endpoint |
//! | `POST BASE/P/par`, `GET BASE/P/authorize` | PAR and authorization (`authcode`, `authcode-deny`) |
//! | `POST BASE/P/nonce` | nonce endpoint (1.0) |
//! | `POST BASE/P/credential`, `POST BASE/P/deferred` | credential and deferred credential endpoints |
//! | `POST BASE/P/notification` | notification endpoint (1.0) |
//! | `GET BASE/vcapi/interaction?iuv=1`, `GET BASE/vcapi/interaction-oid4vci?iuv=1` | VC-API interaction URLs |
//! | `POST BASE/vcapi/exchanges/ID` | a VC-API exchange |
//! | `GET BASE/dcc/offer`, `POST BASE/dcc/request/ID` | a DCC credential request |
//! | `GET BASE/_log`, `DELETE BASE/_log` | the request log (requests to `/_log` are not logged) |
//!
//! Modules: [`http`] (requests, responses, helpers), [`profiles`] (what each
//! issuer under `BASE/<profile>` is), [`oid4vci`] (metadata, offers, token,
//! credential, nonce, deferred, notification, PAR and authorization
//! endpoints), [`proof`] (the holder's key proof JWT), [`issue`] (building
//! and signing the credentials), [`vcapi`] (VC-API exchanges and DCC
//! requests), [`selftest`] (the wallet played for the smoke check).

mod http;
mod issue;
mod oid4vci;
mod profiles;
mod proof;
mod selftest;
mod vcapi;

use std::io::Write;

use serde_json::{json, Value};

use http::{Req, Resp};

/// Everything the issuer remembers: keys, the OpenID4VCI and VC-API state, the log.
pub struct App {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    /// The issuer's signing key and identity.
    pub issuer: issue::Issuer,
    /// Offers, codes, tokens, nonces, transactions.
    pub vci: oid4vci::State,
    /// VC-API exchanges and DCC requests.
    pub vcapi: vcapi::State,
    /// Every request so far (except those to `/_log`), oldest first.
    pub log: Vec<Value>,
}

impl App {
    fn new(base: String) -> App {
        App { base, issuer: issue::Issuer::fixed(), vci: Default::default(), vcapi: Default::default(), log: Vec::new() }
    }

    /// Answer one request and record it (with the answer's status and notes).
    fn serve(&mut self, r: &Req) -> Resp {
        if r.path == "/_log" {
            return match r.method.as_str() {
                "GET" => Resp::json(200, Value::Array(self.log.clone())),
                "DELETE" => {
                    self.log.clear();
                    Resp::empty(204)
                }
                _ => Resp::method_not_allowed(),
            };
        }
        let resp = self.route(r);
        let mut entry = r.log_entry();
        entry["status"] = json!(resp.status);
        if !resp.notes.is_empty() {
            entry["notes"] = json!(resp.notes);
        }
        self.log.push(entry);
        resp
    }

    fn route(&mut self, r: &Req) -> Resp {
        let path = r.path.clone();
        if let Some(rest) = path.strip_prefix("/.well-known/openid-credential-issuer/") {
            return oid4vci::issuer_metadata_inserted(self, r, rest);
        }
        if let Some(rest) = path.strip_prefix("/.well-known/oauth-authorization-server/") {
            return oid4vci::as_metadata(self, r, rest);
        }
        if path.starts_with("/vcapi/") {
            return vcapi::route(self, r, &path["/vcapi".len()..]);
        }
        if path.starts_with("/dcc/") {
            return vcapi::route_dcc(self, r, &path["/dcc".len()..]);
        }
        if let Some(rest) = path.strip_prefix("/auth/") {
            return oid4vci::external_as(self, r, rest);
        }
        if let Some((profile, rest)) = profiles::split_path(&path) {
            return oid4vci::route(self, r, &profile, rest);
        }
        Resp::not_found(&format!("nothing at {path}"))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut port = 0u16;
    let mut self_test: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--port" => {
                i += 1;
                port = args.get(i).and_then(|p| p.parse().ok()).unwrap_or_else(|| usage("--port needs a number"));
            }
            "--self-test" => {
                i += 1;
                self_test = Some(args.get(i).cloned().unwrap_or_else(|| usage("--self-test needs a directory")));
            }
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
        i += 1;
    }
    let server = tiny_http::Server::http(("127.0.0.1", port)).unwrap_or_else(|e| {
        eprintln!("test-issuer: cannot listen on 127.0.0.1:{port}: {e}");
        std::process::exit(1)
    });
    let port = server.server_addr().to_ip().map(|a| a.port()).expect("an IP listener");
    let base = format!("http://127.0.0.1:{port}");
    println!("listening {base}");
    std::io::stdout().flush().expect("stdout");

    let mut app = App::new(base.clone());
    let mut run = move || {
        for mut request in server.incoming_requests() {
            let req = Req::read(&mut request);
            let resp = app.serve(&req);
            if let Err(e) = request.respond(resp.into_tiny()) {
                eprintln!("test-issuer: could not answer {} {}: {e}", req.method, req.path);
            }
        }
    };
    match self_test {
        None => run(),
        Some(dir) => {
            std::thread::spawn(run);
            let ok = selftest::run(&base, std::path::Path::new(&dir));
            std::process::exit(if ok { 0 } else { 1 });
        }
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("test-issuer: {problem}");
    }
    eprintln!("usage: test-issuer [--port N] [--self-test DIR]");
    std::process::exit(2)
}
