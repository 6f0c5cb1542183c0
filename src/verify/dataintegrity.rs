//! Data Integrity proof verification, offline: `DataIntegrityProof` with the
//! `eddsa-rdfc-2022` and `eddsa-jcs-2022` cryptosuites (W3C vc-di-eddsa) and
//! the legacy `Ed25519Signature2020` suite, including proof sets (`proof` is an
//! array: every proof is checked) and proof chains (`previousProof`).
//!
//! This module owns the transformation (RDFC-1.0: JSON-LD → RDF by the fast
//! path [`super::rdf::fast`] for bundled-context documents it handles, else by
//! oxjsonld, then [`super::rdf::canon`];
//! or JCS by [`super::jcs`]), the proof configuration, hashing
//! (`SHA-256(proofConfig) ‖ SHA-256(document)`), Ed25519 checking, and the
//! "safe mode" guards that refuse documents JSON-LD would silently change.
//! Keys come from a [`KeyResolver`]; [`StaticResolver`] knows did:key and any
//! keys given to it in advance. Contexts come only from [`super::contexts`].
//! Dates (`created`, `expires`), status and the issuer ↔ key binding are
//! checked elsewhere; the outcome carries the key's controller for that.
//!
//! # Outcomes
//!
//! * **valid**: the signature verifies over the canonical forms.
//! * **invalid**: the proof is wrong or the document was changed: signature
//!   mismatch, malformed or missing proof fields, undecodable `proofValue`,
//!   `proofPurpose` other than `assertionMethod` (`authentication` for a
//!   presentation's holder proof, [`verify_proofs_for`]), a key not authorised for
//!   assertions, a recognised eddsa cryptosuite used with the wrong proof type,
//!   a proof `@context` that is not a prefix of the document's, a JSON-LD error
//!   in the document, a dataset built to blow up canonicalization, and
//!   documents refused by safe mode (below).
//! * **cannot-check**: nothing is known to be wrong, but the proof could not be
//!   checked: a context that is not bundled, a key that cannot be resolved
//!   offline, an unknown proof type or cryptosuite, or (never in practice) a
//!   document whose numbers cannot be traced through the general toRDF path
//!   (see "Numbers" in [`super::rdf`]).
//!
//! Safe mode and number handling live in [`super::rdf`]: every RDFC document
//! is converted by [`super::rdf::rdfc`] before hashing; its [`RdfError`]s map
//! onto proof reasons here.

use std::collections::HashMap;

use ed25519_dalek::Signature;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::didkey;
use super::rdf::{self, RdfError};
use super::report::Check;
pub use super::rdf::{RELATIVE_IRI_BASE, UNDEFINED_TERM_VOCAB};

/// The only proof purpose a credential's proof may have here.
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// The proof purpose of a holder's proof on a presentation.
pub const AUTHENTICATION: &str = "authentication";

/// What a proof must be for: a credential's proof asserts (`assertionMethod`),
/// a holder's proof on a presentation authenticates (`authentication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A credential's proof: the issuer asserts the claims (`proofPurpose: assertionMethod`).
    AssertionMethod,
    /// Keys are only accepted from `did:key` verification methods here: a
    /// did:key's DID document lists its one key under `authentication`, so
    /// no document has to be fetched to know the key may authenticate.
    Authentication,
}

impl Purpose {
    /// The `proofPurpose` value for this purpose: `assertionMethod` or `authentication`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::AssertionMethod => ASSERTION_METHOD,
            Purpose::Authentication => AUTHENTICATION,
        }
    }
}

// ---------------------------------------------------------------------------
// Keys

/// A verification method resolved to an Ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The raw 32-byte Ed25519 public key.
    pub public_key: [u8; 32],
    /// The controller of the key (a DID or a URL), to be matched with the issuer.
    pub controller: String,
    /// Whether the controller lists this key under `assertionMethod`.
    pub assertion_method: bool,
}

/// Why a verification method could not be turned into a key. `Malformed` and
/// `NotFound` make the proof invalid (the method cannot be a key of its
/// controller); `Unsupported` and `Unavailable` make it "could not check".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The method is not a well-formed DID or URL, or a did:key that does not decode; the proof is invalid.
    #[error("malformed verification method: {0}")]
    Malformed(String),
    /// The controller document has no such verification method; the proof is invalid.
    #[error("verification method not found in its controller document: {0}")]
    NotFound(String),
    /// The method cannot be resolved by this resolver (a DID method or URL key that needs the network, a non-Ed25519 key); "could not check".
    #[error("verification method cannot be resolved here: {0}")]
    Unsupported(String),
    /// Fetching the controller document failed (network, HTTP status, timeout); "could not check".
    #[error("verification method could not be fetched: {0}")]
    Unavailable(String),
}

/// Turns a proof's `verificationMethod` into a key. Implementations for
/// did:web and URL keys live with the network code; this module only ships
/// [`StaticResolver`].
pub trait KeyResolver {
    /// The Ed25519 key behind `verification_method` (a DID URL or URL), or why there is none.
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError>;
}

/// Resolves did:key (self-contained, never touches the network) and any keys
/// registered in advance with [`StaticResolver::with_key`] (pinned or cached
/// keys; used by tests). Every other method is `Unsupported`.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    keys: HashMap<String, ResolvedKey>,
}

impl StaticResolver {
    /// An empty resolver: it resolves did:key only.
    pub fn new() -> StaticResolver {
        StaticResolver::default()
    }

    /// Register a key for an exact verification method id.
    pub fn with_key(mut self, verification_method: &str, key: ResolvedKey) -> StaticResolver {
        self.keys.insert(verification_method.to_string(), key);
        self
    }

    /// Registers a key for an exact verification method id, in place (the `&mut` form of [`StaticResolver::with_key`]).
    pub fn insert(&mut self, verification_method: &str, key: ResolvedKey) {
        self.keys.insert(verification_method.to_string(), key);
    }
}

impl KeyResolver for StaticResolver {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, KeyError> {
        if let Some(k) = self.keys.get(vm) {
            return Ok(k.clone());
        }
        if vm.starts_with("did:key:") {
            return match didkey::decode_did_key(vm) {
                // A did:key document lists its one key under every relationship.
                Ok(d) => Ok(ResolvedKey { public_key: d.public_key, controller: d.did, assertion_method: true }),
                Err(e @ didkey::DidKeyError::NotEd25519(_)) => Err(KeyError::Unsupported(format!("{vm}: {e}"))),
                Err(e) => Err(KeyError::Malformed(format!("{vm}: {e}"))),
            };
        }
        if let Some(method) = vm.strip_prefix("did:").and_then(|r| r.split(':').next()) {
            return Err(KeyError::Unsupported(format!("did:{method} keys are not resolved offline ({vm})")));
        }
        if vm.starts_with("https://") || vm.starts_with("http://") {
            return Err(KeyError::Unsupported(format!("URL keys are not resolved offline ({vm})")));
        }
        Err(KeyError::Malformed(format!("not a DID or URL: {vm}")))
    }
}

// ---------------------------------------------------------------------------
// Outcomes

/// The three-valued result of checking one proof; derived from its [`ProofReason`] by [`ProofReason::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofStatus {
    /// The signature verifies with a key the issuer controls and is authorised to assert with.
    Valid,
    /// The proof is wrong: the signature does not match, or the proof, its key or the document is malformed or unsafe.
    Invalid,
    /// The proof could not be checked here (unbundled context, unresolvable key, unsupported proof type); says nothing about genuineness.
    CannotCheck,
}

/// Stable reason codes (serialised kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofReason {
    // valid
    /// Valid: the signature verifies over the canonical document and proof configuration.
    Verified,
    // invalid
    /// Invalid: the Ed25519 signature does not match the canonical hashes (the document or proof was changed, or the wrong key).
    SignatureMismatch,
    /// Invalid: the proof object is malformed (missing or wrongly typed fields).
    MalformedProof,
    /// Invalid: `proofValue` is missing, not a string, or not a multibase-encoded 64-byte signature.
    MalformedProofValue,
    /// Invalid: `proofPurpose` is not the one required (`assertionMethod` for a credential, `authentication` for a holder).
    WrongProofPurpose,
    /// Invalid: the key's controller does not list the key under `assertionMethod`.
    KeyNotAuthorized,
    /// Invalid: the verification method is malformed, not found in its controller document, or not an Ed25519 point.
    KeyInvalid,
    /// Invalid: the proof's `@context` is not a prefix of the document's `@context`.
    ContextMismatch,
    /// Invalid: safe mode refused the document (JSON-LD would silently drop or could not represent a term or value).
    UnsafeDocument,
    /// Invalid: the document is not valid JSON-LD.
    InvalidJsonLd,
    /// Invalid: the dataset looks built to blow up RDF canonicalization (too many recursions or permutations in the blank-node labelling).
    DatasetPoisoning,
    // cannot check
    /// Cannot check: the document uses a JSON-LD context that is not bundled; contexts are never fetched.
    UnknownContext,
    /// Cannot check: the key could not be resolved here (a DID method or URL that needs the network, a fetch failure).
    KeyUnresolvable,
    /// Cannot check: a proof `type` other than `DataIntegrityProof` and `Ed25519Signature2020`.
    UnsupportedProofType,
    /// Cannot check: a Data Integrity cryptosuite this verifier does not implement.
    UnsupportedCryptosuite,
    /// Cannot check: valid JSON-LD, but with a value (e.g. numbers) this stack cannot canonicalize exactly as the JavaScript signers do.
    UnportableValue,
}

impl ProofReason {
    /// Whether this reason makes the proof valid, invalid or "could not check".
    pub fn status(self) -> ProofStatus {
        use ProofReason::*;
        match self {
            Verified => ProofStatus::Valid,
            SignatureMismatch | MalformedProof | MalformedProofValue | WrongProofPurpose | KeyNotAuthorized
            | KeyInvalid | ContextMismatch | UnsafeDocument | InvalidJsonLd | DatasetPoisoning => ProofStatus::Invalid,
            UnknownContext | KeyUnresolvable | UnsupportedProofType | UnsupportedCryptosuite | UnportableValue => {
                ProofStatus::CannotCheck
            }
        }
    }
}

/// The result of checking one proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofOutcome {
    /// Position in the `proof` array (0 for a single proof object).
    pub index: usize,
    /// Valid, invalid or could not check (follows from `reason`).
    pub status: ProofStatus,
    /// The stable reason code behind `status`.
    pub reason: ProofReason,
    /// A sentence for people (English).
    pub detail: String,
    /// `type` of the proof (`DataIntegrityProof`, `Ed25519Signature2020`, …).
    pub proof_type: Option<String>,
    /// The proof's `cryptosuite` (e.g. `eddsa-rdfc-2022`); `None` for legacy suites that have none.
    pub cryptosuite: Option<String>,
    /// The proof's `verificationMethod` as written; `None` when missing.
    pub verification_method: Option<String>,
    /// Controller of the key, when the key was resolved.
    pub controller: Option<String>,
}

impl ProofOutcome {
    /// This outcome as a report check (`proof`): valid → pass, invalid →
    /// fail, cannot-check → error.
    pub fn check(&self) -> Check {
        let what = match (&self.proof_type, &self.cryptosuite) {
            (Some(t), Some(c)) => format!("{t} {c}"),
            (Some(t), None) => t.clone(),
            _ => "proof".to_string(),
        };
        let detail = format!("{what}: {}", self.detail);
        match self.status {
            ProofStatus::Valid => Check::pass(super::report::PROOF, detail),
            ProofStatus::Invalid => Check::fail(super::report::PROOF, detail),
            ProofStatus::CannotCheck => Check::error(super::report::PROOF, detail),
        }
    }
}

/// Why canonical forms could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiError {
    /// The proof object is malformed; holds what is wrong.
    #[error("the proof is malformed: {0}")]
    MalformedProof(String),
    /// The proof `type` is not supported; holds the type.
    #[error("unsupported proof: {0}")]
    UnsupportedProofType(String),
    /// The cryptosuite is not supported; holds its name.
    #[error("unsupported cryptosuite: {0}")]
    UnsupportedCryptosuite(String),
    /// The document needs contexts that are not bundled; holds their URLs.
    #[error("context not bundled, not fetched: {}", .0.join(", "))]
    UnknownContext(Vec<String>),
    /// The proof's `@context` is not a prefix of the document's `@context`.
    #[error("the proof's @context is not a prefix of the document's @context")]
    ContextMismatch,
    /// Safe mode refused the document; holds what would be dropped or misread.
    #[error("refused (safe mode): {0}")]
    Unsafe(String),
    /// The document is not valid JSON-LD; holds the expansion error.
    #[error("not valid JSON-LD: {0}")]
    JsonLd(String),
    /// Canonicalization was stopped as possible dataset poisoning; holds the limit that was hit.
    #[error("canonicalization refused (possible dataset poisoning): {0}")]
    Poisoned(String),
    /// Valid, but not reproducible exactly as the JavaScript signers canonicalize (e.g. JCS of a number); holds why.
    #[error("{0}")]
    Unportable(String),
}

impl DiError {
    /// The stable [`ProofReason`] for this error (and so whether the proof is invalid or could not be checked).
    pub fn reason(&self) -> ProofReason {
        match self {
            DiError::MalformedProof(_) => ProofReason::MalformedProof,
            DiError::UnsupportedProofType(_) => ProofReason::UnsupportedProofType,
            DiError::UnsupportedCryptosuite(_) => ProofReason::UnsupportedCryptosuite,
            DiError::UnknownContext(_) => ProofReason::UnknownContext,
            DiError::ContextMismatch => ProofReason::ContextMismatch,
            DiError::Unsafe(_) => ProofReason::UnsafeDocument,
            DiError::JsonLd(_) => ProofReason::InvalidJsonLd,
            DiError::Poisoned(_) => ProofReason::DatasetPoisoning,
            DiError::Unportable(_) => ProofReason::UnportableValue,
        }
    }
}

/// The values hashed and signed for one proof (exposed for the test vectors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intermediate {
    /// Canonical N-Quads (RDFC suites) or JCS text (jcs) of the unsecured document.
    pub doc_canon: String,
    /// Canonical form of the proof configuration.
    pub proof_canon: String,
    /// SHA-256 of `doc_canon`.
    pub doc_hash: [u8; 32],
    /// SHA-256 of `proof_canon`.
    pub proof_hash: [u8; 32],
}

impl Intermediate {
    /// `proofHash ‖ docHash`, the 64 bytes that are signed.
    pub fn hash_data(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.proof_hash);
        out[32..].copy_from_slice(&self.doc_hash);
        out
    }
}

// ---------------------------------------------------------------------------
// Suites

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Transform {
    Rdfc,
    Jcs,
}

/// Which algorithm a proof uses, from `type` and `cryptosuite`.
fn suite_of(proof: &Map<String, Value>) -> Result<Transform, DiError> {
    let ptype = match proof.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(DiError::MalformedProof("`type` must be a string".into())),
        None => return Err(DiError::MalformedProof("no `type`".into())),
    };
    let suite = match proof.get("cryptosuite") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(DiError::MalformedProof("`cryptosuite` must be a string".into())),
        None => None,
    };
    let eddsa = |c: &str| matches!(c, "eddsa-rdfc-2022" | "eddsa-jcs-2022" | "eddsa-2022");
    match (ptype, suite) {
        ("DataIntegrityProof", Some("eddsa-rdfc-2022")) => Ok(Transform::Rdfc),
        ("DataIntegrityProof", Some("eddsa-jcs-2022")) => Ok(Transform::Jcs),
        // The draft name of eddsa-rdfc-2022 (same algorithm, same proof
        // config with the cryptosuite string as written); the 1EdTech
        // validator accepts it with a warning.
        ("DataIntegrityProof", Some("eddsa-2022")) => Ok(Transform::Rdfc),
        ("DataIntegrityProof", None) => Err(DiError::MalformedProof("DataIntegrityProof without `cryptosuite`".into())),
        ("DataIntegrityProof", Some(c)) => Err(DiError::UnsupportedCryptosuite(c.to_string())),
        ("Ed25519Signature2020", None) => Ok(Transform::Rdfc),
        ("Ed25519Signature2020", Some(c)) => {
            Err(DiError::MalformedProof(format!("Ed25519Signature2020 does not take a cryptosuite (`{c}`)")))
        }
        (t, Some(c)) if eddsa(c) => Err(DiError::MalformedProof(format!("cryptosuite {c} requires type DataIntegrityProof, not {t}"))),
        (t, _) => Err(DiError::UnsupportedProofType(t.to_string())),
    }
}

// ---------------------------------------------------------------------------
// Public entry points

/// Check every proof of `doc` (a secured document: a credential with `proof`).
/// Returns one outcome per proof, in order; empty if there is no `proof`.
pub fn verify_proofs(doc: &Value, keys: &dyn KeyResolver) -> Vec<ProofOutcome> {
    verify_proofs_for(doc, keys, Purpose::AssertionMethod)
}

/// [`verify_proofs`] for proofs of another purpose (a presentation's
/// `authentication` proof): `proofPurpose` must be `purpose`.
pub fn verify_proofs_for(doc: &Value, keys: &dyn KeyResolver, purpose: Purpose) -> Vec<ProofOutcome> {
    let proofs: Vec<&Value> = match doc.get("proof") {
        None | Some(Value::Null) => return vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
    };
    // Only a proof set shares its unsecured document between proofs; for one
    // proof, keying a cache would cost a serialisation and save nothing.
    let mut cache = DocCache { enabled: proofs.len() > 1, ..Default::default() };
    proofs.iter().enumerate().map(|(i, p)| verify_one(doc, p, i, keys, &mut cache, purpose)).collect()
}

/// The canonical forms and hashes for one `proof` of the secured `doc`
/// (`proof` must be the document's proof or one member of its proof array,
/// which matters only for `previousProof` chains).
pub fn canonical_forms(doc: &Value, proof: &Value) -> Result<Intermediate, DiError> {
    canonical_forms_cached(doc, proof, &mut DocCache::default())
}

// ---------------------------------------------------------------------------
// Implementation

/// Canonical documents already computed for this document's proof set: all
/// proofs of a set share the unsecured document.
#[derive(Default)]
struct DocCache {
    enabled: bool,
    docs: HashMap<(Transform, String), String>,
}

fn outcome(index: usize, proof: &Value, reason: ProofReason, detail: impl Into<String>, controller: Option<String>) -> ProofOutcome {
    let s = |k: &str| proof.get(k).and_then(|v| v.as_str()).map(str::to_string);
    ProofOutcome {
        index,
        status: reason.status(),
        reason,
        detail: detail.into(),
        proof_type: s("type"),
        cryptosuite: s("cryptosuite"),
        verification_method: s("verificationMethod"),
        controller,
    }
}

fn verify_one(doc: &Value, proof_v: &Value, index: usize, keys: &dyn KeyResolver, cache: &mut DocCache, purpose: Purpose) -> ProofOutcome {
    let out = |reason, detail: String| outcome(index, proof_v, reason, detail, None);
    let Some(proof) = proof_v.as_object() else {
        return out(ProofReason::MalformedProof, "the proof is not a JSON object".into());
    };
    if let Err(e) = suite_of(proof) {
        return out(e.reason(), e.to_string());
    }
    // Required members (DI "Verify Proof" step: type, verificationMethod, proofPurpose).
    let vm = match proof.get("verificationMethod") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return out(ProofReason::MalformedProof, "`verificationMethod` must be a URL string".into()),
        None => return out(ProofReason::MalformedProof, "no `verificationMethod`".into()),
    };
    match proof.get("proofPurpose") {
        Some(Value::String(p)) if p == purpose.as_str() => {}
        Some(Value::String(p)) if purpose == Purpose::AssertionMethod => {
            return out(ProofReason::WrongProofPurpose, format!("proofPurpose is `{p}`, a credential needs `{ASSERTION_METHOD}`"));
        }
        Some(Value::String(p)) => {
            return out(ProofReason::WrongProofPurpose, format!("proofPurpose is `{p}`, this proof needs `{}`", purpose.as_str()));
        }
        Some(_) => return out(ProofReason::MalformedProof, "`proofPurpose` must be a string".into()),
        None => return out(ProofReason::MalformedProof, "no `proofPurpose`".into()),
    }
    if let Some(c) = proof.get("created") {
        if !c.as_str().is_some_and(is_xsd_datetime) {
            return out(ProofReason::MalformedProof, format!("`created` is not an XML Schema dateTime: {c}"));
        }
    }
    let sig = match proof.get("proofValue") {
        Some(Value::String(s)) => match decode_proof_value(s) {
            Ok(sig) => sig,
            Err(e) => return out(ProofReason::MalformedProofValue, e),
        },
        Some(_) => return out(ProofReason::MalformedProofValue, "`proofValue` must be a string".into()),
        None => return out(ProofReason::MalformedProofValue, "no `proofValue`".into()),
    };

    if purpose == Purpose::Authentication && !vm.starts_with("did:key:") {
        return out(ProofReason::KeyUnresolvable, format!("{vm}: only did:key holder keys can be checked for authentication"));
    }
    let key = match keys.resolve(&vm) {
        Ok(k) => k,
        Err(e @ (KeyError::Malformed(_) | KeyError::NotFound(_))) => return out(ProofReason::KeyInvalid, e.to_string()),
        Err(e) => return out(ProofReason::KeyUnresolvable, e.to_string()),
    };
    let ctl = Some(key.controller.clone());
    if purpose == Purpose::AssertionMethod && !key.assertion_method {
        return outcome(
            index,
            proof_v,
            ProofReason::KeyNotAuthorized,
            format!("{} does not list this key for assertionMethod", key.controller),
            ctl,
        );
    }
    let inter = match canonical_forms_cached(doc, proof_v, cache) {
        Ok(i) => i,
        Err(e) => return outcome(index, proof_v, e.reason(), e.to_string(), ctl),
    };
    let vk = match didkey::verifying_key(&key.public_key) {
        Ok(k) => k,
        Err(e) => return outcome(index, proof_v, ProofReason::KeyInvalid, format!("not an Ed25519 point: {e}"), ctl),
    };
    let signature = Signature::from_bytes(&sig);
    match vk.verify_strict(&inter.hash_data(), &signature) {
        Ok(()) => {
            let mut detail = format!("signature verified with {vm}");
            if proof.get("cryptosuite").and_then(|c| c.as_str()) == Some("eddsa-2022") {
                detail.push_str(" (legacy cryptosuite name eddsa-2022, checked as eddsa-rdfc-2022)");
            }
            outcome(index, proof_v, ProofReason::Verified, detail, ctl)
        }
        Err(_) => outcome(
            index,
            proof_v,
            ProofReason::SignatureMismatch,
            "the signature does not match: the credential was changed after signing, or signed with another key",
            ctl,
        ),
    }
}

/// `z` + base58btc of a 64-byte Ed25519 signature.
fn decode_proof_value(s: &str) -> Result<[u8; 64], String> {
    let b58 = s.strip_prefix('z').ok_or_else(|| "proofValue is not multibase base58btc (must start with `z`)".to_string())?;
    let bytes = bs58::decode(b58).into_vec().map_err(|e| format!("proofValue is not valid base58btc: {e}"))?;
    let n = bytes.len();
    bytes.try_into().map_err(|_| format!("proofValue decodes to {n} bytes, an Ed25519 signature has 64"))
}

fn canonical_forms_cached(doc: &Value, proof_v: &Value, cache: &mut DocCache) -> Result<Intermediate, DiError> {
    let proof = proof_v.as_object().ok_or_else(|| DiError::MalformedProof("the proof is not a JSON object".into()))?;
    let transform = suite_of(proof)?;
    let doc_obj = doc.as_object().ok_or_else(|| DiError::MalformedProof("the document is not a JSON object".into()))?;

    // JCS without a proof chain: canonicalise a view of the document, no copy.
    if transform == Transform::Jcs && proof.get("previousProof").is_none() {
        let mut options = proof.clone();
        options.remove("proofValue");
        if let Some(pctx) = options.get("@context") {
            check_context_prefix(pctx, doc_obj.get("@context"))?;
        }
        let doc_canon = super::jcs::object_to_string(doc_obj, "proof", options.get("@context").map(|c| ("@context", c)));
        let proof_canon = jcs(&Value::Object(options))?;
        let doc_hash: [u8; 32] = Sha256::digest(doc_canon.as_bytes()).into();
        let proof_hash: [u8; 32] = Sha256::digest(proof_canon.as_bytes()).into();
        return Ok(Intermediate { doc_canon, proof_canon, doc_hash, proof_hash });
    }

    // Unsecured document: the document without `proof`, or, for a proof in a
    // chain, with `proof` set to the proofs named by `previousProof`.
    let mut unsecured = doc_obj.clone();
    unsecured.remove("proof");
    if let Some(prev) = proof.get("previousProof") {
        let ids: Vec<&str> = match prev {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) if a.iter().all(|v| v.is_string()) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => return Err(DiError::MalformedProof("`previousProof` must be a string or an array of strings".into())),
        };
        let all: Vec<&Value> = match doc_obj.get("proof") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(p) => vec![p],
            None => vec![],
        };
        let mut matching = Vec::new();
        for id in ids {
            let found = all.iter().find(|p| p.get("id").and_then(|v| v.as_str()) == Some(id));
            match found {
                Some(p) => matching.push((*p).clone()),
                None => return Err(DiError::MalformedProof(format!("previousProof {id} is not in the proof set"))),
            }
        }
        unsecured.insert("proof".into(), Value::Array(matching));
    }

    // Proof options: the proof without proofValue.
    let mut options = proof.clone();
    options.remove("proofValue");

    // DI "Verify Proof": a proof's own @context must be a prefix of the
    // document's, and then replaces it.
    if let Some(pctx) = options.get("@context") {
        check_context_prefix(pctx, unsecured.get("@context"))?;
        unsecured.insert("@context".into(), pctx.clone());
    }

    let unsecured = Value::Object(unsecured);
    let (doc_canon, proof_canon) = match transform {
        Transform::Jcs => {
            // vc-di-eddsa 3.3: the proof configuration is JCS of the options as
            // they are (with the proof's @context if it has one).
            let d = jcs(&unsecured)?;
            let p = jcs(&Value::Object(options))?;
            (d, p)
        }
        Transform::Rdfc => {
            let Some(ctx) = unsecured.get("@context").cloned() else {
                return Err(DiError::JsonLd("the document has no @context".into()));
            };
            // Proof configuration: the options with the document's @context.
            options.insert("@context".into(), ctx);
            let d = if cache.enabled {
                let key = (Transform::Rdfc, serde_json::to_string(&unsecured).unwrap_or_default());
                match cache.docs.get(&key) {
                    Some(c) => c.clone(),
                    None => {
                        let c = rdfc(&unsecured)?;
                        cache.docs.insert(key, c.clone());
                        c
                    }
                }
            } else {
                rdfc(&unsecured)?
            };
            let p = rdfc(&Value::Object(options))?;
            (d, p)
        }
    };
    let doc_hash: [u8; 32] = Sha256::digest(doc_canon.as_bytes()).into();
    let proof_hash: [u8; 32] = Sha256::digest(proof_canon.as_bytes()).into();
    Ok(Intermediate { doc_canon, proof_canon, doc_hash, proof_hash })
}

/// DI "Verify Proof": a proof's own @context must be a prefix of the document's.
fn check_context_prefix(pctx: &Value, dctx: Option<&Value>) -> Result<(), DiError> {
    let as_list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(a)) => a.clone(),
            None | Some(Value::Null) => vec![],
            Some(other) => vec![other.clone()],
        }
    };
    let (p, d) = (as_list(Some(pctx)), as_list(dctx));
    if p.is_empty() || p.len() > d.len() || p[..] != d[..p.len()] {
        return Err(DiError::ContextMismatch);
    }
    Ok(())
}

fn jcs(v: &Value) -> Result<String, DiError> {
    Ok(rdf::jcs(v)?)
}

fn rdfc(doc: &Value) -> Result<String, DiError> {
    Ok(rdf::rdfc(doc)?)
}

impl From<RdfError> for DiError {
    fn from(e: RdfError) -> DiError {
        match e {
            RdfError::UnknownContext(v) => DiError::UnknownContext(v),
            RdfError::Unsafe(m) => DiError::Unsafe(m),
            RdfError::JsonLd(m) => DiError::JsonLd(m),
            RdfError::Poisoned(m) => DiError::Poisoned(m),
            RdfError::Unportable(m) => DiError::Unportable(m),
        }
    }
}

pub use super::rdf::RdfPath;

/// Canonical N-Quads of a JSON-LD document by the chosen toRDF path (for the
/// differential tests; see [`rdf::rdfc_with`]).
#[doc(hidden)]
pub fn rdfc_with(doc: &Value, path: RdfPath) -> Result<Option<String>, DiError> {
    Ok(rdf::rdfc_with(doc, path)?)
}

/// XML Schema 1.1 `dateTime`: `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?`.
fn is_xsd_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, n: usize| -> Option<u32> {
        let slice = b.get(*i..*i + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        std::str::from_utf8(slice).ok()?.parse().ok()
    };
    let lit = |i: &mut usize, c: u8| -> bool {
        if b.get(*i) == Some(&c) {
            *i += 1;
            true
        } else {
            false
        }
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let ys = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i - ys < 4 || (i - ys > 4 && b[ys] == b'0') {
        return false;
    }
    let ok = (|| {
        if !lit(&mut i, b'-') {
            return None;
        }
        let mo = digits(&mut i, 2)?;
        if !lit(&mut i, b'-') {
            return None;
        }
        let d = digits(&mut i, 2)?;
        if !lit(&mut i, b'T') {
            return None;
        }
        let h = digits(&mut i, 2)?;
        if !lit(&mut i, b':') {
            return None;
        }
        let mi = digits(&mut i, 2)?;
        if !lit(&mut i, b':') {
            return None;
        }
        let sec = digits(&mut i, 2)?;
        if lit(&mut i, b'.') {
            let fs = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == fs {
                return None;
            }
        }
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 24 || mi > 59 || sec > 60 {
            return None;
        }
        if lit(&mut i, b'Z') {
        } else if b.get(i) == Some(&b'+') || b.get(i) == Some(&b'-') {
            i += 1;
            let th = digits(&mut i, 2)?;
            if !lit(&mut i, b':') {
                return None;
            }
            let tm = digits(&mut i, 2)?;
            if th > 14 || tm > 59 {
                return None;
            }
        }
        (i == b.len()).then_some(())
    })();
    ok.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_datetimes() {
        for ok in ["2023-02-24T23:36:38Z", "2010-01-01T19:23:24.123Z", "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00"] {
            assert!(is_xsd_datetime(ok), "{ok}");
        }
        for bad in ["2023-02-24", "2023-02-24 23:36:38Z", "2023-13-01T00:00:00Z", "yesterday", "2023-02-24T23:36:38.Z", ""] {
            assert!(!is_xsd_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn suites_are_classified() {
        let p = |v: Value| suite_of(v.as_object().unwrap());
        assert_eq!(p(serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"})), Ok(Transform::Rdfc));
        assert_eq!(p(serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"})), Ok(Transform::Jcs));
        assert_eq!(p(serde_json::json!({"type": "Ed25519Signature2020"})), Ok(Transform::Rdfc));
        assert!(matches!(
            p(serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"})),
            Err(DiError::UnsupportedCryptosuite(_))
        ));
        assert!(matches!(
            p(serde_json::json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdf-2022"})),
            Err(DiError::UnsupportedCryptosuite(_))
        ));
        assert!(matches!(
            p(serde_json::json!({"type": "Ed25519Signature2018", "cryptosuite": "eddsa-rdfc-2022"})),
            Err(DiError::MalformedProof(_))
        ));
        assert!(matches!(p(serde_json::json!({"type": "RsaSignature2018"})), Err(DiError::UnsupportedProofType(_))));
    }

    #[test]
    fn proof_values() {
        assert!(decode_proof_value("z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme").is_ok());
        assert!(decode_proof_value("u2YwC8z3").is_err());
        assert!(decode_proof_value("z2YwC8z3ap").unwrap_err().contains("64"));
    }


    #[test]
    fn static_resolver_handles_did_key_only() {
        let r = StaticResolver::new();
        let mb = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let k = r.resolve(&format!("did:key:{mb}#{mb}")).unwrap();
        assert_eq!(k.controller, format!("did:key:{mb}"));
        assert!(k.assertion_method);
        assert!(matches!(r.resolve("did:web:example.com#key-1"), Err(KeyError::Unsupported(_))));
        assert!(matches!(r.resolve("https://example.edu/issuers/1#key-1"), Err(KeyError::Unsupported(_))));
        assert!(matches!(r.resolve("did:key:z0OIl"), Err(KeyError::Malformed(_))));
        // a P-256 did:key (multicodec 0x1200) is well-formed but not Ed25519
        assert!(matches!(r.resolve("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"), Err(KeyError::Unsupported(_))));
        assert!(matches!(r.resolve("xxx:abc"), Err(KeyError::Malformed(_))));
    }
}
