//! The state every command shares: the one open store behind a lock (or why
//! it could not be opened), what the app was launched with, and the list
//! read ahead on a second connection while the web view starts. Use cases
//! are the core's (`backpack::app`); [`AppState::with`] lends them the store.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use backpack::app::StoreAccess;
use backpack::keys::{self, KeyOptions};
use backpack::store::{Store, StoreKey, Summary};
use serde::Serialize;

use crate::dto::{AppInfo, ListHead};
use crate::error::{AppError, AppResult};
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
    /// Set by `receive_cancel`, read by a running receive (the browser sign-in wait); cleared at each start.
    pub receive_cancel: AtomicBool,
}

/// The list read ahead: still being read, or read (and not yet handed out whole).
enum Prefetched {
    Pending(Receiver<AppResult<Vec<Summary>>>),
    Ready(Vec<Summary>),
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> AppResult<String> {
    Ok(serde_json::to_string(v)?)
}

/// The core's use cases reach the app's one store through its lock; any
/// change drops the prefetched list first.
impl StoreAccess for &AppState {
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        self.changed();
        self.with(f)
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
            prefetch: Mutex::new(None),
            started: Instant::now(),
            receive_cancel: AtomicBool::new(false),
        }
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

    /// Forget a prefetched list (before any change to the store).
    pub fn changed(&self) {
        self.prefetch.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// The prefetch slot, with a pending read waited for (a failed one is
    /// dropped). The wait is bounded: `changed()` takes this lock before every
    /// write, and a read that hangs must not hang the writes.
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
        head(self.with(|s| Ok(s.list()?))?.as_slice())
    }

    /// The whole list as JSON: the prefetched one the first time, else read now.
    pub fn list_json(&self) -> AppResult<String> {
        let ready = self.settled_prefetch().take();
        match ready {
            Some(Prefetched::Ready(list)) => to_json(&list),
            _ => to_json(&self.with(|s| Ok(s.list()?))?),
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

    /// Lend the store to a core use case (reads; writers call [`changed`](Self::changed) first or go through [`StoreAccess`]).
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        match &mut *self.lock() {
            Ok(store) => f(store),
            Err(e) => Err(AppError::new("store-unavailable", format!("the backpack cannot be opened: {}", e.message()))),
        }
    }

    /// Lend the store to a use case that changes it (the prefetched list is dropped first).
    pub fn change<T>(&self, f: impl FnOnce(&mut Store) -> AppResult<T>) -> AppResult<T> {
        self.changed();
        self.with(f)
    }

    pub fn info(&self) -> AppInfo {
        // No count here: counting scans the whole encrypted table; the UI has the list.
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
