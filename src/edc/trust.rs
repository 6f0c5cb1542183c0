//! EU trusted lists (ETSI TS 119 612 v2): is the CA that issued a Europass
//! e-seal certificate (or the authority of a timestamp) a qualified trust
//! service, granted at the signing time? Answered offline, from a verified
//! dated snapshot of the List of Trusted Lists (LOTL) and the member-state
//! Trusted Lists (TLs).
//!
//! Owned here:
//! - reading a LOTL or TL ([`TrustedList::parse`]) from the tree
//!   [`super::xmldsig`] verified (one parse for both);
//! - the chain of trust: the LOTL signed by a pinned LOTL signer
//!   ([`Anchors`]), each TL signed by a certificate the verified LOTL names
//!   for that territory ([`verify_lotl`], [`verify_tl`]);
//! - the snapshot folder format, loading and [`refresh`] through the core's
//!   one HTTP client ([`crate::import::fetch::Fetcher`]);
//! - the lookups ([`Snapshot::lookup_seal_ca`], [`Snapshot::lookup_tsa`]).
//!
//! All of it is our own code: no maintained Rust crate reads TS 119 612
//! (see `shared/notes/edc.md`), and the lists are small and regular enough
//! that reading them from the verified tree is simpler than binding a schema.
//!
//! **Snapshot format** (one folder per fetch, named by its UTC time,
//! `YYYY-MM-DDTHHMMSSZ`, under a `trusted-lists/` root):
//! `manifest.json` (`{"format":1,"fetched":"…Z","lotl_url":…,"lotl":{"file":"lotl.xml","sha256":…},
//! "lists":[{"territory":"SI","url":…,"file":"tl-SI.xml","sha256":…}]}`),
//! `lotl.xml`, and one `tl-XX.xml` per territory. The files are the lists as
//! published; every load verifies their signatures again (the data folder is
//! not trusted more than the network). The app ships a snapshot in the
//! repository's `trusted-lists/` folder (as a bundled resource, not embedded
//! in the binary: ~30 lists are tens of MB) and [`refresh`] writes newer
//! ones into `<data folder>/trusted-lists/`; [`Snapshot::load_newest`] takes
//! the newest folder that verifies from the roots it is given.
//!
//! **Not done here**: LOTL "pivot" chains (the Official Journal names the
//! signers; newer signers are announced through pivot LOTLs), TS 119 615's
//! Qualifications criteria (policy and key-usage criteria are read as
//! qualifier URIs only, not evaluated), the certificate's own validity,
//! qcStatements and revocation (the JAdES/X.509 side), TLs in PDF form.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::xmldsig::{self, Document, DsigError};
use crate::import::fetch::Fetcher;

/// The TS 119 612 v2 namespace.
pub const TSL_NS: &str = "http://uri.etsi.org/02231/v2#";
const TSLX_NS: &str = "http://uri.etsi.org/02231/v2/additionaltypes#";
const ECQ_NS: &str = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#";
/// Where the EU publishes the LOTL.
pub const LOTL_URL: &str = "https://ec.europa.eu/tools/lotl/eu-lotl.xml";
/// Service type of a CA issuing qualified certificates.
pub const SVC_CA_QC: &str = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";
/// Service type of a qualified timestamping authority.
pub const SVC_TSA_QTST: &str = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST";
/// Status "granted" (eIDAS).
pub const STATUS_GRANTED: &str = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
/// Status "withdrawn" (eIDAS).
pub const STATUS_WITHDRAWN: &str = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn";
/// Additional service information: the service issues certificates for e-seals.
pub const ASI_FOR_ESEALS: &str = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals";
const ASI_FOR_PREFIX: &str = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/For";
/// The MIME type of XML trusted lists in LOTL pointers.
pub const TSL_XML_MIME: &str = "application/vnd.etsi.tsl+xml";

/// Statuses that count as "granted": `granted` and, for entries from before
/// eIDAS (1 July 2016), the Directive 1999/93/EC statuses TS 119 615 maps to it.
const GRANTED_LIKE: &[&str] = &[
    STATUS_GRANTED,
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited",
];

/// The LOTL signing certificates published in the Official Journal of the
/// EU, base64 DER.
///
/// TODO(#14): fill in. The real certificates could not be obtained on the
/// machines this was written on (the EU's sites are not reachable; the only
/// copy found in public code, the OJ C 276/01 2019 set, has expired and no
/// longer signs the current LOTL, whose signers are announced through pivot
/// LOTLs). Until this list is filled, [`Anchors::pinned`] trusts nothing and
/// every snapshot is refused: the answer is "could not check", never "valid".
pub const PINNED_LOTL_SIGNERS_B64: &[&str] = &[];

/// The trust anchors: which certificates may sign the LOTL.
#[derive(Debug, Clone)]
pub struct Anchors {
    lotl_signers: Vec<Vec<u8>>,
}

impl Anchors {
    /// The pinned set ([`PINNED_LOTL_SIGNERS_B64`]).
    pub fn pinned() -> Anchors {
        use base64::Engine;
        let lotl_signers = PINNED_LOTL_SIGNERS_B64
            .iter()
            .filter_map(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .collect();
        Anchors { lotl_signers }
    }

    /// Other LOTL signers (DER): for tests, whose lists are signed by keys made at test time.
    #[doc(hidden)]
    pub fn override_for_tests(lotl_signers: Vec<Vec<u8>>) -> Anchors {
        Anchors { lotl_signers }
    }
}

/// Why a list or snapshot was refused.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// Not XML we read, or its signature failed.
    #[error("{what}: {source}")]
    Dsig {
        /// Which list.
        what: String,
        /// What failed.
        source: DsigError,
    },
    /// XML that is not a TS 119 612 v2 list, or a required element is missing.
    #[error("{what}: not a trusted list: {reason}")]
    Format {
        /// Which list.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The verified LOTL names no signer for a territory.
    #[error("the LOTL names no signing certificate for territory {0}")]
    NoSigners(String),
    /// Reading or writing the snapshot folder.
    #[error("snapshot {path}: {reason}")]
    Snapshot {
        /// The folder or file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// Fetching a list.
    #[error("fetching {url}: {reason}")]
    Fetch {
        /// The URL.
        url: String,
        /// What failed.
        reason: String,
    },
}

/// A LOTL pointer to another list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlPointer {
    /// TSLLocation.
    pub location: String,
    /// SchemeTerritory (e.g. `SI`, `EU` for the LOTL itself).
    pub territory: String,
    /// The tslx:MimeType (XML lists: [`TSL_XML_MIME`]).
    pub mime_type: Option<String>,
    /// The certificates allowed to sign that list (DER).
    pub signing_certs: Vec<Vec<u8>>,
}

/// The status of a service from some time on: the current one or a ServiceHistoryInstance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// ServiceTypeIdentifier.
    pub service_type: String,
    /// ServiceStatus URI.
    pub status: String,
    /// StatusStartingTime.
    pub since: DateTime<Utc>,
    /// AdditionalServiceInformation URIs (e.g. [`ASI_FOR_ESEALS`]).
    pub additional_info: Vec<String>,
    /// Qualifier URIs from the Qualifications extension (QCForESeal, QCWithQSCD, ...).
    pub qualifiers: Vec<String>,
}

/// One TSPService.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TspService {
    /// ServiceName (English if given).
    pub name: String,
    /// The certificates of ServiceDigitalIdentity (DER).
    pub certificates: Vec<Vec<u8>>,
    /// The current status.
    pub current: StatusEntry,
    /// ServiceHistory, as listed (newest first, usually).
    pub history: Vec<StatusEntry>,
}

impl TspService {
    /// The status in force at `t`: the entry with the latest start not after `t`; `None` before the first.
    pub fn status_at(&self, t: DateTime<Utc>) -> Option<&StatusEntry> {
        std::iter::once(&self.current).chain(&self.history).filter(|e| e.since <= t).max_by_key(|e| e.since)
    }
}

/// One TrustServiceProvider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tsp {
    /// TSPName (English if given).
    pub name: String,
    /// Its services.
    pub services: Vec<TspService>,
}

/// A parsed LOTL or TL (TS 119 612 v2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedList {
    /// SchemeTerritory.
    pub territory: String,
    /// TSLSequenceNumber.
    pub sequence_number: u64,
    /// ListIssueDateTime.
    pub issued: DateTime<Utc>,
    /// NextUpdate (`None`: the list is closed).
    pub next_update: Option<DateTime<Utc>>,
    /// PointersToOtherTSL (the LOTL's pointers to the member-state lists).
    pub pointers: Vec<TlPointer>,
    /// TrustServiceProviderList.
    pub providers: Vec<Tsp>,
}

fn fmt_err(what: &str, reason: impl Into<String>) -> TrustError {
    TrustError::Format { what: what.to_string(), reason: reason.into() }
}

fn parse_time(what: &str, s: &str) -> Result<DateTime<Utc>, TrustError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| fmt_err(what, format!("bad dateTime '{}'", s.trim())))
}

fn certs_of(doc: &Document, identities: usize) -> Result<Vec<Vec<u8>>, DsigError> {
    use base64::Engine;
    let mut out = Vec::new();
    for d in doc.children_named(identities, TSL_NS, "DigitalId") {
        for c in doc.children_named(d, TSL_NS, "X509Certificate") {
            let clean: String = doc.text(c).chars().filter(|c| !c.is_ascii_whitespace()).collect();
            out.push(
                base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .map_err(|_| DsigError::Xml("bad base64 in X509Certificate".into()))?,
            );
        }
    }
    Ok(out)
}

/// The English name in a list of `Name xml:lang` children, else the first.
fn name_of(doc: &Document, parent: Option<usize>) -> String {
    let Some(p) = parent else { return String::new() };
    let names: Vec<usize> = doc.children_named(p, TSL_NS, "Name").collect();
    let en = names.iter().find(|&&n| {
        doc.el(n).attrs.iter().any(|a| a.local == "lang" && a.value.eq_ignore_ascii_case("en"))
    });
    en.or(names.first()).map(|&n| doc.text(n).trim().to_string()).unwrap_or_default()
}

impl TrustedList {
    /// Parse a list (no signature check: see [`verify_lotl`] and [`verify_tl`]).
    pub fn parse(bytes: &[u8], what: &str) -> Result<TrustedList, TrustError> {
        let doc = Document::parse(bytes).map_err(|source| TrustError::Dsig { what: what.to_string(), source })?;
        TrustedList::from_document(&doc, what)
    }

    /// Read a list from a parsed document.
    pub fn from_document(doc: &Document, what: &str) -> Result<TrustedList, TrustError> {
        let root = doc.root;
        let r = doc.el(root);
        if r.ns != TSL_NS || r.local != "TrustServiceStatusList" {
            return Err(fmt_err(what, format!("document element is {{{}}}{}", r.ns, r.local)));
        }
        let dsig = |source| TrustError::Dsig { what: what.to_string(), source };
        let si = doc.child(root, TSL_NS, "SchemeInformation").ok_or_else(|| fmt_err(what, "no SchemeInformation"))?;
        let text_of = |parent: usize, name: &str| doc.child(parent, TSL_NS, name).map(|e| doc.text(e).trim().to_string());
        let territory = text_of(si, "SchemeTerritory").ok_or_else(|| fmt_err(what, "no SchemeTerritory"))?;
        let sequence_number = text_of(si, "TSLSequenceNumber")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| fmt_err(what, "no TSLSequenceNumber"))?;
        let issued = parse_time(what, &text_of(si, "ListIssueDateTime").ok_or_else(|| fmt_err(what, "no ListIssueDateTime"))?)?;
        let next_update = match doc.child(si, TSL_NS, "NextUpdate").and_then(|n| doc.child(n, TSL_NS, "dateTime")) {
            Some(d) => Some(parse_time(what, &doc.text(d))?),
            None => None,
        };
        let mut pointers = Vec::new();
        if let Some(ps) = doc.child(si, TSL_NS, "PointersToOtherTSL") {
            for p in doc.children_named(ps, TSL_NS, "OtherTSLPointer") {
                let location = text_of(p, "TSLLocation").ok_or_else(|| fmt_err(what, "a pointer without TSLLocation"))?;
                let mut signing_certs = Vec::new();
                if let Some(ids) = doc.child(p, TSL_NS, "ServiceDigitalIdentities") {
                    for id in doc.children_named(ids, TSL_NS, "ServiceDigitalIdentity") {
                        signing_certs.extend(certs_of(doc, id).map_err(dsig)?);
                    }
                }
                let (mut ptr_territory, mut mime_type) = (None, None);
                if let Some(ai) = doc.child(p, TSL_NS, "AdditionalInformation") {
                    for oi in doc.children_named(ai, TSL_NS, "OtherInformation") {
                        for c in doc.children(oi) {
                            let e = doc.el(c);
                            match (e.ns.as_str(), e.local.as_str()) {
                                (TSL_NS, "SchemeTerritory") => ptr_territory = Some(doc.text(c).trim().to_string()),
                                (TSLX_NS, "MimeType") => mime_type = Some(doc.text(c).trim().to_string()),
                                _ => {}
                            }
                        }
                    }
                }
                let territory = ptr_territory.ok_or_else(|| fmt_err(what, format!("pointer {location} names no territory")))?;
                pointers.push(TlPointer { location, territory, mime_type, signing_certs });
            }
        }
        let mut providers = Vec::new();
        if let Some(list) = doc.child(root, TSL_NS, "TrustServiceProviderList") {
            for tsp in doc.children_named(list, TSL_NS, "TrustServiceProvider") {
                let info = doc.child(tsp, TSL_NS, "TSPInformation");
                let name = name_of(doc, info.and_then(|i| doc.child(i, TSL_NS, "TSPName")));
                let mut services = Vec::new();
                if let Some(svcs) = doc.child(tsp, TSL_NS, "TSPServices") {
                    for svc in doc.children_named(svcs, TSL_NS, "TSPService") {
                        let si = doc.child(svc, TSL_NS, "ServiceInformation").ok_or_else(|| fmt_err(what, "a service without ServiceInformation"))?;
                        let current = status_entry(doc, si, what)?;
                        let name = name_of(doc, doc.child(si, TSL_NS, "ServiceName"));
                        let certificates = match doc.child(si, TSL_NS, "ServiceDigitalIdentity") {
                            Some(id) => certs_of(doc, id).map_err(dsig)?,
                            None => Vec::new(),
                        };
                        let mut history = Vec::new();
                        if let Some(h) = doc.child(svc, TSL_NS, "ServiceHistory") {
                            for inst in doc.children_named(h, TSL_NS, "ServiceHistoryInstance") {
                                history.push(status_entry(doc, inst, what)?);
                            }
                        }
                        services.push(TspService { name, certificates, current, history });
                    }
                }
                providers.push(Tsp { name, services });
            }
        }
        Ok(TrustedList { territory, sequence_number, issued, next_update, pointers, providers })
    }
}

/// A ServiceInformation or ServiceHistoryInstance.
fn status_entry(doc: &Document, el: usize, what: &str) -> Result<StatusEntry, TrustError> {
    let text_of = |name: &str| doc.child(el, TSL_NS, name).map(|e| doc.text(e).trim().to_string());
    let service_type = text_of("ServiceTypeIdentifier").ok_or_else(|| fmt_err(what, "a service without ServiceTypeIdentifier"))?;
    let status = text_of("ServiceStatus").ok_or_else(|| fmt_err(what, "a service without ServiceStatus"))?;
    let since = parse_time(what, &text_of("StatusStartingTime").ok_or_else(|| fmt_err(what, "a service without StatusStartingTime"))?)?;
    let (mut additional_info, mut qualifiers) = (Vec::new(), Vec::new());
    if let Some(exts) = doc.child(el, TSL_NS, "ServiceInformationExtensions") {
        for ext in doc.children_named(exts, TSL_NS, "Extension") {
            for c in doc.children(ext) {
                let e = doc.el(c);
                match (e.ns.as_str(), e.local.as_str()) {
                    (TSL_NS, "AdditionalServiceInformation") => {
                        if let Some(u) = doc.child(c, TSL_NS, "URI") {
                            additional_info.push(doc.text(u).trim().to_string());
                        }
                    }
                    (ECQ_NS, "Qualifications") => {
                        for qe in doc.children_named(c, ECQ_NS, "QualificationElement") {
                            for qs in doc.children_named(qe, ECQ_NS, "Qualifiers") {
                                for q in doc.children_named(qs, ECQ_NS, "Qualifier") {
                                    if let Some(u) = doc.attr(q, "uri") {
                                        qualifiers.push(u.to_string());
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(StatusEntry { service_type, status, since, additional_info, qualifiers })
}

/// Verify the LOTL's signature against the anchors, then read it.
pub fn verify_lotl(bytes: &[u8], anchors: &Anchors) -> Result<TrustedList, TrustError> {
    let what = "LOTL";
    let dsig = |source| TrustError::Dsig { what: what.to_string(), source };
    let doc = Document::parse(bytes).map_err(dsig)?;
    if anchors.lotl_signers.is_empty() {
        return Err(dsig(DsigError::Signature("no LOTL signing certificates are pinned (see PINNED_LOTL_SIGNERS_B64)".into())));
    }
    xmldsig::verify_enveloped(&doc, &anchors.lotl_signers).map_err(dsig)?;
    let list = TrustedList::from_document(&doc, what)?;
    if list.territory != "EU" {
        return Err(fmt_err(what, format!("territory is {}, not EU", list.territory)));
    }
    Ok(list)
}

/// Verify a member-state TL with the certificates the verified `lotl` names
/// for `territory`, then read it; its SchemeTerritory must be `territory`.
pub fn verify_tl(bytes: &[u8], territory: &str, lotl: &TrustedList) -> Result<TrustedList, TrustError> {
    let what = format!("TL {territory}");
    let dsig = |source| TrustError::Dsig { what: what.clone(), source };
    let signers: Vec<Vec<u8>> = lotl
        .pointers
        .iter()
        .filter(|p| p.territory == territory)
        .flat_map(|p| p.signing_certs.iter().cloned())
        .collect();
    if signers.is_empty() {
        return Err(TrustError::NoSigners(territory.to_string()));
    }
    let doc = Document::parse(bytes).map_err(dsig)?;
    xmldsig::verify_enveloped(&doc, &signers).map_err(dsig)?;
    let list = TrustedList::from_document(&doc, &what)?;
    if list.territory != territory {
        return Err(fmt_err(&what, format!("territory is {}, the LOTL pointer says {territory}", list.territory)));
    }
    Ok(list)
}

/// One list in a snapshot's manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    /// SchemeTerritory (absent for the LOTL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// Where it was fetched from.
    pub url: String,
    /// File name inside the snapshot folder.
    pub file: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// `manifest.json` of a snapshot folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Format version (1).
    pub format: u32,
    /// When the lists were fetched.
    pub fetched: DateTime<Utc>,
    /// The LOTL.
    pub lotl: ManifestEntry,
    /// The member-state lists.
    pub lists: Vec<ManifestEntry>,
}

/// A verified snapshot: the LOTL and every TL it points to.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The manifest.
    pub manifest: Manifest,
    /// The verified LOTL.
    pub lotl: TrustedList,
    /// The verified member-state TLs.
    pub tls: Vec<TrustedList>,
}

/// A service status at the signing time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAtTime {
    /// The TL's territory.
    pub territory: String,
    /// The TSP's name.
    pub tsp: String,
    /// The service's name.
    pub service: String,
    /// ServiceTypeIdentifier in force at the time.
    pub service_type: String,
    /// The status URI at the time (`None`: the service was not yet listed then).
    pub status_at_sig_t: Option<String>,
    /// Since when that status holds.
    pub since: Option<DateTime<Utc>>,
    /// The service issues certificates for e-seals at the time: ForeSeals,
    /// or (entries from before eIDAS) no `For…` additional information at all.
    pub for_eseals: bool,
    /// Qualifier URIs at the time.
    pub qualifiers: Vec<String>,
}

/// The answer of a trusted-list lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustAnswer {
    /// Listed and granted at the signing time (check `for_eseals` for seals).
    Qualified(ServiceAtTime),
    /// Listed, but not granted at the signing time (withdrawn, not yet
    /// listed, ...): the seal is not qualified (a failure).
    NotGranted(ServiceAtTime),
    /// No listed service of that type issued the certificate: could not check (not invalid).
    NotListed,
    /// The snapshot (or a list in it) is past its NextUpdate: could not check.
    SnapshotExpired {
        /// Which list and its NextUpdate (`None`: closed list).
        list: String,
        /// The NextUpdate that passed.
        next_update: Option<DateTime<Utc>>,
    },
    /// There is no verified snapshot: could not check.
    NoSnapshot,
}

impl TrustAnswer {
    /// Lookup with an optional snapshot: `None` answers [`TrustAnswer::NoSnapshot`].
    pub fn for_seal(snapshot: Option<&Snapshot>, chain: &[Vec<u8>], sig_t: DateTime<Utc>, now: DateTime<Utc>) -> TrustAnswer {
        snapshot.map_or(TrustAnswer::NoSnapshot, |s| s.lookup_seal_ca(chain, sig_t, now))
    }
}

const MANIFEST: &str = "manifest.json";
const LOTL_FILE: &str = "lotl.xml";

fn snap_err(path: &Path, reason: impl Into<String>) -> TrustError {
    TrustError::Snapshot { path: path.to_path_buf(), reason: reason.into() }
}

impl Snapshot {
    /// Load and verify one snapshot folder.
    pub fn load_dir(dir: &Path, anchors: &Anchors) -> Result<Snapshot, TrustError> {
        let read = |name: &str, max: usize| -> Result<Vec<u8>, TrustError> {
            if name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(snap_err(dir, format!("bad file name '{name}' in manifest")));
            }
            let p = dir.join(name);
            let meta = std::fs::metadata(&p).map_err(|e| snap_err(&p, e.to_string()))?;
            if meta.len() > max as u64 {
                return Err(snap_err(&p, "file too large"));
            }
            std::fs::read(&p).map_err(|e| snap_err(&p, e.to_string()))
        };
        let manifest: Manifest = serde_json::from_slice(&read(MANIFEST, 1024 * 1024)?)
            .map_err(|e| snap_err(&dir.join(MANIFEST), e.to_string()))?;
        if manifest.format != 1 {
            return Err(snap_err(dir, format!("manifest format {} not supported", manifest.format)));
        }
        let checked = |e: &ManifestEntry| -> Result<Vec<u8>, TrustError> {
            let bytes = read(&e.file, xmldsig::MAX_XML_BYTES)?;
            if hex::encode(Sha256::digest(&bytes)) != e.sha256 {
                return Err(snap_err(&dir.join(&e.file), "SHA-256 differs from the manifest"));
            }
            Ok(bytes)
        };
        let lotl = verify_lotl(&checked(&manifest.lotl)?, anchors)?;
        let mut tls = Vec::new();
        for e in &manifest.lists {
            let t = e.territory.as_deref().ok_or_else(|| snap_err(dir, format!("{} has no territory", e.file)))?;
            tls.push(verify_tl(&checked(e)?, t, &lotl)?);
        }
        Ok(Snapshot { manifest, lotl, tls })
    }

    /// The newest snapshot folder under any of `roots` that verifies
    /// (folders are compared by their `fetched` time; ones that fail are skipped).
    pub fn load_newest(roots: &[&Path], anchors: &Anchors) -> Option<Snapshot> {
        let mut best: Option<Snapshot> = None;
        for root in roots {
            let Ok(rd) = std::fs::read_dir(root) else { continue };
            for entry in rd.flatten() {
                let name = entry.file_name();
                if name.to_string_lossy().starts_with('.') || !entry.path().is_dir() {
                    continue;
                }
                if let Ok(s) = Snapshot::load_dir(&entry.path(), anchors) {
                    if best.as_ref().is_none_or(|b| s.manifest.fetched > b.manifest.fetched) {
                        best = Some(s);
                    }
                }
            }
        }
        best
    }

    /// The first list past its NextUpdate at `now` (a closed list counts), LOTL first.
    fn expired(&self, now: DateTime<Utc>) -> Option<TrustAnswer> {
        std::iter::once(&self.lotl).chain(&self.tls).find(|l| l.next_update.is_none_or(|n| n < now)).map(|l| {
            TrustAnswer::SnapshotExpired {
                list: if l.territory == "EU" { "LOTL".into() } else { format!("TL {}", l.territory) },
                next_update: l.next_update,
            }
        })
    }

    /// Is the issuer of the seal certificate `chain[0]` (DER; then any
    /// intermediates, leaf first) a CA/QC service granted at `sig_t`?
    /// The listed CA is found by issuer name and a verified signature, at
    /// any step of the chain (each step's signature verified too).
    pub fn lookup_seal_ca(&self, chain: &[Vec<u8>], sig_t: DateTime<Utc>, now: DateTime<Utc>) -> TrustAnswer {
        self.lookup(chain, sig_t, now, SVC_CA_QC, false)
    }

    /// Is the timestamp authority's certificate `chain[0]` (DER, then
    /// intermediates) a TSA/QTST service granted at `sig_t` (the time of the
    /// timestamp)? The listed certificate may be the TSA unit's own or the CA that issued it.
    pub fn lookup_tsa(&self, chain: &[Vec<u8>], sig_t: DateTime<Utc>, now: DateTime<Utc>) -> TrustAnswer {
        self.lookup(chain, sig_t, now, SVC_TSA_QTST, true)
    }

    fn lookup(&self, chain: &[Vec<u8>], sig_t: DateTime<Utc>, now: DateTime<Utc>, svc_type: &str, self_listed: bool) -> TrustAnswer {
        if let Some(e) = self.expired(now) {
            return e;
        }
        let mut found: Vec<ServiceAtTime> = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, cert) in chain.iter().enumerate() {
            // Each step above the leaf must have signed the step below.
            if i > 0 && xmldsig::verify_cert_signature(&chain[i - 1], cert).is_err() {
                break;
            }
            for tl in &self.tls {
                for tsp in &tl.providers {
                    for svc in &tsp.services {
                        if svc.current.service_type != svc_type && svc.history.iter().all(|h| h.service_type != svc_type) {
                            continue;
                        }
                        let matches = svc.certificates.iter().any(|sc| {
                            (self_listed && i == 0 && sc == cert) || xmldsig::verify_cert_signature(cert, sc).is_ok()
                        });
                        if !matches || !seen.insert((tl.territory.clone(), tsp.name.clone(), svc.name.clone())) {
                            continue;
                        }
                        let at = svc.status_at(sig_t);
                        let asi = at.map(|a| a.additional_info.clone()).unwrap_or_default();
                        found.push(ServiceAtTime {
                            territory: tl.territory.clone(),
                            tsp: tsp.name.clone(),
                            service: svc.name.clone(),
                            service_type: at.map_or(svc.current.service_type.clone(), |a| a.service_type.clone()),
                            status_at_sig_t: at.map(|a| a.status.clone()),
                            since: at.map(|a| a.since),
                            for_eseals: asi.iter().any(|u| u == ASI_FOR_ESEALS) || !asi.iter().any(|u| u.starts_with(ASI_FOR_PREFIX)),
                            qualifiers: at.map(|a| a.qualifiers.clone()).unwrap_or_default(),
                        });
                    }
                }
            }
            if !found.is_empty() {
                break;
            }
        }
        let granted = |s: &ServiceAtTime| {
            s.service_type == svc_type && s.status_at_sig_t.as_deref().is_some_and(|st| GRANTED_LIKE.contains(&st))
        };
        // Prefer a granted entry for e-seals, then any granted one, then the first listed.
        if let Some(i) = found.iter().position(|s| granted(s) && (s.for_eseals || self_listed)) {
            return TrustAnswer::Qualified(found.swap_remove(i));
        }
        if let Some(i) = found.iter().position(granted) {
            return TrustAnswer::Qualified(found.swap_remove(i));
        }
        match found.into_iter().next() {
            Some(s) => TrustAnswer::NotGranted(s),
            None => TrustAnswer::NotListed,
        }
    }
}

/// Fetch the LOTL and every XML TL it points to through `fetcher`, verify
/// them all, and only then write a new snapshot folder under `root` (the
/// data folder's `trusted-lists/`). Nothing is written when anything fails.
pub fn refresh(fetcher: &Fetcher, root: &Path, anchors: &Anchors, now: DateTime<Utc>) -> Result<PathBuf, TrustError> {
    refresh_with(|url| fetcher.get(url).map(|f| f.body).map_err(|e| e.to_string()), LOTL_URL, root, anchors, now)
}

/// [`refresh`] with any getter (tests serve lists from memory).
pub fn refresh_with(
    get: impl Fn(&str) -> Result<Vec<u8>, String>,
    lotl_url: &str,
    root: &Path,
    anchors: &Anchors,
    now: DateTime<Utc>,
) -> Result<PathBuf, TrustError> {
    let fetch = |url: &str| get(url).map_err(|reason| TrustError::Fetch { url: url.to_string(), reason });
    let lotl_bytes = fetch(lotl_url)?;
    let lotl = verify_lotl(&lotl_bytes, anchors)?;
    let entry = |territory: Option<String>, url: &str, file: String, bytes: &[u8]| ManifestEntry {
        territory,
        url: url.to_string(),
        file,
        sha256: hex::encode(Sha256::digest(bytes)),
    };
    let mut files = vec![(LOTL_FILE.to_string(), lotl_bytes.clone())];
    let mut lists = Vec::new();
    let mut done = BTreeSet::new();
    for p in &lotl.pointers {
        if p.territory == "EU" || p.mime_type.as_deref().is_some_and(|m| m != TSL_XML_MIME) || !done.insert(p.territory.clone()) {
            continue;
        }
        if !p.territory.chars().all(|c| c.is_ascii_alphanumeric()) || p.territory.len() > 8 {
            return Err(fmt_err("LOTL", format!("odd territory code '{}'", p.territory)));
        }
        let bytes = fetch(&p.location)?;
        verify_tl(&bytes, &p.territory, &lotl)?;
        let file = format!("tl-{}.xml", p.territory);
        lists.push(entry(Some(p.territory.clone()), &p.location, file.clone(), &bytes));
        files.push((file, bytes));
    }
    let manifest = Manifest { format: 1, fetched: now, lotl: entry(None, lotl_url, LOTL_FILE.into(), &lotl_bytes), lists };
    let name = now.format("%Y-%m-%dT%H%M%SZ").to_string();
    let tmp = root.join(format!(".tmp-{name}"));
    let dest = root.join(&name);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&tmp)?;
        for (f, b) in &files {
            std::fs::write(tmp.join(f), b)?;
        }
        std::fs::write(tmp.join(MANIFEST), serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?)?;
        std::fs::rename(&tmp, &dest)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        snap_err(&dest, e.to_string())
    })?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edc::xmldsig::{sign_enveloped_for_tests, TestKey};
    use std::str::FromStr;
    use std::time::{Duration, SystemTime};
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::Encode;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::{Time, Validity};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn validity() -> Validity {
        let at = |secs| Time::try_from(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
        Validity { not_before: at(1_577_836_800), not_after: at(2_208_988_800) }
    }

    fn p256(seed: u8) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_bytes(&[seed; 32].into()).unwrap()
    }

    /// A certificate for `subject_key` named `subject`, signed by `signer` (P-256), issued by `issuer` (None: self-signed).
    fn cert_p256(subject: &str, subject_key: &p256::ecdsa::SigningKey, signer: &p256::ecdsa::SigningKey, issuer: Option<&str>) -> Vec<u8> {
        let spki = SubjectPublicKeyInfoOwned::from_key(*subject_key.verifying_key()).unwrap();
        let profile = match issuer {
            None => Profile::Root,
            Some(i) => Profile::Leaf { issuer: Name::from_str(i).unwrap(), enable_key_agreement: false, enable_key_encipherment: false },
        };
        let b = CertificateBuilder::new(profile, SerialNumber::from(7u32), validity(), Name::from_str(subject).unwrap(), spki, signer).unwrap();
        b.build::<p256::ecdsa::DerSignature>().unwrap().to_der().unwrap()
    }

    fn cert_p384_root(subject: &str, key: &p384::ecdsa::SigningKey) -> Vec<u8> {
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap();
        let b = CertificateBuilder::new(Profile::Root, SerialNumber::from(9u32), validity(), Name::from_str(subject).unwrap(), spki, key).unwrap();
        b.build::<p384::ecdsa::DerSignature>().unwrap().to_der().unwrap()
    }

    fn b64(d: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(d)
    }

    const CA_NAME: &str = "CN=Test QTSP CA,O=Test QTSP,C=SI";
    const TL_URL: &str = "https://tl.example/si.xml";
    const LOTL_TEST_URL: &str = "https://lotl.example/eu-lotl.xml";

    struct Fixture {
        lotl_key: p384::ecdsa::SigningKey,
        lotl_cert: Vec<u8>,
        tl_key: p256::ecdsa::SigningKey,
        tl_cert: Vec<u8>,
        ca_cert: Vec<u8>,
        seal: Vec<u8>,
        tsa: Vec<u8>,
        stranger_seal: Vec<u8>,
    }

    fn fixture() -> Fixture {
        let lotl_key = p384::ecdsa::SigningKey::from_bytes(&[1u8; 48].into()).unwrap();
        let lotl_cert = cert_p384_root("CN=Test LOTL Signer,O=European Commission,C=BE", &lotl_key);
        let tl_key = p256(2);
        let tl_cert = cert_p256("CN=Test SI TL Signer,C=SI", &tl_key, &tl_key, None);
        let ca = p256(3);
        let ca_cert = cert_p256(CA_NAME, &ca, &ca, None);
        let seal = cert_p256("CN=Test University Seal,O=Test University,C=SI", &p256(4), &ca, Some(CA_NAME));
        let tsa = cert_p256("CN=Test TSA Unit,O=Test QTSP,C=SI", &p256(6), &ca, Some(CA_NAME));
        let stranger = p256(5);
        let stranger_seal = cert_p256("CN=Other Seal,C=SI", &p256(4), &stranger, Some("CN=Unlisted CA,C=SI"));
        Fixture { lotl_key, lotl_cert, tl_key, tl_cert, ca_cert, seal, tsa, stranger_seal }
    }

    fn scheme(territory: &str, next_update: &str, pointers: &str) -> String {
        format!(
            "<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>42</TSLSequenceNumber>\n\
             <SchemeTerritory>{territory}</SchemeTerritory><ListIssueDateTime>2026-01-01T00:00:00Z</ListIssueDateTime>\n\
             <NextUpdate><dateTime>{next_update}</dateTime></NextUpdate>{pointers}</SchemeInformation>\n"
        )
    }

    fn tl_xml(f: &Fixture, next_update: &str) -> String {
        let ext = |asi: &str| {
            format!(
                "<ServiceInformationExtensions><Extension Critical=\"true\"><AdditionalServiceInformation><URI xml:lang=\"en\">{asi}</URI></AdditionalServiceInformation></Extension>\
                 <Extension Critical=\"true\"><ecq:Qualifications xmlns:ecq=\"{ECQ_NS}\"><ecq:QualificationElement><ecq:Qualifiers>\
                 <ecq:Qualifier uri=\"http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal\"/></ecq:Qualifiers></ecq:QualificationElement></ecq:Qualifications></Extension></ServiceInformationExtensions>"
            )
        };
        let sdi = |c: &[u8]| format!("<ServiceDigitalIdentity><DigitalId><X509Certificate>{}</X509Certificate></DigitalId></ServiceDigitalIdentity>", b64(c));
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tsl:TrustServiceStatusList xmlns:tsl=\"{TSL_NS}\" Id=\"TrustServiceStatusList\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">\n\
             {}<tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang=\"sl\">Testni QTSP</tsl:Name><tsl:Name xml:lang=\"en\">Test QTSP &amp; Co</tsl:Name></tsl:TSPName></tsl:TSPInformation>\n\
             <tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation xmlns=\"{TSL_NS}\"><ServiceTypeIdentifier>{SVC_CA_QC}</ServiceTypeIdentifier>\
             <ServiceName><Name xml:lang=\"en\">Test QTSP CA</Name></ServiceName>{}\
             <ServiceStatus>{STATUS_WITHDRAWN}</ServiceStatus><StatusStartingTime>2025-06-01T00:00:00Z</StatusStartingTime>{}</tsl:ServiceInformation>\n\
             <tsl:ServiceHistory><tsl:ServiceHistoryInstance><tsl:ServiceTypeIdentifier>{SVC_CA_QC}</tsl:ServiceTypeIdentifier><tsl:ServiceName><tsl:Name xml:lang=\"en\">Test QTSP CA</tsl:Name></tsl:ServiceName>\
             <tsl:ServiceStatus>{STATUS_GRANTED}</tsl:ServiceStatus><tsl:StatusStartingTime>2024-01-01T00:00:00Z</tsl:StatusStartingTime>{}</tsl:ServiceHistoryInstance></tsl:ServiceHistory></tsl:TSPService>\n\
             <tsl:TSPService><tsl:ServiceInformation><tsl:ServiceTypeIdentifier>{SVC_TSA_QTST}</tsl:ServiceTypeIdentifier><tsl:ServiceName><tsl:Name xml:lang=\"en\">Test QTSP TSA</tsl:Name></tsl:ServiceName>{}\
             <tsl:ServiceStatus>{STATUS_GRANTED}</tsl:ServiceStatus><tsl:StatusStartingTime>2024-01-01T00:00:00Z</tsl:StatusStartingTime></tsl:ServiceInformation></tsl:TSPService>\
             </tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>\n</tsl:TrustServiceStatusList>\n",
            scheme("SI", next_update, "").replace('<', "<tsl:").replace("<tsl:/", "</tsl:"),
            sdi(&f.ca_cert),
            ext(ASI_FOR_ESEALS).replace("<ServiceInformationExtensions>", "<ServiceInformationExtensions xmlns=\"http://uri.etsi.org/02231/v2#\">"),
            ext(ASI_FOR_ESEALS).replace("<", "<tsl:").replace("<tsl:/", "</tsl:").replace("tsl:ecq:", "ecq:").replace("tsl:/ecq:", "/ecq:"),
            sdi(&f.tsa).replace('<', "<tsl:").replace("<tsl:/", "</tsl:"),
        )
    }

    fn lotl_xml(f: &Fixture, next_update: &str, tl_signer: &[u8]) -> String {
        let pointer = |loc: &str, terr: &str, cert: &[u8]| {
            format!(
                "<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId><X509Certificate>\n{}\n</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities>\
                 <TSLLocation>{loc}</TSLLocation><AdditionalInformation><OtherInformation><SchemeTerritory>{terr}</SchemeTerritory></OtherInformation>\
                 <OtherInformation><tslx:MimeType xmlns:tslx=\"{TSLX_NS}\">{TSL_XML_MIME}</tslx:MimeType></OtherInformation></AdditionalInformation></OtherTSLPointer>\n",
                b64(cert)
            )
        };
        let ptrs = format!("<PointersToOtherTSL>{}{}</PointersToOtherTSL>", pointer(LOTL_TEST_URL, "EU", &f.lotl_cert), pointer(TL_URL, "SI", tl_signer));
        format!("<?xml version=\"1.0\"?>\n<TrustServiceStatusList xmlns=\"{TSL_NS}\">\n{}</TrustServiceStatusList>", scheme("EU", next_update, &ptrs))
    }

    fn signed_lists(f: &Fixture, next_update: &str) -> (String, String) {
        let tl = sign_enveloped_for_tests(&tl_xml(f, next_update), &TestKey::P256(f.tl_key.clone()), &f.tl_cert);
        let lotl = sign_enveloped_for_tests(&lotl_xml(f, next_update, &f.tl_cert), &TestKey::P384(f.lotl_key.clone()), &f.lotl_cert);
        (lotl, tl)
    }

    fn serve(lotl: String, tl: String) -> impl Fn(&str) -> Result<Vec<u8>, String> {
        move |url: &str| match url {
            LOTL_TEST_URL => Ok(lotl.clone().into_bytes()),
            TL_URL => Ok(tl.clone().into_bytes()),
            other => Err(format!("no such URL {other}")),
        }
    }

    const NOW: &str = "2026-02-01T00:00:00Z";

    #[test]
    fn listed_ca_granted_before_and_after_withdrawal() {
        let f = fixture();
        let anchors = Anchors::override_for_tests(vec![f.lotl_cert.clone()]);
        let (lotl, tl) = signed_lists(&f, "2026-07-01T00:00:00Z");
        let root = tempfile::tempdir().unwrap();
        let dir = refresh_with(serve(lotl, tl), LOTL_TEST_URL, root.path(), &anchors, t(NOW)).unwrap();
        let snap = Snapshot::load_newest(&[root.path()], &anchors).expect("snapshot verifies");
        assert_eq!(snap.manifest.lists[0].territory.as_deref(), Some("SI"));
        assert!(dir.join("tl-SI.xml").is_file() && dir.join("lotl.xml").is_file());
        assert_eq!(snap.lotl.pointers.len(), 2);
        let si = &snap.tls[0];
        assert_eq!((si.sequence_number, si.next_update), (42, Some(t("2026-07-01T00:00:00Z"))));
        assert_eq!(si.providers[0].name, "Test QTSP & Co");

        let chain = vec![f.seal.clone()];
        match snap.lookup_seal_ca(&chain, t("2024-06-01T12:00:00Z"), t(NOW)) {
            TrustAnswer::Qualified(s) => {
                assert_eq!((s.territory.as_str(), s.tsp.as_str(), s.service.as_str()), ("SI", "Test QTSP & Co", "Test QTSP CA"));
                assert_eq!(s.status_at_sig_t.as_deref(), Some(STATUS_GRANTED));
                assert!(s.for_eseals);
                assert_eq!(s.qualifiers, vec!["http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal".to_string()]);
            }
            other => panic!("expected qualified, got {other:?}"),
        }
        match snap.lookup_seal_ca(&chain, t("2023-06-01T00:00:00Z"), t(NOW)) {
            TrustAnswer::NotGranted(s) => assert_eq!(s.status_at_sig_t, None),
            other => panic!("before StatusStartingTime: {other:?}"),
        }
        match snap.lookup_seal_ca(&chain, t("2025-07-01T00:00:00Z"), t(NOW)) {
            TrustAnswer::NotGranted(s) => assert_eq!(s.status_at_sig_t.as_deref(), Some(STATUS_WITHDRAWN)),
            other => panic!("after withdrawal: {other:?}"),
        }
        assert_eq!(snap.lookup_seal_ca(std::slice::from_ref(&f.stranger_seal), t("2024-06-01T00:00:00Z"), t(NOW)), TrustAnswer::NotListed);
        // The TSA unit's own certificate is listed as TSA/QTST.
        match snap.lookup_tsa(std::slice::from_ref(&f.tsa), t("2024-06-01T00:00:00Z"), t(NOW)) {
            TrustAnswer::Qualified(s) => assert_eq!(s.service_type, SVC_TSA_QTST),
            other => panic!("TSA: {other:?}"),
        }
        // A seal certificate is not a TSA.
        assert_eq!(snap.lookup_tsa(std::slice::from_ref(&f.stranger_seal), t("2024-06-01T00:00:00Z"), t(NOW)), TrustAnswer::NotListed);
        assert_eq!(TrustAnswer::for_seal(None, &chain, t(NOW), t(NOW)), TrustAnswer::NoSnapshot);
    }

    #[test]
    fn tampered_tl_is_refused_and_nothing_is_written() {
        let f = fixture();
        let anchors = Anchors::override_for_tests(vec![f.lotl_cert.clone()]);
        let (lotl, tl) = signed_lists(&f, "2026-07-01T00:00:00Z");
        let lotl_list = verify_lotl(lotl.as_bytes(), &anchors).unwrap();
        assert!(verify_tl(tl.as_bytes(), "SI", &lotl_list).is_ok());
        let tampered = tl.replacen("2024-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 1);
        let e = verify_tl(tampered.as_bytes(), "SI", &lotl_list).unwrap_err();
        assert!(e.to_string().contains("digest"), "{e}");
        let root = tempfile::tempdir().unwrap();
        assert!(refresh_with(serve(lotl.clone(), tampered), LOTL_TEST_URL, root.path(), &anchors, t(NOW)).is_err());
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
        // A TL signed by a certificate the LOTL does not name for SI.
        let other = p256(8);
        let other_cert = cert_p256("CN=Not the SI signer", &other, &other, None);
        let wrong = sign_enveloped_for_tests(&tl_xml(&f, "2026-07-01T00:00:00Z"), &TestKey::P256(other), &other_cert);
        assert!(verify_tl(wrong.as_bytes(), "SI", &lotl_list).is_err());
        // The right TL under another territory's name.
        assert!(matches!(verify_tl(tl.as_bytes(), "AT", &lotl_list), Err(TrustError::NoSigners(_))));
    }

    #[test]
    fn lotl_from_an_unpinned_key_is_refused() {
        let f = fixture();
        let (lotl, _) = signed_lists(&f, "2026-07-01T00:00:00Z");
        let stranger = p384::ecdsa::SigningKey::from_bytes(&[9u8; 48].into()).unwrap();
        let stranger_cert = cert_p384_root("CN=Test LOTL Signer,O=European Commission,C=BE", &stranger);
        let anchors = Anchors::override_for_tests(vec![stranger_cert.clone()]);
        assert!(verify_lotl(lotl.as_bytes(), &anchors).is_err());
        // Signed by the unpinned key, with the pinned certificate's name: refused too.
        let forged = sign_enveloped_for_tests(&lotl_xml(&f, "2026-07-01T00:00:00Z", &f.tl_cert), &TestKey::P384(stranger), &stranger_cert);
        let pinned = Anchors::override_for_tests(vec![f.lotl_cert.clone()]);
        assert!(verify_lotl(forged.as_bytes(), &pinned).is_err());
        // Nothing pinned in code yet: every LOTL is refused.
        if PINNED_LOTL_SIGNERS_B64.is_empty() {
            assert!(verify_lotl(lotl.as_bytes(), &Anchors::pinned()).is_err());
        }
    }

    #[test]
    fn expired_snapshot_cannot_answer() {
        let f = fixture();
        let anchors = Anchors::override_for_tests(vec![f.lotl_cert.clone()]);
        let (lotl, tl) = signed_lists(&f, "2025-12-01T00:00:00Z");
        let root = tempfile::tempdir().unwrap();
        refresh_with(serve(lotl, tl), LOTL_TEST_URL, root.path(), &anchors, t("2025-11-01T00:00:00Z")).unwrap();
        let snap = Snapshot::load_newest(&[root.path()], &anchors).unwrap();
        match snap.lookup_seal_ca(std::slice::from_ref(&f.seal), t("2024-06-01T00:00:00Z"), t(NOW)) {
            TrustAnswer::SnapshotExpired { list, next_update } => {
                assert_eq!((list.as_str(), next_update), ("LOTL", Some(t("2025-12-01T00:00:00Z"))));
            }
            other => panic!("expected expired, got {other:?}"),
        }
        // A snapshot file changed on disk is not loaded.
        let dir = std::fs::read_dir(root.path()).unwrap().next().unwrap().unwrap().path();
        let p = dir.join("tl-SI.xml");
        let s = std::fs::read_to_string(&p).unwrap().replace("Test QTSP CA", "Evil CA");
        std::fs::write(&p, s).unwrap();
        assert!(Snapshot::load_dir(&dir, &anchors).is_err());
        assert!(Snapshot::load_newest(&[root.path()], &anchors).is_none());
    }
}
