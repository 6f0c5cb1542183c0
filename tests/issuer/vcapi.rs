//! VC-API exchanges as the DCC Learner Credential Wallet uses them (an
//! interaction URL listing the protocols, then a DIDAuthentication request
//! answered with a holder-signed presentation, then the credential in a
//! presentation), and the DCC `dccrequest://` credential request. The holder's
//! presentation is checked with the wallet library's Data Integrity verifier
//! (`authentication` purpose, did:key resolved locally), its challenge and
//! domain against what was asked.

use std::collections::HashMap;

use backpack::import::json::{has_type, list};
use backpack::verify::dataintegrity::{verify_proofs_for, ProofStatus, Purpose, StaticResolver};
use serde_json::{json, Value};

use crate::http::{enc, uuid, Req, Resp};
use crate::App;

/// The domain the exchanges ask the holder to sign for.
pub const DOMAIN: &str = "127.0.0.1";

#[derive(Default)]
pub struct State {
    /// Exchange id -> the challenge handed out (once the wallet asked for the request).
    exchanges: HashMap<String, Exchange>,
    /// DCC request id -> its challenge.
    dcc: HashMap<String, Exchange>,
}

#[derive(Default)]
struct Exchange {
    challenge: Option<String>,
    done: bool,
}

/// Requests under `BASE/vcapi`.
pub fn route(app: &mut App, r: &Req, rest: &str) -> Resp {
    match rest {
        "/interaction" | "/interaction-oid4vci" => interaction(app, r, rest == "/interaction"),
        _ => match rest.strip_prefix("/exchanges/") {
            Some(id) if r.method == "POST" => exchange(app, r, id),
            Some(_) => Resp::method_not_allowed(),
            None => Resp::not_found("nothing here"),
        },
    }
}

/// `GET /vcapi/interaction?iuv=1`: the protocols (JSON when asked for), or a page for a browser.
fn interaction(app: &mut App, r: &Req, with_vcapi: bool) -> Resp {
    if r.method != "GET" {
        return Resp::method_not_allowed();
    }
    if r.query_param("iuv").as_deref() != Some("1") {
        return Resp::error(400, "invalid_request", "an interaction URL carries iuv=1");
    }
    let wants_json = r.header("accept").is_some_and(|a| a.contains("application/json"));
    if !wants_json {
        let url = format!("{}{}?{}", app.base, r.path, r.query);
        return Resp::html(
            200,
            &format!("<!doctype html><title>Claim your credential</title><h1>Claim your credential</h1><p>Open <a href=\"{url}\">{url}</a> in your wallet.</p>"),
        );
    }
    let mut protocols = json!({"OID4VCI": crate::oid4vci::plain_offer_by_value(app)});
    if with_vcapi {
        let id = uuid();
        app.vcapi.exchanges.insert(id.clone(), Exchange::default());
        protocols["vcapi"] = json!(format!("{}/vcapi/exchanges/{id}", app.base));
    }
    Resp::json(200, json!({"protocols": protocols}))
}

/// `POST /vcapi/exchanges/<id>`: `{}` starts (a DIDAuthentication request), a presentation completes.
fn exchange(app: &mut App, r: &Req, id: &str) -> Resp {
    let Some(ex) = app.vcapi.exchanges.get_mut(id) else {
        return Resp::error(404, "not_found", "unknown exchange");
    };
    let body = match r.json_object("invalid_request") {
        Ok(b) => b,
        Err(e) => return e,
    };
    if ex.done {
        return Resp::error(400, "invalid_request", "this exchange is already complete");
    }
    let Some(vp) = body.get("verifiablePresentation") else {
        if !body.is_empty() {
            return Resp::error(400, "invalid_request", "post {} to start the exchange, or {\"verifiablePresentation\": …} to answer it");
        }
        let challenge = uuid();
        ex.challenge = Some(challenge.clone());
        return Resp::json(
            200,
            json!({"verifiablePresentationRequest": {
                "query": [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}],
                "challenge": challenge,
                "domain": DOMAIN,
            }}),
        );
    };
    let Some(challenge) = ex.challenge.clone() else {
        return Resp::error(400, "invalid_request", "no presentation was requested yet: post {} first");
    };
    match check_presentation(vp, &challenge, Some(DOMAIN)) {
        Ok(holder) => {
            ex.done = true;
            let vc = app.issuer.ldp(&holder);
            Resp::json(
                200,
                json!({"verifiablePresentation": {
                    "@context": [crate::issue::VC2_CONTEXT],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [vc],
                }}),
            )
            .note(&format!("issued to {holder}"))
        }
        Err(why) => Resp::error(400, "invalid_presentation", &why),
    }
}

/// Requests under `BASE/dcc`.
pub fn route_dcc(app: &mut App, r: &Req, rest: &str) -> Resp {
    if rest == "/offer" {
        if r.method != "GET" {
            return Resp::method_not_allowed();
        }
        let (id, challenge) = (uuid(), uuid());
        app.vcapi.dcc.insert(id.clone(), Exchange { challenge: Some(challenge.clone()), done: false });
        let base = &app.base;
        return Resp::text(
            200,
            &format!(
                "dccrequest://request?issuer={}&vc_request_url={}&challenge={challenge}&auth_type=bearer",
                enc(&format!("{base}/dcc")),
                enc(&format!("{base}/dcc/request/{id}"))
            ),
        );
    }
    let Some(id) = rest.strip_prefix("/request/") else {
        return Resp::not_found("nothing here");
    };
    if r.method != "POST" {
        return Resp::method_not_allowed();
    }
    let body = match r.json_object("invalid_request") {
        Ok(b) => serde_json::Value::Object(b),
        Err(e) => return e,
    };
    let Some(req) = app.vcapi.dcc.get_mut(id) else {
        return Resp::error(404, "not_found", "unknown credential request");
    };
    if req.done {
        return Resp::error(400, "invalid_request", "this credential request was already answered");
    }
    let challenge = req.challenge.clone().expect("set at the offer");
    // The DCC request names no domain, so whatever the wallet signed for is only noted.
    match check_presentation(&body, &challenge, None) {
        Ok(holder) => {
            req.done = true;
            Resp::json(200, app.issuer.ldp(&holder)).note(&format!("issued to {holder}"))
        }
        Err(why) => Resp::error(400, "invalid_presentation", &why),
    }
}

/// Check a holder's presentation: a VCDM 2.0 or 1.1 presentation, holder a
/// did:key, with a valid Data Integrity `authentication` proof by the holder's
/// key for `challenge` (and `domain`, when given). The holder's DID, or why not.
pub fn check_presentation(vp: &Value, challenge: &str, domain: Option<&str>) -> Result<String, String> {
    if !vp.is_object() || !has_type(vp, "VerifiablePresentation") {
        return Err("not a VerifiablePresentation".into());
    }
    let first = list(vp.get("@context")).first().and_then(|c| c.as_str()).unwrap_or("");
    if first != crate::issue::VC2_CONTEXT && first != crate::issue::VC1_CONTEXT {
        return Err(format!("the first @context must be the VCDM 2.0 (or 1.1) context, not '{first}'"));
    }
    let holder = match vp.get("holder") {
        Some(Value::String(h)) => h.clone(),
        Some(o) => o.get("id").and_then(Value::as_str).unwrap_or_default().to_string(),
        None => return Err("the presentation names no holder".into()),
    };
    if !holder.starts_with("did:key:") {
        return Err(format!("the holder must be a did:key, not '{holder}'"));
    }
    let outcomes = verify_proofs_for(vp, &StaticResolver::new(), Purpose::Authentication);
    if outcomes.is_empty() {
        return Err("the presentation has no proof".into());
    }
    let Some(valid) = outcomes.iter().find(|o| o.status == ProofStatus::Valid) else {
        let why: Vec<String> = outcomes.iter().map(|o| o.detail.clone()).collect();
        return Err(format!("no valid authentication proof: {}", why.join("; ")));
    };
    let controller = valid.controller.clone().unwrap_or_default();
    if controller.split('#').next() != Some(holder.as_str()) {
        return Err(format!("signed by {controller}, but the holder is {holder}"));
    }
    let proof = list(vp.get("proof")).into_iter().nth(valid.index).cloned().unwrap_or_default();
    let got = proof.get("challenge").and_then(Value::as_str);
    if got != Some(challenge) {
        return Err(format!("the proof's challenge is {got:?}, not the '{challenge}' asked for"));
    }
    if let Some(d) = domain {
        let domains: Vec<&str> = list(proof.get("domain")).into_iter().filter_map(Value::as_str).collect();
        if !domains.contains(&d) {
            return Err(format!("the proof's domain is {domains:?}, not the '{d}' asked for"));
        }
    }
    Ok(holder)
}
