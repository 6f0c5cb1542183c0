//! Backpack's core: everything the desktop app and the `backpack` command
//! line share. No UI, no Tauri, no global state; IO stays at the edges
//! (`import::fetch`, `store`, `keys`), the rest is plain functions over data.
//!
//! - [`app`]: the use-case layer: each user action once, called by the CLI and the app.
//! - [`model`]: the normalised credential model.
//! - [`import`]: format detection, extraction and mapping into the model.
//! - [`store`]: the encrypted SQLite store, backup and restore.
//! - [`keys`]: where the store key lives (OS keyring or passphrase).
//! - [`secrets`]: the one place that touches the OS keyring.
//! - [`display`]: credential text made safe to show (bidi overrides, invisible and control characters).
//! - [`dossier`]: the exemption dossier (HTML, PDF, CLR 2.0) for a Board of Examiners.
//! - [`export`]: baked PNG/SVG badges and the one-page PDF for a printed CV.
//! - [`pathway`]: stackable pathways, progress, suggestions, the exchange file.
//! - [`rules`]: the micro-credential rules (ECTS, EQF, outcomes, EU elements).
//! - [`verify`]: verification of signatures, keys, dates and status.
//! - [`edc`]: Europass Digital Credentials: the JAdES e-seal, its certificate and timestamp, the EU trusted lists.
//! - [`share`]: LinkedIn links, self-contained verification links, QR codes.
//! - [`receive`]: receiving from issuers: OpenID4VCI offers, VC-API exchanges, DCC requests.
//! - [`present`]: the holder key and holder-signed Verifiable Presentations.
//! - [`sample`]: the bundled sample backpack (generated, never a real issuer).

#![deny(missing_docs)]

pub mod app;
pub mod display;
pub mod dossier;
pub mod edc;
pub mod export;
pub mod import;
pub mod keys;
pub mod model;
pub mod pathway;
mod pdf;
pub mod present;
pub mod receive;
pub mod rules;
pub mod sample;
pub mod secrets;
pub mod share;
pub mod store;
pub mod verify;

use std::path::PathBuf;

/// The data folder: `BACKPACK_DATA_DIR` if set, else the OS data directory
/// (`~/.local/share/backpack` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("BACKPACK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("nl", "Backpack", "backpack").map(|p| p.data_dir().to_path_buf())
}
