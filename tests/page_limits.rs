//! The verifier page's limits (`ui/verify/src/limits.json`) are the CLI's:
//! the same sizes as `import::MAX_INPUT_BYTES`, `import::MAX_PAYLOAD_BYTES`
//! and `share::envelope::MAX_OBJECT_BYTES`, and the same deepest JSON nesting
//! as serde_json parses, with the same words in the `format` check that the
//! page writes (ui/verify/src/limits.ts), so a credential over a limit gets
//! the same verdict in both.

use backpack::import::{Input, MAX_INPUT_BYTES, MAX_PAYLOAD_BYTES};
use backpack::verify::{self, Outcome, VerifyOptions};
use serde_json::Value;

fn limits() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/verify/src/limits.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("ui/verify/src/limits.json")).expect("limits.json is JSON")
}

fn num(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("limits.json has no number '{key}'"))
}

fn report(text: String) -> verify::Report {
    let opts = VerifyOptions { fetcher: None, now: chrono::Utc::now() };
    verify::verify_input(&Input::Text { label: "pasted".into(), text }, &opts)
}

fn nest(n: usize) -> String {
    format!("{}1{}", "[".repeat(n), "]".repeat(n))
}

/// A badge-shaped document whose member `x` holds `n` nested arrays (total nesting `n + 1`).
fn deep_badge(n: usize) -> String {
    format!(r#"{{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"x":{}}}"#, nest(n))
}

#[test]
fn sizes_are_the_cli_constants() {
    let l = limits();
    assert_eq!(num(&l, "maxInputBytes"), MAX_INPUT_BYTES);
    assert_eq!(num(&l, "maxPayloadBytes"), MAX_PAYLOAD_BYTES as u64);
    assert_eq!(num(&l, "maxShareObjectBytes"), backpack::share::envelope::MAX_OBJECT_BYTES as u64);
}

#[test]
fn nesting_is_serde_jsons_and_refused_in_the_pages_words() {
    let max = num(&limits(), "maxJsonNesting") as usize;
    // serde_json itself: `max` levels parse, one more does not.
    assert!(serde_json::from_str::<Value>(&nest(max)).is_ok(), "{max} levels must parse");
    let e = serde_json::from_str::<Value>(&nest(max + 1)).expect_err("one level more is refused");
    assert_eq!(e.to_string(), format!("recursion limit exceeded at line 1 column {}", max + 1));

    // `backpack verify`: at the limit the document is read (whatever else it fails);
    // past it, only `format` fails, with the sentence limits.ts writes.
    let at = report(deep_badge(max - 1));
    assert!(!at.checks[0].detail.contains("recursion"), "{:?}", at.checks);
    assert!(at.checks.len() > 1, "{:?}", at.checks);
    let doc = deep_badge(max);
    let column = doc.find(&"[".repeat(max)).expect("the arrays") + max;
    let past = report(doc);
    assert_eq!(past.verdict, verify::Verdict::Invalid);
    assert_eq!(past.checks.len(), 1, "{:?}", past.checks);
    assert_eq!((past.checks[0].check.as_str(), past.checks[0].outcome), ("format", Outcome::Fail));
    assert_eq!(past.checks[0].detail, format!("not valid JSON: recursion limit exceeded at line 1 column {column}"));
}

#[test]
fn payload_size_refused_in_the_pages_words() {
    let max = num(&limits(), "maxPayloadBytes") as usize;
    let body = |n: usize| format!(r#"{{"type":["VerifiableCredential","OpenBadgeCredential"],"d":"{}"}}"#, "x".repeat(n - 62));
    assert_eq!(body(max).len(), max);
    // At the limit (white space around it does not count) the credential is read.
    let at = report(format!("  \n{}\n", body(max)));
    assert!(!at.checks[0].detail.starts_with("too large"), "{:?}", at.checks[0]);
    let over = report(body(max + 1));
    assert_eq!(over.verdict, verify::Verdict::Invalid);
    assert_eq!(over.checks.len(), 1);
    assert_eq!((over.checks[0].check.as_str(), over.checks[0].outcome), ("format", Outcome::Fail));
    assert_eq!(over.checks[0].detail, format!("too large: {} bytes (the limit is {max} bytes)", max + 1));
}
