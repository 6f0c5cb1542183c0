//! Verifying a Europass Digital Credential: its shape (the EDC application
//! profile's required parts), its JAdES e-seal ([`crate::edc`]: signature,
//! certificate, timestamp, the timestamp's authority), the seal's trust on
//! the EU trusted lists ([`crate::edc::trust`], from a verified snapshot),
//! and its dates. Each is its own check; what cannot be checked (no
//! snapshot, an expired one, an untrusted timestamp authority) is "could not
//! check", never valid.
//!
//! Offline and online alike: the seal, certificate and timestamp need no
//! network; the trusted lists come from the newest verified snapshot
//! ([`snapshot`]); revocation of the seal certificate (`status`: its
//! issuer's CRL) needs the network and is "could not check" offline.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::report::{self, Check, Report};
use super::schema;
use super::VerifyOptions;
use crate::edc::trust::{Anchors, Snapshot, TrustAnswer};
use crate::edc::{self as seal, Finding, SealOptions};
use crate::import::edc;
use crate::import::Parsed;

/// Environment variable: a folder of trusted-list snapshots to use (besides the data folder's).
pub const TRUSTED_LISTS_ENV: &str = "BACKPACK_TRUSTED_LISTS";

/// Where trusted-list snapshots are looked for: `BACKPACK_TRUSTED_LISTS`,
/// the data folder's `trusted-lists/` (written by `backpack trust refresh`),
/// and the copy shipped beside the program (`trusted-lists/`).
pub fn snapshot_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(d) = std::env::var_os(TRUSTED_LISTS_ENV).filter(|d| !d.is_empty()) {
        roots.push(PathBuf::from(d));
    }
    if let Some(d) = crate::default_data_dir() {
        roots.push(d.join("trusted-lists"));
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(|p| p.to_path_buf())) {
        roots.push(exe_dir.join("trusted-lists"));
    }
    roots
}

/// The newest snapshot that verifies against the pinned LOTL signers, read
/// once per process (each load re-verifies every list's signature).
pub fn snapshot() -> Option<&'static Snapshot> {
    static S: OnceLock<Option<Snapshot>> = OnceLock::new();
    S.get_or_init(|| {
        let roots = snapshot_roots();
        let refs: Vec<&std::path::Path> = roots.iter().map(PathBuf::as_path).collect();
        Snapshot::load_newest(&refs, &Anchors::pinned())
    })
    .as_ref()
}

/// The credential inside what was stored: the sealed JWS (JSON or compact), or bare JSON.
fn credential(p: &Parsed) -> Option<(Value, bool)> {
    edc::from_original(&p.original).map(|u| (u.credential, u.sealed))
}

fn check(id: &str, f: &Finding) -> Check {
    let outcome = match f.outcome {
        seal::Outcome::Pass => report::Outcome::Pass,
        seal::Outcome::Fail => report::Outcome::Fail,
        seal::Outcome::CouldNotCheck => report::Outcome::Error,
        seal::Outcome::NotApplicable => report::Outcome::Skip,
    };
    Check::new(id, outcome, f.detail.clone())
}

/// The trust check: is the seal's CA a qualified service granted at the signing time?
pub fn trust_check(answer: &TrustAnswer) -> Check {
    match answer {
        TrustAnswer::Qualified(s) if s.for_eseals => Check::pass(
            report::SEAL_TRUST,
            format!("issued by {} ({}, {}), a qualified service for e-seals on the {} trusted list, granted at the signing time", s.service, s.tsp, s.service_type, s.territory),
        ),
        TrustAnswer::Qualified(s) => Check::fail(
            report::SEAL_TRUST,
            format!("issued by {} ({}) on the {} trusted list, but that service is not qualified for e-seals", s.service, s.tsp, s.territory),
        ),
        TrustAnswer::NotGranted(s) => Check::fail(
            report::SEAL_TRUST,
            match &s.status_at_sig_t {
                Some(st) => format!("issued by {} ({}, {}), whose status at the signing time was {st}, not granted", s.service, s.tsp, s.territory),
                None => format!("issued by {} ({}, {}), which was not yet listed at the signing time", s.service, s.tsp, s.territory),
            },
        ),
        TrustAnswer::NotListed => Check::error(report::SEAL_TRUST, "the seal's certification authority is not on the EU trusted lists in the snapshot: not shown to be qualified"),
        TrustAnswer::SnapshotExpired { list, next_update } => Check::error(
            report::SEAL_TRUST,
            match next_update {
                Some(n) => format!("the trusted-list snapshot is out of date ({list} was due for renewal on {n}): run 'backpack trust refresh'"),
                None => format!("the trusted-list snapshot holds a closed list ({list}): run 'backpack trust refresh'"),
            },
        ),
        TrustAnswer::NoSnapshot => Check::error(
            report::SEAL_TRUST,
            "no verified snapshot of the EU trusted lists is available, so the seal's qualification could not be checked ('backpack trust refresh' fetches one)",
        ),
    }
}

/// The report of an EDC; `checks` holds what the engine found so far (the
/// format), `dates` its date checks (the engine's, shared by every format).
pub fn verify(p: &Parsed, mut checks: Vec<Check>, dates: Vec<Check>, opts: &VerifyOptions) -> Report {
    verify_with(p, &mut checks, opts, snapshot());
    checks.extend(dates);
    Report::from_checks(checks)
}

/// [`verify`] with the trusted-list snapshot given (tests pass their own).
pub fn verify_with(p: &Parsed, checks: &mut Vec<Check>, opts: &VerifyOptions, snapshot: Option<&Snapshot>) {
    let Some((doc, sealed)) = credential(p) else {
        checks.push(Check::fail(report::FORMAT, "the stored original is not a readable Europass credential"));
        return;
    };
    let problems = schema::edc_problems(&doc);
    checks.push(if problems.is_empty() {
        Check::pass(report::SCHEMA, "has every part the EDC application profile requires that Backpack reads (not a full SHACL validation)")
    } else {
        Check::fail(report::SCHEMA, problems.join("; "))
    });
    if !sealed {
        checks.push(Check::fail(report::SEAL_SIGNATURE, "the credential carries no e-seal: anyone could have written it"));
        return;
    }
    let result = match seal::verify_bytes(&p.original, &SealOptions { trusted_tsa: Vec::new(), now: Some(opts.now) }) {
        Ok((_, r)) => r,
        Err(e) => {
            checks.push(Check::fail(report::SEAL_SIGNATURE, format!("the seal cannot be read: {e}")));
            return;
        }
    };
    let [(_, sig), (_, cert), (_, ts), (_, tsa)] = result.findings();
    checks.push(check(report::SEAL_SIGNATURE, sig));
    checks.push(check(report::SEAL_CERTIFICATE, cert));
    checks.push(match (&result.certificate, signing_time(&result)) {
        (Some(c), Some(at)) if sig.outcome == seal::Outcome::Pass => {
            let mut chain = vec![c.der.clone()];
            chain.extend(result.chain.iter().map(|c| c.der.clone()));
            trust_check(&TrustAnswer::for_seal(snapshot, &chain, at, opts.now))
        }
        (_, _) if sig.outcome == seal::Outcome::Fail => Check::skip(report::SEAL_TRUST, "the seal's signature does not verify"),
        _ => Check::error(report::SEAL_TRUST, "the seal names no certificate or signing time to look up"),
    });
    checks.push(check(report::TIMESTAMP, ts));
    checks.push(check(report::TIMESTAMP_AUTHORITY, tsa));
    if sig.outcome == seal::Outcome::Pass {
        checks.push(revocation_check(&result, opts));
    } else {
        checks.push(Check::skip(report::STATUS, "the seal's signature does not verify; its certificate's revocation is not looked up"));
    }
}

/// `status` for a seal: the seal certificate on its issuer's revocation list
/// (online only). A revocation after a verified timestamp does not undo the
/// seal (the timestamp proves it was made while the certificate was good).
fn revocation_check(r: &seal::SealResult, opts: &VerifyOptions) -> Check {
    use crate::edc::revocation::{self, Revocation};
    let Some(leaf) = &r.certificate else {
        return Check::skip(report::STATUS, "no seal certificate to look up");
    };
    let Some(fetcher) = &opts.fetcher else {
        return Check::error(report::STATUS, "whether the seal certificate was revoked needs the network (its issuer's revocation list); not checked offline");
    };
    let urls = revocation::crl_urls(leaf);
    let Some(url) = urls.first() else {
        return Check::error(report::STATUS, "the seal certificate names no revocation list (CRL) to check");
    };
    let Some(issuer) = r.chain.iter().find(|c| crate::edc::cert::issued_by(leaf, c).is_ok()) else {
        return Check::error(report::STATUS, "the seal carries no certificate of its issuer, so its revocation list cannot be checked");
    };
    let crl = match fetcher.get(url) {
        Ok(f) => f.body,
        Err(e) => return Check::error(report::STATUS, format!("the revocation list could not be fetched: {e}")),
    };
    match revocation::check(&crl, leaf, issuer, opts.now) {
        Revocation::Good { this_update } => Check::pass(report::STATUS, format!("the seal certificate is not on {}'s revocation list of {this_update}", issuer.subject())),
        Revocation::Revoked(at) => match r.timestamp_time() {
            Some(ts) if at > ts => Check::pass(report::STATUS, format!("the seal certificate was revoked on {at}, after the seal's verified timestamp ({ts})")),
            _ => Check::fail(report::STATUS, format!("the seal certificate was revoked on {at}")),
        },
        Revocation::Unknown(why) => Check::error(report::STATUS, why),
    }
}

/// When the seal was made: the verified timestamp's time, else the claimed `sigT`.
fn signing_time(r: &seal::SealResult) -> Option<DateTime<Utc>> {
    r.timestamp_time().or(r.sig_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::edc::testkit::{seal, seal_with, SealSpec, ELM_PAYLOAD};
    use crate::edc::trust::ServiceAtTime;
    use crate::import::{parse_bytes, ImportOptions};

    fn outcomes(v: &serde_json::Value) -> Vec<(String, report::Outcome)> {
        let p = parse_bytes("seal.json", &serde_json::to_vec(v).unwrap(), &ImportOptions::default()).unwrap().items.remove(0);
        assert_eq!(p.credential.format, crate::model::Format::Edc);
        let mut checks = Vec::new();
        verify_with(&p, &mut checks, &VerifyOptions::default(), None);
        checks.into_iter().map(|c| (c.check, c.outcome)).collect()
    }

    fn outcome(all: &[(String, report::Outcome)], id: &str) -> report::Outcome {
        all.iter().find(|(c, _)| c == id).unwrap_or_else(|| panic!("no {id} in {all:?}")).1
    }

    #[test]
    fn a_seal_made_at_test_time_verifies_through_the_verifier_and_a_changed_one_does_not() {
        use report::Outcome::*;
        let good = outcomes(&seal(ELM_PAYLOAD.as_bytes(), &SealSpec::edc()));
        assert_eq!(outcome(&good, report::SEAL_SIGNATURE), Pass, "{good:?}");
        assert_eq!(outcome(&good, report::SEAL_CERTIFICATE), Pass);
        assert_eq!(outcome(&good, report::SEAL_TRUST), Error, "no snapshot: could not check");
        assert_eq!(outcome(&good, report::TIMESTAMP), Pass);
        assert_eq!(outcome(&good, report::TIMESTAMP_AUTHORITY), Error);
        // An unknown critical header member: invalid.
        let crit = seal_with(ELM_PAYLOAD.as_bytes(), &SealSpec::edc(), |h| {
            h.insert("crit".into(), serde_json::json!(["b64", "sigT", "x-unknown"]));
            h.insert("x-unknown".into(), serde_json::json!(1));
        });
        assert_eq!(outcome(&outcomes(&crit), report::SEAL_SIGNATURE), Fail);
        // The payload changed after sealing: invalid, and trust is not looked up.
        let mut changed = seal(ELM_PAYLOAD.as_bytes(), &SealSpec::edc());
        let text = changed["payload"].as_str().unwrap().replace("Data Stewardship", "Data Sorcery");
        changed["payload"] = serde_json::Value::String(text);
        let o = outcomes(&changed);
        assert_eq!(outcome(&o, report::SEAL_SIGNATURE), Fail);
        assert_eq!(outcome(&o, report::SEAL_TRUST), Skip);
    }

    fn service(for_eseals: bool, status: Option<&str>) -> ServiceAtTime {
        ServiceAtTime {
            territory: "SI".into(),
            tsp: "Test QTSP".into(),
            service: "Test CA".into(),
            service_type: "http://uri.etsi.org/TrstSvc/Svctype/CA/QC".into(),
            status_at_sig_t: status.map(str::to_string),
            since: None,
            for_eseals,
            qualifiers: Vec::new(),
        }
    }

    #[test]
    fn trust_answers_become_pass_fail_or_could_not_check() {
        use report::Outcome::*;
        let granted = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
        assert_eq!(trust_check(&TrustAnswer::Qualified(service(true, Some(granted)))).outcome, Pass);
        assert_eq!(trust_check(&TrustAnswer::Qualified(service(false, Some(granted)))).outcome, Fail);
        assert_eq!(trust_check(&TrustAnswer::NotGranted(service(true, Some("http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn")))).outcome, Fail);
        assert_eq!(trust_check(&TrustAnswer::NotGranted(service(true, None))).outcome, Fail);
        assert_eq!(trust_check(&TrustAnswer::NotListed).outcome, Error);
        assert_eq!(trust_check(&TrustAnswer::NoSnapshot).outcome, Error);
        let expired = TrustAnswer::SnapshotExpired { list: "SI".into(), next_update: Some(Utc::now()) };
        let c = trust_check(&expired);
        assert_eq!(c.outcome, Error, "an expired snapshot never makes a seal valid");
        assert!(c.detail.contains("trust refresh"));
    }

    #[test]
    fn the_seals_check_ids_are_the_reports() {
        assert_eq!(seal::SEAL_SIGNATURE, report::SEAL_SIGNATURE);
        assert_eq!(seal::SEAL_CERTIFICATE, report::SEAL_CERTIFICATE);
        assert_eq!(seal::TIMESTAMP, report::TIMESTAMP);
        assert_eq!(seal::TIMESTAMP_AUTHORITY, report::TIMESTAMP_AUTHORITY);
    }
}
