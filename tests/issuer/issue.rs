//! The credentials the test issuer hands out: an Open Badges 3.0
//! `OpenBadgeCredential` (the sample backpack's OB 3.0 credential as template)
//! issued by the test issuer's Ed25519 did:key, so that the wallet's own
//! verifier checks it offline. Three encodings: a VC-JWT in VCDM 2.0 style
//! (claims at the top of the payload), a VC-JWT in VCDM 1.1 style (the `vc`
//! claim), and a JSON-LD credential with an `eddsa-rdfc-2022` proof.

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

use crate::http::{now_iso, now_secs, uuid};
use crate::proof::Holder;
use crate::profiles::Shape;

/// The test issuer's Ed25519 seed: fixed and public, a test fixture only
/// (not the sample backpack's issuer, so the two are told apart).
pub const ISSUER_SEED: [u8; 32] = *b"backpack-TEST-issuer-PUBLIC-0001";

/// The VCDM 2.0 and OB 3.0 contexts.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The issuer's key and identity.
pub struct Issuer {
    pub key: SigningKey,
    /// `did:key:z6Mk…`
    pub did: String,
    /// `did:key:z6Mk…#z6Mk…`
    pub vm: String,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Issuer {
    pub fn fixed() -> Issuer {
        let key = SigningKey::from_bytes(&ISSUER_SEED);
        let (did, vm) = backpack::verify::sign::did_key_of(&key);
        Issuer { key, did, vm }
    }

    /// An unsigned OB 3.0 credential for `subject` (a DID, or none), issued now.
    pub fn credential(&self, subject: Option<&str>) -> Value {
        let (_, bytes) = backpack::sample::credentials(Some(2)).swap_remove(1);
        let mut vc: Value = serde_json::from_slice(&bytes).expect("the sample is JSON");
        vc["id"] = json!(format!("urn:uuid:{}", uuid()));
        vc["issuer"]["id"] = json!(self.did);
        vc["issuer"]["name"] = json!("Backpack Test Issuer");
        vc["validFrom"] = json!(now_iso());
        let name = format!("Micro-credential {}", vc["credentialSubject"]["achievement"]["name"].as_str().unwrap_or("course"));
        vc["name"] = json!(name);
        vc["credentialSubject"]["achievement"]["name"] = json!(name);
        let cs = vc["credentialSubject"].as_object_mut().expect("an object");
        // The sample's hashed e-mail identifier is not this holder's.
        cs.remove("identifier");
        if let Some(s) = subject {
            // `id` first, as credentials usually put it.
            let mut with_id = serde_json::Map::new();
            with_id.insert("id".into(), json!(s));
            with_id.extend(std::mem::take(cs));
            *cs = with_id;
        }
        vc
    }

    /// The credential for `holder` in `shape`: a VC-JWT string or a signed JSON-LD object.
    pub fn issue(&self, shape: Shape, holder: &Holder, tampered: bool) -> Value {
        let vc = self.credential(holder.did.as_deref());
        match shape {
            Shape::Ldp => backpack::verify::sign::sign_data_integrity(&vc, "eddsa-rdfc-2022", &self.key, &self.vm, &now_iso())
                .expect("the credential uses only bundled contexts"),
            Shape::JwtVc2 | Shape::JwtVc11 => {
                let jwt = self.vc_jwt(&vc, shape, holder);
                Value::String(if tampered { tamper(&jwt) } else { jwt })
            }
        }
    }

    /// A JSON-LD credential signed `eddsa-rdfc-2022` (VC-API and DCC).
    pub fn ldp(&self, subject: &str) -> Value {
        backpack::verify::sign::sign_data_integrity(&self.credential(Some(subject)), "eddsa-rdfc-2022", &self.key, &self.vm, &now_iso())
            .expect("the credential uses only bundled contexts")
    }

    /// Sign `vc` as a VC-JWT (EdDSA, `typ` `vc+jwt`, `kid` the issuer's verification method).
    fn vc_jwt(&self, vc: &Value, shape: Shape, holder: &Holder) -> String {
        let now = now_secs();
        let mut payload = match shape {
            Shape::JwtVc11 => {
                // VCDM 1.1: the credential in `vc`, dated by `issuanceDate`.
                let mut v = vc.clone();
                v["@context"] = json!([VC1_CONTEXT, OB3_CONTEXT]);
                let o = v.as_object_mut().expect("an object");
                o.remove("validFrom");
                o.insert("issuanceDate".into(), json!(chrono::DateTime::from_timestamp(now, 0).expect("now").to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
                json!({"vc": v})
            }
            _ => vc.clone(),
        };
        payload["iss"] = json!(self.did);
        payload["jti"] = vc["id"].clone();
        payload["nbf"] = json!(now);
        payload["iat"] = json!(now);
        match (&holder.did, &holder.jwk) {
            (Some(did), _) => payload["sub"] = json!(did),
            (None, Some(jwk)) => payload["cnf"] = json!({"jwk": jwk}),
            (None, None) => {}
        }
        let header = json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": self.vm});
        let input = format!("{}.{}", b64(&serde_json::to_vec(&header).expect("json")), b64(&serde_json::to_vec(&payload).expect("json")));
        let sig = self.key.sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    }
}

/// Change the achievement's name in a signed VC-JWT, keeping the signature (which no longer matches).
fn tamper(jwt: &str) -> String {
    let parts: Vec<&str> = jwt.split('.').collect();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[1]).expect("our own payload");
    let mut payload: Value = serde_json::from_slice(&bytes).expect("our own payload");
    let cs = if payload.get("vc").is_some() { &mut payload["vc"]["credentialSubject"] } else { &mut payload["credentialSubject"] };
    cs["achievement"]["name"] = json!("Doctorate in Everything (tampered)");
    format!("{}.{}.{}", parts[0], b64(&serde_json::to_vec(&payload).expect("json")), parts[2])
}
