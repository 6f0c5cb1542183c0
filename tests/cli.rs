//! The `backpack` command-line contract, on the real OS keyring (the test
//! command runs the suite inside a D-Bus session with gnome-keyring; see
//! scripts/with-keyring.sh), plus the passphrase fallback and kill safety.

mod common;

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
fn sample_issuer_key_is_kept_so_reloading_changes_nothing() {
    let cli = Cli::passphrase("samples");
    let out = cli.run(&["sample", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = std::fs::read_to_string(cli.dir().join("sample-issuer.json")).unwrap();
    assert!(key.contains("Not a real institution's key") && key.contains("did:key:z6Mk"), "{key}");
    let out = cli.run(&["sample", "--load"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("0 imported, 6 already in the backpack"), "{}", stderr(&out));
    assert_eq!(cli.count(), 6);
}

#[test]
fn info_reports_keyring_and_counts() {
    let cli = Cli::keyring();
    cli.run(&["sample", "--load"]);
    let out = cli.run(&["info", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key"], "keyring");
    assert_eq!(v["credentials"], 6);
    assert_eq!(v["schema_version"], 5);
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
            let v: Value = serde_json::from_slice(&got.original).expect("whole original");
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
