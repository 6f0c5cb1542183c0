//! Every integration test, in one binary (one link step instead of one per
//! file): each `tests/<name>.rs` is a module here. Run one file's tests with
//! `cargo test --test integration <name>::`, e.g. `cargo test --test
//! integration cli::`. The files share this process, so none may change
//! process-wide state (environment, current folder): each test passes
//! settings to the CLI it spawns instead.

mod common;

mod app_layer;
mod cli;
mod dossier;
mod edc;
mod export;
mod fuzz_regressions;
mod import_formats;
mod limits;
mod network;
mod page_limits;
mod pathways;
mod present;
mod publish_page;
mod receive;
mod safe_mode;
mod share;
mod share_links;
mod store;
mod verify;
mod verify_claims;
mod verify_di;
mod verify_fastpath;
mod verify_js_numbers;
