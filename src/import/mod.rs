//! Import: turning files, folders, pasted text and URLs into credentials.
//!
//! This module owns format detection and extraction (baked PNG/SVG, compact
//! JWS, JSON), link following for OB 2.0 hosted assertions, and unpacking of
//! CLR 2.0 documents. It produces [`Bundle`]s: everything that must be stored
//! together (a CLR and its members) so the store can write a bundle in one
//! transaction or not at all. It never writes anything itself.

pub mod baked;
pub mod edc;
pub mod fetch;
pub mod json;
pub mod ob2;
pub mod ob3;
pub mod read;

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{Credential, Format, Proof};
pub use fetch::{Fetched, Fetcher};

/// Largest file we read as a credential or baked image.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// Largest credential payload (JSON or JWS text) once extracted.
pub const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;
/// Largest baked image kept as the credential's picture.
pub const MAX_KEPT_IMAGE_BYTES: usize = 4 * 1024 * 1024;

/// Why an input was refused. The `Display` text names the reason; callers
/// prefix it with the source (file name or URL).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading a file or standard input failed (not found, permission denied, ...).
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The input has no bytes at all.
    #[error("empty input (0 bytes)")]
    Empty,
    #[error("too large: {size} bytes (the limit is {limit} bytes)")]
    /// A file whose size is known up front is over the limit (see [`MAX_INPUT_BYTES`]); nothing was read.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A limit reached while reading or inflating: nothing past `limit + 1` bytes was read.
    #[error("too large: {what} is more than {limit} bytes (the limit); stopped reading there")]
    OverLimit {
        /// What grew too large, e.g. "the baked text chunk once inflated".
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// The path is a FIFO, socket or device; only regular files are read (a FIFO could block forever).
    #[error("not a regular file: it is {kind}; only regular files are read")]
    NotRegularFile {
        /// What it is instead, e.g. "a FIFO".
        kind: &'static str,
    },
    /// The input looks like a PNG but its chunks are broken; holds the reason.
    #[error("not a valid PNG: {0}")]
    Png(String),
    /// The input looks like an SVG but cannot be read for a baked assertion; holds the reason.
    #[error("not a usable SVG: {0}")]
    Svg(String),
    /// A valid image that carries no baked credential; holds the message.
    #[error("{0}")]
    NotBaked(String),
    /// The payload starts like JSON but does not parse; holds the parser error.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The payload looks like a compact JWS/JWT but its parts do not decode; holds the reason.
    #[error("not a valid JWT/JWS: {0}")]
    Jwt(String),
    /// Valid JSON or JWT, but not an Open Badge, VC or CLR this wallet knows; holds what is missing.
    #[error("not an Open Badge: {0}")]
    NotABadge(String),
    #[error("could not fetch {url}: {reason}")]
    /// Fetching a URL (the input or a linked document) failed: connection, TLS, HTTP status, body.
    Fetch {
        /// The URL that was fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
    #[error("could not fetch {url}: took too long (every request must end within {secs} s, body included)")]
    /// A request did not end, body included, within its deadline.
    Deadline {
        /// The URL that was fetched.
        url: String,
        /// The deadline in seconds.
        secs: u64,
    },
    #[error("could not fetch {url}: {host} is {class}; links inside a credential are only followed to public addresses (BACKPACK_ALLOW_PRIVATE_NETWORK=1 allows it)")]
    /// A link resolves to a non-public address (loopback, private, link-local...) and private networks are not allowed.
    BlockedAddress {
        /// The URL that was to be fetched.
        url: String,
        /// The host (or IP address) it points to.
        host: String,
        /// Which kind of address it is, e.g. "a loopback address (127.0.0.0/8)".
        class: &'static str,
    },
    /// The bytes are neither PNG, SVG, JSON, a JWT nor a URL; holds what was seen.
    #[error("unrecognised content: {0}")]
    Unrecognised(String),
}

impl ImportError {
    /// A stable code the CLI JSON and the app can match on.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Io(_) => "io",
            ImportError::Empty => "empty",
            ImportError::TooLarge { .. } | ImportError::OverLimit { .. } => "too-large",
            ImportError::NotRegularFile { .. } => "not-a-regular-file",
            ImportError::Png(_) => "bad-png",
            ImportError::Svg(_) => "bad-svg",
            ImportError::NotBaked(_) => "not-baked",
            ImportError::Json(_) => "bad-json",
            ImportError::Jwt(_) => "bad-jwt",
            ImportError::NotABadge(_) => "not-a-badge",
            ImportError::Fetch { .. } => "fetch-failed",
            ImportError::Deadline { .. } => "deadline",
            ImportError::BlockedAddress { .. } => "blocked-address",
            ImportError::Unrecognised(_) => "unrecognised",
        }
    }

    /// A network failure: the input could not be fetched, which says nothing
    /// about whether it is valid (verification reports "could not check").
    pub fn is_network(&self) -> bool {
        matches!(self, ImportError::Fetch { .. } | ImportError::Deadline { .. } | ImportError::BlockedAddress { .. })
    }
}

/// How an import may behave.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Client for URLs and linked documents; `None` means offline.
    pub fetcher: Option<Fetcher>,
    /// Read only to verify: the JSON credentials' wallet id is left empty
    /// (hashing the whole document for it was ~3% of `verify DIR`).
    pub without_wallet_id: bool,
}

/// One thing to import.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file (baked PNG/SVG, JSON or JWT) or a folder (expanded by [`expand`]).
    Path(PathBuf),
    /// An `http(s)://` URL to fetch: a hosted assertion or a credential file.
    Url(String),
    /// Pasted text (JSON, a JWT, or a URL), with a label for messages.
    Text {
        /// How to name the input in messages and the `source` column.
        label: String,
        /// The text itself.
        text: String,
    },
}

impl Input {
    /// Classify a command-line argument: `-` is standard input (read by the
    /// caller), `http(s)://` is a URL, anything else a path.
    pub fn from_arg(arg: &str) -> Input {
        if arg.starts_with("https://") || arg.starts_with("http://") {
            Input::Url(arg.to_string())
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    /// How to name the input in messages: the path, the URL or the text's label.
    pub fn label(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Url(u) => u.clone(),
            Input::Text { label, .. } => label.clone(),
        }
    }
}

/// A document fetched while importing (a BadgeClass or Issuer), kept so the
/// credential can be shown offline.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedDoc {
    /// The URL it was fetched from (the id that the credential links to).
    pub url: String,
    /// The response body as received.
    pub body: Vec<u8>,
}

/// An image that came with the credential (the baked badge itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// `image/png` or `image/svg+xml`.
    pub media_type: String,
    /// The image file as read (at most [`MAX_KEPT_IMAGE_BYTES`]).
    pub bytes: Vec<u8>,
}

/// A credential ready to store: the model plus the untouched original.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The normalised model of the credential (for display and search, never for verification).
    pub credential: Credential,
    /// The credential exactly as issued: JSON bytes or the compact JWS text.
    pub original: Vec<u8>,
    /// `application/ld+json`, `application/json`, `application/jwt` (VC-JWT) or `application/jose` (OB 2.0 JWS).
    pub media_type: String,
    /// Documents fetched while importing (BadgeClass, Issuer), stored for offline display.
    pub linked: Vec<LinkedDoc>,
    /// The baked image the credential came in; `None` for JSON, JWT or URL input (or an image over the size limit).
    pub picture: Option<Picture>,
    /// Where it came from, for messages and the `source` column.
    pub source: String,
    /// `original` already parsed, when it is a JSON document and the
    /// importer had it at hand (verification then does not parse it again);
    /// never stored.
    pub json: Option<Value>,
}

/// What must be stored together: one credential, or a CLR and its members
/// (members first, the CLR last).
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The credentials to store in this order: CLR members first, the CLR last.
    pub items: Vec<Parsed>,
}

/// Expand folders into the files inside (sorted, recursive, hidden files
/// skipped). FIFOs, sockets and devices inside a folder are not read: they
/// are listed so that reading them reports "not a regular file".
pub fn expand(inputs: Vec<Input>) -> Vec<Input> {
    let mut out = Vec::new();
    for input in inputs {
        match &input {
            Input::Path(p) if p.is_dir() => {
                let mut files = Vec::new();
                walk(p, &mut files, 0);
                files.sort();
                out.extend(files.into_iter().map(Input::Path));
            }
            _ => out.push(input),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        // An unreadable folder is reported when its path is read.
        out.push(dir.to_path_buf());
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if meta.is_dir() {
            walk(&p, out, depth + 1);
        } else if meta.is_file() && is_candidate(&p) {
            out.push(p);
        } else if !meta.is_file() && !meta.file_type().is_symlink() {
            // Reported (and skipped) by `parse_input`, which refuses it unread.
            out.push(p);
        }
    }
}

/// Files worth trying inside a folder (explicit file arguments are always tried).
fn is_candidate(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("json" | "jsonld" | "json-ld" | "png" | "svg" | "jwt" | "jws" | "1ob" | "txt" | "clr")
    )
}

/// Read an input and turn it into a bundle.
pub fn parse_input(input: &Input, opts: &ImportOptions) -> Result<Bundle, ImportError> {
    let source = input.label();
    match input {
        Input::Path(p) => {
            let bytes = read::read_file(p, MAX_INPUT_BYTES)?;
            parse_bytes(&source, &bytes, opts)
        }
        // A URL the user gave is fetched wherever it points; URLs found
        // inside what it returns are credential content (`Fetcher::get`).
        Input::Url(url) => parse_url(url, opts, true),
        Input::Text { text, .. } => {
            let t = text.trim();
            if (t.starts_with("https://") || t.starts_with("http://")) && !t.contains(char::is_whitespace) {
                parse_url(t, opts, true)
            } else {
                parse_bytes(&source, text.as_bytes(), opts)
            }
        }
    }
}

/// Fetch and parse a URL: `requested` when the user gave it (any address),
/// otherwise it came from credential content (public addresses only).
fn parse_url(url: &str, opts: &ImportOptions, requested: bool) -> Result<Bundle, ImportError> {
    let Some(f) = &opts.fetcher else {
        return Err(ImportError::Fetch {
            url: url.to_string(),
            reason: "network use is off (offline)".into(),
        });
    };
    let fetched = if requested { f.get_requested(url)? } else { f.get(url)? };
    let mut b = parse_bytes(url, &fetched.body, opts)?;
    for p in &mut b.items {
        if p.credential.format == Format::Ob2Hosted && p.credential.hosted_url.is_none() {
            p.credential.hosted_url = Some(fetched.url.clone());
        }
    }
    Ok(b)
}

/// Detect the format of `bytes` and parse them.
pub fn parse_bytes(source: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Bundle, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    let (payload, picture) = if baked::is_png(bytes) {
        let b = baked::from_png(bytes)?;
        (b.payload, Some(("image/png", bytes)))
    } else if baked::looks_like_xml(bytes) {
        let b = baked::from_svg(bytes)?;
        (b.payload, Some(("image/svg+xml", bytes)))
    } else {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .map_err(|_| ImportError::Unrecognised("binary data that is not a PNG; expected JSON, a JWT, PNG or SVG".into()))?;
        (text.to_string(), None)
    };
    let mut bundle = parse_payload(source, payload.trim(), opts)?;
    if let Some((media_type, img)) = picture {
        // A baked image is the badge picture; keep it unless it is huge.
        if img.len() <= MAX_KEPT_IMAGE_BYTES {
            if let Some(last) = bundle.items.last_mut() {
                last.picture = Some(Picture {
                    media_type: media_type.to_string(),
                    bytes: img.to_vec(),
                });
            }
        }
    }
    Ok(bundle)
}

/// Parse extracted text: JSON or a compact JWS.
fn parse_payload(source: &str, text: &str, opts: &ImportOptions) -> Result<Bundle, ImportError> {
    if text.is_empty() {
        return Err(ImportError::Empty);
    }
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(ImportError::TooLarge {
            size: text.len() as u64,
            limit: MAX_PAYLOAD_BYTES as u64,
        });
    }
    if text.starts_with('{') || text.starts_with('[') {
        let v: Value = serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
        return parse_json(source, text.as_bytes().to_vec(), v, opts);
    }
    if let Some(u) = edc::unwrap_compact(text) {
        return Ok(edc_bundle(source, &u.credential, text.as_bytes().to_vec(), "application/jose", text.as_bytes()));
    }
    if looks_like_jws(text) {
        return parse_jws(source, text, opts);
    }
    if (text.starts_with("http://") || text.starts_with("https://")) && !text.contains(char::is_whitespace) {
        // OB 1.x/2.0 hosted baking: the image holds only the assertion's URL.
        if opts.fetcher.is_none() {
            return Err(ImportError::Fetch {
                url: text.to_string(),
                reason: "the badge holds only this link to a hosted assertion, and network use is off (offline)".into(),
            });
        }
        return parse_url(text, opts, false);
    }
    Err(ImportError::Unrecognised(
        "not JSON, a JWT, a baked PNG or a baked SVG".into(),
    ))
}

fn looks_like_jws(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| !p.is_empty())
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'='))
}

fn b64url(part: &str, what: &str) -> Result<Vec<u8>, ImportError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| ImportError::Jwt(format!("{what} is not base64url: {e}")))
}

/// Decode a compact JWS's header and payload as JSON (no verification here).
pub fn decode_jws(text: &str) -> Result<(Value, Value), ImportError> {
    let mut parts = text.split('.');
    let (h, p) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let header: Value = serde_json::from_slice(&b64url(h, "header")?)
        .map_err(|e| ImportError::Jwt(format!("header is not JSON: {e}")))?;
    let payload: Value = serde_json::from_slice(&b64url(p, "payload")?)
        .map_err(|e| ImportError::Jwt(format!("payload is not JSON: {e}")))?;
    if !header.is_object() || header.get("alg").and_then(Value::as_str).is_none() {
        return Err(ImportError::Jwt("header has no 'alg'".into()));
    }
    Ok((header, payload))
}

fn parse_jws(source: &str, text: &str, opts: &ImportOptions) -> Result<Bundle, ImportError> {
    let (header, payload) = decode_jws(text)?;
    let alg = header.get("alg").and_then(Value::as_str).map(str::to_string);
    let kid = header.get("kid").and_then(Value::as_str).map(str::to_string);
    let jws_proof = |kind: &str| Proof {
        kind: kind.into(),
        alg: alg.clone(),
        verification_method: kid.clone(),
        purpose: Some("assertionMethod".into()),
        ..Default::default()
    };
    if ob2::is_assertion(&payload) {
        let mut p = ob2_parsed(
            source,
            &payload,
            text.as_bytes().to_vec(),
            text.as_bytes(),
            "application/jose",
            Format::Ob2Signed,
            opts,
        );
        let c = &mut p.credential;
        c.proofs.retain(|pr| pr.kind != "JWS");
        let mut proof = jws_proof("JWS");
        proof.verification_method = proof.verification_method.or_else(|| {
            payload.get("verification").and_then(|v| json::str_of(v, "creator"))
        });
        c.proofs.push(proof);
        return Ok(Bundle { items: vec![p] });
    }
    // VC-JWT (VCDM 1.1: the VC in the `vc` claim) or a JOSE-secured VC (VCDM 2.0: the VC is the payload).
    let (vc, claims) = match payload.get("vc") {
        Some(vc) if vc.is_object() => (vc.clone(), Some(&payload)),
        _ => (payload.clone(), None),
    };
    let kind = ob3::badge_kind(&vc).ok_or_else(|| not_a_badge(&vc))?;
    let format = if kind == Format::Clr2 { Format::Clr2 } else { Format::Ob3Jwt };
    let mut c = ob3::map(&vc, format);
    if let Some(claims) = claims {
        fill_from_claims(&mut c, claims);
    }
    c.proofs.push(jws_proof("JWT"));
    if kind == Format::Clr2 {
        return clr_bundle(source, c, &vc, text.as_bytes().to_vec(), "application/jwt", opts);
    }
    finish(&mut c, text.as_bytes());
    Ok(Bundle {
        items: vec![Parsed {
            credential: c,
            original: text.as_bytes().to_vec(),
            media_type: "application/jwt".into(),
            linked: vec![],
            picture: None,
            source: source.to_string(),
            json: None,
        }],
    })
}

/// JWT registered claims fill what the `vc` claim leaves out (VC-JWT 1.1 rules).
fn fill_from_claims(c: &mut Credential, claims: &Value) {
    let date = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_i64)
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    if c.credential_id.is_none() {
        c.credential_id = json::str_of(claims, "jti");
    }
    if c.issuer.id.is_none() {
        c.issuer.id = json::str_of(claims, "iss");
    }
    if c.valid_from.is_none() {
        c.valid_from = date("nbf");
    }
    if c.issued.is_none() {
        c.issued = date("nbf").or_else(|| date("iat"));
    }
    if c.valid_until.is_none() {
        c.valid_until = date("exp");
    }
    if let (None, Some(sub)) = (&c.recipient, json::str_of(claims, "sub")) {
        c.recipient = Some(crate::model::Recipient {
            identity: Some(sub),
            ..Default::default()
        });
    }
}

fn not_a_badge(v: &Value) -> ImportError {
    if !v.is_object() {
        return ImportError::NotABadge("the JSON is not an object".into());
    }
    let t = json::types(v);
    if t.is_empty() {
        return ImportError::NotABadge(
            "no 'type': expected an OB 2.0 Assertion or a VerifiableCredential of type OpenBadgeCredential, AchievementCredential or ClrCredential".into(),
        );
    }
    let shown = t.join(", ");
    if t.iter().any(|x| x == "BadgeClass" || x == "Issuer" || x == "Profile") {
        return ImportError::NotABadge(format!(
            "type is {shown}: this describes a badge or issuer, not an awarded badge (import the assertion)"
        ));
    }
    if t.iter().any(|x| x == "EndorsementCredential") {
        return ImportError::NotABadge(format!("type is {shown}: an endorsement, not an awarded badge"));
    }
    ImportError::NotABadge(format!(
        "type is {shown}: expected an OB 2.0 Assertion or OpenBadgeCredential, AchievementCredential or ClrCredential"
    ))
}

fn parse_json(source: &str, original: Vec<u8>, v: Value, opts: &ImportOptions) -> Result<Bundle, ImportError> {
    // A Europass Digital Credential, sealed (JWS JSON serialization) or bare.
    let europass = edc::unwrap_json(&v).map(|u| (u.credential, "application/jose+json")).or_else(|| edc::is_edc(&v).then(|| (v.clone(), "application/ld+json")));
    if let Some((cred, media_type)) = europass {
        return Ok(edc_bundle(source, &cred, original, media_type, &json_identity(&v)));
    }
    if ob2::is_assertion(&v) {
        let identity = json_identity(&v);
        let p = ob2_parsed(source, &v, original, &identity, "application/json", Format::Ob2Hosted, opts);
        return Ok(Bundle { items: vec![p] });
    }
    let kind = ob3::badge_kind(&v).ok_or_else(|| not_a_badge(&v))?;
    if !ob3::is_verifiable_credential(&v) {
        return Err(ImportError::NotABadge(format!(
            "type is {} but not VerifiableCredential",
            json::types(&v).join(", ")
        )));
    }
    let mut c = ob3::map(&v, kind);
    if kind == Format::Clr2 {
        return clr_bundle(source, c, &v, original, "application/ld+json", opts);
    }
    if !opts.without_wallet_id {
        c.id = json_wallet_id(&v);
    }
    Ok(Bundle {
        items: vec![Parsed {
            credential: c,
            original,
            media_type: "application/ld+json".into(),
            linked: vec![],
            picture: None,
            source: source.to_string(),
            json: Some(v),
        }],
    })
}

/// One Europass credential, kept as given (the sealed JWS or the bare JSON).
fn edc_bundle(source: &str, cred: &Value, original: Vec<u8>, media_type: &str, identity: &[u8]) -> Bundle {
    let mut c = edc::map(cred);
    finish(&mut c, identity);
    Bundle {
        items: vec![Parsed { credential: c, original, media_type: media_type.into(), linked: vec![], picture: None, source: source.to_string(), json: None }],
    }
}

/// Build a CLR bundle: each member parsed on its own (members first), then the CLR.
fn clr_bundle(
    source: &str,
    mut clr: Credential,
    v: &Value,
    original: Vec<u8>,
    media_type: &str,
    opts: &ImportOptions,
) -> Result<Bundle, ImportError> {
    let mut items = Vec::new();
    for (i, m) in ob3::clr_members(v).into_iter().enumerate() {
        let msource = format!("{source}#verifiableCredential[{i}]");
        let member = match m {
            Value::String(jws) => parse_jws(&msource, jws.trim(), opts),
            obj @ Value::Object(_) => {
                // The member's bytes are its JSON as it stands in the CLR; data
                // integrity proofs are over the data, not the byte layout.
                let bytes = serde_json::to_vec_pretty(obj).map_err(|e| ImportError::Json(e.to_string()))?;
                parse_json(&msource, bytes, obj.clone(), opts)
            }
            _ => Err(ImportError::NotABadge("member is neither an object nor a JWT".into())),
        }
        .map_err(|e| ImportError::NotABadge(format!("CLR member {i}: {e}")))?;
        for p in member.items {
            if p.credential.format == Format::Clr2 {
                return Err(ImportError::NotABadge(format!("CLR member {i} is itself a CLR; nesting is refused")));
            }
            clr.contains.push(p.credential.id.clone());
            items.push(p);
        }
    }
    let identity = if media_type == "application/ld+json" { json_identity(v) } else { original.clone() };
    finish(&mut clr, &identity);
    items.push(Parsed {
        credential: clr,
        original,
        media_type: media_type.to_string(),
        linked: vec![],
        picture: None,
        source: source.to_string(),
        json: None,
    });
    Ok(Bundle { items })
}

/// Map an OB 2.0 assertion, following `badge` and `issuer` links when online.
fn ob2_parsed(
    source: &str,
    assertion: &Value,
    original: Vec<u8>,
    identity: &[u8],
    media_type: &str,
    format: Format,
    opts: &ImportOptions,
) -> Parsed {
    let mut linked = Vec::new();
    let mut warnings = Vec::new();
    let mut fetch_json = |url: &str, what: &str| -> Option<Value> {
        let Some(f) = &opts.fetcher else {
            warnings.push(format!("{what} not fetched from {url} (offline)"));
            return None;
        };
        match f.get(url) {
            Ok(d) => match serde_json::from_slice::<Value>(&d.body) {
                Ok(v) if v.is_object() => {
                    linked.push(LinkedDoc {
                        url: url.to_string(),
                        body: d.body,
                    });
                    Some(v)
                }
                _ => {
                    warnings.push(format!("{what} at {url} is not a JSON object"));
                    None
                }
            },
            Err(e) => {
                warnings.push(format!("{what}: {e}"));
                None
            }
        }
    };
    let badge: Option<Value> = match assertion.get("badge") {
        Some(b @ Value::Object(_)) => Some(b.clone()),
        Some(Value::String(url)) => fetch_json(url, "badge class"),
        _ => None,
    };
    let issuer: Option<Value> = match badge.as_ref().and_then(|b| b.get("issuer")) {
        Some(i @ Value::Object(_)) => Some(i.clone()),
        Some(Value::String(url)) => fetch_json(url, "issuer profile"),
        _ => None,
    };
    let mut c = ob2::map(assertion, badge.as_ref(), issuer.as_ref(), format);
    c.warnings.extend(warnings);
    let vtype = assertion
        .get("verification")
        .and_then(|v| json::str_of(v, "type"))
        .unwrap_or_default()
        .to_lowercase();
    if format == Format::Ob2Hosted && vtype.contains("signed") {
        c.warnings
            .push("says it is a signed badge but arrived as plain JSON without its signature".into());
    }
    finish(&mut c, identity);
    Parsed {
        credential: c,
        original,
        media_type: media_type.to_string(),
        linked,
        picture: None,
        source: source.to_string(),
        json: None,
    }
}

/// Assign the wallet id from the credential's content: the compact JSON
/// (whitespace-insensitive) or the JWS text. Ids are content-addressed rather
/// than taken from the credential's own `id`, because issuers and test suites
/// reuse one `id` for differently signed (or tampered) documents, and a
/// tampered copy must never be mistaken for, or hide, the genuine one.
fn finish(c: &mut Credential, identity: &[u8]) {
    c.id = wallet_id(identity);
}

/// The wallet id for a credential's identity bytes (see `finish`, private).
pub fn wallet_id(identity: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(identity);
    hex::encode(&h.finalize()[..8])
}

/// [`wallet_id`] of [`json_identity`], hashed as it is written (no copy).
fn json_wallet_id(v: &Value) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.update(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(Sha256::new());
    // Writing a Value cannot fail (and `json_identity` ignores errors too).
    let _ = serde_json::to_writer(&mut h, v);
    hex::encode(&h.0.finalize()[..8])
}

/// Identity bytes of a JSON credential: its compact serialisation.
fn json_identity(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hashed_wallet_id_is_the_id_of_the_compact_json() {
        // Stored ids must not change: the id hashed while writing equals the id of the written bytes.
        for text in [r#"{"b":1,"a":[true,null,"é\u0001"],"c":{"x":1.5e300}}"#, "{}", r#"{"id":"urn:uuid:1","n":-0}"#] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(json_wallet_id(&v), wallet_id(&json_identity(&v)), "{text}");
        }
    }
}
