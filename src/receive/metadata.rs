//! Issuer and authorization-server metadata: where to find them and what
//! they say, in the shapes of OpenID4VCI 1.0 and draft 13.
//!
//! Where: 1.0 inserts `/.well-known/openid-credential-issuer` between host
//! and path (`https://h/tenant` → `https://h/.well-known/openid-credential-issuer/tenant`,
//! a terminating `/` removed first); draft-13 deployments append it
//! (`https://h/tenant/.well-known/openid-credential-issuer`). Both are tried,
//! 1.0 first. Authorization servers: `oauth-authorization-server` (RFC 8414,
//! inserted, then appended), then `openid-configuration` (appended, as
//! OpenID Connect puts it, then inserted).
//!
//! What: display (names, logos) is read from the configuration's
//! `credential_metadata.display` (1.0) or its own `display` (draft 13); the
//! issuer's `credential_issuer` must equal the offer's exactly.

use serde_json::Value;

use super::{err, Http, ReceiveError};

/// A name, logo and description in one language, as the issuer gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Display {
    /// The name.
    pub name: Option<String>,
    /// The language tag (`nl`, `en-US`), when given.
    pub locale: Option<String>,
    /// The logo's URL (`https:` or `data:`), when given.
    pub logo: Option<String>,
    /// The logo's alternative text.
    pub logo_alt: Option<String>,
    /// A description.
    pub description: Option<String>,
}

impl Display {
    fn read(v: &Value) -> Display {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).map(|s| s.chars().take(500).collect::<String>());
        let logo = v.get("logo");
        Display {
            name: s(v.get("name")),
            locale: s(v.get("locale")),
            logo: s(logo.and_then(|l| l.get("uri").or_else(|| l.get("url")))),
            logo_alt: s(logo.and_then(|l| l.get("alt_text"))),
            description: s(v.get("description")),
        }
    }

    fn list(v: Option<&Value>) -> Vec<Display> {
        v.and_then(Value::as_array).map(|a| a.iter().filter(|d| d.is_object()).map(Display::read).collect()).unwrap_or_default()
    }
}

/// The entry of `displays` for `lang` (`nl`, `en`): its locale, else one
/// without a locale, else English, else the first.
pub fn pick<'a>(displays: &'a [Display], lang: &str) -> Option<&'a Display> {
    let prefix = |d: &&Display, l: &str| d.locale.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(l) || x.to_ascii_lowercase().starts_with(&format!("{l}-")));
    displays
        .iter()
        .find(|d| prefix(d, lang))
        .or_else(|| displays.iter().find(|d| d.locale.is_none()))
        .or_else(|| displays.iter().find(|d| prefix(d, "en")))
        .or_else(|| displays.first())
}

/// One credential configuration the issuer offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    /// Its id (the key in `credential_configurations_supported`).
    pub id: String,
    /// `jwt_vc_json`, `jwt_vc_json-ld`, `ldp_vc`, …
    pub format: String,
    /// The OAuth scope that asks for it, when given.
    pub scope: Option<String>,
    /// `cryptographic_binding_methods_supported` (`did:key`, `did:jwk`, `jwk`, …); empty: no binding.
    pub binding_methods: Vec<String>,
    /// `proof_types_supported.jwt.proof_signing_alg_values_supported`, when the issuer asks for JWT proofs.
    pub proof_algs: Option<Vec<String>>,
    /// Whether `proof_types_supported` is present at all (1.0: `proofs` is then required).
    pub proof_types: bool,
    /// `credential_definition` (draft 13 sends it back with `format`).
    pub credential_definition: Option<Value>,
    /// The credential's display.
    pub display: Vec<Display>,
    /// Whether it uses 1.0's `credential_metadata`.
    pub has_credential_metadata: bool,
}

/// What the issuer's metadata says.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerMetadata {
    /// The issuer's identifier, as its metadata states it.
    pub credential_issuer: String,
    /// Where credentials are requested.
    pub credential_endpoint: String,
    /// 1.0's nonce endpoint.
    pub nonce_endpoint: Option<String>,
    /// Where deferred credentials are asked for.
    pub deferred_endpoint: Option<String>,
    /// Where the wallet says it accepted (or failed) a credential.
    pub notification_endpoint: Option<String>,
    /// The authorization servers it trusts; empty: the issuer is its own.
    pub authorization_servers: Vec<String>,
    /// The issuer's display.
    pub display: Vec<Display>,
    /// The configurations, in the order given.
    pub configurations: Vec<Configuration>,
    /// Found only where draft 13 puts it (appended well-known).
    pub appended: bool,
}

impl IssuerMetadata {
    /// The configuration `id`.
    pub fn configuration(&self, id: &str) -> Option<&Configuration> {
        self.configurations.iter().find(|c| c.id == id)
    }
}

/// What an authorization server's metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthServer {
    /// Its identifier.
    pub issuer: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The authorization endpoint (authorization code grant).
    pub authorization_endpoint: Option<String>,
    /// The pushed authorization request endpoint.
    pub par_endpoint: Option<String>,
    /// Whether it accepts authorization requests only through PAR.
    pub require_par: bool,
    /// `code_challenge_methods_supported`.
    pub code_challenge_methods: Vec<String>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207): its
    /// authorization responses name it in `iss`.
    pub iss_parameter_supported: bool,
}

/// The URLs a `.well-known` document of `identifier` may be at: inserted
/// between host and path first (RFC 8414, OpenID4VCI 1.0), then appended.
pub fn well_known_urls(identifier: &str, name: &str) -> Result<Vec<String>, ReceiveError> {
    let u = url::Url::parse(identifier).map_err(|e| ReceiveError::new("bad-url", format!("{identifier} is not a valid URL: {e}")))?;
    let origin = u.origin().ascii_serialization();
    let path = u.path().trim_end_matches('/');
    let inserted = format!("{origin}/.well-known/{name}{path}");
    let appended = format!("{origin}{path}/.well-known/{name}");
    Ok(if inserted == appended { vec![inserted] } else { vec![inserted, appended] })
}

/// Fetch the issuer's metadata for an offer from `offered_issuer`; refuses
/// metadata that names another issuer.
pub fn issuer(http: &Http<'_>, offered_issuer: &str) -> Result<IssuerMetadata, ReceiveError> {
    let urls = well_known_urls(offered_issuer, "openid-credential-issuer")?;
    let (i, doc) = first_document(http, &urls, "the issuer's metadata").map_err(|tried| {
        ReceiveError::new(
            "metadata-unreachable",
            format!("the issuer {offered_issuer} has no metadata Backpack can read, so nothing was requested ({})", tried.join("; ")),
        )
    })?;
    let m = read_issuer(&doc, i > 0)?;
    if m.credential_issuer != offered_issuer {
        return err(
            "issuer-mismatch",
            format!("the offer comes from {offered_issuer}, but the issuer's metadata says it is {}; nothing was requested", m.credential_issuer),
        );
    }
    Ok(m)
}

/// The first of `urls` that answers with a JSON object: its index and the document; else what each said.
fn first_document(http: &Http<'_>, urls: &[String], what: &str) -> Result<(usize, Value), Vec<String>> {
    let mut tried = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        match http.get(url, what) {
            Ok(a) if a.ok() && a.json.is_object() => return Ok((i, a.json)),
            Ok(a) => tried.push(format!("{url}: {}", if a.ok() { "not a JSON object".to_string() } else { a.describe() })),
            Err(e) => tried.push(e.message),
        }
    }
    Err(tried)
}

/// Read issuer metadata JSON.
pub fn read_issuer(v: &Value, appended: bool) -> Result<IssuerMetadata, ReceiveError> {
    let bad = |m: &str| ReceiveError::new("metadata-invalid", format!("the issuer's metadata {m}"));
    let s = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let credential_issuer = s("credential_issuer").ok_or_else(|| bad("has no credential_issuer"))?;
    let credential_endpoint = s("credential_endpoint").ok_or_else(|| bad("has no credential_endpoint"))?;
    let configs = v
        .get("credential_configurations_supported")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("has no credential_configurations_supported"))?;
    let configurations = configs
        .iter()
        .map(|(id, c)| {
            let cm = c.get("credential_metadata");
            let display = Display::list(cm.and_then(|m| m.get("display")).or_else(|| c.get("display")));
            let pts = c.get("proof_types_supported");
            let proof_algs = pts.and_then(|p| p.get("jwt")).map(|j| {
                j.get("proof_signing_alg_values_supported")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default()
            });
            Configuration {
                id: id.clone(),
                format: c.get("format").and_then(Value::as_str).unwrap_or_default().to_string(),
                scope: c.get("scope").and_then(Value::as_str).map(str::to_string),
                binding_methods: c
                    .get("cryptographic_binding_methods_supported")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default(),
                proof_algs,
                proof_types: pts.is_some_and(|p| p.as_object().is_some_and(|o| !o.is_empty())),
                credential_definition: c.get("credential_definition").cloned(),
                display,
                has_credential_metadata: cm.is_some(),
            }
        })
        .collect();
    Ok(IssuerMetadata {
        credential_issuer,
        credential_endpoint,
        nonce_endpoint: s("nonce_endpoint"),
        deferred_endpoint: s("deferred_credential_endpoint"),
        notification_endpoint: s("notification_endpoint"),
        authorization_servers: v
            .get("authorization_servers")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .or_else(|| s("authorization_server").map(|a| vec![a]))
            .unwrap_or_default(),
        display: Display::list(v.get("display")),
        configurations,
        appended,
    })
}

/// The authorization server to use: the one the grant names (when the
/// issuer lists it), else the issuer's first, else the issuer itself.
pub fn choose_server(meta: &IssuerMetadata, named: Option<&str>) -> Result<String, ReceiveError> {
    match named {
        Some(n) if meta.authorization_servers.iter().any(|a| a == n) => Ok(n.to_string()),
        Some(n) => err("metadata-invalid", format!("the offer names authorization server {n}, which the issuer does not list")),
        None => Ok(meta.authorization_servers.first().cloned().unwrap_or_else(|| meta.credential_issuer.clone())),
    }
}

/// Fetch an authorization server's metadata.
pub fn auth_server(http: &Http<'_>, identifier: &str) -> Result<AuthServer, ReceiveError> {
    let mut urls = well_known_urls(identifier, "oauth-authorization-server")?;
    let mut oidc = well_known_urls(identifier, "openid-configuration")?;
    oidc.reverse();
    urls.extend(oidc);
    urls.dedup();
    let (_, v) = first_document(http, &urls, "the authorization server's metadata").map_err(|tried| {
        ReceiveError::new("metadata-unreachable", format!("the authorization server's metadata could not be read ({})", tried.join("; ")))
    })?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let issuer = s("issuer").unwrap_or_else(|| identifier.to_string());
    if issuer.trim_end_matches('/') != identifier.trim_end_matches('/') {
        return err("metadata-invalid", format!("the authorization server at {identifier} says it is {issuer}"));
    }
    let token_endpoint =
        s("token_endpoint").ok_or_else(|| ReceiveError::new("metadata-invalid", format!("the authorization server {identifier} has no token_endpoint")))?;
    Ok(AuthServer {
        issuer,
        token_endpoint,
        authorization_endpoint: s("authorization_endpoint"),
        par_endpoint: s("pushed_authorization_request_endpoint"),
        require_par: v.get("require_pushed_authorization_requests").and_then(Value::as_bool) == Some(true),
        code_challenge_methods: v
            .get("code_challenge_methods_supported")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        iss_parameter_supported: v.get("authorization_response_iss_parameter_supported").and_then(Value::as_bool) == Some(true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_is_inserted_first_then_appended() {
        assert_eq!(well_known_urls("https://h.example", "x").unwrap(), vec!["https://h.example/.well-known/x"]);
        assert_eq!(well_known_urls("https://h.example/", "x").unwrap(), vec!["https://h.example/.well-known/x"]);
        assert_eq!(
            well_known_urls("https://h.example:8443/tenant/a/", "x").unwrap(),
            vec!["https://h.example:8443/.well-known/x/tenant/a", "https://h.example:8443/tenant/a/.well-known/x"]
        );
    }

    #[test]
    fn display_is_read_where_either_version_puts_it_and_picked_by_language() {
        let v = serde_json::json!({
            "credential_issuer": "https://i.example", "credential_endpoint": "https://i.example/c",
            "display": [{"name": "Uni", "locale": "en"}, {"name": "Universiteit", "locale": "nl-NL", "logo": {"uri": "data:image/png;base64,AA", "alt_text": "logo"}}],
            "credential_configurations_supported": {
                "A": {"format": "jwt_vc_json", "credential_metadata": {"display": [{"name": "Badge A"}]}},
                "B": {"format": "ldp_vc", "display": [{"name": "Badge B", "locale": "en"}], "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}}
            }
        });
        let m = read_issuer(&v, false).unwrap();
        assert_eq!(pick(&m.display, "nl").unwrap().name.as_deref(), Some("Universiteit"));
        assert_eq!(pick(&m.display, "de").unwrap().name.as_deref(), Some("Uni"));
        assert_eq!(m.configuration("A").unwrap().display[0].name.as_deref(), Some("Badge A"));
        let b = m.configuration("B").unwrap();
        assert_eq!(b.display[0].name.as_deref(), Some("Badge B"));
        assert_eq!(b.proof_algs.as_deref(), Some(&["ES256".to_string()][..]));
        assert!(b.proof_types && !b.has_credential_metadata);
    }
}
