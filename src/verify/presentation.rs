//! Verifiable Presentations (VC Data Model 2.0): the holder's proof, then
//! every credential inside with the credential engine.
//!
//! The presentation's own checks, in its [`Report`]'s `checks`:
//! `format`, `contexts` (bundled only), `proof` (Data Integrity with
//! `proofPurpose` `authentication`; holder keys are did:key, resolved
//! locally; a proof whose `expires` has passed fails), `holder-binding` (the key's controller is the `holder`),
//! `challenge` and `domain` (when the verifier asks for them a missing or
//! different value fails; when it does not they are skipped), and
//! `credentials` (pass when every credential inside is valid, fail when one
//! is invalid, error when one could not be checked). Each credential gets its
//! own entry in `Report::credentials`, checked exactly as a credential file
//! would be: JSON-LD credentials as embedded, `EnvelopedVerifiableCredential`s
//! (`data:application/vc+jwt,<jws>`) as their VC-JWT. Presentations inside a
//! presentation are refused.

use serde_json::Value;

use super::dataintegrity::{self, ProofStatus, Purpose, StaticResolver};
pub use super::checks::Expect;
use super::checks::{contexts_check, proof_time_problem, strip_fragment, VerifyOptions};
use super::engine::verify_embedded;
use super::report::{self, Check, EmbeddedReport, Outcome, Report, Verdict};
use crate::import::json::{has_type, list, str_of};
use crate::import::{self, ImportOptions, Input};

/// The media-type prefix of an enveloped VC-JWT's `id`.
pub const ENVELOPED_VC_JWT: &str = "data:application/vc+jwt,";


/// Whether `v` is a JSON object whose `type` includes `VerifiablePresentation`.
pub fn is_presentation(v: &Value) -> bool {
    v.is_object() && has_type(v, "VerifiablePresentation")
}

/// The input as a presentation, if it is a JSON Verifiable Presentation.
pub fn read(input: &Input) -> Option<Value> {
    let bytes = match input {
        Input::Path(p) => import::read::read_file(p, import::MAX_INPUT_BYTES).ok()?,
        Input::Text { text, .. } => text.as_bytes().to_vec(),
        Input::Url(_) => return None,
    };
    let v: Value = serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).ok()?;
    is_presentation(&v).then_some(v)
}

fn holder_id(vp: &Value) -> Option<String> {
    match vp.get("holder")? {
        Value::String(s) => Some(s.clone()),
        o => str_of(o, "id"),
    }
}

/// A compact JWS: three base64url parts, the first two non-empty.
fn is_compact_jws(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| !p.is_empty())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Verify a presentation and the credentials inside it.
pub fn verify(vp: &Value, opts: &VerifyOptions, expect: &Expect) -> Report {
    let members = list(vp.get("verifiableCredential"));
    let mut checks = vec![if members.is_empty() {
        Check::fail(report::FORMAT, "a Verifiable Presentation that holds no credential")
    } else {
        Check::pass(report::FORMAT, format!("a Verifiable Presentation holding {} credential(s)", members.len()))
    }];
    checks.push(contexts_check(vp));

    // The holder's proof.
    let outcomes = dataintegrity::verify_proofs_for(vp, &StaticResolver::new(), Purpose::Authentication);
    if outcomes.is_empty() {
        checks.push(Check::fail(report::PROOF, "the presentation has no proof: anyone could have put it together"));
    }
    // A proof whose signature holds but whose `expires` has passed is not valid.
    let vp_proofs = list(vp.get("proof"));
    let stale = |o: &dataintegrity::ProofOutcome| {
        (o.status == ProofStatus::Valid).then(|| vp_proofs.get(o.index).and_then(|p| proof_time_problem(p, opts.now))).flatten()
    };
    checks.extend(outcomes.iter().map(|o| match stale(o) {
        Some(problem) => Check::fail(report::PROOF, format!("{}, but {problem}", o.check().detail)),
        None => o.check(),
    }));
    let valid = outcomes.iter().find(|o| o.status == ProofStatus::Valid && stale(o).is_none());
    let holder = holder_id(vp);
    checks.push(match (valid, holder.as_deref()) {
        (_, None) => Check::fail(report::HOLDER_BINDING, "the presentation names no holder"),
        (None, Some(_)) => Check::skip(report::HOLDER_BINDING, "no valid proof whose key could be bound to the holder"),
        (Some(o), Some(h)) => match o.controller.as_deref() {
            Some(c) if strip_fragment(c) == strip_fragment(h) => {
                Check::pass(report::HOLDER_BINDING, format!("signed with a key of the holder {h}"))
            }
            Some(c) => Check::fail(report::HOLDER_BINDING, format!("signed with a key of {c}, but the holder is {h}")),
            None => Check::error(report::HOLDER_BINDING, "the key's controller is unknown"),
        },
    });
    // Challenge and domain: only a verified proof's values count (they are signed).
    let proof = valid.and_then(|o| list(vp.get("proof")).into_iter().nth(o.index));
    checks.push(bound_value(report::CHALLENGE, "challenge", proof, expect.challenge.as_deref()));
    checks.push(bound_value(report::DOMAIN, "domain", proof, expect.domain.as_deref()));

    // The credentials inside.
    let mut credentials = Vec::new();
    for (i, m) in members.into_iter().enumerate() {
        credentials.push(embedded(i, m, opts));
    }
    let failed: Vec<String> = credentials.iter().filter(|c| c.verdict == Verdict::Invalid).map(|c| (c.index + 1).to_string()).collect();
    let unsure: Vec<String> =
        credentials.iter().filter(|c| c.verdict == Verdict::Indeterminate).map(|c| (c.index + 1).to_string()).collect();
    if !credentials.is_empty() {
        checks.push(if !failed.is_empty() {
            Check::fail(report::CREDENTIALS, format!("invalid: credential {} of {}", failed.join(", "), credentials.len()))
        } else if !unsure.is_empty() {
            Check::error(report::CREDENTIALS, format!("could not be checked: credential {} of {}", unsure.join(", "), credentials.len()))
        } else {
            Check::pass(report::CREDENTIALS, format!("all {} credential(s) verified", credentials.len()))
        });
    }
    let mut r = Report::from_checks(checks);
    r.credentials = credentials;
    r
}

/// The `challenge` or `domain` check for the verified proof.
fn bound_value(check: &str, member: &str, proof: Option<&Value>, expected: Option<&str>) -> Check {
    let Some(proof) = proof else {
        return Check::skip(check, "no valid proof");
    };
    // `domain` may be one string or a set of strings.
    let got: Vec<String> = list(proof.get(member)).into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    match expected {
        None if got.is_empty() => Check::skip(check, format!("no {member} asked for, none given")),
        None => Check::skip(check, format!("signed for {member} '{}'; the verifier asked for none", got.join("', '"))),
        Some(e) if got.iter().any(|g| g == e) => Check::pass(check, format!("signed for the {member} '{e}' asked for")),
        Some(e) if got.is_empty() => Check::fail(check, format!("the verifier asked for {member} '{e}', the presentation has none")),
        Some(e) => Check::fail(check, format!("signed for {member} '{}', not for '{e}'", got.join("', '"))),
    }
}

/// Verify the `i`-th credential of a presentation.
fn embedded(i: usize, m: &Value, opts: &VerifyOptions) -> EmbeddedReport {
    let label = format!("verifiableCredential[{i}]");
    let fail = |why: String| EmbeddedReport {
        index: i,
        id: None,
        wallet_id: None,
        title: None,
        verdict: Verdict::Invalid,
        checks: vec![Check::fail(report::FORMAT, why)],
    };
    let text = match m {
        Value::Object(_) if has_type(m, "EnvelopedVerifiableCredential") => {
            let id = str_of(m, "id").unwrap_or_default();
            match id.strip_prefix(ENVELOPED_VC_JWT) {
                Some(jws) if is_compact_jws(jws) => jws.to_string(),
                Some(_) => return fail("the enveloped credential is not a compact JWS".into()),
                None => return fail(format!("an enveloped credential must be a data: URL starting with {ENVELOPED_VC_JWT}")),
            }
        }
        Value::Object(_) if is_presentation(m) => return fail("a presentation inside a presentation is refused".into()),
        Value::Object(_) => serde_json::to_string(m).unwrap_or_default(),
        // VCDM 1.1 presentations may carry a VC-JWT as a bare string.
        Value::String(s) if is_compact_jws(s.trim()) => s.trim().to_string(),
        _ => return fail("neither a credential object nor an enveloped VC-JWT".into()),
    };
    let input = Input::Text { label, text };
    let (wallet_id, title, id) = match import::parse_input(&input, &ImportOptions::default()) {
        Ok(b) => {
            let c = &b.items.last().expect("a bundle holds at least one credential").credential;
            (Some(c.id.clone()), Some(c.title().to_string()), c.credential_id.clone())
        }
        Err(_) => (None, None, str_of(m, "id").filter(|_| !has_type(m, "EnvelopedVerifiableCredential"))),
    };
    let r = verify_embedded(&input, opts);
    EmbeddedReport { index: i, id, wallet_id, title, verdict: r.verdict, checks: r.checks }
}

impl EmbeddedReport {
    /// The first failing (or, failing none, uncheckable) check, for a one-line summary.
    pub fn worst(&self) -> Option<&Check> {
        self.checks
            .iter()
            .find(|c| c.outcome == Outcome::Fail)
            .or_else(|| self.checks.iter().find(|c| c.outcome == Outcome::Error))
    }
}
