//! Import from URLs against a real HTTP server on 127.0.0.1: hosted OB 2.0
//! assertions with their BadgeClass and Issuer links followed, a baked SVG
//! that holds only a link, and the limits and errors of fetching.

use crate::common;

use backpack::import::fetch::FetchOptions;
use backpack::import::{self, Fetcher, ImportError, ImportOptions, Input};
use backpack::model::Format;
use common::*;

/// Credentials here link to 127.0.0.1, so the private-address rule is lifted
/// (tests/limits.rs checks the rule itself).
fn lan() -> Fetcher {
    Fetcher::with_options(FetchOptions { allow_private_network: true, ..FetchOptions::from_env() }).unwrap()
}

fn online() -> ImportOptions {
    ImportOptions { fetcher: Some(lan()), ..Default::default() }
}

/// Serve the 1EdTech OB 2.0 assets, with their `https://example.org/` links
/// pointed at this server, as the validator's own tests map them.
fn ob2_server() -> Server {
    let s = Server::start();
    let dir = vector("1edtech-validator/inspector-vc/src/test/resources/ob20");
    for sub in ["", "assets/"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            let body = std::fs::read_to_string(&p)
                .unwrap()
                .replace("https://example.org/", &s.url("/"))
                .replace("http://example.org/", &s.url("/"));
            let name = p.file_name().unwrap().to_str().unwrap();
            s.route(&format!("/{name}"), Resp::json(body));
        }
    }
    s
}

#[test]
fn hosted_assertion_url_follows_badge_and_issuer() {
    let s = ob2_server();
    let url = s.url("/basic-assertion.json");
    let b = import::parse_input(&Input::Url(url.clone()), &online()).unwrap();
    let p = &b.items[0];
    let c = &p.credential;
    assert_eq!(c.format, Format::Ob2Hosted);
    assert_eq!(c.hosted_url.as_deref(), Some(s.url("/beths-robotics-badge.json").as_str()));
    assert_eq!(c.title(), "Awesome Robotics Badge");
    assert_eq!(c.issuer.name.as_deref(), Some("An Example Badge Issuer"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    // The linked documents are kept for offline display.
    let urls: Vec<_> = p.linked.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(urls, vec![s.url("/robotics-badge.json"), s.url("/organization.json")]);
    // The original is the assertion exactly as served.
    let served = std::fs::read_to_string(ob20("basic-assertion.json")).unwrap().replace("https://example.org/", &s.url("/"));
    assert_eq!(p.original, served.as_bytes());
    let hits = s.hits.lock().unwrap().clone();
    assert_eq!(hits, vec!["/basic-assertion.json", "/robotics-badge.json", "/organization.json"]);
}

#[test]
fn file_import_online_resolves_links_and_revocation_list() {
    let s = ob2_server();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(ob20("basic-assertion.json"))
        .unwrap()
        .replace("https://example.org/robotics-badge.json", &s.url("/badge-from-organization-with-revocation-list.json"));
    let f = tmp.path().join("a.json");
    std::fs::write(&f, text).unwrap();
    let c = import::parse_input(&Input::Path(f), &online()).unwrap().items.remove(0).credential;
    let st = c.status.expect("revocation list from the issuer");
    assert_eq!(st.kind, "ob2-revocation-list");
    assert_eq!(st.list_url.as_deref(), Some(s.url("/revocation-list.json").as_str()));
}

#[test]
fn unreachable_links_are_warnings_not_failures() {
    let s = Server::start();
    let text = std::fs::read_to_string(ob20("basic-assertion.json"))
        .unwrap()
        .replace("https://example.org/robotics-badge.json", &s.url("/gone.json"));
    let c = import::parse_bytes("a.json", text.as_bytes(), &online()).unwrap().items.remove(0).credential;
    assert_eq!(c.title(), "(untitled)");
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("404"), "{:?}", c.warnings);
}

#[test]
fn cli_imports_a_url_and_stores_it_on_the_keyring() {
    let s = ob2_server();
    let mut cli = Cli::keyring();
    // The assertion links its BadgeClass on 127.0.0.1 (credential content).
    cli.env.push(("BACKPACK_ALLOW_PRIVATE_NETWORK".into(), "1".into()));
    let url = s.url("/basic-assertion.json");
    let (out, lines) = cli.json_lines(&["import", "--json", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines[0]["source"], url.as_str());
    assert_eq!(lines[0]["status"], "imported");
    let (_, list) = cli.json_lines(&["list", "--json"]);
    assert_eq!(list[0]["title"], "Awesome Robotics Badge");
    // --offline refuses URLs without touching the network.
    let before = s.hits.lock().unwrap().len();
    let (out, lines) = cli.json_lines(&["import", "--json", "--offline", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines[0]["code"], "fetch-failed");
    assert!(lines[0]["error"].as_str().unwrap().contains("offline"));
    assert_eq!(s.hits.lock().unwrap().len(), before, "no request made offline");
}

#[test]
fn baked_svg_with_a_hosted_link_is_fetched() {
    let s = ob2_server();
    let svg = std::fs::read_to_string(vector("ob2/mozilla-openbadges-bakery/baked.svg"))
        .unwrap()
        .replace("verify=\"http://example.org\"", &format!("verify=\"{}\"", s.url("/basic-assertion.json")));
    let c = import::parse_bytes("baked.svg", svg.as_bytes(), &online()).unwrap().items.remove(0).credential;
    assert_eq!(c.format, Format::Ob2Hosted);
    assert_eq!(c.title(), "Awesome Robotics Badge");
}

#[test]
fn fetch_errors_name_the_url_and_the_reason() {
    let s = Server::start();
    s.route("/big.json", Resp::json(vec![b' '; (import::fetch::MAX_FETCH_BYTES + 10) as usize]));
    s.route("/html", Resp { status: 200, content_type: "text/html".into(), body: b"<html>hi</html>".to_vec(), location: None });
    s.route("/loop", Resp { status: 302, content_type: "text/plain".into(), body: vec![], location: Some("/loop".into()) });
    let f = lan();
    let e = import::parse_input(&Input::Url(s.url("/missing")), &online()).unwrap_err();
    assert!(matches!(e, ImportError::Fetch { .. }));
    assert!(e.to_string().contains("/missing") && e.to_string().contains("404"), "{e}");
    let e = f.get(&s.url("/big.json")).unwrap_err();
    assert!(e.to_string().contains("larger than 8 MiB"), "{e}");
    let e = f.get(&s.url("/loop")).unwrap_err();
    assert!(e.to_string().contains("redirect"), "{e}");
    let e = f.get("file:///etc/passwd").unwrap_err();
    assert!(e.to_string().contains("scheme 'file' is not allowed"), "{e}");
    let e = import::parse_input(&Input::Url(s.url("/html")), &online()).unwrap_err();
    assert!(matches!(e, ImportError::Unrecognised(_)), "{e}");
    let e = f.get("http://127.0.0.1:1/x").unwrap_err();
    assert!(e.to_string().contains("refused the connection [connection-refused]"), "{e}");
    // A host that does not exist reads in plain words with a stable code, not a resolver's message.
    let e = f.get("http://no-such-host.invalid/x").unwrap_err();
    assert!(e.to_string().ends_with("[host-not-found]") && !e.to_string().contains("dns error"), "{e}");
}
