//! Credentials: writing imported bundles (one transaction each), ids and
//! prefixes, the list, one credential with its original, pictures, trash.

use super::*;

/// Outcome of storing one credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stored {
    /// New: the credential was added (or restored from the trash).
    Imported,
    /// Already in the backpack under the same wallet id; nothing was changed.
    Duplicate,
}

/// One row of `list`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    /// Wallet id (16 hex digits).
    pub id: String,
    /// Title to show (see [`Credential::title`]).
    pub title: String,
    /// Issuer's display name; `None` when the credential names none.
    pub issuer: Option<String>,
    /// Issue date as written on the credential; `None` when it states none.
    pub issued: Option<String>,
    /// The format it was imported in.
    pub format: Format,
    /// ECTS as assessed by [`crate::rules::assess`] (stated, or hours / 28); `None` when neither is stated.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ects: Option<rust_decimal::Decimal>,
    /// Study hours as assessed (stated, or ECTS × 28); `None` when neither is stated.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub hours: Option<rust_decimal::Decimal>,
    /// EQF level (stated, or from NLQF); `None` when neither is stated.
    pub eqf_level: Option<u8>,
    /// `micro-credential`, `edubadge` or `unknown` (see [`crate::rules`]).
    #[cfg_attr(feature = "ts", ts(as = "crate::rules::Class"))]
    pub class: String,
    /// The verdict of the latest verification, if any.
    pub verdict: Option<crate::verify::Verdict>,
    /// When the latest verification ran (RFC 3339, UTC); `None` when never verified.
    pub checked_at: Option<String>,
    /// Whether a picture (the baked image) is stored with it.
    pub has_picture: bool,
}

/// A credential as stored: the model, the untouched original and extras.
#[derive(Debug, Clone)]
pub struct StoredCredential {
    /// The normalised model, for display.
    pub credential: Credential,
    /// The credential exactly as issued (JSON bytes or compact JWS text): what verification and exports use.
    pub original: Vec<u8>,
    /// The media type of `original` (see [`crate::import::Parsed::media_type`]).
    pub media_type: String,
    /// The image it was imported in, if any.
    pub picture: Option<Picture>,
    /// Linked documents fetched at import (BadgeClass, Issuer), for offline display.
    pub linked: Vec<LinkedDoc>,
    /// Where it came from (file name or URL).
    pub source: String,
    /// When it was imported (RFC 3339, UTC, milliseconds).
    pub imported_at: String,
}

impl StoredCredential {
    /// The stored credential in the shape the importer produces (to verify or re-export it).
    pub fn into_parsed(self) -> crate::import::Parsed {
        crate::import::Parsed {
            credential: self.credential,
            original: self.original,
            media_type: self.media_type,
            linked: self.linked,
            picture: self.picture,
            source: self.source,
            json: None,
        }
    }
}

/// Summary columns derived from a model.
pub(super) fn summary_columns(c: &Credential) -> (Option<String>, Option<String>, Option<u8>, &'static str) {
    let a = crate::rules::assess(c);
    (
        a.ects.map(|d| d.normalize().to_string()),
        a.hours.map(|d| d.normalize().to_string()),
        a.eqf,
        a.class.as_str(),
    )
}

impl Store {
    /// Store a bundle in one transaction. Items already present are reported
    /// as duplicates and left untouched.
    pub fn import_bundle(&mut self, bundle: &Bundle) -> Result<Vec<(String, Stored)>, StoreError> {
        self.import_bundle_reported(bundle, None)
    }

    /// Store a bundle and, for each newly imported item, its verification
    /// report (`reports[i]` for `bundle.items[i]`, checked at `checked_at`),
    /// all in one transaction: a killed import never leaves a credential
    /// without the report it was imported with.
    pub fn import_bundle_reported(
        &mut self,
        bundle: &Bundle,
        reports: Option<(&[crate::verify::Report], &str)>,
    ) -> Result<Vec<(String, Stored)>, StoreError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        // A savepoint: its own transaction, or a part of the one
        // `in_one_transaction` holds open (a bundle is stored whole or not at all).
        let tx = self.conn.savepoint()?;
        let mut out = Vec::with_capacity(bundle.items.len());
        {
            // A credential in the trash comes back when imported again.
            let mut insert = tx.prepare_cached(
                "INSERT INTO credentials
                 (id, credential_id, format, title, issuer_name, issued, model, original, media_type,
                  picture, picture_type, source, imported_at, ects, hours, eqf, class)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                 ON CONFLICT(id) DO UPDATE SET removed_at = NULL WHERE removed_at IS NOT NULL",
            )?;
            let mut link = tx.prepare_cached(
                "INSERT OR IGNORE INTO linked_documents(credential, url, body) VALUES (?1, ?2, ?3)",
            )?;
            for (i, p) in bundle.items.iter().enumerate() {
                let c = &p.credential;
                let model = serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (ects, hours, eqf, class) = summary_columns(c);
                let n = insert.execute(params![
                    c.id,
                    c.credential_id,
                    c.format.as_str(),
                    c.title(),
                    c.awarded_by().name,
                    c.issued,
                    model,
                    p.original,
                    p.media_type,
                    p.picture.as_ref().map(|x| &x.bytes),
                    p.picture.as_ref().map(|x| &x.media_type),
                    p.source,
                    now,
                    ects,
                    hours,
                    eqf,
                    class,
                ])?;
                if n == 1 {
                    for d in &p.linked {
                        link.execute(params![c.id, d.url, d.body])?;
                    }
                    if let Some((r, at)) = reports.and_then(|(rs, at)| rs.get(i).map(|r| (r, at))) {
                        super::reports::put_report(&tx, &c.id, r, at)?;
                    }
                    out.push((c.id.clone(), Stored::Imported));
                } else {
                    out.push((c.id.clone(), Stored::Duplicate));
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Resolve a full id or a unique prefix (at least 4 hex digits) to an id.
    pub fn resolve_id(&self, id: &str) -> Result<String, StoreError> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::NotFound(id));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM credentials WHERE id >= ?1 AND id < ?1 || 'g' AND removed_at IS NULL ORDER BY id LIMIT 2")?;
        let ids: Vec<String> = stmt.query_map([&id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        match ids.len() {
            0 => Err(StoreError::NotFound(id)),
            1 => Ok(ids.into_iter().next().unwrap_or_default()),
            _ => {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM credentials WHERE id >= ?1 AND id < ?1 || 'g' AND removed_at IS NULL",
                    [&id],
                    |r| r.get(0),
                )?;
                Err(StoreError::Ambiguous(id, n as usize))
            }
        }
    }

    /// How many credentials are in the backpack (not counting the trash).
    pub fn count(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM credentials WHERE removed_at IS NULL", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// All credentials, newest first, from the summary columns (no model parsing).
    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.title, c.issuer_name, c.issued, c.format, c.ects, c.hours, c.eqf, c.class,
                    v.verdict, v.checked_at, c.picture_type IS NOT NULL
             FROM credentials c INDEXED BY credentials_list LEFT JOIN verifications v ON v.credential = c.id
             WHERE c.removed_at IS NULL ORDER BY c.issued DESC, c.id",
        )?;
        let dec = |s: Option<String>| s.and_then(|s| s.parse::<rust_decimal::Decimal>().ok());
        let rows = stmt.query_map([], |r| {
            Ok(Summary {
                id: r.get(0)?,
                title: r.get(1)?,
                issuer: r.get(2)?,
                issued: r.get(3)?,
                format: Format::parse(&r.get::<_, String>(4)?).unwrap_or(Format::Ob3JsonLd),
                ects: dec(r.get(5)?),
                hours: dec(r.get(6)?),
                eqf_level: r.get(7)?,
                class: r.get(8)?,
                verdict: r.get::<_, Option<String>>(9)?.and_then(|v| serde_json::from_value(serde_json::Value::String(v)).ok()),
                checked_at: r.get(10)?,
                has_picture: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every credential's model (for search, planning and verification).
    pub fn all(&self) -> Result<Vec<Credential>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT model FROM credentials WHERE removed_at IS NULL ORDER BY issued DESC, id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| parse_model(&r?)).collect()
    }

    /// One credential by id or unique prefix.
    pub fn get(&self, id: &str) -> Result<StoredCredential, StoreError> {
        let id = self.resolve_id(id)?;
        let row = self
            .conn
            .query_row(
                "SELECT model, original, media_type, picture, picture_type, source, imported_at
                 FROM credentials WHERE id = ?1",
                [&id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<Vec<u8>>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(id.clone()))?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT url, body FROM linked_documents WHERE credential = ?1 ORDER BY url")?;
        let linked = stmt
            .query_map([&id], |r| {
                Ok(LinkedDoc {
                    url: r.get(0)?,
                    body: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StoredCredential {
            credential: parse_model(&row.0)?,
            original: row.1,
            media_type: row.2,
            picture: match (row.3, row.4) {
                (Some(bytes), Some(media_type)) => Some(Picture { media_type, bytes }),
                _ => None,
            },
            linked,
            source: row.5,
            imported_at: row.6,
        })
    }

    /// The picture stored with a credential (the baked badge image).
    pub fn picture(&self, id: &str) -> Result<Option<Picture>, StoreError> {
        let id = self.resolve_id(id)?;
        let row: Option<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .query_row("SELECT picture, picture_type FROM credentials WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((Some(bytes), Some(media_type))) => Some(Picture { media_type, bytes }),
            _ => None,
        })
    }

    /// Move a credential to the trash (it disappears from lists; [`Store::untrash`] brings it back).
    pub fn trash(&mut self, id: &str) -> Result<String, StoreError> {
        let id = self.resolve_id(id)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn.execute("UPDATE credentials SET removed_at = ?2 WHERE id = ?1", params![id, now])?;
        Ok(id)
    }

    /// Bring a credential back from the trash (full id).
    pub fn untrash(&mut self, id: &str) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("UPDATE credentials SET removed_at = NULL WHERE id = ?1 AND removed_at IS NOT NULL", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Delete everything in the trash for good. Returns how many.
    pub fn empty_trash(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("DELETE FROM credentials WHERE removed_at IS NOT NULL", [])?)
    }

    /// Delete one credential for good (and its linked documents and report). Returns its id.
    pub fn remove(&mut self, id: &str) -> Result<String, StoreError> {
        let id = self.resolve_id(id)?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM credentials WHERE id = ?1", [&id])?;
        tx.commit()?;
        Ok(id)
    }
}
