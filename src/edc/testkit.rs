//! Test fixtures made at run time (compiled for unit tests, or with the
//! `testkit` feature for integration tests): a test CA, qualified seal
//! certificates (RSA for RS256, P-256 for ES256; one of them expired) with
//! `qcStatements`, a test TSA, RFC 3161 tokens, and JAdES B-B / B-T seals
//! over a small ELM-like payload in the JSON general serialization.
//!
//! Built with `x509-cert`'s and `cms`' builders (with their `builder`
//! features) rather than `rcgen`, so that tests need no second ASN.1 stack
//! and no `ring`; keys are made once per process. Nothing here is a real
//! trust anchor: every name says "Backpack Test".

use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use der::asn1::{Any, GeneralizedTime, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Tag};
use p256::ecdsa::{DerSignature, SigningKey as P256Key};
use serde_json::{json, Map, Value};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::AsExtension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::cert::{Cert, HashAlg};

/// A small ELM-like EDC payload (what the seal covers in the tests).
pub const ELM_PAYLOAD: &str = r#"{"@context":["https://www.w3.org/2018/credentials/v1","http://data.europa.eu/snb/model/context/edc-ap"],"type":["VerifiableCredential","EuropeanDigitalCredential"],"issuer":{"id":"urn:epass:org:1","legalName":{"en":"Backpack Test University"}},"issuanceDate":"2026-01-10T09:00:00Z","credentialSubject":{"id":"urn:epass:person:1","hasClaim":{"title":{"en":"Micro-credential in Data Stewardship"}}}}"#;

/// The test PKI: a CA, seal certificates and a TSA, made once per process.
pub struct TestPki {
    /// The test CA ("Backpack Test QTSP"), self-signed, P-256.
    pub ca: Cert,
    /// A qualified seal certificate (QcCompliance, QcSSCD, QcType eseal) with an RSA 2048 key, valid 2024 to 2030.
    pub rsa_seal: Cert,
    rsa_key: rsa::RsaPrivateKey,
    /// A qualified seal certificate with a P-256 key, valid 2024 to 2030.
    pub ec_seal: Cert,
    ec_key: P256Key,
    /// A qualified seal certificate with the same RSA key, valid 2020 to 2021 only.
    pub expired_seal: Cert,
    /// The test TSA, issued by the CA (extended key usage timeStamping), P-256.
    pub tsa: Cert,
    tsa_key: P256Key,
}

/// Which seal key signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealKey {
    /// RSA with RS256, the current certificate.
    Rsa,
    /// P-256 with ES256.
    Ec,
    /// RSA with RS256, the expired certificate.
    RsaExpired,
}

/// The test PKI (made on first use).
pub fn pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(TestPki::new)
}

fn time(rfc3339: &str) -> Time {
    let t = DateTime::parse_from_rfc3339(rfc3339).expect("test date");
    Time::GeneralTime(GeneralizedTime::from_unix_duration(Duration::from_secs(t.timestamp() as u64)).expect("time"))
}

fn validity(from: &str, to: &str) -> Validity {
    Validity { not_before: time(from), not_after: time(to) }
}

/// An extension given as its raw DER value.
struct RawExt {
    oid: ObjectIdentifier,
    der: Vec<u8>,
    critical: bool,
}
impl der::Encode for RawExt {
    fn encoded_len(&self) -> der::Result<der::Length> {
        der::Length::try_from(self.der.len())
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        w.write(&self.der)
    }
}
impl AsExtension for RawExt {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        self.critical
    }
    fn to_extension(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> der::Result<x509_cert::ext::Extension> {
        Ok(x509_cert::ext::Extension { extn_id: self.oid, critical: self.critical, extn_value: OctetString::new(self.der.clone())? })
    }
}
impl der::oid::AssociatedOid for RawExt {
    // Unused: `to_extension` above takes the OID from the value.
    const OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
}

/// The DER of a `qcStatements` value: QcCompliance, QcSSCD, QcType eseal.
pub fn qc_statements_eseal() -> Vec<u8> {
    let oid = |s: &str| ObjectIdentifier::new_unwrap(s);
    let qc_type = Any::from_der(&vec![oid("0.4.0.1862.1.6.2")].to_der().unwrap()).unwrap();
    vec![
        super::cert::QcStatement { statement_id: oid("0.4.0.1862.1.1"), statement_info: None },
        super::cert::QcStatement { statement_id: oid("0.4.0.1862.1.4"), statement_info: None },
        super::cert::QcStatement { statement_id: oid("0.4.0.1862.1.6"), statement_info: Some(qc_type) },
    ]
    .to_der()
    .unwrap()
}

fn leaf_profile(issuer: &Name) -> Profile {
    Profile::Leaf { issuer: issuer.clone(), enable_key_agreement: false, enable_key_encipherment: false }
}

impl TestPki {
    fn new() -> TestPki {
        let ca_key = P256Key::from_slice(&[0x11; 32]).unwrap();
        let ec_key = P256Key::from_slice(&[0x22; 32]).unwrap();
        let tsa_key = P256Key::from_slice(&[0x33; 32]).unwrap();
        let rsa_key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key");
        let ca_name = Name::from_str("CN=Backpack Test QTSP,O=Backpack Test,C=NL").unwrap();
        let ca_spki = spki_of(ca_key.verifying_key());
        let ca = {
            let b = CertificateBuilder::new(
                Profile::Root,
                SerialNumber::from(1u32),
                validity("2020-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
                ca_name.clone(),
                ca_spki,
                &ca_key,
            )
            .unwrap();
            to_cert(b.build::<DerSignature>().unwrap())
        };
        let seal = |serial: u32, spki: SubjectPublicKeyInfoOwned, from: &str, to: &str, cn: &str| {
            let subject = Name::from_str(&format!("CN={cn},2.5.4.97=NTRNL-12345678,O=Backpack Test University,C=NL")).unwrap();
            let mut b = CertificateBuilder::new(leaf_profile(&ca_name), SerialNumber::from(serial), validity(from, to), subject, spki, &ca_key).unwrap();
            b.add_extension(&RawExt { oid: ObjectIdentifier::new_unwrap(super::cert::OID_QC_STATEMENTS), der: qc_statements_eseal(), critical: false })
                .unwrap();
            to_cert(b.build::<DerSignature>().unwrap())
        };
        let rsa_spki = spki_of(&rsa_key.to_public_key());
        let ec_spki = spki_of(ec_key.verifying_key());
        let rsa_seal = seal(0x1001, rsa_spki.clone(), "2024-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "Backpack Test Seal RSA");
        let ec_seal = seal(0x1002, ec_spki, "2024-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "Backpack Test Seal EC");
        let expired_seal = seal(0x1003, rsa_spki, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", "Backpack Test Seal RSA");
        let tsa = {
            let subject = Name::from_str("CN=Backpack Test TSA,O=Backpack Test,C=NL").unwrap();
            let tsa_spki = spki_of(tsa_key.verifying_key());
            let mut b = CertificateBuilder::new(
                leaf_profile(&ca_name),
                SerialNumber::from(0x2001u32),
                validity("2020-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
                subject,
                tsa_spki,
                &ca_key,
            )
            .unwrap();
            let eku = x509_cert::ext::pkix::ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap(super::cert::OID_KP_TIME_STAMPING)]);
            b.add_extension(&RawExt { oid: ObjectIdentifier::new_unwrap(super::cert::OID_EXT_KEY_USAGE), der: eku.to_der().unwrap(), critical: true })
                .unwrap();
            to_cert(b.build::<DerSignature>().unwrap())
        };
        TestPki { ca, rsa_seal, rsa_key, ec_seal, ec_key, expired_seal, tsa, tsa_key }
    }

    /// The certificate of a seal key.
    pub fn seal_cert(&self, key: SealKey) -> &Cert {
        match key {
            SealKey::Rsa => &self.rsa_seal,
            SealKey::Ec => &self.ec_seal,
            SealKey::RsaExpired => &self.expired_seal,
        }
    }

    /// Sign `input` as a JWS with `key`: RS256/384/512 or PS256/384/512 for
    /// the RSA keys (RS256 for any other `alg`), ES256 for the P-256 key.
    pub fn sign(&self, key: SealKey, alg: &str, input: &[u8]) -> Vec<u8> {
        let h = match &alg[2.min(alg.len())..] {
            "384" => HashAlg::Sha384,
            "512" => HashAlg::Sha512,
            _ => HashAlg::Sha256,
        };
        match key {
            SealKey::Rsa | SealKey::RsaExpired if alg.starts_with("PS") => self
                .rsa_key
                .sign_with_rng(&mut rsa::rand_core::OsRng, super::cert::pss_scheme(h, None), &h.digest(input))
                .expect("RSA-PSS signature"),
            SealKey::Rsa | SealKey::RsaExpired => {
                let h = if alg.starts_with("RS") { h } else { HashAlg::Sha256 };
                self.rsa_key.sign(super::cert::pkcs1_scheme(h), &h.digest(input)).expect("RSA signature")
            }
            SealKey::Ec => {
                use p256::ecdsa::signature::Signer;
                let s: p256::ecdsa::Signature = self.ec_key.sign(input);
                s.to_bytes().to_vec()
            }
        }
    }

    /// An RFC 3161 token over `data` (SHA-256 imprint) by the test TSA, at `gen_time`, naming its signer by issuer and serial.
    pub fn timestamp_token(&self, data: &[u8], gen_time: DateTime<Utc>) -> Vec<u8> {
        self.timestamp_token_with(data, gen_time, false)
    }

    /// As [`TestPki::timestamp_token`]; `by_key_id` names the signer by subject key identifier instead.
    pub fn timestamp_token_with(&self, data: &[u8], gen_time: DateTime<Utc>, by_key_id: bool) -> Vec<u8> {
        use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
        use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
        let sha256 = AlgorithmIdentifierOwned { oid: ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"), parameters: None };
        let tst = TstInfoEnc {
            version: 1,
            policy: ObjectIdentifier::new_unwrap("1.2.3.4"),
            imprint: super::timestamp::MessageImprint {
                hash_algorithm: sha256.clone(),
                hashed_message: OctetString::new(HashAlg::Sha256.digest(data)).unwrap(),
            },
            serial: 42,
            gen_time: GeneralizedTime::from_unix_duration(Duration::from_secs(gen_time.timestamp() as u64)).unwrap(),
        }
        .to_der()
        .unwrap();
        let eci = EncapsulatedContentInfo {
            econtent_type: ObjectIdentifier::new_unwrap(super::timestamp::OID_TST_INFO),
            econtent: Some(Any::new(Tag::OctetString, tst).unwrap()),
        };
        let sid = if by_key_id {
            let ski = OctetString::new(self.tsa.subject_key_id().expect("the TSA has a subject key identifier")).unwrap();
            SignerIdentifier::SubjectKeyIdentifier(x509_cert::ext::pkix::SubjectKeyIdentifier(ski))
        } else {
            SignerIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
                issuer: self.tsa.cert.tbs_certificate.issuer.clone(),
                serial_number: self.tsa.cert.tbs_certificate.serial_number.clone(),
            })
        };
        let sib = SignerInfoBuilder::new(&self.tsa_key, sid, sha256.clone(), &eci, None).unwrap();
        let ci = SignedDataBuilder::new(&eci)
            .add_digest_algorithm(sha256)
            .unwrap()
            .add_certificate(cms::cert::CertificateChoices::Certificate(self.tsa.cert.clone()))
            .unwrap()
            .add_signer_info::<_, DerSignature>(sib)
            .unwrap()
            .build()
            .unwrap();
        ci.to_der().unwrap()
    }
}

fn spki_of(key: &impl EncodePublicKey) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned::from_der(key.to_public_key_der().expect("public key").as_bytes()).expect("SPKI")
}

fn to_cert(c: x509_cert::Certificate) -> Cert {
    Cert { der: c.to_der().unwrap(), cert: c }
}

#[derive(der::Sequence)]
struct TstInfoEnc {
    version: u8,
    policy: ObjectIdentifier,
    imprint: super::timestamp::MessageImprint,
    serial: u64,
    gen_time: GeneralizedTime,
}

/// What to seal and how.
#[derive(Clone, Debug)]
pub struct SealSpec {
    /// The key (and certificate) that signs.
    pub key: SealKey,
    /// RFC 7797 `b64` (false, as EDCs use: `b64:false` in the header and in `crit`); true leaves `b64` out.
    pub b64: bool,
    /// `sigT`.
    pub sig_t: DateTime<Utc>,
    /// Add a `sigTst` timestamp by the test TSA (B-T), at `sig_t`.
    pub timestamp: bool,
}

impl SealSpec {
    /// JAdES B-T, `b64:false`, RS256 (like the published EDCs), `sigT` 2026-01-12T07:28:03Z.
    pub fn edc() -> SealSpec {
        SealSpec { key: SealKey::Rsa, b64: false, sig_t: "2026-01-12T07:28:03Z".parse().unwrap(), timestamp: true }
    }
}

/// The protected header a seal gets: alg, typ, cty, b64 (when false), sigT, crit, kid (IssuerSerial), x5t#S256, x5c.
pub fn protected_header(spec: &SealSpec) -> Map<String, Value> {
    let cert = pki().seal_cert(spec.key);
    let alg = if spec.key == SealKey::Ec { "ES256" } else { "RS256" };
    let mut h = Map::new();
    h.insert("alg".into(), json!(alg));
    h.insert("typ".into(), json!("jose+json"));
    h.insert("cty".into(), json!("octet-stream"));
    h.insert("kid".into(), json!(STANDARD.encode(issuer_serial(cert))));
    h.insert("x5t#S256".into(), json!(URL_SAFE_NO_PAD.encode(cert.sha256())));
    h.insert("x5c".into(), json!([STANDARD.encode(&cert.der)]));
    if !spec.b64 {
        h.insert("b64".into(), json!(false));
    }
    h.insert("sigT".into(), json!(spec.sig_t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    h.insert("crit".into(), if spec.b64 { json!(["sigT"]) } else { json!(["b64", "sigT"]) });
    h
}

/// The DER IssuerSerial of `cert` (what JAdES puts in `kid`).
pub fn issuer_serial(cert: &Cert) -> Vec<u8> {
    use x509_cert::ext::pkix::name::GeneralName;
    super::jades::IssuerSerial {
        issuer: vec![GeneralName::DirectoryName(cert.cert.tbs_certificate.issuer.clone())],
        serial: cert.cert.tbs_certificate.serial_number.clone(),
        issuer_uid: None,
    }
    .to_der()
    .unwrap()
}

/// Seal `payload` as JAdES in the JSON general serialization, with the
/// default protected header changed by `edit` before signing.
pub fn seal_with(payload: &[u8], spec: &SealSpec, edit: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut header = protected_header(spec);
    edit(&mut header);
    let protected = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Value::Object(header.clone())).unwrap());
    let b64 = header.get("b64").and_then(Value::as_bool).unwrap_or(true);
    let payload_member = if b64 { URL_SAFE_NO_PAD.encode(payload) } else { String::from_utf8(payload.to_vec()).expect("an unencoded payload in JSON must be text") };
    let mut input = protected.clone().into_bytes();
    input.push(b'.');
    input.extend_from_slice(payload_member.as_bytes());
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("RS256");
    let signature = URL_SAFE_NO_PAD.encode(pki().sign(spec.key, alg, &input));
    let mut sig = json!({"protected": protected, "signature": signature});
    if spec.timestamp {
        let token = pki().timestamp_token(signature.as_bytes(), spec.sig_t);
        let sig_tst = json!({"sigTst": {"tstTokens": [{"val": STANDARD.encode(token)}]}});
        sig["header"] = json!({"etsiU": [URL_SAFE_NO_PAD.encode(serde_json::to_vec(&sig_tst).unwrap())]});
    }
    json!({"payload": payload_member, "signatures": [sig]})
}

/// Seal `payload` with the default header.
pub fn seal(payload: &[u8], spec: &SealSpec) -> Value {
    seal_with(payload, spec, |_| {})
}

/// The same seal in the flattened JSON serialization.
pub fn to_flattened(general: &Value) -> Value {
    let mut sig = general["signatures"][0].clone();
    sig["payload"] = general["payload"].clone();
    sig
}

/// The same seal in the compact serialization (`protected.payload.signature`; unprotected header dropped).
pub fn to_compact(general: &Value, detached: bool) -> String {
    let sig = &general["signatures"][0];
    let payload = if detached { "" } else { general["payload"].as_str().unwrap() };
    format!("{}.{}.{}", sig["protected"].as_str().unwrap(), payload, sig["signature"].as_str().unwrap())
}
