//! Each command mapped onto the core's use-case layer (`backpack::app`):
//! arguments in, results printed. No store, share or pathway logic here.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use backpack::app::{self, import::Item, library, pathways, shares, text, verify, Backpack, Error};
use backpack::import::ImportOptions;
use backpack::keys::KeyOptions;
use serde_json::json;

use crate::args::{Command, LinkArgs, LocationCmd, PathwayCmd, SharesCmd, TrustCmd};
use crate::io::{self as out, Out};
use crate::io as prompt;

type Result<T> = std::result::Result<T, Error>;

fn open(dir: &Path) -> Result<Backpack> {
    Backpack::open(dir, KeyOptions::from_env())
}

/// Words on stderr, and success.
fn said(words: String) -> Result<ExitCode> {
    eprintln!("{words}");
    Ok(ExitCode::SUCCESS)
}

fn code(failed: bool) -> ExitCode {
    ExitCode::from(u8::from(failed))
}

/// A usage error (exit 2).
pub fn usage(msg: &str) -> Error {
    Error::new("usage", msg)
}

pub fn run(dir: &Path, command: Command) -> Result<ExitCode> {
    let mut out = Out::new();
    let now = chrono::Utc::now();
    match command {
        Command::Import { inputs, json, offline } => {
            let items = app::import::items_from_args(&inputs, std::io::stdin().lock())?;
            let fetcher = if offline { None } else { Some(backpack::import::Fetcher::new()?) };
            import(&mut open(dir)?, items, &ImportOptions { fetcher, ..Default::default() }, json, &mut out)
        }
        Command::List { filters, json } => {
            let page = app::search::list(&open(dir)?.store, &filters.filters(), filters.offset, filters.limit.unwrap_or(usize::MAX))?;
            for r in &page.items {
                out.either(json, r, || text::summary(r))?;
            }
            if !json && page.total == 0 {
                eprintln!("The backpack is empty. Add a credential with: backpack import FILE|URL");
            } else if !json && page.total_matching == 0 {
                eprintln!("No credential matches (of {} in the backpack).", page.total);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json } => {
            let s = open(dir)?.store.get(&id)?;
            out.line(if json { serde_json::to_string_pretty(&s.credential)? } else { text::detail(&s) }).map(|()| ExitCode::SUCCESS)
        }
        Command::Remove { id } => said(format!("removed {}", open(dir)?.store.remove(&id)?)),
        Command::Export { id, format, output, export } => {
            let lang = backpack::model::Lang::parse(&out::lang(export.lang));
            let st = open(dir)?.store;
            let opts = library::ExportOptions { into: export.into, base: app::links::base_for(&st, export.base.as_deref(), None)?, lang };
            out::bytes(output.as_deref(), &library::export(&st, &id, format, &opts)?.bytes).map(|()| ExitCode::SUCCESS)
        }
        Command::Backup { file } => {
            let b = open(dir)?;
            let n = library::backup(&b.store, &file, &prompt::secret("BACKPACK_BACKUP_PASSPHRASE", "Backup passphrase", true)?)?;
            said(format!("backed up {n} credentials to {}", file.display()))
        }
        Command::Restore { file, replace } => {
            let mut b = open(dir)?;
            let r = library::restore(&mut b.store, &file, &prompt::secret("BACKPACK_BACKUP_PASSPHRASE", "Backup passphrase", false)?, replace)?;
            let removed = if replace { format!(", {} removed", r.removed) } else { String::new() };
            said(format!("restored from {}: {} added, {} already present{removed}", file.display(), r.added, r.already_present))
        }
        Command::Verify { inputs, json, offline, now, jobs, map_url, lang, challenge, domain } => {
            let opts = verify::options(offline, &map_url, now)?;
            let (targets, store) = verify::targets(&inputs, || Ok(open(dir)?.store))?;
            let (lang, mut all_valid) = (out::lang(lang), true);
            let expect = backpack::verify::Expect { challenge, domain };
            out.bulk();
            let saved = verify::verify_many(&targets, &opts, &expect, app::workers(jobs.map(usize::from), targets.len()), |_, source, r| {
                all_valid &= r.verdict == backpack::verify::Verdict::Valid;
                out.either(json, &verify::report_json(source, r), || text::report(source, r, &lang))
            })?;
            out.flush()?;
            if let Some(mut st) = store {
                verify::save_reports(&mut st, &saved)?;
            }
            Ok(code(!all_valid))
        }
        Command::Check { inputs, json } => {
            let (targets, _) = verify::targets(&inputs, || Ok(open(dir)?.store))?;
            let mut failed = false;
            for (source, r) in verify::check(&targets) {
                match r {
                    Ok((title, a)) => {
                        failed |= verify::failed(&a);
                        out.either(json, &verify::assessment_json(&source, &a), || text::assessment(&source, &title, &a))?;
                    }
                    Err(e) if json => (failed, _) = (true, out.json(&json!({"source": source, "error": e.message(), "code": e.code()}))?),
                    Err(e) => (failed, _) = (true, eprintln!("{source}: {e}")),
                }
            }
            Ok(code(failed))
        }
        Command::Pathway(cmd) => pathway(&mut open(dir)?, cmd, &mut out),
        Command::Dossier { ids, pathway, out: folder, lang, learner, request, verify: check, offline } => {
            let opts = verify::options(offline || !check, &[], None)?;
            let req = pathways::ExemptionRequest { pathway, ids, learner, request, lang: out::lang(lang), verify: check };
            let d = pathways::dossier(&mut open(dir)?.store, req, pathways::DossierPlace::Folder(folder), &opts)?;
            d.files.iter().try_for_each(|f| out.line(f))?;
            d.gone.iter().for_each(|g| eprintln!("not in your backpack any more, left out: {g}"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Share(a) if a.present.present => {
            let mut b = open(dir)?;
            let p = library::present(&mut b.store, &a.ids, a.present.challenge, a.present.domain, &b.keys)?;
            out::bytes(a.present.out.as_deref(), &p.body)?;
            match &a.present.out {
                Some(f) => said(format!("presentation of {} credential(s) signed by {} written to {}", p.count, p.holder, f.display())),
                None => Ok(ExitCode::SUCCESS),
            }
        }
        Command::Share(a) => match a.ids.as_slice() {
            [id] => share(&mut open(dir)?, id, a.links, now, &mut out),
            _ => Err(usage("links and QR codes are made for one credential at a time (--present takes several)")),
        },
        Command::Shares(cmd) => shares_cmd(&mut open(dir)?, cmd, now, &mut out),
        Command::Receive { offer, tx_code, pending, json, lang } => {
            let mut b = open(dir)?;
            let ui = Terminal { quiet: json };
            let results = match offer {
                Some(_) if pending => return Err(usage("give an offer or --pending, not both")),
                Some(o) => {
                    let text = app::receive::offer_text(&o, std::io::stdin().lock())?;
                    let opts = app::receive::ReceiveOptions { tx_code, lang: out::lang(lang), ..Default::default() };
                    let keys = b.keys.clone();
                    app::receive::receive(&mut b, &keys, &text, &opts, &ui)
                }
                None => {
                    let keys = b.keys.clone();
                    app::receive::receive_pending(&mut b, &keys, false, &ui)
                }
            };
            if results.is_empty() && !json {
                eprintln!("Nothing is pending.");
            }
            for r in &results {
                match (json, r.ok()) {
                    (true, _) => out.json(&r.json())?,
                    (false, true) => out.line(r.text())?,
                    (false, false) => eprintln!("{}", r.text()),
                }
            }
            Ok(code(results.iter().any(|r| !r.ok())))
        }
        Command::Trust(TrustCmd::Status { json }) => {
            let s = app::trust::status();
            out.either(json, &s, || text::trust(&s)).map(|()| ExitCode::SUCCESS)
        }
        Command::Trust(TrustCmd::Refresh) => said(format!("trusted lists verified and kept in {}", app::trust::refresh(dir)?)),
        Command::Info { json } => {
            let i = open(dir).and_then(|b| library::info(&b.store, &b.keys))?;
            out.either(json, &i, || text::info(&i)).map(|()| ExitCode::SUCCESS)
        }
        Command::Sample { out: folder, load, count } => {
            if let Some(f) = &folder {
                eprintln!("wrote {} sample credentials to {}", library::write_sample(f, count)?, f.display());
            }
            if load || folder.is_none() {
                return import(&mut open(dir)?, library::sample_items(count), &ImportOptions::default(), false, &mut out);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Receiving at a terminal: who offers what and progress on stderr, the PIN asked when a person is there.
struct Terminal {
    quiet: bool,
}

impl app::receive::Ui for Terminal {
    fn offered(&self, v: &app::receive::OfferView) -> bool {
        if !self.quiet {
            eprintln!("{}", text::offer(v));
        }
        true
    }

    fn tx_code(&self, p: &backpack::receive::offer::TxCode, error: Option<&str>) -> Option<String> {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return None;
        }
        if let Some(e) = error {
            eprintln!("{e}");
        }
        eprint!("{}: ", text::tx_code_prompt(p));
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok()?;
        Some(answer.trim().to_string()).filter(|a| !a.is_empty())
    }

    fn step(&self, step: app::receive::Step) {
        if !self.quiet && std::io::stderr().is_terminal() {
            eprintln!("… {}", text::receive_step(&step));
        }
    }
}

fn import(b: &mut Backpack, items: Vec<Item>, opts: &ImportOptions, json: bool, out: &mut Out) -> Result<ExitCode> {
    let bar = (items.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}").expect("valid template");
        indicatif::ProgressBar::new(items.len() as u64).with_style(style)
    });
    let (mut tally, mut failed) = (app::import::Tally::default(), Ok(()));
    app::import::import(b, items, opts, |p| {
        tally.add(p.result);
        for l in p.result.lines() {
            failed = failed.clone().and_then(|()| match (&bar, json, l.rejected) {
                (_, true, _) => out.json(&l.json),
                (Some(b), ..) => out::note(|| b.println(l.text)),
                (None, _, true) => out::note(|| eprintln!("{}", l.text)),
                (None, _, false) => out.line(l.text),
            });
        }
        if let Some(b) = &bar {
            b.set_message(p.result.source.clone());
            b.inc(1);
        }
    });
    failed?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if !json {
        eprintln!("{tally}");
    }
    Ok(code(tally.rejected > 0))
}

fn pathway(b: &mut Backpack, cmd: PathwayCmd, out: &mut Out) -> Result<ExitCode> {
    let st = &mut b.store;
    match cmd {
        PathwayCmd::New { name, ects, hours, min_eqf, deadline, description, members } => {
            let goal = backpack::pathway::Goal { ects, hours, min_eqf, deadline, ..Default::default() };
            out.line(pathways::create(st, pathways::PathwayDraft { name, description, goal }, &members)?)?;
        }
        PathwayCmd::Add { pathway, ids } => eprintln!("added {} credential(s)", st.add_to_pathway(&pathway, &ids)?.len()),
        PathwayCmd::Remove { pathway, ids } => eprintln!("removed {} credential(s)", st.remove_from_pathway(&pathway, &ids)?),
        PathwayCmd::Show { pathway, json, verify: check, offline } => {
            if check {
                let members = st.pathway(&pathway)?.members;
                verify::verify_stored_all(st, &members, &verify::options(offline, &[], None)?)?;
            }
            let p = pathways::view(st, &pathway)?;
            let lang = backpack::model::Lang::parse(&out::lang(None));
            out.either(json, &json!({"id": p.id, "name": p.name, "goal": p.goal, "progress": p.progress}), || text::pathway(&p, lang))?;
        }
        PathwayCmd::List { json } => {
            for p in st.pathways()? {
                let v = json!({"id": p.id, "name": p.name, "goal": p.goal, "members": p.members});
                out.either(json, &v, || format!("{}  {}  ({} credentials)", p.id, backpack::display::safe_text(&p.name), p.members.len()))?;
            }
        }
        PathwayCmd::Export { pathway, output } => out::bytes(output.as_deref(), &pathways::export_file(st, &pathway)?.0.bytes)?,
        PathwayCmd::Import { file } => {
            let got = pathways::import_file(st, &file).map_err(|e| Error::new(e.code(), format!("{}: {e}", file.display())))?;
            out.line(&got.pathway.id)?;
            for m in got.not_held {
                eprintln!("not in your backpack: {}", m.name.or(m.achievement_id).unwrap_or_default());
            }
        }
        PathwayCmd::Suggest { json } => {
            for s in pathways::suggestions(st)? {
                out.either(json, &s, || format!("{}  ({}): {}", backpack::display::safe_text(&s.name), s.reason, s.members.join(" ")))?;
            }
        }
        PathwayCmd::Delete { pathway } => eprintln!("deleted pathway {}", st.delete_pathway(&pathway)?),
    }
    Ok(ExitCode::SUCCESS)
}

fn share(b: &mut Backpack, id: &str, a: LinkArgs, now: chrono::DateTime<chrono::Utc>, out: &mut Out) -> Result<ExitCode> {
    if !(a.link || a.short || a.qr.is_some() || a.linkedin) {
        return Err(usage("say what to make: --link, --short, --qr FILE.svg|FILE.png and/or --linkedin"));
    }
    let ext = a.qr.as_ref().map(|f| f.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase());
    let qr_png = match ext.as_deref() {
        None => None,
        Some("svg" | "png") => Some(ext.as_deref() == Some("png")),
        Some(_) => return Err(Error::new("bad-qr-file", "--qr: the file name must end in .svg or .png")),
    };
    let expires = a.expires.or(a.days.map(|d| shares::expiry(now, d)));
    let req = shares::ShareRequest { link: a.link, short: a.short.then_some(a.location), expires, qr_png, linkedin: a.linkedin };
    let mut s = shares::share(&mut b.store, id, &req, a.base.as_deref(), now)?;
    if let (Some(file), Some((bytes, q))) = (&a.qr, &s.qr) {
        out::bytes(Some(file), bytes)?;
        s.json["qr"]["file"] = json!(file);
        if !a.json {
            eprintln!("wrote a QR code of the {} to {}", q.kind.describe(), file.display());
        }
    }
    if a.json {
        return out.json(&s.json).map(|()| ExitCode::SUCCESS);
    }
    for line in s.lines {
        out.line(line)?;
    }
    if let Some(r) = &s.made {
        let until = r.expires.as_deref().map(|e| format!(" until {e}")).unwrap_or_default();
        eprintln!("shared as {} on '{}'{until}; revoke with: backpack shares revoke {}", r.id, r.location, r.id);
    }
    Ok(ExitCode::SUCCESS)
}

fn shares_cmd(b: &mut Backpack, cmd: SharesCmd, now: chrono::DateTime<chrono::Utc>, out: &mut Out) -> Result<ExitCode> {
    let st = &mut b.store;
    match cmd {
        SharesCmd::List { json } => {
            let all = shares::list(st, None, &now)?;
            for r in &all {
                out.either(json, &r.json_line(), || text::share(r))?;
            }
            if !json && all.is_empty() {
                eprintln!("No shares yet. Make one with: backpack share ID --short");
            }
            let expired = all.iter().filter(|r| r.state == backpack::share::records::ShareState::Expired).count();
            if expired > 0 {
                eprintln!("{expired} share(s) have expired but are still on their host.");
                if !json && prompt::yes("Delete them from the host now?")? {
                    return prune(st, now, false, out);
                }
                eprintln!("Delete them with: backpack shares prune");
            }
        }
        SharesCmd::Revoke { id, json } => {
            let r = shares::revoke(st, &id, now)?;
            if json {
                out.json(&shares::ShareRow { state: r.state(&now), title: String::new(), record: r }.json_line())?;
            } else {
                eprintln!("revoked {}: {} is deleted from '{}'", r.id, r.object_url, r.location);
            }
        }
        SharesCmd::Prune { json } => return prune(st, now, json, out),
        SharesCmd::Location(LocationCmd::Add { name, webdav, user, s3, bucket, region, access_key, virtual_host, public_url }) => {
            let kind = shares::location_kind(webdav, user, s3, bucket, region, access_key, virtual_host)?;
            let draft = shares::LocationDraft { name, kind, public_url };
            let secret = |what: &str| prompt::secret(backpack::share::host::PASSWORD_ENV, what, false).map(Some);
            let (loc, warning) = shares::add_location(st, draft, secret, now)?;
            if let Some(w) = warning {
                eprintln!("warning: {w}");
            }
            eprintln!("added share location '{}' ({})", loc.location.name, loc.target);
        }
        SharesCmd::Location(LocationCmd::List { json }) => {
            for l in shares::locations(st)? {
                out.either(json, &l, || text::location(&l))?;
            }
        }
        SharesCmd::CheckPage { base, location, json } => {
            let base = app::links::base_for(st, base.as_deref(), location.as_deref())?;
            let s = app::page::check(&base)?;
            out.either(json, &app::page::check_json(&s), || app::page::check_text(&s))?;
            return Ok(code(!s.answers()));
        }
        SharesCmd::Location(LocationCmd::PublishPage { name, json }) => {
            let p = app::page::publish(st, &name, |p| {
                if !json {
                    eprintln!("uploading {} of {}: {}", p.done, p.total, p.file);
                }
            })?;
            if json {
                out.json(&p.json_line())?;
            } else {
                out.line(&p.url)?;
                eprintln!("published the verifier page on '{}' ({} files); links made with '{}' now open it", p.location, p.files, p.location);
            }
        }
        SharesCmd::Location(LocationCmd::Remove { name }) => {
            if let Some(e) = shares::remove_location(st, &name)? {
                eprintln!("warning: could not remove its secret from the keyring: {e}");
            }
            eprintln!("removed share location '{name}'");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn prune(st: &mut backpack::store::Store, now: chrono::DateTime<chrono::Utc>, json: bool, out: &mut Out) -> Result<ExitCode> {
    let results = shares::prune(st, now)?;
    for p in &results {
        if json { out.json(&shares::pruned_json(p))? } else { eprintln!("{}", shares::pruned_text(p)) }
    }
    if !json && results.is_empty() {
        eprintln!("no expired shares online");
    }
    Ok(code(results.iter().any(|(_, r)| r.is_err())))
}
