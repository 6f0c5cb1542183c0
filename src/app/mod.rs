//! The use-case layer: each user action written once, called by both shells
//! (the `backpack` command line in `src/main.rs` and the app crate in
//! `src-tauri/`). The shells map arguments and DTOs in and print or serialise
//! results out; the decisions (what is verified on import, which verifier URLs
//! are accepted, which pathways are suggested) live here.
//!
//! - [`error`]: the one [`Error`] with a stable `code()` for everything that leaves the layer.
//! - [`pathways`]: pathway suggestions (existing pathways filtered out) and the exchange file's import (1 MiB cap).
//! - [`links`]: links to the verifier page: which verifier base URLs are accepted.
//! - [`import`]: import files, folders, URLs and text: parse, verify offline, store, save the report.

pub mod error;
pub mod import;
pub mod links;
pub mod pathways;

pub use error::Error;

use crate::store::Store;

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

/// Now as the store writes it (RFC 3339, seconds, `Z`).
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
