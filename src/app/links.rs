//! Links to the verifier page, decided once: which verifier base URLs are
//! accepted, and which one links use ([`base_for`]: the user's, else the page
//! published on the share location, else the default). The command line's
//! `share --base` / `export --base` and the app's Settings (and the base its
//! Share dialog uses) all go through [`verifier_base`]: `https://` anywhere; `http://` only on this machine
//! (`localhost`, `127.0.0.1`, `[::1]`), for a page served locally while testing.
//! Anything else is refused with the code `invalid-verifier-url`.

use super::Error;

/// The code of a refused verifier base URL (the app's message table matches it).
pub const INVALID_VERIFIER_URL: &str = "invalid-verifier-url";

/// Accept `base` as the verifier page's base URL (trimmed), or refuse it with
/// [`INVALID_VERIFIER_URL`].
pub fn verifier_base(base: &str) -> Result<String, Error> {
    let base = base.trim();
    let refused = || {
        Error::new(
            INVALID_VERIFIER_URL,
            format!("the verifier page must be an https:// address (http:// only on localhost, 127.0.0.1 or [::1]): '{base}'"),
        )
    };
    let u = url::Url::parse(base).map_err(|_| refused())?;
    let ok = match (u.scheme(), u.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip == std::net::Ipv4Addr::LOCALHOST,
        ("http", Some(url::Host::Ipv6(ip))) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    if ok && u.username().is_empty() && u.password().is_none() {
        Ok(base.to_string())
    } else {
        Err(refused())
    }
}

/// The verifier base to use: `chosen` when set and non-empty (checked with
/// [`verifier_base`]), else the documented default
/// ([`crate::share::DEFAULT_VERIFIER_BASE`]).
pub fn verifier_base_or_default(chosen: Option<&str>) -> Result<String, Error> {
    match chosen.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => verifier_base(c),
        None => Ok(crate::share::DEFAULT_VERIFIER_BASE.to_string()),
    }
}

/// The verifier base for links made now, decided once for `share`, the
/// app's Share dialog and its short links: `chosen` (`--base`, or the app's
/// Settings) when set and non-empty; else the verifier page published on the
/// share location the links are made with (`location`; when none is named,
/// the one location that has a published page, if exactly one has); else
/// the default ([`crate::share::DEFAULT_VERIFIER_BASE`]).
pub fn base_for(store: &crate::store::Store, chosen: Option<&str>, location: Option<&str>) -> Result<String, Error> {
    if chosen.is_some_and(|c| !c.trim().is_empty()) {
        return verifier_base_or_default(chosen);
    }
    let published = match location {
        Some(name) => store.share_location_page(name)?,
        None => match store.share_location_pages()?.as_slice() {
            [(_, url)] => Some(url.clone()),
            _ => None,
        },
    };
    match published {
        Some(url) => verifier_base(&url),
        None => verifier_base_or_default(None),
    }
}

/// Every way one credential can travel, decided once for the CLI's `share`
/// and the app's Share dialog: the self-contained link, the issuer's own
/// link, the newest live encrypted short link, the QR code's payload (the
/// issuer's link, else the short link, else the self-contained link, the
/// first that fits a QR code) and the LinkedIn links (the shortest link as
/// the certification URL).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Links {
    /// The wallet id.
    pub id: String,
    /// The verifier page's base URL used.
    pub base: String,
    /// The credential in the link's fragment, compressed.
    pub self_contained: String,
    /// The issuer's own verification link, when the credential has one.
    pub issuer: Option<String>,
    /// The newest live encrypted short link, if any.
    pub short: Option<String>,
    /// What the QR code holds…
    pub qr: Option<QrPayload>,
    /// …or why nothing fits (`nothing-fits-qr`).
    pub qr_problem: Option<Error>,
    /// LinkedIn's "Add to profile" link.
    pub linkedin_add: String,
    /// LinkedIn's share-in-feed link.
    pub linkedin_share: String,
    /// The link LinkedIn shows as the certification URL.
    pub cert_url: String,
}

/// The link a QR code carries, and which kind it is.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct QrPayload {
    /// Issuer, short or self-contained.
    pub kind: crate::share::LinkKind,
    /// The link.
    pub link: String,
}

/// The code of "no link fits a QR code".
pub const NOTHING_FITS_QR: &str = "nothing-fits-qr";

/// The links of credential `id` (full id or unique prefix) with the verifier page at `base`.
pub fn links(store: &crate::store::Store, id: &str, base: &str, now: &chrono::DateTime<chrono::Utc>) -> Result<Links, Error> {
    use crate::share;
    let base = verifier_base(base)?;
    let sc = store.get(id)?;
    let self_contained = share::self_contained_link(&base, &sc.original)?;
    let issuer = share::issuer_link(&sc.credential);
    let short = crate::share::records::live_link(store, &sc.credential.id, now)?.map(|r| r.link);
    let (qr, qr_problem) = match share::choose_qr_payload(issuer.as_deref(), short.as_deref(), &self_contained) {
        Ok((kind, link)) => (Some(QrPayload { kind, link }), None),
        Err(e) => {
            let hint = if short.is_none() && issuer.is_none() && !store.share_locations()?.is_empty() {
                "\n(a share location is set up: add --short (the app: Make a short link) to upload an encrypted copy and put its short link in the QR code)"
            } else {
                ""
            };
            (None, Some(Error::new(NOTHING_FITS_QR, format!("{e}{hint}"))))
        }
    };
    let cert_url = share::shortest([issuer.as_deref(), short.as_deref(), Some(self_contained.as_str())]).unwrap_or(&self_contained).to_string();
    Ok(Links {
        linkedin_add: share::linkedin_add_to_profile(&sc.credential, &cert_url),
        linkedin_share: share::linkedin_share(&cert_url),
        id: sc.credential.id,
        base,
        self_contained,
        issuer,
        short,
        qr,
        qr_problem,
        cert_url,
    })
}

/// A QR code image of `payload`: SVG text or PNG bytes (8 pixels a module).
pub fn qr_image(payload: &str, png: bool) -> Result<Vec<u8>, Error> {
    Ok(if png { crate::share::qr_png(payload, 8)? } else { crate::share::qr_svg(payload)?.into_bytes() })
}
