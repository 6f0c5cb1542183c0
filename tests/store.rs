//! The encrypted store: round trip, encryption at rest, wrong keys, backup
//! and restore, atomic bundles, migrations, and the safety of the files
//! themselves (issue #11: backups never onto the live store or a device,
//! damaged or empty databases reported, 0600/0700, damaged backups in plain
//! words). Real SQLCipher files on disk.

use crate::common;

use backpack::import::{self, ImportOptions, Input};
use backpack::store::{Store, StoreError, StoreKey, Stored, DB_FILE};
use common::*;

fn key(n: u8) -> StoreKey {
    StoreKey::Raw([n; 32])
}

fn bundle(path: std::path::PathBuf) -> import::Bundle {
    import::parse_input(&Input::Path(path), &ImportOptions::default()).unwrap()
}

fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().contains(DB_FILE) {
            v.extend(std::fs::read(p).unwrap());
        }
    }
    v
}

#[test]
fn round_trip_keeps_original_bytes_and_model() {
    let tmp = tempfile::tempdir().unwrap();
    let b = bundle(ob30("simple-jwt.png"));
    let id = b.items[0].credential.id.clone();
    {
        let mut s = Store::open(tmp.path(), &key(1)).unwrap();
        assert_eq!(s.import_bundle(&b).unwrap(), vec![(id.clone(), Stored::Imported)]);
        // Idempotent: the same credential again is a duplicate, nothing changes.
        assert_eq!(s.import_bundle(&b).unwrap(), vec![(id.clone(), Stored::Duplicate)]);
        assert_eq!(s.count().unwrap(), 1);
    }
    let s = Store::open(tmp.path(), &key(1)).unwrap();
    let got = s.get(&id[..6]).unwrap();
    assert_eq!(got.original, b.items[0].original, "original bytes untouched");
    assert_eq!(got.credential, b.items[0].credential, "model round-trips");
    assert_eq!(got.media_type, "application/jwt");
    assert_eq!(got.picture.as_ref().unwrap().bytes, std::fs::read(ob30("simple-jwt.png")).unwrap());
    s.check_integrity().unwrap();
}

#[test]
fn database_file_holds_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(tmp.path(), &key(2)).unwrap();
    for (name, bytes) in backpack::sample::credentials(Some(20)) {
        let b = import::parse_bytes(&name, &bytes, &ImportOptions::default()).unwrap();
        s.import_bundle(&b).unwrap();
    }
    drop(s);
    let raw = all_bytes(tmp.path());
    assert!(raw.len() > 4096);
    for needle in ["Data Science for Policy Makers", "SQLite format 3", "sample.backpack.invalid", "LearningOutcome"] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "'{needle}' found in the database file in plain text"
        );
    }
    // Control: the same text is in the credentials we stored.
    assert!(backpack::sample::credentials(Some(1))[0].1.windows(9).any(|w| w == b"Data Scie"));
}

#[test]
fn wrong_key_is_refused_and_does_not_damage_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(tmp.path(), &key(3)).unwrap();
    s.import_bundle(&bundle(ob30("simple.json"))).unwrap();
    drop(s);
    let e = Store::open(tmp.path(), &key(4)).unwrap_err();
    assert!(matches!(e, StoreError::WrongKey), "{e}");
    let e = Store::open(tmp.path(), &StoreKey::Passphrase("guess".into())).unwrap_err();
    assert!(matches!(e, StoreError::WrongKey), "{e}");
    let s = Store::open(tmp.path(), &key(3)).unwrap();
    assert_eq!(s.count().unwrap(), 1);
}

#[test]
fn clr_bundle_is_stored_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(tmp.path(), &key(5)).unwrap();
    let b = bundle(vector("1edtech-validator/inspector-clr/src/test/resources/clr20/simple.json"));
    let r = s.import_bundle(&b).unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|(_, st)| *st == Stored::Imported));
    // A bundle whose last item fails to insert must leave nothing behind.
    // A trigger (added from a second connection) makes one insert fail.
    let other = rusqlite::Connection::open(tmp.path().join(DB_FILE)).unwrap();
    other.pragma_update(None, "key", format!("x'{}'", "05".repeat(32))).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON credentials WHEN NEW.source = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .unwrap();
    drop(other);
    let mut b2 = bundle(ob30("complete.json"));
    let mut second = bundle(ob30("simple.json")).items.remove(0);
    second.source = "boom".into();
    b2.items.push(second);
    let before = s.count().unwrap();
    let e = s.import_bundle(&b2).unwrap_err();
    assert!(e.to_string().contains("boom"), "{e}");
    assert_eq!(s.count().unwrap(), before, "nothing half-stored");
    assert!(matches!(s.get(&b2.items[0].credential.id), Err(StoreError::NotFound(_))));
}

#[test]
fn backup_and_restore_merge_and_replace() {
    let a = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let backup = files.path().join("backpack.backup");
    let mut s = Store::open(a.path(), &key(6)).unwrap();
    for (name, bytes) in backpack::sample::credentials(Some(8)) {
        s.import_bundle(&import::parse_bytes(&name, &bytes, &ImportOptions::default()).unwrap()).unwrap();
    }
    assert_eq!(s.backup(&backup, "correct horse").unwrap(), 8);
    // The backup is encrypted too.
    let raw = std::fs::read(&backup).unwrap();
    assert!(!raw.windows(12).any(|w| w == b"Data Science"));
    assert!(!raw.starts_with(b"SQLite format 3"));

    // Restore into a fresh store under another key (a new machine).
    let b = tempfile::tempdir().unwrap();
    let mut t = Store::open(b.path(), &key(7)).unwrap();
    t.import_bundle(&bundle(ob30("simple.json"))).unwrap();
    let e = t.restore(&backup, "wrong horse", false).unwrap_err();
    assert!(e.to_string().contains("the passphrase is wrong"), "{e}");
    assert_eq!(e.code(), "bad-backup");
    assert_eq!(t.count().unwrap(), 1, "a failed restore changes nothing");
    let r = t.restore(&backup, "correct horse", false).unwrap();
    assert_eq!((r.added, r.already_present, r.removed), (8, 0, 0));
    assert_eq!(t.count().unwrap(), 9, "merge keeps what was there");
    let r = t.restore(&backup, "correct horse", false).unwrap();
    assert_eq!((r.added, r.already_present), (0, 8), "restore is idempotent");
    let r = t.restore(&backup, "correct horse", true).unwrap();
    assert_eq!(r.removed, 1);
    assert_eq!(t.count().unwrap(), 8);
    let mut ids_a: Vec<_> = s.list().unwrap().into_iter().map(|x| x.id).collect();
    let mut ids_b: Vec<_> = t.list().unwrap().into_iter().map(|x| x.id).collect();
    ids_a.sort();
    ids_b.sort();
    assert_eq!(ids_a, ids_b);
    for id in &ids_a {
        assert_eq!(s.get(id).unwrap().original, t.get(id).unwrap().original);
    }
    t.check_integrity().unwrap();
    // A file that is not a backup is refused with a clear message.
    let junk = files.path().join("junk");
    std::fs::write(&junk, b"hello").unwrap();
    let e = t.restore(&junk, "correct horse", false).unwrap_err();
    assert!(e.to_string().contains("not a Backpack backup"), "{e}");
}

#[test]
fn backup_never_leaves_a_half_written_file() {
    let a = tempfile::tempdir().unwrap();
    let s = Store::open(a.path(), &key(8)).unwrap();
    let target = a.path().join("no-such-dir").join("b.backup");
    assert!(s.backup(&target, "pw").is_err());
    assert!(!target.exists());
    let e = s.backup(&a.path().join("b.backup"), "").unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
}

#[test]
fn newer_schema_is_refused_not_downgraded() {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::open(tmp.path(), &key(9)).unwrap();
    assert_eq!(s.schema_version().unwrap(), 7);
    drop(s);
    let c = rusqlite::Connection::open(tmp.path().join(DB_FILE)).unwrap();
    c.pragma_update(None, "key", format!("x'{}'", "09".repeat(32))).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let e = Store::open(tmp.path(), &key(9)).unwrap_err();
    assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
}

#[test]
fn ids_resolve_by_unique_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(tmp.path(), &key(10)).unwrap();
    let b = bundle(ob30("simple.json"));
    let id = b.items[0].credential.id.clone();
    s.import_bundle(&b).unwrap();
    assert_eq!(s.resolve_id(&id[..4]).unwrap(), id);
    assert!(matches!(s.resolve_id("abc"), Err(StoreError::NotFound(_))));
    assert!(matches!(s.resolve_id("zzzzzz"), Err(StoreError::NotFound(_))));
    assert_eq!(s.remove(&id).unwrap(), id);
    assert!(matches!(s.get(&id), Err(StoreError::NotFound(_))));
}

#[test]
fn sqlcipher_export_missing_when_stores_open_concurrently() {
    // SQLCipher registers sqlcipher_export() at the very end of its first
    // initialisation, after other threads may already open connections; such a
    // connection's backup failed with "no such function: sqlcipher_export"
    // (seen in CI). The window is small, so this test catches it only sometimes;
    // the fix (store::init_sqlcipher) closes it for good.
    let dirs: Vec<_> = (0..8).map(|_| tempfile::tempdir().unwrap()).collect();
    std::thread::scope(|s| {
        for (i, d) in dirs.iter().enumerate() {
            s.spawn(move || {
                let st = Store::open(d.path(), &key(100 + i as u8)).unwrap();
                st.backup(&d.path().join("b.backup"), "pw").unwrap();
            });
        }
    });
    assert!(dirs.iter().all(|d| d.path().join("b.backup").is_file()));
}

fn load_samples(s: &mut Store, n: usize) {
    for (name, bytes) in backpack::sample::credentials(Some(n)) {
        s.import_bundle(&import::parse_bytes(&name, &bytes, &ImportOptions::default()).unwrap()).unwrap();
    }
}

fn partials(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial") || n.contains("creating"))
        .collect()
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
#[cfg(unix)]
fn backup_refuses_the_live_store_and_anything_not_a_regular_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut s = Store::open(&data, &key(20)).unwrap();
    load_samples(&mut s, 4);
    std::fs::write(data.join("store.json"), br#"{"store_id":"x","key":"keyring"}"#).unwrap();
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::os::unix::fs::symlink(data.join(DB_FILE), other.join("link.db")).unwrap();
    std::os::unix::fs::symlink(&data, other.join("datalink")).unwrap();
    std::fs::hard_link(data.join(DB_FILE), other.join("hard.db")).unwrap();
    let before = std::fs::read(data.join(DB_FILE)).unwrap();
    let live = [
        data.join(DB_FILE),
        data.join(".").join(DB_FILE),
        data.join("..").join("data").join(DB_FILE),
        other.join("datalink").join(DB_FILE),
        other.join("link.db"),
        other.join("hard.db"),
        data.join("backpack.db-wal"),
        data.join("backpack.db-shm"),
        data.join("backpack.db-journal"),
        data.join("store.json"),
    ];
    for target in &live {
        let e = s.backup(target, "pw").unwrap_err();
        assert_eq!(e.code(), "backup-is-live-store", "{}: {e}", target.display());
        assert!(e.to_string().contains("live backpack"), "{e}");
    }
    let fifo = other.join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/null", other.join("null-link")).unwrap();
    let mut special = vec![fifo.clone(), other.clone(), other.join("null-link")];
    if std::path::Path::new("/dev/full").exists() {
        special.push("/dev/full".into());
    }
    for target in &special {
        let e = s.backup(target, "pw").unwrap_err();
        assert_eq!(e.code(), "not-a-regular-file", "{}: {e}", target.display());
    }
    assert!(std::fs::symlink_metadata(other.join("null-link")).unwrap().file_type().is_symlink(), "the link is not replaced");
    // The live store is untouched and still works, in this connection and a new one.
    assert_eq!(std::fs::read(data.join(DB_FILE)).unwrap(), before);
    assert_eq!(s.count().unwrap(), 4);
    s.check_integrity().unwrap();
    drop(s);
    let s = Store::open(&data, &key(20)).unwrap();
    assert_eq!(s.count().unwrap(), 4);
    s.check_integrity().unwrap();
    assert!(partials(&data).is_empty() && partials(&other).is_empty(), "{:?} {:?}", partials(&data), partials(&other));
    // A regular file elsewhere is fine, and is replaced whole.
    let ok = other.join("b.backup");
    std::fs::write(&ok, b"old").unwrap();
    assert_eq!(s.backup(&ok, "pw").unwrap(), 4);
    assert_eq!(Store::count_in_backup(&ok, "pw").unwrap(), 4);
    assert_eq!(mode(&ok), 0o600, "backups are private");
    // What a backup killed with -9 left (its process is gone) is cleared by the next one;
    // a live process's temporary file is not touched.
    let dead = other.join(".b.backup.999999999-0123456789ab.partial");
    let dead_journal = other.join(".b.backup.999999999-0123456789ab.partial-journal");
    let alive = other.join(format!(".b.backup.{}-0123456789ab.partial", std::process::id()));
    for f in [&dead, &dead_journal, &alive] {
        std::fs::write(f, b"x").unwrap();
    }
    s.backup(&ok, "pw").unwrap();
    assert!(!dead.exists() && !dead_journal.exists() && alive.exists());
    std::fs::remove_file(&alive).unwrap();
    // Restoring from the live database is refused the same way.
    let mut s = s;
    let e = s.restore(&data.join(DB_FILE), "pw", false).unwrap_err();
    assert_eq!(e.code(), "backup-is-live-store", "{e}");
    let e = s.restore(&fifo, "pw", false).unwrap_err();
    assert_eq!(e.code(), "not-a-regular-file", "{e}");
}

#[test]
fn backup_count_is_the_count_in_the_file() {
    // A writer keeps importing while backups are taken: the count reported
    // must be what the written file holds, not what the store holds a moment
    // later (the count used to be read from the live store after the export).
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut s = Store::open(&data, &key(21)).unwrap();
    load_samples(&mut s, 3);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let written = std::sync::atomic::AtomicUsize::new(3);
    let mut reports = Vec::new();
    std::thread::scope(|sc| {
        sc.spawn(|| {
            let mut w = Store::open(&data, &key(21)).unwrap();
            for (name, bytes) in backpack::sample::credentials(Some(3000)).into_iter().skip(3) {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                w.import_bundle(&import::parse_bytes(&name, &bytes, &ImportOptions::default()).unwrap()).unwrap();
                written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        // At least four backups, and more until one was overtaken by the
        // writer (on a loaded machine the writer may start late).
        for i in 0..200 {
            let f = tmp.path().join(format!("b{i}.backup"));
            let n = s.backup(&f, "pw").unwrap();
            reports.push((n, Store::count_in_backup(&f, "pw").unwrap(), s.count().unwrap()));
            if i >= 3 && reports.iter().any(|(n, _, live)| live > n) {
                break;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    for (i, (n, in_file, live)) in reports.iter().enumerate() {
        assert_eq!(n, in_file, "backup {i}: reported {n}, the file holds {in_file} (the store held {live} afterwards)");
    }
    // Control: the writer did write while the backups were made.
    assert!(reports.iter().any(|(n, _, live)| live > n), "{reports:?}");
    // The last file restores to exactly the count it reported.
    let f = tmp.path().join("b3.backup");
    let mut t = Store::open(&tmp.path().join("r"), &key(22)).unwrap();
    assert_eq!(t.restore(&f, "pw", false).unwrap().added, reports[3].0);
    assert!(written.load(std::sync::atomic::Ordering::SeqCst) > reports[0].0);
}

#[test]
fn damaged_backups_are_refused_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(&tmp.path().join("a"), &key(23)).unwrap();
    load_samples(&mut s, 30);
    let good = tmp.path().join("good.backup");
    s.backup(&good, "pw").unwrap();
    let bytes = std::fs::read(&good).unwrap();
    assert!(bytes.len() >= 4 * 4096, "{} bytes", bytes.len());
    let mut t = Store::open(&tmp.path().join("b"), &key(24)).unwrap();
    load_samples(&mut t, 1);
    let mut random = vec![0u8; 3 * 4096];
    getrandom::fill(&mut random).unwrap();
    let mut middle = bytes.clone();
    let mid = (bytes.len() / 4096 / 2) * 4096;
    middle[mid + 100..mid + 600].fill(0);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated-half", bytes[..bytes.len() / 2].to_vec()),
        ("truncated-odd", bytes[..5000].to_vec()),
        ("first-page-only", bytes[..4096].to_vec()),
        ("random", random),
        ("damaged-page", middle),
        ("text", b"hello, this is not a backup".to_vec()),
    ];
    for (name, body) in cases {
        let f = tmp.path().join(format!("{name}.backup"));
        std::fs::write(&f, &body).unwrap();
        let e = t.restore(&f, "pw", false).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.code(), "bad-backup", "{name}: {msg}");
        assert!(msg.contains("not a Backpack backup, or it is damaged, or the passphrase is wrong"), "{name}: {msg}");
        for sqlite in ["file is not a database", "malformed", "SQLite", "sqlite", "database error"] {
            assert!(!msg.contains(sqlite), "{name}: SQLite's words in '{msg}'");
        }
        let e = Store::count_in_backup(&f, "pw").unwrap_err();
        assert_eq!(e.code(), "bad-backup", "{name}: {e}");
        assert_eq!(std::fs::read(&f).unwrap(), body, "{name}: the file is not written to");
        assert_eq!(t.count().unwrap(), 1, "{name}: the live store is unchanged");
        t.check_integrity().unwrap();
    }
    // Control: the intact file restores (its first sample is already here).
    let r = t.restore(&good, "pw", false).unwrap();
    assert_eq!((r.added, r.already_present), (29, 1));
}

#[test]
fn an_empty_or_damaged_database_is_reported_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut s = Store::open(&data, &key(25)).unwrap();
    load_samples(&mut s, 5);
    drop(s);
    let db = data.join(DB_FILE);
    let whole = std::fs::read(&db).unwrap();
    std::fs::write(data.join("store.json"), br#"{"store_id":"x","key":"keyring"}"#).unwrap();

    // 0 bytes beside store.json: reported, and still 0 bytes afterwards.
    std::fs::write(&db, b"").unwrap();
    let e = Store::open(&data, &key(25)).unwrap_err();
    assert!(matches!(e, StoreError::DatabaseEmpty { zero_bytes: true, .. }), "{e}");
    assert_eq!(e.code(), "store-empty");
    assert!(e.to_string().contains("backpack restore"), "{e}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "not replaced by a new store");
    assert!(!data.join("backpack.db-wal").exists());

    // Cut short.
    std::fs::write(&db, &whole[..whole.len() / 2 + 100]).unwrap();
    let e = Store::open(&data, &key(25)).unwrap_err();
    assert_eq!(e.code(), "store-damaged", "{e}");
    assert!(e.to_string().contains("cut short"), "{e}");

    // An encrypted file of the right shape that holds no schema.
    let empty_db = tmp.path().join("blank");
    std::fs::create_dir(&empty_db).unwrap();
    {
        let c = rusqlite::Connection::open(empty_db.join(DB_FILE)).unwrap();
        c.pragma_update(None, "key", format!("x'{}'", "19".repeat(32))).unwrap();
        c.execute_batch("CREATE TABLE t(x); DROP TABLE t;").unwrap();
    }
    let e = Store::open(&empty_db, &key(0x19)).unwrap_err();
    assert!(matches!(e, StoreError::DatabaseEmpty { zero_bytes: false, .. }), "{e}");

    // Random bytes: cannot be opened; the words say it may be damaged.
    let mut random = vec![0u8; 4 * 4096];
    getrandom::fill(&mut random).unwrap();
    std::fs::write(&db, &random).unwrap();
    let e = Store::open(&data, &key(25)).unwrap_err();
    assert!(e.to_string().contains("damaged"), "{e}");
    assert_eq!(std::fs::read(&db).unwrap(), random, "not replaced");

    // A plain SQLite file is not ours.
    std::fs::remove_file(&db).unwrap();
    rusqlite::Connection::open(&db).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    let e = Store::open(&data, &key(25)).unwrap_err();
    assert_eq!(e.code(), "store-damaged", "{e}");

    // Missing beside store.json: reported, nothing made.
    std::fs::remove_file(&db).unwrap();
    let e = Store::open(&data, &key(25)).unwrap_err();
    assert_eq!(e.code(), "store-missing", "{e}");
    assert!(!db.exists());

    // A folder in its place.
    std::fs::create_dir(&db).unwrap();
    assert_eq!(Store::open(&data, &key(25)).unwrap_err().code(), "store-damaged");

    // Back as it was: opens with everything in it.
    std::fs::remove_dir(&db).unwrap();
    std::fs::write(&db, &whole).unwrap();
    assert_eq!(Store::open(&data, &key(25)).unwrap().count().unwrap(), 5);
    assert!(partials(&data).is_empty(), "{:?}", partials(&data));
}

#[test]
#[cfg(unix)]
fn store_files_are_private_and_looser_ones_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("a").join("data");
    let mut s = Store::open(&data, &key(26)).unwrap();
    load_samples(&mut s, 3);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&tmp.path().join("a")), 0o700, "folders made for the store are private too");
    for f in [DB_FILE, "backpack.db-wal", "backpack.db-shm"] {
        assert!(data.join(f).exists(), "{f}");
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    let b = tmp.path().join("x.backup");
    s.backup(&b, "pw").unwrap();
    assert_eq!(mode(&b), 0o600);
    drop(s);
    // Loosen everything, open again: tightened, and nothing fails.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in [DB_FILE, "backpack.db-wal", "backpack.db-shm"] {
        if data.join(f).exists() {
            std::fs::set_permissions(data.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let s = Store::open(&data, &key(26)).unwrap();
    assert_eq!(s.count().unwrap(), 3);
    assert_eq!(mode(&data), 0o700);
    for f in [DB_FILE, "backpack.db-wal", "backpack.db-shm"] {
        if data.join(f).exists() {
            assert_eq!(mode(&data.join(f)), 0o600, "{f}");
        }
    }
    // A shared folder (sticky bit) is left alone.
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    backpack::store::create_private_dir(&shared).unwrap();
    assert_eq!(mode(&shared), 0o1777);
}
