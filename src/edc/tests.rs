//! Unit tests of the EDC seal: the two public samples (tests/fixtures/edc/)
//! and seals made at test time by `testkit`.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use super::testkit::{self, pki, SealKey, SealSpec, ELM_PAYLOAD};
use super::*;

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/edc/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn check_value(v: &Value) -> SealResult {
    verify_bytes(&serde_json::to_vec(v).unwrap(), &SealOptions::default()).unwrap().1
}

fn outcomes(r: &SealResult) -> [Outcome; 4] {
    [r.seal_signature.outcome, r.seal_certificate.outcome, r.timestamp.outcome, r.timestamp_authority.outcome]
}

use Outcome::{CouldNotCheck, Fail, NotApplicable, Pass};

#[test]
fn public_samples_verify_with_an_untrusted_test_tsa() {
    for name in ["edc-coa-signed.jsonld", "edc-mc-signed.jsonld"] {
        let (jws, r) = verify_bytes(&sample(name), &SealOptions::default()).unwrap();
        assert_eq!(jws.serialization, jades::Serialization::General);
        assert!(!jws.signatures[0].b64());
        assert_eq!(outcomes(&r), [Pass, Pass, Pass, CouldNotCheck], "{name}: {:#?}", r.findings());
        assert_eq!(r.alg.as_deref(), Some("RS256"));
        assert!(r.seal_certificate.detail.contains("x5t#S256 matches"), "{}", r.seal_certificate.detail);
        assert!(r.seal_certificate.detail.contains("kid names its issuer and serial"));
        let cert = r.certificate.as_ref().unwrap();
        assert!(cert.subject().contains("O=VELOCERT OU"), "{}", cert.subject());
        assert_eq!(cert.issuer(), "C=SI, O=Halcom d.d., organizationIdentifier=VATSI-43353126, CN=Halcom CA PO e-seal 2");
        let qc = r.qc.as_ref().unwrap();
        assert!(qc.compliance && qc.is_qualified_seal(), "{qc:?}");
        assert_eq!(qc.types, ["eseal"]);
        assert_eq!(r.timestamps.len(), 1);
        let ts = &r.timestamps[0];
        assert_eq!((ts.imprint_ok, ts.signature_ok), (Some(true), Some(true)), "{:?}", ts.notes);
        let tsa = ts.tsa.as_ref().unwrap();
        assert_eq!(tsa.subject(), "C=BE, O=DSS TEST PKI, OU=TEST PKI, CN=self-signed-tsa");
        assert!(tsa.is_self_signed());
        assert!(r.timestamp_authority.detail.contains("self-signed"));
        // The sample is really B-LTA-shaped: validation data and an archive timestamp, reported as not checked.
        assert_eq!(r.unchecked_members, ["xVals", "rVals", "arcTst"]);
        assert!(!r.chain.is_empty());
        assert!(r.sig_t.is_some());
        let content = jws.content(0).unwrap();
        assert!(content.starts_with(b"{\"@context\""));
        // Trusting the TSA's certificate makes the authority pass.
        let opts = SealOptions { trusted_tsa: vec![tsa.der.clone()], now: None };
        assert_eq!(verify(&jws, 0, &opts).timestamp_authority.outcome, Pass);
    }
}

#[test]
fn sample_with_one_payload_byte_changed_fails() {
    let mut v: Value = serde_json::from_slice(&sample("edc-coa-signed.jsonld")).unwrap();
    let p = v["payload"].as_str().unwrap().replacen("Velocert", "Velocerr", 1);
    assert_ne!(p, v["payload"].as_str().unwrap());
    v["payload"] = json!(p);
    let r = check_value(&v);
    assert_eq!(r.seal_signature.outcome, Fail);
    // The timestamp covers the signature, not the payload: still verifies.
    assert_eq!(r.timestamp.outcome, Pass);
}

#[test]
fn sample_with_x5t_changed_fails() {
    let mut v: Value = serde_json::from_slice(&sample("edc-mc-signed.jsonld")).unwrap();
    let sig = &mut v["signatures"][0];
    let mut h: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(sig["protected"].as_str().unwrap()).unwrap()).unwrap();
    h["x5t#S256"] = json!(URL_SAFE_NO_PAD.encode([7u8; 32]));
    sig["protected"] = json!(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&h).unwrap()));
    let r = check_value(&v);
    assert_eq!(r.seal_signature.outcome, Fail);
    assert_eq!(r.seal_certificate.outcome, Fail, "{}", r.seal_certificate.detail);
}

#[test]
fn sample_timestamp_imprint_is_over_the_signature_text() {
    let (jws, _) = verify_bytes(&sample("edc-coa-signed.jsonld"), &SealOptions::default()).unwrap();
    let sig = &jws.signatures[0];
    let token = timestamp::parse_token(&sig.sig_tst_tokens()[0]).unwrap();
    assert_eq!(token.imprint_matches(sig.signature_b64.as_bytes()), Some(true));
    assert_eq!(token.imprint_matches(&sig.signature), Some(false));
    assert_eq!(hex::encode(&token.info.imprint)[..8], *"b548a169");
    assert_eq!(token.info.gen_time.to_rfc3339(), "2026-01-12T07:28:03+00:00");
}

#[test]
fn generated_rs256_b_t_is_valid_and_tsa_trusted_through_its_ca() {
    let v = testkit::seal(ELM_PAYLOAD.as_bytes(), &SealSpec::edc());
    let r = check_value(&v);
    assert_eq!(outcomes(&r), [Pass, Pass, Pass, CouldNotCheck], "{:#?}", r.findings());
    assert!(r.seal_certificate.detail.contains("QcCompliance, QcSSCD, QcType eseal"), "{}", r.seal_certificate.detail);
    let jws = jades::parse(&serde_json::to_vec(&v).unwrap()).unwrap();
    let opts = SealOptions { trusted_tsa: vec![pki().ca.der.clone()], now: None };
    assert_eq!(verify(&jws, 0, &opts).timestamp_authority.outcome, Pass);
    assert_eq!(jws.content(0).unwrap(), ELM_PAYLOAD.as_bytes());
    let checks = r.findings();
    assert_eq!(checks.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [SEAL_SIGNATURE, SEAL_CERTIFICATE, TIMESTAMP, TIMESTAMP_AUTHORITY]);
    assert_eq!(checks[3].1.outcome, CouldNotCheck);
}

#[test]
fn generated_es256_b_b_is_valid_without_timestamp() {
    let spec = SealSpec { key: SealKey::Ec, timestamp: false, ..SealSpec::edc() };
    let r = check_value(&testkit::seal(ELM_PAYLOAD.as_bytes(), &spec));
    assert_eq!(outcomes(&r), [Pass, Pass, NotApplicable, NotApplicable], "{:#?}", r.findings());
    assert_eq!(r.alg.as_deref(), Some("ES256"));
}

#[test]
fn generated_es256_b_t_is_valid() {
    let spec = SealSpec { key: SealKey::Ec, ..SealSpec::edc() };
    let r = check_value(&testkit::seal(ELM_PAYLOAD.as_bytes(), &spec));
    assert_eq!(outcomes(&r), [Pass, Pass, Pass, CouldNotCheck], "{:#?}", r.findings());
}

#[test]
fn generated_payload_changed_fails() {
    for key in [SealKey::Rsa, SealKey::Ec] {
        let mut v = testkit::seal(ELM_PAYLOAD.as_bytes(), &SealSpec { key, ..SealSpec::edc() });
        v["payload"] = json!(ELM_PAYLOAD.replace("Stewardship", "Stewardshiq"));
        assert_eq!(check_value(&v).seal_signature.outcome, Fail);
    }
}

#[test]
fn generated_x5t_or_kid_mismatch_fails_the_certificate() {
    let spec = SealSpec::edc();
    let other = &pki().ec_seal;
    let v = testkit::seal_with(ELM_PAYLOAD.as_bytes(), &spec, |h| {
        h.insert("x5t#S256".into(), json!(URL_SAFE_NO_PAD.encode(other.sha256())));
    });
    let r = check_value(&v);
    assert_eq!(r.seal_signature.outcome, Pass);
    assert_eq!(r.seal_certificate.outcome, Fail);
    assert!(r.seal_certificate.detail.contains("x5t#S256"));
    let v = testkit::seal_with(ELM_PAYLOAD.as_bytes(), &spec, |h| {
        h.insert("kid".into(), json!(STANDARD.encode(testkit::issuer_serial(other))));
    });
    let r = check_value(&v);
    assert_eq!((r.seal_signature.outcome, r.seal_certificate.outcome), (Pass, Fail), "{}", r.seal_certificate.detail);
}

#[test]
fn generated_crit_rules() {
    let spec = SealSpec { timestamp: false, ..SealSpec::edc() };
    let case = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        check_value(&testkit::seal_with(ELM_PAYLOAD.as_bytes(), &spec, edit)).seal_signature
    };
    // An unknown member listed in crit.
    let f = case(&|h| {
        h.insert("crit".into(), json!(["b64", "sigT", "foo"]));
        h.insert("foo".into(), json!(1));
    });
    assert_eq!(f.outcome, Fail, "{}", f.detail);
    // A member listed in crit but absent.
    let f = case(&|h| {
        h.insert("crit".into(), json!(["b64", "sigT", "sigPl"]));
    });
    assert_eq!(f.outcome, Fail);
    assert!(f.detail.contains("does not have"), "{}", f.detail);
    // b64 present but not in crit (RFC 7797 6).
    let f = case(&|h| {
        h.insert("crit".into(), json!(["sigT"]));
    });
    assert_eq!(f.outcome, Fail);
    assert!(f.detail.contains("b64"), "{}", f.detail);
    // A registered name in crit; an empty crit.
    assert_eq!(case(&|h| { h.insert("crit".into(), json!(["b64", "sigT", "alg"])); }).outcome, Fail);
    assert_eq!(case(&|h| { h.insert("crit".into(), json!([])); }).outcome, Fail);
    // A JAdES member this module knows but does not support: could not check.
    let f = case(&|h| {
        h.insert("crit".into(), json!(["b64", "sigT", "sigD"]));
        h.insert("sigD".into(), json!({"mId": "http://uri.etsi.org/19182/ObjectIdByURI", "pars": []}));
    });
    assert_eq!(f.outcome, CouldNotCheck, "{}", f.detail);
    // A JAdES member it understands.
    let f = case(&|h| {
        h.insert("crit".into(), json!(["b64", "sigT", "sigPl"]));
        h.insert("sigPl".into(), json!({"addressCountry": "NL"}));
    });
    assert_eq!(f.outcome, Pass, "{}", f.detail);
}

#[test]
fn generated_alg_allow_list() {
    let spec = SealSpec { timestamp: false, ..SealSpec::edc() };
    for (alg, want) in [("none", Fail), ("HS256", Fail), ("ES512", CouldNotCheck), ("ES256", Fail)] {
        let v = testkit::seal_with(ELM_PAYLOAD.as_bytes(), &spec, |h| {
            h.insert("alg".into(), json!(alg));
        });
        assert_eq!(check_value(&v).seal_signature.outcome, want, "{alg}");
    }
}

#[test]
fn generated_b64_true_and_other_serializations() {
    let spec = SealSpec { b64: true, ..SealSpec::edc() };
    let v = testkit::seal(ELM_PAYLOAD.as_bytes(), &spec);
    assert_ne!(v["payload"].as_str().unwrap(), ELM_PAYLOAD);
    assert_eq!(outcomes(&check_value(&v)), [Pass, Pass, Pass, CouldNotCheck]);
    // Flattened keeps the unprotected header (and so the timestamp).
    let (jws, r) = verify_bytes(&serde_json::to_vec(&testkit::to_flattened(&v)).unwrap(), &SealOptions::default()).unwrap();
    assert_eq!(jws.serialization, jades::Serialization::Flattened);
    assert_eq!(outcomes(&r), [Pass, Pass, Pass, CouldNotCheck]);
    // Compact: no unprotected header, so no timestamp.
    let (jws, r) = verify_bytes(testkit::to_compact(&v, false).as_bytes(), &SealOptions::default()).unwrap();
    assert_eq!(jws.serialization, jades::Serialization::Compact);
    assert_eq!(outcomes(&r), [Pass, Pass, NotApplicable, NotApplicable]);
    assert_eq!(jws.content(0).unwrap(), ELM_PAYLOAD.as_bytes());
    // Compact with b64:false and a detached payload (the payload has '.', so it cannot be attached).
    let v = testkit::seal(ELM_PAYLOAD.as_bytes(), &SealSpec::edc());
    let compact = testkit::to_compact(&v, true);
    let jws = jades::parse_detached(compact.as_bytes(), ELM_PAYLOAD.as_bytes()).unwrap();
    assert_eq!(verify(&jws, 0, &SealOptions::default()).seal_signature.outcome, Pass);
    let jws = jades::parse_detached(compact.as_bytes(), b"{}").unwrap();
    assert_eq!(verify(&jws, 0, &SealOptions::default()).seal_signature.outcome, Fail);
    // ...and attached, it is refused: an unencoded compact payload may not contain '.'.
    assert!(jades::parse(testkit::to_compact(&v, false).as_bytes()).is_err());
}

#[test]
fn generated_expired_certificate_at_sig_t_fails() {
    let spec = SealSpec { key: SealKey::RsaExpired, ..SealSpec::edc() };
    let r = check_value(&testkit::seal(ELM_PAYLOAD.as_bytes(), &spec));
    assert_eq!(r.seal_signature.outcome, Pass);
    assert_eq!(r.seal_certificate.outcome, Fail);
    assert!(r.seal_certificate.detail.contains("expired at sigT"), "{}", r.seal_certificate.detail);
}

#[test]
fn generated_timestamp_problems_fail() {
    // A token over other bytes.
    let mut v = testkit::seal(ELM_PAYLOAD.as_bytes(), &SealSpec { timestamp: false, ..SealSpec::edc() });
    let token = pki().timestamp_token(b"something else", SealSpec::edc().sig_t);
    let etsi_u = json!({"sigTst": {"tstTokens": [{"val": STANDARD.encode(&token)}]}});
    v["signatures"][0]["header"] = json!({"etsiU": [URL_SAFE_NO_PAD.encode(serde_json::to_vec(&etsi_u).unwrap())]});
    let r = check_value(&v);
    assert_eq!((r.seal_signature.outcome, r.timestamp.outcome, r.timestamp_authority.outcome), (Pass, Fail, NotApplicable));
    assert!(r.timestamp.detail.contains("imprint"), "{}", r.timestamp.detail);
    // A token whose TSTInfo was changed after signing (one byte of the imprint).
    let sig = v["signatures"][0]["signature"].as_str().unwrap().to_string();
    let mut token = pki().timestamp_token(sig.as_bytes(), SealSpec::edc().sig_t);
    let imprint = cert::HashAlg::Sha256.digest(sig.as_bytes());
    let at = token.windows(32).position(|w| w == imprint.as_slice()).unwrap();
    token[at] ^= 1;
    let parsed = timestamp::parse_token(&token).unwrap();
    assert_eq!(parsed.verify_signature().unwrap_err().0, Some(false));
    // A timestamp an hour before sigT.
    let token = pki().timestamp_token(sig.as_bytes(), SealSpec::edc().sig_t - chrono::Duration::hours(1));
    let etsi_u = json!({"sigTst": {"tstTokens": [{"val": STANDARD.encode(&token)}]}});
    v["signatures"][0]["header"] = json!({"etsiU": [etsi_u]});
    let r = check_value(&v);
    assert_eq!(r.timestamp.outcome, Fail, "{}", r.timestamp.detail);
    assert!(r.timestamp.detail.contains("earlier than"));
}

#[test]
fn certificate_helpers() {
    let p = pki();
    assert!(cert::issued_by(&p.rsa_seal, &p.ca).is_ok());
    assert!(cert::issued_by(&p.ec_seal, &p.ca).is_ok());
    assert!(cert::issued_by(&p.rsa_seal, &p.tsa).is_err());
    assert!(p.ca.is_self_signed() && !p.tsa.is_self_signed());
    let ku = p.rsa_seal.key_usage().unwrap();
    assert!(ku.digital_signature && ku.non_repudiation && !ku.key_cert_sign);
    assert!(p.ca.key_usage().unwrap().key_cert_sign);
    let qc = p.ec_seal.qc_statements().unwrap().unwrap();
    assert_eq!(qc.summary(), "QcCompliance, QcSSCD, QcType eseal");
    assert!(p.ca.qc_statements().unwrap().is_none());
    let (eku, critical) = p.tsa.extended_key_usage().unwrap();
    assert_eq!((eku, critical), (vec![cert::OID_KP_TIME_STAMPING.to_string()], true));
    assert_eq!(p.ca.subject(), "C=NL, O=Backpack Test, CN=Backpack Test QTSP");
    assert!(p.rsa_seal.subject().contains("organizationIdentifier=NTRNL-12345678"));
    assert!(p.expired_seal.valid_at("2020-06-01T00:00:00Z".parse().unwrap()));
    assert!(!p.expired_seal.valid_at("2026-01-01T00:00:00Z".parse().unwrap()));
    let b64 = STANDARD.encode(&p.tsa.der);
    assert_eq!(cert::Cert::from_base64(&b64).unwrap(), p.tsa);
    // The public sample's seal certificate is issued by Halcom's CA, which the sample does not carry in x5c.
    let (_, r) = verify_bytes(&sample("edc-coa-signed.jsonld"), &SealOptions::default()).unwrap();
    let seal = r.certificate.unwrap();
    assert_eq!(hex::encode(seal.sha256()), hex::encode(URL_SAFE_NO_PAD.decode("BT_F342AAYzQgI2ivqa55DPuF59COKOUqwiDu9CXvCs").unwrap()));
    assert!(r.chain.iter().any(|c| cert::issued_by(&seal, c).is_ok()), "xVals should hold the seal's issuer");
}

#[test]
fn generated_other_rsa_algorithms_verify() {
    let spec = SealSpec { timestamp: false, ..SealSpec::edc() };
    for alg in ["RS384", "RS512", "PS256", "PS384", "PS512"] {
        let v = testkit::seal_with(ELM_PAYLOAD.as_bytes(), &spec, |h| {
            h.insert("alg".into(), json!(alg));
        });
        let r = check_value(&v);
        assert_eq!(r.seal_signature.outcome, Pass, "{alg}: {}", r.seal_signature.detail);
        // The same signature under another RSA alg does not verify.
        let mut h: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(v["signatures"][0]["protected"].as_str().unwrap()).unwrap()).unwrap();
        h["alg"] = json!(if alg == "RS384" { "RS512" } else { "RS384" });
        let mut w = v.clone();
        w["signatures"][0]["protected"] = json!(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&h).unwrap()));
        assert_eq!(check_value(&w).seal_signature.outcome, Fail, "{alg}");
    }
}

#[test]
fn generated_timestamp_signer_named_by_key_identifier() {
    let v = testkit::seal(ELM_PAYLOAD.as_bytes(), &SealSpec { timestamp: false, ..SealSpec::edc() });
    let sig = v["signatures"][0]["signature"].as_str().unwrap();
    let token = pki().timestamp_token_with(sig.as_bytes(), SealSpec::edc().sig_t, true);
    let t = timestamp::check(&token, sig.as_bytes());
    assert!(t.verified(), "{:?}", t.notes);
    assert_eq!(t.tsa.unwrap(), pki().tsa);
}
