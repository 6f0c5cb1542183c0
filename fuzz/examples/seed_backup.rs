//! Writes the seed for the `backup_restore` target: the decrypted database
//! image of a real backup (three sample credentials and a pathway), made by
//! the core's own `Store::backup`. Run: `cargo run --example seed_backup -- OUT`.
use backpack::import::{self, ImportOptions};
use backpack::store::{Store, StoreKey};

fn main() {
    let out = std::env::args().nth(1).expect("usage: seed_backup OUT");
    backpack_fuzz::fast_kdf();
    let dir = std::env::temp_dir().join(format!("backpack-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir.join("store"), &StoreKey::Raw([5u8; 32])).expect("store");
    let mut ids = vec![];
    for (name, bytes) in backpack::sample::credentials(Some(3)) {
        let b = import::parse_bytes(&name, &bytes, &ImportOptions::default()).expect("sample parses");
        for (id, _) in store.import_bundle(&b).expect("import") {
            ids.push(id);
        }
    }
    let p = backpack::pathway::Pathway {
        id: "seed-000000".into(),
        name: "Seed".into(),
        description: Some("seed pathway".into()),
        goal: Default::default(),
        members: vec![],
    };
    store.create_pathway(&p).expect("pathway");
    store.add_to_pathway(&p.id, &ids[..1]).expect("members");
    let enc = dir.join("b.backup");
    store.backup(&enc, backpack_fuzz::BACKUP_PASSPHRASE).expect("backup");
    // Decrypt it to a plain SQLite image (KEY '' attaches unencrypted).
    let c = rusqlite::Connection::open(&enc).unwrap();
    c.pragma_update(None, "key", backpack_fuzz::BACKUP_PASSPHRASE).unwrap();
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let _ = std::fs::remove_file(&out);
    c.execute("ATTACH DATABASE ?1 AS plain KEY ''", [&out]).unwrap();
    c.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).unwrap();
    c.execute_batch(&format!("PRAGMA plain.user_version = {v}; DETACH DATABASE plain;")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("wrote {out} (schema {v})");
}
