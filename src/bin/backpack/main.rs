//! The `backpack` command line: parse the arguments, dispatch to the command
//! (`commands.rs`, each mapped onto the core's use-case layer `backpack::app`),
//! and exit 0 on success, 1 when any item failed (`error[code]: message`), 2
//! on usage errors; `--json` prints one JSON object per line. A closed pipe
//! (`backpack list | head -1`) ends quietly, as in ripgrep.

mod args;
mod commands;
mod io;

use std::process::ExitCode;

use clap::Parser;

// Verifying or importing a folder builds and drops many small JSON values;
// mimalloc's per-thread free lists make that measurably cheaper than glibc's
// malloc (scripts/bench.sh: see README's figures).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    if let Some(d) = &cli.data_dir {
        // The one data folder for everything this process reads from it
        // (`default_data_dir`: the trusted-list snapshots the verifier finds
        // there); set before any thread starts.
        std::env::set_var("BACKPACK_DATA_DIR", d);
    }
    let dir = cli.data_dir.or_else(backpack::default_data_dir);
    let result = match dir {
        Some(dir) => commands::run(&dir, cli.command),
        None => Err(commands::usage("cannot tell where to keep data: set --data-dir or BACKPACK_DATA_DIR")),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.code() == backpack::app::error::BROKEN_PIPE => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::from(if e.code() == "usage" { 2 } else { 1 })
        }
    }
}
