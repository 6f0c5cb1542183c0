//! Verification reports: the latest report of each credential and the verdicts the list shows.

use super::*;

impl Store {
    /// Keep the latest verification report of a credential.
    pub fn save_report(&mut self, id: &str, report: &crate::verify::Report, checked_at: &str) -> Result<(), StoreError> {
        let id = self.resolve_id(id)?;
        put_report(&self.conn, &id, report, checked_at)
    }

    /// The latest verification report of a credential and when it was made.
    pub fn report(&self, id: &str) -> Result<Option<(crate::verify::Report, String)>, StoreError> {
        let id = self.resolve_id(id)?;
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT report, checked_at FROM verifications WHERE credential = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(body, at)| {
            serde_json::from_str(&body).map(|r| (r, at)).map_err(|e| StoreError::Corrupt(format!("report: {e}")))
        })
        .transpose()
    }

    /// The latest verdict of every credential that has been verified.
    pub fn verdicts(&self) -> Result<std::collections::HashMap<String, crate::verify::Verdict>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT credential, verdict FROM verifications")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, v) = row?;
            if let Ok(v) = serde_json::from_value(serde_json::Value::String(v)) {
                out.insert(id, v);
            }
        }
        Ok(out)
    }
}

/// Write (or replace) the report of the credential with full id `id`: the one
/// place reports are written, by [`Store::save_report`] and by
/// [`Store::import_bundle_reported`] inside its transaction.
pub(super) fn put_report(conn: &rusqlite::Connection, id: &str, report: &crate::verify::Report, checked_at: &str) -> Result<(), StoreError> {
    let verdict = serde_json::to_value(report.verdict).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let body = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO verifications(credential, verdict, report, checked_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(credential) DO UPDATE SET verdict = ?2, report = ?3, checked_at = ?4",
    )?
    .execute(params![id, verdict.as_str(), body, checked_at])?;
    Ok(())
}
