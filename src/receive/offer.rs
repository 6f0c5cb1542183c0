//! What an offer text asks for. Accepted forms (pasted, from a link the app
//! was opened with, or read from a QR code):
//!
//! - OpenID4VCI: `openid-credential-offer://?credential_offer=<JSON>` or
//!   `?credential_offer_uri=<URL>`, the same query on any `https://` page or
//!   `backpack://receive?…` link, or the offer JSON itself;
//! - DCC credential requests: `dccrequest://request?issuer=…&vc_request_url=…&challenge=…&auth_type=bearer`,
//!   `org.dcconsortium://request?…`, and any `https://…?vc_request_url=…` link
//!   (LearnCard's form);
//! - VC-API interaction URLs: `https://…?iuv=1` or `interaction:https://…`;
//! - `backpack://receive?offer=<any of the above, percent-encoded>`.
//!
//! Offers by reference are fetched in [`resolve`]; nothing else here touches
//! the network.

use serde_json::Value;

use super::{check_url, err, Http, ReceiveError, MAX_OFFER_BYTES};

/// What an offer text asks the wallet to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// An OpenID4VCI credential offer.
    Oid4vci(OfferSource),
    /// A DCC credential request: sign a DIDAuth presentation over `challenge`, POST it to `vc_request_url`.
    Dcc {
        /// Where the presentation goes.
        vc_request_url: String,
        /// The challenge to sign.
        challenge: Option<String>,
        /// The issuer as the link names it.
        issuer: Option<String>,
    },
    /// A VC-API interaction URL: ask it which protocols it speaks.
    Interaction(String),
}

/// An offer as given: its JSON, or where to fetch it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferSource {
    /// The offer JSON itself (`credential_offer=`).
    Value(String),
    /// The URL of the offer (`credential_offer_uri=`).
    Reference(String),
}

/// An OpenID4VCI credential offer, read leniently (1.0, draft 13, and the
/// `credentials` / `user_pin_required` of drafts 11–12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialOffer {
    /// The issuer's identifier (compared, exactly, with its metadata's).
    pub credential_issuer: String,
    /// The credential configurations offered.
    pub configuration_ids: Vec<String>,
    /// The pre-authorized code grant, when offered.
    pub pre_authorized: Option<PreAuthorized>,
    /// The authorization code grant, when offered.
    pub authorization_code: Option<AuthorizationCode>,
    /// The offer's JSON as read.
    pub json: Value,
}

/// The pre-authorized code grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreAuthorized {
    /// The code.
    pub code: String,
    /// The transaction code (PIN) the user must type, when asked for.
    pub tx_code: Option<TxCode>,
    /// Which authorization server, when the issuer names several.
    pub authorization_server: Option<String>,
}

/// How the issuer describes the transaction code it sent the user.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TxCode {
    /// `numeric` or `text`.
    pub input_mode: Option<String>,
    /// How many characters.
    pub length: Option<u32>,
    /// The issuer's hint, e.g. where the code was sent.
    pub description: Option<String>,
}

/// The authorization code grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// Sent back in the authorization request, binding it to this offer.
    pub issuer_state: Option<String>,
    /// Which authorization server, when the issuer names several.
    pub authorization_server: Option<String>,
}

/// What `text` asks for; a clear error when it is none of the known forms.
pub fn parse(text: &str) -> Result<Request, ReceiveError> {
    let t = text.trim();
    if t.is_empty() {
        return err("bad-offer", "the offer is empty");
    }
    if t.len() > MAX_OFFER_BYTES {
        return err("too-large", format!("the offer is {} bytes; the limit is {MAX_OFFER_BYTES}", t.len()));
    }
    if t.starts_with('{') {
        return Ok(Request::Oid4vci(OfferSource::Value(t.to_string())));
    }
    if let Some(rest) = strip_prefix_ci(t, "interaction:") {
        check_url(rest, "the interaction URL")?;
        return Ok(Request::Interaction(rest.to_string()));
    }
    let u = url::Url::parse(t).map_err(|_| {
        ReceiveError::new("bad-offer", "this is not an offer: expected an openid-credential-offer:// link, a link with credential_offer or vc_request_url, an interaction URL, or the offer's JSON")
    })?;
    if u.scheme() == "backpack" {
        if let Some(inner) = u.query_pairs().find(|(k, _)| k == "offer").map(|(_, v)| v.into_owned()) {
            if url::Url::parse(inner.trim()).is_ok_and(|i| i.scheme() == "backpack") || inner.trim_start().to_ascii_lowercase().starts_with("backpack:") {
                return err("bad-offer", "a backpack:// link cannot wrap another backpack:// link");
            }
            return parse(&inner);
        }
    }
    let get = |name: &str| u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if let Some(v) = get("credential_offer") {
        return Ok(Request::Oid4vci(OfferSource::Value(v)));
    }
    if let Some(v) = get("credential_offer_uri") {
        check_url(&v, "the offer's credential_offer_uri")?;
        return Ok(Request::Oid4vci(OfferSource::Reference(v)));
    }
    if let Some(v) = get("vc_request_url") {
        if let Some(a) = get("auth_type").filter(|a| a != "bearer") {
            return err("unsupported", format!("the credential request asks for auth_type '{a}'; only 'bearer' is supported"));
        }
        check_url(&v, "the request's vc_request_url")?;
        return Ok(Request::Dcc { vc_request_url: v, challenge: get("challenge"), issuer: get("issuer") });
    }
    if matches!(u.scheme(), "https" | "http") && get("iuv").as_deref() == Some("1") {
        check_url(t, "the interaction URL")?;
        return Ok(Request::Interaction(t.to_string()));
    }
    match u.scheme() {
        "openid-credential-offer" | "haip" => err("bad-offer", "the offer link has neither credential_offer nor credential_offer_uri"),
        "dccrequest" | "org.dcconsortium" => err("bad-offer", "the credential request link has no vc_request_url"),
        _ => err("bad-offer", "this link is not an offer: it has no credential_offer, credential_offer_uri or vc_request_url, and is not an interaction URL (?iuv=1)"),
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    // Byte-wise: a multi-byte character across the cut must not panic.
    let n = prefix.len();
    (s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(prefix.as_bytes())).then(|| s.get(n..)).flatten()
}

/// The offer itself: parsed from its JSON, or fetched first when given by reference.
pub fn resolve(source: &OfferSource, http: &Http<'_>) -> Result<CredentialOffer, ReceiveError> {
    match source {
        OfferSource::Value(text) => {
            let v: Value = serde_json::from_str(text).map_err(|e| ReceiveError::new("bad-offer", format!("the offer is not valid JSON: {e}")))?;
            read(&v)
        }
        OfferSource::Reference(url) => {
            let a = http.get(url, "the offer (credential_offer_uri)")?;
            if !a.ok() {
                return err("bad-offer", format!("the offer at {url} could not be fetched: {}", a.describe()));
            }
            if a.json.is_null() {
                return err("bad-offer", format!("the offer at {url} is not JSON"));
            }
            read(&a.json)
        }
    }
}

/// Read an offer's JSON.
pub fn read(v: &Value) -> Result<CredentialOffer, ReceiveError> {
    let bad = |m: &str| ReceiveError::new("bad-offer", format!("the offer {m}"));
    let issuer = v
        .get("credential_issuer")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("has no credential_issuer"))?;
    check_url(issuer, "the offer's credential_issuer")?;
    // 1.0 and draft 13: credential_configuration_ids; drafts 11–12: credentials (strings).
    let ids = v.get("credential_configuration_ids").or_else(|| v.get("credentials"));
    let configuration_ids: Vec<String> = ids
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if configuration_ids.is_empty() {
        return Err(bad("names no credential (credential_configuration_ids is missing or empty)"));
    }
    let grants = v.get("grants");
    let pre = grants.and_then(|g| g.get("urn:ietf:params:oauth:grant-type:pre-authorized_code"));
    let pre_authorized = match pre {
        None => None,
        Some(p) => {
            let code = p
                .get("pre-authorized_code")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| bad("has a pre-authorized grant without a pre-authorized_code"))?;
            let tx_code = match p.get("tx_code") {
                Some(t) if t.is_object() => Some(TxCode {
                    input_mode: t.get("input_mode").and_then(Value::as_str).map(str::to_string),
                    length: t.get("length").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()),
                    description: t.get("description").and_then(Value::as_str).map(|s| s.chars().take(300).collect()),
                }),
                _ if p.get("user_pin_required").and_then(Value::as_bool) == Some(true) => Some(TxCode::default()),
                _ => None,
            };
            Some(PreAuthorized {
                code: code.to_string(),
                tx_code,
                authorization_server: p.get("authorization_server").and_then(Value::as_str).map(str::to_string),
            })
        }
    };
    let authorization_code = grants.and_then(|g| g.get("authorization_code")).map(|a| AuthorizationCode {
        issuer_state: a.get("issuer_state").and_then(Value::as_str).map(str::to_string),
        authorization_server: a.get("authorization_server").and_then(Value::as_str).map(str::to_string),
    });
    Ok(CredentialOffer { credential_issuer: issuer.to_string(), configuration_ids, pre_authorized, authorization_code, json: v.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    #[test]
    fn every_form_of_offer_is_recognised() {
        let json = r#"{"credential_issuer":"https://issuer.example","credential_configuration_ids":["A"]}"#;
        let by_value = format!("openid-credential-offer://?credential_offer={}", enc(json));
        assert_eq!(parse(&by_value).unwrap(), Request::Oid4vci(OfferSource::Value(json.into())));
        let by_ref = format!("openid-credential-offer://?credential_offer_uri={}", enc("https://issuer.example/o/1"));
        assert_eq!(parse(&by_ref).unwrap(), Request::Oid4vci(OfferSource::Reference("https://issuer.example/o/1".into())));
        let https = format!("https://wallet.example/?credential_offer={}", enc(json));
        assert!(matches!(parse(&https).unwrap(), Request::Oid4vci(OfferSource::Value(_))));
        let wrapped = format!("backpack://receive?offer={}", enc(&by_ref));
        assert_eq!(parse(&wrapped).unwrap(), parse(&by_ref).unwrap());
        assert!(matches!(parse(json).unwrap(), Request::Oid4vci(OfferSource::Value(_))));
        let dcc = format!("dccrequest://request?issuer=x&vc_request_url={}&challenge=c1&auth_type=bearer", enc("https://i.example/req"));
        assert_eq!(
            parse(&dcc).unwrap(),
            Request::Dcc { vc_request_url: "https://i.example/req".into(), challenge: Some("c1".into()), issuer: Some("x".into()) }
        );
        assert!(matches!(parse("https://ex.example/x?iuv=1").unwrap(), Request::Interaction(_)));
        assert!(matches!(parse("interaction:https://ex.example/x").unwrap(), Request::Interaction(_)));
    }

    #[test]
    fn bad_offers_say_what_is_wrong() {
        assert_eq!(parse("").unwrap_err().code, "bad-offer");
        assert_eq!(parse("hello").unwrap_err().code, "bad-offer");
        assert_eq!(parse("openid-credential-offer://?x=1").unwrap_err().code, "bad-offer");
        let http = format!("openid-credential-offer://?credential_offer_uri={}", enc("http://issuer.example/o"));
        assert_eq!(parse(&http).unwrap_err().code, "insecure-url");
        let local = format!("openid-credential-offer://?credential_offer_uri={}", enc("http://127.0.0.1:8080/o"));
        assert!(parse(&local).is_ok());
        let dcc = format!("dccrequest://request?vc_request_url={}&auth_type=basic", enc("https://i.example/r"));
        assert_eq!(parse(&dcc).unwrap_err().code, "unsupported");
        assert_eq!(parse(&"x".repeat(MAX_OFFER_BYTES + 1)).unwrap_err().code, "too-large");
        // A multi-byte character across the `interaction:` prefix's length: refused, no panic.
        assert_eq!(parse("aaaaaaaaaaaé offer").unwrap_err().code, "bad-offer");
        let nested = format!("backpack://receive?offer={}", enc("\u{1}backpack://receive?offer=x"));
        assert!(parse(&nested).is_err());
        let no_ids = serde_json::json!({"credential_issuer": "https://i.example", "credential_configuration_ids": []});
        assert_eq!(read(&no_ids).unwrap_err().code, "bad-offer");
    }

    #[test]
    fn grants_are_read_in_every_version() {
        let v = serde_json::json!({
            "credential_issuer": "https://i.example",
            "credentials": ["B"],
            "grants": {
                "urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c", "tx_code": {"length": 6, "input_mode": "numeric", "description": "mail"}},
                "authorization_code": {"issuer_state": "s"}
            }
        });
        let o = read(&v).unwrap();
        assert_eq!(o.configuration_ids, vec!["B"]);
        let p = o.pre_authorized.unwrap();
        assert_eq!(p.tx_code.unwrap().length, Some(6));
        assert_eq!(o.authorization_code.unwrap().issuer_state.as_deref(), Some("s"));
        let old = serde_json::json!({
            "credential_issuer": "https://i.example", "credential_configuration_ids": ["B"],
            "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c", "user_pin_required": true}}
        });
        assert!(read(&old).unwrap().pre_authorized.unwrap().tx_code.is_some());
    }
}
