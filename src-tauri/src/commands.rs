//! The `#[tauri::command]`s: each one moves a [`crate::service`] call off the
//! UI thread and returns a typed result or an [`AppError`] `{code, message}`.
//! No logic lives here. Every command has a generated `allow-…` permission
//! (build.rs) granted to the main window in capabilities/main.json.

use std::collections::HashMap;
use std::path::PathBuf;

use backpack::import::{Fetcher, ImportOptions};
use backpack::pathway::Suggestion;
use backpack::store::RestoreReport;
use backpack::verify::VerifyOptions;
use base64::Engine;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dto::{
    AppInfo, Detail, DossierWritten, ExemptionRequest, ImportItem, ImportProgress, ItemResult, LaunchItems, LocationDraft, LocationView,
    PathwayDraft, PathwayImported, PathwayView, ReportView, ShareRow, ShareView, Written,
};
use crate::error::{AppError, AppResult};
use crate::service::AppState;
use crate::settings::{self, Settings};

/// Run `f` on the blocking pool with the app state.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?
}

fn import_with_progress(st: &AppState, items: Vec<ImportItem>, on_progress: &Channel<ImportProgress>) -> Vec<ItemResult> {
    // The network only for what needs it (URLs, linked badge classes); no client, no network.
    let opts = ImportOptions { fetcher: Fetcher::new().ok() };
    st.import_items(items, &opts, |done, total, r| {
        let _ = on_progress.send(ImportProgress { done, total, result: r.clone() });
    })
}

fn user_dir(pick: impl Fn(&directories::UserDirs) -> Option<&std::path::Path>, st: &AppState) -> PathBuf {
    if let Some(d) = std::env::var_os("BACKPACK_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    directories::UserDirs::new()
        .and_then(|u| pick(&u).map(|p| p.to_path_buf()).or_else(|| Some(u.home_dir().to_path_buf())))
        .unwrap_or_else(|| st.data_dir.clone())
}

#[tauri::command]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> AppResult<AppInfo> {
    blocking(app, |st| Ok(st.info())).await
}

/// All summaries (`Store::list`), as JSON made once on the Rust side.
#[tauri::command]
pub async fn list_credentials<R: Runtime>(app: AppHandle<R>) -> AppResult<tauri::ipc::Response> {
    blocking(app, |st| {
        let t0 = std::time::Instant::now();
        let json = st.list_json();
        timing("list", t0);
        json.map(tauri::ipc::Response::new)
    })
    .await
}

/// The first `limit` summaries and how many there are (the first screen), as JSON.
#[tauri::command]
pub async fn list_head<R: Runtime>(app: AppHandle<R>, limit: usize) -> AppResult<tauri::ipc::Response> {
    blocking(app, move |st| {
        let t0 = std::time::Instant::now();
        let json = st.list_head_json(limit);
        timing("list-head", t0);
        json.map(tauri::ipc::Response::new)
    })
    .await
}

/// With `BACKPACK_TIMING` set, log how long a step took (stderr).
pub fn timing(step: &str, since: std::time::Instant) {
    if std::env::var_os("BACKPACK_TIMING").is_some() {
        eprintln!("backpack-timing {step} {:.1} ms", since.elapsed().as_secs_f64() * 1000.0);
    }
}

#[tauri::command]
pub async fn credential_detail<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<Detail> {
    blocking(app, move |st| st.detail(&id)).await
}

#[tauri::command]
pub async fn card_pictures<R: Runtime>(app: AppHandle<R>, ids: Vec<String>) -> AppResult<HashMap<String, String>> {
    blocking(app, move |st| st.pictures(&ids)).await
}

#[tauri::command]
pub async fn import_items<R: Runtime>(
    app: AppHandle<R>,
    items: Vec<ImportItem>,
    on_progress: Channel<ImportProgress>,
) -> AppResult<Vec<ItemResult>> {
    blocking(app, move |st| Ok(import_with_progress(st, items, &on_progress))).await
}

#[tauri::command]
pub async fn load_sample<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ImportProgress>) -> AppResult<Vec<ItemResult>> {
    blocking(app, move |st| {
        let items = st.sample_items()?;
        Ok(import_with_progress(st, items, &on_progress))
    })
    .await
}

#[tauri::command]
pub fn launch_items(state: State<'_, AppState>) -> LaunchItems {
    let (items, problems) = state.take_launch();
    LaunchItems { items, problems }
}

#[tauri::command]
pub async fn verify_credential<R: Runtime>(app: AppHandle<R>, id: String, online: bool) -> AppResult<ReportView> {
    blocking(app, move |st| {
        let fetcher = if online { Some(Fetcher::new()?) } else { None };
        st.verify(&id, &VerifyOptions { fetcher, now: chrono::Utc::now() })
    })
    .await
}

#[tauri::command]
pub async fn remove_credential<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<String> {
    blocking(app, move |st| st.remove(&id)).await
}

#[tauri::command]
pub async fn undo_remove<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<()> {
    blocking(app, move |st| st.undo_remove(&id)).await
}

/// Save a credential into the Downloads folder: `original` bytes, the `json` model, baked `png`/`svg`, or a one-page `pdf`.
#[tauri::command]
pub async fn export_credential<R: Runtime>(app: AppHandle<R>, id: String, format: String, lang: Option<String>) -> AppResult<Written> {
    blocking(app, move |st| {
        let dir = user_dir(|u| u.download_dir(), st);
        match format.as_str() {
            "png" | "svg" | "pdf" => st.export_image(&id, &format, &verifier_base(st), lang.as_deref().unwrap_or("en"), &dir),
            _ => st.export(&id, &format, &dir),
        }
    })
    .await
}

/// Write an encrypted backup into the Documents folder.
#[tauri::command]
pub async fn create_backup<R: Runtime>(app: AppHandle<R>, passphrase: String) -> AppResult<Written> {
    blocking(app, move |st| st.backup(&passphrase, &user_dir(|u| u.document_dir(), st))).await
}

/// Restore from a backup file the user picked (base64 bytes), merging unless `replace`.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(app: AppHandle<R>, base64: String, passphrase: String, replace: bool) -> AppResult<RestoreReport> {
    blocking(app, move |st| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(base64.as_bytes())
            .map_err(|e| AppError::new("bad-upload", format!("the file did not arrive intact: {e}")))?;
        st.restore(&bytes, &passphrase, replace)
    })
    .await
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    settings::load(state.config_dir.as_deref())
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> AppResult<Settings> {
    settings::save(state.config_dir.as_deref(), &settings)?;
    Ok(settings)
}

/// The UI calls this once the first screen is painted; the time since the
/// process started is logged when `BACKPACK_TIMING` is set (see scripts/measure.sh).
#[tauri::command]
pub fn first_screen(state: State<'_, AppState>, shown: usize, marks: HashMap<String, f64>) -> u128 {
    let ms = state.started.elapsed().as_millis();
    if std::env::var_os("BACKPACK_TIMING").is_some() {
        let epoch_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let mut marks: Vec<_> = marks.into_iter().collect();
        marks.sort_by(|a, b| a.1.total_cmp(&b.1));
        let marks: Vec<String> = marks.iter().map(|(k, v)| format!("{k}={v}")).collect();
        eprintln!(
            "backpack-timing first-screen ms_since_main={ms} epoch_ms={epoch_ms} cards={shown} page_ms[{}]",
            marks.join(" ")
        );
    }
    ms
}

// Pathways and the exemption dossier (see `crate::plans`).

#[tauri::command]
pub async fn list_pathways<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<PathwayView>> {
    blocking(app, |st| st.pathways()).await
}

/// One pathway with its progress (reads only its members).
#[tauri::command]
pub async fn get_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<PathwayView> {
    blocking(app, move |st| st.pathway(&id)).await
}

#[tauri::command]
pub async fn create_pathway<R: Runtime>(app: AppHandle<R>, draft: PathwayDraft, members: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.pathway_create(draft, members)).await
}

#[tauri::command]
pub async fn update_pathway<R: Runtime>(app: AppHandle<R>, id: String, draft: PathwayDraft) -> AppResult<PathwayView> {
    blocking(app, move |st| st.pathway_update(&id, draft)).await
}

#[tauri::command]
pub async fn add_to_pathway<R: Runtime>(app: AppHandle<R>, id: String, ids: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.pathway_add(&id, ids)).await
}

#[tauri::command]
pub async fn remove_from_pathway<R: Runtime>(app: AppHandle<R>, id: String, ids: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.pathway_remove(&id, ids)).await
}

#[tauri::command]
pub async fn delete_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<String> {
    blocking(app, move |st| st.pathway_delete(&id)).await
}

#[tauri::command]
pub async fn pathway_suggestions<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<Suggestion>> {
    blocking(app, |st| st.pathway_suggestions()).await
}

/// Load a pathway file the user picked (its text).
#[tauri::command]
pub async fn import_pathway<R: Runtime>(app: AppHandle<R>, text: String) -> AppResult<PathwayImported> {
    blocking(app, move |st| st.pathway_import(text.as_bytes())).await
}

/// Save the pathway file into the Documents folder.
#[tauri::command]
pub async fn export_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<Written> {
    blocking(app, move |st| st.pathway_export(&id, &user_dir(|u| u.document_dir(), st))).await
}

/// Write the exemption dossier into Documents (a new folder), verifying first when asked.
#[tauri::command]
pub async fn request_exemption<R: Runtime>(app: AppHandle<R>, request: ExemptionRequest, online: bool) -> AppResult<DossierWritten> {
    blocking(app, move |st| {
        let fetcher = if online && request.verify { Some(Fetcher::new()?) } else { None };
        st.request_exemption(request, &user_dir(|u| u.document_dir(), st), &VerifyOptions { fetcher, now: chrono::Utc::now() })
    })
    .await
}

// Sharing (see `crate::sharing`).

/// The verifier page's base URL: the one set in Settings, else the documented default.
fn verifier_base(st: &AppState) -> String {
    let s = settings::load(st.config_dir.as_deref());
    // `load` gives the defaults for settings the policy refuses, so this is the default at worst.
    backpack::app::links::verifier_base_or_default(Some(&s.verifier_url))
        .unwrap_or_else(|_| backpack::share::DEFAULT_VERIFIER_BASE.to_string())
}

#[tauri::command]
pub async fn share_view<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<ShareView> {
    blocking(app, move |st| st.share_view(&id, &verifier_base(st))).await
}

/// Encrypt and upload (a short link); `days` sets an expiry.
#[tauri::command]
pub async fn share_short<R: Runtime>(app: AppHandle<R>, id: String, location: Option<String>, days: Option<u32>) -> AppResult<ShareView> {
    blocking(app, move |st| st.share_short(&id, location.as_deref(), days, &verifier_base(st))).await
}

#[tauri::command]
pub async fn revoke_share<R: Runtime>(app: AppHandle<R>, share: String) -> AppResult<ShareView> {
    blocking(app, move |st| st.revoke_share(&share, &verifier_base(st))).await
}

#[tauri::command]
pub async fn list_shares<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<ShareRow>> {
    blocking(app, |st| st.shares()).await
}

#[tauri::command]
pub async fn prune_shares<R: Runtime>(app: AppHandle<R>) -> AppResult<usize> {
    blocking(app, |st| st.prune_shares()).await
}

#[tauri::command]
pub async fn list_share_locations<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<LocationView>> {
    blocking(app, |st| st.share_locations()).await
}

#[tauri::command]
pub async fn add_share_location<R: Runtime>(app: AppHandle<R>, location: LocationDraft) -> AppResult<Vec<LocationView>> {
    blocking(app, move |st| st.add_share_location(location)).await
}

#[tauri::command]
pub async fn remove_share_location<R: Runtime>(app: AppHandle<R>, name: String) -> AppResult<Vec<LocationView>> {
    blocking(app, move |st| st.remove_share_location(&name)).await
}

/// A holder-signed Verifiable Presentation, saved into the Downloads folder.
#[tauri::command]
pub async fn present_credentials<R: Runtime>(app: AppHandle<R>, ids: Vec<String>, challenge: Option<String>, domain: Option<String>) -> AppResult<Written> {
    blocking(app, move |st| st.present(&ids, challenge, domain, &user_dir(|u| u.download_dir(), st))).await
}
