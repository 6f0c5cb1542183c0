//! Verification: signatures, keys, dates and status, reported check by check.
//!
//! The verifier never touches the network unless the caller passes a fetcher,
//! and never fetches a JSON-LD context at all (contexts are bundled).
//!
//! - [`engine`]: runs every check on one credential and builds the [`Report`].
//! - [`dataintegrity`]: Data Integrity proofs (eddsa-rdfc-2022, eddsa-jcs-2022,
//!   Ed25519Signature2020), with [`contexts`] (the bundled set) and [`didkey`].
//! - [`jws`]: VC-JWT and OB 2.0 signed badges. [`status`]: status and revocation
//!   lists. [`schema`]: the data model's required structure. [`sign`]: signing.
//! - [`presentation`]: holder-signed Verifiable Presentations and the
//!   credentials inside them.

pub mod canon;
pub mod contexts;
pub mod fastld;
pub mod dataintegrity;
pub mod didkey;
pub mod engine;
pub mod jws;
pub mod presentation;
pub mod report;
pub mod schema;
pub mod sign;
pub mod status;

pub use engine::{verify_input, verify_input_expecting, verify_parsed, VerifyOptions};
pub use presentation::Expect;
pub use report::{Check, Outcome, Report, Verdict};
