//! Pathways: their rows and members (the rules live in [`crate::pathway`]).

use super::*;

impl Store {
    /// Save a new pathway (its members too).
    pub fn create_pathway(&mut self, p: &crate::pathway::Pathway) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let mut def = p.clone();
        def.members.clear();
        let body = serde_json::to_string(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        tx.execute("INSERT INTO pathways(id, name, definition, created_at) VALUES (?1, ?2, ?3, ?4)", params![p.id, p.name, body, now])?;
        for (i, m) in p.members.iter().enumerate() {
            tx.execute("INSERT OR IGNORE INTO pathway_members(pathway, credential, position) VALUES (?1, ?2, ?3)", params![p.id, m, i as i64])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Change a pathway's name, description and goal (not its members).
    pub fn update_pathway(&mut self, p: &crate::pathway::Pathway) -> Result<(), StoreError> {
        let mut def = p.clone();
        def.members.clear();
        let body = serde_json::to_string(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        match self.conn.execute("UPDATE pathways SET name = ?2, definition = ?3 WHERE id = ?1", params![p.id, p.name, body])? {
            0 => Err(StoreError::NoPathway(p.id.clone())),
            _ => Ok(()),
        }
    }

    /// All pathways, in the order they were made.
    pub fn pathways(&self) -> Result<Vec<crate::pathway::Pathway>, StoreError> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id FROM pathways ORDER BY created_at, id")?;
            let r = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        ids.iter().map(|id| self.pathway(id)).collect()
    }

    /// One pathway by id, a unique id prefix (4 characters or more), or its name (case-insensitive) when that is unique.
    pub fn pathway(&self, key: &str) -> Result<crate::pathway::Pathway, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT id, definition FROM pathways WHERE id = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (id, def) = match row {
            Some(r) => r,
            None => {
                // A unique id prefix (as credentials take), else a unique name.
                let prefix = format!("{}%", key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
                let mut stmt = self.conn.prepare_cached("SELECT id, definition FROM pathways WHERE id LIKE ?1 ESCAPE '\\' LIMIT 2")?;
                let mut rows: Vec<(String, String)> = if key.len() >= 4 {
                    stmt.query_map([&prefix], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
                } else {
                    Vec::new()
                };
                if rows.is_empty() {
                    let mut stmt = self.conn.prepare_cached("SELECT id, definition FROM pathways WHERE lower(name) = lower(?1)")?;
                    rows = stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                }
                match rows.len() {
                    0 => return Err(StoreError::NoPathway(key.to_string())),
                    1 => rows.into_iter().next().expect("one"),
                    n => return Err(StoreError::Ambiguous(key.to_string(), n)),
                }
            }
        };
        let mut p: crate::pathway::Pathway = serde_json::from_str(&def).map_err(|e| StoreError::Corrupt(format!("pathway: {e}")))?;
        let mut stmt = self.conn.prepare_cached("SELECT credential FROM pathway_members WHERE pathway = ?1 ORDER BY position, credential")?;
        p.members = stmt.query_map([&id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        p.id = id;
        Ok(p)
    }

    /// Add credentials (wallet ids or unique prefixes) to a pathway; returns the full ids added.
    pub fn add_to_pathway(&mut self, pathway: &str, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let p = self.pathway(pathway)?;
        let full: Vec<String> = ids.iter().map(|i| self.resolve_id(i)).collect::<Result<_, _>>()?;
        let tx = self.conn.transaction()?;
        let mut added = Vec::new();
        let next: i64 = tx.query_row("SELECT coalesce(max(position) + 1, 0) FROM pathway_members WHERE pathway = ?1", [&p.id], |r| r.get(0))?;
        for (i, id) in full.iter().enumerate() {
            if tx.execute("INSERT OR IGNORE INTO pathway_members(pathway, credential, position) VALUES (?1, ?2, ?3)", params![p.id, id, next + i as i64])? == 1 {
                added.push(id.clone());
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Take credentials out of a pathway (full ids or prefixes of members).
    pub fn remove_from_pathway(&mut self, pathway: &str, ids: &[String]) -> Result<usize, StoreError> {
        let p = self.pathway(pathway)?;
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for id in ids {
            let matches: Vec<&String> = p.members.iter().filter(|m| m.starts_with(id.as_str())).collect();
            match matches.len() {
                0 => return Err(StoreError::NotFound(format!("{id} in pathway {}", p.name))),
                1 => n += tx.execute("DELETE FROM pathway_members WHERE pathway = ?1 AND credential = ?2", params![p.id, matches[0]])?,
                k => return Err(StoreError::Ambiguous(id.clone(), k)),
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Deletes a pathway, found as [`Store::pathway`] finds it, with its member list; returns its id.
    /// The member credentials stay in the backpack.
    pub fn delete_pathway(&mut self, pathway: &str) -> Result<String, StoreError> {
        let p = self.pathway(pathway)?;
        self.conn.execute("DELETE FROM pathways WHERE id = ?1", [&p.id])?;
        Ok(p.id)
    }
}
