//! The command line's arguments (clap): every command, its options and
//! their help text. Nothing here decides anything; `commands.rs` maps these
//! onto the core's use-case layer (`backpack::app`).

use std::path::PathBuf;

use backpack::app::library::ExportFormat;
use backpack::app::search::{Filters, KindFilter, SortKey, StatusFilter};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "backpack", version, about = "Backpack: a wallet for micro-credentials (Open Badges 2.0/3.0, CLR 2.0)")]
pub struct Cli {
    /// Data folder (default: the OS data directory, e.g. ~/.local/share/backpack)
    #[arg(long, global = true, env = "BACKPACK_DATA_DIR", value_name = "DIR")] pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Import credentials from files, folders, URLs, or standard input ("-")
    Import {
        /// Files, folders, http(s) URLs, or - for pasted text on stdin
        #[arg(required = true, value_name = "PATH|URL")] inputs: Vec<String>,
        /// One JSON line per item: {"source","id","status","error"?}
        #[arg(long)] json: bool,
        /// Do not use the network (URLs are refused, linked badge classes are not fetched)
        #[arg(long)] offline: bool,
    },
    /// List the credentials in the backpack (newest first), or those matching a search and filters
    List {
        #[command(flatten)]
        filters: ListArgs,
        /// One JSON line per credential
        #[arg(long)] json: bool,
    },
    /// Show one credential (the normalised model)
    Show {
        /// Wallet id or a unique prefix of it (at least 4 digits)
        id: String,
        #[arg(long)] json: bool,
    },
    /// Remove one credential
    Remove { id: String },
    /// Write a credential out: its original bytes, the normalised model as JSON, a baked PNG/SVG badge or a one-page PDF
    Export {
        id: String,
        /// original (the bytes as imported), json (the normalised model), png or svg (a baked badge), pdf (one page for a CV)
        #[arg(long, default_value = "original", value_parser = ExportFormat::parse)] format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long, short)] output: Option<PathBuf>,
        #[command(flatten)]
        export: ExportArgs,
    },
    /// Back the whole backpack up into one encrypted file (passphrase from BACKPACK_BACKUP_PASSPHRASE or a prompt)
    Backup { file: PathBuf },
    /// Restore credentials from a backup file (merges; --replace to make the backpack equal to the backup)
    Restore { file: PathBuf, #[arg(long)] replace: bool },
    /// Verify credentials: files, folders, URLs, or wallet ids of stored credentials
    Verify {
        #[arg(required = true, value_name = "PATH|URL|ID")] inputs: Vec<String>,
        /// One JSON line per input, in input order: {"source","verdict","checks":[...]}
        #[arg(long)] json: bool,
        /// Do not use the network: checks that need it say "could not check"
        #[arg(long)] offline: bool,
        /// Check dates against this moment instead of the current time (RFC 3339)
        #[arg(long, value_name = "RFC3339", value_parser = backpack::app::verify::parse_time)] now: Option<chrono::DateTime<chrono::Utc>>,
        /// Worker threads (default: all cores)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))] jobs: Option<u16>,
        /// Fetch URLs starting with FROM from TO instead (a mirror or local copy), e.g. https://example.org/=http://127.0.0.1:8080/
        #[arg(long, value_name = "FROM=TO", value_parser = backpack::app::verify::parse_map)] map_url: Vec<(String, String)>,
        /// Language of the human-readable report (nl or en; default from LANG)
        #[arg(long)] lang: Option<String>,
        /// Presentations: the challenge the holder's proof must carry
        #[arg(long)] challenge: Option<String>,
        /// Presentations: the domain the holder's proof must name
        #[arg(long)] domain: Option<String>,
    },
    /// Check credentials against the micro-credential rules (files, folders or wallet ids)
    Check {
        #[arg(required = true, value_name = "PATH|ID")] inputs: Vec<String>,
        /// One JSON line per input: {"source","class","ects","hours","eqf","rules":[...]}
        #[arg(long)] json: bool,
    },
    /// Plan stacked credentials: pathways with a goal, progress and suggestions
    #[command(subcommand)]
    Pathway(PathwayCmd),
    /// Write an exemption dossier for a Board of Examiners (HTML, PDF, CLR 2.0, the originals)
    Dossier {
        /// Credentials to include (wallet ids); or use --pathway
        ids: Vec<String>,
        /// Include the credentials of this pathway
        #[arg(long)] pathway: Option<String>,
        /// Folder to write into (created if needed)
        #[arg(long, short)] out: PathBuf,
        /// Language of the dossier: nl or en (default from LANG)
        #[arg(long)] lang: Option<String>,
        /// The learner's name as it should appear
        #[arg(long)] learner: Option<String>,
        /// What is asked, e.g. "Exemption for course X in programme Y"
        #[arg(long)] request: Option<String>,
        /// Verify the credentials first (saving their reports)
        #[arg(long)] verify: bool,
        /// With --verify: do not use the network
        #[arg(long)] offline: bool,
    },
    /// Share credentials: a self-contained link, an encrypted short link, a QR code, LinkedIn links, or (--present) a Verifiable Presentation signed with your holder key
    Share(ShareArgs),
    /// Your shares: list, revoke, delete expired ones, and share locations
    #[command(subcommand)]
    Shares(SharesCmd),
    /// Receive credentials from an issuer: an OpenID4VCI offer (openid-credential-offer://, a link with credential_offer[_uri]), a DCC request (dccrequest://), a VC-API interaction URL, a picture of its QR code (PNG), or - for stdin
    Receive {
        /// The offer, link or URL; a PNG file with its QR code or a text file holding it; - for stdin
        #[arg(value_name = "OFFER|URL|FILE|-", required_unless_present = "pending", conflicts_with = "pending")] offer: Option<String>,
        /// The transaction code (PIN) the issuer sent you, when the offer asks for one (asked at the terminal otherwise)
        #[arg(long, value_name = "CODE")] tx_code: Option<String>,
        /// Ask again for credentials the issuer said it would deliver later (each no sooner than the wait the issuer asked for)
        #[arg(long)] pending: bool,
        /// One JSON line per credential: {"source","id","status","error"?,"code"?,"verdict"?}
        #[arg(long)] json: bool,
        /// Language of the issuer's names (nl or en; default from LANG)
        #[arg(long)] lang: Option<String>,
    },
    /// The EU trusted lists Europass e-seals are checked against: the snapshot in use, or fetch a new one
    #[command(subcommand)]
    Trust(TrustCmd),
    /// Show where the data lives, how it is keyed, and how much it holds
    Info { #[arg(long)] json: bool },
    /// Write the sample backpack's credentials into a folder (or import them with --load)
    Sample {
        /// Folder to write the sample credential files to
        #[arg(long, value_name = "DIR")] out: Option<PathBuf>,
        /// Import the sample credentials into the backpack
        #[arg(long)] load: bool,
        /// How many credentials (default: the 6 hand-written samples; more are generated)
        #[arg(long)] count: Option<usize>,
    },
}

#[derive(Subcommand)]
pub enum TrustCmd {
    /// Where snapshots are looked for, and the one in use (its date, lists, next update)
    Status { #[arg(long)] json: bool },
    /// Fetch the EU list of trusted lists and every member state's list, verify them, and keep them only if all verify
    Refresh,
}

#[derive(Subcommand)]
pub enum PathwayCmd {
    /// Make a new pathway
    New {
        name: String,
        /// Target study load in ECTS
        #[arg(long)] ects: Option<rust_decimal::Decimal>,
        /// Target study load in hours
        #[arg(long)] hours: Option<rust_decimal::Decimal>,
        /// Lowest EQF level a credential may have to count
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=8))] min_eqf: Option<u8>,
        /// Date to finish by (YYYY-MM-DD)
        #[arg(long)] deadline: Option<String>,
        #[arg(long)] description: Option<String>,
        /// Credentials to put in it straight away
        #[arg(long = "add", value_name = "ID")] members: Vec<String>,
    },
    /// Put credentials in a pathway
    Add { pathway: String, #[arg(required = true)] ids: Vec<String> },
    /// Take credentials out of a pathway
    Remove { pathway: String, #[arg(required = true)] ids: Vec<String> },
    /// Progress of a pathway: ECTS/hours against the goal, levels, what is missing, overlaps
    Show {
        pathway: String,
        #[arg(long)] json: bool,
        /// Verify the members first (saving their reports)
        #[arg(long)] verify: bool,
        /// With --verify: do not use the network
        #[arg(long)] offline: bool,
    },
    /// List pathways
    List { #[arg(long)] json: bool },
    /// Write a pathway as an exchange file (documented in src/pathway.rs)
    Export { pathway: String, #[arg(long, short)] output: Option<PathBuf> },
    /// Load a pathway from an exchange file (members matched to your credentials)
    Import { file: PathBuf },
    /// Suggest pathways from credentials that seem to stack
    Suggest { #[arg(long)] json: bool },
    /// Delete a pathway (the credentials stay)
    Delete { pathway: String },
}

#[derive(Subcommand)]
pub enum SharesCmd {
    /// List shares: live, expired (still online) and revoked
    List { #[arg(long)] json: bool },
    /// Delete a share's object from its host and mark it revoked
    Revoke {
        /// Share id or a unique prefix of it
        id: String,
        #[arg(long)] json: bool,
    },
    /// Delete expired shares from their hosts
    Prune { #[arg(long)] json: bool },
    /// Check that the verifier page answers where links point (exit 1 when it does not)
    CheckPage {
        /// The verifier page to check (default: the one `share` would use)
        #[arg(long, value_name = "URL", env = "BACKPACK_VERIFIER_BASE")] base: Option<String>,
        /// Without --base: the page published on this share location
        #[arg(long, value_name = "NAME", conflicts_with = "base")] location: Option<String>,
        /// One JSON line: {"url","status","http_status"?,"error"?}
        #[arg(long)] json: bool,
    },
    /// Share locations: where encrypted shares are uploaded
    #[command(subcommand)]
    Location(LocationCmd),
}

#[derive(Subcommand)]
pub enum LocationCmd {
    /// Add a WebDAV/HTTP PUT location (--webdav) or S3-compatible storage (--s3); the password or secret key
    /// comes from BACKPACK_SHARE_PASSWORD or a prompt and is kept in the OS keyring
    Add {
        name: String,
        /// Folder URL to PUT objects into, e.g. https://dav.example.org/remote.php/dav/files/me/backpack/
        #[arg(long, value_name = "URL", conflicts_with = "s3", required_unless_present = "s3")] webdav: Option<String>,
        /// User name for the WebDAV folder (HTTP Basic auth)
        #[arg(long, value_name = "USER", requires = "webdav")] user: Option<String>,
        /// S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com
        #[arg(long, value_name = "ENDPOINT", requires_all = ["bucket", "access_key"])] s3: Option<String>,
        #[arg(long, requires = "s3")] bucket: Option<String>,
        /// The bucket's region (default us-east-1)
        #[arg(long, requires = "s3")] region: Option<String>,
        #[arg(long, value_name = "KEY_ID", requires = "s3")] access_key: Option<String>,
        /// Virtual-host style bucket URLs (bucket.endpoint) instead of path style
        #[arg(long, requires = "s3")] virtual_host: bool,
        /// Where the uploaded objects can be read by anyone, when not at the upload URL
        #[arg(long, value_name = "URL")] public_url: Option<String>,
    },
    /// List share locations
    List { #[arg(long)] json: bool },
    /// Remove a share location (refused while it holds live shares) and its secret
    Remove { name: String },
    /// Publish the employer verifier page under the location's verify/ folder; links made with the location then open that copy
    PublishPage {
        name: String,
        /// One JSON line: {"location","url","files","status":"published"}
        #[arg(long)] json: bool,
    },
}

/// `export` options for the baked images and the PDF.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// png/svg: bake into this image instead of the credential's own
    #[arg(long, value_name = "IMAGE.png|IMAGE.svg")] pub into: Option<PathBuf>,
    /// pdf: the verifier page the QR code's self-contained link opens (default: the page published on your
    /// share location, else https://backpack-wallet.github.io/verify/)
    #[arg(long, value_name = "URL")] pub base: Option<String>,
    /// pdf: language (nl or en; default from LANG)
    #[arg(long)] pub lang: Option<String>,
}

#[derive(clap::Args)]
pub struct ShareArgs {
    /// Wallet ids (or unique prefixes); links and QR codes take one, --present one or more
    #[arg(required = true, value_name = "ID")] pub ids: Vec<String>,
    #[command(flatten)]
    pub links: LinkArgs,
    #[command(flatten)]
    pub present: PresentArgs,
}

/// `share ID --link/--short/--qr/--linkedin`: links to the verifier page.
#[derive(clap::Args)]
pub struct LinkArgs {
    /// Print the self-contained link (the credential in the link itself; nothing is uploaded)
    #[arg(long)] pub link: bool,
    /// Base URL of the verifier page
    #[arg(long, value_name = "URL", env = "BACKPACK_VERIFIER_BASE")] pub base: Option<String>,
    /// Encrypt the credential, upload it to a share location and print the short link
    #[arg(long)] pub short: bool,
    /// With --short: the share location to use (needed when there are several)
    #[arg(long, value_name = "NAME", requires = "short")] pub location: Option<String>,
    /// With --short: when the share ends (RFC 3339)
    #[arg(long, value_name = "RFC3339", value_parser = backpack::app::verify::parse_time, requires = "short", conflicts_with = "days")]
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
    /// With --short: the share ends after N days
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3650), requires = "short")]
    pub days: Option<u32>,
    /// Write a QR code of the best link that fits (issuer link, short link, self-contained link)
    #[arg(long, value_name = "FILE.svg|FILE.png")] pub qr: Option<PathBuf>,
    /// Print LinkedIn's "add to profile" and "share" URLs
    #[arg(long)] pub linkedin: bool,
    /// One JSON object on stdout
    #[arg(long)] pub json: bool,
}

/// `share --present`: a holder-signed Verifiable Presentation.
#[derive(clap::Args)]
pub struct PresentArgs {
    /// Write a Verifiable Presentation of the credentials, signed with your holder key (did:key)
    #[arg(long)] pub present: bool,
    /// The challenge (nonce) the verifier gave you
    #[arg(long, requires = "present")] pub challenge: Option<String>,
    /// The domain the verifier named
    #[arg(long, requires = "present")] pub domain: Option<String>,
    /// Write the presentation to this file instead of standard output
    #[arg(long, value_name = "FILE", requires = "present")] pub out: Option<PathBuf>,
}

/// `list`'s search, filters, order and page (the app's Backpack screen has the same).
#[derive(clap::Args)]
pub struct ListArgs {
    /// Words that must all occur (any case) in the title, issuer, wallet id or issue date
    #[arg(long, value_name = "WORDS", default_value = "")] pub query: String,
    /// Only this issuer (its name exactly as listed)
    #[arg(long, value_name = "NAME", default_value = "")] pub issuer: String,
    /// Only credentials issued in this year
    #[arg(long, value_name = "YYYY", default_value = "")] pub year: String,
    /// At least this many ECTS
    #[arg(long, value_name = "EC")] pub ects_min: Option<f64>,
    /// At most this many ECTS
    #[arg(long, value_name = "EC")] pub ects_max: Option<f64>,
    /// Only this EQF level
    #[arg(long, value_name = "1-8", value_parser = clap::value_parser!(u8).range(1..=8))] pub eqf: Option<u8>,
    /// Only this outcome of the latest verification: valid, invalid, indeterminate or unchecked
    #[arg(long, default_value = "", hide_default_value = true, value_parser = StatusFilter::parse)] pub status: StatusFilter,
    /// micro (micro-credentials) or other
    #[arg(long, default_value = "", hide_default_value = true, value_parser = KindFilter::parse)] pub kind: KindFilter,
    /// newest, oldest, title, ects or issuer
    #[arg(long, default_value = "newest", value_parser = SortKey::parse)] pub sort: SortKey,
    /// At most this many credentials
    #[arg(long, value_name = "N")] pub limit: Option<usize>,
    /// Skip this many matching credentials first
    #[arg(long, value_name = "N", default_value_t = 0)] pub offset: usize,
}

impl ListArgs {
    /// The core's filters.
    pub fn filters(&self) -> Filters {
        Filters {
            query: self.query.clone(),
            issuer: self.issuer.clone(),
            year: self.year.clone(),
            ects_min: self.ects_min,
            ects_max: self.ects_max,
            eqf: self.eqf,
            status: self.status,
            kind: self.kind,
            sort: self.sort,
        }
    }
}
