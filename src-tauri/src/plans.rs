//! Pathways and the exemption request, for the app: list with progress,
//! create/edit/delete, members in and out, suggestions, the exchange file,
//! and the dossier a Board of Examiners gets. Each function is a few calls
//! into `backpack::pathway` / `backpack::dossier` over the open store, so the
//! CLI (`backpack pathway`, `backpack dossier`) and the app compute the same.

use std::collections::HashMap;
use std::path::Path;

use backpack::dossier::{self, Lang};
use backpack::model::Credential;
use backpack::pathway::{self, Pathway, Suggestion};
use backpack::store::Store;
use backpack::verify::VerifyOptions;

use crate::dto::{DossierWritten, ExemptionRequest, PathwayDraft, PathwayImported, PathwayView, Written};
use crate::error::{AppError, AppResult};
use crate::service::{now, AppState};

fn view(store: &Store, p: Pathway, verdicts: &HashMap<String, backpack::verify::Verdict>) -> AppResult<PathwayView> {
    // Only the members are read (and decrypted), not the whole backpack.
    let creds: HashMap<String, Credential> =
        p.members.iter().filter_map(|id| store.get(id).ok().map(|s| (id.clone(), s.credential))).collect();
    let progress = pathway::progress(&p, &creds, verdicts, chrono::Utc::now().date_naive());
    Ok(PathwayView { id: p.id, name: p.name, description: p.description, goal: p.goal, members: p.members, progress })
}

fn checked(draft: PathwayDraft) -> AppResult<PathwayDraft> {
    let name = draft.name.trim().to_string();
    pathway::validate_goal(&name, &draft.goal)?;
    Ok(PathwayDraft { name, description: draft.description.filter(|d| !d.trim().is_empty()), goal: draft.goal })
}

impl AppState {
    pub fn pathways(&self) -> AppResult<Vec<PathwayView>> {
        self.with(|s| {
            let verdicts = s.verdicts()?;
            s.pathways()?.into_iter().map(|p| view(s, p, &verdicts)).collect()
        })
    }

    pub fn pathway(&self, id: &str) -> AppResult<PathwayView> {
        self.with(|s| {
            let p = s.pathway(id)?;
            view(s, p, &s.verdicts()?)
        })
    }

    pub fn pathway_create(&self, draft: PathwayDraft, members: Vec<String>) -> AppResult<PathwayView> {
        let d = checked(draft)?;
        let id = self.with(|s| {
            let members = members.iter().map(|m| s.resolve_id(m)).collect::<Result<Vec<_>, _>>()?;
            let p = Pathway { id: pathway::new_id(&d.name), name: d.name, description: d.description, goal: d.goal, members };
            s.create_pathway(&p)?;
            Ok(p.id)
        })?;
        self.pathway(&id)
    }

    pub fn pathway_update(&self, id: &str, draft: PathwayDraft) -> AppResult<PathwayView> {
        let d = checked(draft)?;
        self.with(|s| {
            let mut p = s.pathway(id)?;
            (p.name, p.description, p.goal) = (d.name, d.description, d.goal);
            s.update_pathway(&p)?;
            Ok(())
        })?;
        self.pathway(id)
    }

    /// Add credentials; adding one that is already a member is not an error.
    pub fn pathway_add(&self, id: &str, ids: Vec<String>) -> AppResult<PathwayView> {
        self.with(|s| Ok(s.add_to_pathway(id, &ids).map(|_| ())?))?;
        self.pathway(id)
    }

    pub fn pathway_remove(&self, id: &str, ids: Vec<String>) -> AppResult<PathwayView> {
        self.with(|s| Ok(s.remove_from_pathway(id, &ids).map(|_| ())?))?;
        self.pathway(id)
    }

    pub fn pathway_delete(&self, id: &str) -> AppResult<String> {
        self.with(|s| Ok(s.delete_pathway(id)?))
    }

    /// Groups of credentials that seem to stack, minus the existing pathways (`backpack::app::pathways`).
    pub fn pathway_suggestions(&self) -> AppResult<Vec<Suggestion>> {
        self.with(|s| Ok(backpack::app::pathways::suggestions(s)?))
    }

    /// Load a pathway file (from a programme, a Board of Examiners, or another
    /// wallet) through `backpack::app::pathways` (the 1 MiB cap is there).
    pub fn pathway_import(&self, bytes: &[u8]) -> AppResult<PathwayImported> {
        let got = self.with(|s| Ok(backpack::app::pathways::import_bytes(s, bytes)?))?;
        Ok(PathwayImported { pathway: self.pathway(&got.pathway.id)?, not_held: got.not_held })
    }

    /// Write the pathway file into `dir`.
    pub fn pathway_export(&self, id: &str, dir: &Path) -> AppResult<Written> {
        let (p, file) = self.with(|s| {
            let p = s.pathway(id)?;
            let creds: HashMap<String, Credential> =
                p.members.iter().filter_map(|m| s.get(m).ok().map(|c| (m.clone(), c.credential))).collect();
            let f = pathway::to_file(&p, &creds);
            Ok((p, f))
        })?;
        let mut body = serde_json::to_vec_pretty(&file).map_err(|e| AppError::new("internal", e.to_string()))?;
        body.push(b'\n');
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}.pathway.json", p.id));
        std::fs::write(&path, body)?;
        Ok(Written { path: path.display().to_string(), count: p.members.len() })
    }

    /// Write the exemption dossier (HTML, PDF, CLR 2.0, the originals) into a
    /// new folder under `dir`, verifying the credentials first when asked.
    pub fn request_exemption(&self, req: ExemptionRequest, dir: &Path, opts: &VerifyOptions) -> AppResult<DossierWritten> {
        let (members, subject) = self.with(|s| Ok(dossier::select(s, &req.ids, req.pathway.as_deref())?))?;
        if members.is_empty() {
            return Err(AppError::new("nothing-chosen", "choose at least one credential for the dossier"));
        }
        if req.verify {
            for id in &members {
                self.verify(id, opts)?;
            }
        }
        let lang = Lang::parse(&req.lang);
        let d = self.with(|s| Ok(dossier::assemble(s, &members, subject.as_deref(), lang, req.learner, req.request, now())?))?;
        let stem: String = subject
            .as_deref()
            .unwrap_or(if lang == Lang::Nl { "vrijstelling" } else { "exemption" })
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let folder = dir.join(format!("{}-{}", stem.trim_matches('-'), chrono::Local::now().format("%Y%m%d-%H%M%S")));
        let files = dossier::write(&folder, &d, lang)?;
        Ok(DossierWritten {
            folder: folder.display().to_string(),
            files: files.iter().map(|f| f.display().to_string()).collect(),
            credentials: d.items.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backpack::import::ImportOptions;
    use backpack::pathway::Goal;
    use backpack::store::StoreKey;
    use rust_decimal::Decimal;

    fn loaded() -> (tempfile::TempDir, AppState, Vec<backpack::store::Summary>) {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::open_with_key(dir.path().join("data"), &StoreKey::Passphrase("test passphrase".into()));
        for i in st.sample_items().unwrap() {
            assert_eq!(st.import_item(i, &ImportOptions::default()).status, "imported");
        }
        let list = st.list().unwrap();
        (dir, st, list)
    }

    fn draft(name: &str, ects: i64) -> PathwayDraft {
        PathwayDraft { name: name.into(), description: None, goal: Goal { ects: Some(Decimal::from(ects)), min_eqf: Some(6), ..Default::default() } }
    }

    #[test]
    fn pathway_create_add_remove_edit_delete_with_exact_progress() {
        let (_d, st, list) = loaded();
        let valid: Vec<_> = list.iter().filter(|s| s.verdict == Some(backpack::verify::Verdict::Valid)).collect();
        assert!(valid.len() >= 2);
        let p = st.pathway_create(draft("  Energy minor ", 30), vec![valid[0].id.clone()]).unwrap();
        assert_eq!(p.name, "Energy minor", "names are trimmed");
        assert_eq!(p.progress.ects, valid[0].ects.unwrap());
        let p = st.pathway_add(&p.id, vec![valid[1].id.clone(), valid[0].id.clone()]).unwrap();
        assert_eq!(p.members.len(), 2, "adding a member twice keeps one");
        let sum = valid[0].ects.unwrap() + valid[1].ects.unwrap();
        assert_eq!(p.progress.ects, sum);
        assert!(p.progress.missing.iter().any(|g| matches!(g.kind, pathway::GapKind::Ects(s) if s.more == Decimal::from(30) - sum)));

        let p = st.pathway_update(&p.id, draft("Energy minor", 5)).unwrap();
        assert_eq!(p.goal.ects, Some(Decimal::from(5)));
        assert_eq!(p.members.len(), 2, "editing the goal keeps the members");
        assert!(st.pathway_update(&p.id, draft("", 5)).is_err(), "an empty name is refused");
        assert_eq!(st.pathway_update(&p.id, draft("x", -1)).unwrap_err().code, "invalid-pathway");

        let p = st.pathway_remove(&p.id, vec![valid[0].id.clone()]).unwrap();
        assert_eq!(p.members, vec![valid[1].id.clone()]);
        assert_eq!(st.pathways().unwrap().len(), 1);
        st.pathway_delete(&p.id).unwrap();
        assert!(st.pathways().unwrap().is_empty());
        assert_eq!(st.pathway(&p.id).unwrap_err().code, "not-found");
    }

    #[test]
    fn export_import_round_trip_and_hostile_files() {
        let (d, st, list) = loaded();
        let ids: Vec<String> = list.iter().take(3).map(|s| s.id.clone()).collect();
        let p = st.pathway_create(draft("Data", 15), ids.clone()).unwrap();
        let w = st.pathway_export(&p.id, d.path()).unwrap();
        let text = std::fs::read(&w.path).unwrap();
        st.pathway_delete(&p.id).unwrap();
        let back = st.pathway_import(&text).unwrap();
        assert_eq!(back.pathway.name, "Data");
        assert_eq!(back.pathway.goal, p.goal);
        assert_eq!(back.pathway.members.len(), 3);
        assert!(back.not_held.is_empty());
        assert_eq!(st.pathway_import(b"{\"type\":\"Other\"}").unwrap_err().code, "invalid-pathway");
        assert_eq!(st.pathway_import(&vec![b' '; (1 << 20) + 1]).unwrap_err().code, "too-large");
        assert_eq!(st.pathways().unwrap().len(), 1, "a refused file stores nothing");
    }

    #[test]
    fn request_exemption_writes_html_pdf_clr_and_originals() {
        let (d, st, list) = loaded();
        let ids: Vec<String> = list.iter().take(2).map(|s| s.id.clone()).collect();
        let p = st.pathway_create(draft("Energie & data", 30), ids).unwrap();
        let req = ExemptionRequest {
            pathway: Some(p.id.clone()),
            ids: vec![],
            learner: Some("Sam de Vries".into()),
            request: Some("Vrijstelling voor het vak Energiesystemen".into()),
            lang: "nl".into(),
            verify: true,
        };
        let out = st.request_exemption(req, d.path(), &VerifyOptions { fetcher: None, now: chrono::Utc::now() }).unwrap();
        assert_eq!(out.credentials, 2);
        assert!(out.folder.contains("Energie---data-"), "{}", out.folder);
        let html = std::fs::read_to_string(Path::new(&out.folder).join("dossier.html")).unwrap();
        assert!(html.contains("Sam de Vries") && html.contains("Vrijstelling voor het vak Energiesystemen"));
        assert!(html.contains("Dossier vrijstellingsverzoek: Energie &amp; data"), "Dutch title with the pathway name");
        let pdf = std::fs::read(Path::new(&out.folder).join("dossier.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(Path::new(&out.folder).join("clr.json").exists());
        assert_eq!(out.files.len(), 3 + 2, "HTML, PDF, CLR and the two originals: {:?}", out.files);

        let none = ExemptionRequest { pathway: None, ids: vec![], learner: None, request: None, lang: "en".into(), verify: false };
        assert_eq!(st.request_exemption(none, d.path(), &VerifyOptions { fetcher: None, now: chrono::Utc::now() }).unwrap_err().code, "nothing-chosen");
    }
}
