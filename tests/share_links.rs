//! Sharing with a server: encrypted short links uploaded by the CLI to a real
//! WebDAV server (WsgiDAV on 127.0.0.1, scripts/webdav-server.sh) and a real
//! S3-compatible server (moto), fetched back over HTTP and opened with the
//! key from the link; revoke, expiry and prune; wrong passwords and hosts
//! that are down; QR payload choice with every QR decoded by rqrr; LinkedIn.
//! Run under scripts/with-keyring.sh (location secrets live in the keyring).

use crate::common;

use std::process::Output;

use backpack::share::{self, envelope};
use common::servers::{WebDav, S3};
use common::{ob20, ob30, stderr, Cli};
use serde_json::Value;

const USER: &str = "alice";
const PASSWORD: &str = "correct horse battery";

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed ({}): {}", o.status, stderr(o));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Import one file and return its wallet id.
fn import(cli: &Cli, path: &std::path::Path) -> String {
    let (o, lines) = cli.json_lines(&["import", "--offline", "--json", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    lines.last().unwrap()["id"].as_str().unwrap().to_string()
}

fn add_dav(cli: &Cli, dav: &WebDav, name: &str, password: &str) {
    let o = cli
        .cmd()
        .env("BACKPACK_SHARE_PASSWORD", password)
        .args(["shares", "location", "add", name, "--webdav", &dav.dav(), "--user", USER, "--public-url", &dav.public()])
        .output()
        .unwrap();
    ok(&o);
}

fn share_json(cli: &Cli, args: &[&str]) -> Value {
    let mut a = vec!["share"];
    a.extend_from_slice(args);
    a.push("--json");
    let (o, lines) = cli.json_lines(&a);
    assert!(o.status.success(), "share failed: {}", stderr(&o));
    assert_eq!(lines.len(), 1);
    lines[0].clone()
}

fn list(cli: &Cli) -> Vec<Value> {
    let (o, lines) = cli.json_lines(&["shares", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    lines
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(20)).build().unwrap()
}

/// GET as the page does (cross-origin): status, CORS header, body.
fn fetch(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = http().get(url).header("Origin", "http://127.0.0.1:1").send().unwrap();
    let status = r.status().as_u16();
    let acao = r.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string());
    (status, acao, r.bytes().unwrap().to_vec())
}

fn original(cli: &Cli, id: &str) -> Vec<u8> {
    let o = cli.run(&["export", id, "--format", "original"]);
    assert!(o.status.success());
    o.stdout
}

/// What the page does with a short link: fetch, decrypt, parse.
fn open_link(link: &str) -> envelope::Opened {
    let (url, key) = envelope::parse_short_link(link).unwrap();
    let (status, _, body) = fetch(&url);
    assert_eq!(status, 200, "GET {url}");
    envelope::parse_plaintext(&envelope::open(&body, &key).unwrap()).unwrap()
}

#[test]
fn short_link_uploads_only_ciphertext_and_revoke_deletes_it() {
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::keyring();
    let id = import(&cli, &ob30("simple.json"));
    add_dav(&cli, &dav, "dav", PASSWORD);
    // The password now comes from the OS keyring (no BACKPACK_SHARE_PASSWORD).
    let out = share_json(&cli, &[&id, "--short"]);
    let link = out["short"]["link"].as_str().unwrap();
    let object_url = out["short"]["object_url"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}#s=", share::DEFAULT_VERIFIER_BASE)), "{link}");
    assert!(object_url.starts_with(&dav.public()) && object_url.ends_with(".bps"), "{object_url}");
    let (url, key) = envelope::parse_short_link(link).unwrap();
    assert_eq!(url, object_url);

    // Fetch it back over HTTP as a page on another origin would.
    let (status, acao, body) = fetch(&url);
    assert_eq!(status, 200);
    assert_eq!(acao.as_deref(), Some("*"), "the page needs CORS on GET");
    assert_eq!(&body[..4], b"BPS1");
    let on_disk = std::fs::read(dav.root.join(url.rsplit('/').next().unwrap())).unwrap();
    assert_eq!(on_disk, body, "the server holds exactly the ciphertext");
    // Nothing of the credential is readable on the server.
    let orig = original(&cli, &id);
    let text = String::from_utf8_lossy(&body);
    for needle in ["credentialSubject", "OpenBadgeCredential", "Teamwork", "Example Corp", "proofValue"] {
        assert!(String::from_utf8_lossy(&orig).contains(needle), "{needle} is in the credential");
        assert!(!text.contains(needle), "'{needle}' is readable in the uploaded object");
    }
    // Opened with the key from the link: the credential, unchanged.
    let opened = envelope::parse_plaintext(&envelope::open(&body, &key).unwrap()).unwrap();
    let orig_json: Value = serde_json::from_slice(&orig).unwrap();
    assert_eq!(opened.credential, orig_json);
    assert_eq!(opened.expires, None);
    assert!(chrono::DateTime::parse_from_rfc3339(&opened.shared).is_ok());
    // The CORS preflight is answered too.
    let pre = http()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "http://127.0.0.1:1")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert!(pre.status().is_success());
    assert_eq!(pre.headers()["access-control-allow-origin"], "*");
    // Anonymous writes are refused at both paths.
    assert!(http().put(format!("{}x.bps", dav.public())).body("x").send().unwrap().status().is_client_error());
    assert_eq!(http().put(format!("{}x.bps", dav.dav())).body("x").send().unwrap().status(), 401);

    let shares = list(&cli);
    assert_eq!(shares.len(), 1);
    let sid = shares[0]["id"].as_str().unwrap().to_string();
    assert_eq!(shares[0]["state"], "live");
    assert_eq!(shares[0]["credential"], id.as_str());
    assert_eq!(shares[0]["object_url"], object_url);
    assert_eq!(shares[0]["revoked_at"], Value::Null);

    // The location cannot be removed while it holds a live share.
    let o = cli.run(&["shares", "location", "remove", "dav"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("revoke them first"), "{}", stderr(&o));

    // Revoke: the object is gone (404) and the record says revoked.
    ok(&cli.run(&["shares", "revoke", &sid[..6]]));
    assert_eq!(fetch(&url).0, 404);
    assert!(dav.files().is_empty(), "{:?}", dav.files());
    let shares = list(&cli);
    assert_eq!(shares[0]["state"], "revoked");
    assert!(shares[0]["revoked_at"].is_string());
    ok(&cli.run(&["shares", "revoke", &sid]));
    ok(&cli.run(&["shares", "location", "remove", "dav"]));
    assert!(cli.run(&["shares", "location", "list"]).stdout.is_empty());
}

#[test]
fn expired_shares_are_listed_and_pruned_from_the_host() {
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::keyring();
    let id = import(&cli, &ob30("simple.json"));
    add_dav(&cli, &dav, "dav", PASSWORD);
    let until = chrono::Utc::now() + chrono::Duration::seconds(3);
    let until_s = until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let short = share_json(&cli, &[&id, "--short", "--expires", &until_s])["short"].clone();
    let kept = share_json(&cli, &[&id, "--short", "--days", "30"])["short"].clone();
    let opened = open_link(short["link"].as_str().unwrap());
    assert_eq!(opened.expires.as_deref(), Some(until_s.as_str()), "the page sees the expiry");
    assert!(open_link(kept["link"].as_str().unwrap()).expires.is_some());
    // Nothing to prune yet.
    let o = cli.run(&["shares", "prune", "--json"]);
    assert!(ok(&o).trim().is_empty());
    std::thread::sleep(std::time::Duration::from_millis(3500));
    assert!(opened.expired_at(&chrono::Utc::now()), "the page now says: no longer shared");
    let o = cli.run(&["shares", "list"]);
    assert!(ok(&o).contains("EXPIRED"));
    assert!(stderr(&o).contains("backpack shares prune"), "listing offers the prune: {}", stderr(&o));
    let (o, lines) = cli.json_lines(&["shares", "prune", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "deleted");
    assert_eq!(lines[0]["id"], short["share"]);
    assert_eq!(fetch(short["object_url"].as_str().unwrap()).0, 404);
    assert_eq!(fetch(kept["object_url"].as_str().unwrap()).0, 200, "the other share stays online");
    let states: Vec<(String, String)> =
        list(&cli).iter().map(|s| (s["id"].as_str().unwrap().into(), s["state"].as_str().unwrap().into())).collect();
    assert!(states.contains(&(short["share"].as_str().unwrap().into(), "revoked".into())), "{states:?}");
    assert!(states.contains(&(kept["share"].as_str().unwrap().into(), "live".into())), "{states:?}");
    // An expiry in the past is refused before anything is uploaded.
    let o = cli.run(&["share", &id, "--short", "--expires", "2020-01-01T00:00:00Z"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not in the future"), "{}", stderr(&o));
    assert_eq!(dav.files().len(), 1);
}

#[test]
fn wrong_password_or_host_down_is_a_clear_error_and_records_nothing() {
    let mut dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::keyring();
    let id = import(&cli, &ob30("simple.json"));
    add_dav(&cli, &dav, "wrong", "not the password");
    let o = cli.run(&["share", &id, "--short"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refused the user name or password (HTTP 401)"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(list(&cli).is_empty(), "no record for a failed upload");
    assert!(dav.files().is_empty());

    // The environment overrides the keyring: the right password works.
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(["share", &id, "--short", "--json"]).output().unwrap();
    ok(&o);
    assert_eq!(list(&cli).len(), 1);

    // Host down: a clear error, no record; revoke keeps the share live.
    dav.stop();
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(["share", &id, "--short"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("could not reach the share location"), "{}", stderr(&o));
    assert_eq!(list(&cli).len(), 1);
    let sid = list(&cli)[0]["id"].as_str().unwrap().to_string();
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(["shares", "revoke", &sid]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("could not reach") && stderr(&o).contains("still online"), "{}", stderr(&o));
    assert_eq!(list(&cli)[0]["state"], "live");

    // No location at all: the error says how to add one.
    let cli2 = Cli::keyring();
    let id2 = import(&cli2, &ob30("simple.json"));
    let o = cli2.run(&["share", &id2, "--short"]);
    assert!(stderr(&o).contains("backpack shares location add NAME --webdav URL"), "{}", stderr(&o));
}

/// Decode a greyscale PNG with rqrr.
fn decode_png(bytes: &[u8]) -> String {
    let mut r = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    decode_grey(w, h, |x, y| buf[y * w + x])
}

/// Rasterise the QR SVG (one path of `M{x} {y}h{w}v{h}H{x}V{y}` rectangles) at
/// 4 px per unit and decode it with rqrr.
fn decode_svg(svg: &str) -> String {
    let attr = |name: &str| -> usize {
        let i = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[i..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h, s) = (attr("width"), attr("height"), 4);
    let mut img = vec![255u8; w * h * s * s];
    let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect.split(|c: char| !c.is_ascii_digit()).filter(|t| !t.is_empty()).map(|t| t.parse().unwrap()).collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for yy in y * s..(y + rh) * s {
            for xx in x * s..(x + rw) * s {
                img[yy * w * s + xx] = 0;
            }
        }
    }
    decode_grey(w * s, h * s, |x, y| img[y * w * s + x])
}

fn decode_grey(w: usize, h: usize, px: impl FnMut(usize, usize) -> u8) -> String {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, px);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

#[test]
fn qr_codes_carry_the_best_link_that_fits_and_decode_to_it() {
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::keyring();
    let tmp = tempfile::tempdir().unwrap();
    let qr = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();

    // A small credential: its self-contained link fits (version <= 25, M).
    let small = import(&cli, &ob30("simple.json"));
    let out = share_json(&cli, &[&small, "--link", "--base", "http://127.0.0.1:9/v/", "--qr", &qr("small.png")]);
    assert_eq!(out["qr"]["kind"], "self-contained");
    assert_eq!(out["qr"]["payload"], out["link"]);
    assert_eq!(decode_png(&std::fs::read(qr("small.png")).unwrap()), out["link"].as_str().unwrap());
    let back = share::open_self_contained_link(out["link"].as_str().unwrap()).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&back).unwrap(), serde_json::from_slice::<Value>(&original(&cli, &small)).unwrap());

    // An OB 2.0 hosted assertion: the issuer's link goes in the QR code.
    let hosted = import(&cli, &ob20("basic-assertion.json"));
    let out = share_json(&cli, &[&hosted, "--qr", &qr("hosted.svg")]);
    assert_eq!(out["qr"]["kind"], "issuer");
    assert_eq!(out["issuer_link"], "https://example.org/beths-robotics-badge.json");
    assert_eq!(decode_svg(&std::fs::read_to_string(qr("hosted.svg")).unwrap()), "https://example.org/beths-robotics-badge.json");

    // A large credential: nothing fits without a share location, and the error says how to make one.
    let big = import(&cli, &ob30("complete.json"));
    let o = cli.run(&["share", &big, "--qr", &qr("big.png")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Set up a share location (backpack shares location add NAME --webdav URL"), "{}", stderr(&o));
    assert!(!tmp.path().join("big.png").exists(), "no unscannable code is written");
    // With a location but no short link yet: the error points at --short.
    add_dav(&cli, &dav, "dav", PASSWORD);
    let o = cli.run(&["share", &big, "--qr", &qr("big.png")]);
    assert!(stderr(&o).contains("add --short"), "{}", stderr(&o));
    // With --short the encrypted short link is the payload, in PNG and SVG.
    let out = share_json(&cli, &[&big, "--short", "--qr", &qr("big.png")]);
    assert_eq!(out["qr"]["kind"], "short");
    let link = out["short"]["link"].as_str().unwrap();
    assert_eq!(decode_png(&std::fs::read(qr("big.png")).unwrap()), link);
    assert_eq!(open_link(link).credential, serde_json::from_slice::<Value>(&original(&cli, &big)).unwrap());
    // The live share is reused for later QR codes of the same credential (no new upload).
    let out2 = share_json(&cli, &[&big, "--qr", &qr("big2.svg")]);
    assert_eq!(out2["qr"]["payload"], link);
    assert_eq!(decode_svg(&std::fs::read_to_string(qr("big2.svg")).unwrap()), link);
    assert_eq!(dav.files().len(), 1);
    // A bad file type is refused before anything happens.
    let o = cli.run(&["share", &big, "--qr", &qr("x.jpg")]);
    assert!(stderr(&o).contains(".svg or .png"), "{}", stderr(&o));
}

#[test]
fn link_prints_the_self_contained_link_alone_and_linkedin_uses_the_shortest() {
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::keyring();
    let id = import(&cli, &ob30("complete.json"));
    let o = cli.run(&["share", &id, "--link", "--base", "http://127.0.0.1:9/verify/"]);
    let stdout = ok(&o);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.starts_with("http://127.0.0.1:9/verify/#c="), "{stdout}");
    assert!(stdout.ends_with('\n'));
    let back = share::open_self_contained_link(stdout.trim()).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&back).unwrap(), serde_json::from_slice::<Value>(&original(&cli, &id)).unwrap());
    // Nothing asked for: a usage error.
    assert_eq!(cli.run(&["share", &id]).status.code(), Some(2));

    add_dav(&cli, &dav, "dav", PASSWORD);
    let out = share_json(&cli, &[&id, "--short", "--linkedin", "--link"]);
    let short = out["short"]["link"].as_str().unwrap();
    assert!(short.len() < out["link"].as_str().unwrap().len());
    assert_eq!(out["linkedin"]["cert_url"], short, "certUrl is the shortest working link");
    let add = out["linkedin"]["add_to_profile"].as_str().unwrap();
    assert!(add.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name="), "{add}");
    assert!(add.contains(&format!("&certUrl={}&", envelope::encode_uri_component(short))), "{add}");
    assert_eq!(out["linkedin"]["share"], share::linkedin_share(short));
}

#[test]
fn s3_short_link_against_a_real_s3_server() {
    use rusty_s3::S3Action;
    let s3 = S3::start();
    let (key_id, secret) = ("AKIDBACKPACKTEST", "backpack-test-secret");
    let bucket = rusty_s3::Bucket::new(s3.endpoint.parse().unwrap(), rusty_s3::UrlStyle::Path, "shares", "us-east-1").unwrap();
    let creds = rusty_s3::Credentials::new(key_id, secret);
    let r = http().put(bucket.create_bucket(&creds).sign(std::time::Duration::from_secs(60))).header("Content-Length", "0").body(Vec::new()).send().unwrap();
    assert!(r.status().is_success(), "create bucket: {}", r.status());

    let cli = Cli::keyring();
    let id = import(&cli, &ob30("complete.json"));
    let o = cli
        .cmd()
        .env("BACKPACK_SHARE_PASSWORD", secret)
        .args(["shares", "location", "add", "s3", "--s3", &s3.endpoint, "--bucket", "shares", "--region", "us-east-1", "--access-key", key_id])
        .output()
        .unwrap();
    ok(&o);
    let out = share_json(&cli, &[&id, "--short"]);
    let object_url = out["short"]["object_url"].as_str().unwrap();
    let name = object_url.rsplit('/').next().unwrap();
    assert_eq!(object_url, format!("{}/shares/{name}", s3.endpoint));
    let (_, key) = envelope::parse_short_link(out["short"]["link"].as_str().unwrap()).unwrap();
    // Read it back with a pre-signed GET (a public bucket policy is the host's business).
    let get = |n: &str| http().get(bucket.get_object(Some(&creds), n).sign(std::time::Duration::from_secs(60))).send().unwrap();
    let r = get(name);
    assert_eq!(r.status(), 200);
    let body = r.bytes().unwrap().to_vec();
    assert!(!String::from_utf8_lossy(&body).contains("credentialSubject"));
    let opened = envelope::parse_plaintext(&envelope::open(&body, &key).unwrap()).unwrap();
    assert_eq!(opened.credential, serde_json::from_slice::<Value>(&original(&cli, &id)).unwrap());
    // Revoke deletes it from the bucket.
    let sid = list(&cli)[0]["id"].as_str().unwrap().to_string();
    ok(&cli.run(&["shares", "revoke", &sid]));
    assert_eq!(get(name).status(), 404);
    assert_eq!(list(&cli)[0]["state"], "revoked");
    // moto does not check signatures by default, so a wrong secret key is not tested here
    // (request signing itself is pinned in share::host's unit tests).
}

#[test]
fn issuer_link_only_for_hosted_assertions_and_edubadges_pages() {
    use backpack::model::{Credential, Format};
    let with = |format: Format, id: &str| {
        let mut c = Credential::empty(format);
        c.credential_id = Some(id.into());
        share::issuer_link(&c)
    };
    let edu = "https://api.edubadges.nl/public/assertions/a41jSgmsSh6Sa1xcVUku5Q";
    assert_eq!(with(Format::Ob3JsonLd, edu).as_deref(), Some(edu));
    assert_eq!(with(Format::Ob2Hosted, "https://badges.example.org/a/1").as_deref(), Some("https://badges.example.org/a/1"));
    assert_eq!(with(Format::Ob3JsonLd, "https://badges.example.org/a/1"), None, "not hosted, not edubadges");
    assert_eq!(with(Format::Ob3JsonLd, "https://edubadges.nl.evil.example/x"), None);
    assert_eq!(with(Format::Ob3JsonLd, "http://api.edubadges.nl/public/assertions/x"), None, "https only");
    assert_eq!(with(Format::Ob2Hosted, "urn:uuid:1234"), None);
}

#[test]
fn qr_payload_prefers_issuer_then_short_then_self_contained() {
    let long = format!("https://v.example/#c={}", "a".repeat(1200));
    let small = "https://v.example/#c=AAAA";
    let (kind, p) = share::choose_qr_payload(Some("https://i.example/a"), Some("https://v.example/#s=x&k=y"), small).unwrap();
    assert_eq!((kind, p.as_str()), (share::LinkKind::Issuer, "https://i.example/a"));
    let (kind, _) = share::choose_qr_payload(None, Some("https://v.example/#s=x&k=y"), small).unwrap();
    assert_eq!(kind, share::LinkKind::Short);
    assert_eq!(share::choose_qr_payload(None, None, small).unwrap().0, share::LinkKind::SelfContained);
    let e = share::choose_qr_payload(None, None, &long).unwrap_err();
    assert!(e.to_string().contains("backpack shares location add"), "{e}");
    assert_eq!(share::shortest([Some("abc"), None, Some("ab")]), Some("ab"));
}

#[test]
fn without_a_keyring_the_password_comes_from_the_environment() {
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::passphrase("store passphrase");
    let id = import(&cli, &ob30("simple.json"));
    let o = cli
        .cmd()
        .env("BACKPACK_SHARE_PASSWORD", PASSWORD)
        .args(["shares", "location", "add", "dav", "--webdav", &dav.dav(), "--user", USER, "--public-url", &dav.public()])
        .output()
        .unwrap();
    ok(&o);
    assert!(stderr(&o).contains("the secret is not saved"), "{}", stderr(&o));
    let o = cli.run(&["share", &id, "--short"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no password for share location 'dav': set BACKPACK_SHARE_PASSWORD"), "{}", stderr(&o));
    assert!(list(&cli).is_empty() && dav.files().is_empty());
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(["share", &id, "--short"]).output().unwrap();
    let link = ok(&o);
    assert_eq!(open_link(link.trim()).credential, serde_json::from_slice::<Value>(&original(&cli, &id)).unwrap());
    // A compact JWS travels as a string.
    let jws = import(&cli, &ob20("simple.jwt"));
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(["share", &jws, "--short"]).output().unwrap();
    let opened = open_link(ok(&o).trim());
    let text = String::from_utf8(original(&cli, &jws)).unwrap();
    assert_eq!(opened.credential, Value::String(text.trim().to_string()));
    assert_eq!(opened.credential_bytes(), text.trim().as_bytes());
}
