//! Mapping of Open Badges 3.0 / CLR 2.0 verifiable credentials into the model.
//!
//! OB 3.0 has no single field for several micro-credential elements, so this
//! module reads them where issuers put them:
//! - ECTS: `ECTS` (edubadges serializer), then `creditsAvailable`.
//! - EQF level: an alignment to the European Qualifications Framework (by
//!   framework name, URL or an `ext:EQF*` type; code in `targetCode`), or a
//!   `resultDescription` about EQF.
//! - learning outcomes: alignments whose `targetType` names a competency or
//!   outcome (`ceasn:Competency`, `CFItem`, `ext:LearningOutcome`...), and the
//!   `result` names of the edubadges OB 3.0 mapping.

use serde_json::Value;

use super::json::*;
use crate::model::*;

/// Credential types we accept as badges.
pub fn badge_kind(v: &Value) -> Option<Format> {
    if !v.is_object() {
        return None;
    }
    if has_type(v, "ClrCredential") {
        return Some(Format::Clr2);
    }
    if has_type(v, "OpenBadgeCredential") || has_type(v, "AchievementCredential") {
        return Some(Format::Ob3JsonLd);
    }
    None
}

/// Whether `v`'s `type` includes `VerifiableCredential` (a VC, whether or not an Open Badge).
pub fn is_verifiable_credential(v: &Value) -> bool {
    has_type(v, "VerifiableCredential")
}

/// Map a VC (already unwrapped from a JWT when it was one).
pub fn map(vc: &Value, format: Format) -> Credential {
    let mut c = Credential {
        credential_id: str_of(vc, "id"),
        types: types(vc),
        name: str_of(vc, "name"),
        // OB 3.0 `awardedDate` is the date of the award; the VC dates come next.
        issued: first_str(vc, &["awardedDate", "validFrom", "issuanceDate"]),
        valid_from: first_str(vc, &["validFrom", "issuanceDate"]),
        valid_until: first_str(vc, &["validUntil", "expirationDate"]),
        ..Credential::empty(format)
    };
    map_issuer(vc.get("issuer"), &mut c.issuer);

    // credentialSubject may be one object or a list; OB 3.0 uses one.
    if let Some(subject) = list(vc.get("credentialSubject")).into_iter().next() {
        let mut r = Recipient {
            identity: str_of(subject, "id"),
            name: str_of(subject, "name"),
            identity_type: str_of(subject, "id").map(|id| {
                if id.starts_with("did:") {
                    "did".into()
                } else {
                    "id".into()
                }
            }),
            ..Default::default()
        };
        if let Some(ident) = list(subject.get("identifier")).into_iter().next() {
            let hashed = bool_of(ident, "hashed").unwrap_or(false);
            r.identity = str_of(ident, "identityHash").or(r.identity);
            r.identity_type = str_of(ident, "identityType").or(r.identity_type);
            r.hashed = hashed;
            r.salt = str_of(ident, "salt");
        }
        if r != Recipient::default() {
            c.recipient = Some(r);
        }
        if let Some(ach) = subject.get("achievement").filter(|a| a.is_object()) {
            map_achievement(ach, &mut c.achievement);
        }
        if c.achievement.ects.is_none() {
            if let Some(e) = subject.get("creditsEarned").and_then(decimal) {
                c.achievement.ects = Some(e);
            }
        }
    }
    for e in list(vc.get("evidence")) {
        c.evidence.push(Evidence {
            id: str_of(e, "id"),
            name: str_of(e, "name"),
            description: str_of(e, "description"),
            narrative: str_of(e, "narrative"),
        });
    }
    if let Some(s) = list(vc.get("credentialStatus")).into_iter().next() {
        c.status = Some(StatusPointer {
            kind: first_str(s, &["type"]).unwrap_or_else(|| "unknown".into()),
            id: str_of(s, "id"),
            list_url: str_of(s, "statusListCredential").or_else(|| {
                // 1EdTechRevocationList points at the list with its `id`.
                has_type(s, "1EdTechRevocationList").then(|| str_of(s, "id")).flatten()
            }),
            index: str_of(s, "statusListIndex"),
            purpose: str_of(s, "statusPurpose"),
        });
    }
    for p in list(vc.get("proof")) {
        c.proofs.push(Proof {
            kind: str_of(p, "type").unwrap_or_default(),
            cryptosuite: str_of(p, "cryptosuite"),
            verification_method: id_or_string(p.get("verificationMethod")),
            created: str_of(p, "created"),
            purpose: str_of(p, "proofPurpose"),
            alg: None,
        });
    }
    if c.achievement.image.is_none() {
        c.achievement.image = image(vc.get("image"));
    }
    c
}

fn map_issuer(v: Option<&Value>, out: &mut Issuer) {
    let Some(v) = v else { return };
    if let Value::String(s) = v {
        out.id = Some(s.clone());
        return;
    }
    out.id = str_of(v, "id");
    out.name = str_of(v, "name");
    out.url = str_of(v, "url");
    out.email = str_of(v, "email");
    out.description = str_of(v, "description");
    out.image = image(v.get("image"));
    for oi in list(v.get("otherIdentifier")) {
        let t = str_of(oi, "identifierType").unwrap_or_default().to_lowercase();
        if t.ends_with("brin") && out.institution_identifier.is_none() {
            out.institution_identifier = str_of(oi, "identifier");
        }
    }
    if let Some(addr) = v.get("address") {
        out.country = first_str(addr, &["addressCountry", "addressCountryCode"]);
    }
    out.institution_name = first_str(v, &["institutionName", "InstitutionName"]);
    if out.country.is_none() {
        out.country = first_str(v, &["institutionCountry", "InstitutionCountry"]);
    }
}

/// Words in an alignment's `targetType` that mark a learning outcome or competency.
fn is_outcome_type(t: &str) -> bool {
    let t = t.to_lowercase();
    t.contains("competenc")
        || t.contains("outcome")
        || t == "cfitem"
        || t.ends_with(":cfitem")
        || t.contains("skill")
}

fn map_achievement(a: &Value, out: &mut Achievement) {
    out.id = str_of(a, "id");
    out.name = str_of(a, "name");
    out.description = str_of(a, "description");
    out.achievement_type = str_of(a, "achievementType");
    out.image = image(a.get("image"));
    if let Some(cr) = a.get("criteria") {
        out.criteria = Some(Criteria {
            url: str_of(cr, "id"),
            narrative: str_of(cr, "narrative"),
        });
    }
    out.tags = strings(a, "tag");
    out.language = first_str(a, &["inLanguage", "language"]);
    out.ects = first_decimal(a, &["ECTS", "ects"]).or_else(|| a.get("creditsAvailable").and_then(decimal));
    for (key, label) in [
        ("timeInvestment", "timeInvestment"),
        ("studyLoad", "studyLoad"),
        ("SBU", "SBU"),
        ("TimeInvestment", "TimeInvestment"),
        ("StudyLoad", "StudyLoad"),
    ] {
        if let Some(h) = a.get(key).and_then(decimal) {
            out.study_hours = Some(h);
            out.study_hours_source = Some(label.into());
            break;
        }
    }
    out.programme_identifiers = list(a.get("educationProgramIdentifier"))
        .into_iter()
        .filter_map(scalar)
        .collect();
    for oi in list(a.get("otherIdentifier")) {
        let t = str_of(oi, "identifierType").unwrap_or_default().to_lowercase();
        if t.contains("program") || t.contains("croho") || t.contains("crebo") {
            if let Some(id) = str_of(oi, "identifier") {
                out.programme_identifiers.push(id);
            }
        }
    }
    out.participation = first_str(a, &["participationType", "participation"]);
    out.assessment_type = first_str(a, &["assessmentType"]);
    out.assessment_supervised = first_str(a, &["supervisionType", "assessmentSupervised"]);
    out.stackable = bool_of(a, "stackable");
    out.badge_class_type = first_str(a, &["typeBadgeClass"]);
    if let Some(qa) = a.get("qualityAssurance").filter(|q| q.is_object()) {
        out.quality_assurance = Some(QualityAssurance {
            name: str_of(qa, "name"),
            url: first_str(qa, &["url", "id"]),
            description: str_of(qa, "description"),
        });
    }

    for al in list(a.get("alignment")) {
        let al = alignment(al);
        let ttype = al.target_type.clone().unwrap_or_default();
        if al.is_eqf() {
            if out.eqf_level.is_none() {
                out.eqf_level = eqf_level_of(&al);
            }
        } else if al.is_nlqf() {
            if out.nlqf_level.is_none() {
                out.nlqf_level = al.target_code.clone().or_else(|| al.target_name.clone());
            }
        } else if ttype.to_lowercase().contains("qualityassurance") {
            if out.quality_assurance.is_none() {
                out.quality_assurance = Some(QualityAssurance {
                    name: al.target_name.clone(),
                    url: al.target_url.clone(),
                    description: al.target_description.clone(),
                });
            }
        } else if is_outcome_type(&ttype) {
            if let Some(text) = al.target_name.clone().or_else(|| al.target_description.clone()) {
                out.learning_outcomes.push(LearningOutcome {
                    text,
                    description: al.target_description.clone().filter(|d| Some(d) != al.target_name.as_ref()),
                    url: al.target_url.clone(),
                    framework: al.target_framework.clone(),
                    code: al.target_code.clone(),
                    source: "alignment".into(),
                });
            }
        }
        out.alignments.push(al);
    }
    for rd in list(a.get("resultDescription")) {
        let hay = format!(
            "{} {} {}",
            str_of(rd, "name").unwrap_or_default(),
            str_of(rd, "resultType").unwrap_or_default(),
            list(rd.get("alignment")).iter().filter_map(|x| str_of(x, "targetFramework")).collect::<Vec<_>>().join(" ")
        )
        .to_lowercase();
        if out.eqf_level.is_none() && (hay.contains("eqf") || hay.contains("european qualifications framework")) {
            out.eqf_level = first_level(rd, &["requiredValue", "requiredLevel", "value"]);
        }
    }
    // edubadges OB 3.0 mapping: learning outcomes as `result` names.
    for r in list(a.get("result")) {
        if let Some(text) = str_of(r, "name") {
            out.learning_outcomes.push(LearningOutcome {
                text,
                source: "result".into(),
                ..Default::default()
            });
        }
    }
    if let Some(lo) = a.get("learningOutcome").or_else(|| a.get("LearningOutcome")) {
        for text in list(Some(lo)).into_iter().filter_map(scalar) {
            out.learning_outcomes.push(LearningOutcome {
                text,
                source: "extension".into(),
                ..Default::default()
            });
        }
    }
    if out.eqf_level.is_none() {
        out.eqf_level = first_level(a, &["EQF", "eqfLevel"]);
    }
}

fn first_decimal(v: &Value, keys: &[&str]) -> Option<rust_decimal::Decimal> {
    keys.iter().find_map(|k| v.get(*k).and_then(decimal))
}

fn first_level(v: &Value, keys: &[&str]) -> Option<u8> {
    keys.iter().find_map(|k| v.get(*k).and_then(level_of))
}

/// The credentials a CLR holds: JSON objects or compact JWS strings.
pub fn clr_members(clr: &Value) -> Vec<&Value> {
    list(clr.get("credentialSubject"))
        .into_iter()
        .flat_map(|s| list(s.get("verifiableCredential")))
        .collect()
}
