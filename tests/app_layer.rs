//! The use-case layer (`backpack::app`) on real stores in temp dirs, kept
//! under a passphrase with the keyring off (no D-Bus needed).

use crate::common;

use backpack::app::import::{self, Item};
use backpack::import::{ImportOptions, Input};
use backpack::keys::{self, KeyOptions};
use backpack::store::Store;

fn store(dir: &std::path::Path) -> Store {
    let opts = KeyOptions { passphrase: Some("correct horse".into()), keyring_off: true };
    let (key, _) = keys::resolve(dir, &opts).unwrap();
    Store::open(dir, &key).unwrap()
}

/// A folder with the sample credentials and one file that is not a credential.
fn folder_with_a_bad_file(root: &std::path::Path) -> (std::path::PathBuf, usize) {
    let issuer = backpack::sample::SampleIssuer::fixed();
    let files = backpack::sample::signed_credentials(None, Some(&issuer));
    let dir = root.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(dir.join("bad.json"), br#"{"hello": 1}"#).unwrap();
    (dir, files.len())
}

#[test]
fn import_a_folder_with_a_bad_file_gives_per_item_results_and_saves_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = store(&tmp.path().join("store"));
    let (dir, good) = folder_with_a_bad_file(tmp.path());
    let mut seen = Vec::new();
    let results = import::import(&mut st, vec![Item::Input(Input::Path(dir.clone()))], &ImportOptions::default(), |p| {
        seen.push((p.done, p.total, p.result.status()));
    });
    // One result per file, the progress callback once per item.
    assert_eq!(results.len(), good + 1);
    assert_eq!(seen.len(), good + 1);
    assert!(seen.iter().enumerate().all(|(i, (done, total, _))| *done == i + 1 && *total == good + 1));
    let bad: Vec<_> = results.iter().filter(|r| r.status() == "rejected").collect();
    assert_eq!(bad.len(), 1, "{results:?}");
    assert!(bad[0].source.ends_with("bad.json"));
    assert!(!bad[0].outcome.as_ref().unwrap_err().code().is_empty());
    // Nothing else is lost, and every new credential has its report saved.
    let ids: Vec<String> = results.iter().filter_map(|r| r.outcome.as_ref().ok()).flatten().map(|e| e.id.clone()).collect();
    assert!(ids.len() >= good);
    assert_eq!(st.count().unwrap(), ids.len());
    let verdicts = st.verdicts().unwrap();
    for id in &ids {
        assert!(verdicts.contains_key(id), "no report saved for {id}");
    }
    // Again: all duplicates, the bad file still rejected, nothing new stored.
    let again = import::import(&mut st, vec![Item::Input(Input::Path(dir))], &ImportOptions::default(), |_| {});
    assert_eq!(again.iter().filter(|r| r.status() == "duplicate").count(), good);
    assert_eq!(st.count().unwrap(), ids.len());
}

#[test]
fn unreadable_items_and_bytes_are_items_too() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = store(&tmp.path().join("store"));
    let bytes = std::fs::read(common::ob30("simple.json")).unwrap();
    let items = vec![
        Item::Unreadable { source: "upload.png".into(), error: backpack::app::Error::new("bad-upload", "did not arrive intact") },
        Item::Bytes { name: "simple.json".into(), bytes },
    ];
    let r = import::import(&mut st, items, &ImportOptions::default(), |_| {});
    assert_eq!(r[0].outcome.as_ref().unwrap_err().code(), "bad-upload");
    assert_eq!(r[1].status(), "imported");
    // Offline, a URL is refused with the importer's own code.
    let r = import::import_one(&mut st, Item::Input(Input::Url("https://example.org/a".into())), &ImportOptions::default());
    assert_eq!(r.status(), "rejected");
    assert!(!r.outcome.unwrap_err().code().is_empty());
}

#[test]
fn errors_keep_the_core_codes() {
    let e: backpack::app::Error = backpack::store::StoreError::NotFound("abcd".into()).into();
    assert_eq!(e.code(), "not-found");
    assert!(e.message().contains("abcd"));
    let e: backpack::app::Error = backpack::import::ImportError::Empty.into();
    assert_eq!(e.code(), "empty");
    let e: backpack::app::Error = backpack::keys::KeyError::PassphraseNeeded.into();
    assert_eq!(e.code(), "passphrase-needed");
}

#[test]
fn verifier_base_url_policy() {
    use backpack::app::links::{verifier_base, verifier_base_or_default, INVALID_VERIFIER_URL};
    for ok in [
        "https://verify.example.org/v/",
        "https://example.org",
        " https://verify.example.org/ ",
        "http://localhost:8080/v/",
        "http://LOCALHOST/",
        "http://127.0.0.1:9/verify/",
        "http://[::1]:8080/",
    ] {
        assert_eq!(verifier_base(ok).unwrap(), ok.trim(), "{ok} should be accepted");
    }
    for bad in [
        "http://verify.example.org/",
        "http://127.0.0.2/",
        "http://10.0.0.1/",
        "http://localhost.example.org/",
        "ftp://verify.example.org/",
        "javascript:alert(1)",
        "file:///tmp/v/",
        "verify.example.org",
        "",
        "https://user:pw@verify.example.org/",
    ] {
        let e = verifier_base(bad).unwrap_err();
        assert_eq!(e.code(), INVALID_VERIFIER_URL, "{bad} should be refused");
        assert_eq!(e.code(), "invalid-verifier-url");
    }
    assert_eq!(verifier_base_or_default(None).unwrap(), backpack::share::DEFAULT_VERIFIER_BASE);
    assert_eq!(verifier_base_or_default(Some("  ")).unwrap(), backpack::share::DEFAULT_VERIFIER_BASE);
    assert_eq!(verifier_base_or_default(Some("http://example.org/")).unwrap_err().code(), "invalid-verifier-url");
}

/// A store holding `n` sample credentials.
fn sample_store(root: &std::path::Path, n: usize) -> Store {
    let mut st = store(&root.join("store"));
    let issuer = backpack::sample::SampleIssuer::fixed();
    let items = backpack::sample::signed_credentials(Some(n), Some(&issuer))
        .into_iter()
        .map(|(name, bytes)| Item::Input(Input::Text { label: name, text: String::from_utf8(bytes).unwrap() }))
        .collect();
    let r = import::import(&mut st, items, &ImportOptions::default(), |_| {});
    assert!(r.iter().all(|r| r.outcome.is_ok()), "{r:?}");
    st
}

#[test]
fn suggestions_leave_out_existing_pathways() {
    use backpack::pathway::{self, Pathway};
    let tmp = tempfile::tempdir().unwrap();
    let mut st = sample_store(tmp.path(), 12);
    let before = backpack::app::pathways::suggestions(&st).unwrap();
    assert!(!before.is_empty());
    let first = before[0].clone();
    // The same members in another order are the same pathway.
    let mut members = first.members.clone();
    members.reverse();
    let p = Pathway { id: pathway::new_id(&first.name), name: first.name.clone(), description: None, goal: Default::default(), members };
    st.create_pathway(&p).unwrap();
    let after = backpack::app::pathways::suggestions(&st).unwrap();
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&first));
    assert_eq!(after, before[1..].to_vec());
}

#[test]
fn pathway_files_over_one_mib_are_refused_in_bytes_and_on_disk() {
    use backpack::pathway::{self, Pathway, MAX_FILE_BYTES};
    let tmp = tempfile::tempdir().unwrap();
    let mut st = sample_store(tmp.path(), 6);
    let creds: std::collections::HashMap<_, _> = st.all().unwrap().into_iter().map(|c| (c.id.clone(), c)).collect();
    let members: Vec<String> = creds.keys().take(2).cloned().collect();
    let p = Pathway { id: pathway::new_id("Minor"), name: "Minor".into(), description: None, goal: Default::default(), members };
    let body = serde_json::to_vec_pretty(&pathway::to_file(&p, &creds)).unwrap();

    // A good file loads, its members matched to the credentials here.
    let got = backpack::app::pathways::import_bytes(&mut st, &body).unwrap();
    assert_eq!(got.pathway.members.len(), 2);
    assert!(got.not_held.is_empty());
    let file = tmp.path().join("ok.pathway.json");
    std::fs::write(&file, &body).unwrap();
    assert_eq!(backpack::app::pathways::import_file(&mut st, &file).unwrap().pathway.members.len(), 2);

    // The same file padded past 1 MiB (still valid JSON) is refused, before parsing.
    let mut big = body.clone();
    big.resize(MAX_FILE_BYTES as usize + 1, b' ');
    assert_eq!(backpack::app::pathways::import_bytes(&mut st, &big).unwrap_err().code(), "too-large");
    let file = tmp.path().join("big.pathway.json");
    std::fs::write(&file, &big).unwrap();
    assert_eq!(backpack::app::pathways::import_file(&mut st, &file).unwrap_err().code(), "too-large");
    // Exactly 1 MiB is still read.
    big.truncate(MAX_FILE_BYTES as usize);
    assert!(backpack::app::pathways::import_bytes(&mut st, &big).is_ok());
    assert_eq!(st.pathways().unwrap().len(), 3);
}
