//! The encrypted short link and its ciphertext object (format `BPS1`), the
//! one thing the Rust side and the verifier page must agree on byte for byte.
//!
//! - Link: `{base}#s={encodeURIComponent(object URL)}&k={base64url-no-pad(32-byte key)}`.
//! - Object: `BPS1` || 12-byte IV || AES-256-GCM ciphertext with the 16-byte
//!   tag appended (WebCrypto's layout), additional data = `BPS1`.
//! - Plaintext: UTF-8 JSON `{"v":1,"credential":<JSON object or compact
//!   JWS string>,"shared":"<RFC 3339 UTC>","expires":"<RFC 3339 UTC>"}`
//!   (`expires` absent when the share has none).
//!
//! The key and IV come from the OS random number generator; the key lives
//! only in the link's fragment (and in the encrypted store), never on the host.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::ShareError;

/// The magic bytes at the start of every object, also the AEAD additional data.
pub const MAGIC: &[u8; 4] = b"BPS1";
/// Length in bytes of the AES-GCM nonce that follows the magic bytes.
pub const IV_LEN: usize = 12;
/// Length in bytes of the AES-GCM authentication tag at the end of the object.
pub const TAG_LEN: usize = 16;
/// The largest object the page fetches (and the largest we upload).
pub const MAX_OBJECT_BYTES: usize = 8 * 1024 * 1024;

/// Characters JavaScript's `encodeURIComponent` leaves alone:
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(s)`.
pub fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The plaintext for `original` (the stored credential bytes): JSON credentials
/// go in as a JSON object (minified), a compact JWS / VC-JWT as a trimmed string.
pub fn plaintext(original: &[u8], shared: &DateTime<Utc>, expires: Option<&DateTime<Utc>>) -> Result<Vec<u8>, ShareError> {
    let credential = match serde_json::from_slice::<Value>(original) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return Err(ShareError::Invalid("the credential is JSON but not an object".into())),
        Err(_) => {
            let t = std::str::from_utf8(original).map_err(|_| ShareError::Invalid("the credential is not text".into()))?;
            Value::String(t.trim().to_string())
        }
    };
    let mut v = json!({"v": 1, "credential": credential, "shared": rfc3339(shared)});
    if let Some(e) = expires {
        v["expires"] = json!(rfc3339(e));
    }
    serde_json::to_vec(&v).map_err(|e| ShareError::Invalid(e.to_string()))
}

/// The plaintext read back, as the page reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The credential: a JSON object, or a string holding a compact JWS.
    pub credential: Value,
    /// When it was shared (RFC 3339, UTC).
    pub shared: String,
    /// When the share expires (RFC 3339, UTC); `None` for no expiry.
    pub expires: Option<String>,
}

impl Opened {
    /// The credential as bytes, the way the importer and verifier take it.
    pub fn credential_bytes(&self) -> Vec<u8> {
        match &self.credential {
            Value::String(s) => s.as_bytes().to_vec(),
            v => serde_json::to_vec(v).unwrap_or_default(),
        }
    }

    /// Whether the share had expired at `now` (the page then says "no longer shared").
    pub fn expired_at(&self, now: &DateTime<Utc>) -> bool {
        self.expires
            .as_deref()
            .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
            .is_some_and(|e| e.with_timezone(&Utc) <= *now)
    }
}

/// Read a decrypted plaintext.
pub fn parse_plaintext(bytes: &[u8]) -> Result<Opened, ShareError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ShareError::Damaged(format!("the content is not JSON: {e}")))?;
    if v.get("v") != Some(&json!(1)) {
        return Err(ShareError::Damaged("unknown share format version".into()));
    }
    let credential = match v.get("credential") {
        Some(c @ (Value::Object(_) | Value::String(_))) => c.clone(),
        _ => return Err(ShareError::Damaged("no credential in the share".into())),
    };
    let shared = v.get("shared").and_then(Value::as_str).ok_or_else(|| ShareError::Damaged("no 'shared' date".into()))?;
    Ok(Opened {
        credential,
        shared: shared.to_string(),
        expires: v.get("expires").and_then(Value::as_str).map(str::to_string),
    })
}

/// A fresh random 256-bit key.
pub fn new_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    getrandom::fill(&mut k).expect("the OS random number generator failed");
    k
}

/// Encrypt `plaintext` with `key` and a fresh random IV into a `BPS1` object.
pub fn seal(key: &[u8; 32], plaintext: &[u8]) -> Result<Vec<u8>, ShareError> {
    let mut iv = [0u8; IV_LEN];
    getrandom::fill(&mut iv).expect("the OS random number generator failed");
    seal_with_iv(key, &iv, plaintext)
}

/// [`seal`] with a given IV (for fixed test vectors only: never reuse an IV).
pub fn seal_with_iv(key: &[u8; 32], iv: &[u8; IV_LEN], plaintext: &[u8]) -> Result<Vec<u8>, ShareError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|e| ShareError::Invalid(e.to_string()))?;
    let ct = cipher
        .encrypt(Nonce::from_slice(iv), Payload { msg: plaintext, aad: MAGIC })
        .map_err(|_| ShareError::Invalid("encryption failed".into()))?;
    let mut out = Vec::with_capacity(MAGIC.len() + IV_LEN + ct.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(iv);
    out.extend_from_slice(&ct);
    if out.len() > MAX_OBJECT_BYTES {
        return Err(ShareError::Invalid(format!("the credential is too large to share (over {} MiB)", MAX_OBJECT_BYTES >> 20)));
    }
    Ok(out)
}

/// Decrypt a `BPS1` object (what the page does with WebCrypto).
pub fn open(object: &[u8], key: &[u8; 32]) -> Result<Vec<u8>, ShareError> {
    if object.len() > MAX_OBJECT_BYTES {
        return Err(ShareError::Damaged("the object is larger than 8 MiB".into()));
    }
    if object.len() < MAGIC.len() + IV_LEN + TAG_LEN || &object[..4] != MAGIC {
        return Err(ShareError::Damaged("not a Backpack share object (no BPS1 header)".into()));
    }
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|e| ShareError::Invalid(e.to_string()))?;
    cipher
        .decrypt(Nonce::from_slice(&object[4..4 + IV_LEN]), Payload { msg: &object[4 + IV_LEN..], aad: MAGIC })
        .map_err(|_| ShareError::Damaged("decryption failed: wrong key or altered object".into()))
}

/// `{base}#s={encodeURIComponent(url)}&k={base64url(key)}`.
pub fn short_link(base: &str, object_url: &str, key: &[u8; 32]) -> String {
    format!("{}#s={}&k={}", base.trim_end_matches('#'), encode_uri_component(object_url), b64(key))
}

/// The object URL and key in a short link (only http(s) URLs, as the page).
pub fn parse_short_link(link: &str) -> Result<(String, [u8; 32]), ShareError> {
    let frag = link.split_once('#').map(|(_, f)| f).ok_or_else(|| ShareError::Invalid("the link has no #fragment".into()))?;
    let (mut s, mut k) = (None, None);
    for part in frag.split('&') {
        match part.split_once('=') {
            Some(("s", v)) => s = Some(v),
            Some(("k", v)) => k = Some(v),
            _ => {}
        }
    }
    let s = s.ok_or_else(|| ShareError::Invalid("no s= in the link".into()))?;
    let url = percent_decode_str(s).decode_utf8().map_err(|_| ShareError::Invalid("s= is not UTF-8".into()))?.into_owned();
    let parsed = url::Url::parse(&url).map_err(|e| ShareError::Invalid(format!("s= is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ShareError::Invalid("s= must be an http(s) URL".into()));
    }
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(k.ok_or_else(|| ShareError::Invalid("no k= in the link".into()))?)
        .map_err(|_| ShareError::Invalid("k= is not base64url".into()))?;
    let key: [u8; 32] = key.try_into().map_err(|_| ShareError::Invalid("k= is not a 32-byte key".into()))?;
    Ok((url, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_uri_component_matches_javascript() {
        // encodeURIComponent("https://h.example:8080/a b/x.bps?q=1&r=(ok)!*'~") in a browser:
        assert_eq!(
            encode_uri_component("https://h.example:8080/a b/x.bps?q=1&r=(ok)!*'~"),
            "https%3A%2F%2Fh.example%3A8080%2Fa%20b%2Fx.bps%3Fq%3D1%26r%3D(ok)!*'~"
        );
        assert_eq!(encode_uri_component("é"), "%C3%A9");
    }

    #[test]
    fn object_layout_is_magic_iv_ciphertext_tag() {
        let key = [7u8; 32];
        let iv = [9u8; IV_LEN];
        let obj = seal_with_iv(&key, &iv, b"hello").unwrap();
        assert_eq!(&obj[..4], b"BPS1");
        assert_eq!(&obj[4..16], &iv);
        assert_eq!(obj.len(), 4 + 12 + 5 + 16);
        assert_eq!(open(&obj, &key).unwrap(), b"hello");
        // Any flipped bit, the wrong key, or another header: "damaged".
        let mut bad = obj.clone();
        bad[20] ^= 1;
        assert!(matches!(open(&bad, &key), Err(ShareError::Damaged(_))));
        assert!(matches!(open(&obj, &[8u8; 32]), Err(ShareError::Damaged(_))));
        let mut other = obj.clone();
        other[3] = b'2';
        assert!(matches!(open(&other, &key), Err(ShareError::Damaged(_))));
        // The additional data is bound: the same ciphertext under AAD "" does not open.
        let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
        assert!(cipher.decrypt(Nonce::from_slice(&iv), &obj[16..]).is_err());
    }

    #[test]
    fn two_seals_never_share_an_iv() {
        let key = new_key();
        let a = seal(&key, b"x").unwrap();
        let b = seal(&key, b"x").unwrap();
        assert_ne!(&a[4..16], &b[4..16]);
        assert_ne!(new_key(), new_key());
    }

    #[test]
    fn plaintext_carries_json_objects_and_jws_strings() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T10:00:00+01:00").unwrap().with_timezone(&Utc);
        let p = plaintext(b"{ \"id\": \"urn:x\",\n \"a\": 1 }", &t, None).unwrap();
        assert_eq!(std::str::from_utf8(&p).unwrap(), r#"{"v":1,"credential":{"id":"urn:x","a":1},"shared":"2026-11-25T09:00:00Z"}"#);
        let p = plaintext(b"  eyJ.eyJ.sig\n", &t, Some(&t)).unwrap();
        let o = parse_plaintext(&p).unwrap();
        assert_eq!(o.credential, json!("eyJ.eyJ.sig"));
        assert_eq!(o.expires.as_deref(), Some("2026-11-25T09:00:00Z"));
        assert!(o.expired_at(&t));
        assert!(!o.expired_at(&(t - chrono::Duration::seconds(1))));
        assert!(plaintext(b"[1]", &t, None).is_err());
    }

    #[test]
    fn short_link_round_trip() {
        let key = [0xabu8; 32];
        let link = short_link("https://v.example/verify/", "http://127.0.0.1:81/pub/ab cd.bps", &key);
        assert_eq!(
            link,
            "https://v.example/verify/#s=http%3A%2F%2F127.0.0.1%3A81%2Fpub%2Fab%20cd.bps&k=q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s"
        );
        assert_eq!(parse_short_link(&link).unwrap(), ("http://127.0.0.1:81/pub/ab cd.bps".to_string(), key));
        assert!(parse_short_link("https://v.example/#s=file%3A%2F%2F%2Fetc%2Fpasswd&k=q6s").is_err());
    }
}
