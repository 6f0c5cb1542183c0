//! The verification report: a verdict and a list of checks with stable ids.
//!
//! `invalid` means some check failed; `indeterminate` means nothing failed but
//! something needed could not be checked (network off, unknown context,
//! unreachable DID); `valid` means every needed check passed. Check ids and
//! outcomes are stable strings the app, the CLI and the share page match on;
//! the words shown to people come from [`Check::label`] in Dutch or English.

use serde::{Deserialize, Serialize};

/// Stable check ids. This one: the input was recognised and parsed as a credential format Backpack knows.
pub const FORMAT: &str = "format";
/// The credential's signature(s) verify: Data Integrity proofs, a VC-JWT or OB 2.0 JWS, or (hosted OB 2.0) the re-fetched assertion matches.
pub const PROOF: &str = "proof";
/// The key that signed belongs to the credential's issuer (its controller or DID matches the `issuer`).
pub const ISSUER_BINDING: &str = "issuer-binding";
/// The credential is already valid: `validFrom` / `nbf` / issue date is not in the future.
pub const NOT_BEFORE: &str = "not-before";
/// The credential has not expired: `validUntil` / `expirationDate` / `exp` is not in the past.
pub const NOT_EXPIRED: &str = "not-expired";
/// The credential is not revoked or suspended according to its status list or revocation list.
pub const STATUS: &str = "status";
/// Every JSON-LD `@context` is in the bundled set (contexts are never fetched).
pub const CONTEXTS: &str = "contexts";
/// The credential has every member and type the Open Badges data model requires.
pub const SCHEMA: &str = "schema";
/// VC-JWT only: the token's registered claims (`jti`, `sub`, `exp`, `nbf`,
/// `iat`) are well-formed and agree with the credential they carry.
pub const JWT_CLAIMS: &str = "jwt-claims";
/// Presentations only: the proof's key belongs to the `holder`.
pub const HOLDER_BINDING: &str = "holder-binding";
/// Presentations only: the proof carries the challenge the verifier asked for.
pub const CHALLENGE: &str = "challenge";
/// Presentations only: the proof names the domain the verifier asked for.
pub const DOMAIN: &str = "domain";
/// Presentations only: every embedded credential verified (each has its own entry).
pub const CREDENTIALS: &str = "credentials";
/// Europass (JAdES) only: the seal's JWS signature over the payload (RFC 7797, `crit`, the algorithm).
pub const SEAL_SIGNATURE: &str = "seal-signature";
/// Europass only: the seal certificate: bound by `x5t#S256`/`kid`, valid at `sigT`, qualified statements.
pub const SEAL_CERTIFICATE: &str = "seal-certificate";
/// Europass only: the seal's CA is a qualified trust service on the EU trusted lists, granted at `sigT`.
pub const SEAL_TRUST: &str = "seal-trust";
/// Europass only: the B-T timestamp's imprint and signature.
pub const TIMESTAMP: &str = "timestamp";
/// Europass only: the timestamp's authority is a trusted one.
pub const TIMESTAMP_AUTHORITY: &str = "timestamp-authority";

/// Every check id a report can carry (the constants above), in the order a
/// credential's checks run, then the presentation-only ones. The one list of
/// them: the desktop app's UI and the employer page name checks from it (it
/// is exported to TypeScript as `CHECK_IDS` in `ui/src/lib/generated/ids.ts`),
/// and a test below holds every check the verifier builds to it.
pub const CHECK_IDS: &[&str] =
    &[
        FORMAT,
        SCHEMA,
        CONTEXTS,
        PROOF,
        ISSUER_BINDING,
        JWT_CLAIMS,
        SEAL_SIGNATURE,
        SEAL_CERTIFICATE,
        SEAL_TRUST,
        TIMESTAMP,
        TIMESTAMP_AUTHORITY,
        NOT_BEFORE,
        NOT_EXPIRED,
        STATUS,
        HOLDER_BINDING,
        CHALLENGE,
        DOMAIN,
        CREDENTIALS,
    ];

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Checked, and it holds.
    Pass,
    /// Checked, and it does not hold: the credential is invalid.
    Fail,
    /// Not applicable to this credential (no status entry, no expiry date...).
    Skip,
    /// Could not be checked (network off, unknown context, unreachable key).
    Error,
}

/// The overall result of verifying a credential or presentation, derived from its checks by [`Report::from_checks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every needed check passed.
    Valid,
    /// At least one check failed: the credential is not genuine, revoked, expired or malformed.
    Invalid,
    /// Nothing failed, but something needed could not be checked (network off, unknown context, unreachable key), or every check was skipped.
    Indeterminate,
}

/// One check in a report: a stable id, its outcome and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// The stable check id: one of the constants of this module ([`PROOF`], [`STATUS`], ...).
    pub check: String,
    /// Whether it passed, failed, did not apply or could not be checked.
    pub outcome: Outcome,
    /// A sentence in English saying what was found (a reason for a fail or error).
    pub detail: String,
}

impl Check {
    /// A check with id `check` (one of this module's constants), `outcome` and `detail`.
    pub fn new(check: &str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check { check: check.to_string(), outcome, detail: detail.into() }
    }
    /// A passing check.
    pub fn pass(check: &str, detail: impl Into<String>) -> Check {
        Check::new(check, Outcome::Pass, detail)
    }
    /// A failing check: makes the verdict invalid.
    pub fn fail(check: &str, detail: impl Into<String>) -> Check {
        Check::new(check, Outcome::Fail, detail)
    }
    /// A skipped check: does not apply to this credential.
    pub fn skip(check: &str, detail: impl Into<String>) -> Check {
        Check::new(check, Outcome::Skip, detail)
    }
    /// A check that could not be done: makes the verdict indeterminate unless another check fails.
    pub fn error(check: &str, detail: impl Into<String>) -> Check {
        Check::new(check, Outcome::Error, detail)
    }

    /// The check's name for people, in `lang` ("nl" or anything else for English).
    pub fn label(&self, lang: &str) -> &'static str {
        let nl = lang.starts_with("nl");
        match (self.check.as_str(), nl) {
            (FORMAT, false) => "Format",
            (FORMAT, true) => "Formaat",
            (PROOF, false) => "Signature",
            (PROOF, true) => "Handtekening",
            (ISSUER_BINDING, false) => "Signed by the issuer",
            (ISSUER_BINDING, true) => "Ondertekend door de uitgever",
            (NOT_BEFORE, false) => "Already valid",
            (NOT_BEFORE, true) => "Al geldig",
            (NOT_EXPIRED, false) => "Not expired",
            (NOT_EXPIRED, true) => "Niet verlopen",
            (STATUS, false) => "Not revoked",
            (STATUS, true) => "Niet ingetrokken",
            (CONTEXTS, false) => "Known vocabulary",
            (CONTEXTS, true) => "Bekende woordenlijst",
            (SCHEMA, false) => "Structure",
            (SCHEMA, true) => "Structuur",
            (JWT_CLAIMS, false) => "Token agrees with the credential",
            (JWT_CLAIMS, true) => "Token klopt met de credential",
            (HOLDER_BINDING, false) => "Signed by the holder",
            (HOLDER_BINDING, true) => "Ondertekend door de houder",
            (CHALLENGE, false) => "Challenge",
            (CHALLENGE, true) => "Uitdaging",
            (DOMAIN, false) => "Domain",
            (DOMAIN, true) => "Domein",
            (CREDENTIALS, false) => "Credentials inside",
            (CREDENTIALS, true) => "Credentials erin",
            (SEAL_SIGNATURE, false) => "E-seal signature",
            (SEAL_SIGNATURE, true) => "Handtekening van het e-zegel",
            (SEAL_CERTIFICATE, false) => "Seal certificate",
            (SEAL_CERTIFICATE, true) => "Zegelcertificaat",
            (SEAL_TRUST, false) => "Qualified on the EU trusted lists",
            (SEAL_TRUST, true) => "Gekwalificeerd op de EU-vertrouwenslijsten",
            (TIMESTAMP, false) => "Timestamp",
            (TIMESTAMP, true) => "Tijdstempel",
            (TIMESTAMP_AUTHORITY, false) => "Timestamp authority trusted",
            (TIMESTAMP_AUTHORITY, true) => "Tijdstempelautoriteit vertrouwd",
            (_, false) => "Other check",
            (_, true) => "Andere controle",
        }
    }
}

/// The result for one credential, or for one presentation: then `checks`
/// are the presentation's own (holder proof, challenge, domain, and a
/// `credentials` summary) and `credentials` holds one entry per embedded
/// credential. For a plain credential `credentials` is empty and left out of
/// the JSON, so reports of credentials keep their shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Valid, invalid or indeterminate, derived from `checks` by [`Report::from_checks`].
    pub verdict: Verdict,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// Presentations only: one report per embedded credential, in `verifiableCredential` order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<EmbeddedReport>,
}

/// The report for one credential inside a presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedReport {
    /// Position in `verifiableCredential`.
    pub index: usize,
    /// The credential's own `id`, if it has one.
    pub id: Option<String>,
    /// Its wallet id (the id it gets when imported), when it could be read.
    pub wallet_id: Option<String>,
    /// Its title (achievement name, then credential name), when it could be read.
    pub title: Option<String>,
    /// The verdict of this credential on its own.
    pub verdict: Verdict,
    /// The checks of this credential.
    pub checks: Vec<Check>,
}

impl Report {
    /// Derive the verdict from the checks: any fail → invalid; else any error → indeterminate.
    pub fn from_checks(checks: Vec<Check>) -> Report {
        let verdict = if checks.iter().any(|c| c.outcome == Outcome::Fail) {
            Verdict::Invalid
        } else if checks.iter().any(|c| c.outcome == Outcome::Error) || checks.iter().all(|c| c.outcome == Outcome::Skip) {
            Verdict::Indeterminate
        } else {
            Verdict::Valid
        };
        Report { verdict, checks, credentials: Vec::new() }
    }

    /// The check with id `id`, if the report has one.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == id)
    }
}

impl Verdict {
    /// The verdict for people in `lang` ("nl" for Dutch, anything else English).
    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang.starts_with("nl")) {
            (Verdict::Valid, false) => "Valid",
            (Verdict::Valid, true) => "Geldig",
            (Verdict::Invalid, false) => "Invalid",
            (Verdict::Invalid, true) => "Ongeldig",
            (Verdict::Indeterminate, false) => "Could not be checked",
            (Verdict::Indeterminate, true) => "Kon niet worden gecontroleerd",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_follows_the_worst_check() {
        let r = Report::from_checks(vec![Check::pass(PROOF, ""), Check::skip(STATUS, "")]);
        assert_eq!(r.verdict, Verdict::Valid);
        let r = Report::from_checks(vec![Check::pass(PROOF, ""), Check::error(STATUS, "offline")]);
        assert_eq!(r.verdict, Verdict::Indeterminate);
        let r = Report::from_checks(vec![Check::fail(PROOF, "bad"), Check::error(STATUS, "offline")]);
        assert_eq!(r.verdict, Verdict::Invalid);
        // Nothing checked at all is not "valid".
        assert_eq!(Report::from_checks(vec![Check::skip(PROOF, "")]).verdict, Verdict::Indeterminate);
    }

    #[test]
    fn ids_and_outcomes_serialise_as_stable_strings() {
        let j = serde_json::to_string(&Check::error(NOT_EXPIRED, "x")).unwrap();
        assert_eq!(j, r#"{"check":"not-expired","outcome":"error","detail":"x"}"#);
        assert_eq!(Check::pass(PROOF, "").label("nl-NL"), "Handtekening");
    }

    /// `pub const NAME: &str = "id";` in this file: the check id constants by name.
    fn declared_ids() -> Vec<(String, String)> {
        include_str!("report.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("pub const ")?.split_once(": &str = \""))
            .map(|(name, rest)| (name.to_string(), rest.trim_end_matches("\";").to_string()))
            .collect()
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn check_ids_lists_every_declared_id_once_and_each_has_words() {
        let declared = declared_ids();
        let mut values: Vec<&str> = declared.iter().map(|(_, v)| v.as_str()).collect();
        values.sort();
        let mut listed = CHECK_IDS.to_vec();
        listed.sort();
        assert_eq!(listed, values, "CHECK_IDS must list every check id constant, once");
        for id in CHECK_IDS {
            assert_ne!(Check::pass(id, "").label("en"), "Other check", "{id} has no label");
            assert_ne!(Check::pass(id, "").label("nl"), "Andere controle", "{id} has no Dutch label");
        }
    }

    /// Every check the core builds (`Check::pass/fail/skip/error/new(...)`
    /// anywhere under src/) names its id by one of this module's constants,
    /// or forwards a parameter whose callers do; so the verifier can emit no
    /// id outside [`CHECK_IDS`].
    #[test]
    fn every_check_the_verifier_builds_uses_a_listed_id() {
        let declared = declared_ids();
        let known = |name: &str| declared.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let mut files = Vec::new();
        rust_files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut seen = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let ctors = ["pass", "fail", "skip", "error", "new"].map(|k| format!("Check::{k}(")).into_iter().chain([format!("{}(", "bound_value")]);
            for ctor in ctors {
                for (at, _) in text.match_indices(&ctor) {
                    let before = &text[..at];
                    if before.ends_with("fn ") || before.ends_with('"') {
                        continue;
                    }
                    let arg = text[at + ctor.len()..].split([',', ')']).next().unwrap().trim();
                    let name = arg.rsplit("::").next().unwrap_or(arg);
                    // The forwarding helpers: `Check::new(check, ..)` in this file and `bound_value(check, ..)`.
                    if name == "check" || name == "id" {
                        continue;
                    }
                    let id = known(name).unwrap_or_else(|| panic!("{}: {ctor}{arg}, ..) does not name a check id constant", f.display()));
                    assert!(CHECK_IDS.contains(&id.as_str()), "{id} is not in CHECK_IDS");
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "the scan found only {seen} checks");
    }
}
