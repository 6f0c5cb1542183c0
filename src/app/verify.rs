//! Verification, written once: what an argument names (a file, folder or URL
//! to read, or a stored credential), verifying many on an order-keeping
//! worker pool (`--jobs N` threads; results come back in input order as soon
//! as they are ready), verifying stored credentials and keeping their
//! reports, and the micro-credential rules (`check`) over the same targets.

use std::path::Path;

use crate::import::{self, ImportOptions, Input, Parsed};
use crate::rules::Assessment;
use crate::store::Store;
use crate::verify::{self, Expect, Report, VerifyOptions};

use super::library::ReportView;
use super::Error;

/// One thing to verify or check.
#[derive(Debug)]
pub enum Target {
    /// A file, URL or pasted text to read (a folder is expanded into its files).
    Input(Input),
    /// A stored credential: its full wallet id and its parsed original.
    Stored(String, Box<Parsed>),
    /// An argument that names nothing: what was given, and why.
    Missing(String, Error),
}

impl Target {
    /// The label results carry: the input's label, the stored id, the argument.
    pub fn source(&self) -> String {
        match self {
            Target::Input(i) => i.label(),
            Target::Stored(id, _) => id.clone(),
            Target::Missing(arg, _) => arg.clone(),
        }
    }
}

/// Whether `arg` names something to read (an existing path or an http(s) URL)
/// rather than a stored credential.
pub fn is_readable(arg: &str) -> bool {
    Path::new(arg).exists() || arg.starts_with("http://") || arg.starts_with("https://")
}

/// Resolve arguments to targets: paths and URLs are read (folders expanded),
/// anything else is a wallet id (or unique prefix) looked up in the store,
/// which is opened only when an argument needs it (`open`).
pub fn targets(args: &[String], mut open: impl FnMut() -> Result<Store, Error>) -> Result<(Vec<Target>, Option<Store>), Error> {
    let mut store: Option<Store> = None;
    let mut out = Vec::new();
    for arg in args {
        if is_readable(arg) {
            out.extend(import::expand(vec![Input::from_arg(arg)]).into_iter().map(Target::Input));
            continue;
        }
        if store.is_none() {
            store = Some(open()?);
        }
        match store.as_ref().expect("opened above").get(arg) {
            Ok(s) => out.push(Target::Stored(s.credential.id.clone(), Box::new(s.into_parsed()))),
            Err(e) => out.push(Target::Missing(arg.clone(), Error::new(e.code(), format!("not a file, URL or stored credential: {e}")))),
        }
    }
    Ok((out, store))
}

/// Verify every target on `workers` threads; `each(index, source, report)`
/// is called in input order, as soon as each next result is ready. Returns
/// the reports of stored targets (id, report), for [`save_reports`].
///
/// The caller's thread is one of the workers, and hands out the results
/// between its own items: with one worker nothing crosses a thread, and with
/// more a finished report waits in the channel without waking anyone (a
/// wake-up per report was a tenth of `verify --jobs 1` on a folder).
pub fn verify_many(
    targets: &[Target],
    opts: &VerifyOptions,
    expect: &Expect,
    workers: usize,
    mut each: impl FnMut(usize, &str, &Report) -> Result<(), Error>,
) -> Result<Vec<(String, Report)>, Error> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let verify_one = |t: &Target| match t {
        Target::Input(input) => verify::verify_input_expecting(input, opts, expect),
        Target::Stored(_, p) => verify::verify_parsed(p, opts),
        Target::Missing(_, why) => Report::from_checks(vec![verify::Check::fail(verify::report::FORMAT, why.message().to_string())]),
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Report)>();
    let mut stored = Vec::new();
    std::thread::scope(|s| -> Result<(), Error> {
        for _ in 1..workers.max(1) {
            let tx = tx.clone();
            s.spawn(move || loop {
                let i = take();
                let Some(t) = targets.get(i) else { break };
                if tx.send((i, verify_one(t))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut done = 0;
        let mut hand_out = |pending: &mut std::collections::BTreeMap<usize, Report>| -> Result<(), Error> {
            while let Some(report) = pending.remove(&done) {
                let t = &targets[done];
                each(done, &t.source(), &report)?;
                if let Target::Stored(id, _) = t {
                    stored.push((id.clone(), report));
                }
                done += 1;
            }
            Ok(())
        };
        // On an error from `each` (a closed pipe) the workers stop at their
        // next item: nothing is taken any more, and `rx` is dropped.
        let stop = || next.store(targets.len(), std::sync::atomic::Ordering::Relaxed);
        loop {
            let i = take();
            let Some(t) = targets.get(i) else { break };
            pending.insert(i, verify_one(t));
            while let Ok((j, r)) = rx.try_recv() {
                pending.insert(j, r);
            }
            hand_out(&mut pending).inspect_err(|_| stop())?;
        }
        for (j, r) in rx {
            pending.insert(j, r);
            hand_out(&mut pending).inspect_err(|_| stop())?;
        }
        Ok(())
    })?;
    Ok(stored)
}

/// Keep each stored credential's latest report (the app and pathways show it).
pub fn save_reports(store: &mut Store, reports: &[(String, Report)]) -> Result<(), Error> {
    let now = super::now_text();
    for (id, r) in reports {
        store.save_report(id, r, &now)?;
    }
    Ok(())
}

/// Verify the stored credential `id` again and keep the report.
pub fn verify_stored(store: &mut Store, id: &str, opts: &VerifyOptions) -> Result<ReportView, Error> {
    let stored = store.get(id)?;
    let id = stored.credential.id.clone();
    let report = verify::verify_parsed(&stored.into_parsed(), opts);
    let at = super::now_text();
    store.save_report(&id, &report, &at)?;
    Ok(ReportView { verdict: report.verdict, checks: report.checks, checked_at: at })
}

/// Verify stored credentials and keep their reports. Ids that are no longer
/// in the backpack are skipped and returned (pathway progress and the
/// dossier name them as gone).
pub fn verify_stored_all(store: &mut Store, ids: &[String], opts: &VerifyOptions) -> Result<Vec<String>, Error> {
    let mut gone = Vec::new();
    for id in ids {
        match verify_stored(store, id, opts) {
            Ok(_) => {}
            Err(e) if e.code() == "not-found" => gone.push(id.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok(gone)
}

/// Verification options: the network through one client (with URL remaps
/// for tests), or offline; the clock at `now` (default: now).
pub fn options(offline: bool, map_url: &[(String, String)], now: Option<chrono::DateTime<chrono::Utc>>) -> Result<VerifyOptions, Error> {
    let fetcher = if offline {
        None
    } else {
        let mut f = import::Fetcher::new().map_err(Error::from)?;
        for (from, to) in map_url {
            f = f.with_map(from, to);
        }
        Some(f)
    };
    Ok(VerifyOptions { fetcher, now: now.unwrap_or_else(chrono::Utc::now) })
}

/// One target's `check` result: its source, and its title with the rules applied, or why it could not be read.
pub type Checked = (String, Result<(String, Assessment), Error>);

fn titled(c: &crate::model::Credential) -> (String, Assessment) {
    (c.title().to_string(), crate::rules::assess(c))
}

/// The micro-credential rules applied to each target (with its title) (files are parsed
/// offline; stored credentials as stored). An unreadable target is an error
/// item; the caller says failure (exit 1) when any item failed or any rule FAILed.
pub fn check(targets: &[Target]) -> Vec<Checked> {
    // Files read only to be checked need no wallet id (no hash of the file).
    let opts = ImportOptions { without_wallet_id: true, ..Default::default() };
    let one = |t: &Target| -> Checked {
        let r = match t {
            Target::Input(input) => import::parse_input(input, &opts)
                .map_err(Error::from)
                .map(|b| titled(&b.items.last().expect("a bundle is never empty").credential)),
            Target::Stored(_, p) => Ok(titled(&p.credential)),
            Target::Missing(_, e) => Err(e.clone()),
        };
        (t.source(), r)
    };
    // One contiguous slice per core, joined in order.
    let workers = super::workers(None, targets.len());
    let per = targets.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = targets.chunks(per).map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
}

/// `verify --json`'s line: `{"source","verdict","checks","credentials"?}`.
pub fn report_json<'a>(source: &'a str, r: &'a Report) -> ReportLine<'a> {
    ReportLine { source, verdict: r.verdict, checks: &r.checks, credentials: &r.credentials }
}

/// `verify --json`'s line, serialised straight from the report.
#[derive(serde::Serialize)]
pub struct ReportLine<'a> {
    source: &'a str,
    verdict: crate::verify::Verdict,
    checks: &'a [crate::verify::Check],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    credentials: &'a [crate::verify::report::EmbeddedReport],
}

/// `check --json`'s line: `{"source","class","ects","hours","eqf","rules"}`.
pub fn assessment_json(source: &str, a: &Assessment) -> serde_json::Value {
    let v = serde_json::to_value(a).unwrap_or_default();
    serde_json::json!({"source": source, "class": v["class"], "ects": v["ects"], "hours": v["hours"], "eqf": v["eqf"], "rules": v["rules"]})
}

/// Whether any rule failed (`check` then exits 1).
pub fn failed(a: &Assessment) -> bool {
    a.rules.iter().any(|r| r.outcome == crate::rules::RuleOutcome::Fail)
}

/// A moment in RFC 3339 (`--now`, `--expires`), or why not.
pub fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time (like 2026-01-31T12:00:00Z): {e}"))
}

/// A URL remap `FROM=TO` (`--map-url`), or why not.
pub fn parse_map(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| "expected FROM=TO".to_string())
}
