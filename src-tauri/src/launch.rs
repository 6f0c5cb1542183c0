//! What the app was opened with: files ("open with" for `.json/.png/.svg/.jwt`)
//! and `backpack://` links, turned into import inputs the UI then imports the
//! same way as dropped files, so the user sees per-item results.
//!
//! Link forms: `backpack://import?url=<https URL>` (fetch and import a hosted
//! badge) and `backpack://import?text=<percent-encoded JSON or JWT>`.

use serde::Serialize;

/// One thing to import, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LaunchItem {
    Path { path: String },
    Url { url: String },
    Text { label: String, text: String },
}

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
        if arg.to_ascii_lowercase().starts_with("backpack:") {
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

/// `backpack://import?url=…` or `backpack://import?text=…`.
pub fn parse_link(link: &str) -> Option<LaunchItem> {
    let u = url::Url::parse(link).ok()?;
    if u.scheme() != "backpack" {
        return None;
    }
    // backpack://import?… has host "import"; backpack:import?… has path "import".
    let action = u.host_str().filter(|h| !h.is_empty()).unwrap_or_else(|| u.path().trim_matches('/'));
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
}
