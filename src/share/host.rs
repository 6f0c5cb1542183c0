//! Share locations: where encrypted share objects are uploaded, and how they
//! are deleted again. Two kinds: a WebDAV / plain HTTP PUT target (Nextcloud,
//! SURFdrive, a static host that accepts PUT) and S3-compatible storage
//! (requests pre-signed with SigV4 by `rusty-s3`).
//!
//! A location's settings live in the encrypted store; its password, token or
//! S3 secret key lives in the OS keyring (service `Backpack`, account
//! `share-location-<location id>`), or comes from `BACKPACK_SHARE_PASSWORD`
//! for non-interactive use. Every request has a timeout, no redirects are
//! followed for writes, and only http(s) URLs are accepted.

use std::io::Read;
use std::time::Duration;

use rusty_s3::S3Action;

pub use crate::store::{Location, LocationKind};

/// The environment variable that overrides the keyring for a location's secret.
pub const PASSWORD_ENV: &str = "BACKPACK_SHARE_PASSWORD";

/// Why talking to a share location failed. Each variant has a stable [`HostError::code`].
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The location's settings are unusable (not an http(s) URL, no host, a bad bucket) or the HTTP client
    /// could not start; holds the message.
    #[error("share location: {0}")]
    Config(String),
    #[error("could not reach the share location {url}: {detail}")]
    /// No HTTP answer: DNS, connection, TLS or timeout.
    Unreachable {
        /// The URL tried (without credentials or signature).
        url: String,
        /// The transport error.
        detail: String,
    },
    #[error("the share location refused the user name or password (HTTP {status}); check them with 'backpack shares location add' or {PASSWORD_ENV}")]
    /// The host refused the credentials (HTTP 401 or 403).
    Auth {
        /// The HTTP status.
        status: u16,
    },
    #[error("the folder for shares does not exist on the host (HTTP {status} for {url}); create it first")]
    /// The folder to upload into does not exist on the host (HTTP 404/409 on a PUT).
    NoFolder {
        /// The HTTP status.
        status: u16,
        /// The URL tried.
        url: String,
    },
    #[error("the share location answered HTTP {status} to {what} {url}")]
    /// Any other unexpected HTTP status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The request: `PUT`, `DELETE`, `MKCOL`, `GET` or `GET (over 8 MiB)`.
        what: &'static str,
        /// The URL tried (without credentials or signature).
        url: String,
    },
    #[error("no password for share location '{name}': set {PASSWORD_ENV} or add the location again to save it in the OS keyring")]
    /// The location needs a password or secret key and neither the keyring nor [`PASSWORD_ENV`] has one.
    NoSecret {
        /// The location's name.
        name: String,
    },
    /// Reading or writing the secret in the OS keyring failed; holds the keyring's message.
    #[error("the OS keyring: {0}")]
    Keyring(String),
}

impl HostError {
    /// A stable code the CLI JSON and the app can match on (`share-host-auth`, `keyring`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            HostError::Config(_) => "share-location-config",
            HostError::Unreachable { .. } => "share-host-unreachable",
            HostError::Auth { .. } => "share-host-auth",
            HostError::NoFolder { .. } => "share-host-no-folder",
            HostError::Status { .. } => "share-host-status",
            HostError::NoSecret { .. } => "share-secret-missing",
            HostError::Keyring(_) => "keyring",
        }
    }
}

fn check_url(u: &str, what: &str) -> Result<url::Url, HostError> {
    let p = url::Url::parse(u).map_err(|e| HostError::Config(format!("{what} '{u}' is not a URL: {e}")))?;
    if !matches!(p.scheme(), "http" | "https") {
        return Err(HostError::Config(format!("{what} must be an http or https URL, not '{u}'")));
    }
    if p.host_str().is_none() {
        return Err(HostError::Config(format!("{what} '{u}' has no host")));
    }
    Ok(p)
}

/// `u` with exactly one trailing slash (a folder URL that names are appended to).
fn folder(u: &str) -> String {
    format!("{}/", u.trim_end_matches('/'))
}

impl Location {
    /// Check the settings and normalise folder URLs.
    pub fn validated(mut self) -> Result<Location, HostError> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self.name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return Err(HostError::Config(format!(
                "'{}' is not a usable name (letters, digits, '-', '_' and '.', at most 64)",
                self.name
            )));
        }
        match &mut self.kind {
            LocationKind::Webdav { url, user } => {
                check_url(url, "the WebDAV URL")?;
                *url = folder(url);
                if user.as_deref() == Some("") {
                    *user = None;
                }
            }
            LocationKind::S3 { endpoint, bucket, region, access_key, .. } => {
                check_url(endpoint, "the S3 endpoint")?;
                if bucket.is_empty() || region.is_empty() || access_key.is_empty() {
                    return Err(HostError::Config("S3 needs --bucket, --region and --access-key".into()));
                }
            }
        }
        if let Some(p) = &mut self.public_url {
            check_url(p, "the public URL")?;
            *p = folder(p);
        }
        Ok(self)
    }

    /// Whether requests need a secret (a password, token or S3 secret key).
    pub fn needs_secret(&self) -> bool {
        match &self.kind {
            LocationKind::Webdav { user, .. } => user.is_some(),
            LocationKind::S3 { .. } => true,
        }
    }

    /// Where objects are written, for display.
    pub fn target(&self) -> String {
        match &self.kind {
            LocationKind::Webdav { url, .. } => url.clone(),
            LocationKind::S3 { endpoint, bucket, .. } => format!("s3 {endpoint} bucket {bucket}"),
        }
    }

    /// The keyring account of this location's secret ([`crate::secrets`]).
    fn secret_account(&self) -> String {
        format!("share-location-{}", self.id)
    }

    /// Keep the secret in the OS keyring (not when `BACKPACK_KEYRING=off`).
    pub fn save_secret(&self, secret: &str) -> Result<(), HostError> {
        if crate::keys::KeyOptions::from_env().keyring_off {
            return Err(HostError::Keyring("the keyring is turned off (BACKPACK_KEYRING=off)".into()));
        }
        crate::secrets::set(&self.secret_account(), secret).map_err(|e| HostError::Keyring(e.to_string()))
    }

    /// Forget the secret (a missing entry is fine).
    pub fn delete_secret(&self) -> Result<(), HostError> {
        if crate::keys::KeyOptions::from_env().keyring_off {
            return Ok(());
        }
        crate::secrets::delete(&self.secret_account()).map_err(|e| HostError::Keyring(e.to_string()))
    }

    /// The secret: `BACKPACK_SHARE_PASSWORD` if set, else the keyring's.
    pub fn secret(&self) -> Result<Option<String>, HostError> {
        if !self.needs_secret() {
            return Ok(None);
        }
        if let Ok(p) = std::env::var(PASSWORD_ENV) {
            if !p.is_empty() {
                return Ok(Some(p));
            }
        }
        if crate::keys::KeyOptions::from_env().keyring_off {
            return Err(HostError::NoSecret { name: self.name.clone() });
        }
        match crate::secrets::get(&self.secret_account()) {
            Ok(Some(p)) => Ok(Some(p)),
            Ok(None) | Err(_) => Err(HostError::NoSecret { name: self.name.clone() }),
        }
    }

    /// The public URL of object `name`.
    pub fn object_url(&self, name: &str) -> Result<String, HostError> {
        if let Some(p) = &self.public_url {
            return Ok(format!("{p}{name}"));
        }
        match &self.kind {
            LocationKind::Webdav { url, .. } => Ok(format!("{url}{name}")),
            LocationKind::S3 { .. } => Ok(self.bucket()?.object_url(name).map_err(|e| HostError::Config(e.to_string()))?.to_string()),
        }
    }

    fn bucket(&self) -> Result<rusty_s3::Bucket, HostError> {
        let LocationKind::S3 { endpoint, bucket, region, virtual_host, .. } = &self.kind else {
            return Err(HostError::Config("not an S3 location".into()));
        };
        let style = if *virtual_host { rusty_s3::UrlStyle::VirtualHost } else { rusty_s3::UrlStyle::Path };
        rusty_s3::Bucket::new(check_url(endpoint, "the S3 endpoint")?, style, bucket.clone(), region.clone())
            .map_err(|e| HostError::Config(format!("S3 bucket: {e}")))
    }
}

/// How long a pre-signed S3 request stays valid.
const PRESIGN_FOR: Duration = Duration::from_secs(300);

/// What to do with an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Upload (create or replace) the object.
    Put,
    /// Delete the object (revoking a share).
    Delete,
    /// Download the object with the location's credentials (for S3 a pre-signed GET).
    Get,
}

/// A request ready to send: method, URL, and the Basic auth to add, if any.
#[derive(Debug, Clone)]
pub struct Request {
    /// `PUT`, `DELETE` or `GET`.
    pub method: reqwest::Method,
    /// The object URL; for S3 pre-signed, so it carries the signature in its query.
    pub url: url::Url,
    /// WebDAV user and password to send as HTTP Basic auth; `None` for S3 or a location without a user.
    pub basic_auth: Option<(String, String)>,
}

/// The request for `op` on object `name` (S3: pre-signed with SigV4).
pub fn request(loc: &Location, op: Op, name: &str, secret: Option<&str>) -> Result<Request, HostError> {
    let method = match op {
        Op::Put => reqwest::Method::PUT,
        Op::Delete => reqwest::Method::DELETE,
        Op::Get => reqwest::Method::GET,
    };
    match &loc.kind {
        LocationKind::Webdav { url, user } => {
            let url = check_url(&format!("{url}{name}"), "the object URL")?;
            let basic_auth = match user {
                Some(u) => Some((u.clone(), secret.ok_or_else(|| HostError::NoSecret { name: loc.name.clone() })?.to_string())),
                None => None,
            };
            Ok(Request { method, url, basic_auth })
        }
        LocationKind::S3 { access_key, .. } => {
            let bucket = loc.bucket()?;
            let secret = secret.ok_or_else(|| HostError::NoSecret { name: loc.name.clone() })?;
            let creds = rusty_s3::Credentials::new(access_key.clone(), secret.to_string());
            let url = match op {
                Op::Put => bucket.put_object(Some(&creds), name).sign(PRESIGN_FOR),
                Op::Delete => bucket.delete_object(Some(&creds), name).sign(PRESIGN_FOR),
                Op::Get => bucket.get_object(Some(&creds), name).sign(PRESIGN_FOR),
            };
            Ok(Request { method, url, basic_auth: None })
        }
    }
}

/// A blocking HTTP client for share hosts: timeouts, no redirects.
pub struct Client {
    http: reqwest::blocking::Client,
}

impl Client {
    /// A client with the share timeouts and no redirects; fails only when the HTTP stack cannot start.
    pub fn new() -> Result<Client, HostError> {
        // The user's own location: any address, no redirects.
        let http = crate::import::fetch::client(crate::import::fetch::Redirects::None)
            .map_err(|e| HostError::Config(format!("cannot start HTTP client: {e}")))?;
        Ok(Client { http })
    }

    fn send(&self, r: &Request, body: Option<(Vec<u8>, &str)>) -> Result<reqwest::blocking::Response, HostError> {
        // A total deadline per request, body included.
        let mut b = self.http.request(r.method.clone(), r.url.clone()).timeout(crate::import::fetch::deadline());
        if let Some((u, p)) = &r.basic_auth {
            b = b.basic_auth(u, Some(p));
        }
        if let Some((body, content_type)) = body {
            b = b.header(reqwest::header::CONTENT_TYPE, content_type).body(body);
        }
        b.send().map_err(|e| HostError::Unreachable { url: redacted(&r.url), detail: crate::import::fetch::describe_reqwest(&e) })
    }

    /// Upload `body` as object `name`; returns its public URL.
    pub fn put(&self, loc: &Location, name: &str, body: Vec<u8>) -> Result<String, HostError> {
        self.put_as(loc, name, body, "application/octet-stream")
    }

    /// Upload `body` as object `name` (it may hold `/`: a folder, see
    /// [`Client::mkcol`]) served as `content_type`; returns its public URL.
    pub fn put_as(&self, loc: &Location, name: &str, body: Vec<u8>, content_type: &str) -> Result<String, HostError> {
        let r = request(loc, Op::Put, name, loc.secret()?.as_deref())?;
        let resp = self.send(&r, Some((body, content_type)))?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => loc.object_url(name),
            401 | 403 => Err(HostError::Auth { status }),
            404 | 409 => Err(HostError::NoFolder { status, url: redacted(&r.url) }),
            _ => Err(HostError::Status { status, what: "PUT", url: redacted(&r.url) }),
        }
    }

    /// Make folder `path` (ending in `/`) on a WebDAV location (`MKCOL`); one
    /// that already exists (405) is fine, and so is a plain PUT host that
    /// does not know the method (501: its PUT will say whether the folder is
    /// needed). S3 has no folders: nothing is sent.
    pub fn mkcol(&self, loc: &Location, path: &str) -> Result<(), HostError> {
        let LocationKind::Webdav { .. } = &loc.kind else { return Ok(()) };
        let mut r = request(loc, Op::Put, path, loc.secret()?.as_deref())?;
        r.method = reqwest::Method::from_bytes(b"MKCOL").expect("a valid method");
        let status = self.send(&r, None)?.status().as_u16();
        match status {
            200..=299 | 405 | 501 => Ok(()),
            401 | 403 => Err(HostError::Auth { status }),
            409 => Err(HostError::NoFolder { status, url: redacted(&r.url) }),
            _ => Err(HostError::Status { status, what: "MKCOL", url: redacted(&r.url) }),
        }
    }

    /// Delete object `name`. An object already gone (404, 410) counts as deleted.
    pub fn delete(&self, loc: &Location, name: &str) -> Result<(), HostError> {
        let r = request(loc, Op::Delete, name, loc.secret()?.as_deref())?;
        let resp = self.send(&r, None)?;
        let status = resp.status().as_u16();
        match status {
            200..=299 | 404 | 410 => Ok(()),
            401 | 403 => Err(HostError::Auth { status }),
            _ => Err(HostError::Status { status, what: "DELETE", url: redacted(&r.url) }),
        }
    }

    /// GET a URL (at most [`super::envelope::MAX_OBJECT_BYTES`]); `Ok(None)` for 404/410.
    pub fn get(&self, url: &str) -> Result<Option<Vec<u8>>, HostError> {
        let u = check_url(url, "the object URL")?;
        let r = Request { method: reqwest::Method::GET, url: u, basic_auth: None };
        let resp = self.send(&r, None)?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => {}
            404 | 410 => return Ok(None),
            _ => return Err(HostError::Status { status, what: "GET", url: redacted(&r.url) }),
        }
        let max = super::envelope::MAX_OBJECT_BYTES as u64;
        let mut body = Vec::new();
        resp.take(max + 1)
            .read_to_end(&mut body)
            .map_err(|e| HostError::Unreachable { url: url.to_string(), detail: e.to_string() })?;
        if body.len() as u64 > max {
            return Err(HostError::Status { status, what: "GET (over 8 MiB)", url: url.to_string() });
        }
        Ok(Some(body))
    }
}

/// A URL for messages: no query (pre-signed signatures), no user info.
fn redacted(u: &url::Url) -> String {
    let mut u = u.clone();
    u.set_query(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

/// A new unguessable object name: 128 random bits, hex, `.bps`.
pub fn new_object_name() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    format!("{}.bps", hex::encode(b))
}

/// A new random id (for locations and share records).
pub fn new_id() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3() -> Location {
        Location {
            id: "0011223344556677".into(),
            name: "bucket".into(),
            kind: LocationKind::S3 {
                endpoint: "http://127.0.0.1:9000".into(),
                bucket: "shares".into(),
                region: "eu-west-1".into(),
                access_key: "AKIDEXAMPLE".into(),
                virtual_host: false,
            },
            public_url: None,
            created: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn s3_requests_are_presigned_with_sigv4() {
        let loc = s3().validated().unwrap();
        for (op, m) in [(Op::Put, "PUT"), (Op::Delete, "DELETE"), (Op::Get, "GET")] {
            let r = request(&loc, op, "abc.bps", Some("wJalrXUtnFEMI/K7MDENG")).unwrap();
            assert_eq!(r.method.as_str(), m);
            assert_eq!(r.url.path(), "/shares/abc.bps");
            let q: std::collections::HashMap<_, _> = r.url.query_pairs().into_owned().collect();
            assert_eq!(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
            assert!(q["X-Amz-Credential"].starts_with("AKIDEXAMPLE/"), "{q:?}");
            assert!(q["X-Amz-Credential"].ends_with("/eu-west-1/s3/aws4_request"), "{q:?}");
            assert_eq!(q["X-Amz-Expires"], "300");
            assert_eq!(q["X-Amz-Signature"].len(), 64);
            assert!(!r.url.as_str().contains("wJalrXUtnFEMI"), "the secret never appears in the URL");
        }
        assert!(matches!(request(&loc, Op::Put, "a", None), Err(HostError::NoSecret { .. })));
        assert_eq!(loc.object_url("abc.bps").unwrap(), "http://127.0.0.1:9000/shares/abc.bps");
    }

    #[test]
    fn locations_refuse_bad_settings() {
        let mut l = s3();
        l.kind = LocationKind::Webdav { url: "ftp://x/".into(), user: None };
        assert!(l.clone().validated().unwrap_err().to_string().contains("http or https"));
        l.kind = LocationKind::Webdav { url: "https://dav.example/s".into(), user: Some(String::new()) };
        let v = l.clone().validated().unwrap();
        assert_eq!(v.kind, LocationKind::Webdav { url: "https://dav.example/s/".into(), user: None });
        assert_eq!(v.object_url("n.bps").unwrap(), "https://dav.example/s/n.bps");
        l.name = "a b".into();
        assert!(l.validated().is_err());
        assert_eq!(new_object_name().len(), 36);
        assert_ne!(new_object_name(), new_object_name());
    }
}
