//! Verification: signatures, keys, dates and status, reported check by check.
//!
//! The verifier never touches the network unless the caller passes a fetcher,
//! and never fetches a JSON-LD context at all (contexts are bundled).

pub mod report;

pub use report::{Check, Outcome, Report, Verdict};
