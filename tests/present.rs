//! Holder-signed Verifiable Presentations end to end: `share --present`
//! signs with the holder key kept in the real OS keyring (or, for a
//! passphrase store, inside the store), and `backpack verify` checks the
//! holder's proof, challenge, domain and every credential inside.
//! Runs inside scripts/with-keyring.sh.

use crate::common;

use common::*;
use serde_json::{json, Value};

/// Load the sample backpack and return (OB 3.0 JSON-LD ids, OB 2.0 ids).
fn sample(cli: &Cli) -> (Vec<String>, Vec<String>) {
    let out = cli.run(&["sample", "--count", "6", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, list) = cli.json_lines(&["list", "--json"]);
    let ids = |f: &str| -> Vec<String> {
        list.iter().filter(|l| l["format"] == f).map(|l| l["id"].as_str().unwrap().to_string()).collect()
    };
    let (ob3, ob2) = (ids("ob3-json-ld"), ids("ob2-signed"));
    assert!(ob3.len() >= 2 && !ob2.is_empty(), "{list:?}");
    (ob3, ob2)
}

fn present(cli: &Cli, args: &[&str]) -> Value {
    let mut a = vec!["share"];
    a.extend_from_slice(args);
    a.push("--present");
    let out = cli.run(&a);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the presentation is JSON")
}

fn verify_file(cli: &Cli, vp: &Value, extra: &[&str]) -> (std::process::Output, Value) {
    let path = cli.data.path().join(format!("vp-{}.json", rand_suffix()));
    std::fs::write(&path, serde_json::to_vec_pretty(vp).unwrap()).unwrap();
    let mut args = vec!["verify", "--json", "--offline", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (out, lines) = cli.json_lines(&args);
    assert_eq!(lines.len(), 1, "{}", stderr(&out));
    (out, lines[0].clone())
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"].as_array().unwrap().iter().find(|c| c["check"] == id).unwrap_or_else(|| panic!("no {id} check in {report}"))
}

fn store_id(cli: &Cli) -> String {
    let meta: Value = serde_json::from_slice(&std::fs::read(cli.dir().join("store.json")).unwrap()).unwrap();
    meta["store_id"].as_str().unwrap().to_string()
}

#[test]
fn presentation_signed_with_the_keyring_key_verifies_and_the_key_is_reused() {
    let cli = Cli::keyring();
    let (ob3, _) = sample(&cli);
    let vp = present(&cli, &[&ob3[0], &ob3[1], "--challenge", "n-0S6_WzA2Mj", "--domain", "verifier.example.org"]);

    assert_eq!(vp["@context"], json!(["https://www.w3.org/ns/credentials/v2"]));
    assert_eq!(vp["type"], json!(["VerifiablePresentation"]));
    let holder = vp["holder"].as_str().unwrap().to_string();
    assert!(holder.starts_with("did:key:z6Mk"), "{holder}");
    let proof = &vp["proof"];
    assert_eq!(proof["type"], "DataIntegrityProof");
    assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(proof["proofPurpose"], "authentication");
    assert_eq!(proof["challenge"], "n-0S6_WzA2Mj");
    assert_eq!(proof["domain"], "verifier.example.org");
    assert!(proof["verificationMethod"].as_str().unwrap().starts_with(&format!("{holder}#")));
    // The credentials are embedded exactly as issued.
    for (i, id) in ob3[..2].iter().enumerate() {
        let original: Value = serde_json::from_slice(&cli.run(&["export", id, "--format", "original"]).stdout).unwrap();
        assert_eq!(vp["verifiableCredential"][i], original);
    }

    // The Rust verifier: holder proof, binding, challenge, domain, and each credential.
    let (out, r) = verify_file(&cli, &vp, &["--challenge", "n-0S6_WzA2Mj", "--domain", "verifier.example.org"]);
    assert!(out.status.success(), "{r}");
    assert_eq!(r["verdict"], "valid", "{r}");
    for id in ["format", "contexts", "proof", "holder-binding", "challenge", "domain", "credentials"] {
        assert_eq!(check(&r, id)["outcome"], "pass", "{id}: {r}");
    }
    let creds = r["credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 2);
    for (i, c) in creds.iter().enumerate() {
        assert_eq!(c["index"], i);
        assert_eq!(c["wallet_id"], ob3[i].as_str(), "the wallet id of the embedded credential is the stored one");
        assert_eq!(c["verdict"], "valid", "{c}");
        assert!(c["checks"].as_array().unwrap().iter().any(|k| k["check"] == "proof" && k["outcome"] == "pass"));
    }

    // The holder key is in the keyring (service Backpack, account holder-<store id>) and is the DID's key.
    let secret = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "Backpack", "username", &format!("holder-{}", store_id(&cli))])
        .output()
        .expect("secret-tool");
    let hexkey = String::from_utf8_lossy(&secret.stdout).trim().to_string();
    assert_eq!(hexkey.len(), 64, "a 32-byte hex key in the keyring");
    let key = ed25519_dalek::SigningKey::from_bytes(&hex::decode(&hexkey).unwrap().try_into().unwrap());
    assert_eq!(backpack::verify::sign::did_key_of(&key).0, holder);
    assert!(!std::fs::read_dir(cli.dir()).unwrap().flatten().any(|e| std::fs::read(e.path()).map(|b| b.windows(64).any(|w| w == hexkey.as_bytes())).unwrap_or(false)), "the holder key is not on disk");

    // A second presentation reuses the key: the same holder.
    let again = present(&cli, &[&ob3[0]]);
    assert_eq!(again["holder"], holder.as_str());
    assert!(again["proof"].get("challenge").is_none());
    let (_, info) = cli.json_lines(&["info", "--json"]);
    assert_eq!(info[0]["holder"]["did"], holder.as_str());
    assert_eq!(info[0]["holder"]["key"], "keyring");
}

#[test]
fn wrong_or_missing_challenge_and_domain_fail() {
    let cli = Cli::keyring();
    let (ob3, _) = sample(&cli);
    let vp = present(&cli, &[&ob3[0], "--challenge", "abc123", "--domain", "a.example"]);

    let (out, r) = verify_file(&cli, &vp, &["--challenge", "abc124", "--domain", "a.example"]);
    assert!(!out.status.success());
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(check(&r, "challenge")["outcome"], "fail", "{r}");
    assert_eq!(check(&r, "proof")["outcome"], "pass", "the signature itself is fine");

    let (_, r) = verify_file(&cli, &vp, &["--challenge", "abc123", "--domain", "b.example"]);
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(check(&r, "domain")["outcome"], "fail", "{r}");
    assert_eq!(check(&r, "challenge")["outcome"], "pass");

    // Not asked for: skipped, still valid.
    let (out, r) = verify_file(&cli, &vp, &[]);
    assert!(out.status.success(), "{r}");
    assert_eq!(check(&r, "challenge")["outcome"], "skip");

    // Asked for but absent: fail.
    let bare = present(&cli, &[&ob3[0]]);
    let (_, r) = verify_file(&cli, &bare, &["--challenge", "abc123"]);
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(check(&r, "challenge")["outcome"], "fail");

    // Editing the challenge in the file breaks the signature (it is signed).
    let mut edited = vp.clone();
    edited["proof"]["challenge"] = json!("abc124");
    let (_, r) = verify_file(&cli, &edited, &["--challenge", "abc124", "--domain", "a.example"]);
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(check(&r, "proof")["outcome"], "fail", "{r}");
}

#[test]
fn tampered_presentation_and_tampered_embedded_credential_fail() {
    let cli = Cli::keyring();
    let (ob3, _) = sample(&cli);
    let vp = present(&cli, &[&ob3[0], &ob3[1]]);

    // A credential inside changed: the holder's signature and the issuer's both break.
    let mut t = vp.clone();
    t["verifiableCredential"][1]["credentialSubject"]["achievement"]["name"] = json!("Doctorate in Everything");
    let (out, r) = verify_file(&cli, &t, &[]);
    assert!(!out.status.success());
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(check(&r, "proof")["outcome"], "fail", "{r}");
    assert_eq!(check(&r, "credentials")["outcome"], "fail");
    assert_eq!(r["credentials"][0]["verdict"], "valid");
    assert_eq!(r["credentials"][1]["verdict"], "invalid");

    // A credential taken out of the presentation after signing.
    let mut t = vp.clone();
    t["verifiableCredential"].as_array_mut().unwrap().pop();
    let (_, r) = verify_file(&cli, &t, &[]);
    assert_eq!(check(&r, "proof")["outcome"], "fail", "{r}");

    // Someone else re-signs it with their own key but keeps the holder: the binding fails.
    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let (_, vm) = backpack::verify::sign::did_key_of(&other);
    let mut opts = vp["proof"].clone();
    opts.as_object_mut().unwrap().remove("proofValue");
    opts["verificationMethod"] = json!(vm);
    let forged = backpack::verify::sign::sign_with_options(&vp, &other, opts).unwrap();
    let (_, r) = verify_file(&cli, &forged, &[]);
    assert_eq!(check(&r, "proof")["outcome"], "pass");
    assert_eq!(check(&r, "holder-binding")["outcome"], "fail", "{r}");
    assert_eq!(r["verdict"], "invalid");

    // An assertionMethod proof is not a holder's authentication.
    let mut opts = vp["proof"].clone();
    opts.as_object_mut().unwrap().remove("proofValue");
    opts["verificationMethod"] = json!(vm);
    opts["proofPurpose"] = json!("assertionMethod");
    let mut wrong = vp.clone();
    wrong["holder"] = json!(backpack::verify::sign::did_key_of(&other).0);
    let wrong = backpack::verify::sign::sign_with_options(&wrong, &other, opts).unwrap();
    let (_, r) = verify_file(&cli, &wrong, &[]);
    assert_eq!(check(&r, "proof")["outcome"], "fail", "{r}");
    assert!(check(&r, "proof")["detail"].as_str().unwrap().contains("authentication"));
}

#[test]
fn vc_jwt_goes_in_enveloped_and_ob2_is_refused_by_name() {
    let cli = Cli::keyring();
    let (ob3, ob2) = sample(&cli);
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple-jwt.png").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let jwt_id = lines[0]["id"].as_str().unwrap().to_string();
    let jws = String::from_utf8(cli.run(&["export", &jwt_id, "--format", "original"]).stdout).unwrap();

    let vp = present(&cli, &[&ob3[0], &jwt_id]);
    let env = &vp["verifiableCredential"][1];
    assert_eq!(env["type"], "EnvelopedVerifiableCredential");
    assert_eq!(env["id"], format!("data:application/vc+jwt,{}", jws.trim()));
    let (_, r) = verify_file(&cli, &vp, &[]);
    assert_eq!(check(&r, "proof")["outcome"], "pass", "{r}");
    // The enveloped credential gets the same verdict as verifying it directly.
    let (_, direct) = cli.json_lines(&["verify", "--json", "--offline", &jwt_id]);
    assert_eq!(r["credentials"][1]["verdict"], direct[0]["verdict"]);
    assert_eq!(r["credentials"][1]["checks"], direct[0]["checks"]);
    assert_eq!(r["credentials"][1]["wallet_id"], jwt_id.as_str());

    // A VC Data Model 1.1 credential goes into the 2.0 presentation as it is
    // (the 2.0 context resets the context for each credential inside).
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple_v1.json").to_str().unwrap()]);
    let v1 = lines[0]["id"].as_str().unwrap().to_string();
    let vp = present(&cli, &[&v1, &ob3[1]]);
    assert_eq!(vp["verifiableCredential"][0]["@context"][0], "https://www.w3.org/2018/credentials/v1");
    let (_, r) = verify_file(&cli, &vp, &[]);
    assert_eq!(check(&r, "proof")["outcome"], "pass", "{r}");
    assert_eq!(r["credentials"][0]["wallet_id"], v1.as_str());
    assert_eq!(r["credentials"][1]["verdict"], "valid");

    // OB 2.0 cannot go into a VP: the error names the credential.
    let out = cli.run(&["share", &ob3[0], &ob2[0], "--present"]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains(&ob2[0]) && e.contains("Open Badges 2.0"), "{e}");
    assert!(out.stdout.is_empty(), "nothing written");
}

#[test]
fn passphrase_store_keeps_the_holder_key_inside_the_store() {
    let cli = Cli::passphrase("holder-pass");
    let (ob3, _) = sample(&cli);
    let (_, info) = cli.json_lines(&["info", "--json"]);
    assert!(info[0]["holder"].is_null(), "no holder key before the first presentation");
    let vp = present(&cli, &[&ob3[0]]);
    let holder = vp["holder"].as_str().unwrap().to_string();
    let (_, info) = cli.json_lines(&["info", "--json"]);
    assert_eq!(info[0]["holder"]["did"], holder.as_str());
    assert_eq!(info[0]["holder"]["key"], "store");
    let human = String::from_utf8_lossy(&cli.run(&["info"]).stdout).into_owned();
    assert!(human.contains("encrypted store"), "{human}");
    assert_eq!(present(&cli, &[&ob3[1]])["holder"], holder.as_str());
    let (out, r) = verify_file(&cli, &vp, &[]);
    assert!(out.status.success(), "{r}");
}
