//! The sample backpack: realistic, edubadges-style micro-credentials from a
//! fictional university, generated in code so that no real institution's
//! data or key is ever shipped. Used by `backpack sample`, the README's run
//! command, tests and benchmarks (which ask for thousands of them).
//!
//! All ids live under `https://sample.backpack.invalid/` (`.invalid` can never
//! resolve), so nothing here can be mistaken for a real credential. With a
//! [`SampleIssuer`] (normally [`SampleIssuer::fixed`], a fictional and public
//! key: [`SAMPLE_ISSUER_SEED`]) the OB 3.0 samples are issued by its did:key and
//! signed (`eddsa-rdfc-2022` and `eddsa-jcs-2022` alternately), and the OB 2.0
//! samples are signed badges (compact JWS, EdDSA) whose `verification.creator`
//! is that did:key: the whole sample verifies offline. Dates are fixed too, so
//! the ids (hashes of the bytes) are the same on every machine. Without an
//! issuer ([`credentials`]) the OB 2.0 samples are hosted badges, as edubadges
//! exports them, and the OB 3.0 samples are unsigned.

use serde_json::{json, Value};

const BASE: &str = "https://sample.backpack.invalid";

/// A tiny badge picture (8x8 PNG) so samples carry an embedded image like real ones.
const BADGE_PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQC1iAFTEMLQkAP85Dgaage20AAAAASUVORK5CYII=";

struct Course {
    name: &'static str,
    description: &'static str,
    outcomes: &'static [&'static str],
    ects: f64,
    eqf: u8,
    micro: bool,
    participation: &'static str,
    assessment: &'static str,
    programme: u32,
}

const COURSES: &[Course] = &[
    Course {
        name: "Data Science for Policy Makers",
        description: "Use data analysis to inform public policy decisions.",
        outcomes: &[
            "Formulate a policy question as a data analysis problem.",
            "Apply descriptive statistics and visualisation to public data sets.",
            "Critically assess the limits of data-driven policy advice.",
        ],
        ects: 5.0,
        eqf: 7,
        micro: true,
        participation: "online",
        assessment: "testing",
        programme: 60207,
    },
    Course {
        name: "Sustainable Energy Systems",
        description: "Design and evaluate renewable energy systems at district scale.",
        outcomes: &[
            "Explain the physics of solar, wind and storage technologies.",
            "Model the energy balance of a district energy system.",
        ],
        ects: 7.5,
        eqf: 6,
        micro: true,
        participation: "blended",
        assessment: "application of a skill",
        programme: 56962,
    },
    Course {
        name: "Academic Writing in English",
        description: "Write clear academic English for journals and reports.",
        outcomes: &["Write a well-structured academic paper in English."],
        ects: 3.0,
        eqf: 6,
        micro: true,
        participation: "onsite",
        assessment: "portfolio",
        programme: 50033,
    },
    Course {
        name: "Introduction to Machine Learning",
        description: "Foundations of supervised and unsupervised learning.",
        outcomes: &[
            "Train and evaluate supervised learning models.",
            "Choose a suitable model for a given data set and justify the choice.",
            "Explain bias, variance and overfitting.",
        ],
        ects: 15.0,
        eqf: 7,
        micro: true,
        participation: "online",
        assessment: "testing",
        programme: 60207,
    },
    Course {
        name: "Welcome to the Digital Campus",
        description: "Get to know the university's digital learning environment.",
        outcomes: &["Find your way in the digital learning environment."],
        ects: 0.5,
        eqf: 5,
        micro: false,
        participation: "online",
        assessment: "testing",
        programme: 0,
    },
    Course {
        name: "Research Data Management",
        description: "Plan, document and archive research data the FAIR way.",
        outcomes: &[
            "Write a data management plan for a research project.",
            "Publish a data set with FAIR metadata.",
        ],
        ects: 4.0,
        eqf: 7,
        micro: true,
        participation: "online",
        assessment: "portfolio",
        programme: 0,
    },
];

fn issuer(i: usize) -> Value {
    let (name, brin) = if i % 2 == 0 {
        ("Universiteit van Voorbeeld (sample)", "00ZZ")
    } else {
        ("Hogeschool Proefstad (sample)", "99YY")
    };
    json!({
        "type": "Issuer",
        "id": format!("{BASE}/issuers/{}", i % 2),
        "name": name,
        "url": format!("{BASE}/"),
        "email": "badges@sample.backpack.invalid",
        "extensions:InstitutionIdentifierExtension": {
            "@context": "https://api.edubadges.nl/extensions/InstitutionIdentifierExtension/context.json",
            "type": ["Extension", "extensions:InstitutionIdentifierExtension"],
            "InstitutionIdentifier": brin
        },
        "extensions:InstitutionNameExtension": {
            "@context": "https://api.edubadges.nl/extensions/InstitutionNameExtension/context.json",
            "type": ["Extension", "extensions:InstitutionNameExtension"],
            "InstitutionName": name
        },
        "extensions:InstitutionCountryExtension": {
            "@context": "https://api.edubadges.nl/extensions/InstitutionCountryExtension/context.json",
            "type": ["Extension", "extensions:InstitutionCountryExtension"],
            "InstitutionCountry": "NL"
        }
    })
}

fn ext(name: &str, field: &str, value: Value) -> (String, Value) {
    (
        format!("extensions:{name}Extension"),
        json!({
            "@context": format!("https://api.edubadges.nl/extensions/{name}Extension/context.json"),
            "type": ["Extension", format!("extensions:{name}Extension")],
            field: value
        }),
    )
}

/// An OB 2.0 edubadges-style assertion with the badge and issuer embedded (as
/// the edubadges backpack exports them).
fn ob2(i: usize, c: &Course) -> Value {
    let mut badge = json!({
        "type": "BadgeClass",
        "id": format!("{BASE}/badges/{}", i % COURSES.len()),
        "name": c.name,
        "description": c.description,
        "image": format!("{BASE}/badges/{}/image", i % COURSES.len()),
        "criteria": {"narrative": "Pass the final assessment of the course."},
        "issuer": issuer(i),
        "typeBadgeClass": if c.micro { "micro_credential" } else { "regular" },
        "participation": c.participation,
        "assessmentType": c.assessment,
        "stackable": c.micro,
        "alignment": [],
        "tags": ["sample"]
    });
    let obj = badge.as_object_mut().expect("object");
    let mut exts = vec![
        ext("ECTS", "ECTS", json!(c.ects)),
        ext("EQF", "EQF", json!(c.eqf)),
        ext("Language", "Language", json!("en_EN")),
        ext("LearningOutcome", "LearningOutcome", json!(c.outcomes.join("\n"))),
    ];
    if c.programme != 0 {
        exts.push(ext("EducationProgramIdentifier", "EducationProgramIdentifier", json!(c.programme)));
    }
    for (k, v) in exts {
        obj.insert(k, v);
    }
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": format!("{BASE}/assertions/{i:06}"),
        "badge": badge,
        "verification": {"type": "HostedBadge"},
        "issuedOn": issued(i),
        "recipient": {
            "type": "id",
            "hashed": true,
            "salt": format!("s{i}"),
            "identity": "sha256$fe7d52dd605264c650461f79e5534b1714a8d13313cffcecce693b165be024d4"
        },
        "evidence": []
    })
}

/// An OB 3.0 credential as edubadges maps micro-credentials to OB 3.0.
fn ob3(i: usize, c: &Course) -> Value {
    let mut alignment = vec![json!({
        "type": ["Alignment"],
        "targetName": format!("EQF level {}", c.eqf),
        "targetUrl": format!("http://data.europa.eu/snb/eqf/{}", c.eqf),
        "targetFramework": "European Qualifications Framework",
        "targetCode": c.eqf.to_string(),
        "targetType": "ext:EQF"
    })];
    for (n, o) in c.outcomes.iter().enumerate() {
        alignment.push(json!({
            "type": ["Alignment"],
            "targetName": o,
            "targetUrl": format!("{BASE}/outcomes/{}/{n}", i % COURSES.len()),
            "targetType": "ceasn:Competency"
        }));
    }
    let mut achievement = json!({
        "id": format!("{BASE}/achievements/{}", i % COURSES.len()),
        "type": ["Achievement"],
        "name": c.name,
        "description": c.description,
        "achievementType": if c.micro { "ext:MicroCredential" } else { "Badge" },
        "image": {"id": BADGE_PNG, "type": "Image"},
        "criteria": {"narrative": "Pass the final assessment of the course."},
        "creditsAvailable": c.ects,
        "inLanguage": "en",
        // The EU elements OB 3.0 has no term for, named as edubadges' OB 3.0
        // glossary names them; the W3C undefined-terms context signs them.
        "participationType": c.participation,
        "assessmentType": c.assessment,
        "alignment": alignment
    });
    if c.programme != 0 {
        // OB 3.0 has no educationProgramIdentifier term (undefined terms are
        // unsigned, so the verifier refuses them); edubadges' OB 3.0 mapping
        // puts programme codes in otherIdentifier.
        achievement["otherIdentifier"] = json!([{
            "type": "IdentifierEntry",
            "identifier": c.programme.to_string(),
            "identifierType": "ext:EducationProgramIdentifier"
        }]);
    }
    let iss = issuer(i);
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://www.w3.org/ns/credentials/undefined-terms/v2"
        ],
        "id": format!("urn:uuid:5a3f0b52-0000-4000-8000-{i:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": iss["id"],
            "type": ["Profile"],
            "name": iss["name"],
            "otherIdentifier": [{"type": "IdentifierEntry", "identifier": iss["extensions:InstitutionIdentifierExtension"]["InstitutionIdentifier"], "identifierType": "ext:BRIN"}],
            "address": {"type": ["Address"], "addressCountry": "NL"}
        },
        "validFrom": issued(i),
        "name": c.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "hashed": true,
                "identityHash": "sha256$fe7d52dd605264c650461f79e5534b1714a8d13313cffcecce693b165be024d4",
                "identityType": "emailAddress",
                "salt": format!("s{i}")
            }],
            "achievement": achievement
        }
    })
}

/// The seed of the sample issuer's Ed25519 signing key. It is fictional and
/// **public** (it is printed here, in the source): it gives the sample
/// backpack the same did:key, signatures and therefore the same wallet ids on
/// every machine. Never use it for anything but sample data; a credential
/// signed with it proves nothing about anyone.
pub const SAMPLE_ISSUER_SEED: [u8; 32] = *b"backpack-sample-issuer-PUBLIC-00";

/// The sample issuer's signing key: fixed and public ([`SAMPLE_ISSUER_SEED`]),
/// never a real institution's key.
pub struct SampleIssuer {
    /// The issuer's Ed25519 signing key (random per run; its did:key is the sample issuer's id).
    pub key: ed25519_dalek::SigningKey,
}

impl SampleIssuer {
    /// The fixed, public sample issuer.
    pub fn fixed() -> SampleIssuer {
        SampleIssuer { key: ed25519_dalek::SigningKey::from_bytes(&SAMPLE_ISSUER_SEED) }
    }

    /// A random issuer key, for tests that need a second, unrelated issuer.
    pub fn generate() -> SampleIssuer {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the OS random number generator failed");
        SampleIssuer { key: ed25519_dalek::SigningKey::from_bytes(&seed) }
    }

    /// The fixed sample issuer ([`SampleIssuer::fixed`]). Kept for callers that
    /// still pass a data-folder path: nothing is read or written there any
    /// more, since the key is public and the same everywhere.
    pub fn load_or_create(_path: &std::path::Path) -> std::io::Result<SampleIssuer> {
        Ok(SampleIssuer::fixed())
    }
}

/// An OB 2.0 signed badge: the assertion as a compact JWS (EdDSA), with
/// `verification.creator` the sample issuer's did:key verification method and
/// the issuer's id its DID, so the key is found without the network and the
/// signature binds to the issuer.
fn signed_ob2(i: usize, c: &Course, s: &SampleIssuer) -> String {
    use base64::Engine;
    use ed25519_dalek::Signer;
    let (did, vm) = crate::verify::sign::did_key_of(&s.key);
    let mut a = ob2(i, c);
    a["id"] = json!(format!("urn:uuid:5a3f0b52-0000-4000-8000-{i:012}"));
    a["verification"] = json!({"type": "SignedBadge", "creator": vm});
    a["badge"]["issuer"]["id"] = json!(did);
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let header = json!({"alg": "EdDSA", "kid": vm});
    let input = format!(
        "{}.{}",
        b64(&serde_json::to_vec(&header).expect("json")),
        b64(&serde_json::to_vec(&a).expect("json"))
    );
    let sig = s.key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

fn issued(i: usize) -> String {
    let month = 1 + (i % 12);
    let year = 2021 + (i / 12) % 5;
    let day = 1 + (i * 7) % 28;
    format!("{year}-{month:02}-{day:02}T10:00:00Z")
}

/// Sample credential files as (file name, bytes), unsigned. `None` gives the
/// small hand-picked set; `Some(n)` generates `n` varied credentials.
pub fn credentials(count: Option<usize>) -> Vec<(String, Vec<u8>)> {
    signed_credentials(count, None)
}

/// Like [`credentials`], with the OB 3.0 samples issued by `issuer`'s did:key
/// and signed.
pub fn signed_credentials(count: Option<usize>, issuer: Option<&SampleIssuer>) -> Vec<(String, Vec<u8>)> {
    let n = count.unwrap_or(6);
    (0..n)
        .map(|i| {
            let course = &COURSES[i % COURSES.len()];
            // Alternate formats: even numbers OB 2.0, odd numbers OB 3.0.
            let (name, v) = if i % 2 == 0 {
                match issuer {
                    // A signed badge (compact JWS) whose key is the sample
                    // issuer's did:key, so it verifies offline.
                    Some(s) => {
                        let text = signed_ob2(i, course, s);
                        return (format!("sample-{i:06}-ob2.jws"), text.into_bytes());
                    }
                    None => (format!("sample-{i:06}-ob2.json"), ob2(i, course)),
                }
            } else {
                let mut v = ob3(i, course);
                if let Some(s) = issuer {
                    let (did, vm) = crate::verify::sign::did_key_of(&s.key);
                    v["issuer"]["id"] = json!(did);
                    let suite = if i % 4 == 1 { "eddsa-rdfc-2022" } else { "eddsa-jcs-2022" };
                    v = crate::verify::sign::sign_data_integrity(&v, suite, &s.key, &vm, &issued(i))
                        .expect("the sample credentials use only bundled contexts");
                }
                (format!("sample-{i:06}-ob3.json"), v)
            };
            (name, serde_json::to_vec_pretty(&v).expect("serialisable"))
        })
        .collect()
}
