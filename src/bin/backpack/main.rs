//! The `backpack` command line: parse the arguments, find the data folder,
//! dispatch to the command (`commands.rs`, which maps each onto the core's
//! use-case layer `backpack::app`), and turn the outcome into an exit status.
//!
//! Output contract (tests and other tools rely on it): with `--json`, one JSON
//! object per line on stdout; human text otherwise. Exit status 0 on success,
//! 1 when any item failed (an error prints `error[code]: message`), 2 on usage
//! errors. Writing to a closed pipe (`backpack list | head -1`) ends quietly.

mod args;
mod commands;
mod io;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
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
