//! Europass Digital Credentials through the command line: the two public
//! signed samples (tests/fixtures/edc, MyNextID, MIT) import and verify with
//! their expected outcome written down, a changed payload is invalid, and
//! the micro-credential rules read them. Seals made at test time (test CA,
//! qualified seal certificate, test TSA, test trusted lists) are checked by
//! the unit tests in src/edc/ and src/verify/edc.rs.

use serde_json::Value;

use crate::common::{fixture, stderr, Cli};

fn sample(name: &str) -> String {
    fixture(&format!("edc/{name}")).display().to_string()
}

fn checks(report: &Value) -> Vec<(String, String)> {
    report["checks"].as_array().unwrap().iter().map(|c| (c["check"].as_str().unwrap().to_string(), c["outcome"].as_str().unwrap().to_string())).collect()
}

/// The expected outcome of a public sample: the seal, its certificate and
/// the timestamp verify; the timestamp's authority (a self-signed test TSA)
/// and the seal's place on the EU trusted lists (no snapshot) could not be
/// checked; so the verdict is indeterminate, never valid.
#[test]
fn the_public_samples_verify_with_their_written_down_outcome() {
    let cli = Cli::passphrase("edc-tests-1");
    for name in ["edc-mc-signed.jsonld", "edc-coa-signed.jsonld"] {
        let (out, lines) = cli.json_lines(&["verify", "--json", "--offline", &sample(name)]);
        assert_eq!(out.status.code(), Some(1), "not valid, so exit 1: {}", stderr(&out));
        let r = &lines[0];
        assert_eq!(r["verdict"], "indeterminate", "{name}: {r}");
        let want = [
            ("format", "pass"),
            ("schema", "pass"),
            ("seal-signature", "pass"),
            ("seal-certificate", "pass"),
            ("seal-trust", "error"),
            ("timestamp", "pass"),
            ("timestamp-authority", "error"),
            ("status", "error"),
            ("not-before", "pass"),
            ("not-expired", "skip"),
        ];
        assert_eq!(checks(r), want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>(), "{name}: {r}");
        let detail = |id: &str| r["checks"].as_array().unwrap().iter().find(|c| c["check"] == id).unwrap()["detail"].as_str().unwrap().to_string();
        assert!(detail("seal-certificate").contains("QcType eseal"), "{}", detail("seal-certificate"));
        assert!(detail("timestamp-authority").contains("self-signed"), "{}", detail("timestamp-authority"));
    }
}

#[test]
fn a_changed_payload_or_certificate_thumbprint_is_invalid() {
    let cli = Cli::passphrase("edc-tests-2");
    let v: Value = serde_json::from_slice(&std::fs::read(sample("edc-mc-signed.jsonld")).unwrap()).unwrap();
    // One letter of the learner's name.
    let mut changed = v.clone();
    changed["payload"] = Value::String(v["payload"].as_str().unwrap().replacen("Joe Done", "Joe Dome", 1));
    let f = cli.data.path().join("changed.jsonld");
    std::fs::write(&f, serde_json::to_vec(&changed).unwrap()).unwrap();
    let (out, lines) = cli.json_lines(&["verify", "--json", "--offline", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines[0]["verdict"], "invalid");
    assert!(checks(&lines[0]).contains(&("seal-signature".into(), "fail".into())), "{}", lines[0]);
    // The unprotected header's timestamp moved to another signature value: the imprint no longer matches.
    let mut moved = v.clone();
    let s = moved["signatures"][0]["signature"].as_str().unwrap().to_string();
    let flipped = format!("{}{}", if s.starts_with('A') { "B" } else { "A" }, &s[1..]);
    moved["signatures"][0]["signature"] = Value::String(flipped);
    let f = cli.data.path().join("moved.jsonld");
    std::fs::write(&f, serde_json::to_vec(&moved).unwrap()).unwrap();
    let (_, lines) = cli.json_lines(&["verify", "--json", "--offline", f.to_str().unwrap()]);
    assert_eq!(lines[0]["verdict"], "invalid", "{}", lines[0]);
    assert!(checks(&lines[0]).contains(&("timestamp".into(), "fail".into())), "{}", lines[0]);
}

#[test]
fn an_edc_imports_into_the_model_and_the_rules_read_it() {
    let cli = Cli::passphrase("edc-tests-3");
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", &sample("edc-mc-signed.jsonld")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines[0]["status"], "imported");
    let id = lines[0]["id"].as_str().unwrap().to_string();
    let out = cli.run(&["show", &id, "--json"]);
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["format"], "edc");
    assert_eq!(c["achievement"]["ects"], serde_json::json!(5.0));
    assert_eq!(c["achievement"]["eqf_level"], 6);
    assert_eq!(c["awarding_body"]["name"], "NETIS d.o.o.");
    let (_, a) = cli.json_lines(&["check", "--json", &id]);
    let rules = a[0]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["rule"] == id).map(|r| r["outcome"].clone()).unwrap_or(Value::Null);
    assert_eq!(rule("ects-range"), "pass", "{}", a[0]);
    assert_eq!(rule("eqf-level"), "pass", "{}", a[0]);
    // The original is kept byte for byte.
    let out = cli.run(&["export", &id, "--format", "original"]);
    assert_eq!(out.stdout, std::fs::read(sample("edc-mc-signed.jsonld")).unwrap());
    // Importing again changes nothing.
    let (_, again) = cli.json_lines(&["import", "--json", "--offline", &sample("edc-mc-signed.jsonld")]);
    assert_eq!(again[0]["status"], "duplicate");
}

#[test]
fn trust_status_and_refresh_say_what_they_can() {
    let cli = Cli::passphrase("edc-tests-4");
    let (out, lines) = cli.json_lines(&["trust", "status", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = &lines[0];
    assert!(s["fetched"].is_null(), "{s}");
    assert_eq!(s["pinned_signers"], 0);
    let data_lists = cli.dir().join("trusted-lists").display().to_string();
    assert!(s["roots"].as_array().unwrap().iter().any(|r| r == &Value::String(data_lists.clone())), "{s}");
    // Refresh refuses plainly (no LOTL signer pinned in this build), and writes nothing.
    let out = cli.run(&["trust", "refresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[no-pinned-signers]"), "{}", stderr(&out));
    assert!(!cli.dir().join("trusted-lists").exists());
}
