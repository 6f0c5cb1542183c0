//! The exemption dossier for a Board of Examiners: HTML and PDF in Dutch or
//! English, the original credentials attached so the board can re-verify
//! them, and the selection as a CLR 2.0 document.
//!
//! It follows the criteria of the University of Groningen guide for boards of
//! examiners (section VII, Exemptions): study load in hours/ECTS, level (not
//! below EQF/NLQF 5), the learning outcomes in full, how each outcome was
//! demonstrated (assessment, participation form), issuer and quality
//! assurance, and the verification report with the date it was checked.
//!
//! One document model ([`Block`]s) feeds both renderers, so the HTML and the
//! PDF always say the same. Credential text is escaped in HTML and drawn as
//! plain glyphs in the PDF (krilla, with the bundled DejaVu Sans subset);
//! before either, bidi overrides and other invisible or control characters
//! are made visible ([`crate::display::safe_text`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::model::Credential;
use crate::pdf::{Metrics, BOLD, REGULAR};
use crate::rules::{self, RuleOutcome};
use crate::store::{Store, StoreError};
use crate::verify::{Outcome, Report};

pub use crate::model::Lang;

/// One credential in the dossier.
#[derive(Debug, Clone)]
pub struct Item {
    /// The normalised model, for the dossier's text.
    pub credential: Credential,
    /// The credential exactly as issued, attached so the board can re-verify it.
    pub original: Vec<u8>,
    /// Media type of `original` (decides the attachment's file extension).
    pub media_type: String,
    /// The latest verification report and when it was made.
    pub report: Option<(Report, String)>,
}

/// What the dossier is about.
#[derive(Debug, Clone)]
pub struct Dossier {
    /// Title of the dossier, the first line of the document.
    pub title: String,
    /// The learner's name; `None` to leave it out (the CLR then names the issuer "Learner").
    pub learner: Option<String>,
    /// The request, in the learner's words (which course, which programme).
    pub request: Option<String>,
    /// The credentials, in the order they are presented.
    pub items: Vec<Item>,
    /// When it was made (RFC 3339).
    pub created: String,
}

/// A piece of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document title (once, at the top).
    Title(String),
    /// A section heading: "Request", or one per credential ("1. Title").
    Heading(String),
    /// A heading inside a credential's section ("Learning outcomes", ...).
    Subheading(String),
    /// A paragraph of running text.
    Para(String),
    /// Label/value rows (issuer, issued, study load, level, ...).
    Fields(Vec<(String, String)>),
    /// A bulleted list (learning outcomes, checks).
    Bullets(Vec<String>),
    /// A remark set apart from the text (the exemption caveat, a missing report).
    Note(String),
}

fn t(lang: Lang, en: &'static str, nl: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

fn dec(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_else(|| "—".into())
}

fn file_name(c: &Credential, media_type: &str) -> String {
    let ext = if media_type.contains("jwt") || media_type.contains("jose") { "jwt" } else { "json" };
    format!("credentials/{}.{ext}", c.id)
}

/// The document, as blocks. Every string has gone through
/// [`crate::display::safe_text`]: bidi overrides, invisible marks and control
/// characters from a credential are shown as `[U+XXXX]`, in HTML and PDF alike.
pub fn blocks(d: &Dossier, lang: Lang) -> Vec<Block> {
    let s = |x: String| crate::display::safe_text(&x).into_owned();
    raw_blocks(d, lang)
        .into_iter()
        .map(|b| match b {
            Block::Title(x) => Block::Title(s(x)),
            Block::Heading(x) => Block::Heading(s(x)),
            Block::Subheading(x) => Block::Subheading(s(x)),
            Block::Para(x) => Block::Para(s(x)),
            Block::Note(x) => Block::Note(s(x)),
            Block::Fields(f) => Block::Fields(f.into_iter().map(|(k, v)| (s(k), s(v))).collect()),
            Block::Bullets(v) => Block::Bullets(v.into_iter().map(s).collect()),
        })
        .collect()
}

fn raw_blocks(d: &Dossier, lang: Lang) -> Vec<Block> {
    let mut b = Vec::new();
    b.push(Block::Title(d.title.clone()));
    let mut head = vec![(t(lang, "Prepared", "Opgesteld").to_string(), d.created.get(..10).unwrap_or(&d.created).to_string())];
    if let Some(l) = &d.learner {
        head.insert(0, (t(lang, "Learner", "Deelnemer").to_string(), l.clone()));
    }
    head.push((t(lang, "Credentials", "Credentials").to_string(), d.items.len().to_string()));
    let (mut ects, mut hours) = (Decimal::ZERO, Decimal::ZERO);
    for i in &d.items {
        let a = rules::assess(&i.credential);
        ects += a.ects.unwrap_or_default();
        hours += a.hours.unwrap_or_default();
    }
    head.push((t(lang, "Total study load", "Totale studielast").to_string(), format!("{} EC / {} h", ects.normalize(), hours.normalize())));
    b.push(Block::Fields(head));
    if let Some(r) = &d.request {
        b.push(Block::Heading(t(lang, "Request", "Verzoek").into()));
        b.push(Block::Para(r.clone()));
    }
    b.push(Block::Note(
        t(
            lang,
            "Micro-credentials do not lead to an exemption automatically: the Board of Examiners decides, on the basis of the learning outcomes. The criteria below follow the University of Groningen guide for boards of examiners (section VII): study load, level (not below EQF/NLQF 5), the learning outcomes, and how they were demonstrated.",
            "Microcredentials leiden niet vanzelf tot een vrijstelling: de examencommissie beslist, op grond van de leeruitkomsten. De criteria hieronder volgen de handreiking voor examencommissies van de Rijksuniversiteit Groningen (hoofdstuk VII): studielast, niveau (niet lager dan EQF/NLQF 5), de leeruitkomsten en hoe die zijn aangetoond.",
        )
        .into(),
    ));
    for (n, i) in d.items.iter().enumerate() {
        let c = &i.credential;
        let a = rules::assess(c);
        b.push(Block::Heading(format!("{}. {}", n + 1, c.title())));
        let mut f = Vec::new();
        let by = c.awarded_by();
        let issuer = by.name.clone().or_else(|| by.institution_name.clone()).or_else(|| by.id.clone()).unwrap_or_else(|| "—".into());
        f.push((t(lang, "Issuer", "Uitgever").to_string(), issuer));
        if let Some(brin) = &c.issuer.institution_identifier {
            f.push(("BRIN".to_string(), brin.clone()));
        }
        if let Some(cn) = &c.issuer.country {
            f.push((t(lang, "Country", "Land").to_string(), cn.clone()));
        }
        f.push((t(lang, "Issued", "Uitgegeven").to_string(), c.issued.clone().unwrap_or_else(|| "—".into())));
        f.push((t(lang, "Study load", "Studielast").to_string(), format!("{} EC / {} h", dec(a.ects), dec(a.hours))));
        f.push((t(lang, "Level", "Niveau").to_string(), match (a.eqf, &c.achievement.nlqf_level) {
            (Some(l), Some(n)) => format!("EQF {l} / NLQF {n}"),
            (Some(l), None) => format!("EQF {l}"),
            (None, Some(n)) => format!("NLQF {n}"),
            (None, None) => "—".into(),
        }));
        f.push((t(lang, "Kind", "Soort").to_string(), match a.class {
            rules::Class::MicroCredential => t(lang, "micro-credential (quality mark)", "microcredential (kwaliteitskeurmerk)").into(),
            rules::Class::Edubadge => t(lang, "edubadge without the micro-credential quality mark", "edubadge zonder microcredential-keurmerk").into(),
            rules::Class::Unknown => t(lang, "not stated", "niet vermeld").into(),
        }));
        let ach = &c.achievement;
        f.push((t(lang, "Assessment", "Toetsing").to_string(), ach.assessment_type.clone().unwrap_or_else(|| "—".into())));
        if let Some(s) = &ach.assessment_supervised {
            f.push((t(lang, "Supervision", "Surveillance").to_string(), s.clone()));
        }
        f.push((t(lang, "Participation", "Deelnamevorm").to_string(), ach.participation.clone().unwrap_or_else(|| "—".into())));
        f.push((
            t(lang, "Quality assurance", "Kwaliteitszorg").to_string(),
            ach.quality_assurance
                .as_ref()
                .map(|q| [q.name.clone(), q.url.clone()].into_iter().flatten().collect::<Vec<_>>().join(" — "))
                .unwrap_or_else(|| "—".into()),
        ));
        if let Some(lang_c) = &ach.language {
            f.push((t(lang, "Language", "Taal").to_string(), lang_c.clone()));
        }
        f.push((t(lang, "Attached as", "Bijgevoegd als").to_string(), file_name(c, &i.media_type)));
        b.push(Block::Fields(f));
        b.push(Block::Subheading(t(lang, "Learning outcomes", "Leeruitkomsten").into()));
        if ach.learning_outcomes.is_empty() {
            b.push(Block::Para(t(lang, "The credential describes no learning outcomes.", "De credential beschrijft geen leeruitkomsten.").into()));
        } else {
            b.push(Block::Bullets(ach.learning_outcomes.iter().map(|o| o.text.clone()).collect()));
        }
        if let Some(d) = &ach.description {
            b.push(Block::Subheading(t(lang, "Description", "Beschrijving").into()));
            b.push(Block::Para(d.clone()));
        }
        if let Some(cr) = ach.criteria.as_ref().and_then(|c| c.narrative.clone()) {
            b.push(Block::Subheading(t(lang, "How it was earned", "Hoe het is behaald").into()));
            b.push(Block::Para(cr));
        }
        b.push(Block::Subheading(t(lang, "Micro-credential rules", "Microcredential-regels").into()));
        b.push(Block::Bullets(
            a.rules
                .iter()
                .map(|r| {
                    let o = match r.outcome {
                        RuleOutcome::Pass => t(lang, "meets", "voldoet"),
                        RuleOutcome::Fail => t(lang, "does not meet", "voldoet niet"),
                        RuleOutcome::Unknown => t(lang, "unknown", "onbekend"),
                    };
                    format!("{} — {o}: {}", r.rule, r.detail_in(lang))
                })
                .collect(),
        ));
        b.push(Block::Subheading(t(lang, "Verification", "Verificatie").into()));
        match &i.report {
            Some((r, at)) => {
                b.push(Block::Para(format!("{}: {} ({} {at})", t(lang, "Verdict", "Oordeel"), r.verdict.label(lang.code()), t(lang, "checked", "gecontroleerd op"))));
                b.push(Block::Bullets(
                    r.checks
                        .iter()
                        .map(|ch| {
                            let o = match ch.outcome {
                                Outcome::Pass => "✓",
                                Outcome::Fail => "✗",
                                Outcome::Skip => "–",
                                Outcome::Error => "?",
                            };
                            format!("{o} {}: {}", ch.label(lang.code()), ch.detail)
                        })
                        .collect(),
                ));
            }
            None => b.push(Block::Para(t(lang, "Not verified.", "Niet geverifieerd.").into())),
        }
    }
    b.push(Block::Heading(t(lang, "Attachments", "Bijlagen").into()));
    b.push(Block::Para(
        t(
            lang,
            "The original credentials are attached unchanged (credentials/), so their signatures can be checked again, for example with `backpack verify credentials/`. clr.json holds the Open Badges 3.0 credentials together as a CLR 2.0 document.",
            "De oorspronkelijke credentials zijn ongewijzigd bijgevoegd (credentials/), zodat hun handtekeningen opnieuw te controleren zijn, bijvoorbeeld met `backpack verify credentials/`. clr.json bevat de Open Badges 3.0-credentials samen als CLR 2.0-document.",
        )
        .into(),
    ));
    b.push(Block::Bullets(d.items.iter().map(|i| file_name(&i.credential, &i.media_type)).collect()));
    b
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The dossier as a self-contained HTML page (no scripts, no remote resources).
pub fn html(d: &Dossier, lang: Lang) -> String {
    let mut h = String::new();
    h.push_str(&format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>{}</title><style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:46em;margin:2em auto;line-height:1.45;color:#1b1b1b}}\
dl{{display:grid;grid-template-columns:12em 1fr;gap:.2em 1em}}dt{{color:#555}}dd{{margin:0}}.note{{background:#f3f3f0;padding:.8em 1em;border-left:4px solid #888}}\
h2{{border-top:1px solid #ccc;padding-top:.8em}}</style></head><body>\n",
        lang.code(),
        esc(&crate::display::safe_text(&d.title))
    ));
    for b in blocks(d, lang) {
        match b {
            Block::Title(s) => h.push_str(&format!("<h1>{}</h1>\n", esc(&s))),
            Block::Heading(s) => h.push_str(&format!("<h2>{}</h2>\n", esc(&s))),
            Block::Subheading(s) => h.push_str(&format!("<h3>{}</h3>\n", esc(&s))),
            Block::Para(s) => h.push_str(&format!("<p>{}</p>\n", esc(&s).replace('\n', "<br>"))),
            Block::Note(s) => h.push_str(&format!("<p class=\"note\">{}</p>\n", esc(&s))),
            Block::Fields(f) => {
                h.push_str("<dl>");
                for (k, v) in f {
                    h.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(&k), esc(&v)));
                }
                h.push_str("</dl>\n");
            }
            Block::Bullets(items) => {
                h.push_str("<ul>");
                for i in items {
                    h.push_str(&format!("<li>{}</li>", esc(&i).replace('\n', "<br>")));
                }
                h.push_str("</ul>\n");
            }
        }
    }
    h.push_str("</body></html>\n");
    h
}

/// The dossier as a PDF (A4), with the same content as [`html`].
pub fn pdf(d: &Dossier, lang: Lang) -> Result<Vec<u8>, String> {
    use krilla::geom::Point;
    use krilla::page::PageSettings;
    use krilla::text::{Font, TextDirection};

    let (w, h, margin) = (595.0f32, 842.0f32, 56.0f32);
    let regular = Font::new(Arc::new(REGULAR.to_vec()).into(), 0).ok_or("the bundled font cannot be read")?;
    let bold = Font::new(Arc::new(BOLD.to_vec()).into(), 0).ok_or("the bundled bold font cannot be read")?;
    let (mr, mb) = (Metrics::new(REGULAR), Metrics::new(BOLD));
    // Lay out first: (page, x, y, bold, size, text).
    let mut runs: Vec<(usize, f32, f32, bool, f32, String)> = Vec::new();
    let (mut page, mut y) = (0usize, margin);
    let emit = |text: &str, x: f32, size: f32, is_bold: bool, gap_before: f32, runs: &mut Vec<_>, page: &mut usize, y: &mut f32| {
        let m = if is_bold { &mb } else { &mr };
        *y += gap_before;
        for line in m.wrap(text, size, w - margin - x) {
            if *y + size * 1.35 > h - margin {
                *page += 1;
                *y = margin;
            }
            *y += size * 1.35;
            runs.push((*page, x, *y, is_bold, size, line));
        }
    };
    for b in blocks(d, lang) {
        match b {
            Block::Title(s) => emit(&s, margin, 20.0, true, 0.0, &mut runs, &mut page, &mut y),
            Block::Heading(s) => emit(&s, margin, 14.0, true, 14.0, &mut runs, &mut page, &mut y),
            Block::Subheading(s) => emit(&s, margin, 11.0, true, 8.0, &mut runs, &mut page, &mut y),
            Block::Para(s) | Block::Note(s) => emit(&s, margin, 10.0, false, 4.0, &mut runs, &mut page, &mut y),
            Block::Fields(f) => {
                y += 4.0;
                for (k, v) in f {
                    // The key sits on the first line of its value.
                    let start = runs.len();
                    emit(&v, margin + 130.0, 10.0, false, 0.0, &mut runs, &mut page, &mut y);
                    if let Some(r) = runs.get(start).cloned() {
                        runs.push((r.0, margin, r.2, true, 10.0, k));
                    }
                }
            }
            Block::Bullets(items) => {
                for i in items {
                    let start = runs.len();
                    emit(&i, margin + 14.0, 10.0, false, 2.0, &mut runs, &mut page, &mut y);
                    if let Some(r) = runs.get(start).cloned() {
                        runs.push((r.0, margin + 3.0, r.2, false, 10.0, "•".into()));
                    }
                }
            }
        }
    }
    let mut doc = krilla::Document::new();
    for p in 0..=page {
        let mut pg = doc.start_page_with(PageSettings::from_wh(w, h).ok_or("bad page size")?);
        let mut surface = pg.surface();
        for (_, x, ry, is_bold, size, text) in runs.iter().filter(|r| r.0 == p) {
            let font = if *is_bold { bold.clone() } else { regular.clone() };
            surface.draw_text(Point::from_xy(*x, *ry), font, *size, text, false, TextDirection::Auto);
        }
        let footer = format!("{} — {} {}/{}", crate::display::safe_text(&d.title), t(lang, "page", "pagina"), p + 1, page + 1);
        surface.draw_text(Point::from_xy(margin, h - margin / 2.0), regular.clone(), 8.0, &footer, false, TextDirection::Auto);
        surface.finish();
        pg.finish();
    }
    doc.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))
}

/// The Open Badges 3.0 credentials of the dossier as one CLR 2.0 document
/// (unsigned: the learner assembles it; each credential inside keeps its own
/// issuer's proof). Open Badges 2.0 badges cannot be part of a CLR 2.0 and
/// are listed in `left_out`.
pub fn clr(d: &Dossier) -> (Value, Vec<String>) {
    let mut vcs = Vec::new();
    let mut left_out = Vec::new();
    for i in &d.items {
        match i.media_type.as_str() {
            "application/ld+json" => match serde_json::from_slice::<Value>(&i.original) {
                Ok(v) if i.credential.format != crate::model::Format::Clr2 => vcs.push(v),
                _ => left_out.push(i.credential.title().to_string()),
            },
            "application/jwt" if i.credential.format == crate::model::Format::Ob3Jwt => {
                vcs.push(Value::String(String::from_utf8_lossy(&i.original).into_owned()))
            }
            _ => left_out.push(i.credential.title().to_string()),
        }
    }
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:{}", uuid_like(&d.created, &d.title)),
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": d.title,
        "validFrom": d.created,
        "issuer": {"id": "urn:backpack:learner", "type": ["Profile"], "name": d.learner.clone().unwrap_or_else(|| "Learner".into())},
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": vcs,
        }
    });
    (doc, left_out)
}

fn uuid_like(a: &str, b: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{a}\0{b}"));
    let x = hex::encode(&h[..16]);
    format!("{}-{}-4{}-8{}-{}", &x[..8], &x[8..12], &x[13..16], &x[17..20], &x[20..32])
}

/// What a dossier covers: `members`, the wallet ids of `ids` (full ids or
/// unique prefixes) then the members of the pathway that are still in the
/// backpack; the pathway's name; its members that are not (`gone`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The credentials that go in, in order.
    pub members: Vec<String>,
    /// The pathway's name, when a pathway was chosen.
    pub subject: Option<String>,
    /// The pathway's members no longer in the backpack.
    pub gone: Vec<String>,
}

/// The credentials a dossier covers: `ids`, then the members of `pathway`.
pub fn select(store: &Store, ids: &[String], pathway: Option<&str>) -> Result<Selection, StoreError> {
    let mut s = Selection { members: ids.iter().map(|i| store.resolve_id(i)).collect::<Result<_, _>>()?, ..Default::default() };
    if let Some(p) = pathway {
        let p = store.pathway(p)?;
        s.subject = Some(p.name.clone());
        for m in p.members {
            if s.members.contains(&m) {
                continue;
            }
            match store.resolve_id(&m) {
                Ok(_) => s.members.push(m),
                Err(_) => s.gone.push(m),
            }
        }
    }
    Ok(s)
}

/// Read the chosen credentials, with their latest reports, into a dossier
/// titled after `subject` (a pathway's name) in `lang`.
pub fn assemble(
    store: &Store,
    members: &[String],
    subject: Option<&str>,
    lang: Lang,
    learner: Option<String>,
    request: Option<String>,
    created: String,
) -> Result<Dossier, StoreError> {
    let mut items = Vec::new();
    for id in members {
        let s = store.get(id)?;
        items.push(Item { report: store.report(id)?, credential: s.credential, original: s.original, media_type: s.media_type });
    }
    let title = t(lang, "Exemption dossier", "Dossier vrijstellingsverzoek");
    let title = subject.map(|s| format!("{title}: {s}")).unwrap_or_else(|| title.to_string());
    Ok(Dossier { title, learner: learner.filter(|l| !l.trim().is_empty()), request: request.filter(|r| !r.trim().is_empty()), items, created })
}

/// Write dossier.html, dossier.pdf, clr.json and credentials/ into `dir`.
/// Returns the files written.
pub fn write(dir: &Path, d: &Dossier, lang: Lang) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir.join("credentials"))?;
    let mut out = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let p = dir.join(name);
        std::fs::write(&p, bytes)?;
        out.push(p);
        Ok(())
    };
    put("dossier.html", html(d, lang).as_bytes())?;
    let pdf = pdf(d, lang).map_err(std::io::Error::other)?;
    put("dossier.pdf", &pdf)?;
    let (c, _) = clr(d);
    put("clr.json", &serde_json::to_vec_pretty(&c).map_err(std::io::Error::other)?)?;
    for i in &d.items {
        put(&file_name(&i.credential, &i.media_type), &i.original)?;
    }
    Ok(out)
}
