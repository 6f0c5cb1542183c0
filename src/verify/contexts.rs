//! The bundled, versioned JSON-LD context set used when verifying Data
//! Integrity proofs. Contexts are never fetched: the verifier only knows the
//! documents compiled into the binary from `contexts/` at the repository root
//! (their origin and checksums are in `contexts/PROVENANCE.md`). A credential
//! that needs any other context cannot be checked.
//!
//! URLs match exactly (scheme, host, path; no trailing-slash or `http`
//! variants), because RDF canonicalization depends on the exact document.

/// (URL, document) pairs, sorted by URL.
static CONTEXTS: &[(&str, &str)] = &[
    ("https://openbadgespec.org/v2/context.json", include_str!("../../contexts/w3id.org_openbadges_v2.jsonld")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", include_str!("../../contexts/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context.json", include_str!("../../contexts/purl.imsglobal.org_spec_clr_v2p0_context.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", include_str!("../../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", include_str!("../../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", include_str!("../../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.1edtech-validator-2026.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context.json", include_str!("../../contexts/purl.imsglobal.org_spec_ob_v3p0_context.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", include_str!("../../contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json")),
    ("https://w3id.org/openbadges/v2", include_str!("../../contexts/w3id.org_openbadges_v2.jsonld")),
    ("https://w3id.org/security/data-integrity/v1", include_str!("../../contexts/w3id.org_security_data-integrity_v1.jsonld")),
    ("https://w3id.org/security/data-integrity/v2", include_str!("../../contexts/w3id.org_security_data-integrity_v2.jsonld")),
    ("https://w3id.org/security/multikey/v1", include_str!("../../contexts/w3id.org_security_multikey_v1.jsonld")),
    ("https://w3id.org/security/suites/ed25519-2020/v1", include_str!("../../contexts/w3id.org_security_suites_ed25519-2020_v1.jsonld")),
    ("https://w3id.org/security/v1", include_str!("../../contexts/w3id.org_security_v1.jsonld")),
    ("https://w3id.org/security/v2", include_str!("../../contexts/w3id.org_security_v2.jsonld")),
    ("https://w3id.org/vc/status-list/2021/v1", include_str!("../../contexts/w3id.org_vc_status-list_2021_v1.jsonld")),
    ("https://www.w3.org/2018/credentials/examples/v1", include_str!("../../contexts/www.w3.org_2018_credentials_examples_v1.jsonld")),
    ("https://www.w3.org/2018/credentials/v1", include_str!("../../contexts/www.w3.org_2018_credentials_v1.jsonld")),
    ("https://www.w3.org/ns/credentials/examples/v2", include_str!("../../contexts/www.w3.org_ns_credentials_examples_v2.jsonld")),
    ("https://www.w3.org/ns/credentials/status/v1", include_str!("../../contexts/www.w3.org_ns_credentials_status_v1.jsonld")),
    ("https://www.w3.org/ns/credentials/undefined-terms/v2", include_str!("../../contexts/www.w3.org_ns_credentials_undefined-terms_v2.jsonld")),
    ("https://www.w3.org/ns/credentials/v2", include_str!("../../contexts/www.w3.org_ns_credentials_v2.jsonld")),
    ("https://www.w3.org/ns/did/v1", include_str!("../../contexts/www.w3.org_ns_did_v1.jsonld")),
];

/// The context document published at `url`, if it is bundled.
pub fn get(url: &str) -> Option<&'static str> {
    CONTEXTS.binary_search_by(|(u, _)| (*u).cmp(url)).ok().map(|i| CONTEXTS[i].1)
}

/// Every bundled context URL, sorted.
pub fn bundled_urls() -> Vec<&'static str> {
    CONTEXTS.iter().map(|(u, _)| *u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_every_document_is_json_with_a_context() {
        assert!(CONTEXTS.windows(2).all(|w| w[0].0 < w[1].0), "CONTEXTS must be sorted for binary search");
        for (url, doc) in CONTEXTS {
            let v: serde_json::Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(v.get("@context").is_some(), "{url} has no @context");
        }
    }

    #[test]
    fn exact_urls_only() {
        for url in [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v1",
            "https://w3id.org/security/data-integrity/v2",
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "https://w3id.org/security/multikey/v1",
            "https://w3id.org/security/v1",
            "https://w3id.org/security/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
            "https://w3id.org/openbadges/v2",
        ] {
            assert!(get(url).is_some(), "{url} should be bundled");
            assert!(bundled_urls().contains(&url));
        }
        assert!(get("https://www.w3.org/ns/credentials/v2/").is_none());
        assert!(get("http://www.w3.org/ns/credentials/v2").is_none());
        assert!(get("https://w3id.org/dcc/v1").is_none());
        assert!(get("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.4.json").is_none());
    }

    #[test]
    fn ob_303_is_the_validator_superset_copy() {
        let doc = get("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json").unwrap();
        assert!(doc.contains("\"endorsementJwt\"") && doc.contains("\"jti\""));
    }
}
