//! The app's own shapes that cross IPC: what the `#[tauri::command]`s take
//! and return beyond the core's types (`backpack::model`, `backpack::verify`,
//! `backpack::store`, `backpack::pathway`, ...). Definitions only; the code
//! that fills them is in [`crate::service`], [`crate::plans`] and
//! [`crate::sharing`].
//!
//! Every type here (and every core type they hold) derives `ts_rs::TS`; the
//! `export_bindings` test in `bindings.rs` writes their TypeScript into
//! `ui/src/lib/generated/`. IPC types are generated, never hand-written: a
//! change here is a change there (`cargo test -p backpack-app export_bindings`).
//! The serde attributes decide the JSON; ts-rs reads them, so keep them here.

use backpack::keys::KeyKind;
use backpack::model::Credential;
use backpack::pathway::{AchievementRef, Goal, Progress};
use backpack::rules::Assessment;
use backpack::share::records::{ShareRecord, ShareState};
use backpack::share::LinkKind;
use backpack::store::Summary;
use backpack::verify::{Check, Verdict};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppError;
use crate::launch::{LaunchItem, LaunchProblem};

// ---- credentials (crate::service) ----

/// The first page of the list and the list's length (the first screen's data).
#[derive(Serialize, TS)]
pub struct ListHead<'a> {
    pub total: usize,
    pub items: &'a [Summary],
}

/// Header facts and the store's health, for the first screen and Settings.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub data_dir: String,
    /// How the store key is kept (`keyring` or `passphrase`), once known.
    pub key: Option<KeyKind>,
    /// Why the store could not be opened (then nothing else works).
    pub store_error: Option<AppError>,
    /// `nl` or `en` from the OS locale (LC_ALL, LC_MESSAGES, LANG).
    #[ts(type = r#""nl" | "en""#)]
    pub os_language: &'static str,
}

/// One item for [`crate::AppState::import_item`], as the UI sends it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ImportItem {
    Path { path: String },
    Url { url: String },
    Text { label: String, text: String },
    /// A file chosen with the file picker: its name and base64 bytes.
    File { name: String, base64: String },
}

/// The result of importing one item (a CLR brings several ids).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct ItemResult {
    pub source: String,
    /// `imported`, `duplicate` or `rejected`.
    #[ts(type = r#""imported" | "duplicate" | "rejected""#)]
    pub status: &'static str,
    pub ids: Vec<String>,
    pub error: Option<AppError>,
}

/// Progress of a batch import, one message per finished item.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
    pub result: ItemResult,
}

/// What the app was opened with ("open with" files, `backpack://` links), once.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LaunchItems {
    pub items: Vec<LaunchItem>,
    pub problems: Vec<LaunchProblem>,
}

/// A verification report with the moment it was made.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportView {
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    pub checked_at: String,
}

/// Everything the detail screen shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Detail {
    pub id: String,
    pub credential: Credential,
    pub assessment: Assessment,
    pub report: Option<ReportView>,
    /// The original exactly as stored (JSON text or compact JWS).
    pub original: String,
    pub media_type: String,
    pub format_label: &'static str,
    pub source: String,
    pub imported_at: String,
    /// A checked `data:` URL (the baked picture, else the achievement's embedded image).
    pub image: Option<String>,
}

/// A file (or files) written for the user, and how many credentials went in.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Written {
    pub path: String,
    pub count: usize,
}

// ---- pathways and the exemption dossier (crate::plans) ----

/// A pathway with its progress, as the Pathways screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PathwayView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub goal: Goal,
    pub members: Vec<String>,
    pub progress: Progress,
}

/// What the learner fills in to make or change a pathway.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PathwayDraft {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub goal: Goal,
}

/// The "Request exemption" form.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExemptionRequest {
    /// A pathway whose members go in (its name becomes the dossier's subject)...
    #[serde(default)]
    pub pathway: Option<String>,
    /// ...and/or chosen credentials.
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub learner: Option<String>,
    /// What is asked: which course, which programme.
    #[serde(default)]
    pub request: Option<String>,
    /// `nl` or `en`.
    #[ts(type = r#""nl" | "en""#)]
    pub lang: String,
    /// Verify every credential first (with the network), so the dossier shows fresh reports.
    #[serde(default)]
    pub verify: bool,
}

/// Where the dossier went.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DossierWritten {
    pub folder: String,
    pub files: Vec<String>,
    pub credentials: usize,
}

/// Import result: the new pathway and the members it names that the learner does not hold.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PathwayImported {
    pub pathway: PathwayView,
    pub not_held: Vec<AchievementRef>,
}

// ---- sharing (crate::sharing) ----

/// A share as the UI lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShareRow {
    #[serde(flatten)]
    pub record: ShareRecord,
    pub state: ShareState,
    /// The credential's title (empty when it has left the backpack).
    pub title: String,
}

/// The QR code of the best link that fits, as a `data:image/svg+xml` URL.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QrView {
    pub kind: LinkKind,
    pub link: String,
    pub svg: String,
}

/// Everything the Share dialog shows for one credential.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShareView {
    pub id: String,
    pub base: String,
    pub self_contained: String,
    pub issuer: Option<String>,
    /// The newest live encrypted short link, if any.
    pub short: Option<String>,
    pub qr: Option<QrView>,
    /// Why there is no QR code (nothing fits).
    pub qr_problem: Option<AppError>,
    pub linkedin_add: String,
    pub linkedin_share: String,
    pub locations: Vec<String>,
    pub shares: Vec<ShareRow>,
}

/// A share location as Settings shows it (never its secret).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LocationView {
    pub name: String,
    #[ts(type = r#""webdav" | "s3""#)]
    pub kind: &'static str,
    pub target: String,
    pub public_url: Option<String>,
}

/// "Add a share location" in Settings: a WebDAV folder (Nextcloud, SURFdrive, a static host with PUT).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LocationDraft {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub public_url: Option<String>,
}
