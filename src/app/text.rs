//! Plain text for terminals: a credential's detail, a verification report, a
//! rules assessment, a pathway's progress, a share and a share location, as
//! the command line prints them (the app shows the same data its own way).
//! Credential text is passed through [`crate::display::safe_text`], so bidi
//! overrides and escape sequences never reach a terminal.

use std::fmt::Write;

use crate::display::safe_text as safe;
use crate::rules::{Assessment, RuleOutcome};
use crate::store::{StoredCredential, Summary};
use crate::verify::{Outcome, Report};

use super::pathways::PathwayView;
use super::shares::{LocationView, ShareRow};

/// `nl` when the OS locale is Dutch, else `en` (LC_ALL, LC_MESSAGES, LANG,
/// LANGUAGE: the first that is set): the language both shells speak unless told.
pub fn os_language() -> &'static str {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        match std::env::var(var) {
            Ok(v) if !v.is_empty() => return if v.to_ascii_lowercase().starts_with("nl") { "nl" } else { "en" },
            _ => {}
        }
    }
    "en"
}

/// The date part of an RFC 3339 text, or dashes.
fn day(d: Option<&str>) -> &str {
    d.map(|d| d.get(..10).unwrap_or(d)).unwrap_or("----------")
}

/// One line of `list`.
pub fn summary(r: &Summary) -> String {
    format!(
        "{}  {}  {}  {}{}",
        r.id,
        safe(day(r.issued.as_deref())),
        safe(&r.title),
        safe(r.issuer.as_deref().unwrap_or("(unknown issuer)")),
        r.ects.map(|e| format!("  {e} EC")).unwrap_or_default()
    )
}

/// `show`: the credential's facts, description, learning outcomes and notes.
pub fn detail(s: &StoredCredential) -> String {
    let (c, mut o) = (&s.credential, String::new());
    let a = &c.achievement;
    let _ = writeln!(o, "{}\n{}", safe(c.title()), "=".repeat(c.title().chars().count().min(78)));
    let rows = [
        ("id", Some(c.id.clone())),
        ("format", Some(c.format.label().to_string())),
        ("issuer", c.issuer.name.clone().or(c.issuer.id.clone())),
        ("awarded by", c.awarding_body.as_ref().and_then(|b| b.name.clone().or(b.id.clone()))),
        ("institution (BRIN)", c.issuer.institution_identifier.clone()),
        ("country", c.issuer.country.clone()),
        ("issued", c.issued.clone()),
        ("valid until", c.valid_until.clone()),
        ("ECTS", a.ects.map(|e| e.to_string())),
        ("study hours", a.study_hours.map(|h| format!("{h} ({})", a.study_hours_source.as_deref().unwrap_or("hours")))),
        ("EQF level", a.eqf_level.map(|l| l.to_string())),
        ("NLQF level", a.nlqf_level.clone()),
        ("language", a.language.clone()),
        ("participation", a.participation.clone()),
        ("assessment", a.assessment_type.clone()),
        ("badge type", a.badge_class_type.clone()),
        ("recipient", c.recipient.as_ref().and_then(|r| r.name.clone().or(r.identity.clone()))),
    ];
    for (k, v) in rows {
        if let Some(v) = v {
            let _ = writeln!(o, "{k:<20}{}", safe(&v));
        }
    }
    if let Some(d) = &a.description {
        let _ = writeln!(o, "\n{}", safe(d));
    }
    if !a.learning_outcomes.is_empty() {
        o.push_str("\nLearning outcomes:\n");
        for lo in &a.learning_outcomes {
            let _ = writeln!(o, "  - {}", safe(&lo.text).replace('\n', "\n    "));
        }
    }
    for w in &c.warnings {
        let _ = writeln!(o, "\nnote: {}", safe(w));
    }
    let _ = write!(o, "\nimported {} from {}", s.imported_at, safe(&s.source));
    o
}

/// `verify`: the verdict and source, then one line per check (and per
/// credential inside a presentation), in `lang`.
pub fn report(source: &str, r: &Report, lang: &str) -> String {
    let mut o = format!("{}  {source}", r.verdict.label(lang));
    for c in &r.checks {
        let mark = match c.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "--  ",
            Outcome::Error => "??  ",
        };
        let _ = write!(o, "\n  {mark} {:<28} {}", c.label(lang), c.detail);
    }
    for e in &r.credentials {
        let name = e.title.as_deref().or(e.id.as_deref()).unwrap_or("(unreadable)");
        let _ = write!(o, "\n  credential {}: {}  {name}", e.index + 1, e.verdict.label(lang));
        if let Some(w) = e.worst() {
            let _ = write!(o, "\n       {:<28} {}", w.label(lang), w.detail);
        }
    }
    o
}

/// `check`: the class, title and source, then one line per rule.
pub fn assessment(source: &str, title: &str, a: &Assessment) -> String {
    let mut o = format!("{}  {}  ({source})", a.class.as_str(), safe(title));
    for r in &a.rules {
        let mark = match r.outcome {
            RuleOutcome::Pass => "ok  ",
            RuleOutcome::Fail => "FAIL",
            RuleOutcome::Unknown => "??  ",
        };
        let _ = write!(o, "\n  {mark} {:<18} {}", r.rule, r.detail);
    }
    o
}

/// `pathway show`: totals against the goal, each member, what is missing, overlaps.
pub fn pathway(p: &PathwayView, lang: crate::model::Lang) -> String {
    let g = &p.progress;
    let target = p.goal.ects.map(|t| format!(" of {} ECTS", t.normalize())).unwrap_or_default();
    let mut o = format!("{} ({})\n", safe(&p.name), p.id);
    let _ = write!(
        o,
        "  {} ECTS{target}, {} hours counted; {} ECTS not counted (invalid or unverified)",
        g.ects.normalize(),
        g.hours.normalize(),
        g.ects_apart.normalize()
    );
    for m in &g.members {
        let standing = format!("{:?}", m.standing).to_lowercase();
        let ects = m.ects.map(|e| e.normalize().to_string()).unwrap_or_else(|| "?".into());
        let eqf = m.eqf.map(|l| l.to_string()).unwrap_or_else(|| "?".into());
        let _ = write!(o, "\n  {standing:<10} {}  {}  {ects} EC  EQF {eqf}\n             {}", m.id, day(m.issued.as_deref()), safe(&m.title));
    }
    for x in &g.missing {
        let _ = write!(o, "\n  missing: {}", x.kind.text(lang));
    }
    for x in &g.overlaps {
        let _ = write!(o, "\n  overlap: {}", x.kind.text(lang));
    }
    if g.complete {
        o.push_str("\n  complete");
    }
    o
}

/// `shares list`: a share, its state, credential, expiry, host and link.
pub fn share(r: &ShareRow) -> String {
    use crate::share::records::ShareState;
    let state = match r.state {
        ShareState::Live => "live",
        ShareState::Expired => "EXPIRED",
        ShareState::Revoked => "revoked",
    };
    let title = if r.title.is_empty() { "(no longer in the backpack)".to_string() } else { safe(&r.title).into_owned() };
    let rec = &r.record;
    format!(
        "{}  {state:<8} {}  {title}  until {}  on {}\n    {}",
        rec.id,
        rec.credential,
        rec.expires.as_deref().unwrap_or("revoked"),
        rec.location,
        rec.link
    )
}

/// `shares location list`: name, target, user, public URL.
pub fn location(l: &LocationView) -> String {
    format!(
        "{}  {}{}{}{}",
        l.location.name,
        l.target,
        l.user().map(|u| format!(" as {u}")).unwrap_or_default(),
        l.location.public_url.as_deref().map(|p| format!("  (public: {p})")).unwrap_or_default(),
        l.page_url.as_deref().map(|p| format!("  (verifier page: {p})")).unwrap_or_default()
    )
}

/// `info`: where the data lives, how it is keyed, how much it holds, the holder.
pub fn info(i: &super::library::Info) -> String {
    let key = i.key.map(|k| format!("{k:?}").to_lowercase()).unwrap_or_default();
    let holder = match &i.holder {
        Some(h) => format!(
            "{}\n                (key kept in {})",
            h.did,
            match h.key {
                crate::present::KeyPlace::Keyring => "the OS keyring",
                crate::present::KeyPlace::Store => "the encrypted store: no keyring",
            }
        ),
        None => "none yet (made by 'share --present')".into(),
    };
    format!(
        "data folder:    {}\nkey kept in:    {key}\ncredentials:    {}\nschema version: {}\nholder:         {holder}",
        i.data_dir.display(),
        i.credentials,
        i.schema_version
    )
}

/// Who offers what, before anything is sent.
pub fn offer(v: &super::receive::OfferView) -> String {
    let mut s = String::new();
    let name = v.issuer_name.as_deref().map(safe).unwrap_or_else(|| safe(&v.issuer));
    let _ = writeln!(s, "Offer from {name} ({}), {}", safe(&v.issuer), v.protocol);
    for c in &v.credentials {
        let n = c.name.as_deref().map(safe).unwrap_or_else(|| safe(&c.id));
        let note = if c.supported { String::new() } else { format!("  (format {} cannot be received)", safe(&c.format)) };
        let _ = writeln!(s, "  - {n}{note}");
    }
    s.trim_end().to_string()
}

/// The PIN prompt: the issuer's description and the length it gave.
pub fn tx_code_prompt(p: &crate::receive::offer::TxCode) -> String {
    let what = p.description.as_deref().map(safe).unwrap_or_else(|| "The issuer sent you a transaction code".into());
    match (p.length, p.input_mode.as_deref()) {
        (Some(n), Some("text")) => format!("{what} ({n} characters)"),
        (Some(n), _) => format!("{what} ({n} digits)"),
        _ => what.to_string(),
    }
}

/// A receive's progress step.
pub fn receive_step(s: &super::receive::Step) -> &'static str {
    use super::receive::Step;
    match s {
        Step::Discovering => "reading the offer and the issuer's metadata",
        Step::Browser => "waiting for you to sign in at the issuer in your browser",
        Step::Token => "getting an access token",
        Step::Requesting => "requesting the credential",
        Step::Storing => "verifying and storing",
        Step::Polling => "asking the issuer again for a deferred credential",
    }
}

/// The trusted-list snapshot in use.
pub fn trust(s: &super::trust::TrustStatus) -> String {
    let mut o = String::new();
    match &s.fetched {
        Some(f) => {
            let _ = writeln!(o, "snapshot fetched {f}, {} member-state lists", s.lists);
            let _ = writeln!(o, "next update due {}", s.next_update.as_deref().unwrap_or("-"));
        }
        None => {
            let _ = writeln!(o, "no verified snapshot of the EU trusted lists: Europass seals show 'could not check' for their trust");
        }
    }
    let _ = writeln!(o, "pinned LOTL signing certificates: {}", s.pinned_signers);
    let _ = write!(o, "looked for in: {}", s.roots.join(", "));
    o
}
