//! Pathway use cases written once: suggestions (minus the pathways you
//! already have) and loading a pathway exchange file (at most
//! [`MAX_FILE_BYTES`], checked before reading), with its members matched to
//! your credentials.

use std::collections::HashMap;
use std::path::Path;

use crate::model::Credential;

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

/// A pathway with its progress (`pathway show`, the Pathways screen).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct PathwayView {
    /// The pathway's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// The target: ECTS, hours, minimum EQF level, deadline.
    pub goal: pathway::Goal,
    /// The member credentials' wallet ids.
    pub members: Vec<String>,
    /// ECTS/hours counted, each member's standing, gaps and overlaps.
    pub progress: pathway::Progress,
}

fn view_of(store: &Store, p: Pathway, verdicts: &HashMap<String, crate::verify::Verdict>) -> PathwayView {
    // Only the members are read (and decrypted), not the whole backpack.
    let creds: HashMap<String, Credential> =
        p.members.iter().filter_map(|id| store.get(id).ok().map(|s| (id.clone(), s.credential))).collect();
    let progress = pathway::progress(&p, &creds, verdicts, chrono::Utc::now().date_naive());
    PathwayView { id: p.id, name: p.name, description: p.description, goal: p.goal, members: p.members, progress }
}

/// Pathway `id` (a full id or a unique prefix) with its progress.
pub fn view(store: &Store, id: &str) -> Result<PathwayView, Error> {
    let p = store.pathway(id)?;
    Ok(view_of(store, p, &store.verdicts()?))
}

/// Every pathway with its progress.
pub fn views(store: &Store) -> Result<Vec<PathwayView>, Error> {
    let verdicts = store.verdicts()?;
    Ok(store.pathways()?.into_iter().map(|p| view_of(store, p, &verdicts)).collect())
}

/// What the learner fills in to make or change a pathway.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PathwayDraft {
    /// Its name (trimmed; not empty).
    pub name: String,
    /// What it is for (blank is none).
    #[serde(default)]
    pub description: Option<String>,
    /// The target.
    #[serde(default)]
    pub goal: pathway::Goal,
}

fn checked(draft: PathwayDraft) -> Result<PathwayDraft, Error> {
    let name = draft.name.trim().to_string();
    pathway::validate_goal(&name, &draft.goal)?;
    Ok(PathwayDraft { name, description: draft.description.filter(|d| !d.trim().is_empty()), goal: draft.goal })
}

/// Make a pathway of `members` (ids or unique prefixes); its id.
pub fn create(store: &mut Store, draft: PathwayDraft, members: &[String]) -> Result<String, Error> {
    let d = checked(draft)?;
    let members = members.iter().map(|m| store.resolve_id(m)).collect::<Result<Vec<_>, _>>()?;
    let p = Pathway { id: pathway::new_id(&d.name), name: d.name, description: d.description, goal: d.goal, members };
    store.create_pathway(&p)?;
    Ok(p.id)
}

/// Change a pathway's name, description and goal.
pub fn update(store: &mut Store, id: &str, draft: PathwayDraft) -> Result<(), Error> {
    let d = checked(draft)?;
    let mut p = store.pathway(id)?;
    (p.name, p.description, p.goal) = (d.name, d.description, d.goal);
    Ok(store.update_pathway(&p)?)
}

/// The pathway's exchange file (pretty JSON, named `<id>.pathway.json`) and
/// how many members it names.
pub fn export_file(store: &Store, id: &str) -> Result<(super::library::Exported, usize), Error> {
    let p = store.pathway(id)?;
    let creds: HashMap<String, Credential> = p.members.iter().filter_map(|m| store.get(m).ok().map(|c| (m.clone(), c.credential))).collect();
    let mut body = serde_json::to_vec_pretty(&pathway::to_file(&p, &creds))?;
    body.push(b'\n');
    Ok((super::library::Exported { bytes: body, file_name: format!("{}.pathway.json", p.id) }, p.members.len()))
}

/// An exemption request: which credentials go to the Board of Examiners.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExemptionRequest {
    /// A pathway whose members go in (its name becomes the dossier's subject)…
    #[serde(default)]
    pub pathway: Option<String>,
    /// …and/or chosen credentials (ids or unique prefixes).
    #[serde(default)]
    pub ids: Vec<String>,
    /// The learner's name.
    #[serde(default)]
    pub learner: Option<String>,
    /// What is asked: which course, which programme.
    #[serde(default)]
    pub request: Option<String>,
    /// `nl` or `en`.
    #[serde(default)]
    pub lang: String,
    /// Verify every credential first, so the dossier shows fresh reports.
    #[serde(default)]
    pub verify: bool,
}

/// Where a dossier went.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct DossierWritten {
    /// The folder the files are in.
    pub folder: String,
    /// The files written (HTML, PDF, CLR 2.0, the originals).
    pub files: Vec<String>,
    /// How many credentials it holds.
    pub credentials: usize,
    /// Pathway members no longer in the backpack: left out of the dossier, named here.
    pub gone: Vec<String>,
}

/// Where a dossier goes.
#[derive(Debug, Clone)]
pub enum DossierPlace {
    /// Exactly this folder (the CLI's `--out`).
    Folder(std::path::PathBuf),
    /// A new folder under this one, named after the subject and the time (the app).
    Under(std::path::PathBuf),
}

/// Write the exemption dossier. Pathway members that have left the backpack
/// are left out and named in [`DossierWritten::gone`] (the same in both
/// shells); with `verify`, every member is verified first (`opts`) and its
/// report kept.
pub fn dossier(store: &mut Store, req: ExemptionRequest, place: DossierPlace, opts: &crate::verify::VerifyOptions) -> Result<DossierWritten, Error> {
    let crate::dossier::Selection { members, subject, gone } = crate::dossier::select(store, &req.ids, req.pathway.as_deref())?;
    if members.is_empty() {
        return Err(Error::new("nothing-chosen", "no credentials for the dossier: choose credentials or a pathway that has some"));
    }
    if req.verify {
        super::verify::verify_stored_all(store, &members, opts)?;
    }
    let lang = crate::dossier::Lang::parse(&req.lang);
    let d = crate::dossier::assemble(store, &members, subject.as_deref(), lang, req.learner, req.request, super::now_text())?;
    let folder = match place {
        DossierPlace::Folder(f) => f,
        DossierPlace::Under(dir) => {
            let stem: String = subject
                .as_deref()
                .unwrap_or(if lang == crate::dossier::Lang::Nl { "vrijstelling" } else { "exemption" })
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            dir.join(super::library::stamped(stem.trim_matches('-'), "d").trim_end_matches(".d"))
        }
    };
    let files = crate::dossier::write(&folder, &d, lang).map_err(|e| Error::new("io", format!("writing the dossier to {}: {e}", folder.display())))?;
    Ok(DossierWritten {
        folder: folder.display().to_string(),
        files: files.iter().map(|f| f.display().to_string()).collect(),
        credentials: d.items.len(),
        gone,
    })
}
