//! Declares the app's commands so tauri-build generates an `allow-<command>` /
//! `deny-<command>` permission for each; capabilities/main.json grants them to
//! the main window, and nothing else can call them.

const COMMANDS: &[&str] = &[
    "app_info",
    "trust_status",
    "refresh_trusted_lists",
    "search_credentials",
    "credential_facets",
    "credential_detail",
    "card_pictures",
    "import_items",
    "load_sample",
    "launch_items",
    "verify_credential",
    "remove_credential",
    "undo_remove",
    "export_credential",
    "create_backup",
    "restore_backup",
    "get_settings",
    "set_settings",
    "first_screen",
    "list_pathways",
    "get_pathway",
    "create_pathway",
    "update_pathway",
    "add_to_pathway",
    "remove_from_pathway",
    "delete_pathway",
    "pathway_suggestions",
    "import_pathway",
    "export_pathway",
    "request_exemption",
    "share_view",
    "share_short",
    "revoke_share",
    "list_shares",
    "prune_shares",
    "list_share_locations",
    "add_share_location",
    "remove_share_location",
    "publish_verifier_page",
    "check_verifier_page",
    "present_credentials",
    "receive_preview",
    "receive_picture",
    "receive_file",
    "receive_start",
    "receive_cancel",
    "list_pending",
    "poll_pending",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
