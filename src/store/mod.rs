//! The encrypted local store: one SQLCipher database per data folder.
//!
//! Owns the schema and its migrations, the write path for imported bundles
//! (each bundle on its own savepoint, so a crash never leaves half a credential;
//! many bundles may share one transaction, `Store::in_one_transaction`),
//! reads for list/show/export, and backup/restore to a single encrypted file.
//! It does not know where its key comes from: see [`crate::keys`].
//!
//! Layout of a data folder: `backpack.db` (+ `-wal`, `-shm`) and
//! `store.json` (the store id and how its key is kept; no secrets).
//!
//! Safety of the files themselves is here too: the folder is 0700 and every
//! file this module writes is created 0600 (looser ones are tightened on
//! open); a new database is made under a temporary name and renamed into
//! place whole, so `backpack.db` is never a half-made store; an existing
//! database that is empty or damaged is reported, never replaced; a backup
//! never goes onto the live store's files or onto anything that is not a
//! regular file; and a damaged backup is named so in plain words.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::import::{Bundle, LinkedDoc, Picture};
use crate::model::{Credential, Format};

mod backup;
mod credentials;
mod files;
mod pathways;
mod receiving;
mod reports;
mod shares;

pub use backup::RestoreReport;
use credentials::summary_columns;
pub use credentials::{Stored, StoredCredential, Summary};
use files::{random_tag, remove_if_there, sync_dir};
pub use files::{create_private_dir, create_private_file, tighten, write_private};
pub use receiving::PendingRow;
pub use shares::{Location, LocationKind, ShareRecord};


/// The encrypted SQLite database (SQLCipher) inside the store folder.
pub const DB_FILE: &str = "backpack.db";
/// Beside the database: the store id and how its key is kept (no secrets; see [`crate::keys`]).
pub const META_FILE: &str = "store.json";

/// The files that make up a live store in its data folder: a backup or a
/// restore may never use one of them.
pub const LIVE_FILES: [&str; 5] = [DB_FILE, "backpack.db-wal", "backpack.db-shm", "backpack.db-journal", META_FILE];

/// Where a new database is made before it is renamed to [`DB_FILE`].
const CREATING_FILE: &str = ".backpack.db.creating";

/// SQLCipher's page size (the default, never changed by Backpack): a whole
/// database file is a multiple of it.
const PAGE_SIZE: u64 = 4096;

/// The key that opens a store.
#[derive(Clone)]
pub enum StoreKey {
    /// 32 random bytes, kept in the OS keyring.
    Raw([u8; 32]),
    /// A passphrase, stretched by SQLCipher's PBKDF2.
    Passphrase(String),
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StoreKey::Raw(_) => "StoreKey::Raw(..)",
            StoreKey::Passphrase(_) => "StoreKey::Passphrase(..)",
        })
    }
}

impl StoreKey {
    /// The value for `PRAGMA key` / `ATTACH ... KEY`.
    fn sql_value(&self) -> String {
        match self {
            StoreKey::Raw(k) => format!("x'{}'", hex::encode(k)),
            StoreKey::Passphrase(p) => p.clone(),
        }
    }
}

/// Why a store operation failed. Each variant has a stable [`StoreError::code`] for the CLI JSON and the app;
/// the `Display` text says what happened and, where it helps, what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key does not open the database: a wrong key or passphrase, or the file is damaged or not a Backpack database.
    #[error("the database cannot be opened with this key (wrong key or passphrase, or the file is damaged or not a Backpack database)")]
    WrongKey,
    /// The database file exists but is empty; nothing was changed.
    #[error("the database {} is empty{}. Nothing was changed. To start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), if *.zero_bytes { " (0 bytes)" } else { " (it holds no Backpack data)" }, .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseEmpty {
        /// The database file.
        path: PathBuf,
        /// `true` when the file has 0 bytes, `false` when it is a database without Backpack data.
        zero_bytes: bool,
    },
    /// The database file is not a readable database; nothing was changed.
    #[error("the database {} is damaged ({why}). Nothing was changed. To start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseDamaged {
        /// The database file.
        path: PathBuf,
        /// What SQLite reported.
        why: String,
    },
    /// `store.json` says a backpack was made here but the database file is gone; nothing was changed (no new empty store is made).
    #[error("the database {} is missing, but store.json says a backpack was made in this folder. Nothing was changed. If it was moved, put it back; to start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseMissing {
        /// Where the database file should be.
        path: PathBuf,
    },
    /// A backup was asked to overwrite one of the live store's own files.
    #[error("'{}' is the live backpack's own {what}; a backup must go to a file outside it (for example ~/backpack.backup)", .path.display())]
    LiveStoreFile {
        /// The target file as given.
        path: PathBuf,
        /// Which store file it is: `database`, `store.json` or `database journal`.
        what: &'static str,
    },
    /// A backup target exists and is a folder, device or pipe.
    #[error("'{}' exists and is not a regular file (a folder, device or pipe); choose a file name", .0.display())]
    NotRegularFile(PathBuf),
    /// A restore or backup check could not open the file: not a backup, damaged, or a wrong passphrase (these cannot be told apart).
    #[error("'{}' is not a Backpack backup, or it is damaged, or the passphrase is wrong", .0.display())]
    BadBackup(PathBuf),
    /// No credential has this wallet id or id prefix; holds the id as given.
    #[error("no credential with id '{0}'")]
    NotFound(String),
    /// No pathway has this id, id prefix or name; holds the key as given.
    #[error("no pathway with id or name '{0}' (see: backpack pathway list)")]
    NoPathway(String),
    /// An id prefix matches more than one credential; holds the prefix and how many it matches.
    #[error("id '{0}' is ambiguous: it matches {1} credentials; give more digits")]
    Ambiguous(String, usize),
    /// The database schema is newer than this build knows; it is left untouched.
    #[error("the database was written by a newer Backpack (schema {found}, this one knows up to {known})")]
    TooNew {
        /// The schema version in the database (`PRAGMA user_version`).
        found: i64,
        /// The newest schema version this build knows.
        known: i64,
    },
    /// A backup could not be written as asked (empty passphrase, not a file name, ...); holds the reason.
    #[error("backup file: {0}")]
    Backup(String),
    /// An SQLite error not covered by a more specific variant.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored row does not decode (bad JSON, integrity check failure); holds what is wrong.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A file-system error in the store folder or on a backup file.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// No share location has this name; holds the name.
    #[error("no share location named '{0}'")]
    NoShareLocation(String),
    /// No share link has this id; holds the id.
    #[error("no share with id '{0}'")]
    NoShare(String),
    /// The change clashes with what is stored (a share location name already used, a location
    /// that still has live shares); holds the message.
    #[error("{0}")]
    Conflict(String),
}

impl StoreError {
    /// A stable kebab-case code the CLI JSON and the app can match on (`wrong-key`, `not-found`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey => "wrong-key",
            StoreError::DatabaseEmpty { .. } => "store-empty",
            StoreError::DatabaseDamaged { .. } => "store-damaged",
            StoreError::DatabaseMissing { .. } => "store-missing",
            StoreError::LiveStoreFile { .. } => "backup-is-live-store",
            StoreError::NotRegularFile(_) => "not-a-regular-file",
            StoreError::BadBackup(_) => "bad-backup",
            StoreError::NotFound(_) | StoreError::NoPathway(_) => "not-found",
            StoreError::Ambiguous(..) => "ambiguous-id",
            StoreError::TooNew { .. } => "schema-too-new",
            StoreError::Backup(_) => "backup",
            StoreError::Sqlite(_) => "database",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Io(_) => "io",
            StoreError::NoShareLocation(_) => "no-share-location",
            StoreError::NoShare(_) => "no-share",
            StoreError::Conflict(_) => "conflict",
        }
    }
}

/// Schema migrations, applied in order; `user_version` counts how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: credentials, fetched linked documents, key/value metadata.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE credentials(
        id TEXT PRIMARY KEY,
        credential_id TEXT,
        format TEXT NOT NULL,
        title TEXT NOT NULL,
        issuer_name TEXT,
        issued TEXT,
        model TEXT NOT NULL,
        original BLOB NOT NULL,
        media_type TEXT NOT NULL,
        picture BLOB,
        picture_type TEXT,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL
     );
     CREATE INDEX credentials_issued ON credentials(issued);
     CREATE TABLE linked_documents(
        credential TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY(credential, url)
     );",
    // 2: summary columns (so listing needs no model parsing), the last
    // verification report, and a trash for removal with undo. The summary
    // columns of existing rows are filled in by `backfill_summaries`.
    "ALTER TABLE credentials ADD COLUMN ects TEXT;
     ALTER TABLE credentials ADD COLUMN hours TEXT;
     ALTER TABLE credentials ADD COLUMN eqf INTEGER;
     ALTER TABLE credentials ADD COLUMN class TEXT NOT NULL DEFAULT 'unknown';
     ALTER TABLE credentials ADD COLUMN removed_at TEXT;
     CREATE TABLE verifications(
        credential TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
        verdict TEXT NOT NULL,
        report TEXT NOT NULL,
        checked_at TEXT NOT NULL
     );",
    // 3: pathways and their members (wallet ids; a member that leaves the
    // backpack stays listed, so progress can say it is gone).
    "CREATE TABLE pathways(
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at TEXT NOT NULL
     );
     CREATE TABLE pathway_members(
        pathway TEXT NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
        credential TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY(pathway, credential)
     );",
    // 4: a covering index for the list. The summary columns were added at
    // the end of rows that carry the whole credential, so reading them
    // walked (and decrypted) every row's overflow pages: ~250 ms for 10,000.
    "CREATE INDEX credentials_list ON credentials(
        removed_at, issued DESC, id, title, issuer_name, format, ects, hours, eqf, class, picture_type
     );",
    // 5: sharing. Share locations (settings as JSON; secrets stay in the OS
    // keyring) and share records. A share's credential is not a foreign key:
    // a share outlives the credential's removal, so it can still be revoked.
    "CREATE TABLE share_locations(
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created_at TEXT NOT NULL
     );
     CREATE TABLE shares(
        id TEXT PRIMARY KEY,
        credential TEXT NOT NULL,
        location TEXT NOT NULL,
        object_url TEXT NOT NULL,
        object_name TEXT NOT NULL,
        link TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT
     );
     CREATE INDEX shares_credential ON shares(credential);",
    // 6: receiving from issuers. Deferred credentials (what is needed to ask
    // the issuer again survives a restart; the access token stays inside the
    // encrypted store) and the issuer's own display of received credentials.
    "CREATE TABLE pending_credentials(
        id TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        issuer_name TEXT,
        credential_name TEXT,
        state TEXT NOT NULL,
        request TEXT NOT NULL,
        interval_secs INTEGER NOT NULL,
        next_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
     );
     CREATE TABLE issuer_display(
        credential TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
        issuer TEXT NOT NULL,
        display TEXT NOT NULL,
        received_at TEXT NOT NULL
     );",
    // 7: the verifier page published on a share location (its URL; NULL
    // until a publish has uploaded every file).
    "ALTER TABLE share_locations ADD COLUMN page_url TEXT;",
];

/// An open backpack: the encrypted database in its folder. All reads and writes of credentials,
/// reports, pathways, shares and backups go through it.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

fn apply_key(conn: &Connection, key: &StoreKey) -> Result<(), StoreError> {
    // Silence SQLCipher's own stderr lines on a wrong key; we report it ourselves.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.pragma_update(None, "key", key.sql_value())?;
    // The key is checked on the first read.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(StoreError::WrongKey)
        }
        Err(e) => Err(e.into()),
    }
}

/// SQLCipher 4.20's `sqlcipher_extra_init` (run by `sqlite3_initialize`)
/// marks itself done and releases its mutex *before* it registers
/// `sqlcipher_export` as an auto extension; a connection another thread opens
/// in that window lacks the function ("no such function: sqlcipher_export",
/// seen once in CI). Run the initialisation to completion once, on one
/// thread, before any store connection is opened.
fn init_sqlcipher() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(c) = Connection::open_in_memory() {
            let _ = c.execute_batch("PRAGMA cipher_log_level = NONE;");
            let _ = c.pragma_update(None, "key", "x'00000000000000000000000000000000000000000000000000000000000000ff'");
            let _ = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0));
        }
    });
}

impl Store {
    /// Run `f` inside one transaction, committed when it returns: what it
    /// stores is kept together or not at all, and one commit writes the
    /// pages many writes share (an import of a folder stores its items in
    /// groups: one commit per item was half of `import DIR`). The writes in
    /// `f` that use savepoints (`import_bundle_reported`) still succeed or
    /// fail one by one. A failed commit rolls everything in `f` back.
    pub fn in_one_transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> T) -> Result<T, StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let out = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self))) {
            Ok(out) => out,
            Err(panic) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic)
            }
        };
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(e.into());
        }
        Ok(out)
    }

    /// Open the store in `dir` with `key`, and migrate it. A folder with
    /// neither a database nor `store.json` gets a new store ([`Store::create`]).
    /// An existing database that is empty (0 bytes, or no Backpack schema),
    /// cut short or not a file is reported, never replaced; a missing one
    /// beside `store.json` (or beside a `-wal`) too.
    pub fn open(dir: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        init_sqlcipher();
        create_private_dir(dir)?;
        let path = dir.join(DB_FILE);
        match std::fs::metadata(&path) {
            Ok(m) if !m.is_file() => {
                return Err(StoreError::DatabaseDamaged { path, why: "it is not a regular file".into() });
            }
            Ok(m) if m.len() == 0 => return Err(StoreError::DatabaseEmpty { path, zero_bytes: true }),
            Ok(m) if m.len() % PAGE_SIZE != 0 => {
                return Err(StoreError::DatabaseDamaged {
                    path,
                    why: format!("{} bytes, not a whole number of {PAGE_SIZE}-byte pages: the file was cut short", m.len()),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if dir.join(META_FILE).exists() || dir.join(LIVE_FILES[1]).exists() {
                    return Err(StoreError::DatabaseMissing { path });
                }
                Store::create(dir, key)?;
            }
            Err(e) => return Err(e.into()),
        }
        for f in &LIVE_FILES[..4] {
            tighten(&dir.join(f), 0o600);
        }
        // No SQLITE_OPEN_CREATE: the file exists (checked above), and if it
        // vanished meanwhile SQLite must not make an empty one in its place.
        let mut head = [0u8; 16];
        let plain = std::fs::File::open(&path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok() && &head == b"SQLite format 3\0";
        if plain {
            return Err(StoreError::DatabaseDamaged { path, why: "it is an unencrypted SQLite file, not a Backpack store".into() });
        }
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        apply_key(&conn, key)?;
        if conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? == 0 {
            // Store::create renames a database into place only after its
            // schema is in, so a database without one was never a Backpack
            // store, or lost its contents.
            return Err(StoreError::DatabaseEmpty { path, zero_bytes: false });
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;",
        )?;
        let mut store = Store {
            conn,
            dir: dir.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Make a new, empty store in `dir` (replacing leftovers of an earlier
    /// attempt that never finished): the schema is written under a temporary
    /// name, synced and renamed to `backpack.db`, so a crash leaves either no
    /// database or a whole one. The caller decides that `dir` is new (see
    /// [`crate::keys::resolve`]).
    pub fn create(dir: &Path, key: &StoreKey) -> Result<(), StoreError> {
        init_sqlcipher();
        create_private_dir(dir)?;
        let tmp = dir.join(CREATING_FILE);
        for f in [tmp.clone(), dir.join(format!("{CREATING_FILE}-journal"))] {
            remove_if_there(&f)?;
        }
        create_private_file(&tmp)?;
        let made = (|| -> Result<(), StoreError> {
            let conn = Connection::open_with_flags(&tmp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            apply_key(&conn, key)?;
            conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")?;
            let mut s = Store { conn, dir: dir.to_path_buf() };
            s.migrate()?;
            Ok(())
        })();
        if let Err(e) = made {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::File::open(&tmp)?.sync_all()?;
        // A -wal or -shm left by an earlier attempt must not be replayed onto the new file.
        for f in &LIVE_FILES[1..4] {
            remove_if_there(&dir.join(f))?;
        }
        std::fs::rename(&tmp, dir.join(DB_FILE))?;
        sync_dir(dir);
        Ok(())
    }

    /// The store folder (holding [`DB_FILE`] and [`META_FILE`]).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version of the open database (`PRAGMA user_version`: how many migrations ran).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        let current = self.schema_version()?;
        if current > known {
            return Err(StoreError::TooNew { found: current, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            if i + 1 == 2 {
                backfill_summaries(&tx)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?1)",
                [((i + 1) as i64).to_string()],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A value from the store's `meta` table (encrypted with the rest of the
    /// store; e.g. the holder key of a passphrase store, see [`crate::present`]).
    pub fn meta_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Set a value in the `meta` table, unless one is there already; returns
    /// the value the table holds afterwards (so two racing writers agree).
    pub fn meta_value_or_insert(&mut self, key: &str, value: &str) -> Result<String, StoreError> {
        self.conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)", params![key, value])?;
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
    }

    /// SQLite and SQLCipher integrity checks; `Ok(())` when both say "ok".
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let r: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if r != "ok" {
            return Err(StoreError::Corrupt(r));
        }
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        let problems: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if !problems.is_empty() {
            return Err(StoreError::Corrupt(problems.join("; ")));
        }
        Ok(())
    }
}

/// Fill the summary columns of every row from its model (migration 2).
fn backfill_summaries(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let rows: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, model FROM credentials")?;
        let r = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        r
    };
    for (id, model) in rows {
        let c = parse_model(&model)?;
        let (ects, hours, eqf, class) = summary_columns(&c);
        tx.execute(
            "UPDATE credentials SET ects = ?2, hours = ?3, eqf = ?4, class = ?5 WHERE id = ?1",
            params![id, ects, hours, eqf, class],
        )?;
    }
    Ok(())
}

fn parse_model(s: &str) -> Result<Credential, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("credential model: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database left at schema 1 by an earlier Backpack, with one credential.
    fn v1_store(dir: &Path, key: &StoreKey) -> Credential {
        create_private_dir(dir).unwrap();
        let conn = Connection::open(dir.join(DB_FILE)).unwrap();
        apply_key(&conn, key).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let (name, bytes) = crate::sample::credentials(Some(1)).remove(0);
        let b = crate::import::parse_bytes(&name, &bytes, &Default::default()).unwrap();
        let c = b.items[0].credential.clone();
        conn.execute(
            "INSERT INTO credentials (id, credential_id, format, title, issuer_name, issued, model, original, media_type, source, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'application/json', 's', 'now')",
            params![c.id, c.credential_id, c.format.as_str(), c.title(), c.issuer.name, c.issued, serde_json::to_string(&c).unwrap(), bytes],
        )
        .unwrap();
        c
    }

    #[test]
    fn one_transaction_keeps_its_parts_together_and_a_panic_keeps_none() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = Store::open(&tmp.path().join("s"), &StoreKey::Raw([5; 32])).unwrap();
        let bundles: Vec<_> = crate::sample::credentials(Some(3))
            .into_iter()
            .map(|(name, bytes)| crate::import::parse_bytes(&name, &bytes, &Default::default()).unwrap())
            .collect();
        // A panic inside: nothing of the group is stored, and the store works on.
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = s.in_one_transaction(|s| {
                s.import_bundle(&bundles[0]).unwrap();
                panic!("killed halfway");
            });
        }));
        assert!(panicked.is_err());
        assert_eq!(s.count().unwrap(), 0);
        // Two bundles in one transaction; a third stored alone afterwards still works.
        let ids = s.in_one_transaction(|s| [&bundles[0], &bundles[1]].map(|b| s.import_bundle(b).unwrap())).unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(s.count().unwrap(), 2);
        s.import_bundle(&bundles[2]).unwrap();
        assert_eq!(s.count().unwrap(), 3);
        // A store opened again sees all three (committed, not just written).
        drop(s);
        assert_eq!(Store::open(&tmp.path().join("s"), &StoreKey::Raw([5; 32])).unwrap().count().unwrap(), 3);
    }

    #[test]
    fn a_store_killed_before_its_first_checkpoint_still_opens() {
        // Before issue #11 a new store was made in place in WAL mode: killed
        // before the first checkpoint, backpack.db is page 1 only (switching
        // to WAL writes it) and the rest is in backpack.db-wal. That is a
        // whole store: never 0 bytes, never taken for an empty one.
        let tmp = tempfile::tempdir().unwrap();
        let (live, copy) = (tmp.path().join("live"), tmp.path().join("copy"));
        create_private_dir(&live).unwrap();
        create_private_dir(&copy).unwrap();
        let key = StoreKey::Raw([7; 32]);
        let conn = Connection::open(live.join(DB_FILE)).unwrap();
        apply_key(&conn, &key).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        let mut old = Store { conn, dir: live.clone() };
        old.migrate().unwrap();
        let (name, bytes) = crate::sample::credentials(Some(1)).remove(0);
        old.import_bundle(&crate::import::parse_bytes(&name, &bytes, &Default::default()).unwrap()).unwrap();
        // "Killed": copy the files while the connection is still open.
        for f in [DB_FILE, "backpack.db-wal"] {
            std::fs::copy(live.join(f), copy.join(f)).unwrap();
        }
        drop(old);
        assert_eq!(std::fs::metadata(copy.join(DB_FILE)).unwrap().len(), 4096, "the scenario: page 1 only");
        std::fs::write(copy.join(META_FILE), b"{}").unwrap();
        let s = Store::open(&copy, &key).unwrap();
        assert_eq!(s.count().unwrap(), 1);
        s.check_integrity().unwrap();
        drop(s);
        // Without its -wal the same 0-byte file is reported as empty.
        let bare = tmp.path().join("bare");
        create_private_dir(&bare).unwrap();
        std::fs::write(bare.join(DB_FILE), b"").unwrap();
        assert!(matches!(Store::open(&bare, &key), Err(StoreError::DatabaseEmpty { zero_bytes: true, .. })));
    }

    #[test]
    fn migration_7_keeps_share_locations_and_adds_their_page() {
        let tmp = tempfile::tempdir().unwrap();
        let key = StoreKey::Raw([9; 32]);
        create_private_dir(tmp.path()).unwrap();
        let conn = Connection::open(tmp.path().join(DB_FILE)).unwrap();
        apply_key(&conn, &key).unwrap();
        let mut old = Store { conn, dir: tmp.path().to_path_buf() };
        for sql in &MIGRATIONS[..6] {
            old.conn.execute_batch(sql).unwrap();
        }
        old.conn.pragma_update(None, "user_version", 6).unwrap();
        let loc = Location {
            id: "0011223344556677".into(),
            name: "dav".into(),
            kind: LocationKind::Webdav { url: "https://dav.example/s/".into(), user: None },
            public_url: None,
            created: "2026-01-01T00:00:00Z".into(),
        };
        old.add_share_location(&loc).unwrap();
        drop(old);
        let mut s = Store::open(tmp.path(), &key).unwrap();
        assert_eq!(s.schema_version().unwrap(), 7);
        assert_eq!(s.share_locations().unwrap(), vec![loc]);
        assert_eq!(s.share_location_page("dav").unwrap(), None);
        s.set_share_location_page("dav", Some("https://dav.example/s/verify/index.html")).unwrap();
        assert_eq!(s.share_location_page("dav").unwrap().as_deref(), Some("https://dav.example/s/verify/index.html"));
        assert_eq!(s.share_location_pages().unwrap(), vec![("dav".to_string(), "https://dav.example/s/verify/index.html".to_string())]);
        assert_eq!(s.set_share_location_page("nope", None).unwrap_err().code(), "no-share-location");
        assert_eq!(s.share_location_page("nope").unwrap_err().code(), "no-share-location");
    }

    #[test]
    fn migration_2_backfills_summaries_of_old_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let key = StoreKey::Raw([42; 32]);
        let c = v1_store(tmp.path(), &key);
        let s = Store::open(tmp.path(), &key).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let l = s.list().unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].id, c.id);
        assert_eq!(l[0].ects, Some(rust_decimal::Decimal::from(5)));
        assert_eq!(l[0].eqf_level, Some(7));
        assert_eq!(l[0].class, "micro-credential");
    }

    #[test]
    fn share_locations_and_records_survive_backup_and_restore() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = Store::open(&tmp.path().join("a"), &StoreKey::Raw([3; 32])).unwrap();
        let loc = Location {
            id: "00aa".into(),
            name: "dav".into(),
            kind: LocationKind::Webdav { url: "https://dav.example/s/".into(), user: Some("me".into()) },
            public_url: None,
            created: "2026-01-01T00:00:00Z".into(),
        };
        a.add_share_location(&loc).unwrap();
        assert!(matches!(a.add_share_location(&loc), Err(StoreError::Conflict(_))), "names are unique");
        let rec = ShareRecord {
            id: "0123456789abcdef".into(),
            credential: "fedcba9876543210".into(),
            location: "dav".into(),
            object_url: "https://dav.example/s/x.bps".into(),
            object_name: "x.bps".into(),
            link: "https://v.example/#s=x&k=y".into(),
            created: "2026-01-01T00:00:00Z".into(),
            expires: Some("2026-02-01T00:00:00Z".into()),
            revoked_at: None,
        };
        a.insert_share(&rec).unwrap();
        assert_eq!(a.share("0123").unwrap(), rec);
        assert!(matches!(a.remove_share_location("dav"), Err(StoreError::Conflict(_))), "live shares keep their location");
        let file = tmp.path().join("b.backup");
        a.backup(&file, "pw").unwrap();
        let mut b = Store::open(&tmp.path().join("b"), &StoreKey::Raw([4; 32])).unwrap();
        b.restore(&file, "pw", false).unwrap();
        assert_eq!(b.share_locations().unwrap(), vec![loc]);
        assert_eq!(b.shares().unwrap(), vec![rec.clone()]);
        b.set_share_revoked(&rec.id, "2026-01-02T00:00:00Z").unwrap();
        assert_eq!(b.share(&rec.id).unwrap().revoked_at.as_deref(), Some("2026-01-02T00:00:00Z"));
        b.remove_share_location("dav").unwrap();
        assert!(matches!(b.share_location("dav"), Err(StoreError::NoShareLocation(_))));
    }

    #[test]
    fn restore_of_an_old_backup_upgrades_a_copy_not_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let old_dir = tmp.path().join("old");
        let backup = old_dir.join(DB_FILE);
        let c = v1_store(&old_dir, &StoreKey::Passphrase("pw".into()));
        let before = std::fs::read(&backup).unwrap();
        let mut s = Store::open(&tmp.path().join("new"), &StoreKey::Raw([1; 32])).unwrap();
        let r = s.restore(&backup, "pw", false).unwrap();
        assert_eq!(r.added, 1);
        assert_eq!(s.list().unwrap()[0].id, c.id);
        assert_eq!(std::fs::read(&backup).unwrap(), before, "the backup file is untouched");
        assert!(std::fs::read_dir(tmp.path().join("new")).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains("partial")));
    }
}
