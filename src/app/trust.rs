//! The EU trusted lists that Europass e-seals are checked against, as a user
//! action: where the snapshot is and how old, and "refresh trusted lists"
//! (fetch the LOTL and every member state's list, verify them all, and keep
//! them only when everything verifies). Written once for the CLI (`backpack
//! trust`) and the app's Settings.

use std::path::Path;

use serde::Serialize;

use crate::edc::trust::{self, Anchors, Snapshot};
use crate::import::fetch::Fetcher;

use super::Error;

/// The snapshot in use.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustStatus {
    /// Folders looked in, in order.
    pub roots: Vec<String>,
    /// When the snapshot in use was fetched (RFC 3339), if there is one.
    pub fetched: Option<String>,
    /// How many member-state lists it holds.
    pub lists: usize,
    /// The earliest `NextUpdate` among its lists: after it, trust is "could not check".
    pub next_update: Option<String>,
    /// How many LOTL signing certificates are pinned in this build.
    pub pinned_signers: usize,
}

/// Where the snapshot is looked for, and the one in use.
pub fn status() -> TrustStatus {
    let roots = crate::verify::edc::snapshot_roots();
    let refs: Vec<&Path> = roots.iter().map(|r| r.as_path()).collect();
    let snap: Option<Snapshot> = Snapshot::load_newest(&refs, &Anchors::pinned());
    TrustStatus {
        roots: roots.iter().map(|r| r.display().to_string()).collect(),
        fetched: snap.as_ref().map(|s| s.manifest.fetched.to_rfc3339()),
        lists: snap.as_ref().map_or(0, |s| s.tls.len()),
        next_update: snap.as_ref().and_then(|s| std::iter::once(&s.lotl).chain(&s.tls).filter_map(|l| l.next_update).min()).map(|t| t.to_rfc3339()),
        pinned_signers: trust::PINNED_LOTL_SIGNERS_B64.len(),
    }
}

/// Fetch, verify and keep a new snapshot in `<data_dir>/trusted-lists/`;
/// the folder it was written to. Nothing is kept unless every list verifies.
pub fn refresh(data_dir: &Path) -> Result<String, Error> {
    if trust::PINNED_LOTL_SIGNERS_B64.is_empty() {
        return Err(Error::new(
            "no-pinned-signers",
            "this build pins no signing certificates for the EU list of trusted lists, so a fetched list could not be verified; nothing was fetched",
        ));
    }
    let fetcher = Fetcher::new()?;
    let dir = trust::refresh(&fetcher, &data_dir.join("trusted-lists"), &Anchors::pinned(), chrono::Utc::now())
        .map_err(|e| Error::new("trusted-lists", e.to_string()))?;
    Ok(dir.display().to_string())
}
