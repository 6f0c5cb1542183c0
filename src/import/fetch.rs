//! HTTP(S): the only place the core builds an HTTP client, with hard limits.
//!
//! Every URL is hostile: only `http` and `https`, at most 5 redirects, a byte
//! limit enforced while reading (not from headers), and a total deadline for
//! each request, body included ([`deadline`], 30 s; `BACKPACK_HTTP_DEADLINE_SECS`).
//!
//! Where a request may go depends on who chose the URL:
//! - **Credential content** ([`Fetcher::get`]): status lists, did:web and URL
//!   keys, hosted assertions, BadgeClasses and issuers named inside a
//!   credential or a fetched document. These only reach public addresses:
//!   loopback, private, link-local, CGNAT, unspecified, multicast, reserved
//!   and documentation ranges (and their IPv4-mapped, NAT64 and 6to4 IPv6
//!   forms) are refused for IP literals, for every name after DNS resolution
//!   (a resolver that hands reqwest only the checked addresses, so the
//!   connection uses what was checked), and at every redirect hop. No proxy
//!   is used for them, so the address checked is the address connected.
//! - **The user's own URLs** ([`Fetcher::get_requested`]): a URL typed on the
//!   command line or pasted, and `--map-url` targets, may point anywhere.
//!   Share locations (`share::host`) are the user's too and use `client` (this module).
//!
//! `BACKPACK_ALLOW_PRIVATE_NETWORK=1` (or [`FetchOptions::allow_private_network`])
//! lifts the address rule, for tests that serve credentials on 127.0.0.1.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ImportError;

/// Largest document we read from the network.
pub const MAX_FETCH_BYTES: u64 = 8 * 1024 * 1024;
/// The total time one request may take, body included, unless `BACKPACK_HTTP_DEADLINE_SECS` says otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);
/// Environment variable: the deadline in whole seconds (at least 1).
pub const DEADLINE_ENV: &str = "BACKPACK_HTTP_DEADLINE_SECS";
/// Environment variable: `1` lets credential content reach non-public addresses (tests).
pub const ALLOW_PRIVATE_ENV: &str = "BACKPACK_ALLOW_PRIVATE_NETWORK";

/// The per-request deadline: `BACKPACK_HTTP_DEADLINE_SECS` or 30 s.
pub fn deadline() -> Duration {
    std::env::var(DEADLINE_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_DEADLINE)
}

/// Which redirects a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirects {
    /// None (share hosts).
    None,
    /// Up to 5, anywhere (URLs the user chose).
    Any,
    /// Up to 5, each hop to a public address only; names resolved by [`PublicOnly`].
    PublicOnly,
}

/// The one HTTP client builder: user agent, connect timeout, redirects and,
/// for credential content, the public-address resolver. Callers set the total
/// deadline per request (`RequestBuilder::timeout`, which in reqwest's
/// blocking client covers the body; a client-wide timeout does not).
pub(crate) fn client(redirects: Redirects) -> Result<reqwest::blocking::Client, reqwest::Error> {
    let mut b = reqwest::blocking::Client::builder()
        .timeout(None)
        .connect_timeout(Duration::from_secs(10).min(deadline()))
        .user_agent(concat!("Backpack/", env!("CARGO_PKG_VERSION")));
    b = match redirects {
        Redirects::None => b.redirect(reqwest::redirect::Policy::none()),
        Redirects::Any => b.redirect(reqwest::redirect::Policy::limited(5)),
        Redirects::PublicOnly => b
            .no_proxy()
            .dns_resolver(Arc::new(PublicOnly))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() > 5 {
                    return attempt.error("too many redirects (more than 5)");
                }
                match blocked_literal(attempt.url()) {
                    Some(b) => attempt.error(b),
                    None => attempt.follow(),
                }
            })),
    };
    b.build()
}

/// Options of a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Total time for one request, body included.
    pub deadline: Duration,
    /// Let credential content reach loopback, private and link-local addresses.
    pub allow_private_network: bool,
}

impl FetchOptions {
    /// From `BACKPACK_HTTP_DEADLINE_SECS` and `BACKPACK_ALLOW_PRIVATE_NETWORK`.
    pub fn from_env() -> FetchOptions {
        FetchOptions {
            deadline: deadline(),
            allow_private_network: std::env::var(ALLOW_PRIVATE_ENV).is_ok_and(|v| v.trim() == "1"),
        }
    }
}

/// A blocking HTTP client with Backpack's limits.
#[derive(Clone)]
pub struct Fetcher {
    /// For credential content: public addresses only (unless allowed).
    content: reqwest::blocking::Client,
    /// For URLs the user chose.
    direct: reqwest::blocking::Client,
    /// For protocol POSTs ([`Fetcher::exchange`]): no redirects.
    posts: std::sync::OnceLock<reqwest::blocking::Client>,
    opts: FetchOptions,
    /// URL prefix rewrites (`from`, `to`): fetch `to…` when asked for `from…`
    /// (mirrors, local copies, tests). The answer is reported under the URL
    /// asked for. The target is the user's choice, so it may be any address.
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
    /// The final URL, after redirects.
    pub url: String,
    /// The `Content-Type` header as sent; `None` when there was none.
    pub content_type: Option<String>,
    /// The response body (at most [`MAX_FETCH_BYTES`]).
    pub body: Vec<u8>,
}

impl Fetcher {
    /// A fetcher with the options of the environment ([`FetchOptions::from_env`]).
    pub fn new() -> Result<Fetcher, ImportError> {
        Fetcher::with_options(FetchOptions::from_env())
    }

    /// A fetcher with the given deadline and private-network policy; fails ([`ImportError::Fetch`]) only when the HTTP client cannot start.
    pub fn with_options(opts: FetchOptions) -> Result<Fetcher, ImportError> {
        let start = |e: reqwest::Error| ImportError::Fetch {
            url: String::new(),
            reason: format!("cannot start HTTP client: {e}"),
        };
        let direct = client(Redirects::Any).map_err(start)?;
        let content = if opts.allow_private_network { direct.clone() } else { client(Redirects::PublicOnly).map_err(start)? };
        Ok(Fetcher { content, direct, posts: std::sync::OnceLock::new(), opts, map: Vec::new() })
    }

    /// Fetch URLs starting with `from` from `to` instead.
    pub fn with_map(mut self, from: &str, to: &str) -> Fetcher {
        self.map.push((from.to_string(), to.to_string()));
        self
    }

    /// GET a URL found in credential content (public addresses only), asking
    /// for JSON-LD/JSON first.
    pub fn get(&self, url: &str) -> Result<Fetched, ImportError> {
        self.fetch(url, false)
    }

    /// GET a URL the user gave (on the command line, pasted): any address.
    pub fn get_requested(&self, url: &str) -> Result<Fetched, ImportError> {
        self.fetch(url, true)
    }

    fn fetch(&self, url: &str, requested: bool) -> Result<Fetched, ImportError> {
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
        let guarded = !requested && mapped.is_none() && !self.opts.allow_private_network;
        if guarded {
            if let Some(b) = blocked_literal(&parsed) {
                return Err(ImportError::BlockedAddress { url: url.to_string(), host: b.host, class: b.class });
            }
        }
        let client = if guarded { &self.content } else { &self.direct };
        let deadline = self.opts.deadline;
        let started = Instant::now();
        let too_long = || ImportError::Deadline { url: url.to_string(), secs: deadline.as_secs().max(1) };
        let mut resp = client
            .get(parsed)
            .timeout(deadline)
            .header(
                reqwest::header::ACCEPT,
                "application/ld+json, application/json;q=0.9, image/png;q=0.5, image/svg+xml;q=0.5, */*;q=0.1",
            )
            .send()
            .map_err(|e| {
                if let Some(b) = find_blocked(&e) {
                    ImportError::BlockedAddress { url: url.to_string(), host: b.host.clone(), class: b.class }
                } else if e.is_connect() && started.elapsed() < deadline {
                    // Including the connect timeout (10 s), which is not the deadline.
                    fail(describe_reqwest(&e))
                } else if e.is_timeout() || started.elapsed() >= deadline {
                    too_long()
                } else {
                    fail(describe_reqwest(&e))
                }
            })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(format!("server answered HTTP {status}")));
        }
        let final_url = if mapped.is_some() { url.to_string() } else { resp.url().to_string() };
        let content_type = header(&resp, reqwest::header::CONTENT_TYPE);
        let body = read_body(&mut resp, url, started, deadline)?;
        Ok(Fetched {
            url: final_url,
            content_type,
            body,
        })
    }
}

/// A header's value as text, if present and readable.
fn header(resp: &reqwest::blocking::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Read a response body up to [`MAX_FETCH_BYTES`], within the request's deadline.
fn read_body(resp: &mut reqwest::blocking::Response, url: &str, started: Instant, deadline: Duration) -> Result<Vec<u8>, ImportError> {
    let fail = |reason: String| ImportError::Fetch { url: url.to_string(), reason };
    let too_long = || ImportError::Deadline { url: url.to_string(), secs: deadline.as_secs().max(1) };
    // The request's timeout ends a stalled read at the deadline; the
    // clock is also checked after every chunk, so a server trickling
    // bytes cannot stretch the request past it.
    let mut body = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if started.elapsed() >= deadline {
            return Err(too_long());
        }
        let n = match resp.read(&mut buf) {
            Ok(n) => n,
            Err(_) if started.elapsed() + Duration::from_millis(50) >= deadline => return Err(too_long()),
            Err(e) => return Err(fail(format!("reading the response failed: {e}"))),
        };
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
        if body.len() as u64 > MAX_FETCH_BYTES {
            return Err(fail(format!("response is larger than {} MiB", MAX_FETCH_BYTES / (1024 * 1024))));
        }
    }
    Ok(body)
}

/// The body of a protocol request ([`Fetcher::exchange`]).
#[derive(Debug, Clone)]
pub enum Body {
    /// No body (GET).
    None,
    /// `application/x-www-form-urlencoded` (OAuth token and PAR requests).
    Form(Vec<(String, String)>),
    /// `application/json`.
    Json(serde_json::Value),
}

/// A protocol request to an endpoint the user chose by accepting an offer
/// (issuer metadata, token, credential, VC-API exchange): any address, as
/// for [`Fetcher::get_requested`]. GETs follow up to 5 redirects; POSTs
/// follow none (a redirected POST would silently become a GET).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The URL.
    pub url: String,
    /// GET when the body is [`Body::None`], else POST.
    pub body: Body,
    /// An OAuth access token sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// The `Accept` header.
    pub accept: &'static str,
}

/// The answer to an [`Exchange`]: every status is an answer (the protocol
/// decides what a 400 means); only transport failures are errors.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The final URL, after redirects.
    pub url: String,
    /// The `Content-Type` header as sent.
    pub content_type: Option<String>,
    /// The body (at most [`MAX_FETCH_BYTES`]).
    pub body: Vec<u8>,
}

impl Fetcher {
    /// Send a protocol request ([`Exchange`]) and read the answer, whatever its status.
    pub fn exchange(&self, req: &Exchange) -> Result<Answer, ImportError> {
        let url = req.url.as_str();
        let fail = |reason: String| ImportError::Fetch { url: url.to_string(), reason };
        let parsed = url::Url::parse(url).map_err(|e| fail(format!("not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(fail(format!("scheme '{}' is not allowed (only http and https)", parsed.scheme())));
        }
        let deadline = self.opts.deadline;
        let started = Instant::now();
        let posts = || -> Result<&reqwest::blocking::Client, ImportError> {
            if let Some(c) = self.posts.get() {
                return Ok(c);
            }
            let c = client(Redirects::None).map_err(|e| fail(format!("cannot start HTTP client: {e}")))?;
            Ok(self.posts.get_or_init(|| c))
        };
        let rb = match &req.body {
            Body::None => self.direct.get(parsed),
            Body::Form(pairs) => posts()?.post(parsed).form(pairs),
            Body::Json(v) => posts()?
                .post(parsed)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(v).unwrap_or_default()),
        };
        let rb = match &req.bearer {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        };
        let mut resp = rb.timeout(deadline).header(reqwest::header::ACCEPT, req.accept).send().map_err(|e| {
            if e.is_timeout() || started.elapsed() >= deadline {
                ImportError::Deadline { url: url.to_string(), secs: deadline.as_secs().max(1) }
            } else {
                fail(describe_reqwest(&e))
            }
        })?;
        let status = resp.status().as_u16();
        let final_url = resp.url().to_string();
        let content_type = header(&resp, reqwest::header::CONTENT_TYPE);
        let body = read_body(&mut resp, url, started, deadline)?;
        Ok(Answer { status, url: final_url, content_type, body })
    }
}

/// A refused destination: the host as written and the class of its address.
#[derive(Debug, Clone)]
pub struct Blocked {
    /// The host as written in the URL.
    pub host: String,
    /// Which kind of non-public address it resolves to, e.g. "a private address (10.0.0.0/8)".
    pub class: &'static str,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is {}; links inside a credential are only followed to public addresses", self.host, self.class)
    }
}

impl std::error::Error for Blocked {}

fn find_blocked(e: &reqwest::Error) -> Option<&Blocked> {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(inner) = src {
        if let Some(b) = inner.downcast_ref::<Blocked>() {
            return Some(b);
        }
        src = inner.source();
    }
    None
}

/// A URL whose host is an IP literal of a refused class (names are checked after resolution).
fn blocked_literal(u: &url::Url) -> Option<Blocked> {
    let ip = match u.host()? {
        url::Host::Ipv4(a) => IpAddr::V4(a),
        url::Host::Ipv6(a) => IpAddr::V6(a),
        url::Host::Domain(_) => return None,
    };
    blocked_class(ip).map(|class| Blocked { host: u.host_str().unwrap_or_default().to_string(), class })
}

/// Why `ip` is not a public address, or `None` when it is one.
pub fn blocked_class(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(a) => v4_class(a),
        IpAddr::V6(a) => v6_class(a),
    }
}

fn v4_class(a: Ipv4Addr) -> Option<&'static str> {
    let [o0, o1, o2, _] = a.octets();
    Some(match (o0, o1, o2) {
        (0, _, _) => "an unspecified address (0.0.0.0/8)",
        (127, _, _) => "a loopback address (127.0.0.0/8)",
        (10, _, _) => "a private address (10.0.0.0/8)",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (169, 254, _) => "a link-local address (169.254.0.0/16)",
        (100, 64..=127, _) => "a shared (CGNAT) address (100.64.0.0/10)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address (240.0.0.0/4)",
        _ => return None,
    })
}

fn v6_class(a: Ipv6Addr) -> Option<&'static str> {
    let s = a.segments();
    if a.is_unspecified() {
        return Some("an unspecified address (::)");
    }
    if a.is_loopback() {
        return Some("a loopback address (::1)");
    }
    // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address it stands for.
    if let Some(v4) = a.to_ipv4_mapped() {
        return v4_class(v4);
    }
    // IPv4-compatible (::a.b.c.d), deprecated: never a public destination.
    if a.to_ipv4().is_some() {
        return Some("an IPv4-compatible address (::/96)");
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    // NAT64 (64:ff9b::/96): the IPv4 address it stands for.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return v4_class(embedded(s[6], s[7]));
    }
    // 6to4 (2002::/16).
    if s[0] == 0x2002 {
        return v4_class(embedded(s[1], s[2]));
    }
    Some(match s[0] {
        x if x & 0xfe00 == 0xfc00 => "a unique local (private) address (fc00::/7)",
        x if x & 0xffc0 == 0xfe80 => "a link-local address (fe80::/10)",
        x if x & 0xffc0 == 0xfec0 => "a site-local address (fec0::/10)",
        x if x & 0xff00 == 0xff00 => "a multicast address (ff00::/8)",
        0x2001 if s[1] == 0x0db8 => "a documentation address (2001:db8::/32)",
        0x0100 if s[1..4] == [0, 0, 0] => "a discard address (100::/64)",
        _ => return None,
    })
}

/// The DNS resolver of the credential-content client: the system resolver,
/// then only public addresses are handed on (so the connection is made to an
/// address that was checked); a name with none is refused with the reason.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let (tx, rx) = futures_channel::oneshot::channel();
        let h = host.clone();
        // getaddrinfo blocks; keep it off the client's runtime thread.
        std::thread::spawn(move || {
            let _ = tx.send((h.as_str(), 0).to_socket_addrs().map(|a| a.collect::<Vec<SocketAddr>>()));
        });
        Box::pin(async move {
            let all = rx.await.map_err(|_| "the name lookup stopped")??;
            let public: Vec<SocketAddr> = all.iter().copied().filter(|a| blocked_class(a.ip()).is_none()).collect();
            if public.is_empty() {
                if let Some(class) = all.iter().find_map(|a| blocked_class(a.ip())) {
                    let ip = all.iter().find(|a| blocked_class(a.ip()).is_some()).map(|a| a.ip().to_string()).unwrap_or_default();
                    return Err(Box::new(Blocked { host: format!("{host} ({ip})"), class }) as Box<dyn std::error::Error + Send + Sync>);
                }
                return Err(format!("{host} has no address").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A reqwest error in words, with its causes (timeouts, refused connections, TLS).
/// A network failure in plain words, ending in a stable code in brackets
/// (`[host-not-found]`, `[connection-refused]`, `[timed-out]`, `[tls]`,
/// `[too-many-redirects]`, `[network]`) that reports and scripts can match on.
/// The library's raw error chain (resolver and socket messages) is not shown.
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut chain = String::new();
    let mut src = e.source();
    while let Some(inner) = src {
        chain.push_str(&inner.to_string().to_ascii_lowercase());
        chain.push(' ');
        src = inner.source();
    }
    let (words, code) = if e.is_timeout() || chain.contains("timed out") {
        ("the server did not answer in time", "timed-out")
    } else if e.is_redirect() {
        ("too many redirects", "too-many-redirects")
    } else if chain.contains("dns") || chain.contains("lookup") || chain.contains("name or service not known") || chain.contains("no address") {
        ("the host name could not be found (it does not exist, or there is no network)", "host-not-found")
    } else if chain.contains("refused") {
        ("the server refused the connection", "connection-refused")
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        ("a secure (TLS) connection could not be made", "tls")
    } else if e.is_connect() {
        ("the server could not be reached", "network")
    } else {
        ("the request failed on the way", "network")
    };
    format!("{words} [{code}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes() {
        let blocked = [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
            "2001:db8::1",
        ];
        for a in blocked {
            assert!(blocked_class(a.parse().unwrap()).is_some(), "{a} must be refused");
        }
        for a in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"] {
            assert_eq!(blocked_class(a.parse().unwrap()), None, "{a} is public");
        }
        assert!(blocked_class("169.254.169.254".parse().unwrap()).unwrap().contains("link-local"));
    }

    /// Every redirect hop is checked: the credential-content client, asked
    /// directly for a loopback literal (which `Fetcher::get` would refuse
    /// before connecting), follows no redirect to a loopback or link-local
    /// address, by literal or by name.
    #[test]
    fn redirect_hops_to_private_addresses_are_refused() {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                let mut r = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = r.read_line(&mut line);
                h.fetch_add(1, Ordering::SeqCst);
                loop {
                    let mut x = String::new();
                    if r.read_line(&mut x).map(|n| n == 0).unwrap_or(true) || x == "\r\n" {
                        break;
                    }
                }
                let to = if line.contains("/by-name") {
                    format!("http://localhost:{port}/x")
                } else if line.contains("/metadata") {
                    "http://169.254.169.254/latest/meta-data/".to_string()
                } else {
                    format!("http://127.0.0.1:{port}/x")
                };
                let _ = write!(stream, "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        });
        let c = client(Redirects::PublicOnly).unwrap();
        for (path, want) in [("/literal", "127.0.0.1 is a loopback"), ("/metadata", "169.254.169.254 is a link-local"), ("/by-name", "localhost (127.0.0.1) is a loopback")] {
            let e = c.get(format!("http://127.0.0.1:{port}{path}")).timeout(Duration::from_secs(5)).send().unwrap_err();
            let b = find_blocked(&e).unwrap_or_else(|| panic!("{path}: {}", describe_reqwest(&e)));
            assert!(b.to_string().starts_with(want), "{path}: {b}");
        }
        assert_eq!(hits.load(Ordering::SeqCst), 3, "only the first hops reached the server");
    }

    #[test]
    fn literals_in_urls_are_checked_in_every_spelling() {
        for u in ["http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://[::ffff:7f00:1]/", "http://[::1]:8080/x"] {
            let b = blocked_literal(&url::Url::parse(u).unwrap());
            assert!(b.is_some_and(|b| b.class.contains("loopback")), "{u}");
        }
        assert!(blocked_literal(&url::Url::parse("https://example.org/").unwrap()).is_none());
    }
}
