//! Encrypted short shares and share locations, written once: make a short
//! link (checked verifier base, expiry), list shares with their state and the
//! credential's title (newest first), revoke, prune the expired ones, and the
//! share locations (WebDAV or S3, with the verifier page published on each)
//! with their secrets kept through [`crate::secrets`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::share::host::{self, Location, LocationKind};
use crate::share::records::{self, ShareRecord, ShareState};
use crate::store::Store;

use super::Error;

/// A share with its state and the credential's title.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ShareRow {
    /// The record as stored.
    #[serde(flatten)]
    pub record: ShareRecord,
    /// Live, expired (still online) or revoked.
    pub state: ShareState,
    /// The credential's title (empty when it has left the backpack).
    pub title: String,
}

/// A location's kind from the command line's flags: `--webdav URL [--user U]`,
/// or `--s3 ENDPOINT --bucket B [--region R] --access-key K [--virtual-host]`.
#[allow(clippy::too_many_arguments)]
pub fn location_kind(
    webdav: Option<String>,
    user: Option<String>,
    s3: Option<String>,
    bucket: Option<String>,
    region: Option<String>,
    access_key: Option<String>,
    virtual_host: bool,
) -> Result<LocationKind, Error> {
    match (webdav, s3) {
        (Some(url), None) => Ok(LocationKind::Webdav { url, user }),
        (None, Some(endpoint)) => Ok(LocationKind::S3 {
            endpoint,
            bucket: bucket.unwrap_or_default(),
            region: region.unwrap_or_else(|| "us-east-1".into()),
            access_key: access_key.unwrap_or_default(),
            virtual_host,
        }),
        _ => Err(Error::new("usage", "give --webdav URL or --s3 ENDPOINT")),
    }
}

/// `shares prune --json`'s line for one share: `{"id","object_url","status","error"?,"code"?}`.
pub fn pruned_json((r, res): &Pruned) -> serde_json::Value {
    let mut v = serde_json::json!({"id": r.id, "object_url": r.object_url, "status": if res.is_ok() { "deleted" } else { "failed" }});
    if let Err(e) = res {
        (v["error"], v["code"]) = (e.message().into(), e.code().into());
    }
    v
}

/// `shares prune`'s words for one share.
pub fn pruned_text((r, res): &Pruned) -> String {
    match res {
        Ok(()) => format!("deleted expired share {} ({})", r.id, r.object_url),
        Err(e) => format!("could not delete expired share {}: {e}", r.id),
    }
}

impl ShareRow {
    /// `shares list --json`'s line: the record, its state, and the title (null once the credential is gone).
    pub fn json_line(&self) -> serde_json::Value {
        let mut v = serde_json::json!(self);
        v["title"] = serde_json::json!(Some(&self.title).filter(|t| !t.is_empty()));
        v
    }
}

/// Every share (only those of credential `of`, when given), newest first.
pub fn list(store: &Store, of: Option<&str>, now: &DateTime<Utc>) -> Result<Vec<ShareRow>, Error> {
    let of = of.map(|id| store.resolve_id(id)).transpose()?;
    let mut out: Vec<ShareRow> = store
        .shares()?
        .into_iter()
        .filter(|r| of.as_ref().is_none_or(|id| &r.credential == id))
        .map(|r| {
            let title = store.get(&r.credential).map(|c| c.credential.title().to_string()).unwrap_or_default();
            ShareRow { state: r.state(now), title, record: r }
        })
        .collect();
    out.sort_by(|a, b| b.record.created.cmp(&a.record.created));
    Ok(out)
}

/// The longest a share may live, in days (ten years).
pub const MAX_DAYS: u32 = 3650;

/// When a share made `now` for `days` days (1 to [`MAX_DAYS`]) expires.
pub fn expiry(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now + chrono::Duration::days(i64::from(days.clamp(1, MAX_DAYS)))
}

/// Encrypt credential `id`, upload it to `location` (or the only one) and
/// record the share; the verifier base (`base`, else the location's
/// published page, else the default: [`super::links::base_for`]) is checked first.
pub fn create(store: &mut Store, id: &str, location: Option<&str>, expires: Option<DateTime<Utc>>, base: Option<&str>, now: DateTime<Utc>) -> Result<ShareRecord, Error> {
    let base = super::links::base_for(store, base, location)?;
    Ok(records::create(store, id, location, expires, &base, now)?)
}

/// Delete the share's object from its host and mark it revoked. When the host
/// cannot be reached the share stays live, and the error says so.
pub fn revoke(store: &mut Store, share_id: &str, now: DateTime<Utc>) -> Result<ShareRecord, Error> {
    records::revoke(store, share_id, now).map_err(|e| match e {
        records::ShortError::Host(h) => Error::new(h.code(), format!("{h}\nthe share is still online and stays listed as live; try again later")),
        e => e.into(),
    })
}

/// One expired share and whether deleting it from its host worked.
pub type Pruned = (ShareRecord, Result<(), Error>);

/// Delete every expired share from its host.
pub fn prune(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<Pruned>, Error> {
    Ok(records::prune(store, now)?.into_iter().map(|(r, res)| (r, res.map_err(Error::from))).collect())
}

/// A share location as it is listed: its stored settings (never its
/// secret, which is in the keyring) and where objects go.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct LocationView {
    /// Id, name, kind (`webdav`/`s3`) and its settings, public URL, created.
    #[serde(flatten)]
    pub location: Location,
    /// Where objects go (folder URL, or endpoint and bucket).
    pub target: String,
    /// The verifier page published there (`shares location publish-page`), if any.
    pub page_url: Option<String>,
}

impl From<&Location> for LocationView {
    fn from(l: &Location) -> Self {
        LocationView { location: l.clone(), target: l.target(), page_url: None }
    }
}

impl LocationView {
    /// The user or access key, when there is one.
    pub fn user(&self) -> Option<&str> {
        match &self.location.kind {
            LocationKind::Webdav { user, .. } => user.as_deref(),
            LocationKind::S3 { access_key, .. } => Some(access_key),
        }
    }
}

/// The share locations, with the verifier page published on each.
pub fn locations(store: &Store) -> Result<Vec<LocationView>, Error> {
    let pages = store.share_location_pages()?;
    Ok(store
        .share_locations()?
        .iter()
        .map(|l| LocationView { page_url: pages.iter().find(|(n, _)| *n == l.name).map(|(_, u)| u.clone()), ..LocationView::from(l) })
        .collect())
}

/// A new share location, as the user describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct LocationDraft {
    /// Its name.
    pub name: String,
    /// Where: a WebDAV folder, or an S3-compatible bucket.
    pub kind: LocationKind,
    /// The public URL objects are read from, when it differs.
    #[serde(default)]
    pub public_url: Option<String>,
}

/// Add a share location. `secret` (the WebDAV password or app token, the S3
/// secret key) is asked for only when the location needs one
/// ([`Location::needs_secret`]); the shell passes a function that prompts or
/// reads it. The secret is kept through [`crate::secrets`]; when no keyring
/// can keep it, the location is still added and the second value says so
/// (the password then comes from `BACKPACK_SHARE_PASSWORD` whenever you share).
pub fn add_location(
    store: &mut Store,
    draft: LocationDraft,
    secret: impl FnOnce(&str) -> Result<Option<String>, Error>,
    now: DateTime<Utc>,
) -> Result<(LocationView, Option<Error>), Error> {
    let kind = match draft.kind {
        LocationKind::Webdav { url, user } => LocationKind::Webdav { url: url.trim().to_string(), user: user.filter(|u| !u.trim().is_empty()) },
        k => k,
    };
    let loc = Location {
        id: host::new_id(),
        name: draft.name.trim().to_string(),
        kind,
        public_url: draft.public_url.filter(|u| !u.trim().is_empty()),
        created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
    .validated()?;
    let secret = if loc.needs_secret() {
        let what = match loc.kind {
            LocationKind::S3 { .. } => "the S3 secret access key",
            LocationKind::Webdav { .. } => "the WebDAV password or app token",
        };
        match secret(what)?.filter(|s| !s.is_empty()) {
            Some(s) => Some(s),
            None => return Err(Error::new("share-secret-missing", format!("give {what} for this location"))),
        }
    } else {
        None
    };
    store.add_share_location(&loc)?;
    let warning = secret.and_then(|s| loc.save_secret(&s).err()).map(|e| {
        Error::new(e.code(), format!("the secret is not saved ({e}); set {} whenever you share", host::PASSWORD_ENV))
    });
    Ok((LocationView::from(&loc), warning))
}

/// Remove a share location and its secret (a secret that cannot be removed
/// is reported, the location is gone either way).
pub fn remove_location(store: &mut Store, name: &str) -> Result<Option<Error>, Error> {
    let loc = store.remove_share_location(name)?;
    Ok(loc.delete_secret().err().map(Error::from))
}

/// What `share ID` makes: the self-contained link, an encrypted short link,
/// a QR code, LinkedIn links (any of them).
#[derive(Debug, Clone, Default)]
pub struct ShareRequest {
    /// The self-contained link.
    pub link: bool,
    /// Upload an encrypted copy to this location (`Some(None)`: the only one) and give its short link.
    pub short: Option<Option<String>>,
    /// With `short`: when the share ends.
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
    /// A QR code of the best link that fits: `Some(true)` PNG, `Some(false)` SVG.
    pub qr_png: Option<bool>,
    /// LinkedIn's links.
    pub linkedin: bool,
}

/// What `share ID` made: the `--json` object, the links to print (in order),
/// the QR code image and what it holds, the share record when one was made.
#[derive(Debug, Clone)]
pub struct Shared {
    /// `{"id","issuer_link"?,"link"?,"short"?,"qr"?,"linkedin"?}` (the shell adds the QR's `file`).
    pub json: serde_json::Value,
    /// The links, one per line.
    pub lines: Vec<String>,
    /// The QR code's image bytes and payload.
    pub qr: Option<(Vec<u8>, super::links::QrPayload)>,
    /// The short share made.
    pub made: Option<crate::share::records::ShareRecord>,
}

/// Make what `req` asks for credential `id` with the verifier page at `base`
/// (`None`: the page published on the location used, else the default:
/// [`super::links::base_for`]): the one choice of QR and LinkedIn payload.
pub fn share(store: &mut crate::store::Store, id: &str, req: &ShareRequest, base: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<Shared, Error> {
    use serde_json::json;
    let base = super::links::base_for(store, base, req.short.as_ref().and_then(|l| l.as_deref()))?;
    let made = match &req.short {
        Some(loc) => Some(create(store, id, loc.as_deref(), req.expires, Some(&base), now)?),
        None => None,
    };
    let l = super::links::links(store, id, &base, &now)?;
    let (mut v, mut lines) = (json!({"id": l.id}), Vec::new());
    if let Some(i) = &l.issuer {
        v["issuer_link"] = json!(i);
    }
    if req.link {
        v["link"] = json!(l.self_contained);
        lines.push(l.self_contained.clone());
    }
    if let Some(r) = &made {
        v["short"] = json!({"share": r.id, "link": r.link, "object_url": r.object_url, "location": r.location, "expires": r.expires});
        lines.push(r.link.clone());
    }
    let qr = match req.qr_png {
        Some(png) => {
            let q = l.qr.ok_or_else(|| l.qr_problem.clone().unwrap_or_else(|| Error::new(super::links::NOTHING_FITS_QR, "no link fits a QR code")))?;
            v["qr"] = json!({"kind": q.kind, "payload": q.link});
            Some((super::links::qr_image(&q.link, png)?, q))
        }
        None => None,
    };
    if req.linkedin {
        v["linkedin"] = json!({"add_to_profile": l.linkedin_add, "share": l.linkedin_share, "cert_url": l.cert_url});
        lines.extend([l.linkedin_add, l.linkedin_share]);
    }
    Ok(Shared { json: v, lines, qr, made })
}

/// The QR code of the best link that fits, as an SVG `data:` URL.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct QrView {
    /// Issuer, short or self-contained.
    pub kind: crate::share::LinkKind,
    /// The link it holds.
    pub link: String,
    /// `data:image/svg+xml;base64,…`.
    pub svg: String,
}

/// Everything the app's Share dialog shows for one credential: its links
/// (the one payload choice of [`super::links::links`]), its QR code, its
/// shares (newest first) and the share locations' names.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// The wallet id.
    pub id: String,
    /// The verifier page's base URL.
    pub base: String,
    /// The self-contained link.
    pub self_contained: String,
    /// The issuer's own link.
    pub issuer: Option<String>,
    /// The newest live encrypted short link, if any.
    pub short: Option<String>,
    /// The QR code…
    pub qr: Option<QrView>,
    /// …or why nothing fits.
    pub qr_problem: Option<Error>,
    /// LinkedIn's "Add to profile" link.
    pub linkedin_add: String,
    /// LinkedIn's share-in-feed link.
    pub linkedin_share: String,
    /// The share locations' names.
    pub locations: Vec<String>,
    /// This credential's shares, newest first.
    pub shares: Vec<ShareRow>,
}

/// The Share dialog's view of credential `id` with the verifier page at
/// `base` (`None`: a location's published page, else the default:
/// [`super::links::base_for`]).
pub fn view(store: &Store, id: &str, base: Option<&str>, now: &DateTime<Utc>) -> Result<ShareView, Error> {
    use base64::Engine;
    let base = super::links::base_for(store, base, None)?;
    let l = super::links::links(store, id, &base, now)?;
    let qr = match l.qr {
        Some(q) => {
            let svg = super::links::qr_image(&q.link, false)?;
            let svg = format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg));
            Some(QrView { kind: q.kind, link: q.link, svg })
        }
        None => None,
    };
    Ok(ShareView {
        shares: list(store, Some(&l.id), now)?,
        locations: store.share_locations()?.into_iter().map(|l| l.name).collect(),
        qr,
        qr_problem: l.qr_problem,
        id: l.id,
        base: l.base,
        self_contained: l.self_contained,
        issuer: l.issuer,
        short: l.short,
        linkedin_add: l.linkedin_add,
        linkedin_share: l.linkedin_share,
    })
}
