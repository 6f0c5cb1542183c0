//! Backup and restore: one encrypted file, never onto the live store's files or
//! a non-regular file, written under a temporary name and renamed; damaged
//! backups named so in plain words.

use super::*;

/// What a restore did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreReport {
    /// Credentials from the backup that were not here and were added.
    pub added: usize,
    /// Credentials from the backup that were already here and left as they are.
    pub already_present: usize,
    /// Credentials here but not in the backup, deleted (only with `replace`; 0 when merging).
    pub removed: usize,
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

impl Store {
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
            META_FILE => "store.json",
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
