//! Verifying a Europass Digital Credential: its shape (the EDC application
//! profile's required parts), its JAdES e-seal ([`crate::edc`]), its dates.
//! Each step is its own check; a seal the wallet cannot check is "could not
//! check", never valid.

use serde_json::Value;

use super::report::{self, Check, Report};
use super::schema;
use super::VerifyOptions;
use crate::import::edc;
use crate::import::Parsed;

/// The credential inside what was stored: the sealed JWS (JSON or compact), or bare JSON.
fn credential(p: &Parsed) -> Option<(Value, bool)> {
    let text = std::str::from_utf8(&p.original).ok()?.trim();
    if text.starts_with('{') {
        let v: Value = serde_json::from_str(text).ok()?;
        return match edc::unwrap_json(&v) {
            Some(u) => Some((u.credential, true)),
            None => edc::is_edc(&v).then_some((v, false)),
        };
    }
    edc::unwrap_compact(text).map(|u| (u.credential, true))
}

/// The report of an EDC; `checks` holds what the engine found so far (the
/// format), `dates` its date checks (the engine's, shared by every format).
pub fn verify(p: &Parsed, mut checks: Vec<Check>, dates: Vec<Check>, _opts: &VerifyOptions) -> Report {
    let Some((doc, sealed)) = credential(p) else {
        checks.push(Check::fail(report::FORMAT, "the stored original is not a readable Europass credential"));
        return Report::from_checks(checks);
    };
    let problems = schema::edc_problems(&doc);
    checks.push(if problems.is_empty() {
        Check::pass(report::SCHEMA, "has every part the EDC application profile requires that Backpack reads (not a full SHACL validation)")
    } else {
        Check::fail(report::SCHEMA, problems.join("; "))
    });
    if !sealed {
        checks.push(Check::fail(report::PROOF, "the credential carries no e-seal: anyone could have written it"));
    } else {
        checks.push(Check::error(report::PROOF, "the JAdES e-seal is not checked by this version of Backpack"));
    }
    checks.extend(dates);
    Report::from_checks(checks)
}
