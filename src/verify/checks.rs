//! The checks a credential and a presentation share: verification options,
//! what a presentation's proof must be bound to, the bundled-contexts check,
//! dates (with clock-skew leeway) and a proof's `expires`. Both
//! [`super::engine`] and [`super::presentation`] use these; neither uses the
//! other's internals.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::contexts;
use super::report::{self, Check};
use crate::import::json::list;
use crate::import::Fetcher;

/// How a verification may behave.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Client for DID documents, keys, status lists and hosted assertions; `None` = offline.
    pub fetcher: Option<Fetcher>,
    /// The moment dates are checked against.
    pub now: DateTime<Utc>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions { fetcher: None, now: Utc::now() }
    }
}

/// What the verifier expects the holder's proof to be bound to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    /// The challenge (nonce) the verifier gave the holder.
    pub challenge: Option<String>,
    /// The domain the presentation is meant for.
    pub domain: Option<String>,
}

/// The `contexts` check: every `@context` URL is in the bundled set (none is ever fetched).
pub fn contexts_check(doc: &Value) -> Check {
    let mut unknown = Vec::new();
    let mut n = 0;
    for ctx in list(doc.get("@context")) {
        if let Value::String(url) = ctx {
            n += 1;
            if contexts::get(url).is_none() {
                unknown.push(url.clone());
            }
        }
    }
    if n == 0 && doc.get("@context").is_none() {
        return Check::fail(report::CONTEXTS, "the credential has no @context");
    }
    if unknown.is_empty() {
        Check::pass(report::CONTEXTS, format!("all {n} contexts are in the bundled set"))
    } else {
        Check::error(
            report::CONTEXTS,
            format!("not in the bundled set, and never fetched: {}", unknown.join(", ")),
        )
    }
}

/// A DID URL or key id without its fragment.
pub fn strip_fragment(s: &str) -> &str {
    s.split('#').next().unwrap_or(s)
}

/// A date as credentials write it: RFC 3339, or (OB 2.0) without a time zone, or a bare date.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            // OB 2.0 allows a date without a time zone or a bare date.
            chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .or_else(|| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
                .map(|n| n.and_utc())
        })
}

/// Leeway for clocks that differ a little, in seconds, both ways: a start
/// date up to this far ahead still counts as started, an end date up to this
/// far behind as not yet passed. Applies to the credential's dates, a
/// VC-JWT's `nbf`/`iat`/`exp` and a proof's `expires`; the page
/// uses the same (`CLOCK_SKEW_SECONDS` in ui/verify/src/verify.ts).
pub const CLOCK_SKEW_SECONDS: i64 = 60;

/// Why a Data Integrity proof whose signature holds is not current at `now`:
/// its `expires` has passed (or is not a date). A `created` after `now` is
/// not held against it: `--now` before the signing moment is a routine
/// question ("was this valid then?"), and published test credentials are
/// checked at moments before their proofs were made.
pub fn proof_time_problem(proof: &Value, now: DateTime<Utc>) -> Option<String> {
    let e = proof.get("expires")?;
    match e.as_str().and_then(parse_date) {
        None => Some(format!("its 'expires' is not a date: {e}")),
        Some(d) if d < now - chrono::Duration::seconds(CLOCK_SKEW_SECONDS) => {
            Some(format!("the proof expired on {}", e.as_str().unwrap_or_default()))
        }
        Some(_) => None,
    }
}
