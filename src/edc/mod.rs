//! Europass Digital Credentials (EDC): checking their qualified e-seals.
//!
//! - [`trust`]: the EU trusted lists (LOTL and member-state TLs, ETSI TS 119 612):
//!   is a seal's or timestamp's issuing CA a qualified trust service, granted at the signing time.
//! - [`xmldsig`]: the XML tree, canonicalization and XML-DSig verification the trusted lists need.

pub mod trust;
pub mod xmldsig;
