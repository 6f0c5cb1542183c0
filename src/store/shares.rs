//! Share locations and share records (schema 5), and the verifier page
//! published on a location (schema 7, `page_url`): the rows are owned here;
//! uploading, revoking, pruning and publishing are [`crate::share`]'s.

use serde::Deserialize;

use super::*;

/// How objects reach a location.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LocationKind {
    /// `PUT {url}{name}` / `DELETE {url}{name}`, with HTTP Basic auth when `user` is set.
    Webdav {
        /// The folder URL objects are written under, kept with exactly one trailing `/`; the object name is appended to it.
        url: String,
        /// User name for Basic auth (its password is in the keyring); `None` for a host without auth.
        user: Option<String>,
    },
    /// S3-compatible storage: `endpoint` (e.g. `https://s3.eu-west-1.amazonaws.com`), bucket, region.
    S3 {
        /// The S3 endpoint URL, e.g. `https://s3.eu-west-1.amazonaws.com`.
        endpoint: String,
        /// The bucket name.
        bucket: String,
        /// The region used in the SigV4 signature, e.g. `eu-west-1`.
        region: String,
        /// The access key id (its secret key is in the keyring).
        access_key: String,
        /// Virtual-host style (`bucket.endpoint`) instead of path style (`endpoint/bucket`).
        #[serde(default)]
        virtual_host: bool,
    },
}

/// A configured share location.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Random, stable id (names the keyring entry).
    pub id: String,
    /// The user's name for it (`--location NAME`).
    pub name: String,
    /// WebDAV or S3, with its settings (flattened into the JSON with a `kind` tag).
    #[serde(flatten)]
    pub kind: LocationKind,
    /// Where uploaded objects can be read by anyone (the URL put in links), when
    /// it differs from where they are written (e.g. a public share of a WebDAV folder).
    pub public_url: Option<String>,
    /// When it was added (RFC 3339, UTC).
    pub created: String,
}

/// One share, as kept in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShareRecord {
    /// Random share id (16 hex digits); `backpack shares revoke` takes it or a prefix.
    pub id: String,
    /// The credential's wallet id.
    pub credential: String,
    /// The share location's name.
    pub location: String,
    /// Where anyone can fetch the ciphertext.
    pub object_url: String,
    /// The object's name at the location (to delete it).
    pub object_name: String,
    /// The encrypted short link (holds the key: never leaves the encrypted store but on request).
    pub link: String,
    /// When the share was made (RFC 3339, UTC, seconds).
    pub created: String,
    /// When the link stops working (RFC 3339, UTC); `None` for no expiry.
    pub expires: Option<String>,
    /// When the share was revoked (object deleted); `None` while it is live.
    pub revoked_at: Option<String>,
}


impl Store {
    /// Add a share location; its name must be new.
    pub fn add_share_location(&mut self, loc: &Location) -> Result<(), StoreError> {
        let config = serde_json::to_string(loc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO share_locations(id, name, config, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![loc.id, loc.name, config, loc.created],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("a share location named '{}' already exists", loc.name)));
        }
        Ok(())
    }

    /// Every share location, by name.
    pub fn share_locations(&self) -> Result<Vec<Location>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT config FROM share_locations ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| serde_json::from_str(&r?).map_err(|e| StoreError::Corrupt(format!("share location: {e}")))).collect()
    }

    /// The share location called `name`; [`StoreError::NoShareLocation`] when there is none.
    pub fn share_location(&self, name: &str) -> Result<Location, StoreError> {
        let config: Option<String> = self
            .conn
            .query_row("SELECT config FROM share_locations WHERE name = ?1", [name], |r| r.get(0))
            .optional()?;
        let config = config.ok_or_else(|| StoreError::NoShareLocation(name.to_string()))?;
        serde_json::from_str(&config).map_err(|e| StoreError::Corrupt(format!("share location: {e}")))
    }

    /// The URL of the verifier page published on location `name`, if any.
    pub fn share_location_page(&self, name: &str) -> Result<Option<String>, StoreError> {
        let page: Option<Option<String>> =
            self.conn.query_row("SELECT page_url FROM share_locations WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        page.ok_or_else(|| StoreError::NoShareLocation(name.to_string()))
    }

    /// Every location's published verifier page: (name, URL), by name.
    pub fn share_location_pages(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT name, page_url FROM share_locations WHERE page_url IS NOT NULL ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Remember (or, with `None`, forget) the verifier page published on location `name`.
    pub fn set_share_location_page(&mut self, name: &str, url: Option<&str>) -> Result<(), StoreError> {
        let n = self.conn.execute("UPDATE share_locations SET page_url = ?2 WHERE name = ?1", params![name, url])?;
        if n == 0 {
            return Err(StoreError::NoShareLocation(name.to_string()));
        }
        Ok(())
    }

    /// Remove a share location. Refused while live shares use it (revoke them first).
    pub fn remove_share_location(&mut self, name: &str) -> Result<Location, StoreError> {
        let loc = self.share_location(name)?;
        let live: i64 = self.conn.query_row(
            "SELECT count(*) FROM shares WHERE location = ?1 AND revoked_at IS NULL",
            [name],
            |r| r.get(0),
        )?;
        if live > 0 {
            return Err(StoreError::Conflict(format!(
                "{live} share(s) on '{name}' are still online; revoke them first (backpack shares revoke ID)"
            )));
        }
        self.conn.execute("DELETE FROM share_locations WHERE name = ?1", [name])?;
        Ok(loc)
    }

    /// Records a share just uploaded.
    pub fn insert_share(&mut self, s: &ShareRecord) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO shares(id, credential, location, object_url, object_name, link, created_at, expires_at, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![s.id, s.credential, s.location, s.object_url, s.object_name, s.link, s.created, s.expires, s.revoked_at],
        )?;
        Ok(())
    }

    /// Every share record, newest first.
    pub fn shares(&self) -> Result<Vec<ShareRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, credential, location, object_url, object_name, link, created_at, expires_at, revoked_at
             FROM shares ORDER BY created_at DESC, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ShareRecord {
                id: r.get(0)?,
                credential: r.get(1)?,
                location: r.get(2)?,
                object_url: r.get(3)?,
                object_name: r.get(4)?,
                link: r.get(5)?,
                created: r.get(6)?,
                expires: r.get(7)?,
                revoked_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One share by id or a unique prefix (at least 4 characters).
    pub fn share(&self, id: &str) -> Result<ShareRecord, StoreError> {
        let id = id.trim().to_ascii_lowercase();
        let matches: Vec<_> = if id.len() < 4 {
            Vec::new()
        } else {
            self.shares()?.into_iter().filter(|s| s.id.starts_with(&id)).collect()
        };
        match matches.len() {
            0 => Err(StoreError::NoShare(id)),
            1 => Ok(matches.into_iter().next().expect("one")),
            n => Err(StoreError::Ambiguous(id, n)),
        }
    }

    /// Marks share `id` (a full id) as revoked at `at` (RFC 3339); an unknown id changes nothing.
    pub fn set_share_revoked(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE shares SET revoked_at = ?2 WHERE id = ?1", params![id, at])?;
        Ok(())
    }
}
