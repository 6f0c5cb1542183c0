//! Holder-signed Verifiable Presentations: the holder's key and the
//! presentation of stored credentials it signs.
//!
//! **The holder key** is an Ed25519 key, its identity a `did:key`, made on
//! first use and kept with the store it belongs to:
//! - a store keyed by the OS keyring keeps it in the keyring too: service
//!   `Backpack`, account `holder-<store id>`, the 32-byte secret as hex;
//! - a store kept under a passphrase (no keyring, `BACKPACK_KEYRING=off`)
//!   keeps it inside the encrypted store, in its `meta` table (`holder-key`).
//!
//! **The presentation** follows VC Data Model 2.0: `holder` is the did:key,
//! `verifiableCredential` holds the credentials (JSON-LD ones embedded as
//! they were issued, VC-JWTs as `EnvelopedVerifiableCredential` with id
//! `data:application/vc+jwt,<jws>`), signed with a `DataIntegrityProof`
//! `eddsa-rdfc-2022` for `authentication`, with the verifier's optional
//! `challenge` and `domain`. Only bundled JSON-LD contexts are used, so it
//! verifies offline ([`crate::verify::presentation`]). Open Badges 2.0
//! assertions are not Verifiable Credentials and cannot go in.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};

use crate::keys::{self, KeyKind, KeyOptions};
use crate::secrets;
use crate::model::Format;
use crate::store::{Store, StoreError, StoredCredential};
use crate::verify::dataintegrity::DiError;
use crate::verify::{contexts, sign};

/// The `meta` key under which a passphrase store keeps its holder key.
pub const HOLDER_KEY_META: &str = "holder-key";
/// The VC Data Model 2.0 context, the only one a presentation itself uses.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// The keyring account of the holder key of the store `store_id`.
pub fn keyring_account(store_id: &str) -> String {
    format!("holder-{store_id}")
}

/// Where the holder key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyPlace {
    /// The OS keyring (service `Backpack`, account `holder-<store id>`).
    Keyring,
    /// Inside the encrypted store (passphrase stores).
    Store,
}

/// The holder: a signing key and its did:key.
pub struct Holder {
    key: SigningKey,
    /// The holder's DID: `did:key:z6Mk…` of the Ed25519 public key; goes into the presentation's `holder`.
    pub did: String,
    /// The DID URL of the key (`did:key:z6Mk…#z6Mk…`), the proof's `verificationMethod`.
    pub verification_method: String,
    /// Where the secret key is kept.
    pub place: KeyPlace,
}

impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holder").field("did", &self.did).field("place", &self.place).finish_non_exhaustive()
    }
}

impl Holder {
    fn from_secret(secret: [u8; 32], place: KeyPlace) -> Holder {
        let key = SigningKey::from_bytes(&secret);
        let (did, verification_method) = sign::did_key_of(&key);
        Holder { key, did, verification_method, place }
    }
}

/// Why a presentation could not be made, or the holder key not loaded or made.
#[derive(Debug, thiserror::Error)]
pub enum PresentError {
    /// The store's key material could not be read.
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    /// Reading or writing the holder key in the OS keyring failed; holds the keyring's message.
    #[error("the holder key cannot be kept in the OS keyring: {0}")]
    Keyring(String),
    /// The stored holder key is not 32 bytes of hex; holds why.
    #[error("the holder key is damaged ({0}); it cannot sign")]
    BadKey(String),
    /// Reading credentials or the key from the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No credentials were given.
    #[error("no credentials to present")]
    Empty,
    #[error("{id} ({title}) is an Open Badges 2.0 assertion, which is not a Verifiable Credential and cannot go into a Verifiable Presentation; share it with a link or export it instead")]
    /// An Open Badges 2.0 assertion was given: it is not a VC and cannot be presented.
    Ob2 {
        /// Wallet id of the credential.
        id: String,
        /// Its title.
        title: String,
    },
    #[error("{id} ({title}) uses JSON-LD contexts outside the bundled set ({contexts}), so a presentation of it could not be verified offline")]
    /// A credential uses JSON-LD contexts that are not bundled, so a verifier could not check it offline.
    UnknownContext {
        /// Wallet id of the credential.
        id: String,
        /// Its title.
        title: String,
        /// The unbundled context URLs, comma-separated.
        contexts: String,
    },
    #[error("{id} ({title}) cannot be read as a credential: {why}")]
    /// A stored credential could not be parsed back into a VC (JSON or JWT) to embed.
    Unreadable {
        /// Wallet id of the credential.
        id: String,
        /// Its title.
        title: String,
        /// What went wrong.
        why: String,
    },
    /// Canonicalizing or signing the presentation failed.
    #[error("signing the presentation failed: {0}")]
    Sign(#[from] DiError),
}

fn random32() -> [u8; 32] {
    let mut k = [0u8; 32];
    getrandom::fill(&mut k).expect("the OS random number generator failed");
    k
}

fn decode_secret(h: &str) -> Result<[u8; 32], PresentError> {
    let v = hex::decode(h.trim()).map_err(|e| PresentError::BadKey(e.to_string()))?;
    v.try_into().map_err(|_| PresentError::BadKey("not 32 bytes".into()))
}

fn store_meta(store: &Store) -> Result<keys::StoreMeta, PresentError> {
    keys::describe(store.dir())?
        .ok_or_else(|| PresentError::Key(keys::KeyError::Meta(format!("no {} in {}", keys::META_FILE, store.dir().display()))))
}

/// The holder of the store: its key, made on first use and kept where the
/// store keeps its own key (see the module documentation).
pub fn holder(store: &mut Store, opts: &KeyOptions) -> Result<Holder, PresentError> {
    let (secret, place) = kept_secret(store, opts, "holder", HOLDER_KEY_META)?;
    Ok(Holder::from_secret(secret, place))
}

/// A 32-byte secret of this store named `name`, made on first use and kept
/// where the store keeps its own key: in the OS keyring as account
/// `<name>-<store id>` for a keyring store, in the encrypted store's `meta`
/// table under `meta_key` for a passphrase store. The holder key and the
/// per-issuer keys of [`crate::receive`] are such secrets.
pub fn kept_secret(store: &mut Store, opts: &KeyOptions, name: &str, meta_key: &str) -> Result<([u8; 32], KeyPlace), PresentError> {
    let meta = store_meta(store)?;
    match meta.key {
        KeyKind::Passphrase => {
            let h = store.meta_value_or_insert(meta_key, &hex::encode(random32()))?;
            Ok((decode_secret(&h)?, KeyPlace::Store))
        }
        KeyKind::Keyring => {
            if opts.keyring_off {
                return Err(PresentError::Keyring("the keyring is turned off (BACKPACK_KEYRING=off)".into()));
            }
            let kr = |e: secrets::SecretError| PresentError::Keyring(e.to_string());
            let account = format!("{name}-{}", meta.store_id);
            match secrets::get(&account).map_err(kr)? {
                Some(h) => Ok((decode_secret(&h)?, KeyPlace::Keyring)),
                None => {
                    let secret = random32();
                    // Read back by `set_checked`: a keyring that accepts but does not keep is no keyring.
                    secrets::set_checked(&account, &hex::encode(secret)).map_err(kr)?;
                    Ok((secret, KeyPlace::Keyring))
                }
            }
        }
    }
}

/// The holder's DID and where its key is, if one was made (never makes one;
/// for `backpack info`).
pub fn existing_holder(store: &Store, opts: &KeyOptions) -> Result<Option<(String, KeyPlace)>, PresentError> {
    let meta = store_meta(store)?;
    let secret = match meta.key {
        KeyKind::Passphrase => store.meta_value(HOLDER_KEY_META)?.map(|h| (h, KeyPlace::Store)),
        KeyKind::Keyring if opts.keyring_off => None,
        KeyKind::Keyring => {
            secrets::get(&keyring_account(&meta.store_id))
                .map_err(|e| PresentError::Keyring(e.to_string()))?
                .map(|h| (h, KeyPlace::Keyring))
        }
    };
    match secret {
        Some((h, place)) => Ok(Some((Holder::from_secret(decode_secret(&h)?, place).did, place))),
        None => Ok(None),
    }
}

/// What the verifier asked the holder to bind the presentation to.
#[derive(Debug, Clone, Default)]
pub struct PresentOptions {
    /// The verifier's nonce, written as the proof's `challenge`; `None` for no challenge.
    pub challenge: Option<String>,
    /// The verifier's domain, written as the proof's `domain`; `None` for no domain.
    pub domain: Option<String>,
    /// The proof's `created` (XML Schema dateTime); now when `None`.
    pub created: Option<String>,
}

/// One stored credential as a member of `verifiableCredential`.
fn member(s: &StoredCredential) -> Result<Value, PresentError> {
    let c = &s.credential;
    let (id, title) = (c.id.clone(), c.title().to_string());
    match (c.format, s.media_type.as_str()) {
        (Format::Ob2Hosted | Format::Ob2Signed, _) => Err(PresentError::Ob2 { id, title }),
        (_, "application/jwt") => {
            let jws = std::str::from_utf8(&s.original)
                .map_err(|e| PresentError::Unreadable { id: id.clone(), title: title.clone(), why: e.to_string() })?
                .trim();
            Ok(json!({
                "@context": VC2_CONTEXT,
                "id": format!("{}{jws}", crate::verify::presentation::ENVELOPED_VC_JWT),
                "type": "EnvelopedVerifiableCredential",
            }))
        }
        (_, "application/ld+json") => {
            let v: Value = serde_json::from_slice(&s.original)
                .map_err(|e| PresentError::Unreadable { id: id.clone(), title: title.clone(), why: e.to_string() })?;
            let unknown: Vec<String> = crate::import::json::list(v.get("@context"))
                .into_iter()
                .filter_map(|c| c.as_str())
                .filter(|u| contexts::get(u).is_none())
                .map(str::to_string)
                .collect();
            if !unknown.is_empty() {
                return Err(PresentError::UnknownContext { id, title, contexts: unknown.join(", ") });
            }
            Ok(v)
        }
        (_, other) => Err(PresentError::Unreadable { id, title, why: format!("stored as {other}, not a VC") }),
    }
}

/// A Verifiable Presentation of `credentials`, signed by `holder`.
pub fn presentation(credentials: &[StoredCredential], holder: &Holder, opts: &PresentOptions) -> Result<Value, PresentError> {
    if credentials.is_empty() {
        return Err(PresentError::Empty);
    }
    let members = credentials.iter().map(member).collect::<Result<Vec<_>, _>>()?;
    signed(Some(members), holder, opts)
}

/// A DID Authentication presentation: no credentials, only the holder's
/// proof of control of its DID over the verifier's (or issuer's) `challenge`
/// and `domain` (VC-API exchanges, DCC credential requests).
pub fn did_auth(holder: &Holder, opts: &PresentOptions) -> Result<Value, PresentError> {
    signed(None, holder, opts)
}

fn signed(members: Option<Vec<Value>>, holder: &Holder, opts: &PresentOptions) -> Result<Value, PresentError> {
    let r = random32();
    let uuid = format!(
        "{}-{}-4{}-8{}-{}",
        hex::encode(&r[..4]),
        hex::encode(&r[4..6]),
        &hex::encode(&r[6..8])[1..],
        &hex::encode(&r[8..10])[1..],
        hex::encode(&r[10..16])
    );
    let mut vp = json!({
        "@context": [VC2_CONTEXT],
        "id": format!("urn:uuid:{uuid}"),
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
    });
    if let Some(m) = members {
        vp["verifiableCredential"] = json!(m);
    }
    let created = opts
        .created
        .clone()
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let mut options = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": holder.verification_method,
        "proofPurpose": "authentication",
    });
    if let Some(c) = &opts.challenge {
        options["challenge"] = json!(c);
    }
    if let Some(d) = &opts.domain {
        options["domain"] = json!(d);
    }
    Ok(sign::sign_with_options(&vp, &holder.key, options)?)
}
