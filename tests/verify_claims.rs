//! A VC-JWT's registered claims (`iss`, `sub`, `jti`, `exp`, `nbf`, `iat`)
//! against the credential it carries and against "now", a Data Integrity
//! proof's `expires`, and an OB 2.0 signed badge's `expires`; all
//! signed with real keys and checked through `backpack verify --json
//! --offline --now` (the CLI contract: one JSON line per input, check ids
//! with outcomes).

use crate::common;

use base64::Engine;
use common::*;
use serde_json::{json, Value};

/// The moment every verification here runs at.
const NOW: &str = "2026-06-01T12:00:00Z";

fn secs(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

struct Issuer {
    key: ed25519_dalek::SigningKey,
    did: String,
    vm: String,
}

fn issuer() -> Issuer {
    let key = ed25519_dalek::SigningKey::from_bytes(&[42u8; 32]);
    let (did, vm) = backpack::verify::sign::did_key_of(&key);
    Issuer { key, did, vm }
}

impl Issuer {
    /// A compact EdDSA JWS over `payload`, key named by its did:key `kid`.
    fn jwt(&self, payload: &Value) -> String {
        use ed25519_dalek::Signer;
        let header = json!({"alg": "EdDSA", "kid": self.vm, "typ": "JWT"});
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(payload.to_string().as_bytes()));
        let sig = self.key.sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    }
}

const SUBJECT: &str = "did:example:learner-7";
const ID: &str = "urn:uuid:5e1f0c4a-0000-4000-8000-00000000c1a1";

/// An OB 3.0 credential by `issuer`, valid from 2025-01-01 until 2030-01-01.
fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Claims Test Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Claims badge",
        "credentialSubject": {"id": SUBJECT, "type": ["AchievementSubject"], "achievement": {
            "id": "urn:uuid:5e1f0c4a-0000-4000-8000-00000000c1a2", "type": ["Achievement"], "name": "Claims badge",
            "description": "d", "criteria": {"narrative": "n"}}}
    })
}

/// VC-JWT 1.1 / OB 3.0 encoding: the credential in `vc`, every claim bound to it.
fn claims_11(iss: &Issuer) -> Value {
    json!({
        "vc": credential(&iss.did),
        "iss": iss.did, "sub": SUBJECT, "jti": ID,
        "nbf": secs("2025-01-01T00:00:00Z"), "exp": secs("2030-01-01T00:00:00Z"), "iat": secs("2025-01-01T00:00:00Z"),
    })
}

/// VC-JOSE-COSE: the payload is the credential; `iat`/`exp` are the signature's times.
fn claims_20(iss: &Issuer) -> Value {
    let mut p = credential(&iss.did);
    p["iss"] = json!(iss.did);
    p["iat"] = json!(secs("2026-01-01T00:00:00Z"));
    p["exp"] = json!(secs("2027-01-01T00:00:00Z"));
    p
}

/// `backpack verify --json --offline --now NOW` on each (name, contents): one report per name.
fn verify_files(files: &[(&str, String)]) -> Vec<(String, Value)> {
    let cli = Cli::keyring();
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["verify".to_string(), "--json".into(), "--offline".into(), "--now".into(), NOW.into()];
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        args.push(p.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, lines) = cli.json_lines(&args);
    assert_eq!(lines.len(), files.len(), "one line per input: {}", stderr(&out));
    let any_invalid = lines.iter().any(|l| l["verdict"] != "valid");
    assert_eq!(out.status.code(), Some(if any_invalid { 1 } else { 0 }));
    files.iter().map(|(n, _)| n.to_string()).zip(lines).collect()
}

fn outcome<'a>(r: &'a Value, check: &str) -> &'a str {
    r["checks"].as_array().unwrap().iter().find(|c| c["check"] == check).map(|c| c["outcome"].as_str().unwrap()).unwrap_or("absent")
}

fn detail<'a>(r: &'a Value, check: &str) -> &'a str {
    r["checks"].as_array().unwrap().iter().find(|c| c["check"] == check).map(|c| c["detail"].as_str().unwrap()).unwrap_or("")
}

fn ids(r: &Value) -> Vec<String> {
    r["checks"].as_array().unwrap().iter().map(|c| format!("{}:{}", c["check"].as_str().unwrap(), c["outcome"].as_str().unwrap())).collect()
}

#[test]
fn vc_jwt_claims_against_the_credential_and_now() {
    let iss = issuer();
    let now = secs(NOW);
    let with = |base: Value, f: &dyn Fn(&mut Value)| {
        let mut p = base;
        f(&mut p);
        iss.jwt(&p)
    };
    let files: Vec<(&str, String)> = vec![
        ("consistent-11.jwt", iss.jwt(&claims_11(&iss))),
        ("consistent-20.jwt", iss.jwt(&claims_20(&iss))),
        // Within the 60 s leeway: exp 30 s ago, nbf and iat 30 s ahead.
        ("skew-20.jwt", with(claims_20(&iss), &|p| {
            p["exp"] = json!(now - 30);
            p["nbf"] = json!(now + 30);
            p["iat"] = json!(now + 30);
        })),
        // The credential's own dates hold, the token's do not.
        ("exp-past-20.jwt", with(claims_20(&iss), &|p| p["exp"] = json!(now - 90))),
        ("exp-past-11.jwt", with(claims_11(&iss), &|p| p["exp"] = json!(secs("2026-01-01T00:00:00Z")))),
        ("nbf-future-20.jwt", with(claims_20(&iss), &|p| p["nbf"] = json!(now + 90))),
        ("nbf-future-11.jwt", with(claims_11(&iss), &|p| p["nbf"] = json!(secs("2027-01-01T00:00:00Z")))),
        ("iat-future-20.jwt", with(claims_20(&iss), &|p| p["iat"] = json!(now + 3600))),
        ("iss-other-11.jwt", with(claims_11(&iss), &|p| p["iss"] = json!("did:web:someone-else.example"))),
        ("iss-other-20.jwt", with(claims_20(&iss), &|p| p["iss"] = json!("did:web:someone-else.example"))),
        ("jti-other-11.jwt", with(claims_11(&iss), &|p| p["jti"] = json!("urn:uuid:00000000-0000-4000-8000-000000000000"))),
        ("sub-other-20.jwt", with(claims_20(&iss), &|p| p["sub"] = json!("did:example:someone-else"))),
        ("exp-text-11.jwt", with(claims_11(&iss), &|p| p["exp"] = json!("2030-01-01T00:00:00Z"))),
        // VC-JWT 1.1 decoding: a `vc` without an end date takes it from `exp`.
        ("claims-only-11.jwt", with(claims_11(&iss), &|p| {
            p["vc"].as_object_mut().unwrap().remove("validUntil");
            p["exp"] = json!(now - 90);
        })),
    ];
    let reports = verify_files(&files);
    let get = |name: &str| &reports.iter().find(|(n, _)| n == name).unwrap().1;

    for name in ["consistent-11.jwt", "consistent-20.jwt", "skew-20.jwt"] {
        let r = get(name);
        assert_eq!(r["verdict"], "valid", "{name}: {r}");
        assert_eq!(outcome(r, "jwt-claims"), "pass", "{name}: {r}");
    }
    assert_eq!(
        ids(get("consistent-11.jwt")),
        ["format:pass", "schema:pass", "proof:pass", "issuer-binding:pass", "jwt-claims:pass", "not-before:pass", "not-expired:pass", "status:skip"],
        "the checks of a VC-JWT, in order"
    );
    assert!(detail(get("consistent-11.jwt"), "jwt-claims").contains("exp, nbf, iat, jti, sub"), "{}", get("consistent-11.jwt"));

    // (file, check that fails, words in its detail); every other check keeps its outcome.
    let expect_fail: &[(&str, &[&str], &str)] = &[
        ("exp-past-20.jwt", &["not-expired"], "(its 'exp')"),
        ("exp-past-11.jwt", &["jwt-claims", "not-expired"], "'exp' is 2026-01-01T00:00:00Z, but the credential says 2030-01-01T00:00:00Z"),
        ("nbf-future-20.jwt", &["not-before"], "not valid before"),
        ("nbf-future-11.jwt", &["jwt-claims", "not-before"], "'nbf' is 2027-01-01T00:00:00Z"),
        ("iat-future-20.jwt", &["not-before"], "in the future (its 'iat')"),
        ("iss-other-11.jwt", &["issuer-binding"], "'iss' is did:web:someone-else.example"),
        ("iss-other-20.jwt", &["issuer-binding"], "'iss' is did:web:someone-else.example"),
        ("jti-other-11.jwt", &["jwt-claims"], "'jti' is urn:uuid:00000000"),
        ("sub-other-20.jwt", &["jwt-claims"], "'sub' is did:example:someone-else"),
        ("exp-text-11.jwt", &["jwt-claims"], "'exp' is not a NumericDate"),
        ("claims-only-11.jwt", &["not-expired"], "expired on"),
    ];
    for (name, failing, words) in expect_fail {
        let r = get(name);
        assert_eq!(r["verdict"], "invalid", "{name}: {r}");
        let failed: Vec<&str> =
            r["checks"].as_array().unwrap().iter().filter(|c| c["outcome"] == "fail").map(|c| c["check"].as_str().unwrap()).collect();
        assert_eq!(&failed, failing, "{name}: {r}");
        assert_eq!(outcome(r, "proof"), "pass", "{name}: the signature itself holds");
        let all: String = failing.iter().map(|c| detail(r, c)).collect::<Vec<_>>().join(" | ");
        assert!(all.contains(words), "{name}: {all}");
    }
    // Without registered claims there is nothing to compare: skipped, still valid.
    let bare = verify_files(&[("bare-20.jwt", iss.jwt(&credential(&iss.did)))]);
    assert_eq!(outcome(&bare[0].1, "jwt-claims"), "skip", "{}", bare[0].1);
    assert_eq!(bare[0].1["verdict"], "valid");
}

#[test]
fn data_integrity_proof_expires() {
    let iss = issuer();
    let doc = credential(&iss.did);
    let sign = |extra: Value| {
        let mut options = json!({
            "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
            "verificationMethod": iss.vm, "proofPurpose": "assertionMethod",
        });
        for (k, v) in extra.as_object().unwrap() {
            options[k] = v.clone();
        }
        backpack::verify::sign::sign_with_options(&doc, &iss.key, options).unwrap().to_string()
    };
    let files = vec![
        ("expires-future.json", sign(json!({"expires": "2027-01-01T00:00:00Z"}))),
        ("expires-past.json", sign(json!({"expires": "2026-01-01T00:00:00Z"}))),
        ("expires-30s-ago.json", sign(json!({"expires": "2026-06-01T11:59:30Z"}))),
        ("expires-text.json", sign(json!({"expires": "next year"}))),
        // Made after "now": not held against it (see proof_time_problem).
        ("created-later.json", sign(json!({"created": "2026-06-02T00:00:00Z"}))),
    ];
    let reports = verify_files(&files);
    let get = |name: &str| &reports.iter().find(|(n, _)| n == name).unwrap().1;
    for name in ["expires-future.json", "expires-30s-ago.json", "created-later.json"] {
        assert_eq!(get(name)["verdict"], "valid", "{name}: {}", get(name));
    }
    for (name, words) in [("expires-past.json", "the proof expired on 2026-01-01T00:00:00Z"), ("expires-text.json", "its 'expires' is not a date: \"next year\"")] {
        let r = get(name);
        assert_eq!(r["verdict"], "invalid", "{name}: {r}");
        assert_eq!(outcome(r, "proof"), "fail", "{name}: {r}");
        assert!(detail(r, "proof").contains(words), "{name}: {r}");
        // The signature matched, so the detail says so; but a stale proof binds nobody.
        assert!(detail(r, "proof").contains("signature"), "{name}: {r}");
        assert_eq!(outcome(r, "issuer-binding"), "skip", "{name}: {r}");
        assert_eq!(outcome(r, "not-expired"), "pass", "{name}: the credential's own dates hold");
    }
}

#[test]
fn ob2_signed_badge_expires_is_honoured() {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let pem = std::fs::read_to_string(vector("ob2/mozilla-openbadges-bakery/rsa-private.pem")).unwrap();
    let private = rsa::RsaPrivateKey::from_pkcs1_pem(&pem).unwrap();
    let public_pem = {
        use rsa::pkcs8::EncodePublicKey;
        private.to_public_key().to_public_key_pem(rsa::pkcs8::LineEnding::LF).unwrap()
    };
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
    let s = Server::start();
    let base = "https://badges.example/";
    s.route("/key", Resp::json(json!({"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": format!("{base}key"), "owner": format!("{base}issuer"), "publicKeyPem": public_pem}).to_string()));
    s.route("/issuer", Resp::json(json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": format!("{base}issuer"), "name": "Signed Issuer", "url": base, "email": "i@badges.example", "publicKey": format!("{base}key")}).to_string()));
    s.route("/badge", Resp::json(json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": format!("{base}badge"), "name": "Signed", "description": "d", "image": format!("{base}img.png"), "criteria": {"narrative": "n"}, "issuer": format!("{base}issuer")}).to_string()));
    let assertion = |expires: &str| {
        json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:2f0c3f34-0000-4000-8000-0000000000b2",
               "recipient": {"type": "email", "hashed": false, "identity": "learner@example.org"},
               "badge": format!("{base}badge"), "issuedOn": "2025-01-01T00:00:00Z", "expires": expires,
               "verification": {"type": "SignedBadge", "creator": format!("{base}key")}})
    };
    let sign = |payload: &Value| {
        let input = format!("{}.{}", b64(br#"{"alg":"RS256"}"#), b64(payload.to_string().as_bytes()));
        let sig = signer.sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    };
    let f = backpack::import::Fetcher::new().unwrap().with_map(base, &s.url("/"));
    let opts = backpack::verify::VerifyOptions { fetcher: Some(f), now: chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into() };
    let run = |t: String| backpack::verify::verify_input(&backpack::import::Input::Text { label: "ob2.jws".into(), text: t }, &opts);
    let ok = run(sign(&assertion("2027-01-01T00:00:00Z")));
    assert_eq!(ok.check("proof").map(|c| c.outcome), Some(backpack::verify::Outcome::Pass), "{:?}", ok.checks);
    assert_eq!(ok.check("not-expired").map(|c| c.outcome), Some(backpack::verify::Outcome::Pass), "{:?}", ok.checks);
    assert!(ok.check("jwt-claims").is_none(), "an OB 2.0 JWS has no VC-JWT claims: {:?}", ok.checks);
    let expired = run(sign(&assertion("2026-01-01T00:00:00Z")));
    assert_eq!(expired.verdict, backpack::verify::Verdict::Invalid, "{:?}", expired.checks);
    assert_eq!(expired.check("not-expired").map(|c| c.outcome), Some(backpack::verify::Outcome::Fail), "{:?}", expired.checks);
    assert_eq!(expired.check("proof").map(|c| c.outcome), Some(backpack::verify::Outcome::Pass));
}

#[test]
fn a_status_list_whose_proof_expired_clears_nobody() {
    use std::io::Write;
    let iss = issuer();
    let s = Server::start();
    let list_url = "https://status.example/lists/1";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&[0u8; 16_384]).unwrap();
    let list = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1", "https://w3id.org/security/data-integrity/v1"],
        "id": list_url, "type": ["VerifiableCredential", "StatusList2021Credential"], "issuer": iss.did,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{list_url}#list"), "type": "StatusList2021", "statusPurpose": "revocation",
                              "encodedList": b64(&gz.finish().unwrap())}
    });
    let signed_list = |expires: &str| {
        let options = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
                             "expires": expires, "verificationMethod": iss.vm, "proofPurpose": "assertionMethod"});
        backpack::verify::sign::sign_with_options(&list, &iss.key, options).unwrap().to_string()
    };
    let mut c = credential(&iss.did);
    c["@context"].as_array_mut().unwrap().insert(1, json!("https://w3id.org/vc/status-list/2021/v1"));
    c["credentialStatus"] = json!({"id": format!("{list_url}#3"), "type": "StatusList2021Entry", "statusPurpose": "revocation",
                                   "statusListIndex": "3", "statusListCredential": list_url});
    let signed = backpack::verify::sign::sign_data_integrity(&c, "eddsa-rdfc-2022", &iss.key, &iss.vm, "2025-01-01T00:00:00Z").unwrap();
    let f = backpack::import::Fetcher::new().unwrap().with_map("https://status.example/", &s.url("/"));
    let opts = backpack::verify::VerifyOptions { fetcher: Some(f), now: chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into() };
    let run = || backpack::verify::verify_input(&backpack::import::Input::Text { label: "c".into(), text: signed.to_string() }, &opts);
    s.route("/lists/1", Resp::json(signed_list("2027-01-01T00:00:00Z")));
    let r = run();
    assert_eq!(r.check("status").map(|c| c.outcome), Some(backpack::verify::Outcome::Pass), "{:?}", r.checks);
    s.route("/lists/1", Resp::json(signed_list("2026-01-01T00:00:00Z")));
    let r = run();
    let st = r.check("status").unwrap();
    assert_eq!(st.outcome, backpack::verify::Outcome::Error, "{:?}", r.checks);
    assert!(st.detail.contains("the proof expired on 2026-01-01T00:00:00Z"), "{}", st.detail);
}

#[test]
fn a_presentation_whose_holder_proof_expired_is_invalid() {
    let iss = issuer();
    let holder = ed25519_dalek::SigningKey::from_bytes(&[43u8; 32]);
    let (hdid, hvm) = backpack::verify::sign::did_key_of(&holder);
    let c = backpack::verify::sign::sign_data_integrity(&credential(&iss.did), "eddsa-rdfc-2022", &iss.key, &iss.vm, "2025-01-01T00:00:00Z").unwrap();
    let vp = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "holder": hdid, "verifiableCredential": [c]});
    let sign = |expires: &str| {
        let options = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-05-01T00:00:00Z",
                             "expires": expires, "verificationMethod": hvm, "proofPurpose": "authentication"});
        backpack::verify::sign::sign_with_options(&vp, &holder, options).unwrap().to_string()
    };
    let reports = verify_files(&[("vp-current.json", sign("2026-07-01T00:00:00Z")), ("vp-expired.json", sign("2026-05-02T00:00:00Z"))]);
    let (current, expired) = (&reports[0].1, &reports[1].1);
    assert_eq!(current["verdict"], "valid", "{current}");
    assert_eq!(outcome(current, "holder-binding"), "pass");
    assert_eq!(expired["verdict"], "invalid", "{expired}");
    assert_eq!(outcome(expired, "proof"), "fail", "{expired}");
    assert!(detail(expired, "proof").contains("the proof expired on 2026-05-02T00:00:00Z"), "{expired}");
    assert_eq!(outcome(expired, "holder-binding"), "skip", "an expired proof binds nobody: {expired}");
    assert_eq!(expired["credentials"][0]["verdict"], "valid", "the credential inside is still fine: {expired}");
}
