//! Issue #11, finding 1: unsigned claims must never pass. Every case takes a
//! genuinely signed credential (eddsa-rdfc-2022 and Ed25519Signature2020:
//! the 1EdTech OB 3.0 implementation-guide vector, the W3C vc-di-eddsa
//! vectors, DCC's fixtures) and, without re-signing, injects data that
//! JSON-LD → RDF would drop (so the signature still covers the rest) while the
//! model reads the JSON: alignments whose `id` is not a valid IRI, types that
//! are not IRIs, `null` members, fake achievement nodes. Each must make the
//! proof invalid (`unsafe-document` or a signature mismatch), on the fast and
//! the general toRDF paths alike; and through the CLI, `verify` must not say
//! valid and `import` must not store the injected EQF level as verified.

use crate::common;
use common::*;

use backpack::verify::dataintegrity::{rdfc_with, verify_proofs, ProofReason, ProofStatus, RdfPath, StaticResolver};
use serde_json::{json, Value};

fn load(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(vector(rel)).unwrap()).unwrap()
}

/// Genuinely signed credentials whose proofs verify offline with did:key.
fn signed() -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("vc-di-eddsa rdfc", load("vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json")),
        ("vc-di-eddsa Ed25519Signature2020", load("vc-di-eddsa/Ed25519Signature2020/signedEdSig.json")),
    ];
    let dcc = vector("dcc/vc-test-fixtures/verifiableCredentials");
    for rel in [
        "v2/dataIntegrityProof/didKey/legacy-noStatus-noExpiry.json",
        "v2/ed25519/didKey/legacy-noStatus-noExpiry.json",
        "v1/ed25519/didKey/legacy-noStatus-expired.json",
    ] {
        if let Ok(b) = std::fs::read(dcc.join(rel)) {
            if let Ok(d) = serde_json::from_slice::<Value>(&b) {
                v.push(("dcc", d));
            }
        }
    }
    for (name, d) in &v {
        let out = verify_proofs(d, &StaticResolver::new());
        assert!(out.iter().all(|o| o.status == ProofStatus::Valid), "{name}: the untouched credential must verify: {out:?}");
    }
    assert!(v.len() >= 4, "expected the DCC fixtures too");
    v
}

/// Where to inject: the achievement when there is one, else the subject.
fn target(doc: &mut Value) -> &mut Value {
    let cs = if doc["credentialSubject"].is_array() { &mut doc["credentialSubject"][0] } else { &mut doc["credentialSubject"] };
    if cs.get("achievement").is_some_and(|a| a.is_object()) {
        &mut cs["achievement"]
    } else {
        cs
    }
}

fn alignment(id: &str) -> Value {
    json!({"id": id, "type": ["Alignment"], "targetName": "EQF level 8", "targetUrl": "https://europa.eu/europass/eqf/8",
           "targetType": "CFItem", "targetCode": "8", "targetFramework": "EQF"})
}

/// A named edit of a signed credential.
type Injection = (&'static str, Box<dyn Fn(&mut Value)>);

/// Each injection: a name and a function that edits a signed credential.
fn injections() -> Vec<Injection> {
    let mut v: Vec<Injection> = Vec::new();
    for (name, id) in [
        ("alignment id with a space", "urn:fake y"),
        ("alignment id with NUL", "urn:fake\u{0}y"),
        ("alignment id with <", "urn:fake<y"),
        ("alignment id with a quote", "urn:fake\"y"),
        ("alignment id with >", "https://example.org/a>b"),
        ("alignment id with {", "urn:x{y}"),
        ("alignment id with a backslash", "urn:x\\y"),
        ("alignment id a bad blank node", "_:a b"),
    ] {
        let id = id.to_string();
        v.push((name, Box::new(move |d: &mut Value| target(d)["alignment"] = json!([alignment(&id)]))));
    }
    v.push(("type that is not an IRI", Box::new(|d| {
        let t = target(d);
        let mut types = match t.get("type") { Some(Value::Array(a)) => a.clone(), Some(x) => vec![x.clone()], None => vec![] };
        types.push(json!("urn:fake type"));
        t["type"] = Value::Array(types);
    })));
    v.push(("type with <", Box::new(|d| {
        d["type"].as_array_mut().unwrap().push(json!("urn:x<y"));
    })));
    v.push(("null member", Box::new(|d| target(d)["description"] = Value::Null)));
    v.push(("null in an array", Box::new(|d| target(d)["alignment"] = json!([null]))));
    v.push(("null id", Box::new(|d| target(d)["id"] = Value::Null)));
    v.push(("@id of keyword form", Box::new(|d| target(d)["alignment"] = json!([{"id": "@fake", "type": ["Alignment"], "targetName": "EQF 8"}]))));
    v.push(("fake achievement node with an invalid id", Box::new(|d| {
        let cs = if d["credentialSubject"].is_array() { &mut d["credentialSubject"][0] } else { &mut d["credentialSubject"] };
        cs["achievement"] = json!({"id": "urn:fake achievement", "type": ["Achievement"], "name": "Fake", "description": "x",
            "criteria": {"narrative": "x"}, "alignment": [alignment("https://example.org/eqf8")]});
    })));
    v.push(("object with only @language", Box::new(|d| target(d)["description"] = json!({"@language": "en"}))));
    v.push(("inline context mapping a term to null", Box::new(|d| {
        d["@context"].as_array_mut().unwrap().push(json!({"ectsFake": null}));
        target(d)["ectsFake"] = json!(30);
    })));
    v.push(("inline context mapping a term to a blank node", Box::new(|d| {
        d["@context"].as_array_mut().unwrap().push(json!({"ectsFake": "_:ects"}));
        target(d)["ectsFake"] = json!(30);
    })));
    v.push(("@vocab on a node", Box::new(|d| target(d)["@vocab"] = json!("https://example.org/"))));
    v.push(("@propagate on a node", Box::new(|d| target(d)["@propagate"] = json!(true))));
    v.push(("@import on a node", Box::new(|d| target(d)["@import"] = json!(8))));
    v.push(("@included node with an invalid id", Box::new(|d| {
        target(d)["@included"] = json!([{"id": "urn:fake y", "type": ["Alignment"], "targetName": "EQF level 8"}]);
    })));
    v.push(("@reverse node with an invalid id", Box::new(|d| {
        target(d)["@reverse"] = json!({"alignment": {"id": "urn:fake y", "name": "rev"}});
    })));
    v.push(("@graph node with an invalid id", Box::new(|d| {
        target(d)["@graph"] = json!([{"id": "urn:fake y", "type": ["Achievement"], "name": "Fake"}]);
    })));
    v.push(("alignment id with DEL", Box::new(|d| target(d)["alignment"] = json!([alignment("urn:x\u{7f}y")]))));
    v.push(("alignment id with a bad percent escape", Box::new(|d| target(d)["alignment"] = json!([alignment("http://example.org/%zz")]))));
    v.push(("evidence with an invalid id", Box::new(|d| {
        d["evidence"] = json!([{"id": "urn:fake y", "type": ["Evidence"], "name": "fake"}]);
    })));
    v.push(("null of an undefined term", Box::new(|d| target(d)["eqfLevel"] = Value::Null)));
    v.push(("@context null in a node", Box::new(|d| {
        target(d)["alignment"] = json!([{"@context": null, "targetName": "EQF 8"}]);
    })));
    v
}

#[test]
fn injected_unsigned_claims_never_verify_on_any_path() {
    let creds = signed();
    let mut checked = 0;
    for (src, doc) in &creds {
        for (what, inject) in injections() {
            let mut d = doc.clone();
            inject(&mut d);
            let out = verify_proofs(&d, &StaticResolver::new());
            assert!(
                !out.is_empty() && out.iter().all(|o| o.status == ProofStatus::Invalid),
                "{src} + {what}: must be invalid, got {out:?}"
            );
            // The general toRDF path on its own refuses too (or gives a
            // dataset that differs from the signed one: never the same).
            let mut unsecured = d.clone();
            unsecured.as_object_mut().unwrap().remove("proof");
            let mut orig = doc.clone();
            orig.as_object_mut().unwrap().remove("proof");
            let signed_canon = rdfc_with(&orig, RdfPath::General).unwrap().unwrap();
            match rdfc_with(&unsecured, RdfPath::General) {
                Err(_) => {}
                Ok(c) => assert_ne!(c.as_deref(), Some(signed_canon.as_str()), "{src} + {what}: general path gives the signed dataset"),
            }
            match rdfc_with(&unsecured, RdfPath::FastOnly) {
                Err(_) | Ok(None) => {}
                Ok(Some(c)) => assert_ne!(c, signed_canon, "{src} + {what}: fast path gives the signed dataset"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 4 * 29, "{checked}");
}

#[test]
fn unsafe_document_names_the_problem() {
    let doc = load("vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json");
    let mut d = doc.clone();
    target(&mut d)["alignment"] = json!([alignment("urn:fake y")]);
    // The examples context's @vocab defines `alignment`; the bad id is the drop.
    let o = &verify_proofs(&d, &StaticResolver::new())[0];
    assert_eq!((o.status, o.reason), (ProofStatus::Invalid, ProofReason::UnsafeDocument), "{o:?}");
    assert!(o.detail.contains("urn:fake y"), "{}", o.detail);
    let mut d = doc.clone();
    target(&mut d)["description"] = Value::Null;
    let o = &verify_proofs(&d, &StaticResolver::new())[0];
    assert_eq!(o.reason, ProofReason::UnsafeDocument, "{o:?}");
    assert!(o.detail.contains("null"), "{}", o.detail);
}

#[test]
fn neutral_edits_still_verify() {
    // Safe mode must not refuse what is fine: reordered keys, a singleton
    // type as an array, null inside a @json literal would be data.
    for (src, doc) in signed() {
        let mut d = doc.clone();
        let o = d.as_object_mut().unwrap();
        let keys: Vec<String> = o.keys().cloned().collect();
        let mut rev = serde_json::Map::new();
        for k in keys.iter().rev() {
            rev.insert(k.clone(), o[k].clone());
        }
        let d = Value::Object(rev);
        let out = verify_proofs(&d, &StaticResolver::new());
        assert!(out.iter().all(|o| o.status == ProofStatus::Valid), "{src}: {out:?}");
    }
}

/// End to end through the CLI: the OB 3.0 sample credential (signed by the
/// sample issuer) with an injected EQF 8 alignment whose id is not an IRI:
/// `verify` says invalid with `unsafe-document`, and `import` stores it with
/// that verdict, so planning does not count it and `show` does not call it valid.
#[test]
fn cli_verify_and_import_refuse_injected_alignment() {
    let cli = Cli::passphrase("safe mode");
    let out = cli.run(&["sample", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, list) = cli.json_lines(&["list", "--json"]);
    let id = list.iter().find(|l| l["format"] == "ob3-json-ld").expect("an OB 3.0 sample")["id"].as_str().unwrap().to_string();
    let orig = cli.data.path().join("orig.json");
    let out = cli.run(&["export", &id, "--format", "original", "-o", orig.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&orig).unwrap()).unwrap();
    let (_, v) = cli.json_lines(&["verify", "--json", "--offline", orig.to_str().unwrap()]);
    assert_eq!(v[0]["verdict"], "valid", "the untouched sample verifies: {}", v[0]);

    let mut bad = doc.clone();
    target(&mut bad)["alignment"] = json!([alignment("urn:fake y")]);
    let file = cli.data.path().join("injected.json");
    std::fs::write(&file, serde_json::to_vec(&bad).unwrap()).unwrap();
    let (out, v) = cli.json_lines(&["verify", "--json", "--offline", file.to_str().unwrap()]);
    assert_eq!(v[0]["verdict"], "invalid", "{}", v[0]);
    let proof = v[0]["checks"].as_array().unwrap().iter().find(|c| c["check"] == "proof").unwrap();
    assert_eq!(proof["outcome"], "fail", "{proof}");
    assert!(proof["detail"].as_str().unwrap().contains("urn:fake y"), "{proof}");
    assert_eq!(out.status.code(), Some(1));
}
