//! JavaScript compatibility of Data Integrity canonicalisation: the credentials
//! in tests/fixtures/js-numbers were signed by jsonld.js + rdf-canonize
//! (eddsa-rdfc-2022) and `canonicalize` (eddsa-jcs-2022) — see the README
//! there — and hold numbers whose RDF / JCS form depends on JavaScript
//! semantics (`JSON.parse` doubles, jsonld.js's literal rule, ECMAScript number
//! output, UTF-16 key order), mixed-case language tags and an `@json` value.
//! For each: our canonical forms equal theirs byte for byte, the proofs verify,
//! and a changed value makes them invalid.

use crate::common;
use common::*;

use backpack::verify::dataintegrity::{canonical_forms, rdfc_with, verify_proofs, ProofReason, ProofStatus, RdfPath, StaticResolver};
use serde_json::Value;

struct Case {
    name: String,
    text: String,
    doc: Value,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let dir = fixture("js-numbers");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".expected.json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).unwrap();
            let doc = serde_json::from_str(&text).unwrap();
            let stem = n.trim_end_matches(".json").to_string();
            let expected = serde_json::from_slice(&std::fs::read(dir.join(format!("{stem}.expected.json"))).unwrap()).unwrap();
            Case { name: stem, text, doc, expected }
        })
        .collect()
}

#[test]
fn there_are_fixtures() {
    let c = cases();
    assert!(c.len() >= 30, "{}", c.len());
    assert!(c.iter().any(|c| c.name == "json-literal") && c.iter().any(|c| c.name == "lang-tags"));
}

#[test]
fn canonical_forms_equal_jsonld_js() {
    let mut failures = vec![];
    for c in cases() {
        let proofs = c.doc["proof"].as_array().unwrap();
        for (i, suite) in [(0, "rdfc"), (1, "jcs")] {
            assert_eq!(proofs[i]["cryptosuite"], format!("eddsa-{suite}-2022"));
            match canonical_forms(&c.doc, &proofs[i]) {
                Ok(f) => {
                    if f.doc_canon != c.expected[suite]["doc"].as_str().unwrap() {
                        failures.push(format!(
                            "{} {suite}: document differs\n ours: {}\n js:   {}",
                            c.name, f.doc_canon, c.expected[suite]["doc"].as_str().unwrap()
                        ));
                    }
                    if f.proof_canon != c.expected[suite]["proof"].as_str().unwrap() {
                        failures.push(format!("{} {suite}: proof configuration differs", c.name));
                    }
                }
                Err(e) => failures.push(format!("{} {suite}: {e}", c.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn both_to_rdf_paths_agree_with_jsonld_js() {
    // The general (oxjsonld + number markers) path on its own, and the fast
    // path where it takes the document.
    for c in cases() {
        let mut unsecured = c.doc.clone();
        unsecured.as_object_mut().unwrap().remove("proof");
        let js = c.expected["rdfc"]["doc"].as_str().unwrap();
        let general = rdfc_with(&unsecured, RdfPath::General).unwrap().unwrap();
        assert_eq!(general, js, "{}: general path", c.name);
        if let Some(fast) = rdfc_with(&unsecured, RdfPath::FastOnly).unwrap() {
            assert_eq!(fast, js, "{}: fast path", c.name);
        } else {
            assert!(["lang-tags", "json-literal", "typed-values"].contains(&c.name.as_str()), "{}: fast path declined", c.name);
        }
    }
}

#[test]
fn signed_by_js_verifies() {
    for c in cases() {
        let out = verify_proofs(&c.doc, &StaticResolver::new());
        assert_eq!(out.len(), 2);
        for o in &out {
            assert_eq!(o.status, ProofStatus::Valid, "{} {:?}: {}", c.name, o.cryptosuite, o.detail);
        }
    }
}

#[test]
fn tampered_value_is_invalid() {
    let mut n = 0;
    for c in cases() {
        let Some(t) = c.expected["tamper"].as_object() else { continue };
        let (from, to) = (t["from"].as_str().unwrap(), t["to"].as_str().unwrap());
        assert_eq!(c.text.matches(from).count(), 1, "{}: tamper target", c.name);
        let doc: Value = serde_json::from_str(&c.text.replacen(from, to, 1)).unwrap();
        for o in verify_proofs(&doc, &StaticResolver::new()) {
            assert_eq!(o.status, ProofStatus::Invalid, "{} {:?} after {from} → {to}: {}", c.name, o.cryptosuite, o.detail);
        }
        n += 1;
    }
    assert!(n >= 30, "{n}");
}

#[test]
fn stored_bytes_are_not_normalised() {
    // The big integer stays as written in the text; only canonicalisation
    // sees the double.
    let c = cases().into_iter().find(|c| c.expected["number"] == "9007199254740993").unwrap();
    assert!(c.text.contains("\"creditsEarned\": 9007199254740993"));
    assert_eq!(c.doc["credentialSubject"]["creditsEarned"].as_u64(), Some(9007199254740993));
}

#[test]
fn marker_lookalike_string_is_cannot_check() {
    // The general path swaps numbers for marker numbers; a string that reads
    // like a marker could be confused with one, so it refuses ("could not
    // check"), never guesses. Such a document is otherwise fine.
    let mut c = cases().into_iter().find(|c| c.name == "typed-values").unwrap();
    c.doc["credentialSubject"]["https://example.org/vocab#s"] = serde_json::json!("7304958000001");
    let out = verify_proofs(&c.doc, &StaticResolver::new());
    assert_eq!(out[0].reason, ProofReason::UnportableValue, "{}", out[0].detail);
    // JCS is not affected.
    assert_eq!(out[1].status, ProofStatus::Invalid);
}

#[test]
fn language_tags_as_jsonld_js_safe_mode() {
    // jsonld.js 9 (safe: true) refuses `en_US` and `123` ("invalid @language
    // value"); it accepts `x`, which oxrdf's BCP 47 parser rejects: that one
    // cannot be checked here (never a wrong verdict).
    let c = cases().into_iter().find(|c| c.name == "lang-tags").unwrap();
    for (tag, reason) in [("en_US", ProofReason::UnsafeDocument), ("123", ProofReason::UnsafeDocument), ("x", ProofReason::UnportableValue)] {
        let mut d = c.doc.clone();
        d["credentialSubject"]["name"]["@language"] = serde_json::json!(tag);
        let out = verify_proofs(&d, &StaticResolver::new());
        assert_eq!(out[0].reason, reason, "{tag}: {}", out[0].detail);
    }
}
