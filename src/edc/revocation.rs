//! Whether a seal certificate was revoked, from its issuer's certificate
//! revocation list (RFC 5280 CRL): the distribution points the certificate
//! names, the list's signature checked with the issuer's key, the list
//! current (`nextUpdate` not passed), the serial looked up. The fetch is the
//! caller's (through the one HTTP client, public addresses only); without the
//! network, or without the issuer's certificate, the answer is "could not
//! check", never "not revoked". OCSP is not asked (a CRL answers the same
//! question with a list the issuer signs, and needs no request to build).

use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::CrlDistributionPoints;

use super::cert::{self, Cert};

/// The id-ce-cRLDistributionPoints extension.
const OID_CRL_DP: &str = "2.5.29.31";

/// Largest CRL read (national CAs publish lists of a few MiB).
pub const MAX_CRL_BYTES: usize = 8 * 1024 * 1024;

/// The `http(s)` URLs of the certificate's CRL distribution points.
pub fn crl_urls(c: &Cert) -> Vec<String> {
    let Some((value, _)) = c.extension(OID_CRL_DP) else { return Vec::new() };
    let Ok(points) = CrlDistributionPoints::from_der(value) else { return Vec::new() };
    points
        .0
        .iter()
        .filter_map(|p| match &p.distribution_point {
            Some(DistributionPointName::FullName(names)) => Some(names),
            _ => None,
        })
        .flatten()
        .filter_map(|n| match n {
            GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
            _ => None,
        })
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .collect()
}

/// What a CRL says of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Not on the issuer's current list.
    Good {
        /// When the list was issued.
        this_update: DateTime<Utc>,
    },
    /// On the list: revoked at this time.
    Revoked(DateTime<Utc>),
    /// The list could not answer: why.
    Unknown(String),
}

fn time(t: &x509_cert::time::Time) -> DateTime<Utc> {
    DateTime::<Utc>::from(t.to_system_time())
}

/// Read `crl` (DER, or PEM) for `subject` issued by `issuer`, at `now`.
pub fn check(crl: &[u8], subject: &Cert, issuer: &Cert, now: DateTime<Utc>) -> Revocation {
    if crl.len() > MAX_CRL_BYTES {
        return Revocation::Unknown(format!("the revocation list is larger than {MAX_CRL_BYTES} bytes"));
    }
    let der = pem_or_der(crl);
    let list = match CertificateList::from_der(&der) {
        Ok(l) => l,
        Err(e) => return Revocation::Unknown(format!("the revocation list cannot be read: {e}")),
    };
    let tbs = &list.tbs_cert_list;
    if der::Encode::to_der(&tbs.issuer).ok() != Some(issuer.subject_der()) {
        return Revocation::Unknown(format!("the revocation list is not {}'s", issuer.subject()));
    }
    let Some(signed) = cert::first_element(&der) else { return Revocation::Unknown("the revocation list has no signed part".into()) };
    let verified = issuer.public_key().and_then(|key| {
        let sig = list.signature.as_bytes().ok_or_else(|| cert::CertError::Malformed("signature has unused bits".into()))?;
        cert::verify_signature(&key, &list.signature_algorithm, None, signed, sig)
    });
    if let Err(e) = verified {
        return Revocation::Unknown(format!("the revocation list's signature does not verify with {}'s key: {e}", issuer.subject()));
    }
    // RFC 5280: a CRL with a critical extension the reader does not process is
    // not used; a delta CRL or a partitioned list (issuing distribution point)
    // might leave the certificate out, so neither is taken as an answer.
    let crl_ext = tbs.crl_extensions.iter().flatten();
    if let Some(e) = crl_ext.clone().find(|e| e.critical || ["2.5.29.27", "2.5.29.28"].contains(&e.extn_id.to_string().as_str())) {
        return Revocation::Unknown(format!("the revocation list carries an extension Backpack does not process ({})", e.extn_id));
    }
    if tbs.revoked_certificates.iter().flatten().flat_map(|r| r.crl_entry_extensions.iter().flatten()).any(|e| e.critical) {
        return Revocation::Unknown("the revocation list has an entry with a critical extension Backpack does not process".into());
    }
    let this_update = time(&tbs.this_update);
    if let Some(next) = &tbs.next_update {
        if time(next) < now {
            return Revocation::Unknown(format!("the revocation list is out of date (next update was due {})", time(next)));
        }
    }
    let revoked = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number.as_bytes() == subject.serial())
        .map(|r| time(&r.revocation_date));
    match revoked {
        Some(at) => Revocation::Revoked(at),
        None => Revocation::Good { this_update },
    }
}

fn pem_or_der(b: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let text = std::str::from_utf8(b).unwrap_or_default();
    if let Some(start) = text.find("-----BEGIN X509 CRL-----") {
        let body = &text[start + 24..];
        let body = &body[..body.find("-----END").unwrap_or(body.len())];
        let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(d) = base64::engine::general_purpose::STANDARD.decode(clean) {
            return d;
        }
    }
    b.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CRL of the test CA (its key is the testkit's fixed P-256 key) listing `revoked`.
    fn test_crl(revoked: &[(&Cert, &str)], next_update: &str) -> Vec<u8> {
        use der::asn1::BitString;
        use der::Encode;
        use p256::ecdsa::signature::Signer;
        use x509_cert::crl::{RevokedCert, TbsCertList};
        use x509_cert::serial_number::SerialNumber;
        use x509_cert::time::Time;
        let t = |s: &str| {
            let d = DateTime::parse_from_rfc3339(s).unwrap();
            Time::UtcTime(der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(d.timestamp() as u64)).unwrap())
        };
        let ca = &crate::edc::testkit::pki().ca;
        let alg = spki::AlgorithmIdentifierOwned { oid: der::oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"), parameters: None };
        let tbs = TbsCertList {
            version: x509_cert::Version::V2,
            signature: alg.clone(),
            issuer: ca.cert.tbs_certificate.subject.clone(),
            this_update: t("2026-01-01T00:00:00Z"),
            next_update: Some(t(next_update)),
            revoked_certificates: Some(
                revoked
                    .iter()
                    .map(|(c, at)| RevokedCert { serial_number: SerialNumber::new(c.serial()).unwrap(), revocation_date: t(at), crl_entry_extensions: None })
                    .collect(),
            ),
            crl_extensions: None,
        };
        let key = p256::ecdsa::SigningKey::from_slice(&[0x11; 32]).unwrap();
        let sig: p256::ecdsa::DerSignature = key.sign(&tbs.to_der().unwrap());
        CertificateList { tbs_cert_list: tbs, signature_algorithm: alg, signature: BitString::from_bytes(sig.as_bytes()).unwrap() }.to_der().unwrap()
    }

    #[test]
    fn a_signed_crl_says_good_revoked_or_out_of_date() {
        let pki = crate::edc::testkit::pki();
        let now: DateTime<Utc> = "2026-02-01T00:00:00Z".parse().unwrap();
        let good = test_crl(&[(&pki.expired_seal, "2025-01-01T00:00:00Z")], "2026-03-01T00:00:00Z");
        assert!(matches!(check(&good, &pki.rsa_seal, &pki.ca, now), Revocation::Good { .. }));
        assert_eq!(check(&good, &pki.expired_seal, &pki.ca, now), Revocation::Revoked("2025-01-01T00:00:00Z".parse().unwrap()));
        // Past its next update: no answer, never "good".
        let old = test_crl(&[], "2026-01-15T00:00:00Z");
        assert!(matches!(check(&old, &pki.rsa_seal, &pki.ca, now), Revocation::Unknown(_)));
        // Changed after signing (an entry dropped by a man in the middle): refused.
        let mut forged = good.clone();
        let i = forged.windows(pki.expired_seal.serial().len()).position(|w| w == pki.expired_seal.serial()).unwrap();
        forged[i] ^= 1;
        assert!(matches!(check(&forged, &pki.expired_seal, &pki.ca, now), Revocation::Unknown(m) if m.contains("signature")));
        // A list by someone else.
        assert!(matches!(check(&good, &pki.rsa_seal, &pki.tsa, now), Revocation::Unknown(_)));
    }

    #[test]
    fn the_samples_seal_certificate_names_its_crl() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/edc/edc-mc-signed.jsonld")).unwrap();
        let (_, r) = crate::edc::verify_bytes(&bytes, &Default::default()).unwrap();
        let urls = crl_urls(r.certificate.as_ref().unwrap());
        assert!(!urls.is_empty() && urls.iter().all(|u| u.starts_with("http")), "{urls:?}");
        // Not a CRL at all: unknown, never good.
        let leaf = r.certificate.as_ref().unwrap();
        let issuer = r.chain.iter().find(|c| cert::issued_by(leaf, c).is_ok()).expect("the sample carries its issuer in xVals");
        assert!(matches!(check(b"nonsense", leaf, issuer, Utc::now()), Revocation::Unknown(_)));
    }
}
