//! The credentials in the backpack, written once for both shells: the detail
//! a credential shows, pictures for cards, export in every format through one
//! function, holder-signed presentations, backup and restore, the bundled
//! sample, and the facts `info` prints.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::export::{Artifact, ImageKind};
use crate::keys::{self, KeyKind, KeyOptions};
use crate::model::{Credential, Lang};
use crate::rules::Assessment;
use crate::store::{RestoreReport, Store};
use crate::verify::{Check, Verdict};

use super::{images, Error};

/// A verification report with the moment it was made.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportView {
    /// The overall verdict.
    pub verdict: Verdict,
    /// Each check, in the order they ran.
    pub checks: Vec<Check>,
    /// When (RFC 3339).
    pub checked_at: String,
}

/// Everything the detail of a credential shows (`show`, the detail screen).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    /// The wallet id.
    pub id: String,
    /// The normalised credential.
    pub credential: Credential,
    /// The micro-credential rules applied to it.
    pub assessment: Assessment,
    /// The latest saved verification report.
    pub report: Option<ReportView>,
    /// The original exactly as stored (JSON text or compact JWS).
    pub original: String,
    /// The original's media type.
    pub media_type: String,
    /// The format's name ("Open Badges 3.0", …).
    pub format_label: &'static str,
    /// Where it came from (path, URL, label).
    pub source: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// A checked `data:` URL (the baked picture, else the achievement's embedded image).
    pub image: Option<String>,
    /// The issuer's own rendering of the credential (a Europass credential's
    /// `displayParameter`), page by page as checked `data:` URLs.
    pub pages: Vec<DisplayPage>,
    /// Who it was received from, when it came straight from an issuer (`backpack receive`).
    pub received_from: Option<ReceivedFrom>,
}

/// The issuer a credential was received from, as its metadata displayed it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceivedFrom {
    /// The issuer's identifier (its OpenID4VCI `credential_issuer`, or the request URL).
    pub issuer: String,
    /// Its display name, when the metadata gave one.
    pub name: Option<String>,
    /// Its logo as a checked `data:` URL.
    pub logo: Option<String>,
}

fn received_from(store: &Store, id: &str) -> Option<ReceivedFrom> {
    let (issuer, display) = store.issuer_display(id).ok()??;
    let d: serde_json::Value = serde_json::from_str(&display).ok()?;
    let name = d.get("issuer").and_then(|v| v.as_str()).map(str::to_string);
    let logo = d.get("logo").and_then(|v| v.as_str()).and_then(images::from_reference);
    Some(ReceivedFrom { issuer, name, logo })
}

/// One page of the issuer's own rendering of a credential.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisplayPage {
    /// The language code of the rendering (`ENG`, `DEU`, `NLD`, …), when given.
    pub language: Option<String>,
    /// The page number (1-based).
    pub page: u32,
    /// The page as a checked `data:` URL.
    pub image: String,
}

/// The pages of a Europass credential's own rendering (none for other formats).
fn pages(stored: &crate::store::StoredCredential) -> Vec<DisplayPage> {
    if stored.credential.format != crate::model::Format::Edc {
        return Vec::new();
    }
    crate::import::edc::from_original(&stored.original)
        .map(|u| crate::import::edc::display_pages(&u.credential))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| Some(DisplayPage { language: p.language, page: p.page, image: images::data_url(&p.bytes)? }))
        .collect()
}

/// The detail of credential `id` (a full id or a unique prefix).
pub fn detail(store: &Store, id: &str) -> Result<Detail, Error> {
    let stored = store.get(id)?;
    let report = store.report(&stored.credential.id)?;
    let c = &stored.credential;
    let image = stored
        .picture
        .as_ref()
        .and_then(|p| images::data_url(&p.bytes))
        .or_else(|| c.achievement.image.as_deref().and_then(images::from_reference));
    Ok(Detail {
        id: c.id.clone(),
        assessment: crate::rules::assess(c),
        report: report.map(|(r, at)| ReportView { verdict: r.verdict, checks: r.checks, checked_at: at }),
        original: String::from_utf8_lossy(&stored.original).into_owned(),
        media_type: stored.media_type.clone(),
        format_label: c.format.label(),
        source: stored.source.clone(),
        imported_at: stored.imported_at.clone(),
        image,
        pages: pages(&stored),
        received_from: received_from(store, &stored.credential.id),
        credential: stored.credential,
    })
}

/// Checked picture `data:` URLs for the cards on screen (at most 200; ids
/// without a usable picture are left out).
pub fn pictures(store: &Store, ids: &[String]) -> Result<HashMap<String, String>, Error> {
    let mut out = HashMap::new();
    for id in ids.iter().take(200) {
        if let Some(url) = store.picture(id)?.and_then(|p| images::data_url(&p.bytes)) {
            out.insert(id.clone(), url);
        }
    }
    Ok(out)
}

/// The formats a credential exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The original bytes exactly as imported.
    Original,
    /// The normalised model as JSON.
    Json,
    /// A baked PNG badge.
    Png,
    /// A baked SVG badge.
    Svg,
    /// The one-page PDF for a CV, with a QR code to verify.
    Pdf,
}

impl ExportFormat {
    /// `original`, `json`, `png`, `svg` or `pdf`; anything else is refused with `invalid-format`.
    pub fn parse(name: &str) -> Result<ExportFormat, Error> {
        Ok(match name {
            "original" => ExportFormat::Original,
            "json" => ExportFormat::Json,
            "png" => ExportFormat::Png,
            "svg" => ExportFormat::Svg,
            "pdf" => ExportFormat::Pdf,
            other => return Err(Error::new("invalid-format", format!("unknown export format '{other}' (original, json, png, svg or pdf)"))),
        })
    }
}

/// How to export: the image to bake into (PNG/SVG), the verifier page the
/// PDF's QR code points at, the PDF's language.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Bake into this image instead of the credential's own picture.
    pub into: Option<PathBuf>,
    /// The verifier page's base URL (checked by [`super::links::verifier_base`]).
    pub base: String,
    /// The PDF's language.
    pub lang: Lang,
}

/// An exported credential: its bytes and the file name it is saved under.
#[derive(Debug, Clone)]
pub struct Exported {
    /// What to write.
    pub bytes: Vec<u8>,
    /// `backpack-<id>.<ext>` (`.json`/`.jwt` for the original, `.model.json` for the model).
    pub file_name: String,
}

/// Export credential `id` in `format`: every format, for both shells.
pub fn export(store: &Store, id: &str, format: ExportFormat, opts: &ExportOptions) -> Result<Exported, Error> {
    let s = store.get(id)?;
    let (bytes, ext) = match format {
        ExportFormat::Original => {
            let ext = if s.media_type.contains("json") { "json" } else { "jwt" };
            (s.original.clone(), ext)
        }
        ExportFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&s.credential)?;
            v.push(b'\n');
            (v, "model.json")
        }
        ExportFormat::Png | ExportFormat::Svg | ExportFormat::Pdf => {
            let what = match format {
                ExportFormat::Png => Artifact::Baked(ImageKind::Png),
                ExportFormat::Svg => Artifact::Baked(ImageKind::Svg),
                _ => Artifact::Pdf,
            };
            let base = super::links::verifier_base(&opts.base)?;
            let bytes = crate::export::render(store, &s, what, opts.into.as_deref(), &base, opts.lang, &chrono::Utc::now())?;
            (bytes, what.extension())
        }
    };
    Ok(Exported { bytes, file_name: format!("backpack-{}.{ext}", s.credential.id) })
}

/// Write `bytes` into folder `dir` (made if missing) as `name`; the path written.
pub fn write_into(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| Error::new("io", format!("writing {}: {e}", path.display())))?;
    Ok(path)
}

/// A name stamped with the local time, e.g. `backpack-backup-20261205-081500.backpack`.
pub fn stamped(stem: &str, ext: &str) -> String {
    format!("{stem}-{}.{ext}", chrono::Local::now().format("%Y%m%d-%H%M%S"))
}

/// The shortest backup passphrase a person may choose (the app's form and
/// the command line's prompt; a script that sets `BACKPACK_BACKUP_PASSPHRASE`
/// chooses its own).
pub const MIN_BACKUP_PASSPHRASE: usize = 8;

/// Refuse a passphrase a person chose that is shorter than
/// [`MIN_BACKUP_PASSPHRASE`] (`weak-passphrase`).
pub fn check_chosen_passphrase(passphrase: &str) -> Result<(), Error> {
    if passphrase.chars().count() < MIN_BACKUP_PASSPHRASE {
        return Err(Error::new("weak-passphrase", format!("choose a backup passphrase of at least {MIN_BACKUP_PASSPHRASE} characters")));
    }
    Ok(())
}

/// Write an encrypted backup of the whole backpack to `file` under
/// `passphrase` (not empty); the number of credentials, counted in the written file.
pub fn backup(store: &Store, file: &Path, passphrase: &str) -> Result<usize, Error> {
    if passphrase.is_empty() {
        return Err(Error::new("weak-passphrase", "the backup passphrase is empty"));
    }
    Ok(store.backup(file, passphrase)?)
}

/// Write a backup into folder `dir` (made if missing) as
/// `backpack-backup-<local time>.backpack`; the file and the count in it.
pub fn backup_into(store: &Store, dir: &Path, passphrase: &str) -> Result<(PathBuf, usize), Error> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(stamped("backpack-backup", "backpack"));
    Ok((path.clone(), backup(store, &path, passphrase)?))
}

/// Restore from a backup file (added to what is there, or replacing it).
pub fn restore(store: &mut Store, file: &Path, passphrase: &str, replace: bool) -> Result<RestoreReport, Error> {
    Ok(store.restore(file, passphrase, replace)?)
}

/// Restore from a backup's bytes (a file picked in the app): written to a
/// private temporary file in the data folder, restored, removed.
pub fn restore_bytes(store: &mut Store, bytes: &[u8], passphrase: &str, replace: bool) -> Result<RestoreReport, Error> {
    let tmp = store.dir().join(format!(".restore-{}.partial", std::process::id()));
    crate::store::write_private(&tmp, bytes)?;
    let r = restore(store, &tmp, passphrase, replace);
    let _ = std::fs::remove_file(&tmp);
    r
}

/// A holder-signed Verifiable Presentation of `ids` (the holder key is made on first use).
pub fn present(store: &mut Store, ids: &[String], challenge: Option<String>, domain: Option<String>, keys: &KeyOptions) -> Result<Presented, Error> {
    let creds = ids.iter().map(|i| store.get(i)).collect::<Result<Vec<_>, _>>()?;
    let holder = crate::present::holder(store, keys)?;
    let opts = crate::present::PresentOptions {
        challenge: challenge.filter(|c| !c.is_empty()),
        domain: domain.filter(|d| !d.is_empty()),
        created: None,
    };
    let vp = crate::present::presentation(&creds, &holder, &opts)?;
    let mut body = serde_json::to_vec_pretty(&vp)?;
    body.push(b'\n');
    Ok(Presented { body, holder: holder.did, count: creds.len() })
}

/// A signed presentation.
#[derive(Debug, Clone)]
pub struct Presented {
    /// The presentation as pretty JSON.
    pub body: Vec<u8>,
    /// The holder's DID.
    pub holder: String,
    /// How many credentials it holds.
    pub count: usize,
}

/// The bundled sample credentials as import items (`count` of them; all by default).
pub fn sample_items(count: Option<usize>) -> Vec<super::import::Item> {
    let issuer = crate::sample::SampleIssuer::fixed();
    crate::sample::signed_credentials(count, Some(&issuer))
        .into_iter()
        .map(|(name, bytes)| super::import::Item::Bytes { name: format!("sample/{name}"), bytes })
        .collect()
}

/// Write the sample credentials into folder `out`; how many.
pub fn write_sample(out: &Path, count: Option<usize>) -> Result<usize, Error> {
    let files = crate::sample::signed_credentials(count, Some(&crate::sample::SampleIssuer::fixed()));
    std::fs::create_dir_all(out)?;
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes)?;
    }
    Ok(files.len())
}

/// What `info` shows about a backpack.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    /// The holder DID and where its key is kept (`keyring` or `store`), once made.
    pub holder: Option<HolderInfo>,
    /// The data folder.
    pub data_dir: PathBuf,
    /// The database file.
    pub database: PathBuf,
    /// How the store key is kept.
    pub key: Option<KeyKind>,
    /// The store's id.
    pub store_id: Option<String>,
    /// How many credentials.
    pub credentials: usize,
    /// The database schema's version.
    pub schema_version: i64,
}

/// The holder key, as `info` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HolderInfo {
    /// The holder's DID.
    pub did: String,
    /// Where its private key is kept.
    pub key: crate::present::KeyPlace,
}

/// The facts about the backpack in `store`.
pub fn info(store: &Store, opts: &KeyOptions) -> Result<Info, Error> {
    let dir = store.dir().to_path_buf();
    let meta = keys::describe(&dir)?;
    let holder = crate::present::existing_holder(store, opts)?;
    Ok(Info {
        holder: holder.map(|(did, key)| HolderInfo { did, key }),
        database: dir.join(crate::store::DB_FILE),
        data_dir: dir,
        key: meta.as_ref().map(|m| m.key),
        store_id: meta.map(|m| m.store_id),
        credentials: store.count()?,
        schema_version: store.schema_version()?,
    })
}
