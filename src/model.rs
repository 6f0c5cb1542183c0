//! The normalised credential model that every supported format maps into.
//!
//! The model is for *display, search and planning*. It is never the source of
//! truth for verification: signatures are over the original bytes, which the
//! store keeps untouched next to the model (see [`crate::store`]). Every field
//! that a format may leave out is an `Option` or an empty list; the mappers in
//! [`crate::import`] never invent a value that is not in the credential.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Study hours per ECTS credit, as used by Dutch institutions (1 EC = 28 h).
pub const HOURS_PER_ECTS: u32 = 28;

/// The wire format a credential arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Open Badges 2.0 assertion verified by re-fetching its hosted URL.
    Ob2Hosted,
    /// Open Badges 2.0 assertion signed as a JWS by the issuer.
    Ob2Signed,
    /// Open Badges 3.0 / VC as JSON-LD with embedded Data Integrity proofs.
    Ob3JsonLd,
    /// Open Badges 3.0 / VC as a compact JWS (VC-JWT).
    Ob3Jwt,
    /// Comprehensive Learner Record 2.0 (JSON-LD or JWT) holding other credentials.
    Clr2,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ob2Hosted => "ob2-hosted",
            Format::Ob2Signed => "ob2-signed",
            Format::Ob3JsonLd => "ob3-json-ld",
            Format::Ob3Jwt => "ob3-jwt",
            Format::Clr2 => "clr2",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "ob2-hosted" => Format::Ob2Hosted,
            "ob2-signed" => Format::Ob2Signed,
            "ob3-json-ld" => Format::Ob3JsonLd,
            "ob3-jwt" => Format::Ob3Jwt,
            "clr2" => Format::Clr2,
            _ => return None,
        })
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Format::Ob2Hosted => "Open Badges 2.0 (hosted)",
            Format::Ob2Signed => "Open Badges 2.0 (signed)",
            Format::Ob3JsonLd => "Open Badges 3.0",
            Format::Ob3Jwt => "Open Badges 3.0 (JWT)",
            Format::Clr2 => "CLR 2.0",
        }
    }
}

/// One credential in the normalised model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    /// The wallet's own id: 16 hex digits derived from the credential's id
    /// (or from its bytes when it has none). Stable across re-imports.
    pub id: String,
    /// The credential's own identifier (`id` of the assertion or VC, `jti` of a JWT).
    pub credential_id: Option<String>,
    pub format: Format,
    /// The credential's `type` values as written.
    #[serde(default)]
    pub types: Vec<String>,
    /// A name on the credential itself (OB 3.0 `name`); the achievement has its own.
    pub name: Option<String>,
    pub issuer: Issuer,
    pub achievement: Achievement,
    pub recipient: Option<Recipient>,
    /// `issuedOn` (OB 2.0), `issuanceDate`/`validFrom` (VC), `nbf`/`iat` (JWT), as written.
    pub issued: Option<String>,
    /// `validFrom` (VC 2.0) or `issuanceDate` (VC 1.1).
    pub valid_from: Option<String>,
    /// `validUntil`, `expirationDate`, `expires` or JWT `exp`.
    pub valid_until: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Where revocation or status can be checked.
    pub status: Option<StatusPointer>,
    #[serde(default)]
    pub proofs: Vec<Proof>,
    /// A public URL the issuer hosts for this credential (OB 2.0 hosted id).
    pub hosted_url: Option<String>,
    /// For a CLR: the wallet ids of the credentials it contains.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Things the importer noticed but did not reject (unresolved links...).
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Issuer {
    pub id: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    /// BRIN code (edubadges `InstitutionIdentifier`, OB 3.0 `otherIdentifier` of type `ext:BRIN`).
    pub institution_identifier: Option<String>,
    /// edubadges `InstitutionName`.
    pub institution_name: Option<String>,
    /// Country of the awarding body (edubadges `InstitutionCountry`, OB 3.0 `address.addressCountry`).
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Achievement {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// OB 3.0 `achievementType` / OB 2.0 `achievementType`.
    pub achievement_type: Option<String>,
    pub criteria: Option<Criteria>,
    pub image: Option<String>,
    #[serde(default)]
    pub learning_outcomes: Vec<LearningOutcome>,
    /// ECTS credits (edubadges `ECTS`, OB 3.0 `creditsAvailable`). Exact decimal.
    #[serde(with = "rust_decimal::serde::float_option", default)]
    pub ects: Option<Decimal>,
    /// Study hours as stated by the issuer (StudyLoad / TimeInvestment / SBU / `timeInvestment`).
    #[serde(with = "rust_decimal::serde::float_option", default)]
    pub study_hours: Option<Decimal>,
    /// The field the hours came from, so a reader can tell SBU from time investment.
    pub study_hours_source: Option<String>,
    /// EQF level 1..=8.
    pub eqf_level: Option<u8>,
    /// NLQF level as written (NLQF has "1" .. "8" and entry level "Entree").
    pub nlqf_level: Option<String>,
    /// Language of the course (edubadges `Language`, OB 3.0 `inLanguage`), as written.
    pub language: Option<String>,
    #[serde(default)]
    pub programme_identifiers: Vec<String>,
    #[serde(default)]
    pub alignments: Vec<Alignment>,
    pub participation: Option<String>,
    pub assessment_type: Option<String>,
    pub assessment_supervised: Option<String>,
    pub quality_assurance: Option<QualityAssurance>,
    pub stackable: Option<bool>,
    /// edubadges `typeBadgeClass` (`micro_credential`, `regular`, `extra_curricular`)
    /// or an OB 3.0 marker of the national micro-credential framework.
    pub badge_class_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    pub url: Option<String>,
    pub narrative: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LearningOutcome {
    pub text: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
    /// Where it came from: `extension`, `alignment` or `result`.
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub target_name: Option<String>,
    pub target_url: Option<String>,
    pub target_description: Option<String>,
    pub target_framework: Option<String>,
    pub target_code: Option<String>,
    pub target_type: Option<String>,
}

impl Alignment {
    fn haystack(&self, with_name: bool) -> String {
        let mut h = [&self.target_framework, &self.target_url, &self.target_type]
            .iter()
            .map(|f| f.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("|");
        if with_name {
            h.push('|');
            h.push_str(self.target_name.as_deref().unwrap_or(""));
        }
        h.to_lowercase()
    }

    /// An alignment to the European Qualifications Framework: by framework
    /// name, a `/eqf` URL (data.europa.eu/snb/eqf/N) or an `ext:EQF…` type.
    pub fn is_eqf(&self) -> bool {
        let hay = self.haystack(true);
        hay.contains("european qualifications framework")
            || hay.contains("/eqf")
            || hay.contains("ext:eqf")
            || self.target_framework.as_deref().map(|f| f.trim().eq_ignore_ascii_case("EQF")).unwrap_or(false)
    }

    /// An alignment to the Dutch qualifications framework (NLQF).
    pub fn is_nlqf(&self) -> bool {
        let hay = self.haystack(false);
        hay.contains("nlqf") || hay.contains("nederlands kwalificatieraamwerk")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QualityAssurance {
    pub name: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    /// The identity as written: a plain e-mail/DID/URL, or `sha256$<hex>` when hashed.
    pub identity: Option<String>,
    pub hashed: bool,
    pub salt: Option<String>,
    /// `email`, `url`, `did`, `identifier`... as written.
    pub identity_type: Option<String>,
    /// A display name when the credential carries one (OB 3.0 `credentialSubject.name`).
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub narrative: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusPointer {
    /// `BitstringStatusListEntry`, `StatusList2021Entry`, `1EdTechRevocationList`,
    /// or `ob2-revocation-list` for an OB 2.0 issuer's `revocationList`.
    pub kind: String,
    pub id: Option<String>,
    pub list_url: Option<String>,
    pub index: Option<String>,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    /// `DataIntegrityProof`, `Ed25519Signature2020`, `JWS` (VC-JWT / OB 2.0 signed)...
    pub kind: String,
    pub cryptosuite: Option<String>,
    pub verification_method: Option<String>,
    pub created: Option<String>,
    pub purpose: Option<String>,
    /// JWS `alg` for JWT-based proofs.
    pub alg: Option<String>,
}

impl Credential {
    /// A credential of `format` with nothing filled in yet (mappers fill it).
    pub fn empty(format: Format) -> Credential {
        Credential {
            id: String::new(),
            credential_id: None,
            format,
            types: vec![],
            name: None,
            issuer: Issuer::default(),
            achievement: Achievement::default(),
            recipient: None,
            issued: None,
            valid_from: None,
            valid_until: None,
            evidence: vec![],
            status: None,
            proofs: vec![],
            hosted_url: None,
            contains: vec![],
            warnings: vec![],
        }
    }

    /// The best title to show: the achievement's name, then the credential's.
    pub fn title(&self) -> &str {
        self.achievement
            .name
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or("(untitled)")
    }

    /// Study hours stated by the issuer, or ECTS converted at 28 h per credit.
    pub fn hours(&self) -> Option<Decimal> {
        self.achievement
            .study_hours
            .or_else(|| self.achievement.ects.map(|e| e * Decimal::from(HOURS_PER_ECTS)))
    }

    /// Text used by the full-text filter of `list`: lower-cased title, issuer and outcomes.
    pub fn search_text(&self) -> String {
        let mut s = String::new();
        for part in [
            Some(self.title()),
            self.issuer.name.as_deref(),
            self.issuer.institution_name.as_deref(),
            self.achievement.description.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            s.push_str(part);
            s.push('\n');
        }
        for o in &self.achievement.learning_outcomes {
            s.push_str(&o.text);
            s.push('\n');
        }
        s.to_lowercase()
    }
}

/// The two languages Backpack speaks (documents, rule texts, the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("nl") {
            Lang::Nl
        } else {
            Lang::En
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}
