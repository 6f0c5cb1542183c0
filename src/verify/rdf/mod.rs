//! JSON-LD → RDF → RDFC-1.0 canonical N-Quads: the one home of the
//! transformation every RDFC proof hashes ([`rdfc`]).
//!
//! - [`fast`]: the fast toRDF path for documents whose contexts are all
//!   bundled (every context compiled once per process); it declines anything
//!   else and the general path takes over.
//! - `general`: the general toRDF path (oxjsonld) with jsonld.js's number rules.
//! - `safe`: safe mode, the checks that refuse a document JSON-LD would
//!   silently change (run before either path).
//! - [`canon`]: RDFC-1.0, written to match rdf-canonize where the crates differ.
//!
//! Nothing here knows about proofs or keys: [`super::dataintegrity`] calls
//! [`rdfc`] and maps [`RdfError`] onto its proof outcomes.
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
//!    missing something the JSON shows (`safe::dropped_by_strict`; general path
//!    only: the fast path declines every invalid IRI);
//! 3. the rest of jsonld.js's safe-mode events are found by walking the JSON
//!    (`safe::precheck`): keys of keyword form that are not keywords, `@direction`
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
//! (`fast::js_number_literal`: `1e20` → `"100000000000000000000"`,
//! `1e-7` → `"0"`, `0.30000000000000004` → `"3.0E-1"`), an `@json` value into
//! the JCS text of the value, and lowercases language tags. We do the same:
//!
//! * JCS: [`super::jcs`] writes every number (u64 and i64 too) as the
//!   ECMAScript form of the double and sorts keys by UTF-16 code units.
//! * RDFC, fast path: [`fast`] applies jsonld.js's rule to the double.
//! * RDFC, general path (oxjsonld, whose number rule follows the JSON text and
//!   differs): every native number outside `@context` is replaced by a
//!   *marker* number with a unique digit string (`general::NumberMarkers`); oxjsonld
//!   carries the term's datatype coercion onto the marker's literal, and the
//!   literal is then rewritten with jsonld.js's rule from the original double
//!   and that datatype. `rdf:JSON` literals are parsed, their markers put back,
//!   and written again as JCS (oxjsonld sorts keys by code point, not UTF-16).
//!   If a string value of the document could be mistaken for a marker, or a
//!   marker is not found back, the proof is "could not check"
//!   (`unportable-value`): never a guessed verdict.
//! * Language tags: oxrdf lowercases them as jsonld.js does; tags jsonld.js
//!   refuses in safe mode are unsafe here, and the few it accepts that oxrdf
//!   would drop are "could not check" (`safe::check_language`).
//!
//! tests/fixtures/js-numbers holds credentials signed by jsonld.js and
//! `canonicalize` with their canonical forms; tests/verify_js_numbers.rs
//! checks ours against them byte for byte.

pub mod canon;
pub mod fast;
mod general;
mod safe;

use serde_json::Value;
use thiserror::Error;

/// `@vocab` prepended in safe mode; an IRI starting with it is an undefined term.
pub const UNDEFINED_TERM_VOCAB: &str = "urn:x-backpack:undefined-term:";
/// Base IRI used in safe mode; an IRI starting with it was a relative reference.
pub const RELATIVE_IRI_BASE: &str = "https://relative-iri.backpack.invalid/";

/// Why a document could not be turned into canonical N-Quads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RdfError {
    /// Contexts that are not bundled (never fetched).
    #[error("context not bundled, not fetched: {}", .0.join(", "))]
    UnknownContext(Vec<String>),
    /// Safe mode refused the document: JSON-LD would drop or could not represent something.
    #[error("refused (safe mode): {0}")]
    Unsafe(String),
    /// Not valid JSON-LD.
    #[error("not valid JSON-LD: {0}")]
    JsonLd(String),
    /// A dataset built to blow up canonicalization.
    #[error("canonicalization refused (possible dataset poisoning): {0}")]
    Poisoned(String),
    /// Valid, but not something our stack can reproduce exactly as the JavaScript signers do.
    #[error("{0}")]
    Unportable(String),
}

/// JCS (RFC 8785) text of a value, as the JavaScript signers write it.
pub fn jcs(v: &Value) -> Result<String, RdfError> {
    Ok(super::jcs::to_string(v))
}

/// Whether [`rdfc`] tries the fast toRDF path ([`fast`]) first.
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
pub fn rdfc_with(doc: &Value, path: RdfPath) -> Result<Option<String>, RdfError> {
    match path {
        RdfPath::Auto => convert(doc, FAST_PATH).map(Some),
        RdfPath::General => convert(doc, false).map(Some),
        RdfPath::FastOnly => {
            prechecked(doc)?;
            match fast::to_rdf(doc) {
                Ok(q) => canon::canonicalize(q).map(Some).map_err(|canon::Poisoned(m)| RdfError::Poisoned(m)),
                Err(_) => Ok(None),
            }
        }
    }
}

/// JSON-LD → RDF → RDFC-1.0 canonical N-Quads ([`canon`]), safe mode first:
/// the fast path for documents it handles, else the general one.
pub fn rdfc(doc: &Value) -> Result<String, RdfError> {
    convert(doc, FAST_PATH)
}

fn convert(doc: &Value, fast: bool) -> Result<String, RdfError> {
    prechecked(doc)?;
    if fast {
        if let Ok(q) = fast::to_rdf(doc) {
            return canon::canonicalize(q).map_err(|canon::Poisoned(m)| RdfError::Poisoned(m));
        }
    }
    general::rdfc_general(doc)
}

/// Safe mode's JSON checks, then the empty-array probe: a probe copy (empty
/// arrays replaced by an IRI) is converted too, and an undefined term there
/// refuses the document ([`safe::empty_array_probe`]).
fn prechecked(doc: &Value) -> Result<(), RdfError> {
    safe::prechecked(doc)?;
    if let Some(p) = safe::empty_array_probe(doc) {
        if let Err(RdfError::Unsafe(m)) = convert(&p, true) {
            if m.contains("is not defined") {
                return Err(RdfError::Unsafe(format!("an empty array in a term the contexts do not define ({m})")));
            }
        }
    }
    Ok(())
}
