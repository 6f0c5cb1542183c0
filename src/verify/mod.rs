//! Verification: signatures, keys, dates and status, reported check by check.
//!
//! The verifier never touches the network unless the caller passes a fetcher,
//! and never fetches a JSON-LD context at all (contexts are bundled).
//!
//! - [`engine`]: runs every check on one credential and builds the [`Report`].
//! - [`dataintegrity`]: Data Integrity proofs (eddsa-rdfc-2022, eddsa-jcs-2022,
//!   Ed25519Signature2020), with [`contexts`] (the bundled set) and [`didkey`].
//! - [`rdf`]: JSON-LD → RDF (fast path, general path, safe mode) → RDFC-1.0;
//!   [`jcs`]: RFC 8785 JSON canonicalization.
//! - [`jws`]: VC-JWT and OB 2.0 signed badges. [`status`]: status and revocation
//!   lists. [`schema`]: the data model's required structure. [`sign`]: signing.
//! - [`checks`]: what credentials and presentations share (options, contexts,
//!   dates, a proof's `expires`).
//! - [`edc`]: Europass Digital Credentials: shape, the JAdES e-seal, dates.
//! - [`presentation`]: holder-signed Verifiable Presentations and the
//!   credentials inside them.

pub mod checks;
pub mod contexts;
pub mod dataintegrity;
pub mod didkey;
pub mod edc;
pub mod engine;
pub mod jcs;
pub mod jws;
pub mod presentation;
pub mod rdf;
pub mod report;
pub mod schema;
pub mod sign;
pub mod status;

pub use checks::{Expect, VerifyOptions};
pub use engine::verify_parsed;

use import::Input;

use crate::import;

/// Verify one input (file, URL or text). A file that is not a credential
/// gets a report whose `format` check failed. A Verifiable Presentation is
/// verified as one ([`presentation`]), expecting no challenge or domain.
pub fn verify_input(input: &Input, opts: &VerifyOptions) -> Report {
    verify_input_expecting(input, opts, &Expect::default())
}

/// [`verify_input`], with the challenge and domain a presentation's holder
/// proof must carry (a plain credential has neither and ignores them). The
/// credential engine is given the presentation verifier to try on what is
/// not a badge: the one place that knows both.
pub fn verify_input_expecting(input: &Input, opts: &VerifyOptions, expect: &Expect) -> Report {
    let as_presentation = |i: &Input| presentation::read(i).map(|vp| presentation::verify(&vp, opts, expect));
    engine::verify_input_with(input, opts, Some(&as_presentation))
}
pub use report::{Check, Outcome, Report, Verdict};
