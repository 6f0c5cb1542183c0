//! `backpack receive` against the test issuer (`tests/issuer/`, a strict
//! OpenID4VCI 1.0 / draft-13, VC-API and DCC issuer on 127.0.0.1): each
//! profile ends with a stored, verified credential bound to the holder key,
//! or with a clear refusal and nothing stored. The issuer's request log
//! shows what the wallet sent.

use std::process::Output;

use base64::Engine;
use serde_json::Value;

use crate::common::servers::Issuer;
use crate::common::{stderr, Cli};

fn cli() -> Cli {
    Cli::passphrase("receive-tests-1")
}

fn receive(cli: &Cli, args: &[&str]) -> (Output, Vec<Value>) {
    let mut a = vec!["receive", "--json"];
    a.extend_from_slice(args);
    cli.json_lines(&a)
}

fn one(cli: &Cli, args: &[&str]) -> (Output, Value) {
    let (out, lines) = receive(cli, args);
    assert_eq!(lines.len(), 1, "one line expected: {lines:?}\n{}", stderr(&out));
    (out, lines[0].clone())
}

/// `receive --json OFFER` with `browser` as `$BROWSER`: the output and its first line.
fn receive_in_browser(cli: &Cli, browser: &str, offer: &str) -> (Output, Value) {
    let mut c = cli.cmd();
    c.env("BROWSER", browser).args(["receive", "--json", offer]);
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let l = serde_json::from_str(text.lines().next().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {text}\n{}", stderr(&out)));
    (out, l)
}

fn imported(cli: &Cli, args: &[&str]) -> Value {
    let (out, l) = one(cli, args);
    assert_eq!(l["status"], "imported", "{l}\n{}", stderr(&out));
    assert_eq!(l["verdict"], "valid", "{l}");
    assert_eq!(out.status.code(), Some(0));
    l
}

fn rejected(cli: &Cli, args: &[&str], code: &str) -> Value {
    let (out, l) = one(cli, args);
    assert_eq!(l["status"], "rejected", "{l}");
    assert_eq!(l["code"], code, "{l}");
    assert!(l["id"].is_null(), "{l}");
    assert!(!l["error"].as_str().unwrap_or_default().is_empty(), "{l}");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    l
}

fn payload(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

fn header(jwt: &str) -> Value {
    let p = jwt.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

/// The stored credential's original as JSON claims (a VC-JWT's payload, or the JSON-LD document).
fn stored_claims(cli: &Cli, id: &str) -> Value {
    let out = cli.run(&["export", id, "--format", "original"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).unwrap()
    } else {
        payload(text.trim())
    }
}

fn subject_id(claims: &Value) -> String {
    let vc = claims.get("vc").unwrap_or(claims);
    vc["credentialSubject"]["id"].as_str().unwrap_or_default().to_string()
}

/// The proof JWTs the wallet sent to the credential endpoint, in order.
fn proofs(issuer: &Issuer, profile: &str) -> Vec<String> {
    issuer
        .hits(&format!("/{profile}/credential"))
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(r["body"].as_str()?).ok())
        .filter_map(|b| b["proofs"]["jwt"][0].as_str().or_else(|| b["proof"]["jwt"].as_str()).map(str::to_string))
        .collect()
}

#[test]
fn pre_authorized_with_pin_a_wrong_pin_changes_nothing_and_the_right_one_receives_a_bound_credential() {
    let issuer = Issuer::start();
    let cli = cli();
    let offer = issuer.offer("pin");
    let link = offer["by_value"].as_str().unwrap();
    // No PIN and no terminal: refused before anything is sent to the token endpoint.
    let l = rejected(&cli, &[link], "tx-code-required");
    assert!(l["error"].as_str().unwrap().contains("PIN"), "{l}");
    assert!(issuer.hits("/pin/token").is_empty(), "nothing was sent without a PIN");
    // A wrong PIN: the issuer refuses, the wallet says so, nothing is stored.
    let l = rejected(&cli, &["--tx-code", "111111", link], "tx-code-wrong");
    assert!(l["error"].as_str().unwrap().contains("wrong"), "{l}");
    assert_eq!(cli.count(), 0);
    // The wrong length is caught before sending.
    rejected(&cli, &["--tx-code", "12", link], "tx-code-wrong");
    assert_eq!(issuer.hits("/pin/token").len(), 1);
    // The right PIN on the same offer.
    let l = imported(&cli, &["--tx-code", offer["tx_code"].as_str().unwrap(), link]);
    assert_eq!(l["source"], format!("{}/pin", issuer.base));
    assert_eq!(cli.count(), 1);
    // Bound to the key the proof used: credentialSubject.id and sub are the proof's DID.
    let proof = proofs(&issuer, "pin").pop().expect("a proof was sent");
    let h = header(&proof);
    assert_eq!(h["typ"], "openid4vci-proof+jwt");
    let kid = h["kid"].as_str().unwrap();
    let did = kid.split('#').next().unwrap();
    let claims = stored_claims(&cli, l["id"].as_str().unwrap());
    assert_eq!(subject_id(&claims), did);
    let p = payload(&proof);
    assert_eq!(p["aud"], format!("{}/pin", issuer.base));
    assert!(p["nonce"].is_string() && p["iat"].is_i64(), "{p}");
    // 1.0 shapes: a nonce from the nonce endpoint, proofs.jwt[], the configuration id; then the notification.
    assert_eq!(issuer.hits("/pin/nonce").len(), 1);
    let req: Value = serde_json::from_str(issuer.hits("/pin/credential")[0]["body"].as_str().unwrap()).unwrap();
    assert!(req.get("proof").is_none() && req.get("format").is_none(), "{req}");
    let note: Value = serde_json::from_str(issuer.hits("/pin/notification").last().unwrap()["body"].as_str().unwrap()).unwrap();
    assert_eq!(note["event"], "credential_accepted");
    // The same credential offered again is a duplicate? A new offer issues a new credential: imported again.
    let again = issuer.offer("pin");
    imported(&cli, &["--tx-code", "493536", again["by_reference"].as_str().unwrap()]);
    // One key per issuer: the second credential is bound to the same DID.
    let proof2 = proofs(&issuer, "pin").pop().unwrap();
    assert_eq!(header(&proof2)["kid"], kid);
}

#[test]
fn offers_by_reference_in_https_links_from_stdin_and_from_a_qr_picture() {
    let issuer = Issuer::start();
    let cli = cli();
    imported(&cli, &[issuer.offer("plain")["by_reference"].as_str().unwrap()]);
    imported(&cli, &[issuer.offer("plain")["https"].as_str().unwrap()]);
    // Standard input.
    let link = issuer.offer("plain")["by_value"].as_str().unwrap().to_string();
    let mut c = cli.cmd();
    c.args(["receive", "--json", "-"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), link.as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"imported\""));
    // A PNG picture of the QR code (as a screenshot would be).
    let link = issuer.offer("plain")["by_reference"].as_str().unwrap().to_string();
    let png = cli.data.path().join("offer.png");
    std::fs::write(&png, qr_png(&link)).unwrap();
    imported(&cli, &[png.to_str().unwrap()]);
    assert_eq!(cli.count(), 4);
}

fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let modules = code.to_colors();
    let n = code.width();
    let (scale, quiet) = (4usize, 4usize);
    let size = (n + 2 * quiet) * scale;
    let mut pixels = vec![255u8; size * size];
    for (i, c) in modules.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % n + quiet, i / n + quiet);
            for dy in 0..scale {
                for dx in 0..scale {
                    pixels[(y * scale + dy) * size + x * scale + dx] = 0;
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, size as u32, size as u32);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(&pixels).unwrap();
    }
    out
}

#[test]
fn draft_13_issuers_are_spoken_to_in_their_own_shapes() {
    let issuer = Issuer::start();
    let cli = cli();
    let offer = issuer.offer("d13");
    imported(&cli, &["--tx-code", offer["tx_code"].as_str().unwrap(), offer["by_value"].as_str().unwrap()]);
    // Metadata found at the appended well-known after the 1.0 location failed.
    assert!(!issuer.hits("/d13/.well-known/openid-credential-issuer").is_empty());
    let req: Value = serde_json::from_str(issuer.hits("/d13/credential")[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(req["format"], "jwt_vc_json", "{req}");
    assert!(req["credential_definition"]["type"].is_array(), "{req}");
    assert_eq!(req["proof"]["proof_type"], "jwt", "{req}");
    assert!(req.get("proofs").is_none() && req.get("credential_configuration_id").is_none(), "{req}");
    assert!(issuer.hits("/d13/nonce").is_empty(), "draft 13 has no nonce endpoint; the token's c_nonce is used");
}

#[test]
fn authorization_code_with_par_pkce_and_a_scripted_browser() {
    let issuer = Issuer::start();
    let cli = cli();
    let browser = browser_script(&cli);
    let (out, l) = receive_in_browser(&cli, &browser, issuer.offer("authcode")["by_value"].as_str().unwrap());
    assert!(out.status.success(), "{l}\n{}", stderr(&out));
    assert_eq!(l["status"], "imported", "{l}");
    // PAR carried the PKCE challenge, authorization_details and issuer_state; the browser saw only request_uri.
    let par = &issuer.hits("/authcode/par")[0];
    let form: Vec<(String, String)> = url::form_urlencoded::parse(par["body"].as_str().unwrap().as_bytes()).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    assert!(get("issuer_state").is_some() && get("state").is_some());
    assert!(get("redirect_uri").unwrap().starts_with("http://127.0.0.1:"));
    assert!(get("authorization_details").unwrap().contains("openid_credential"));
    let auth = &issuer.hits("/authcode/authorize")[0];
    let q = auth["query"].as_str().unwrap();
    assert!(q.contains("request_uri=") && !q.contains("code_challenge"), "{q}");
    // The token request proved the verifier.
    assert!(issuer.hits("/authcode/token")[0]["body"].as_str().unwrap().contains("code_verifier="));
}

/// A "browser" that follows the authorization redirect back to the wallet's loopback listener.
fn browser_script(cli: &Cli) -> String {
    script(cli, "browser.sh", "#!/bin/sh\nexec curl -s -L -o /dev/null \"$1\"\n")
}

/// A "browser" that takes the issuer's redirect back to the wallet (`$back`)
/// and runs `body` with it: to forge, alter or drop what comes back.
fn tampering_browser(cli: &Cli, body: &str) -> String {
    script(cli, "tamper.sh", &format!("#!/bin/sh\nback=$(curl -s -o /dev/null -w '%{{redirect_url}}' \"$1\")\n{body}\n"))
}

fn script(cli: &Cli, name: &str, text: &str) -> String {
    let path = cli.data.path().join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

#[test]
fn a_return_with_another_state_is_ignored_and_the_sign_in_goes_on() {
    let issuer = Issuer::start();
    let cli = cli();
    // Another page calls the loopback callback first, with a code and an error
    // of its own and the wrong state (or none); then the real return comes.
    let browser = tampering_browser(
        &cli,
        r#"base=${back%%\?*}
curl -s -o /dev/null "$base?code=forged&state=forged"
curl -s -o /dev/null "$base?error=access_denied"
curl -s -o /dev/null "$back""#,
    );
    let (out, l) = receive_in_browser(&cli, &browser, issuer.offer("authcode")["by_value"].as_str().unwrap());
    assert!(out.status.success(), "{l}\n{}", stderr(&out));
    assert_eq!(l["status"], "imported", "{l}");
    let token = issuer.hits("/authcode/token");
    assert_eq!(token.len(), 1);
    assert!(!token[0]["body"].as_str().unwrap().contains("code=forged"), "{}", token[0]["body"]);
    assert_eq!(cli.count(), 1);
}

#[test]
fn a_return_from_another_authorization_server_is_refused_rfc_9207() {
    for (body, what) in [
        // The server's `iss` replaced by another server's (a mix-up).
        (r#"curl -s -o /dev/null "$(printf %s "$back" | sed 's/iss=[^&]*/iss=https%3A%2F%2Fevil.example/')""#, "evil.example"),
        // `iss` dropped although the server's metadata promises it.
        (r#"curl -s -o /dev/null "$(printf %s "$back" | sed 's/&iss=[^&]*//')""#, "RFC 9207"),
    ] {
        let issuer = Issuer::start();
        let cli = cli();
        let browser = tampering_browser(&cli, body);
        let (out, l) = receive_in_browser(&cli, &browser, issuer.offer("authcode")["by_value"].as_str().unwrap());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(l["code"], "issuer-mismatch", "{l}");
        assert!(l["error"].as_str().unwrap().contains(what), "{l}");
        assert!(issuer.hits("/authcode/token").is_empty(), "no code is redeemed");
        assert_eq!(cli.count(), 0);
    }
}

#[test]
fn a_denied_sign_in_stores_nothing() {
    let issuer = Issuer::start();
    let cli = cli();
    let browser = browser_script(&cli);
    let (out, l) = receive_in_browser(&cli, &browser, issuer.offer("authcode-deny")["by_value"].as_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(l["code"], "authorization-denied", "{l}");
    assert!(issuer.hits("/authcode-deny/token").is_empty());
    assert_eq!(cli.count(), 0);
}

#[test]
fn deferred_issuance_is_kept_asked_again_no_sooner_than_the_interval_and_delivered_after_restarts() {
    let issuer = Issuer::start();
    let cli = cli();
    let first_asked = std::time::Instant::now();
    for profile in ["deferred", "d13-deferred"] {
        let (out, l) = one(&cli, &[issuer.offer(profile)["by_value"].as_str().unwrap()]);
        assert_eq!(l["status"], "pending", "{l}");
        assert_eq!(out.status.code(), Some(0));
    }
    assert_eq!(cli.count(), 0);
    // Asked again at once (a new process): not due yet, so the issuer is not asked.
    let (_, lines) = receive(&cli, &["--pending"]);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["status"] == "pending"), "{lines:?}");
    // Only meaningful while the interval (1 s) has not passed since the first offer was
    // taken; on a loaded machine the three processes can take longer, and then the
    // issuer's own "early" note below is what guards the interval.
    if first_asked.elapsed() < std::time::Duration::from_millis(900) {
        assert!(issuer.hits("/deferred/deferred").is_empty() && issuer.hits("/d13-deferred/deferred").is_empty());
    }
    // The issuer answers "pending" twice, then delivers; each ask waits for the interval (1 s).
    let mut got = Vec::new();
    for _ in 0..6 {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (_, lines) = receive(&cli, &["--pending"]);
        got.extend(lines.into_iter().filter(|l| l["status"] == "imported"));
        if got.len() == 2 {
            break;
        }
    }
    assert_eq!(got.len(), 2, "both deferred credentials arrive");
    assert!(got.iter().all(|l| l["verdict"] == "valid"));
    assert_eq!(cli.count(), 2);
    for h in issuer.hits("/deferred/deferred").iter().chain(&issuer.hits("/d13-deferred/deferred")) {
        let notes = h["notes"].to_string();
        assert!(!notes.contains("early"), "asked sooner than the interval: {h}");
    }
    // Nothing is pending any more.
    let (_, lines) = receive(&cli, &["--pending"]);
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn a_denied_deferred_request_is_final() {
    let issuer = Issuer::start();
    let cli = cli();
    let (_, l) = one(&cli, &[issuer.offer("deferred-denied")["by_value"].as_str().unwrap()]);
    assert_eq!(l["status"], "pending");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (out, lines) = receive(&cli, &["--pending"]);
    assert_eq!(lines[0]["code"], "request-denied", "{lines:?}");
    assert_eq!(out.status.code(), Some(1));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let asked = issuer.hits("/deferred-denied/deferred").len();
    let (out, lines) = receive(&cli, &["--pending"]);
    assert!(lines.is_empty() && out.status.success(), "a denied request is not asked again: {lines:?}");
    assert_eq!(issuer.hits("/deferred-denied/deferred").len(), asked);
}

#[test]
fn a_tampered_credential_is_rejected_and_the_issuer_told() {
    let issuer = Issuer::start();
    let cli = cli();
    let l = rejected(&cli, &[issuer.offer("tampered")["by_value"].as_str().unwrap()], "credential-invalid");
    assert!(l["error"].as_str().unwrap().contains("proof"), "{l}");
    assert_eq!(cli.count(), 0);
    let note: Value = serde_json::from_str(issuer.hits("/tampered/notification")[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(note["event"], "credential_failure");
}

#[test]
fn an_issuer_mismatch_or_unreachable_metadata_is_refused_before_any_request() {
    let issuer = Issuer::start();
    let cli = cli();
    let l = rejected(&cli, &[issuer.offer("mismatch")["by_value"].as_str().unwrap()], "issuer-mismatch");
    assert!(l["error"].as_str().unwrap().contains("/elsewhere"), "{l}");
    assert!(issuer.hits("/token").is_empty() && issuer.hits("/credential").is_empty());
    let l = rejected(&cli, &[issuer.offer("unreachable")["by_value"].as_str().unwrap()], "metadata-unreachable");
    assert!(l["error"].as_str().unwrap().contains("127.0.0.1:1"), "{l}");
    // Plain http to anything but this computer is refused outright.
    let offer = r#"{"credential_issuer":"http://issuer.example","credential_configuration_ids":["A"]}"#;
    rejected(&cli, &[offer], "insecure-url");
    rejected(&cli, &["not an offer"], "bad-offer");
    assert_eq!(cli.count(), 0);
}

#[test]
fn paths_slashes_external_servers_formats_keys_and_nonce_retries() {
    let issuer = Issuer::start();
    let cli = cli();
    for profile in ["slash", "tenant/a", "ldp", "vc11", "jwk", "badnonce"] {
        let l = imported(&cli, &[issuer.offer(profile)["by_value"].as_str().unwrap()]);
        let claims = stored_claims(&cli, l["id"].as_str().unwrap());
        if profile != "jwk" {
            let proof = proofs(&issuer, profile).pop().unwrap();
            let did = header(&proof)["kid"].as_str().unwrap().split('#').next().unwrap().to_string();
            assert_eq!(subject_id(&claims), did, "{profile}");
        }
    }
    // The token came from the external authorization server of tenant/a.
    assert_eq!(issuer.hits("/auth/token").len(), 1);
    // badnonce: refused once with invalid_nonce, asked again with a fresh nonce.
    let p = proofs(&issuer, "badnonce");
    assert_eq!(p.len(), 2);
    assert_ne!(payload(&p[0])["nonce"], payload(&p[1])["nonce"]);
    // jwk: the bare key in the header, no kid.
    let h = header(&proofs(&issuer, "jwk")[0]);
    assert!(h["jwk"].is_object() && h.get("kid").is_none(), "{h}");
    assert!(h["jwk"].get("d").is_none());
    // es256: a P-256 did:jwk with public members only.
    imported(&cli, &[issuer.offer("es256")["by_value"].as_str().unwrap()]);
    let h = header(&proofs(&issuer, "es256")[0]);
    assert_eq!(h["alg"], "ES256");
    let kid = h["kid"].as_str().unwrap();
    let jwk: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(kid.trim_start_matches("did:jwk:").trim_end_matches("#0")).unwrap(),
    )
    .unwrap();
    assert_eq!(jwk["crv"], "P-256");
    assert!(jwk.get("d").is_none(), "never a private member in did:jwk");
    // Different issuers, different holder keys.
    let kid_slash = header(&proofs(&issuer, "slash")[0])["kid"].clone();
    let kid_ldp = header(&proofs(&issuer, "ldp")[0])["kid"].clone();
    assert_ne!(kid_slash, kid_ldp);
}

#[test]
fn vc_api_exchanges_and_dcc_requests_with_a_did_auth_presentation() {
    let issuer = Issuer::start();
    let cli = cli();
    let l = imported(&cli, &[&format!("{}/vcapi/interaction?iuv=1", issuer.base)]);
    let claims = stored_claims(&cli, l["id"].as_str().unwrap());
    let vp: Value = serde_json::from_str(issuer.log().iter().rev().find(|r| r["body"].as_str().unwrap_or("").contains("verifiablePresentation")).unwrap()["body"].as_str().unwrap()).unwrap();
    assert_eq!(subject_id(&claims), vp["verifiablePresentation"]["holder"].as_str().unwrap());
    assert_eq!(vp["verifiablePresentation"]["proof"]["proofPurpose"], "authentication");
    // An interaction that only offers OID4VCI goes to the OpenID4VCI flow.
    imported(&cli, &[&format!("interaction:{}/vcapi/interaction-oid4vci?iuv=1", issuer.base)]);
    // A DCC request link.
    let link = issuer.text("/dcc/offer");
    let l = imported(&cli, &[link.trim()]);
    assert!(l["source"].as_str().unwrap().contains("/dcc/request/"));
    assert_eq!(cli.count(), 3);
}

#[test]
fn receive_usage_errors_exit_2() {
    let cli = cli();
    let out = cli.run(&["receive"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cli.run(&["receive", "--pending", "openid-credential-offer://?x=1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// The use case in process, as the app calls it: the offer screen comes
/// first, and declining it sends nothing to the token or credential endpoints.
mod in_process {
    use std::cell::RefCell;

    use backpack::app::receive::{self, OfferView, ReceiveOptions, Status, Step, Ui};
    use backpack::keys::{self, KeyOptions};
    use backpack::receive::offer::TxCode;
    use backpack::store::Store;

    use crate::common::servers::Issuer;

    struct Screen {
        accept: bool,
        pin: Option<String>,
        seen: RefCell<Vec<OfferView>>,
        prompts: RefCell<Vec<(TxCode, Option<String>)>>,
        steps: RefCell<Vec<Step>>,
    }

    impl Ui for Screen {
        fn offered(&self, v: &OfferView) -> bool {
            self.seen.borrow_mut().push(v.clone());
            self.accept
        }
        fn tx_code(&self, p: &TxCode, error: Option<&str>) -> Option<String> {
            self.prompts.borrow_mut().push((p.clone(), error.map(str::to_string)));
            // Wrong first, then right: the wallet asks again and says why.
            if self.prompts.borrow().len() == 1 { Some("000000".into()) } else { self.pin.clone() }
        }
        fn step(&self, s: Step) {
            self.steps.borrow_mut().push(s);
        }
    }

    fn screen(accept: bool, pin: Option<&str>) -> Screen {
        Screen { accept, pin: pin.map(str::to_string), seen: Default::default(), prompts: Default::default(), steps: Default::default() }
    }

    fn store(dir: &std::path::Path) -> (Store, KeyOptions) {
        let opts = KeyOptions { passphrase: Some("correct horse".into()), keyring_off: true };
        let (key, _) = keys::resolve(dir, &opts).unwrap();
        (Store::open(dir, &key).unwrap(), opts)
    }

    #[test]
    fn the_offer_is_shown_first_and_declining_sends_nothing() {
        let issuer = Issuer::start();
        let tmp = tempfile::tempdir().unwrap();
        let (mut st, keys) = store(&tmp.path().join("s"));
        let offer = issuer.offer("pin");
        let text = offer["by_reference"].as_str().unwrap();
        // The preview in Dutch: the issuer's Dutch name, the credential, the PIN's description and length.
        let v = receive::preview(text, "nl").unwrap();
        assert_eq!(v.protocol, "oid4vci");
        assert_eq!(v.issuer, format!("{}/pin", issuer.base));
        assert!(v.issuer_name.is_some());
        assert_eq!(v.credentials.len(), 1);
        assert!(v.credentials[0].supported && v.credentials[0].name.is_some());
        let tx = v.tx_code.clone().unwrap();
        assert_eq!(tx.length, Some(6));
        assert!(tx.description.is_some());
        assert!(v.logo.as_deref().is_none_or(|l| l.starts_with("data:image/")));
        let en = receive::preview(text, "en").unwrap();
        assert_ne!(en.issuer_name, v.issuer_name, "display names follow the language");
        // Declined: nothing past the metadata.
        let ui = screen(false, None);
        let r = receive::receive(&mut st, &keys, &v.offer, &ReceiveOptions::default(), &ui);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].status, Status::Rejected);
        assert_eq!(r[0].error.as_ref().unwrap().code(), "cancelled");
        assert!(issuer.hits("/token").is_empty() && issuer.hits("/credential").is_empty() && issuer.hits("/nonce").is_empty());
        // The offer by value from the preview: the by-reference offer was fetched by the two previews only.
        assert_eq!(issuer.log().iter().filter(|r| r["path"].as_str().unwrap().contains("/offers/")).count(), 2);
        // Accepted, a wrong PIN first: asked again with the reason, then received.
        let ui = screen(true, Some("493536"));
        let r = receive::receive(&mut st, &keys, &v.offer, &ReceiveOptions { lang: "nl".into(), ..Default::default() }, &ui);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].status, Status::Imported, "{r:?}");
        let prompts = ui.prompts.borrow();
        assert_eq!(prompts.len(), 2);
        assert!(prompts[0].1.is_none() && prompts[1].1.as_deref().is_some_and(|e| e.contains("wrong")));
        assert!(ui.steps.borrow().contains(&Step::Storing));
        // The issuer's display is kept with the credential.
        let d = receive::issuer_display(&st, r[0].id.as_deref().unwrap()).unwrap().unwrap();
        assert_eq!(d["issuer"], serde_json::json!(v.issuer_name));
        assert_eq!(st.count().unwrap(), 1);
        // ... and shown with the credential's detail.
        let detail = backpack::app::library::detail(&st, r[0].id.as_deref().unwrap()).unwrap();
        let from = detail.received_from.expect("received from the issuer");
        assert_eq!(from.issuer, v.issuer);
        assert_eq!(from.name, v.issuer_name);
    }

    #[test]
    fn per_issuer_holder_keys_live_in_the_os_keyring_for_a_keyring_store() {
        let issuer = Issuer::start();
        let cli = crate::common::Cli::keyring();
        let (out, lines) = cli.json_lines(&["receive", "--json", issuer.offer("plain")["by_value"].as_str().unwrap()]);
        assert!(out.status.success(), "{}", crate::common::stderr(&out));
        assert_eq!(lines[0]["status"], "imported");
        // The key is the keyring's: a second store (new keyring entries) proves with another DID,
        // the same store again with the same one.
        let kid = |i: &Issuer| {
            let p = super::proofs(i, "plain").pop().unwrap();
            super::header(&p)["kid"].as_str().unwrap().to_string()
        };
        let first = kid(&issuer);
        cli.json_lines(&["receive", "--json", issuer.offer("plain")["by_value"].as_str().unwrap()]);
        assert_eq!(kid(&issuer), first);
        let other = crate::common::Cli::keyring();
        other.json_lines(&["receive", "--json", issuer.offer("plain")["by_value"].as_str().unwrap()]);
        assert_ne!(kid(&issuer), first);
        let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(cli.dir().join("store.json")).unwrap()).unwrap();
        assert_eq!(meta["key"], "keyring", "{meta}");
    }
}

#[test]
fn a_credential_issued_to_another_key_is_not_stored() {
    let issuer = Issuer::start();
    let cli = cli();
    let l = rejected(&cli, &[issuer.offer("otherholder")["by_value"].as_str().unwrap()], "holder-mismatch");
    assert!(l["error"].as_str().unwrap().contains("did:key:"), "{l}");
    assert_eq!(cli.count(), 0);
}

/// Interoperability with an issuer we did not write: Sphereon's
/// `@sphereon/oid4vci-issuer-server` 0.20.1 (OpenID4VCI 1.0 request shapes,
/// issuer under a path, no `authorization_servers`, `c_nonce` in the token
/// response as well as a nonce endpoint, `bearer` in lower case).
#[test]
fn interop_sphereon_issuer_pre_authorized_with_and_without_pin() {
    let issuer = crate::common::servers::Sphereon::start();
    let cli = cli();
    let plain = issuer.offer(false);
    let l = imported(&cli, &[plain["offer"].as_str().unwrap()]);
    assert_eq!(l["source"], format!("{}/issuer", issuer.base));
    // Sphereon set credentialSubject.id (and sub) from the proof's kid: the wallet's holder DID.
    let claims = stored_claims(&cli, l["id"].as_str().unwrap());
    assert!(subject_id(&claims).starts_with("did:key:z6Mk"), "{claims}");
    assert_eq!(claims["sub"], subject_id(&claims));
    let pin = issuer.offer(true);
    let code = pin["tx_code"].as_str().unwrap();
    let wrong: String = code.chars().map(|c| if c == '0' { '1' } else { '0' }).collect();
    rejected(&cli, &["--tx-code", &wrong, pin["offer"].as_str().unwrap()], "tx-code-wrong");
    imported(&cli, &["--tx-code", code, pin["offer"].as_str().unwrap()]);
    assert_eq!(cli.count(), 2);
}
