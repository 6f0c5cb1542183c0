//! The verifier page where links point (issue #15): `backpack shares location
//! publish-page` to a real WebDAV server (WsgiDAV, scripts/webdav-server.sh)
//! and a real S3-compatible server (moto) on 127.0.0.1, the files read back
//! over HTTP and compared with the ones this build embeds; links made
//! afterwards use the published copy; publishing twice; a location that is
//! down or refuses the password; and `backpack shares check-page` against a
//! server serving the page, a 404, another site, a closed port and a server
//! that never answers. Location secrets come from BACKPACK_SHARE_PASSWORD
//! (no keyring needed).

use crate::common;

use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use backpack::share::{self, page};
use common::servers::{WebDav, S3};
use common::{ob30, stderr, Cli, Resp, Server};
use serde_json::Value;

const USER: &str = "alice";
const PASSWORD: &str = "correct horse battery";

/// The embedded page; the tests need the production build in this binary.
fn embedded() -> &'static [(&'static str, &'static [u8])] {
    let f = page::files();
    assert!(
        f.iter().any(|(p, _)| *p == "index.html"),
        "this build carries no verifier page: build ui/dist-verify first (scripts/page-build.sh), then the tests"
    );
    f
}

fn embedded_file(pred: impl Fn(&str) -> bool) -> (&'static str, &'static [u8]) {
    *embedded().iter().find(|(p, _)| pred(p)).expect("the file is embedded")
}

fn run(cli: &Cli, args: &[&str]) -> Output {
    cli.cmd().env("BACKPACK_SHARE_PASSWORD", PASSWORD).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed ({}): {}", o.status, stderr(o));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    let out = ok(o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {out}");
    serde_json::from_str(lines[0]).unwrap()
}

fn import(cli: &Cli) -> String {
    let (o, lines) = cli.json_lines(&["import", "--offline", "--json", ob30("simple.json").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    lines.last().unwrap()["id"].as_str().unwrap().to_string()
}

fn add_dav(cli: &Cli, name: &str, dav_url: &str, public: &str) {
    ok(&run(cli, &["shares", "location", "add", name, "--webdav", dav_url, "--user", USER, "--public-url", public]));
}

fn get(url: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(20)).build().unwrap().get(url).send().unwrap()
}

fn locations(cli: &Cli) -> Vec<Value> {
    let (o, lines) = cli.json_lines(&["shares", "location", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    lines
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn publish_to_webdav_serves_the_embedded_files_and_links_then_use_it() {
    let files = embedded();
    let dav = WebDav::start(USER, PASSWORD);
    let cli = Cli::passphrase("store passphrase");
    let id = import(&cli);
    add_dav(&cli, "dav", &dav.dav(), &dav.public());
    let before = json(&run(&cli, &["share", &id, "--link", "--json"]));
    assert!(before["link"].as_str().unwrap().starts_with(share::DEFAULT_VERIFIER_BASE), "{before}");

    let o = run(&cli, &["shares", "location", "publish-page", "dav", "--json"]);
    let p = json(&o);
    let page_url = format!("{}verify/index.html", dav.public());
    assert_eq!(p, serde_json::json!({"location": "dav", "url": page_url, "files": files.len(), "status": "published"}));
    assert!(stderr(&o).is_empty(), "--json keeps stderr quiet: {}", stderr(&o));

    // Read back over HTTP, anonymously, from the public folder: the very bytes this build embeds.
    let (index_name, index) = embedded_file(|p| p == "index.html");
    let (js_name, js) = embedded_file(|p| p.ends_with(".js"));
    let r = get(&page_url);
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(r.bytes().unwrap().as_ref(), index, "{index_name}");
    let r = get(&format!("{}verify/{js_name}", dav.public()));
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().unwrap().as_ref(), js, "{js_name}");
    assert!(dav.root.join("verify").join(js_name).is_file());

    // The location remembers it, and links made with it now open that copy.
    assert_eq!(locations(&cli)[0]["page_url"], page_url.as_str());
    let after = json(&run(&cli, &["share", &id, "--link", "--short", "--json"]));
    assert!(after["link"].as_str().unwrap().starts_with(&format!("{page_url}#c=")), "{after}");
    assert!(after["short"]["link"].as_str().unwrap().starts_with(&format!("{page_url}#s=")), "{after}");
    // ...unless the user names another page.
    let chosen = json(&run(&cli, &["share", &id, "--link", "--base", "https://verify.example/", "--json"]));
    assert!(chosen["link"].as_str().unwrap().starts_with("https://verify.example/#c="), "{chosen}");

    // And the page answers where the links point.
    let c = json(&run(&cli, &["shares", "check-page", "--json"]));
    assert_eq!(c, serde_json::json!({"url": page_url, "status": "answers", "http_status": 200}));

    // Publishing again replaces the files: progress, the URL, the same bytes.
    std::fs::write(dav.root.join("verify").join(js_name), b"stale").unwrap();
    let o = run(&cli, &["shares", "location", "publish-page", "dav"]);
    assert_eq!(ok(&o).trim(), page_url);
    let n = files.len();
    let err = stderr(&o);
    assert!(err.contains(&format!("uploading 1 of {n}: ")), "{err}");
    assert!(err.contains(&format!("uploading {n} of {n}: index.html")), "the index last: {err}");
    assert_eq!(get(&format!("{}verify/{js_name}", dav.public())).bytes().unwrap().as_ref(), js);
    assert_eq!(locations(&cli)[0]["page_url"], page_url.as_str());
}

#[test]
fn a_location_that_is_down_or_refuses_publishes_nothing_and_claims_nothing() {
    embedded();
    let cli = Cli::passphrase("store passphrase");
    let id = import(&cli);
    let port = free_port();
    add_dav(&cli, "down", &format!("http://127.0.0.1:{port}/dav/"), &format!("http://127.0.0.1:{port}/pub/"));
    let o = run(&cli, &["shares", "location", "publish-page", "down", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "no JSON line claims a publish");
    let err = stderr(&o);
    assert!(err.starts_with("error[share-host-unreachable]: could not reach the share location"), "{err}");
    assert!(err.contains("is not published"), "{err}");
    assert_eq!(locations(&cli)[0]["page_url"], Value::Null);
    let l = json(&run(&cli, &["share", &id, "--link", "--json"]));
    assert!(l["link"].as_str().unwrap().starts_with(share::DEFAULT_VERIFIER_BASE), "{l}");

    // A wrong password: refused on the first request, nothing written, nothing stored.
    let dav = WebDav::start(USER, PASSWORD);
    let o = cli
        .cmd()
        .env("BACKPACK_SHARE_PASSWORD", "not the password")
        .args(["shares", "location", "add", "wrong", "--webdav", &dav.dav(), "--user", USER])
        .output()
        .unwrap();
    ok(&o);
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", "not the password").args(["shares", "location", "publish-page", "wrong"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error[share-host-auth]:"), "{}", stderr(&o));
    assert!(dav.files().is_empty(), "{:?}", dav.files());
    assert!(locations(&cli).iter().all(|l| l["page_url"].is_null()));

    // No such location.
    let o = run(&cli, &["shares", "location", "publish-page", "nowhere"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error[no-share-location]:"), "{}", stderr(&o));
}

#[test]
fn publish_to_s3_sets_each_files_content_type() {
    use rusty_s3::S3Action;
    let files = embedded();
    let s3 = S3::start();
    let (key_id, secret) = ("AKIDBACKPACKTEST", "backpack-test-secret");
    let bucket = rusty_s3::Bucket::new(s3.endpoint.parse().unwrap(), rusty_s3::UrlStyle::Path, "pages", "us-east-1").unwrap();
    let creds = rusty_s3::Credentials::new(key_id, secret);
    let http = reqwest::blocking::Client::new();
    let r = http.put(bucket.create_bucket(&creds).sign(Duration::from_secs(60))).header("Content-Length", "0").body(Vec::new()).send().unwrap();
    assert!(r.status().is_success(), "create bucket: {}", r.status());
    let cli = Cli::passphrase("store passphrase");
    let add = ["shares", "location", "add", "s3", "--s3", &s3.endpoint, "--bucket", "pages", "--region", "us-east-1", "--access-key", key_id];
    ok(&cli.cmd().env("BACKPACK_SHARE_PASSWORD", secret).args(add).output().unwrap());
    let o = cli.cmd().env("BACKPACK_SHARE_PASSWORD", secret).args(["shares", "location", "publish-page", "s3", "--json"]).output().unwrap();
    let p = json(&o);
    assert_eq!(p["url"], format!("{}/pages/verify/index.html", s3.endpoint));
    for (path, bytes) in files {
        let r = http.get(bucket.get_object(Some(&creds), &format!("verify/{path}")).sign(Duration::from_secs(60))).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(ct, page::content_type(path), "{path}");
        assert_eq!(r.bytes().unwrap().as_ref(), *bytes, "{path}");
    }
    assert!(page::content_type("index.html").starts_with("text/html"));
    assert!(files.iter().any(|(p, _)| page::content_type(p).starts_with("text/javascript")));
    assert!(files.iter().any(|(p, _)| page::content_type(p).starts_with("text/css")));
}

#[test]
fn check_page_passes_only_for_the_verifier_page() {
    let (_, index) = embedded_file(|p| p == "index.html");
    let s = Server::start();
    let html = |body: &[u8]| Resp { status: 200, content_type: "text/html; charset=utf-8".into(), body: body.to_vec(), location: None };
    s.route("/verify/", html(index));
    s.route("/parked/", html(b"<!doctype html><html><head><title>This domain is for sale</title></head><body>Buy it</body></html>"));
    s.route("/download/", Resp { status: 200, content_type: "application/octet-stream".into(), body: index.to_vec(), location: None });
    let cli = Cli::passphrase("store passphrase");
    let check = |base: &str| {
        let o = cli.run(&["shares", "check-page", "--base", base, "--json"]);
        let code = o.status.code();
        (code, json_any(&o))
    };
    let (code, v) = check(&s.url("/verify/"));
    assert_eq!((code, v["status"].as_str()), (Some(0), Some("answers")), "{v}");
    let (code, v) = check(&s.url("/missing/"));
    assert_eq!((code, v["status"].as_str(), v["http_status"].as_u64()), (Some(1), Some("http-error"), Some(404)), "{v}");
    let (code, v) = check(&s.url("/parked/"));
    assert_eq!((code, v["status"].as_str()), (Some(1), Some("not-the-page")), "{v}");
    let (code, v) = check(&s.url("/download/"));
    assert_eq!((code, v["status"].as_str()), (Some(1), Some("not-the-page")), "{v}");
    // A closed port fails at once.
    let t0 = Instant::now();
    let (code, v) = check(&format!("http://127.0.0.1:{}/", free_port()));
    assert_eq!((code, v["status"].as_str()), (Some(1), Some("unreachable")), "{v}");
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    // A server that accepts and never answers: given up on after the short timeout.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let t0 = Instant::now();
    let st = backpack::app::page::check(&format!("http://127.0.0.1:{port}/")).unwrap();
    assert_eq!(st.answer, page::PageAnswer::Unreachable, "{st:?}");
    assert!(t0.elapsed() >= page::CHECK_TIMEOUT - Duration::from_millis(200) && t0.elapsed() < page::CHECK_TIMEOUT + Duration::from_secs(3), "{:?}", t0.elapsed());
    drop(silent);
    // Plain http elsewhere than this machine is refused before any request.
    let o = cli.run(&["shares", "check-page", "--base", "http://example.org/"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error[invalid-verifier-url]:"), "{}", stderr(&o));
}

fn json_any(o: &Output) -> Value {
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not one JSON line ({e}): {out} / {}", stderr(o)))
}

#[test]
fn a_build_without_the_page_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = backpack::keys::KeyOptions { passphrase: Some("correct horse".into()), keyring_off: true };
    let (key, _) = backpack::keys::resolve(tmp.path(), &opts).unwrap();
    let mut st = backpack::store::Store::open(tmp.path(), &key).unwrap();
    let e = backpack::app::page::publish_files(&mut st, "any", &[], |_| ()).unwrap_err();
    assert_eq!(e.code(), backpack::app::page::NO_VERIFIER_PAGE);
    assert!(e.message().contains("no verifier page to publish"), "{e}");
}
