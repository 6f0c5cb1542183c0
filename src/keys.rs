//! Where the store's key lives: the OS keyring, or a passphrase.
//!
//! On first use a random 256-bit key is generated and saved in the OS keyring
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) under service `Backpack`, account `store-<store id>`. The store
//! id is a random, non-secret value in `store.json` inside the data folder,
//! so a moved folder keeps its key. When no keyring answers, the user may set
//! `BACKPACK_PASSPHRASE`; `store.json` records which of the two a store uses,
//! so one store never silently switches to the other.
//!
//! A new store is made in this order, so that a crash at any point leaves a
//! folder the next run can finish (and a finished store is never remade):
//! the key (keyring entry), `store.json` marked `"pending": true`, the
//! database (made whole under a temporary name, see [`Store::create`]), then
//! `store.json` without the mark. Only a folder with neither `store.json` nor
//! a database, or a pending `store.json` (nothing was ever stored), gets a new
//! store; anything else with a missing, empty or damaged database is reported
//! by [`Store::open`]. `store.json` is written 0600 and tightened on read.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::secrets;
use crate::store::{create_private_dir, Store, StoreKey};

/// The keyring service Backpack's entries are filed under (see [`crate::secrets`]).
pub const KEYRING_SERVICE: &str = secrets::SERVICE;
pub use crate::store::META_FILE;

/// How a store's key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// A random 256-bit key in the OS keyring (account `store-<store id>`).
    Keyring,
    /// A passphrase from `BACKPACK_PASSPHRASE`, stretched by SQLCipher.
    Passphrase,
}

/// The contents of `store.json`: which store this is and how its key is kept (no secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreMeta {
    /// Random, non-secret store id (32 hex digits); names the keyring account, so a moved folder keeps its key.
    pub store_id: String,
    /// Whether the key is in the keyring or a passphrase; fixed when the store is made.
    pub key: KeyKind,
    /// Set while the store is being made; a store whose `store.json` says so
    /// was never used and may be made again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
}

/// What the caller allows.
#[derive(Debug, Clone, Default)]
pub struct KeyOptions {
    /// `BACKPACK_PASSPHRASE`, if set.
    pub passphrase: Option<String>,
    /// Do not touch the keyring at all (`BACKPACK_KEYRING=off`).
    pub keyring_off: bool,
}

impl KeyOptions {
    /// Reads `BACKPACK_PASSPHRASE` (ignored when empty) and `BACKPACK_KEYRING` (`off`, `0`, `false` or `no` turn the keyring off).
    pub fn from_env() -> KeyOptions {
        KeyOptions {
            passphrase: std::env::var("BACKPACK_PASSPHRASE").ok().filter(|p| !p.is_empty()),
            keyring_off: matches!(
                std::env::var("BACKPACK_KEYRING").as_deref(),
                Ok("off" | "0" | "false" | "no")
            ),
        }
    }
}

/// Why the store's key could not be found or made. Each variant has a stable [`KeyError::code`].
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A new store needs a key, no keyring answered and no passphrase was given.
    #[error("no OS keyring answered ({detail}). Start a Secret Service (for example gnome-keyring) or set BACKPACK_PASSPHRASE to keep this store under a passphrase instead")]
    NoKeyring {
        /// The keyring's error.
        detail: String,
    },
    /// The store's key is in the keyring, but the keyring does not answer (locked, not running).
    #[error("this store's key is kept in the OS keyring, but the keyring cannot be reached: {detail}")]
    KeyringUnavailable {
        /// The keyring's error.
        detail: String,
    },
    /// The keyring answers but has no entry for this store: the database cannot be opened.
    #[error("this store's key is missing from the OS keyring (store {store_id}); without it the database cannot be opened. Restore from a backup, or recover the keyring")]
    KeyMissing {
        /// The store id from `store.json`.
        store_id: String,
    },
    /// The store uses a passphrase and `BACKPACK_PASSPHRASE` is not set.
    #[error("this store is protected by a passphrase: set BACKPACK_PASSPHRASE")]
    PassphraseNeeded,
    /// The keyring entry is not 64 hex digits (a 256-bit key).
    #[error("the key in the OS keyring is malformed")]
    BadKey,
    /// `store.json` cannot be read, written or parsed; holds the message with its path.
    #[error("{0}")]
    Meta(String),
    /// Opening or making the database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl KeyError {
    /// A stable code the CLI JSON and the app can match on; a [`KeyError::Store`] gives the store error's code.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NoKeyring { .. } => "no-keyring",
            KeyError::KeyringUnavailable { .. } => "keyring-unavailable",
            KeyError::KeyMissing { .. } => "key-missing",
            KeyError::PassphraseNeeded => "passphrase-needed",
            KeyError::BadKey => "bad-key",
            KeyError::Meta(_) => "store-meta",
            KeyError::Store(e) => e.code(),
        }
    }
}

fn read_meta(dir: &Path) -> Result<Option<StoreMeta>, KeyError> {
    let path = dir.join(META_FILE);
    crate::store::tighten(&path, 0o600);
    match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|e| KeyError::Meta(format!("{} is damaged: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(KeyError::Meta(format!("cannot read {}: {e}", path.display()))),
    }
}

fn write_meta(dir: &Path, meta: &StoreMeta) -> Result<(), KeyError> {
    create_private_dir(dir).map_err(|e| KeyError::Meta(e.to_string()))?;
    let path = dir.join(META_FILE);
    let body = serde_json::to_vec_pretty(meta).map_err(|e| KeyError::Meta(e.to_string()))?;
    crate::store::write_private(&path, &body).map_err(|e| KeyError::Meta(format!("cannot write {}: {e}", path.display())))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut k = [0u8; N];
    getrandom::fill(&mut k).expect("the OS random number generator failed");
    k
}

/// The keyring account of a store's key.
fn account(store_id: &str) -> String {
    format!("store-{store_id}")
}

fn decode_key(hexkey: &str) -> Result<[u8; 32], KeyError> {
    let v = hex::decode(hexkey.trim()).map_err(|_| KeyError::BadKey)?;
    v.try_into().map_err(|_| KeyError::BadKey)
}

/// Find (or, for a new store, create) the key for the store in `dir`. A new
/// store's database is made here too, before `store.json` is final.
pub fn resolve(dir: &Path, opts: &KeyOptions) -> Result<(StoreKey, KeyKind), KeyError> {
    if read_meta(dir)?.is_some_and(|m| !m.pending) {
        return resolve_inner(dir, opts);
    }
    // A store is being made: one process at a time (the app and the CLI
    // started together must not make two keys for one database).
    create_private_dir(dir)?;
    let _lock = creation_lock(dir)?;
    resolve_inner(dir, opts)
}

/// Held while a store is made (see [`resolve`]).
const LOCK_FILE: &str = ".backpack.lock";

/// An exclusive lock across processes, released when the connection is
/// dropped: SQLite's own file locking on an empty, unencrypted database (so
/// it works wherever the store does, with no other dependency; `File::lock`
/// needs Rust 1.89).
fn creation_lock(dir: &Path) -> Result<rusqlite::Connection, KeyError> {
    let path = dir.join(LOCK_FILE);
    let failed = |e: String| KeyError::Meta(format!("cannot lock {}: {e}", path.display()));
    if let Err(e) = crate::store::create_private_file(&path) {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(failed(e.to_string()));
        }
    }
    let conn = rusqlite::Connection::open(&path).map_err(|e| failed(e.to_string()))?;
    conn.busy_timeout(std::time::Duration::from_secs(60)).map_err(|e| failed(e.to_string()))?;
    conn.execute_batch("BEGIN EXCLUSIVE").map_err(|e| failed(e.to_string()))?;
    Ok(conn)
}

fn resolve_inner(dir: &Path, opts: &KeyOptions) -> Result<(StoreKey, KeyKind), KeyError> {
    let db_exists = std::fs::symlink_metadata(dir.join(crate::store::DB_FILE)).is_ok();
    match read_meta(dir)? {
        Some(meta) => {
            let key = match meta.key {
                KeyKind::Passphrase => opts.passphrase.clone().map(StoreKey::Passphrase).ok_or(KeyError::PassphraseNeeded)?,
                KeyKind::Keyring => {
                    if opts.keyring_off {
                        return Err(KeyError::KeyringUnavailable {
                            detail: "the keyring is turned off (BACKPACK_KEYRING=off)".into(),
                        });
                    }
                    match secrets::get(&account(&meta.store_id)) {
                        Ok(Some(h)) => StoreKey::Raw(decode_key(&h)?),
                        // No key and nothing stored yet (a first run stopped
                        // before the database was made, or still pending): start over.
                        Ok(None) if meta.pending || !db_exists => {
                            return create(dir, &meta.store_id, KeyKind::Keyring, opts);
                        }
                        Ok(None) => {
                            return Err(KeyError::KeyMissing {
                                store_id: meta.store_id,
                            })
                        }
                        Err(e) => return Err(KeyError::KeyringUnavailable { detail: e.to_string() }),
                    }
                }
            };
            if meta.pending {
                // A first run that stopped part-way: nothing was ever stored; finish it.
                finish(dir, &meta, &key)?;
            }
            Ok((key, meta.key))
        }
        None => {
            if db_exists {
                return Err(KeyError::Meta(format!(
                    "{} is missing next to the database; cannot tell where its key is",
                    dir.join(META_FILE).display()
                )));
            }
            let store_id = hex::encode(random_bytes::<16>());
            if !opts.keyring_off {
                match create(dir, &store_id, KeyKind::Keyring, opts) {
                    Ok(r) => return Ok(r),
                    Err(e @ KeyError::NoKeyring { .. }) if opts.passphrase.is_none() => return Err(e),
                    Err(KeyError::NoKeyring { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            if opts.passphrase.is_none() {
                return Err(KeyError::NoKeyring {
                    detail: "the keyring is turned off (BACKPACK_KEYRING=off)".into(),
                });
            }
            create(dir, &store_id, KeyKind::Passphrase, opts)
        }
    }
}

/// Make a new store: its key, `store.json` (pending), the database, then
/// `store.json` final.
fn create(dir: &Path, store_id: &str, kind: KeyKind, opts: &KeyOptions) -> Result<(StoreKey, KeyKind), KeyError> {
    let key = match kind {
        KeyKind::Keyring => StoreKey::Raw(new_keyring_key(store_id)?),
        KeyKind::Passphrase => StoreKey::Passphrase(opts.passphrase.clone().ok_or(KeyError::PassphraseNeeded)?),
    };
    let meta = StoreMeta {
        store_id: store_id.to_string(),
        key: kind,
        pending: true,
    };
    write_meta(dir, &meta)?;
    finish(dir, &meta, &key)?;
    Ok((key, kind))
}

/// Make the database of a pending store (replacing whatever an interrupted
/// attempt left) and mark `store.json` final.
fn finish(dir: &Path, meta: &StoreMeta, key: &StoreKey) -> Result<(), KeyError> {
    Store::create(dir, key)?;
    write_meta(
        dir,
        &StoreMeta {
            pending: false,
            ..meta.clone()
        },
    )
}

/// A new random key saved in the keyring for `store_id`, read back to be sure.
fn new_keyring_key(store_id: &str) -> Result<[u8; 32], KeyError> {
    let key = random_bytes::<32>();
    // Read back by `set_checked`: a keyring that accepts but does not keep is no keyring.
    secrets::set_checked(&account(store_id), &hex::encode(key)).map_err(|e| KeyError::NoKeyring { detail: e.to_string() })?;
    Ok(key)
}

/// Describe where the key of the store in `dir` is kept (for `backpack info`).
pub fn describe(dir: &Path) -> Result<Option<StoreMeta>, KeyError> {
    read_meta(dir)
}
