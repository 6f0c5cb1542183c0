//! Extraction of credentials baked into badge images.
//!
//! PNG: our own walk CRC-checks every chunk, then the `png` crate decodes the
//! image (a real chunk parser, so a truncated or corrupt file is refused; it
//! is told to ignore text chunks). We read the `iTXt` (or the legacy `tEXt`)
//! chunk named `openbadges` (OB 2.0) or `openbadgecredential` (OB 3.0)
//! ourselves, inflating a compressed `iTXt` as a stream that stops one byte
//! past [`super::MAX_PAYLOAD_BYTES`]: a small file whose text inflates to
//! gigabytes costs at most that much memory and time. SVG: `quick-xml` with namespace resolution; a DTD internal subset
//! is refused and only XML's predefined entities are expanded, and the payload is the `verify` attribute (a
//! JWS) or the text of `<openbadges:assertion>` (`http://openbadges.org`) or
//! `<openbadges:credential>` (`https://purl.imsglobal.org/ob/v3p0`).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::ImportError;

/// Namespace of OB 1.x/2.0 baked SVGs.
pub const OB2_SVG_NS: &str = "http://openbadges.org";
/// Namespace of OB 3.0 baked SVGs.
pub const OB3_SVG_NS: &str = "https://purl.imsglobal.org/ob/v3p0";

/// Which baking convention the payload came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baking {
    /// OB 1.x/2.0: PNG keyword `openbadges`, SVG `<openbadges:assertion>` in [`OB2_SVG_NS`].
    Ob2,
    /// OB 3.0 / CLR: PNG keyword `openbadgecredential`, SVG `<openbadges:credential>` in [`OB3_SVG_NS`].
    Ob3,
}

/// The text baked into an image, plus which convention held it.
#[derive(Debug, Clone)]
pub struct Baked {
    /// The baked text as found: credential JSON, a compact JWS, or (OB 2.0) the URL of a hosted assertion.
    pub payload: String,
    /// Which convention (keyword or SVG element) held it.
    pub baking: Baking,
}

/// Upper bound on decoded image memory (width * height * channels).
const PNG_DECODE_LIMIT: usize = 64 * 1024 * 1024;

/// Whether `bytes` start with the 8-byte PNG signature.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// One PNG chunk: its type and where it lies in the file (`start` is the
/// length field, `end` is past the CRC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PngChunk {
    /// The chunk type, e.g. `*b"iTXt"`.
    pub kind: [u8; 4],
    /// Byte offset of the chunk's length field in the file.
    pub start: usize,
    /// Byte offset just past the chunk's CRC.
    pub end: usize,
}

impl PngChunk {
    /// The chunk's data (between the type and the CRC).
    pub fn data<'a>(&self, png: &'a [u8]) -> &'a [u8] {
        &png[self.start + 8..self.end - 4]
    }
}

/// Walk the chunks after the signature, checking every chunk's length and
/// CRC, up to and including `IEND`. The `png` crate, like libpng, skips
/// an ancillary chunk whose CRC is wrong, which would turn a damaged baked
/// badge into "not a badge"; we want "damaged" instead.
pub fn png_chunks(bytes: &[u8]) -> Result<Vec<PngChunk>, ImportError> {
    let mut at = 8;
    let mut out = Vec::new();
    while at < bytes.len() {
        let header = bytes
            .get(at..at + 8)
            .ok_or_else(|| ImportError::Png(format!("truncated chunk header at byte {at}")))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = String::from_utf8_lossy(&header[4..8]).into_owned();
        let end = at
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| ImportError::Png(format!("chunk '{kind}' at byte {at} runs past the end of the file (truncated)")))?;
        let stored = u32::from_be_bytes([bytes[end - 4], bytes[end - 3], bytes[end - 2], bytes[end - 1]]);
        if crc32fast::hash(&bytes[at + 4..end - 4]) != stored {
            return Err(ImportError::Png(format!("chunk '{kind}' at byte {at} has a bad CRC (the file is damaged)")));
        }
        out.push(PngChunk { kind: [header[4], header[5], header[6], header[7]], start: at, end });
        if &header[4..8] == b"IEND" {
            return Ok(out);
        }
        at = end;
    }
    Err(ImportError::Png("no IEND chunk (truncated)".into()))
}

/// Check a whole PNG as the importer reads it: signature, every chunk's CRC,
/// and the image data decoded within the memory limit.
pub fn check_png(bytes: &[u8]) -> Result<(), ImportError> {
    if !is_png(bytes) {
        return Err(ImportError::Png("no PNG signature".into()));
    }
    png_chunks(bytes)?;
    decode_png(bytes)
}

fn decode_png(bytes: &[u8]) -> Result<(), ImportError> {
    let bad = |e: &dyn std::fmt::Display| ImportError::Png(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: PNG_DECODE_LIMIT,
        },
    );
    // Text chunks are read by `baked_text` with a bounded inflate; the
    // crate's own `get_text` inflates without a bound.
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    // Decode the image data too: a file cut short anywhere must be refused,
    // not half-read.
    // The header may claim any size (a 67-byte file can claim 16843008 x
    // 16843008 pixels): refuse before allocating the frame, not after.
    let size = reader
        .output_buffer_size()
        .filter(|&n| n <= PNG_DECODE_LIMIT)
        .ok_or_else(|| {
            let info = reader.info();
            ImportError::Png(format!(
                "the image claims {} x {} pixels, more than the {PNG_DECODE_LIMIT}-byte decoding limit",
                info.width, info.height
            ))
        })?;
    let mut buf = vec![0; size];
    reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    reader.finish().map_err(|e| bad(&e))?;
    Ok(())
}

/// Read the baked payload out of a PNG.
pub fn from_png(bytes: &[u8]) -> Result<Baked, ImportError> {
    if !is_png(bytes) {
        return Err(ImportError::Png("no PNG signature".into()));
    }
    let chunks = png_chunks(bytes)?;
    // The payload first: a text bomb is refused before any image decoding.
    let found = baked_text(bytes, &chunks)?;
    decode_png(bytes)?;
    found.ok_or_else(|| {
        ImportError::NotBaked(
            "PNG has no 'openbadges' or 'openbadgecredential' text chunk: it is an image, not a baked badge".into(),
        )
    })
}

/// The first `iTXt` named `openbadges`/`openbadgecredential`, else the first
/// `tEXt` named `openbadges` (as the `png` crate's lists were read before).
fn baked_text(bytes: &[u8], chunks: &[PngChunk]) -> Result<Option<Baked>, ImportError> {
    for c in chunks.iter().filter(|c| &c.kind == b"iTXt") {
        let data = c.data(bytes);
        let Some(nul) = data.iter().position(|&b| b == 0) else { continue };
        let baking = match &data[..nul] {
            b"openbadges" => Baking::Ob2,
            b"openbadgecredential" => Baking::Ob3,
            _ => continue,
        };
        let keyword = if baking == Baking::Ob2 { "openbadges" } else { "openbadgecredential" };
        let bad = |why: &str| ImportError::Png(format!("iTXt '{keyword}' chunk: {why}"));
        let rest = &data[nul + 1..];
        let (&flag, rest) = rest.split_first().ok_or_else(|| bad("no compression flag"))?;
        let (&method, rest) = rest.split_first().ok_or_else(|| bad("no compression method"))?;
        // Language tag and translated keyword, each NUL-terminated.
        let mut rest = rest;
        for field in ["language tag", "translated keyword"] {
            let end = rest.iter().position(|&b| b == 0).ok_or_else(|| bad(&format!("no end to the {field}")))?;
            rest = &rest[end + 1..];
        }
        let raw = match (flag, method) {
            (0, _) => rest.to_vec(),
            (1, 0) => inflate_bounded(rest, super::MAX_PAYLOAD_BYTES as u64).map_err(|e| match e {
                Inflate::Over(limit) => ImportError::OverLimit { what: "the baked text chunk once inflated", limit },
                Inflate::Bad(why) => bad(&format!("its compressed text is damaged ({why})")),
            })?,
            (1, m) => return Err(bad(&format!("unknown compression method {m}"))),
            (f, _) => return Err(bad(&format!("compression flag {f} is neither 0 nor 1"))),
        };
        let payload = String::from_utf8(raw).map_err(|_| bad("the text is not UTF-8"))?;
        return Ok(Some(Baked { payload, baking }));
    }
    for c in chunks.iter().filter(|c| &c.kind == b"tEXt") {
        let data = c.data(bytes);
        if let Some(text) = data.strip_prefix(b"openbadges\0") {
            // Latin-1, one char per byte.
            return Ok(Some(Baked { payload: text.iter().map(|&b| b as char).collect(), baking: Baking::Ob2 }));
        }
    }
    Ok(None)
}

enum Inflate {
    Over(u64),
    Bad(String),
}

/// Inflate a zlib stream, stopping one byte past `limit`.
fn inflate_bounded(data: &[u8], limit: u64) -> Result<Vec<u8>, Inflate> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| Inflate::Bad(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(Inflate::Over(limit));
    }
    Ok(out)
}

/// Does this look like XML/SVG (after an optional BOM and whitespace)?
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let t = b.iter().position(|c| !c.is_ascii_whitespace()).map(|i| &b[i..]);
    matches!(t, Some(t) if t.starts_with(b"<?xml") || t.starts_with(b"<svg") || t.starts_with(b"<!--") || t.starts_with(b"<!DOCTYPE"))
}

/// Read the baked payload out of an SVG.
pub fn from_svg(bytes: &[u8]) -> Result<Baked, ImportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::Svg(format!("not UTF-8 text: {e}")))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut saw_svg = false;
    // Inside a badge element: which convention, and the text collected so far.
    let mut inside: Option<(Baking, String)> = None;
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_resolved_event()
            .map_err(|e| ImportError::Svg(format!("malformed XML after byte {pos}: {e}")))?;
        let is_empty = matches!(ev.1, Event::Empty(_));
        match ev {
            // A plain public DOCTYPE (common in SVG exports) is harmless: it
            // is never fetched (it falls to `_ => {}` below). An internal
            // subset can declare entities (billion laughs, external
            // entities), so it is refused.
            (_, Event::DocType(d)) if d.as_ref().contains(&b'[') => {
                return Err(ImportError::Svg("SVG declares a DTD internal subset (entity declarations); refused".into()));
            }
            (ns, Event::Start(e)) | (ns, Event::Empty(e)) => {
                let local = e.local_name();
                if local.as_ref() == b"svg" {
                    saw_svg = true;
                }
                if inside.is_some() {
                    continue;
                }
                let baking = match (&ns, local.as_ref()) {
                    (ResolveResult::Bound(n), b"assertion") if n.as_ref() == OB2_SVG_NS.as_bytes() => Baking::Ob2,
                    (ResolveResult::Bound(n), b"credential") if n.as_ref() == OB3_SVG_NS.as_bytes() => Baking::Ob3,
                    _ => continue,
                };
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| ImportError::Svg(format!("bad attribute: {e}")))?;
                    if attr.key.local_name().as_ref() == b"verify" {
                        let v = attr
                            .unescape_value()
                            .map_err(|e| ImportError::Svg(format!("bad 'verify' attribute: {e}")))?;
                        let v = v.trim();
                        if !v.is_empty() {
                            return Ok(Baked {
                                payload: v.to_string(),
                                baking,
                            });
                        }
                    }
                }
                if is_empty {
                    return Err(ImportError::Svg("badge element is empty and has no 'verify' attribute".into()));
                }
                inside = Some((baking, String::new()));
            }
            (_, Event::Text(t)) => {
                if let Some((_, buf)) = inside.as_mut() {
                    let s = t
                        .decode()
                        .map_err(|e| ImportError::Svg(format!("bad text: {e}")))?;
                    let s = quick_xml::escape::unescape(&s)
                        .map_err(|e| ImportError::Svg(format!("bad text: {e}")))?;
                    buf.push_str(&s);
                }
            }
            (_, Event::GeneralRef(r)) => {
                if let Some((_, buf)) = inside.as_mut() {
                    // Only the five predefined XML entities and character references.
                    let name = r.decode().map_err(|e| ImportError::Svg(format!("bad reference: {e}")))?;
                    let reference = format!("&{name};");
                    let s = quick_xml::escape::unescape(&reference)
                        .map_err(|_| ImportError::Svg(format!("unknown entity '{reference}' refused")))?;
                    buf.push_str(&s);
                }
            }
            (_, Event::CData(c)) => {
                if let Some((_, buf)) = inside.as_mut() {
                    buf.push_str(
                        std::str::from_utf8(&c).map_err(|e| ImportError::Svg(format!("bad CDATA: {e}")))?,
                    );
                }
            }
            (ns, Event::End(e)) => {
                if let Some((baking, buf)) = inside.take() {
                    let local = e.local_name();
                    let ours = matches!(&ns, ResolveResult::Bound(n)
                        if (n.as_ref() == OB2_SVG_NS.as_bytes() && local.as_ref() == b"assertion")
                        || (n.as_ref() == OB3_SVG_NS.as_bytes() && local.as_ref() == b"credential"));
                    if ours {
                        let payload = buf.trim().to_string();
                        if payload.is_empty() {
                            return Err(ImportError::Svg("badge element is empty".into()));
                        }
                        return Ok(Baked { payload, baking });
                    }
                    inside = Some((baking, buf));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    if !saw_svg {
        return Err(ImportError::Svg("XML document has no <svg> element".into()));
    }
    Err(ImportError::NotBaked(format!(
        "SVG has no baked badge: no <assertion> element in namespace {OB2_SVG_NS} and no <credential> in {OB3_SVG_NS}"
    )))
}
