//! What the app was opened with: files ("open with" for `.json/.png/.svg/.jwt`)
//! and links. Import inputs the UI imports the same way as dropped files, so
//! the user sees per-item results; offers from issuers ([`LaunchItem::Receive`])
//! the UI opens on the Receive screen's offer screen: shown first, never
//! accepted by the link alone.
//!
//! Link forms: `backpack://import?url=<https URL>` (fetch and import a hosted
//! badge) and `backpack://import?text=<percent-encoded JSON or JWT>`; offers:
//! `openid-credential-offer://…`, `backpack://receive?offer=<percent-encoded
//! offer>`, `dccrequest://…` and `org.dcconsortium://…` (checked with the
//! core's offer parser, which sends nothing).

use serde::Serialize;

/// One thing to import, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LaunchItem {
    Path { path: String },
    Url { url: String },
    Text { label: String, text: String },
    /// An offer from an issuer (its text, as the Receive screen's text box takes it).
    Receive { text: String },
}

/// The link schemes that carry an offer as they are.
const OFFER_SCHEMES: [&str; 3] = ["openid-credential-offer:", "dccrequest:", "org.dcconsortium:"];

/// Why a launch argument was not usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LaunchProblem {
    pub arg: String,
    pub code: &'static str,
}

/// Turn process arguments (without the program name) into items. Options
/// (`-…`) are ignored; bad links are reported, not dropped silently.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> (Vec<LaunchItem>, Vec<LaunchProblem>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        if arg.starts_with('-') || arg.is_empty() {
            continue;
        }
        let lower = arg.to_ascii_lowercase();
        if OFFER_SCHEMES.iter().any(|s| lower.starts_with(s)) {
            match offer(arg.clone()) {
                Some(item) => items.push(item),
                None => problems.push(LaunchProblem { arg, code: "bad-link" }),
            }
        } else if lower.starts_with("backpack:") {
            match parse_link(&arg) {
                Some(item) => items.push(item),
                None => problems.push(LaunchProblem { arg, code: "bad-link" }),
            }
        } else if let Some(path) = arg.strip_prefix("file://") {
            // Some file managers pass URIs.
            let decoded = url::Url::parse(&format!("file://{path}"))
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| path.to_string());
            items.push(LaunchItem::Path { path: decoded });
        } else if arg.starts_with("https://") || arg.starts_with("http://") {
            items.push(LaunchItem::Url { url: arg });
        } else {
            items.push(LaunchItem::Path { path: arg });
        }
    }
    (items, problems)
}

/// An offer the core's parser reads (nothing is sent).
fn offer(text: String) -> Option<LaunchItem> {
    backpack::receive::offer::parse(&text).ok().map(|_| LaunchItem::Receive { text })
}

/// `backpack://import?url=…`, `backpack://import?text=…` or `backpack://receive?offer=…`.
pub fn parse_link(link: &str) -> Option<LaunchItem> {
    let u = url::Url::parse(link).ok()?;
    if u.scheme() != "backpack" {
        return None;
    }
    // backpack://import?… has host "import"; backpack:import?… has path "import".
    let action = u.host_str().filter(|h| !h.is_empty()).unwrap_or_else(|| u.path().trim_matches('/'));
    if action == "receive" {
        let text = u.query_pairs().find(|(k, _)| k == "offer").map(|(_, v)| v.into_owned())?;
        // An offer, not another backpack:// link (the core refuses those too).
        if text.trim_start().to_ascii_lowercase().starts_with("backpack:") {
            return None;
        }
        return offer(text);
    }
    if action != "import" {
        return None;
    }
    for (k, v) in u.query_pairs() {
        match k.as_ref() {
            "url" if v.starts_with("https://") || v.starts_with("http://") => {
                return Some(LaunchItem::Url { url: v.into_owned() })
            }
            "text" if !v.trim().is_empty() => {
                return Some(LaunchItem::Text { label: "backpack:// link".into(), text: v.into_owned() })
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_urls_and_links() {
        let (items, problems) = parse_args(
            [
                "--flag",
                "/home/a/badge.png",
                "file:///home/a/my%20badge.json",
                "backpack://import?url=https%3A%2F%2Fexample.org%2Fa%2F1",
                "backpack://import?text=%7B%22a%22%3A1%7D",
                "backpack://delete?id=1",
                "backpack://import?url=javascript%3Aalert(1)",
            ]
            .map(String::from),
        );
        assert_eq!(
            items,
            vec![
                LaunchItem::Path { path: "/home/a/badge.png".into() },
                LaunchItem::Path { path: "/home/a/my badge.json".into() },
                LaunchItem::Url { url: "https://example.org/a/1".into() },
                LaunchItem::Text { label: "backpack:// link".into(), text: "{\"a\":1}".into() },
            ]
        );
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.code == "bad-link"));
    }

    #[test]
    fn offers_open_the_receive_screen() {
        let offer = r#"{"credential_issuer":"https://issuer.example","credential_configuration_ids":["badge"],"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"abc"}}}"#;
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let by_value = format!("openid-credential-offer://?credential_offer={}", enc(offer));
        let by_ref = format!("openid-credential-offer://?credential_offer_uri={}", enc("https://issuer.example/o/1"));
        let dcc = format!("dccrequest://request?issuer=x&vc_request_url={}&challenge=c1&auth_type=bearer", enc("https://i.example/req"));
        let dcc2 = format!("org.dcconsortium://request?vc_request_url={}", enc("https://i.example/req"));
        let wrapped = format!("backpack://receive?offer={}", enc(&by_value));
        let (items, problems) = parse_args([by_value.clone(), by_ref.clone(), dcc.clone(), dcc2.clone(), wrapped, "backpack:receive?offer=%7B%7D".into()]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            items,
            vec![
                LaunchItem::Receive { text: by_value.clone() },
                LaunchItem::Receive { text: by_ref },
                LaunchItem::Receive { text: dcc },
                LaunchItem::Receive { text: dcc2 },
                // The wrapped offer, unwrapped (the screen shows it as the user would paste it).
                LaunchItem::Receive { text: by_value.clone() },
                LaunchItem::Receive { text: "{}".into() },
            ]
        );
    }

    #[test]
    fn bad_offer_links_are_reported() {
        let bad = [
            "openid-credential-offer://?nothing=1",
            "OPENID-CREDENTIAL-OFFER://",
            "dccrequest://request?issuer=x",
            "org.dcconsortium://request?vc_request_url=javascript%3Aalert(1)",
            "backpack://receive",
            "backpack://receive?offer=",
            "backpack://receive?offer=not%20an%20offer",
            "backpack://receive?offer=backpack%3A%2F%2Freceive%3Foffer%3D%257B%257D",
        ];
        let (items, problems) = parse_args(bad.map(String::from));
        assert_eq!(items, vec![]);
        assert_eq!(problems.iter().map(|p| p.arg.as_str()).collect::<Vec<_>>(), bad);
        assert!(problems.iter().all(|p| p.code == "bad-link"));
    }
}
