//! Europass Digital Credentials (EDC, the European Learning Model 3
//! application profile of W3C VC 1.1): recognising one, sealed or not, and
//! mapping it into the model so the micro-credential rules, pathways and the
//! dossier treat it like any other credential. The seal itself is checked
//! by [`crate::edc`]; nothing here verifies.
//!
//! Recognised: a JWS in JSON serialization (general `{payload, signatures}`
//! or flattened `{payload, protected, header?, signature}`) whose payload is
//! the credential as raw JSON text (`b64: false`) or base64url, a compact
//! JWS with such a payload, and the unsealed credential JSON. An EDC is a VC
//! whose `type` has `EuropeanDigitalCredential` or whose `@context` has the
//! EDC application profile's context.
//!
//! Mapped: the learning achievement claimed (`credentialSubject.hasClaim`,
//! the first `LearningAchievement` when several): its title and description,
//! the awarding body (name, homepage, logo, country), ECTS from
//! `specifiedBy.creditPoint` (ECTS framework), EQF level from
//! `specifiedBy.eqfLevel`, study hours from `volumeOfLearning` (ISO 8601
//! duration), learning outcomes, language, the assessment (`provenBy`: title,
//! type, supervision) and the learning mode. Language maps (`{"en": …,
//! "de": …}`) are read in English when present, else the first language.

use base64::Engine;
use rust_decimal::Decimal;
use serde_json::Value;

use super::json::*;
use crate::model::*;

/// The EDC application profile's JSON-LD context.
pub const EDC_CONTEXT: &str = "http://data.europa.eu/snb/model/context/edc-ap";

/// Whether `v` is a Europass Digital Credential (by type or context).
pub fn is_edc(v: &Value) -> bool {
    v.is_object()
        && (has_type(v, "EuropeanDigitalCredential")
            || list(v.get("@context")).iter().any(|c| c.as_str() == Some(EDC_CONTEXT)))
}

/// A sealed EDC's parts: the credential and whether it came sealed.
#[derive(Debug, Clone)]
pub struct Unwrapped {
    /// The credential JSON.
    pub credential: Value,
    /// Whether it came inside a JWS (JAdES seal), not as bare JSON.
    pub sealed: bool,
}

/// The EDC inside a JWS JSON serialization (general or flattened), if `v` is one.
pub fn unwrap_json(v: &Value) -> Option<Unwrapped> {
    let o = v.as_object()?;
    let payload = o.get("payload")?.as_str()?;
    let protected = o
        .get("protected")
        .or_else(|| o.get("signatures")?.as_array()?.first()?.get("protected"))?
        .as_str()?;
    let credential = payload_json(protected, payload)?;
    is_edc(&credential).then_some(Unwrapped { credential, sealed: true })
}

/// The EDC in a compact JWS (`protected.payload.signature`, the payload raw or base64url), if `text` is one.
pub fn unwrap_compact(text: &str) -> Option<Unwrapped> {
    let mut parts = text.splitn(3, '.');
    let (protected, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    // Only a JAdES header (a signing time, or an unencoded payload) is worth
    // decoding the payload for: every VC-JWT import passes through here.
    let header: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(protected.trim_end_matches('=')).ok()?).ok()?;
    if header.get("sigT").is_none() && header.get("b64") != Some(&Value::Bool(false)) {
        return None;
    }
    let credential = payload_json(protected, payload)?;
    is_edc(&credential).then_some(Unwrapped { credential, sealed: true })
}

/// The payload as JSON: raw text when the protected header says `b64: false`, else base64url.
fn payload_json(protected: &str, payload: &str) -> Option<Value> {
    let header: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(protected.trim_end_matches('=')).ok()?).ok()?;
    if header.get("b64") == Some(&Value::Bool(false)) {
        serde_json::from_str(payload).ok()
    } else {
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?).ok()
    }
}

/// The EDC inside stored original bytes: the sealed JWS (JSON or compact),
/// or the bare credential JSON; with whether it came sealed.
pub fn from_original(original: &[u8]) -> Option<Unwrapped> {
    let text = std::str::from_utf8(original).ok()?.trim();
    if text.starts_with('{') {
        let v: Value = serde_json::from_str(text).ok()?;
        return unwrap_json(&v).or_else(|| is_edc(&v).then_some(Unwrapped { credential: v, sealed: false }));
    }
    unwrap_compact(text)
}

/// A language map (`{"en": "…", "nl": "…"}`) or plain string, in English when present, else the first language.
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m
            .get("en")
            .or_else(|| m.values().next())
            .and_then(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
                _ => None,
            }),
        Value::Array(a) => a.first().and_then(|x| text(Some(x))),
        _ => None,
    }
}

/// A `Concept`'s label (`prefLabel`), in English when present.
fn label(v: Option<&Value>) -> Option<String> {
    text(v?.get("prefLabel"))
}

/// A `MediaObject` as a `data:` URL (images only).
fn media(v: Option<&Value>) -> Option<String> {
    let v = v?;
    let content = v.get("content")?.as_str()?;
    let kind = v.get("contentType").and_then(|t| t.get("id")).and_then(Value::as_str).unwrap_or_default();
    let mt = match kind.rsplit('/').next().unwrap_or_default() {
        "PNG" => "image/png",
        "JPEG" | "JPG" => "image/jpeg",
        "SVG" => "image/svg+xml",
        _ => return None,
    };
    Some(format!("data:{mt};base64,{content}"))
}

/// The hours of an ISO 8601 duration such as `PT150H` or `P5DT4H` (days of 24 h are not study days: only hours and minutes are read).
fn duration_hours(s: &str) -> Option<Decimal> {
    let t = s.strip_prefix("PT")?;
    let mut hours = Decimal::ZERO;
    let mut num = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            // Checked: a hostile duration must not overflow (Decimal's `+` panics).
            'H' => hours = hours.checked_add(num.parse::<Decimal>().ok()?)?,
            'M' => hours = hours.checked_add(num.parse::<Decimal>().ok()?.checked_div(Decimal::from(60))?)?,
            'S' => {}
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            num.clear();
        }
    }
    Some(hours.normalize())
}

fn organisation(v: &Value, out: &mut Issuer) {
    out.id = str_of(v, "id");
    out.name = text(v.get("legalName")).or_else(|| text(v.get("altLabel")));
    out.url = v.get("homepage").and_then(|h| list(Some(h)).first().and_then(|h| str_of(h, "contentURL")));
    out.image = media(v.get("logo"));
    // The country as the EU authority table names it (`…/country/SVN` → `SVN`).
    out.country = list(v.get("location"))
        .iter()
        .find_map(|l| l.get("address")?.get("countryCode")?.get("id")?.as_str()?.rsplit('/').next().map(str::to_string))
        .or_else(|| v.get("registration").and_then(|r| r.get("spatial")?.get("id")?.as_str()?.rsplit('/').next().map(str::to_string)));
    out.email = v
        .get("contactPoint")
        .and_then(|c| list(Some(c)).first().and_then(|c| c.get("emailAddress")).and_then(|e| str_of(e, "id")))
        .map(|m| m.trim_start_matches("mailto:").to_string());
}

/// Map an EDC (the credential JSON) into the model.
pub fn map(vc: &Value) -> Credential {
    let mut c = Credential {
        credential_id: str_of(vc, "id"),
        types: types(vc),
        issued: first_str(vc, &["issued", "issuanceDate", "validFrom"]),
        valid_from: first_str(vc, &["validFrom", "issuanceDate"]),
        valid_until: first_str(vc, &["validUntil", "expirationDate"]),
        ..Credential::empty(Format::Edc)
    };
    // The credential's issuer is the organisation that sealed it; the awarding
    // body of the achievement is what a learner and a board read as "issued by".
    let sealer = vc.get("issuer").cloned().unwrap_or(Value::Null);
    if sealer.is_object() {
        organisation(&sealer, &mut c.issuer);
    } else {
        c.issuer.id = sealer.as_str().map(str::to_string);
    }
    let subject = list(vc.get("credentialSubject")).into_iter().next().cloned().unwrap_or(Value::Null);
    c.recipient = Some(Recipient {
        identity: str_of(&subject, "id"),
        name: text(subject.get("fullName")).or_else(|| {
            let g = text(subject.get("givenName"));
            let f = text(subject.get("familyName"));
            match (g, f) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        }),
        identity_type: str_of(&subject, "id").map(|_| "id".into()),
        ..Default::default()
    });
    let claims = list(subject.get("hasClaim"));
    let claim = claims.iter().find(|x| has_type(x, "LearningAchievement")).or_else(|| claims.first()).copied().cloned().unwrap_or(Value::Null);
    c.name = text(vc.get("displayParameter").and_then(|d| d.get("title"))).or_else(|| text(claim.get("title")));
    let a = &mut c.achievement;
    a.id = str_of(&claim, "id");
    a.name = text(claim.get("title"));
    a.description = text(claim.get("description"));
    a.achievement_type = types(&claim).first().cloned();
    let spec = list(claim.get("specifiedBy")).into_iter().next().cloned().unwrap_or(Value::Null);
    if a.name.is_none() {
        a.name = text(spec.get("title"));
    }
    for cp in list(spec.get("creditPoint")) {
        let framework = cp.get("framework");
        let is_ects = label(framework).is_some_and(|l| l.to_ascii_uppercase().contains("ECTS"))
            || framework.and_then(|f| str_of(f, "id")).is_some_and(|id| id.ends_with("/6fcec5c5af"));
        if is_ects {
            a.ects = cp.get("point").and_then(decimal);
        }
    }
    a.eqf_level = spec
        .get("eqfLevel")
        .and_then(|l| str_of(l, "id"))
        .and_then(|id| id.rsplit('/').next().and_then(|n| n.parse::<u8>().ok()))
        .filter(|l| (1..=8).contains(l));
    if let Some(h) = spec.get("volumeOfLearning").and_then(Value::as_str).and_then(duration_hours) {
        a.study_hours = Some(h);
        a.study_hours_source = Some("volumeOfLearning".into());
    }
    a.language = list(spec.get("language"))
        .first()
        .and_then(|l| str_of(l, "id"))
        .and_then(|id| id.rsplit('/').next().map(|code| code.to_ascii_lowercase()));
    a.learning_outcomes = list(spec.get("learningOutcome"))
        .into_iter()
        .filter_map(|o| {
            let skill = list(o.get("relatedESCOSkill")).first().copied().cloned();
            let text = text(o.get("title")).or_else(|| label(skill.as_ref()))?;
            let url = skill.as_ref().and_then(|s| str_of(s, "id")).filter(|u| u.starts_with("http"));
            let framework = skill.as_ref().map(|_| "ESCO".to_string());
            Some(LearningOutcome { text, url, framework, ..Default::default() })
        })
        .collect();
    a.participation = label(spec.get("mode")).or_else(|| label(spec.get("learningSetting")));
    let assessment = list(claim.get("provenBy")).into_iter().next().cloned().unwrap_or(Value::Null);
    a.assessment_type = label(list(assessment.get("specifiedBy")).first().and_then(|s| s.get("dcType"))).or_else(|| text(assessment.get("title")));
    a.assessment_supervised = label(assessment.get("idVerification"));
    // The awarding body, on the achievement's awarding process.
    let body = claim
        .get("awardedBy")
        .and_then(|p| list(p.get("awardingBody")).into_iter().next().cloned());
    if let Some(body) = body {
        let mut org = Issuer::default();
        organisation(&body, &mut org);
        c.awarding_body = Some(org);
    }
    if !claims.is_empty() && claims.len() > 1 {
        c.warnings.push(format!("the credential claims {} achievements; the first learning achievement is shown", claims.len()));
    }
    c
}

/// One page of the issuer's own rendering (`displayParameter`): its
/// language (the EU authority code, e.g. `ENG`), page number and image bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The language code of the rendering (`ENG`, `DEU`, `NLD`, …), when given.
    pub language: Option<String>,
    /// The page number (1-based).
    pub page: u32,
    /// The image bytes as decoded (not yet checked to be an image).
    pub bytes: Vec<u8>,
}

/// The most pages read from a credential's own rendering.
pub const MAX_PAGES: usize = 24;

/// The pages of the issuer's own rendering of the credential, in language
/// and page order, at most [`MAX_PAGES`]; `primaryLanguage`'s first.
pub fn display_pages(vc: &Value) -> Vec<Page> {
    let Some(dp) = vc.get("displayParameter") else { return Vec::new() };
    let code = |l: Option<&Value>| l.and_then(|l| str_of(l, "id")).and_then(|id| id.rsplit('/').next().map(str::to_string));
    let primary = code(dp.get("primaryLanguage"));
    let mut pages = Vec::new();
    for ind in list(dp.get("individualDisplay")) {
        let language = code(ind.get("language"));
        for d in list(ind.get("displayDetail")) {
            if pages.len() >= MAX_PAGES {
                break;
            }
            let Some(content) = d.get("image").and_then(|i| i.get("content")).and_then(Value::as_str) else { continue };
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(content.trim()) else { continue };
            let page = d.get("page").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).unwrap_or(1);
            pages.push(Page { language: language.clone(), page, bytes });
        }
    }
    pages.sort_by_key(|p| (p.language != primary, p.language.clone(), p.page));
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/edc/edc-mc-signed.jsonld")).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_sealed_microcredential_maps_to_the_model() {
        let u = unwrap_json(&sample()).expect("an EDC inside the JWS");
        assert!(u.sealed);
        let c = map(&u.credential);
        assert_eq!(c.format, Format::Edc);
        assert_eq!(c.achievement.ects, Some(Decimal::from(5)));
        assert_eq!(c.achievement.eqf_level, Some(6));
        assert_eq!(c.achievement.language.as_deref(), Some("eng"));
        assert_eq!(c.issuer.name.as_deref(), Some("Velocert OÜ"));
        assert_eq!(c.awarding_body.as_ref().and_then(|b| b.name.as_deref()), Some("NETIS d.o.o."));
        assert_eq!(c.awarding_body.as_ref().and_then(|b| b.country.as_deref()), Some("SVN"));
        assert_eq!(c.issuer.country.as_deref(), Some("EST"));
        assert!(c.awarding_body.as_ref().unwrap().image.as_deref().unwrap().starts_with("data:image/png;base64,"));
        assert_eq!(c.recipient.as_ref().unwrap().name.as_deref(), Some("Joe Done"));
        assert!(!c.achievement.learning_outcomes.is_empty());
        assert_eq!(c.achievement.assessment_supervised.as_deref(), Some("Supervised with ID Verification"));
        assert!(c.achievement.name.is_some());
    }

    #[test]
    fn the_issuers_own_pages_are_read_primary_language_first() {
        let u = unwrap_json(&sample()).unwrap();
        let pages = display_pages(&u.credential);
        assert_eq!(pages.len(), 8);
        assert_eq!(pages[0].language.as_deref(), Some("ENG"));
        assert_eq!(pages[0].page, 1);
        assert!(pages[0].bytes.starts_with(b"\x89PNG"));
        assert_eq!(pages[7].language.as_deref(), Some("DEU"));
    }

    #[test]
    fn durations_and_language_maps() {
        assert_eq!(duration_hours("PT150H"), Some(Decimal::from(150)));
        assert_eq!(duration_hours("PT1H30M"), Some(Decimal::new(15, 1)));
        assert_eq!(duration_hours("P5D"), None);
        assert_eq!(duration_hours("PT79228162514264337593543950335H79228162514264337593543950335H"), None);
        assert_eq!(text(Some(&serde_json::json!({"nl": "Hallo", "en": "Hello"}))).as_deref(), Some("Hello"));
        assert_eq!(text(Some(&serde_json::json!({"nl": ["Hallo"]}))).as_deref(), Some("Hallo"));
    }
}
