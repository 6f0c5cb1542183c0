//! Micro-credential rules: is a credential a micro-credential under the Dutch
//! national pilot and the EU Council Recommendation (2022/C 243/02), and if
//! not, what is missing? Pure functions over the model.
//!
//! Sources (see ../shared/guidelines): the Kwaliteitskader Microcredentials
//! (3 to 30 EC, EQF/NLQF level), the University of Groningen guide for boards
//! of examiners (level not below 5 for university micro-credentials, learning
//! outcomes, study load in hours/ECTS, 1 EC = 28 hours), and Annex I of the EU
//! recommendation (the mandatory elements). Where the credential says nothing
//! the answer is `unknown`, never a guess.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Credential, HOURS_PER_ECTS};

/// Stable rule ids. This one: the study load is within [`MIN_ECTS`]..=[`MAX_ECTS`] ECTS, or, when only hours
/// are stated, within the same range at 28 hours per ECTS.
pub const ECTS_RANGE: &str = "ects-range";
/// The EQF level (stated, or an NLQF level 1..=8) is at least [`MIN_EQF`].
pub const EQF_LEVEL: &str = "eqf-level";
/// The achievement describes at least one learning outcome.
pub const LEARNING_OUTCOMES: &str = "learning-outcomes";
/// All mandatory elements of Annex I of the EU recommendation are present (learner, title, awarding body and its country,
/// date of issue, learning outcomes, workload, EQF level, assessment, participation, quality assurance).
pub const EU_ELEMENTS: &str = "eu-elements";
/// The credential says it was issued as a micro-credential under the national quality framework.
pub const QUALITY_MARK: &str = "quality-mark";

/// Every rule id, in the order [`assess`] applies them. The one list of them:
/// the desktop app names rules from it (exported to TypeScript as `RULE_IDS`
/// in `ui/src/lib/generated/ids.ts`).
pub const RULE_IDS: [&str; 5] = [ECTS_RANGE, EQF_LEVEL, LEARNING_OUTCOMES, EU_ELEMENTS, QUALITY_MARK];

/// Smallest study load of a micro-credential, in ECTS (Kwaliteitskader Microcredentials).
pub const MIN_ECTS: u32 = 3;
/// Largest study load of a micro-credential, in ECTS.
pub const MAX_ECTS: u32 = 30;
/// Lowest EQF level accepted for a (university) micro-credential.
pub const MIN_EQF: u8 = 5;

/// The result of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RuleOutcome {
    /// The credential meets the rule.
    Pass,
    /// The credential states something that breaks the rule.
    Fail,
    /// The credential does not state what the rule needs; never a guess.
    Unknown,
}

/// One rule applied to one credential, with what was found in English and Dutch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleResult {
    /// The stable rule id: one of [`ECTS_RANGE`], [`EQF_LEVEL`], [`LEARNING_OUTCOMES`], [`EU_ELEMENTS`], [`QUALITY_MARK`].
    pub rule: &'static str,
    /// Pass, fail or unknown.
    pub outcome: RuleOutcome,
    /// What was found, in English...
    pub detail: String,
    /// ...and in Dutch.
    pub detail_nl: String,
}

impl RuleResult {
    /// The detail in `lang`: [`RuleResult::detail_nl`] for Dutch, else [`RuleResult::detail`].
    pub fn detail_in(&self, lang: crate::model::Lang) -> &str {
        match lang {
            crate::model::Lang::Nl => &self.detail_nl,
            crate::model::Lang::En => &self.detail,
        }
    }
}

/// What a credential is, as the universities use the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// An edubadge issued under the national micro-credential quality framework.
    MicroCredential,
    /// A badge without that quality mark.
    Edubadge,
    /// The credential does not say.
    Unknown,
}

impl Class {
    /// The stable kebab-case name: `micro-credential`, `edubadge` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::MicroCredential => "micro-credential",
            Class::Edubadge => "edubadge",
            Class::Unknown => "unknown",
        }
    }
}

/// The result of checking one credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assessment {
    /// Micro-credential, edubadge or unknown, from the quality-mark rule.
    pub class: Class,
    /// ECTS as stated, or derived from hours (hours / 28).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ects: Option<Decimal>,
    /// Hours as stated, or derived from ECTS (ECTS * 28).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub hours: Option<Decimal>,
    /// The EQF level (1..=8): stated, or an NLQF level 1..=8; `None` when neither is stated.
    pub eqf: Option<u8>,
    /// Every rule, in a fixed order: ECTS range, EQF level, learning outcomes, EU elements, quality mark.
    pub rules: Vec<RuleResult>,
}

impl Assessment {
    /// The result of rule `id`, if it was applied.
    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.rule == id)
    }
}

fn result(rule: &'static str, outcome: RuleOutcome, en: impl Into<String>, nl: impl Into<String>) -> RuleResult {
    RuleResult { rule, outcome, detail: en.into(), detail_nl: nl.into() }
}

/// A decimal the Dutch way (7,5).
fn nl_num(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// The study load in ECTS: stated, or converted from hours (exact decimal).
pub fn ects_of(c: &Credential) -> Option<Decimal> {
    c.achievement.ects.or_else(|| {
        c.achievement
            .study_hours
            .map(|h| (h / Decimal::from(HOURS_PER_ECTS)).round_dp(2).normalize())
    })
}

/// The EQF level: stated, or an NLQF level 1..=8 (NLQF levels map one to one).
pub fn eqf_of(c: &Credential) -> Option<u8> {
    c.achievement.eqf_level.or_else(|| {
        c.achievement
            .nlqf_level
            .as_deref()
            .and_then(|s| s.trim().parse::<u8>().ok())
            .filter(|l| (1..=8).contains(l))
    })
}

/// Is the credential marked as issued under the national quality framework?
/// `Some(true)`: marked; `Some(false)`: marked as something else; `None`: silent.
fn quality_mark(c: &Credential) -> Option<bool> {
    let a = &c.achievement;
    if let Some(t) = &a.badge_class_type {
        return Some(t.eq_ignore_ascii_case("micro_credential") || t.eq_ignore_ascii_case("micro-credential"));
    }
    let marker = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("microcredential") || s.contains("micro-credential") || s.contains("micro_credential")
    };
    if a.achievement_type.as_deref().map(marker).unwrap_or(false) || c.types.iter().any(|t| marker(t)) {
        return Some(true);
    }
    None
}

/// Check one credential against the micro-credential rules.
pub fn assess(c: &Credential) -> Assessment {
    let a = &c.achievement;
    let ects = ects_of(c);
    let hours = c.hours();
    let eqf = eqf_of(c);
    let mut rules = Vec::new();

    let (lo, hi) = (Decimal::from(MIN_ECTS), Decimal::from(MAX_ECTS));
    rules.push(match (a.ects, a.study_hours) {
        (Some(e), _) if e >= lo && e <= hi => result(ECTS_RANGE, RuleOutcome::Pass, format!("{} EC is within {MIN_ECTS}–{MAX_ECTS} EC", e.normalize()), format!("{} EC ligt binnen {MIN_ECTS}–{MAX_ECTS} EC", nl_num(e))),
        (Some(e), _) => result(ECTS_RANGE, RuleOutcome::Fail, format!("{} EC is outside {MIN_ECTS}–{MAX_ECTS} EC", e.normalize()), format!("{} EC ligt buiten {MIN_ECTS}–{MAX_ECTS} EC", nl_num(e))),
        (None, Some(h)) => {
            let (hlo, hhi) = (lo * Decimal::from(HOURS_PER_ECTS), hi * Decimal::from(HOURS_PER_ECTS));
            if h >= hlo && h <= hhi {
                result(ECTS_RANGE, RuleOutcome::Pass, format!("{} hours is within {hlo}–{hhi} hours ({MIN_ECTS}–{MAX_ECTS} EC at {HOURS_PER_ECTS} h/EC)", h.normalize()), format!("{} uur ligt binnen {hlo}–{hhi} uur ({MIN_ECTS}–{MAX_ECTS} EC bij {HOURS_PER_ECTS} uur/EC)", nl_num(h)))
            } else {
                result(ECTS_RANGE, RuleOutcome::Fail, format!("{} hours is outside {hlo}–{hhi} hours ({MIN_ECTS}–{MAX_ECTS} EC at {HOURS_PER_ECTS} h/EC)", h.normalize()), format!("{} uur ligt buiten {hlo}–{hhi} uur ({MIN_ECTS}–{MAX_ECTS} EC bij {HOURS_PER_ECTS} uur/EC)", nl_num(h)))
            }
        }
        (None, None) => result(ECTS_RANGE, RuleOutcome::Unknown, "the credential states no study load (ECTS or hours)", "de credential noemt geen studielast (EC of uren)"),
    });

    rules.push(match eqf {
        Some(l) if l >= MIN_EQF => result(EQF_LEVEL, RuleOutcome::Pass, format!("EQF level {l} (at least {MIN_EQF})"), format!("EQF-niveau {l} (minstens {MIN_EQF})")),
        Some(l) => result(EQF_LEVEL, RuleOutcome::Fail, format!("EQF level {l} is below {MIN_EQF}"), format!("EQF-niveau {l} is lager dan {MIN_EQF}")),
        None => result(EQF_LEVEL, RuleOutcome::Unknown, "the credential states no EQF or NLQF level", "de credential noemt geen EQF- of NLQF-niveau"),
    });

    let n = a.learning_outcomes.iter().filter(|o| !o.text.trim().is_empty()).count();
    rules.push(if n > 0 {
        result(LEARNING_OUTCOMES, RuleOutcome::Pass, format!("{n} learning outcome(s) described"), format!("{n} leeruitkomst(en) beschreven"))
    } else {
        result(LEARNING_OUTCOMES, RuleOutcome::Fail, "no learning outcome is described", "er is geen leeruitkomst beschreven")
    });

    let mut missing = Vec::new();
    let present = |o: &Option<String>| o.as_deref().map(|s| !s.trim().is_empty()).unwrap_or(false);
    if c.recipient.as_ref().map(|r| present(&r.identity) || present(&r.name)).unwrap_or(false) {
    } else {
        missing.push(("learner", "lerende"));
    }
    if !present(&a.name) && !present(&c.name) {
        missing.push(("title", "titel"));
    }
    // The awarding body, where the credential names one apart from its issuer (Europass).
    let body = c.awarded_by();
    if !present(&body.country) {
        missing.push(("country of the awarding body", "land van de uitgever"));
    }
    if !present(&body.name) && !present(&body.institution_name) {
        missing.push(("awarding body", "uitgever"));
    }
    if !present(&c.issued) {
        missing.push(("date of issue", "datum van uitgifte"));
    }
    if n == 0 {
        missing.push(("learning outcomes", "leeruitkomsten"));
    }
    if ects.is_none() {
        missing.push(("notional workload", "studielast"));
    }
    if eqf.is_none() {
        missing.push(("level (EQF)", "niveau (EQF)"));
    }
    if !present(&a.assessment_type) {
        missing.push(("type of assessment", "soort toetsing"));
    }
    if !present(&a.participation) {
        missing.push(("form of participation", "vorm van deelname"));
    }
    if a.quality_assurance.is_none() && quality_mark(c) != Some(true) {
        missing.push(("type of quality assurance", "soort kwaliteitszorg"));
    }
    rules.push(if missing.is_empty() {
        result(EU_ELEMENTS, RuleOutcome::Pass, "all mandatory EU elements are present", "alle verplichte EU-elementen zijn aanwezig")
    } else {
        result(EU_ELEMENTS, RuleOutcome::Fail, format!("missing: {}", missing.iter().map(|m| m.0).collect::<Vec<_>>().join(", ")), format!("ontbreekt: {}", missing.iter().map(|m| m.1).collect::<Vec<_>>().join(", ")))
    });

    let mark = quality_mark(c);
    rules.push(match mark {
        Some(true) => result(QUALITY_MARK, RuleOutcome::Pass, "issued as a micro-credential under the national quality framework", "uitgegeven als microcredential onder het nationale kwaliteitskader"),
        Some(false) => result(
            QUALITY_MARK,
            RuleOutcome::Fail,
            format!("issued as '{}', not as a micro-credential", a.badge_class_type.as_deref().unwrap_or("another kind of badge")),
            format!("uitgegeven als '{}', niet als microcredential", a.badge_class_type.as_deref().unwrap_or("ander soort badge")),
        ),
        None => result(QUALITY_MARK, RuleOutcome::Unknown, "the credential does not say whether it carries the micro-credential quality mark", "de credential zegt niet of hij het microcredential-keurmerk draagt"),
    });
    let class = match mark {
        Some(true) => Class::MicroCredential,
        Some(false) => Class::Edubadge,
        None => Class::Unknown,
    };
    Assessment { class, ects, hours, eqf, rules }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use std::str::FromStr;

    #[test]
    fn every_assessment_applies_exactly_the_listed_rules_in_order() {
        for c in [Credential::empty(Format::Ob3JsonLd), cred(Some("7.5"), None), cred(None, Some("2000"))] {
            let ids: Vec<&str> = assess(&c).rules.iter().map(|r| r.rule).collect();
            assert_eq!(ids, RULE_IDS);
        }
    }

    fn cred(ects: Option<&str>, hours: Option<&str>) -> Credential {
        Credential {
            id: "x".into(),
            issuer: Issuer { name: Some("U".into()), country: Some("NL".into()), ..Default::default() },
            achievement: Achievement {
                name: Some("Course".into()),
                ects: ects.map(|s| Decimal::from_str(s).unwrap()),
                study_hours: hours.map(|s| Decimal::from_str(s).unwrap()),
                ..Default::default()
            },
            issued: Some("2025-01-01".into()),
            ..Credential::empty(Format::Ob2Hosted)
        }
    }

    fn ects_outcome(ects: Option<&str>, hours: Option<&str>) -> RuleOutcome {
        assess(&cred(ects, hours)).rule(ECTS_RANGE).unwrap().outcome
    }

    #[test]
    fn ects_edges() {
        assert_eq!(ects_outcome(Some("2.9"), None), RuleOutcome::Fail);
        assert_eq!(ects_outcome(Some("3"), None), RuleOutcome::Pass);
        assert_eq!(ects_outcome(Some("30"), None), RuleOutcome::Pass);
        assert_eq!(ects_outcome(Some("30.5"), None), RuleOutcome::Fail);
        assert_eq!(ects_outcome(None, Some("84")), RuleOutcome::Pass);
        assert_eq!(ects_outcome(None, Some("83")), RuleOutcome::Fail);
        assert_eq!(ects_outcome(None, Some("840")), RuleOutcome::Pass);
        assert_eq!(ects_outcome(None, Some("841")), RuleOutcome::Fail);
        assert_eq!(ects_outcome(None, None), RuleOutcome::Unknown);
        // Stated ECTS wins over hours.
        assert_eq!(ects_outcome(Some("2"), Some("140")), RuleOutcome::Fail);
    }

    #[test]
    fn hours_convert_both_ways() {
        let a = assess(&cred(None, Some("140")));
        assert_eq!(a.ects, Some(Decimal::from(5)));
        let a = assess(&cred(Some("7.5"), None));
        assert_eq!(a.hours, Some(Decimal::from(210)));
    }

    #[test]
    fn eqf_and_class_never_guess() {
        let mut c = cred(Some("5"), None);
        let a = assess(&c);
        assert_eq!(a.rule(EQF_LEVEL).unwrap().outcome, RuleOutcome::Unknown);
        assert_eq!(a.class, Class::Unknown);
        c.achievement.eqf_level = Some(4);
        assert_eq!(assess(&c).rule(EQF_LEVEL).unwrap().outcome, RuleOutcome::Fail);
        c.achievement.eqf_level = None;
        c.achievement.nlqf_level = Some("6".into());
        assert_eq!(assess(&c).eqf, Some(6));
        c.achievement.badge_class_type = Some("regular".into());
        assert_eq!(assess(&c).class, Class::Edubadge);
        c.achievement.badge_class_type = Some("micro_credential".into());
        assert_eq!(assess(&c).class, Class::MicroCredential);
    }

    #[test]
    fn eu_elements_name_what_is_missing() {
        let a = assess(&cred(Some("5"), None));
        let d = &a.rule(EU_ELEMENTS).unwrap().detail;
        assert_eq!(a.rule(EU_ELEMENTS).unwrap().outcome, RuleOutcome::Fail);
        for m in ["learner", "learning outcomes", "level (EQF)", "type of assessment", "form of participation", "type of quality assurance"] {
            assert!(d.contains(m), "{d}");
        }
        assert!(!d.contains("title") && !d.contains("notional workload") && !d.contains("awarding body"), "{d}");
    }

    #[test]
    fn every_rule_says_what_it_found_in_dutch_too() {
        for c in [cred(Some("7.5"), None), cred(None, Some("20")), cred(None, None)] {
            for r in assess(&c).rules {
                assert!(!r.detail_nl.is_empty() && r.detail_nl != r.detail, "{r:?}");
            }
        }
        let a = assess(&cred(Some("7.5"), None));
        assert_eq!(a.rule(ECTS_RANGE).unwrap().detail_in(Lang::Nl), "7,5 EC ligt binnen 3–30 EC");
        let d = a.rule(EU_ELEMENTS).unwrap().detail_in(Lang::Nl);
        assert!(d.starts_with("ontbreekt: lerende") && d.contains("soort toetsing"), "{d}");
    }
}
