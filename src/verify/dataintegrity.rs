//! Data Integrity proof verification, offline: `DataIntegrityProof` with the
//! `eddsa-rdfc-2022` and `eddsa-jcs-2022` cryptosuites (W3C vc-di-eddsa) and
//! the legacy `Ed25519Signature2020` suite, including proof sets (`proof` is an
//! array: every proof is checked) and proof chains (`previousProof`).
//!
//! This module owns the transformation (RDFC-1.0: JSON-LD → RDF by the fast
//! path [`super::fastld`] for bundled-context documents it handles, else by
//! oxjsonld, then [`super::canon`];
//! or JCS via serde_json_canonicalizer), the proof configuration, hashing
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
//!   (see "Numbers" below).
//!
//! # Safe mode (as jsonld.js `safe: true`, which the Digital Bazaar signers use)
//!
//! oxjsonld has no safe mode: it silently drops properties and types that the
//! contexts do not define, and relative IRIs. Dropped data is not covered by
//! the signature, so a verifier that ignores the drop would call a credential
//! with injected, unsigned claims valid. We detect the drops ourselves:
//!
//! 1. the document is converted to RDF with an extra context *prepended* that
//!    sets `@vocab` to a sentinel IRI ([`UNDEFINED_TERM_VOCAB`]) and with the
//!    document base set to a sentinel IRI ([`RELATIVE_IRI_BASE`]). Prepending
//!    keeps every context's own `@vocab` in force (a later `@vocab` wins), and
//!    defined terms always win over `@vocab`, so for a document with no
//!    undefined term and no relative IRI the output is exactly what plain
//!    JSON-LD gives. Any sentinel IRI in the output names a term or reference
//!    that JSON-LD would have dropped;
//! 2. what oxjsonld drops without any trace, an `@id`, `@type` or IRI value
//!    that is not a valid IRI (`"urn:fake y"`, or containing NUL, `<`, `"`),
//!    a bad blank node label, is found by parsing the same bytes a second
//!    time in oxjsonld's lenient mode, which keeps those statements: more
//!    statements there, or any invalid term, means the strict dataset is
//!    missing something the JSON shows ([`dropped_by_strict`]; general path
//!    only: the fast path declines every invalid IRI);
//! 3. the rest of jsonld.js's safe-mode events are found by walking the JSON
//!    ([`precheck`]): keys of keyword form that are not keywords, `@direction`
//!    (dropped by oxjsonld without `rdfDirection`), invalid `@language` tags,
//!    `null` members and array items (outside `@context` and `@json` values),
//!    `@id` values of keyword form, objects with only `@language`, empty
//!    objects / bare references / scalars in graph containers (`@graph`,
//!    `proof`, `verifiableCredential`), and inline contexts that map a term
//!    (or `@vocab`) to `null` or a blank node, or reset the context with
//!    `@context: null`.
//!
//! Our choice: such a document is **invalid** (reason `unsafe-document`): it
//! carries data that no signature covers, which is exactly what an attacker
//! adding a claim to a signed credential produces, and jsonld.js refuses it
//! the same way (verification fails); for invalid IRIs that jsonld.js keeps
//! (`<`, `"`), the signature then fails there, so both call it invalid. We
//! are stricter than jsonld.js in one place: a plain `null` member
//! (`"description": null`) is dropped by jsonld.js without an event, and
//! refused here (no signed credential we know of has one; a `null` would let
//! the JSON and the signed data disagree about whether a field exists).
//! Known gap: inside a scope whose context is reset by a *bundled* context
//! (`verifiableCredential` in VC 2.0 has a scoped `@context: null`;
//! credentials there hold their own `@context` and are checked on their own)
//! the sentinel `@vocab` is reset too and a drop there is not seen by the
//! presentation's proof. eddsa-jcs-2022 signs the JSON text itself, so
//! nothing can be dropped and these checks do not apply to it.
//!
//! # Numbers, `@json` literals and language tags (as the JavaScript signers)
//!
//! The reference signers are JavaScript: `JSON.parse` makes every number an
//! IEEE double (9007199254740993 becomes 9007199254740992), jsonld.js turns a
//! native number into an RDF literal by its own rules
//! ([`super::fastld::js_number_literal`]: `1e20` → `"100000000000000000000"`,
//! `1e-7` → `"0"`, `0.30000000000000004` → `"3.0E-1"`), an `@json` value into
//! the JCS text of the value, and lowercases language tags. We do the same:
//!
//! * JCS: serde_json_canonicalizer writes every number (u64 and i64 too) as the
//!   ECMAScript form of the double and sorts keys by UTF-16 code units.
//! * RDFC, fast path: [`super::fastld`] applies jsonld.js's rule to the double.
//! * RDFC, general path (oxjsonld, whose number rule follows the JSON text and
//!   differs): every native number outside `@context` is replaced by a
//!   *marker* number with a unique digit string ([`NumberMarkers`]); oxjsonld
//!   carries the term's datatype coercion onto the marker's literal, and the
//!   literal is then rewritten with jsonld.js's rule from the original double
//!   and that datatype. `rdf:JSON` literals are parsed, their markers put back,
//!   and written again as JCS (oxjsonld sorts keys by code point, not UTF-16).
//!   If a string value of the document could be mistaken for a marker, or a
//!   marker is not found back, the proof is "could not check"
//!   (`unportable-value`): never a guessed verdict.
//! * Language tags: oxrdf lowercases them as jsonld.js does; tags jsonld.js
//!   refuses in safe mode are unsafe here, and the few it accepts that oxrdf
//!   would drop are "could not check" (`check_language`).
//!
//! tests/fixtures/js-numbers holds credentials signed by jsonld.js and
//! `canonicalize` with their canonical forms; tests/verify_js_numbers.rs
//! checks ours against them byte for byte.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::contexts;
use super::didkey;
use super::report::Check;

/// `@vocab` prepended in safe mode; an IRI starting with it is an undefined term.
pub const UNDEFINED_TERM_VOCAB: &str = "urn:x-backpack:undefined-term:";
/// Base IRI used in safe mode; an IRI starting with it was a relative reference.
pub const RELATIVE_IRI_BASE: &str = "https://relative-iri.backpack.invalid/";

/// The only proof purpose a credential's proof may have here.
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// The proof purpose of a holder's proof on a presentation.
pub const AUTHENTICATION: &str = "authentication";

/// What a proof must be for: a credential's proof asserts (`assertionMethod`),
/// a holder's proof on a presentation authenticates (`authentication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    AssertionMethod,
    /// Keys are only accepted from `did:key` verification methods here: a
    /// did:key's DID document lists its one key under `authentication`, so
    /// no document has to be fetched to know the key may authenticate.
    Authentication,
}

impl Purpose {
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
    #[error("malformed verification method: {0}")]
    Malformed(String),
    #[error("verification method not found in its controller document: {0}")]
    NotFound(String),
    #[error("verification method cannot be resolved here: {0}")]
    Unsupported(String),
    #[error("verification method could not be fetched: {0}")]
    Unavailable(String),
}

/// Turns a proof's `verificationMethod` into a key. Implementations for
/// did:web and URL keys live with the network code; this module only ships
/// [`StaticResolver`].
pub trait KeyResolver {
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
    pub fn new() -> StaticResolver {
        StaticResolver::default()
    }

    /// Register a key for an exact verification method id.
    pub fn with_key(mut self, verification_method: &str, key: ResolvedKey) -> StaticResolver {
        self.keys.insert(verification_method.to_string(), key);
        self
    }

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofStatus {
    Valid,
    Invalid,
    CannotCheck,
}

/// Stable reason codes (serialised kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofReason {
    // valid
    Verified,
    // invalid
    SignatureMismatch,
    MalformedProof,
    MalformedProofValue,
    WrongProofPurpose,
    KeyNotAuthorized,
    KeyInvalid,
    ContextMismatch,
    UnsafeDocument,
    InvalidJsonLd,
    DatasetPoisoning,
    // cannot check
    UnknownContext,
    KeyUnresolvable,
    UnsupportedProofType,
    UnsupportedCryptosuite,
    UnportableValue,
}

impl ProofReason {
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
    pub status: ProofStatus,
    pub reason: ProofReason,
    /// A sentence for people (English).
    pub detail: String,
    /// `type` of the proof (`DataIntegrityProof`, `Ed25519Signature2020`, …).
    pub proof_type: Option<String>,
    pub cryptosuite: Option<String>,
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
    #[error("the proof is malformed: {0}")]
    MalformedProof(String),
    #[error("unsupported proof: {0}")]
    UnsupportedProofType(String),
    #[error("unsupported cryptosuite: {0}")]
    UnsupportedCryptosuite(String),
    #[error("context not bundled, not fetched: {}", .0.join(", "))]
    UnknownContext(Vec<String>),
    #[error("the proof's @context is not a prefix of the document's @context")]
    ContextMismatch,
    #[error("refused (safe mode): {0}")]
    Unsafe(String),
    #[error("not valid JSON-LD: {0}")]
    JsonLd(String),
    #[error("canonicalization refused (possible dataset poisoning): {0}")]
    Poisoned(String),
    #[error("{0}")]
    Unportable(String),
}

impl DiError {
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
    pub doc_hash: [u8; 32],
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

/// The unsecured document as a view: the secured document without `proof`,
/// with `@context` replaced when the proof carries its own. Serialising this
/// for JCS avoids a deep copy of the whole credential (measured: the copy
/// was ~10% of an eddsa-jcs-2022 verification).
struct UnsecuredView<'a> {
    doc: &'a serde_json::Map<String, Value>,
    context: Option<&'a Value>,
}

impl serde::Serialize for UnsecuredView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (k, v) in self.doc {
            match (k.as_str(), self.context) {
                ("proof", _) => {}
                ("@context", Some(c)) => m.serialize_entry(k, c)?,
                _ => m.serialize_entry(k, v)?,
            }
        }
        m.end()
    }
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
    let vk = match verifying_key(&key.public_key) {
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
        let view = UnsecuredView { doc: doc_obj, context: options.get("@context") };
        let doc_canon = serde_json_canonicalizer::to_string(&view).map_err(|e| DiError::Unportable(format!("JCS failed: {e}")))?;
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

/// Decompressing an Ed25519 point costs about as much as a fifth of a
/// verification; a wallet checks many credentials of few issuers, so each
/// thread keeps the last few keys it decompressed.
fn verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey, ed25519_dalek::SignatureError> {
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<([u8; 32], VerifyingKey)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(k) = KEYS.with(|c| c.borrow().iter().find(|(b, _)| b == bytes).map(|(_, k)| *k)) {
        return Ok(k);
    }
    let k = VerifyingKey::from_bytes(bytes)?;
    KEYS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 32 {
            c.remove(0);
        }
        c.push((*bytes, k));
    });
    Ok(k)
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
    serde_json_canonicalizer::to_string(v).map_err(|e| DiError::Unportable(format!("JCS failed: {e}")))
}

// --- RDFC path --------------------------------------------------------------

const KEYWORDS: &[&str] = &[
    "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
    "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
    "@value", "@version", "@vocab",
];

/// The keywords that may be keys of a node, value, list, set or map object in
/// a document body. Others (`@vocab`, `@base`, `@protected`, `@version`,
/// `@propagate`, `@import`, `@prefix`, `@container`, framing keywords, or any
/// other `@…`) are context keywords or none at all: JSON-LD ignores them
/// there (jsonld.js refuses `@propagate` and `@import` in safe mode as
/// `invalid property`; the rest it drops silently), so no signature covers them.
const NODE_KEYWORDS: &[&str] =
    &["@context", "@id", "@type", "@graph", "@included", "@index", "@list", "@set", "@value", "@language", "@direction", "@nest", "@reverse", "@none"];

/// Walk the JSON: collect context URLs that are not bundled, and everything
/// JSON-LD would drop or refuse in jsonld.js safe mode that the RDF output
/// cannot show (see "Safe mode" in the module docs): keys of keyword form that
/// are not keywords, `@direction`, `@language` tags ([`check_language`]),
/// `null` members and array items (outside `@context` and `@json` values),
/// `@id` values of keyword form, objects with only `@language`, free-floating
/// values in graph containers (`@graph`, `proof`, `verifiableCredential`:
/// empty objects, objects with only `@id`, bare strings), and inline
/// contexts that map a term to `null` or to a blank node (a property that
/// would be dropped, or become a blank-node predicate).
fn precheck(v: &Value, missing: &mut Vec<String>, unsafe_: &mut Vec<String>, unportable: &mut Vec<String>) {
    let mut w = Precheck { missing, unsafe_, unportable, terms: body_terms() };
    w.value(v, None);
}

/// Term names the bundled contexts give special meaning the JSON walk needs:
/// `@json` literals (whose `null`s are data) and `@graph` containers (whose
/// free-floating members JSON-LD drops).
struct BodyTerms {
    json: std::collections::HashSet<String>,
    graph: std::collections::HashSet<String>,
}

fn body_terms() -> &'static BodyTerms {
    static TERMS: std::sync::OnceLock<BodyTerms> = std::sync::OnceLock::new();
    TERMS.get_or_init(|| {
        fn walk(v: &Value, t: &mut BodyTerms) {
            match v {
                Value::Object(o) => {
                    for (k, def) in o {
                        if let Value::Object(d) = def {
                            if d.get("@type").and_then(Value::as_str) == Some("@json") {
                                t.json.insert(k.clone());
                            }
                            let graph = match d.get("@container") {
                                Some(Value::String(s)) => s == "@graph",
                                Some(Value::Array(a)) => a.iter().any(|c| c.as_str() == Some("@graph")),
                                _ => false,
                            };
                            if graph {
                                t.graph.insert(k.clone());
                            }
                        }
                        walk(def, t);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, t)),
                _ => {}
            }
        }
        let mut t = BodyTerms { json: Default::default(), graph: Default::default() };
        t.graph.insert("@graph".into());
        for url in contexts::bundled_urls() {
            if let Some(Ok(v)) = contexts::get(url).map(serde_json::from_str::<Value>) {
                walk(&v, &mut t);
            }
        }
        t
    })
}

struct Precheck<'a> {
    missing: &'a mut Vec<String>,
    unsafe_: &'a mut Vec<String>,
    unportable: &'a mut Vec<String>,
    terms: &'static BodyTerms,
}

impl Precheck<'_> {
    fn refuse(&mut self, why: String) {
        if self.unsafe_.len() < 8 && !self.unsafe_.contains(&why) {
            self.unsafe_.push(why);
        }
    }

    /// A value of the document body; `key` is the member it is the value of.
    fn value(&mut self, v: &Value, key: Option<&str>) {
        match v {
            Value::Null => {
                let at = key.map(|k| format!(" in `{k}`")).unwrap_or_default();
                self.refuse(format!("a `null` value{at} (JSON-LD drops it, so no signature covers it)"));
            }
            Value::Object(o) => self.object(o),
            Value::Array(a) => a.iter().for_each(|x| self.value(x, key)),
            _ => {}
        }
    }

    fn object(&mut self, o: &Map<String, Value>) {
        // A value object `{"@value": …, "@type": "@json"}` holds JSON data.
        let json_literal = o.get("@type").and_then(Value::as_str) == Some("@json");
        let only_language = !o.is_empty() && o.keys().all(|k| k == "@language");
        if only_language {
            self.refuse("an object with only `@language` (JSON-LD drops it)".into());
        }
        if o.contains_key("@value") {
            if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "@value" | "@type" | "@language" | "@direction" | "@index" | "@context")) {
                self.refuse(format!("a value object (`@value`) with the member `{k}` (JSON-LD refuses it)"));
            }
        }
        for (k, val) in o {
            match k.as_str() {
                "@context" => {
                    self.context(val);
                    continue;
                }
                "@language" => match val {
                    Value::String(tag) => check_language(tag, self.unsafe_, self.unportable),
                    _ => self.refuse("an `@language` value that is not a string".into()),
                },
                "@none" if val.is_object() || val.is_array() => {
                    self.refuse("`@none` holding a node outside a map (JSON-LD would read it differently)".into())
                }
                "@direction" => {
                    self.refuse("`@direction` is not supported (its value would be dropped from the signed data)".into())
                }
                "@value" if json_literal => continue,
                "@id" | "id" => {
                    if let Value::String(s) = val {
                        if s.starts_with('@') && s.len() > 1 && s[1..].bytes().all(|b| b.is_ascii_alphabetic()) {
                            self.refuse(format!("`{k}` value `{s}` has the form of a keyword (JSON-LD drops it)"));
                        }
                    }
                }
                _ if k.starts_with('@') && !NODE_KEYWORDS.contains(&k.as_str()) => {
                    self.refuse(format!("key `{k}` is not a keyword of a node or value object and would be ignored"));
                }
                _ => {}
            }
            if self.terms.json.contains(k) {
                // `@json`-typed term: its value is a JSON literal, nulls included.
                continue;
            }
            if self.terms.graph.contains(k) {
                self.graph_members(k, val);
            }
            self.value(val, Some(k));
        }
    }

    /// Members of a graph container: JSON-LD drops empty objects, objects with
    /// only an `@id`, and bare strings (node references) there (jsonld.js
    /// events `empty object`, `object with only @id`, `free-floating scalar`).
    fn graph_members(&mut self, key: &str, v: &Value) {
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for item in items {
            let dropped = match item {
                Value::Object(o) => {
                    o.is_empty() || (o.len() == 1 && (o.contains_key("@id") || o.contains_key("id")))
                }
                Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
                _ => false,
            };
            if dropped {
                self.refuse(format!(
                    "a member of `{key}` that JSON-LD drops (an empty object, a reference with only an id, or a bare value)"
                ));
            }
        }
    }

    /// An `@context` value: note URLs that are not bundled; in inline
    /// contexts, refuse definitions that make JSON-LD drop a property (`term:
    /// null`, `@id: null`) or map it to a blank node, and keyword-like terms.
    fn context(&mut self, c: &Value) {
        match c {
            Value::String(u) => {
                if contexts::get(u).is_none() && !self.missing.contains(u) {
                    self.missing.push(u.clone());
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.context(x)),
            Value::Object(o) => {
                if let Some(i) = o.get("@import") {
                    self.context(i);
                }
                for (k, def) in o {
                    if k == "@import" {
                        continue;
                    }
                    if k.starts_with('@') && !KEYWORDS.contains(&k.as_str()) {
                        self.refuse(format!("context term `{k}` looks like a JSON-LD keyword and would be ignored"));
                    }
                    let id = match def {
                        Value::Object(d) => d.get("@id"),
                        other => Some(other),
                    };
                    let is_ctx_keyword = matches!(
                        k.as_str(),
                        "@base" | "@language" | "@direction" | "@propagate" | "@protected" | "@version" | "@import"
                    );
                    if let Value::Object(d) = def {
                        let maps = |c: &Value| {
                            matches!(c.as_str(), Some("@graph" | "@id" | "@type" | "@index" | "@language"))
                        };
                        let map_container = match d.get("@container") {
                            Some(Value::Array(a)) => a.iter().any(maps),
                            Some(c) => maps(c),
                            None => false,
                        };
                        if map_container {
                            self.refuse(format!(
                                "the inline context makes `{k}` a map or graph container (its keys can hide what JSON-LD drops; not supported)"
                            ));
                        }
                    }
                    match k.as_str() {
                        "@protected" if def == &Value::Bool(false) => self.refuse(
                            "an inline context with `@protected: false` (an attempt to redefine protected terms)".into(),
                        ),
                        "@language" => match def {
                            Value::String(tag) => check_language(tag, self.unsafe_, self.unportable),
                            Value::Null => {}
                            _ => self.refuse("a context `@language` that is not a string".into()),
                        },
                        "@direction" if !def.is_null() => self.refuse(
                            "a context `@direction` (it would change the signed strings; not supported)".into(),
                        ),
                        "@vocab" => match def {
                            Value::String(v) if v.starts_with("_:") => {}
                            Value::String(v) if oxrdf::NamedNode::new(v.as_str()).is_err() => {
                                self.refuse(format!("a context `@vocab` `{}` that is not an absolute IRI", v.escape_debug()))
                            }
                            _ => {}
                        },
                        _ => {}
                    }
                    match id {
                        Some(Value::Null) if !is_ctx_keyword => {
                            self.refuse(format!("the inline context maps `{k}` to null, so JSON-LD drops it"))
                        }
                        Some(Value::String(s)) if s.starts_with("_:") => {
                            self.refuse(format!("the inline context maps `{k}` to a blank node `{s}`"))
                        }
                        Some(Value::String(s))
                            if !is_ctx_keyword
                                && k != "@vocab"
                                && s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c)) =>
                        {
                            self.refuse(format!("the inline context maps `{k}` to `{}`, which is not an IRI", s.escape_debug()))
                        }
                        _ => {}
                    }
                    if let Value::Object(d) = def {
                        if let Some(Value::String(r)) = d.get("@reverse") {
                            if r.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c)) {
                                self.refuse(format!("the inline context maps `{k}` to `{}`, which is not an IRI", r.escape_debug()));
                            }
                        }
                    }
                    if let Value::Object(d) = def {
                        if let Some(sc) = d.get("@context") {
                            self.context(sc);
                        }
                    }
                }
            }
            Value::Null => self.refuse(
                "`@context: null` inside the document (it would hide terms JSON-LD drops)".into(),
            ),
            _ => {}
        }
    }
}

/// Language tags. jsonld.js lowercases every tag (as oxrdf does) and, in safe
/// mode, refuses one that does not match its `REGEX_BCP47`
/// (`/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/`, jsonld.js `lib/util.js`; event
/// `invalid @language value`): such a document is unsafe here too. A tag
/// jsonld.js accepts but oxrdf's stricter BCP 47 parser rejects (e.g. `x`)
/// would be silently dropped by oxjsonld, so that document cannot be checked.
fn check_language(tag: &str, unsafe_: &mut Vec<String>, unportable: &mut Vec<String>) {
    let subtag_ok = |s: &str, first: bool| {
        (1..=8).contains(&s.len()) && s.bytes().all(|b| if first { b.is_ascii_alphabetic() } else { b.is_ascii_alphanumeric() })
    };
    let mut parts = tag.split('-');
    let valid = parts.next().is_some_and(|p| subtag_ok(p, true)) && parts.all(|p| subtag_ok(p, false));
    if !valid {
        unsafe_.push(format!("invalid @language value `{tag}` (jsonld.js refuses it in safe mode)"));
    } else if oxrdf::Literal::new_language_tagged_literal("", tag).is_err() {
        unportable.push(tag.to_string());
    }
}

/// Whether [`rdfc`] tries the fast toRDF path ([`super::fastld`]) first.
const FAST_PATH: bool = true;

/// Which toRDF path [`rdfc_with`] uses (for the differential tests).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfPath {
    /// As verification does: fast path first, general path when it declines.
    Auto,
    /// oxjsonld only.
    General,
    /// The fast path only: `Ok(None)` when it declines.
    FastOnly,
}

/// Canonical N-Quads of a JSON-LD document (with its `@context`) by the
/// chosen path; `Ok(None)` only for [`RdfPath::FastOnly`] when it declines.
#[doc(hidden)]
pub fn rdfc_with(doc: &Value, path: RdfPath) -> Result<Option<String>, DiError> {
    match path {
        RdfPath::Auto => rdfc(doc).map(Some),
        RdfPath::General => rdfc_general(doc, false).map(Some),
        RdfPath::FastOnly => {
            prechecked(doc)?;
            match super::fastld::to_rdf(doc) {
                Ok(q) => super::canon::canonicalize(q).map(Some).map_err(|super::canon::Poisoned(m)| DiError::Poisoned(m)),
                Err(_) => Ok(None),
            }
        }
    }
}

/// JSON-LD → RDF → RDFC-1.0 canonical N-Quads ([`super::canon`]): the fast
/// path for documents it handles, else the general one.
fn rdfc(doc: &Value) -> Result<String, DiError> {
    rdfc_general(doc, FAST_PATH)
}

fn prechecked(doc: &Value) -> Result<(), DiError> {
    let (mut missing, mut unsafe_, mut unportable) = (vec![], vec![], vec![]);
    precheck(doc, &mut missing, &mut unsafe_, &mut unportable);
    if !missing.is_empty() {
        return Err(DiError::UnknownContext(missing));
    }
    if !unsafe_.is_empty() {
        return Err(DiError::Unsafe(unsafe_.join("; ")));
    }
    if !unportable.is_empty() {
        return Err(DiError::Unportable(format!(
            "language tag(s) {} are accepted by jsonld.js but not by our RDF stack",
            unportable.join(", ")
        )));
    }
    empty_arrays_are_defined(doc)
}

/// An empty array emits no statement, so the sentinel `@vocab` never sees
/// the term holding it: `"eqfLevel": []` of an undefined term would pass
/// while jsonld.js refuses it (`invalid property`). When the body has empty
/// arrays, a probe copy with each replaced by an IRI string is converted
/// too, and an undefined term there refuses the document. Costs a second
/// conversion only for documents with empty arrays.
fn empty_arrays_are_defined(doc: &Value) -> Result<(), DiError> {
    fn empty(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.iter().all(empty),
            Value::Object(o) => o.len() == 1 && o.get("@set").is_some_and(empty),
            _ => false,
        }
    }
    fn probe(v: &mut Value, terms: &BodyTerms) -> bool {
        let mut any = false;
        match v {
            Value::Object(o) => {
                for (k, val) in o.iter_mut() {
                    if k == "@context" || terms.json.contains(k) || k.starts_with('@') {
                        if k != "@context" && !terms.json.contains(k) {
                            any |= probe(val, terms);
                        }
                        continue;
                    }
                    if empty(val) {
                        *val = Value::String("urn:x-backpack:empty-probe".into());
                        any = true;
                    } else {
                        any |= probe(val, terms);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| any |= probe(x, terms)),
            _ => {}
        }
        any
    }
    let mut p = doc.clone();
    if !probe(&mut p, body_terms()) {
        return Ok(());
    }
    match rdfc_general(&p, true) {
        Err(DiError::Unsafe(m)) if m.contains("is not defined") => Err(DiError::Unsafe(format!(
            "an empty array in a term the contexts do not define ({m})"
        ))),
        _ => Ok(()),
    }
}

/// JSON-LD → RDF (oxjsonld, bundled contexts only, safe mode) → RDFC-1.0
/// canonical N-Quads ([`super::canon`]); with `fast`, the fast toRDF path is
/// tried first (after the same prechecks).
fn rdfc_general(doc: &Value, fast: bool) -> Result<String, DiError> {
    prechecked(doc)?;
    if fast {
        if let Ok(q) = super::fastld::to_rdf(doc) {
            return super::canon::canonicalize(q).map_err(|super::canon::Poisoned(m)| DiError::Poisoned(m));
        }
    }

    // Native numbers → markers (see "Numbers" in the module docs).
    let mut markers = NumberMarkers::default();
    let mut probe = doc.as_object().cloned().unwrap_or_default();
    for (k, v) in probe.iter_mut() {
        if k != "@context" {
            markers.mark(v)?;
        }
    }
    // Prepend the sentinel @vocab (see the module docs).
    let ctx = probe.remove("@context").unwrap_or(Value::Null);
    let mut list = vec![serde_json::json!({ "@vocab": UNDEFINED_TERM_VOCAB })];
    match ctx {
        Value::Array(a) => list.extend(a),
        Value::Null => return Err(DiError::JsonLd("the document has no @context".into())),
        other => list.push(other),
    }
    // Keep @context first, as in the original (order does not matter to
    // JSON-LD, but it keeps error positions readable).
    let mut ordered = Map::new();
    ordered.insert("@context".into(), Value::Array(list));
    ordered.extend(probe);
    let bytes = serde_json::to_vec(&Value::Object(ordered)).map_err(|e| DiError::JsonLd(e.to_string()))?;

    let not_bundled: Arc<Mutex<Vec<String>>> = Arc::default();
    let nb = not_bundled.clone();
    let parser = oxjsonld::JsonLdParser::new()
        .with_base_iri(RELATIVE_IRI_BASE)
        .map_err(|e| DiError::JsonLd(e.to_string()))?
        .for_slice(&bytes)
        .with_load_document_callback(move |url, _opts| match contexts::get(url) {
            Some(doc) => Ok(oxjsonld::JsonLdRemoteDocument { document: doc.as_bytes().to_vec(), document_url: url.to_string() }),
            None => {
                if let Ok(mut m) = nb.lock() {
                    m.push(url.to_string());
                }
                Err(format!("context {url} is not bundled").into())
            }
        });
    let mut quads = Vec::new();
    let mut first_error = None;
    for q in parser {
        match q {
            Ok(q) => quads.push(q),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e.to_string());
                }
            }
        }
    }
    let nb = not_bundled.lock().map(|m| m.clone()).unwrap_or_default();
    if !nb.is_empty() {
        return Err(DiError::UnknownContext(nb));
    }
    if let Some(e) = first_error {
        return Err(DiError::JsonLd(e));
    }
    dropped_by_strict(&bytes, quads.len())?;

    // Safe mode: sentinel IRIs mark what plain JSON-LD would have dropped.
    let mut dropped: Vec<String> = Vec::new();
    let mut note = |iri: &str| {
        let msg = if let Some(t) = iri.strip_prefix(UNDEFINED_TERM_VOCAB) {
            Some(format!("term `{t}` is not defined by the credential's contexts"))
        } else {
            iri.strip_prefix(RELATIVE_IRI_BASE).map(|r| format!("relative IRI `{r}`"))
        };
        if let Some(m) = msg {
            if !dropped.contains(&m) {
                dropped.push(m);
            }
        }
    };
    for q in &quads {
        if let oxrdf::NamedOrBlankNode::NamedNode(n) = &q.subject {
            note(n.as_str());
        }
        note(q.predicate.as_str());
        match &q.object {
            oxrdf::Term::NamedNode(n) => note(n.as_str()),
            oxrdf::Term::Literal(l) => note(l.datatype().as_str()),
            _ => {}
        }
        if let oxrdf::GraphName::NamedNode(n) = &q.graph_name {
            note(n.as_str());
        }
    }
    if !dropped.is_empty() {
        dropped.truncate(5);
        return Err(DiError::Unsafe(format!(
            "{}; JSON-LD would drop this data, so no signature covers it",
            dropped.join("; ")
        )));
    }
    let quads = markers.restore(quads)?;
    canonicalize(&quads)
}

/// Safe mode for what oxjsonld drops *without a trace*: an `@id`, `@type` or
/// IRI-valued property that is not a valid IRI (`urn:fake y`, or with NUL,
/// `<`, `"`), an invalid blank node label, a language tag oxrdf refuses. The
/// strict parser silently leaves out every quad with such a term, so a signed
/// credential with an injected node of that kind would still verify. The
/// lenient parser keeps those quads with the terms unchecked: the same bytes
/// parsed leniently give more quads exactly when something was dropped. Only
/// the general path pays this second parse (the fast path declines any
/// invalid IRI and lands here).
fn dropped_by_strict(bytes: &[u8], strict_count: usize) -> Result<(), DiError> {
    let parser = oxjsonld::JsonLdParser::new()
        .lenient()
        .with_base_iri(RELATIVE_IRI_BASE)
        .map_err(|e| DiError::JsonLd(e.to_string()))?
        .for_slice(bytes)
        .with_load_document_callback(|url, _opts| match contexts::get(url) {
            Some(doc) => Ok(oxjsonld::JsonLdRemoteDocument { document: doc.as_bytes().to_vec(), document_url: url.to_string() }),
            None => Err(format!("context {url} is not bundled").into()),
        });
    let mut count = 0usize;
    let mut bad: Vec<String> = Vec::new();
    let mut note = |what: String| {
        if bad.len() < 5 && !bad.contains(&what) {
            bad.push(what);
        }
    };
    let show = |s: &str| s.escape_debug().to_string();
    for q in parser.flatten() {
        count += 1;
        let named = |n: &oxrdf::NamedNode| oxrdf::NamedNode::new(n.as_str()).is_err();
        let blank = |b: &oxrdf::BlankNode| oxrdf::BlankNode::new(b.as_str()).is_err();
        match &q.subject {
            oxrdf::NamedOrBlankNode::NamedNode(n) if named(n) => note(format!("invalid IRI `{}`", show(n.as_str()))),
            oxrdf::NamedOrBlankNode::BlankNode(b) if blank(b) => {
                note(format!("invalid blank node `_:{}`", show(b.as_str())))
            }
            _ => {}
        }
        if named(&q.predicate) {
            note(format!("invalid property IRI `{}`", show(q.predicate.as_str())));
        }
        match &q.object {
            oxrdf::Term::NamedNode(n) if named(n) => note(format!("invalid IRI `{}`", show(n.as_str()))),
            oxrdf::Term::BlankNode(b) if blank(b) => note(format!("invalid blank node `_:{}`", show(b.as_str()))),
            oxrdf::Term::Literal(l) => {
                if oxrdf::NamedNode::new(l.datatype().as_str()).is_err() {
                    note(format!("invalid datatype IRI `{}`", show(l.datatype().as_str())));
                }
                if let Some(tag) = l.language() {
                    if oxrdf::Literal::new_language_tagged_literal("", tag).is_err() {
                        note(format!("invalid language tag `{}`", show(tag)));
                    }
                }
            }
            _ => {}
        }
        if let oxrdf::GraphName::NamedNode(n) = &q.graph_name {
            if named(n) {
                note(format!("invalid graph IRI `{}`", show(n.as_str())));
            }
        }
    }
    if count != strict_count || !bad.is_empty() {
        if bad.is_empty() {
            bad.push(format!("{} statement(s) that are not valid RDF", count.abs_diff(strict_count)));
        }
        return Err(DiError::Unsafe(format!(
            "{}; JSON-LD would drop this data, so no signature covers it",
            bad.join("; ")
        )));
    }
    Ok(())
}

const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// The general path's number handling (module docs, "Numbers"): native numbers
/// are swapped for markers before oxjsonld runs, and the literals it makes of
/// them are rewritten with jsonld.js's rule afterwards.
///
/// Marker `i` has the digits `7304958` + `i` in five digits + `1` (13 digits,
/// last digit non-zero so no form strips zeros). A number jsonld.js treats as
/// an integer becomes that integer: oxjsonld writes it as is, or as
/// `7.304958…1E12` under `xsd:double` coercion. A number jsonld.js treats as a
/// double becomes that digit string × 10^30: oxjsonld writes `7.304958…1E42`
/// with `xsd:double` unless coerced. Either way the literal's datatype is the
/// coerced one or the one jsonld.js would pick itself, so
/// `js_number_literal(original, datatype)` gives jsonld.js's literal.
#[derive(Default)]
struct NumberMarkers {
    originals: Vec<f64>,
    /// A string value that looks like a marker literal (then a coerced string
    /// could be taken for a number).
    collision: bool,
}

const MARKER_HEAD: &str = "7304958";
const MARKER_LIMIT: usize = 100_000;

impl NumberMarkers {
    fn digits(i: usize) -> String {
        format!("{MARKER_HEAD}{i:05}1")
    }

    /// Replace every number in `v` (not under `@context`) by its marker.
    fn mark(&mut self, v: &mut Value) -> Result<(), DiError> {
        match v {
            Value::Number(n) => {
                let i = self.originals.len();
                if i >= MARKER_LIMIT {
                    return Err(DiError::Unportable("too many numbers in one document".into()));
                }
                let x = n.as_f64().ok_or_else(|| DiError::Unportable(format!("number {n}")))?;
                self.originals.push(x);
                let d = Self::digits(i);
                *v = if super::fastld::js_number_literal(x, None).1 == super::fastld::XSD_INTEGER {
                    Value::Number(d.parse::<u64>().map_err(|e| DiError::Unportable(e.to_string()))?.into())
                } else {
                    let f: f64 = format!("{}.{}e42", &d[..1], &d[1..]).parse().map_err(|_| DiError::Unportable(d.clone()))?;
                    serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| DiError::Unportable(d.clone()))?
                };
            }
            // Other strings fall to `_ => {}` below.
            Value::String(s) if Self::index_of(s).is_some() => self.collision = true,
            Value::Array(a) => {
                for x in a {
                    self.mark(x)?;
                }
            }
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if k != "@context" {
                        self.mark(x)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The marker index of a literal's lexical form (any of the forms oxjsonld writes).
    fn index_of(lex: &str) -> Option<usize> {
        if !lex.starts_with('7') {
            return None;
        }
        let digits = if let Some(m) = lex.strip_suffix("E12").or_else(|| lex.strip_suffix("E42")) {
            let m = m.strip_prefix("7.")?;
            format!("7{m}")
        } else {
            lex.to_string()
        };
        let body = digits.strip_prefix(MARKER_HEAD)?.strip_suffix('1')?;
        (body.len() == 5 && body.bytes().all(|b| b.is_ascii_digit())).then(|| body.parse().ok()).flatten()
    }

    /// The marker index of a number inside a JSON literal.
    fn index_of_number(n: &serde_json::Number) -> Option<usize> {
        if let Some(u) = n.as_u64() {
            return Self::index_of(&u.to_string());
        }
        let f = n.as_f64()?;
        let s = format!("{f:e}");
        Self::index_of(&s.replace('e', "E"))
    }

    fn original(&self, i: usize) -> Result<f64, DiError> {
        self.originals.get(i).copied().ok_or_else(|| DiError::Unportable(format!("number marker {i} not found back")))
    }

    /// Put the numbers back into the JSON value of an `rdf:JSON` literal.
    fn restore_json(&self, v: &mut Value) -> Result<(), DiError> {
        match v {
            Value::Number(n) => {
                let i = Self::index_of_number(n).ok_or_else(|| DiError::Unportable(format!("number {n} in a JSON literal")))?;
                let x = self.original(i)?;
                *v = serde_json::Number::from_f64(x).map(Value::Number).ok_or_else(|| DiError::Unportable(x.to_string()))?;
            }
            Value::Array(a) => a.iter_mut().try_for_each(|x| self.restore_json(x))?,
            Value::Object(o) => o.values_mut().try_for_each(|x| self.restore_json(x))?,
            _ => {}
        }
        Ok(())
    }

    /// Rewrite the literals made from markers with jsonld.js's rule, and
    /// `rdf:JSON` literals as JCS (UTF-16 key order, ECMAScript numbers).
    fn restore(&self, quads: Vec<oxrdf::Quad>) -> Result<Vec<oxrdf::Quad>, DiError> {
        if self.collision && !self.originals.is_empty() {
            return Err(DiError::Unportable(
                "a string value looks like an internal number marker; its canonical form cannot be traced".into(),
            ));
        }
        let mut seen = vec![false; self.originals.len()];
        let mut out = Vec::with_capacity(quads.len());
        for mut q in quads {
            if let oxrdf::Term::Literal(l) = &q.object {
                let dt = l.datatype().as_str();
                if dt == RDF_JSON {
                    let mut v: Value =
                        serde_json::from_str(l.value()).map_err(|e| DiError::JsonLd(format!("JSON literal: {e}")))?;
                    self.restore_json(&mut v)?;
                    let text = jcs(&v)?;
                    q.object = oxrdf::Literal::new_typed_literal(text, oxrdf::NamedNode::new_unchecked(RDF_JSON)).into();
                } else if l.language().is_none() && !self.originals.is_empty() {
                    if let Some(i) = Self::index_of(l.value()) {
                        let x = self.original(i)?;
                        if let Some(s) = seen.get_mut(i) {
                            *s = true;
                        }
                        let (lex, dt) = super::fastld::js_number_literal(x, Some(dt));
                        let dt = oxrdf::NamedNode::new_unchecked(dt);
                        q.object = oxrdf::Literal::new_typed_literal(lex, dt).into();
                    }
                }
            }
            out.push(q);
        }
        Ok(out)
    }
}

/// RDFC-1.0 (SHA-256) canonical N-Quads with our own canonicaliser
/// ([`super::canon`]; why not sophia_c14n is explained there), whose limits
/// refuse poisoned datasets (→ invalid).
fn canonicalize(quads: &[oxrdf::Quad]) -> Result<String, DiError> {
    use super::canon::{self, Term};
    use std::sync::Arc;
    let mut bnodes: HashMap<String, u32> = HashMap::new();
    let mut blank = |b: &oxrdf::BlankNode| -> Term {
        let n = bnodes.len() as u32;
        Term::Blank(*bnodes.entry(b.as_str().to_string()).or_insert(n))
    };
    let named = |n: &oxrdf::NamedNode| -> Arc<str> { canon::iri(n.as_str()) };
    let mut out = Vec::with_capacity(quads.len());
    for q in quads {
        let s = match &q.subject {
            oxrdf::NamedOrBlankNode::NamedNode(n) => Term::Text(named(n)),
            oxrdf::NamedOrBlankNode::BlankNode(b) => blank(b),
        };
        let o = match &q.object {
            oxrdf::Term::NamedNode(n) => Term::Text(named(n)),
            oxrdf::Term::BlankNode(b) => blank(b),
            oxrdf::Term::Literal(l) => Term::Text(canon::literal(l.value(), l.datatype().as_str(), l.language())),
        };
        let g = match &q.graph_name {
            oxrdf::GraphName::DefaultGraph => None,
            oxrdf::GraphName::NamedNode(n) => Some(Term::Text(named(n))),
            oxrdf::GraphName::BlankNode(b) => Some(blank(b)),
        };
        out.push(canon::Quad { s, p: named(&q.predicate), o, g });
    }
    canon::canonicalize(out).map_err(|canon::Poisoned(m)| DiError::Poisoned(m))
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
    fn number_markers_round_trip() {
        for i in [0, 1, 10, 99_999] {
            let d = NumberMarkers::digits(i);
            assert_eq!(NumberMarkers::index_of(&d), Some(i));
            assert_eq!(NumberMarkers::index_of(&format!("7.{}E12", &d[1..])), Some(i));
            assert_eq!(NumberMarkers::index_of(&format!("7.{}E42", &d[1..])), Some(i));
            let f: f64 = format!("7.{}e42", &d[1..]).parse().unwrap();
            assert_eq!(NumberMarkers::index_of_number(&serde_json::Number::from_f64(f).unwrap()), Some(i));
        }
        assert_eq!(NumberMarkers::index_of("7304958000001"), Some(0));
        assert_eq!(NumberMarkers::index_of("73049580000010"), None);
        assert_eq!(NumberMarkers::index_of("7.5E0"), None);
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
