//! JAdES (ETSI TS 119 182-1) signatures as EDCs carry them: a JWS in any of
//! its three serializations (JSON general, JSON flattened, compact, with a
//! detached payload allowed) read into one [`Jws`], RFC 7797 unencoded
//! payloads (`b64: false`), the `crit` rules, the algorithm allow-list, the
//! signing certificate (`x5c`, `x5t#S256`, `x5t#o`, `kid` as IssuerSerial),
//! `sigT`, and the `etsiU` unsigned members (`sigTst`, `xVals`).
//!
//! Written here rather than with the `jades` crate (0.1), which refuses
//! `b64` in `crit` and so every published EDC; `verify::jws` handles compact
//! VC-JWTs only and knows no certificates.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use serde_json::{Map, Value};

use super::cert::{decode_base64_any, Cert, CertError, HashAlg, PublicKey};

/// Why an input is not a JWS at all (these make the seal invalid).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JadesError {
    /// Not a JWS in any serialization, or a member is malformed.
    #[error("not a JAdES/JWS signature: {0}")]
    Malformed(String),
}

/// Which serialization the JWS came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Serialization {
    /// JSON general: `{payload, signatures: [...]}` (what EDCs use).
    General,
    /// JSON flattened: `{payload, protected, header, signature}`.
    Flattened,
    /// Compact: `protected.payload.signature`.
    Compact,
}

/// A JWS read from any serialization.
#[derive(Clone, Debug)]
pub struct Jws {
    /// How it was serialized.
    pub serialization: Serialization,
    /// The payload as serialized (the JSON string's UTF-8, or the compact
    /// segment); `None` when detached.
    pub payload_member: Option<Vec<u8>>,
    /// A detached payload given by the caller (the content itself).
    pub detached: Option<Vec<u8>>,
    /// One entry per signature (flattened and compact have exactly one).
    pub signatures: Vec<Signature>,
}

/// One signature with its headers, as found.
#[derive(Clone, Debug)]
pub struct Signature {
    /// The protected header exactly as serialized (base64url): part of the signing input.
    pub protected_b64: String,
    /// The protected header.
    pub protected: Map<String, Value>,
    /// The unprotected header (`header`), empty if none.
    pub unprotected: Map<String, Value>,
    /// The signature exactly as serialized (base64url): what a JAdES `sigTst` stamps.
    pub signature_b64: String,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// A signed-header member listed in `crit` this module understands
/// (RFC 7797's `b64`; JAdES members that are checked or only informative).
const UNDERSTOOD_CRIT: &[&str] = &["b64", "sigT", "x5t#o", "sigX5ts", "sigPId", "srCms", "srAts", "sigPl"];
/// JAdES members known but not supported: their presence in `crit` makes the seal uncheckable, not invalid.
const KNOWN_UNSUPPORTED_CRIT: &[&str] = &["sigD", "adoTst"];
/// Header names RFC 7515 / 7518 define: never allowed in `crit`.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// A problem with the headers: `Invalid` fails the seal signature, `Unsupported` makes it uncheckable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// The headers break RFC 7515/7797 or JAdES rules: the seal is invalid.
    Invalid(String),
    /// Something this module does not support: could not check.
    Unsupported(String),
}

/// Read a JWS from bytes: JSON (general or flattened) or compact.
pub fn parse(input: &[u8]) -> Result<Jws, JadesError> {
    let text = std::str::from_utf8(input).map_err(|_| malformed("not UTF-8"))?.trim();
    if text.starts_with('{') {
        let v: Value = serde_json::from_str(text).map_err(|e| malformed(&format!("not JSON: {e}")))?;
        parse_json(&v)
    } else {
        parse_compact(text, None)
    }
}

/// Read a JWS whose payload is detached (RFC 7515 appendix F): `content` is the payload itself.
pub fn parse_detached(input: &[u8], content: &[u8]) -> Result<Jws, JadesError> {
    let mut jws = parse(input)?;
    if jws.payload_member.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(malformed("the payload is attached, not detached"));
    }
    jws.payload_member = None;
    jws.detached = Some(content.to_vec());
    Ok(jws)
}

fn malformed(s: &str) -> JadesError {
    JadesError::Malformed(s.to_string())
}

/// Read the JSON serializations from a parsed value.
pub fn parse_json(v: &Value) -> Result<Jws, JadesError> {
    let obj = v.as_object().ok_or_else(|| malformed("not a JSON object"))?;
    let payload_member = match obj.get("payload") {
        None => None,
        Some(Value::String(s)) => Some(s.as_bytes().to_vec()),
        Some(_) => return Err(malformed("payload is not a string")),
    };
    let (serialization, entries): (_, Vec<&Map<String, Value>>) = match obj.get("signatures") {
        Some(Value::Array(list)) => {
            if obj.contains_key("signature") || obj.contains_key("protected") {
                return Err(malformed("both signatures and a flattened signature"));
            }
            let entries = list.iter().map(|s| s.as_object().ok_or_else(|| malformed("a signature is not an object"))).collect::<Result<_, _>>()?;
            (Serialization::General, entries)
        }
        Some(_) => return Err(malformed("signatures is not an array")),
        None => (Serialization::Flattened, vec![obj]),
    };
    if entries.is_empty() {
        return Err(malformed("no signatures"));
    }
    let signatures = entries
        .into_iter()
        .map(|e| {
            let protected = e.get("protected").and_then(Value::as_str).ok_or_else(|| malformed("no protected header"))?;
            let signature = e.get("signature").and_then(Value::as_str).ok_or_else(|| malformed("no signature"))?;
            let unprotected = match e.get("header") {
                None => Map::new(),
                Some(Value::Object(m)) => m.clone(),
                Some(_) => return Err(malformed("header is not an object")),
            };
            signature_from_parts(protected, unprotected, signature)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Jws { serialization, payload_member, detached: None, signatures })
}

/// Read the compact serialization; `detached` is the payload when the middle part is empty.
pub fn parse_compact(text: &str, detached: Option<&[u8]>) -> Result<Jws, JadesError> {
    let first = text.find('.').ok_or_else(|| malformed("no '.'"))?;
    let last = text.rfind('.').unwrap_or(first);
    if first == last {
        return Err(malformed("compact JWS needs three parts"));
    }
    let (protected, payload, signature) = (&text[..first], &text[first + 1..last], &text[last + 1..]);
    let sig = signature_from_parts(protected, Map::new(), signature)?;
    // RFC 7797 5.2: an unencoded payload with a '.' cannot be carried in the compact form.
    if payload.contains('.') {
        return Err(malformed("compact JWS with more than three parts (an unencoded payload may not contain '.')"));
    }
    let (payload_member, detached) = match (payload.is_empty(), detached) {
        (true, Some(d)) => (None, Some(d.to_vec())),
        _ => (Some(payload.as_bytes().to_vec()), None),
    };
    Ok(Jws { serialization: Serialization::Compact, payload_member, detached, signatures: vec![sig] })
}

fn signature_from_parts(protected_b64: &str, unprotected: Map<String, Value>, signature_b64: &str) -> Result<Signature, JadesError> {
    let raw = URL_SAFE_NO_PAD.decode(protected_b64).map_err(|_| malformed("protected header is not base64url"))?;
    let protected: Map<String, Value> = match serde_json::from_slice(&raw) {
        Ok(Value::Object(m)) => m,
        _ => return Err(malformed("protected header is not a JSON object")),
    };
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| malformed("signature is not base64url"))?;
    Ok(Signature { protected_b64: protected_b64.to_string(), protected, unprotected, signature_b64: signature_b64.to_string(), signature })
}

impl Jws {
    /// The content the signature `index` covers: the payload decoded when
    /// `b64` is true (the default), as it is when `b64` is false.
    pub fn content(&self, index: usize) -> Result<Vec<u8>, JadesError> {
        let sig = self.signatures.get(index).ok_or_else(|| malformed("no such signature"))?;
        match (&self.detached, &self.payload_member) {
            (Some(d), _) => Ok(d.clone()),
            (None, Some(p)) if sig.b64() => URL_SAFE_NO_PAD.decode(p).map_err(|_| malformed("payload is not base64url")),
            (None, Some(p)) => Ok(p.clone()),
            (None, None) => Err(malformed("detached payload not given")),
        }
    }

    /// The JWS signing input of signature `index` (RFC 7515 5.2 with RFC 7797 3):
    /// ASCII(protected) || '.' || (payload bytes as they are when `b64` is false, else their base64url).
    pub fn signing_input(&self, index: usize) -> Result<Vec<u8>, JadesError> {
        let sig = self.signatures.get(index).ok_or_else(|| malformed("no such signature"))?;
        let mut input = sig.protected_b64.as_bytes().to_vec();
        input.push(b'.');
        match (&self.payload_member, &self.detached, sig.b64()) {
            (Some(p), _, _) => input.extend_from_slice(p),
            (None, Some(d), true) => input.extend_from_slice(URL_SAFE_NO_PAD.encode(d).as_bytes()),
            (None, Some(d), false) => input.extend_from_slice(d),
            (None, None, _) => return Err(malformed("detached payload not given")),
        }
        Ok(input)
    }

    /// RFC 7797 3: every signature of one JWS must agree on `b64`.
    pub fn b64_consistent(&self) -> bool {
        self.signatures.windows(2).all(|w| w[0].b64() == w[1].b64())
    }
}

impl Signature {
    /// The `alg` of the protected header.
    pub fn alg(&self) -> Option<&str> {
        self.protected.get("alg").and_then(Value::as_str)
    }
    /// RFC 7797 `b64` (true when absent).
    pub fn b64(&self) -> bool {
        self.protected.get("b64").and_then(Value::as_bool).unwrap_or(true)
    }
    /// `sigT` (JAdES claimed signing time), if present and RFC 3339.
    pub fn sig_t(&self) -> Option<DateTime<Utc>> {
        let s = self.protected.get("sigT")?.as_str()?;
        DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
    }
    /// `kid`, if a string.
    pub fn kid(&self) -> Option<&str> {
        self.protected.get("kid").and_then(Value::as_str)
    }
    /// `x5c` decoded (standard base64 DER), leaf first; `Err` when malformed.
    pub fn x5c(&self) -> Result<Vec<Vec<u8>>, HeaderProblem> {
        match self.protected.get("x5c").or_else(|| self.unprotected.get("x5c")) {
            None => Ok(Vec::new()),
            Some(Value::Array(list)) if !list.is_empty() => list
                .iter()
                .map(|c| c.as_str().and_then(decode_base64_any).ok_or_else(|| HeaderProblem::Invalid("x5c holds something that is not base64".into())))
                .collect(),
            Some(_) => Err(HeaderProblem::Invalid("x5c is not a non-empty array".into())),
        }
    }
    /// Whether `x5c` sits in the protected header (so the signature covers it).
    pub fn x5c_protected(&self) -> bool {
        self.protected.contains_key("x5c")
    }
    /// `x5t#S256` decoded, if present; `Err` when it is not base64url.
    pub fn x5t_s256(&self) -> Result<Option<Vec<u8>>, HeaderProblem> {
        match self.protected.get("x5t#S256") {
            None => Ok(None),
            Some(Value::String(s)) => URL_SAFE_NO_PAD.decode(s).map(Some).map_err(|_| HeaderProblem::Invalid("x5t#S256 is not base64url".into())),
            Some(_) => Err(HeaderProblem::Invalid("x5t#S256 is not a string".into())),
        }
    }

    /// The `etsiU` entries as JSON objects (base64url-encoded or clear, both as JAdES allows).
    pub fn etsi_u(&self) -> Vec<Map<String, Value>> {
        let Some(Value::Array(list)) = self.unprotected.get("etsiU") else { return Vec::new() };
        list.iter()
            .filter_map(|e| match e {
                Value::Object(m) => Some(m.clone()),
                Value::String(s) => match URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
                    Some(Value::Object(m)) => Some(m),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
    /// The names of the `etsiU` members present, in order (`sigTst`, `xVals`, `rVals`, `arcTst`...).
    pub fn etsi_u_members(&self) -> Vec<String> {
        self.etsi_u().iter().flat_map(|m| m.keys().cloned().collect::<Vec<_>>()).collect()
    }
    /// The RFC 3161 tokens (DER) of every `sigTst` (JAdES B-T).
    pub fn sig_tst_tokens(&self) -> Vec<Vec<u8>> {
        self.etsi_u_vals("sigTst", |v| v.get("tstTokens").and_then(Value::as_array).cloned().unwrap_or_default())
    }
    /// The certificates (DER) of every `xVals` (JAdES B-LT validation data; not checked here).
    pub fn x_vals(&self) -> Vec<Vec<u8>> {
        self.etsi_u_vals("xVals", |v| {
            v.as_array().map(|l| l.iter().filter_map(|x| x.get("x509Cert").cloned()).collect()).unwrap_or_default()
        })
    }
    fn etsi_u_vals(&self, member: &str, items: impl Fn(&Value) -> Vec<Value>) -> Vec<Vec<u8>> {
        self.etsi_u()
            .iter()
            .filter_map(|m| m.get(member))
            .flat_map(&items)
            .filter_map(|t| t.get("val").and_then(Value::as_str).and_then(decode_base64_any))
            .collect()
    }

    /// The header rules of RFC 7515 4.1.11 / 7.2.1, RFC 7797 3 and JAdES:
    /// `crit` only in the protected header, non-empty, no registered names,
    /// every member present and understood; `b64` boolean, protected and in
    /// `crit`; `alg` protected and on the allow-list; `sigT` RFC 3339;
    /// protected and unprotected names disjoint.
    pub fn check_header(&self) -> Result<(), HeaderProblem> {
        let invalid = |s: String| Err(HeaderProblem::Invalid(s));
        if let Some(dup) = self.protected.keys().find(|k| self.unprotected.contains_key(*k)) {
            return invalid(format!("header member {dup} is both protected and unprotected"));
        }
        for name in ["crit", "b64", "alg", "sigT"] {
            if self.unprotected.contains_key(name) {
                return invalid(format!("{name} must be in the protected header"));
            }
        }
        let crit: Vec<&str> = match self.protected.get("crit") {
            None => Vec::new(),
            Some(Value::Array(l)) if !l.is_empty() => {
                let names: Option<Vec<&str>> = l.iter().map(Value::as_str).collect();
                let Some(names) = names else { return invalid("crit holds a non-string".into()) };
                names
            }
            Some(_) => return invalid("crit is not a non-empty array of names".into()),
        };
        for (i, name) in crit.iter().enumerate() {
            if crit[..i].contains(name) {
                return invalid(format!("crit lists {name} twice"));
            }
            if REGISTERED.contains(name) {
                return invalid(format!("crit lists {name}, a name RFC 7515/7518 define"));
            }
            if !self.protected.contains_key(*name) {
                return invalid(format!("crit lists {name}, which the protected header does not have"));
            }
            if KNOWN_UNSUPPORTED_CRIT.contains(name) {
                return Err(HeaderProblem::Unsupported(format!("the JAdES member {name} is not supported")));
            }
            if !UNDERSTOOD_CRIT.contains(name) {
                return invalid(format!("crit lists {name}, which is not understood"));
            }
        }
        if let Some(b64) = self.protected.get("b64") {
            if !b64.is_boolean() {
                return invalid("b64 is not a boolean".into());
            }
            if !crit.contains(&"b64") {
                return invalid("b64 is present but not listed in crit (RFC 7797 6)".into());
            }
        }
        if self.protected.contains_key("sigT") && self.sig_t().is_none() {
            return invalid("sigT is not an RFC 3339 date-time".into());
        }
        match self.alg() {
            None => invalid("no alg in the protected header".into()),
            Some(a) if a == "none" || a.starts_with("HS") => invalid(format!("alg {a} is refused")),
            Some(a) if jws_alg(a).is_none() => Err(HeaderProblem::Unsupported(format!("alg {a} is not supported"))),
            Some(_) => Ok(()),
        }
    }

    /// Verify the signature over `signing_input` with `key` and this signature's `alg`.
    pub fn verify_with(&self, key: &PublicKey, signing_input: &[u8]) -> Result<(), HeaderProblem> {
        let alg = self.alg().unwrap_or("");
        let (kind, h) = jws_alg(alg).ok_or_else(|| HeaderProblem::Unsupported(format!("alg {alg} is not supported")))?;
        let sig = &self.signature;
        let ok = match (kind, key) {
            (AlgKind::Rsa, PublicKey::Rsa(k)) => k.verify(super::cert::pkcs1_scheme(h), &h.digest(signing_input), sig).is_ok(),
            (AlgKind::Pss, PublicKey::Rsa(k)) => k.verify(super::cert::pss_scheme(h, None), &h.digest(signing_input), sig).is_ok(),
            (AlgKind::Ec256, PublicKey::P256(k)) => {
                use p256::ecdsa::signature::Verifier;
                p256::ecdsa::Signature::from_slice(sig).map(|s| k.verify(signing_input, &s).is_ok()).unwrap_or(false)
            }
            (AlgKind::Ec384, PublicKey::P384(k)) => {
                use p384::ecdsa::signature::Verifier;
                p384::ecdsa::Signature::from_slice(sig).map(|s| k.verify(signing_input, &s).is_ok()).unwrap_or(false)
            }
            (AlgKind::EdDsa, PublicKey::Ed25519(k)) => {
                ed25519_dalek::Signature::from_slice(sig).map(|s| k.verify_strict(signing_input, &s).is_ok()).unwrap_or(false)
            }
            _ => return Err(HeaderProblem::Invalid(format!("alg {alg} does not fit the certificate's key"))),
        };
        if ok {
            Ok(())
        } else {
            Err(HeaderProblem::Invalid("the signature does not match the payload and protected header".into()))
        }
    }
}

#[derive(Clone, Copy)]
enum AlgKind {
    Rsa,
    Pss,
    Ec256,
    Ec384,
    EdDsa,
}

/// The allow-list: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA.
fn jws_alg(alg: &str) -> Option<(AlgKind, HashAlg)> {
    Some(match alg {
        "RS256" => (AlgKind::Rsa, HashAlg::Sha256),
        "RS384" => (AlgKind::Rsa, HashAlg::Sha384),
        "RS512" => (AlgKind::Rsa, HashAlg::Sha512),
        "PS256" => (AlgKind::Pss, HashAlg::Sha256),
        "PS384" => (AlgKind::Pss, HashAlg::Sha384),
        "PS512" => (AlgKind::Pss, HashAlg::Sha512),
        "ES256" => (AlgKind::Ec256, HashAlg::Sha256),
        "ES384" => (AlgKind::Ec384, HashAlg::Sha384),
        "EdDSA" => (AlgKind::EdDsa, HashAlg::Sha512),
        _ => return None,
    })
}

/// What binds the signing certificate to the signature, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertBinding {
    /// Sentences for people on what matched (`x5t#S256 matches`, `kid names ...`).
    pub notes: Vec<String>,
}

/// Check `x5t#S256`, `x5t#o`, `sigX5ts` and a `kid` that is a DER IssuerSerial against `cert` (x5c[0]).
pub fn check_binding(sig: &Signature, cert: &Cert) -> Result<CertBinding, HeaderProblem> {
    let mut notes = Vec::new();
    let mut bound = false;
    if let Some(t) = sig.x5t_s256()? {
        if t != cert.sha256() {
            return Err(HeaderProblem::Invalid("x5t#S256 is not the SHA-256 of the certificate in x5c".into()));
        }
        notes.push("x5t#S256 matches".to_string());
        bound = true;
    }
    let mut digests: Vec<&Value> = sig.protected.get("x5t#o").into_iter().collect();
    if let Some(Value::Array(l)) = sig.protected.get("sigX5ts") {
        digests.extend(l.first());
    }
    for d in digests {
        let alg = d.get("digAlg").and_then(Value::as_str).unwrap_or("");
        let hash = match alg {
            "http://www.w3.org/2001/04/xmlenc#sha256" | "S256" => HashAlg::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" | "S384" => HashAlg::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" | "S512" => HashAlg::Sha512,
            other => return Err(HeaderProblem::Unsupported(format!("certificate digest algorithm {other}"))),
        };
        let val = d.get("digVal").and_then(Value::as_str).and_then(decode_base64_any);
        if val.as_deref() != Some(hash.digest(&cert.der).as_slice()) {
            return Err(HeaderProblem::Invalid("x5t#o/sigX5ts does not match the certificate in x5c".into()));
        }
        notes.push("x5t#o matches".to_string());
        bound = true;
    }
    if let Some(kid) = sig.kid() {
        match kid_issuer_serial(kid) {
            Some((issuer, serial)) => {
                if issuer != cert.issuer_der() || serial != cert.serial() {
                    return Err(HeaderProblem::Invalid("kid names another certificate (issuer and serial)".into()));
                }
                notes.push("kid names its issuer and serial".to_string());
            }
            None => notes.push("kid is not an IssuerSerial (not used)".to_string()),
        }
    }
    if !bound {
        if sig.x5c_protected() {
            notes.push("x5c is protected (no certificate digest)".to_string());
        } else {
            return Err(HeaderProblem::Invalid("the signing certificate is neither protected nor named by a digest".into()));
        }
    }
    Ok(CertBinding { notes })
}

#[derive(der::Sequence)]
pub(crate) struct IssuerSerial {
    pub(crate) issuer: x509_cert::ext::pkix::name::GeneralNames,
    pub(crate) serial: x509_cert::serial_number::SerialNumber,
    #[asn1(optional = "true")]
    pub(crate) issuer_uid: Option<der::asn1::BitString>,
}

/// A `kid` that is base64 DER IssuerSerial (RFC 5035): the issuer name's DER and the serial bytes.
pub fn kid_issuer_serial(kid: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_cert::ext::pkix::name::GeneralName;
    let der = decode_base64_any(kid)?;
    let is = IssuerSerial::from_der(&der).ok()?;
    let name = is.issuer.iter().find_map(|g| match g {
        GeneralName::DirectoryName(n) => Some(n.clone()),
        _ => None,
    })?;
    Some((name.to_der().ok()?, is.serial.as_bytes().to_vec()))
}

/// Parse every `x5c` certificate (leaf first).
pub fn x5c_certs(sig: &Signature) -> Result<Vec<Cert>, HeaderProblem> {
    sig.x5c()?
        .iter()
        .map(|d| Cert::from_der(d).map_err(|e: CertError| HeaderProblem::Invalid(format!("x5c: {e}"))))
        .collect()
}
