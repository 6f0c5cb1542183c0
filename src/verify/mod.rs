//! Verification: signatures, keys, dates and status, reported check by check.
//!
//! The verifier never touches the network unless the caller passes a fetcher,
//! and never fetches a JSON-LD context at all (contexts are bundled).

pub mod contexts;
pub mod dataintegrity;
pub mod didkey;
pub mod report;

pub use report::{Check, Outcome, Report, Verdict};
pub mod jws;
pub mod status;
pub mod engine;

pub use engine::{verify_input, verify_parsed, VerifyOptions};
pub mod schema;
