//! Share records: making an encrypted short link (seal, upload, record),
//! listing shares with their state, revoking (delete on the host, then mark
//! revoked) and pruning expired shares from their hosts.
//!
//! Order of effects keeps the store truthful: a record is written only after
//! the upload succeeded (and the object is deleted again if writing the
//! record fails); a share is marked revoked only after the host confirmed the
//! delete (or said the object was already gone).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::envelope;
use super::host::{self, Client, HostError, Location};
pub use crate::store::ShareRecord;
use crate::store::{Store, StoreError};

/// The state of a share at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ShareState {
    /// Online and not expired.
    Live,
    /// Past its expiry but still on the host (`shares prune` deletes it).
    Expired,
    /// Deleted from the host.
    Revoked,
}

impl ShareRecord {
    /// The share's state at `now`: revoked when `revoked_at` is set, else expired when `expires` is at or before `now`, else live.
    pub fn state(&self, now: &DateTime<Utc>) -> ShareState {
        if self.revoked_at.is_some() {
            return ShareState::Revoked;
        }
        let expired = self
            .expires
            .as_deref()
            .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
            .is_some_and(|e| e.with_timezone(&Utc) <= *now);
        if expired {
            ShareState::Expired
        } else {
            ShareState::Live
        }
    }
}

/// Why a short (encrypted, hosted) share link could not be made, revoked or pruned.
#[derive(Debug, thiserror::Error)]
pub enum ShortError {
    /// Reading the credential or writing the share record failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The share location refused or could not be reached.
    #[error(transparent)]
    Host(#[from] HostError),
    /// The credential could not be packed or sealed into a share object.
    #[error(transparent)]
    Share(#[from] super::ShareError),
    /// No share location is configured.
    #[error("no share location is set up: add one with 'backpack shares location add NAME --webdav URL [--user U]' (or --s3 ENDPOINT --bucket B --region R --access-key K)")]
    NoLocation,
    /// More than one location and none was chosen; holds how many and their names, comma-separated.
    #[error("there are {0} share locations ({1}); choose one with --location NAME")]
    WhichLocation(usize, String),
    /// The requested expiry is now or in the past; holds it (RFC 3339).
    #[error("the expiry {0} is not in the future")]
    ExpiryPast(String),
}

impl ShortError {
    /// A stable code for the CLI JSON and the app; store and host errors give their own codes.
    pub fn code(&self) -> &'static str {
        match self {
            ShortError::Store(e) => e.code(),
            ShortError::Host(e) => e.code(),
            ShortError::Share(_) => "share",
            ShortError::NoLocation => "no-share-location",
            ShortError::WhichLocation(..) => "which-share-location",
            ShortError::ExpiryPast(_) => "expiry-past",
        }
    }
}

fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The named location, or the only one there is.
pub fn pick_location(store: &Store, name: Option<&str>) -> Result<Location, ShortError> {
    if let Some(n) = name {
        return Ok(store.share_location(n)?);
    }
    let mut all = store.share_locations()?;
    match all.len() {
        0 => Err(ShortError::NoLocation),
        1 => Ok(all.remove(0)),
        n => Err(ShortError::WhichLocation(n, all.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", "))),
    }
}

/// Encrypt the stored credential `cred_id`, upload it to a location and
/// record the share. Returns the record (its `link` is the short link).
pub fn create(
    store: &mut Store,
    cred_id: &str,
    location: Option<&str>,
    expires: Option<DateTime<Utc>>,
    base: &str,
    now: DateTime<Utc>,
) -> Result<ShareRecord, ShortError> {
    let cred = store.get(cred_id)?;
    if let Some(e) = &expires {
        if *e <= now {
            return Err(ShortError::ExpiryPast(stamp(e)));
        }
    }
    let loc = pick_location(store, location)?;
    let plain = envelope::plaintext(&cred.original, &now, expires.as_ref())?;
    let key = envelope::new_key();
    let object = envelope::seal(&key, &plain)?;
    let name = host::new_object_name();
    let client = Client::new()?;
    let object_url = client.put(&loc, &name, object)?;
    let rec = ShareRecord {
        id: host::new_id(),
        credential: cred.credential.id.clone(),
        location: loc.name.clone(),
        link: envelope::short_link(base, &object_url, &key),
        object_url,
        object_name: name,
        created: stamp(&now),
        expires: expires.as_ref().map(stamp),
        revoked_at: None,
    };
    if let Err(e) = store.insert_share(&rec) {
        // Never leave an object online that the learner cannot see or revoke.
        let _ = client.delete(&loc, &rec.object_name);
        return Err(e.into());
    }
    Ok(rec)
}

/// Delete a share's object from its host and mark it revoked. When the host
/// cannot be reached the share stays live and the error says so.
pub fn revoke(store: &mut Store, id: &str, now: DateTime<Utc>) -> Result<ShareRecord, ShortError> {
    let mut rec = store.share(id)?;
    if rec.revoked_at.is_some() {
        return Ok(rec);
    }
    let loc = store.share_location(&rec.location)?;
    Client::new()?.delete(&loc, &rec.object_name)?;
    let at = stamp(&now);
    store.set_share_revoked(&rec.id, &at)?;
    rec.revoked_at = Some(at);
    Ok(rec)
}

/// Shares past their expiry that are still on their hosts.
pub fn expired(store: &Store, now: &DateTime<Utc>) -> Result<Vec<ShareRecord>, StoreError> {
    Ok(store.shares()?.into_iter().filter(|s| s.state(now) == ShareState::Expired).collect())
}

/// One expired share and whether deleting it worked.
pub type Pruned = (ShareRecord, Result<(), ShortError>);

/// Delete every expired share from its host. Each result says whether that worked.
pub fn prune(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<Pruned>, StoreError> {
    let mut out = Vec::new();
    for rec in expired(store, &now)? {
        let r = revoke(store, &rec.id, now).map(|_| ());
        out.push((rec, r));
    }
    Ok(out)
}

/// A live (not expired, not revoked) short link to `cred_id`, if one exists.
pub fn live_link(store: &Store, cred_id: &str, now: &DateTime<Utc>) -> Result<Option<ShareRecord>, StoreError> {
    Ok(store
        .shares()?
        .into_iter()
        .find(|s| s.credential == cred_id && s.state(now) == ShareState::Live))
}
