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

// Moved down from the app crate (issue #12): the use cases both shells call.

#[test]
fn sample_detail_verify_remove_undo() {
    use backpack::app::{library, verify};
    use backpack::verify::Verdict;
    let tmp = tempfile::tempdir().unwrap();
    let mut st = store(&tmp.path().join("store"));
    let r = import::import(&mut st, library::sample_items(None), &ImportOptions::default(), |_| {});
    assert!(r.iter().all(|r| r.status() == "imported"), "{r:?}");
    let list = st.list().unwrap();
    assert_eq!(list.len(), 6);
    // Imported credentials come with an offline report: every sample is valid.
    assert!(list.iter().all(|s| s.verdict == Some(Verdict::Valid)), "{list:?}");
    let signed = list.iter().find(|s| s.format == backpack::model::Format::Ob3JsonLd).unwrap();
    let d = library::detail(&st, &signed.id[..8]).unwrap();
    assert_eq!(d.id, signed.id);
    assert!(d.original.contains("\"proof\""));
    assert!(!d.credential.achievement.learning_outcomes.is_empty());
    assert!(d.image.as_deref().unwrap().starts_with("data:image/png;base64,"));
    assert_eq!(d.report.as_ref().unwrap().verdict, Verdict::Valid);
    let opts = verify::options(true, &[], None).unwrap();
    let r = verify::verify_stored(&mut st, &signed.id, &opts).unwrap();
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(r.checks.iter().any(|c| c.check == "proof"));
    st.trash(&signed.id).unwrap();
    assert_eq!(st.list().unwrap().len(), 5);
    assert_eq!(library::detail(&st, &signed.id).unwrap_err().code(), "not-found");
    st.untrash(&signed.id).unwrap();
    assert_eq!(st.list().unwrap().len(), 6);
}

#[test]
fn export_every_format_backup_and_restore() {
    use backpack::app::library::{self, ExportFormat, ExportOptions};
    let tmp = tempfile::tempdir().unwrap();
    let mut st = store(&tmp.path().join("store"));
    import::import(&mut st, library::sample_items(None), &ImportOptions::default(), |_| {});
    let id = st.list().unwrap().into_iter().find(|s| s.format == backpack::model::Format::Ob3JsonLd).unwrap().id;
    let opts = ExportOptions { into: None, base: backpack::share::DEFAULT_VERIFIER_BASE.into(), lang: backpack::model::Lang::En };
    let original = library::export(&st, &id, ExportFormat::Original, &opts).unwrap();
    assert_eq!(original.bytes, st.get(&id).unwrap().original);
    assert_eq!(original.file_name, format!("backpack-{id}.json"));
    let json = library::export(&st, &id, ExportFormat::Json, &opts).unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&json.bytes).unwrap()["id"], id.as_str());
    assert!(library::export(&st, &id, ExportFormat::Png, &opts).unwrap().bytes.starts_with(b"\x89PNG"));
    // The sample's picture is a PNG: an SVG badge needs an image to bake into.
    let svg = library::export(&st, &id, ExportFormat::Svg, &opts).unwrap_err();
    assert!(svg.code() == "export" && svg.message().contains("--into"), "{svg:?}");
    let pdf = library::export(&st, &id, ExportFormat::Pdf, &opts).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF") && pdf.file_name.ends_with(".pdf"));
    assert_eq!(ExportFormat::parse("docx").unwrap_err().code(), "invalid-format");
    // The verifier URL policy holds for the PDF's QR code too.
    let bad = ExportOptions { base: "http://example.org/".into(), ..opts };
    assert_eq!(library::export(&st, &id, ExportFormat::Pdf, &bad).unwrap_err().code(), "invalid-verifier-url");

    assert_eq!(library::check_chosen_passphrase("short").unwrap_err().code(), "weak-passphrase");
    let file = tmp.path().join("b.backpack");
    assert_eq!(library::backup(&st, &file, "correct horse battery").unwrap(), 6);
    let bytes = std::fs::read(&file).unwrap();
    let mut other = store(&tmp.path().join("other"));
    assert_eq!(library::restore_bytes(&mut other, &bytes, "wrong passphrase", false).unwrap_err().code(), "bad-backup");
    assert_eq!(other.count().unwrap(), 0);
    assert_eq!(library::restore_bytes(&mut other, &bytes, "correct horse battery", false).unwrap().added, 6);
    assert_eq!(other.count().unwrap(), 6);
}

#[test]
fn verify_many_keeps_input_order_on_any_number_of_workers() {
    use backpack::app::verify;
    let tmp = tempfile::tempdir().unwrap();
    let (dir, good) = folder_with_a_bad_file(tmp.path());
    let (targets, store) = verify::targets(&[dir.display().to_string(), "no-such-id".into()], || Ok(self::store(&tmp.path().join("s")))).unwrap();
    assert!(store.is_some(), "an id argument opens the store");
    assert_eq!(targets.len(), good + 2);
    let opts = verify::options(true, &[], None).unwrap();
    let mut orders = Vec::new();
    for workers in [1, 2, 4] {
        let mut seen = Vec::new();
        verify::verify_many(&targets, &opts, &Default::default(), workers, |i, source, r| {
            seen.push((i, source.to_string(), r.verdict));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), (0..targets.len()).collect::<Vec<_>>());
        orders.push(seen);
    }
    assert!(orders.windows(2).all(|w| w[0] == w[1]));
    let last = &orders[0][targets.len() - 1];
    assert_eq!((last.1.as_str(), last.2), ("no-such-id", backpack::verify::Verdict::Invalid));
    // An error from the printer (a closed pipe) stops the pool and comes back.
    let e = verify::verify_many(&targets, &opts, &Default::default(), 2, |_, _, _| Err(backpack::app::Error::new("broken-pipe", "closed"))).unwrap_err();
    assert_eq!(e.code(), "broken-pipe");
}

#[test]
fn pathway_views_edits_and_a_dossier_with_a_member_gone() {
    use backpack::app::pathways::{self, DossierPlace, ExemptionRequest, PathwayDraft};
    let tmp = tempfile::tempdir().unwrap();
    let mut st = sample_store(tmp.path(), 6);
    let ids: Vec<String> = st.list().unwrap().into_iter().map(|s| s.id).collect();
    let draft = PathwayDraft { name: "  Minor data  ".into(), description: Some(" ".into()), goal: Default::default() };
    let pid = pathways::create(&mut st, draft, &[ids[0][..6].to_string(), ids[1].clone(), ids[2].clone()]).unwrap();
    let v = pathways::view(&st, &pid[..pid.len() - 2]).unwrap();
    assert_eq!((v.name.as_str(), v.description.as_deref(), v.members.len()), ("Minor data", None, 3));
    assert_eq!(pathways::view(&st, "no-such-pathway").unwrap_err().code(), "not-found");
    pathways::update(&mut st, &pid, PathwayDraft { name: "Minor".into(), ..Default::default() }).unwrap();
    assert_eq!(pathways::views(&st).unwrap()[0].name, "Minor");
    assert_eq!(pathways::update(&mut st, &pid, PathwayDraft { name: " ".into(), ..Default::default() }).unwrap_err().code(), "invalid-pathway");
    // One member leaves the backpack: the dossier is still made, without it, and names it.
    st.remove(&ids[1]).unwrap();
    let req = ExemptionRequest { pathway: Some(pid.clone()), lang: "nl".into(), verify: true, ..Default::default() };
    let opts = backpack::app::verify::options(true, &[], None).unwrap();
    let out = tmp.path().join("dossier");
    let d = pathways::dossier(&mut st, req, DossierPlace::Folder(out.clone()), &opts).unwrap();
    assert_eq!(d.credentials, 2);
    assert_eq!(d.gone, vec![ids[1].clone()]);
    assert!(out.join("dossier.html").is_file() && out.join("dossier.pdf").is_file());
    // Nothing chosen is refused in words.
    let none = ExemptionRequest { lang: "en".into(), ..Default::default() };
    assert_eq!(pathways::dossier(&mut st, none, DossierPlace::Folder(out), &opts).unwrap_err().code(), "nothing-chosen");
    let (file, members) = pathways::export_file(&st, &pid).unwrap();
    assert_eq!(file.file_name, format!("{pid}.pathway.json"));
    assert_eq!(members, 3, "the pathway still names the member that is gone");
    assert!(String::from_utf8(file.bytes).unwrap().contains("BackpackPathway"));
}

#[test]
fn links_make_one_payload_choice_for_qr_and_linkedin() {
    use backpack::app::{links, shares};
    let tmp = tempfile::tempdir().unwrap();
    let mut st = sample_store(tmp.path(), 6);
    let now = chrono::Utc::now();
    for s in st.list().unwrap() {
        let l = links::links(&st, &s.id, "https://verify.example/", &now).unwrap();
        assert!(l.self_contained.starts_with("https://verify.example/#"));
        // The QR code holds the issuer's link, else the self-contained one, or says why nothing fits.
        match (&l.qr, &l.qr_problem) {
            (Some(q), None) => assert_eq!(q.link, l.issuer.clone().unwrap_or(l.self_contained.clone())),
            (None, Some(e)) => assert_eq!(e.code(), "nothing-fits-qr"),
            other => panic!("{other:?}"),
        }
        // LinkedIn's certification URL is the shortest link there is.
        assert!(l.cert_url.len() <= l.self_contained.len());
        assert!(l.linkedin_add.contains("linkedin.com"));
        // `share --link --linkedin` prints the same links, in order.
        let req = shares::ShareRequest { link: true, linkedin: true, ..Default::default() };
        let made = shares::share(&mut st, &s.id, &req, Some("https://verify.example/"), now).unwrap();
        assert_eq!(made.lines, vec![l.self_contained.clone(), l.linkedin_add.clone(), l.linkedin_share.clone()]);
        assert_eq!(made.json["link"], l.self_contained.as_str());
    }
    let id = st.list().unwrap()[0].id.clone();
    assert_eq!(links::links(&st, &id, "http://example.org/", &now).unwrap_err().code(), "invalid-verifier-url");
    let req = shares::ShareRequest { short: Some(None), ..Default::default() };
    assert_eq!(shares::share(&mut st, &id, &req, None, now).unwrap_err().code(), "no-share-location");
    assert!(shares::list(&st, None, &now).unwrap().is_empty());
}

#[test]
fn import_parses_on_many_threads_and_stores_in_item_order() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = store(&tmp.path().join("store"));
    // More items than the parsing threads may run ahead of the store.
    let items = backpack::app::library::sample_items(Some(150));
    let labels: Vec<String> = items.iter().map(Item::label).collect();
    let mut order = Vec::new();
    let results = import::import(&mut st, items, &ImportOptions::default(), |p| order.push((p.done, p.result.source.clone())));
    assert_eq!(results.iter().map(|r| r.source.clone()).collect::<Vec<_>>(), labels);
    assert_eq!(order, labels.iter().enumerate().map(|(i, l)| (i + 1, l.clone())).collect::<Vec<_>>());
    assert!(results.iter().all(|r| r.status() == "imported"));
    // Each new credential was stored with its report, in the same step.
    assert_eq!(st.verdicts().unwrap().len(), st.count().unwrap());
    assert_eq!(st.count().unwrap(), 150);
}
