//! Exports of one stored credential beyond its original bytes: baked badge
//! images (PNG and SVG, per the Open Badges 2.0 and 3.0 baking specs) and a
//! one-page A4 PDF for a printed CV with a QR code to verify it.
//!
//! Baking puts the credential exactly as stored into the image: the JSON
//! text, or the compact JWS for VC-JWT and OB 2.0 signed badges, so the
//! importer reads back the same credential (same wallet id).
//! - PNG: one uncompressed `iTXt` chunk right after `IHDR`, keyword
//!   `openbadgecredential` (OB 3.0 / CLR) or `openbadges` (OB 2.0). Every
//!   baked chunk already there (either keyword, iTXt/tEXt/zTXt) is removed,
//!   so baking twice never duplicates and an old badge never shadows the new.
//! - SVG: `<openbadges:credential>` (namespace
//!   `https://purl.imsglobal.org/ob/v3p0`) or `<openbadges:assertion>`
//!   (`http://openbadges.org`) directly after the `<svg>` start tag: a JWS
//!   in the `verify` attribute, JSON in the body as CDATA (no `verify`
//!   attribute then, so an offline reader has the whole assertion). Existing
//!   badge elements are removed.
//!
//! The image is the one given (`--into`), else the credential's own: the
//! picture it was imported in, or a `data:` image in the credential. Given
//! images are hostile: at most [`crate::import::MAX_INPUT_BYTES`], PNGs are
//! CRC-checked and decoded within the importer's memory limit, SVGs parsed
//! with the importer's rules (no DTD internal subset).
//!
//! The PDF shows title, issuer, date, ECTS, EQF/NLQF and the learning
//! outcomes, and a QR code of the self-contained verification link when it
//! fits [`crate::share::qr`], else of the issuer's hosted URL, else a note
//! that a short link needs a share location.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::dossier::Lang;
use crate::import::baked::{self, OB2_SVG_NS, OB3_SVG_NS};
use crate::import::{ImportError, MAX_INPUT_BYTES};
use crate::model::Format;
use crate::pdf::{Metrics, BOLD, REGULAR};
use crate::share;
use crate::store::StoredCredential;

/// The verifier page the PDF's self-contained link opens by default
/// (the same default as the app's share links).
pub use crate::share::DEFAULT_VERIFIER_BASE;

/// Which image format to bake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// A PNG with the credential in an `iTXt` chunk.
    Png,
    /// An SVG with the credential in an `openbadges` element.
    Svg,
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The image given to bake into (`--into`) could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The image file as given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The baked image would be larger than the importer reads back ([`MAX_INPUT_BYTES`]).
    #[error("the image is too large: {size} bytes (the limit is {limit} bytes)")]
    TooLarge {
        /// Size of the baked image in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The image file was refused before it was read through (too large, not a regular file).
    #[error("cannot use {path}: {why}")]
    Unusable {
        /// The image file as given.
        path: String,
        /// Why it was refused.
        why: String,
    },
    /// The image to bake into is not a valid PNG (bad signature or CRC, does not decode); holds why.
    #[error("the image to bake into is not a usable PNG: {0}")]
    BadPng(String),
    /// The image to bake into is not a usable SVG (does not parse, has a DTD internal subset, no `<svg>`); holds why.
    #[error("the image to bake into is not a usable SVG: {0}")]
    BadSvg(String),
    /// No image was given and the credential has none of its own in the asked format; holds the message.
    #[error("{0}")]
    NoImage(String),
    /// The stored credential cannot be turned into the baked payload (not UTF-8 text); holds why.
    #[error("the credential cannot be read: {0}")]
    Unreadable(String),
    /// Writing the PDF failed (fonts, QR code, layout); holds why.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// `--into` was given with a PDF export.
    #[error("an image to bake into is for PNG and SVG exports, not for the PDF")]
    IntoNotForPdf,
    /// Reading the credential from the store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A file made from one stored credential: a baked image or the CV PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// The credential baked into a PNG or SVG badge image.
    Baked(ImageKind),
    /// The one-page A4 PDF for a CV, with a QR code to verify.
    Pdf,
}

impl Artifact {
    /// `png`, `svg` or `pdf`.
    pub fn parse(name: &str) -> Option<Artifact> {
        match name {
            "png" => Some(Artifact::Baked(ImageKind::Png)),
            "svg" => Some(Artifact::Baked(ImageKind::Svg)),
            "pdf" => Some(Artifact::Pdf),
            _ => None,
        }
    }

    /// The file extension for this artifact: `png`, `svg` or `pdf` (the inverse of [`Artifact::parse`]).
    pub fn extension(self) -> &'static str {
        match self {
            Artifact::Baked(ImageKind::Png) => "png",
            Artifact::Baked(ImageKind::Svg) => "svg",
            Artifact::Pdf => "pdf",
        }
    }
}

/// Make `what` of credential `s`: the one path behind the CLI's `export` and
/// the app's export button. A baked image goes into the image file `into`
/// (read with [`read_image`]'s limit) or the credential's own image; the PDF's
/// QR code may use the credential's live short link, looked up in `store` as
/// of `now` (see [`pdf_qr_payload`]).
pub fn render(
    store: &crate::store::Store,
    s: &StoredCredential,
    what: Artifact,
    into: Option<&Path>,
    base: &str,
    lang: Lang,
    now: &chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, ExportError> {
    match what {
        Artifact::Baked(kind) => baked(s, kind, into.map(read_image).transpose()?.as_deref()),
        Artifact::Pdf if into.is_some() => Err(ExportError::IntoNotForPdf),
        Artifact::Pdf => {
            let short = share::records::live_link(store, &s.credential.id, now)?.map(|r| r.link);
            pdf(s, base, short.as_deref(), lang)
        }
    }
}

/// Read an image to bake into, refusing anything over the import limit.
pub fn read_image(path: &Path) -> Result<Vec<u8>, ExportError> {
    crate::import::read::read_file(path, MAX_INPUT_BYTES).map_err(|e| match e {
        ImportError::Io(source) => ExportError::Io { path: path.display().to_string(), source },
        other => ExportError::Unusable { path: path.display().to_string(), why: other.to_string() },
    })
}

/// OB 2.0 bakes `openbadges`/`<assertion>`; everything else OB 3.0's.
fn baking_of(s: &StoredCredential) -> baked::Baking {
    match s.credential.format {
        Format::Ob2Hosted | Format::Ob2Signed => baked::Baking::Ob2,
        _ => baked::Baking::Ob3,
    }
}

/// The text baked: the stored original, trimmed.
fn payload(s: &StoredCredential) -> Result<String, ExportError> {
    std::str::from_utf8(&s.original)
        .map(|t| t.trim().to_string())
        .map_err(|e| ExportError::Unreadable(format!("the stored credential is not UTF-8 text: {e}")))
}

/// The credential baked into `into`, or into its own image.
pub fn baked(s: &StoredCredential, kind: ImageKind, into: Option<&[u8]>) -> Result<Vec<u8>, ExportError> {
    let image = match into {
        Some(i) => i.to_vec(),
        None => own_image(s, kind).ok_or_else(|| {
            let (what, ext) = match kind {
                ImageKind::Png => ("PNG", "png"),
                ImageKind::Svg => ("SVG", "svg"),
            };
            ExportError::NoImage(format!(
                "the credential has no {what} image of its own to bake into; give one with --into IMAGE.{ext}"
            ))
        })?,
    };
    let text = payload(s)?;
    let out = match kind {
        ImageKind::Png => bake_png(&image, baking_of(s), &text)?,
        ImageKind::Svg => bake_svg(&image, baking_of(s), &text)?,
    };
    if out.len() as u64 > MAX_INPUT_BYTES {
        return Err(ExportError::TooLarge { size: out.len() as u64, limit: MAX_INPUT_BYTES });
    }
    Ok(out)
}

/// The credential's own image of `kind`: the picture it came in, or a
/// `data:` image in the credential.
pub fn own_image(s: &StoredCredential, kind: ImageKind) -> Option<Vec<u8>> {
    let wanted = match kind {
        ImageKind::Png => "image/png",
        ImageKind::Svg => "image/svg+xml",
    };
    if let Some(p) = s.picture.as_ref().filter(|p| p.media_type == wanted) {
        return Some(p.bytes.clone());
    }
    let urls = [s.credential.achievement.image.as_deref(), s.credential.issuer.image.as_deref()];
    // The achievement's image first; the issuer's logo is not the badge.
    urls.into_iter().take(1).flatten().find_map(|u| decode_data_url(u, wanted))
}

/// The bytes of a `data:` URL of media type `wanted` (base64 or percent-encoded).
fn decode_data_url(url: &str, wanted: &str) -> Option<Vec<u8>> {
    let rest = url.trim().strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let mut parts = meta.split(';');
    if !parts.next()?.trim().eq_ignore_ascii_case(wanted) {
        return None;
    }
    let bytes = if meta.split(';').any(|p| p.trim().eq_ignore_ascii_case("base64")) {
        base64::engine::general_purpose::STANDARD.decode(data.trim()).ok()?
    } else {
        percent_encoding::percent_decode_str(data).collect()
    };
    (bytes.len() as u64 <= MAX_INPUT_BYTES).then_some(bytes)
}

// ---------------------------------------------------------------------------
// PNG

fn is_baked_text_chunk(c: &baked::PngChunk, png: &[u8]) -> bool {
    if !matches!(&c.kind, b"iTXt" | b"tEXt" | b"zTXt") {
        return false;
    }
    let d = c.data(png);
    d.starts_with(b"openbadges\0") || d.starts_with(b"openbadgecredential\0")
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(data);
    out.extend_from_slice(&h.finalize().to_be_bytes());
    out
}

/// Bake `text` into the PNG `image` (see the module documentation).
pub fn bake_png(image: &[u8], baking: baked::Baking, text: &str) -> Result<Vec<u8>, ExportError> {
    let bad = |e: ImportError| ExportError::BadPng(e.to_string().trim_start_matches("not a valid PNG: ").to_string());
    if !baked::is_png(image) {
        return Err(ExportError::BadPng("it does not start with the PNG signature".into()));
    }
    baked::check_png(image).map_err(bad)?;
    let chunks = baked::png_chunks(image).map_err(bad)?;
    let keyword = match baking {
        baked::Baking::Ob2 => "openbadges",
        baked::Baking::Ob3 => "openbadgecredential",
    };
    // keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, text.
    let mut data = Vec::with_capacity(text.len() + 32);
    data.extend_from_slice(keyword.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    let mut out = Vec::with_capacity(image.len() + data.len() + 12);
    out.extend_from_slice(&image[..8]);
    for c in &chunks {
        if is_baked_text_chunk(c, image) {
            continue;
        }
        out.extend_from_slice(&image[c.start..c.end]);
        if &c.kind == b"IHDR" {
            out.extend_from_slice(&chunk(b"iTXt", &data));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// SVG

/// Bake `text` into the SVG `image` (see the module documentation).
pub fn bake_svg(image: &[u8], baking: baked::Baking, text: &str) -> Result<Vec<u8>, ExportError> {
    let bad = |m: String| ExportError::BadSvg(m);
    let svg = std::str::from_utf8(image).map_err(|e| bad(format!("not UTF-8 text: {e}")))?;
    let mut reader = NsReader::from_str(svg);
    reader.config_mut().trim_text(false);
    // The root <svg> start tag: where its '>' is, and its openbadges prefix.
    let mut root: Option<(usize, Option<String>)> = None;
    let mut remove: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (start, depth) of a badge element being skipped
    let mut depth = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let (ns, ev) = reader
            .read_resolved_event()
            .map_err(|e| bad(format!("malformed XML after byte {before}: {e}")))?;
        let bound = match &ns {
            ResolveResult::Bound(n) if n.as_ref() == OB2_SVG_NS.as_bytes() => Some(OB2_SVG_NS),
            ResolveResult::Bound(n) if n.as_ref() == OB3_SVG_NS.as_bytes() => Some(OB3_SVG_NS),
            _ => None,
        };
        let after = reader.buffer_position() as usize;
        match ev {
            Event::DocType(d) if d.as_ref().contains(&b'[') => {
                return Err(bad("it declares a DTD internal subset (entity declarations); refused".into()));
            }
            Event::Start(e) | Event::Empty(e) => {
                let empty = after > 1 && svg.as_bytes()[after - 2] == b'/';
                let local = e.local_name();
                if root.is_none() {
                    if local.as_ref() != b"svg" {
                        return Err(bad("the root element is not <svg>".into()));
                    }
                    if empty {
                        return Err(bad("the <svg> element is empty".into()));
                    }
                    let mut prefix = None;
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == b"xmlns:openbadges" {
                            prefix = Some(String::from_utf8_lossy(&a.value).into_owned());
                        }
                    }
                    root = Some((after, prefix));
                    depth += 1;
                    continue;
                }
                let ours = matches!((bound, local.as_ref()), (Some(OB2_SVG_NS), b"assertion") | (Some(OB3_SVG_NS), b"credential"));
                if open.is_none() && ours {
                    if empty {
                        remove.push((before, after));
                    } else {
                        open = Some((before, depth));
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((start, d)) = open {
                    if d == depth {
                        remove.push((start, after));
                        open = None;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some((root_end, prefix)) = root else {
        return Err(bad("the XML document has no <svg> element".into()));
    };
    let (ns, element) = match baking {
        baked::Baking::Ob2 => (OB2_SVG_NS, "assertion"),
        baked::Baking::Ob3 => (OB3_SVG_NS, "credential"),
    };
    // Declare the namespace on <svg> as the specs ask; if <svg> binds the
    // prefix to the other convention's namespace, declare it on the element.
    let (root_attr, local_decl) = match prefix.as_deref() {
        None => (format!(" xmlns:openbadges=\"{ns}\""), String::new()),
        Some(p) if p == ns => (String::new(), String::new()),
        Some(_) => (String::new(), format!(" xmlns:openbadges=\"{ns}\"")),
    };
    let is_jws = text.split('.').count() == 3
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='));
    let badge = if is_jws {
        format!("\n<openbadges:{element}{local_decl} verify=\"{text}\"/>")
    } else {
        // "]]>" cannot appear inside CDATA: split it across two sections.
        let body = text.replace("]]>", "]]]]><![CDATA[>");
        format!("\n<openbadges:{element}{local_decl}><![CDATA[{body}]]></openbadges:{element}>")
    };
    let mut out = String::with_capacity(svg.len() + badge.len() + root_attr.len());
    // Splice: the root attribute before its '>', the badge after it, old badges out.
    let gt = if svg.as_bytes()[root_end - 1] == b'>' { root_end - 1 } else { root_end };
    out.push_str(&svg[..gt]);
    out.push_str(&root_attr);
    out.push_str(&svg[gt..root_end]);
    out.push_str(&badge);
    let mut at = root_end;
    for (s, e) in remove {
        if s >= at {
            out.push_str(&svg[at..s]);
            at = e;
        }
    }
    out.push_str(&svg[at..]);
    Ok(out.into_bytes())
}

// ---------------------------------------------------------------------------
// PDF

fn t(lang: Lang, en: &'static str, nl: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// What the QR code holds (or why there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPayload {
    /// The self-contained verification link (the whole credential in the URL fragment).
    SelfContained(String),
    /// The issuer's public hosted URL of the credential.
    Issuer(String),
    /// A live encrypted short link (`share --short`).
    Short(String),
    /// No QR code: the note to print instead (in the PDF's language).
    None(String),
}

/// The QR payload for the PDF, as [`share::choose_qr_payload`] picks it: the
/// issuer's public link, else a live encrypted short link, else the
/// self-contained link when it fits a scannable code; else nothing (and why).
pub fn pdf_qr_payload(s: &StoredCredential, base: &str, short: Option<&str>, lang: Lang) -> QrPayload {
    let issuer = share::issuer_link(&s.credential);
    let own = share::self_contained_link(base, &s.original).unwrap_or_default();
    if let Ok((kind, link)) = share::choose_qr_payload(issuer.as_deref(), short, &own) {
        return match kind {
            share::LinkKind::Issuer => QrPayload::Issuer(link),
            share::LinkKind::Short => QrPayload::Short(link),
            share::LinkKind::SelfContained => QrPayload::SelfContained(link),
        };
    }
    QrPayload::None(
        t(
            lang,
            "This credential is too large for a QR code that a phone can scan. A short link needs a share location: set one up in Backpack to print a QR code here.",
            "Deze credential is te groot voor een QR-code die een telefoon kan lezen. Een korte link heeft een deellocatie nodig: stel die in Backpack in om hier een QR-code te printen.",
        )
        .to_string(),
    )
}

/// Text lines laid out top-down on one page.
struct Layout<'m> {
    runs: Vec<(f32, f32, bool, f32, String)>,
    y: f32,
    right: f32,
    mr: &'m Metrics,
    mb: &'m Metrics,
}

impl Layout<'_> {
    /// Wrap and place `text`; false (and nothing placed past it) when a line
    /// would go below `bottom`.
    fn emit(&mut self, text: &str, x: f32, size: f32, is_bold: bool, gap: f32, bottom: f32) -> bool {
        let m = if is_bold { self.mb } else { self.mr };
        self.y += gap;
        for line in m.wrap(text, size, self.right - x) {
            if self.y + size * 1.35 > bottom {
                return false;
            }
            self.y += size * 1.35;
            self.runs.push((x, self.y, is_bold, size, line));
        }
        true
    }
}

/// A one-page A4 PDF of the credential for a printed CV.
pub fn pdf(s: &StoredCredential, base: &str, short: Option<&str>, lang: Lang) -> Result<Vec<u8>, ExportError> {
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::page::PageSettings;
    use krilla::paint::Fill;
    use krilla::text::{Font, TextDirection};

    let c = &s.credential;
    let a = &c.achievement;
    let (w, h, margin) = (595.0f32, 842.0f32, 56.0f32);
    let err = |m: &str| ExportError::Pdf(m.to_string());
    let regular = Font::new(Arc::new(REGULAR.to_vec()).into(), 0).ok_or_else(|| err("the bundled font cannot be read"))?;
    let bold = Font::new(Arc::new(BOLD.to_vec()).into(), 0).ok_or_else(|| err("the bundled bold font cannot be read"))?;
    let (mr, mb) = (Metrics::new(REGULAR), Metrics::new(BOLD));
    let qr_side = 200.0f32;
    let bottom = h - margin - qr_side - 40.0;
    // Lay out text above the QR block: (x, y, bold, size, text).
    let mut lay = Layout { runs: Vec::new(), y: margin, right: w - margin, mr: &mr, mb: &mb };
    lay.emit(c.title(), margin, 20.0, true, 0.0, bottom);
    let mut fields: Vec<(&str, String)> = Vec::new();
    let issuer = c.issuer.name.clone().or_else(|| c.issuer.institution_name.clone()).or_else(|| c.issuer.id.clone());
    if let Some(i) = issuer {
        fields.push((t(lang, "Issuer", "Uitgever"), i));
    }
    if let Some(d) = c.issued.as_deref() {
        fields.push((t(lang, "Issued", "Uitgereikt"), d.get(..10).unwrap_or(d).to_string()));
    }
    if let Some(d) = c.valid_until.as_deref() {
        fields.push((t(lang, "Valid until", "Geldig tot"), d.get(..10).unwrap_or(d).to_string()));
    }
    if let Some(e) = a.ects {
        fields.push(("ECTS", e.normalize().to_string()));
    }
    if let Some(l) = a.eqf_level {
        fields.push((t(lang, "EQF level", "EQF-niveau"), l.to_string()));
    }
    if let Some(l) = a.nlqf_level.as_deref() {
        fields.push((t(lang, "NLQF level", "NLQF-niveau"), l.to_string()));
    }
    if let Some(r) = c.recipient.as_ref().and_then(|r| r.name.clone()) {
        fields.push((t(lang, "Awarded to", "Toegekend aan"), r));
    }
    lay.y += 8.0;
    for (k, v) in fields {
        let start = lay.runs.len();
        lay.emit(&v, margin + 110.0, 10.0, false, 2.0, bottom);
        if let Some(r) = lay.runs.get(start).cloned() {
            lay.runs.push((margin, r.1, true, 10.0, k.to_string()));
        }
    }
    if !a.learning_outcomes.is_empty() {
        lay.emit(t(lang, "Learning outcomes", "Leeruitkomsten"), margin, 12.0, true, 12.0, bottom);
        let total = a.learning_outcomes.len();
        // One line stays free for "… N more" when the outcomes do not all fit.
        let limit = bottom - 10.0 * 1.35 - 2.0;
        for (i, o) in a.learning_outcomes.iter().enumerate() {
            let (start, y0) = (lay.runs.len(), lay.y);
            if !lay.emit(&o.text, margin + 14.0, 10.0, false, 2.0, if i + 1 == total { bottom } else { limit }) {
                lay.runs.truncate(start);
                lay.y = y0;
                let more = format!("… {} {}", total - i, t(lang, "more in the credential itself", "meer in de credential zelf"));
                lay.emit(&more, margin + 14.0, 10.0, false, 2.0, bottom);
                break;
            }
            if let Some(r) = lay.runs.get(start).cloned() {
                lay.runs.push((margin + 3.0, r.1, false, 10.0, "•".into()));
            }
        }
    } else if let Some(d) = a.description.as_deref() {
        lay.emit(d, margin, 10.0, false, 12.0, bottom);
    }
    let runs = lay.runs;

    let qr = pdf_qr_payload(s, base, short, lang);
    let mut doc = krilla::Document::new();
    let mut pg = doc.start_page_with(PageSettings::from_wh(w, h).ok_or_else(|| err("bad page size"))?);
    let mut surface = pg.surface();
    for (x, ry, is_bold, size, text) in &runs {
        let font = if *is_bold { bold.clone() } else { regular.clone() };
        surface.draw_text(Point::from_xy(*x, *ry), font, *size, text, false, TextDirection::Auto);
    }
    let top = h - margin - qr_side;
    let caption_x = margin + qr_side + 20.0;
    let caption_w = w - margin - caption_x;
    let mut note_lines: Vec<String> = Vec::new();
    match &qr {
        QrPayload::SelfContained(link) | QrPayload::Issuer(link) | QrPayload::Short(link) => {
            let code = share::qr(link).map_err(|e| ExportError::Pdf(e.to_string()))?;
            let n = code.width();
            let quiet = 4usize;
            let module = qr_side / (n + 2 * quiet) as f32;
            let colors = code.to_colors();
            // One rectangle per run of dark modules in a row, overlapping the
            // next row and module by a hair so no renderer shows seams.
            let bleed = module * 0.06;
            let mut pb = PathBuilder::new();
            for yy in 0..n {
                let mut xx = 0;
                while xx < n {
                    if colors[yy * n + xx] != qrcode::Color::Dark {
                        xx += 1;
                        continue;
                    }
                    let start = xx;
                    while xx < n && colors[yy * n + xx] == qrcode::Color::Dark {
                        xx += 1;
                    }
                    let r = Rect::from_xywh(
                        margin + (start + quiet) as f32 * module,
                        top + (yy + quiet) as f32 * module,
                        (xx - start) as f32 * module + bleed,
                        module + bleed,
                    )
                    .ok_or_else(|| err("bad QR module"))?;
                    pb.push_rect(r);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(Fill::default()));
                surface.draw_path(&path);
            }
            note_lines.extend(mr.wrap(
                match qr {
                    QrPayload::SelfContained(_) => t(
                        lang,
                        "Scan to verify this credential. The link carries the credential itself; no server sees it.",
                        "Scan om deze credential te controleren. De link bevat de credential zelf; geen server ziet hem.",
                    ),
                    QrPayload::Short(_) => t(
                        lang,
                        "Scan to verify this credential. The link opens an encrypted copy; the key is in the link, so the host cannot read it.",
                        "Scan om deze credential te controleren. De link opent een versleutelde kopie; de sleutel zit in de link, dus de host kan hem niet lezen.",
                    ),
                    _ => t(lang, "Scan to open the issuer's page for this credential.", "Scan om de pagina van de uitgever voor deze credential te openen."),
                },
                9.0,
                caption_w,
            ));
            if let QrPayload::Issuer(u) = &qr {
                note_lines.extend(mr.wrap(u, 9.0, caption_w));
            }
        }
        QrPayload::None(why) => note_lines.extend(mr.wrap(why, 9.0, w - 2.0 * margin)),
    }
    let note_x = if matches!(qr, QrPayload::None(_)) { margin } else { caption_x };
    for (i, line) in note_lines.iter().enumerate() {
        surface.draw_text(Point::from_xy(note_x, top + 20.0 + i as f32 * 12.0), regular.clone(), 9.0, line, false, TextDirection::Auto);
    }
    let footer = format!("{} — {}", t(lang, "Exported from Backpack", "Geëxporteerd uit Backpack"), c.id);
    surface.draw_text(Point::from_xy(margin, h - margin / 2.0), regular.clone(), 8.0, &footer, false, TextDirection::Auto);
    surface.finish();
    pg.finish();
    doc.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))
}
