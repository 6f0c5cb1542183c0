//! Import, written once: take inputs (files, folders expanded into their
//! files, URLs, pasted text, picked files' bytes), parse each, verify what it
//! holds offline (never the network unasked), store it, save the report of
//! each new credential, and report per item through a progress callback. A bad
//! item is a rejected result; nothing else is lost.

use crate::import::{self as parse, Bundle, ImportOptions, Input};
use crate::store::Stored;
use crate::verify::{self, Verdict, VerifyOptions};

use super::{Error, StoreAccess};

/// One thing to import.
#[derive(Debug, Clone)]
pub enum Item {
    /// A file, folder, URL or pasted text, as the importer reads it.
    Input(Input),
    /// A file's bytes (a file picked in the app), with its name.
    Bytes {
        /// The file name (its extension helps detection).
        name: String,
        /// The file's contents.
        bytes: Vec<u8>,
    },
    /// An item the shell could not even read (e.g. an upload that did not
    /// arrive intact): it becomes a rejected result with this error.
    Unreadable {
        /// What the user named.
        source: String,
        /// Why it could not be read.
        error: Error,
    },
}

impl Item {
    /// The label results carry for this item.
    pub fn label(&self) -> String {
        match self {
            Item::Input(i) => i.label(),
            Item::Bytes { name, .. } => name.clone(),
            Item::Unreadable { source, .. } => source.clone(),
        }
    }
}

/// One credential an item brought (a CLR brings several).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The wallet id.
    pub id: String,
    /// Newly imported, or already in the backpack.
    pub stored: Stored,
    /// Where this credential came from (the item, or the item and its place in a CLR).
    pub source: String,
    /// The credential's title.
    pub title: String,
    /// What the importer noticed (kept with the credential).
    pub warnings: Vec<String>,
    /// The offline verdict (saved as the report when newly imported).
    pub verdict: Verdict,
}

/// The result of one item.
#[derive(Debug, Clone)]
pub struct ItemResult {
    /// The item's label (path, URL, text label or file name).
    pub source: String,
    /// The credentials it brought, or why it was rejected.
    pub outcome: Result<Vec<Entry>, Error>,
}

impl ItemResult {
    /// `imported` when anything was new, `duplicate` when all was already
    /// there, `rejected` when the item failed.
    pub fn status(&self) -> &'static str {
        match &self.outcome {
            Err(_) => "rejected",
            Ok(e) if e.iter().any(|e| e.stored == Stored::Imported) => "imported",
            Ok(_) => "duplicate",
        }
    }
}

/// Progress after each item: how many are done, of how many, and the result.
#[derive(Debug)]
pub struct Progress<'a> {
    /// Items finished so far (1-based count).
    pub done: usize,
    /// Items in all (after folders were expanded).
    pub total: usize,
    /// The item just finished.
    pub result: &'a ItemResult,
}

/// The command line's arguments as items: `-` is text pasted on `stdin`
/// (read up to the input limit, UTF-8), anything else a file, folder or URL.
pub fn items_from_args(args: &[String], stdin: impl std::io::Read) -> Result<Vec<Item>, Error> {
    let mut stdin = Some(stdin);
    args.iter()
        .map(|arg| match (arg.as_str(), stdin.take()) {
            ("-", Some(r)) => {
                let bytes = parse::read::read_stream(r, parse::MAX_INPUT_BYTES, "standard input")?;
                let text = String::from_utf8(bytes).map_err(|_| Error::new("not-utf8", "standard input is not UTF-8 text"))?;
                Ok(Item::Input(Input::Text { label: "<stdin>".into(), text }))
            }
            ("-", None) => Err(Error::new("usage", "standard input (-) can be read once")),
            _ => Ok(Item::Input(Input::from_arg(arg))),
        })
        .collect()
}

/// Folders become the files inside them; everything else stays as it is.
pub fn expand(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Input(i @ Input::Path(_)) => out.extend(parse::expand(vec![i]).into_iter().map(Item::Input)),
            other => out.push(other),
        }
    }
    out
}

/// Items stored in one transaction at most, and how long a prepared item may
/// wait for its group to be committed: one commit per item was a third of
/// `import DIR` (each wrote the pages the items share again; 10,000 sample
/// credentials: 3.1 s with a commit each, 2.1 s in groups of 64, 1.85 s of 256).
const GROUP: usize = 256;
const GROUP_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// How far the parsing threads may run ahead of the store (items), so a slow
/// disk never makes a large import hold every parsed credential in memory.
/// Two groups and a bit: the threads prepare the next group while one is
/// being committed (with one group's worth they waited for every commit:
/// 10,000 sample credentials 2.65 s, now 1.83-1.97 s).
const AHEAD: usize = 2 * GROUP + 64;

/// Import `items` (folders expanded first) into the store: parse and verify
/// offline on one thread per core, store and save the reports of new
/// credentials in item order on the caller's thread, in groups of up to
/// [`GROUP`] items per transaction (each item still stored whole or not at
/// all, on its own savepoint); `progress` is called for each item once its
/// group is committed, so what it reports as stored is on disk. Results come
/// back in item order.
pub fn import(
    store: &mut impl StoreAccess,
    items: Vec<Item>,
    opts: &ImportOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> Vec<ItemResult> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::RecvTimeoutError;
    let items = expand(items);
    let total = items.len();
    let labels: Vec<String> = items.iter().map(Item::label).collect();
    let slots: Vec<std::sync::Mutex<Option<Item>>> = items.into_iter().map(|i| std::sync::Mutex::new(Some(i))).collect();
    let (next, stored) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Ready, Error>)>();
    let mut results: Vec<ItemResult> = Vec::with_capacity(total);
    std::thread::scope(|s| {
        for _ in 0..super::workers(None, total) {
            let (tx, slots, next, stored) = (tx.clone(), &slots, &next, &stored);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = slots.get(i) else { break };
                while i > stored.load(Ordering::Acquire) + AHEAD {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                let item = slot.lock().unwrap_or_else(|e| e.into_inner()).take().expect("each item is taken once");
                if tx.send((i, prepare(item, opts))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut group: Vec<Result<Ready, Error>> = Vec::with_capacity(GROUP);
        let mut since: Option<std::time::Instant> = None;
        let mut flush = |group: &mut Vec<Result<Ready, Error>>, results: &mut Vec<ItemResult>| {
            for outcome in store_group(store, std::mem::take(group)) {
                let r = ItemResult { source: labels[results.len()].clone(), outcome };
                progress(Progress { done: results.len() + 1, total, result: &r });
                results.push(r);
            }
            stored.store(results.len(), Ordering::Release);
        };
        loop {
            let got = match since {
                Some(t0) => match rx.recv_timeout(GROUP_WAIT.saturating_sub(t0.elapsed())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => {
                        flush(&mut group, &mut results);
                        since = None;
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => None,
                },
                None => rx.recv().ok(),
            };
            let Some((i, r)) = got else { break };
            pending.insert(i, r);
            while let Some(r) = pending.remove(&(results.len() + group.len())) {
                since.get_or_insert_with(std::time::Instant::now);
                group.push(r);
                if group.len() >= GROUP {
                    flush(&mut group, &mut results);
                    since = None;
                }
            }
            if since.is_some_and(|t0| t0.elapsed() >= GROUP_WAIT) {
                flush(&mut group, &mut results);
                since = None;
            }
        }
        flush(&mut group, &mut results);
    });
    results
}

/// Store a group of prepared items in one transaction; one outcome per item.
/// A failed commit fails every item of the group (none of them is stored).
fn store_group(store: &mut impl StoreAccess, group: Vec<Result<Ready, Error>>) -> Vec<Result<Vec<Entry>, Error>> {
    if group.is_empty() {
        return Vec::new();
    }
    let n = group.len();
    let stored = store.with_store(|s| {
        s.in_one_transaction(|s| group.into_iter().map(|r| r.and_then(|ready| store_ready_in(s, &ready))).collect::<Vec<_>>())
            .map_err(Error::from)
    });
    match stored {
        Ok(outcomes) => outcomes,
        Err(e) => vec![Err(e); n],
    }
}

/// Import one item (no folder expansion): parse and verify outside the
/// store, then store and save the reports in one step.
pub fn import_one(store: &mut impl StoreAccess, item: Item, opts: &ImportOptions) -> ItemResult {
    let source = item.label();
    ItemResult { source, outcome: prepare(item, opts).and_then(|ready| store_ready(store, &ready)) }
}

/// An item parsed and verified, ready to store.
struct Ready {
    bundle: Bundle,
    reports: Vec<verify::Report>,
}

/// Parse an item and verify what it holds, offline (import never reaches the
/// network to verify).
fn prepare(item: Item, opts: &ImportOptions) -> Result<Ready, Error> {
    let bundle = match item {
        Item::Input(i) => parse::parse_input(&i, opts).map_err(Error::from),
        Item::Bytes { name, bytes } => parse::parse_bytes(&name, &bytes, opts).map_err(Error::from),
        Item::Unreadable { error, .. } => Err(error),
    }?;
    let vopts = VerifyOptions { fetcher: None, now: chrono::Utc::now() };
    let reports = bundle.items.iter().map(|p| verify::verify_parsed(p, &vopts)).collect();
    Ok(Ready { bundle, reports })
}

/// Store a bundle and the reports of its new credentials, in one step.
fn store_ready(store: &mut impl StoreAccess, ready: &Ready) -> Result<Vec<Entry>, Error> {
    store.with_store(|s| store_ready_in(s, ready))
}

fn store_ready_in(s: &mut crate::store::Store, ready: &Ready) -> Result<Vec<Entry>, Error> {
    let at = super::now_text();
    let stored = s.import_bundle_reported(&ready.bundle, Some((&ready.reports, &at)))?;
    let mut out = Vec::with_capacity(stored.len());
    for ((p, (id, how)), report) in ready.bundle.items.iter().zip(stored).zip(&ready.reports) {
        out.push(Entry {
            id,
            stored: how,
            source: p.source.clone(),
            title: p.credential.title().to_string(),
            warnings: p.credential.warnings.clone(),
            verdict: report.verdict,
        });
    }
    Ok(out)
}

/// One line of import output: the JSON object (`--json`), the human text,
/// and whether it reports a rejection (human text then goes to stderr).
#[derive(Debug, Clone)]
pub struct Line {
    /// `{"source","id","status","verdict","warnings"?}`, or for a rejected
    /// item `{"source","id":null,"status":"rejected","error","code"}`.
    pub json: serde_json::Value,
    /// `imported  ID  TITLE  (SOURCE)` and the like.
    pub text: String,
    /// A rejected item.
    pub rejected: bool,
}

impl ItemResult {
    /// The output lines of this item: one per credential, or one rejection.
    pub fn lines(&self) -> Vec<Line> {
        match &self.outcome {
            Ok(entries) => entries
                .iter()
                .map(|e| {
                    let status = if e.stored == Stored::Imported { "imported" } else { "duplicate" };
                    let mut json = serde_json::json!({"source": e.source, "id": e.id, "status": status, "verdict": e.verdict});
                    if !e.warnings.is_empty() {
                        json["warnings"] = serde_json::json!(e.warnings);
                    }
                    let text = format!("{status:9} {}  {}  ({})", e.id, crate::display::safe_text(&e.title), e.source);
                    Line { json, text, rejected: false }
                })
                .collect(),
            Err(err) => vec![Line {
                json: serde_json::json!({"source": self.source, "id": null, "status": "rejected", "error": err.message(), "code": err.code()}),
                text: format!("rejected  {}: {}", self.source, err.message()),
                rejected: true,
            }],
        }
    }
}

/// Counts over an import: credentials imported, already there, items rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// New credentials.
    pub imported: usize,
    /// Credentials already in the backpack.
    pub duplicate: usize,
    /// Items refused.
    pub rejected: usize,
}

impl Tally {
    /// Count one item's result.
    pub fn add(&mut self, r: &ItemResult) {
        match &r.outcome {
            Ok(entries) => {
                for e in entries {
                    if e.stored == Stored::Imported { self.imported += 1 } else { self.duplicate += 1 }
                }
            }
            Err(_) => self.rejected += 1,
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} imported, {} already in the backpack, {} rejected", self.imported, self.duplicate, self.rejected)
    }
}
