//! Backpack's desktop app (Tauri 2): builds the app around one [`AppState`]
//! (the open store, [`state`]) and registers the commands in [`commands`],
//! which map IPC calls onto the core's use-case layer (`backpack::app`) and
//! its results into [`dto`]s. All behaviour is in the core; the web UI in
//! `ui/` matches on the error codes of [`error::AppError`].

#[cfg(test)]
mod bindings;
pub mod commands;
pub mod dto;
pub mod error;
pub mod launch;
pub mod settings;
pub mod state;

use std::path::PathBuf;

use backpack::keys::KeyOptions;

pub use state::AppState;

/// The data folder: `BACKPACK_DATA_DIR`, else the one chosen in Settings, else the OS default.
pub fn data_dir(s: &settings::Settings) -> PathBuf {
    if let Some(d) = std::env::var_os("BACKPACK_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    s.data_dir
        .as_ref()
        .map(PathBuf::from)
        .or_else(backpack::default_data_dir)
        .unwrap_or_else(|| PathBuf::from("backpack-data"))
}

/// WebKitGTK draws the page without GPU compositing unless the user asks for
/// it with `WEBKIT_DISABLE_COMPOSITING_MODE=0`. Measured with 10,000
/// credentials (`e2e/measure.sh`): the web process's private memory drops from
/// 118–131 MB to 54 MB and the first screen paints 60–150 ms sooner; a page of
/// cards and forms gains nothing from the GPU. (WebKit reads the variable when
/// the first web view is made, and hands it to its own processes.)
fn rendering_defaults() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // Called first in run(), before any other thread exists.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    rendering_defaults();
    let config_dir = settings::config_dir();
    let s = settings::load(config_dir.as_deref());
    let t0 = std::time::Instant::now();
    let state = AppState::open(data_dir(&s), config_dir, &KeyOptions::from_env());
    commands::timing("store-open", t0);
    let (items, problems) = launch::parse_args(std::env::args().skip(1));
    state.set_launch(items, problems);

    let builder = tauri::Builder::default()
        // First: a second launch ("open with", a backpack:// link) hands its
        // arguments to the running window and exits, instead of opening the
        // same encrypted store twice.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            use tauri::{Emitter, Manager};
            let (items, problems) = launch::parse_args(argv.into_iter().skip(1));
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
            if !items.is_empty() || !problems.is_empty() {
                let _ = app.emit("launch", dto::LaunchItems { items, problems });
            }
        }));
    app(builder, state)
        .run(tauri::generate_context!())
        .expect("error while running the Backpack app");
}

/// The app on any runtime: the state, the start-up timing hooks and every
/// command. [`run`] gives it the real runtime (and the single-instance
/// plugin); the IPC test below gives it `tauri::test::mock_builder()`.
pub fn app<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        // BACKPACK_TIMING=1: where the start goes before the UI's own marks.
        .setup(|app| {
            use tauri::Manager;
            commands::timing("setup", app.state::<AppState>().started);
            Ok(())
        })
        .on_page_load(|webview, payload| {
            use tauri::Manager;
            let step = match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page-load-started",
                tauri::webview::PageLoadEvent::Finished => "page-load-finished",
            };
            commands::timing(step, webview.state::<AppState>().started);
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_credentials,
            commands::list_head,
            commands::credential_detail,
            commands::card_pictures,
            commands::import_items,
            commands::load_sample,
            commands::launch_items,
            commands::verify_credential,
            commands::remove_credential,
            commands::undo_remove,
            commands::export_credential,
            commands::create_backup,
            commands::restore_backup,
            commands::get_settings,
            commands::set_settings,
            commands::first_screen,
            commands::list_pathways,
            commands::get_pathway,
            commands::create_pathway,
            commands::update_pathway,
            commands::add_to_pathway,
            commands::remove_from_pathway,
            commands::delete_pathway,
            commands::pathway_suggestions,
            commands::import_pathway,
            commands::export_pathway,
            commands::request_exemption,
            commands::share_view,
            commands::share_short,
            commands::revoke_share,
            commands::list_shares,
            commands::prune_shares,
            commands::list_share_locations,
            commands::add_share_location,
            commands::remove_share_location,
            commands::present_credentials,
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_choose_the_data_folder_unless_the_environment_does() {
        let s = settings::Settings { data_dir: Some("/srv/my-backpack".into()), ..Default::default() };
        if std::env::var_os("BACKPACK_DATA_DIR").is_none() {
            assert_eq!(data_dir(&s), PathBuf::from("/srv/my-backpack"));
        }
    }
}

/// One command list in three places must agree: build.rs (permissions), the
/// handler list above and capabilities/main.json (grants). A command missing
/// from the grants is refused in the real window while every unit test passes.
#[cfg(test)]
mod command_lists {
    fn quoted(s: &str) -> Vec<String> {
        s.split('"').skip(1).step_by(2).map(str::to_string).collect()
    }

    #[test]
    fn capability_and_handlers_name_every_command() {
        let build = include_str!("../build.rs");
        let start = build.find("const COMMANDS").unwrap();
        let end = build[start..].find("];").unwrap() + start;
        let mut commands = quoted(&build[start..end]);
        commands.sort();

        let caps: serde_json::Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let mut granted: Vec<String> = caps["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect();
        granted.sort();
        assert_eq!(granted, commands, "capabilities/main.json");

        let lib = include_str!("lib.rs");
        let start = lib.find("generate_handler![").unwrap();
        let end = lib[start..].find("])").unwrap() + start;
        let mut handled: Vec<String> =
            lib[start..end].split("commands::").skip(1).filter_map(|s| s.split(',').next()).map(|s| s.trim().to_string()).filter(|s| !s.contains(' ')).collect();
        handled.sort();
        handled.dedup();
        assert_eq!(handled, commands, "generate_handler! in lib.rs");
    }
}

/// The app through real IPC, as the web view reaches it (Tauri's `test`
/// runtime, as in Tauri's own `examples/api`): [`app`] on
/// `tauri::test::mock_builder()`, a window, and commands invoked by name with
/// JSON arguments; the answers are the JSON the UI gets.
#[cfg(test)]
mod ipc {
    use super::*;
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY, MockRuntime};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindow;

    fn window(dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        // A passphrase store in a temporary data folder, opened as `run` opens one.
        let opts = KeyOptions { passphrase: Some("ipc test passphrase".into()), keyring_off: true };
        let state = AppState::open(dir.join("data"), Some(dir.join("config")), &opts);
        let app = app(mock_builder(), state).build(mock_context(noop_assets())).expect("the app builds");
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("the main window");
        (app, w)
    }

    fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(w, request).map(|b| b.deserialize::<Value>().expect("a JSON answer"))
    }

    #[test]
    fn commands_answer_over_ipc_with_the_json_the_ui_expects() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(dir.path());

        // An empty store: the list (JSON made on the Rust side) and its first page.
        assert_eq!(invoke(&w, "list_credentials", json!({})), Ok(json!([])));
        assert_eq!(invoke(&w, "list_head", json!({ "limit": 20 })), Ok(json!({ "total": 0, "items": [] })));

        let info = invoke(&w, "app_info", json!({})).unwrap();
        assert_eq!(info["name"], "Backpack");
        assert_eq!(info["key"], "passphrase");
        assert_eq!(info["store_error"], Value::Null);
        assert_eq!(info["data_dir"], dir.path().join("data").display().to_string());

        // Errors arrive as {code, message}, with the core's stable code.
        let e = invoke(&w, "credential_detail", json!({ "id": "0123456789abcdef" })).unwrap_err();
        assert_eq!(e["code"], "not-found", "{e}");
        assert!(e["message"].as_str().unwrap().contains("0123456789abcdef"), "{e}");
        assert_eq!(e.as_object().unwrap().len(), 2, "{e}");

        // Arguments are read as the UI sends them (camelCase keys for pathway drafts' goals).
        let draft = json!({ "name": "  ", "description": null, "goal": { "ects": 30, "hours": null, "minEqf": null, "deadline": null, "requiredCredentials": [], "requiredOutcomes": [] } });
        let e = invoke(&w, "create_pathway", json!({ "draft": draft, "members": [] })).unwrap_err();
        assert_eq!(e["code"], "invalid-pathway", "{e}");
        assert_eq!(invoke(&w, "list_pathways", json!({})), Ok(json!([])));

        // Settings live in the config folder given to the state; a bad value is refused by code.
        let s = invoke(&w, "get_settings", json!({})).unwrap();
        assert_eq!(s, json!({ "language": "system", "theme": "system", "data_dir": null, "verifier_url": "" }));
        let e = invoke(&w, "set_settings", json!({ "settings": { "language": "fr", "theme": "system", "data_dir": null, "verifier_url": "" } })).unwrap_err();
        assert_eq!(e["code"], "invalid-language", "{e}");

        // A command the app does not have is refused, not answered.
        assert!(invoke(&w, "no_such_command", json!({})).is_err());
    }
}
