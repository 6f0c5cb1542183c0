//! The encrypted local store: one SQLCipher database per data folder.
//!
//! Owns the schema and its migrations, the write path for imported bundles
//! (one transaction per bundle, so a crash never leaves half a credential),
//! reads for list/show/export, and backup/restore to a single encrypted file.
//! It does not know where its key comes from: see [`crate::keys`].
//!
//! Layout of a data folder: `backpack.db` (+ `-wal`, `-shm`) and
//! `store.json` (the store id and how its key is kept; no secrets).

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::import::{Bundle, LinkedDoc, Picture};
use crate::model::{Credential, Format};

pub const DB_FILE: &str = "backpack.db";

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
    #[error("the database cannot be opened with this key (wrong key or passphrase, or not a Backpack database)")]
    WrongKey,
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
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey => "wrong-key",
            StoreError::NotFound(_) => "not-found",
            StoreError::Ambiguous(..) => "ambiguous-id",
            StoreError::TooNew { .. } => "schema-too-new",
            StoreError::Backup(_) => "backup",
            StoreError::Sqlite(_) => "database",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Io(_) => "io",
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
];

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
    pub eqf_level: Option<u8>,
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
    /// Open (creating if needed) the store in `dir` with `key`, and migrate it.
    pub fn open(dir: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        init_sqlcipher();
        create_private_dir(dir)?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&conn, key)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
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
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO credentials
                 (id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut link = tx.prepare_cached(
                "INSERT OR IGNORE INTO linked_documents(credential, url, body) VALUES (?1, ?2, ?3)",
            )?;
            for p in &bundle.items {
                let c = &p.credential;
                let model = serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
            .prepare_cached("SELECT id FROM credentials WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY id LIMIT 2")?;
        let ids: Vec<String> = stmt.query_map([&id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        match ids.len() {
            0 => Err(StoreError::NotFound(id)),
            1 => Ok(ids.into_iter().next().unwrap_or_default()),
            _ => {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM credentials WHERE id >= ?1 AND id < ?1 || 'g'",
                    [&id],
                    |r| r.get(0),
                )?;
                Err(StoreError::Ambiguous(id, n as usize))
            }
        }
    }

    pub fn count(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM credentials", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// All credentials, newest first.
    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT model FROM credentials ORDER BY issued DESC, id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let c = parse_model(&row?)?;
            out.push(Summary {
                title: c.title().to_string(),
                issuer: c.issuer.name.clone().or_else(|| c.issuer.id.clone()),
                issued: c.issued.clone(),
                format: c.format,
                ects: c.achievement.ects,
                eqf_level: c.achievement.eqf_level,
                id: c.id,
            });
        }
        Ok(out)
    }

    /// Every credential's model (for search, planning and verification).
    pub fn all(&self) -> Result<Vec<Credential>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT model FROM credentials ORDER BY issued DESC, id")?;
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

    /// Delete one credential (and its linked documents). Returns its id.
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

    /// Write the whole store to `file`, encrypted with `passphrase`. The file
    /// is written beside its target and renamed into place, so an existing
    /// backup is never left half-overwritten.
    pub fn backup(&self, file: &Path, passphrase: &str) -> Result<usize, StoreError> {
        if passphrase.is_empty() {
            return Err(StoreError::Backup("the backup passphrase is empty".into()));
        }
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = file
            .file_name()
            .ok_or_else(|| StoreError::Backup(format!("'{}' is not a file name", file.display())))?;
        let tmp = parent.join(format!(".{}.partial", name.to_string_lossy()));
        let _ = std::fs::remove_file(&tmp);
        let result = (|| -> Result<(), StoreError> {
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
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, file)?;
        self.count()
    }

    /// Bring credentials back from a backup file. By default this merges:
    /// credentials already here stay as they are and nothing is lost. With
    /// `replace`, the store afterwards holds exactly what the backup holds.
    pub fn restore(&mut self, file: &Path, passphrase: &str, replace: bool) -> Result<RestoreReport, StoreError> {
        if !file.is_file() {
            return Err(StoreError::Backup(format!("'{}' does not exist or is not a file", file.display())));
        }
        init_sqlcipher();
        // Open it on its own first, to give a clear error for a wrong passphrase.
        let probe = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        match apply_key(&probe, &StoreKey::Passphrase(passphrase.to_string())) {
            Err(StoreError::WrongKey) => {
                return Err(StoreError::Backup(
                    "wrong passphrase, or the file is not a Backpack backup".into(),
                ))
            }
            other => other?,
        }
        let version: i64 = probe.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew { found: version, known });
        }
        if version < 1 {
            return Err(StoreError::Backup("the file holds no Backpack data".into()));
        }
        let r: String = probe.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if r != "ok" {
            return Err(StoreError::Backup(format!("the backup is damaged: {r}")));
        }
        drop(probe);

        self.conn.execute(
            "ATTACH DATABASE ?1 AS restore_src KEY ?2",
            params![file.to_string_lossy(), passphrase],
        )?;
        let result = (|| -> Result<RestoreReport, StoreError> {
            let tx = self.conn.transaction()?;
            let mut report = RestoreReport::default();
            if replace {
                report.removed = tx.execute(
                    "DELETE FROM credentials WHERE id NOT IN (SELECT id FROM restore_src.credentials)",
                    [],
                )?;
            }
            let total = tx.query_row("SELECT count(*) FROM restore_src.credentials", [], |r| r.get::<_, i64>(0))? as usize;
            report.added = tx.execute(
                "INSERT OR IGNORE INTO credentials
                 (id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at)
                 SELECT id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at FROM restore_src.credentials",
                [],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO linked_documents(credential, url, body)
                 SELECT credential, url, body FROM restore_src.linked_documents
                 WHERE credential IN (SELECT id FROM credentials)",
                [],
            )?;
            report.already_present = total - report.added;
            tx.commit()?;
            Ok(report)
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE restore_src");
        let report = result?;
        detached?;
        Ok(report)
    }
}

fn parse_model(s: &str) -> Result<Credential, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("credential model: {e}")))
}

/// Create `dir` (and parents) readable by the owner only.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if !dir.exists() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}
