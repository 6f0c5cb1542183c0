//! The `#[tauri::command]`s: each maps its arguments onto one core use case
//! (`backpack::app`), runs it off the UI thread with the store lent by
//! [`AppState`], and returns a typed result or an [`AppError`] `{code,
//! message}`. No logic lives here. Every command has a generated `allow-…`
//! permission (build.rs) granted to the main window in capabilities/main.json.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use backpack::app::library::{self, Detail, ExportFormat, ReportView};
use backpack::app::receive::{self, OfferView, Received, ReceiveOptions, Step};
use backpack::app::search::{Facets, Filters};
use backpack::app::pathways::{self, DossierPlace, DossierWritten, ExemptionRequest, PathwayDraft, PathwayView};
use backpack::app::page::{self, PublishProgress, Published};
use backpack::app::shares::{self, LocationView, ShareRow, ShareView};
use backpack::share::page::PageStatus;
use backpack::app::{import as core_import, verify};
use backpack::import::{Fetcher, ImportOptions};
use backpack::pathway::Suggestion;
use backpack::receive::offer::TxCode;
use backpack::store::{PendingRow, RestoreReport};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dto::{AppInfo, ImportItem, ImportProgress, ItemResult, LaunchItems, PathwayImported, Written};
use crate::error::{AppError, AppResult};
use crate::settings::{self, Settings};
use crate::state::AppState;

/// Run `f` on the blocking pool with the app state.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| AppError::new("internal", e.to_string()))?
}

fn import_with_progress(st: &AppState, items: Vec<core_import::Item>, on_progress: &Channel<ImportProgress>) -> Vec<ItemResult> {
    // The network only for what needs it (URLs, linked badge classes); no client, no network.
    let opts = ImportOptions { fetcher: Fetcher::new().ok(), ..Default::default() };
    let mut access = st;
    let results = core_import::import(&mut access, items, &opts, |p| {
        let _ = on_progress.send(ImportProgress { done: p.done, total: p.total, result: p.result.into() });
    });
    results.iter().map(ItemResult::from).collect()
}

/// Write `bytes` as `name` into `dir`.
fn written(dir: &Path, name: &str, bytes: &[u8], count: usize) -> AppResult<Written> {
    Ok(Written { path: library::write_into(dir, name, bytes)?.display().to_string(), count })
}

fn verify_options(online: bool) -> AppResult<backpack::verify::VerifyOptions> {
    verify::options(!online, &[], None)
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

/// The EU trusted lists' snapshot Europass seals are checked against.
#[tauri::command]
pub async fn trust_status<R: Runtime>(app: AppHandle<R>) -> AppResult<backpack::app::trust::TrustStatus> {
    blocking(app, |_| Ok(backpack::app::trust::status())).await
}

/// "Refresh trusted lists" in Settings: fetch, verify, keep; the folder written.
#[tauri::command]
pub async fn refresh_trusted_lists<R: Runtime>(app: AppHandle<R>) -> AppResult<String> {
    blocking(app, |st| backpack::app::trust::refresh(&st.data_dir)).await
}

/// One page of the credentials matching `filters` (`backpack::app::search`;
/// the list and its index are kept in [`AppState`]), as JSON made on the Rust
/// side. The first screen is the first page with no filters.
#[tauri::command]
pub async fn search_credentials<R: Runtime>(app: AppHandle<R>, filters: Filters, offset: usize, limit: usize) -> AppResult<tauri::ipc::Response> {
    blocking(app, move |st| {
        let t0 = std::time::Instant::now();
        let json = st.search_json(&filters, offset, limit);
        timing("search", t0);
        json.map(tauri::ipc::Response::new)
    })
    .await
}

/// The issuers, years and EQF levels the filters offer.
#[tauri::command]
pub async fn credential_facets<R: Runtime>(app: AppHandle<R>) -> AppResult<Facets> {
    blocking(app, |st| st.facets()).await
}

/// With `BACKPACK_TIMING` set, log how long a step took (stderr).
pub fn timing(step: &str, since: std::time::Instant) {
    if std::env::var_os("BACKPACK_TIMING").is_some() {
        eprintln!("backpack-timing {step} {:.1} ms", since.elapsed().as_secs_f64() * 1000.0);
    }
}

#[tauri::command]
pub async fn credential_detail<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<Detail> {
    blocking(app, move |st| st.with(|s| library::detail(s, &id))).await
}

#[tauri::command]
pub async fn card_pictures<R: Runtime>(app: AppHandle<R>, ids: Vec<String>) -> AppResult<HashMap<String, String>> {
    blocking(app, move |st| st.with(|s| library::pictures(s, &ids))).await
}

#[tauri::command]
pub async fn import_items<R: Runtime>(app: AppHandle<R>, items: Vec<ImportItem>, on_progress: Channel<ImportProgress>) -> AppResult<Vec<ItemResult>> {
    blocking(app, move |st| Ok(import_with_progress(st, items.into_iter().map(Into::into).collect(), &on_progress))).await
}

#[tauri::command]
pub async fn load_sample<R: Runtime>(app: AppHandle<R>, on_progress: Channel<ImportProgress>) -> AppResult<Vec<ItemResult>> {
    blocking(app, move |st| Ok(import_with_progress(st, library::sample_items(None), &on_progress))).await
}

#[tauri::command]
pub fn launch_items(state: State<'_, AppState>) -> LaunchItems {
    let (items, problems) = state.take_launch();
    LaunchItems { items, problems }
}

#[tauri::command]
pub async fn verify_credential<R: Runtime>(app: AppHandle<R>, id: String, online: bool) -> AppResult<ReportView> {
    blocking(app, move |st| verify_options(online).and_then(|opts| st.change(|s| verify::verify_stored(s, &id, &opts)))).await
}

#[tauri::command]
pub async fn remove_credential<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<String> {
    blocking(app, move |st| st.change(|s| Ok(s.trash(&id)?))).await
}

#[tauri::command]
pub async fn undo_remove<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<()> {
    blocking(app, move |st| st.change(|s| Ok(s.untrash(&id)?))).await
}

/// Save a credential into the Downloads folder: `original` bytes, the `json` model, baked `png`/`svg`, or a one-page `pdf`.
#[tauri::command]
pub async fn export_credential<R: Runtime>(app: AppHandle<R>, id: String, format: String, lang: Option<String>) -> AppResult<Written> {
    blocking(app, move |st| {
        let format = ExportFormat::parse(&format)?;
        let lang = backpack::model::Lang::parse(lang.as_deref().unwrap_or("en"));
        let chosen = chosen_base(st);
        let e = st.with(|s| {
            let opts = library::ExportOptions { into: None, base: backpack::app::links::base_for(s, chosen.as_deref(), None)?, lang };
            library::export(s, &id, format, &opts)
        })?;
        written(&user_dir(|u| u.download_dir(), st), &e.file_name, &e.bytes, 1)
    })
    .await
}

/// Write an encrypted backup into the Documents folder.
#[tauri::command]
pub async fn create_backup<R: Runtime>(app: AppHandle<R>, passphrase: String) -> AppResult<Written> {
    blocking(app, move |st| {
        library::check_chosen_passphrase(&passphrase)?;
        let (path, count) = st.with(|s| library::backup_into(s, &user_dir(|u| u.document_dir(), st), &passphrase))?;
        Ok(Written { path: path.display().to_string(), count })
    })
    .await
}

/// Restore from a backup file the user picked (base64 bytes), merging unless `replace`.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(app: AppHandle<R>, base64: String, passphrase: String, replace: bool) -> AppResult<RestoreReport> {
    blocking(app, move |st| crate::dto::upload(&base64).and_then(|bytes| st.change(|s| library::restore_bytes(s, &bytes, &passphrase, replace)))).await
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
        let epoch_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let mut marks: Vec<_> = marks.into_iter().collect();
        marks.sort_by(|a, b| a.1.total_cmp(&b.1));
        let marks: Vec<String> = marks.iter().map(|(k, v)| format!("{k}={v}")).collect();
        eprintln!("backpack-timing first-screen ms_since_main={ms} epoch_ms={epoch_ms} cards={shown} page_ms[{}]", marks.join(" "));
    }
    ms
}

// Pathways and the exemption dossier (`backpack::app::pathways`).

#[tauri::command]
pub async fn list_pathways<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<PathwayView>> {
    blocking(app, |st| st.with(|s| pathways::views(s))).await
}

/// One pathway with its progress (reads only its members).
#[tauri::command]
pub async fn get_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<PathwayView> {
    blocking(app, move |st| st.with(|s| pathways::view(s, &id))).await
}

#[tauri::command]
pub async fn create_pathway<R: Runtime>(app: AppHandle<R>, draft: PathwayDraft, members: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.with(|s| pathways::create(s, draft, &members).and_then(|id| pathways::view(s, &id)))).await
}

#[tauri::command]
pub async fn update_pathway<R: Runtime>(app: AppHandle<R>, id: String, draft: PathwayDraft) -> AppResult<PathwayView> {
    blocking(app, move |st| st.with(|s| pathways::update(s, &id, draft).and_then(|()| pathways::view(s, &id)))).await
}

#[tauri::command]
pub async fn add_to_pathway<R: Runtime>(app: AppHandle<R>, id: String, ids: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.with(|s| {
        s.add_to_pathway(&id, &ids)?;
        pathways::view(s, &id)
    }))
    .await
}

#[tauri::command]
pub async fn remove_from_pathway<R: Runtime>(app: AppHandle<R>, id: String, ids: Vec<String>) -> AppResult<PathwayView> {
    blocking(app, move |st| st.with(|s| {
        s.remove_from_pathway(&id, &ids)?;
        pathways::view(s, &id)
    }))
    .await
}

#[tauri::command]
pub async fn delete_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<String> {
    blocking(app, move |st| st.with(|s| Ok(s.delete_pathway(&id)?))).await
}

#[tauri::command]
pub async fn pathway_suggestions<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<Suggestion>> {
    blocking(app, |st| st.with(|s| pathways::suggestions(s))).await
}

/// Load a pathway file the user picked (its text).
#[tauri::command]
pub async fn import_pathway<R: Runtime>(app: AppHandle<R>, text: String) -> AppResult<PathwayImported> {
    blocking(app, move |st| {
        st.with(|s| {
            let got = pathways::import_bytes(s, text.as_bytes())?;
            Ok(PathwayImported { pathway: pathways::view(s, &got.pathway.id)?, not_held: got.not_held })
        })
    })
    .await
}

/// Save the pathway file into the Documents folder.
#[tauri::command]
pub async fn export_pathway<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<Written> {
    blocking(app, move |st| {
        let (file, members) = st.with(|s| pathways::export_file(s, &id))?;
        written(&user_dir(|u| u.document_dir(), st), &file.file_name, &file.bytes, members)
    })
    .await
}

/// Write the exemption dossier into Documents (a new folder), verifying first when asked.
#[tauri::command]
pub async fn request_exemption<R: Runtime>(app: AppHandle<R>, request: ExemptionRequest, online: bool) -> AppResult<DossierWritten> {
    blocking(app, move |st| {
        let opts = verify_options(online && request.verify)?;
        let place = DossierPlace::Under(user_dir(|u| u.document_dir(), st));
        st.change(|s| pathways::dossier(s, request, place, &opts))
    })
    .await
}

// Sharing (`backpack::app::links`, `backpack::app::shares`).

/// The Share dialog's view of a credential (`backpack::app::shares::view`).
fn share_view_of(st: &AppState, id: &str) -> AppResult<ShareView> {
    let chosen = chosen_base(st);
    st.with(|s| shares::view(s, id, chosen.as_deref(), &chrono::Utc::now()))
}

/// The verifier page's base URL set in Settings, if any (else the core
/// chooses: a share location's published page, else the default).
fn chosen_base(st: &AppState) -> Option<String> {
    // `load` gives the defaults (no URL) for settings the policy refuses.
    Some(settings::load(st.config_dir.as_deref()).verifier_url).filter(|u| !u.trim().is_empty())
}

#[tauri::command]
pub async fn share_view<R: Runtime>(app: AppHandle<R>, id: String) -> AppResult<ShareView> {
    blocking(app, move |st| share_view_of(st, &id)).await
}

/// Encrypt and upload (a short link); `days` sets an expiry.
#[tauri::command]
pub async fn share_short<R: Runtime>(app: AppHandle<R>, id: String, location: Option<String>, days: Option<u32>) -> AppResult<ShareView> {
    blocking(app, move |st| {
        let now = chrono::Utc::now();
        let chosen = chosen_base(st);
        st.with(|s| shares::create(s, &id, location.as_deref(), days.map(|d| shares::expiry(now, d)), chosen.as_deref(), now))?;
        share_view_of(st, &id)
    })
    .await
}

#[tauri::command]
pub async fn revoke_share<R: Runtime>(app: AppHandle<R>, share: String) -> AppResult<ShareView> {
    blocking(app, move |st| share_view_of(st, &st.with(|s| shares::revoke(s, &share, chrono::Utc::now()))?.credential)).await
}

#[tauri::command]
pub async fn list_shares<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<ShareRow>> {
    blocking(app, |st| st.with(|s| shares::list(s, None, &chrono::Utc::now()))).await
}

#[tauri::command]
pub async fn prune_shares<R: Runtime>(app: AppHandle<R>) -> AppResult<usize> {
    blocking(app, |st| Ok(st.with(|s| shares::prune(s, chrono::Utc::now()))?.iter().filter(|(_, r)| r.is_ok()).count())).await
}

#[tauri::command]
pub async fn list_share_locations<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<LocationView>> {
    blocking(app, |st| st.with(|s| shares::locations(s))).await
}

#[tauri::command]
pub async fn add_share_location<R: Runtime>(app: AppHandle<R>, location: crate::dto::LocationDraft) -> AppResult<Vec<LocationView>> {
    blocking(app, move |st| {
        let (draft, password) = location.into_parts();
        st.with(|s| {
            let (_, warning) = shares::add_location(s, draft, |_| Ok(password), chrono::Utc::now())?;
            warning.map_or(Ok(()), Err)?;
            shares::locations(s)
        })
    })
    .await
}

#[tauri::command]
pub async fn remove_share_location<R: Runtime>(app: AppHandle<R>, name: String) -> AppResult<Vec<LocationView>> {
    blocking(app, move |st| st.with(|s| shares::remove_location(s, &name).and_then(|_| shares::locations(s)))).await
}

/// "Publish verifier page" on a share location (`backpack::app::page::publish`):
/// each file's upload on the channel, the page's URL at the end.
#[tauri::command]
pub async fn publish_verifier_page<R: Runtime>(app: AppHandle<R>, name: String, on_progress: Channel<PublishProgress>) -> AppResult<Published> {
    blocking(app, move |st| {
        let mut access = st;
        page::publish(&mut access, &name, |p| {
            let _ = on_progress.send(p.clone());
        })
    })
    .await
}

/// Does the verifier page answer at `base` (the Share dialog's, before sharing)?
#[tauri::command]
pub async fn check_verifier_page<R: Runtime>(app: AppHandle<R>, base: String) -> AppResult<PageStatus> {
    blocking(app, move |_| page::check(&base)).await
}

/// A holder-signed Verifiable Presentation, saved into the Downloads folder.
#[tauri::command]
pub async fn present_credentials<R: Runtime>(app: AppHandle<R>, ids: Vec<String>, challenge: Option<String>, domain: Option<String>) -> AppResult<Written> {
    blocking(app, move |st| {
        let keys = backpack::keys::KeyOptions::from_env();
        let p = st.with(|s| library::present(s, &ids, challenge, domain, &keys))?;
        written(&user_dir(|u| u.download_dir(), st), &library::stamped("backpack-presentation", "json"), &p.body, p.count)
    })
    .await
}

// Receiving from an issuer (`backpack::app::receive`): the offer screen first
// (`receive_preview`), then `receive_start` once the user accepted it.

/// The app's part of a receive: the offer was accepted on the offer screen
/// already, the PIN was asked for before starting (a wrong one comes back as
/// `tx-code-wrong` and the screen asks again), the browser is the default
/// one, Cancel sets the flag, and progress goes to the screen's channel.
struct AppUi<'a> {
    cancel: &'a AtomicBool,
    progress: Option<&'a Channel<Step>>,
}

impl receive::Ui for AppUi<'_> {
    fn offered(&self, _view: &OfferView) -> bool {
        true
    }
    fn tx_code(&self, _prompt: &TxCode, _error: Option<&str>) -> Option<String> {
        None
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
    fn step(&self, step: Step) {
        if let Some(p) = self.progress {
            let _ = p.send(step);
        }
    }
}

fn receive_lang(lang: Option<String>) -> String {
    backpack::model::Lang::parse(lang.as_deref().unwrap_or("en")).code().to_string()
}

/// Who offers what (the offer screen), before anything is sent to the issuer.
#[tauri::command]
pub async fn receive_preview<R: Runtime>(app: AppHandle<R>, text: String, lang: Option<String>) -> AppResult<OfferView> {
    blocking(app, move |_| receive::preview(&text, &receive_lang(lang))).await
}

/// The offer in a pasted or dropped picture of its QR code (base64 PNG bytes).
#[tauri::command]
pub async fn receive_picture<R: Runtime>(app: AppHandle<R>, base64: String) -> AppResult<String> {
    blocking(app, move |_| crate::dto::upload(&base64).and_then(|bytes| receive::offer_from_picture(&bytes))).await
}

/// The offer in a file dropped on the Receive screen: a PNG picture of its QR code, else its text.
#[tauri::command]
pub async fn receive_file<R: Runtime>(app: AppHandle<R>, path: String) -> AppResult<String> {
    blocking(app, move |_| receive::offer_text(&path, std::io::empty())).await
}

/// Receive what the accepted offer (`OfferView::offer`) offers, with the PIN the screen asked for.
#[tauri::command]
pub async fn receive_start<R: Runtime>(app: AppHandle<R>, offer: String, tx_code: Option<String>, lang: Option<String>, on_progress: Channel<Step>) -> AppResult<Vec<Received>> {
    blocking(app, move |st| {
        st.receive_cancel.store(false, Ordering::SeqCst);
        let opts = ReceiveOptions { tx_code: tx_code.filter(|c| !c.is_empty()), lang: receive_lang(lang), ..Default::default() };
        let ui = AppUi { cancel: &st.receive_cancel, progress: Some(&on_progress) };
        let mut access = st;
        Ok(receive::receive(&mut access, &backpack::keys::KeyOptions::from_env(), &offer, &opts, &ui))
    })
    .await
}

/// Stop a running receive (the wait for the browser sign-in).
#[tauri::command]
pub fn receive_cancel(state: State<'_, AppState>) {
    state.receive_cancel.store(true, Ordering::SeqCst);
}

/// The credentials an issuer will deliver later.
#[tauri::command]
pub async fn list_pending<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<PendingRow>> {
    blocking(app, |st| st.with(|s| receive::pending(s))).await
}

/// "Check again": ask the issuers for every pending credential that is due
/// (never sooner than the wait each issuer asked for; the others stay pending).
#[tauri::command]
pub async fn poll_pending<R: Runtime>(app: AppHandle<R>) -> AppResult<Vec<Received>> {
    blocking(app, |st| {
        let ui = AppUi { cancel: &st.receive_cancel, progress: None };
        let mut access = st;
        Ok(receive::receive_pending(&mut access, &backpack::keys::KeyOptions::from_env(), false, &ui))
    })
    .await
}
