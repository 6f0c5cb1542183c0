fn main() {
    // Declaring the app's own commands makes tauri-build generate `allow-<command>` /
    // `deny-<command>` permissions for them, so each one must be granted by a capability
    // (see capabilities/main.json) before the front end can call it.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["app_info"])),
    )
    .expect("failed to run tauri-build");
}
