//! RFC 3161 timestamp tokens, as JAdES B-T carries them in `etsiU[].sigTst`:
//! a CMS SignedData (RFC 5652) whose eContentType is id-ct-TSTInfo.
//!
//! This module reads the TSTInfo (genTime, message imprint, serial), checks
//! the imprint against the bytes the caller says were stamped (for a JAdES
//! `sigTst`: the ASCII of the JWS `signature` base64url string), and checks
//! the SignerInfo: the content-type and messageDigest signed attributes, the
//! ESS signing-certificate(-v2) attribute when present, and the signature
//! over the signed attributes with the signer certificate found in the
//! token (by issuer and serial, or subject key identifier). It says which
//! TSA signed and when; whether that TSA is trusted is decided elsewhere.
//!
//! The CMS structures are the `cms` crate's; TSTInfo is read by hand here
//! because `der`'s GeneralizedTime refuses the fractional seconds many TSAs
//! write, and `cms` 0.2 has no TSTInfo type.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Any, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, Sequence, SliceReader, Tag, Tagged};
use spki::AlgorithmIdentifierOwned;

use super::cert::{Cert, HashAlg};

/// id-signedData.
const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// id-ct-TSTInfo.
pub const OID_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
const OID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const OID_SIGNING_CERT: &str = "1.2.840.113549.1.9.16.2.12";
const OID_SIGNING_CERT_V2: &str = "1.2.840.113549.1.9.16.2.47";

/// Why a token could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimestampError {
    /// Not an RFC 3161 timestamp token.
    #[error("not a timestamp token: {0}")]
    Malformed(String),
}

/// What a TSTInfo says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TstInfo {
    /// The TSA policy OID.
    pub policy: String,
    /// The message imprint's hash algorithm OID.
    pub hash_oid: String,
    /// That algorithm, if it is one this module computes.
    pub hash: Option<HashAlg>,
    /// The message imprint (the hash of what was stamped).
    pub imprint: Vec<u8>,
    /// The token's serial number (big-endian bytes).
    pub serial: Vec<u8>,
    /// genTime: when the TSA stamped.
    pub gen_time: DateTime<Utc>,
    /// The nonce, if any.
    pub nonce: Option<Vec<u8>>,
}

/// A parsed timestamp token.
#[derive(Clone, Debug)]
pub struct Token {
    /// The TSTInfo.
    pub info: TstInfo,
    /// The certificates the token carries (the TSA's, often its chain).
    pub certificates: Vec<Cert>,
    signed_data: SignedData,
    /// The eContent octets (the TSTInfo DER): what messageDigest hashes.
    econtent: Vec<u8>,
    /// Each SignerInfo exactly as encoded (the parsed ones are re-sorted SETs).
    raw_signer_infos: Vec<Vec<u8>>,
}

/// Certificates, then SignerInfos, each as encoded.
type RawParts<'a> = (Vec<&'a [u8]>, Vec<&'a [u8]>);

/// The certificates and SignerInfos of a ContentInfo(SignedData), exactly as
/// encoded: `der` sorts SET OF on decoding, so re-encoding the signed
/// attributes of a token whose sets were not in DER order would not give
/// the bytes the TSA signed, and a certificate's hash needs its own bytes.
fn raw_parts(token: &[u8]) -> Option<RawParts<'_>> {
    use super::cert::{children, content_of};
    let ci = children(content_of(token)?)?;
    let signed_data = content_of(ci.get(1)?).and_then(|explicit| children(explicit)?.first().copied())?;
    let parts = children(content_of(signed_data)?)?;
    let certs = match parts.iter().find(|p| p.first() == Some(&0xA0)) {
        Some(set) => children(content_of(set)?)?.into_iter().filter(|c| c.first() == Some(&0x30)).collect(),
        None => Vec::new(),
    };
    let signer_infos = children(content_of(parts.last()?)?)?;
    Some((certs, signer_infos))
}

/// The outcome of checking one token against the bytes it should stamp.
#[derive(Clone, Debug)]
pub struct TimestampCheck {
    /// genTime, when the token could be read.
    pub gen_time: Option<DateTime<Utc>>,
    /// The token's serial in hex, when it could be read.
    pub serial_hex: Option<String>,
    /// `Some(true)`: the imprint is the hash of the stamped bytes; `Some(false)`: it is not; `None`: could not check (unsupported hash, unreadable token).
    pub imprint_ok: Option<bool>,
    /// `Some(true)`: the CMS signature verifies with the signer certificate; `Some(false)`: it does not (or attributes disagree); `None`: could not check.
    pub signature_ok: Option<bool>,
    /// The certificate that signed the token (found in the token), if found.
    pub tsa: Option<Cert>,
    /// Every certificate in the token.
    pub certificates: Vec<Cert>,
    /// Sentences for people: what was found, each failure's reason.
    pub notes: Vec<String>,
}

impl TimestampCheck {
    /// Imprint and signature both verified.
    pub fn verified(&self) -> bool {
        self.imprint_ok == Some(true) && self.signature_ok == Some(true)
    }
}

#[derive(Sequence)]
pub(crate) struct MessageImprint {
    pub(crate) hash_algorithm: AlgorithmIdentifierOwned,
    pub(crate) hashed_message: OctetString,
}

/// Read a DER timestamp token (a CMS ContentInfo of SignedData over a TSTInfo).
pub fn parse_token(der: &[u8]) -> Result<Token, TimestampError> {
    let bad = |e: String| TimestampError::Malformed(e);
    let ci = ContentInfo::from_der(der).map_err(|e| bad(format!("ContentInfo: {e}")))?;
    if ci.content_type.to_string() != OID_SIGNED_DATA {
        return Err(bad(format!("content type {} is not SignedData", ci.content_type)));
    }
    let signed_data: SignedData = ci.content.decode_as().map_err(|e| bad(format!("SignedData: {e}")))?;
    let eci = &signed_data.encap_content_info;
    if eci.econtent_type.to_string() != OID_TST_INFO {
        return Err(bad(format!("eContentType {} is not TSTInfo", eci.econtent_type)));
    }
    let econtent = eci.econtent.as_ref().ok_or_else(|| bad("no eContent".into()))?;
    if econtent.tag() != Tag::OctetString {
        return Err(bad("eContent is not an OCTET STRING".into()));
    }
    let econtent = econtent.value().to_vec();
    let info = parse_tst_info(&econtent)?;
    let (raw_certs, raw_signer_infos) = raw_parts(der).ok_or_else(|| bad("unexpected SignedData layout".into()))?;
    let certificates = raw_certs.into_iter().map(Cert::from_der).collect::<Result<Vec<_>, _>>().map_err(|e| bad(e.to_string()))?;
    let raw_signer_infos = raw_signer_infos.into_iter().map(<[u8]>::to_vec).collect();
    Ok(Token { info, certificates, signed_data, econtent, raw_signer_infos })
}

/// Read a TSTInfo (RFC 3161 2.4.2). Fields after genTime are skipped except the nonce.
pub fn parse_tst_info(der: &[u8]) -> Result<TstInfo, TimestampError> {
    let mut r = SliceReader::new(der).map_err(|e| TimestampError::Malformed(e.to_string()))?;
    let info = r
        .sequence(|r| {
            let version = Int::decode(r)?;
            if version.as_bytes() != [1] {
                return Err(der::Tag::Integer.value_error());
            }
            let policy = ObjectIdentifier::decode(r)?;
            let mi = MessageImprint::decode(r)?;
            let serial = Int::decode(r)?;
            let gen_time = Any::decode(r)?;
            let mut nonce = None;
            while !r.is_finished() {
                let a = Any::decode(r)?;
                if a.tag() == Tag::Integer && nonce.is_none() {
                    nonce = Some(a.value().to_vec());
                }
            }
            Ok((policy, mi, serial, gen_time, nonce))
        })
        .map_err(|e| TimestampError::Malformed(format!("TSTInfo: {e}")))?;
    let (policy, mi, serial, gen_time, nonce) = info;
    if gen_time.tag() != Tag::GeneralizedTime {
        return Err(TimestampError::Malformed("genTime is not a GeneralizedTime".into()));
    }
    let gen_time = parse_generalized_time(gen_time.value())
        .ok_or_else(|| TimestampError::Malformed("genTime is not YYYYMMDDHHMMSS[.f]Z".into()))?;
    Ok(TstInfo {
        policy: policy.to_string(),
        hash_oid: mi.hash_algorithm.oid.to_string(),
        hash: HashAlg::from_oid(&mi.hash_algorithm.oid),
        imprint: mi.hashed_message.as_bytes().to_vec(),
        serial: serial.as_bytes().to_vec(),
        gen_time,
        nonce,
    })
}

/// `YYYYMMDDHHMMSS[.fff]Z` (DER GeneralizedTime, fractions allowed).
fn parse_generalized_time(b: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(b).ok()?.strip_suffix('Z')?;
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => (m, f),
        Some(_) => return None,
        None => (s, ""),
    };
    if main.len() != 14 || !main.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let naive = NaiveDateTime::parse_from_str(main, "%Y%m%d%H%M%S").ok()?;
    let nanos: u32 = if frac.is_empty() { 0 } else { format!("{:0<9}", &frac[..frac.len().min(9)]).parse().ok()? };
    Some(Utc.from_utc_datetime(&naive) + chrono::Duration::nanoseconds(nanos as i64))
}

impl Token {
    /// Whether the imprint is the hash (with the token's algorithm) of `data`; `None` when the algorithm is not SHA-256/384/512.
    pub fn imprint_matches(&self, data: &[u8]) -> Option<bool> {
        self.info.hash.map(|h| h.digest(data) == self.info.imprint)
    }

    /// Verify the (first) SignerInfo: signer certificate found in the token,
    /// signed attributes consistent with the TSTInfo, signature valid.
    /// Returns the signer certificate; `Err((None, why))` when it could not
    /// be checked, `Err((Some(false), why))` when it is wrong.
    pub fn verify_signature(&self) -> Result<Cert, (Option<bool>, String)> {
        let si = self.signed_data.signer_infos.0.iter().next().ok_or((Some(false), "the token has no SignerInfo".to_string()))?;
        let cert = self.find_signer(si).ok_or((None, "the signer's certificate is not in the token".to_string()))?;
        let digest = HashAlg::from_oid(&si.digest_alg.oid).ok_or((None, format!("digest algorithm {} not supported", si.digest_alg.oid)))?;
        let msg = match &si.signed_attrs {
            None => self.econtent.clone(),
            Some(attrs) => {
                let mut content_type_ok = false;
                let mut digest_ok = None;
                for attr in attrs.iter() {
                    let value = attr.values.iter().next();
                    match attr.oid.to_string().as_str() {
                        OID_CONTENT_TYPE => {
                            content_type_ok = value
                                .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
                                .is_some_and(|o| o.to_string() == OID_TST_INFO);
                        }
                        OID_MESSAGE_DIGEST => {
                            digest_ok = Some(
                                value
                                    .and_then(|v| v.decode_as::<OctetString>().ok())
                                    .is_some_and(|o| o.as_bytes() == digest.digest(&self.econtent)),
                            );
                        }
                        OID_SIGNING_CERT_V2 | OID_SIGNING_CERT => {
                            let v2 = attr.oid.to_string() == OID_SIGNING_CERT_V2;
                            if let Some(v) = value {
                                match ess_cert_id_matches(v, &cert, v2) {
                                    Some(true) | None => {}
                                    Some(false) => {
                                        return Err((Some(false), "the signing-certificate attribute does not name the signer's certificate".into()))
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if !content_type_ok {
                    return Err((Some(false), "the content-type attribute is missing or not TSTInfo".into()));
                }
                match digest_ok {
                    Some(true) => {}
                    Some(false) => return Err((Some(false), "the messageDigest attribute does not match the TSTInfo".into())),
                    None => return Err((Some(false), "no messageDigest attribute".into())),
                }
                // The signature covers the SET OF attributes as encoded, with the
                // SET tag 0x31 in place of [0] (RFC 5652 5.4).
                match self.raw_signed_attrs(si) {
                    Some(raw) => raw,
                    None => attrs.to_der().map_err(|e| (Some(false), e.to_string()))?,
                }
            }
        };
        let key = cert.public_key().map_err(|e| (None, e.to_string()))?;
        match super::cert::verify_signature(&key, &si.signature_algorithm, Some(digest), &msg, si.signature.as_bytes()) {
            Ok(()) => Ok(cert),
            Err(super::cert::CertError::BadSignature) => Err((Some(false), "the TSA's signature does not match".into())),
            Err(super::cert::CertError::Unsupported(e)) => Err((None, e)),
            Err(e) => Err((Some(false), e.to_string())),
        }
    }

    /// The signed attributes of `si` as encoded, re-tagged as a SET.
    fn raw_signed_attrs(&self, si: &SignerInfo) -> Option<Vec<u8>> {
        let sig = si.signature.as_bytes();
        if sig.is_empty() {
            return None;
        }
        let raw = self.raw_signer_infos.iter().find(|r| r.windows(sig.len()).any(|w| w == sig))?;
        let fields = super::cert::children(super::cert::content_of(raw)?)?;
        let mut attrs = fields.iter().find(|f| f.first() == Some(&0xA0))?.to_vec();
        attrs[0] = 0x31;
        Some(attrs)
    }

    fn find_signer(&self, si: &SignerInfo) -> Option<Cert> {
        match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                let issuer = ias.issuer.to_der().ok()?;
                self.certificates
                    .iter()
                    .find(|c| c.issuer_der() == issuer && c.serial() == ias.serial_number.as_bytes())
                    .cloned()
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                self.certificates.iter().find(|c| c.subject_key_id().as_deref() == Some(ski.0.as_bytes())).cloned()
            }
        }
    }
}

/// Whether the first ESSCertID(v2) of a signing-certificate attribute is the hash of `cert`; `None` if unreadable or an unsupported hash.
fn ess_cert_id_matches(value: &Any, cert: &Cert, v2: bool) -> Option<bool> {
    // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL }
    let outer: Vec<Any> = value.decode_as().ok()?;
    let certs: Vec<Any> = outer.first()?.decode_as().ok()?;
    let first: Vec<Any> = certs.first()?.decode_as().ok()?;
    let (alg, hash) = match first.first()?.tag() {
        // ESSCertIDv2 with an explicit hashAlgorithm.
        Tag::Sequence if v2 => {
            let alg: AlgorithmIdentifierOwned = first.first()?.decode_as().ok()?;
            (HashAlg::from_oid(&alg.oid)?, first.get(1)?)
        }
        Tag::OctetString if v2 => (HashAlg::Sha256, first.first()?),
        // ESSCertID (v1) is SHA-1, which this module does not compute.
        _ => return None,
    };
    Some(hash.value() == alg.digest(&cert.der))
}

/// Check one token (DER) against the bytes it should stamp.
pub fn check(token: &[u8], stamped: &[u8]) -> TimestampCheck {
    let mut out = TimestampCheck {
        gen_time: None,
        serial_hex: None,
        imprint_ok: None,
        signature_ok: None,
        tsa: None,
        certificates: Vec::new(),
        notes: Vec::new(),
    };
    let token = match parse_token(token) {
        Ok(t) => t,
        Err(e) => {
            out.signature_ok = Some(false);
            out.notes.push(e.to_string());
            return out;
        }
    };
    out.gen_time = Some(token.info.gen_time);
    out.serial_hex = Some(hex::encode(&token.info.serial));
    out.certificates = token.certificates.clone();
    out.imprint_ok = token.imprint_matches(stamped);
    match out.imprint_ok {
        Some(true) => {}
        Some(false) => out.notes.push("the message imprint is not the hash of the signature".into()),
        None => out.notes.push(format!("message imprint hash {} not supported", token.info.hash_oid)),
    }
    match token.verify_signature() {
        Ok(cert) => {
            out.signature_ok = Some(true);
            out.tsa = Some(cert);
        }
        Err((ok, why)) => {
            out.signature_ok = ok;
            out.notes.push(why);
        }
    }
    out
}
