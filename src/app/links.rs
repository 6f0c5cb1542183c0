//! Links to the verifier page, decided once: which verifier base URLs are
//! accepted. The command line's `share --base` / `export --base` and the app's
//! Settings (and the base its Share dialog uses) all go through
//! [`verifier_base`]: `https://` anywhere; `http://` only on this machine
//! (`localhost`, `127.0.0.1`, `[::1]`), for a page served locally while testing.
//! Anything else is refused with the code `invalid-verifier-url`.

use super::Error;

/// The code of a refused verifier base URL (the app's message table matches it).
pub const INVALID_VERIFIER_URL: &str = "invalid-verifier-url";

/// Accept `base` as the verifier page's base URL (trimmed), or refuse it with
/// [`INVALID_VERIFIER_URL`].
pub fn verifier_base(base: &str) -> Result<String, Error> {
    let base = base.trim();
    let refused = || {
        Error::new(
            INVALID_VERIFIER_URL,
            format!("the verifier page must be an https:// address (http:// only on localhost, 127.0.0.1 or [::1]): '{base}'"),
        )
    };
    let u = url::Url::parse(base).map_err(|_| refused())?;
    let ok = match (u.scheme(), u.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip == std::net::Ipv4Addr::LOCALHOST,
        ("http", Some(url::Host::Ipv6(ip))) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    if ok && u.username().is_empty() && u.password().is_none() {
        Ok(base.to_string())
    } else {
        Err(refused())
    }
}

/// The verifier base to use: `chosen` when set and non-empty (checked with
/// [`verifier_base`]), else the documented default
/// ([`crate::share::DEFAULT_VERIFIER_BASE`]).
pub fn verifier_base_or_default(chosen: Option<&str>) -> Result<String, Error> {
    match chosen.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => verifier_base(c),
        None => Ok(crate::share::DEFAULT_VERIFIER_BASE.to_string()),
    }
}
