//! Pathways: a learner's plan to stack credentials towards a goal (ECTS or
//! hours, a minimum EQF level, required credentials or outcomes, a deadline),
//! its progress, what is missing, overlaps, and suggestions of credentials
//! that stack. Pure logic over the model; the store keeps pathways.
//!
//! Arithmetic is exact (decimal): 7.5 + 7.5 + 15 is 30, not 29.999…
//! Credentials that are revoked, expired or not (yet) verified are counted
//! apart and never silently in the total.
//!
//! The exchange file (`backpack pathway export/import`), version 1:
//! ```json
//! { "type": "BackpackPathway", "version": 1,
//!   "name": "Data Science minor", "description": "…",
//!   "goal": { "ects": 30, "hours": null, "minEqf": 6, "deadline": "2027-07-01",
//!             "requiredCredentials": [ {"achievementId": "https://…", "name": "…"} ],
//!             "requiredOutcomes": [ "Apply descriptive statistics…" ] },
//!   "members": [ {"achievementId": "https://…", "name": "…"} ] }
//! ```
//! A programme or Board of Examiners publishes one without `members`; a learner
//! exports one with them. Members are matched to the learner's own credentials
//! by achievement id (then by exact title) on import.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::Credential;
use crate::rules;
use crate::verify::Verdict;

/// The `type` an exchange file must carry to be read as a pathway.
pub const FILE_TYPE: &str = "BackpackPathway";
/// The exchange-file version this Backpack writes; files with a higher `version` are refused ([`PathwayError::TooNew`]).
pub const FILE_VERSION: u32 = 1;

/// A reference to an achievement, portable between wallets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AchievementRef {
    /// The achievement's id (badge class / `Achievement` id), the preferred way to match; `None` when the achievement has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_id: Option<String>,
    /// The achievement's title, used to match when there is no id on either side, and to name it to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl AchievementRef {
    /// A portable reference to the achievement of `c`: its achievement id and its title.
    pub fn of(c: &Credential) -> AchievementRef {
        AchievementRef { achievement_id: c.achievement.id.clone(), name: Some(c.title().to_string()) }
    }

    /// Does `c` satisfy this reference? By achievement id when both have one, else by exact title.
    pub fn matches(&self, c: &Credential) -> bool {
        match (&self.achievement_id, &c.achievement.id) {
            (Some(a), Some(b)) => a == b,
            _ => self.name.as_deref().map(|n| n.trim().eq_ignore_ascii_case(c.title().trim())).unwrap_or(false),
        }
    }
}

/// What a pathway aims at. Every part is optional; an empty goal is never complete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Goal {
    /// ECTS credits to collect from counted members; `None` for no ECTS target.
    #[serde(default, with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ects: Option<Decimal>,
    /// Study hours to collect from counted members (stated hours or 28 h per ECTS); `None` for no hours target.
    #[serde(default, with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub hours: Option<Decimal>,
    /// Minimum EQF level (1..=8) every counted member must have; `None` for no level requirement.
    #[serde(default)]
    pub min_eqf: Option<u8>,
    /// Date (`YYYY-MM-DD`) by which the goal should be reached; past it, an unfinished pathway gets a [`GapKind::DeadlinePassed`] gap.
    #[serde(default)]
    pub deadline: Option<String>,
    /// Achievements that must be among the counted members.
    #[serde(default)]
    pub required_credentials: Vec<AchievementRef>,
    /// Learning outcomes that must be covered: each matches when a counted member has an outcome containing it (whitespace and case ignored).
    #[serde(default)]
    pub required_outcomes: Vec<String>,
}

/// A pathway as stored: members are wallet ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pathway {
    /// The pathway id: the name as a slug plus 6 random hex digits (see [`new_id`]).
    pub id: String,
    /// The name the learner gave the pathway.
    pub name: String,
    /// Free-text description; `None` when not given.
    #[serde(default)]
    pub description: Option<String>,
    /// What the pathway aims at.
    pub goal: Goal,
    /// Wallet ids of the credentials in the pathway, in the order they were added.
    pub members: Vec<String>,
}

/// A new pathway id: the name as a slug plus 6 random hex digits.
pub fn new_id(name: &str) -> String {
    let mut s: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-');
    let mut r = [0u8; 3];
    getrandom::fill(&mut r).expect("the OS random source");
    format!("{}-{}", if s.is_empty() { "pathway" } else { s }, hex::encode(r))
}

/// The exchange file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathwayFile {
    /// Always [`FILE_TYPE`] (`"BackpackPathway"`) in a valid file; JSON field `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The file format version (see [`FILE_VERSION`]).
    pub version: u32,
    /// Name of the pathway; must not be blank.
    pub name: String,
    /// Free-text description; `None` when not given.
    #[serde(default)]
    pub description: Option<String>,
    /// The goal; an empty goal when the file has none.
    #[serde(default)]
    pub goal: Goal,
    /// The member achievements; empty in a file a programme publishes, filled in one a learner exports.
    #[serde(default)]
    pub members: Vec<AchievementRef>,
}

/// Why a pathway exchange file or goal was refused.
#[derive(Debug, thiserror::Error)]
pub enum PathwayError {
    /// The bytes are not JSON of a pathway file, or its `type` is not [`FILE_TYPE`]; holds the reason.
    #[error("not a pathway file: {0}")]
    NotAPathway(String),
    /// The file's `version` is newer than [`FILE_VERSION`]; holds the file's version.
    #[error("pathway file version {0} is newer than this Backpack understands ({FILE_VERSION})")]
    TooNew(u32),
    /// The file parses but its name or goal is not acceptable (blank name, a target of 0 or too large, an EQF level outside 1..=8, a malformed deadline); holds the message.
    #[error("{0}")]
    Invalid(String),
}

/// Largest pathway exchange file read (the app refuses larger ones too).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Parse and check an exchange file.
pub fn parse_file(bytes: &[u8]) -> Result<PathwayFile, PathwayError> {
    let f: PathwayFile = serde_json::from_slice(bytes).map_err(|e| PathwayError::NotAPathway(e.to_string()))?;
    if f.kind != FILE_TYPE {
        return Err(PathwayError::NotAPathway(format!("type is '{}', expected '{FILE_TYPE}'", f.kind)));
    }
    if f.version > FILE_VERSION {
        return Err(PathwayError::TooNew(f.version));
    }
    validate_goal(&f.name, &f.goal)?;
    Ok(f)
}

/// The largest ECTS or hours target, and its most decimals (see [`validate_goal`]).
pub const MAX_TARGET: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Most decimals an ECTS or hours target may have, so it survives a round trip as a JSON number.
pub const MAX_TARGET_DECIMALS: u32 = 6;

/// Checks a pathway's name and goal: a non-blank name, ECTS/hours targets above 0 and within [`MAX_TARGET`] and
/// [`MAX_TARGET_DECIMALS`], an EQF level of 1 to 8, a deadline like `2027-07-01`. Errors are [`PathwayError::Invalid`].
pub fn validate_goal(name: &str, g: &Goal) -> Result<(), PathwayError> {
    if name.trim().is_empty() {
        return Err(PathwayError::Invalid("a pathway needs a name".into()));
    }
    for (what, v) in [("ECTS", g.ects), ("hours", g.hours)] {
        let Some(d) = v else { continue };
        if d <= Decimal::ZERO {
            return Err(PathwayError::Invalid(format!("the {what} target must be more than 0")));
        }
        // The exchange file writes targets as JSON numbers (f64): keep them to
        // what survives that exactly (at most 13 significant digits), so an
        // exported pathway reads back as the same pathway.
        if d > MAX_TARGET || d.normalize().scale() > MAX_TARGET_DECIMALS {
            return Err(PathwayError::Invalid(format!(
                "the {what} target must be at most {MAX_TARGET} with at most {MAX_TARGET_DECIMALS} decimals"
            )));
        }
    }
    if g.min_eqf.map(|l| !(1..=8).contains(&l)).unwrap_or(false) {
        return Err(PathwayError::Invalid("the minimum EQF level must be 1 to 8".into()));
    }
    if let Some(d) = &g.deadline {
        if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
            return Err(PathwayError::Invalid(format!("deadline '{d}' is not a date like 2027-07-01")));
        }
    }
    Ok(())
}

/// The exchange file for a pathway, with its members as portable references.
pub fn to_file(p: &Pathway, creds: &HashMap<String, Credential>) -> PathwayFile {
    PathwayFile {
        kind: FILE_TYPE.into(),
        version: FILE_VERSION,
        name: p.name.clone(),
        description: p.description.clone(),
        goal: p.goal.clone(),
        members: p.members.iter().filter_map(|id| creds.get(id)).map(AchievementRef::of).collect(),
    }
}

/// Wallet ids of the learner's credentials that match a file's members.
pub fn match_members(f: &PathwayFile, creds: &[Credential]) -> (Vec<String>, Vec<AchievementRef>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for r in &f.members {
        match creds.iter().find(|c| r.matches(c)) {
            Some(c) => found.push(c.id.clone()),
            None => missing.push(r.clone()),
        }
    }
    (found, missing)
}

/// How a member counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Verified valid: counts towards the goal.
    Counted,
    /// Verified invalid (revoked, expired, forged...): shown apart.
    Invalid,
    /// Could not be checked, or not checked yet: shown apart.
    Unverified,
}

/// One member of a pathway in its progress: the timeline row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberProgress {
    /// Wallet id of the credential.
    pub id: String,
    /// Title of the credential (see [`Credential::title`]).
    pub title: String,
    /// Issue date as written on the credential; `None` when it states none.
    pub issued: Option<String>,
    /// ECTS credits of the credential as assessed by [`rules::assess`]; `None` when it states none.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ects: Option<Decimal>,
    /// Study hours (stated, or 28 h per ECTS); `None` when neither is stated.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub hours: Option<Decimal>,
    /// EQF level (1..=8); `None` when the credential states none.
    pub eqf: Option<u8>,
    /// Whether the member counts towards the goal, given its latest verdict.
    pub standing: Standing,
}

/// How far a pathway is: totals of counted members against the goal, the timeline, what is missing and overlaps.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    /// ECTS of counted members (exact).
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ects: Decimal,
    /// Study hours of counted members (exact).
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub hours: Decimal,
    /// ECTS of members shown apart (invalid or unverified).
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ects_apart: Decimal,
    /// The goal's ECTS target, copied from [`Goal::ects`]; `None` for none.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub target_ects: Option<Decimal>,
    /// The goal's hours target, copied from [`Goal::hours`]; `None` for none.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub target_hours: Option<Decimal>,
    /// Counted members per EQF level ("unknown" for none).
    pub levels: BTreeMap<String, usize>,
    /// Members in order of issue date (the timeline).
    pub members: Vec<MemberProgress>,
    /// What is still missing for the goal.
    pub missing: Vec<Gap>,
    /// Members that seem to cover the same ground.
    pub overlaps: Vec<Gap>,
    /// `true` when nothing is missing and the goal has at least one target (ECTS, hours, required credentials or outcomes).
    pub complete: bool,
}

/// One thing still missing for a goal, or one overlap: a `kind` with its
/// facts (so a UI can say it in its own language) and the sentence in English.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Gap {
    /// What is missing or overlapping, with its facts (JSON: flattened, the `kind` tag beside the facts).
    #[serde(flatten)]
    pub kind: GapKind,
    /// The sentence in English (see [`GapKind::text`] for Dutch).
    pub text: String,
}

/// The kinds of [`Gap`], with the facts a UI needs to phrase them (JSON tag `kind`, kebab-case; fields camelCase).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum GapKind {
    /// A member left the backpack.
    Gone {
        /// Wallet id of the credential that is no longer in the backpack.
        id: String,
    },
    /// Counted ECTS fall short of the goal's ECTS target.
    Ects(Shortfall),
    /// Counted study hours fall short of the goal's hours target.
    Hours(Shortfall),
    /// A counted member's EQF level is below the goal's minimum.
    LevelBelow {
        /// Title of the member.
        title: String,
        /// Its EQF level.
        level: u8,
        /// The goal's minimum EQF level.
        min: u8,
    },
    /// A counted member states no EQF level while the goal has a minimum.
    LevelUnknown {
        /// Title of the member.
        title: String,
        /// The goal's minimum EQF level.
        min: u8,
    },
    /// A required credential is not among the counted members.
    RequiredCredential {
        /// Its name (or its achievement id when it has no name; `?` when neither).
        name: String,
    },
    /// No counted member covers a required learning outcome.
    RequiredOutcome {
        /// The required outcome as written in the goal.
        outcome: String,
    },
    /// The goal's deadline is past and something is still missing.
    DeadlinePassed {
        /// The deadline, `YYYY-MM-DD`.
        deadline: String,
    },
    /// Invalid (revoked, expired, not genuine) or not verified: not counted.
    NotCounted {
        /// Title of the member.
        title: String,
        /// `true` when verified invalid, `false` when not verified (yet).
        invalid: bool,
    },
    /// Overlap: two members are the same achievement (same achievement id).
    SameAchievement {
        /// Title of the first member.
        a: String,
        /// Title of the second member.
        b: String,
    },
    /// Overlap: two members share learning outcomes (same text, whitespace and case ignored).
    SharedOutcomes {
        /// Title of the first member.
        a: String,
        /// Title of the second member.
        b: String,
        /// How many outcomes they share.
        count: usize,
    },
}

/// How far a total falls short of its goal (ECTS or hours); its fields sit
/// flat beside the gap's `kind` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Shortfall {
    /// How much is still needed: `target - have`.
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub more: Decimal,
    /// What the counted members add up to.
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub have: Decimal,
    /// The goal's target.
    #[serde(with = "rust_decimal::serde::float")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub target: Decimal,
}

impl Shortfall {
    fn of(have: Decimal, target: Decimal) -> Shortfall {
        Shortfall { more: target - have, have, target }
    }
}

impl GapKind {
    /// The sentence in Dutch or English.
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang::*;
        let n = |d: &Decimal| d.normalize().to_string();
        match (self, lang) {
            (GapKind::Gone { id }, En) => format!("credential {id} is no longer in the backpack"),
            (GapKind::Gone { id }, Nl) => format!("credential {id} staat niet meer in de backpack"),
            (GapKind::Ects(s), En) => format!("{} ECTS more (have {} of {})", n(&s.more), n(&s.have), n(&s.target)),
            (GapKind::Ects(s), Nl) => format!("nog {} EC ({} van {} behaald)", n(&s.more), n(&s.have), n(&s.target)),
            (GapKind::Hours(s), En) => format!("{} hours more (have {} of {})", n(&s.more), n(&s.have), n(&s.target)),
            (GapKind::Hours(s), Nl) => format!("nog {} uur ({} van {} behaald)", n(&s.more), n(&s.have), n(&s.target)),
            (GapKind::LevelBelow { title, level, min }, En) => format!("'{title}' is EQF {level}, below the required {min}"),
            (GapKind::LevelBelow { title, level, min }, Nl) => format!("'{title}' is EQF {level}, lager dan het vereiste {min}"),
            (GapKind::LevelUnknown { title, min }, En) => format!("'{title}' states no EQF level (required: {min} or higher)"),
            (GapKind::LevelUnknown { title, min }, Nl) => format!("'{title}' noemt geen EQF-niveau (vereist: {min} of hoger)"),
            (GapKind::RequiredCredential { name }, En) => format!("required credential '{name}' is not in the pathway"),
            (GapKind::RequiredCredential { name }, Nl) => format!("vereiste credential '{name}' zit niet in het leerpad"),
            (GapKind::RequiredOutcome { outcome }, En) => format!("required outcome not covered: {outcome}"),
            (GapKind::RequiredOutcome { outcome }, Nl) => format!("vereist leeruitkomst niet gedekt: {outcome}"),
            (GapKind::DeadlinePassed { deadline }, En) => format!("the deadline {deadline} has passed"),
            (GapKind::DeadlinePassed { deadline }, Nl) => format!("de deadline {deadline} is verstreken"),
            (GapKind::NotCounted { title, invalid: true }, En) => format!("'{title}' is invalid (revoked, expired or not genuine) and not counted"),
            (GapKind::NotCounted { title, invalid: true }, Nl) => format!("'{title}' is ongeldig (ingetrokken, verlopen of niet echt) en telt niet mee"),
            (GapKind::NotCounted { title, invalid: false }, En) => format!("'{title}' is not verified and not counted"),
            (GapKind::NotCounted { title, invalid: false }, Nl) => format!("'{title}' is niet geverifieerd en telt niet mee"),
            (GapKind::SameAchievement { a, b }, En) => format!("'{a}' and '{b}' are the same achievement"),
            (GapKind::SameAchievement { a, b }, Nl) => format!("'{a}' en '{b}' zijn dezelfde prestatie"),
            (GapKind::SharedOutcomes { a, b, count }, En) => format!("'{a}' and '{b}' share {count} learning outcome(s)"),
            (GapKind::SharedOutcomes { a, b, count }, Nl) => format!("'{a}' en '{b}' delen {count} leeruitkomst(en)"),
        }
    }
}

impl From<GapKind> for Gap {
    fn from(kind: GapKind) -> Gap {
        Gap { text: kind.text(crate::model::Lang::En), kind }
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// How a gap names a credential: its title and the first 8 characters of
/// its id, so two credentials with one title are told apart (and the short id
/// can be passed to `show`).
pub fn named(title: &str, id: &str) -> String {
    format!("{title} ({})", id.get(..8).unwrap_or(id))
}

/// Progress of `p`, given the learner's credentials and their latest verdicts.
pub fn progress(p: &Pathway, creds: &HashMap<String, Credential>, verdicts: &HashMap<String, Verdict>, today: chrono::NaiveDate) -> Progress {
    let mut members = Vec::new();
    let (mut ects, mut hours, mut apart) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut levels = BTreeMap::new();
    let mut missing = Vec::new();
    for id in &p.members {
        let Some(c) = creds.get(id) else {
            missing.push(GapKind::Gone { id: id.clone() }.into());
            continue;
        };
        let a = rules::assess(c);
        let standing = match verdicts.get(id) {
            Some(Verdict::Valid) => Standing::Counted,
            Some(Verdict::Invalid) => Standing::Invalid,
            _ => Standing::Unverified,
        };
        if standing == Standing::Counted {
            ects += a.ects.unwrap_or_default();
            hours += a.hours.unwrap_or_default();
            *levels.entry(a.eqf.map(|l| l.to_string()).unwrap_or_else(|| "unknown".into())).or_insert(0) += 1;
        } else {
            apart += a.ects.unwrap_or_default();
        }
        members.push(MemberProgress {
            id: id.clone(),
            title: c.title().to_string(),
            issued: c.issued.clone(),
            ects: a.ects,
            hours: a.hours,
            eqf: a.eqf,
            standing,
        });
    }
    members.sort_by(|a, b| a.issued.cmp(&b.issued).then(a.id.cmp(&b.id)));
    let counted: Vec<&Credential> = members
        .iter()
        .filter(|m| m.standing == Standing::Counted)
        .filter_map(|m| creds.get(&m.id))
        .collect();
    let g = &p.goal;
    if let Some(t) = g.ects {
        if ects < t {
            missing.push(GapKind::Ects(Shortfall::of(ects, t)).into());
        }
    }
    if let Some(t) = g.hours {
        if hours < t {
            missing.push(GapKind::Hours(Shortfall::of(hours, t)).into());
        }
    }
    if let Some(min) = g.min_eqf {
        for m in members.iter().filter(|m| m.standing == Standing::Counted) {
            match m.eqf {
                Some(l) if l < min => missing.push(GapKind::LevelBelow { title: named(&m.title, &m.id), level: l, min }.into()),
                None => missing.push(GapKind::LevelUnknown { title: named(&m.title, &m.id), min }.into()),
                _ => {}
            }
        }
    }
    for r in &g.required_credentials {
        if !counted.iter().any(|c| r.matches(c)) {
            let name = r.name.as_deref().or(r.achievement_id.as_deref()).unwrap_or("?").to_string();
            missing.push(GapKind::RequiredCredential { name }.into());
        }
    }
    for o in &g.required_outcomes {
        let want = norm(o);
        let covered = counted.iter().any(|c| c.achievement.learning_outcomes.iter().any(|lo| norm(&lo.text).contains(&want)));
        if !covered {
            missing.push(GapKind::RequiredOutcome { outcome: o.clone() }.into());
        }
    }
    if let Some(d) = g.deadline.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        if d < today && !missing.is_empty() {
            missing.push(GapKind::DeadlinePassed { deadline: d.to_string() }.into());
        }
    }
    for m in members.iter().filter(|m| m.standing != Standing::Counted) {
        missing.push(GapKind::NotCounted { title: named(&m.title, &m.id), invalid: m.standing == Standing::Invalid }.into());
    }
    // Overlaps: the same achievement twice, or the same learning outcome in two credentials.
    let mut overlaps = Vec::new();
    let all: Vec<&Credential> = members.iter().filter_map(|m| creds.get(&m.id)).collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if a.achievement.id.is_some() && a.achievement.id == b.achievement.id {
                overlaps.push(GapKind::SameAchievement { a: named(a.title(), &a.id), b: named(b.title(), &b.id) }.into());
                continue;
            }
            let shared: Vec<String> = a
                .achievement
                .learning_outcomes
                .iter()
                .map(|o| norm(&o.text))
                .filter(|t| !t.is_empty() && b.achievement.learning_outcomes.iter().any(|o| norm(&o.text) == *t))
                .collect();
            if !shared.is_empty() {
                overlaps.push(GapKind::SharedOutcomes { a: named(a.title(), &a.id), b: named(b.title(), &b.id), count: shared.len() }.into());
            }
        }
    }
    let complete = missing.is_empty() && (g.ects.is_some() || g.hours.is_some() || !g.required_credentials.is_empty() || !g.required_outcomes.is_empty());
    Progress { ects, hours, ects_apart: apart, target_ects: g.ects, target_hours: g.hours, levels, members, missing, overlaps, complete }
}

/// A group of credentials that seem to stack, for the learner to accept, edit or ignore.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Suggestion {
    /// A proposed name for the pathway (issuer and programme, the shared alignment, ...).
    pub name: String,
    /// Why these credentials were grouped, as an English sentence.
    pub reason: String,
    /// Wallet ids of the suggested members (two or more).
    pub members: Vec<String>,
}

/// Suggest pathways: credentials of one issuer and programme, credentials that
/// share an alignment (skill, competency), and stackable micro-credentials of
/// one issuer. Groups of fewer than two are not suggested.
pub fn suggest(creds: &[Credential]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let issuer_of = |c: &Credential| c.issuer.name.clone().or_else(|| c.issuer.id.clone()).unwrap_or_else(|| "unknown issuer".into());
    let mut by_programme: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut by_alignment: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut stackable: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in creds {
        for p in &c.achievement.programme_identifiers {
            by_programme.entry((issuer_of(c), p.clone())).or_default().push(c.id.clone());
        }
        for al in &c.achievement.alignments {
            let key = al.target_url.clone().or_else(|| al.target_name.clone()).unwrap_or_default();
            // Level frameworks are not a shared subject.
            if key.is_empty() || al.is_eqf() || al.is_nlqf() {
                continue;
            }
            let e = by_alignment.entry(key).or_insert_with(|| (al.target_name.clone().unwrap_or_default(), Vec::new()));
            if !e.1.contains(&c.id) {
                e.1.push(c.id.clone());
            }
        }
        if c.achievement.stackable == Some(true) {
            stackable.entry(issuer_of(c)).or_default().push(c.id.clone());
        }
    }
    for ((issuer, prog), ids) in by_programme {
        if ids.len() >= 2 {
            out.push(Suggestion { name: format!("{issuer} – programme {prog}"), reason: format!("same issuer and programme ({prog})"), members: ids });
        }
    }
    // Several shared alignments over the same credentials make one suggestion.
    let mut shared: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (_, (name, ids)) in by_alignment {
        if ids.len() < 2 {
            continue;
        }
        match shared.iter_mut().find(|(m, _)| *m == ids) {
            Some((_, names)) => names.push(name),
            None => shared.push((ids, vec![name])),
        }
    }
    for (ids, names) in shared {
        if out.iter().any(|s: &Suggestion| s.members == ids) {
            continue;
        }
        let reason = if names.len() == 1 {
            format!("all aligned to '{}'", names[0])
        } else {
            format!("share {} alignments, such as '{}'", names.len(), names[0])
        };
        out.push(Suggestion { name: names[0].clone(), reason, members: ids });
    }
    for (issuer, ids) in stackable {
        if ids.len() >= 2 && !out.iter().any(|s| s.members == ids) {
            out.push(Suggestion { name: format!("Stackable at {issuer}"), reason: "marked stackable by the issuer".into(), members: ids });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_shortfall_gap_is_the_kind_with_its_numbers_flat_beside_the_text() {
        let d = |x: &str| Decimal::from_str(x).unwrap();
        let ects: Gap = GapKind::Ects(Shortfall { more: d("7.5"), have: d("22.5"), target: d("30") }).into();
        assert_eq!(
            serde_json::to_value(&ects).unwrap(),
            serde_json::json!({"kind": "ects", "more": 7.5, "have": 22.5, "target": 30.0, "text": "7.5 ECTS more (have 22.5 of 30)"})
        );
        let hours: Gap = GapKind::Hours(Shortfall { more: d("70"), have: d("770"), target: d("840") }).into();
        assert_eq!(
            serde_json::to_value(&hours).unwrap(),
            serde_json::json!({"kind": "hours", "more": 70.0, "have": 770.0, "target": 840.0, "text": "70 hours more (have 770 of 840)"})
        );
        assert_eq!(hours.kind.text(crate::model::Lang::Nl), "nog 70 uur (770 van 840 behaald)");
    }

    fn cred(id: &str, ects: &str, eqf: u8, outcomes: &[&str]) -> Credential {
        let mut c: Credential = serde_json::from_value(serde_json::json!({
            "id": id, "credential_id": null, "format": "ob3-json-ld", "name": null,
            "issuer": {"name": "U"}, "achievement": {"id": format!("urn:a:{id}"), "name": format!("Course {id}")},
            "recipient": null, "issued": format!("2025-0{}-01", id.len()), "valid_from": null, "valid_until": null,
            "status": null, "hosted_url": null
        }))
        .unwrap();
        c.achievement.ects = Some(Decimal::from_str(ects).unwrap());
        c.achievement.eqf_level = Some(eqf);
        c.achievement.learning_outcomes = outcomes
            .iter()
            .map(|t| crate::model::LearningOutcome { text: t.to_string(), source: "extension".into(), ..Default::default() })
            .collect();
        c
    }

    #[test]
    fn progress_is_exact_and_unverified_counts_apart() {
        let creds: HashMap<String, Credential> = [cred("a", "7.5", 6, &["x"]), cred("bb", "7.5", 6, &["y"]), cred("ccc", "15", 7, &["z"]), cred("dddd", "5", 6, &[])]
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let p = Pathway {
            id: "p".into(),
            name: "Minor".into(),
            description: None,
            goal: Goal { ects: Some(Decimal::from(30)), min_eqf: Some(6), ..Default::default() },
            members: vec!["a".into(), "bb".into(), "ccc".into(), "dddd".into()],
        };
        let mut verdicts: HashMap<String, Verdict> = HashMap::new();
        for id in ["a", "bb", "ccc"] {
            verdicts.insert(id.into(), Verdict::Valid);
        }
        verdicts.insert("dddd".into(), Verdict::Invalid);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let pr = progress(&p, &creds, &verdicts, today);
        assert_eq!(pr.ects, Decimal::from(30), "7.5 + 7.5 + 15 = 30 exactly");
        assert_eq!(pr.ects.to_string().trim_end_matches(".0"), "30");
        assert_eq!(pr.hours, Decimal::from(840));
        assert_eq!(pr.ects_apart, Decimal::from(5));
        assert_eq!(pr.levels.get("6"), Some(&2));
        assert_eq!(pr.levels.get("7"), Some(&1));
        // Complete on ECTS, but the invalid member is named as not counted.
        assert!(pr.missing.iter().any(|m| m.text.contains("Course dddd") && m.text.contains("not counted")), "{:?}", pr.missing);
        assert!(!pr.complete);
        // Timeline by issue date.
        let order: Vec<_> = pr.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(order, vec!["a", "bb", "ccc", "dddd"]);
    }

    #[test]
    fn missing_names_ects_level_required_items_and_overlaps() {
        let a = cred("a", "5", 5, &["Apply statistics", "Write reports"]);
        let b = cred("bb", "5", 6, &["apply  STATISTICS"]);
        let creds: HashMap<String, Credential> = [a, b].into_iter().map(|c| (c.id.clone(), c)).collect();
        let p = Pathway {
            id: "p".into(),
            name: "Plan".into(),
            description: None,
            goal: Goal {
                ects: Some(Decimal::from(15)),
                min_eqf: Some(6),
                required_credentials: vec![AchievementRef { achievement_id: Some("urn:a:zzz".into()), name: Some("Capstone".into()) }],
                required_outcomes: vec!["write reports".into(), "Lead a team".into()],
                ..Default::default()
            },
            members: vec!["a".into(), "bb".into()],
        };
        let v: HashMap<String, Verdict> = [("a".to_string(), Verdict::Valid), ("bb".to_string(), Verdict::Valid)].into();
        let pr = progress(&p, &creds, &v, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let m = pr.missing.iter().map(|g| g.text.as_str()).collect::<Vec<_>>().join(" | ");
        assert!(m.contains("5 ECTS more (have 10 of 15)"), "{m}");
        assert!(m.contains("EQF 5, below the required 6"), "{m}");
        assert!(m.contains("required credential 'Capstone'"), "{m}");
        assert!(m.contains("not covered: Lead a team") && !m.contains("not covered: write reports"), "{m}");
        assert_eq!(pr.overlaps.len(), 1, "{:?}", pr.overlaps);
        // Items are named by title and short id, so two with one title are told apart.
        assert!(m.contains("'Course a (a)' is EQF 5"), "{m}");
        assert!(pr.overlaps[0].text.contains("(a)") && pr.overlaps[0].text.contains("(bb)"), "{:?}", pr.overlaps);
        assert_eq!(named("Same title", "0123456789abcdef"), "Same title (01234567)");
    }

    #[test]
    fn file_round_trip_and_refusals() {
        let creds = [cred("a", "5", 6, &[])];
        let map: HashMap<String, Credential> = creds.iter().map(|c| (c.id.clone(), c.clone())).collect();
        let p = Pathway { id: "p".into(), name: "Plan".into(), description: Some("d".into()), goal: Goal { ects: Some(Decimal::from_str("7.5").unwrap()), ..Default::default() }, members: vec!["a".into()] };
        let f = to_file(&p, &map);
        let bytes = serde_json::to_vec(&f).unwrap();
        let back = parse_file(&bytes).unwrap();
        assert_eq!(back, f);
        assert_eq!(match_members(&back, &creds).0, vec!["a".to_string()]);
        assert!(matches!(parse_file(br#"{"type":"Other","version":1,"name":"x"}"#), Err(PathwayError::NotAPathway(_))));
        assert!(matches!(parse_file(br#"{"type":"BackpackPathway","version":9,"name":"x"}"#), Err(PathwayError::TooNew(9))));
        assert!(parse_file(br#"{"type":"BackpackPathway","version":1,"name":"x","goal":{"ects":-1}}"#).is_err());
    }

    /// Found by the `pathway_file` fuzz target: `"ects": 15555555555555555`
    /// was accepted but written back as 15555555555555556 (JSON numbers are
    /// f64), so export → import changed the goal. Targets are now bounded so
    /// every accepted value survives the file exactly.
    #[test]
    fn accepted_targets_survive_the_file_exactly() {
        let file = |ects: &str| format!(r#"{{"type":"BackpackPathway","version":1,"name":"x","goal":{{"ects":{ects},"hours":{ects}}}}}"#);
        for ok in ["1", "7.5", "2.675", "0.1", "0.000001", "999999.999999", "1000000", "123456.123456"] {
            let f = parse_file(file(ok).as_bytes()).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(f.goal.ects, Some(Decimal::from_str(ok).unwrap()), "{ok}");
            let back = parse_file(&serde_json::to_vec(&f).unwrap()).unwrap();
            assert_eq!(back, f, "{ok} survives a write and a read");
        }
        for bad in ["15555555555555555", "1000000.000001", "0.0000001", "1e300"] {
            let e = parse_file(file(bad).as_bytes()).unwrap_err();
            assert!(matches!(e, PathwayError::Invalid(_) | PathwayError::NotAPathway(_)), "{bad}: {e}");
        }
        let e = parse_file(file("15555555555555555").as_bytes()).unwrap_err().to_string();
        assert!(e.contains("at most 1000000 with at most 6 decimals"), "{e}");
    }

    #[test]
    fn suggestions_group_by_programme_alignment_and_stackable() {
        let mut a = cred("a", "5", 6, &[]);
        let mut b = cred("bb", "5", 6, &[]);
        let c = cred("ccc", "5", 6, &[]);
        a.achievement.programme_identifiers = vec!["60207".into()];
        b.achievement.programme_identifiers = vec!["60207".into()];
        let s = suggest(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, vec!["a".to_string(), "bb".to_string()]);
        a.achievement.stackable = Some(true);
        let mut c2 = c.clone();
        c2.achievement.stackable = Some(true);
        let s = suggest(&[a, b, c2]);
        assert!(s.iter().any(|x| x.reason.contains("stackable") && x.members == vec!["a".to_string(), "ccc".to_string()]), "{s:?}");
    }
}
