//! What receiving from issuers keeps (schema 6): deferred credentials the
//! issuer has not yet delivered (enough to ask again after a restart), and
//! the issuer's own display (names, logo) of each received credential. The
//! protocol is [`crate::receive`]'s; this module only reads and writes rows.

use super::*;

/// A credential the issuer will deliver later (OpenID4VCI deferred issuance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PendingRow {
    /// Random id (16 hex digits).
    pub id: String,
    /// The credential issuer's identifier.
    pub issuer: String,
    /// The issuer's display name, when its metadata gave one.
    pub issuer_name: Option<String>,
    /// The credential's display name, when the metadata gave one.
    pub credential_name: Option<String>,
    /// `pending` (ask again), `denied` (the issuer said no: final) or `failed` (the last attempt failed; asked again next time).
    pub state: String,
    /// Everything needed to ask again (endpoint, transaction id, access token, holder key), as JSON.
    /// Never shown; kept inside the encrypted store.
    #[cfg_attr(feature = "ts", ts(skip))]
    #[serde(skip)]
    pub request: String,
    /// Seconds the issuer asked the wallet to wait between asks.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub interval_secs: i64,
    /// Not to be asked before this time (RFC 3339, UTC).
    pub next_at: String,
    /// What the last attempt said, when it failed or was refused.
    pub last_error: Option<String>,
    /// When the issuer first said "later" (RFC 3339, UTC).
    pub created: String,
    /// When the row last changed (RFC 3339, UTC).
    pub updated: String,
}

impl Store {
    /// Keep (or replace) a pending credential.
    pub fn put_pending(&mut self, p: &PendingRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_credentials
               (id, issuer, issuer_name, credential_name, state, request, interval_secs, next_at, last_error, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                p.id,
                p.issuer,
                p.issuer_name,
                p.credential_name,
                p.state,
                p.request,
                p.interval_secs,
                p.next_at,
                p.last_error,
                p.created,
                p.updated
            ],
        )?;
        Ok(())
    }

    /// Every pending, failed or denied credential, oldest first.
    pub fn pending(&self) -> Result<Vec<PendingRow>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, issuer, issuer_name, credential_name, state, request, interval_secs, next_at, last_error, created_at, updated_at
             FROM pending_credentials ORDER BY created_at, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(PendingRow {
                id: r.get(0)?,
                issuer: r.get(1)?,
                issuer_name: r.get(2)?,
                credential_name: r.get(3)?,
                state: r.get(4)?,
                request: r.get(5)?,
                interval_secs: r.get(6)?,
                next_at: r.get(7)?,
                last_error: r.get(8)?,
                created: r.get(9)?,
                updated: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Forget a pending credential (delivered, or removed by the user); `false` when there was none.
    pub fn remove_pending(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM pending_credentials WHERE id = ?1", [id])? > 0)
    }

    /// Keep the issuer's display (JSON: issuer and credential names, logo) of a received credential.
    pub fn put_issuer_display(&mut self, credential: &str, issuer: &str, display: &str, at: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO issuer_display(credential, issuer, display, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![credential, issuer, display, at],
        )?;
        Ok(())
    }

    /// The issuer's display kept for a received credential: `(issuer, display JSON)`.
    pub fn issuer_display(&self, credential: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT issuer, display FROM issuer_display WHERE credential = ?1", [credential], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }
}
