//! Receive, written once: take an offer (pasted text, a link, a QR code's
//! text), show the shell who offers what before anything is sent, get the
//! credentials by the issuer's protocol ([`crate::receive`]), verify each
//! one as any import is verified (plus: bound to the holder key the proof
//! used), store the good ones with the issuer's display, keep deferred ones
//! to ask again later, and report one line per credential.
//!
//! The shells provide a [`Ui`]: the offer screen (or nothing, on the command
//! line), the PIN prompt, the browser and a cancel switch, progress.

use serde::Serialize;
use serde_json::{json, Value};

use crate::import::fetch::Fetcher;
use crate::import::{self as parse, ImportOptions};
use crate::keys::KeyOptions;
use crate::receive::holder::{self, Binding, HolderKey, KeyType};
use crate::receive::metadata::{self, IssuerMetadata};
use crate::receive::offer::{self, CredentialOffer, Request, TxCode};
use crate::receive::oid4vci::{self, Delivery, Polled, Token, Version};
use crate::receive::{authorize, vcapi, Http, ReceiveError};
use crate::store::{PendingRow, Store, Stored};
use crate::verify::{self, Verdict, VerifyOptions};

use super::{Error, StoreAccess};

impl From<ReceiveError> for Error {
    fn from(e: ReceiveError) -> Self {
        Error::new(e.code, e.message)
    }
}

/// The client id Backpack uses with authorization servers (a public, native client).
pub const CLIENT_ID: &str = "backpack-wallet";

/// How a receive behaves.
#[derive(Debug, Clone)]
pub struct ReceiveOptions {
    /// The transaction code (PIN), when the user gave one up front.
    pub tx_code: Option<String>,
    /// The language display names are picked in (`nl`, `en`).
    pub lang: String,
    /// How long the browser hand-off may take.
    pub timeout: std::time::Duration,
}

impl Default for ReceiveOptions {
    fn default() -> Self {
        ReceiveOptions { tx_code: None, lang: "en".into(), timeout: authorize::DEFAULT_TIMEOUT }
    }
}

/// One credential on offer, as shown before accepting.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offered {
    /// The configuration id.
    pub id: String,
    /// Its display name (in the chosen language), when the issuer gave one.
    pub name: Option<String>,
    /// Its format (`jwt_vc_json`, `ldp_vc`, …).
    pub format: String,
    /// Whether Backpack can receive it.
    pub supported: bool,
}

/// Who offers what, shown before anything is sent.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferView {
    /// `oid4vci`, `vcapi` or `dcc`.
    pub protocol: String,
    /// The issuer's identifier (or the request URL's origin).
    pub issuer: String,
    /// The issuer's display name, when given.
    pub issuer_name: Option<String>,
    /// The issuer's logo as a checked `data:` URL, when given and usable.
    pub logo: Option<String>,
    /// The credentials on offer (empty when the protocol does not say in advance).
    pub credentials: Vec<Offered>,
    /// `pre-authorized_code`, `authorization_code` (browser sign-in), or `did-auth`.
    pub grant: String,
    /// The PIN the issuer will ask for, when it does.
    pub tx_code: Option<TxCode>,
    /// `v1` or `draft13` when known before the token.
    pub version: Option<String>,
    /// The offer to pass to [`receive`] once the user accepts: an offer given
    /// by reference comes back by value, so it is not fetched twice.
    pub offer: String,
}

/// Where a receive is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Reading the offer and the issuer's metadata.
    Discovering,
    /// Waiting for the user in the browser.
    Browser,
    /// Getting an access token.
    Token,
    /// Requesting the credentials.
    Requesting,
    /// Verifying and storing.
    Storing,
    /// Asking again for a deferred credential.
    Polling,
}

/// The shell's part.
pub trait Ui {
    /// Who offers what; `false` stops before anything is sent.
    fn offered(&self, view: &OfferView) -> bool;
    /// The PIN prompt (`error` says why the last one was refused); `None` cancels.
    fn tx_code(&self, prompt: &TxCode, error: Option<&str>) -> Option<String>;
    /// Open the sign-in page.
    fn open_browser(&self, url: &str) -> Result<(), String> {
        authorize::open_in_browser(url)
    }
    /// The user cancelled.
    fn cancelled(&self) -> bool {
        false
    }
    /// Progress.
    fn step(&self, _step: Step) {}
}

/// What became of one credential.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Verified and stored.
    Imported,
    /// Already in the backpack.
    Duplicate,
    /// Refused (by the issuer, by verification, or a failure on the way); nothing stored.
    Rejected,
    /// The issuer will deliver it later; kept to ask again.
    Pending,
}

/// One line of a receive's result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Received {
    /// The issuer (or request URL).
    pub source: String,
    /// The wallet id (imported, duplicate), the pending id (pending), or none.
    pub id: Option<String>,
    /// What became of it.
    pub status: Status,
    /// The credential's title, when known.
    pub title: Option<String>,
    /// The verdict of its verification, when verified.
    pub verdict: Option<Verdict>,
    /// Why it was refused.
    pub error: Option<Error>,
}

impl Received {
    fn rejected(source: &str, e: impl Into<Error>) -> Received {
        Received { source: source.to_string(), id: None, status: Status::Rejected, title: None, verdict: None, error: Some(e.into()) }
    }

    /// The JSON line: `{"source","id","status","error"?,"code"?,"verdict"?}`.
    pub fn json(&self) -> Value {
        let mut j = json!({"source": self.source, "id": self.id, "status": self.status});
        if let Some(e) = &self.error {
            j["error"] = json!(e.message());
            j["code"] = json!(e.code());
        }
        if let Some(v) = self.verdict {
            j["verdict"] = json!(v);
        }
        if let Some(t) = &self.title {
            j["title"] = json!(t);
        }
        j
    }

    /// The text line for a terminal.
    pub fn text(&self) -> String {
        let status = match self.status {
            Status::Imported => "imported",
            Status::Duplicate => "duplicate",
            Status::Rejected => "rejected",
            Status::Pending => "pending",
        };
        let title = self.title.as_deref().map(crate::display::safe_text).unwrap_or_default();
        match &self.error {
            Some(e) => format!("{status:9} {}: {} [{}]", self.source, e.message(), e.code()),
            None => format!("{status:9} {}  {title}  ({})", self.id.as_deref().unwrap_or("-"), self.source),
        }
    }

    /// Whether this line counts as received (stored, already there, or pending).
    pub fn ok(&self) -> bool {
        self.status != Status::Rejected
    }
}

/// Everything a receive needs besides the store.
struct Ctx<'a> {
    http: Http<'a>,
    fetcher: &'a Fetcher,
    keys: &'a KeyOptions,
    opts: &'a ReceiveOptions,
    ui: &'a dyn Ui,
    /// The offer text as given.
    text: &'a str,
}

/// Receive what `text` offers. Never fails as a whole: a refusal is a
/// rejected line naming why, and nothing is stored for it.
pub fn receive(store: &mut impl StoreAccess, keys: &KeyOptions, text: &str, opts: &ReceiveOptions, ui: &dyn Ui) -> Vec<Received> {
    let fetcher = match Fetcher::new() {
        Ok(f) => f,
        Err(e) => return vec![Received::rejected("offer", Error::from(e))],
    };
    let cx = Ctx { http: Http::new(&fetcher), fetcher: &fetcher, keys, opts, ui, text };
    ui.step(Step::Discovering);
    let request = match offer::parse(text) {
        Ok(r) => r,
        Err(e) => return vec![Received::rejected("offer", e)],
    };
    run(store, &cx, request, 0)
}

/// Who offers what, without sending anything but the requests that read
/// the offer and the issuer's metadata (and an interaction URL's protocols):
/// for the app's offer screen before the user accepts. Pass `view.offer` to
/// [`receive`] afterwards.
pub fn preview(text: &str, lang: &str) -> Result<OfferView, Error> {
    let fetcher = Fetcher::new()?;
    let http = Http::new(&fetcher);
    match offer::parse(text)? {
        Request::Oid4vci(source) => {
            let o = offer::resolve(&source, &http)?;
            let m = metadata::issuer(&http, &o.credential_issuer)?;
            Ok(view_of(&o, &m, &fetcher, lang))
        }
        Request::Dcc { vc_request_url, issuer, .. } => Ok(did_auth_view("dcc", issuer.unwrap_or_else(|| origin(&vc_request_url)), text.trim())),
        Request::Interaction(url) => {
            let p = vcapi::protocols(&http, &url)?;
            match (p.vcapi, p.oid4vci) {
                (Some(ex), _) => Ok(did_auth_view("vcapi", origin(&ex), text.trim())),
                (None, Some(o)) => match offer::parse(&o)? {
                    Request::Oid4vci(_) => preview(&o, lang),
                    _ => Err(Error::new("bad-offer", "the interaction's OID4VCI protocol is not an OpenID4VCI offer")),
                },
                (None, None) => Err(Error::new("unsupported", "the interaction offers no protocol Backpack speaks")),
            }
        }
    }
}

fn run(store: &mut impl StoreAccess, cx: &Ctx<'_>, request: Request, depth: u8) -> Vec<Received> {
    match request {
        Request::Oid4vci(source) => {
            let label = match &source {
                offer::OfferSource::Reference(u) => u.clone(),
                offer::OfferSource::Value(_) => "offer".to_string(),
            };
            match offer::resolve(&source, &cx.http) {
                Ok(o) => oid4vci_flow(store, cx, o),
                Err(e) => vec![Received::rejected(&label, e)],
            }
        }
        Request::Dcc { vc_request_url, challenge, issuer } => {
            let view = did_auth_view("dcc", issuer.clone().unwrap_or_else(|| origin(&vc_request_url)), cx.text);
            if !cx.ui.offered(&view) {
                return vec![Received::rejected(&vc_request_url, cancelled())];
            }
            cx.ui.step(Step::Requesting);
            let items = with_did_auth(store, cx.keys, |h| vcapi::dcc(&cx.http, h, &vc_request_url, challenge.as_deref()));
            match items {
                Ok((items, did)) => accept_all(store, cx, &vc_request_url, items, Some(&did), None, None),
                Err(e) => vec![Received::rejected(&vc_request_url, e)],
            }
        }
        Request::Interaction(url) => {
            let p = match vcapi::protocols(&cx.http, &url) {
                Ok(p) => p,
                Err(e) => return vec![Received::rejected(&url, e)],
            };
            match (p.vcapi, p.oid4vci) {
                (Some(ex), _) => {
                    let view = did_auth_view("vcapi", origin(&ex), cx.text);
                    if !cx.ui.offered(&view) {
                        return vec![Received::rejected(&url, cancelled())];
                    }
                    cx.ui.step(Step::Requesting);
                    let items = with_did_auth(store, cx.keys, |h| vcapi::exchange(&cx.http, h, &ex));
                    match items {
                        Ok((items, did)) => accept_all(store, cx, &ex, items, Some(&did), None, None),
                        Err(e) => vec![Received::rejected(&url, e)],
                    }
                }
                (None, Some(o)) if depth == 0 => match offer::parse(&o) {
                    Ok(r @ Request::Oid4vci(_)) => run(store, cx, r, depth + 1),
                    Ok(_) => vec![Received::rejected(&url, Error::new("bad-offer", "the interaction's OID4VCI protocol is not an OpenID4VCI offer"))],
                    Err(e) => vec![Received::rejected(&url, e)],
                },
                _ => vec![Received::rejected(&url, Error::new("unsupported", "the interaction offers no protocol Backpack speaks"))],
            }
        }
    }
}

/// The offer screen of a DIDAuth protocol (DCC request, VC-API exchange): who asks; the credentials are not named in advance.
fn did_auth_view(protocol: &str, issuer: String, offer: &str) -> OfferView {
    OfferView {
        protocol: protocol.into(),
        issuer,
        issuer_name: None,
        logo: None,
        credentials: Vec::new(),
        grant: "did-auth".into(),
        tx_code: None,
        version: None,
        offer: offer.to_string(),
    }
}

/// Sign the DIDAuth presentation with the store's holder key and run `protocol` with it; the credentials and the holder DID.
fn with_did_auth(
    store: &mut impl StoreAccess,
    keys: &KeyOptions,
    protocol: impl FnOnce(&crate::present::Holder) -> Result<Vec<Value>, ReceiveError>,
) -> Result<(Vec<Value>, String), Error> {
    let h = holder_of_store(store, keys)?;
    Ok((protocol(&h)?, h.did.clone()))
}

fn origin(url: &str) -> String {
    url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| url.to_string())
}

fn cancelled() -> Error {
    Error::new("cancelled", "the offer was declined; nothing was requested")
}

fn holder_of_store(store: &mut impl StoreAccess, keys: &KeyOptions) -> Result<crate::present::Holder, Error> {
    store.with_store(|s| crate::present::holder(s, keys).map_err(Error::from))
}

/// The issuer's display of the offer, for the screen and to keep with each credential.
fn view_of(o: &CredentialOffer, m: &IssuerMetadata, fetcher: &Fetcher, lang: &str) -> OfferView {
    let d = metadata::pick(&m.display, lang);
    let logo = d.and_then(|d| d.logo.as_deref()).and_then(|l| logo(l, fetcher));
    OfferView {
        protocol: "oid4vci".into(),
        issuer: m.credential_issuer.clone(),
        issuer_name: d.and_then(|d| d.name.clone()),
        logo,
        credentials: o
            .configuration_ids
            .iter()
            .map(|id| {
                let c = m.configuration(id);
                Offered {
                    id: id.clone(),
                    name: c.and_then(|c| metadata::pick(&c.display, lang)).and_then(|d| d.name.clone()),
                    format: c.map(|c| c.format.clone()).unwrap_or_default(),
                    supported: c.is_some_and(|c| oid4vci::FORMATS.contains(&c.format.as_str())),
                }
            })
            .collect(),
        grant: if o.pre_authorized.is_some() { "pre-authorized_code" } else { "authorization_code" }.into(),
        tx_code: o.pre_authorized.as_ref().and_then(|p| p.tx_code.clone()),
        version: Some(if m.nonce_endpoint.is_some() { "v1" } else if m.appended { "draft13" } else { "unknown" }.into()),
        offer: o.json.to_string(),
    }
}

/// A logo as a checked `data:` URL: given as one, or fetched (public addresses only, size-capped).
fn logo(reference: &str, fetcher: &Fetcher) -> Option<String> {
    if reference.starts_with("data:") {
        return super::images::from_reference(reference);
    }
    if !reference.starts_with("https://") {
        return None;
    }
    let f = fetcher.get(reference).ok()?;
    super::images::data_url(&f.body)
}

fn oid4vci_flow(store: &mut impl StoreAccess, cx: &Ctx<'_>, o: CredentialOffer) -> Vec<Received> {
    let source = o.credential_issuer.clone();
    let fail = |e: ReceiveError| vec![Received::rejected(&source, e)];
    let meta = match metadata::issuer(&cx.http, &o.credential_issuer) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let view = view_of(&o, &meta, cx.fetcher, &cx.opts.lang);
    if !cx.ui.offered(&view) {
        return vec![Received::rejected(&source, cancelled())];
    }
    let named = o
        .pre_authorized
        .as_ref()
        .and_then(|p| p.authorization_server.as_deref())
        .or_else(|| o.authorization_code.as_ref().and_then(|a| a.authorization_server.as_deref()));
    let server = match metadata::choose_server(&meta, named).and_then(|s| metadata::auth_server(&cx.http, &s)) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // The token: pre-authorized (PIN prompts repeat on a wrong PIN), else the browser.
    let (token, client_id) = if let Some(pre) = &o.pre_authorized {
        cx.ui.step(Step::Token);
        let mut code = cx.opts.tx_code.clone();
        let mut last: Option<ReceiveError> = None;
        let mut tries = 0;
        loop {
            if pre.tx_code.is_some() && code.is_none() {
                let prompt = pre.tx_code.clone().unwrap_or_default();
                code = cx.ui.tx_code(&prompt, last.as_ref().map(|e| e.message.as_str()));
                if code.is_none() {
                    return match last {
                        Some(e) => fail(e),
                        None => fail(ReceiveError::new("tx-code-required", "the issuer asks for a transaction code (PIN) and none was given; nothing was sent")),
                    };
                }
            }
            match oid4vci::token_pre_authorized(&cx.http, &server, pre, code.as_deref()) {
                Ok(t) => break (t, None),
                Err(e) if e.code == "tx-code-wrong" && cx.opts.tx_code.is_none() && tries < 2 => {
                    tries += 1;
                    last = Some(e);
                    code = None;
                }
                Err(e) => return fail(e),
            }
        }
    } else if o.authorization_code.is_some() {
        let Some(config) = o.configuration_ids.first().and_then(|id| meta.configuration(id)) else {
            return fail(ReceiveError::new("metadata-invalid", "the offered credential is not in the issuer's metadata"));
        };
        cx.ui.step(Step::Browser);
        let ui = cx.ui;
        let open = |u: &str| ui.open_browser(u);
        let cancelled = || ui.cancelled();
        let hand = authorize::Handoff { open: &open, cancelled: &cancelled, timeout: cx.opts.timeout };
        let auth = match authorize::authorize(&cx.http, &server, config, o.authorization_code.as_ref(), CLIENT_ID, &hand) {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        cx.ui.step(Step::Token);
        match oid4vci::token_authorization_code(&cx.http, &server, &auth.code, &auth.verifier, &auth.redirect_uri, CLIENT_ID) {
            Ok(t) => (t, Some(CLIENT_ID)),
            Err(e) => return fail(e),
        }
    } else {
        return fail(ReceiveError::new("unsupported", "the offer has no grant Backpack can use (pre-authorized code or authorization code)"));
    };
    let version = Version::of(&meta, &token);
    let display = json!({"issuer": view.issuer_name, "logo": view.logo, "issuer_display": meta.display, "version": version});
    let mut out = Vec::new();
    for id in &o.configuration_ids {
        let Some(config) = meta.configuration(id) else {
            out.push(Received::rejected(&source, ReceiveError::new("metadata-invalid", format!("the offered credential {id} is not in the issuer's metadata"))));
            continue;
        };
        let key = match holder::choose(config) {
            Ok(Some((kind, binding))) => match holder_key(store, cx.keys, &meta.credential_issuer, kind, binding) {
                Ok(k) => Some(k),
                Err(e) => {
                    out.push(Received::rejected(&source, e));
                    continue;
                }
            },
            Ok(None) => None,
            Err(e) => {
                out.push(Received::rejected(&source, e));
                continue;
            }
        };
        cx.ui.step(Step::Requesting);
        let req = oid4vci::CredentialRequest { meta: &meta, config, token: &token, version, holder: key.as_ref(), client_id };
        let mut cdisplay = display.clone();
        cdisplay["credential"] = json!(config.display);
        match oid4vci::request(&cx.http, &req) {
            Ok(Delivery::Credentials { items, notification_id }) => {
                let notify = meta.notification_endpoint.as_deref().zip(notification_id.as_deref());
                out.extend(accept_all(store, cx, &source, items, key.as_ref().and_then(HolderKey::did).as_deref(), Some((&cdisplay, &key)), notify.map(|(e, n)| (e, n, &token))));
            }
            Ok(Delivery::Deferred { transaction_id, interval }) => {
                let Some(endpoint) = meta.deferred_endpoint.clone() else {
                    out.push(Received::rejected(&source, ReceiveError::new("metadata-invalid", "the issuer will deliver later but names no deferred_credential_endpoint")));
                    continue;
                };
                let asked = Asked {
                    credential_issuer: meta.credential_issuer.clone(),
                    deferred_endpoint: endpoint,
                    notification_endpoint: meta.notification_endpoint.clone(),
                    token: token.clone(),
                    transaction_id,
                    version,
                    configuration_id: config.id.clone(),
                    holder: key.as_ref().map(|k| (k.kind(), k.binding)),
                    display: cdisplay,
                };
                let name = metadata::pick(&config.display, &cx.opts.lang).and_then(|d| d.name.clone());
                out.push(keep_pending(store, &asked, view.issuer_name.clone(), name, interval));
            }
            Err(e) => out.push(Received::rejected(&source, e)),
        }
    }
    out
}

fn holder_key(store: &mut impl StoreAccess, keys: &KeyOptions, issuer: &str, kind: KeyType, binding: Binding) -> Result<HolderKey, Error> {
    let name = holder::key_name(issuer, kind);
    let (secret, _) = store.with_store(|s| crate::present::kept_secret(s, keys, &name, &name).map_err(Error::from))?;
    Ok(HolderKey::new(kind, secret, binding))
}

/// What is kept to ask the issuer again for a deferred credential.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Asked {
    credential_issuer: String,
    deferred_endpoint: String,
    notification_endpoint: Option<String>,
    token: Token,
    transaction_id: String,
    version: Version,
    configuration_id: String,
    holder: Option<(KeyType, Binding)>,
    display: Value,
}

fn random_id() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    hex::encode(b)
}

/// A moment `secs` from now, in milliseconds (so a 1 s interval is not cut short by rounding).
fn after(secs: i64) -> String {
    stamp(chrono::Utc::now() + chrono::Duration::seconds(secs))
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn keep_pending(store: &mut impl StoreAccess, asked: &Asked, issuer_name: Option<String>, credential_name: Option<String>, interval: i64) -> Received {
    let now = super::now_text();
    let row = PendingRow {
        id: random_id(),
        issuer: asked.credential_issuer.clone(),
        issuer_name,
        credential_name: credential_name.clone(),
        state: "pending".into(),
        request: serde_json::to_string(asked).unwrap_or_default(),
        interval_secs: interval,
        next_at: after(interval),
        last_error: None,
        created: now.clone(),
        updated: now,
    };
    match store.with_store(|s| s.put_pending(&row).map_err(Error::from)) {
        Ok(()) => Received {
            source: asked.credential_issuer.clone(),
            id: Some(row.id),
            status: Status::Pending,
            title: credential_name,
            verdict: None,
            error: None,
        },
        Err(e) => Received::rejected(&asked.credential_issuer, e),
    }
}

type Notify<'a> = Option<(&'a str, &'a str, &'a Token)>;

/// Verify, check the holder binding, store; notify the issuer of the outcome.
fn accept_all(
    store: &mut impl StoreAccess,
    cx: &Ctx<'_>,
    source: &str,
    items: Vec<Value>,
    holder_did: Option<&str>,
    keep: Option<(&Value, &Option<HolderKey>)>,
    notify: Notify<'_>,
) -> Vec<Received> {
    cx.ui.step(Step::Storing);
    let out: Vec<Received> = items
        .iter()
        .map(|item| match accept(store, cx, source, item, holder_did, keep.map(|(d, k)| (d, k.as_ref()))) {
            Ok(r) => r,
            Err(e) => Received::rejected(source, e),
        })
        .collect();
    if let Some((endpoint, id, token)) = notify {
        let event = if out.iter().all(Received::ok) { "credential_accepted" } else { "credential_failure" };
        // Best effort: what was stored stays stored whatever the issuer answers.
        let _ = oid4vci::notify(&cx.http, endpoint, &token.access_token, id, event);
    }
    out
}

fn accept(
    store: &mut impl StoreAccess,
    cx: &Ctx<'_>,
    source: &str,
    item: &Value,
    holder_did: Option<&str>,
    keep: Option<(&Value, Option<&HolderKey>)>,
) -> Result<Received, Error> {
    let (name, bytes) = match item {
        Value::String(s) => ("received.jwt", s.trim().as_bytes().to_vec()),
        Value::Object(_) => ("received.json", serde_json::to_vec(item)?),
        _ => return Err(Error::new("credential-invalid", "the issuer sent a credential that is neither a JWT nor a JSON object")),
    };
    if bytes.len() > parse::MAX_INPUT_BYTES as usize {
        return Err(Error::new("too-large", format!("the credential is {} bytes; the limit is {}", bytes.len(), parse::MAX_INPUT_BYTES)));
    }
    let bundle = parse::parse_bytes(name, &bytes, &ImportOptions { fetcher: None, ..Default::default() })?;
    let mut bundle = bundle;
    for p in &mut bundle.items {
        p.source = source.to_string();
    }
    let vopts = VerifyOptions { fetcher: Some(cx.fetcher.clone()), now: chrono::Utc::now() };
    let reports: Vec<verify::Report> = bundle.items.iter().map(|p| verify::verify_parsed(p, &vopts)).collect();
    for (p, r) in bundle.items.iter().zip(&reports) {
        if r.verdict == Verdict::Invalid {
            let failed: Vec<String> = r
                .checks
                .iter()
                .filter(|c| c.outcome == verify::Outcome::Fail)
                .map(|c| format!("{}: {}", c.check, c.detail))
                .collect();
            return Err(Error::new("credential-invalid", format!("the credential from the issuer does not verify ({}); it was not stored", failed.join("; "))));
        }
        bound_to_holder(p, holder_did, keep.and_then(|(_, k)| k))?;
    }
    let at = super::now_text();
    let keep_display = keep.map(|(d, _)| d.to_string());
    let stored = store.with_store(|s: &mut Store| {
        let stored = s.import_bundle_reported(&bundle, Some((&reports, &at)))?;
        if let Some(d) = &keep_display {
            // Only for what this receipt added: a copy must not relabel a credential already kept.
            for (id, _) in stored.iter().filter(|(_, how)| *how == Stored::Imported) {
                s.put_issuer_display(id, source, d, &at)?;
            }
        }
        Ok(stored)
    })?;
    let (id, how) = stored.into_iter().last().ok_or_else(|| Error::new("credential-invalid", "the credential held nothing to store"))?;
    let p = bundle.items.last().expect("a stored bundle has items");
    Ok(Received {
        source: source.to_string(),
        id: Some(id),
        status: if how == Stored::Imported { Status::Imported } else { Status::Duplicate },
        title: Some(p.credential.title().to_string()),
        verdict: reports.last().map(|r| r.verdict),
        error: None,
    })
}

/// A received credential must be issued to the key the wallet proved:
/// every `credentialSubject.id` (and a JWT's `sub`) is the holder's DID;
/// for a bare-JWK binding, a `cnf.jwk` present must be the holder's key.
fn bound_to_holder(p: &parse::Parsed, did: Option<&str>, key: Option<&HolderKey>) -> Result<(), Error> {
    let claims: Value = if p.media_type == "application/jwt" {
        let text = std::str::from_utf8(&p.original).unwrap_or_default();
        parse::decode_jws(text).map(|(_, payload)| payload).unwrap_or(Value::Null)
    } else {
        serde_json::from_slice(&p.original).unwrap_or(Value::Null)
    };
    let vc = claims.get("vc").unwrap_or(&claims);
    let mismatch = |found: &str, want: &str| {
        Error::new(
            "holder-mismatch",
            format!("the credential was issued to {found}, not to this wallet's key ({want}); it was not stored"),
        )
    };
    if let Some(did) = did {
        let subjects = crate::import::json::list(vc.get("credentialSubject"));
        let mut ids: Vec<&str> = subjects.iter().filter_map(|s| s.get("id").and_then(Value::as_str)).collect();
        // VC-JWT 1.1 may name the holder only in `sub`.
        if ids.is_empty() {
            if let Some(sub) = claims.get("sub").and_then(Value::as_str) {
                ids.push(sub);
            }
        }
        if ids.is_empty() {
            return Err(Error::new("holder-mismatch", format!("the credential names no credentialSubject.id; it should be issued to {did}; it was not stored")));
        }
        if let Some(other) = ids.iter().find(|i| **i != did) {
            return Err(mismatch(other, did));
        }
        if let Some(sub) = claims.get("sub").and_then(Value::as_str) {
            if sub != did {
                return Err(mismatch(sub, did));
            }
        }
    } else if let (Some(k), Some(cnf)) = (key, claims.get("cnf").and_then(|c| c.get("jwk"))) {
        let want = k.public_jwk();
        let same = ["kty", "crv", "x", "y"].iter().all(|m| cnf.get(m) == want.get(m));
        if !same {
            return Err(Error::new("holder-mismatch", "the credential is bound to another key (cnf.jwk); it was not stored"));
        }
    }
    Ok(())
}

/// Pending credentials as shown.
pub fn pending(store: &Store) -> Result<Vec<PendingRow>, Error> {
    Ok(store.pending()?)
}

/// Ask again for every pending credential whose time has come (all of them
/// when `force`); deliveries are verified and stored as on receipt.
pub fn receive_pending(store: &mut impl StoreAccess, keys: &KeyOptions, force: bool, ui: &dyn Ui) -> Vec<Received> {
    let fetcher = match Fetcher::new() {
        Ok(f) => f,
        Err(e) => return vec![Received::rejected("pending", Error::from(e))],
    };
    let opts = ReceiveOptions::default();
    let cx = Ctx { http: Http::new(&fetcher), fetcher: &fetcher, keys, opts: &opts, ui, text: "" };
    let rows = match store.with_store(|s| s.pending().map_err(Error::from)) {
        Ok(r) => r,
        Err(e) => return vec![Received::rejected("pending", e)],
    };
    let now = stamp(chrono::Utc::now());
    let mut out = Vec::new();
    for row in rows {
        if row.state == "denied" {
            continue;
        }
        let pending_line = |row: &PendingRow| Received {
            source: row.issuer.clone(),
            id: Some(row.id.clone()),
            status: Status::Pending,
            title: row.credential_name.clone(),
            verdict: None,
            error: None,
        };
        if !force && row.next_at > now {
            out.push(pending_line(&row));
            continue;
        }
        let asked: Asked = match serde_json::from_str(&row.request) {
            Ok(a) => a,
            Err(e) => {
                out.push(Received::rejected(&row.issuer, Error::new("store-damaged", format!("the pending request {} cannot be read: {e}", row.id))));
                continue;
            }
        };
        ui.step(Step::Polling);
        let mut updated = row.clone();
        updated.updated = super::now_text();
        match oid4vci::poll(&cx.http, &asked.deferred_endpoint, &asked.token.access_token, &asked.transaction_id, row.interval_secs) {
            Ok(Polled::Pending(interval)) => {
                updated.state = "pending".into();
                updated.interval_secs = interval;
                updated.next_at = after(interval);
                updated.last_error = None;
                let _ = store.with_store(|s| s.put_pending(&updated).map_err(Error::from));
                out.push(pending_line(&updated));
            }
            Ok(Polled::Denied(why)) => {
                updated.state = "denied".into();
                updated.last_error = Some(why.clone());
                let _ = store.with_store(|s| s.put_pending(&updated).map_err(Error::from));
                let mut r = Received::rejected(&row.issuer, Error::new("request-denied", why));
                r.id = Some(row.id.clone());
                out.push(r);
            }
            Ok(Polled::Delivered(Delivery::Credentials { items, notification_id })) => {
                let key = match asked.holder {
                    Some((kind, binding)) => match holder_key(store, keys, &asked.credential_issuer, kind, binding) {
                        Ok(k) => Some(k),
                        Err(e) => {
                            out.push(Received::rejected(&row.issuer, e));
                            continue;
                        }
                    },
                    None => None,
                };
                let notify = asked.notification_endpoint.as_deref().zip(notification_id.as_deref()).map(|(e, n)| (e, n, &asked.token));
                let did = key.as_ref().and_then(HolderKey::did);
                let got = accept_all(store, &cx, &row.issuer, items, did.as_deref(), Some((&asked.display, &key)), notify);
                // Delivered: the request is done, whatever verification said (a rejected credential is not asked for again).
                let _ = store.with_store(|s| s.remove_pending(&row.id).map_err(Error::from));
                out.extend(got);
            }
            Ok(Polled::Delivered(Delivery::Deferred { interval, .. })) => {
                updated.next_at = after(interval);
                let _ = store.with_store(|s| s.put_pending(&updated).map_err(Error::from));
                out.push(pending_line(&updated));
            }
            Err(e) => {
                updated.state = "failed".into();
                updated.last_error = Some(e.message.clone());
                updated.next_at = after(row.interval_secs);
                let _ = store.with_store(|s| s.put_pending(&updated).map_err(Error::from));
                let mut r = Received::rejected(&row.issuer, e);
                r.id = Some(row.id.clone());
                out.push(r);
            }
        }
    }
    out
}

/// The display kept with a received credential (issuer name and logo, the
/// credential's names), when it was received from an issuer.
pub fn issuer_display(store: &Store, id: &str) -> Result<Option<Value>, Error> {
    Ok(store.issuer_display(id)?.and_then(|(_, d)| serde_json::from_str(&d).ok()))
}

/// The offer text a command-line argument names: `-` is standard input, an
/// existing file is read (a PNG picture is searched for a QR code, anything
/// else is taken as text), anything else is the offer itself.
pub fn offer_text(arg: &str, stdin: impl std::io::Read) -> Result<String, Error> {
    use std::io::Read;
    let max = crate::receive::qr::MAX_QR_IMAGE_BYTES as u64;
    let bytes = if arg == "-" {
        let mut b = Vec::new();
        stdin.take(max + 1).read_to_end(&mut b)?;
        b
    } else if !arg.contains("://") && !arg.starts_with('{') && std::path::Path::new(arg).is_file() {
        parse::read::read_file(std::path::Path::new(arg), max)?
    } else {
        return Ok(arg.to_string());
    };
    if bytes.len() as u64 > max {
        return Err(Error::new("too-large", format!("{arg} is larger than {max} bytes")));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return offer_from_picture(&bytes);
    }
    String::from_utf8(bytes).map_err(|_| Error::new("bad-offer", format!("{arg} is neither text nor a PNG picture of a QR code")))
}

/// The offer in a picture of its QR code (a PNG screenshot or file): the
/// first QR code that reads as an offer, else the first QR code's text.
pub fn offer_from_picture(bytes: &[u8]) -> Result<String, Error> {
    let found = crate::receive::qr::decode(bytes)?;
    let first = found.first().cloned().unwrap_or_default();
    Ok(found.into_iter().find(|t| offer::parse(t).is_ok()).unwrap_or(first))
}
