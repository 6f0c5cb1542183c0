//! The encrypted local store: one SQLCipher database per data folder.
//!
//! Owns the schema and its migrations, the write path for imported bundles
//! (one transaction per bundle, so a crash never leaves half a credential),
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

pub const DB_FILE: &str = "backpack.db";

/// The files that make up a live store in its data folder: a backup or a
/// restore may never use one of them.
pub const LIVE_FILES: [&str; 5] = [DB_FILE, "backpack.db-wal", "backpack.db-shm", "backpack.db-journal", crate::keys::META_FILE];

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

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database cannot be opened with this key (wrong key or passphrase, or the file is damaged or not a Backpack database)")]
    WrongKey,
    #[error("the database {} is empty{}. Nothing was changed. To start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), if *.zero_bytes { " (0 bytes)" } else { " (it holds no Backpack data)" }, .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseEmpty { path: PathBuf, zero_bytes: bool },
    #[error("the database {} is damaged ({why}). Nothing was changed. To start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseDamaged { path: PathBuf, why: String },
    #[error("the database {} is missing, but store.json says a backpack was made in this folder. Nothing was changed. If it was moved, put it back; to start again from a backup, move the folder {} aside and run `backpack restore FILE`", .path.display(), .path.parent().unwrap_or(Path::new(".")).display())]
    DatabaseMissing { path: PathBuf },
    #[error("'{}' is the live backpack's own {what}; a backup must go to a file outside it (for example ~/backpack.backup)", .path.display())]
    LiveStoreFile { path: PathBuf, what: &'static str },
    #[error("'{}' exists and is not a regular file (a folder, device or pipe); choose a file name", .0.display())]
    NotRegularFile(PathBuf),
    #[error("'{}' is not a Backpack backup, or it is damaged, or the passphrase is wrong", .0.display())]
    BadBackup(PathBuf),
    #[error("no credential with id '{0}'")]
    NotFound(String),
    #[error("id '{0}' is ambiguous: it matches {1} credentials; give more digits")]
    Ambiguous(String, usize),
    #[error("the database was written by a newer Backpack (schema {found}, this one knows up to {known})")]
    TooNew { found: i64, known: i64 },
    #[error("backup file: {0}")]
    Backup(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("no share location named '{0}'")]
    NoShareLocation(String),
    #[error("no share with id '{0}'")]
    NoShare(String),
    #[error("{0}")]
    Conflict(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey => "wrong-key",
            StoreError::DatabaseEmpty { .. } => "store-empty",
            StoreError::DatabaseDamaged { .. } => "store-damaged",
            StoreError::DatabaseMissing { .. } => "store-missing",
            StoreError::LiveStoreFile { .. } => "backup-is-live-store",
            StoreError::NotRegularFile(_) => "not-a-regular-file",
            StoreError::BadBackup(_) => "bad-backup",
            StoreError::NotFound(_) => "not-found",
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
];

/// Summary columns derived from a model.
fn summary_columns(c: &Credential) -> (Option<String>, Option<String>, Option<u8>, &'static str) {
    let a = crate::rules::assess(c);
    (
        a.ects.map(|d| d.normalize().to_string()),
        a.hours.map(|d| d.normalize().to_string()),
        a.eqf,
        a.class.as_str(),
    )
}

/// Outcome of storing one credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stored {
    Imported,
    Duplicate,
}

/// One row of `list`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued: Option<String>,
    pub format: Format,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub ects: Option<rust_decimal::Decimal>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub hours: Option<rust_decimal::Decimal>,
    pub eqf_level: Option<u8>,
    /// `micro-credential`, `edubadge` or `unknown` (see [`crate::rules`]).
    pub class: String,
    /// The verdict of the latest verification, if any.
    pub verdict: Option<crate::verify::Verdict>,
    pub checked_at: Option<String>,
    pub has_picture: bool,
}

/// A credential as stored: the model, the untouched original and extras.
#[derive(Debug, Clone)]
pub struct StoredCredential {
    pub credential: Credential,
    pub original: Vec<u8>,
    pub media_type: String,
    pub picture: Option<Picture>,
    pub linked: Vec<LinkedDoc>,
    pub source: String,
    pub imported_at: String,
}

impl StoredCredential {
    /// The stored credential in the shape the importer produces (to verify or re-export it).
    pub fn into_parsed(self) -> crate::import::Parsed {
        crate::import::Parsed {
            credential: self.credential,
            original: self.original,
            media_type: self.media_type,
            linked: self.linked,
            picture: self.picture,
            source: self.source,
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestoreReport {
    pub added: usize,
    pub already_present: usize,
    pub removed: usize,
}

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
                if dir.join(crate::keys::META_FILE).exists() || dir.join(LIVE_FILES[1]).exists() {
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

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

    /// Store a bundle in one transaction. Items already present are reported
    /// as duplicates and left untouched.
    pub fn import_bundle(&mut self, bundle: &Bundle) -> Result<Vec<(String, Stored)>, StoreError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(bundle.items.len());
        {
            // A credential in the trash comes back when imported again.
            let mut insert = tx.prepare_cached(
                "INSERT INTO credentials
                 (id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at, ects, hours, eqf, class)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                 ON CONFLICT(id) DO UPDATE SET removed_at = NULL WHERE removed_at IS NOT NULL",
            )?;
            let mut link = tx.prepare_cached(
                "INSERT OR IGNORE INTO linked_documents(credential, url, body) VALUES (?1, ?2, ?3)",
            )?;
            for p in &bundle.items {
                let c = &p.credential;
                let model = serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (ects, hours, eqf, class) = summary_columns(c);
                let n = insert.execute(params![
                    c.id,
                    c.credential_id,
                    c.format.as_str(),
                    c.title(),
                    c.issuer.name,
                    c.issued,
                    model,
                    p.original,
                    p.media_type,
                    p.picture.as_ref().map(|x| &x.bytes),
                    p.picture.as_ref().map(|x| &x.media_type),
                    p.source,
                    now,
                    ects,
                    hours,
                    eqf,
                    class,
                ])?;
                if n == 1 {
                    for d in &p.linked {
                        link.execute(params![c.id, d.url, d.body])?;
                    }
                    out.push((c.id.clone(), Stored::Imported));
                } else {
                    out.push((c.id.clone(), Stored::Duplicate));
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Resolve a full id or a unique prefix (at least 4 hex digits) to an id.
    pub fn resolve_id(&self, id: &str) -> Result<String, StoreError> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::NotFound(id));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM credentials WHERE id >= ?1 AND id < ?1 || 'g' AND removed_at IS NULL ORDER BY id LIMIT 2")?;
        let ids: Vec<String> = stmt.query_map([&id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        match ids.len() {
            0 => Err(StoreError::NotFound(id)),
            1 => Ok(ids.into_iter().next().unwrap_or_default()),
            _ => {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM credentials WHERE id >= ?1 AND id < ?1 || 'g' AND removed_at IS NULL",
                    [&id],
                    |r| r.get(0),
                )?;
                Err(StoreError::Ambiguous(id, n as usize))
            }
        }
    }

    pub fn count(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM credentials WHERE removed_at IS NULL", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// All credentials, newest first, from the summary columns (no model parsing).
    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.title, c.issuer_name, c.issued, c.format, c.ects, c.hours, c.eqf, c.class,
                    v.verdict, v.checked_at, c.picture_type IS NOT NULL
             FROM credentials c INDEXED BY credentials_list LEFT JOIN verifications v ON v.credential = c.id
             WHERE c.removed_at IS NULL ORDER BY c.issued DESC, c.id",
        )?;
        let dec = |s: Option<String>| s.and_then(|s| s.parse::<rust_decimal::Decimal>().ok());
        let rows = stmt.query_map([], |r| {
            Ok(Summary {
                id: r.get(0)?,
                title: r.get(1)?,
                issuer: r.get(2)?,
                issued: r.get(3)?,
                format: Format::parse(&r.get::<_, String>(4)?).unwrap_or(Format::Ob3JsonLd),
                ects: dec(r.get(5)?),
                hours: dec(r.get(6)?),
                eqf_level: r.get(7)?,
                class: r.get(8)?,
                verdict: r.get::<_, Option<String>>(9)?.and_then(|v| serde_json::from_value(serde_json::Value::String(v)).ok()),
                checked_at: r.get(10)?,
                has_picture: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    /// Keep the latest verification report of a credential.
    pub fn save_report(&mut self, id: &str, report: &crate::verify::Report, checked_at: &str) -> Result<(), StoreError> {
        let id = self.resolve_id(id)?;
        let verdict = serde_json::to_value(report.verdict).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let body = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO verifications(credential, verdict, report, checked_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(credential) DO UPDATE SET verdict = ?2, report = ?3, checked_at = ?4",
            params![id, verdict.as_str(), body, checked_at],
        )?;
        Ok(())
    }

    /// The latest verification report of a credential and when it was made.
    pub fn report(&self, id: &str) -> Result<Option<(crate::verify::Report, String)>, StoreError> {
        let id = self.resolve_id(id)?;
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT report, checked_at FROM verifications WHERE credential = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(body, at)| {
            serde_json::from_str(&body).map(|r| (r, at)).map_err(|e| StoreError::Corrupt(format!("report: {e}")))
        })
        .transpose()
    }

    /// The picture stored with a credential (the baked badge image).
    pub fn picture(&self, id: &str) -> Result<Option<Picture>, StoreError> {
        let id = self.resolve_id(id)?;
        let row: Option<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .query_row("SELECT picture, picture_type FROM credentials WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((Some(bytes), Some(media_type))) => Some(Picture { media_type, bytes }),
            _ => None,
        })
    }

    /// Move a credential to the trash (it disappears from lists; [`Store::untrash`] brings it back).
    pub fn trash(&mut self, id: &str) -> Result<String, StoreError> {
        let id = self.resolve_id(id)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn.execute("UPDATE credentials SET removed_at = ?2 WHERE id = ?1", params![id, now])?;
        Ok(id)
    }

    /// Bring a credential back from the trash (full id).
    pub fn untrash(&mut self, id: &str) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("UPDATE credentials SET removed_at = NULL WHERE id = ?1 AND removed_at IS NOT NULL", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Save a new pathway (its members too).
    pub fn create_pathway(&mut self, p: &crate::pathway::Pathway) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let mut def = p.clone();
        def.members.clear();
        let body = serde_json::to_string(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        tx.execute("INSERT INTO pathways(id, name, definition, created_at) VALUES (?1, ?2, ?3, ?4)", params![p.id, p.name, body, now])?;
        for (i, m) in p.members.iter().enumerate() {
            tx.execute("INSERT OR IGNORE INTO pathway_members(pathway, credential, position) VALUES (?1, ?2, ?3)", params![p.id, m, i as i64])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Change a pathway's name, description and goal (not its members).
    pub fn update_pathway(&mut self, p: &crate::pathway::Pathway) -> Result<(), StoreError> {
        let mut def = p.clone();
        def.members.clear();
        let body = serde_json::to_string(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        match self.conn.execute("UPDATE pathways SET name = ?2, definition = ?3 WHERE id = ?1", params![p.id, p.name, body])? {
            0 => Err(StoreError::NotFound(format!("pathway {}", p.id))),
            _ => Ok(()),
        }
    }

    /// All pathways, in the order they were made.
    pub fn pathways(&self) -> Result<Vec<crate::pathway::Pathway>, StoreError> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id FROM pathways ORDER BY created_at, id")?;
            let r = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        ids.iter().map(|id| self.pathway(id)).collect()
    }

    /// One pathway by id, or by name (case-insensitive) when that is unique.
    pub fn pathway(&self, key: &str) -> Result<crate::pathway::Pathway, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT id, definition FROM pathways WHERE id = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (id, def) = match row {
            Some(r) => r,
            None => {
                let mut stmt = self.conn.prepare_cached("SELECT id, definition FROM pathways WHERE lower(name) = lower(?1)")?;
                let rows: Vec<(String, String)> = stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                match rows.len() {
                    0 => return Err(StoreError::NotFound(format!("pathway {key}"))),
                    1 => rows.into_iter().next().expect("one"),
                    n => return Err(StoreError::Ambiguous(key.to_string(), n)),
                }
            }
        };
        let mut p: crate::pathway::Pathway = serde_json::from_str(&def).map_err(|e| StoreError::Corrupt(format!("pathway: {e}")))?;
        let mut stmt = self.conn.prepare_cached("SELECT credential FROM pathway_members WHERE pathway = ?1 ORDER BY position, credential")?;
        p.members = stmt.query_map([&id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        p.id = id;
        Ok(p)
    }

    /// Add credentials (wallet ids or unique prefixes) to a pathway; returns the full ids added.
    pub fn add_to_pathway(&mut self, pathway: &str, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let p = self.pathway(pathway)?;
        let full: Vec<String> = ids.iter().map(|i| self.resolve_id(i)).collect::<Result<_, _>>()?;
        let tx = self.conn.transaction()?;
        let mut added = Vec::new();
        let next: i64 = tx.query_row("SELECT coalesce(max(position) + 1, 0) FROM pathway_members WHERE pathway = ?1", [&p.id], |r| r.get(0))?;
        for (i, id) in full.iter().enumerate() {
            if tx.execute("INSERT OR IGNORE INTO pathway_members(pathway, credential, position) VALUES (?1, ?2, ?3)", params![p.id, id, next + i as i64])? == 1 {
                added.push(id.clone());
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Take credentials out of a pathway (full ids or prefixes of members).
    pub fn remove_from_pathway(&mut self, pathway: &str, ids: &[String]) -> Result<usize, StoreError> {
        let p = self.pathway(pathway)?;
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for id in ids {
            let matches: Vec<&String> = p.members.iter().filter(|m| m.starts_with(id.as_str())).collect();
            match matches.len() {
                0 => return Err(StoreError::NotFound(format!("{id} in pathway {}", p.name))),
                1 => n += tx.execute("DELETE FROM pathway_members WHERE pathway = ?1 AND credential = ?2", params![p.id, matches[0]])?,
                k => return Err(StoreError::Ambiguous(id.clone(), k)),
            }
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn delete_pathway(&mut self, pathway: &str) -> Result<String, StoreError> {
        let p = self.pathway(pathway)?;
        self.conn.execute("DELETE FROM pathways WHERE id = ?1", [&p.id])?;
        Ok(p.id)
    }

    /// The latest verdict of every credential that has been verified.
    pub fn verdicts(&self) -> Result<std::collections::HashMap<String, crate::verify::Verdict>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT credential, verdict FROM verifications")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, v) = row?;
            if let Ok(v) = serde_json::from_value(serde_json::Value::String(v)) {
                out.insert(id, v);
            }
        }
        Ok(out)
    }

    /// Delete everything in the trash for good. Returns how many.
    pub fn empty_trash(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("DELETE FROM credentials WHERE removed_at IS NOT NULL", [])?)
    }

    /// Every credential's model (for search, planning and verification).
    pub fn all(&self) -> Result<Vec<Credential>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT model FROM credentials WHERE removed_at IS NULL ORDER BY issued DESC, id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| parse_model(&r?)).collect()
    }

    /// One credential by id or unique prefix.
    pub fn get(&self, id: &str) -> Result<StoredCredential, StoreError> {
        let id = self.resolve_id(id)?;
        let row = self
            .conn
            .query_row(
                "SELECT model, original, media_type, picture, picture_type, source, imported_at
                 FROM credentials WHERE id = ?1",
                [&id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<Vec<u8>>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(id.clone()))?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT url, body FROM linked_documents WHERE credential = ?1 ORDER BY url")?;
        let linked = stmt
            .query_map([&id], |r| {
                Ok(LinkedDoc {
                    url: r.get(0)?,
                    body: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StoredCredential {
            credential: parse_model(&row.0)?,
            original: row.1,
            media_type: row.2,
            picture: match (row.3, row.4) {
                (Some(bytes), Some(media_type)) => Some(Picture { media_type, bytes }),
                _ => None,
            },
            linked,
            source: row.5,
            imported_at: row.6,
        })
    }

    /// Delete one credential for good (and its linked documents and report). Returns its id.
    pub fn remove(&mut self, id: &str) -> Result<String, StoreError> {
        let id = self.resolve_id(id)?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM credentials WHERE id = ?1", [&id])?;
        tx.commit()?;
        Ok(id)
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

    /// Write the whole store to `file`, encrypted with `passphrase`, and
    /// return how many credentials the written file holds (counted in the
    /// file itself). Refused: the live store's own files (by path, after
    /// resolving `.`/`..` and symlinks, and by device and inode, so a hard
    /// link is caught too) and any existing path that is not a regular file.
    /// The file is written 0600 beside its target, synced, checked and then
    /// renamed into place, so a failed backup leaves nothing behind and never
    /// replaces what was there.
    pub fn backup(&self, file: &Path, passphrase: &str) -> Result<usize, StoreError> {
        if passphrase.is_empty() {
            return Err(StoreError::Backup("the backup passphrase is empty".into()));
        }
        self.refuse_live_or_special(file)?;
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = file
            .file_name()
            .ok_or_else(|| StoreError::Backup(format!("'{}' is not a file name", file.display())))?;
        let tmp = parent.join(format!(".{}.{}-{}.partial", name.to_string_lossy(), std::process::id(), hex::encode(random_tag())));
        create_private_file(&tmp).map_err(|e| StoreError::Backup(format!("cannot write in {}: {e}", parent.display())))?;
        let result = (|| -> Result<usize, StoreError> {
            self.conn.execute(
                "ATTACH DATABASE ?1 AS backup KEY ?2",
                params![tmp.to_string_lossy(), passphrase],
            )?;
            let exported = self
                .conn
                .query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))
                .and_then(|_| {
                    self.conn
                        .execute_batch(&format!("PRAGMA backup.user_version = {}", self.schema_version().unwrap_or(0)))
                });
            let detached = self.conn.execute_batch("DETACH DATABASE backup");
            exported?;
            detached?;
            std::fs::File::open(&tmp)?.sync_all()?;
            // What the user is told is what the file holds.
            Store::count_in_backup(&tmp, passphrase)
        })();
        let n = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                let _ = std::fs::remove_file(format!("{}-journal", tmp.display()));
                return Err(e);
            }
        };
        if let Err(e) = std::fs::rename(&tmp, file) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        sync_dir(parent);
        remove_stale_partials(parent, &name.to_string_lossy());
        Ok(n)
    }

    /// How many credentials (not in the trash) the backup `file` holds,
    /// read from the file itself with its passphrase after checking every
    /// page; a file that is not a whole, readable backup is
    /// [`StoreError::BadBackup`].
    pub fn count_in_backup(file: &Path, passphrase: &str) -> Result<usize, StoreError> {
        let bad = |e: StoreError| as_bad_backup(e, file);
        let probe = open_backup(file, passphrase).map_err(bad)?;
        check_backup_integrity(&probe).map_err(bad)?;
        let n = probe
            .query_row("SELECT count(*) FROM credentials WHERE removed_at IS NULL", [], |r| r.get::<_, i64>(0))
            .map_err(|e| bad(e.into()))?;
        Ok(n as usize)
    }

    /// Refuse `file` as a backup target or restore source when it is one of
    /// the live store's files, or exists and is not a regular file.
    fn refuse_live_or_special(&self, file: &Path) -> Result<(), StoreError> {
        let what = |name: &str| match name {
            DB_FILE => "database",
            crate::keys::META_FILE => "store.json",
            _ => "database journal",
        };
        let live: Vec<(PathBuf, &'static str)> = LIVE_FILES.iter().map(|n| (self.dir.join(n), what(n))).collect();
        let refuse = |w: &'static str| Err(StoreError::LiveStoreFile { path: file.to_path_buf(), what: w });
        // Same place by name: the parent folder resolved (symlinks, `.`, `..`) plus the file name.
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if let (Some(name), Ok(p), Ok(d)) = (file.file_name(), std::fs::canonicalize(parent), std::fs::canonicalize(&self.dir)) {
            if p == d {
                if let Some(n) = LIVE_FILES.iter().find(|n| std::ffi::OsStr::new(n) == name) {
                    return refuse(what(n));
                }
            }
        }
        let Ok(meta) = std::fs::metadata(file) else {
            return Ok(()); // nothing there (or a dangling link, which rename replaces)
        };
        // The file itself, resolved.
        if let Ok(c) = std::fs::canonicalize(file) {
            for (l, w) in &live {
                if std::fs::canonicalize(l).map(|x| x == c).unwrap_or(false) {
                    return refuse(w);
                }
            }
        }
        // A hard link: the same device and inode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            for (l, w) in &live {
                if let Ok(m) = std::fs::metadata(l) {
                    if (m.dev(), m.ino()) == (meta.dev(), meta.ino()) {
                        return refuse(w);
                    }
                }
            }
        }
        if !meta.is_file() {
            return Err(StoreError::NotRegularFile(file.to_path_buf()));
        }
        Ok(())
    }

    /// Bring credentials back from a backup file. By default this merges:
    /// credentials already here stay as they are and nothing is lost. With
    /// `replace`, the store afterwards holds exactly what the backup holds.
    pub fn restore(&mut self, file: &Path, passphrase: &str, replace: bool) -> Result<RestoreReport, StoreError> {
        match std::fs::metadata(file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Backup(format!("'{}' does not exist", file.display())))
            }
            Err(e) => return Err(e.into()),
            Ok(_) => {}
        }
        self.refuse_live_or_special(file)?;
        let bad = |e: StoreError| as_bad_backup(e, file);
        let probe = open_backup(file, passphrase).map_err(bad)?;
        let version: i64 = probe.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| bad(e.into()))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew { found: version, known });
        }
        if version < 1 {
            return Err(StoreError::BadBackup(file.to_path_buf()));
        }
        check_backup_integrity(&probe).map_err(bad)?;
        drop(probe);
        // A backup from an older Backpack is brought up to date in a copy
        // first; the backup file itself is never written to.
        let mut upgraded: Option<PathBuf> = None;
        let source = if version < known {
            // Not `.restore-<pid>.partial`: the app hands its upload over under that name.
            let tmp = self.dir.join(format!(".restore-upgrade-{}-{}.partial", std::process::id(), hex::encode(random_tag())));
            let mut out = create_private_file(&tmp)?;
            std::io::copy(&mut std::fs::File::open(file)?, &mut out)?;
            drop(out);
            let migrated = (|| -> Result<(), StoreError> {
                let conn = Connection::open_with_flags(&tmp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
                apply_key(&conn, &StoreKey::Passphrase(passphrase.to_string()))?;
                let mut old = Store { conn, dir: self.dir.clone() };
                old.migrate()
            })();
            if let Err(e) = migrated {
                let _ = std::fs::remove_file(&tmp);
                return Err(bad(e));
            }
            upgraded = Some(tmp.clone());
            tmp
        } else {
            file.to_path_buf()
        };
        let attached = self.conn.execute(
            "ATTACH DATABASE ?1 AS restore_src KEY ?2",
            params![source.to_string_lossy(), passphrase],
        );
        if let Err(e) = attached {
            if let Some(t) = &upgraded {
                let _ = std::fs::remove_file(t);
            }
            return Err(bad(e.into()));
        }
        let result = (|| -> Result<RestoreReport, StoreError> {
            let tx = self.conn.transaction()?;
            let mut report = RestoreReport::default();
            if replace {
                report.removed = tx.execute(
                    "DELETE FROM credentials WHERE id NOT IN (SELECT id FROM restore_src.credentials WHERE removed_at IS NULL)",
                    [],
                )?;
            }
            let total = tx.query_row("SELECT count(*) FROM restore_src.credentials WHERE removed_at IS NULL", [], |r| r.get::<_, i64>(0))? as usize;
            report.added = tx.execute(
                "INSERT OR IGNORE INTO credentials
                 (id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at, ects, hours, eqf, class)
                 SELECT id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at, ects, hours, eqf, class
                 FROM restore_src.credentials WHERE removed_at IS NULL",
                [],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO linked_documents(credential, url, body)
                 SELECT credential, url, body FROM restore_src.linked_documents
                 WHERE credential IN (SELECT id FROM credentials)",
                [],
            )?;
            report.already_present = total - report.added;
            tx.execute("INSERT OR IGNORE INTO pathways SELECT * FROM restore_src.pathways", [])?;
            tx.execute("INSERT OR IGNORE INTO pathway_members SELECT * FROM restore_src.pathway_members", [])?;
            tx.execute("INSERT OR IGNORE INTO share_locations SELECT * FROM restore_src.share_locations", [])?;
            tx.execute("INSERT OR IGNORE INTO shares SELECT * FROM restore_src.shares", [])?;
            tx.commit()?;
            Ok(report)
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE restore_src");
        if let Some(t) = &upgraded {
            let _ = std::fs::remove_file(t);
        }
        let report = result.map_err(bad)?;
        detached?;
        Ok(report)
    }
}

/// Share locations and share records (schema 5; see [`crate::share::records`]).
impl Store {
    /// Add a share location; its name must be new.
    pub fn add_share_location(&mut self, loc: &crate::share::host::Location) -> Result<(), StoreError> {
        let config = serde_json::to_string(loc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO share_locations(id, name, config, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![loc.id, loc.name, config, loc.created],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("a share location named '{}' already exists", loc.name)));
        }
        Ok(())
    }

    pub fn share_locations(&self) -> Result<Vec<crate::share::host::Location>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT config FROM share_locations ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| serde_json::from_str(&r?).map_err(|e| StoreError::Corrupt(format!("share location: {e}")))).collect()
    }

    pub fn share_location(&self, name: &str) -> Result<crate::share::host::Location, StoreError> {
        let config: Option<String> = self
            .conn
            .query_row("SELECT config FROM share_locations WHERE name = ?1", [name], |r| r.get(0))
            .optional()?;
        let config = config.ok_or_else(|| StoreError::NoShareLocation(name.to_string()))?;
        serde_json::from_str(&config).map_err(|e| StoreError::Corrupt(format!("share location: {e}")))
    }

    /// Remove a share location. Refused while live shares use it (revoke them first).
    pub fn remove_share_location(&mut self, name: &str) -> Result<crate::share::host::Location, StoreError> {
        let loc = self.share_location(name)?;
        let live: i64 = self.conn.query_row(
            "SELECT count(*) FROM shares WHERE location = ?1 AND revoked_at IS NULL",
            [name],
            |r| r.get(0),
        )?;
        if live > 0 {
            return Err(StoreError::Conflict(format!(
                "{live} share(s) on '{name}' are still online; revoke them first (backpack shares revoke ID)"
            )));
        }
        self.conn.execute("DELETE FROM share_locations WHERE name = ?1", [name])?;
        Ok(loc)
    }

    pub fn insert_share(&mut self, s: &crate::share::records::ShareRecord) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO shares(id, credential, location, object_url, object_name, link, created_at, expires_at, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![s.id, s.credential, s.location, s.object_url, s.object_name, s.link, s.created, s.expires, s.revoked_at],
        )?;
        Ok(())
    }

    /// Every share record, newest first.
    pub fn shares(&self) -> Result<Vec<crate::share::records::ShareRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, credential, location, object_url, object_name, link, created_at, expires_at, revoked_at
             FROM shares ORDER BY created_at DESC, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::share::records::ShareRecord {
                id: r.get(0)?,
                credential: r.get(1)?,
                location: r.get(2)?,
                object_url: r.get(3)?,
                object_name: r.get(4)?,
                link: r.get(5)?,
                created: r.get(6)?,
                expires: r.get(7)?,
                revoked_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One share by id or a unique prefix (at least 4 characters).
    pub fn share(&self, id: &str) -> Result<crate::share::records::ShareRecord, StoreError> {
        let id = id.trim().to_ascii_lowercase();
        let matches: Vec<_> = if id.len() < 4 {
            Vec::new()
        } else {
            self.shares()?.into_iter().filter(|s| s.id.starts_with(&id)).collect()
        };
        match matches.len() {
            0 => Err(StoreError::NoShare(id)),
            1 => Ok(matches.into_iter().next().expect("one")),
            n => Err(StoreError::Ambiguous(id, n)),
        }
    }

    pub fn set_share_revoked(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE shares SET revoked_at = ?2 WHERE id = ?1", params![id, at])?;
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

/// Open a backup file read-only with its passphrase (SQLite's own words on
/// failure; callers turn them into [`StoreError::BadBackup`]).
fn open_backup(file: &Path, passphrase: &str) -> Result<Connection, StoreError> {
    if !std::fs::metadata(file)?.is_file() {
        return Err(StoreError::NotRegularFile(file.to_path_buf()));
    }
    init_sqlcipher();
    let probe = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    apply_key(&probe, &StoreKey::Passphrase(passphrase.to_string()))?;
    Ok(probe)
}

/// SQLite's and SQLCipher's checks over a whole backup (every page's HMAC).
fn check_backup_integrity(conn: &Connection) -> Result<(), StoreError> {
    let r: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if r != "ok" {
        return Err(StoreError::Corrupt(r));
    }
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let problems: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if !problems.is_empty() {
        return Err(StoreError::Corrupt(problems.join("; ")));
    }
    Ok(())
}

/// What reading a backup can fail with, in plain words: anything SQLite or
/// SQLCipher says about the file becomes [`StoreError::BadBackup`].
/// Failures of this machine (disk full, I/O, locks, permissions) keep their
/// own words: they are not the file's fault.
fn as_bad_backup(e: StoreError, file: &Path) -> StoreError {
    use rusqlite::ErrorCode as C;
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, m))
            if matches!(f.code, C::DiskFull | C::SystemIoFailure | C::DatabaseBusy | C::DatabaseLocked | C::ReadOnly | C::PermissionDenied | C::OutOfMemory) =>
        {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, m))
        }
        StoreError::WrongKey | StoreError::Corrupt(_) | StoreError::Sqlite(_) => StoreError::BadBackup(file.to_path_buf()),
        other => other,
    }
}

fn random_tag() -> [u8; 6] {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    b
}

/// Remove the temporary files of earlier backups to `name` in `dir` whose
/// process is gone (a backup killed with -9 cannot clean up after itself).
/// Only on Linux, where a process's liveness is `/proc/<pid>`.
fn remove_stale_partials(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else { continue };
        let Some(tag) = rest.strip_suffix(".partial").or_else(|| rest.strip_suffix(".partial-journal")) else { continue };
        let Some((pid, rand)) = tag.split_once('-') else { continue };
        let ours = pid.parse::<u32>().is_ok() && rand.len() == 12 && rand.bytes().all(|b| b.is_ascii_hexdigit());
        if ours && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn remove_if_there(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Make a rename in `dir` durable (best effort: not every file system can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Create `dir` (and parents) readable by the owner only; an existing folder
/// that others can read is tightened to 0700 (not a shared one with the
/// sticky bit such as /tmp, and never failing when it cannot be changed).
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    tighten(dir, 0o700);
    Ok(())
}

/// Take away the permission bits of `path` beyond `mode` (0600 for files,
/// 0700 for folders), if it exists and has any; best effort, never failing.
pub fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // symlink_metadata: a link is left alone, not what it points to.
        if let Ok(m) = std::fs::symlink_metadata(path) {
            let cur = m.permissions().mode();
            let shared = m.is_dir() && cur & 0o1000 != 0;
            if (m.is_file() || m.is_dir()) && !shared && cur & 0o777 & !mode != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(cur & 0o7777 & !0o777 | (cur & mode)));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Create a new file readable and writable by its owner only (0600 from
/// the start, whatever the umask); fails if `path` exists.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write `bytes` to `path` as a private (0600) file: written beside it under
/// a temporary name, synced, then renamed into place.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| std::io::Error::other(format!("'{}' is not a file name", path.display())))?;
    let tmp = parent.join(format!(".{}.{}-{}.partial", name.to_string_lossy(), std::process::id(), hex::encode(random_tag())));
    let written = (|| {
        let mut f = create_private_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(parent);
    Ok(())
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
        std::fs::write(copy.join(crate::keys::META_FILE), b"{}").unwrap();
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
        use crate::share::host::{Location, LocationKind};
        use crate::share::records::ShareRecord;
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
