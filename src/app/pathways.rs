//! Pathway use cases written once: suggestions (minus the pathways you
//! already have) and loading a pathway exchange file (at most
//! [`MAX_FILE_BYTES`], checked before reading), with its members matched to
//! your credentials.

use std::path::Path;

use crate::pathway::{self, AchievementRef, Pathway, Suggestion, MAX_FILE_BYTES};
use crate::store::Store;

use super::Error;

/// The code of a pathway file over [`MAX_FILE_BYTES`].
pub const TOO_LARGE: &str = "too-large";

/// Groups of credentials that seem to stack, minus those that already are an
/// existing pathway's exact members.
pub fn suggestions(store: &Store) -> Result<Vec<Suggestion>, Error> {
    let sorted = |m: &[String]| {
        let mut m = m.to_vec();
        m.sort();
        m
    };
    let existing: Vec<Vec<String>> = store.pathways()?.iter().map(|p| sorted(&p.members)).collect();
    Ok(pathway::suggest(&store.all()?).into_iter().filter(|g| !existing.contains(&sorted(&g.members))).collect())
}

/// A pathway made from an exchange file.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The new pathway (stored).
    pub pathway: Pathway,
    /// The file's members none of your credentials matched.
    pub not_held: Vec<AchievementRef>,
}

fn too_large() -> Error {
    Error::new(TOO_LARGE, format!("a pathway file is at most {} MiB", MAX_FILE_BYTES >> 20))
}

/// Load a pathway from an exchange file's bytes (refused over [`MAX_FILE_BYTES`]).
pub fn import_bytes(store: &mut Store, bytes: &[u8]) -> Result<Imported, Error> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let f = pathway::parse_file(bytes)?;
    let (members, not_held) = pathway::match_members(&f, &store.all()?);
    let p = Pathway { id: pathway::new_id(&f.name), name: f.name, description: f.description, goal: f.goal, members };
    store.create_pathway(&p)?;
    Ok(Imported { pathway: p, not_held })
}

/// Load a pathway from an exchange file on disk: its size is checked before
/// it is read (only regular files are read).
pub fn import_file(store: &mut Store, file: &Path) -> Result<Imported, Error> {
    if std::fs::metadata(file)?.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let bytes = crate::import::read::read_file(file, MAX_FILE_BYTES).map_err(|e| match e.code() {
        "too-large" => too_large(),
        _ => e.into(),
    })?;
    import_bytes(store, &bytes)
}
