//! The `schema` check: the structure the OB 3.0 / CLR 2.0 and OB 2.0 data
//! models require, checked in code.
//!
//! The issuer's own `credentialSchema` links are not fetched (the verifier
//! only uses the network for keys and status); instead the rules of the
//! published OB 3.0 JSON schemas that matter for trust are checked here:
//! required members and the `type` values of every typed object, so that an
//! `InvalidProfile` or a missing issuer is reported, not silently shown.

use serde_json::Value;

use crate::import::json::{list, str_of, types};

const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// Identifier types of OB 3.0's IdentifierTypeEnum (plus `ext:` extensions).
const IDENTIFIER_TYPES: &[&str] = &[
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId",
    "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier",
];

fn has(v: &Value, t: &str) -> bool {
    types(v).iter().any(|x| x == t)
}

/// Problems with a Europass Digital Credential's structure (empty = fine):
/// the shape the EDC application profile requires of the parts Backpack
/// reads. Full SHACL validation against `edc-generic-full` is not done (no
/// SHACL engine in Rust); this is the JSON-shape check.
pub fn edc_problems(doc: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let ctx: Vec<&str> = list(doc.get("@context")).into_iter().filter_map(|c| c.as_str()).collect();
    if !matches!(ctx.first().copied(), Some(VC_V1 | VC_V2)) {
        p.push(format!("the first @context must be {VC_V1} (or {VC_V2})"));
    }
    if !ctx.contains(&crate::import::edc::EDC_CONTEXT) {
        p.push(format!("@context must include {}", crate::import::edc::EDC_CONTEXT));
    }
    if !has(doc, "VerifiableCredential") || !has(doc, "EuropeanDigitalCredential") {
        p.push("type must include VerifiableCredential and EuropeanDigitalCredential".into());
    }
    match doc.get("issuer") {
        Some(Value::String(s)) if !s.is_empty() => {}
        Some(i @ Value::Object(_)) if i.get("id").and_then(Value::as_str).is_some() => {}
        _ => p.push("the issuer must be an Organisation with an id".into()),
    }
    if doc.get("issuanceDate").is_none() && doc.get("validFrom").is_none() {
        p.push("issuanceDate (or validFrom) is required".into());
    }
    if doc.get("credentialSchema").is_none() {
        p.push("credentialSchema is required".into());
    }
    let subjects = list(doc.get("credentialSubject"));
    match subjects.first() {
        None => p.push("there is no credentialSubject".into()),
        Some(s) if list(s.get("hasClaim")).is_empty() => p.push("credentialSubject has no hasClaim".into()),
        Some(_) => {}
    }
    p
}

/// Problems with an OB 3.0 / CLR 2.0 credential's structure (empty = fine).
pub fn ob3_problems(doc: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let ctx: Vec<String> = list(doc.get("@context")).into_iter().filter_map(|c| c.as_str().map(str::to_string)).collect();
    let v2 = ctx.first().map(String::as_str) == Some(VC_V2);
    if !matches!(ctx.first().map(String::as_str), Some(VC_V1 | VC_V2)) {
        p.push(format!("the first @context must be {VC_V2} (or {VC_V1})"));
    }
    if !has(doc, "VerifiableCredential") {
        p.push("type must include VerifiableCredential".into());
    }
    let clr = has(doc, "ClrCredential");
    if !(clr || has(doc, "OpenBadgeCredential") || has(doc, "AchievementCredential") || has(doc, "EndorsementCredential")) {
        p.push("type must include OpenBadgeCredential, AchievementCredential, EndorsementCredential or ClrCredential".into());
    }
    match doc.get("issuer") {
        None => p.push("there is no issuer".into()),
        Some(Value::String(s)) if !s.is_empty() => {}
        Some(i @ Value::Object(_)) => profile(i, "issuer", &mut p),
        Some(_) => p.push("issuer must be a URI or a Profile object".into()),
    }
    if v2 {
        if doc.get("validFrom").is_none() {
            p.push("validFrom is required".into());
        }
    } else if doc.get("issuanceDate").is_none() {
        p.push("issuanceDate is required".into());
    }
    let subjects = list(doc.get("credentialSubject"));
    if subjects.is_empty() {
        p.push("there is no credentialSubject".into());
    }
    for s in subjects {
        let want = if clr {
            "ClrSubject"
        } else if has(doc, "EndorsementCredential") {
            "EndorsementSubject"
        } else {
            "AchievementSubject"
        };
        if !has(s, want) {
            p.push(format!("credentialSubject.type must include {want}"));
        }
        for (i, id) in list(s.get("identifier")).into_iter().enumerate() {
            if !has(id, "IdentityObject") {
                p.push(format!("credentialSubject.identifier[{i}].type must be IdentityObject"));
            }
        }
        for (i, r) in list(s.get("result")).into_iter().enumerate() {
            if !has(r, "Result") {
                p.push(format!("credentialSubject.result[{i}].type must include Result"));
            }
        }
        if let Some(src) = s.get("source") {
            profile(src, "credentialSubject.source", &mut p);
        }
        if let Some(a) = s.get("achievement") {
            achievement(a, "credentialSubject.achievement", &mut p);
        }
    }
    for (i, e) in list(doc.get("evidence")).into_iter().enumerate() {
        if !has(e, "Evidence") {
            p.push(format!("evidence[{i}].type must include Evidence"));
        }
    }
    p
}

fn profile(v: &Value, at: &str, p: &mut Vec<String>) {
    if !v.is_object() {
        if !v.is_string() {
            p.push(format!("{at} must be a URI or a Profile object"));
        }
        return;
    }
    if str_of(v, "id").is_none() {
        p.push(format!("{at}.id is required"));
    }
    if !has(v, "Profile") {
        p.push(format!("{at}.type must include Profile"));
    }
    if let Some(parent) = v.get("parentOrg") {
        profile(parent, &format!("{at}.parentOrg"), p);
    }
    for (i, oi) in list(v.get("otherIdentifier")).into_iter().enumerate() {
        other_identifier(oi, &format!("{at}.otherIdentifier[{i}]"), p);
    }
}

fn other_identifier(v: &Value, at: &str, p: &mut Vec<String>) {
    if !has(v, "IdentifierEntry") {
        p.push(format!("{at}.type must be IdentifierEntry"));
    }
    match str_of(v, "identifierType") {
        Some(t) if IDENTIFIER_TYPES.contains(&t.as_str()) || t.starts_with("ext:") => {}
        Some(t) => p.push(format!("{at}.identifierType '{t}' is not an OB 3.0 identifier type")),
        None => p.push(format!("{at}.identifierType is required")),
    }
}

fn achievement(a: &Value, at: &str, p: &mut Vec<String>) {
    if !a.is_object() {
        return;
    }
    if !has(a, "Achievement") {
        p.push(format!("{at}.type must include Achievement"));
    }
    for (i, rd) in list(a.get("resultDescription")).into_iter().enumerate() {
        if !has(rd, "ResultDescription") {
            p.push(format!("{at}.resultDescription[{i}].type must include ResultDescription"));
        }
    }
    if let Some(c) = a.get("creator") {
        profile(c, &format!("{at}.creator"), p);
    }
    for (i, oi) in list(a.get("otherIdentifier")).into_iter().enumerate() {
        other_identifier(oi, &format!("{at}.otherIdentifier[{i}]"), p);
    }
}

/// Problems with an OB 2.0 assertion's structure (empty = fine).
pub fn ob2_problems(assertion: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let ctx_ok = list(assertion.get("@context"))
        .into_iter()
        .any(|c| c.as_str().map(|s| s.trim_end_matches('/') == "https://w3id.org/openbadges/v2").unwrap_or(false));
    if !ctx_ok {
        p.push("@context must be https://w3id.org/openbadges/v2".into());
    }
    let t = types(assertion);
    if !t.iter().any(|x| x == "Assertion" || x.ends_with("#Assertion")) {
        p.push("type must be Assertion".into());
    }
    for key in ["id", "recipient", "badge", "verification", "issuedOn"] {
        if assertion.get(key).is_none() {
            p.push(format!("{key} is required"));
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_ob3_credential_passes_and_broken_types_are_named() {
        let mut c = json!({
            "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:example:1", "type": ["Profile"]},
            "validFrom": "2020-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"type": ["Achievement"]}}
        });
        assert!(ob3_problems(&c).is_empty(), "{:?}", ob3_problems(&c));
        c["issuer"]["type"] = json!("InvalidProfile");
        c["evidence"] = json!([{"type": "Evidence"}, {"type": "X"}]);
        let p = ob3_problems(&c);
        assert_eq!(p, vec!["issuer.type must include Profile", "evidence[1].type must include Evidence"]);
    }
}
