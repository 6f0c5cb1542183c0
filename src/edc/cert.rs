//! X.509 helpers for EDC seals: parse a certificate (DER or base64), names
//! for people, validity at a time, `issued_by` (the CA's key verifies the
//! certificate's signature and the names chain), SHA-256 thumbprint, the
//! ETSI `qcStatements` (EN 319 412-5) and key usage.
//!
//! Parsing is `x509-cert`'s; the rest is small and written here because no
//! crate of the `der 0.7` line does it (RFC 5280 path validation and trusted
//! lists are `edc::trust`'s, not this module's). Signatures inside X.509 and
//! CMS (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384, Ed25519) are checked by
//! [`verify_signature`], which `timestamp` shares.

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use der::asn1::{Any, ObjectIdentifier};
use der::{Decode, Encode, Sequence, Tagged};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::name::Name;
use x509_cert::Certificate;

/// Why a certificate could not be read or a signature not checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CertError {
    /// Not a certificate (bad base64 or DER).
    #[error("not a certificate: {0}")]
    Malformed(String),
    /// A key type or signature algorithm this module does not support.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The signature was checked and does not match.
    #[error("the signature does not match")]
    BadSignature,
}

/// A parsed certificate together with the exact DER it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cert {
    /// The DER bytes as given (hashes and signatures are computed over these).
    pub der: Vec<u8>,
    /// The parsed certificate.
    pub cert: Certificate,
}

/// A hash algorithm used in signatures, thumbprints and message imprints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// The algorithm for a digest OID (NIST SHA-2), if supported.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        match oid.to_string().as_str() {
            "2.16.840.1.101.3.4.2.1" => Some(HashAlg::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(HashAlg::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(HashAlg::Sha512),
            _ => None,
        }
    }
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
    /// Its name: `SHA-256`, `SHA-384` or `SHA-512`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }
}

/// A public key taken from a certificate.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// RSA (PKCS#1 v1.5 or PSS signatures).
    Rsa(rsa::RsaPublicKey),
    /// NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// NIST P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// The ETSI EN 319 412-5 statements of a certificate (`qcStatements`,
/// 1.3.6.1.5.5.7.1.3). PSD2 statements are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QcStatements {
    /// QcCompliance (0.4.0.1862.1.1): issued as an EU qualified certificate.
    pub compliance: bool,
    /// QcSSCD (0.4.0.1862.1.4): the private key is in a qualified creation device.
    pub sscd: bool,
    /// QcType (0.4.0.1862.1.6): `eseal`, `esign` or `web` (an OID string for others).
    pub types: Vec<String>,
    /// QcCClegislation (0.4.0.1862.1.7): the countries whose law it is qualified under, when not EU.
    pub legislation: Vec<String>,
    /// Other statement ids present (QcPDS, retention period, semantics ids...), as OID strings.
    pub other: Vec<String>,
}

impl QcStatements {
    /// QcCompliance and QcType `eseal`: an EU qualified seal certificate (trust is checked elsewhere).
    pub fn is_qualified_seal(&self) -> bool {
        self.compliance && self.types.iter().any(|t| t == "eseal")
    }
    /// A short English summary: "QcCompliance, QcSSCD, QcType eseal".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.compliance {
            parts.push("QcCompliance".to_string());
        }
        if self.sscd {
            parts.push("QcSSCD".to_string());
        }
        if !self.types.is_empty() {
            parts.push(format!("QcType {}", self.types.join("/")));
        }
        if !self.legislation.is_empty() {
            parts.push(format!("QcCClegislation {}", self.legislation.join("/")));
        }
        if parts.is_empty() {
            "no qualified statements".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// The key usage bits of a certificate (RFC 5280 4.2.1.3) this module cares about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyUsage {
    /// digitalSignature.
    pub digital_signature: bool,
    /// nonRepudiation (contentCommitment): what seal certificates usually carry.
    pub non_repudiation: bool,
    /// keyCertSign: a CA.
    pub key_cert_sign: bool,
    /// cRLSign.
    pub crl_sign: bool,
}

/// OID of the `qcStatements` extension.
pub const OID_QC_STATEMENTS: &str = "1.3.6.1.5.5.7.1.3";
/// OID of the key usage extension.
pub const OID_KEY_USAGE: &str = "2.5.29.15";
/// OID of the extended key usage extension.
pub const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
/// OID of the subject key identifier extension.
pub const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";
/// The extended key usage `id-kp-timeStamping`.
pub const OID_KP_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";

impl Cert {
    /// Read a certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<Cert, CertError> {
        let cert = Certificate::from_der(der).map_err(|e| CertError::Malformed(e.to_string()))?;
        Ok(Cert { der: der.to_vec(), cert })
    }

    /// Read a certificate from base64 (standard or URL-safe, padding optional; as in `x5c`, which is standard).
    pub fn from_base64(b64: &str) -> Result<Cert, CertError> {
        Cert::from_der(&decode_base64_any(b64).ok_or_else(|| CertError::Malformed("bad base64".into()))?)
    }

    /// The subject name for people, most significant first: `C=EE, O=VELOCERT OU, ...`.
    pub fn subject(&self) -> String {
        name_to_string(&self.cert.tbs_certificate.subject)
    }
    /// The issuer name for people, most significant first: `C=SI, O=Halcom d.d., CN=...`.
    pub fn issuer(&self) -> String {
        name_to_string(&self.cert.tbs_certificate.issuer)
    }
    /// The DER of the subject name (for exact comparisons).
    pub fn subject_der(&self) -> Vec<u8> {
        self.cert.tbs_certificate.subject.to_der().unwrap_or_default()
    }
    /// The DER of the issuer name (for exact comparisons).
    pub fn issuer_der(&self) -> Vec<u8> {
        self.cert.tbs_certificate.issuer.to_der().unwrap_or_default()
    }
    /// The serial number's big-endian bytes as encoded.
    pub fn serial(&self) -> &[u8] {
        self.cert.tbs_certificate.serial_number.as_bytes()
    }
    /// The serial number in hex (lower case), as people compare it.
    pub fn serial_hex(&self) -> String {
        hex::encode(self.serial())
    }
    /// notBefore.
    pub fn not_before(&self) -> DateTime<Utc> {
        x509_time(&self.cert.tbs_certificate.validity.not_before)
    }
    /// notAfter.
    pub fn not_after(&self) -> DateTime<Utc> {
        x509_time(&self.cert.tbs_certificate.validity.not_after)
    }
    /// Whether `at` lies within notBefore..=notAfter.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before() <= at && at <= self.not_after()
    }
    /// SHA-256 of the DER: the value `x5t#S256` carries.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.der).into()
    }
    /// The raw value (the inner OCTET STRING's bytes) of the extension `oid`, and whether it is critical.
    pub fn extension(&self, oid: &str) -> Option<(&[u8], bool)> {
        self.cert
            .tbs_certificate
            .extensions
            .as_ref()?
            .iter()
            .find(|e| e.extn_id.to_string() == oid)
            .map(|e| (e.extn_value.as_bytes(), e.critical))
    }
    /// The subject key identifier, if present.
    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        let (v, _) = self.extension(OID_SUBJECT_KEY_ID)?;
        der::asn1::OctetString::from_der(v).ok().map(|o| o.as_bytes().to_vec())
    }
    /// The `qcStatements`, if the extension is present (`Err` if it is there but malformed).
    pub fn qc_statements(&self) -> Result<Option<QcStatements>, CertError> {
        match self.extension(OID_QC_STATEMENTS) {
            None => Ok(None),
            Some((v, _)) => parse_qc_statements(v).map(Some),
        }
    }
    /// The key usage, if the extension is present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        use x509_cert::ext::pkix::KeyUsages;
        let (v, _) = self.extension(OID_KEY_USAGE)?;
        let ku = x509_cert::ext::pkix::KeyUsage::from_der(v).ok()?;
        Some(KeyUsage {
            digital_signature: ku.0.contains(KeyUsages::DigitalSignature),
            non_repudiation: ku.0.contains(KeyUsages::NonRepudiation),
            key_cert_sign: ku.0.contains(KeyUsages::KeyCertSign),
            crl_sign: ku.0.contains(KeyUsages::CRLSign),
        })
    }
    /// The extended key usage OIDs and whether the extension is critical.
    pub fn extended_key_usage(&self) -> Option<(Vec<String>, bool)> {
        let (v, critical) = self.extension(OID_EXT_KEY_USAGE)?;
        let eku = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(v).ok()?;
        Some((eku.0.iter().map(|o| o.to_string()).collect(), critical))
    }
    /// The subject's public key.
    pub fn public_key(&self) -> Result<PublicKey, CertError> {
        public_key(&self.cert.tbs_certificate.subject_public_key_info)
    }
    /// Whether the certificate is self-signed: subject = issuer and its own key verifies it.
    pub fn is_self_signed(&self) -> bool {
        issued_by(self, self).is_ok()
    }
}

/// Whether `ca` issued `cert`: the names chain (cert's issuer = CA's subject,
/// byte for byte after DER) and the CA's public key verifies the
/// certificate's signature over its exact TBS bytes. Validity, key usage and
/// path constraints are not checked here.
pub fn issued_by(cert: &Cert, ca: &Cert) -> Result<(), CertError> {
    if cert.issuer_der() != ca.subject_der() {
        return Err(CertError::Malformed(format!("issuer {} is not {}", cert.issuer(), ca.subject())));
    }
    let tbs = first_element(&cert.der).ok_or_else(|| CertError::Malformed("no TBSCertificate".into()))?;
    let key = ca.public_key()?;
    let sig = cert
        .cert
        .signature
        .as_bytes()
        .ok_or_else(|| CertError::Malformed("signature has unused bits".into()))?;
    verify_signature(&key, &cert.cert.signature_algorithm, None, tbs, sig)
}

/// Check an X.509/CMS signature `sig` over `msg` with `key`, for the
/// signature algorithm `alg` (sha*WithRSAEncryption, RSASSA-PSS,
/// ecdsa-with-SHA*, Ed25519). CMS may name plain `rsaEncryption` (or
/// `id-ecPublicKey`) as the signature algorithm: then `digest` (the
/// SignerInfo's digest algorithm) gives the hash.
pub fn verify_signature(
    key: &PublicKey,
    alg: &spki::AlgorithmIdentifierOwned,
    digest: Option<HashAlg>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), CertError> {
    enum Scheme {
        Pkcs1(HashAlg),
        Pss(HashAlg, usize),
        Ecdsa(HashAlg),
        Ed25519,
    }
    let need_digest = || digest.ok_or_else(|| CertError::Unsupported("no digest algorithm".into()));
    let scheme = match alg.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => Scheme::Pkcs1(HashAlg::Sha256),
        "1.2.840.113549.1.1.12" => Scheme::Pkcs1(HashAlg::Sha384),
        "1.2.840.113549.1.1.13" => Scheme::Pkcs1(HashAlg::Sha512),
        "1.2.840.113549.1.1.1" => Scheme::Pkcs1(need_digest()?),
        "1.2.840.113549.1.1.10" => {
            let params = alg.parameters.as_ref().ok_or_else(|| CertError::Malformed("RSASSA-PSS without parameters".into()))?;
            let params: rsa::pkcs1::RsaPssParams = params.decode_as().map_err(|e| CertError::Malformed(e.to_string()))?;
            let hash = HashAlg::from_oid(&params.hash.oid)
                .ok_or_else(|| CertError::Unsupported(format!("RSASSA-PSS hash {}", params.hash.oid)))?;
            Scheme::Pss(hash, params.salt_len as usize)
        }
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(HashAlg::Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(HashAlg::Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(HashAlg::Sha512),
        "1.2.840.10045.2.1" => Scheme::Ecdsa(need_digest()?),
        "1.3.101.112" => Scheme::Ed25519,
        other => return Err(CertError::Unsupported(format!("signature algorithm {other}"))),
    };
    let ok = match (scheme, key) {
        (Scheme::Pkcs1(h), PublicKey::Rsa(k)) => k.verify(pkcs1_scheme(h), &h.digest(msg), sig).is_ok(),
        (Scheme::Pss(h, salt), PublicKey::Rsa(k)) => k.verify(pss_scheme(h, Some(salt)), &h.digest(msg), sig).is_ok(),
        (Scheme::Ecdsa(h), PublicKey::P256(k)) => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            p256::ecdsa::Signature::from_der(sig).map(|s| k.verify_prehash(&h.digest(msg), &s).is_ok()).unwrap_or(false)
        }
        (Scheme::Ecdsa(h), PublicKey::P384(k)) => {
            use p384::ecdsa::signature::hazmat::PrehashVerifier;
            p384::ecdsa::Signature::from_der(sig).map(|s| k.verify_prehash(&h.digest(msg), &s).is_ok()).unwrap_or(false)
        }
        (Scheme::Ed25519, PublicKey::Ed25519(k)) => ed25519_dalek::Signature::from_slice(sig)
            .map(|s| k.verify_strict(msg, &s).is_ok())
            .unwrap_or(false),
        _ => return Err(CertError::Malformed(format!("signature algorithm {} does not fit the key", alg.oid))),
    };
    if ok {
        Ok(())
    } else {
        Err(CertError::BadSignature)
    }
}

pub(crate) fn pkcs1_scheme(h: HashAlg) -> rsa::Pkcs1v15Sign {
    match h {
        HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
        HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
        HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
    }
}

/// PSS with the given salt length (JWS PS*: the hash length).
pub(crate) fn pss_scheme(h: HashAlg, salt: Option<usize>) -> rsa::Pss {
    match (h, salt) {
        (HashAlg::Sha256, None) => rsa::Pss::new::<Sha256>(),
        (HashAlg::Sha384, None) => rsa::Pss::new::<Sha384>(),
        (HashAlg::Sha512, None) => rsa::Pss::new::<Sha512>(),
        (HashAlg::Sha256, Some(s)) => rsa::Pss::new_with_salt::<Sha256>(s),
        (HashAlg::Sha384, Some(s)) => rsa::Pss::new_with_salt::<Sha384>(s),
        (HashAlg::Sha512, Some(s)) => rsa::Pss::new_with_salt::<Sha512>(s),
    }
}

/// The public key of a SubjectPublicKeyInfo (RSA, P-256, P-384, Ed25519).
pub fn public_key(spki: &spki::SubjectPublicKeyInfoOwned) -> Result<PublicKey, CertError> {
    use p256::pkcs8::DecodePublicKey;
    let der = spki.to_der().map_err(|e| CertError::Malformed(e.to_string()))?;
    let bad = |e: String| CertError::Malformed(format!("public key: {e}"));
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            rsa::RsaPublicKey::from_public_key_der(&der).map(PublicKey::Rsa).map_err(|e| bad(e.to_string()))
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|o| o.to_string())
                .unwrap_or_default();
            match curve.as_str() {
                "1.2.840.10045.3.1.7" => {
                    p256::ecdsa::VerifyingKey::from_public_key_der(&der).map(PublicKey::P256).map_err(|e| bad(e.to_string()))
                }
                "1.3.132.0.34" => {
                    p384::ecdsa::VerifyingKey::from_public_key_der(&der).map(PublicKey::P384).map_err(|e| bad(e.to_string()))
                }
                other => Err(CertError::Unsupported(format!("elliptic curve {other}"))),
            }
        }
        "1.3.101.112" => {
            let raw = spki.subject_public_key.as_bytes().ok_or_else(|| bad("unused bits".into()))?;
            let raw: [u8; 32] = raw.try_into().map_err(|_| bad("Ed25519 key is not 32 bytes".into()))?;
            ed25519_dalek::VerifyingKey::from_bytes(&raw).map(PublicKey::Ed25519).map_err(|e| bad(e.to_string()))
        }
        other => Err(CertError::Unsupported(format!("key type {other}"))),
    }
}

#[derive(Sequence)]
pub(crate) struct QcStatement {
    pub(crate) statement_id: ObjectIdentifier,
    pub(crate) statement_info: Option<Any>,
}

/// Parse the value of a `qcStatements` extension (SEQUENCE OF QCStatement).
pub fn parse_qc_statements(value: &[u8]) -> Result<QcStatements, CertError> {
    let list = Vec::<QcStatement>::from_der(value).map_err(|e| CertError::Malformed(format!("qcStatements: {e}")))?;
    let mut out = QcStatements::default();
    for st in list {
        match st.statement_id.to_string().as_str() {
            "0.4.0.1862.1.1" => out.compliance = true,
            "0.4.0.1862.1.4" => out.sscd = true,
            "0.4.0.1862.1.6" => {
                let types: Vec<ObjectIdentifier> = st
                    .statement_info
                    .as_ref()
                    .ok_or_else(|| CertError::Malformed("QcType without a type".into()))?
                    .decode_as()
                    .map_err(|e| CertError::Malformed(format!("QcType: {e}")))?;
                for t in types {
                    out.types.push(match t.to_string().as_str() {
                        "0.4.0.1862.1.6.1" => "esign".to_string(),
                        "0.4.0.1862.1.6.2" => "eseal".to_string(),
                        "0.4.0.1862.1.6.3" => "web".to_string(),
                        other => other.to_string(),
                    });
                }
            }
            "0.4.0.1862.1.7" => {
                if let Some(info) = &st.statement_info {
                    if let Ok(cs) = info.decode_as::<Vec<der::asn1::PrintableString>>() {
                        out.legislation.extend(cs.iter().map(|c| c.to_string()));
                    }
                }
            }
            // PSD2 (ETSI TS 119 495) is not about seals of credentials.
            "0.4.0.19495.2" => {}
            other => out.other.push(other.to_string()),
        }
    }
    Ok(out)
}

/// A name for people, most significant RDN first (as OpenSSL prints it):
/// `C=BE, O=DSS TEST PKI, OU=TEST PKI, CN=self-signed-tsa`.
pub fn name_to_string(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            let oid = atv.oid.to_string();
            let key = match oid.as_str() {
                "2.5.4.6" => "C",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.3" => "CN",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.5" => "serialNumber",
                "2.5.4.97" => "organizationIdentifier",
                "2.5.4.4" => "SN",
                "2.5.4.42" => "GN",
                "1.2.840.113549.1.9.1" => "emailAddress",
                _ => oid.as_str(),
            }
            .to_string();
            parts.push(format!("{key}={}", any_to_string(&atv.value)));
        }
    }
    parts.join(", ")
}

/// A directory string's text (UTF8, Printable, IA5, Teletex as Latin-1, BMP); hex for others.
fn any_to_string(v: &Any) -> String {
    use der::Tag;
    let b = v.value();
    match v.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => String::from_utf8_lossy(b).into_owned(),
        Tag::TeletexString => b.iter().map(|&c| c as char).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = b.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            String::from_utf16_lossy(&units)
        }
        _ => format!("#{}", hex::encode(b)),
    }
}

/// An X.509 time as UTC.
pub(crate) fn x509_time(t: &x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    Utc.timestamp_opt(d.as_secs() as i64, 0).single().unwrap_or_default()
}

/// Base64 in any of its usual forms: standard or URL-safe, with or without padding.
pub(crate) fn decode_base64_any(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = s.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(s).ok())
}

/// The bytes of the first element inside the outer DER SEQUENCE of `der`
/// (tag, length and value): a certificate's exact TBSCertificate.
pub(crate) fn first_element(der: &[u8]) -> Option<&[u8]> {
    let (hdr, _) = tlv(der)?;
    let inner = &der[hdr..];
    let (h2, len2) = tlv(inner)?;
    inner.get(..h2 + len2)
}

/// The content octets of one DER element (its value, without tag and length).
pub(crate) fn content_of(element: &[u8]) -> Option<&[u8]> {
    let (h, len) = tlv(element)?;
    element.get(h..h + len)
}

/// The elements (each with tag and length) inside the content octets `content`.
pub(crate) fn children(mut content: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (h, len) = tlv(content)?;
        let (el, rest) = content.split_at_checked(h + len)?;
        out.push(el);
        content = rest;
    }
    Some(out)
}

/// A DER element's header length and content length (definite lengths only).
pub(crate) fn tlv(b: &[u8]) -> Option<(usize, usize)> {
    let first_len = *b.get(1)?;
    if b.first()? & 0x1f == 0x1f {
        return None; // high tag numbers do not occur where this is used
    }
    if first_len < 0x80 {
        return Some((2, first_len as usize));
    }
    let n = (first_len & 0x7f) as usize;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *b.get(2 + i)? as usize;
    }
    Some((2 + n, len))
}
