//! Europass Digital Credentials (EDC): the JAdES e-seal (issue #14).
//!
//! An EDC is an ELM JSON-LD credential sealed with a JAdES signature (JWS
//! JSON serialization, `b64: false`, an `x5c` qualified seal certificate,
//! baseline B-T with an RFC 3161 timestamp in `etsiU`). This module checks
//! the seal and keeps three outcomes apart, each pass / fail / could not
//! check: the signature over the payload ([`SEAL_SIGNATURE`]), the seal
//! certificate's binding, validity at `sigT` and qualified statements
//! ([`SEAL_CERTIFICATE`]), the timestamp's imprint and CMS signature
//! ([`TIMESTAMP`]), and, apart, whether its authority is trusted
//! ([`TIMESTAMP_AUTHORITY`]). Whether the seal certificate chains to a
//! qualified CA on the EU trusted lists is `edc::trust`'s question; it gets
//! [`SealResult::certificate`], [`SealResult::chain`] and [`SealResult::sig_t`].
//!
//! - [`jades`]: the three JWS serializations, RFC 7797, `crit`, algorithms, `x5c`/`x5t#S256`/`kid`, `etsiU`.
//! - [`cert`]: X.509 helpers: names, validity, issued-by, thumbprint, qcStatements, key usage.
//! - [`revocation`]: the seal certificate on its issuer's CRL (signature, currency, serial).
//! - [`timestamp`]: RFC 3161 tokens: TSTInfo, imprint, the CMS signature.
//! - [`trust`]: the EU trusted lists (LOTL and member-state TLs, ETSI TS 119 612):
//!   is a seal's or timestamp's issuing CA a qualified trust service, granted at the signing time.
//! - [`xmldsig`]: the XML tree, canonicalization and XML-DSig verification the trusted lists need.
//! - `testkit` (unit tests, or feature `testkit`): a test CA, seal and TSA certificates and JAdES seals made at run time.

pub mod cert;
pub mod jades;
pub mod revocation;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod timestamp;
pub mod trust;
pub mod xmldsig;

use chrono::{DateTime, Utc};

use cert::{Cert, QcStatements};
use jades::{HeaderProblem, Jws};
use timestamp::TimestampCheck;

/// Check id: the JWS signature over the payload and protected header verifies with the `x5c` certificate's key (header rules included).
pub const SEAL_SIGNATURE: &str = "seal-signature";
/// Check id: the seal certificate is bound to the signature (`x5t#S256`, `kid`), valid at `sigT`, with key usage for signing; the detail names the qualified statements.
pub const SEAL_CERTIFICATE: &str = "seal-certificate";
/// Check id: the JAdES B-T timestamp's imprint is the hash of the signature and the token's CMS signature verifies.
pub const TIMESTAMP: &str = "timestamp";
/// Check id: the timestamp's authority is one the caller trusts (could not check otherwise).
pub const TIMESTAMP_AUTHORITY: &str = "timestamp-authority";

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Checked, and it holds.
    Pass,
    /// Checked, and it does not hold: the seal is invalid.
    Fail,
    /// Could not be checked (unsupported algorithm, missing certificate, untrusted authority).
    CouldNotCheck,
    /// Does not apply (no timestamp in a B-B seal).
    NotApplicable,
}

/// One outcome with a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The outcome.
    pub outcome: Outcome,
    /// What was found, in English.
    pub detail: String,
}

impl Finding {
    fn new(outcome: Outcome, detail: impl Into<String>) -> Finding {
        Finding { outcome, detail: detail.into() }
    }
    fn from_problem(p: HeaderProblem) -> Finding {
        match p {
            HeaderProblem::Invalid(s) => Finding::new(Outcome::Fail, s),
            HeaderProblem::Unsupported(s) => Finding::new(Outcome::CouldNotCheck, s),
        }
    }
}

/// What the caller brings to a seal check.
#[derive(Clone, Debug, Default)]
pub struct SealOptions {
    /// TSA certificates (DER) the caller trusts: a timestamp whose signer is
    /// one of them, or is issued by one of them, passes `timestamp-authority`.
    pub trusted_tsa: Vec<Vec<u8>>,
    /// The time to check the certificate at when the seal has neither `sigT`
    /// nor a verified timestamp (default: now).
    pub now: Option<DateTime<Utc>>,
}

/// The outcome of checking one JAdES seal.
#[derive(Clone, Debug)]
pub struct SealResult {
    /// The JWS signature (with the header rules).
    pub seal_signature: Finding,
    /// The seal certificate: binding, validity at `sigT`, key usage, qualified statements.
    pub seal_certificate: Finding,
    /// The B-T timestamp(s): imprint and CMS signature.
    pub timestamp: Finding,
    /// The timestamp authority's trust.
    pub timestamp_authority: Finding,
    /// `alg` of the signature.
    pub alg: Option<String>,
    /// `sigT`: the signing time the signer claims.
    pub sig_t: Option<DateTime<Utc>>,
    /// The seal certificate (`x5c[0]`, DER and parsed): what `edc::trust` checks against the trusted lists.
    pub certificate: Option<Cert>,
    /// Other certificates the seal carries: `x5c[1..]`, then `etsiU` `xVals` (path building material, not trusted by themselves).
    pub chain: Vec<Cert>,
    /// The seal certificate's `qcStatements`, if present.
    pub qc: Option<QcStatements>,
    /// One entry per `sigTst` token.
    pub timestamps: Vec<TimestampCheck>,
    /// `etsiU` members present that this module does not check (`xVals`, `rVals`, `arcTst`...).
    pub unchecked_members: Vec<String>,
}

impl SealResult {
    /// The four findings, in order, with their check ids (the verifier turns
    /// them into report checks; this module does not know the report).
    pub fn findings(&self) -> [(&'static str, &Finding); 4] {
        [
            (SEAL_SIGNATURE, &self.seal_signature),
            (SEAL_CERTIFICATE, &self.seal_certificate),
            (TIMESTAMP, &self.timestamp),
            (TIMESTAMP_AUTHORITY, &self.timestamp_authority),
        ]
    }
    /// The earliest genTime among the verified timestamps: when the seal provably existed.
    pub fn timestamp_time(&self) -> Option<DateTime<Utc>> {
        self.timestamps.iter().filter(|t| t.verified()).filter_map(|t| t.gen_time).min()
    }
}

/// Clock skew allowed between `sigT` and a timestamp's genTime.
const SKEW_SECONDS: i64 = 60;

/// Read and check the seal of an EDC given as bytes (any JWS serialization; the first signature).
pub fn verify_bytes(input: &[u8], opts: &SealOptions) -> Result<(Jws, SealResult), jades::JadesError> {
    let jws = jades::parse(input)?;
    let result = verify(&jws, 0, opts);
    Ok((jws, result))
}

/// Check signature `index` of `jws` (an index past the last signature checks the last one).
pub fn verify(jws: &Jws, index: usize, opts: &SealOptions) -> SealResult {
    let index = index.min(jws.signatures.len().saturating_sub(1));
    let sig = &jws.signatures[index];
    let mut r = SealResult {
        seal_signature: Finding::new(Outcome::CouldNotCheck, ""),
        seal_certificate: Finding::new(Outcome::CouldNotCheck, ""),
        timestamp: Finding::new(Outcome::NotApplicable, ""),
        timestamp_authority: Finding::new(Outcome::NotApplicable, ""),
        alg: sig.alg().map(str::to_string),
        sig_t: sig.sig_t(),
        certificate: None,
        chain: Vec::new(),
        qc: None,
        timestamps: Vec::new(),
        unchecked_members: sig.etsi_u_members().into_iter().filter(|m| m != "sigTst").collect(),
    };
    r.unchecked_members.dedup();

    let certs = jades::x5c_certs(sig);
    let header = sig.check_header().and_then(|()| {
        if jws.b64_consistent() {
            Ok(())
        } else {
            Err(HeaderProblem::Invalid("the signatures disagree on b64 (RFC 7797 3)".into()))
        }
    });

    // seal-signature
    r.seal_signature = match (&header, &certs) {
        (Err(p), _) => Finding::from_problem(p.clone()),
        (Ok(()), Err(p)) => Finding::from_problem(p.clone()),
        (Ok(()), Ok(c)) if c.is_empty() => Finding::new(Outcome::CouldNotCheck, "the seal carries no certificate (x5c) to check it with"),
        (Ok(()), Ok(c)) => match c[0].public_key() {
            Err(cert::CertError::Unsupported(e)) => Finding::new(Outcome::CouldNotCheck, e),
            Err(e) => Finding::new(Outcome::Fail, format!("the seal certificate's key: {e}")),
            Ok(key) => match jws.signing_input(index).map_err(|e| HeaderProblem::Unsupported(e.to_string())).and_then(|input| sig.verify_with(&key, &input)) {
                Ok(()) => Finding::new(
                    Outcome::Pass,
                    format!("{} signature by {} verifies ({} payload)", sig.alg().unwrap_or(""), c[0].subject(), if sig.b64() { "base64url" } else { "unencoded" }),
                ),
                Err(p) => Finding::from_problem(p),
            },
        },
    };

    // timestamp (before the certificate: a verified genTime is a time to check it at when sigT is absent)
    let tokens = sig.sig_tst_tokens();
    if tokens.is_empty() {
        r.timestamp = Finding::new(Outcome::NotApplicable, "no signature timestamp (JAdES B-B)");
        r.timestamp_authority = Finding::new(Outcome::NotApplicable, "no signature timestamp");
    } else {
        r.timestamps = tokens.iter().map(|t| timestamp::check(t, sig.signature_b64.as_bytes())).collect();
        r.timestamp = timestamp_finding(&r.timestamps, r.sig_t, &r.unchecked_members);
        r.timestamp_authority = authority_finding(&r.timestamps, &opts.trusted_tsa);
    }

    // seal-certificate
    let certs = match certs {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            r.seal_certificate = Finding::new(Outcome::CouldNotCheck, "the seal carries no certificate (x5c)");
            return r;
        }
        Err(p) => {
            r.seal_certificate = Finding::from_problem(p);
            return r;
        }
    };
    let leaf = certs[0].clone();
    r.chain = certs[1..].to_vec();
    r.chain.extend(sig.x_vals().iter().filter_map(|d| Cert::from_der(d).ok()).filter(|c| c.der != leaf.der));
    let ts_time = r.timestamp_time();
    r.seal_certificate = certificate_finding(sig, &leaf, &mut r.qc, r.sig_t, ts_time, opts.now);
    r.certificate = Some(leaf);
    r
}

fn certificate_finding(
    sig: &jades::Signature,
    leaf: &Cert,
    qc_out: &mut Option<QcStatements>,
    sig_t: Option<DateTime<Utc>>,
    ts_time: Option<DateTime<Utc>>,
    now: Option<DateTime<Utc>>,
) -> Finding {
    let binding = match jades::check_binding(sig, leaf) {
        Ok(b) => b,
        Err(p) => return Finding::from_problem(p),
    };
    let (at, what) = match (sig_t, ts_time) {
        (Some(t), _) => (t, "sigT"),
        (None, Some(t)) => (t, "the timestamp"),
        (None, None) => (now.unwrap_or_else(Utc::now), "now"),
    };
    if at < leaf.not_before() {
        return Finding::new(Outcome::Fail, format!("the seal certificate was not yet valid at {what} ({at}; valid from {})", leaf.not_before()));
    }
    if at > leaf.not_after() {
        return Finding::new(Outcome::Fail, format!("the seal certificate had expired at {what} ({at}; valid until {})", leaf.not_after()));
    }
    if let Some(ku) = leaf.key_usage() {
        if !ku.digital_signature && !ku.non_repudiation {
            return Finding::new(Outcome::Fail, "the seal certificate's key usage allows neither digitalSignature nor nonRepudiation");
        }
    }
    let qc = match leaf.qc_statements() {
        Ok(q) => q,
        Err(e) => return Finding::new(Outcome::Fail, e.to_string()),
    };
    let qc_text = qc.as_ref().map(|q| q.summary()).unwrap_or_else(|| "no qcStatements (not a qualified certificate)".into());
    *qc_out = qc;
    Finding::new(
        Outcome::Pass,
        format!(
            "{} (issued by {}), valid at {what} {}; {}; {qc_text}",
            leaf.subject(),
            leaf.issuer(),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            binding.notes.join(", ")
        ),
    )
}

fn timestamp_finding(checks: &[TimestampCheck], sig_t: Option<DateTime<Utc>>, unchecked: &[String]) -> Finding {
    let also = if unchecked.is_empty() { String::new() } else { format!("; also carries {} (not checked)", unchecked.join(", ")) };
    if let Some(bad) = checks.iter().find(|c| c.imprint_ok == Some(false) || c.signature_ok == Some(false)) {
        return Finding::new(Outcome::Fail, bad.notes.join("; "));
    }
    if let Some(unk) = checks.iter().find(|c| !c.verified()) {
        return Finding::new(Outcome::CouldNotCheck, unk.notes.join("; "));
    }
    if let Some(st) = sig_t {
        if let Some(early) = checks.iter().filter_map(|c| c.gen_time).find(|g| *g + chrono::Duration::seconds(SKEW_SECONDS) < st) {
            return Finding::new(Outcome::Fail, format!("the timestamp ({early}) is earlier than the claimed signing time sigT ({st})"));
        }
    }
    let times: Vec<String> =
        checks.iter().filter_map(|c| c.gen_time).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).collect();
    let tsas: Vec<String> = checks.iter().filter_map(|c| c.tsa.as_ref()).map(|c| c.subject()).collect();
    Finding::new(Outcome::Pass, format!("timestamped at {} by {}: imprint and signature verify{also}", times.join(", "), tsas.join(", ")))
}

fn authority_finding(checks: &[TimestampCheck], trusted: &[Vec<u8>]) -> Finding {
    let verified: Vec<&TimestampCheck> = checks.iter().filter(|c| c.verified()).collect();
    if verified.is_empty() {
        return Finding::new(Outcome::NotApplicable, "no verified timestamp to trust");
    }
    let trusted: Vec<Cert> = trusted.iter().filter_map(|d| Cert::from_der(d).ok()).collect();
    let mut untrusted = Vec::new();
    for c in &verified {
        let (Some(tsa), Some(at)) = (&c.tsa, c.gen_time) else { continue };
        // The TSA itself, or issued by a trusted certificate directly or through one certificate in the token.
        let via_token = |t: &Cert| c.certificates.iter().any(|mid| cert::issued_by(tsa, mid).is_ok() && cert::issued_by(mid, t).is_ok());
        let is_trusted = trusted.iter().any(|t| t.der == tsa.der || cert::issued_by(tsa, t).is_ok() || via_token(t));
        if !is_trusted {
            let selfs = if tsa.is_self_signed() { " (self-signed)" } else { "" };
            untrusted.push(format!("{}{selfs}", tsa.subject()));
        } else if !tsa.valid_at(at) {
            return Finding::new(Outcome::Fail, format!("the TSA certificate {} was not valid at {at}", tsa.subject()));
        } else if !tsa.extended_key_usage().is_some_and(|(eku, _)| eku.iter().any(|o| o == cert::OID_KP_TIME_STAMPING)) {
            return Finding::new(Outcome::Fail, format!("the certificate {} is not for timestamping (no timeStamping extended key usage)", tsa.subject()));
        }
    }
    if untrusted.is_empty() {
        Finding::new(Outcome::Pass, "the timestamp authority is trusted")
    } else {
        Finding::new(Outcome::CouldNotCheck, format!("the timestamp authority is not a trusted one: {}", untrusted.join(", ")))
    }
}

#[cfg(test)]
mod tests;
