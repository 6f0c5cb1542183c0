//! The `backpack` command line: a thin shell over the core library.
//!
//! Output contract (tests and other tools rely on it): with `--json`, one JSON
//! object per line on stdout; human text otherwise. Exit status 0 on success,
//! 1 when any item failed, 2 on usage errors.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use backpack::import::{self, ImportOptions, Input};
use backpack::keys::{self, KeyOptions};
use backpack::store::{Store, Stored};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

#[derive(Parser)]
#[command(name = "backpack", version, about = "Backpack: a wallet for micro-credentials (Open Badges 2.0/3.0, CLR 2.0)")]
struct Cli {
    /// Data folder (default: the OS data directory, e.g. ~/.local/share/backpack)
    #[arg(long, global = true, env = "BACKPACK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import credentials from files, folders, URLs, or standard input ("-")
    Import {
        /// Files, folders, http(s) URLs, or - for pasted text on stdin
        #[arg(required = true, value_name = "PATH|URL")]
        inputs: Vec<String>,
        /// One JSON line per item: {"source","id","status","error"?}
        #[arg(long)]
        json: bool,
        /// Do not use the network (URLs are refused, linked badge classes are not fetched)
        #[arg(long)]
        offline: bool,
    },
    /// List the credentials in the backpack
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one credential (the normalised model)
    Show {
        /// Wallet id or a unique prefix of it (at least 4 digits)
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove one credential
    Remove { id: String },
    /// Write a credential out: its original bytes, the normalised model as JSON, a baked PNG/SVG badge or a one-page PDF
    Export {
        id: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Original)]
        format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        export: ExportArgs,
    },
    /// Back the whole backpack up into one encrypted file (passphrase from BACKPACK_BACKUP_PASSPHRASE or a prompt)
    Backup { file: PathBuf },
    /// Restore credentials from a backup file (merges; --replace to make the backpack equal to the backup)
    Restore {
        file: PathBuf,
        #[arg(long)]
        replace: bool,
    },
    /// Verify credentials: files, folders, URLs, or wallet ids of stored credentials
    Verify {
        #[arg(required = true, value_name = "PATH|URL|ID")]
        inputs: Vec<String>,
        /// One JSON line per input, in input order: {"source","verdict","checks":[...]}
        #[arg(long)]
        json: bool,
        /// Do not use the network: checks that need it say "could not check"
        #[arg(long)]
        offline: bool,
        /// Check dates against this moment instead of the current time (RFC 3339)
        #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
        now: Option<chrono::DateTime<chrono::Utc>>,
        /// Worker threads (default: all cores)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: Option<u16>,
        /// Fetch URLs starting with FROM from TO instead (a mirror or local copy), e.g. https://example.org/=http://127.0.0.1:8080/
        #[arg(long, value_name = "FROM=TO", value_parser = parse_map)]
        map_url: Vec<(String, String)>,
        /// Language of the human-readable report (nl or en; default from LANG)
        #[arg(long)]
        lang: Option<String>,
        /// Presentations: the challenge the holder's proof must carry
        #[arg(long)]
        challenge: Option<String>,
        /// Presentations: the domain the holder's proof must name
        #[arg(long)]
        domain: Option<String>,
    },
    /// Check credentials against the micro-credential rules (files, folders or wallet ids)
    Check {
        #[arg(required = true, value_name = "PATH|ID")]
        inputs: Vec<String>,
        /// One JSON line per input: {"source","class","ects","hours","eqf","rules":[...]}
        #[arg(long)]
        json: bool,
    },
    /// Plan stacked credentials: pathways with a goal, progress and suggestions
    #[command(subcommand)]
    Pathway(PathwayCmd),
    /// Write an exemption dossier for a Board of Examiners (HTML, PDF, CLR 2.0, the originals)
    Dossier {
        /// Credentials to include (wallet ids); or use --pathway
        ids: Vec<String>,
        /// Include the credentials of this pathway
        #[arg(long)]
        pathway: Option<String>,
        /// Folder to write into (created if needed)
        #[arg(long, short)]
        out: PathBuf,
        /// Language of the dossier: nl or en (default from LANG)
        #[arg(long)]
        lang: Option<String>,
        /// The learner's name as it should appear
        #[arg(long)]
        learner: Option<String>,
        /// What is asked, e.g. "Exemption for course X in programme Y"
        #[arg(long)]
        request: Option<String>,
        /// Verify the credentials first (saving their reports)
        #[arg(long)]
        verify: bool,
        /// With --verify: do not use the network
        #[arg(long)]
        offline: bool,
    },
    /// Share credentials (--present: a Verifiable Presentation signed with your holder key)
    Share(ShareArgs),
    /// Show where the data lives, how it is keyed, and how much it holds
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Write the sample backpack's credentials into a folder (or import them with --load)
    Sample {
        /// Folder to write the sample credential files to
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Import the sample credentials into the backpack
        #[arg(long)]
        load: bool,
        /// How many credentials (default: the 6 hand-written samples; more are generated)
        #[arg(long)]
        count: Option<usize>,
    },
}

#[derive(Subcommand)]
enum PathwayCmd {
    /// Make a new pathway
    New {
        name: String,
        /// Target study load in ECTS
        #[arg(long)]
        ects: Option<rust_decimal::Decimal>,
        /// Target study load in hours
        #[arg(long)]
        hours: Option<rust_decimal::Decimal>,
        /// Lowest EQF level a credential may have to count
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=8))]
        min_eqf: Option<u8>,
        /// Date to finish by (YYYY-MM-DD)
        #[arg(long)]
        deadline: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Credentials to put in it straight away
        #[arg(long = "add", value_name = "ID")]
        members: Vec<String>,
    },
    /// Put credentials in a pathway
    Add { pathway: String, #[arg(required = true)] ids: Vec<String> },
    /// Take credentials out of a pathway
    Remove { pathway: String, #[arg(required = true)] ids: Vec<String> },
    /// Progress of a pathway: ECTS/hours against the goal, levels, what is missing, overlaps
    Show {
        pathway: String,
        #[arg(long)]
        json: bool,
        /// Verify the members first (saving their reports)
        #[arg(long)]
        verify: bool,
        /// With --verify: do not use the network
        #[arg(long)]
        offline: bool,
    },
    /// List pathways
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write a pathway as an exchange file (documented in src/pathway.rs)
    Export {
        pathway: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Load a pathway from an exchange file (members matched to your credentials)
    Import { file: PathBuf },
    /// Suggest pathways from credentials that seem to stack
    Suggest {
        #[arg(long)]
        json: bool,
    },
    /// Delete a pathway (the credentials stay)
    Delete { pathway: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Original,
    Json,
    /// A baked PNG badge (the credential in an iTXt chunk)
    Png,
    /// A baked SVG badge
    Svg,
    /// A one-page A4 PDF for a printed CV, with a QR code
    Pdf,
}

/// `export` options for the baked images and the PDF.
#[derive(clap::Args)]
struct ExportArgs {
    /// png/svg: bake into this image instead of the credential's own
    #[arg(long, value_name = "IMAGE.png|IMAGE.svg")]
    into: Option<PathBuf>,
    /// pdf: the verifier page the QR code's self-contained link opens
    #[arg(long, value_name = "URL", default_value = backpack::export::DEFAULT_VERIFIER_BASE)]
    base: String,
    /// pdf: language (nl or en; default from LANG)
    #[arg(long)]
    lang: Option<String>,
}

#[derive(clap::Args)]
struct ShareArgs {
    /// Wallet ids (or unique prefixes)
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    present: PresentArgs,
}

/// `share --present`: a holder-signed Verifiable Presentation.
#[derive(clap::Args)]
struct PresentArgs {
    /// Write a Verifiable Presentation of the credentials, signed with your holder key (did:key)
    #[arg(long)]
    present: bool,
    /// The challenge (nonce) the verifier gave you
    #[arg(long, requires = "present")]
    challenge: Option<String>,
    /// The domain the verifier named
    #[arg(long, requires = "present")]
    domain: Option<String>,
    /// Write the presentation to this file instead of standard output
    #[arg(long, value_name = "FILE", requires = "present")]
    out: Option<PathBuf>,
}

fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time (like 2026-01-31T12:00:00Z): {e}"))
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| "expected FROM=TO".to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn data_dir(cli_dir: &Option<PathBuf>) -> Result<PathBuf> {
    cli_dir
        .clone()
        .or_else(backpack::default_data_dir)
        .ok_or_else(|| anyhow!("cannot tell where to keep data: set --data-dir or BACKPACK_DATA_DIR"))
}

fn open_store(dir: &Path) -> Result<Store> {
    let (key, _) = keys::resolve(dir, &KeyOptions::from_env())?;
    Store::open(dir, &key).with_context(|| format!("opening the backpack in {}", dir.display()))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let dir = data_dir(&cli.data_dir)?;
    match cli.command {
        Command::Import { inputs, json, offline } => {
            let mut store = open_store(&dir)?;
            let mut list = Vec::new();
            for arg in &inputs {
                if arg == "-" {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
                    list.push(Input::Text {
                        label: "<stdin>".into(),
                        text,
                    });
                } else {
                    list.push(Input::from_arg(arg));
                }
            }
            let opts = ImportOptions {
                fetcher: if offline { None } else { Some(import::Fetcher::new()?) },
            };
            import_all(&mut store, import::expand(list), &opts, json)
        }
        Command::List { json } => {
            let store = open_store(&dir)?;
            let rows = store.list()?;
            let mut out = std::io::stdout().lock();
            for r in &rows {
                if json {
                    writeln!(out, "{}", serde_json::to_string(r)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {}  {}  {}{}",
                        r.id,
                        r.issued.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("----------"),
                        r.title,
                        r.issuer.as_deref().unwrap_or("(unknown issuer)"),
                        r.ects.map(|e| format!("  {e} EC")).unwrap_or_default()
                    )?;
                }
            }
            if !json && rows.is_empty() {
                eprintln!("The backpack is empty. Add a credential with: backpack import FILE|URL");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json } => {
            let store = open_store(&dir)?;
            let s = store.get(&id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s.credential)?);
            } else {
                print_human(&s);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Remove { id } => {
            let mut store = open_store(&dir)?;
            let id = store.remove(&id)?;
            eprintln!("removed {id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { id, format, output, export } => {
            let store = open_store(&dir)?;
            let s = store.get(&id)?;
            let bytes = match format {
                ExportFormat::Original => s.original,
                ExportFormat::Json => {
                    let mut v = serde_json::to_vec_pretty(&s.credential)?;
                    v.push(b'\n');
                    v
                }
                ExportFormat::Png | ExportFormat::Svg | ExportFormat::Pdf => export_image(&s, format, &export)?,
            };
            match output {
                Some(p) => std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file } => {
            let store = open_store(&dir)?;
            let pass = backup_passphrase(true)?;
            let n = store.backup(&file, &pass)?;
            eprintln!("backed up {n} credentials to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, replace } => {
            let mut store = open_store(&dir)?;
            let pass = backup_passphrase(false)?;
            let r = store.restore(&file, &pass, replace)?;
            eprintln!(
                "restored from {}: {} added, {} already present{}",
                file.display(),
                r.added,
                r.already_present,
                if replace { format!(", {} removed", r.removed) } else { String::new() }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { inputs, json, offline, now, jobs, map_url, lang, challenge, domain } => {
            let mut fetcher = None;
            if !offline {
                let mut f = import::Fetcher::new()?;
                for (from, to) in &map_url {
                    f = f.with_map(from, to);
                }
                fetcher = Some(f);
            }
            let opts = backpack::verify::VerifyOptions { fetcher, now: now.unwrap_or_else(chrono::Utc::now) };
            let lang = lang.or_else(|| std::env::var("LANG").ok()).unwrap_or_default();
            let expect = backpack::verify::Expect { challenge, domain };
            verify_all(&dir, inputs, &opts, &expect, jobs, json, &lang)
        }
        Command::Check { inputs, json } => check_all(&dir, inputs, json),
        Command::Pathway(cmd) => pathway_cmd(&dir, cmd),
        Command::Dossier { ids, pathway, out, lang, learner, request, verify, offline } => {
            let mut store = open_store(&dir)?;
            let (members, subject) = backpack::dossier::select(&store, &ids, pathway.as_deref())?;
            if members.is_empty() {
                bail!("no credentials: give wallet ids or --pathway");
            }
            let lang = backpack::dossier::Lang::parse(&lang.or_else(|| std::env::var("LANG").ok()).unwrap_or_default());
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            if verify {
                verify_and_save(&mut store, &members, offline)?;
            }
            let d = backpack::dossier::assemble(&store, &members, subject.as_deref(), lang, learner, request, now)?;
            let files = backpack::dossier::write(&out, &d, lang).with_context(|| format!("writing the dossier to {}", out.display()))?;
            for f in files {
                println!("{}", f.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Share(args) => share_cmd(&dir, args),
        Command::Info { json } => {
            let meta = keys::describe(&dir)?;
            let store = open_store(&dir)?;
            let holder = backpack::present::existing_holder(&store, &KeyOptions::from_env())?;
            let v = json!({
                "holder": holder.as_ref().map(|(did, place)| json!({"did": did, "key": place})),
                "data_dir": dir,
                "database": dir.join(backpack::store::DB_FILE),
                "key": meta.as_ref().map(|m| m.key),
                "store_id": meta.as_ref().map(|m| m.store_id.clone()),
                "credentials": store.count()?,
                "schema_version": store.schema_version()?,
            });
            if json {
                println!("{v}");
            } else {
                println!("data folder:    {}", dir.display());
                println!("key kept in:    {}", meta.map(|m| format!("{:?}", m.key).to_lowercase()).unwrap_or_default());
                println!("credentials:    {}", v["credentials"]);
                println!("schema version: {}", v["schema_version"]);
                match &holder {
                    Some((did, place)) => println!(
                        "holder:         {did}\n                (key kept in {})",
                        match place {
                            backpack::present::KeyPlace::Keyring => "the OS keyring",
                            backpack::present::KeyPlace::Store => "the encrypted store: no keyring",
                        }
                    ),
                    None => println!("holder:         none yet (made by 'share --present')"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sample { out, load, count } => {
            backpack::store::create_private_dir(&dir)?;
            let issuer = backpack::sample::SampleIssuer::load_or_create(&dir.join("sample-issuer.json"))
                .context("saving the sample issuer's key")?;
            let files = backpack::sample::signed_credentials(count, Some(&issuer));
            if let Some(out) = &out {
                std::fs::create_dir_all(out)?;
                for (name, bytes) in &files {
                    std::fs::write(out.join(name), bytes)?;
                }
                eprintln!("wrote {} sample credentials to {}", files.len(), out.display());
            }
            if load || out.is_none() {
                let mut store = open_store(&dir)?;
                let inputs = files
                    .into_iter()
                    .map(|(name, bytes)| Input::Text {
                        label: format!("sample/{name}"),
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    })
                    .collect();
                return import_all(&mut store, inputs, &ImportOptions::default(), false);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `share`: for now the holder-signed presentation (`--present`).
fn share_cmd(dir: &Path, args: ShareArgs) -> Result<ExitCode> {
    if !args.present.present {
        bail!("nothing to share: use --present for a signed Verifiable Presentation");
    }
    present_cmd(dir, &args.ids, &args.present)
}

fn present_cmd(dir: &Path, ids: &[String], a: &PresentArgs) -> Result<ExitCode> {
    let mut store = open_store(dir)?;
    let creds = ids.iter().map(|i| store.get(i)).collect::<Result<Vec<_>, _>>()?;
    let holder = backpack::present::holder(&mut store, &KeyOptions::from_env())?;
    let opts = backpack::present::PresentOptions { challenge: a.challenge.clone(), domain: a.domain.clone(), created: None };
    let vp = backpack::present::presentation(&creds, &holder, &opts)?;
    let mut body = serde_json::to_vec_pretty(&vp)?;
    body.push(b'\n');
    match &a.out {
        Some(p) => {
            std::fs::write(p, &body).with_context(|| format!("writing {}", p.display()))?;
            eprintln!("presentation of {} credential(s) signed by {} written to {}", creds.len(), holder.did, p.display());
        }
        None => std::io::stdout().lock().write_all(&body)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `export --format png|svg|pdf`.
fn export_image(s: &backpack::store::StoredCredential, format: ExportFormat, a: &ExportArgs) -> Result<Vec<u8>> {
    use backpack::export;
    if a.into.is_some() && matches!(format, ExportFormat::Pdf) {
        bail!("--into is for --format png or svg");
    }
    let into = match &a.into {
        Some(p) => Some(export::read_image(p)?),
        None => None,
    };
    Ok(match format {
        ExportFormat::Png => export::baked(s, export::ImageKind::Png, into.as_deref())?,
        ExportFormat::Svg => export::baked(s, export::ImageKind::Svg, into.as_deref())?,
        _ => {
            let lang = backpack::dossier::Lang::parse(&a.lang.clone().or_else(|| std::env::var("LANG").ok()).unwrap_or_default());
            export::pdf(s, &a.base, lang)?
        }
    })
}

fn backup_passphrase(confirm: bool) -> Result<String> {
    if let Ok(p) = std::env::var("BACKPACK_BACKUP_PASSPHRASE") {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("a backup passphrase is needed: set BACKPACK_BACKUP_PASSPHRASE or run in a terminal");
    }
    let p = rpassword::prompt_password("Backup passphrase: ")?;
    if p.is_empty() {
        bail!("the passphrase is empty");
    }
    if confirm && rpassword::prompt_password("Repeat passphrase: ")? != p {
        bail!("the passphrases differ");
    }
    Ok(p)
}

fn import_all(store: &mut Store, inputs: Vec<Input>, opts: &ImportOptions, json: bool) -> Result<ExitCode> {
    let bar = (inputs.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}")
                .expect("valid template"),
        );
        b
    });
    let mut out = std::io::stdout().lock();
    let (mut imported, mut dups, mut rejected) = (0usize, 0usize, 0usize);
    for input in &inputs {
        let source = input.label();
        if let Some(b) = &bar {
            b.set_message(source.clone());
        }
        let result = import::parse_input(input, opts).map_err(|e| (e.code(), e.to_string())).and_then(|bundle| {
            store
                .import_bundle(&bundle)
                .map(|r| (bundle, r))
                .map_err(|e| (e.code(), e.to_string()))
        });
        let mut line = |v: serde_json::Value, text: String, is_err: bool| -> Result<()> {
            if json {
                writeln!(out, "{v}")?;
            } else if let Some(b) = &bar {
                b.println(text);
            } else if is_err {
                eprintln!("{text}");
            } else {
                writeln!(out, "{text}")?;
            }
            Ok(())
        };
        match result {
            Ok((bundle, stored)) => {
                for (p, (id, st)) in bundle.items.iter().zip(stored) {
                    let status = match st {
                        Stored::Imported => {
                            imported += 1;
                            "imported"
                        }
                        Stored::Duplicate => {
                            dups += 1;
                            "duplicate"
                        }
                    };
                    let mut v = json!({"source": p.source, "id": id, "status": status});
                    if !p.credential.warnings.is_empty() {
                        v["warnings"] = json!(p.credential.warnings);
                    }
                    line(v, format!("{status:9} {id}  {}  ({})", p.credential.title(), p.source), false)?;
                }
            }
            Err((code, msg)) => {
                rejected += 1;
                line(
                    json!({"source": source, "id": null, "status": "rejected", "error": msg, "code": code}),
                    format!("rejected  {source}: {msg}"),
                    true,
                )?;
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if !json {
        eprintln!("{imported} imported, {dups} already in the backpack, {rejected} rejected");
    }
    Ok(if rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_human(s: &backpack::store::StoredCredential) {
    let c = &s.credential;
    let a = &c.achievement;
    let row = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            println!("{k:<20}{v}");
        }
    };
    println!("{}", c.title());
    println!("{}", "=".repeat(c.title().chars().count().min(78)));
    row("id", Some(c.id.clone()));
    row("format", Some(c.format.label().to_string()));
    row("issuer", c.issuer.name.clone().or(c.issuer.id.clone()));
    row("institution (BRIN)", c.issuer.institution_identifier.clone());
    row("country", c.issuer.country.clone());
    row("issued", c.issued.clone());
    row("valid until", c.valid_until.clone());
    row("ECTS", a.ects.map(|e| e.to_string()));
    row("study hours", a.study_hours.map(|h| format!("{h} ({})", a.study_hours_source.as_deref().unwrap_or("hours"))));
    row("EQF level", a.eqf_level.map(|l| l.to_string()));
    row("NLQF level", a.nlqf_level.clone());
    row("language", a.language.clone());
    row("participation", a.participation.clone());
    row("assessment", a.assessment_type.clone());
    row("badge type", a.badge_class_type.clone());
    row("recipient", c.recipient.as_ref().and_then(|r| r.name.clone().or(r.identity.clone())));
    if let Some(d) = &a.description {
        println!("\n{d}");
    }
    if !a.learning_outcomes.is_empty() {
        println!("\nLearning outcomes:");
        for o in &a.learning_outcomes {
            println!("  - {}", o.text.replace('\n', "\n    "));
        }
    }
    for w in &c.warnings {
        println!("\nnote: {w}");
    }
    println!("\nimported {} from {}", s.imported_at, s.source);
}

/// One thing to verify: an input the importer reads, or a stored credential.
enum VerifyItem {
    Input(Input),
    Stored(String, backpack::import::Parsed),
    Missing(String, String),
}

fn verify_all(
    dir: &Path,
    args: Vec<String>,
    opts: &backpack::verify::VerifyOptions,
    expect: &backpack::verify::Expect,
    jobs: Option<u16>,
    json: bool,
    lang: &str,
) -> Result<ExitCode> {
    use backpack::verify::{self, Verdict};
    let mut store: Option<Store> = None;
    let mut items = Vec::new();
    for arg in args {
        let is_path = Path::new(&arg).exists();
        if is_path || arg.starts_with("http://") || arg.starts_with("https://") {
            for input in import::expand(vec![Input::from_arg(&arg)]) {
                items.push(VerifyItem::Input(input));
            }
            continue;
        }
        if store.is_none() {
            store = Some(open_store(dir)?);
        }
        match store.as_ref().expect("opened").get(&arg) {
            Ok(s) => items.push(VerifyItem::Stored(arg, s.into_parsed())),
            Err(e) => items.push(VerifyItem::Missing(arg.clone(), format!("not a file, URL or stored credential: {e}"))),
        }
    }
    let workers = jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
        .min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, String, verify::Report)>();
    let mut all_valid = true;
    let mut reports: Vec<(String, verify::Report)> = Vec::new();
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers {
            let tx = tx.clone();
            let (items, next) = (&items, &next);
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let (source, report) = match item {
                    VerifyItem::Input(input) => (input.label(), verify::verify_input_expecting(input, opts, expect)),
                    VerifyItem::Stored(id, p) => (id.clone(), verify::verify_parsed(p, opts)),
                    VerifyItem::Missing(arg, why) => (
                        arg.clone(),
                        verify::Report::from_checks(vec![verify::Check::fail(verify::report::FORMAT, why.clone())]),
                    ),
                };
                if tx.send((i, source, report)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Print in input order as results arrive.
        let mut pending = std::collections::BTreeMap::new();
        let mut printed = 0;
        let mut out = std::io::stdout().lock();
        for (i, source, report) in rx {
            pending.insert(i, (source, report));
            while let Some((source, report)) = pending.remove(&printed) {
                all_valid &= report.verdict == Verdict::Valid;
                if matches!(items[printed], VerifyItem::Stored(..)) {
                    reports.push((source.clone(), report.clone()));
                }
                if json {
                    let mut v = json!({"source": source, "verdict": report.verdict, "checks": report.checks});
                    if !report.credentials.is_empty() {
                        v["credentials"] = json!(report.credentials);
                    }
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(out, "{}  {source}", report.verdict.label(lang))?;
                    for c in &report.checks {
                        let mark = match c.outcome {
                            verify::Outcome::Pass => "ok  ",
                            verify::Outcome::Fail => "FAIL",
                            verify::Outcome::Skip => "--  ",
                            verify::Outcome::Error => "??  ",
                        };
                        writeln!(out, "  {mark} {:<28} {}", c.label(lang), c.detail)?;
                    }
                    for e in &report.credentials {
                        let name = e.title.as_deref().or(e.id.as_deref()).unwrap_or("(unreadable)");
                        writeln!(out, "  credential {}: {}  {name}", e.index + 1, e.verdict.label(lang))?;
                        if let Some(w) = e.worst() {
                            writeln!(out, "       {:<28} {}", w.label(lang), w.detail)?;
                        }
                    }
                }
                printed += 1;
            }
        }
        Ok(())
    })?;
    // Stored credentials keep their latest report (the app and pathways show it).
    if let Some(mut st) = store {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for (id, r) in &reports {
            st.save_report(id, r, &now)?;
        }
    }
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Verify stored credentials and keep their reports (members that have left
/// the backpack are skipped; pathway progress names them).
fn verify_and_save(store: &mut Store, ids: &[String], offline: bool) -> Result<()> {
    let opts = backpack::verify::VerifyOptions {
        fetcher: if offline { None } else { Some(import::Fetcher::new()?) },
        now: chrono::Utc::now(),
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for id in ids {
        if let Ok(sc) = store.get(id) {
            let r = backpack::verify::verify_parsed(&sc.into_parsed(), &opts);
            store.save_report(id, &r, &now)?;
        }
    }
    Ok(())
}

fn pathway_cmd(dir: &Path, cmd: PathwayCmd) -> Result<ExitCode> {
    use backpack::pathway::{self, Goal, Pathway};
    let mut store = open_store(dir)?;
    let creds_map = |store: &Store| -> Result<std::collections::HashMap<String, backpack::model::Credential>> {
        Ok(store.all()?.into_iter().map(|c| (c.id.clone(), c)).collect())
    };
    match cmd {
        PathwayCmd::New { name, ects, hours, min_eqf, deadline, description, members } => {
            let goal = Goal { ects, hours, min_eqf, deadline, ..Default::default() };
            pathway::validate_goal(&name, &goal)?;
            let ids = members.iter().map(|m| store.resolve_id(m)).collect::<Result<Vec<_>, _>>()?;
            let p = Pathway { id: pathway::new_id(&name), name, description, goal, members: ids };
            store.create_pathway(&p)?;
            println!("{}", p.id);
        }
        PathwayCmd::Add { pathway, ids } => {
            let added = store.add_to_pathway(&pathway, &ids)?;
            eprintln!("added {} credential(s)", added.len());
        }
        PathwayCmd::Remove { pathway, ids } => {
            let n = store.remove_from_pathway(&pathway, &ids)?;
            eprintln!("removed {n} credential(s)");
        }
        PathwayCmd::Show { pathway, json, verify, offline } => {
            let p = store.pathway(&pathway)?;
            if verify {
                verify_and_save(&mut store, &p.members, offline)?;
            }
            let progress = pathway::progress(&p, &creds_map(&store)?, &store.verdicts()?, chrono::Utc::now().date_naive());
            if json {
                println!("{}", json!({"id": p.id, "name": p.name, "goal": p.goal, "progress": progress}));
            } else {
                println!("{} ({})", p.name, p.id);
                let target = p.goal.ects.map(|t| format!(" of {} ECTS", t.normalize())).unwrap_or_default();
                println!("  {} ECTS{target}, {} hours counted; {} ECTS not counted (invalid or unverified)",
                    progress.ects.normalize(), progress.hours.normalize(), progress.ects_apart.normalize());
                for m in &progress.members {
                    println!("  {:<10} {}  {}  {} EC  EQF {}", format!("{:?}", m.standing).to_lowercase(), m.id,
                        m.issued.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("----------"),
                        m.ects.map(|e| e.normalize().to_string()).unwrap_or_else(|| "?".into()),
                        m.eqf.map(|l| l.to_string()).unwrap_or_else(|| "?".into()));
                    println!("             {}", m.title);
                }
                let lang = backpack::model::Lang::parse(&std::env::var("LANG").unwrap_or_default());
                for x in &progress.missing {
                    println!("  missing: {}", x.kind.text(lang));
                }
                for x in &progress.overlaps {
                    println!("  overlap: {}", x.kind.text(lang));
                }
                if progress.complete {
                    println!("  complete");
                }
            }
        }
        PathwayCmd::List { json } => {
            for p in store.pathways()? {
                if json {
                    println!("{}", json!({"id": p.id, "name": p.name, "goal": p.goal, "members": p.members}));
                } else {
                    println!("{}  {}  ({} credentials)", p.id, p.name, p.members.len());
                }
            }
        }
        PathwayCmd::Export { pathway, output } => {
            let p = store.pathway(&pathway)?;
            let f = pathway::to_file(&p, &creds_map(&store)?);
            let mut body = serde_json::to_vec_pretty(&f)?;
            body.push(b'\n');
            match output {
                Some(o) => std::fs::write(&o, body).with_context(|| format!("writing {}", o.display()))?,
                None => std::io::stdout().lock().write_all(&body)?,
            }
        }
        PathwayCmd::Import { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let f = pathway::parse_file(&bytes).with_context(|| file.display().to_string())?;
            let (members, missing) = pathway::match_members(&f, &store.all()?);
            let p = Pathway { id: pathway::new_id(&f.name), name: f.name, description: f.description, goal: f.goal, members };
            store.create_pathway(&p)?;
            println!("{}", p.id);
            for m in missing {
                eprintln!("not in your backpack: {}", m.name.or(m.achievement_id).unwrap_or_default());
            }
        }
        PathwayCmd::Suggest { json } => {
            for s in pathway::suggest(&store.all()?) {
                if json {
                    println!("{}", serde_json::to_string(&s)?);
                } else {
                    println!("{}  ({}): {}", s.name, s.reason, s.members.join(" "));
                }
            }
        }
        PathwayCmd::Delete { pathway } => {
            let id = store.delete_pathway(&pathway)?;
            eprintln!("deleted pathway {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Resolve arguments to credentials: files and folders are parsed offline,
/// anything else is a wallet id. Each item is (source, credential or error).
fn credentials_for(dir: &Path, args: Vec<String>) -> Result<Vec<(String, Result<backpack::model::Credential, String>)>> {
    let mut store: Option<Store> = None;
    let mut out = Vec::new();
    for arg in args {
        if Path::new(&arg).exists() {
            for input in import::expand(vec![Input::from_arg(&arg)]) {
                let r = import::parse_input(&input, &ImportOptions::default())
                    .map(|b| b.items.last().expect("non-empty bundle").credential.clone())
                    .map_err(|e| e.to_string());
                out.push((input.label(), r));
            }
            continue;
        }
        if store.is_none() {
            store = Some(open_store(dir)?);
        }
        let r = store.as_ref().expect("opened").get(&arg).map(|s| s.credential).map_err(|e| format!("not a file or stored credential: {e}"));
        out.push((arg, r));
    }
    Ok(out)
}

fn check_all(dir: &Path, args: Vec<String>, json: bool) -> Result<ExitCode> {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for (source, c) in credentials_for(dir, args)? {
        match c {
            Ok(c) => {
                let a = backpack::rules::assess(&c);
                if json {
                    let mut v = serde_json::to_value(&a)?;
                    v["source"] = json!(source);
                    let ordered = json!({"source": source, "class": v["class"], "ects": v["ects"], "hours": v["hours"], "eqf": v["eqf"], "rules": v["rules"]});
                    writeln!(out, "{ordered}")?;
                } else {
                    writeln!(out, "{}  {}  ({})", a.class.as_str(), c.title(), source)?;
                    for r in &a.rules {
                        let mark = match r.outcome {
                            backpack::rules::RuleOutcome::Pass => "ok  ",
                            backpack::rules::RuleOutcome::Fail => "FAIL",
                            backpack::rules::RuleOutcome::Unknown => "??  ",
                        };
                        writeln!(out, "  {mark} {:<18} {}", r.rule, r.detail)?;
                    }
                }
            }
            Err(e) => {
                failed = true;
                if json {
                    writeln!(out, "{}", json!({"source": source, "error": e}))?;
                } else {
                    eprintln!("{source}: {e}");
                }
            }
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
