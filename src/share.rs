//! Sharing, the parts that need no server: LinkedIn links, the self-contained
//! verification link (the credential deflated into the URL fragment, which no
//! server ever receives), and QR codes that a phone can actually scan.
//! The parts that do need a server live in submodules: [`envelope`] (the
//! encrypted short link format), [`host`] (share locations: WebDAV and S3),
//! [`records`] (uploading, listing, revoking and pruning shares) and [`page`]
//! (the verifier page this build carries: publishing it, checking a base).

use std::io::Write;

use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use qrcode::{EcLevel, QrCode, Version};

use crate::model::Credential;

pub mod envelope;
pub mod host;
pub mod page;
pub mod records;

/// The verifier page used when no other base URL is set.
pub const DEFAULT_VERIFIER_BASE: &str = "https://backpack-wallet.github.io/verify/";

/// Percent-encode everything but the unreserved characters of RFC 3986.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Largest QR version we produce: beyond 25 (117x117 modules) phones fail to
/// scan a code from a printed CV or another screen.
pub const MAX_QR_VERSION: i16 = 25;

/// Why a share link could not be made or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    /// A link to turn into a QR code is longer than a scannable code holds.
    #[error("the link is {len} characters, too long for a QR code a phone can scan (version {MAX_QR_VERSION}, level M); set up a share location for a short encrypted link, or share the issuer's link")]
    TooLongForQr {
        /// Length of the link in characters.
        len: usize,
    },
    #[error("no link to this credential fits a QR code a phone can scan (version {MAX_QR_VERSION}, level M): the self-contained link is {len} characters and there is no issuer link or short link. Set up a share location (backpack shares location add NAME --webdav URL [--user U], or --s3 ...) and share with --short")]
    /// No issuer or short link, and the self-contained link does not fit a scannable QR code.
    NothingFitsQr {
        /// Length of the self-contained link in characters.
        len: usize,
    },
    /// The credential or link cannot be packed or unpacked (not text, no `#c=`, compression failed); holds why.
    #[error("{0}")]
    Invalid(String),
    /// The object or link does not decrypt or parse (the page's "damaged link").
    #[error("damaged link: {0}")]
    Damaged(String),
}

/// (year, month 1-12) of an RFC 3339 or YYYY-MM-DD date.
fn year_month(date: &str) -> Option<(i32, u32)> {
    let d = date.get(..10)?;
    let p = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    Some((p.year(), p.month()))
}

/// LinkedIn's "Add to profile" certification link. Months are 1-based, every
/// value is percent-encoded, and an expiry is given only when the credential
/// has one. `cert_url` should be the shortest working verification link.
pub fn linkedin_add_to_profile(c: &Credential, cert_url: &str) -> String {
    let mut q = vec![("startTask", "CERTIFICATION_NAME".to_string()), ("name", c.title().to_string())];
    let org = c.issuer.name.clone().or_else(|| c.issuer.institution_name.clone()).or_else(|| c.issuer.id.clone());
    if let Some(o) = org {
        q.push(("organizationName", o));
    }
    if let Some((y, m)) = c.issued.as_deref().and_then(year_month) {
        q.push(("issueYear", y.to_string()));
        q.push(("issueMonth", m.to_string()));
    }
    if let Some((y, m)) = c.valid_until.as_deref().and_then(year_month) {
        q.push(("expirationYear", y.to_string()));
        q.push(("expirationMonth", m.to_string()));
    }
    q.push(("certUrl", cert_url.to_string()));
    q.push(("certId", c.credential_id.clone().unwrap_or_else(|| c.id.clone())));
    let query: Vec<String> = q.into_iter().map(|(k, v)| format!("{k}={}", enc(&v))).collect();
    format!("https://www.linkedin.com/profile/add?{}", query.join("&"))
}

/// LinkedIn's share-to-feed link for a URL.
pub fn linkedin_share(url: &str) -> String {
    format!("https://www.linkedin.com/sharing/share-offsite/?url={}", enc(url))
}

/// The self-contained link: `{base}#c={base64url(deflate(minified JSON))}`.
/// The fragment never reaches a server. A compact JWS is carried as is.
pub fn self_contained_link(base: &str, original: &[u8]) -> Result<String, ShareError> {
    let payload: Vec<u8> = match serde_json::from_slice::<serde_json::Value>(original) {
        Ok(v) => serde_json::to_vec(&v).map_err(|e| ShareError::Invalid(e.to_string()))?,
        Err(_) => {
            let t = std::str::from_utf8(original).map_err(|_| ShareError::Invalid("the credential is not text".into()))?;
            t.trim().as_bytes().to_vec()
        }
    };
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&payload).map_err(|e| ShareError::Invalid(e.to_string()))?;
    let packed = z.finish().map_err(|e| ShareError::Invalid(e.to_string()))?;
    Ok(format!("{}#c={}", base.trim_end_matches('#'), base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)))
}

/// Read a self-contained link back (what the verifier page does).
pub fn open_self_contained_link(link: &str) -> Result<Vec<u8>, ShareError> {
    let frag = link.split_once("#c=").map(|(_, f)| f).ok_or_else(|| ShareError::Invalid("no #c= in the link".into()))?;
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(frag.split('&').next().unwrap_or(""))
        .map_err(|e| ShareError::Invalid(format!("not base64url: {e}")))?;
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(flate2::read::DeflateDecoder::new(packed.as_slice()), 8 << 20), &mut out)
        .map_err(|e| ShareError::Invalid(format!("not deflate data: {e}")))?;
    Ok(out)
}

/// A QR code for `text` at error correction level M, or an error when it
/// would need a version above [`MAX_QR_VERSION`].
pub fn qr(text: &str) -> Result<QrCode, ShareError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| ShareError::TooLongForQr { len: text.len() })?;
    match code.version() {
        Version::Normal(v) if v <= MAX_QR_VERSION => Ok(code),
        _ => Err(ShareError::TooLongForQr { len: text.len() }),
    }
}

/// The QR code as SVG (black on white, with a quiet zone).
pub fn qr_svg(text: &str) -> Result<String, ShareError> {
    Ok(qr(text)?.render::<qrcode::render::svg::Color>().min_dimensions(256, 256).build())
}

/// The QR code as a greyscale PNG, `scale` pixels per module, 4-module quiet zone.
pub fn qr_png(text: &str, scale: u32) -> Result<Vec<u8>, ShareError> {
    let code = qr(text)?;
    let w = code.width() as u32;
    let side = (w + 8) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; (side * side) as usize];
    for y in 0..w {
        for x in 0..w {
            if colors[(y * w + x) as usize] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = ((y + 4) * scale + dy) * side;
                    for dx in 0..scale {
                        pixels[(row + (x + 4) * scale + dx) as usize] = 0;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, side, side);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().map_err(|e| ShareError::Invalid(e.to_string()))?;
        wr.write_image_data(&pixels).map_err(|e| ShareError::Invalid(e.to_string()))?;
    }
    Ok(out)
}

/// The credential's public hosted URL, when the issuer has one: an OB 2.0
/// hosted assertion's `id`, or an https id under edubadges (their public pages).
pub fn issuer_link(c: &Credential) -> Option<String> {
    let https = |u: &str| url::Url::parse(u).ok().filter(|p| p.scheme() == "https" && p.host_str().is_some());
    if c.format == crate::model::Format::Ob2Hosted {
        if let Some(u) = c.hosted_url.as_deref().or(c.credential_id.as_deref()).filter(|u| https(u).is_some()) {
            return Some(u.to_string());
        }
    }
    let id = c.credential_id.as_deref()?;
    let host = https(id)?.host_str()?.to_ascii_lowercase();
    (host == "edubadges.nl" || host.ends_with(".edubadges.nl")).then(|| id.to_string())
}

/// Which kind of link a QR code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// The issuer's own public page of the credential (e.g. edubadges.nl).
    Issuer,
    /// An encrypted short link to an object at the learner's share location.
    Short,
    /// The whole credential, compressed, in the link's `#c=` fragment.
    SelfContained,
}

impl LinkKind {
    /// Words for a message: "issuer's link", "encrypted short link", "self-contained link".
    pub fn describe(self) -> &'static str {
        match self {
            LinkKind::Issuer => "issuer's link",
            LinkKind::Short => "encrypted short link",
            LinkKind::SelfContained => "self-contained link",
        }
    }
}

/// The QR payload: the issuer link or the encrypted short link first, the
/// self-contained link only when it fits [`qr`]'s limit. When none fits, an
/// error that says how to set up a share location.
pub fn choose_qr_payload(issuer: Option<&str>, short: Option<&str>, self_contained: &str) -> Result<(LinkKind, String), ShareError> {
    for (kind, link) in [(LinkKind::Issuer, issuer), (LinkKind::Short, short), (LinkKind::SelfContained, Some(self_contained))] {
        if let Some(l) = link {
            if qr(l).is_ok() {
                return Ok((kind, l.to_string()));
            }
        }
    }
    Err(ShareError::NothingFitsQr { len: self_contained.len() })
}

/// The shortest of the links that exist (LinkedIn's `certUrl`).
pub fn shortest<'a>(links: impl IntoIterator<Item = Option<&'a str>>) -> Option<&'a str> {
    links.into_iter().flatten().min_by_key(|l| l.len())
}
