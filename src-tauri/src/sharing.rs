//! Sharing, for the app's Share dialog and Settings: the links a credential
//! can travel by (self-contained, issuer, encrypted short link), the QR code
//! of the best one that fits, LinkedIn links, live shares with revoke, share
//! locations (WebDAV; the password goes to the OS keyring), holder-signed
//! presentations. Each function is a few calls into `backpack::share`,
//! `backpack::present` and `backpack::export`, as the CLI makes them.

use std::path::Path;

use backpack::share::host::{self, Location, LocationKind};
use backpack::share::records::{self, ShareState};
use backpack::share;
use base64::Engine;

use crate::dto::{LocationDraft, LocationView, QrView, ShareRow, ShareView, Written};
use crate::error::{AppError, AppResult};
use crate::service::AppState;

fn code_of<E: std::fmt::Display>(code: &'static str) -> impl Fn(E) -> AppError {
    move |e| AppError::new(code, e.to_string())
}

fn short_err(e: records::ShortError) -> AppError {
    AppError::new(e.code(), e.to_string())
}

fn location_view(l: &Location) -> LocationView {
    LocationView {
        name: l.name.clone(),
        kind: match l.kind {
            LocationKind::Webdav { .. } => "webdav",
            LocationKind::S3 { .. } => "s3",
        },
        target: l.target(),
        public_url: l.public_url.clone(),
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

impl AppState {
    pub fn share_view(&self, id: &str, base: &str) -> AppResult<ShareView> {
        self.with(|s| {
            let c = s.get(id)?;
            let id = c.credential.id.clone();
            let at = now();
            let self_contained = share::self_contained_link(base, &c.original).map_err(code_of("share"))?;
            let issuer = share::issuer_link(&c.credential);
            let mut shares: Vec<ShareRow> = s
                .shares()?
                .into_iter()
                .filter(|r| r.credential == id)
                .map(|r| ShareRow { state: r.state(&at), title: c.credential.title().to_string(), record: r })
                .collect();
            shares.sort_by(|a, b| b.record.created.cmp(&a.record.created));
            let short = shares.iter().find(|r| r.state == ShareState::Live).map(|r| r.record.link.clone());
            let (qr, qr_problem) = match share::choose_qr_payload(issuer.as_deref(), short.as_deref(), &self_contained) {
                Ok((kind, link)) => {
                    let svg = share::qr_svg(&link).map_err(code_of("share"))?;
                    let svg = format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg));
                    (Some(QrView { kind, link, svg }), None)
                }
                Err(e) => (None, Some(AppError::new("nothing-fits-qr", e.to_string()))),
            };
            let cert_url = share::shortest([issuer.as_deref(), short.as_deref(), Some(self_contained.as_str())]).unwrap_or(&self_contained).to_string();
            Ok(ShareView {
                linkedin_add: share::linkedin_add_to_profile(&c.credential, &cert_url),
                linkedin_share: share::linkedin_share(&cert_url),
                locations: s.share_locations()?.iter().map(|l| l.name.clone()).collect(),
                id,
                base: base.to_string(),
                self_contained,
                issuer,
                short,
                qr,
                qr_problem,
                shares,
            })
        })
    }

    /// Encrypt the credential, upload the ciphertext to a share location, keep the record.
    pub fn share_short(&self, id: &str, location: Option<&str>, days: Option<u32>, base: &str) -> AppResult<ShareView> {
        let at = now();
        let expires = days.map(|d| at + chrono::Duration::days(i64::from(d.clamp(1, 3650))));
        self.with(|s| records::create(s, id, location, expires, base, at).map_err(short_err))?;
        self.share_view(id, base)
    }

    /// Delete the object on the host and mark the share revoked; returns the credential's view.
    pub fn revoke_share(&self, share_id: &str, base: &str) -> AppResult<ShareView> {
        let rec = self.with(|s| records::revoke(s, share_id, now()).map_err(short_err))?;
        self.share_view(&rec.credential, base)
    }

    /// Every share, newest first, with its state.
    pub fn shares(&self) -> AppResult<Vec<ShareRow>> {
        self.with(|s| {
            let at = now();
            let mut out: Vec<ShareRow> = s
                .shares()?
                .into_iter()
                .map(|r| {
                    let title = s.get(&r.credential).map(|c| c.credential.title().to_string()).unwrap_or_default();
                    ShareRow { state: r.state(&at), title, record: r }
                })
                .collect();
            out.sort_by(|a, b| b.record.created.cmp(&a.record.created));
            Ok(out)
        })
    }

    /// Delete expired shares from their hosts.
    pub fn prune_shares(&self) -> AppResult<usize> {
        self.with(|s| {
            let done = records::prune(s, now())?;
            Ok(done.iter().filter(|(_, r)| r.is_ok()).count())
        })
    }

    pub fn share_locations(&self) -> AppResult<Vec<LocationView>> {
        self.with(|s| Ok(s.share_locations()?.iter().map(location_view).collect()))
    }

    pub fn add_share_location(&self, d: LocationDraft) -> AppResult<Vec<LocationView>> {
        let user = d.user.filter(|u| !u.trim().is_empty());
        let loc = Location {
            id: host::new_id(),
            name: d.name.trim().to_string(),
            kind: LocationKind::Webdav { url: d.url.trim().to_string(), user },
            public_url: d.public_url.filter(|u| !u.trim().is_empty()),
            created: now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
        .validated()
        .map_err(|e| AppError::new(e.code(), e.to_string()))?;
        let password = d.password.filter(|p| !p.is_empty());
        if loc.needs_secret() && password.is_none() {
            return Err(AppError::new("share-secret-missing", "give the password or app token for this user"));
        }
        self.with(|s| Ok(s.add_share_location(&loc)?))?;
        if let Some(p) = password {
            if let Err(e) = loc.save_secret(&p) {
                let _ = self.with(|s| Ok(s.remove_share_location(&loc.name)?));
                return Err(AppError::new(e.code(), e.to_string()));
            }
        }
        self.share_locations()
    }

    pub fn remove_share_location(&self, name: &str) -> AppResult<Vec<LocationView>> {
        self.with(|s| {
            let loc = s.remove_share_location(name)?;
            let _ = loc.delete_secret();
            Ok(())
        })?;
        self.share_locations()
    }

    /// A Verifiable Presentation of `ids`, signed with the holder key, written into `dir`.
    pub fn present(&self, ids: &[String], challenge: Option<String>, domain: Option<String>, dir: &Path) -> AppResult<Written> {
        let vp = self.with(|s| {
            let creds = ids.iter().map(|i| s.get(i)).collect::<Result<Vec<_>, _>>()?;
            let holder = backpack::present::holder(s, &backpack::keys::KeyOptions::from_env()).map_err(code_of("present"))?;
            let opts = backpack::present::PresentOptions {
                challenge: challenge.filter(|c| !c.is_empty()),
                domain: domain.filter(|d| !d.is_empty()),
                created: None,
            };
            backpack::present::presentation(&creds, &holder, &opts).map_err(code_of("present"))
        })?;
        let mut body = serde_json::to_vec_pretty(&vp).map_err(code_of("internal"))?;
        body.push(b'\n');
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("backpack-presentation-{}.json", chrono::Local::now().format("%Y%m%d-%H%M%S")));
        std::fs::write(&path, body)?;
        Ok(Written { path: path.display().to_string(), count: ids.len() })
    }

    /// Baked PNG/SVG or the one-page PDF (with the QR of the best link) into `dir`.
    pub fn export_image(&self, id: &str, format: &str, base: &str, lang: &str, dir: &Path) -> AppResult<Written> {
        let what = backpack::export::Artifact::parse(format)
            .ok_or_else(|| AppError::new("invalid-format", format!("unknown export format '{format}'")))?;
        let (bytes, cid) = self.with(|s| {
            let c = s.get(id)?;
            let lang = backpack::model::Lang::parse(lang);
            let bytes = backpack::export::render(s, &c, what, None, base, lang, &now()).map_err(code_of("export"))?;
            Ok((bytes, c.credential.id))
        })?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("backpack-{cid}.{}", what.extension()));
        std::fs::write(&path, bytes)?;
        Ok(Written { path: path.display().to_string(), count: 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backpack::import::ImportOptions;

    const BASE: &str = "https://verify.example.org/";

    fn loaded() -> (tempfile::TempDir, AppState, Vec<backpack::store::Summary>) {
        let dir = tempfile::tempdir().unwrap();
        // Opened as the app opens a passphrase store (store.json says so; the holder key then lives in the store).
        let opts = backpack::keys::KeyOptions { passphrase: Some("test passphrase".into()), keyring_off: true };
        let st = AppState::open(dir.path().join("data"), None, &opts);
        for i in st.sample_items().unwrap() {
            assert_eq!(st.import_item(i, &ImportOptions::default()).status, "imported");
        }
        let list = st.list().unwrap();
        (dir, st, list)
    }

    #[test]
    fn share_view_has_links_a_scannable_qr_and_linkedin() {
        let (_d, st, list) = loaded();
        for s in &list {
            let v = st.share_view(&s.id, BASE).unwrap();
            let back = backpack::share::open_self_contained_link(&v.self_contained).unwrap();
            let original = st.detail(&s.id).unwrap().original;
            let same = match serde_json::from_str::<serde_json::Value>(&original) {
                Ok(j) => serde_json::from_slice::<serde_json::Value>(&back).unwrap() == j,
                Err(_) => back == original.trim().as_bytes(),
            };
            assert!(same, "the link carries the credential itself");
            assert!(v.self_contained.starts_with("https://verify.example.org/#c="));
            match (&v.qr, &v.qr_problem) {
                (Some(q), None) => {
                    assert!(q.svg.starts_with("data:image/svg+xml;base64,"));
                    assert!(backpack::share::qr(&q.link).is_ok());
                    // The issuer's public link wins when there is one.
                    if let Some(i) = &v.issuer {
                        assert_eq!(&q.link, i);
                    }
                }
                (None, Some(e)) => assert_eq!(e.code, "nothing-fits-qr"),
                other => panic!("{other:?}"),
            }
            assert!(v.linkedin_add.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name="));
            assert!(v.shares.is_empty() && v.short.is_none() && v.locations.is_empty());
        }
    }

    #[test]
    fn short_link_needs_a_location_and_locations_are_checked() {
        let (_d, st, list) = loaded();
        assert_eq!(st.share_short(&list[0].id, None, Some(7), BASE).unwrap_err().code, "no-share-location");
        let bad = LocationDraft { name: "cloud".into(), url: "ftp://x".into(), user: None, password: None, public_url: None };
        assert_eq!(st.add_share_location(bad).unwrap_err().code, "share-location-config");
        let no_pw = LocationDraft { name: "cloud".into(), url: "https://dav.example.org/s".into(), user: Some("sam".into()), password: None, public_url: None };
        assert_eq!(st.add_share_location(no_pw).unwrap_err().code, "share-secret-missing");
        assert!(st.share_locations().unwrap().is_empty(), "a refused location is not kept");
        let ok = LocationDraft { name: "open".into(), url: "http://127.0.0.1:9/dav".into(), user: None, password: None, public_url: None };
        let locs = st.add_share_location(ok).unwrap();
        assert_eq!(locs.len(), 1);
        assert_eq!(locs[0].target, "http://127.0.0.1:9/dav/");
        // Nothing listens on port 9: a clear error and no share record.
        let e = st.share_short(&list[0].id, None, None, BASE).unwrap_err();
        assert_eq!(e.code, "share-host-unreachable", "{e:?}");
        assert!(st.shares().unwrap().is_empty());
        assert!(st.remove_share_location("open").unwrap().is_empty());
    }

    #[test]
    fn presentation_is_written_and_verifies_and_exports_are_files() {
        let (d, st, list) = loaded();
        let signed: Vec<String> =
            list.iter().filter(|s| s.format == backpack::model::Format::Ob3JsonLd).map(|s| s.id.clone()).take(2).collect();
        let w = st.present(&signed, Some("n-0S6_WzA2Mj".into()), Some("employer.example".into()), d.path()).unwrap();
        let bytes = std::fs::read(&w.path).unwrap();
        let input = backpack::import::Input::Text { label: "vp".into(), text: String::from_utf8(bytes).unwrap() };
        let r = backpack::verify::verify_input(&input, &backpack::verify::VerifyOptions { fetcher: None, now: chrono::Utc::now() });
        assert_eq!(r.verdict, backpack::verify::Verdict::Valid, "{r:?}");
        for f in ["png", "pdf"] {
            let w = st.export_image(&signed[0], f, BASE, "nl", d.path()).unwrap();
            let b = std::fs::read(&w.path).unwrap();
            assert!(b.starts_with(if f == "png" { b"\x89PNG" } else { b"%PDF-" }), "{f}");
        }
        assert_eq!(st.export_image(&signed[0], "docx", BASE, "en", d.path()).unwrap_err().code, "invalid-format");
    }
}
