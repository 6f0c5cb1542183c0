//! OpenID4VCI endpoints of every profile: credential issuer and
//! authorization server metadata, offer minting (for the tests), the token
//! endpoint (pre-authorized code and authorization code with PKCE), PAR and
//! the authorization endpoint, the nonce, credential, deferred credential and
//! notification endpoints, for 1.0 Final and Draft 13.
//!
//! Every code, token, nonce and transaction lives in [`State`] for the whole
//! life of the process; codes and nonces are single use. A nonce is used up
//! by the first credential request whose proof is otherwise valid (a request
//! refused for a bad signature, `aud` or `typ` leaves it usable); a wrong PIN
//! leaves the pre-authorized code usable.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::http::{enc, random_token, Req, Resp};
use crate::profiles::{self, Deferral, Grant, Profile};
use crate::proof;
use crate::App;

const PRE_AUTH_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// Offers (their pre-authorized codes and issuer states) stay valid this long.
const OFFER_TTL: Duration = Duration::from_secs(300);
const NONCE_TTL: Duration = Duration::from_secs(300);
const TOKEN_TTL: Duration = Duration::from_secs(3600);
const PAR_TTL: Duration = Duration::from_secs(60);
const CODE_TTL: Duration = Duration::from_secs(60);
/// The polling interval the deferred flow asks for, in seconds.
const INTERVAL: u64 = 1;
/// How many polls of a deferred transaction are answered "pending".
const PENDING_POLLS: u32 = 2;
/// A tiny PNG for the issuer's logo.
const LOGO: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQC1iAFTEMLQkAP85Dgaage20AAAAASUVORK5CYII=";
const NOTIFICATION_EVENTS: &[&str] = &["credential_accepted", "credential_failure", "credential_deleted"];

#[derive(Default)]
pub struct State {
    /// Offers served by reference, by id.
    offers: HashMap<String, Value>,
    pre_codes: HashMap<String, PreCode>,
    /// issuer_state -> (profile, expiry)
    issuer_states: HashMap<String, (String, Instant)>,
    /// PAR request_uri -> the pushed request.
    pars: HashMap<String, Pushed>,
    codes: HashMap<String, Pushed>,
    tokens: HashMap<String, Token>,
    /// nonce-endpoint nonces -> (profile, expiry)
    nonces: HashMap<String, (String, Instant)>,
    transactions: HashMap<String, Transaction>,
    /// notification_id -> profile
    notifications: HashMap<String, String>,
}

struct PreCode {
    profile: String,
    expires: Instant,
    pin: Option<&'static str>,
    used: bool,
}

/// A pushed authorization request, and later the authorization code it became.
#[derive(Clone)]
struct Pushed {
    profile: String,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    state: String,
    /// Asked with `authorization_details` (not `scope`): the token response then carries credential identifiers.
    by_details: bool,
    expires: Instant,
    used: bool,
}

#[derive(Clone)]
struct Token {
    profile: String,
    expires: Instant,
    /// The credential identifiers of the token response, if it gave any.
    identifiers: Option<Vec<String>>,
    /// The client of an authorization code token; `None` for anonymous pre-authorized access.
    client_id: Option<String>,
    /// Draft 13: the current c_nonce.
    c_nonce: Option<(String, Instant)>,
    /// Credential requests answered so far.
    requests: u32,
}

struct Transaction {
    profile: String,
    token: String,
    polls: u32,
    last: Instant,
    credential: Value,
}

type Answer = Result<Resp, Resp>;

fn one(r: Answer) -> Resp {
    r.unwrap_or_else(|e| e)
}

fn post_only(r: &Req) -> Result<(), Resp> {
    if r.method == "POST" {
        Ok(())
    } else {
        Err(Resp::method_not_allowed())
    }
}

fn get_only(r: &Req) -> Result<(), Resp> {
    if r.method == "GET" {
        Ok(())
    } else {
        Err(Resp::method_not_allowed())
    }
}

/// Requests under `BASE/<profile>`.
pub fn route(app: &mut App, r: &Req, name: &str, rest: &str) -> Resp {
    let p = profiles::get(name).expect("split_path returns listed names");
    let auth_code = matches!(p.grant, Grant::AuthCode { .. });
    let answer = match rest {
        "/.well-known/openid-credential-issuer" if p.draft13 => get_only(r).map(|_| Resp::json(200, issuer_metadata(app, &p))),
        "/offer" => get_only(r).map(|_| Resp::json(200, mint_offer(app, &p))),
        _ if rest.starts_with("/offers/") => get_only(r).and_then(|_| {
            app.vci.offers.get(&rest["/offers/".len()..]).map(|o| Resp::json(200, o.clone())).ok_or_else(|| Resp::not_found("no such offer"))
        }),
        "/token" if !p.external_as => token(app, r, &p),
        "/nonce" if !p.draft13 => post_only(r).map(|_| nonce(app, &p)),
        "/credential" => credential(app, r, &p),
        "/deferred" => deferred(app, r, &p),
        "/notification" if !p.draft13 => notification(app, r, &p),
        "/par" if auth_code => par(app, r, &p),
        "/authorize" if auth_code => authorize(app, r, &p),
        _ => Err(Resp::not_found(&format!("profile {} has nothing at '{rest}'", p.name))),
    };
    one(answer)
}

/// `GET /.well-known/openid-credential-issuer/<profile>`: 1.0 metadata, at the inserted location only.
pub fn issuer_metadata_inserted(app: &mut App, r: &Req, rest: &str) -> Resp {
    if let Err(e) = get_only(r) {
        return e;
    }
    match profiles::get(rest) {
        Some(p) if !p.draft13 => Resp::json(200, issuer_metadata(app, &p)),
        Some(p) => Resp::not_found(&format!("{} is a Draft 13 issuer: its metadata is at {}/.well-known/openid-credential-issuer", p.name, p.issuer_id(&app.base))),
        None => Resp::not_found(&format!("no credential issuer '{rest}'")),
    }
}

/// `GET /.well-known/oauth-authorization-server/<profile or auth>`.
pub fn as_metadata(app: &mut App, r: &Req, rest: &str) -> Resp {
    if let Err(e) = get_only(r) {
        return e;
    }
    let base = app.base.clone();
    if rest == "auth" {
        // The external authorization server of `tenant/a`.
        return Resp::json(
            200,
            json!({
                "issuer": format!("{base}/auth"),
                "token_endpoint": format!("{base}/auth/token"),
                "grant_types_supported": [PRE_AUTH_GRANT],
                "pre-authorized_grant_anonymous_access_supported": true,
            }),
        );
    }
    let Some(p) = profiles::get(rest).filter(|p| !p.external_as) else {
        return Resp::not_found(&format!("no authorization server '{rest}'"));
    };
    let mut m = json!({
        "issuer": p.as_issuer(&base),
        "token_endpoint": p.token_endpoint(&base),
        "pre-authorized_grant_anonymous_access_supported": true,
    });
    match p.grant {
        Grant::PreAuth { .. } => m["grant_types_supported"] = json!([PRE_AUTH_GRANT]),
        Grant::AuthCode { .. } => {
            let extra = json!({
                "grant_types_supported": ["authorization_code"],
                "authorization_endpoint": p.endpoint(&base, "authorize"),
                "pushed_authorization_request_endpoint": p.endpoint(&base, "par"),
                "require_pushed_authorization_requests": true,
                "code_challenge_methods_supported": ["S256"],
                "response_types_supported": ["code"],
                "scopes_supported": ["openbadge"],
                "authorization_details_types_supported": ["openid_credential"],
                "authorization_response_iss_parameter_supported": true,
                "token_endpoint_auth_methods_supported": ["none"],
            });
            m.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        }
    }
    Resp::json(200, m)
}

/// `BASE/auth/...`: the external authorization server of `tenant/a` (only a token endpoint).
pub fn external_as(app: &mut App, r: &Req, rest: &str) -> Resp {
    match rest {
        "token" => one(token(app, r, &profiles::get("tenant/a").expect("listed"))),
        _ => Resp::not_found("the authorization server has only /auth/token"),
    }
}

fn issuer_metadata(app: &App, p: &Profile) -> Value {
    let base = &app.base;
    let mut m = json!({
        "credential_issuer": p.metadata_issuer(base),
        "credential_endpoint": p.endpoint(base, "credential"),
        "deferred_credential_endpoint": p.endpoint(base, "deferred"),
        "display": [
            {"name": "Backpack Test Issuer", "locale": "en", "logo": {"uri": LOGO, "alt_text": "The test issuer's logo"}},
            {"name": "Backpack testuitgever", "locale": "nl"}
        ],
        "credential_configurations_supported": {p.config_id(): configuration(p)},
    });
    if !p.draft13 {
        m["nonce_endpoint"] = json!(p.endpoint(base, "nonce"));
        m["notification_endpoint"] = json!(p.endpoint(base, "notification"));
    }
    if p.external_as {
        m["authorization_servers"] = json!([format!("{base}/auth")]);
    }
    m
}

fn configuration(p: &Profile) -> Value {
    let types = json!(["VerifiableCredential", "OpenBadgeCredential"]);
    let display = json!([
        {"name": "Micro-credential Sustainable Energy Systems", "locale": "en"},
        {"name": "Microcredential Duurzame energiesystemen", "locale": "nl"}
    ]);
    let (definition, signing) = match p.format() {
        "ldp_vc" => (json!({"@context": [crate::issue::VC2_CONTEXT, crate::issue::OB3_CONTEXT], "type": types}), json!(["eddsa-rdfc-2022"])),
        _ => (json!({"type": types}), json!(["EdDSA"])),
    };
    let mut c = json!({
        "format": p.format(),
        "scope": "openbadge",
        "cryptographic_binding_methods_supported": p.binding_methods,
        "credential_signing_alg_values_supported": signing,
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": p.proof_algs}},
        "credential_definition": definition,
    });
    if p.draft13 {
        c["display"] = display;
    } else {
        c["credential_metadata"] = json!({"display": display});
    }
    c
}

/// `GET BASE/<profile>/offer`: a fresh offer (and code) in every form a wallet may meet it.
fn mint_offer(app: &mut App, p: &Profile) -> Value {
    let base = app.base.clone();
    let expires = Instant::now() + OFFER_TTL;
    let (grants, pin) = match p.grant {
        Grant::PreAuth { pin } => {
            let code = random_token(24);
            app.vci.pre_codes.insert(code.clone(), PreCode { profile: p.name.into(), expires, pin, used: false });
            let mut g = json!({"pre-authorized_code": code});
            if pin.is_some() {
                g["tx_code"] = json!({"input_mode": "numeric", "length": 6, "description": "Enter the 6-digit code from your e-mail"});
            }
            (json!({PRE_AUTH_GRANT: g}), pin)
        }
        Grant::AuthCode { .. } => {
            let state = random_token(16);
            app.vci.issuer_states.insert(state.clone(), (p.name.into(), expires));
            (json!({"authorization_code": {"issuer_state": state}}), None)
        }
    };
    let offer = json!({
        "credential_issuer": p.offer_issuer(&base),
        "credential_configuration_ids": [p.config_id()],
        "grants": grants,
    });
    let id = random_token(12);
    app.vci.offers.insert(id.clone(), offer.clone());
    let by_value = enc(&offer.to_string());
    json!({
        "by_value": format!("openid-credential-offer://?credential_offer={by_value}"),
        "by_reference": format!("openid-credential-offer://?credential_offer_uri={}", enc(&p.endpoint(&base, &format!("offers/{id}")))),
        "https": format!("https://wallet.example/?credential_offer={by_value}"),
        "tx_code": pin,
        "offer": offer,
    })
}

/// A by-value offer of profile `plain` (for the VC-API interaction URL).
pub fn plain_offer_by_value(app: &mut App) -> String {
    let p = profiles::get("plain").expect("listed");
    mint_offer(app, &p)["by_value"].as_str().expect("a string").to_string()
}

// ---------------------------------------------------------------------------
// Token endpoint

fn token(app: &mut App, r: &Req, p: &Profile) -> Answer {
    post_only(r)?;
    let form = r.form()?;
    match form.get("grant_type").and_then(Value::as_str) {
        Some(PRE_AUTH_GRANT) => pre_auth_token(app, p, &form),
        Some("authorization_code") => code_token(app, p, &form),
        Some(g) => Err(Resp::error(400, "unsupported_grant_type", &format!("grant_type '{g}' is not supported by {}", p.name))),
        None => Err(Resp::error(400, "invalid_request", "grant_type is missing")),
    }
}

fn field<'a>(form: &'a Map<String, Value>, name: &str) -> Result<&'a str, Resp> {
    form.get(name).and_then(Value::as_str).ok_or_else(|| Resp::error(400, "invalid_request", &format!("'{name}' is missing")))
}

fn pre_auth_token(app: &mut App, p: &Profile, form: &Map<String, Value>) -> Answer {
    if !matches!(p.grant, Grant::PreAuth { .. }) {
        return Err(Resp::error(400, "unsupported_grant_type", "this issuer offers the authorization code grant only"));
    }
    let code = field(form, "pre-authorized_code")?;
    let grant = |why: &str| Resp::error(400, "invalid_grant", why);
    let pc = app.vci.pre_codes.get_mut(code).ok_or_else(|| grant("unknown pre-authorized_code"))?;
    if pc.profile != p.name {
        return Err(grant("the pre-authorized_code was issued by another issuer"));
    }
    if pc.used {
        return Err(grant("the pre-authorized_code was already used"));
    }
    if Instant::now() > pc.expires {
        return Err(grant("the pre-authorized_code has expired"));
    }
    // 1.0 section 6.3: a missing or unexpected tx_code is invalid_request, a wrong one invalid_grant.
    // A wrong PIN does not use up the code: the wallet may ask the user again.
    match (pc.pin, form.get("tx_code").and_then(Value::as_str)) {
        (Some(_), None) => return Err(Resp::error(400, "invalid_request", "this offer needs a tx_code")),
        (Some(pin), Some(t)) if t != pin => return Err(grant("wrong tx_code")),
        (None, Some(_)) => return Err(Resp::error(400, "invalid_request", "this offer has no tx_code, yet one was sent")),
        _ => {}
    }
    pc.used = true;
    let identifiers = (!p.draft13).then(|| vec![p.credential_identifier()]);
    Ok(mint_token(app, p, identifiers, None))
}

fn code_token(app: &mut App, p: &Profile, form: &Map<String, Value>) -> Answer {
    if !matches!(p.grant, Grant::AuthCode { .. }) {
        return Err(Resp::error(400, "unsupported_grant_type", "this issuer offers the pre-authorized code grant only"));
    }
    let (code, verifier) = (field(form, "code")?, field(form, "code_verifier")?);
    let (redirect_uri, client_id) = (field(form, "redirect_uri")?, field(form, "client_id")?);
    let grant = |why: &str| Resp::error(400, "invalid_grant", why);
    let c = app.vci.codes.get_mut(code).ok_or_else(|| grant("unknown authorization code"))?;
    if c.profile != p.name || c.used || Instant::now() > c.expires {
        return Err(grant("the authorization code is used, expired or another issuer's"));
    }
    if c.client_id != client_id {
        return Err(grant(&format!("the code was issued to client '{}', not '{client_id}'", c.client_id)));
    }
    if c.redirect_uri != redirect_uri {
        return Err(grant(&format!("redirect_uri '{redirect_uri}' differs from the authorization request's '{}'", c.redirect_uri)));
    }
    if !pkce_verifier_ok(verifier) {
        return Err(grant("code_verifier must be 43 to 128 unreserved characters (RFC 7636 section 4.1)"));
    }
    if s256(verifier) != c.code_challenge {
        return Err(grant("code_verifier does not match the code_challenge (S256)"));
    }
    c.used = true;
    let c = c.clone();
    let identifiers = c.by_details.then(|| vec![p.credential_identifier()]);
    Ok(mint_token(app, p, identifiers, Some(c.client_id)))
}

fn pkce_verifier_ok(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn mint_token(app: &mut App, p: &Profile, identifiers: Option<Vec<String>>, client_id: Option<String>) -> Resp {
    let access_token = random_token(32);
    let mut body = json!({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL.as_secs()});
    if let Some(ids) = &identifiers {
        body["authorization_details"] = json!([{
            "type": "openid_credential",
            "credential_configuration_id": p.config_id(),
            "credential_identifiers": ids,
        }]);
    } else if !p.draft13 {
        body["scope"] = json!("openbadge");
    }
    let mut c_nonce = None;
    if p.draft13 {
        let n = random_token(16);
        body["c_nonce"] = json!(n);
        body["c_nonce_expires_in"] = json!(NONCE_TTL.as_secs());
        c_nonce = Some((n, Instant::now() + NONCE_TTL));
    }
    app.vci.tokens.insert(
        access_token,
        Token { profile: p.name.into(), expires: Instant::now() + TOKEN_TTL, identifiers, client_id, c_nonce, requests: 0 },
    );
    Resp::json(200, body)
}

/// The access token of a request to a protected endpoint of `p`.
fn authorised(app: &App, r: &Req, p: &Profile) -> Result<String, Resp> {
    let Some(t) = r.bearer() else {
        return Err(Resp::invalid_token("an Authorization: Bearer access token is required"));
    };
    match app.vci.tokens.get(t) {
        None => Err(Resp::invalid_token("unknown access token")),
        Some(tok) if tok.profile != p.name => Err(Resp::invalid_token("the access token was issued for another credential issuer")),
        Some(tok) if Instant::now() > tok.expires => Err(Resp::invalid_token("the access token has expired")),
        Some(_) => Ok(t.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Nonce, credential, deferred and notification endpoints

fn nonce(app: &mut App, p: &Profile) -> Resp {
    let n = random_token(16);
    app.vci.nonces.insert(n.clone(), (p.name.into(), Instant::now() + NONCE_TTL));
    Resp::json(200, json!({"c_nonce": n}))
}

fn credential(app: &mut App, r: &Req, p: &Profile) -> Answer {
    post_only(r)?;
    let token = authorised(app, r, p)?;
    if p.draft13 {
        credential_d13(app, r, p, &token)
    } else {
        credential_v1(app, r, p, &token)
    }
}

/// `iss` in a proof: absent for anonymous pre-authorized access, else the client's id (1.0 Appendix F.1).
fn check_iss(claims: &Value, tok: &Token) -> Result<(), String> {
    match (claims.get("iss"), &tok.client_id) {
        (None, _) => Ok(()),
        (Some(i), None) => Err(format!("the proof has iss {i}, which must be omitted after anonymous pre-authorized access")),
        (Some(Value::String(i)), Some(c)) if i == c => Ok(()),
        (Some(i), Some(c)) => Err(format!("the proof's iss {i} is not the client_id '{c}'")),
    }
}

fn credential_v1(app: &mut App, r: &Req, p: &Profile, token: &str) -> Answer {
    let body = r.json_object("invalid_credential_request")?;
    let bad = |why: &str| Resp::error(400, "invalid_credential_request", why);
    for k in ["proof", "format", "credential_definition", "types", "vct", "doctype"] {
        if body.contains_key(k) {
            return Err(bad(&format!("'{k}' is not a member of a 1.0 Credential Request (Draft 13 style?)")));
        }
    }
    let tok = app.vci.tokens[token].clone();
    match (body.get("credential_configuration_id"), body.get("credential_identifier")) {
        (Some(_), Some(_)) | (None, None) => return Err(bad("exactly one of credential_configuration_id and credential_identifier is required")),
        (Some(id), None) => {
            if tok.identifiers.is_some() {
                return Err(bad("the token response gave credential_identifiers, so the request must use credential_identifier (1.0 section 8.2)"));
            }
            if id.as_str() != Some(p.config_id()) {
                return Err(Resp::error(400, "unknown_credential_configuration", &format!("this issuer offers only '{}'", p.config_id())));
            }
        }
        (None, Some(id)) => match &tok.identifiers {
            None => return Err(bad("credential_identifier may only be used when the token response gave credential_identifiers")),
            Some(ids) if !id.as_str().is_some_and(|i| ids.iter().any(|x| x == i)) => {
                return Err(Resp::error(400, "unknown_credential_identifier", &format!("the access token is for {ids:?}, not {id}")))
            }
            Some(_) => {}
        },
    }
    let invalid_proof = |why: &str| Resp::error(400, "invalid_proof", why);
    let proofs = match body.get("proofs") {
        None => return Err(invalid_proof("'proofs' is missing: this issuer binds the credential to a key")),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(bad("'proofs' must be a JSON object")),
    };
    if proofs.len() != 1 {
        return Err(bad("'proofs' must have exactly one member, the proof type"));
    }
    let list = match proofs.get("jwt") {
        Some(Value::Array(l)) => l,
        Some(_) => return Err(bad("proofs.jwt must be an array")),
        None => return Err(invalid_proof("only the 'jwt' proof type is supported")),
    };
    let jwt = match list.as_slice() {
        [Value::String(j)] => j,
        [_] => return Err(invalid_proof("proofs.jwt[0] must be a string (a compact JWS)")),
        _ => return Err(bad("batch issuance is not supported: proofs.jwt must hold exactly one proof")),
    };
    let checked = proof::check(jwt, p, &p.issuer_id(&app.base)).map_err(|why| invalid_proof(&why))?;
    check_iss(&checked.claims, &tok).map_err(|why| invalid_proof(&why))?;
    let bad_nonce = |why: &str| Resp::error(400, "invalid_nonce", why);
    let n = checked.claims.get("nonce").and_then(Value::as_str).ok_or_else(|| bad_nonce("the proof has no nonce"))?;
    match app.vci.nonces.remove(n) {
        None => return Err(bad_nonce("the nonce is unknown or already used")),
        Some((profile, _)) if profile != p.name => return Err(bad_nonce("the nonce is another issuer's")),
        Some((_, expires)) if Instant::now() > expires => return Err(bad_nonce("the nonce has expired")),
        Some(_) => {}
    }
    let tok = app.vci.tokens.get_mut(token).expect("authorised");
    tok.requests += 1;
    if p.bad_nonce && tok.requests == 1 {
        return Err(bad_nonce("badnonce profile: the first request of every access token is refused; get a fresh nonce and retry"));
    }
    let credential = app.issuer.issue(p.shape, &checked.holder, p.tampered);
    match p.deferral {
        Deferral::Immediate => {
            let nid = random_token(12);
            app.vci.notifications.insert(nid.clone(), p.name.into());
            Ok(Resp::json(200, json!({"credentials": [{"credential": credential}], "notification_id": nid})))
        }
        Deferral::Pending | Deferral::Denied => Ok(Resp::json(202, defer(app, p, token, credential))),
    }
}

/// Park a credential under a new transaction id: the 202 body.
fn defer(app: &mut App, p: &Profile, token: &str, credential: Value) -> Value {
    let id = random_token(12);
    app.vci.transactions.insert(
        id.clone(),
        Transaction { profile: p.name.into(), token: token.into(), polls: 0, last: Instant::now(), credential },
    );
    if p.draft13 {
        json!({"transaction_id": id})
    } else {
        json!({"transaction_id": id, "interval": INTERVAL})
    }
}

fn credential_d13(app: &mut App, r: &Req, p: &Profile, token: &str) -> Answer {
    let body = r.json_object("invalid_request")?;
    let bad = |why: &str| Resp::error(400, "invalid_request", why);
    for k in ["proofs", "credential_configuration_id", "credential_identifier"] {
        if body.contains_key(k) {
            return Err(bad(&format!("'{k}' is not a member of a Draft 13 Credential Request (1.0 style?)")));
        }
    }
    match body.get("format").and_then(Value::as_str) {
        Some("jwt_vc_json") => {}
        Some(f) => return Err(Resp::error(400, "unsupported_credential_format", &format!("format '{f}' is not offered"))),
        None => return Err(bad("'format' is missing")),
    }
    let types: Vec<&str> = body
        .get("credential_definition")
        .and_then(|d| d.get("type"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .ok_or_else(|| bad("credential_definition.type is missing"))?;
    let mut sorted = types.clone();
    sorted.sort_unstable();
    if sorted != ["OpenBadgeCredential", "VerifiableCredential"] {
        return Err(Resp::error(400, "unsupported_credential_type", &format!("type {types:?} is not offered")));
    }
    // Every proof error carries a fresh c_nonce (Draft 13 section 7.3.2).
    let fresh = |app: &mut App| {
        let n = random_token(16);
        app.vci.tokens.get_mut(token).expect("authorised").c_nonce = Some((n.clone(), Instant::now() + NONCE_TTL));
        json!({"c_nonce": n, "c_nonce_expires_in": NONCE_TTL.as_secs()})
    };
    let proof = body.get("proof");
    let jwt = match (proof.and_then(|p| p.get("proof_type")).and_then(Value::as_str), proof.and_then(|p| p.get("jwt")).and_then(Value::as_str)) {
        (Some("jwt"), Some(j)) => j,
        _ => {
            let extra = fresh(app);
            return Err(Resp::error_with(400, "invalid_proof", "proof must be {proof_type: \"jwt\", jwt}", extra));
        }
    };
    let tok = app.vci.tokens[token].clone();
    let checked = match proof::check(jwt, p, &p.issuer_id(&app.base)).and_then(|c| check_iss(&c.claims, &tok).map(|_| c)) {
        Ok(c) => c,
        Err(why) => {
            let extra = fresh(app);
            return Err(Resp::error_with(400, "invalid_proof", &why, extra));
        }
    };
    let n = checked.claims.get("nonce").and_then(Value::as_str);
    let current = tok.c_nonce.as_ref().filter(|(_, exp)| Instant::now() <= *exp).map(|(n, _)| n.as_str());
    if n.is_none() || n != current {
        let extra = fresh(app);
        return Err(Resp::error_with(400, "invalid_proof", "the proof's nonce is not the current c_nonce", extra));
    }
    let next = fresh(app);
    let credential = app.issuer.issue(p.shape, &checked.holder, p.tampered);
    let mut out = match p.deferral {
        Deferral::Immediate => json!({"credential": credential}),
        _ => defer(app, p, token, credential),
    };
    out.as_object_mut().expect("object").extend(next.as_object().expect("object").clone());
    Ok(Resp::json(if p.deferral == Deferral::Immediate { 200 } else { 202 }, out))
}

fn deferred(app: &mut App, r: &Req, p: &Profile) -> Answer {
    post_only(r)?;
    let token = authorised(app, r, p)?;
    let body = r.json_object("invalid_request")?;
    let id = body.get("transaction_id").and_then(Value::as_str).ok_or_else(|| Resp::error(400, "invalid_request", "transaction_id is missing"))?;
    let tx = app.vci.transactions.get_mut(id).ok_or_else(|| Resp::error(400, "invalid_transaction_id", "unknown (or already completed) transaction_id"))?;
    if tx.profile != p.name || tx.token != token {
        return Err(Resp::error(400, "invalid_transaction_id", "the transaction belongs to another access token"));
    }
    if p.deferral == Deferral::Denied {
        return Err(Resp::error(400, "credential_request_denied", "the issuer decided not to issue this credential"));
    }
    let early = tx.last.elapsed() < Duration::from_secs(INTERVAL);
    tx.polls += 1;
    tx.last = Instant::now();
    let note = format!("poll {} of transaction {id}{}", tx.polls, if early { " (early: sooner than interval after the previous one)" } else { "" });
    let mut resp = if tx.polls <= PENDING_POLLS {
        if p.draft13 {
            Resp::json(400, json!({"error": "issuance_pending", "interval": INTERVAL}))
        } else {
            Resp::json(202, json!({"transaction_id": id, "interval": INTERVAL}))
        }
    } else {
        let tx = app.vci.transactions.remove(id).expect("present");
        if p.draft13 {
            Resp::json(200, json!({"credential": tx.credential}))
        } else {
            let nid = random_token(12);
            app.vci.notifications.insert(nid.clone(), p.name.into());
            Resp::json(200, json!({"credentials": [{"credential": tx.credential}], "notification_id": nid}))
        }
    };
    if early {
        resp = resp.note("early");
    }
    Ok(resp.note(&note))
}

fn notification(app: &mut App, r: &Req, p: &Profile) -> Answer {
    post_only(r)?;
    authorised(app, r, p)?;
    let body = r.json_object("invalid_notification_request")?;
    let bad = |why: &str| Resp::error(400, "invalid_notification_request", why);
    let id = body.get("notification_id").and_then(Value::as_str).ok_or_else(|| bad("notification_id is missing"))?;
    let event = body.get("event").and_then(Value::as_str).ok_or_else(|| bad("event is missing"))?;
    if !NOTIFICATION_EVENTS.contains(&event) {
        return Err(bad(&format!("event '{event}' is not one of {NOTIFICATION_EVENTS:?}")));
    }
    match app.vci.notifications.get(id) {
        Some(profile) if profile == p.name => Ok(Resp::empty(204).note(&format!("event {event} for {id}"))),
        _ => Err(Resp::error(400, "invalid_notification_id", "unknown notification_id")),
    }
}

// ---------------------------------------------------------------------------
// Authorization code flow: PAR and the authorization endpoint

/// An RFC 8252 loopback redirect: `http://127.0.0.1:<port>/<path>`.
fn loopback_redirect(uri: &str) -> Result<(), String> {
    let u = url::Url::parse(uri).map_err(|e| format!("redirect_uri is not a URL: {e}"))?;
    if u.scheme() != "http" || u.host_str() != Some("127.0.0.1") || u.port().is_none() || u.fragment().is_some() {
        return Err(format!("redirect_uri '{uri}' is not a loopback redirect http://127.0.0.1:<port>/<path> (RFC 8252 section 7.3)"));
    }
    Ok(())
}

fn par(app: &mut App, r: &Req, p: &Profile) -> Answer {
    post_only(r)?;
    let form = r.form()?;
    let bad = |why: &str| Resp::error(400, "invalid_request", why);
    if form.contains_key("request_uri") || form.contains_key("request") {
        return Err(bad("a pushed request must not carry request or request_uri (RFC 9126 section 2.1)"));
    }
    match field(&form, "response_type")? {
        "code" => {}
        other => return Err(Resp::error(400, "unsupported_response_type", &format!("response_type '{other}' is not supported"))),
    }
    let client_id = field(&form, "client_id")?.to_string();
    let redirect_uri = field(&form, "redirect_uri")?.to_string();
    loopback_redirect(&redirect_uri).map_err(|why| bad(&why))?;
    let challenge = field(&form, "code_challenge")?.to_string();
    match form.get("code_challenge_method").and_then(Value::as_str) {
        Some("S256") => {}
        other => return Err(bad(&format!("code_challenge_method must be S256, not {other:?}"))),
    }
    if challenge.len() != 43 || !challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(bad("code_challenge must be the 43-character base64url SHA-256 of the verifier"));
    }
    let state = field(&form, "state")?.to_string();
    let issuer_state = field(&form, "issuer_state")?;
    match app.vci.issuer_states.get(issuer_state) {
        Some((profile, expires)) if profile == p.name && Instant::now() <= *expires => {}
        _ => return Err(bad("issuer_state is not one of this issuer's current offers")),
    }
    let by_details = match (form.get("authorization_details").and_then(Value::as_str), form.get("scope").and_then(Value::as_str)) {
        (Some(d), _) => {
            let bad_details = |why: &str| Resp::error(400, "invalid_authorization_details", why);
            let details: Value = serde_json::from_str(d).map_err(|e| bad_details(&format!("authorization_details is not JSON: {e}")))?;
            let list = details.as_array().filter(|l| !l.is_empty()).ok_or_else(|| bad_details("authorization_details must be a non-empty JSON array"))?;
            for d in list {
                if d.get("type").and_then(Value::as_str) != Some("openid_credential") {
                    return Err(bad_details("every authorization detail must have type 'openid_credential'"));
                }
                if d.get("credential_configuration_id").and_then(Value::as_str) != Some(p.config_id()) {
                    return Err(bad_details(&format!("credential_configuration_id must be '{}'", p.config_id())));
                }
            }
            true
        }
        (None, Some(scope)) => {
            if scope.split(' ').any(|s| s != "openbadge") || scope.is_empty() {
                return Err(Resp::error(400, "invalid_scope", &format!("scope '{scope}': only 'openbadge' is offered")));
            }
            false
        }
        (None, None) => return Err(bad("either authorization_details or scope is required")),
    };
    app.vci.issuer_states.remove(issuer_state);
    let request_uri = format!("urn:ietf:params:oauth:request_uri:{}", random_token(16));
    app.vci.pars.insert(
        request_uri.clone(),
        Pushed { profile: p.name.into(), client_id, redirect_uri, code_challenge: challenge, state, by_details, expires: Instant::now() + PAR_TTL, used: false },
    );
    Ok(Resp::json(201, json!({"request_uri": request_uri, "expires_in": PAR_TTL.as_secs()})))
}

fn authorize(app: &mut App, r: &Req, p: &Profile) -> Answer {
    get_only(r)?;
    let page = |why: &str| {
        Resp::html(400, &format!("<!doctype html><title>Bad authorization request</title><h1>Bad authorization request</h1><p>{why}</p>")).note(why)
    };
    let (Some(client_id), Some(request_uri)) = (r.query_param("client_id"), r.query_param("request_uri")) else {
        return Err(page("client_id and request_uri (from the pushed authorization request) are required"));
    };
    let Some(pushed) = app.vci.pars.get_mut(&request_uri) else {
        return Err(page("unknown request_uri"));
    };
    if pushed.profile != p.name || pushed.used || Instant::now() > pushed.expires {
        return Err(page("the request_uri is used, expired or another issuer's"));
    }
    if pushed.client_id != client_id {
        return Err(page("client_id differs from the pushed request's"));
    }
    pushed.used = true;
    let pushed = pushed.clone();
    let mut to = url::Url::parse(&pushed.redirect_uri).expect("checked at PAR");
    if matches!(p.grant, Grant::AuthCode { deny: true }) {
        to.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &pushed.state);
    } else {
        let code = random_token(24);
        app.vci.codes.insert(code.clone(), Pushed { expires: Instant::now() + CODE_TTL, used: false, ..pushed.clone() });
        to.query_pairs_mut().append_pair("code", &code).append_pair("state", &pushed.state);
    }
    to.query_pairs_mut().append_pair("iss", &p.as_issuer(&app.base));
    Ok(Resp::redirect(to.as_str()))
}
