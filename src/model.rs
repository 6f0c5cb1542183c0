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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// Europass Digital Credential (ELM 3, W3C VC 1.1), sealed with a JAdES e-seal.
    Edc,
}

impl Format {
    /// The stable kebab-case name stored in the database and printed by the CLI (`ob2-hosted`, `ob3-jwt`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ob2Hosted => "ob2-hosted",
            Format::Ob2Signed => "ob2-signed",
            Format::Ob3JsonLd => "ob3-json-ld",
            Format::Ob3Jwt => "ob3-jwt",
            Format::Clr2 => "clr2",
            Format::Edc => "edc",
        }
    }

    /// The inverse of [`Format::as_str`]; `None` for a name that is not one of the formats.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "ob2-hosted" => Format::Ob2Hosted,
            "ob2-signed" => Format::Ob2Signed,
            "ob3-json-ld" => Format::Ob3JsonLd,
            "ob3-jwt" => Format::Ob3Jwt,
            "clr2" => Format::Clr2,
            "edc" => Format::Edc,
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
            Format::Edc => "Europass Digital Credential",
        }
    }
}

/// One credential in the normalised model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Credential {
    /// The wallet's own id: 16 hex digits derived from the credential's id
    /// (or from its bytes when it has none). Stable across re-imports.
    pub id: String,
    /// The credential's own identifier (`id` of the assertion or VC, `jti` of a JWT).
    pub credential_id: Option<String>,
    /// The wire format the credential was imported from; decides how it is verified.
    pub format: Format,
    /// The credential's `type` values as written.
    #[serde(default)]
    pub types: Vec<String>,
    /// A name on the credential itself (OB 3.0 `name`); the achievement has its own.
    pub name: Option<String>,
    /// Who awarded the credential (OB 2.0 `badge.issuer`, OB 3.0/VC `issuer`).
    pub issuer: Issuer,
    /// The awarding body of the achievement when the credential names one
    /// apart from its issuer (a Europass credential is sealed by its issuer
    /// for the awarding body named in `hasClaim.awardedBy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarding_body: Option<Issuer>,
    /// What was achieved: the badge class (OB 2.0) or `credentialSubject.achievement` (OB 3.0).
    pub achievement: Achievement,
    /// Who it was awarded to; `None` when the credential names no recipient.
    pub recipient: Option<Recipient>,
    /// `issuedOn` (OB 2.0), `issuanceDate`/`validFrom` (VC), `nbf`/`iat` (JWT), as written.
    pub issued: Option<String>,
    /// `validFrom` (VC 2.0) or `issuanceDate` (VC 1.1).
    pub valid_from: Option<String>,
    /// `validUntil`, `expirationDate`, `expires` or JWT `exp`.
    pub valid_until: Option<String>,
    /// Evidence the issuer attached (OB 2.0 `evidence`, VC `evidence`), in document order.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Where revocation or status can be checked.
    pub status: Option<StatusPointer>,
    /// Embedded proofs as found, for display; verification reads the original bytes, not these.
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

/// The awarding body of a credential (OB 2.0 Profile / OB 3.0 issuer Profile), with edubadges institution extras.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Issuer {
    /// The issuer's identifier as written: a URL for OB 2.0, usually a DID or URL for OB 3.0; `None` when the issuer is embedded without one.
    pub id: Option<String>,
    /// Display name of the issuer.
    pub name: Option<String>,
    /// The issuer's home page.
    pub url: Option<String>,
    /// Contact e-mail address of the issuer.
    pub email: Option<String>,
    /// Free-text description of the issuer.
    pub description: Option<String>,
    /// Logo of the issuer: a URL or `data:` URI as written.
    pub image: Option<String>,
    /// BRIN code (edubadges `InstitutionIdentifier`, OB 3.0 `otherIdentifier` of type `ext:BRIN`).
    pub institution_identifier: Option<String>,
    /// edubadges `InstitutionName`.
    pub institution_name: Option<String>,
    /// Country of the awarding body (edubadges `InstitutionCountry`, OB 3.0 `address.addressCountry`).
    pub country: Option<String>,
}

/// The achievement a credential attests: OB 2.0 BadgeClass or OB 3.0 `Achievement`, with the micro-credential metadata (ECTS, EQF, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Achievement {
    /// Identifier of the badge class / achievement as written (URL or URN); `None` when the achievement is embedded without one.
    pub id: Option<String>,
    /// Name of the achievement, the title shown for the credential (see [`Credential::title`]).
    pub name: Option<String>,
    /// Free-text description of the achievement.
    pub description: Option<String>,
    /// OB 3.0 `achievementType` / OB 2.0 `achievementType`.
    pub achievement_type: Option<String>,
    /// What a holder had to do to earn it; `None` when the credential states no criteria.
    pub criteria: Option<Criteria>,
    /// Badge image of the achievement: a URL or `data:` URI as written.
    pub image: Option<String>,
    /// Learning outcomes, gathered from the edubadges extension, EQF/ESCO alignments and OB 3.0 results.
    #[serde(default)]
    pub learning_outcomes: Vec<LearningOutcome>,
    /// ECTS credits (edubadges `ECTS`, OB 3.0 `creditsAvailable`). Exact decimal.
    #[serde(with = "rust_decimal::serde::float_option", default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ects: Option<Decimal>,
    /// Study hours as stated by the issuer (StudyLoad / TimeInvestment / SBU / `timeInvestment`).
    #[serde(with = "rust_decimal::serde::float_option", default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub study_hours: Option<Decimal>,
    /// The field the hours came from, so a reader can tell SBU from time investment.
    pub study_hours_source: Option<String>,
    /// EQF level 1..=8.
    pub eqf_level: Option<u8>,
    /// NLQF level as written (NLQF has "1" .. "8" and entry level "Entree").
    pub nlqf_level: Option<String>,
    /// Language of the course (edubadges `Language`, OB 3.0 `inLanguage`), as written.
    pub language: Option<String>,
    /// Education programme identifiers (edubadges `EducationProgramIdentifier`, OB 3.0 `educationProgramIdentifier`), e.g. a CROHO/CREBO code.
    #[serde(default)]
    pub programme_identifiers: Vec<String>,
    /// Alignments to external frameworks and competences (OB `alignment`), as written.
    #[serde(default)]
    pub alignments: Vec<Alignment>,
    /// Mode of participation as written (`participation` / `participationType`, e.g. online, blended, onsite).
    pub participation: Option<String>,
    /// How the learning was assessed, as written (`assessmentType`, e.g. a written exam).
    pub assessment_type: Option<String>,
    /// Whether the assessment was supervised or how the identity was checked, as written (`assessmentSupervised` / `supervisionType`).
    pub assessment_supervised: Option<String>,
    /// The quality assurance framework behind the course; `None` when the credential states none.
    pub quality_assurance: Option<QualityAssurance>,
    /// Whether the issuer says the credential can be stacked into a larger one; `None` when not stated.
    pub stackable: Option<bool>,
    /// edubadges `typeBadgeClass` (`micro_credential`, `regular`, `extra_curricular`)
    /// or an OB 3.0 marker of the national micro-credential framework.
    pub badge_class_type: Option<String>,
    /// Tags / keywords of the achievement (OB 2.0 `tags`, OB 3.0 `tag`).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// What a holder had to do to earn an achievement (OB `criteria`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Criteria {
    /// A page describing the criteria (`criteria.id` / `criteria` URL).
    pub url: Option<String>,
    /// The criteria as narrative text (Markdown in OB 3.0), as written.
    pub narrative: Option<String>,
}

/// A learning outcome of an achievement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LearningOutcome {
    /// The outcome as written: the statement a holder can do, or the aligned target's name.
    pub text: String,
    /// Longer explanation of the outcome, when given.
    pub description: Option<String>,
    /// A URL that identifies the outcome in a framework (for example an ESCO skill URI).
    pub url: Option<String>,
    /// Name of the framework the outcome comes from (ESCO, EQF, ...), as written.
    pub framework: Option<String>,
    /// The outcome's code in that framework, as written.
    pub code: Option<String>,
    /// Where it came from: `extension`, `alignment` or `result`.
    pub source: String,
}

/// An OB alignment: a link from the achievement to a node in an external framework (EQF level, ESCO skill, competence).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Alignment {
    /// Name of the target node (OB `targetName`).
    pub target_name: Option<String>,
    /// URL of the target node (OB `targetUrl`), e.g. `http://data.europa.eu/snb/eqf/6`.
    pub target_url: Option<String>,
    /// Description of the target node (OB `targetDescription`).
    pub target_description: Option<String>,
    /// Name of the framework the target belongs to (OB `targetFramework`).
    pub target_framework: Option<String>,
    /// Code of the target in its framework (OB `targetCode`).
    pub target_code: Option<String>,
    /// Kind of target (OB 3.0 `targetType`, e.g. `ceasn:Competency` or `ext:EQFLevel`).
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

/// The quality assurance framework or body behind an achievement (edubadges `qualityAssurance*` / OB 3.0 extension).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QualityAssurance {
    /// Name of the framework or body.
    pub name: Option<String>,
    /// Where the framework is described.
    pub url: Option<String>,
    /// Free-text description of the framework.
    pub description: Option<String>,
}

/// The person a credential was awarded to, as stated in the credential.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Recipient {
    /// The identity as written: a plain e-mail/DID/URL, or `sha256$<hex>` when hashed.
    pub identity: Option<String>,
    /// `true` when `identity` is a salted hash (`sha256$<hex>`) rather than the plain value.
    pub hashed: bool,
    /// Salt used when hashing `identity`; `None` for an unsalted hash or a plain identity.
    pub salt: Option<String>,
    /// `email`, `url`, `did`, `identifier`... as written.
    pub identity_type: Option<String>,
    /// A display name when the credential carries one (OB 3.0 `credentialSubject.name`).
    pub name: Option<String>,
}

/// A piece of evidence attached to a credential (OB `evidence`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evidence {
    /// URL of the evidence (where the work can be seen), as written.
    pub id: Option<String>,
    /// Title of the evidence.
    pub name: Option<String>,
    /// Description of the evidence.
    pub description: Option<String>,
    /// The evidence as narrative text, as written.
    pub narrative: Option<String>,
}

/// Where the revocation status of a credential can be checked (VC `credentialStatus`, OB 2.0 `revocationList`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusPointer {
    /// `BitstringStatusListEntry`, `StatusList2021Entry`, `1EdTechRevocationList`,
    /// or `ob2-revocation-list` for an OB 2.0 issuer's `revocationList`.
    pub kind: String,
    /// Identifier of the status entry itself (`credentialStatus.id`).
    pub id: Option<String>,
    /// URL of the status or revocation list to fetch (`statusListCredential`, or the OB 2.0 `revocationList` URL).
    pub list_url: Option<String>,
    /// Position of this credential in the status list (`statusListIndex`), as written (a decimal string).
    pub index: Option<String>,
    /// What a set bit means (`statusPurpose`: `revocation` or `suspension`); `None` when not stated.
    pub purpose: Option<String>,
}

/// One embedded proof of a credential, as written (for display; verification works on the original bytes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Proof {
    /// `DataIntegrityProof`, `Ed25519Signature2020`, `JWS` (VC-JWT / OB 2.0 signed)...
    pub kind: String,
    /// Data Integrity cryptosuite, e.g. `eddsa-rdfc-2022`; `None` for other proof types.
    pub cryptosuite: Option<String>,
    /// The key the proof points to (`verificationMethod`, or JWS `kid`), usually a DID URL.
    pub verification_method: Option<String>,
    /// When the proof was made (`created`), as written.
    pub created: Option<String>,
    /// Purpose of the proof (`proofPurpose`, normally `assertionMethod`).
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
            awarding_body: None,
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

    /// Who awarded the achievement: the awarding body when the credential names
    /// one apart from its issuer (Europass), else the issuer.
    pub fn awarded_by(&self) -> &Issuer {
        self.awarding_body.as_ref().unwrap_or(&self.issuer)
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
    /// Dutch.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Reads a language tag: anything starting with `nl` (any case) is Dutch, everything else English.
    pub fn parse(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("nl") {
            Lang::Nl
        } else {
            Lang::En
        }
    }
    /// The two-letter ISO 639-1 code: `nl` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}
