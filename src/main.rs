//! The `backpack` command line: a thin shell over the core library.
//!
//! Output contract (tests and other tools rely on it): with `--json`, one JSON
//! object per line on stdout; human text otherwise. Exit status 0 on success,
//! 1 when any item failed, 2 on usage errors.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use backpack::app::import::Item;
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
    /// Share credentials: a self-contained link, an encrypted short link, a QR code, LinkedIn links, or (--present) a Verifiable Presentation signed with your holder key
    Share(ShareArgs),
    /// Your shares: list, revoke, delete expired ones, and share locations
    #[command(subcommand)]
    Shares(SharesCmd),
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

#[derive(Subcommand)]
enum SharesCmd {
    /// List shares: live, expired (still online) and revoked
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete a share's object from its host and mark it revoked
    Revoke {
        /// Share id or a unique prefix of it
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete expired shares from their hosts
    Prune {
        #[arg(long)]
        json: bool,
    },
    /// Share locations: where encrypted shares are uploaded
    #[command(subcommand)]
    Location(LocationCmd),
}

#[derive(Subcommand)]
enum LocationCmd {
    /// Add a WebDAV/HTTP PUT location (--webdav) or S3-compatible storage (--s3); the password or secret key
    /// comes from BACKPACK_SHARE_PASSWORD or a prompt and is kept in the OS keyring
    Add {
        name: String,
        /// Folder URL to PUT objects into, e.g. https://dav.example.org/remote.php/dav/files/me/backpack/
        #[arg(long, value_name = "URL", conflicts_with = "s3", required_unless_present = "s3")]
        webdav: Option<String>,
        /// User name for the WebDAV folder (HTTP Basic auth)
        #[arg(long, value_name = "USER", requires = "webdav")]
        user: Option<String>,
        /// S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com
        #[arg(long, value_name = "ENDPOINT", requires_all = ["bucket", "access_key"])]
        s3: Option<String>,
        #[arg(long, requires = "s3")]
        bucket: Option<String>,
        /// The bucket's region (default us-east-1)
        #[arg(long, requires = "s3")]
        region: Option<String>,
        #[arg(long, value_name = "KEY_ID", requires = "s3")]
        access_key: Option<String>,
        /// Virtual-host style bucket URLs (bucket.endpoint) instead of path style
        #[arg(long, requires = "s3")]
        virtual_host: bool,
        /// Where the uploaded objects can be read by anyone, when not at the upload URL
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
    },
    /// List share locations
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a share location (refused while it holds live shares) and its secret
    Remove { name: String },
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
    /// Wallet ids (or unique prefixes); links and QR codes take one, --present one or more
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    links: LinkArgs,
    #[command(flatten)]
    present: PresentArgs,
}

/// `share ID --link/--short/--qr/--linkedin`: links to the verifier page.
#[derive(clap::Args)]
struct LinkArgs {
    /// Print the self-contained link (the credential in the link itself; nothing is uploaded)
    #[arg(long)]
    link: bool,
    /// Base URL of the verifier page
    #[arg(long, value_name = "URL", env = "BACKPACK_VERIFIER_BASE")]
    base: Option<String>,
    /// Encrypt the credential, upload it to a share location and print the short link
    #[arg(long)]
    short: bool,
    /// With --short: the share location to use (needed when there are several)
    #[arg(long, value_name = "NAME", requires = "short")]
    location: Option<String>,
    /// With --short: when the share ends (RFC 3339)
    #[arg(long, value_name = "RFC3339", value_parser = parse_now, requires = "short", conflicts_with = "days")]
    expires: Option<chrono::DateTime<chrono::Utc>>,
    /// With --short: the share ends after N days
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3650), requires = "short")]
    days: Option<u32>,
    /// Write a QR code of the best link that fits (issuer link, short link, self-contained link)
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    qr: Option<PathBuf>,
    /// Print LinkedIn's "add to profile" and "share" URLs
    #[arg(long)]
    linkedin: bool,
    /// One JSON object on stdout
    #[arg(long)]
    json: bool,
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
            // The store's and the key's stable codes, for scripts: `error[store-empty]: …`.
            let code = e.chain().find_map(|c| {
                c.downcast_ref::<backpack::store::StoreError>()
                    .map(|s| s.code())
                    .or_else(|| c.downcast_ref::<backpack::keys::KeyError>().map(|k| k.code()))
                    .or_else(|| c.downcast_ref::<backpack::app::Error>().map(|a| a.code()))
            });
            match code {
                Some(code) => eprintln!("error[{code}]: {e:#}"),
                None => eprintln!("error: {e:#}"),
            }
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
                    let bytes = import::read::read_stream(std::io::stdin().lock(), import::MAX_INPUT_BYTES, "standard input")
                        .context("reading standard input")?;
                    let text = String::from_utf8(bytes).context("standard input is not UTF-8 text")?;
                    list.push(Item::Input(Input::Text {
                        label: "<stdin>".into(),
                        text,
                    }));
                } else {
                    list.push(Item::Input(Input::from_arg(arg)));
                }
            }
            let opts = ImportOptions {
                fetcher: if offline { None } else { Some(import::Fetcher::new()?) },
            };
            import_all(&mut store, list, &opts, json)
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
                        backpack::display::safe_text(r.issued.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("----------")),
                        backpack::display::safe_text(&r.title),
                        backpack::display::safe_text(r.issuer.as_deref().unwrap_or("(unknown issuer)")),
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
                ExportFormat::Png | ExportFormat::Svg | ExportFormat::Pdf => {
                    use backpack::export::{render, Artifact, ImageKind};
                    let what = match format {
                        ExportFormat::Png => Artifact::Baked(ImageKind::Png),
                        ExportFormat::Svg => Artifact::Baked(ImageKind::Svg),
                        _ => Artifact::Pdf,
                    };
                    let lang = export.lang.clone().or_else(|| std::env::var("LANG").ok()).unwrap_or_default();
                    let lang = backpack::dossier::Lang::parse(&lang);
                    let base = backpack::app::links::verifier_base(&export.base).context("--base")?;
                    render(&store, &s, what, export.into.as_deref(), &base, lang, &chrono::Utc::now())?
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
            // n is counted in the written file, not in the live store.
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
        Command::Shares(cmd) => shares_cmd(&dir, cmd),
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
                    .map(|(name, bytes)| {
                        Item::Input(Input::Text {
                            label: format!("sample/{name}"),
                            text: String::from_utf8_lossy(&bytes).into_owned(),
                        })
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
    if args.present.present {
        return present_cmd(dir, &args.ids, &args.present);
    }
    match args.ids.as_slice() {
        [id] => link_cmd(dir, id, args.links),
        _ => {
            eprintln!("error: links and QR codes are made for one credential at a time (--present takes several)");
            Ok(ExitCode::from(2))
        }
    }
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

fn import_all(store: &mut Store, inputs: Vec<Item>, opts: &ImportOptions, json: bool) -> Result<ExitCode> {
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
    let mut write_err: Option<std::io::Error> = None;
    backpack::app::import::import(store, inputs, opts, |p| {
        if write_err.is_some() {
            return;
        }
        let mut line = |v: serde_json::Value, text: String, is_err: bool| -> std::io::Result<()> {
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
        let r = p.result;
        let written = match &r.outcome {
            Ok(entries) => entries.iter().try_for_each(|e| {
                let status = match e.stored {
                    Stored::Imported => {
                        imported += 1;
                        "imported"
                    }
                    Stored::Duplicate => {
                        dups += 1;
                        "duplicate"
                    }
                };
                let mut v = json!({"source": e.source, "id": e.id, "status": status, "verdict": e.verdict});
                if !e.warnings.is_empty() {
                    v["warnings"] = json!(e.warnings);
                }
                line(v, format!("{status:9} {}  {}  ({})", e.id, e.title, e.source), false)
            }),
            Err(err) => {
                rejected += 1;
                line(
                    json!({"source": r.source, "id": null, "status": "rejected", "error": err.message(), "code": err.code()}),
                    format!("rejected  {}: {}", r.source, err.message()),
                    true,
                )
            }
        };
        if let Err(e) = written {
            write_err = Some(e);
        }
        if let Some(b) = &bar {
            b.set_message(r.source.clone());
            b.inc(1);
        }
    });
    if let Some(e) = write_err {
        return Err(e.into());
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
    // Credential text goes to a terminal: bidi overrides and control
    // characters (escape sequences) are shown as [U+XXXX].
    use backpack::display::safe_text as safe;
    let row = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            println!("{k:<20}{}", safe(&v));
        }
    };
    println!("{}", safe(c.title()));
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
        println!("\n{}", safe(d));
    }
    if !a.learning_outcomes.is_empty() {
        println!("\nLearning outcomes:");
        for o in &a.learning_outcomes {
            println!("  - {}", safe(&o.text).replace('\n', "\n    "));
        }
    }
    for w in &c.warnings {
        println!("\nnote: {}", safe(w));
    }
    println!("\nimported {} from {}", s.imported_at, safe(&s.source));
}

/// One thing to verify: an input the importer reads, or a stored credential.
enum VerifyItem {
    Input(Input),
    Stored(String, Box<backpack::import::Parsed>),
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
            Ok(s) => items.push(VerifyItem::Stored(arg, Box::new(s.into_parsed()))),
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
            let got = backpack::app::pathways::import_file(&mut store, &file).with_context(|| file.display().to_string())?;
            println!("{}", got.pathway.id);
            for m in got.not_held {
                eprintln!("not in your backpack: {}", m.name.or(m.achievement_id).unwrap_or_default());
            }
        }
        PathwayCmd::Suggest { json } => {
            for s in backpack::app::pathways::suggestions(&store)? {
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


enum QrFormat {
    Svg,
    Png,
}

fn link_cmd(dir: &Path, id: &str, a: LinkArgs) -> Result<ExitCode> {
    use backpack::share::{self, records};
    if !(a.link || a.short || a.qr.is_some() || a.linkedin) {
        eprintln!("error: say what to make: --link, --short, --qr FILE.svg|FILE.png and/or --linkedin");
        return Ok(ExitCode::from(2));
    }
    let qr_format = match &a.qr {
        None => None,
        Some(f) => match f.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => Some(QrFormat::Svg),
            Some("png") => Some(QrFormat::Png),
            _ => bail!("--qr {}: the file name must end in .svg or .png", f.display()),
        },
    };
    let base = backpack::app::links::verifier_base_or_default(a.base.as_deref()).context("--base")?;
    let mut store = open_store(dir)?;
    let sc = store.get(id)?;
    let now = chrono::Utc::now();
    let self_link = share::self_contained_link(&base, &sc.original)?;
    let issuer = share::issuer_link(&sc.credential);
    let made = if a.short {
        let expires = a.expires.or_else(|| a.days.map(|d| now + chrono::Duration::days(i64::from(d))));
        Some(records::create(&mut store, &sc.credential.id, a.location.as_deref(), expires, &base, now)?)
    } else {
        None
    };
    let short = match &made {
        Some(r) => Some(r.clone()),
        None => records::live_link(&store, &sc.credential.id, &now)?,
    };
    let short_link = short.as_ref().map(|r| r.link.as_str());
    let mut out = serde_json::Map::new();
    out.insert("id".into(), json!(sc.credential.id));
    if let Some(i) = &issuer {
        out.insert("issuer_link".into(), json!(i));
    }
    let mut lines = Vec::new();
    if a.link {
        out.insert("link".into(), json!(self_link));
        lines.push(self_link.clone());
    }
    if let Some(r) = &made {
        out.insert("short".into(), json!({"share": r.id, "link": r.link, "object_url": r.object_url, "location": r.location, "expires": r.expires}));
        lines.push(r.link.clone());
    }
    if let (Some(file), Some(fmt)) = (&a.qr, qr_format) {
        let (kind, payload) = match share::choose_qr_payload(issuer.as_deref(), short_link, &self_link) {
            Ok(p) => p,
            Err(e) if short_link.is_none() && issuer.is_none() && !store.share_locations()?.is_empty() => {
                bail!("{e}\n(a share location is set up: add --short to upload an encrypted copy and put its short link in the QR code)")
            }
            Err(e) => return Err(e.into()),
        };
        let bytes = match fmt {
            QrFormat::Svg => share::qr_svg(&payload)?.into_bytes(),
            QrFormat::Png => share::qr_png(&payload, 8)?,
        };
        std::fs::write(file, bytes).with_context(|| format!("writing {}", file.display()))?;
        out.insert("qr".into(), json!({"file": file, "kind": kind, "payload": payload}));
        if !a.json {
            eprintln!("wrote a QR code of the {} to {}", match kind {
                share::LinkKind::Issuer => "issuer's link",
                share::LinkKind::Short => "encrypted short link",
                share::LinkKind::SelfContained => "self-contained link",
            }, file.display());
        }
    }
    if a.linkedin {
        let cert = share::shortest([issuer.as_deref(), short_link, Some(self_link.as_str())]).unwrap_or(&self_link);
        let add = share::linkedin_add_to_profile(&sc.credential, cert);
        let feed = share::linkedin_share(cert);
        out.insert("linkedin".into(), json!({"add_to_profile": add, "share": feed, "cert_url": cert}));
        lines.push(add);
        lines.push(feed);
    }
    if a.json {
        println!("{}", serde_json::Value::Object(out));
    } else {
        for l in lines {
            println!("{l}");
        }
        if let Some(r) = &made {
            eprintln!(
                "shared as {} on '{}'{}; revoke with: backpack shares revoke {}",
                r.id,
                r.location,
                r.expires.as_deref().map(|e| format!(" until {e}")).unwrap_or_default(),
                r.id
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn share_json(r: &backpack::share::records::ShareRecord, now: &chrono::DateTime<chrono::Utc>, title: Option<String>) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["state"] = json!(r.state(now));
    v["title"] = json!(title);
    v
}

fn shares_cmd(dir: &Path, cmd: SharesCmd) -> Result<ExitCode> {
    use backpack::share::records::{self, ShareState};
    let mut store = open_store(dir)?;
    let now = chrono::Utc::now();
    match cmd {
        SharesCmd::List { json } => {
            let all = store.shares()?;
            let mut out = std::io::stdout().lock();
            for r in &all {
                let title = store.get(&r.credential).ok().map(|s| s.credential.title().to_string());
                if json {
                    writeln!(out, "{}", share_json(r, &now, title))?;
                } else {
                    let state = match r.state(&now) {
                        ShareState::Live => "live",
                        ShareState::Expired => "EXPIRED",
                        ShareState::Revoked => "revoked",
                    };
                    writeln!(
                        out,
                        "{}  {:<8} {}  {}  until {}  on {}\n    {}",
                        r.id,
                        state,
                        r.credential,
                        title.as_deref().unwrap_or("(no longer in the backpack)"),
                        r.expires.as_deref().unwrap_or("revoked"),
                        r.location,
                        r.link
                    )?;
                }
            }
            if !json && all.is_empty() {
                eprintln!("No shares yet. Make one with: backpack share ID --short");
            }
            let expired: Vec<_> = all.iter().filter(|r| r.state(&now) == ShareState::Expired).collect();
            if !expired.is_empty() {
                eprintln!("{} share(s) have expired but are still on their host.", expired.len());
                let ask = std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && !json;
                let mut yes = false;
                if ask {
                    eprint!("Delete them from the host now? [y/N] ");
                    let mut answer = String::new();
                    std::io::stdin().read_line(&mut answer)?;
                    yes = matches!(answer.trim(), "y" | "Y" | "yes" | "ja" | "j");
                }
                if yes {
                    return prune(&mut store, now, false);
                }
                eprintln!("Delete them with: backpack shares prune");
            }
            Ok(ExitCode::SUCCESS)
        }
        SharesCmd::Revoke { id, json } => {
            let r = records::revoke(&mut store, &id, now).map_err(|e| match e {
                records::ShortError::Host(h) => anyhow!("{h}\nthe share is still online and stays listed as live; try again later"),
                e => e.into(),
            })?;
            if json {
                println!("{}", share_json(&r, &now, None));
            } else {
                eprintln!("revoked {}: {} is deleted from '{}'", r.id, r.object_url, r.location);
            }
            Ok(ExitCode::SUCCESS)
        }
        SharesCmd::Prune { json } => prune(&mut store, now, json),
        SharesCmd::Location(cmd) => location_cmd(&mut store, cmd, now),
    }
}

fn prune(store: &mut Store, now: chrono::DateTime<chrono::Utc>, json: bool) -> Result<ExitCode> {
    let mut failed = false;
    let results = backpack::share::records::prune(store, now)?;
    for (r, res) in &results {
        if json {
            let mut v = json!({"id": r.id, "object_url": r.object_url, "status": if res.is_ok() { "deleted" } else { "failed" }});
            if let Err(e) = res {
                v["error"] = json!(e.to_string());
                v["code"] = json!(e.code());
            }
            println!("{v}");
        } else {
            match res {
                Ok(()) => eprintln!("deleted expired share {} ({})", r.id, r.object_url),
                Err(e) => eprintln!("could not delete expired share {}: {e}", r.id),
            }
        }
        failed |= res.is_err();
    }
    if !json && results.is_empty() {
        eprintln!("no expired shares online");
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn share_secret(prompt: &str) -> Result<String> {
    if let Ok(p) = std::env::var(backpack::share::host::PASSWORD_ENV) {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("{prompt} is needed: set {} or run in a terminal", backpack::share::host::PASSWORD_ENV);
    }
    let p = rpassword::prompt_password(format!("{prompt}: "))?;
    if p.is_empty() {
        bail!("the {prompt} is empty");
    }
    Ok(p)
}

fn location_cmd(store: &mut Store, cmd: LocationCmd, now: chrono::DateTime<chrono::Utc>) -> Result<ExitCode> {
    use backpack::share::host::{self, Location, LocationKind};
    match cmd {
        LocationCmd::Add { name, webdav, user, s3, bucket, region, access_key, virtual_host, public_url } => {
            let kind = match (webdav, s3) {
                (Some(url), None) => LocationKind::Webdav { url, user },
                (None, Some(endpoint)) => LocationKind::S3 {
                    endpoint,
                    bucket: bucket.unwrap_or_default(),
                    region: region.unwrap_or_else(|| "us-east-1".into()),
                    access_key: access_key.unwrap_or_default(),
                    virtual_host,
                },
                _ => bail!("give --webdav URL or --s3 ENDPOINT"),
            };
            let loc = Location {
                id: host::new_id(),
                name,
                kind,
                public_url,
                created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }
            .validated()?;
            let secret = if loc.needs_secret() {
                Some(share_secret(match loc.kind {
                    LocationKind::S3 { .. } => "the S3 secret access key",
                    LocationKind::Webdav { .. } => "the WebDAV password or app token",
                })?)
            } else {
                None
            };
            store.add_share_location(&loc)?;
            if let Some(s) = secret {
                if let Err(e) = loc.save_secret(&s) {
                    eprintln!("warning: the secret is not saved ({e}); set {} whenever you share", host::PASSWORD_ENV);
                }
            }
            eprintln!("added share location '{}' ({})", loc.name, loc.target());
        }
        LocationCmd::List { json } => {
            for l in store.share_locations()? {
                if json {
                    println!("{}", serde_json::to_string(&l)?);
                } else {
                    let user = match &l.kind {
                        LocationKind::Webdav { user: Some(u), .. } => format!(" as {u}"),
                        LocationKind::S3 { access_key, .. } => format!(" as {access_key}"),
                        _ => String::new(),
                    };
                    println!("{}  {}{user}{}", l.name, l.target(), l.public_url.as_deref().map(|p| format!("  (public: {p})")).unwrap_or_default());
                }
            }
        }
        LocationCmd::Remove { name } => {
            let loc = store.remove_share_location(&name)?;
            if let Err(e) = loc.delete_secret() {
                eprintln!("warning: could not remove its secret from the keyring: {e}");
            }
            eprintln!("removed share location '{name}'");
        }
    }
    Ok(ExitCode::SUCCESS)
}
