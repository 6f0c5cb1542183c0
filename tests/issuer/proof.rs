//! The holder's key proof (OpenID4VCI proof type `jwt`, 1.0 Final Appendix
//! F.1 and Draft 13 section 7.2.1.1): its header (`typ`, `alg`, exactly one of
//! `kid` and `jwk`), the holder key it names (did:key Ed25519 or P-256,
//! did:jwk, or a bare public JWK), its signature and its claims (`aud`, `iat`).
//! The nonce and `iss` are left to the caller, whose rules differ by version
//! and grant.

use base64::Engine;
use backpack::verify::jws::{self, PublicKey};
use serde_json::Value;

use crate::http::now_secs;
use crate::profiles::Profile;

/// How far `iat` may be from now.
pub const IAT_LEEWAY: i64 = 300;

/// The members of a JWK that only a private key has (RFC 7518 section 6).
const PRIVATE_JWK_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The key the credential is bound to.
#[derive(Clone, Debug)]
pub struct Holder {
    /// The holder's DID (a `kid` without its fragment); `None` for a `jwk` proof.
    pub did: Option<String>,
    /// The public JWK of a `jwk` proof.
    pub jwk: Option<Value>,
}

/// A checked proof: the holder and the claims (for the caller's nonce and `iss` checks).
pub struct Checked {
    pub holder: Holder,
    pub claims: Value,
}

fn b64(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).map_err(|e| format!("not base64url: {e}"))
}

/// Check a proof JWT for profile `p` whose credential issuer is `aud`. The error is the description for `invalid_proof`.
pub fn check(jwt: &str, p: &Profile, aud: &str) -> Result<Checked, String> {
    let (header, _, _) = jws::split(jwt).map_err(|e| format!("the proof is not a compact JWS: {e}"))?;
    let parts: Vec<&str> = jwt.split('.').collect();
    let claims: Value = serde_json::from_slice(&b64(parts[1])?).map_err(|e| format!("the proof's payload is not JSON: {e}"))?;
    if !claims.is_object() {
        return Err("the proof's payload is not a JSON object".into());
    }
    let typ = header.get("typ").and_then(Value::as_str);
    if typ != Some("openid4vci-proof+jwt") {
        return Err(format!("the proof's typ must be 'openid4vci-proof+jwt', not {typ:?}"));
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !p.proof_algs.contains(&alg) {
        return Err(format!("proof alg '{alg}' is not one of the supported {:?}", p.proof_algs));
    }
    let named: Vec<&str> = ["kid", "jwk", "x5c", "trust_chain"].into_iter().filter(|k| header.get(*k).is_some()).collect();
    let (key, holder) = match named.as_slice() {
        ["kid"] => {
            let kid = header["kid"].as_str().ok_or("kid must be a string")?;
            did_url_key(kid, p)?
        }
        ["jwk"] => {
            if !p.binding_methods.contains(&"jwk") {
                return Err(format!("this issuer binds to {:?}, so the proof must name a DID URL in kid, not carry a jwk", p.binding_methods));
            }
            let jwk = &header["jwk"];
            (public_jwk(jwk)?, Holder { did: None, jwk: Some(jwk.clone()) })
        }
        [] => return Err("the proof header names no key: exactly one of kid and jwk is required".into()),
        more => return Err(format!("the proof header names its key more than once ({}): exactly one of kid and jwk", more.join(", "))),
    };
    if key.alg() != alg {
        return Err(format!("proof alg '{alg}' does not fit the key, which is for {}", key.alg()));
    }
    jws::verify(jwt, &key).map_err(|e| format!("the proof's signature does not verify: {e}"))?;
    match claims.get("aud") {
        Some(Value::String(a)) if a == aud => {}
        other => return Err(format!("the proof's aud must be the credential issuer '{aud}', not {}", show(other))),
    }
    // A NumericDate may have a fraction.
    match claims.get("iat").and_then(Value::as_f64).map(|t| t as i64) {
        Some(t) if (t - now_secs()).abs() <= IAT_LEEWAY => {}
        Some(t) => return Err(format!("the proof's iat {t} is more than {IAT_LEEWAY} s from now ({})", now_secs())),
        None => return Err("the proof has no iat (a NumericDate) claim".into()),
    }
    Ok(Checked { holder, claims })
}

fn show(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "missing".into())
}

/// A public key from a JWK that must carry no private member.
fn public_jwk(jwk: &Value) -> Result<PublicKey, String> {
    if !jwk.is_object() {
        return Err("jwk must be a JSON object".into());
    }
    if let Some(m) = PRIVATE_JWK_MEMBERS.iter().find(|m| jwk.get(**m).is_some()) {
        return Err(format!("the JWK carries the private member '{m}': a private key must never be sent"));
    }
    match jws::key_from_jwk(jwk).map_err(|e| format!("unusable JWK: {e}"))? {
        PublicKey::Rsa(_) => Err("RSA holder keys are not supported".into()),
        k => Ok(k),
    }
}

/// The key of a did:key or did:jwk DID URL, if the profile binds to that method.
fn did_url_key(kid: &str, p: &Profile) -> Result<(PublicKey, Holder), String> {
    let Some((did, fragment)) = kid.split_once('#') else {
        return Err(format!("kid '{kid}' is not a DID URL: it must name the key with a #fragment"));
    };
    let method = did.splitn(3, ':').take(2).collect::<Vec<_>>().join(":");
    if !p.binding_methods.contains(&method.as_str()) {
        return Err(format!("kid uses {method}, but this issuer binds only to {:?}", p.binding_methods));
    }
    let key = match method.as_str() {
        "did:key" => {
            let mb = &did["did:key:".len()..];
            if fragment != mb {
                return Err(format!("a did:key's key is #{mb}, not #{fragment}"));
            }
            did_key(mb)?
        }
        "did:jwk" => {
            if fragment != "0" {
                return Err(format!("a did:jwk's key is #0, not #{fragment}"));
            }
            let jwk: Value = serde_json::from_slice(&b64(&did["did:jwk:".len()..])?).map_err(|e| format!("did:jwk is not a JWK: {e}"))?;
            public_jwk(&jwk)?
        }
        _ => return Err(format!("kid uses {method}: only did:key and did:jwk are resolved here")),
    };
    Ok((key, Holder { did: Some(did.to_string()), jwk: None }))
}

/// The key of a did:key multibase value: Ed25519 (`z6Mk…`, multicodec 0xed) or
/// P-256 (`zDn…`, multicodec 0x1200, a compressed SEC1 point).
fn did_key(mb: &str) -> Result<PublicKey, String> {
    let bytes = mb
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or_else(|| format!("did:key value '{mb}' is not base58btc multibase"))?;
    match bytes.as_slice() {
        [0xed, 0x01, key @ ..] if key.len() == 32 => Ok(PublicKey::Ed25519(key.try_into().expect("32 bytes"))),
        [0x80, 0x24, point @ ..] if point.len() == 33 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(PublicKey::P256)
            .map_err(|_| "the P-256 did:key is not a point on the curve".into()),
        _ => Err(format!("did:key '{mb}' is neither an Ed25519 nor a P-256 key")),
    }
}
