//! The state every command shares: the one open store behind a lock (or why
//! it could not be opened), what the app was launched with, and the list
//! with its search index (`backpack::app::search::Index`): read ahead on a
//! second connection while the web view starts, kept until the store changes,
//! read again when next searched. Use cases are the core's (`backpack::app`);
//! [`AppState::with`] lends them the store.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use backpack::app::search::{Facets, Filters, Index};
use backpack::app::StoreAccess;
use backpack::keys::{self, KeyOptions};
use backpack::store::{Store, StoreKey};
use serde::Serialize;

use crate::dto::AppInfo;
use crate::error::{AppError, AppResult};
use crate::launch::{LaunchItem, LaunchProblem};

/// Everything the commands share.
pub struct AppState {
    pub data_dir: PathBuf,
    pub config_dir: Option<PathBuf>,
    store: Mutex<Result<Store, AppError>>,
    launch: Mutex<(Vec<LaunchItem>, Vec<LaunchProblem>)>,
    /// The list and its search index (none after a change, until the next search).
    library: Mutex<Library>,
    pub started: Instant,
    /// Set by `receive_cancel`, read by a running receive (the browser sign-in wait); cleared at each start.
    pub receive_cancel: AtomicBool,
}

/// The list and its index: not read (or dropped by a change), being read ahead, or read.
enum Library {
    Stale,
    Pending(Receiver<AppResult<Index>>),
    Ready(Arc<Index>),
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> AppResult<String> {
    Ok(serde_json::to_string(v)?)
}

/// The core's use cases reach the app's one store through its lock; the
/// list is dropped before and after any change.
impl StoreAccess for &AppState {
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        self.change(f)
    }
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

    /// Open with a known key (tests).
    pub fn open_with_key(data_dir: PathBuf, key: &StoreKey) -> AppState {
        let store = Store::open(&data_dir, key).map_err(AppError::from);
        AppState::with_store(data_dir, None, store)
    }

    fn with_store(data_dir: PathBuf, config_dir: Option<PathBuf>, store: Result<Store, AppError>) -> AppState {
        let launch = Mutex::new((Vec::new(), Vec::new()));
        AppState {
            data_dir,
            config_dir,
            store: Mutex::new(store),
            launch,
            library: Mutex::new(Library::Stale),
            started: Instant::now(),
            receive_cancel: AtomicBool::new(false),
        }
    }

    /// Read the list and index it on its own connection (WAL readers do not
    /// block the writer) so it is ready when the UI first asks; the UI's start
    /// then overlaps with the web view's.
    fn start_prefetch(&self, key: StoreKey) {
        let (tx, rx) = mpsc::channel();
        let dir = self.data_dir.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Store::open(&dir, &key).and_then(|s| s.list()).map(Index::new).map_err(AppError::from));
        });
        *self.library_slot() = Library::Pending(rx);
    }

    fn library_slot(&self) -> MutexGuard<'_, Library> {
        self.library.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forget the list (around any change to the store).
    pub fn changed(&self) {
        *self.library_slot() = Library::Stale;
    }

    /// The list and its index: the one read ahead (waited for; the wait is
    /// bounded, and a failed read is dropped), the one kept since, or read
    /// now. A list read now is kept while the store lock is still held, so
    /// a change (which drops the list after it let go of the store) can never
    /// be followed by a list read before it.
    pub fn library(&self) -> AppResult<Arc<Index>> {
        {
            let mut slot = self.library_slot();
            if let Library::Pending(rx) = &*slot {
                *slot = match rx.recv_timeout(std::time::Duration::from_secs(5)) {
                    Ok(Ok(ix)) => Library::Ready(Arc::new(ix)),
                    _ => Library::Stale,
                };
            }
            if let Library::Ready(ix) = &*slot {
                return Ok(ix.clone());
            }
        }
        self.with(|s| {
            let ix = Arc::new(Index::new(s.list()?));
            *self.library_slot() = Library::Ready(ix.clone());
            Ok(ix)
        })
    }

    /// One page of the credentials matching `filters`, as JSON.
    pub fn search_json(&self, filters: &Filters, offset: usize, limit: usize) -> AppResult<String> {
        to_json(&self.library()?.search(filters, offset, limit))
    }

    /// The issuers, years and EQF levels in the backpack.
    pub fn facets(&self) -> AppResult<Facets> {
        Ok(self.library()?.facets())
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

    /// Lend the store to a core use case that only reads (writers use [`change`](Self::change) or go through [`StoreAccess`]).
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        match &mut *self.lock() {
            Ok(store) => f(store),
            Err(e) => Err(AppError::new("store-unavailable", format!("the backpack cannot be opened: {}", e.message()))),
        }
    }

    /// Lend the store to a use case that changes it. The list is dropped
    /// before (no search answers from it meanwhile) and after (a search that
    /// read the store just before the change kept the old list).
    pub fn change<T>(&self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        self.changed();
        let r = self.with(f);
        self.changed();
        r
    }

    pub fn info(&self) -> AppInfo {
        // No count here: counting scans the whole encrypted table; a search answers with it.
        AppInfo {
            name: "Backpack",
            version: env!("CARGO_PKG_VERSION"),
            data_dir: self.data_dir.display().to_string(),
            key: keys::describe(&self.data_dir).ok().flatten().map(|m| m.key),
            store_error: self.lock().as_ref().err().cloned(),
            os_language: backpack::app::text::os_language(),
        }
    }
}
