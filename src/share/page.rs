//! The employer verifier page as this build carries it, and the two things
//! done with it over HTTP: publishing it to a share location, and checking
//! that a verifier base URL answers with it.
//!
//! The files are the page's production build (`ui/dist-verify/`), embedded
//! by `build.rs` at build time ([`files`]; empty when the build had none).
//! Publishing makes the folders first (WebDAV `MKCOL`), then uploads every
//! asset with its `Content-Type`, and `index.html` last: a publish stopped
//! half-way never serves an index that points at missing assets. The page
//! answers when a GET returns 200, HTML, and the page's marker
//! ([`MARKER`], a meta tag in `ui/verify/index.html`): a 404 page, a parked
//! domain or any other site does not.

use std::io::Read;
use std::time::Duration;

use serde::Serialize;

use super::host::{Client, HostError, Location};

include!(concat!(env!("OUT_DIR"), "/verify_page.rs"));

/// The folder of a share location the page is published under.
pub const FOLDER: &str = "verify/";

/// The page's entry file: uploaded last, and the URL links point at
/// (`<location>/verify/index.html`, so hosts that serve no index for a
/// folder, such as WebDAV and S3, serve it too).
pub const INDEX: &str = "index.html";

/// What marks Backpack's verifier page (in production and test builds alike).
pub const MARKER: &str = r#"<meta name="backpack-verifier""#;

/// How long the page check waits, connection and body included.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The most of a page the check reads.
const CHECK_MAX_BYTES: u64 = 1024 * 1024;

/// The embedded production build: (path under the page's folder, bytes),
/// sorted by path; empty when this build was made without `ui/dist-verify/`.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    PAGE_FILES
}

/// The `Content-Type` a file is served with, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The order files are uploaded in: assets by path, the index last.
pub fn upload_order<'a>(files: &[(&'a str, &'a [u8])]) -> Vec<(&'a str, &'a [u8])> {
    let (mut index, mut rest): (Vec<_>, Vec<_>) = files.iter().copied().partition(|(p, _)| *p == INDEX);
    rest.sort_by_key(|(p, _)| *p);
    rest.append(&mut index);
    rest
}

/// The folders `files` need under [`FOLDER`] (itself first, parents before children).
pub fn folders(files: &[(&str, &[u8])]) -> Vec<String> {
    let mut out = vec![FOLDER.to_string()];
    for (path, _) in files {
        let mut at = FOLDER.to_string();
        let parts: Vec<&str> = path.split('/').collect();
        for dir in &parts[..parts.len() - 1] {
            at.push_str(dir);
            at.push('/');
            if !out.contains(&at) {
                out.push(at.clone());
            }
        }
    }
    out
}

/// Upload `files` (see [`files`]) under [`FOLDER`] of `loc`: folders, then
/// the assets, then the index; `progress(n, total, path)` before each file.
/// Returns the page's URL (the index's public URL). Any failure stops there
/// and is returned; files already uploaded stay (a later publish replaces them).
pub fn publish(
    client: &Client,
    loc: &Location,
    files: &[(&str, &[u8])],
    mut progress: impl FnMut(usize, usize, &str),
) -> Result<String, HostError> {
    if !files.iter().any(|(p, _)| *p == INDEX) {
        return Err(HostError::Config(format!("the page has no {INDEX}")));
    }
    for f in folders(files) {
        client.mkcol(loc, &f)?;
    }
    let order = upload_order(files);
    let total = order.len();
    let mut url = String::new();
    for (n, (path, bytes)) in order.into_iter().enumerate() {
        progress(n + 1, total, path);
        url = client.put_as(loc, &format!("{FOLDER}{path}"), bytes.to_vec(), content_type(path))?;
    }
    Ok(url)
}

/// What a GET of a verifier base gave.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageAnswer {
    /// 200, HTML, Backpack's verifier page.
    Answers,
    /// No HTTP answer in time (DNS, connection, TLS, timeout).
    Unreachable,
    /// An HTTP status other than 200 (after redirects).
    HttpError,
    /// 200, but not Backpack's verifier page (another site, a parked domain, not HTML).
    NotThePage,
}

/// The page check's result: the URL asked, the answer, and the words for it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageStatus {
    /// The verifier base URL checked.
    pub url: String,
    /// What it gave.
    pub answer: PageAnswer,
    /// The HTTP status, when there was one.
    pub http_status: Option<u16>,
    /// What went wrong, in English (`None` when it answers).
    pub detail: Option<String>,
}

impl PageStatus {
    /// Whether the verifier page answers.
    pub fn answers(&self) -> bool {
        self.answer == PageAnswer::Answers
    }
}

/// GET `url` (the user's verifier base: any address, up to 5 redirects)
/// within `timeout`, and say whether Backpack's verifier page answers there.
pub fn check(url: &str, timeout: Duration) -> PageStatus {
    let status = |answer, http_status, detail: String| PageStatus { url: url.to_string(), answer, http_status, detail: Some(detail) };
    let client = match crate::import::fetch::client(crate::import::fetch::Redirects::Any) {
        Ok(c) => c,
        Err(e) => return status(PageAnswer::Unreachable, None, format!("cannot start HTTP client: {e}")),
    };
    let resp = match client.get(url).timeout(timeout).header(reqwest::header::ACCEPT, "text/html").send() {
        Ok(r) => r,
        Err(e) => return status(PageAnswer::Unreachable, None, crate::import::fetch::describe_reqwest(&e)),
    };
    let code = resp.status().as_u16();
    if code != 200 {
        return status(PageAnswer::HttpError, Some(code), format!("the verifier page's address answered HTTP {code}"));
    }
    let ctype = resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if !ctype.is_empty() && !ctype.starts_with("text/html") {
        return status(PageAnswer::NotThePage, Some(code), format!("the address serves {ctype}, not a web page"));
    }
    let mut body = Vec::new();
    if let Err(e) = resp.take(CHECK_MAX_BYTES).read_to_end(&mut body) {
        return status(PageAnswer::Unreachable, Some(code), format!("reading the page: {e}"));
    }
    if !String::from_utf8_lossy(&body).contains(MARKER) {
        return status(PageAnswer::NotThePage, Some(code), "the address serves a web page, but not Backpack's verifier page".into());
    }
    PageStatus { url: url.to_string(), answer: PageAnswer::Answers, http_status: Some(code), detail: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_last_folders_first_and_content_types() {
        let files: &[(&str, &[u8])] = &[("index.html", b"i"), ("assets/b.js", b"b"), ("assets/a.css", b"a"), ("x/y/z.svg", b"z")];
        let order: Vec<&str> = upload_order(files).iter().map(|(p, _)| *p).collect();
        assert_eq!(order, ["assets/a.css", "assets/b.js", "x/y/z.svg", "index.html"]);
        assert_eq!(folders(files), ["verify/", "verify/assets/", "verify/x/", "verify/x/y/"]);
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/index-AB.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("assets/index-AB.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_embedded_page_is_the_production_build_when_there_is_one() {
        // build.rs refuses anything else; this holds the file set to it.
        if let Some((_, index)) = files().iter().find(|(p, _)| *p == INDEX) {
            let text = String::from_utf8_lossy(index);
            assert!(text.contains(r#"<meta name="backpack-verifier" content="production""#));
            assert!(text.contains("connect-src https:;"), "the production CSP");
            assert!(files().iter().any(|(p, _)| p.ends_with(".js")));
        }
    }
}
