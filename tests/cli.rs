//! The `backpack` command-line contract, on the real OS keyring (the test
//! command runs the suite inside a D-Bus session with gnome-keyring; see
//! scripts/with-keyring.sh), plus the passphrase fallback and kill safety.

use crate::common;

use common::*;
use serde_json::Value;
use std::process::Stdio;

#[test]
fn import_list_show_export_remove_on_the_real_keyring() {
    let cli = Cli::keyring();
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "imported");
    assert_eq!(lines[0]["source"], ob30("simple.json").to_str().unwrap());
    let id = lines[0]["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);

    // The key went to the keyring, not to disk.
    let meta: Value = serde_json::from_slice(&std::fs::read(cli.dir().join("store.json")).unwrap()).unwrap();
    assert_eq!(meta["key"], "keyring");
    let secret = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "Backpack", "username", &format!("store-{}", meta["store_id"].as_str().unwrap())])
        .output()
        .expect("secret-tool");
    assert_eq!(String::from_utf8_lossy(&secret.stdout).trim().len(), 64, "a 256-bit hex key in the keyring");

    // Same file again: duplicate, exit 0.
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple.json").to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(lines[0]["status"], "duplicate");
    assert_eq!(lines[0]["id"], id.as_str());

    let (_, list) = cli.json_lines(&["list", "--json"]);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["title"], "Teamwork");
    assert_eq!(list[0]["format"], "ob3-json-ld");

    let out = cli.run(&["show", &id[..6], "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let model: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(model["achievement"]["name"], "Teamwork");
    assert_eq!(model["issuer"]["name"], "Example Corp");
    let human = cli.run(&["show", &id]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("Example Corp"));

    let out = cli.run(&["export", &id, "--format", "original"]);
    assert_eq!(out.stdout, std::fs::read(ob30("simple.json")).unwrap(), "export gives the original bytes");
    let out = cli.run(&["export", &id, "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], id.as_str());

    let out = cli.run(&["remove", &id]);
    assert!(out.status.success());
    assert_eq!(cli.count(), 0);
    let out = cli.run(&["show", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no credential with id"), "{}", stderr(&out));
}

#[test]
fn batch_import_reports_every_item_and_stores_only_good_ones() {
    let cli = Cli::keyring();
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("empty.json"), b"").unwrap();
    std::fs::write(bad.path().join("not-a-badge.json"), br#"{"hello":"world"}"#).unwrap();
    let png = std::fs::read(ob30("simple-json.png")).unwrap();
    std::fs::write(bad.path().join("truncated.png"), &png[..png.len() / 2]).unwrap();
    let svg = std::fs::read_to_string(ob30("simple-json.svg")).unwrap();
    std::fs::write(bad.path().join("wrong-ns.svg"), svg.replace("ob/v3p0", "ob/v9")).unwrap();
    let (out, lines) = cli.json_lines(&[
        "import",
        "--json",
        "--offline",
        ob30("simple-jwt.png").to_str().unwrap(),
        bad.path().to_str().unwrap(),
        ob30("simple-json.svg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "any rejected item makes exit 1");
    let by_source = |needle: &str| lines.iter().find(|l| l["source"].as_str().unwrap().ends_with(needle)).unwrap();
    assert_eq!(by_source("simple-jwt.png")["status"], "imported");
    assert_eq!(by_source("simple-json.svg")["status"], "imported");
    for (f, code, words) in [
        ("empty.json", "empty", "0 bytes"),
        ("not-a-badge.json", "not-a-badge", "no 'type'"),
        ("truncated.png", "bad-png", "PNG"),
        ("wrong-ns.svg", "not-baked", "no baked badge"),
    ] {
        let l = by_source(f);
        assert_eq!(l["status"], "rejected", "{f}");
        assert_eq!(l["code"], code, "{f}");
        assert!(l["id"].is_null());
        assert!(l["error"].as_str().unwrap().contains(words), "{f}: {}", l["error"]);
    }
    assert_eq!(lines.len(), 6);
    assert_eq!(cli.count(), 2, "only the two good credentials are stored");

    // Human output names the file and the reason on stderr.
    let out = cli.run(&["import", "--offline", bad.path().join("empty.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("empty.json: empty input (0 bytes)"), "{err}");
}

#[test]
fn clr_import_stores_members_and_the_record() {
    let cli = Cli::keyring();
    let (out, lines) = cli.json_lines(&[
        "import",
        "--json",
        vector("1edtech-validator/inspector-clr/src/test/resources/clr20/simple.json").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["source"].as_str().unwrap().ends_with("#verifiableCredential[0]"));
    let (_, list) = cli.json_lines(&["list", "--json"]);
    let formats: Vec<_> = list.iter().map(|l| l["format"].as_str().unwrap()).collect();
    assert!(formats.contains(&"clr2") && formats.contains(&"ob3-json-ld"), "{formats:?}");
}

#[test]
fn pasted_text_on_stdin() {
    let cli = Cli::keyring();
    let jwt = std::fs::read(ob30("simple.jwt")).unwrap();
    let mut child = cli
        .cmd()
        .args(["import", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&jwt).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "<stdin>");
    assert_eq!(v["status"], "imported");
}

#[test]
fn usage_errors_exit_2() {
    let cli = Cli::keyring();
    assert_eq!(cli.run(&["import"]).status.code(), Some(2));
    assert_eq!(cli.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(cli.run(&["export", "abcd", "--format", "docx"]).status.code(), Some(2));
    assert_eq!(cli.run(&["share", "abcd", "--challenge", "c"]).status.code(), Some(2), "--challenge needs --present");
}

#[test]
fn backup_and_restore_across_stores() {
    let a = Cli::keyring();
    let out = a.run(&["sample", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(a.count(), 6);
    let f = a.data.path().join("all.backup");
    // Without a passphrase and without a terminal: a clear refusal.
    let out = a.cmd().args(["backup", f.to_str().unwrap()]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("BACKPACK_BACKUP_PASSPHRASE"), "{}", stderr(&out));
    let out = a.cmd().env("BACKPACK_BACKUP_PASSPHRASE", "s3cret").args(["backup", f.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let b = Cli::passphrase("another store");
    let out = b
        .cmd()
        .env("BACKPACK_BACKUP_PASSPHRASE", "s3cret")
        .args(["restore", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("6 added"), "{}", stderr(&out));
    assert_eq!(b.count(), 6);
}

#[test]
fn passphrase_fallback_when_no_keyring() {
    let cli = Cli::passphrase("pass phrase one");
    let out = cli.run(&["sample", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta: Value = serde_json::from_slice(&std::fs::read(cli.dir().join("store.json")).unwrap()).unwrap();
    assert_eq!(meta["key"], "passphrase");
    // Wrong passphrase: refused, nothing touched.
    let out = cli.cmd().env("BACKPACK_PASSPHRASE", "wrong").args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("wrong key or passphrase"), "{}", stderr(&out));
    // No passphrase at all: says what to set.
    let out = cli.cmd().env_remove("BACKPACK_PASSPHRASE").args(["list"]).output().unwrap();
    assert!(stderr(&out).contains("BACKPACK_PASSPHRASE"), "{}", stderr(&out));
    assert_eq!(cli.count(), 6);
}

#[test]
fn no_keyring_and_no_passphrase_explains_itself() {
    let cli = Cli::keyring();
    let out = cli
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env_remove("DISPLAY")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no OS keyring answered") && err.contains("BACKPACK_PASSPHRASE"), "{err}");
    assert!(!cli.dir().join("backpack.db").exists(), "no store created without a key");
}

#[test]
fn sample_ids_are_the_same_in_every_data_folder() {
    // A fixed, public sample issuer key and fixed dates: the same ids everywhere,
    // and no key file in the data folder.
    let ids = |cli: &Cli| {
        let out = cli.run(&["sample", "--load"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!cli.dir().join("sample-issuer.json").exists(), "the public sample key needs no file");
        let out = cli.run(&["list", "--json"]);
        let mut ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let (a, b) = (Cli::passphrase("samples-a"), Cli::passphrase("samples-b"));
    let (ia, ib) = (ids(&a), ids(&b));
    assert_eq!(ia.len(), 6);
    assert_eq!(ia, ib);
    // Every sample verifies valid offline (OB 2.0 signed badges and OB 3.0 Data
    // Integrity, all keyed by the sample issuer's did:key), and passes `check`'s
    // micro-credential rules where it is one.
    let mut args = vec!["verify", "--offline", "--json"];
    args.extend(ia.iter().map(String::as_str));
    let (_, reports) = a.json_lines(&args);
    assert_eq!(reports.len(), 6);
    for r in &reports {
        assert_eq!(r["verdict"], "valid", "{r}");
        let binding = r["checks"].as_array().unwrap().iter().find(|c| c["check"] == "issuer-binding").unwrap();
        assert!(!binding["detail"].as_str().unwrap().is_empty(), "{r}");
    }
    let out = a.run(&["check", &ia[0], &ia[1], &ia[2], &ia[3], &ia[4], &ia[5]]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("eu-elements        all mandatory EU elements are present").count(), 5, "{text}");
    let out = a.run(&["sample", "--load"]);
    assert!(stderr(&out).contains("0 imported, 6 already in the backpack"), "{}", stderr(&out));
    assert_eq!(a.count(), 6);
}

#[test]
fn check_on_a_folder_answers_for_every_file_in_order_on_every_core() {
    let cli = Cli::passphrase("check-order");
    let dir = tempfile::tempdir().unwrap();
    let out = cli.run(&["sample", "--out", dir.path().to_str().unwrap(), "--count", "40"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(dir.path().join("sample-000017-broken.json"), "{ not json").unwrap();
    let (out, lines) = cli.json_lines(&["check", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "an unreadable file fails the run");
    let mut names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    names.sort();
    let sources: Vec<String> = lines.iter().map(|l| l["source"].as_str().unwrap().to_string()).collect();
    assert_eq!(sources, names, "one line per file, in the folder's order");
    let broken = lines.iter().find(|l| l["source"].as_str().unwrap().ends_with("broken.json")).unwrap();
    assert!(broken["code"].is_string(), "{broken}");
    assert_eq!(lines.iter().filter(|l| l["rules"].is_array()).count(), 40);
}

#[test]
fn info_reports_keyring_and_counts() {
    let cli = Cli::keyring();
    cli.run(&["sample", "--load"]);
    let out = cli.run(&["info", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key"], "keyring");
    assert_eq!(v["credentials"], 6);
    assert_eq!(v["schema_version"], 7);
}

#[test]
fn killed_import_leaves_a_consistent_store() {
    // Write 400 sample credentials, import them, SIGKILL the importer part-way,
    // then check integrity and that every stored credential is whole.
    let cli = Cli::passphrase("kill test");
    let src = tempfile::tempdir().unwrap();
    let out = cli.run(&["sample", "--count", "400", "--out", src.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for round in 0..3 {
        let mut child = cli
            .cmd()
            .args(["import", "--json", src.path().to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until some items are reported, then kill hard.
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut seen = 0;
        let mut line = String::new();
        use std::io::BufRead;
        while seen < 20 + round * 50 && stdout.read_line(&mut line).unwrap() > 0 {
            seen += 1;
            line.clear();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Reopen as the app would, check both integrity checks and that every
        // stored credential is whole (model and original both readable).
        let store = backpack::store::Store::open(
            &cli.dir(),
            &backpack::store::StoreKey::Passphrase("kill test".into()),
        )
        .unwrap();
        store.check_integrity().unwrap();
        let n = store.count().unwrap();
        assert!(n >= seen, "round {round}: {n} stored < {seen} reported");
        for s in store.list().unwrap() {
            let got = store.get(&s.id).unwrap();
            // JSON, or a compact JWS (the sample's OB 2.0 signed badges).
            let text = std::str::from_utf8(&got.original).expect("whole original");
            let v: Value = if text.trim_start().starts_with('{') {
                serde_json::from_str(text).expect("whole original")
            } else {
                backpack::import::decode_jws(text).expect("whole original").1
            };
            assert!(v.is_object());
            assert_eq!(got.credential.title(), s.title);
        }
    }
    // Finishing the import afterwards stores the rest; nothing is doubled.
    let (out, lines) = cli.json_lines(&["import", "--json", src.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), 400);
    assert_eq!(cli.count(), 400);
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn backup_refuses_the_live_database_and_devices() {
    // Issue #11: `backup <data dir>/backpack.db` replaced the live database;
    // `backup /dev/full` as root replaced the device node.
    let cli = Cli::keyring();
    assert!(cli.run(&["sample", "--load"]).status.success());
    let db = cli.dir().join("backpack.db");
    let before = std::fs::read(&db).unwrap();
    let backup = |args: &[&str], cwd: &std::path::Path| {
        cli.cmd().current_dir(cwd).env("BACKPACK_BACKUP_PASSPHRASE", "s3cret").arg("backup").args(args).output().unwrap()
    };
    let dotted = format!("{}/../store/./backpack.db", cli.dir().display());
    let dir = cli.dir();
    for (target, cwd) in [
        (db.to_str().unwrap(), cli.data.path()),
        ("./backpack.db", dir.as_path()),
        ("backpack.db-wal", dir.as_path()),
        ("store.json", dir.as_path()),
        (dotted.as_str(), cli.data.path()),
    ] {
        let out = backup(&[target], cwd);
        assert_eq!(out.status.code(), Some(1), "{target}");
        let err = stderr(&out);
        assert!(err.contains("error[backup-is-live-store]") && err.contains("live backpack"), "{target}: {err}");
    }
    let mut special = vec![cli.data.path().to_path_buf()];
    if std::path::Path::new("/dev/full").exists() {
        special.push("/dev/full".into());
    }
    for target in &special {
        let out = backup(&[target.to_str().unwrap()], cli.data.path());
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("error[not-a-regular-file]"), "{}", stderr(&out));
    }
    // The live store is untouched and every later command works.
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(cli.count(), 6);
    let f = cli.data.path().join("good.backup");
    let out = backup(&[f.to_str().unwrap()], cli.data.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("backed up 6 credentials"), "{}", stderr(&out));
    let leftovers: Vec<_> = std::fs::read_dir(cli.data.path()).unwrap().chain(std::fs::read_dir(cli.dir()).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn damaged_backup_files_say_so_in_plain_words() {
    let cli = Cli::passphrase("plain words");
    assert!(cli.run(&["sample", "--load"]).status.success());
    let junk = cli.data.path().join("junk.backup");
    for body in [&b""[..], &[0x5au8; 8192][..], b"SQLite format 3\0 and then nothing"] {
        std::fs::write(&junk, body).unwrap();
        let out = cli.cmd().env("BACKPACK_BACKUP_PASSPHRASE", "pw").args(["restore", junk.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("error[bad-backup]") && err.contains("is not a Backpack backup, or it is damaged, or the passphrase is wrong"), "{err}");
        assert!(!err.contains("file is not a database") && !err.contains("malformed"), "{err}");
        assert_eq!(cli.count(), 6, "the live store is unchanged");
    }
}

#[test]
fn an_empty_or_damaged_database_is_reported_not_replaced() {
    // Issue #11: a zero-byte backpack.db beside store.json silently became a new empty store.
    let cli = Cli::keyring();
    assert!(cli.run(&["sample", "--load"]).status.success());
    let db = cli.dir().join("backpack.db");
    let meta = std::fs::read(cli.dir().join("store.json")).unwrap();
    let whole = std::fs::read(&db).unwrap();
    std::fs::write(&db, b"").unwrap();
    for cmd in [&["list"][..], &["import", "--offline", ob30("simple.json").to_str().unwrap()]] {
        let out = cli.run(cmd);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("error[store-empty]") && err.contains("is empty (0 bytes)") && err.contains("backpack restore"), "{err}");
    }
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "still the 0-byte file, no new store");
    assert_eq!(std::fs::read(cli.dir().join("store.json")).unwrap(), meta);
    let mut random = vec![0u8; 8192];
    getrandom::fill(&mut random).unwrap();
    std::fs::write(&db, &random).unwrap();
    let out = cli.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    std::fs::remove_file(&db).unwrap();
    let out = cli.run(&["list"]);
    assert!(stderr(&out).contains("error[store-missing]"), "{}", stderr(&out));
    assert!(!db.exists());
    std::fs::write(&db, &whole).unwrap();
    assert_eq!(cli.count(), 6, "the same file put back opens as before");
}

#[test]
fn a_first_run_killed_at_any_moment_never_wedges_the_store() {
    // The store is made as: key, store.json (pending), database under a
    // temporary name renamed into place, store.json final. Kill the first run
    // at different moments; the next run must always work.
    let mut outcomes = std::collections::BTreeMap::new();
    for round in 0..12u64 {
        let cli = Cli::passphrase("first run");
        let mut child = cli.cmd().args(["list"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5 + round * round * 15));
        let _ = child.kill();
        child.wait().unwrap();
        let state = match std::fs::read_to_string(cli.dir().join("store.json")) {
            Err(_) => "no store.json",
            Ok(t) if t.contains("pending") => "pending",
            Ok(_) => "made",
        };
        *outcomes.entry(state).or_insert(0) += 1;
        let out = cli.run(&["list"]);
        assert!(out.status.success(), "round {round} ({state}): {}", stderr(&out));
        assert!(!std::fs::read_to_string(cli.dir().join("store.json")).unwrap().contains("pending"));
        assert!(cli.run(&["sample", "--load"]).status.success());
        assert_eq!(cli.count(), 6);
    }
    eprintln!("first-run kill outcomes: {outcomes:?}");
    // A pending store.json beside whatever an interrupted run left is finished, not reported.
    let cli = Cli::passphrase("first run");
    std::fs::create_dir_all(cli.dir()).unwrap();
    std::fs::write(cli.dir().join("store.json"), br#"{"store_id":"00112233445566778899aabbccddeeff","key":"passphrase","pending":true}"#).unwrap();
    std::fs::write(cli.dir().join("backpack.db"), b"").unwrap();
    std::fs::write(cli.dir().join(".backpack.db.creating"), b"half").unwrap();
    assert_eq!(cli.count(), 0);
    assert!(!cli.dir().join(".backpack.db.creating").exists());
    assert!(cli.run(&["sample", "--load"]).status.success());
    assert_eq!(cli.count(), 6);
}

#[test]
#[cfg(unix)]
fn store_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let cli = Cli::keyring();
    assert!(cli.run(&["sample", "--load"]).status.success());
    let f = cli.data.path().join("all.backup");
    let out = cli.cmd().env("BACKPACK_BACKUP_PASSPHRASE", "s3cret").args(["backup", f.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let d = cli.dir();
    assert_eq!(mode(&d), 0o700);
    let files = ["backpack.db", "backpack.db-wal", "backpack.db-shm", "store.json"];
    for name in files {
        if d.join(name).exists() {
            assert_eq!(mode(&d.join(name)), 0o600, "{name}");
        }
    }
    assert!(d.join("store.json").exists());
    assert_eq!(mode(&f), 0o600, "the backup");
    // Looser files from an older Backpack are tightened on the next run.
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    for name in files {
        if d.join(name).exists() {
            std::fs::set_permissions(d.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    assert_eq!(cli.count(), 6);
    assert!(cli.run(&["sample", "--load"]).status.success());
    assert_eq!(mode(&d), 0o700);
    for name in files {
        if d.join(name).exists() {
            assert_eq!(mode(&d.join(name)), 0o600, "{name} after a run");
        }
    }
}

#[test]
fn list_and_show_never_print_bidi_overrides_or_escape_sequences() {
    let cli = Cli::passphrase("terminal");
    let mut v: Value = serde_json::from_slice(&std::fs::read(ob30("simple.json")).unwrap()).unwrap();
    v["credentialSubject"]["achievement"]["name"] = Value::String("Team\u{202E}krow\u{1b}[2J\u{7}".into());
    v["credentialSubject"]["achievement"]["description"] = Value::String("line one\r\nline \u{2066}two\u{2069}".into());
    let f = cli.data.path().join("hostile.json");
    std::fs::write(&f, v.to_string()).unwrap();
    let out = cli.run(&["import", "--offline", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = cli.run(&["list"]);
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.contains("Team[U+202E]krow[U+001B][2J[U+0007]"), "{text}");
    let (_, rows) = cli.json_lines(&["list", "--json"]);
    let id = rows[0]["id"].as_str().unwrap().to_string();
    assert_eq!(rows[0]["title"], "Team\u{202E}krow\u{1b}[2J\u{7}", "--json keeps the data as issued");
    let show = String::from_utf8(cli.run(&["show", &id]).stdout).unwrap();
    for c in ['\u{202E}', '\u{1b}', '\u{7}', '\u{2066}', '\u{2069}', '\r'] {
        assert!(!text.contains(c) && !show.contains(c), "U+{:04X} printed", c as u32);
    }
    assert!(show.contains("line one\nline [U+2066]two[U+2069]"), "{show}");
}

#[test]
fn first_runs_started_together_make_one_store() {
    // The app and the CLI started at once on a new folder: one key, one database.
    for round in 0..3 {
        let cli = Cli::keyring();
        let children: Vec<_> = (0..4)
            .map(|_| cli.cmd().args(["list"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap())
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
        }
        assert!(cli.run(&["sample", "--load"]).status.success());
        assert_eq!(cli.count(), 6);
    }
}

#[test]
fn list_shows_a_verdict_after_import() {
    let cli = Cli::passphrase("pw");
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(lines[0]["verdict"].is_string(), "import line carries the offline verdict: {}", lines[0]);
    let (out, rows) = cli.json_lines(&["list", "--json"]);
    assert!(out.status.success());
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["verdict"].is_string(), "list shows the saved verdict: {}", rows[0]);
    assert_eq!(rows[0]["verdict"], lines[0]["verdict"]);
}

#[test]
fn share_base_follows_the_verifier_url_policy() {
    let cli = Cli::passphrase("pw");
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = lines[0]["id"].as_str().unwrap().to_string();
    let o = cli.run(&["share", &id, "--link", "--base", "http://verify.example.org/v/"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[invalid-verifier-url]"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = cli.run(&["share", &id, "--link", "--base", "https://verify.example.org/v/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("https://verify.example.org/v/"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // `backpack list --json | head -1`: head leaves after one line, the rest
    // of the output meets a closed pipe. Unix tools end quietly there.
    let cli = Cli::passphrase("pipes");
    assert!(cli.run(&["sample", "--count", "400", "--load"]).status.success());
    let c = cli.cmd();
    let words: Vec<String> = std::iter::once(c.get_program()).chain(c.get_args()).map(|a| format!("'{}'", a.to_str().unwrap())).collect();
    let mut sh = std::process::Command::new("bash");
    sh.arg("-c").arg(format!("set -o pipefail; {} list --json | head -1", words.join(" ")));
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let o = sh.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
}

/// `list` with a search, filters, an order and a page: the same core search as
/// the app's Backpack screen, held here to its rules written out again over
/// the whole list (`list --json`).
#[test]
fn list_searches_filters_sorts_and_pages() {
    let cli = Cli::keyring();
    let out = cli.run(&["sample", "--load", "--count", "40"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = |args: &[&str]| {
        let mut a = vec!["list", "--json"];
        a.extend_from_slice(args);
        let (out, rows) = cli.json_lines(&a);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        rows
    };
    let all = list(&[]);
    assert_eq!(all.len(), 40);
    let ids = |rows: &[&Value]| rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let got = |args: &[&str]| ids(&list(args).iter().collect::<Vec<_>>());
    let want = |keep: &dyn Fn(&Value) -> bool| ids(&all.iter().filter(|r| keep(r)).collect::<Vec<_>>());
    let text = |r: &Value, k: &str| r[k].as_str().unwrap_or("").to_string();

    // Every word (any case) in the title, issuer, wallet id or issue date.
    let hay = |r: &Value| format!("{}\n{}\n{}\n{}", text(r, "title"), text(r, "issuer"), text(r, "id"), text(r, "issued").chars().take(10).collect::<String>()).to_lowercase();
    let word = text(&all[5], "title").split(' ').next().unwrap().to_uppercase();
    let year = text(&all[5], "issued")[..4].to_string();
    let query = format!("  {word} {year} ");
    let expect = want(&|r| hay(r).contains(&word.to_lowercase()) && hay(r).contains(&year));
    assert!(!expect.is_empty() && expect.len() < 40, "{query}: {expect:?}");
    assert_eq!(got(&["--query", &query]), expect);
    assert_eq!(got(&["--query", &text(&all[7], "id")[..10]]), [text(&all[7], "id")]);

    // Each filter.
    let issuer = text(&all[3], "issuer");
    assert_eq!(got(&["--issuer", &issuer]), want(&|r| text(r, "issuer") == issuer));
    assert_eq!(got(&["--year", &year]), want(&|r| text(r, "issued").starts_with(&year)));
    let ects = |r: &Value| r["ects"].as_f64();
    let range = want(&|r| ects(r).is_some_and(|e| (3.0..=7.5).contains(&e)));
    assert!(!range.is_empty() && range.len() < 40);
    assert_eq!(got(&["--ects-min", "3", "--ects-max", "7.5"]), range);
    assert_eq!(got(&["--eqf", "6"]), want(&|r| r["eqf_level"] == 6));
    let micro = want(&|r| r["class"] == "micro-credential");
    assert!(!micro.is_empty() && micro.len() < 40);
    assert_eq!(got(&["--kind", "micro"]), micro);
    assert_eq!(got(&["--kind", "other"]), want(&|r| r["class"] != "micro-credential"));
    assert_eq!(got(&["--status", "valid"]), want(&|r| r["verdict"] == "valid"));
    assert_eq!(got(&["--status", "unchecked"]), want(&|r| r["verdict"].is_null()));
    assert_eq!(got(&["--kind", "micro", "--eqf", "6", "--query", &word]), want(&|r| r["class"] == "micro-credential" && r["eqf_level"] == 6 && hay(r).contains(&word.to_lowercase())));

    // Orders: stable sorts of the list (newest first), with the app's tie-breaks.
    let sorted = |cmp: &dyn Fn(&Value, &Value) -> std::cmp::Ordering| {
        let mut v: Vec<&Value> = all.iter().collect();
        v.sort_by(|a, b| cmp(a, b));
        ids(&v)
    };
    let title = |r: &Value| text(r, "title").to_lowercase();
    assert_eq!(got(&["--sort", "newest"]), ids(&all.iter().collect::<Vec<_>>()));
    assert_eq!(got(&["--sort", "oldest"]), sorted(&|a, b| (text(a, "issued"), text(a, "id")).cmp(&(text(b, "issued"), text(b, "id")))));
    let by_title = sorted(&|a, b| (title(a), text(a, "id")).cmp(&(title(b), text(b, "id"))));
    assert_eq!(got(&["--sort", "title"]), by_title);
    let by_ects = sorted(&|a, b| ects(b).unwrap_or(-1.0).total_cmp(&ects(a).unwrap_or(-1.0)).then_with(|| title(a).cmp(&title(b))));
    assert_eq!(got(&["--sort", "ects"]), by_ects);
    let issuer_key = |r: &Value| r["issuer"].as_str().map_or("\u{ffff}".to_string(), str::to_string);
    assert_eq!(got(&["--sort", "issuer"]), sorted(&|a, b| issuer_key(a).cmp(&issuer_key(b)).then_with(|| title(a).cmp(&title(b)))));

    // Pages of the matches, in the order asked for.
    assert_eq!(got(&["--sort", "title", "--offset", "5", "--limit", "7"]), by_title[5..12]);
    assert_eq!(got(&["--kind", "micro", "--limit", "3"]), micro[..3]);
    assert!(got(&["--offset", "40"]).is_empty());

    // The JSON line of each credential is the same with filters as without.
    let one = list(&["--query", &text(&all[9], "id")]);
    assert_eq!(one, [all[9].clone()]);

    // Nothing matches: nothing on stdout, the count on stderr, success.
    let out = cli.run(&["list", "--query", "no-such-words-anywhere"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("No credential matches (of 40 in the backpack)"), "{}", stderr(&out));
    // A word the filter does not know is a usage error.
    for bad in [&["--sort", "size"][..], &["--status", "ok"], &["--kind", "badge"], &["--eqf", "9"], &["--limit", "-1"]] {
        let mut a = vec!["list"];
        a.extend_from_slice(bad);
        assert_eq!(cli.run(&a).status.code(), Some(2), "{bad:?}");
    }
}
