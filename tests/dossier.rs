//! The exemption dossier end to end: HTML and PDF in Dutch and English, the
//! PDF rendered to PNG by poppler and its text checked, the attached originals
//! byte for byte, the CLR 2.0 export read back by our own importer, and
//! hostile credential text escaped.

use crate::common;

use common::*;
use serde_json::Value;
use std::process::Command;

fn pdftotext(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dossier_for_a_pathway_in_dutch_and_english() {
    let cli = Cli::passphrase("dossier");
    assert!(cli.run(&["sample", "--count", "6", "--load"]).status.success());
    let (_, list) = cli.json_lines(&["list", "--json"]);
    let ids: Vec<String> = list.iter().map(|l| l["id"].as_str().unwrap().to_string()).collect();
    let out = cli.run(&["pathway", "new", "Data minor", "--ects", "30", "--add", &ids[0], "--add", &ids[1], "--add", &ids[2]]);
    assert!(out.status.success(), "{}", stderr(&out));

    for (lang, words) in [("en", ["Exemption dossier", "Learning outcomes", "Study load", "Verification", "is within 3–30 EC"]), ("nl", ["Dossier vrijstellingsverzoek", "Leeruitkomsten", "Studielast", "Verificatie", "ligt binnen 3–30 EC"])] {
        let dir = cli.data.path().join(format!("dossier-{lang}"));
        let out = cli.run(&[
            "dossier", "--pathway", "data minor", "--out", dir.to_str().unwrap(), "--lang", lang,
            "--learner", "Anne de Vries", "--request", "Vrijstelling voor Statistiek 1", "--verify", "--offline",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let html = std::fs::read_to_string(dir.join("dossier.html")).unwrap();
        assert!(html.starts_with("<!doctype html>") && html.contains(&format!("lang=\"{lang}\"")));
        assert!(!html.contains("<script"), "no script in the dossier");
        for w in words {
            assert!(html.contains(w), "{lang}: '{w}' missing from the HTML");
        }
        // Every learning outcome of every member is there in full, in both renderings.
        let pdf_text = pdftotext(&dir.join("dossier.pdf"));
        let pdf_flat = pdf_text.split_whitespace().collect::<Vec<_>>().join(" ");
        for id in &ids[..3] {
            let show: Value = serde_json::from_slice(&cli.run(&["show", id, "--json"]).stdout).unwrap();
            let title = show["achievement"]["name"].as_str().unwrap();
            assert!(html.contains(title), "{title}");
            assert!(pdf_flat.contains(title), "{lang}: '{title}' not in the PDF text:\n{pdf_text}");
            for o in show["achievement"]["learning_outcomes"].as_array().unwrap() {
                let text = o["text"].as_str().unwrap();
                let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(pdf_flat.contains(&flat), "{lang}: outcome '{flat}' not in the PDF");
            }
            // The original is attached byte for byte.
            let original = cli.run(&["export", id, "--format", "original"]).stdout;
            // (credentials/ID.json, or ID.jws for a signed OB 2.0 badge)
            let file = std::fs::read_dir(dir.join("credentials"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(id.as_str()))
                .expect("the original is attached");
            let attached = std::fs::read(file).unwrap();
            assert_eq!(attached, original);
        }
        for w in words {
            assert!(pdf_flat.contains(w), "{lang}: '{w}' missing from the PDF text");
        }
        assert!(pdf_flat.contains("Anne de Vries"));
        // Render page 1 to PNG with poppler and look at it as an image.
        let png_base = dir.join("page");
        let r = Command::new("pdftoppm").args(["-png", "-r", "60", "-f", "1", "-l", "1"]).arg(dir.join("dossier.pdf")).arg(&png_base).status().unwrap();
        assert!(r.success());
        let png = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().map(|e| e == "png").unwrap_or(false)).expect("a PNG page");
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000, "{} bytes", bytes.len());
        // The CLR 2.0 export imports back as a CLR holding the OB 3.0 members.
        let clr = dir.join("clr.json");
        let b = backpack::import::parse_input(&backpack::import::Input::Path(clr), &Default::default()).unwrap();
        assert_eq!(b.items.last().unwrap().credential.format, backpack::model::Format::Clr2);
        assert!(b.items.len() >= 2, "the CLR holds the OB 3.0 credentials");
    }
}

#[test]
fn hostile_credential_text_is_escaped() {
    let issuer = backpack::sample::SampleIssuer::generate();
    let (_, bytes) = backpack::sample::signed_credentials(Some(2), Some(&issuer)).remove(1);
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["credentialSubject"]["achievement"]["name"] = Value::String("<script>alert(1)</script> & <img src=x onerror=alert(2)>".into());
    let b = backpack::import::parse_bytes("x", v.to_string().as_bytes(), &Default::default()).unwrap();
    let p = &b.items[0];
    let d = backpack::dossier::Dossier {
        title: "T".into(),
        learner: None,
        request: None,
        items: vec![backpack::dossier::Item { credential: p.credential.clone(), original: p.original.clone(), media_type: p.media_type.clone(), report: None }],
        created: "2026-11-25T00:00:00Z".into(),
    };
    let html = backpack::dossier::html(&d, backpack::dossier::Lang::En);
    assert!(!html.contains("<script>") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("Content-Security-Policy"));
    let pdf = backpack::dossier::pdf(&d, backpack::dossier::Lang::En).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn bidi_overrides_and_controls_never_reach_the_dossier() {
    // Issue #11: a name with RIGHT-TO-LEFT OVERRIDE reads differently from
    // what it holds. Every hidden formatting or control character shows as
    // [U+XXXX] in the HTML and in the PDF text.
    let issuer = backpack::sample::SampleIssuer::generate();
    let (_, bytes) = backpack::sample::signed_credentials(Some(2), Some(&issuer)).remove(1);
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["credentialSubject"]["achievement"]["name"] = Value::String("Statistics \u{202E}1 level EQF\u{202C} 8".into());
    v["credentialSubject"]["achievement"]["description"] = Value::String("isolate \u{2067}x\u{2069} mark \u{200F} esc \u{1b}[31m nul \u{0} c1 \u{85} alm \u{061C}".into());
    let b = backpack::import::parse_bytes("x", v.to_string().as_bytes(), &Default::default()).unwrap();
    let p = &b.items[0];
    assert!(p.credential.title().contains('\u{202E}'), "the model keeps the text as issued");
    let d = backpack::dossier::Dossier {
        title: "Dossier \u{202E}T".into(),
        learner: Some("Anne \u{2066}de Vries".into()),
        request: None,
        items: vec![backpack::dossier::Item { credential: p.credential.clone(), original: p.original.clone(), media_type: p.media_type.clone(), report: None }],
        created: "2026-11-25T00:00:00Z".into(),
    };
    let hidden = ['\u{202E}', '\u{202C}', '\u{2066}', '\u{2067}', '\u{2069}', '\u{200F}', '\u{1b}', '\u{0}', '\u{85}', '\u{061C}'];
    let html = backpack::dossier::html(&d, backpack::dossier::Lang::En);
    for c in hidden {
        assert!(!html.contains(c), "U+{:04X} in the HTML", c as u32);
    }
    assert!(html.contains("Statistics [U+202E]1 level EQF[U+202C] 8"), "{html}");
    assert!(html.contains("<title>Dossier [U+202E]T</title>"));
    assert!(html.contains("esc [U+001B][31m nul [U+0000] c1 [U+0085] alm [U+061C]"));
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("d.pdf");
    std::fs::write(&pdf, backpack::dossier::pdf(&d, backpack::dossier::Lang::En).unwrap()).unwrap();
    let text = pdftotext(&pdf);
    for c in hidden {
        assert!(!text.contains(c), "U+{:04X} in the PDF text", c as u32);
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Statistics [U+202E]1 level EQF[U+202C] 8"), "{flat}");
    assert!(flat.contains("Anne [U+2066]de Vries"), "{flat}");
}
