//! VC-API exchanges and DCC credential requests, the protocols of the DCC
//! Learner Credential Wallet: the issuer asks the wallet to prove control of
//! a DID (a DIDAuth presentation over its `challenge`, signed with the
//! store's holder key, [`crate::present::did_auth`]) and answers with the
//! credentials issued to that DID.
//!
//! - DCC request: POST the presentation to `vc_request_url`; the answer is a
//!   credential or a presentation holding credentials.
//! - Interaction URL: GET it as JSON for its `protocols`; `vcapi` is used
//!   (an `OID4VCI` offer, when that is all there is, goes to [`super::oid4vci`]).
//! - VC-API exchange: POST `{}`; answer the `verifiablePresentationRequest`
//!   (`DIDAuthentication` queries only) with `{verifiablePresentation}`;
//!   the credentials come back in the answer's `verifiablePresentation`.

use serde_json::{json, Value};

use crate::present::{self, Holder, PresentOptions};

use super::{err, Http, ReceiveError};

/// The protocols an interaction URL offers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Protocols {
    /// A VC-API exchange URL.
    pub vcapi: Option<String>,
    /// An OpenID4VCI offer.
    pub oid4vci: Option<String>,
}

/// Ask an interaction URL which protocols it speaks.
pub fn protocols(http: &Http<'_>, url: &str) -> Result<Protocols, ReceiveError> {
    let a = http.get(url, "the interaction URL")?;
    if !a.ok() {
        return err("bad-offer", format!("the interaction URL answered {}", a.describe()));
    }
    let p = a.json.get("protocols").filter(|p| p.is_object()).ok_or_else(|| ReceiveError::new("bad-offer", "the interaction URL names no protocols"))?;
    let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
    let out = Protocols { vcapi: s("vcapi"), oid4vci: s("OID4VCI").or_else(|| s("oid4vci")) };
    if out.vcapi.is_none() && out.oid4vci.is_none() {
        return err("unsupported", "the interaction URL offers no protocol Backpack speaks (vcapi or OID4VCI)");
    }
    Ok(out)
}

fn did_auth(holder: &Holder, challenge: Option<String>, domain: Option<String>) -> Result<Value, ReceiveError> {
    present::did_auth(holder, &PresentOptions { challenge, domain, created: None })
        .map_err(|e| ReceiveError::new("sign-failed", format!("the DIDAuth presentation could not be signed: {e}")))
}

/// The credentials in an answer: a credential, a presentation of them, or either under `verifiablePresentation`.
pub fn credentials_in(v: &Value) -> Vec<Value> {
    let v = v.get("verifiablePresentation").unwrap_or(v);
    if let Some(vcs) = v.get("verifiableCredential") {
        return match vcs {
            Value::Array(a) => a.clone(),
            one => vec![one.clone()],
        };
    }
    let is_vc = crate::import::json::list(v.get("type")).iter().any(|t| t.as_str() == Some("VerifiableCredential"));
    if is_vc || v.is_string() {
        vec![v.clone()]
    } else {
        Vec::new()
    }
}

/// The origin a DIDAuth presentation is bound to (its `domain`): where it is sent.
fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok().map(|u| u.origin().ascii_serialization())
}

/// A DCC credential request: sign the challenge, POST it, take the credentials.
pub fn dcc(http: &Http<'_>, holder: &Holder, vc_request_url: &str, challenge: Option<&str>) -> Result<Vec<Value>, ReceiveError> {
    // Bound to the origin it goes to, so it cannot be replayed elsewhere.
    let vp = did_auth(holder, challenge.map(str::to_string), origin_of(vc_request_url))?;
    let a = http.post_json(vc_request_url, vp, None, "the credential request URL")?;
    if !a.ok() {
        return err("credential-refused", format!("the issuer refused the credential request ({})", a.describe()));
    }
    let items = credentials_in(&a.json);
    if items.is_empty() {
        return err("credential-refused", "the issuer's answer holds no credential");
    }
    Ok(items)
}

/// A VC-API exchange: start it, answer DIDAuthentication, take the credentials.
pub fn exchange(http: &Http<'_>, holder: &Holder, url: &str) -> Result<Vec<Value>, ReceiveError> {
    let mut body = json!({});
    for _ in 0..4 {
        let a = http.post_json(url, body, None, "the VC-API exchange")?;
        if !a.ok() {
            return err("credential-refused", format!("the exchange refused the request ({})", a.describe()));
        }
        let items = credentials_in(&a.json);
        if !items.is_empty() && a.json.get("verifiablePresentationRequest").is_none() {
            return Ok(items);
        }
        let Some(req) = a.json.get("verifiablePresentationRequest") else {
            return err("credential-refused", "the exchange ended without delivering a credential");
        };
        let queries = crate::import::json::list(req.get("query"));
        let types: Vec<&str> = queries.iter().filter_map(|q| q.get("type").and_then(Value::as_str)).collect();
        if let Some(t) = types.iter().find(|t| **t != "DIDAuthentication" && **t != "DIDAuth") {
            return err("unsupported", format!("the exchange asks for '{t}'; Backpack answers only DIDAuthentication when receiving"));
        }
        let challenge = req.get("challenge").and_then(Value::as_str).map(str::to_string);
        // The presentation is bound to where it is sent: a `domain` naming
        // another host is refused (it would let the exchange replay the proof there).
        let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
        let domain = match req.get("domain").and_then(Value::as_str) {
            None => origin_of(url),
            Some(d) if d == host || origin_of(url).as_deref() == Some(d) || url::Url::parse(d).ok().and_then(|u| u.host_str().map(str::to_string)).as_deref() == Some(host.as_str()) => Some(d.to_string()),
            Some(d) => return err("domain-mismatch", format!("the exchange at {host} asks for a proof for another domain ({d}); nothing was signed")),
        };
        body = json!({"verifiablePresentation": did_auth(holder, challenge, domain)?});
    }
    err("credential-refused", "the exchange kept asking without delivering a credential")
}
