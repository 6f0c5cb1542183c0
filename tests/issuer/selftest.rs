//! `--self-test DIR`: the test issuer's smoke check. It plays a minimal
//! wallet against a fresh server for every profile's happy path (plus a few
//! refusals the wallet's tests rely on: a wrong PIN that does not use up the
//! code, a reused nonce, a Draft 13 request sent to a 1.0 issuer), checks each
//! issued credential with the wallet library's own verifier (offline), and
//! writes the credentials to DIR with `expected.txt` (`file verdict` lines)
//! so `tests/issuer/smoke.sh` can check them again with the `backpack` CLI.

use std::path::Path;

use base64::Engine;
use backpack::import::Input;
use backpack::verify::{Verdict, VerifyOptions};
use serde_json::{json, Value};

use crate::http::{enc, now_secs, random_token};

type R<T> = Result<T, String>;

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A holder key: Ed25519 (did:key) or P-256 (did:jwk), or Ed25519 sent as a bare `jwk`.
enum Key {
    Ed(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

struct Holder {
    key: Key,
    /// How the proof names the key: `kid` (a DID URL) or `jwk`.
    by_jwk: bool,
}

impl Holder {
    fn ed() -> Holder {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("random");
        Holder { key: Key::Ed(ed25519_dalek::SigningKey::from_bytes(&seed)), by_jwk: false }
    }

    fn p256() -> Holder {
        loop {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).expect("random");
            if let Ok(k) = p256::ecdsa::SigningKey::from_bytes(&seed.into()) {
                return Holder { key: Key::P256(k), by_jwk: false };
            }
        }
    }

    fn jwk(&self) -> Value {
        match &self.key {
            Key::Ed(k) => json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&k.verifying_key().to_bytes())}),
            Key::P256(k) => {
                let p = k.verifying_key().to_encoded_point(false);
                json!({"kty": "EC", "crv": "P-256", "x": b64(p.x().expect("x")), "y": b64(p.y().expect("y"))})
            }
        }
    }

    /// The DID URL of the key.
    fn kid(&self) -> String {
        match &self.key {
            Key::Ed(k) => backpack::verify::sign::did_key_of(k).1,
            Key::P256(_) => format!("did:jwk:{}#0", b64(self.jwk().to_string().as_bytes())),
        }
    }

    fn did(&self) -> Option<String> {
        (!self.by_jwk).then(|| self.kid().split('#').next().expect("did").to_string())
    }

    fn sign_jwt(&self, header: Value, claims: Value) -> String {
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        let sig = match &self.key {
            Key::Ed(k) => {
                use ed25519_dalek::Signer;
                k.sign(input.as_bytes()).to_bytes().to_vec()
            }
            Key::P256(k) => {
                use p256::ecdsa::signature::Signer;
                let s: p256::ecdsa::Signature = k.sign(input.as_bytes());
                s.to_bytes().to_vec()
            }
        };
        format!("{input}.{}", b64(&sig))
    }

    /// An OpenID4VCI key proof for `aud` and `nonce`.
    fn proof(&self, aud: &str, nonce: Option<&str>) -> String {
        let alg = match self.key {
            Key::Ed(_) => "EdDSA",
            Key::P256(_) => "ES256",
        };
        let mut header = json!({"typ": "openid4vci-proof+jwt", "alg": alg});
        if self.by_jwk {
            header["jwk"] = self.jwk();
        } else {
            header["kid"] = json!(self.kid());
        }
        let mut claims = json!({"aud": aud, "iat": now_secs()});
        if let Some(n) = nonce {
            claims["nonce"] = json!(n);
        }
        self.sign_jwt(header, claims)
    }
}

struct Wallet {
    http: reqwest::blocking::Client,
    base: String,
}

/// A response: status and JSON body (Null when the body is not JSON).
struct Got {
    status: u16,
    body: Value,
    location: Option<String>,
}

impl Wallet {
    fn send(&self, rb: reqwest::blocking::RequestBuilder) -> R<Got> {
        let resp = rb.send().map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        let text = resp.text().map_err(|e| e.to_string())?;
        Ok(Got { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)), location })
    }

    fn get(&self, url: &str) -> R<Got> {
        self.send(self.http.get(url))
    }

    fn form(&self, url: &str, form: &[(&str, &str)]) -> R<Got> {
        self.send(self.http.post(url).form(form))
    }

    fn json(&self, url: &str, token: Option<&str>, body: &Value) -> R<Got> {
        let mut rb = self.http.post(url).header("Content-Type", "application/json").body(body.to_string());
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        self.send(rb)
    }
}

fn expect(got: &Got, status: u16, what: &str) -> R<()> {
    if got.status == status {
        Ok(())
    } else {
        Err(format!("{what}: expected HTTP {status}, got {} {}", got.status, got.body))
    }
}

fn expect_error(got: &Got, status: u16, code: &str, what: &str) -> R<()> {
    expect(got, status, what)?;
    match got.body.get("error").and_then(Value::as_str) {
        Some(c) if c == code => Ok(()),
        other => Err(format!("{what}: expected error {code}, got {other:?}")),
    }
}

fn s<'a>(v: &'a Value, k: &str) -> R<&'a str> {
    v.get(k).and_then(Value::as_str).ok_or_else(|| format!("'{k}' missing in {v}"))
}

/// The OpenID4VCI 1.0 well-known URL: inserted between host and path, a terminating `/` removed.
fn well_known(issuer: &str, which: &str) -> R<String> {
    let mut u = url::Url::parse(issuer).map_err(|e| e.to_string())?;
    let path = format!("/.well-known/{which}{}", u.path().trim_end_matches('/'));
    u.set_path(&path);
    Ok(u.to_string())
}

/// The offer JSON inside an `openid-credential-offer://` URL (by value or by reference).
fn read_offer(w: &Wallet, link: &str) -> R<Value> {
    let u = url::Url::parse(link).map_err(|e| e.to_string())?;
    for (k, v) in u.query_pairs() {
        match k.as_ref() {
            "credential_offer" => return serde_json::from_str(&v).map_err(|e| e.to_string()),
            "credential_offer_uri" => {
                let g = w.get(&v)?;
                expect(&g, 200, "offer by reference")?;
                return Ok(g.body);
            }
            _ => {}
        }
    }
    Err(format!("no offer in {link}"))
}

/// Run the 1.0 pre-authorized flow of `profile` and return the credential.
fn v1_pre_auth(w: &Wallet, profile: &str, holder: &Holder, by_reference: bool) -> R<Value> {
    let minted = w.get(&format!("{}/{profile}/offer", w.base))?.body;
    let offer = read_offer(w, s(&minted, if by_reference { "by_reference" } else { "by_value" })?)?;
    let issuer = s(&offer, "credential_issuer")?.to_string();
    let md = w.get(&well_known(&issuer, "openid-credential-issuer")?)?;
    expect(&md, 200, "issuer metadata")?;
    if s(&md.body, "credential_issuer")? != issuer {
        return Err("the metadata's credential_issuer is not the offer's".into());
    }
    let as_id = md.body.get("authorization_servers").and_then(|a| a[0].as_str()).unwrap_or(&issuer).to_string();
    let asm = w.get(&well_known(&as_id, "oauth-authorization-server")?)?;
    expect(&asm, 200, "AS metadata")?;
    let grant = &offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
    let code = s(grant, "pre-authorized_code")?;
    let token_url = s(&asm.body, "token_endpoint")?;
    let mut form = vec![("grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"), ("pre-authorized_code", code)];
    let pin = minted["tx_code"].as_str().map(str::to_string);
    if let Some(pin) = &pin {
        // A wrong PIN is refused and does not use up the code.
        let mut wrong = form.clone();
        wrong.push(("tx_code", "000000"));
        expect_error(&w.form(token_url, &wrong)?, 400, "invalid_grant", "wrong PIN")?;
        expect_error(&w.form(token_url, &form)?, 400, "invalid_request", "missing PIN")?;
        form.push(("tx_code", pin));
    }
    let tok = w.form(token_url, &form)?;
    expect(&tok, 200, "token")?;
    expect_error(&w.form(token_url, &form)?, 400, "invalid_grant", "reused pre-authorized code")?;
    let at = s(&tok.body, "access_token")?.to_string();
    let ident = tok.body["authorization_details"][0]["credential_identifiers"][0].as_str().ok_or("no credential identifier")?.to_string();
    let cred_url = s(&md.body, "credential_endpoint")?.to_string();
    let nonce_url = s(&md.body, "nonce_endpoint")?.to_string();
    let request = |nonce: &str| json!({"credential_identifier": ident, "proofs": {"jwt": [holder.proof(&issuer, Some(nonce))]}});
    let mut nonce = s(&w.json(&nonce_url, None, &json!({}))?.body, "c_nonce")?.to_string();
    // Draft 13 style (a singular proof) is refused by a 1.0 issuer.
    let d13 = json!({"credential_identifier": ident, "proof": {"proof_type": "jwt", "jwt": holder.proof(&issuer, Some(&nonce))}});
    expect_error(&w.json(&cred_url, Some(&at), &d13)?, 400, "invalid_credential_request", "singular proof")?;
    let mut got = w.json(&cred_url, Some(&at), &request(&nonce))?;
    if profile == "badnonce" {
        expect_error(&got, 400, "invalid_nonce", "badnonce's first request")?;
        nonce = s(&w.json(&nonce_url, None, &json!({}))?.body, "c_nonce")?.to_string();
        got = w.json(&cred_url, Some(&at), &request(&nonce))?;
    }
    if got.status == 202 {
        let tx = s(&got.body, "transaction_id")?.to_string();
        let deferred_url = s(&md.body, "deferred_credential_endpoint")?.to_string();
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
            got = w.json(&deferred_url, Some(&at), &json!({"transaction_id": tx}))?;
            if got.status != 202 {
                break;
            }
        }
    }
    expect(&got, 200, "credential")?;
    // The nonce was used up.
    expect_error(&w.json(&cred_url, Some(&at), &request(&nonce))?, 400, "invalid_nonce", "reused nonce")?;
    let nid = s(&got.body, "notification_id")?;
    let note = w.json(md.body["notification_endpoint"].as_str().unwrap_or_default(), Some(&at), &json!({"notification_id": nid, "event": "credential_accepted"}))?;
    expect(&note, 204, "notification")?;
    Ok(got.body["credentials"][0]["credential"].clone())
}

/// The 1.0 authorization code flow (PAR, PKCE, loopback redirect) of `profile`.
fn v1_auth_code(w: &Wallet, profile: &str, holder: &Holder) -> R<Option<Value>> {
    let minted = w.get(&format!("{}/{profile}/offer", w.base))?.body;
    let offer = read_offer(w, s(&minted, "by_value")?)?;
    let issuer = s(&offer, "credential_issuer")?.to_string();
    let md = w.get(&well_known(&issuer, "openid-credential-issuer")?)?.body;
    let asm = w.get(&well_known(&issuer, "oauth-authorization-server")?)?.body;
    let issuer_state = s(&offer["grants"]["authorization_code"], "issuer_state")?;
    let verifier = random_token(32);
    let challenge = {
        use sha2::Digest;
        b64(&sha2::Sha256::digest(verifier.as_bytes()))
    };
    let redirect = "http://127.0.0.1:45678/callback";
    let details = json!([{"type": "openid_credential", "credential_configuration_id": "OpenBadgeCredential"}]).to_string();
    let par = w.form(
        s(&asm, "pushed_authorization_request_endpoint")?,
        &[
            ("response_type", "code"),
            ("client_id", "backpack-self-test"),
            ("redirect_uri", redirect),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "st-1"),
            ("issuer_state", issuer_state),
            ("authorization_details", &details),
        ],
    )?;
    expect(&par, 201, "PAR")?;
    let auth = w.get(&format!("{}?client_id=backpack-self-test&request_uri={}", s(&asm, "authorization_endpoint")?, enc(s(&par.body, "request_uri")?)))?;
    expect(&auth, 302, "authorization")?;
    let loc = url::Url::parse(auth.location.as_deref().ok_or("no Location")?).map_err(|e| e.to_string())?;
    let q: std::collections::HashMap<String, String> = loc.query_pairs().into_owned().collect();
    if q.get("state").map(String::as_str) != Some("st-1") {
        return Err("the redirect lost the state".into());
    }
    if profile == "authcode-deny" {
        return if q.get("error").map(String::as_str) == Some("access_denied") { Ok(None) } else { Err(format!("expected access_denied, got {loc}")) };
    }
    let code = q.get("code").ok_or("no code")?;
    let token_url = s(&asm, "token_endpoint")?;
    let form = [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", redirect), ("client_id", "backpack-self-test")];
    let mut bad = form.to_vec();
    bad.push(("code_verifier", "x".repeat(43).leak()));
    expect_error(&w.form(token_url, &bad)?, 400, "invalid_grant", "wrong code_verifier")?;
    let mut good = form.to_vec();
    good.push(("code_verifier", &verifier));
    let tok = w.form(token_url, &good)?;
    expect(&tok, 200, "token")?;
    let at = s(&tok.body, "access_token")?;
    let nonce = s(&w.json(s(&md, "nonce_endpoint")?, None, &json!({}))?.body, "c_nonce")?.to_string();
    let ident = &tok.body["authorization_details"][0]["credential_identifiers"][0];
    let got = w.json(s(&md, "credential_endpoint")?, Some(at), &json!({"credential_identifier": ident, "proofs": {"jwt": [holder.proof(&issuer, Some(&nonce))]}}))?;
    expect(&got, 200, "credential")?;
    Ok(Some(got.body["credentials"][0]["credential"].clone()))
}

/// The Draft 13 pre-authorized flow of `profile`.
fn d13(w: &Wallet, profile: &str, holder: &Holder) -> R<Value> {
    let minted = w.get(&format!("{}/{profile}/offer", w.base))?.body;
    let offer = read_offer(w, s(&minted, "by_value")?)?;
    let issuer = s(&offer, "credential_issuer")?.to_string();
    expect(&w.get(&well_known(&issuer, "openid-credential-issuer")?)?, 404, "1.0 metadata location of a Draft 13 issuer")?;
    let md = w.get(&format!("{issuer}/.well-known/openid-credential-issuer"))?;
    expect(&md, 200, "Draft 13 metadata")?;
    let asm = w.get(&well_known(&issuer, "oauth-authorization-server")?)?.body;
    let code = s(&offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"], "pre-authorized_code")?;
    let mut form = vec![("grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"), ("pre-authorized_code", code)];
    let pin = minted["tx_code"].as_str().map(str::to_string);
    if let Some(pin) = &pin {
        form.push(("tx_code", pin));
    }
    let tok = w.form(s(&asm, "token_endpoint")?, &form)?;
    expect(&tok, 200, "token")?;
    let at = s(&tok.body, "access_token")?;
    let cred_url = s(&md.body, "credential_endpoint")?;
    let request = |nonce: &str| {
        json!({"format": "jwt_vc_json", "credential_definition": {"type": ["VerifiableCredential", "OpenBadgeCredential"]},
               "proof": {"proof_type": "jwt", "jwt": holder.proof(&issuer, Some(nonce))}})
    };
    // A wrong nonce gets invalid_proof with a fresh c_nonce.
    let wrong = w.json(cred_url, Some(at), &request("not-the-nonce"))?;
    expect_error(&wrong, 400, "invalid_proof", "Draft 13 wrong nonce")?;
    let mut got = w.json(cred_url, Some(at), &request(s(&wrong.body, "c_nonce")?))?;
    if got.status == 202 {
        let tx = s(&got.body, "transaction_id")?.to_string();
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
            got = w.json(s(&md.body, "deferred_credential_endpoint")?, Some(at), &json!({"transaction_id": tx}))?;
            if got.body.get("error").and_then(Value::as_str) != Some("issuance_pending") {
                break;
            }
        }
    }
    expect(&got, 200, "Draft 13 credential")?;
    Ok(got.body["credential"].clone())
}

/// An access token (and the issuer id and endpoints) for a fresh `plain`-style offer of `profile`.
fn token_for(w: &Wallet, profile: &str) -> R<(String, String, Value)> {
    let offer = w.get(&format!("{}/{profile}/offer", w.base))?.body["offer"].clone();
    let issuer = s(&offer, "credential_issuer")?.to_string();
    let md = w.get(&well_known(&issuer, "openid-credential-issuer")?)?.body;
    let code = s(&offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"], "pre-authorized_code")?;
    let tok = w.form(&format!("{}/{profile}/token", w.base), &[("grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"), ("pre-authorized_code", code)])?;
    expect(&tok, 200, "token")?;
    Ok((s(&tok.body, "access_token")?.to_string(), issuer, md))
}

/// What a wallet must not do is refused with the spec's error code.
fn refusals(w: &Wallet) -> R<()> {
    let (at, issuer, md) = token_for(w, "plain")?;
    let cred = s(&md, "credential_endpoint")?;
    let nonce = || -> R<String> { Ok(s(&w.json(s(&md, "nonce_endpoint")?, None, &json!({}))?.body, "c_nonce")?.to_string()) };
    let h = Holder::ed();
    let req = |jwt: String| json!({"credential_identifier": "OpenBadgeCredential-1", "proofs": {"jwt": [jwt]}});
    let n = nonce()?;
    expect_error(&w.json(cred, None, &req(h.proof(&issuer, Some(&n))))?, 401, "invalid_token", "no access token")?;
    let by_config = json!({"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": [h.proof(&issuer, Some(&n))]}});
    expect_error(&w.json(cred, Some(&at), &by_config)?, 400, "invalid_credential_request", "configuration id after credential_identifiers")?;
    expect_error(&w.json(cred, Some(&at), &req(h.proof("https://elsewhere.example", Some(&n))))?, 400, "invalid_proof", "wrong aud")?;
    let wrong_typ = h.sign_jwt(json!({"typ": "JWT", "alg": "EdDSA", "kid": h.kid()}), json!({"aud": issuer, "iat": now_secs(), "nonce": n}));
    expect_error(&w.json(cred, Some(&at), &req(wrong_typ))?, 400, "invalid_proof", "wrong typ")?;
    let p = Holder::p256();
    let mut private = p.jwk();
    if let Key::P256(k) = &p.key {
        private["d"] = json!(b64(&k.to_bytes()));
    }
    let leaked = p.sign_jwt(
        json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "kid": format!("did:jwk:{}#0", b64(private.to_string().as_bytes()))}),
        json!({"aud": issuer, "iat": now_secs(), "nonce": n}),
    );
    expect_error(&w.json(cred, Some(&at), &req(leaked))?, 400, "invalid_proof", "did:jwk with a private key")?;
    expect_error(&w.json(cred, Some(&at), &req(h.proof(&issuer, Some("made-up"))))?, 400, "invalid_nonce", "unknown nonce")?;
    let nurl = s(&md, "notification_endpoint")?;
    expect_error(&w.json(nurl, Some(&at), &json!({"notification_id": "nope", "event": "credential_accepted"}))?, 400, "invalid_notification_id", "unknown notification")?;
    expect_error(&w.json(s(&md, "deferred_credential_endpoint")?, Some(&at), &json!({"transaction_id": "nope"}))?, 400, "invalid_transaction_id", "unknown transaction")?;

    // es256 takes only ES256 proofs from did:jwk keys.
    let (at, issuer, md) = token_for(w, "es256")?;
    let n = s(&w.json(s(&md, "nonce_endpoint")?, None, &json!({}))?.body, "c_nonce")?.to_string();
    expect_error(&w.json(s(&md, "credential_endpoint")?, Some(&at), &req(h.proof(&issuer, Some(&n))))?, 400, "invalid_proof", "es256 with an EdDSA did:key proof")?;

    // deferred-denied: accepted, then refused.
    let (at, issuer, md) = token_for(w, "deferred-denied")?;
    let n = s(&w.json(s(&md, "nonce_endpoint")?, None, &json!({}))?.body, "c_nonce")?.to_string();
    let got = w.json(s(&md, "credential_endpoint")?, Some(&at), &req(h.proof(&issuer, Some(&n))))?;
    expect(&got, 202, "deferred-denied credential")?;
    let poll = w.json(s(&md, "deferred_credential_endpoint")?, Some(&at), &json!({"transaction_id": s(&got.body, "transaction_id")?}))?;
    expect_error(&poll, 400, "credential_request_denied", "deferred-denied poll")
}

/// A DIDAuthentication presentation signed by `key` for `challenge` and `domain`.
fn did_auth(key: &ed25519_dalek::SigningKey, challenge: &str, domain: Option<&str>) -> Value {
    let (did, vm) = backpack::verify::sign::did_key_of(key);
    let vp = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "holder": did});
    let mut options = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": crate::http::now_iso(),
                             "verificationMethod": vm, "proofPurpose": "authentication", "challenge": challenge});
    if let Some(d) = domain {
        options["domain"] = json!(d);
    }
    backpack::verify::sign::sign_with_options(&vp, key, options).expect("sign")
}

fn vcapi(w: &Wallet) -> R<Value> {
    let html = w.send(w.http.get(format!("{}/vcapi/interaction?iuv=1", w.base)))?;
    if !html.body.as_str().is_some_and(|t| t.contains("<html") || t.contains("<!doctype")) {
        return Err("the interaction URL without Accept: application/json is not a page".into());
    }
    let i = w.send(w.http.get(format!("{}/vcapi/interaction?iuv=1", w.base)).header("Accept", "application/json"))?;
    let ex = s(&i.body["protocols"], "vcapi")?.to_string();
    let vpr = w.json(&ex, None, &json!({}))?;
    expect(&vpr, 200, "exchange start")?;
    let req = &vpr.body["verifiablePresentationRequest"];
    let key = match Holder::ed().key {
        Key::Ed(k) => k,
        Key::P256(_) => unreachable!(),
    };
    let wrong = did_auth(&key, "wrong-challenge", Some(s(req, "domain")?));
    expect(&w.json(&ex, None, &json!({"verifiablePresentation": wrong}))?, 400, "wrong challenge")?;
    let vp = did_auth(&key, s(req, "challenge")?, Some(s(req, "domain")?));
    let done = w.json(&ex, None, &json!({"verifiablePresentation": vp}))?;
    expect(&done, 200, "exchange answer")?;
    Ok(done.body["verifiablePresentation"]["verifiableCredential"][0].clone())
}

fn dcc(w: &Wallet) -> R<Value> {
    let link = w.get(&format!("{}/dcc/offer", w.base))?;
    let u = url::Url::parse(link.body.as_str().ok_or("not text")?).map_err(|e| e.to_string())?;
    let q: std::collections::HashMap<String, String> = u.query_pairs().into_owned().collect();
    let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let vp = did_auth(&key, &q["challenge"], Some(&q["issuer"]));
    let got = w.json(&q["vc_request_url"], None, &vp)?;
    expect(&got, 200, "DCC request")?;
    Ok(got.body)
}

/// Verify `credential` with the wallet's verifier and save it; the verdict.
fn check(dir: &Path, name: &str, credential: &Value, expected: Verdict, subject: Option<&str>, expected_lines: &mut Vec<String>) -> R<()> {
    let (file, text) = match credential {
        Value::String(jwt) => (format!("{name}.jwt"), jwt.clone()),
        v => (format!("{name}.json"), serde_json::to_string_pretty(v).expect("json")),
    };
    std::fs::write(dir.join(&file), &text).map_err(|e| e.to_string())?;
    let report = backpack::verify::verify_input(&Input::Text { label: file.clone(), text: text.clone() }, &VerifyOptions::default());
    if report.verdict != expected {
        let checks: Vec<String> = report.checks.iter().map(|c| format!("{}: {:?} {}", c.check, c.outcome, c.detail)).collect();
        return Err(format!("{file}: verdict {:?}, expected {expected:?}\n    {}", report.verdict, checks.join("\n    ")));
    }
    if let Some(sub) = subject {
        let doc: Value = match credential {
            Value::String(jwt) => {
                let p = jwt.split('.').nth(1).unwrap_or_default();
                let v: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap_or_default()).unwrap_or_default();
                v.get("vc").cloned().unwrap_or(v)
            }
            v => v.clone(),
        };
        if doc["credentialSubject"]["id"].as_str() != Some(sub) {
            return Err(format!("{file}: credentialSubject.id is {}, not the holder {sub}", doc["credentialSubject"]["id"]));
        }
    }
    expected_lines.push(format!("{file} {}", format!("{expected:?}").to_lowercase()));
    Ok(())
}

/// Play the wallet against `base`; print one line per flow; true when all passed.
pub fn run(base: &str, dir: &Path) -> bool {
    std::fs::create_dir_all(dir).expect("the output directory");
    let w = Wallet {
        http: reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
        base: base.to_string(),
    };
    let mut lines = Vec::new();
    let mut ok = true;
    let mut report = |name: &str, r: R<()>| match r {
        Ok(()) => println!("ok    {name}"),
        Err(e) => {
            ok = false;
            println!("FAIL  {name}: {e}");
        }
    };
    for (profile, by_ref, holder, verdict) in [
        ("plain", false, Holder::ed(), Verdict::Valid),
        ("pin", true, Holder::ed(), Verdict::Valid),
        ("deferred", false, Holder::ed(), Verdict::Valid),
        ("tampered", false, Holder::ed(), Verdict::Invalid),
        ("slash", false, Holder::ed(), Verdict::Valid),
        ("tenant/a", true, Holder::ed(), Verdict::Valid),
        ("ldp", false, Holder::ed(), Verdict::Valid),
        ("es256", false, Holder::p256(), Verdict::Valid),
        ("jwk", false, Holder { by_jwk: true, ..Holder::ed() }, Verdict::Valid),
        ("vc11", false, Holder::ed(), Verdict::Valid),
        ("badnonce", false, Holder::ed(), Verdict::Valid),
    ] {
        let r = v1_pre_auth(&w, profile, &holder, by_ref)
            .and_then(|c| check(dir, &profile.replace('/', "-"), &c, verdict, holder.did().as_deref(), &mut lines));
        report(profile, r);
    }
    let h = Holder::ed();
    report("authcode", v1_auth_code(&w, "authcode", &h).and_then(|c| check(dir, "authcode", &c.ok_or("no credential")?, Verdict::Valid, h.did().as_deref(), &mut lines)));
    report("authcode-deny", v1_auth_code(&w, "authcode-deny", &h).and_then(|c| if c.is_none() { Ok(()) } else { Err("a credential was issued".into()) }));
    for profile in ["d13", "d13-deferred"] {
        let h = Holder::ed();
        report(profile, d13(&w, profile, &h).and_then(|c| check(dir, profile, &c, Verdict::Valid, h.did().as_deref(), &mut lines)));
    }
    report("mismatch", (|| {
        let minted = w.get(&format!("{base}/mismatch/offer"))?.body;
        let offer = read_offer(&w, s(&minted, "by_value")?)?;
        let md = w.get(&well_known(s(&offer, "credential_issuer")?, "openid-credential-issuer")?)?.body;
        if md["credential_issuer"] == offer["credential_issuer"] { Err("the issuers agree".into()) } else { Ok(()) }
    })());
    report("unreachable", (|| {
        let offer = read_offer(&w, s(&w.get(&format!("{base}/unreachable/offer"))?.body, "by_reference")?)?;
        if s(&offer, "credential_issuer")? == "http://127.0.0.1:1/unreachable" { Ok(()) } else { Err(format!("offer {offer}")) }
    })());
    report("refusals", refusals(&w));
    report("vcapi", vcapi(&w).and_then(|c| check(dir, "vcapi", &c, Verdict::Valid, None, &mut lines)));
    report("dcc", dcc(&w).and_then(|c| check(dir, "dcc", &c, Verdict::Valid, None, &mut lines)));
    report("log", (|| {
        let log = w.get(&format!("{base}/_log"))?.body;
        let accepted = log.as_array().ok_or("log is not an array")?.iter().any(|e| e["body"].as_str().is_some_and(|b| b.contains("credential_accepted")));
        if accepted { Ok(()) } else { Err("no credential_accepted notification in the log".into()) }
    })());
    std::fs::write(dir.join("expected.txt"), lines.join("\n") + "\n").expect("expected.txt");
    ok
}
