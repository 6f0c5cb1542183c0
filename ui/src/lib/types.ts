// The shapes of the values the Rust commands take and return. They are
// generated from the Rust types (ts-rs) into ./generated/ by
// `cargo test -p backpack-app export_bindings` (src-tauri/src/bindings.rs):
// never write an IPC type here by hand; change the Rust type (the app's in
// src-tauri/src/dto.rs, the core's behind its `ts` feature) and regenerate.
// scripts/test.sh fails when ./generated/ is stale. Nothing is kept by hand
// here: every shape that crosses IPC is generated, and so are the check and
// rule ids (CHECK_IDS, RULE_IDS).

export * from "./generated/index";
