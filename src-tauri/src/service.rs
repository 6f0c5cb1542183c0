//! What the commands do, without Tauri: the open store, imports with per-item
//! results, verification, removal with undo, export, backup and restore. Each
//! function is one or two calls into the `backpack` core; the Tauri layer
//! (`commands`) only moves them off the UI thread and serialises the result.
//! Kept Tauri-free so it is tested against a real store in `cargo test`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use backpack::app::import as app_import;
use backpack::app::StoreAccess;
use backpack::import::{ImportOptions, Input};
use backpack::keys::{self, KeyOptions};
use backpack::store::{RestoreReport, Store, StoreKey, Summary};
use backpack::verify::{self, VerifyOptions};
use base64::Engine;
use serde::Serialize;

use crate::dto::{AppInfo, Detail, ImportItem, ItemResult, ListHead, ReportView, Written};
use crate::error::{AppError, AppResult};
use crate::images;
use crate::launch::{LaunchItem, LaunchProblem};

/// Everything the commands share.
pub struct AppState {
    pub data_dir: PathBuf,
    pub config_dir: Option<PathBuf>,
    store: Mutex<Result<Store, AppError>>,
    launch: Mutex<(Vec<LaunchItem>, Vec<LaunchProblem>)>,
    /// The list, read on a second connection while the web view starts.
    prefetch: Mutex<Option<Prefetched>>,
    pub started: Instant,
}

/// The list read ahead: still being read, or read (and not yet handed out whole).
enum Prefetched {
    Pending(Receiver<AppResult<Vec<Summary>>>),
    Ready(Vec<Summary>),
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::new("internal", e.to_string()))
}

impl From<ImportItem> for app_import::Item {
    fn from(i: ImportItem) -> Self {
        match i {
            ImportItem::Path { path } => app_import::Item::Input(Input::Path(path.into())),
            ImportItem::Url { url } => app_import::Item::Input(Input::Url(url)),
            ImportItem::Text { label, text } => app_import::Item::Input(Input::Text { label, text }),
            ImportItem::File { name, base64 } => match base64::engine::general_purpose::STANDARD.decode(base64.as_bytes()) {
                Ok(bytes) => app_import::Item::Bytes { name, bytes },
                Err(e) => app_import::Item::Unreadable {
                    source: name,
                    error: backpack::app::Error::new("bad-upload", format!("the file did not arrive intact: {e}")),
                },
            },
        }
    }
}

impl From<app_import::ItemResult> for ItemResult {
    fn from(r: app_import::ItemResult) -> Self {
        let status = r.status();
        match r.outcome {
            Ok(entries) => ItemResult { source: r.source, status, ids: entries.into_iter().map(|e| e.id).collect(), error: None },
            Err(e) => ItemResult { source: r.source, status, ids: vec![], error: Some(e.into()) },
        }
    }
}

/// The core's import reaches the app's one store through its lock, taken only
/// for the store step; the prefetched list is dropped first.
impl StoreAccess for &AppState {
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, backpack::app::Error>) -> Result<T, backpack::app::Error> {
        self.changed();
        let mut guard = self.lock();
        match guard.as_mut() {
            Ok(s) => f(s),
            Err(e) => Err(backpack::app::Error::new(e.code.clone(), e.message.clone())),
        }
    }
}

impl From<LaunchItem> for ImportItem {
    fn from(i: LaunchItem) -> Self {
        match i {
            LaunchItem::Path { path } => ImportItem::Path { path },
            LaunchItem::Url { url } => ImportItem::Url { url },
            LaunchItem::Text { label, text } => ImportItem::Text { label, text },
        }
    }
}

/// `nl` when the OS locale is Dutch, else `en`.
pub fn os_language() -> &'static str {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        if let Ok(v) = std::env::var(var) {
            if v.is_empty() {
                continue;
            }
            return if v.to_ascii_lowercase().starts_with("nl") { "nl" } else { "en" };
        }
    }
    "en"
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl AppState {
    /// Open the store in `data_dir` with the key from the keyring (or the
    /// passphrase the environment allows). A failure is kept and reported by
    /// every command, so the UI can explain it instead of crashing.
    pub fn open(data_dir: PathBuf, config_dir: Option<PathBuf>, opts: &KeyOptions) -> AppState {
        let mut key = None;
        let store = keys::resolve(&data_dir, opts).map_err(AppError::from).and_then(|(k, _)| {
            let s = Store::open(&data_dir, &k).map_err(AppError::from);
            key = Some(k);
            s
        });
        let st = AppState::with_store(data_dir, config_dir, store);
        if let (Some(k), true) = (key, st.lock().is_ok()) {
            st.start_prefetch(k);
        }
        st
    }

    /// Read the list on its own connection (WAL readers do not block the
    /// writer) so it is ready when the UI first asks; the UI's start then
    /// overlaps with the web view's.
    fn start_prefetch(&self, key: StoreKey) {
        let (tx, rx) = mpsc::channel();
        let dir = self.data_dir.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Store::open(&dir, &key).and_then(|s| s.list()).map_err(AppError::from));
        });
        *self.prefetch.lock().unwrap_or_else(|e| e.into_inner()) = Some(Prefetched::Pending(rx));
    }

    /// Forget a prefetched list (after any change to the store).
    pub(crate) fn changed(&self) {
        self.prefetch.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// The prefetch slot, with a pending read waited for (a failed one is
    /// dropped). The wait is bounded: `changed()` takes this lock before every
    /// write, and a read that hangs must not hang the writes (the callers then
    /// read the store themselves).
    fn settled_prefetch(&self) -> MutexGuard<'_, Option<Prefetched>> {
        let mut slot = self.prefetch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Prefetched::Pending(rx)) = &*slot {
            *slot = match rx.recv_timeout(std::time::Duration::from_secs(5)) {
                Ok(Ok(list)) => Some(Prefetched::Ready(list)),
                _ => None,
            };
        }
        slot
    }

    /// The first `limit` summaries and the list's length, as JSON: from the
    /// prefetched list (which stays for [`list_json`](Self::list_json)), else read now.
    pub fn list_head_json(&self, limit: usize) -> AppResult<String> {
        let head = |l: &[Summary]| to_json(&ListHead { total: l.len(), items: &l[..limit.min(l.len())] });
        if let Some(Prefetched::Ready(list)) = &*self.settled_prefetch() {
            return head(list.as_slice());
        }
        head(self.list()?.as_slice())
    }

    /// The whole list as JSON: the prefetched one the first time, else read now.
    pub fn list_json(&self) -> AppResult<String> {
        let ready = self.settled_prefetch().take();
        match ready {
            Some(Prefetched::Ready(list)) => to_json(&list),
            _ => to_json(&self.list()?),
        }
    }

    /// Open with a known key (tests).
    pub fn open_with_key(data_dir: PathBuf, key: &StoreKey) -> AppState {
        let store = Store::open(&data_dir, key).map_err(AppError::from);
        AppState::with_store(data_dir, None, store)
    }

    fn with_store(data_dir: PathBuf, config_dir: Option<PathBuf>, store: Result<Store, AppError>) -> AppState {
        AppState {
            data_dir,
            config_dir,
            store: Mutex::new(store),
            launch: Mutex::new((Vec::new(), Vec::new())),
            prefetch: Mutex::new(None),
            started: Instant::now(),
        }
    }

    pub fn set_launch(&self, items: Vec<LaunchItem>, problems: Vec<LaunchProblem>) {
        *self.launch.lock().unwrap_or_else(|e| e.into_inner()) = (items, problems);
    }

    /// What the app was opened with; handed out once.
    pub fn take_launch(&self) -> (Vec<LaunchItem>, Vec<LaunchProblem>) {
        std::mem::take(&mut *self.launch.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn lock(&self) -> MutexGuard<'_, Result<Store, AppError>> {
        // A panic while holding the lock leaves a usable connection (SQLite rolls back).
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        match &mut *self.lock() {
            Ok(store) => f(store),
            Err(e) => Err(AppError::new("store-unavailable", format!("the backpack cannot be opened: {}", e.message))),
        }
    }

    pub fn info(&self) -> AppInfo {
        // No count here: counting scans the whole encrypted table; the UI has the list.
        let store_error = self.lock().as_ref().err().cloned();
        AppInfo {
            name: "Backpack",
            version: env!("CARGO_PKG_VERSION"),
            data_dir: self.data_dir.display().to_string(),
            key: keys::describe(&self.data_dir).ok().flatten().map(|m| m.key),
            store_error,
            os_language: os_language(),
        }
    }

    pub fn list(&self) -> AppResult<Vec<Summary>> {
        self.with(|s| Ok(s.list()?))
    }

    pub fn detail(&self, id: &str) -> AppResult<Detail> {
        let (stored, report) = self.with(|s| Ok((s.get(id)?, s.report(id)?)))?;
        let c = &stored.credential;
        let image = stored
            .picture
            .as_ref()
            .and_then(|p| images::data_url(&p.bytes))
            .or_else(|| c.achievement.image.as_deref().and_then(images::from_reference));
        Ok(Detail {
            id: c.id.clone(),
            assessment: backpack::rules::assess(c),
            report: report.map(|(r, at)| ReportView { verdict: r.verdict, checks: r.checks, checked_at: at }),
            original: String::from_utf8_lossy(&stored.original).into_owned(),
            media_type: stored.media_type.clone(),
            format_label: c.format.label(),
            source: stored.source.clone(),
            imported_at: stored.imported_at.clone(),
            image,
            credential: stored.credential,
        })
    }

    /// Checked picture data URLs for the cards on screen (ids without a usable picture are left out).
    pub fn pictures(&self, ids: &[String]) -> AppResult<HashMap<String, String>> {
        self.with(|s| {
            let mut out = HashMap::new();
            for id in ids.iter().take(200) {
                if let Some(p) = s.picture(id)? {
                    if let Some(url) = images::data_url(&p.bytes) {
                        out.insert(id.clone(), url);
                    }
                }
            }
            Ok(out)
        })
    }

    /// Import one item through the core's import (parse and verify outside
    /// the store lock, store and save the report inside it).
    pub fn import_item(&self, item: ImportItem, opts: &ImportOptions) -> ItemResult {
        let mut access = self;
        ItemResult::from(app_import::import_one(&mut access, item.into(), opts))
    }

    /// Import a batch through the core's import (folders expanded there),
    /// calling `progress` after each item.
    pub fn import_items(&self, items: Vec<ImportItem>, opts: &ImportOptions, mut progress: impl FnMut(usize, usize, &ItemResult)) -> Vec<ItemResult> {
        let mut access = self;
        let items = items.into_iter().map(app_import::Item::from).collect();
        let mut out = Vec::new();
        app_import::import(&mut access, items, opts, |p| {
            let r = ItemResult::from(p.result.clone());
            progress(p.done, p.total, &r);
            out.push(r);
        });
        out
    }

    /// The bundled sample backpack: OB 3.0 samples signed by a sample issuer
    /// key made on this machine (kept in the data folder), OB 2.0 samples hosted.
    pub fn sample_items(&self) -> AppResult<Vec<ImportItem>> {
        backpack::store::create_private_dir(&self.data_dir)?;
        let issuer = backpack::sample::SampleIssuer::load_or_create(&self.data_dir.join("sample-issuer.json"))?;
        Ok(backpack::sample::signed_credentials(None, Some(&issuer))
            .into_iter()
            .map(|(name, bytes)| ImportItem::Text {
                label: format!("sample/{name}"),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
            .collect())
    }

    /// Verify a stored credential again and keep the report.
    pub fn verify(&self, id: &str, opts: &VerifyOptions) -> AppResult<ReportView> {
        let stored = self.with(|s| Ok(s.get(id)?))?;
        let real_id = stored.credential.id.clone();
        let report = verify::verify_parsed(&stored.into_parsed(), opts);
        let at = now();
        self.changed();
        self.with(|s| Ok(s.save_report(&real_id, &report, &at)?))?;
        Ok(ReportView { verdict: report.verdict, checks: report.checks, checked_at: at })
    }

    /// Move to the trash (undo with [`AppState::undo_remove`]).
    pub fn remove(&self, id: &str) -> AppResult<String> {
        self.changed();
        self.with(|s| Ok(s.trash(id)?))
    }

    pub fn undo_remove(&self, id: &str) -> AppResult<()> {
        self.changed();
        self.with(|s| Ok(s.untrash(id)?))
    }

    /// Write a credential to `dir`: its original bytes, or the normalised model as JSON.
    pub fn export(&self, id: &str, format: &str, dir: &Path) -> AppResult<Written> {
        let s = self.with(|s| Ok(s.get(id)?))?;
        let (bytes, ext) = match format {
            "original" => {
                let ext = if s.media_type.contains("json") { "json" } else { "jwt" };
                (s.original, ext)
            }
            "json" => {
                let mut v = serde_json::to_vec_pretty(&s.credential).map_err(|e| AppError::new("io", e.to_string()))?;
                v.push(b'\n');
                (v, "model.json")
            }
            other => return Err(AppError::new("invalid-format", format!("unknown export format '{other}'"))),
        };
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("backpack-{}.{ext}", s.credential.id));
        std::fs::write(&path, bytes)?;
        Ok(Written { path: path.display().to_string(), count: 1 })
    }

    pub fn backup(&self, passphrase: &str, dir: &Path) -> AppResult<Written> {
        if passphrase.chars().count() < 8 {
            return Err(AppError::new("weak-passphrase", "choose a passphrase of at least 8 characters"));
        }
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("backpack-backup-{}.backpack", chrono::Local::now().format("%Y%m%d-%H%M%S")));
        let count = self.with(|s| Ok(s.backup(&path, passphrase)?))?;
        Ok(Written { path: path.display().to_string(), count })
    }

    /// Restore from backup bytes (the file the user picked).
    pub fn restore(&self, bytes: &[u8], passphrase: &str, replace: bool) -> AppResult<RestoreReport> {
        let tmp = self.data_dir.join(format!(".restore-{}.partial", std::process::id()));
        backpack::store::write_private(&tmp, bytes)?;
        self.changed();
        let r = self.with(|s| Ok(s.restore(&tmp, passphrase, replace)?));
        let _ = std::fs::remove_file(&tmp);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backpack::verify::Verdict;

    fn state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::open_with_key(dir.path().join("data"), &StoreKey::Passphrase("test passphrase".into()));
        (dir, st)
    }

    #[test]
    fn sample_import_list_detail_verify_remove_undo() {
        let (_d, st) = state();
        let items = st.sample_items().unwrap();
        assert_eq!(items.len(), 6);
        let results: Vec<_> = items.into_iter().map(|i| st.import_item(i, &ImportOptions::default())).collect();
        assert!(results.iter().all(|r| r.status == "imported"), "{results:?}");

        let list = st.list().unwrap();
        assert_eq!(list.len(), 6);
        // Imported credentials come with an offline report: the signed OB 3.0 samples are valid.
        let signed = list.iter().find(|s| s.format == backpack::model::Format::Ob3JsonLd).unwrap();
        assert_eq!(signed.verdict, Some(Verdict::Valid));

        let d = st.detail(&signed.id).unwrap();
        assert_eq!(d.id, signed.id);
        assert!(d.original.contains("\"proof\""));
        assert!(!d.credential.achievement.learning_outcomes.is_empty());
        assert!(d.image.as_deref().unwrap().starts_with("data:image/png;base64,"));
        assert_eq!(d.report.as_ref().unwrap().verdict, Verdict::Valid);

        let r = st.verify(&signed.id, &VerifyOptions { fetcher: None, now: chrono::Utc::now() }).unwrap();
        assert_eq!(r.verdict, Verdict::Valid);
        assert!(r.checks.iter().any(|c| c.check == "proof"));

        st.remove(&signed.id).unwrap();
        assert_eq!(st.list().unwrap().len(), 5);
        assert_eq!(st.detail(&signed.id).unwrap_err().code, "not-found");
        st.undo_remove(&signed.id).unwrap();
        assert_eq!(st.list().unwrap().len(), 6);
    }

    #[test]
    fn per_item_results_for_duplicates_and_rejections() {
        let (_d, st) = state();
        let text = st.sample_items().unwrap().remove(1);
        let opts = ImportOptions::default();
        assert_eq!(st.import_item(text.clone(), &opts).status, "imported");
        assert_eq!(st.import_item(text, &opts).status, "duplicate");
        let bad = st.import_item(ImportItem::Text { label: "paste".into(), text: "{\"hello\": 1}".into() }, &opts);
        assert_eq!(bad.status, "rejected");
        assert_eq!(bad.error.unwrap().code, "not-a-badge");
        let bad = st.import_item(ImportItem::File { name: "x.png".into(), base64: "%%%".into() }, &opts);
        assert_eq!(bad.error.unwrap().code, "bad-upload");
        let offline = st.import_item(ImportItem::Url { url: "https://example.org/a".into() }, &opts);
        assert_eq!(offline.error.unwrap().code, "fetch-failed");
        assert_eq!(st.list().unwrap().len(), 1);
    }

    #[test]
    fn export_backup_restore() {
        let (d, st) = state();
        for i in st.sample_items().unwrap() {
            st.import_item(i, &ImportOptions::default());
        }
        let id = st.list().unwrap()[0].id.clone();
        let out = d.path().join("out");
        let w = st.export(&id, "original", &out).unwrap();
        let original = std::fs::read(&w.path).unwrap();
        assert_eq!(original, st.with(|s| Ok(s.get(&id)?.original)).unwrap());
        assert_eq!(st.export(&id, "pdf", &out).unwrap_err().code, "invalid-format");

        assert_eq!(st.backup("short", &out).unwrap_err().code, "weak-passphrase");
        let b = st.backup("correct horse battery", &out).unwrap();
        assert_eq!(b.count, 6);
        let bytes = std::fs::read(&b.path).unwrap();

        let (_d2, other) = state();
        assert_eq!(other.restore(&bytes, "wrong passphrase", false).unwrap_err().code, "bad-backup");
        assert_eq!(other.list().unwrap().len(), 0);
        let r = other.restore(&bytes, "correct horse battery", false).unwrap();
        assert_eq!(r.added, 6);
        assert_eq!(other.list().unwrap().len(), 6);
    }

    #[test]
    fn the_prefetched_list_is_used_once_and_dropped_after_changes() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let key = StoreKey::Passphrase("prefetch test".into());
        let st = AppState::open_with_key(data.clone(), &key);
        let items = st.sample_items().unwrap();
        st.import_item(items[0].clone(), &ImportOptions::default());
        drop(st);

        let st = AppState::open_with_key(data, &key);
        st.start_prefetch(key);
        let first: Vec<serde_json::Value> = serde_json::from_str(&st.list_json().unwrap()).unwrap();
        assert_eq!(first.len(), 1);
        st.start_prefetch(StoreKey::Passphrase("prefetch test".into()));
        // An import after the prefetch started: the stale list must not be served.
        st.import_item(items[1].clone(), &ImportOptions::default());
        let second: Vec<serde_json::Value> = serde_json::from_str(&st.list_json().unwrap()).unwrap();
        assert_eq!(second.len(), 2);
    }

    #[test]
    fn the_first_page_comes_from_the_prefetched_list_and_agrees_with_the_whole_list() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let key = StoreKey::Passphrase("head test".into());
        let st = AppState::open_with_key(data.clone(), &key);
        for item in st.sample_items().unwrap() {
            st.import_item(item, &ImportOptions::default());
        }
        drop(st);

        let st = AppState::open_with_key(data, &key);
        st.start_prefetch(key);
        let head: serde_json::Value = serde_json::from_str(&st.list_head_json(4).unwrap()).unwrap();
        // Asking for the head leaves the prefetched list for the whole-list call.
        assert!(matches!(&*st.prefetch.lock().unwrap(), Some(Prefetched::Ready(l)) if l.len() == 6));
        let all: Vec<serde_json::Value> = serde_json::from_str(&st.list_json().unwrap()).unwrap();
        assert!(st.prefetch.lock().unwrap().is_none(), "the whole list is handed out once");
        assert_eq!(head["total"], 6);
        assert_eq!(head["items"].as_array().unwrap()[..], all[..4]);
        // More than there are, and after the prefetch is gone: read from the store.
        let again: serde_json::Value = serde_json::from_str(&st.list_head_json(50).unwrap()).unwrap();
        assert_eq!(again["items"].as_array().unwrap()[..], all[..]);
        assert_eq!(again["total"], 6);
    }

    #[test]
    fn a_store_that_cannot_open_explains_itself() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        drop(AppState::open_with_key(data.clone(), &StoreKey::Passphrase("one".into())));
        let st = AppState::open_with_key(data, &StoreKey::Passphrase("two".into()));
        assert_eq!(st.info().store_error.unwrap().code, "wrong-key");
        assert_eq!(st.list().unwrap_err().code, "store-unavailable");
    }
}
