//! The use-case layer: each user action written once, called by both shells
//! (the `backpack` command line in `src/main.rs` and the app crate in
//! `src-tauri/`). The shells map arguments and DTOs in and print or serialise
//! results out; the decisions (what is verified on import, which verifier URLs
//! are accepted, which pathways are suggested) live here.
//!
//! - [`error`]: the one [`Error`] with a stable `code()` for everything that leaves the layer.
//! - [`pathways`]: pathway suggestions (existing pathways filtered out) and the exchange file's import (1 MiB cap).
//! - [`links`]: links to the verifier page: which verifier base URLs are accepted, which one links use.
//! - [`import`]: import files, folders, URLs and text: parse, verify offline, store, save the report.
//! - [`verify`]: what an argument names, verify many in order on `--jobs` threads, verify stored, `check`.
//! - [`library`]: detail, pictures, export in every format, presentations, backup/restore, sample, info.
//! - [`search`]: search, filters, sort and facets over the list (the app's Backpack screen, `backpack list`).
//! - [`receive`]: receive from issuers (OpenID4VCI, VC-API, DCC): offer shown first, verify, bind, store, deferred.
//! - [`shares`]: encrypted short shares, revoke, prune, share locations.
//! - [`page`]: the verifier page: publish it on a share location, check that a base answers with it.
//! - [`trust`]: the EU trusted lists' snapshot: status and refresh (Europass e-seals).
//! - [`text`]: plain text for terminals (detail, reports, rules, pathways, shares, info).
//! - [`images`]: credential pictures made safe to show (sniffed, size-capped `data:` URLs).
//!
//! [`Backpack`] is the session both shells open: the data folder, its store
//! and the key options it was opened with.

pub mod error;
pub mod images;
pub mod import;
pub mod library;
pub mod links;
pub mod page;
pub mod pathways;
pub mod receive;
pub mod search;
pub mod shares;
pub mod text;
pub mod trust;
pub mod verify;

pub use error::Error;

use std::path::{Path, PathBuf};

use crate::keys::{self, KeyOptions};
use crate::store::Store;

/// An open backpack: the data folder, its store, and how its key was found.
pub struct Backpack {
    /// The store (encrypted SQLite).
    pub store: Store,
    /// How the key was found (keyring, passphrase), reused for the holder key.
    pub keys: KeyOptions,
}

impl Backpack {
    /// Open (or create) the backpack in `dir`, its key from the keyring or a passphrase.
    pub fn open(dir: &Path, keys: KeyOptions) -> Result<Backpack, Error> {
        let (key, _) = keys::resolve(dir, &keys)?;
        let store = Store::open(dir, &key).map_err(|e| Error::new(e.code(), format!("opening the backpack in {}: {e}", dir.display())))?;
        Ok(Backpack { store, keys })
    }

    /// The data folder.
    pub fn dir(&self) -> PathBuf {
        self.store.dir().to_path_buf()
    }
}

impl StoreAccess for Backpack {
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, Error>) -> Result<T, Error> {
        f(&mut self.store)
    }
}

/// How a use case reaches the store: directly (the command line owns its
/// [`Store`]) or through a lock held only for the store step (the app keeps
/// one store behind a mutex, so parsing and verifying happen outside it).
pub trait StoreAccess {
    /// Run `f` with the store.
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, Error>) -> Result<T, Error>;
}

impl StoreAccess for Store {
    fn with_store<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, Error>) -> Result<T, Error> {
        f(self)
    }
}

/// How many worker threads: `jobs` when given (at least 1), else the cores
/// this process may use; never more than there are items.
pub fn workers(jobs: Option<usize>, items: usize) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).clamp(1, items.max(1))
}

/// Now as the store writes it (RFC 3339, seconds, `Z`).
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
