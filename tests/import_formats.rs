//! Import of every supported format from the public vectors, with the
//! extracted fields asserted, and refusal of bad inputs with clear errors.
//! These run offline against the library (the store has its own tests).

use crate::common;

use backpack::import::{self, Bundle, ImportError, ImportOptions, Input};
use backpack::model::{Credential, Format};
use common::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn parse(path: std::path::PathBuf) -> Bundle {
    import::parse_input(&Input::Path(path.clone()), &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn one(path: std::path::PathBuf) -> Credential {
    let b = parse(path);
    assert_eq!(b.items.len(), 1);
    b.items.into_iter().next().unwrap().credential
}

fn refuse(path: std::path::PathBuf) -> ImportError {
    match import::parse_input(&Input::Path(path.clone()), &ImportOptions::default()) {
        Ok(b) => panic!("{} was accepted: {:?}", path.display(), b.items[0].credential.title()),
        Err(e) => e,
    }
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).unwrap())
}

#[test]
fn ob3_json_ld_from_1edtech_simple() {
    let c = one(ob30("simple.json"));
    assert_eq!(c.format, Format::Ob3JsonLd);
    assert_eq!(c.title(), "Teamwork");
    assert_eq!(c.name.as_deref(), Some("Teamwork Badge"));
    assert_eq!(c.issuer.name.as_deref(), Some("Example Corp"));
    assert_eq!(c.issuer.id.as_deref(), Some("https://example.com/issuers/876543"));
    assert_eq!(c.valid_from.as_deref(), Some("2010-01-01T00:00:00Z"));
    assert_eq!(c.credential_id.as_deref(), Some("http://example.com/credentials/3527"));
    assert_eq!(c.proofs.len(), 1);
    assert_eq!(c.proofs[0].cryptosuite.as_deref(), Some("eddsa-rdfc-2022"));
    assert_eq!(c.recipient.unwrap().identity.as_deref(), Some("did:example:ebfeb1f712ebc6f1c276e12ec21"));
    // The `.1ob` extension holds the same JSON.
    assert_eq!(one(ob30("simple.1ob")).title(), "Teamwork");
}

#[test]
fn ob3_complete_credits_outcomes_and_status() {
    let c = one(ob30("complete.json"));
    assert_eq!(c.achievement.ects, dec("36"));
    assert_eq!(c.issuer.name.as_deref(), Some("1EdTech University"));
    // A CFItem alignment names an outcome/competency; CTDL does not.
    let outcomes: Vec<_> = c.achievement.learning_outcomes.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(outcomes, vec!["1EdTech University Degree"]);
    assert_eq!(c.achievement.alignments.len(), 2);
    let st = c.status.expect("status");
    assert_eq!(st.kind, "1EdTechRevocationList");
    assert_eq!(st.list_url.as_deref(), Some("https://1edtech.edu/credentials/3732/revocations"));
}

#[test]
fn ob3_baked_png_json_and_jwt() {
    let b = parse(ob30("simple-json.png"));
    let p = &b.items[0];
    assert_eq!(p.credential.format, Format::Ob3JsonLd);
    assert_eq!(p.credential.title(), "Teamwork");
    assert_eq!(p.media_type, "application/ld+json");
    assert!(p.original.starts_with(b"{"));
    let pic = p.picture.as_ref().expect("baked image kept");
    assert_eq!(pic.media_type, "image/png");

    let c = one(ob30("simple-jwt.png"));
    assert_eq!(c.format, Format::Ob3Jwt);
    assert_eq!(c.proofs[0].kind, "JWT");
    assert_eq!(c.proofs[0].alg.as_deref(), Some("RS256"));
    assert!(c.title().len() > 3);
    let c1 = one(ob30("simple-jwt_v1.png"));
    assert_eq!(c1.format, Format::Ob3Jwt);
}

#[test]
fn ob3_baked_svg_cdata_and_verify_attribute() {
    let c = one(ob30("simple-json.svg"));
    assert_eq!(c.format, Format::Ob3JsonLd);
    assert_eq!(c.title(), "Teamwork");
    let c = one(ob30("simple-jwt.svg"));
    assert_eq!(c.format, Format::Ob3Jwt);
    let c = one(ob30("simple-jwt_v1.svg"));
    assert_eq!(c.format, Format::Ob3Jwt);
}

#[test]
fn vc_jwt_claims_fill_the_model() {
    let b = parse(ob30("simple.jwt"));
    let p = &b.items[0];
    assert_eq!(p.media_type, "application/jwt");
    let c = &p.credential;
    assert_eq!(c.format, Format::Ob3Jwt);
    assert_eq!(c.credential_id.as_deref(), Some("http://example.edu/credentials/3732"));
    assert_eq!(c.issuer.name.as_deref(), Some("Example University"));
    assert_eq!(c.title(), "Example University Degree");
    // The original is the compact JWS, byte for byte.
    let raw = std::fs::read_to_string(ob30("simple.jwt")).unwrap();
    assert_eq!(p.original, raw.trim().as_bytes());
}

#[test]
fn ob2_baked_png_and_signed_jws() {
    let c = one(ob20("simple-badge.png"));
    assert_eq!(c.format, Format::Ob2Hosted);
    assert_eq!(c.credential_id.as_deref().map(|s| s.starts_with("https://")), Some(true));
    // Offline: the linked BadgeClass is not fetched, and the model says so.
    assert!(c.warnings.iter().any(|w| w.contains("offline")), "{:?}", c.warnings);

    let b = parse(ob20("simple.jwt"));
    let p = &b.items[0];
    assert_eq!(p.credential.format, Format::Ob2Signed);
    assert_eq!(p.media_type, "application/jose");
    let proof = &p.credential.proofs[0];
    assert_eq!(proof.alg.as_deref(), Some("RS256"));
    assert_eq!(proof.verification_method.as_deref(), Some("http://example.org/key1.json"));
    assert_eq!(p.credential.credential_id.as_deref(), Some("https://example.org/beths-robotics-badge.json"));
    let recip = p.credential.recipient.as_ref().unwrap();
    assert!(recip.hashed);
    assert_eq!(recip.salt.as_deref(), Some("deadsea"));
}

#[test]
fn ob2_json_assertions_from_the_validator() {
    for name in ["basic-assertion.json", "assertion-with-endorsements.json", "basic-assertion-with-language.json"] {
        let c = one(ob20(name));
        assert_eq!(c.format, Format::Ob2Hosted, "{name}");
        assert_eq!(c.hosted_url.as_deref(), c.credential_id.as_deref(), "{name}");
        assert!(c.issued.is_some(), "{name}");
    }
}

#[test]
fn clr2_json_imports_the_clr_and_its_members() {
    let b = parse(vector("1edtech-validator/inspector-clr/src/test/resources/clr20/simple.json"));
    assert_eq!(b.items.len(), 2);
    let member = &b.items[0].credential;
    let clr = &b.items[1].credential;
    assert_eq!(clr.format, Format::Clr2);
    assert_eq!(member.format, Format::Ob3JsonLd);
    assert_eq!(clr.contains, vec![member.id.clone()]);
    assert!(b.items[0].source.ends_with("#verifiableCredential[0]"));
}

#[test]
fn clr2_jwt() {
    let b = parse(vector("1edtech-validator/inspector-clr/src/test/resources/clr20/simple.jwt"));
    let clr = b.items.last().unwrap();
    assert_eq!(clr.credential.format, Format::Clr2);
    assert_eq!(clr.media_type, "application/jwt");
    assert_eq!(clr.credential.contains.len(), b.items.len() - 1);
}

#[test]
fn ob3_spec_signed_vectors() {
    let c = one(vector("ob3-spec/impl/ob3-signed-credential.extracted.json"));
    assert_eq!(c.format, Format::Ob3JsonLd);
    let b = parse(vector("ob3-spec/impl/clr2-signed-credential.extracted.json"));
    assert_eq!(b.items.last().unwrap().credential.format, Format::Clr2);
}

#[test]
fn dcc_fixtures_every_badge_imports() {
    let dir = vector("dcc/vc-test-fixtures/verifiableCredentials");
    let inputs = import::expand(vec![Input::Path(dir)]);
    let (mut ok, mut not_badge, mut qr_png) = (0, 0, 0);
    for input in inputs {
        let name = input.label();
        match import::parse_input(&input, &ImportOptions::default()) {
            Ok(b) => {
                ok += 1;
                let c = &b.items.last().unwrap().credential;
                assert!(matches!(c.format, Format::Ob3JsonLd | Format::Clr2), "{name}");
                assert!(c.issuer.id.as_deref().unwrap_or("").starts_with("did:"), "{name}: {:?}", c.issuer.id);
                assert!(!c.proofs.is_empty(), "{name}");
            }
            // DCC's PNGs (and one SVG) are QR codes of a link, not baked badges.
            Err(ImportError::NotBaked(_)) if name.ends_with(".png") || name.ends_with(".svg") => qr_png += 1,
            // Plain VCs (a bike ride, an endorsement) are not badges: refused by design.
            Err(ImportError::NotABadge(m)) => {
                assert!(m.contains("VerifiableCredential") || m.contains("Endorsement"), "{name}: {m}");
                not_badge += 1
            }
            // The upstream 0-byte file.
            Err(ImportError::Empty) if name.ends_with("legacy-noStatus-noExpiry.json") => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert!(ok >= 60, "only {ok} DCC credentials imported");
    assert!(qr_png >= 50 && not_badge >= 4, "qr {qr_png}, not badges {not_badge}");
}

#[test]
fn dcc_alignments_and_multiple_proofs() {
    let c = one(vector(
        "dcc/vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-alignments.json",
    ));
    assert_eq!(c.achievement.alignments.len(), 2);
    assert_eq!(c.achievement.alignments[0].target_name.as_deref(), Some("Requirements Analysis"));
    let both = one(vector(
        "dcc/vc-test-fixtures/verifiableCredentials/v2/bothSignatureTypes/didkey/noRegistry-revokedStatus-notExpired.json",
    ));
    let kinds: Vec<_> = both.proofs.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert_eq!(both.status.as_ref().map(|s| s.kind.as_str()), Some("BitstringStatusListEntry"));
}

#[test]
fn edubadges_ob3_mapping_outcomes_from_results() {
    let c = one(vector("edubadges/edubadges.github.io/edubadges-ob3-openbadgecredential-mapping.extracted.json"));
    assert_eq!(c.title(), "Edubadge account complete");
    assert_eq!(c.issuer.id.as_deref(), Some("did:web:api.edubadges.nl:issuers:lQ67BQQQS-eBx5syJGpazg"));
    assert_eq!(c.achievement.learning_outcomes.len(), 1);
    assert_eq!(c.achievement.learning_outcomes[0].source, "result");
    assert!(c.achievement.learning_outcomes[0].text.contains("basic understanding of edubadges"));
    let r = c.recipient.unwrap();
    assert!(r.hashed);
    assert_eq!(r.salt.as_deref(), Some("b0aa39cc508e46bb8639ae1bad484a07"));
    assert_eq!(c.status.unwrap().kind, "1EdTechRevocationList");
}

#[test]
fn edubadges_ob2_with_extensions_embedded() {
    // An edubadges export: the assertion with its badge class and issuer embedded.
    let assertion: serde_json::Value = serde_json::from_slice(
        &std::fs::read(vector("edubadges/edubadges.github.io/edubadges-ob2-assertion.extracted.json")).unwrap(),
    )
    .unwrap();
    let mut badge: serde_json::Value = serde_json::from_slice(
        &std::fs::read(vector("edubadges/edubadges.github.io/edubadges-ob2-badgeclass.extracted.json")).unwrap(),
    )
    .unwrap();
    let issuer: serde_json::Value = serde_json::from_slice(
        &std::fs::read(vector("edubadges/edubadges.github.io/edubadges-ob2-issuer.extracted.json")).unwrap(),
    )
    .unwrap();
    badge["issuer"] = issuer;
    let mut a = assertion.clone();
    a["badge"] = badge;
    let text = serde_json::to_string(&a).unwrap();
    let b = import::parse_input(&Input::Text { label: "paste".into(), text }, &ImportOptions::default()).unwrap();
    let c = &b.items[0].credential;
    assert_eq!(c.format, Format::Ob2Hosted);
    assert_eq!(c.title(), "Edubadge account complete");
    assert_eq!(c.achievement.language.as_deref(), Some("en_EN"));
    assert_eq!(c.achievement.learning_outcomes.len(), 1);
    assert!(c.achievement.learning_outcomes[0].text.starts_with("This is an edubadge for demonstration"));
    assert_eq!(c.issuer.name.as_deref(), Some("SURF - Team edubadges"));
    assert_eq!(c.issuer.institution_identifier.as_deref(), Some("0000"));
    assert_eq!(c.achievement.ects, None, "no ECTS extension: nothing invented");
    assert_eq!(c.achievement.eqf_level, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn sample_micro_credentials_map_ects_eqf_hours_outcomes() {
    // The sample generator writes both edubadges OB 2.0 (extensions) and OB 3.0
    // (creditsAvailable + ext:EQF alignment + competency alignments).
    for (name, bytes) in backpack::sample::credentials(Some(4)) {
        let text = String::from_utf8(bytes).unwrap();
        let b = import::parse_input(&Input::Text { label: name.clone(), text }, &ImportOptions::default()).unwrap();
        let c = &b.items[0].credential;
        let a = &c.achievement;
        match name.as_str() {
            n if n.starts_with("sample-000000") => {
                assert_eq!(c.format, Format::Ob2Hosted);
                assert_eq!(a.ects, dec("5"));
                assert_eq!(a.eqf_level, Some(7));
                // edubadges keeps all outcomes in one LearningOutcome text; it is not split up.
                assert_eq!(a.learning_outcomes.len(), 1);
                assert_eq!(a.learning_outcomes[0].text.lines().count(), 3);
                assert_eq!(a.badge_class_type.as_deref(), Some("micro_credential"));
                assert_eq!(a.programme_identifiers, vec!["60207"]);
                assert_eq!(c.issuer.institution_identifier.as_deref(), Some("00ZZ"));
                assert_eq!(c.issuer.country.as_deref(), Some("NL"));
                assert_eq!(c.hours(), dec("140"));
            }
            n if n.starts_with("sample-000001") => {
                assert_eq!(c.format, Format::Ob3JsonLd);
                assert_eq!(a.ects, dec("7.5"));
                assert_eq!(a.eqf_level, Some(6));
                assert_eq!(a.learning_outcomes.len(), 2);
                assert!(a.learning_outcomes.iter().all(|o| o.source == "alignment"));
                assert_eq!(c.issuer.institution_identifier.as_deref(), Some("99YY"));
                assert_eq!(c.issuer.country.as_deref(), Some("NL"));
                assert_eq!(c.hours(), dec("210"));
            }
            _ => {}
        }
    }
}

#[test]
fn ob3_eqf_from_url_or_result_description_and_hours_only() {
    let text = std::fs::read_to_string(fixture("ob3-eqf-variants.json")).unwrap();
    let b = import::parse_input(&Input::Text { label: "f".into(), text }, &ImportOptions::default()).unwrap();
    let a = &b.items[0].credential.achievement;
    assert_eq!(a.eqf_level, Some(5), "EQF from a data.europa.eu targetUrl");
    assert_eq!(a.nlqf_level.as_deref(), Some("5"));
    assert_eq!(a.ects, None);
    assert_eq!(a.study_hours, dec("84"));
    assert_eq!(a.study_hours_source.as_deref(), Some("timeInvestment"));
    assert_eq!(b.items[0].credential.hours(), dec("84"));
    assert_eq!(a.quality_assurance.as_ref().and_then(|q| q.name.as_deref()), Some("NVAO accreditation"));
}

#[test]
fn same_credential_in_two_wrappings_gets_one_id() {
    // The JSON baked in the PNG and the same JSON pasted (re-indented) are one credential.
    let png = parse(ob30("simple-json.png"));
    let v: serde_json::Value = serde_json::from_slice(&png.items[0].original).unwrap();
    let pasted = import::parse_input(
        &Input::Text { label: "paste".into(), text: serde_json::to_string(&v).unwrap() },
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(png.items[0].credential.id, pasted.items[0].credential.id);
    // The file and the PNG carry differently signed copies: two credentials.
    assert_ne!(one(ob30("simple.json")).id, png.items[0].credential.id);
    // A tampered copy with the same `id` is a different credential.
    let tampered = one(vector(
        "dcc/vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json",
    ));
    let genuine = one(vector("dcc/vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-noStatus-noExpiry.json"));
    assert_eq!(tampered.credential_id, genuine.credential_id);
    assert_ne!(tampered.id, genuine.id);
}

// ---- bad input: refused with a reason that names the problem ----

#[test]
fn zero_byte_file_is_refused() {
    let e = refuse(vector("dcc/vc-test-fixtures/verifiableCredentials/v1/ed25519/didKey/legacy-noStatus-noExpiry.json"));
    assert!(matches!(e, ImportError::Empty), "{e}");
    assert_eq!(e.to_string(), "empty input (0 bytes)");
}

#[test]
fn truncated_png_is_refused() {
    let bytes = std::fs::read(ob30("simple-json.png")).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 5, 40] {
        let e = import::parse_bytes("cut.png", &bytes[..cut], &ImportOptions::default()).unwrap_err();
        assert!(matches!(e, ImportError::Png(_)), "cut at {cut}: {e}");
        assert!(e.to_string().starts_with("not a valid PNG"), "{e}");
    }
}

#[test]
fn png_with_corrupted_chunk_crc_is_refused() {
    let mut bytes = std::fs::read(ob30("simple-json.png")).unwrap();
    let at = bytes.windows(4).position(|w| w == b"iTXt").unwrap();
    bytes[at + 20] ^= 0x20; // flip a bit inside the baked JSON
    let e = import::parse_bytes("bad.png", &bytes, &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::Png(_)), "{e}");
}

#[test]
fn plain_png_is_not_a_badge() {
    let e = refuse(vector("ob2/mozilla-openbadges-bakery/unbaked.png"));
    assert!(matches!(e, ImportError::NotBaked(_)), "{e}");
    assert!(e.to_string().contains("not a baked badge"), "{e}");
}

#[test]
fn svg_in_the_wrong_namespace_is_refused() {
    let svg = std::fs::read_to_string(ob30("simple-json.svg")).unwrap();
    let wrong = svg.replace("https://purl.imsglobal.org/ob/v3p0", "https://example.org/not-open-badges");
    let e = import::parse_bytes("wrong-ns.svg", wrong.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::NotBaked(_)), "{e}");
    assert!(e.to_string().contains("https://purl.imsglobal.org/ob/v3p0"), "{e}");
    let e = refuse(vector("ob2/mozilla-openbadges-bakery/unbaked.svg"));
    assert!(matches!(e, ImportError::NotBaked(_)), "{e}");
}

#[test]
fn svg_with_entity_declarations_is_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE svg [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential>&b;</openbadges:credential></svg>"#;
    let e = import::parse_bytes("bomb.svg", bomb.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("DTD internal subset"), "{e}");
    // An undeclared entity is not silently dropped either.
    let undeclared = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&xxe;</openbadges:credential></svg>"#;
    let e = import::parse_bytes("xxe.svg", undeclared.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("xxe"), "{e}");
}

#[test]
fn json_that_is_not_a_badge_is_refused() {
    for (text, needle) in [
        (r#"{"hello": "world"}"#, "no 'type'"),
        (r#"{"type": "BadgeClass", "name": "x"}"#, "not an awarded badge"),
        (r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{}}"#, "VerifiableCredential"),
        (r#"[1, 2, 3]"#, "not an object"),
        (r#"{"type": ["OpenBadgeCredential"]}"#, "not VerifiableCredential"),
    ] {
        let e = import::parse_bytes("x.json", text.as_bytes(), &ImportOptions::default()).unwrap_err();
        assert!(matches!(e, ImportError::NotABadge(_)), "{text}: {e}");
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
    let e = import::parse_bytes("x.json", b"{\"type\": ", &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::Json(_)), "{e}");
    let e = refuse(vector("ob2/spec/ob2-example-assertion-embedded.extracted.json"));
    assert!(e.to_string().contains("trailing comma"), "{e}");
}

#[test]
fn garbage_and_oversized_inputs_are_refused() {
    let e = import::parse_bytes("x.bin", &[0xff, 0xfe, 0x00, 0x01], &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::Unrecognised(_)), "{e}");
    let e = import::parse_bytes("x.jwt", b"eyJhbGciOiJub25lIn0.bm90IGpzb24.", &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::Jwt(_)), "{e}");
    let big = vec![b' '; (import::MAX_INPUT_BYTES + 1) as usize];
    let e = import::parse_bytes("big.json", &big, &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    // A hosted-badge link baked in an SVG needs the network; offline says so.
    let e = refuse(vector("ob2/mozilla-openbadges-bakery/baked.svg"));
    assert!(matches!(e, ImportError::Fetch { .. }), "{e}");
    assert!(e.to_string().contains("offline"), "{e}");
}
