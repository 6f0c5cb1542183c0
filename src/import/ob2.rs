//! Mapping of Open Badges 2.0 assertions (plus their BadgeClass and Issuer)
//! into the model, including SURF edubadges' `extensions:*` and the plain
//! micro-credential keys edubadges adds to an expanded badge.

use serde_json::Value;

use super::json::*;
use crate::model::*;

/// Is this JSON an OB 2.0 assertion?
pub fn is_assertion(v: &Value) -> bool {
    v.is_object()
        && (has_type(v, "Assertion")
            || (v.get("recipient").is_some() && v.get("badge").is_some() && v.get("credentialSubject").is_none()))
}

/// The value of an edubadges extension on a BadgeClass or Issuer: `extensions:<name>Extension`.<field>.
fn extension<'a>(obj: &'a Value, name: &str, field: &str) -> Option<&'a Value> {
    let map = obj.as_object()?;
    let ext = map.iter().find_map(|(k, v)| {
        let short = k.strip_prefix("extensions:").or_else(|| k.rsplit('#').next().filter(|_| k.contains("openbadges/extensions#")))?;
        (short == format!("{name}Extension") || short == name).then_some(v)
    })?;
    ext.get(field)
}

/// Build the model from an assertion and, when resolved, its BadgeClass and Issuer.
/// `badge` / `issuer` are `None` when they are links that were not fetched.
pub fn map(assertion: &Value, badge: Option<&Value>, issuer: Option<&Value>, format: Format) -> Credential {
    let mut c = Credential {
        credential_id: str_of(assertion, "id"),
        types: types(assertion),
        issued: str_of(assertion, "issuedOn"),
        valid_until: str_of(assertion, "expires"),
        ..Credential::empty(format)
    };
    let verification = assertion.get("verification");
    let vtype = verification.and_then(|v| str_of(v, "type")).unwrap_or_default();
    if format == Format::Ob2Hosted {
        c.hosted_url = c.credential_id.clone().filter(|id| id.starts_with("http"));
    }
    if let Some(r) = assertion.get("recipient") {
        c.recipient = Some(Recipient {
            identity: str_of(r, "identity"),
            hashed: bool_of(r, "hashed").unwrap_or(false),
            salt: str_of(r, "salt"),
            identity_type: str_of(r, "type"),
            name: None,
        });
    }
    for e in list(assertion.get("evidence")) {
        c.evidence.push(match e {
            Value::String(s) => Evidence {
                id: Some(s.clone()),
                ..Default::default()
            },
            o => Evidence {
                id: str_of(o, "id"),
                name: str_of(o, "name"),
                description: str_of(o, "description"),
                narrative: str_of(o, "narrative"),
            },
        });
    }
    if vtype.eq_ignore_ascii_case("signed") || vtype.ends_with("SignedBadge") {
        c.proofs.push(Proof {
            kind: "JWS".into(),
            verification_method: verification.and_then(|v| str_of(v, "creator")),
            purpose: Some("assertionMethod".into()),
            ..Default::default()
        });
    }

    if let Some(b) = badge {
        map_badge_class(b, &mut c.achievement);
    } else {
        c.achievement.id = id_or_string(assertion.get("badge"));
    }
    // The assertion's own image is the badge as awarded; prefer the BadgeClass
    // image only when the assertion has none.
    if let Some(img) = image(assertion.get("image")) {
        c.achievement.image = Some(img);
    }
    if let Some(i) = issuer {
        map_issuer(i, &mut c.issuer);
        if let Some(url) = str_of(i, "revocationList") {
            c.status = Some(StatusPointer {
                kind: "ob2-revocation-list".into(),
                id: None,
                list_url: Some(url),
                index: None,
                purpose: Some("revocation".into()),
            });
        }
    } else if let Some(b) = badge {
        c.issuer.id = id_or_string(b.get("issuer"));
    }
    c
}

fn map_badge_class(b: &Value, a: &mut Achievement) {
    a.id = str_of(b, "id");
    a.name = str_of(b, "name");
    a.description = str_of(b, "description");
    a.achievement_type = str_of(b, "achievementType");
    a.image = image(b.get("image"));
    a.criteria = match b.get("criteria") {
        Some(Value::String(s)) => Some(Criteria {
            url: Some(s.clone()),
            narrative: None,
        }),
        Some(o @ Value::Object(_)) => Some(Criteria {
            url: str_of(o, "id"),
            narrative: str_of(o, "narrative"),
        }),
        _ => None,
    };
    a.tags = strings(b, "tags");
    a.alignments = list(b.get("alignment")).into_iter().map(alignment).collect();
    a.ects = extension(b, "ECTS", "ECTS").and_then(decimal);
    if let Some(h) = extension(b, "StudyLoad", "StudyLoad").and_then(decimal) {
        a.study_hours = Some(h);
        a.study_hours_source = Some("StudyLoad".into());
    } else if let Some(h) = extension(b, "TimeInvestment", "TimeInvestment").and_then(decimal) {
        a.study_hours = Some(h);
        a.study_hours_source = Some("TimeInvestment".into());
    }
    a.eqf_level = extension(b, "EQF", "EQF").and_then(level_of);
    a.nlqf_level = extension(b, "NLQF", "NLQF").and_then(scalar);
    a.language = extension(b, "Language", "Language").and_then(scalar);
    a.programme_identifiers = list(extension(b, "EducationProgramIdentifier", "EducationProgramIdentifier"))
        .into_iter()
        .filter_map(scalar)
        .collect();
    if let Some(lo) = extension(b, "LearningOutcome", "LearningOutcome") {
        for text in list(Some(lo)).into_iter().filter_map(scalar) {
            a.learning_outcomes.push(LearningOutcome {
                text,
                source: "extension".into(),
                ..Default::default()
            });
        }
    }
    // Alignments to the EQF / NLQF frameworks fill the level when no extension did.
    for al in &a.alignments {
        if a.eqf_level.is_none() && al.is_eqf() {
            a.eqf_level = eqf_level_of(al);
        } else if a.nlqf_level.is_none() && al.is_nlqf() {
            a.nlqf_level = al.target_code.clone();
        }
    }
    // Plain keys edubadges writes on an expanded badge.
    a.stackable = bool_of(b, "stackable");
    a.badge_class_type = first_str(b, &["typeBadgeClass", "badge_class_type"]);
    a.participation = first_str(b, &["participation", "participationType"]);
    a.assessment_type = first_str(b, &["assessmentType", "assessment_type"]);
    a.assessment_supervised = first_str(b, &["assessmentSupervised", "assessment_supervised"]);
    let qa = QualityAssurance {
        name: first_str(b, &["qualityAssuranceName", "quality_assurance_name"]),
        url: first_str(b, &["qualityAssuranceUrl", "quality_assurance_url"]),
        description: first_str(b, &["qualityAssuranceDescription", "quality_assurance_description"]),
    };
    if qa != QualityAssurance::default() {
        a.quality_assurance = Some(qa);
    }
}

fn map_issuer(i: &Value, out: &mut Issuer) {
    out.id = str_of(i, "id");
    out.name = str_of(i, "name");
    out.url = str_of(i, "url");
    out.email = str_of(i, "email");
    out.description = str_of(i, "description");
    out.image = image(i.get("image"));
    out.institution_identifier = extension(i, "InstitutionIdentifier", "InstitutionIdentifier").and_then(scalar);
    out.institution_name = extension(i, "InstitutionName", "InstitutionName").and_then(scalar);
    out.country = extension(i, "InstitutionCountry", "InstitutionCountry").and_then(scalar);
}

/// The link (if any) from an assertion to its BadgeClass.
pub fn badge_link(assertion: &Value) -> Option<&str> {
    assertion.get("badge")?.as_str()
}

/// The link (if any) from a BadgeClass to its Issuer.
pub fn issuer_link(badge: &Value) -> Option<&str> {
    badge.get("issuer")?.as_str()
}
