//! Backpack desktop app shell (Tauri 2). The real app comes later; for now the
//! front end can only ask for [`app_info`].

use serde::Serialize;

// The shell links the core library so that it always builds against it; nothing
// from it is called yet.
use backpack as _;

/// What the front end shows in its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub name: &'static str,
}

/// `invoke("app_info")` → `{ "version": "0.1.0", "name": "Backpack" }`.
#[tauri::command]
fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        name: "Backpack",
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_info])
        .run(tauri::generate_context!())
        .expect("error while running the Backpack app");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_serializes_name_and_version() {
        let json = serde_json::to_value(app_info()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "name": "Backpack" })
        );
    }
}
