//! Differential tests of the Data Integrity fast path: for every JSON-LD
//! credential in the shared vectors and for generated edge cases, the fast
//! toRDF path (`verify::rdf::fast`) must give byte-identical canonical N-Quads to the
//! general oxjsonld path, or decline; the published canonical forms are the
//! oracle where they exist (tests/verify_di.rs). Also a release-mode timing.

use crate::common;
use common::*;

use backpack::verify::dataintegrity::{rdfc_with, verify_proofs, RdfPath, StaticResolver};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(p) else { return };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out)
        } else if p.extension().is_some_and(|x| x == "json" || x == "jsonld") {
            out.push(p)
        }
    }
}

/// Every JSON object with both `@context` and `proof` under the vector folders.
fn credentials() -> Vec<(String, Value)> {
    let mut files = vec![];
    for d in ["vc-di-eddsa", "ob3-spec", "1edtech-validator/inspector-vc/src/test/resources/ob30", "1edtech-validator/inspector-clr", "dcc"] {
        walk(&vectors().join(d), &mut files);
    }
    files.sort();
    let mut out = vec![];
    for f in files {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&f).unwrap_or_default()) else { continue };
        if v.get("@context").is_some() && v.get("proof").is_some() {
            out.push((f.display().to_string(), v));
        }
    }
    out
}

/// The RDFC inputs verification builds: the unsecured document, and each proof
/// configuration (proof minus proofValue, with the document's @context).
fn rdfc_inputs(doc: &Value) -> Vec<Value> {
    let mut unsecured = doc.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    let mut out = vec![unsecured];
    let proofs: Vec<Value> = match &doc["proof"] {
        Value::Array(a) => a.clone(),
        p => vec![p.clone()],
    };
    for p in proofs {
        if let Value::Object(mut o) = p {
            o.remove("proofValue");
            o.insert("@context".into(), doc["@context"].clone());
            out.push(Value::Object(o));
        }
    }
    out
}

/// Compare the paths on one input; returns whether the fast path handled it.
fn same(name: &str, input: &Value) -> bool {
    let general = rdfc_with(input, RdfPath::General).map(|o| o.unwrap());
    let fast = rdfc_with(input, RdfPath::FastOnly);
    let auto = rdfc_with(input, RdfPath::Auto).map(|o| o.unwrap());
    // Error messages of the general path may vary between runs (oxjsonld
    // iterates a HashMap), so errors compare by reason.
    let key = |r: &Result<String, backpack::verify::dataintegrity::DiError>| r.as_ref().map_err(|e| e.reason()).cloned();
    assert_eq!(key(&auto), key(&general), "{name}: auto path differs from the general path");
    match fast {
        Ok(Some(f)) => {
            assert_eq!(Ok(&f), general.as_ref(), "{name}: fast path differs\ninput: {input}");
            true
        }
        Ok(None) => false,
        Err(e) => {
            assert_eq!(Err(e.reason()), key(&general), "{name}: precheck differs");
            false
        }
    }
}

#[test]
fn vectors_fast_equals_general() {
    let (mut n, mut fast) = (0, 0);
    let mut declined = vec![];
    for (name, doc) in credentials() {
        for (i, input) in rdfc_inputs(&doc).iter().enumerate() {
            n += 1;
            if same(&format!("{name}#{i}"), input) {
                fast += 1;
            } else {
                let why = backpack::verify::rdf::fast::to_rdf(input).err().map(|d| d.0).unwrap_or_default();
                declined.push(format!("{name}#{i}: {why}"));
            }
        }
    }
    println!("{fast}/{n} RDFC inputs took the fast path; declined: {declined:#?}");
    assert!(n > 100, "{n}");
    assert!(fast * 10 >= n * 7, "fast path declined too often: {fast}/{n}");
}

fn ob3() -> Value {
    serde_json::from_slice(&std::fs::read(vector("ob3-spec/impl/ob3-signed-credential.extracted.json")).unwrap()).unwrap()
}

#[test]
fn generated_edge_cases() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("plain", Box::new(|_| {})),
        ("numbers typed", Box::new(|d| {
            for n in [json!(7.5), json!(1), json!(1.0), json!(1e20), json!(-0.0), json!(0.1), json!(123456.789)] {
                d["credentialSubject"]["creditsEarned"] = n.clone();
                d["credentialSubject"]["achievement"]["creditsAvailable"] = n;
            }
        })),
        ("float 7.5", Box::new(|d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(7.5))),
        ("int 1", Box::new(|d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(1))),
        ("1.0", Box::new(|d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(1.0))),
        ("1e20", Box::new(|d| d["credentialSubject"]["creditsEarned"] = json!(1e20))),
        ("-0", Box::new(|d| d["credentialSubject"]["creditsEarned"] = json!(-0.0))),
        ("0.30000000000000004", Box::new(|d| d["credentialSubject"]["creditsEarned"] = json!(0.30000000000000004))),
        ("2^53+1", Box::new(|d| d["credentialSubject"]["creditsEarned"] = json!(9007199254740993u64))),
        // JavaScript number semantics (tests/verify_js_numbers.rs has the jsonld.js oracle):
        // uncoerced numbers through an absolute property IRI, both paths.
        ("js numbers uncoerced", Box::new(|d| {
            d["credentialSubject"]["https://example.org/vocab#n"] = json!([
                1e20, 1e21, -1e21, 1e-7, -1e-7, 5e-324, 1.5e-7, 1e-6, 1000000000000000.5, 1.7976931348623157e308,
                123456789012345680000.0, 9007199254740993u64, -9007199254740993i64, 18446744073709551615u64, -0.0, 3.0
            ]);
        })),
        ("js numbers coerced", Box::new(|d| {
            d["credentialSubject"]["creditsEarned"] = json!(-1e-7);
            d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(1e20);
        })),
        ("js numbers in value objects", Box::new(|d| {
            d["credentialSubject"]["https://example.org/vocab#v"] = json!([
                {"@value": 3, "@type": "http://www.w3.org/2001/XMLSchema#double"},
                {"@value": 7.5, "@type": "http://www.w3.org/2001/XMLSchema#integer"},
                {"@value": 1e20}
            ]);
        })),
        ("js numbers in @json", Box::new(|d| {
            d["credentialSubject"]["_sd"] = json!({"\u{ff61}": 1e20, "\u{1f600}": [9007199254740993u64, 0.30000000000000004], "\u{e9}": -0.0});
        })),
        ("bool", Box::new(|d| d["credentialSubject"]["achievement"]["hashed"] = json!(true))),
        ("unicode", Box::new(|d| d["name"] = json!("Ünïcødé 😀 \t\n\"\\ \u{7f}\u{1}"))),
        ("empty array", Box::new(|d| d["credentialSubject"]["achievement"]["alignment"] = json!([]))),
        ("empty object", Box::new(|d| d["credentialSubject"]["achievement"]["image"] = json!({}))),
        ("null", Box::new(|d| d["credentialSubject"]["achievement"]["image"] = Value::Null)),
        ("nested arrays", Box::new(|d| d["credentialSubject"]["achievement"]["tag"] = json!([["a", "b"], "c"]))),
        ("tags", Box::new(|d| d["credentialSubject"]["achievement"]["tag"] = json!(["a", "b", "a"]))),
        ("undefined term", Box::new(|d| d["credentialSubject"]["grade"] = json!("A+"))),
        ("undefined type", Box::new(|d| d["credentialSubject"]["type"] = json!(["AchievementSubject", "MyType"]))),
        ("relative IRI", Box::new(|d| d["credentialSubject"]["achievement"]["id"] = json!("achievements/x"))),
        ("relative type IRI", Box::new(|d| d["credentialSubject"]["achievement"]["image"] = json!({"id": "img.png", "type": "Image"}))),
        ("blank id", Box::new(|d| d["credentialSubject"]["id"] = json!("_:subject"))),
        ("invalid IRI", Box::new(|d| d["credentialSubject"]["id"] = json!("https://a b/c"))),
        ("language value", Box::new(|d| d["name"] = json!({"@value": "Naam", "@language": "nl-NL"}))),
        ("typed value", Box::new(|d| d["name"] = json!({"@value": "x", "@type": "https://example.org/t"}))),
        ("inline context", Box::new(|d| d["@context"].as_array_mut().unwrap().push(json!({"grade": "https://example.org/grade"})))),
        ("context null", Box::new(|d| d["credentialSubject"]["@context"] = Value::Null)),
        ("absolute property", Box::new(|d| d["https://example.org/p"] = json!("v"))),
        ("compact IRI property", Box::new(|d| d["xsd:foo"] = json!("v"))),
        ("id only node", Box::new(|d| d["credentialSubject"]["achievement"]["creator"] = json!({"id": "https://example.org/c"}))),
        ("alignment", Box::new(|d| d["credentialSubject"]["achievement"]["alignment"] = json!([
            {"type": ["Alignment"], "targetName": "EQF level 6", "targetUrl": "https://europa.eu/europass/eqf/6", "targetType": "ext:EQF", "targetFramework": "EQF"},
            {"type": ["Alignment"], "targetName": "O1", "targetUrl": "https://example.org/o1", "targetCode": "O1"}
        ]))),
        ("image data", Box::new(|d| d["credentialSubject"]["achievement"]["image"] = json!({"id": "data:image/png;base64,iVBORw0KGgo=", "type": "Image"}))),
        ("@json", Box::new(|d| d["credentialSchema"] = json!({"id": "https://example.org/s", "type": "JsonSchema", "jsonSchema": {"b": 1, "a": [true]}}))),
        ("list", Box::new(|d| d["credentialSubject"]["achievement"]["resultDescription"] = json!([{"id": "urn:uuid:1", "type": ["ResultDescription"], "name": "r", "resultType": "GradePointAverage", "allowedValue": ["A", "B", "C"]}]))),
        ("empty list", Box::new(|d| d["credentialSubject"]["achievement"]["resultDescription"] = json!([{"id": "urn:uuid:1", "type": ["ResultDescription"], "name": "r", "resultType": "GradePointAverage", "allowedValue": []}]))),
    ];
    let mut fast = 0;
    for (name, edit) in &edits {
        let mut d = ob3();
        edit(&mut d);
        for (i, input) in rdfc_inputs(&d).iter().enumerate() {
            if same(&format!("{name}#{i}"), input) {
                fast += 1;
            }
        }
        // verdicts through the public entry point stay consistent
        let _ = verify_proofs(&d, &StaticResolver::new());
    }
    println!("{fast} generated inputs took the fast path");
    assert!(fast >= 20, "{fast}");
}

/// A realistic OB 3.0 credential: ECTS via creditsAvailable, an EQF alignment,
/// three outcome alignments, a small data: image.
fn realistic() -> Value {
    let mut d = ob3();
    d.as_object_mut().unwrap().remove("proof");
    let a = &mut d["credentialSubject"]["achievement"];
    a["creditsAvailable"] = json!(7.5);
    a["image"] = json!({"id": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "type": "Image"});
    let mut al = vec![json!({"type": ["Alignment"], "targetName": "EQF level 6", "targetUrl": "https://europa.eu/europass/en/description-eight-eqf-levels#level6", "targetFramework": "European Qualifications Framework", "targetCode": "6"})];
    for i in 1..=3 {
        al.push(json!({"type": ["Alignment"], "targetName": format!("Learning outcome {i}"), "targetUrl": format!("https://example.edu/outcomes/{i}"), "targetDescription": "The student can explain and apply the concepts.", "targetCode": format!("LO{i}")}));
    }
    a["alignment"] = Value::Array(al);
    d
}

/// `cargo test --release --test verify_fastpath -- --nocapture timing`
#[test]
fn timing() {
    use backpack::verify::dataintegrity::{canonical_forms, ProofStatus};
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let (_, vm) = backpack::verify::sign::did_key_of(&key);
    let doc = realistic();
    let release = !cfg!(debug_assertions);
    let n = if release { 3000 } else { 20 };
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let signed = backpack::verify::sign::sign_data_integrity(&doc, suite, &key, &vm, "2026-01-01T00:00:00Z").unwrap();
        let keys = StaticResolver::new();
        assert_eq!(verify_proofs(&signed, &keys)[0].status, ProofStatus::Valid, "{suite}");
        for _ in 0..n / 10 {
            verify_proofs(&signed, &keys);
        }
        let t = std::time::Instant::now();
        for _ in 0..n {
            let o = verify_proofs(&signed, &keys);
            assert_eq!(o[0].status, ProofStatus::Valid);
        }
        let per = t.elapsed() / n;
        // Stage split (rdfc): toRDF fast path, canonicalization, whole canonical_forms.
        let t = std::time::Instant::now();
        for _ in 0..n {
            canonical_forms(&signed, &signed["proof"]).unwrap();
        }
        let forms = t.elapsed() / n;
        println!("{suite}: verify {per:?} per credential = {:.0}/s one thread; canonical forms (doc + proof config, incl. hashing) {forms:?}", 1.0 / per.as_secs_f64());
        if suite == "eddsa-rdfc-2022" {
            let inputs = rdfc_inputs(&signed);
            let t = std::time::Instant::now();
            let mut quads = vec![];
            for _ in 0..n {
                quads = inputs.iter().map(|i| backpack::verify::rdf::fast::to_rdf(i).unwrap()).collect::<Vec<_>>();
            }
            let to_rdf = t.elapsed() / n;
            let t = std::time::Instant::now();
            for _ in 0..n {
                for q in &quads {
                    backpack::verify::rdf::canon::canonicalize(q.clone()).unwrap();
                }
            }
            let canon = t.elapsed() / n;
            let t = std::time::Instant::now();
            for _ in 0..(n / 30).max(2) {
                for i in &inputs {
                    rdfc_with(i, RdfPath::General).unwrap();
                }
            }
            let general = t.elapsed() / (n / 30).max(2);
            println!("  rdfc split: fast toRDF {to_rdf:?}, canonicalize {canon:?} (doc + proof config); general oxjsonld path would be {general:?}");
        }
    }
}
