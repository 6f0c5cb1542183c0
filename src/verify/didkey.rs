//! Ed25519 key decoding for Data Integrity verification: `did:key` DIDs and
//! DID URLs (multibase `z` base58btc + multicodec `0xed01`), Multikey and
//! Ed25519VerificationKey2020 `publicKeyMultibase` values, and Ed25519
//! `JsonWebKey`s (`kty` OKP, `crv` Ed25519). Purely local: nothing here
//! resolves anything over the network.

use base64::Engine as _;
use thiserror::Error;

/// Multicodec varint prefix of an Ed25519 public key (`0xed` as a varint).
pub const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];

/// Why a did:key, multibase key or JWK could not be decoded to an Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DidKeyError {
    /// The value does not start with `did:key:` or has nothing after it; holds the value.
    #[error("not a did:key identifier: {0}")]
    NotDidKey(String),
    /// The multibase value uses another base than `z` (base58btc); holds the value.
    #[error("multibase value must start with 'z' (base58btc): {0}")]
    NotBase58Btc(String),
    /// The base58btc text does not decode; holds the decoder's error.
    #[error("invalid base58btc: {0}")]
    InvalidBase58(String),
    /// The multicodec prefix is not `0xed01` (Ed25519 public key); holds the first bytes found.
    #[error("not an Ed25519 public key (multicodec prefix {0:02x?}, expected [ed, 01])")]
    NotEd25519(Vec<u8>),
    /// The key is not 32 bytes long; holds the length found.
    #[error("Ed25519 public key must be 32 bytes, got {0}")]
    InvalidPublicKeyLength(usize),
    #[error("did:key fragment {fragment} does not match the key {key}")]
    /// A did:key DID URL whose `#fragment` is not the key itself (as did:key requires).
    FragmentMismatch {
        /// The multibase key of the DID.
        key: String,
        /// The fragment of the DID URL.
        fragment: String,
    },
    /// A verification method with no Ed25519 key in a form we read (e.g. a JWK of another `kty`/`crv`); holds what was found.
    #[error("verification method has no usable Ed25519 key: {0}")]
    UnsupportedMethod(String),
}

/// A decoded did:key Ed25519 verification method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidKey {
    /// The DID (`did:key:z6Mk…`), which is also the key's controller.
    pub did: String,
    /// The verification method id (`did:key:z6Mk…#z6Mk…`).
    pub method_id: String,
    /// The raw 32-byte Ed25519 public key.
    pub public_key: [u8; 32],
}

/// Decode a Multikey / Ed25519VerificationKey2020 `publicKeyMultibase` value
/// (`z` + base58btc(0xed 0x01 ‖ key)) to the raw 32-byte Ed25519 key.
pub fn decode_multibase_ed25519(value: &str) -> Result<[u8; 32], DidKeyError> {
    let b58 = value.strip_prefix('z').ok_or_else(|| DidKeyError::NotBase58Btc(value.to_string()))?;
    let bytes = bs58::decode(b58).into_vec().map_err(|e| DidKeyError::InvalidBase58(e.to_string()))?;
    if bytes.len() < 2 || bytes[..2] != ED25519_PUB_PREFIX {
        return Err(DidKeyError::NotEd25519(bytes.iter().take(2).copied().collect()));
    }
    let key = &bytes[2..];
    key.try_into().map_err(|_| DidKeyError::InvalidPublicKeyLength(key.len()))
}

/// Encode a raw Ed25519 public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
pub fn encode_multibase_ed25519(key: &[u8; 32]) -> String {
    let mut bytes = ED25519_PUB_PREFIX.to_vec();
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decode a did:key DID or DID URL (`did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`).
/// A fragment, if present, must equal the multibase value (the only
/// verification method of an Ed25519 did:key document without key-agreement
/// derivation).
pub fn decode_did_key(did_url: &str) -> Result<DidKey, DidKeyError> {
    let rest = did_url.strip_prefix("did:key:").ok_or_else(|| DidKeyError::NotDidKey(did_url.to_string()))?;
    let (mb, fragment) = match rest.split_once('#') {
        Some((mb, f)) => (mb, Some(f)),
        None => (rest, None),
    };
    if mb.is_empty() || mb.contains(['/', '?', ':']) {
        return Err(DidKeyError::NotDidKey(did_url.to_string()));
    }
    if let Some(f) = fragment {
        if f != mb {
            return Err(DidKeyError::FragmentMismatch { key: mb.to_string(), fragment: f.to_string() });
        }
    }
    let public_key = decode_multibase_ed25519(mb)?;
    Ok(DidKey { did: format!("did:key:{mb}"), method_id: format!("did:key:{mb}#{mb}"), public_key })
}

/// The Ed25519 public key of a verification method object: `Multikey` or
/// `Ed25519VerificationKey2020` with `publicKeyMultibase`, or `JsonWebKey` /
/// `JsonWebKey2020` with an OKP/Ed25519 `publicKeyJwk`. Helper for resolvers
/// that read DID documents or controller documents.
pub fn key_from_verification_method(vm: &serde_json::Value) -> Result<[u8; 32], DidKeyError> {
    if let Some(mb) = vm.get("publicKeyMultibase").and_then(|v| v.as_str()) {
        return decode_multibase_ed25519(mb);
    }
    if let Some(jwk) = vm.get("publicKeyJwk") {
        let kty = jwk.get("kty").and_then(|v| v.as_str());
        let crv = jwk.get("crv").and_then(|v| v.as_str());
        if kty != Some("OKP") || crv != Some("Ed25519") || jwk.get("d").is_some() {
            return Err(DidKeyError::UnsupportedMethod(format!("JWK kty {kty:?} crv {crv:?}")));
        }
        let x = jwk.get("x").and_then(|v| v.as_str()).ok_or_else(|| DidKeyError::UnsupportedMethod("JWK without x".into()))?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(x)
            .map_err(|e| DidKeyError::UnsupportedMethod(format!("JWK x: {e}")))?;
        let len = bytes.len();
        return bytes.try_into().map_err(|_| DidKeyError::InvalidPublicKeyLength(len));
    }
    Err(DidKeyError::UnsupportedMethod(
        vm.get("type").and_then(|v| v.as_str()).unwrap_or("(no type)").to_string(),
    ))
}

/// Decompressing an Ed25519 point costs about as much as a fifth of a
/// verification; a wallet checks many credentials of few issuers, so each
/// thread keeps the last few keys it decompressed (Data Integrity proofs and
/// EdDSA JWS alike).
pub fn verifying_key(bytes: &[u8; 32]) -> Result<ed25519_dalek::VerifyingKey, ed25519_dalek::SignatureError> {
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<([u8; 32], ed25519_dalek::VerifyingKey)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(k) = KEYS.with(|c| c.borrow().iter().find(|(b, _)| b == bytes).map(|(_, k)| *k)) {
        return Ok(k);
    }
    let k = ed25519_dalek::VerifyingKey::from_bytes(bytes)?;
    KEYS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 32 {
            c.remove(0);
        }
        c.push((*bytes, k));
    });
    Ok(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    // vc-di-eddsa keyPair.json
    const MB: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    // OB 3.0 implementation guide key, hex printed in linked-data-proof-ob.html
    const OB_MB: &str = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
    const OB_HEX: &str = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5";

    #[test]
    fn decodes_known_keys_and_round_trips() {
        let k = decode_multibase_ed25519(OB_MB).unwrap();
        assert_eq!(hex::encode(k), OB_HEX);
        assert_eq!(encode_multibase_ed25519(&k), OB_MB);
        let k = decode_multibase_ed25519(MB).unwrap();
        assert_eq!(encode_multibase_ed25519(&k), MB);
    }

    #[test]
    fn did_key_forms() {
        let d = decode_did_key(&format!("did:key:{MB}#{MB}")).unwrap();
        assert_eq!(d.did, format!("did:key:{MB}"));
        assert_eq!(d.method_id, format!("did:key:{MB}#{MB}"));
        let bare = decode_did_key(&format!("did:key:{MB}")).unwrap();
        assert_eq!(bare, d);
        assert!(matches!(decode_did_key(&format!("did:key:{MB}#key-1")), Err(DidKeyError::FragmentMismatch { .. })));
        assert!(matches!(decode_did_key("did:web:example.com"), Err(DidKeyError::NotDidKey(_))));
        assert!(matches!(decode_did_key("did:key:"), Err(DidKeyError::NotDidKey(_))));
    }

    #[test]
    fn rejects_bad_encodings() {
        // base64url multibase prefix 'u'
        assert!(matches!(decode_multibase_ed25519("u7QE"), Err(DidKeyError::NotBase58Btc(_))));
        // '0' is not in the base58 alphabet
        assert!(matches!(decode_multibase_ed25519("z0OIl"), Err(DidKeyError::InvalidBase58(_))));
        // secp256k1-pub prefix 0xe7 0x01
        let mut b = vec![0xe7, 0x01];
        b.extend([7u8; 33]);
        let s = format!("z{}", bs58::encode(&b).into_string());
        assert!(matches!(decode_multibase_ed25519(&s), Err(DidKeyError::NotEd25519(_))));
        // right prefix, 31 bytes
        let mut b = ED25519_PUB_PREFIX.to_vec();
        b.extend([7u8; 31]);
        let s = format!("z{}", bs58::encode(&b).into_string());
        assert_eq!(decode_multibase_ed25519(&s), Err(DidKeyError::InvalidPublicKeyLength(31)));
    }

    #[test]
    fn verification_method_objects() {
        let vm = serde_json::json!({"type": "Multikey", "publicKeyMultibase": OB_MB});
        assert_eq!(hex::encode(key_from_verification_method(&vm).unwrap()), OB_HEX);
        let key = hex::decode(OB_HEX).unwrap();
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&key);
        let vm = serde_json::json!({"type": "JsonWebKey", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x}});
        assert_eq!(hex::encode(key_from_verification_method(&vm).unwrap()), OB_HEX);
        let vm = serde_json::json!({"type": "JsonWebKey", "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": x}});
        assert!(key_from_verification_method(&vm).is_err());
        let vm = serde_json::json!({"type": "RsaVerificationKey2018", "publicKeyPem": "..."});
        assert!(matches!(key_from_verification_method(&vm), Err(DidKeyError::UnsupportedMethod(_))));
    }
}
