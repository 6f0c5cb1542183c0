//! Exports: baked PNG and SVG badges read back by our own importer (same
//! wallet id, still verifying), baking twice without duplicating, hostile
//! images to bake into refused, and the one-page PDF read by poppler with
//! its QR code decoded by rqrr.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample(cli: &Cli) -> Vec<Value> {
    let out = cli.run(&["sample", "--count", "6", "--load"]);
    assert!(out.status.success(), "{}", stderr(&out));
    cli.json_lines(&["list", "--json"]).1
}

fn id_of(list: &[Value], format: &str) -> String {
    list.iter().find(|l| l["format"] == format).unwrap_or_else(|| panic!("no {format}"))["id"].as_str().unwrap().to_string()
}

fn export(cli: &Cli, id: &str, format: &str, extra: &[&str]) -> (std::process::Output, PathBuf) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let out_path = cli.data.path().join(format!("{id}-{}.{format}", N.fetch_add(1, Ordering::Relaxed)));
    let mut args = vec!["export", id, "--format", format, "-o", out_path.to_str().unwrap()];
    args.extend_from_slice(extra);
    (cli.run(&args), out_path)
}

/// Import `file` into a fresh backpack: (wallet id, status).
fn reimport(file: &Path) -> String {
    let other = Cli::passphrase("reimport");
    let (out, lines) = other.json_lines(&["import", "--json", "--offline", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}: {}", file.display(), String::from_utf8_lossy(&out.stdout));
    lines.last().unwrap()["id"].as_str().unwrap().to_string()
}

fn verdict(cli: &Cli, file: &Path) -> Value {
    let (_, lines) = cli.json_lines(&["verify", "--json", "--offline", file.to_str().unwrap()]);
    lines[0].clone()
}

/// (keyword, chunk type) of every text chunk holding a baked badge.
fn baked_chunks(png: &[u8]) -> Vec<(String, String)> {
    backpack::import::baked::png_chunks(png)
        .unwrap()
        .iter()
        .filter(|c| matches!(&c.kind, b"iTXt" | b"tEXt" | b"zTXt"))
        .map(|c| {
            let d = c.data(png);
            let kw = String::from_utf8_lossy(&d[..d.iter().position(|&b| b == 0).unwrap()]).into_owned();
            (kw, String::from_utf8_lossy(&c.kind).into_owned())
        })
        .filter(|(k, _)| k.starts_with("openbadge"))
        .collect()
}

#[test]
fn baked_png_reimports_as_the_same_credential_and_baking_twice_does_not_duplicate() {
    let cli = Cli::passphrase("export");
    let list = sample(&cli);
    let id = id_of(&list, "ob3-json-ld");
    // Into the credential's own image (a data: PNG in the sample).
    let (out, png) = export(&cli, &id, "png", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(baked_chunks(&bytes), vec![("openbadgecredential".to_string(), "iTXt".to_string())]);
    assert_eq!(reimport(&png), id);
    assert_eq!(verdict(&cli, &png)["verdict"], "valid");

    // Bake it again into the baked image: still one chunk, same credential.
    let (out, twice) = export(&cli, &id, "png", &["--into", png.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let b2 = std::fs::read(&twice).unwrap();
    assert_eq!(baked_chunks(&b2).len(), 1);
    assert_eq!(b2, bytes, "re-baking the same credential gives the same file");
    // Another credential into that image replaces the first one.
    let other = list.iter().filter(|l| l["format"] == "ob3-json-ld").nth(1).unwrap()["id"].as_str().unwrap().to_string();
    let (out, swapped) = export(&cli, &other, "png", &["--into", png.to_str().unwrap(), "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(baked_chunks(&std::fs::read(&swapped).unwrap()).len(), 1);
    assert_eq!(reimport(&swapped), other);

    // A VC-JWT imported from a baked PNG: re-baked into its own picture, as a JWS.
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple-jwt.png").to_str().unwrap()]);
    let jwt = lines[0]["id"].as_str().unwrap().to_string();
    let (out, p) = export(&cli, &jwt, "png", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(baked_chunks(&std::fs::read(&p).unwrap()).len(), 1);
    assert_eq!(reimport(&p), jwt);

    // OB 2.0 bakes under the keyword 'openbadges' (the validator's baked badge, re-baked).
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob20("simple-badge.png").to_str().unwrap()]);
    let ob2 = lines[0]["id"].as_str().unwrap().to_string();
    let (out, p) = export(&cli, &ob2, "png", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(baked_chunks(&std::fs::read(&p).unwrap()), vec![("openbadges".to_string(), "iTXt".to_string())]);
    assert_eq!(reimport(&p), ob2);
}

const PLAIN_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#2a6"/></svg>
"##;

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn baked_svg_reimports_as_the_same_credential_and_baking_twice_does_not_duplicate() {
    let cli = Cli::passphrase("export-svg");
    let list = sample(&cli);
    let id = id_of(&list, "ob3-json-ld");
    let plain = cli.data.path().join("plain.svg");
    std::fs::write(&plain, PLAIN_SVG).unwrap();

    let (out, svg) = export(&cli, &id, "svg", &["--into", plain.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains(r#"xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0""#), "{text}");
    assert_eq!(count(&text, "<openbadges:credential"), 1);
    assert!(text.contains("<![CDATA["));
    assert!(text.contains(r##"<circle cx="32" cy="32" r="30" fill="#2a6"/>"##), "the picture is kept");
    assert_eq!(reimport(&svg), id);
    assert_eq!(verdict(&cli, &svg)["verdict"], "valid");

    let (out, twice) = export(&cli, &id, "svg", &["--into", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t2 = std::fs::read_to_string(&twice).unwrap();
    assert_eq!(count(&t2, "<openbadges:credential"), 1, "{t2}");
    assert_eq!(count(&t2, "xmlns:openbadges="), 1);
    assert_eq!(reimport(&twice), id);

    // VC-JWT: the JWS in the verify attribute of an empty element.
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple-jwt.svg").to_str().unwrap()]);
    let jwt = lines[0]["id"].as_str().unwrap().to_string();
    let (out, p) = export(&cli, &jwt, "svg", &["--into", plain.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains("<openbadges:credential verify=\"ey"), "{t}");
    assert_eq!(reimport(&p), jwt);

    // OB 2.0: <openbadges:assertion> in http://openbadges.org, baked into the
    // OB 3.0 SVG made above (its old element goes, the prefix is rebound locally).
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob20("simple-badge.png").to_str().unwrap()]);
    let ob2 = lines[0]["id"].as_str().unwrap().to_string();
    let (out, p) = export(&cli, &ob2, "svg", &["--into", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t = std::fs::read_to_string(&p).unwrap();
    assert_eq!(count(&t, "<openbadges:credential"), 0, "{t}");
    assert_eq!(count(&t, "<openbadges:assertion"), 1, "{t}");
    assert_eq!(reimport(&p), ob2);
}

#[test]
fn hostile_images_to_bake_into_are_refused_clearly() {
    let cli = Cli::passphrase("export-hostile");
    let list = sample(&cli);
    let id = id_of(&list, "ob3-json-ld");
    let dir = cli.data.path();
    let (_, good) = export(&cli, &id, "png", &[]);
    let good = std::fs::read(good).unwrap();

    let not_png = dir.join("not.png");
    std::fs::write(&not_png, b"GIF89a this is not a PNG").unwrap();
    let truncated = dir.join("truncated.png");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let oversize = dir.join("oversize.png");
    let mut big = good.clone();
    big.resize(17 * 1024 * 1024, 0);
    std::fs::write(&oversize, &big).unwrap();
    let dtd = dir.join("entities.svg");
    std::fs::write(&dtd, "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&a;</svg>").unwrap();
    let broken = dir.join("broken.svg");
    std::fs::write(&broken, "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>").unwrap();

    for (file, format, words) in [
        (&not_png, "png", "PNG signature"),
        (&truncated, "png", "truncated"),
        (&oversize, "png", "too large"),
        (&dtd, "svg", "DTD"),
        (&broken, "svg", "malformed XML"),
    ] {
        let (out, target) = export(&cli, &id, format, &["--into", file.to_str().unwrap()]);
        assert!(!out.status.success(), "{}", file.display());
        let e = stderr(&out);
        assert!(e.contains(words), "{}: expected '{words}' in: {e}", file.display());
        assert!(!target.exists(), "nothing written for {}", file.display());
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Render the one page with pdftoppm and decode every QR code on it.
fn qr_codes(pdf: &Path) -> Vec<String> {
    let prefix = pdf.with_extension("page");
    let out = Command::new("pdftoppm").args(["-r", "200", "-gray", "-png", "-singlefile"]).arg(pdf).arg(&prefix).output().expect("pdftoppm");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(format!("{}.png", prefix.display())).unwrap();
    let mut r = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected {other:?}"),
    };
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
    img.detect_grids().into_iter().map(|g| g.decode().expect("the QR code decodes").1).collect()
}

#[test]
fn pdf_for_a_printed_cv_has_the_text_and_a_scannable_qr_of_the_link() {
    let cli = Cli::passphrase("export-pdf");
    let list = sample(&cli);
    // A small credential: its self-contained link fits a QR code.
    let (_, lines) = cli.json_lines(&["import", "--json", "--offline", ob30("simple.json").to_str().unwrap()]);
    let small = lines[0]["id"].as_str().unwrap().to_string();
    let (out, pdf) = export(&cli, &small, "pdf", &["--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdftotext(&pdf);
    let show: Value = serde_json::from_slice(&cli.run(&["show", &small, "--json"]).stdout).unwrap();
    assert!(text.contains(show["achievement"]["name"].as_str().unwrap()), "{text}");
    assert!(text.contains(show["issuer"]["name"].as_str().unwrap()), "{text}");
    let original = cli.run(&["export", &small, "--format", "original"]).stdout;
    let link = backpack::share::self_contained_link(backpack::export::DEFAULT_VERIFIER_BASE, &original).unwrap();
    assert_eq!(qr_codes(&pdf), vec![link.clone()], "the QR code holds the self-contained link");
    let back = backpack::share::open_self_contained_link(&link).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&back).unwrap(), serde_json::from_slice::<Value>(&original).unwrap());

    // A micro-credential from the sample: title, issuer, ECTS, EQF and outcomes in Dutch.
    let id = id_of(&list, "ob3-json-ld");
    let (out, pdf) = export(&cli, &id, "pdf", &["--lang", "nl", "--base", "https://verify.example.org/v/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let flat = pdftotext(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    let show: Value = serde_json::from_slice(&cli.run(&["show", &id, "--json"]).stdout).unwrap();
    let a = &show["achievement"];
    for s in [a["name"].as_str().unwrap(), show["issuer"]["name"].as_str().unwrap(), "Leeruitkomsten", "ECTS", "EQF-niveau"] {
        assert!(flat.contains(s), "'{s}' not in: {flat}");
    }
    let first = a["learning_outcomes"][0]["text"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&first), "{first}");
    // Its link is too long to scan: no QR code, and the page says how to get one.
    let original = cli.run(&["export", &id, "--format", "original"]).stdout;
    let long = backpack::share::self_contained_link("https://verify.example.org/v/", &original).unwrap();
    assert!(backpack::share::qr(&long).is_err(), "the sample credential (with its picture) is too long for a QR code");
    assert!(qr_codes(&pdf).is_empty());
    assert!(flat.contains("deellocatie"), "{flat}");
    assert_eq!(pdf_pages(&pdf), 1);

    // An image to bake into makes no sense for the PDF: refused by name, nothing written.
    let into = ob30("simple.json");
    let (out, pdf) = export(&cli, &small, "pdf", &["--into", into.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not for the PDF"), "{}", stderr(&out));
    assert!(std::fs::metadata(&pdf).is_err(), "no file written");
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}
