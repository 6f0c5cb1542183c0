//! Signing with Data Integrity `eddsa-rdfc-2022` / `eddsa-jcs-2022`: the
//! mirror image of [`super::dataintegrity`], used for the sample backpack
//! (a sample issuer key made at run time, never a real institution's key),
//! holder-signed presentations ([`crate::present`]), tests and benchmarks.

use ed25519_dalek::Signer;
use serde_json::{json, Value};

use super::dataintegrity::{canonical_forms, DiError};
use super::didkey;

/// A did:key identity for an Ed25519 signing key: (DID, verification method id).
pub fn did_key_of(key: &ed25519_dalek::SigningKey) -> (String, String) {
    let mb = didkey::encode_multibase_ed25519(&key.verifying_key().to_bytes());
    let did = format!("did:key:{mb}");
    let vm = format!("{did}#{mb}");
    (did, vm)
}

/// Add a `DataIntegrityProof` with `cryptosuite` (`eddsa-rdfc-2022` or
/// `eddsa-jcs-2022`) to `doc`, signed with `key` for `verification_method`.
/// `created` is an XML Schema dateTime. An existing proof is replaced.
pub fn sign_data_integrity(
    doc: &Value,
    cryptosuite: &str,
    key: &ed25519_dalek::SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, DiError> {
    let options = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    });
    sign_with_options(doc, key, options)
}

/// Sign `doc` with a `DataIntegrityProof` built from `options` (`type`,
/// `cryptosuite`, `verificationMethod`, `proofPurpose`, and any of `created`,
/// `challenge`, `domain`...), e.g. a holder's `authentication` proof on a
/// presentation. An existing proof is replaced.
pub fn sign_with_options(doc: &Value, key: &ed25519_dalek::SigningKey, options: Value) -> Result<Value, DiError> {
    let cryptosuite = options.get("cryptosuite").and_then(Value::as_str).unwrap_or_default().to_string();
    if !matches!(cryptosuite.as_str(), "eddsa-rdfc-2022" | "eddsa-jcs-2022") {
        return Err(DiError::UnsupportedCryptosuite(cryptosuite));
    }
    let mut unsigned = doc.clone();
    let obj = unsigned
        .as_object_mut()
        .ok_or_else(|| DiError::MalformedProof("the document is not a JSON object".into()))?;
    obj.remove("proof");
    let mut proof = options;
    if cryptosuite == "eddsa-jcs-2022" {
        // JCS signs the proof options with the document's @context (vc-di-eddsa 3.3.2).
        if let Some(ctx) = doc.get("@context") {
            proof["@context"] = ctx.clone();
        }
    }
    let mut with_proof = unsigned;
    with_proof["proof"] = proof.clone();
    let forms = canonical_forms(&with_proof, &proof)?;
    let sig = key.sign(&forms.hash_data());
    proof["proofValue"] = Value::String(format!("z{}", bs58::encode(sig.to_bytes()).into_string()));
    with_proof["proof"] = proof;
    Ok(with_proof)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::dataintegrity::{verify_proofs, ProofStatus, StaticResolver};

    #[test]
    fn signed_credentials_verify_and_tampering_is_caught() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let (did, vm) = did_key_of(&key);
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1b6a7f0e-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Sample University"},
            "validFrom": "2025-01-01T00:00:00Z",
            "name": "Sample",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "urn:uuid:1b6a7f0e-0000-4000-8000-000000000002", "type": ["Achievement"],
                "name": "Sample course", "description": "d", "criteria": {"narrative": "n"}, "creditsAvailable": 7.5}}
        });
        for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
            let signed = sign_data_integrity(&doc, suite, &key, &vm, "2025-01-01T00:00:00Z").unwrap();
            let out = verify_proofs(&signed, &StaticResolver::new());
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].status, ProofStatus::Valid, "{suite}: {}", out[0].detail);
            let mut bad = signed.clone();
            bad["credentialSubject"]["achievement"]["creditsAvailable"] = json!(30);
            assert_eq!(verify_proofs(&bad, &StaticResolver::new())[0].status, ProofStatus::Invalid, "{suite}");
        }
    }
}
