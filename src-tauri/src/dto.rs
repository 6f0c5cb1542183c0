//! What crosses IPC and is the app's own (the rest are the core's types,
//! mostly `backpack::app`'s): import items as the UI sends them, per-item
//! results and progress, launch items, files written, the header facts, the
//! share-location form. Every type here (and every
//! core type they hold) derives `ts_rs::TS`; `bindings.rs` writes them into
//! `ui/src/lib/generated/`.

use backpack::app::import as core_import;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppError;
use crate::launch::{LaunchItem, LaunchProblem};

/// A file the UI sent as base64 (picked with the file picker).
pub fn upload(base64: &str) -> Result<Vec<u8>, AppError> {
    base64::engine::general_purpose::STANDARD.decode(base64.as_bytes()).map_err(|e| AppError::new("bad-upload", format!("the file did not arrive intact: {e}")))
}

/// One item to import, as the UI sends it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ImportItem {
    Path { path: String },
    Url { url: String },
    Text { label: String, text: String },
    /// A file chosen with the file picker: its name and base64 bytes.
    File { name: String, base64: String },
}

impl From<ImportItem> for core_import::Item {
    fn from(i: ImportItem) -> Self {
        use backpack::import::Input;
        match i {
            ImportItem::Path { path } => core_import::Item::Input(Input::Path(path.into())),
            ImportItem::Url { url } => core_import::Item::Input(Input::Url(url)),
            ImportItem::Text { label, text } => core_import::Item::Input(Input::Text { label, text }),
            ImportItem::File { name, base64 } => match upload(&base64) {
                Ok(bytes) => core_import::Item::Bytes { name, bytes },
                Err(error) => core_import::Item::Unreadable { source: name, error },
            },
        }
    }
}

impl TryFrom<LaunchItem> for ImportItem {
    type Error = LaunchItem;

    /// An import input; an offer ([`LaunchItem::Receive`]) is not one (it goes to the Receive screen).
    fn try_from(i: LaunchItem) -> Result<Self, LaunchItem> {
        match i {
            LaunchItem::Path { path } => Ok(ImportItem::Path { path }),
            LaunchItem::Url { url } => Ok(ImportItem::Url { url }),
            LaunchItem::Text { label, text } => Ok(ImportItem::Text { label, text }),
            offer @ LaunchItem::Receive { .. } => Err(offer),
        }
    }
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

impl From<&core_import::ItemResult> for ItemResult {
    fn from(r: &core_import::ItemResult) -> Self {
        let (ids, error) = match &r.outcome {
            Ok(entries) => (entries.iter().map(|e| e.id.clone()).collect(), None),
            Err(e) => (vec![], Some(e.clone())),
        };
        ItemResult { source: r.source.clone(), status: r.status(), ids, error }
    }
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

/// A file the app wrote (into Downloads or Documents).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Written {
    pub path: String,
    pub count: usize,
}

/// Header facts and the store's health, for the first screen and Settings.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub data_dir: String,
    /// How the store key is kept (`keyring` or `passphrase`), once known.
    pub key: Option<backpack::keys::KeyKind>,
    /// Why the store could not be opened (then nothing else works).
    pub store_error: Option<AppError>,
    /// `nl` or `en` from the OS locale (LC_ALL, LC_MESSAGES, LANG).
    #[ts(type = r#""nl" | "en""#)]
    pub os_language: &'static str,
}

/// A pathway file loaded: the new pathway and the members it names that the learner does not hold.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PathwayImported {
    pub pathway: backpack::app::pathways::PathwayView,
    pub not_held: Vec<backpack::pathway::AchievementRef>,
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

impl LocationDraft {
    /// The core's draft, and the password.
    pub fn into_parts(self) -> (backpack::app::shares::LocationDraft, Option<String>) {
        let kind = backpack::share::host::LocationKind::Webdav { url: self.url, user: self.user };
        (backpack::app::shares::LocationDraft { name: self.name, kind, public_url: self.public_url }, self.password)
    }
}
