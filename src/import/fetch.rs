//! HTTP(S) fetching for hosted assertions and linked documents, with hard limits.
//!
//! Every URL is hostile: only `http` and `https`, at most 5 redirects, a
//! timeout, and a byte limit enforced while reading (not from headers).

use std::io::Read;
use std::time::Duration;

use super::ImportError;

/// Largest document we read from the network.
pub const MAX_FETCH_BYTES: u64 = 8 * 1024 * 1024;

/// A blocking HTTP client with Backpack's limits.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::blocking::Client,
    /// URL prefix rewrites (`from`, `to`): fetch `to…` when asked for `from…`
    /// (mirrors, local copies, tests). The answer is reported under the URL asked for.
    map: Vec<(String, String)>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fetcher")
    }
}

/// A fetched document: the final URL after redirects, the content type and the body.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Fetcher {
    pub fn new() -> Result<Fetcher, ImportError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("Backpack/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ImportError::Fetch {
                url: String::new(),
                reason: format!("cannot start HTTP client: {e}"),
            })?;
        Ok(Fetcher { client, map: Vec::new() })
    }

    /// Fetch URLs starting with `from` from `to` instead.
    pub fn with_map(mut self, from: &str, to: &str) -> Fetcher {
        self.map.push((from.to_string(), to.to_string()));
        self
    }

    /// GET `url`, asking for JSON-LD/JSON first.
    pub fn get(&self, url: &str) -> Result<Fetched, ImportError> {
        let fail = |reason: String| ImportError::Fetch {
            url: url.to_string(),
            reason,
        };
        let mapped = self
            .map
            .iter()
            .find(|(from, _)| url.starts_with(from.as_str()))
            .map(|(from, to)| format!("{to}{}", &url[from.len()..]));
        let parsed = url::Url::parse(mapped.as_deref().unwrap_or(url)).map_err(|e| fail(format!("not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(fail(format!("scheme '{}' is not allowed (only http and https)", parsed.scheme())));
        }
        let resp = self
            .client
            .get(parsed)
            .header(
                reqwest::header::ACCEPT,
                "application/ld+json, application/json;q=0.9, image/png;q=0.5, image/svg+xml;q=0.5, */*;q=0.1",
            )
            .send()
            .map_err(|e| fail(describe_reqwest(&e)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(format!("server answered HTTP {status}")));
        }
        let final_url = if mapped.is_some() { url.to_string() } else { resp.url().to_string() };
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        resp.take(MAX_FETCH_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| fail(format!("reading the response failed: {e}")))?;
        if body.len() as u64 > MAX_FETCH_BYTES {
            return Err(fail(format!("response is larger than {} MiB", MAX_FETCH_BYTES / (1024 * 1024))));
        }
        Ok(Fetched {
            url: final_url,
            content_type,
            body,
        })
    }
}

/// A reqwest error in words, with its causes (timeouts, refused connections, TLS).
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_redirect() {
        "too many redirects".to_string()
    } else {
        "request failed".to_string()
    };
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}
