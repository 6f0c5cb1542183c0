//! The verifier: runs every check on one credential and builds its report.
//!
//! Formats: OB 3.0 / CLR 2.0 with Data Integrity proofs ([`super::dataintegrity`]),
//! VC-JWT and OB 2.0 signed badges ([`super::jws`]; an OB 2.0 `creator` that is a
//! DID URL is resolved like a VC-JWT `kid`), OB 2.0 hosted assertions
//! (re-fetched and compared). Then issuer binding, a VC-JWT's registered
//! claims against its credential (`jwt-claims`), dates against a settable
//! "now" (the credential's, a VC-JWT's `exp`/`nbf`/`iat` and a Data Integrity
//! proof's `expires`, all with [`CLOCK_SKEW_SECONDS`] of leeway),
//! and status ([`super::status`]).
//!
//! Network: only through `VerifyOptions::fetcher`. With `None` nothing is
//! fetched, and every check that needs the network says "could not check".
//! JSON-LD contexts are never fetched, with or without a fetcher.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::dataintegrity::{self, KeyError, KeyResolver, ProofStatus, ResolvedKey, StaticResolver};
use super::jws::{self, JwsError, PublicKey};
use super::report::{self, Check, Report};
use super::status::{self, StatusAnswer};
use super::checks::{contexts_check, parse_date, strip_fragment};
pub use super::checks::{VerifyOptions, CLOCK_SKEW_SECONDS};
use super::{didkey, schema};
use crate::import::json::{list, str_of};
use crate::import::{self, Fetcher, ImportOptions, Input, Parsed};
use crate::model::Format;


/// Verify one credential inside a presentation: presentations are not
/// recognised here, so they cannot nest.
pub(super) fn verify_embedded(input: &Input, opts: &VerifyOptions) -> Report {
    verify_input_with(input, opts, None)
}

/// What to try when an input is not a badge: the presentation verifier,
/// injected by [`super::verify_input_expecting`] (this module does not know
/// presentations, so the two cannot depend on each other).
pub(super) type OtherwiseFn<'a> = &'a dyn Fn(&Input) -> Option<Report>;

/// Verify one input as a credential; when it is not a badge, `otherwise`
/// may claim it (a presentation) before the plain-VC fallback.
pub(super) fn verify_input_with(input: &Input, opts: &VerifyOptions, otherwise: Option<OtherwiseFn>) -> Report {
    let iopts = ImportOptions { fetcher: opts.fetcher.clone(), without_wallet_id: true };
    match import::parse_input(input, &iopts) {
        Ok(bundle) => {
            // A CLR comes last in its bundle; verify the document that was given.
            let p = bundle.items.last().expect("a bundle holds at least one credential");
            verify_parsed(p, opts)
        }
        Err(e) if e.is_network() => Report::from_checks(vec![Check::error(report::FORMAT, e.to_string())]),
        Err(import::ImportError::NotABadge(why)) => {
            if let Some(report) = otherwise.and_then(|f| f(input)) {
                return report;
            }
            match plain_vc(input) {
                // Not a badge, but a verifiable credential all the same: its proof,
                // dates and status can be checked like a badge's.
                Some(p) => {
                    let mut checks = verify_parsed(&p, opts).checks;
                    checks[0] = Check::pass(report::FORMAT, format!("a Verifiable Credential, not an Open Badge ({why})"));
                    // A credential that carries an achievement claims to be a badge and
                    // keeps its schema failure; any other VC is not held to OB rules.
                    let doc: Value = serde_json::from_slice(&p.original).unwrap_or_default();
                    let badge_shaped = list(doc.get("credentialSubject"))
                        .into_iter()
                        .any(|s| s.get("achievement").is_some() || crate::import::json::has_type(s, "AchievementSubject"));
                    if !badge_shaped {
                        for c in checks.iter_mut().filter(|c| c.check == report::SCHEMA) {
                            *c = Check::skip(report::SCHEMA, "not an Open Badge: the Open Badges data model does not apply");
                        }
                    }
                    Report::from_checks(checks)
                }
                None => Report::from_checks(vec![Check::fail(report::FORMAT, format!("not an Open Badge: {why}"))]),
            }
        }
        Err(e) => Report::from_checks(vec![Check::fail(report::FORMAT, e.to_string())]),
    }
}

/// A JSON-LD verifiable credential that is not a badge, read for verification only.
fn plain_vc(input: &Input) -> Option<Parsed> {
    let bytes = match input {
        Input::Path(p) => import::read::read_file(p, import::MAX_INPUT_BYTES).ok()?,
        Input::Text { text, .. } => text.clone().into_bytes(),
        Input::Url(_) => return None,
    };
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    if !crate::import::ob3::is_verifiable_credential(&v) {
        return None;
    }
    let mut credential = crate::import::ob3::map(&v, Format::Ob3JsonLd);
    credential.id = import::wallet_id(&serde_json::to_vec(&v).ok()?);
    Some(Parsed {
        credential,
        original: bytes,
        media_type: "application/ld+json".into(),
        linked: vec![],
        picture: None,
        source: input.label(),
        json: None,
    })
}

/// Verify a parsed credential (its original bytes and linked documents).
pub fn verify_parsed(p: &Parsed, opts: &VerifyOptions) -> Report {
    let c = &p.credential;
    let resolver = NetResolver::new(opts.fetcher.clone());
    let mut checks = vec![Check::pass(report::FORMAT, c.format.label())];
    let jwt = p.media_type == "application/jwt";
    if c.format == Format::Edc {
        let dates = date_checks(c, opts.now);
        return super::edc::verify(p, checks, dates, opts);
    }
    // The JWT payload, whose registered claims are checked against the credential.
    let payload: Option<Value> = if jwt || p.media_type == "application/jose" {
        import::decode_jws(std::str::from_utf8(&p.original).unwrap_or_default()).ok().map(|(_, payload)| payload)
    } else {
        None
    };
    // The signed content as JSON: the document itself, or the JWT payload's VC.
    let doc: Option<Cow<Value>> = match &payload {
        Some(payload) => Some(Cow::Borrowed(payload.get("vc").filter(|v| v.is_object()).unwrap_or(payload))),
        None if jwt || p.media_type == "application/jose" => None,
        // Parsed once, by the importer, when it had the JSON at hand.
        None => p.json.as_ref().map(Cow::Borrowed).or_else(|| serde_json::from_slice(&p.original).ok().map(Cow::Owned)),
    };
    let Some(doc) = doc else {
        checks.push(Check::fail(report::FORMAT, "the stored original is not readable JSON"));
        return Report::from_checks(checks);
    };
    let doc: &Value = &doc;

    let problems = match c.format {
        Format::Ob2Hosted | Format::Ob2Signed => schema::ob2_problems(doc),
        _ => schema::ob3_problems(doc),
    };
    checks.push(if problems.is_empty() {
        Check::pass(report::SCHEMA, "has every member and type the data model requires")
    } else {
        Check::fail(report::SCHEMA, problems.join("; "))
    });

    // A VC-JWT's registered claims, for the date checks.
    let mut jwt_claims: Option<JwtClaims> = None;
    match c.format {
        Format::Ob3JsonLd | Format::Clr2 if !jwt => {
            checks.push(contexts_check(doc));
            let outcomes = dataintegrity::verify_proofs(doc, &resolver);
            if outcomes.is_empty() {
                checks.push(Check::fail(report::PROOF, "the credential has no proof: anyone could have written it"));
            }
            let issuer = issuer_id(doc);
            let proofs = list(doc.get("proof"));
            let mut bindings = Vec::new();
            for o in &outcomes {
                let mut check = o.check();
                if o.status == ProofStatus::Valid {
                    // The signature holds; the proof must also be current.
                    if let Some(problem) = proofs.get(o.index).and_then(|pr| super::checks::proof_time_problem(pr, opts.now)) {
                        check = Check::fail(report::PROOF, format!("{}, but {problem}", check.detail));
                    } else {
                        bindings.push(binding_check(issuer.as_deref(), o.controller.as_deref(), o.verification_method.as_deref()));
                    }
                }
                checks.push(check);
            }
            checks.push(merge_bindings(bindings, outcomes.is_empty()));
        }
        Format::Ob3Jwt | Format::Clr2 => {
            let token = std::str::from_utf8(&p.original).unwrap_or_default();
            let claims = JwtClaims::read(payload.as_ref().unwrap_or(&Value::Null), doc);
            let (proof, mut binding) = verify_vc_jwt(token, doc, claims.iss.as_deref(), &resolver);
            if proof.outcome == report::Outcome::Pass {
                if let Some(mismatch) = claims.iss_mismatch(doc) {
                    binding = Check::fail(report::ISSUER_BINDING, mismatch);
                }
            }
            checks.push(proof);
            checks.push(binding);
            checks.push(claims.check());
            jwt_claims = Some(claims);
        }
        Format::Ob2Signed => {
            let token = std::str::from_utf8(&p.original).unwrap_or_default();
            let (proof, binding) = verify_ob2_signed(token, doc, p, &resolver);
            checks.push(proof);
            checks.push(binding);
        }
        // Verified by `verify::edc` (returned above).
        Format::Edc => {}
        Format::Ob2Hosted | Format::Ob3JsonLd => {
            let (proof, binding) = verify_ob2_hosted(doc, p, &resolver);
            checks.push(proof);
            checks.push(binding);
        }
    }
    let mut dates = date_checks(c, opts.now);
    if let Some(claims) = &jwt_claims {
        claims.apply_times(&mut dates, opts.now);
    }
    checks.extend(dates);
    checks.push(status_check(doc, c, &resolver, opts));
    Report::from_checks(checks)
}

// ---------------------------------------------------------------------------
// Contexts


// ---------------------------------------------------------------------------
// Issuer binding

fn issuer_id(doc: &Value) -> Option<String> {
    match doc.get("issuer")? {
        Value::String(s) => Some(s.clone()),
        o => str_of(o, "id"),
    }
}


/// Does the key's controller equal the issuer?
fn binding_check(issuer: Option<&str>, controller: Option<&str>, vm: Option<&str>) -> Check {
    match (issuer, controller) {
        (None, _) => Check::fail(report::ISSUER_BINDING, "the credential names no issuer"),
        (Some(_), None) => Check::error(
            report::ISSUER_BINDING,
            format!("the controller of {} is unknown", vm.unwrap_or("the key")),
        ),
        (Some(i), Some(ctl)) if strip_fragment(i) == strip_fragment(ctl) => {
            Check::pass(report::ISSUER_BINDING, format!("signed with a key of the issuer {i}"))
        }
        (Some(i), Some(ctl)) if i.starts_with("did:") || i.starts_with("https://") || i.starts_with("http://") => Check::fail(
            report::ISSUER_BINDING,
            format!("signed with a key of {ctl}, but the issuer is {i}"),
        ),
        // An issuer id such as urn:uuid: names no keys, so nothing can show
        // whether the signer speaks for it.
        (Some(i), Some(ctl)) => Check::error(
            report::ISSUER_BINDING,
            format!("signed with a key of {ctl}; the issuer {i} is not a DID or URL whose keys can be looked up"),
        ),
    }
}

fn merge_bindings(bindings: Vec<Check>, no_proofs: bool) -> Check {
    if bindings.is_empty() {
        return if no_proofs {
            Check::skip(report::ISSUER_BINDING, "no proof to bind to the issuer")
        } else {
            Check::skip(report::ISSUER_BINDING, "no valid proof whose key could be bound to the issuer")
        };
    }
    // One proof by the issuer is what binds the credential to it.
    if let Some(pass) = bindings.iter().find(|c| c.outcome == report::Outcome::Pass) {
        return pass.clone();
    }
    bindings.into_iter().next().expect("non-empty")
}

// ---------------------------------------------------------------------------
// VC-JWT

/// The `proof` and `issuer-binding` checks of a VC-JWT. The issuer is the
/// credential's, or the `iss` claim when the credential names none (VC-JWT
/// 1.1 decoding fills `issuer` from `iss`).
fn verify_vc_jwt(token: &str, vc: &Value, iss: Option<&str>, resolver: &NetResolver) -> (Check, Check) {
    let (header, _, _) = match jws::split(token) {
        Ok(x) => x,
        Err(e) => return (Check::fail(report::PROOF, e.to_string()), unbound()),
    };
    let issuer = issuer_id(vc).or_else(|| iss.map(str::to_string));
    let kid = header.get("kid").and_then(Value::as_str);
    let (key, controller): (PublicKey, Option<String>) = if let Some(jwk) = header.get("jwk") {
        match jws::key_from_jwk(jwk) {
            Ok(k) => (k, None),
            Err(e) => return (jws_error_check(&e), unbound()),
        }
    } else if let Some(kid) = kid {
        match resolver.jws_key(kid) {
            Ok((_, _, false)) => {
                return (
                    Check::fail(report::PROOF, format!("{kid} is not listed for assertionMethod by its controller")),
                    unbound(),
                )
            }
            Ok((k, controller, true)) => (k, Some(controller)),
            Err(check) => return (check, Check::skip(report::ISSUER_BINDING, "no key, nothing to bind")),
        }
    } else {
        return (
            Check::error(report::PROOF, "the token names no key (no 'kid' and no 'jwk' in its header)"),
            Check::skip(report::ISSUER_BINDING, "no key, nothing to bind"),
        );
    };
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("?").to_string();
    let proof = match jws::verify(token, &key) {
        Ok(()) => Check::pass(report::PROOF, format!("JWT {alg} signature matches")),
        Err(e) => return (jws_error_check(&e), Check::skip(report::ISSUER_BINDING, "the signature did not verify")),
    };
    let binding = if header.get("jwk").is_some() {
        // A key carried in the token itself proves only that the token was not
        // changed after signing, not who signed it.
        Check::error(
            report::ISSUER_BINDING,
            "the token carries its own key (jwk), which nothing ties to the issuer",
        )
    } else {
        binding_check(issuer.as_deref(), controller.as_deref(), kid)
    };
    (proof, binding)
}

/// The registered claims of a VC-JWT (RFC 7519 §4.1) and how they agree
/// with the credential they carry.
///
/// Bound pairs: `iss` ↔ `issuer` (a mismatch fails `issuer-binding`), and in
/// `jwt-claims`: `jti` ↔ `id`, `sub` ↔ `credentialSubject.id`; when the VC is
/// in the `vc` claim (VC-JWT 1.1, and OB 3.0's JWT encoding) also `exp` ↔
/// `validUntil`/`expirationDate` and `nbf` ↔ `validFrom`/`issuanceDate`, to
/// the second. When the payload is the credential (VC-JOSE-COSE) `exp`,
/// `nbf` and `iat` are the signature's own times and are only checked
/// against "now". Every time claim must be a NumericDate from 1970 to 9999.
struct JwtClaims {
    iss: Option<String>,
    exp: Option<DateTime<Utc>>,
    nbf: Option<DateTime<Utc>>,
    iat: Option<DateTime<Utc>>,
    /// Claims present (besides `iss`), for the report.
    present: Vec<&'static str>,
    /// Malformed claims and disagreements with the credential.
    problems: Vec<String>,
}

/// The largest NumericDate accepted: 9999-12-31T23:59:59Z (as the page).
const MAX_NUMERIC_DATE: f64 = 253_402_300_799.0;

fn iso(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl JwtClaims {
    fn read(payload: &Value, vc: &Value) -> JwtClaims {
        let mut problems = Vec::new();
        let mut present = Vec::new();
        let text = |name: &'static str, problems: &mut Vec<String>| match payload.get(name) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                problems.push(format!("'{name}' must be a string, not {other}"));
                None
            }
        };
        let iss = text("iss", &mut problems);
        let sub = text("sub", &mut problems);
        let jti = text("jti", &mut problems);
        let mut time = |name: &'static str, problems: &mut Vec<String>| {
            let v = payload.get(name)?;
            present.push(name);
            match v.as_f64().filter(|t| (0.0..=MAX_NUMERIC_DATE).contains(t)) {
                Some(t) => DateTime::from_timestamp(t.floor() as i64, 0),
                None => {
                    problems.push(format!("'{name}' is not a NumericDate (seconds since 1970, up to the year 9999): {v}"));
                    None
                }
            }
        };
        let exp = time("exp", &mut problems);
        let nbf = time("nbf", &mut problems);
        let iat = time("iat", &mut problems);
        if let Some(jti) = &jti {
            present.push("jti");
            if let Some(id) = str_of(vc, "id").filter(|id| id != jti) {
                problems.push(format!("'jti' is {jti}, but the credential's id is {id}"));
            }
        }
        if let Some(sub) = &sub {
            present.push("sub");
            let ids: Vec<String> = list(vc.get("credentialSubject")).into_iter().filter_map(|s| str_of(s, "id")).collect();
            if !ids.is_empty() && !ids.contains(sub) {
                problems.push(format!("'sub' is {sub}, but the credential's subject is {}", ids.join(", ")));
            }
        }
        // VC-JWT 1.1 / OB 3.0: the token's dates are the credential's dates.
        if payload.get("vc").is_some_and(Value::is_object) {
            let agree = |claim: Option<DateTime<Utc>>, name: &str, keys: [&str; 2], problems: &mut Vec<String>| {
                let Some(t) = claim else { return };
                let own: Vec<(String, DateTime<Utc>)> =
                    keys.iter().filter_map(|k| str_of(vc, k)).filter_map(|s| parse_date(&s).map(|d| (s, d))).collect();
                if !own.is_empty() && !own.iter().any(|(_, d)| d.timestamp() == t.timestamp()) {
                    let shown: Vec<&str> = own.iter().map(|(s, _)| s.as_str()).collect();
                    problems.push(format!("'{name}' is {}, but the credential says {}", iso(t), shown.join(" / ")));
                }
            };
            agree(exp, "exp", ["validUntil", "expirationDate"], &mut problems);
            agree(nbf, "nbf", ["validFrom", "issuanceDate"], &mut problems);
        }
        JwtClaims { iss, exp, nbf, iat, present, problems }
    }

    /// `iss` naming another issuer than the credential does.
    fn iss_mismatch(&self, vc: &Value) -> Option<String> {
        let (iss, issuer) = (self.iss.as_deref()?, issuer_id(vc)?);
        (iss != issuer).then(|| format!("the token's 'iss' is {iss}, but the credential's issuer is {issuer}"))
    }

    /// The `jwt-claims` check.
    fn check(&self) -> Check {
        if !self.problems.is_empty() {
            Check::fail(report::JWT_CLAIMS, self.problems.join("; "))
        } else if self.present.is_empty() {
            Check::skip(report::JWT_CLAIMS, "the token carries none of the claims exp, nbf, iat, jti, sub")
        } else {
            Check::pass(report::JWT_CLAIMS, format!("{} agree with the credential", self.present.join(", ")))
        }
    }

    /// Fold `nbf`, `iat` and `exp` into the `not-before` and `not-expired`
    /// checks ([`date_checks`]' two): a token not yet valid, issued in the
    /// future or expired fails them even when the credential's own dates hold.
    fn apply_times(&self, dates: &mut [Check], now: DateTime<Utc>) {
        let skew = chrono::Duration::seconds(CLOCK_SKEW_SECONDS);
        let early = match (self.nbf, self.iat) {
            (Some(n), _) if n > now + skew => Some(format!("the token is not valid before {} (its 'nbf')", iso(n))),
            (_, Some(i)) if i > now + skew => Some(format!("the token says it was issued at {}, in the future (its 'iat')", iso(i))),
            _ => None,
        };
        if let (Some(why), Some(nb)) = (early, dates.get_mut(0)) {
            if nb.outcome != report::Outcome::Fail {
                *nb = Check::fail(report::NOT_BEFORE, why);
            }
        } else if let Some(nb) = dates.get_mut(0).filter(|c| c.outcome == report::Outcome::Skip) {
            if let Some(n) = self.nbf {
                *nb = Check::pass(report::NOT_BEFORE, format!("the token is valid from {} (its 'nbf')", iso(n)));
            } else if let Some(i) = self.iat {
                *nb = Check::pass(report::NOT_BEFORE, format!("the token was issued at {} (its 'iat')", iso(i)));
            }
        }
        if let (Some(e), Some(ne)) = (self.exp, dates.get_mut(1)) {
            if e < now - skew {
                if ne.outcome != report::Outcome::Fail {
                    *ne = Check::fail(report::NOT_EXPIRED, format!("the token expired on {} (its 'exp')", iso(e)));
                }
            } else if ne.outcome == report::Outcome::Skip {
                *ne = Check::pass(report::NOT_EXPIRED, format!("the token is valid until {} (its 'exp')", iso(e)));
            }
        }
    }
}

fn jws_error_check(e: &JwsError) -> Check {
    match e {
        JwsError::Invalid(m) => Check::fail(report::PROOF, m.clone()),
        JwsError::Unsupported(m) => Check::error(report::PROOF, m.clone()),
    }
}

fn key_error_check(e: &KeyError) -> Check {
    match e {
        KeyError::Malformed(_) | KeyError::NotFound(_) => Check::fail(report::PROOF, e.to_string()),
        KeyError::Unsupported(_) | KeyError::Unavailable(_) => Check::error(report::PROOF, e.to_string()),
    }
}

/// The issuer-binding line when no proof was confirmed: said in words, never
/// left empty.
fn unbound() -> Check {
    Check::skip(report::ISSUER_BINDING, "not checked: no confirmed signature or issuer copy to bind to the issuer")
}

// ---------------------------------------------------------------------------
// OB 2.0

fn verify_ob2_signed(token: &str, assertion: &Value, p: &Parsed, resolver: &NetResolver) -> (Check, Check) {
    let creator = assertion.get("verification").and_then(|v| str_of(v, "creator"));
    let Some(creator) = creator else {
        return (
            Check::fail(report::PROOF, "a signed badge must name its key in verification.creator"),
            unbound(),
        );
    };
    // A creator that is a DID URL names its key as a VC-JWT's `kid` does: a
    // did:key resolves locally (no network), a did:web through the fetcher.
    // The signing algorithm is the key's own (EdDSA for Ed25519).
    if creator.starts_with("did:") {
        let (key, controller, _) = match resolver.jws_key(&creator) {
            Ok(k) => k,
            Err(check) => return (check, Check::skip(report::ISSUER_BINDING, "no key, nothing to bind")),
        };
        if let Err(e) = jws::verify(token, &key) {
            return (jws_error_check(&e), Check::skip(report::ISSUER_BINDING, "the signature did not verify"));
        }
        let proof = Check::pass(report::PROOF, format!("{} signature matches the key {creator}", key.alg()));
        let issuer = p.credential.issuer.id.clone();
        return (proof, binding_check(issuer.as_deref(), Some(&controller), Some(&creator)));
    }
    let key_doc = match resolver.fetch_json(&creator, p) {
        Ok(d) => d,
        Err(e) => return (Check::error(report::PROOF, e), Check::skip(report::ISSUER_BINDING, "no key, nothing to bind")),
    };
    let Some(pem) = str_of(&key_doc, "publicKeyPem") else {
        return (
            Check::fail(report::PROOF, format!("the key document {creator} has no publicKeyPem")),
            unbound(),
        );
    };
    let key = match jws::key_from_pem(&pem) {
        Ok(k) => k,
        Err(e) => return (jws_error_check(&e), unbound()),
    };
    if let Err(e) = jws::verify(token, &key) {
        return (jws_error_check(&e), Check::skip(report::ISSUER_BINDING, "the signature did not verify"));
    }
    let proof = Check::pass(report::PROOF, format!("RS256 signature matches the key {creator}"));
    let owner = str_of(&key_doc, "owner").or_else(|| str_of(&key_doc, "controller"));
    let issuer = p.credential.issuer.id.clone();
    let binding = binding_check(issuer.as_deref(), owner.as_deref(), Some(&creator));
    (proof, binding)
}

fn verify_ob2_hosted(assertion: &Value, p: &Parsed, resolver: &NetResolver) -> (Check, Check) {
    let Some(url) = str_of(assertion, "id").filter(|u| u.starts_with("http://") || u.starts_with("https://")) else {
        return (
            Check::fail(report::PROOF, "a hosted badge must have an HTTP(S) id where the issuer hosts it"),
            unbound(),
        );
    };
    let Some(fetcher) = &resolver.fetcher else {
        return (
            Check::error(report::PROOF, format!("a hosted badge is checked by fetching it from {url}; network use is off")),
            Check::error(report::ISSUER_BINDING, "needs the issuer's profile from the network"),
        );
    };
    // The assertion's own URL is credential content, unless it is the very URL the user gave.
    let fetched = if p.source == url { fetcher.get_requested(&url) } else { fetcher.get(&url) };
    let live: Value = match fetched.map(|d| serde_json::from_slice::<Value>(&d.body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return (Check::fail(report::PROOF, format!("{url} does not serve JSON: {e}")), unbound()),
        Err(e) => return (Check::error(report::PROOF, e.to_string()), unbound()),
    };
    if live.get("revoked").and_then(Value::as_bool) == Some(true) {
        return (
            Check::fail(report::PROOF, format!("the issuer's copy at {url} says the badge is revoked")),
            unbound(),
        );
    }
    if &live != assertion {
        return (
            Check::fail(report::PROOF, format!("the copy the issuer hosts at {url} differs from this one")),
            unbound(),
        );
    }
    let proof = Check::pass(report::PROOF, format!("matches the copy the issuer hosts at {url}"));
    let binding = ob2_hosting_policy(&url, ob2_issuer(assertion, p, resolver).as_ref());
    (proof, binding)
}

/// The issuer profile of an OB 2.0 assertion: embedded, stored at import, or fetched.
fn ob2_issuer(assertion: &Value, p: &Parsed, resolver: &NetResolver) -> Option<Value> {
    let badge = match assertion.get("badge")? {
        Value::String(u) => resolver.fetch_json(u, p).ok()?,
        b => b.clone(),
    };
    match badge.get("issuer")? {
        Value::String(u) => resolver.fetch_json(u, p).ok(),
        i => Some(i.clone()),
    }
}

/// OB 2.0 hosted verification policy: the assertion must be hosted where the
/// issuer allows (`verification.startsWith`, `verification.allowedOrigins`,
/// by default the host of the issuer's own id).
fn ob2_hosting_policy(assertion_url: &str, issuer: Option<&Value>) -> Check {
    let Some(issuer) = issuer else {
        return Check::error(report::ISSUER_BINDING, "the issuer's profile could not be read");
    };
    let host_of = |u: &str| url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string));
    let policy = issuer.get("verification").cloned().unwrap_or(Value::Null);
    let starts: Vec<String> = list(policy.get("startsWith")).into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    if !starts.is_empty() {
        return if starts.iter().any(|s| assertion_url.starts_with(s.as_str())) {
            Check::pass(report::ISSUER_BINDING, "hosted where the issuer's verification policy allows (startsWith)")
        } else {
            Check::fail(
                report::ISSUER_BINDING,
                format!("hosted at {assertion_url}, outside the issuer's allowed locations ({})", starts.join(", ")),
            )
        };
    }
    let mut origins: Vec<String> = list(policy.get("allowedOrigins")).into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    if origins.is_empty() {
        match str_of(issuer, "id").as_deref().and_then(host_of) {
            Some(h) => origins.push(h),
            None => {
                return Check::error(
                    report::ISSUER_BINDING,
                    "the issuer's id is not a web address, so where it hosts its badges cannot be checked",
                )
            }
        }
    }
    let host = host_of(assertion_url).unwrap_or_default();
    if origins.iter().any(|o| o.eq_ignore_ascii_case(&host)) {
        Check::pass(report::ISSUER_BINDING, format!("hosted on {host}, a domain the issuer uses"))
    } else {
        Check::fail(report::ISSUER_BINDING, format!("hosted on {host}, but the issuer's domains are {}", origins.join(", ")))
    }
}

// ---------------------------------------------------------------------------
// Dates




fn date_checks(c: &crate::model::Credential, now: DateTime<Utc>) -> Vec<Check> {
    let skew = chrono::Duration::seconds(CLOCK_SKEW_SECONDS);
    let mut out = Vec::new();
    let from = c.valid_from.as_deref().or(c.issued.as_deref());
    let from_date = from.map(|s| (s, parse_date(s)));
    out.push(match from_date {
        None => Check::skip(report::NOT_BEFORE, "no start date"),
        Some((s, None)) => Check::fail(report::NOT_BEFORE, format!("'{s}' is not a valid date")),
        Some((s, Some(d))) if d > now + skew => Check::fail(report::NOT_BEFORE, format!("not valid before {s}")),
        Some((s, Some(_))) => Check::pass(report::NOT_BEFORE, format!("valid from {s}")),
    });
    out.push(match c.valid_until.as_deref().map(|s| (s, parse_date(s))) {
        None => Check::skip(report::NOT_EXPIRED, "no expiry date"),
        Some((s, None)) => Check::fail(report::NOT_EXPIRED, format!("'{s}' is not a valid date")),
        Some((s, Some(d))) if d < now - skew => Check::fail(report::NOT_EXPIRED, format!("expired on {s}")),
        Some((s, Some(d))) => match from_date.and_then(|(_, f)| f) {
            Some(f) if d < f => Check::fail(report::NOT_EXPIRED, format!("expires ({s}) before it starts")),
            _ => Check::pass(report::NOT_EXPIRED, format!("valid until {s}")),
        },
    });
    out
}

// ---------------------------------------------------------------------------
// Status

fn status_check(doc: &Value, c: &crate::model::Credential, resolver: &NetResolver, opts: &VerifyOptions) -> Check {
    let entry = list(doc.get("credentialStatus")).into_iter().next().cloned();
    let answer_to_check = |a: StatusAnswer, from: &str| match a {
        StatusAnswer::Clear { note } => Check::pass(
            report::STATUS,
            match note {
                Some(n) => format!("not revoked according to {from} ({n})"),
                None => format!("not revoked according to {from}"),
            },
        ),
        StatusAnswer::Set { purpose, reason } => Check::fail(
            report::STATUS,
            match reason {
                Some(r) => format!("{purpose}: listed in {from} ({r})"),
                None => format!("{purpose}: set in {from}"),
            },
        ),
        StatusAnswer::Unknown(why) => Check::error(report::STATUS, format!("{from}: {why}")),
    };
    if let Some(entry) = entry {
        let kind = str_of(&entry, "type").unwrap_or_default();
        if resolver.fetcher.is_none() {
            return Check::error(report::STATUS, format!("{kind}: checking status needs the network; network use is off"));
        }
        if kind == "BitstringStatusListEntry" || kind == "StatusList2021Entry" {
            let Some(list_url) = str_of(&entry, "statusListCredential") else {
                return Check::fail(report::STATUS, "the status entry has no statusListCredential");
            };
            let list_vc = match resolver.fetch_json_plain(&list_url) {
                Ok(v) => v,
                Err(e) => return Check::error(report::STATUS, e),
            };
            // The list must itself be a genuine, current credential of the same issuer.
            if let Some(problem) = list_problem(&list_vc, resolver, opts.now) {
                return Check::error(report::STATUS, format!("the status list {list_url} cannot be trusted: {problem}"));
            }
            let mut from = list_url.clone();
            if let (Some(li), Some(ci)) = (issuer_id(&list_vc), issuer_id(doc)) {
                if li != ci {
                    from = format!("{list_url} (a list signed by {li}, not by the issuer)");
                }
            }
            return answer_to_check(status::check_bitstring(&entry, &list_vc), &from);
        }
        if kind == "1EdTechRevocationList" {
            let Some(list_url) = str_of(&entry, "id") else {
                return Check::fail(report::STATUS, "the revocation list entry has no id");
            };
            let Some(id) = str_of(doc, "id") else {
                return Check::error(report::STATUS, "the credential has no id to look up in the revocation list");
            };
            return match resolver.fetch_json_plain(&list_url) {
                Ok(v) => answer_to_check(status::check_revocation_list(&id, &v), &list_url),
                Err(e) => Check::error(report::STATUS, e),
            };
        }
        return Check::error(report::STATUS, format!("status type '{kind}' is not supported"));
    }
    // OB 2.0: the issuer's revocation list.
    if let Some(st) = c.status.as_ref().filter(|s| s.kind == "ob2-revocation-list") {
        let (Some(list_url), Some(id)) = (st.list_url.as_deref(), c.credential_id.as_deref()) else {
            return Check::skip(report::STATUS, "no revocation list");
        };
        if resolver.fetcher.is_none() {
            return Check::error(report::STATUS, "checking the issuer's revocation list needs the network; network use is off");
        }
        return match resolver.fetch_json_plain(list_url) {
            Ok(v) => answer_to_check(status::check_revocation_list(id, &v), list_url),
            Err(e) => Check::error(report::STATUS, e),
        };
    }
    Check::skip(report::STATUS, "the credential has no status entry")
}

/// Why a fetched status list credential cannot be trusted, if it cannot.
///
/// A list signed by another party than the credential's issuer is accepted:
/// issuers commonly delegate status to a service with its own key (DCC's
/// fixtures do). The report says who signed the list.
fn list_problem(list_vc: &Value, resolver: &NetResolver, now: DateTime<Utc>) -> Option<String> {
    let outcomes = dataintegrity::verify_proofs(list_vc, resolver);
    if outcomes.is_empty() {
        return Some("it has no proof".into());
    }
    if let Some(bad) = outcomes.iter().find(|o| o.status != ProofStatus::Valid) {
        return Some(format!("its proof: {}", bad.detail));
    }
    let proofs = list(list_vc.get("proof"));
    if let Some(stale) = outcomes.iter().find_map(|o| proofs.get(o.index).and_then(|p| super::checks::proof_time_problem(p, now))) {
        return Some(format!("its proof: {stale}"));
    }
    if let Some(u) = str_of(list_vc, "validUntil").or_else(|| str_of(list_vc, "expirationDate")) {
        if parse_date(&u).map(|d| d < now).unwrap_or(true) {
            return Some(format!("it expired on {u}"));
        }
    }
    if let Some(f) = str_of(list_vc, "validFrom") {
        if parse_date(&f).map(|d| d > now).unwrap_or(true) {
            return Some(format!("it is not valid before {f}"));
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Keys over the network

/// Resolves did:key locally, and did:web and URL keys through the fetcher
/// (when there is one), caching every document for the life of the resolver.
pub struct NetResolver {
    fetcher: Option<Fetcher>,
    local: StaticResolver,
    cache: Mutex<HashMap<String, Result<Value, String>>>,
}

impl NetResolver {
    /// A resolver with an empty cache; with `fetcher` `None` it works offline (did:key only, others "could not check").
    pub fn new(fetcher: Option<Fetcher>) -> NetResolver {
        NetResolver { fetcher, local: StaticResolver::new(), cache: Mutex::default() }
    }

    /// Fetch a JSON document (cached). Errors are sentences for a report.
    fn fetch_json_plain(&self, url: &str) -> Result<Value, String> {
        if let Some(hit) = self.cache.lock().expect("cache").get(url) {
            return hit.clone();
        }
        let result = match &self.fetcher {
            None => Err(format!("{url} is needed but network use is off")),
            Some(f) => f
                .get(url)
                .map_err(|e| e.to_string())
                .and_then(|d| serde_json::from_slice::<Value>(&d.body).map_err(|e| format!("{url} is not JSON: {e}"))),
        };
        self.cache.lock().expect("cache").insert(url.to_string(), result.clone());
        result
    }

    /// Like `fetch_json_plain`, but a copy stored with the credential at import is used first.
    fn fetch_json(&self, url: &str, p: &Parsed) -> Result<Value, String> {
        if let Some(d) = p.linked.iter().find(|d| d.url == url) {
            if let Ok(v) = serde_json::from_slice(&d.body) {
                return Ok(v);
            }
        }
        self.fetch_json_plain(url)
    }
}

/// The HTTPS URL of a did:web DID document.
pub fn did_web_url(did: &str) -> Result<String, KeyError> {
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| KeyError::Malformed(format!("not a did:web: {did}")))?;
    let rest = strip_fragment(rest);
    let mut parts = rest.split(':');
    let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(|| KeyError::Malformed(format!("did:web without a host: {did}")))?;
    let host = host.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    Ok(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

/// A verification method found in its controller's document.
struct Method {
    json: Value,
    controller: String,
    assertion_method: bool,
}

/// Find `vm` in a DID or controller document and say whether it may assert.
fn method_in_document(doc: &Value, vm: &str) -> Result<Method, KeyError> {
    let doc_id = str_of(doc, "id").unwrap_or_default();
    let matches = |id: &str| id == vm || (id.starts_with('#') && format!("{doc_id}{id}") == vm);
    let mut found: Option<&Value> = None;
    for m in list(doc.get("verificationMethod")).into_iter().chain(list(doc.get("assertionMethod"))) {
        if m.is_object() && str_of(m, "id").map(|id| matches(&id)).unwrap_or(false) {
            found = Some(m);
            break;
        }
    }
    // A document that is itself the verification method.
    if found.is_none() && str_of(doc, "id").as_deref() == Some(vm) && (doc.get("publicKeyMultibase").is_some() || doc.get("publicKeyJwk").is_some()) {
        found = Some(doc);
    }
    let m = found.ok_or_else(|| KeyError::NotFound(format!("{vm} is not in the document {doc_id}")))?;
    let assertion_method = list(doc.get("assertionMethod")).into_iter().any(|a| match a {
        Value::String(s) => matches(s),
        o => str_of(o, "id").map(|id| matches(&id)).unwrap_or(false),
    });
    let controller = str_of(m, "controller").unwrap_or(doc_id);
    Ok(Method { json: m.clone(), controller, assertion_method })
}

impl NetResolver {
    /// Find a verification method: did:key locally, did:web and URLs through the fetcher.
    fn method(&self, vm: &str) -> Result<Method, KeyError> {
        if vm.starts_with("did:key:") {
            let k = self.local.resolve(vm)?;
            return Ok(Method {
                json: serde_json::json!({"id": vm, "publicKeyMultibase": didkey::encode_multibase_ed25519(&k.public_key)}),
                controller: k.controller,
                assertion_method: k.assertion_method,
            });
        }
        let doc_url = if vm.starts_with("did:web:") {
            did_web_url(vm)?
        } else if vm.starts_with("https://") || vm.starts_with("http://") {
            strip_fragment(vm).to_string()
        } else {
            // Other DID methods and malformed ids: the static resolver says which.
            self.local.resolve(vm)?;
            return Err(KeyError::Unsupported(vm.to_string()));
        };
        if self.fetcher.is_none() {
            return Err(KeyError::Unavailable(format!("{vm}: resolving it needs the network; network use is off")));
        }
        let doc = self.fetch_json_plain(&doc_url).map_err(KeyError::Unavailable)?;
        method_in_document(&doc, vm)
    }

    /// A JWS key for `kid`: Ed25519 from multibase, or any JWK (Ed25519, P-256, RSA).
    fn jws_key(&self, kid: &str) -> Result<(PublicKey, String, bool), Check> {
        let m = self.method(kid).map_err(|e| key_error_check(&e))?;
        let key = if let Some(jwk) = m.json.get("publicKeyJwk") {
            jws::key_from_jwk(jwk).map_err(|e| jws_error_check(&e))?
        } else {
            let k = didkey::key_from_verification_method(&m.json)
                .map_err(|e| Check::error(report::PROOF, format!("{kid}: {e}")))?;
            PublicKey::Ed25519(k)
        };
        Ok((key, m.controller, m.assertion_method))
    }
}

impl KeyResolver for NetResolver {
    fn resolve(&self, vm: &str) -> Result<ResolvedKey, KeyError> {
        if vm.starts_with("did:key:") {
            return self.local.resolve(vm);
        }
        let m = self.method(vm)?;
        let public_key = didkey::key_from_verification_method(&m.json).map_err(|e| match e {
            didkey::DidKeyError::UnsupportedMethod(_) => KeyError::Unsupported(format!("{vm}: {e}")),
            _ => KeyError::Malformed(format!("{vm}: {e}")),
        })?;
        Ok(ResolvedKey { public_key, controller: m.controller, assertion_method: m.assertion_method })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_urls() {
        assert_eq!(did_web_url("did:web:example.com").unwrap(), "https://example.com/.well-known/did.json");
        assert_eq!(did_web_url("did:web:example.com:user:alice#key-1").unwrap(), "https://example.com/user/alice/did.json");
        assert_eq!(did_web_url("did:web:localhost%3A8443").unwrap(), "https://localhost:8443/.well-known/did.json");
        assert!(did_web_url("did:web:").is_err());
    }

    #[test]
    fn dates_against_a_settable_now() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/1edtech-validator/inspector-vc/src/test/resources/ob30/simple.json");
        let bytes = std::fs::read(path).unwrap();
        let mut c = import::parse_bytes("simple.json", &bytes, &ImportOptions::default()).unwrap().items.remove(0).credential;
        c.valid_until = Some("2030-01-01T00:00:00Z".into());
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let ok = date_checks(&c, at("2025-01-01T00:00:00Z"));
        assert!(ok.iter().all(|c| c.outcome == report::Outcome::Pass), "{ok:?}");
        let late = date_checks(&c, at("2031-01-01T00:00:00Z"));
        assert_eq!(late[1].outcome, report::Outcome::Fail);
        let early = date_checks(&c, at("2000-01-01T00:00:00Z"));
        assert_eq!(early[0].outcome, report::Outcome::Fail);
        c.valid_until = Some("31-12-2029".into());
        assert_eq!(date_checks(&c, at("2025-01-01T00:00:00Z"))[1].outcome, report::Outcome::Fail);
    }
}
