// Tauri isolation pattern: every IPC message from the UI passes through this
// sandboxed frame before it is encrypted and sent to the core. Only Backpack's
// own commands and Tauri's internal plugin calls (events, channels) may pass.
const ALLOWED = new Set([
  "app_info", "list_credentials", "list_head", "credential_detail", "card_pictures", "import_items",
  "load_sample", "launch_items", "verify_credential", "remove_credential", "undo_remove",
  "export_credential", "create_backup", "restore_backup", "get_settings", "set_settings",
  "first_screen", "list_pathways", "get_pathway", "create_pathway", "update_pathway", "add_to_pathway",
  "remove_from_pathway", "delete_pathway", "pathway_suggestions", "import_pathway", "export_pathway",
  "request_exemption", "share_view", "share_short", "revoke_share", "list_shares", "prune_shares",
  "list_share_locations", "add_share_location", "remove_share_location", "present_credentials",
]);
window.__TAURI_ISOLATION_HOOK__ = (payload) => {
  const cmd = payload && payload.cmd;
  if (typeof cmd === "string" && (ALLOWED.has(cmd) || cmd.startsWith("plugin:"))) return payload;
  console.error("Backpack isolation: refused IPC command", cmd);
  // Passed on under a name no handler has, so the caller gets an error reply.
  return { ...payload, cmd: "refused-by-isolation" };
};
