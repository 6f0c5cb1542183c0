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
            commands::trust_status,
            commands::refresh_trusted_lists,
            commands::search_credentials,
            commands::credential_facets,
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
            commands::publish_verifier_page,
            commands::check_verifier_page,
            commands::present_credentials,
            commands::receive_preview,
            commands::receive_picture,
            commands::receive_file,
            commands::receive_start,
            commands::receive_cancel,
            commands::list_pending,
            commands::poll_pending,
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

        // An empty store: a search (JSON made on the Rust side; the filters as the UI sends them, or only some) and the facets.
        let filters = json!({ "query": "", "issuer": "", "year": "", "ects_min": null, "ects_max": null, "eqf": null, "status": "", "kind": "", "sort": "newest" });
        assert_eq!(invoke(&w, "search_credentials", json!({ "filters": filters, "offset": 0, "limit": 30 })), Ok(json!({ "total_matching": 0, "total": 0, "items": [] })));
        assert_eq!(invoke(&w, "search_credentials", json!({ "filters": { "query": "x" }, "offset": 0, "limit": 30 })), Ok(json!({ "total_matching": 0, "total": 0, "items": [] })));
        assert!(invoke(&w, "search_credentials", json!({ "filters": { "sort": "size" }, "offset": 0, "limit": 30 })).is_err());
        assert_eq!(invoke(&w, "credential_facets", json!({})), Ok(json!({ "issuers": [], "years": [], "eqf": [] })));

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

        // Receiving (in the same mock app: one fewer app built in this process).
        // Not an offer: refused by the core's parser before anything is sent, with its code.
        let e = invoke(&w, "receive_preview", json!({ "text": "hello, not an offer", "lang": "nl" })).unwrap_err();
        assert_eq!(e["code"], "bad-offer", "{e}");
        let e = invoke(&w, "receive_preview", json!({ "text": "openid-credential-offer://?nothing=1" })).unwrap_err();
        assert_eq!(e["code"], "bad-offer", "{e}");

        // A picture that is not a PNG, and one that does not arrive as base64.
        let e = invoke(&w, "receive_picture", json!({ "base64": "aGVsbG8=" })).unwrap_err();
        assert!(e["code"].is_string() && e["code"] != "bad-upload", "{e}");
        let e = invoke(&w, "receive_picture", json!({ "base64": "%%%" })).unwrap_err();
        assert_eq!(e["code"], "bad-upload", "{e}");

        // A bad offer accepted anyway: one rejected line, never an error of the command.
        let got = invoke(&w, "receive_start", json!({ "offer": "nope", "txCode": null, "onProgress": "__CHANNEL__:1" })).unwrap();
        assert_eq!(got.as_array().unwrap().len(), 1, "{got}");
        assert_eq!(got[0]["status"], "rejected");
        assert_eq!(got[0]["error"]["code"], "bad-offer", "{got}");
        assert_eq!(invoke(&w, "receive_cancel", json!({})), Ok(Value::Null));

        // The verifier page: publishing needs a location; the check answers with its JSON, or refuses a bad base.
        let e = invoke(&w, "publish_verifier_page", json!({ "name": "nowhere", "onProgress": "__CHANNEL__:2" })).unwrap_err();
        assert_eq!(e["code"], "no-share-location", "{e}");
        let e = invoke(&w, "check_verifier_page", json!({ "base": "http://example.org/" })).unwrap_err();
        assert_eq!(e["code"], "invalid-verifier-url", "{e}");
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{closed}/");
        let st = invoke(&w, "check_verifier_page", json!({ "base": base })).unwrap();
        assert_eq!(st["url"], base.as_str(), "{st}");
        assert_eq!(st["answer"], "unreachable", "{st}");
        assert_eq!(st["http_status"], Value::Null, "{st}");
        assert!(st["detail"].as_str().unwrap().contains("refused"), "{st}");

        // An empty store: nothing pending, nothing to ask for.
        assert_eq!(invoke(&w, "list_pending", json!({})), Ok(json!([])));
        assert_eq!(invoke(&w, "poll_pending", json!({})), Ok(json!([])));
    }

    /// The command line, as a user runs it, on its own store in `dir`.
    struct Cli(std::path::PathBuf);

    impl Cli {
        fn run(&self, args: &[&str]) -> std::process::Output {
            // The CLI built beside this test (target/debug/backpack): scripts/test.sh builds it first.
            let exe = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("backpack");
            assert!(exe.is_file(), "build the CLI first: cargo build --bin backpack ({} missing)", exe.display());
            std::process::Command::new(exe)
                .args(["--data-dir", self.0.to_str().unwrap()])
                .args(args)
                .env("BACKPACK_KEYRING", "off")
                .env("BACKPACK_PASSPHRASE", "ipc test passphrase")
                .env_remove("BACKPACK_VERIFIER_BASE")
                .output()
                .unwrap()
        }
        fn lines(&self, args: &[&str]) -> (std::process::Output, Vec<Value>) {
            let o = self.run(args);
            let v = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            (o, v)
        }
    }

    /// The app's whole list: one search without filters.
    fn app_list(w: &WebviewWindow<MockRuntime>) -> Vec<Value> {
        let page = invoke(w, "search_credentials", json!({ "filters": {}, "offset": 0, "limit": 1000 })).unwrap();
        assert_eq!(page["total"], page["items"].as_array().unwrap().len());
        page["items"].as_array().unwrap().clone()
    }

    fn stored(list: &[Value]) -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = list.iter().map(|c| (c["id"].as_str().unwrap().to_string(), c["verdict"].clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The same scenarios through the command line and through the app's
    /// commands, on two real stores: the same stored state and the same answers.
    #[test]
    fn the_command_line_and_the_app_give_the_same_answers() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(dir.path());
        let cli = Cli(dir.path().join("cli-data"));
        let input = dir.path().join("in");
        std::fs::create_dir_all(&input).unwrap();
        for (name, bytes) in backpack::sample::signed_credentials(None, Some(&backpack::sample::SampleIssuer::fixed())) {
            std::fs::write(input.join(name), bytes).unwrap();
        }
        std::fs::write(input.join("bad.json"), br#"{"hello": 1}"#).unwrap();

        // Import a folder with a bad file: the same per-item statuses, the same stored state (with verdicts).
        let (o, cli_items) = cli.lines(&["import", "--json", input.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "a rejected item is a failure");
        let app_items = invoke(&w, "import_items", json!({ "items": [{ "kind": "path", "path": input }], "onProgress": "__CHANNEL__:1" })).unwrap();
        let statuses = |items: &[Value]| {
            let mut v: Vec<(String, String)> = items.iter().map(|i| (i["source"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), i["status"].as_str().unwrap().to_string())).collect();
            v.sort();
            v
        };
        assert_eq!(statuses(&cli_items), statuses(app_items.as_array().unwrap()));
        let (_, cli_list) = cli.lines(&["list", "--json"]);
        assert_eq!(stored(&cli_list), stored(&app_list(&w)));
        assert!(cli_list.iter().all(|c| c["verdict"] == "valid"), "import verifies offline in both: {cli_list:?}");
        let ids: Vec<String> = stored(&cli_list).into_iter().map(|(id, _)| id).collect();

        // Search, filters, order and paging: the same core search, the same summaries.
        for (args, filters, offset, limit) in [
            (&["--query", "ENERGY"][..], json!({ "query": "ENERGY" }), 0, 30),
            (&["--kind", "micro", "--sort", "title", "--offset", "1", "--limit", "2"][..], json!({ "kind": "micro", "sort": "title" }), 1, 2),
            (&["--eqf", "6", "--sort", "ects"][..], json!({ "eqf": 6, "sort": "ects" }), 0, 30),
            (&["--ects-min", "4", "--ects-max", "7.5", "--status", "valid", "--sort", "issuer"][..], json!({ "ects_min": 4, "ects_max": 7.5, "status": "valid", "sort": "issuer" }), 0, 30),
        ] {
            let mut a = vec!["list", "--json"];
            a.extend_from_slice(args);
            let (_, cli_rows) = cli.lines(&a);
            let page = invoke(&w, "search_credentials", json!({ "filters": filters, "offset": offset, "limit": limit })).unwrap();
            assert_eq!(page["total"], cli_list.len());
            let app_rows = page["items"].as_array().unwrap();
            assert!(!app_rows.is_empty(), "{args:?}");
            // The same credentials in the same order (wallet ids are content-addressed; the times of the checks differ by store).
            let order = |rows: &[Value]| rows.iter().map(|r| (r["id"].clone(), r["title"].clone(), r["verdict"].clone())).collect::<Vec<_>>();
            assert_eq!(order(&cli_rows), order(app_rows), "{args:?}");
        }
        let facets = invoke(&w, "credential_facets", json!({})).unwrap();
        assert!(facets["issuers"].as_array().unwrap().len() >= 2, "{facets}");

        // Verify one again: the same verdict and checks.
        let (_, v) = cli.lines(&["verify", "--offline", "--json", &ids[0]]);
        let r = invoke(&w, "verify_credential", json!({ "id": ids[0], "online": false })).unwrap();
        assert_eq!(v[0]["verdict"], r["verdict"]);
        assert_eq!(v[0]["checks"], r["checks"]);

        // Links, QR code and LinkedIn: one payload choice.
        let qr = dir.path().join("qr.svg");
        let (o, s) = cli.lines(&["share", &ids[1], "--link", "--linkedin", "--qr", qr.to_str().unwrap(), "--json"]);
        let view = invoke(&w, "share_view", json!({ "id": ids[1] })).unwrap();
        match view["qr"].as_object() {
            Some(q) => {
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                assert_eq!((&s[0]["qr"]["kind"], &s[0]["qr"]["payload"]), (&q["kind"], &q["link"]));
                assert_eq!(s[0]["link"], view["self_contained"]);
                assert_eq!(s[0]["linkedin"]["add_to_profile"], view["linkedin_add"]);
                assert_eq!(s[0]["linkedin"]["share"], view["linkedin_share"]);
            }
            None => {
                assert_eq!(view["qr_problem"]["code"], "nothing-fits-qr");
                assert!(String::from_utf8_lossy(&o.stderr).contains("error[nothing-fits-qr]"));
            }
        }

        // The verifier URL policy: refused alike.
        let o = cli.run(&["share", &ids[1], "--link", "--base", "http://example.org/"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("error[invalid-verifier-url]"));
        let e = invoke(&w, "set_settings", json!({ "settings": { "language": "system", "theme": "system", "data_dir": null, "verifier_url": "http://example.org/" } })).unwrap_err();
        assert_eq!(e["code"], "invalid-verifier-url");

        // Export every format: the same bytes where they are fixed, the same kind of file otherwise.
        let out = dir.path().join("exports");
        std::env::set_var("BACKPACK_EXPORT_DIR", &out);
        let mut exported = 0;
        for format in ["original", "json", "png", "pdf"] {
            let f = dir.path().join(format!("cli.{format}"));
            for id in &ids {
                let o = cli.run(&["export", id, "--format", format, "-o", f.to_str().unwrap(), "--lang", "en"]);
                let written = invoke(&w, "export_credential", json!({ "id": id, "format": format, "lang": "en" }));
                let written = match (o.status.success(), written) {
                    (true, Ok(w)) => w,
                    // A credential without a picture of its own: refused alike, with the same code.
                    (false, Err(e)) => {
                        assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("error[{}]", e["code"].as_str().unwrap())), "{e}");
                        continue;
                    }
                    (cli_ok, app) => panic!("{format} {id}: the CLI {} ({}), the app {app:?}", if cli_ok { "exported" } else { "refused" }, String::from_utf8_lossy(&o.stderr)),
                };
                let (a, b) = (std::fs::read(&f).unwrap(), std::fs::read(written["path"].as_str().unwrap()).unwrap());
                match format {
                    "original" | "json" | "png" => assert_eq!(a, b, "{format}"),
                    _ => assert_eq!(a[..5], b[..5], "{format}"),
                }
                exported += 1;
            }
        }
        assert!(exported > ids.len() * 3, "original, json and pdf for all, png for some: {exported}");
        let e = invoke(&w, "export_credential", json!({ "id": ids[1], "format": "docx", "lang": "en" })).unwrap_err();
        assert_eq!(e["code"], "invalid-format");
        assert_eq!(cli.run(&["export", &ids[1], "--format", "docx"]).status.code(), Some(2));

        // A pathway with a member that has left the backpack, and its dossier.
        let three = [&ids[2], &ids[3], &ids[4]];
        let o = cli.run(&["pathway", "new", "Minor", "--add", three[0], "--add", three[1], "--add", three[2]]);
        let cli_pathway = String::from_utf8_lossy(&o.stdout).trim().to_string();
        let draft = json!({ "name": "Minor", "description": null, "goal": { "ects": null, "hours": null, "minEqf": null, "deadline": null, "requiredCredentials": [], "requiredOutcomes": [] } });
        let app_pathway = invoke(&w, "create_pathway", json!({ "draft": draft, "members": three })).unwrap();
        assert!(cli.run(&["remove", three[1]]).status.success());
        invoke(&w, "remove_credential", json!({ "id": three[1] })).unwrap();
        let (_, shown) = cli.lines(&["pathway", "show", &cli_pathway[..cli_pathway.len() - 2], "--json"]);
        let app_view = invoke(&w, "get_pathway", json!({ "id": app_pathway["id"] })).unwrap();
        assert_eq!(shown[0]["progress"]["missing"], app_view["progress"]["missing"]);
        assert_eq!(shown[0]["progress"]["ects"], app_view["progress"]["ects"]);
        let folder = dir.path().join("dossier-cli");
        let o = cli.run(&["dossier", "--pathway", &cli_pathway, "--out", folder.to_str().unwrap(), "--verify", "--offline", "--lang", "en"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains(three[1].as_str()));
        let request = json!({ "pathway": app_pathway["id"], "ids": [], "learner": null, "request": null, "lang": "en", "verify": true });
        let d = invoke(&w, "request_exemption", json!({ "request": request, "online": false })).unwrap();
        assert_eq!(d["credentials"], 2);
        assert_eq!(d["gone"], json!([three[1]]));
        assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), d["files"].as_array().unwrap().len());

        // The same stored state at the end (verdicts included): the app's list followed the removal and the verifications.
        let (_, cli_list) = cli.lines(&["list", "--json"]);
        assert_eq!(stored(&cli_list), stored(&app_list(&w)));
    }
}
