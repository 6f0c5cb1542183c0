//! OpenID4VCI requests after discovery: the token (pre-authorized code,
//! authorization code), the nonce, the credential request, the deferred
//! request and notifications, each in the shape of the issuer's version.
//!
//! Which version an issuer speaks is read from its metadata, never asked of
//! the user ([`Version::of`]): a nonce endpoint, or `credential_metadata` in
//! its configurations, is 1.0; a token response with `c_nonce`, metadata
//! found only at the appended well-known, or display directly in the
//! configurations, is draft 13.
//!
//! | | 1.0 | draft 13 |
//! |---|---|---|
//! | selector | `credential_configuration_id` or `credential_identifier` | `format` + `credential_definition` |
//! | key proof | `proofs: {jwt: [..]}` | `proof: {proof_type: jwt, jwt}` |
//! | nonce | nonce endpoint | `c_nonce` of the token (or error) response |
//! | answer | `credentials: [{credential}]`, 202 `transaction_id` | `credential`, `transaction_id` |
//! | deferred pending | 202 | 400 `issuance_pending` |

use serde_json::{json, Value};

use super::holder::HolderKey;
use super::metadata::{AuthServer, Configuration, IssuerMetadata};
use super::offer::PreAuthorized;
use super::{err, Http, JsonAnswer, ReceiveError};

/// The OpenID4VCI version an issuer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Version {
    /// OpenID4VCI 1.0 (Final, 2025-09).
    V1,
    /// Draft 13 (2024-02), still run by many deployments.
    Draft13,
}

impl Version {
    /// The version of an issuer, from its metadata and the token response.
    /// What only 1.0 has (a nonce endpoint, `credential_metadata`) comes
    /// first: a 1.0 issuer may still put `c_nonce` in its token response or
    /// serve its metadata at the appended well-known for older wallets.
    pub fn of(meta: &IssuerMetadata, token: &Token) -> Version {
        if meta.nonce_endpoint.is_some() || meta.configurations.iter().any(|c| c.has_credential_metadata) {
            Version::V1
        } else if token.c_nonce.is_some() || meta.appended || meta.configurations.iter().any(|c| !c.display.is_empty()) {
            // Display directly in a configuration is draft 13's shape.
            Version::Draft13
        } else {
            Version::V1
        }
    }
}

/// The formats Backpack receives (W3C VCs it can verify).
pub const FORMATS: &[&str] = &["jwt_vc_json", "jwt_vc_json-ld", "ldp_vc", "jwt_vc"];

/// An access token and what came with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    /// The access token.
    pub access_token: String,
    /// Draft 13's nonce.
    pub c_nonce: Option<String>,
    /// 1.0's `authorization_details[].credential_identifiers`, per configuration id.
    pub identifiers: Vec<(String, Vec<String>)>,
}

fn read_token(a: &JsonAnswer) -> Result<Token, ReceiveError> {
    let access_token = a
        .json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ReceiveError::new("token-failed", "the issuer's token response has no access_token"))?;
    let identifiers = a
        .json
        .get("authorization_details")
        .and_then(Value::as_array)
        .map(|ds| {
            ds.iter()
                .filter_map(|d| {
                    let id = d.get("credential_configuration_id")?.as_str()?.to_string();
                    let ids = d.get("credential_identifiers")?.as_array()?.iter().filter_map(Value::as_str).map(str::to_string).collect();
                    Some((id, ids))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Token {
        access_token: access_token.to_string(),
        c_nonce: a.json.get("c_nonce").and_then(Value::as_str).map(str::to_string),
        identifiers,
    })
}

/// Exchange a pre-authorized code (and the transaction code, when the offer
/// asks for one) for an access token. A refusal after a transaction code was
/// typed is `tx-code-wrong`: the wallet cannot tell a wrong code from an
/// expired offer (both are `invalid_grant`), so the message says both.
pub fn token_pre_authorized(http: &Http<'_>, server: &AuthServer, grant: &PreAuthorized, tx_code: Option<&str>) -> Result<Token, ReceiveError> {
    let mut form = vec![
        ("grant_type".to_string(), "urn:ietf:params:oauth:grant-type:pre-authorized_code".to_string()),
        ("pre-authorized_code".to_string(), grant.code.clone()),
    ];
    if let Some(tx) = &grant.tx_code {
        let code = tx_code.map(str::trim).filter(|c| !c.is_empty());
        let Some(code) = code else {
            return err("tx-code-required", "the issuer asks for a transaction code (PIN); nothing was sent");
        };
        if let Some(n) = tx.length {
            if code.chars().count() != n as usize {
                return err("tx-code-wrong", format!("the transaction code must be {n} characters long; nothing was sent"));
            }
        }
        if tx.input_mode.as_deref().unwrap_or("numeric") == "numeric" && !code.chars().all(|c| c.is_ascii_digit()) {
            return err("tx-code-wrong", "the transaction code must be digits only; nothing was sent");
        }
        form.push(("tx_code".to_string(), code.to_string()));
    }
    let a = http.post_form(&server.token_endpoint, form, "the issuer's token endpoint")?;
    if a.ok() {
        return read_token(&a);
    }
    match a.oauth_error() {
        Some((e, _)) if e == "invalid_grant" && grant.tx_code.is_some() => err(
            "tx-code-wrong",
            "the issuer refused the transaction code: it is wrong, or the offer has expired or was already used",
        ),
        Some((e, _)) if e == "invalid_grant" => err("offer-expired", "the issuer refused the offer: it has expired or was already used"),
        _ => err("token-failed", format!("the issuer refused to give an access token ({})", a.describe())),
    }
}

/// Exchange an authorization code (with its PKCE verifier) for an access token.
pub fn token_authorization_code(
    http: &Http<'_>,
    server: &AuthServer,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
    client_id: &str,
) -> Result<Token, ReceiveError> {
    let form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code.to_string()),
        ("code_verifier".to_string(), verifier.to_string()),
        ("redirect_uri".to_string(), redirect_uri.to_string()),
        ("client_id".to_string(), client_id.to_string()),
    ];
    let a = http.post_form(&server.token_endpoint, form, "the authorization server's token endpoint")?;
    if a.ok() {
        return read_token(&a);
    }
    err("token-failed", format!("the authorization server refused to give an access token ({})", a.describe()))
}

/// A fresh nonce from 1.0's nonce endpoint.
pub fn nonce(http: &Http<'_>, endpoint: &str) -> Result<String, ReceiveError> {
    let a = http.post_json(endpoint, json!({}), None, "the issuer's nonce endpoint")?;
    if !a.ok() {
        return err("credential-refused", format!("the issuer's nonce endpoint failed ({})", a.describe()));
    }
    a.json
        .get("c_nonce")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ReceiveError::new("credential-refused", "the issuer's nonce endpoint gave no c_nonce"))
}

/// What a credential or deferred request brought.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// The credentials (JWT strings or JSON objects).
    Credentials {
        /// Each credential as sent.
        items: Vec<Value>,
        /// For notifications.
        notification_id: Option<String>,
    },
    /// Not yet: ask the deferred endpoint with this transaction id, no sooner than `interval` seconds.
    Deferred {
        /// The transaction id.
        transaction_id: String,
        /// Seconds to wait.
        interval: i64,
    },
}

/// The default wait between deferred asks when the issuer gives none.
pub const DEFAULT_INTERVAL: i64 = 5;

fn read_delivery(a: &JsonAnswer) -> Result<Delivery, ReceiveError> {
    let v = &a.json;
    if let Some(t) = v.get("transaction_id").and_then(Value::as_str) {
        let interval = v.get("interval").and_then(Value::as_i64).unwrap_or(DEFAULT_INTERVAL).clamp(1, 86_400);
        return Ok(Delivery::Deferred { transaction_id: t.to_string(), interval });
    }
    let items: Vec<Value> = if let Some(list) = v.get("credentials").and_then(Value::as_array) {
        list.iter().map(|c| c.get("credential").cloned().unwrap_or_else(|| c.clone())).collect()
    } else if let Some(c) = v.get("credential") {
        vec![c.clone()]
    } else {
        return err("credential-refused", "the issuer's answer holds no credential");
    };
    if items.is_empty() {
        return err("credential-refused", "the issuer's answer holds no credential");
    }
    Ok(Delivery::Credentials { items, notification_id: v.get("notification_id").and_then(Value::as_str).map(str::to_string) })
}

/// Everything a credential request needs.
pub struct CredentialRequest<'a> {
    /// The issuer.
    pub meta: &'a IssuerMetadata,
    /// The configuration asked for.
    pub config: &'a Configuration,
    /// The access token.
    pub token: &'a Token,
    /// The version to speak.
    pub version: Version,
    /// The holder key to prove, when the configuration asks for a proof.
    pub holder: Option<&'a HolderKey>,
    /// The client id, for the proof's `iss` (authorization code flow).
    pub client_id: Option<&'a str>,
}

/// Ask for the credential; on `invalid_nonce` (or draft 13's `invalid_proof`
/// with a fresh `c_nonce`) ask once more with a new nonce.
pub fn request(http: &Http<'_>, r: &CredentialRequest<'_>) -> Result<Delivery, ReceiveError> {
    if !FORMATS.contains(&r.config.format.as_str()) {
        return err(
            "unsupported",
            format!("the issuer offers {} as '{}', a format Backpack cannot verify (it receives jwt_vc_json and ldp_vc)", r.config.id, r.config.format),
        );
    }
    let mut nonce = match (r.version, &r.meta.nonce_endpoint, r.holder) {
        (_, _, None) => None,
        (Version::V1, Some(ep), Some(_)) => Some(nonce(http, ep)?),
        _ => r.token.c_nonce.clone(),
    };
    for attempt in 0..2 {
        let body = body(r, nonce.as_deref());
        let a = http.post_json(&r.meta.credential_endpoint, body, Some(&r.token.access_token), "the issuer's credential endpoint")?;
        if a.ok() {
            return read_delivery(&a);
        }
        let (code, _) = a.oauth_error().unwrap_or_default();
        let fresh = a.json.get("c_nonce").and_then(Value::as_str).map(str::to_string);
        let retry = attempt == 0 && r.holder.is_some() && (code == "invalid_nonce" || (code == "invalid_proof" && fresh.is_some()));
        if retry {
            nonce = match (&r.meta.nonce_endpoint, fresh) {
                (_, Some(f)) => Some(f),
                (Some(ep), None) => Some(self::nonce(http, ep)?),
                (None, None) => nonce,
            };
            continue;
        }
        return match code.as_str() {
            "credential_request_denied" => err("request-denied", format!("the issuer denied the credential ({})", a.describe())),
            _ => err("credential-refused", format!("the issuer refused the credential request ({})", a.describe())),
        };
    }
    err("credential-refused", "the issuer refused the key proof twice (invalid_nonce)")
}

fn body(r: &CredentialRequest<'_>, nonce: Option<&str>) -> Value {
    let proof = r.holder.map(|h| h.proof_jwt(&r.meta.credential_issuer, nonce, r.client_id));
    match r.version {
        Version::V1 => {
            let ident = r.token.identifiers.iter().find(|(c, _)| c == &r.config.id).and_then(|(_, ids)| ids.first());
            let mut b = match ident {
                Some(i) => json!({"credential_identifier": i}),
                None => json!({"credential_configuration_id": r.config.id}),
            };
            if let Some(p) = proof {
                b["proofs"] = json!({"jwt": [p]});
            }
            b
        }
        Version::Draft13 => {
            let mut b = json!({"format": r.config.format});
            if let Some(d) = &r.config.credential_definition {
                b["credential_definition"] = d.clone();
            }
            if let Some(p) = proof {
                b["proof"] = json!({"proof_type": "jwt", "jwt": p});
            }
            b
        }
    }
}

/// What a deferred ask brought.
#[derive(Debug, Clone, PartialEq)]
pub enum Polled {
    /// Delivered now.
    Delivered(Delivery),
    /// Still pending; ask again after this many seconds.
    Pending(i64),
    /// The issuer said no, for good (`credential_request_denied`, `invalid_transaction_id`).
    Denied(String),
}

/// Ask the deferred endpoint once.
pub fn poll(http: &Http<'_>, endpoint: &str, access_token: &str, transaction_id: &str, interval: i64) -> Result<Polled, ReceiveError> {
    let a = http.post_json(endpoint, json!({"transaction_id": transaction_id}), Some(access_token), "the issuer's deferred credential endpoint")?;
    let next = |v: &Value| v.get("interval").and_then(Value::as_i64).unwrap_or(interval).clamp(1, 86_400);
    if a.status == 202 {
        return Ok(Polled::Pending(next(&a.json)));
    }
    if a.ok() {
        return match read_delivery(&a)? {
            Delivery::Deferred { interval, .. } => Ok(Polled::Pending(interval)),
            d => Ok(Polled::Delivered(d)),
        };
    }
    match a.oauth_error().map(|(e, _)| e).as_deref() {
        Some("issuance_pending") => Ok(Polled::Pending(next(&a.json))),
        Some("credential_request_denied") => Ok(Polled::Denied(format!("the issuer denied the credential ({})", a.describe()))),
        Some("invalid_transaction_id") => Ok(Polled::Denied(format!("the issuer no longer knows this request ({})", a.describe()))),
        _ => err("credential-refused", format!("the issuer's deferred endpoint failed ({})", a.describe())),
    }
}

/// Tell the issuer what became of a credential (`credential_accepted`,
/// `credential_failure`, `credential_deleted`). Best effort: a failure here
/// changes nothing stored, so it is returned for the caller to mention.
pub fn notify(http: &Http<'_>, endpoint: &str, access_token: &str, notification_id: &str, event: &str) -> Result<(), ReceiveError> {
    let a = http.post_json(
        endpoint,
        json!({"notification_id": notification_id, "event": event}),
        Some(access_token),
        "the issuer's notification endpoint",
    )?;
    if a.ok() {
        Ok(())
    } else {
        err("notification-failed", format!("the issuer's notification endpoint answered {}", a.describe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receive::metadata::read_issuer;

    fn meta(config: Value, nonce: bool, appended: bool) -> IssuerMetadata {
        let mut v = json!({
            "credential_issuer": "https://i.example",
            "credential_endpoint": "https://i.example/credential",
            "credential_configurations_supported": {"c": config},
        });
        if nonce {
            v["nonce_endpoint"] = json!("https://i.example/nonce");
        }
        read_issuer(&v, appended).unwrap()
    }

    fn token(c_nonce: bool) -> Token {
        Token { access_token: "t".into(), c_nonce: c_nonce.then(|| "n".into()), identifiers: vec![] }
    }

    #[test]
    fn what_only_one_version_has_decides_before_what_both_may_send() {
        let v1 = json!({"format": "jwt_vc_json", "credential_metadata": {"display": [{"name": "B"}]}});
        let d13 = json!({"format": "jwt_vc_json", "display": [{"name": "B"}]});
        let bare = json!({"format": "jwt_vc_json"});
        // 1.0 signals win over a token's c_nonce and the appended well-known.
        assert_eq!(Version::of(&meta(v1.clone(), false, true), &token(true)), Version::V1);
        assert_eq!(Version::of(&meta(bare.clone(), true, true), &token(true)), Version::V1);
        // Without them, c_nonce or the appended well-known is draft 13.
        assert_eq!(Version::of(&meta(bare.clone(), false, false), &token(true)), Version::Draft13);
        assert_eq!(Version::of(&meta(bare.clone(), false, true), &token(false)), Version::Draft13);
        // Display directly in the configuration is draft 13's shape; nothing at all is 1.0.
        assert_eq!(Version::of(&meta(d13, false, false), &token(false)), Version::Draft13);
        assert_eq!(Version::of(&meta(bare, false, false), &token(false)), Version::V1);
    }
}
