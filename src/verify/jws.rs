//! Compact JWS signatures: VC-JWT (OB 3.0 / CLR 2.0) and OB 2.0 signed badges.
//!
//! Supports EdDSA (Ed25519), ES256 (P-256) and RS256 (RSA PKCS#1 v1.5 with
//! SHA-256). `alg: none` is refused, and so is any algorithm that does not
//! belong to the key's type (no algorithm confusion: an RSA key never checks
//! an HMAC or EdDSA token, an Ed25519 key only checks EdDSA).

use base64::Engine;
use serde_json::Value;

/// A public key that can check a JWS.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// A raw 32-byte Ed25519 public key; verifies `EdDSA`.
    Ed25519([u8; 32]),
    /// A NIST P-256 key; verifies `ES256`.
    P256(p256::ecdsa::VerifyingKey),
    /// An RSA key; verifies `RS256`.
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// The only `alg` this key may verify.
    pub fn alg(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "EdDSA",
            PublicKey::P256(_) => "ES256",
            PublicKey::Rsa(_) => "RS256",
        }
    }
}

/// Why a JWS did not verify: invalid, or not checkable here.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwsError {
    /// The token or key is malformed, or the signature does not match: invalid.
    #[error("{0}")]
    Invalid(String),
    /// The token uses something we do not support: cannot check.
    #[error("{0}")]
    Unsupported(String),
}

fn b64(s: &str, what: &str) -> Result<Vec<u8>, JwsError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|e| JwsError::Invalid(format!("{what} is not base64url: {e}")))
}

/// Split a compact JWS into (header JSON, signing input, signature bytes).
pub fn split(token: &str) -> Result<(Value, String, Vec<u8>), JwsError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(JwsError::Invalid(format!("a compact JWS has 3 parts, this has {}", parts.len())));
    }
    let header: Value = serde_json::from_slice(&b64(parts[0], "header")?)
        .map_err(|e| JwsError::Invalid(format!("header is not JSON: {e}")))?;
    let sig = b64(parts[2], "signature")?;
    Ok((header, format!("{}.{}", parts[0], parts[1]), sig))
}

/// Verify `token` with `key`. The header's `alg` must be the key's algorithm.
pub fn verify(token: &str, key: &PublicKey) -> Result<(), JwsError> {
    let (header, input, sig) = split(token)?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg.is_empty() || alg.eq_ignore_ascii_case("none") {
        return Err(JwsError::Invalid("unsigned token ('alg: none') refused".into()));
    }
    if header.get("crit").is_some() {
        return Err(JwsError::Unsupported("the token has critical header parameters ('crit') we do not understand".into()));
    }
    if alg != key.alg() {
        return Err(JwsError::Invalid(format!(
            "the token says alg '{alg}' but the key is for {}: algorithm confusion refused",
            key.alg()
        )));
    }
    let bad = || JwsError::Invalid(format!("{alg} signature does not match"));
    match key {
        PublicKey::Ed25519(k) => {
            let vk = super::didkey::verifying_key(k).map_err(|e| JwsError::Invalid(format!("bad Ed25519 key: {e}")))?;
            let sig = ed25519_dalek::Signature::from_slice(&sig).map_err(|_| bad())?;
            vk.verify_strict(input.as_bytes(), &sig).map_err(|_| bad())
        }
        PublicKey::P256(vk) => {
            use p256::ecdsa::signature::Verifier;
            let sig = p256::ecdsa::Signature::from_slice(&sig).map_err(|_| bad())?;
            vk.verify(input.as_bytes(), &sig).map_err(|_| bad())
        }
        PublicKey::Rsa(k) => {
            use rsa::signature::Verifier;
            let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone());
            let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).map_err(|_| bad())?;
            vk.verify(input.as_bytes(), &sig).map_err(|_| bad())
        }
    }
}

/// A public key from a JWK (`OKP`/Ed25519, `EC`/P-256, `RSA`). Private parts are ignored.
pub fn key_from_jwk(jwk: &Value) -> Result<PublicKey, JwsError> {
    let s = |k: &str| jwk.get(k).and_then(Value::as_str);
    match (s("kty"), s("crv")) {
        (Some("OKP"), Some("Ed25519")) => {
            let x = b64(s("x").unwrap_or(""), "jwk x")?;
            let k: [u8; 32] = x.try_into().map_err(|_| JwsError::Invalid("Ed25519 jwk 'x' is not 32 bytes".into()))?;
            Ok(PublicKey::Ed25519(k))
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (b64(s("x").unwrap_or(""), "jwk x")?, b64(s("y").unwrap_or(""), "jwk y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err(JwsError::Invalid("P-256 jwk coordinates must be 32 bytes".into()));
            }
            let mut sec1 = vec![4u8];
            sec1.extend(x);
            sec1.extend(y);
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                .map(PublicKey::P256)
                .map_err(|_| JwsError::Invalid("P-256 jwk is not a point on the curve".into()))
        }
        (Some("RSA"), _) => {
            let n = rsa::BigUint::from_bytes_be(&b64(s("n").unwrap_or(""), "jwk n")?);
            let e = rsa::BigUint::from_bytes_be(&b64(s("e").unwrap_or(""), "jwk e")?);
            let k = rsa::RsaPublicKey::new(n, e).map_err(|e| JwsError::Invalid(format!("bad RSA jwk: {e}")))?;
            if rsa::traits::PublicKeyParts::size(&k) < 256 {
                return Err(JwsError::Invalid("RSA keys under 2048 bits are refused".into()));
            }
            Ok(PublicKey::Rsa(k))
        }
        (kty, crv) => Err(JwsError::Unsupported(format!(
            "unsupported JWK key type {} {}",
            kty.unwrap_or("(none)"),
            crv.unwrap_or("")
        ))),
    }
}

/// An RSA public key from PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`), as OB 2.0 `publicKeyPem`.
pub fn key_from_pem(pem: &str) -> Result<PublicKey, JwsError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    let pem = pem.trim();
    rsa::RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem))
        .map(PublicKey::Rsa)
        .map_err(|e| JwsError::Invalid(format!("publicKeyPem is not an RSA public key: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_and_confusion_are_refused() {
        let key = PublicKey::Ed25519([1; 32]);
        // {"alg":"none"}.{}.
        let e = verify("eyJhbGciOiJub25lIn0.e30.", &key).unwrap_err();
        assert!(e.to_string().contains("alg: none"), "{e}");
        // {"alg":"HS256"} with an Ed25519 key.
        let e = verify("eyJhbGciOiJIUzI1NiJ9.e30.AAAA", &key).unwrap_err();
        assert!(e.to_string().contains("algorithm confusion"), "{e}");
    }
}
