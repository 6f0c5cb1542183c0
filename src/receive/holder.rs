//! The holder keys credentials are bound to, and the proof JWTs that show
//! the issuer the wallet holds them.
//!
//! One key per issuer and algorithm, so issuers cannot link a learner across
//! them by key: Ed25519 (`EdDSA`) or P-256 (`ES256`), made on first use and
//! kept where the store keeps its secrets ([`crate::present::kept_secret`]:
//! the OS keyring, or the encrypted store for passphrase stores). The key is
//! named by a hash of the issuer's identifier, never the identifier itself.
//!
//! Binding, from the configuration's `cryptographic_binding_methods_supported`:
//! `did:key` first, then `did:jwk` (public members only, always), then a bare
//! `jwk` in the proof header. Algorithm, from
//! `proof_types_supported.jwt.proof_signing_alg_values_supported`: `EdDSA`
//! first, then `ES256`.

use ed25519_dalek::Signer as _;
use serde_json::{json, Value};
use sha2::Digest;

use super::metadata::Configuration;
use super::{b64, err, ReceiveError};

/// A key type the wallet can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyType {
    /// Ed25519, JWS `EdDSA`.
    Ed25519,
    /// NIST P-256, JWS `ES256`.
    P256,
}

/// How the credential is bound to the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    /// `did:key` (`kid` in the proof header).
    DidKey,
    /// `did:jwk` (`kid` in the proof header).
    DidJwk,
    /// The public key itself (`jwk` in the proof header); no DID.
    Jwk,
}

/// What a configuration asks of the holder: the key type and binding, or
/// nothing when it wants no proof.
pub fn choose(c: &Configuration) -> Result<Option<(KeyType, Binding)>, ReceiveError> {
    if !c.proof_types && c.binding_methods.is_empty() {
        return Ok(None);
    }
    if c.proof_types && c.proof_algs.is_none() {
        return err("unsupported", format!("the issuer asks for a key proof of a kind Backpack cannot make (only jwt proofs) for {}", c.id));
    }
    let algs = c.proof_algs.clone().unwrap_or_default();
    let kind = if algs.is_empty() || algs.iter().any(|a| a == "EdDSA" || a == "Ed25519") {
        KeyType::Ed25519
    } else if algs.iter().any(|a| a == "ES256") {
        KeyType::P256
    } else {
        return err("unsupported", format!("the issuer accepts proofs signed with {} only; Backpack signs with EdDSA or ES256", algs.join(", ")));
    };
    let m = &c.binding_methods;
    let binding = if m.is_empty() || m.iter().any(|b| b == "did:key" || b == "did") {
        Binding::DidKey
    } else if m.iter().any(|b| b == "did:jwk") {
        Binding::DidJwk
    } else if m.iter().any(|b| b == "jwk") {
        Binding::Jwk
    } else {
        return err("unsupported", format!("the issuer binds credentials to {} only; Backpack uses did:key, did:jwk or jwk", m.join(", ")));
    };
    Ok(Some((kind, binding)))
}

/// The name a per-issuer key is kept under: the key type and a hash of the issuer.
pub fn key_name(issuer: &str, kind: KeyType) -> String {
    let h = sha2::Sha256::digest(issuer.as_bytes());
    let k = match kind {
        KeyType::Ed25519 => "ed25519",
        KeyType::P256 => "p256",
    };
    format!("receive-{k}-{}", hex::encode(&h[..8]))
}

/// A holder key with its binding.
#[derive(Clone)]
pub struct HolderKey {
    kind: KeyType,
    secret: [u8; 32],
    /// How credentials are bound to it.
    pub binding: Binding,
}

impl std::fmt::Debug for HolderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HolderKey").field("kind", &self.kind).field("binding", &self.binding).finish_non_exhaustive()
    }
}

impl HolderKey {
    /// A key from its 32 secret bytes (for P-256, a scalar out of range is
    /// hashed until it is in range; random bytes almost never are out of range).
    pub fn new(kind: KeyType, secret: [u8; 32], binding: Binding) -> HolderKey {
        HolderKey { kind, secret, binding }
    }

    /// The key type.
    pub fn kind(&self) -> KeyType {
        self.kind
    }

    /// The JWS algorithm.
    pub fn alg(&self) -> &'static str {
        match self.kind {
            KeyType::Ed25519 => "EdDSA",
            KeyType::P256 => "ES256",
        }
    }

    fn ed(&self) -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&self.secret)
    }

    fn p256(&self) -> p256::ecdsa::SigningKey {
        let mut s = self.secret;
        loop {
            if let Ok(k) = p256::ecdsa::SigningKey::from_bytes(&s.into()) {
                return k;
            }
            s = sha2::Sha256::digest(s).into();
        }
    }

    /// The public key as a JWK (public members only, in lexicographic order).
    pub fn public_jwk(&self) -> Value {
        match self.kind {
            KeyType::Ed25519 => json!({"crv": "Ed25519", "kty": "OKP", "x": b64(self.ed().verifying_key().as_bytes())}),
            KeyType::P256 => {
                let p = self.p256().verifying_key().to_encoded_point(false);
                json!({"crv": "P-256", "kty": "EC", "x": b64(p.x().expect("an uncompressed point has x")), "y": b64(p.y().expect("an uncompressed point has y"))})
            }
        }
    }

    /// The did:key of the public key (`z6Mk…` Ed25519, `zDn…` P-256).
    pub fn did_key(&self) -> String {
        let mut bytes = match self.kind {
            KeyType::Ed25519 => vec![0xed, 0x01],
            KeyType::P256 => vec![0x80, 0x24],
        };
        match self.kind {
            KeyType::Ed25519 => bytes.extend_from_slice(self.ed().verifying_key().as_bytes()),
            KeyType::P256 => bytes.extend_from_slice(self.p256().verifying_key().to_encoded_point(true).as_bytes()),
        }
        format!("did:key:z{}", bs58::encode(bytes).into_string())
    }

    /// The did:jwk of the public key.
    pub fn did_jwk(&self) -> String {
        format!("did:jwk:{}", b64(self.public_jwk().to_string().as_bytes()))
    }

    /// The holder's DID, when bound by a DID.
    pub fn did(&self) -> Option<String> {
        match self.binding {
            Binding::DidKey => Some(self.did_key()),
            Binding::DidJwk => Some(self.did_jwk()),
            Binding::Jwk => None,
        }
    }

    /// The proof header's `kid` (a DID URL), when bound by a DID.
    pub fn kid(&self) -> Option<String> {
        match self.binding {
            Binding::DidKey => {
                let d = self.did_key();
                let frag = d.trim_start_matches("did:key:").to_string();
                Some(format!("{d}#{frag}"))
            }
            Binding::DidJwk => Some(format!("{}#0", self.did_jwk())),
            Binding::Jwk => None,
        }
    }

    /// A compact JWS of `payload` with `header` (its `alg` set here).
    pub fn sign_jwt(&self, mut header: Value, payload: &Value) -> String {
        header["alg"] = json!(self.alg());
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(payload.to_string().as_bytes()));
        let sig = match self.kind {
            KeyType::Ed25519 => self.ed().sign(input.as_bytes()).to_bytes().to_vec(),
            KeyType::P256 => {
                let s: p256::ecdsa::Signature = self.p256().sign(input.as_bytes());
                s.to_bytes().to_vec()
            }
        };
        format!("{input}.{}", b64(&sig))
    }

    /// An OpenID4VCI key proof: `typ: openid4vci-proof+jwt`, `kid` or `jwk`,
    /// `aud` the issuer, `iat` now, the issuer's `nonce` when it gave one,
    /// `iss` the client id when there is one (not for anonymous pre-authorized access).
    pub fn proof_jwt(&self, audience: &str, nonce: Option<&str>, client_id: Option<&str>) -> String {
        let mut header = json!({"typ": "openid4vci-proof+jwt"});
        match self.kid() {
            Some(kid) => header["kid"] = json!(kid),
            None => header["jwk"] = self.public_jwk(),
        }
        let mut payload = json!({"aud": audience, "iat": super::unix_now()});
        if let Some(n) = nonce {
            payload["nonce"] = json!(n);
        }
        if let Some(c) = client_id {
            payload["iss"] = json!(c);
        }
        self.sign_jwt(header, &payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::jws;

    #[test]
    fn proofs_verify_with_the_key_their_header_names() {
        for kind in [KeyType::Ed25519, KeyType::P256] {
            for binding in [Binding::DidKey, Binding::DidJwk, Binding::Jwk] {
                let k = HolderKey::new(kind, [7u8; 32], binding);
                let jwt = k.proof_jwt("https://i.example", Some("n1"), None);
                let (header, _, _) = jws::split(&jwt).unwrap();
                assert_eq!(header["typ"], "openid4vci-proof+jwt");
                let jwk = match binding {
                    Binding::Jwk => header["jwk"].clone(),
                    Binding::DidJwk => {
                        let kid = header["kid"].as_str().unwrap();
                        let enc = kid.trim_start_matches("did:jwk:").trim_end_matches("#0");
                        let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, enc).unwrap();
                        let jwk: Value = serde_json::from_slice(&bytes).unwrap();
                        assert!(jwk.get("d").is_none(), "did:jwk never carries the private key");
                        jwk
                    }
                    Binding::DidKey => {
                        let kid = header["kid"].as_str().unwrap();
                        assert!(kid.starts_with(if kind == KeyType::Ed25519 { "did:key:z6Mk" } else { "did:key:zDn" }), "{kid}");
                        k.public_jwk()
                    }
                };
                jws::verify(&jwt, &jws::key_from_jwk(&jwk).unwrap()).unwrap();
            }
        }
    }

    #[test]
    fn the_did_key_of_an_ed25519_key_is_the_one_the_verifier_decodes() {
        let k = HolderKey::new(KeyType::Ed25519, [9u8; 32], Binding::DidKey);
        let decoded = crate::verify::didkey::decode_did_key(&k.kid().unwrap()).unwrap();
        assert_eq!(decoded.did, k.did_key());
    }

    #[test]
    fn keys_and_bindings_are_chosen_from_the_metadata() {
        let mut c = Configuration {
            id: "A".into(),
            format: "jwt_vc_json".into(),
            scope: None,
            binding_methods: vec!["did:jwk".into()],
            proof_algs: Some(vec!["ES256".into()]),
            proof_types: true,
            credential_definition: None,
            display: vec![],
            has_credential_metadata: true,
        };
        assert_eq!(choose(&c).unwrap(), Some((KeyType::P256, Binding::DidJwk)));
        c.proof_algs = Some(vec!["ES256".into(), "EdDSA".into()]);
        c.binding_methods = vec!["jwk".into(), "did:key".into()];
        assert_eq!(choose(&c).unwrap(), Some((KeyType::Ed25519, Binding::DidKey)));
        c.proof_algs = Some(vec!["RS256".into()]);
        assert_eq!(choose(&c).unwrap_err().code, "unsupported");
        c.proof_algs = None;
        c.proof_types = false;
        c.binding_methods.clear();
        assert_eq!(choose(&c).unwrap(), None);
    }
}
