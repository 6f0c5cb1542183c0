//! Receiving credentials straight from issuers: the wire protocols, without
//! the store or any UI (the use case that stores and reports is
//! [`crate::app::receive`]).
//!
//! - [`offer`]: what a pasted text, link or QR code asks for: an OpenID4VCI
//!   credential offer (by value or by reference), a DCC credential request
//!   (`dccrequest://`, `org.dcconsortium://`, `…/request?vc_request_url=`) or
//!   a VC-API interaction URL (`?iuv=1`, `interaction:`).
//! - [`metadata`]: issuer and authorization-server metadata, found where
//!   OpenID4VCI 1.0 puts them and where draft-13 deployments do, read in
//!   either version's shape.
//! - [`holder`]: per-issuer holder keys (Ed25519, P-256) and their binding
//!   (did:key, did:jwk, bare `jwk`), proof JWTs.
//! - [`oid4vci`]: the grants (pre-authorized code with `tx_code`,
//!   authorization code), nonce, credential and deferred requests in 1.0 and
//!   draft-13 shapes, notifications.
//! - [`authorize`]: the authorization-code hand-off for a desktop app: PKCE
//!   S256, pushed authorization requests, the system browser, an RFC 8252
//!   loopback redirect with `state` checked.
//! - [`vcapi`]: VC-API exchanges and DCC requests answered with a
//!   holder-signed DIDAuth presentation.
//! - [`qr`]: a QR code read from a picture (a screenshot of an offer).
//!
//! Why our own wire structs and not Impierce's `oid4vci` 0.4: it follows
//! 1.0 only (our issuers still run draft 13), has no deferred issuance and no
//! `ldp_vc`, and brings `jsonwebtoken` and a second HTTP client; the shapes
//! both versions use are small and are read here leniently, each field where
//! either version puts it.
//!
//! Every request goes through [`crate::import::fetch`] (the one HTTP client,
//! its size and time limits). Plain `http` is accepted for loopback
//! addresses only ([`check_url`]).

pub mod authorize;
pub mod holder;
pub mod metadata;
pub mod offer;
pub mod oid4vci;
pub mod qr;
pub mod vcapi;

use serde_json::Value;

use crate::import::fetch::{Answer, Body, Exchange, Fetcher};

/// Why receiving failed: a stable code and a message that names the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReceiveError {
    /// Stable code (`bad-offer`, `issuer-mismatch`, `metadata-unreachable`, …).
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

impl ReceiveError {
    /// An error with this code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> ReceiveError {
        ReceiveError { code, message: message.into() }
    }
}

/// Shorthand for an error.
pub(crate) fn err<T>(code: &'static str, message: impl Into<String>) -> Result<T, ReceiveError> {
    Err(ReceiveError::new(code, message))
}

/// Largest offer text (pasted, in a link or a QR code) read.
pub const MAX_OFFER_BYTES: usize = 64 * 1024;

/// An issuer URL is usable: `https`, or `http` to a loopback address
/// (`127.0.0.0/8`, `::1`, `localhost`) for local issuers and tests.
pub fn check_url(url: &str, what: &str) -> Result<url::Url, ReceiveError> {
    let u = url::Url::parse(url).map_err(|e| ReceiveError::new("bad-url", format!("{what} is not a valid URL ({url}): {e}")))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => err("insecure-url", format!("{what} uses plain http ({url}); only https is accepted, or http to this computer (127.0.0.1)")),
        s => err("bad-url", format!("{what} has scheme '{s}' ({url}); only https is accepted")),
    }
}

/// The URL's host is this computer.
pub fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The HTTP side of receiving: every request checked by [`check_url`], sent
/// through the one client, answers read as JSON.
pub struct Http<'a> {
    fetcher: &'a Fetcher,
}

/// A JSON answer: status and body (the body `Null` when it was empty or not JSON).
#[derive(Debug, Clone)]
pub struct JsonAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON; `Null` when empty or not JSON.
    pub json: Value,
    /// The body as sent.
    pub raw: Vec<u8>,
    /// The content type.
    pub content_type: Option<String>,
}

impl JsonAnswer {
    /// A 2xx status.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The OAuth-style `error` member of an error answer, and its description.
    pub fn oauth_error(&self) -> Option<(String, Option<String>)> {
        let e = self.json.get("error")?.as_str()?.to_string();
        let d = self.json.get("error_description").and_then(Value::as_str).map(str::to_string);
        Some((e, d))
    }

    /// `error (description)` or `HTTP status` for messages.
    pub fn describe(&self) -> String {
        match self.oauth_error() {
            Some((e, Some(d))) => format!("{e}: {d}"),
            Some((e, None)) => e,
            None => format!("HTTP {}", self.status),
        }
    }
}

impl<'a> Http<'a> {
    /// Requests through `fetcher`.
    pub fn new(fetcher: &'a Fetcher) -> Http<'a> {
        Http { fetcher }
    }

    /// Send one request; `what` names it in errors ("the issuer's metadata").
    pub fn send(&self, url: &str, body: Body, bearer: Option<&str>, what: &str) -> Result<JsonAnswer, ReceiveError> {
        check_url(url, what)?;
        let req = Exchange {
            url: url.to_string(),
            body,
            bearer: bearer.map(str::to_string),
            accept: "application/json",
        };
        let Answer { status, body, content_type, .. } = self
            .fetcher
            .exchange(&req)
            .map_err(|e| ReceiveError::new("unreachable", format!("{what} could not be reached: {e}")))?;
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok(JsonAnswer { status, json, raw: body, content_type })
    }

    /// GET a URL.
    pub fn get(&self, url: &str, what: &str) -> Result<JsonAnswer, ReceiveError> {
        self.send(url, Body::None, None, what)
    }

    /// POST JSON.
    pub fn post_json(&self, url: &str, body: Value, bearer: Option<&str>, what: &str) -> Result<JsonAnswer, ReceiveError> {
        self.send(url, Body::Json(body), bearer, what)
    }

    /// POST a form.
    pub fn post_form(&self, url: &str, form: Vec<(String, String)>, what: &str) -> Result<JsonAnswer, ReceiveError> {
        self.send(url, Body::Form(form), None, what)
    }
}

/// Random bytes as base64url (state, PKCE verifier, ids).
pub(crate) fn random_b64(n: usize) -> String {
    use base64::Engine;
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Base64url without padding.
pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
