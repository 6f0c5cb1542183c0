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
    /// Write a credential out: its original bytes, or the normalised model as JSON
    Export {
        id: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Original)]
        format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Back the whole backpack up into one encrypted file (passphrase from BACKPACK_BACKUP_PASSPHRASE or a prompt)
    Backup { file: PathBuf },
    /// Restore credentials from a backup file (merges; --replace to make the backpack equal to the backup)
    Restore {
        file: PathBuf,
        #[arg(long)]
        replace: bool,
    },
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

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Original,
    Json,
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
        Command::Export { id, format, output } => {
            let store = open_store(&dir)?;
            let s = store.get(&id)?;
            let bytes = match format {
                ExportFormat::Original => s.original,
                ExportFormat::Json => {
                    let mut v = serde_json::to_vec_pretty(&s.credential)?;
                    v.push(b'\n');
                    v
                }
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
        Command::Info { json } => {
            let meta = keys::describe(&dir)?;
            let store = open_store(&dir)?;
            let v = json!({
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
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sample { out, load, count } => {
            let files = backpack::sample::credentials(count);
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
