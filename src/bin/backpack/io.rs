//! The terminal: one locked standard output (human lines or one JSON object
//! per line; every write returns its error, so a closed pipe ends the command
//! quietly), files or stdout for exported bytes, and what is asked of the
//! person at the terminal (passphrases and secrets, from the environment when
//! set, for scripts; yes/no).

use std::io::{IsTerminal, Write};
use std::path::Path;

use backpack::app::Error;

/// The locked standard output: every line written at once, or, for the
/// commands that print a line per file ([`Out::bulk`]), in blocks when the
/// output is not a terminal (as ripgrep does: a write per line was ~5% of
/// `verify --json` on a folder).
pub struct Out {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    each_line: bool,
}

impl Out {
    pub fn new() -> Out {
        Out { w: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()), each_line: true }
    }

    /// Write in blocks from here on, unless standard output is a terminal.
    pub fn bulk(&mut self) {
        self.each_line = std::io::stdout().is_terminal();
    }

    /// Write out what is buffered (the end of a bulk command, so a failed
    /// write is reported, not lost when the buffer is dropped).
    pub fn flush(&mut self) -> Result<(), Error> {
        Ok(self.w.flush()?)
    }

    fn end_line(&mut self) -> Result<(), Error> {
        self.w.write_all(b"\n")?;
        if self.each_line {
            self.w.flush()?;
        }
        Ok(())
    }

    /// One line of text.
    pub fn line(&mut self, s: impl std::fmt::Display) -> Result<(), Error> {
        write!(self.w, "{s}")?;
        self.end_line()
    }

    /// One JSON object on one line.
    pub fn json(&mut self, v: &impl serde::Serialize) -> Result<(), Error> {
        serde_json::to_writer(&mut self.w, v)?;
        self.end_line()
    }

    /// Text with `--json` false, else the JSON object.
    pub fn either(&mut self, json: bool, v: &impl serde::Serialize, text: impl FnOnce() -> String) -> Result<(), Error> {
        if json { self.json(v) } else { self.line(text()) }
    }
}

/// A message on stderr (or through the progress bar), never an error.
pub fn note(f: impl FnOnce()) -> Result<(), Error> {
    f();
    Ok(())
}

/// Write `bytes` to the file `to`, or to standard output.
pub fn bytes(to: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match to {
        Some(p) => std::fs::write(p, bytes).map_err(|e| Error::new("io", format!("writing {}: {e}", p.display()))),
        None => Ok(std::io::stdout().lock().write_all(bytes)?),
    }
}

/// The language for human text: `--lang`, else the OS locale's.
pub fn lang(chosen: Option<String>) -> String {
    chosen.unwrap_or_else(|| backpack::app::text::os_language().into())
}

fn usage(msg: String) -> Error {
    Error::new("input-needed", msg)
}

/// A secret from `env` when set and not empty, else asked at the terminal
/// (twice when `confirm`).
pub fn secret(env: &str, what: &str, confirm: bool) -> Result<String, Error> {
    if let Some(p) = std::env::var(env).ok().filter(|p| !p.is_empty()) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!("{what} is needed: set {env} or run in a terminal")));
    }
    let p = rpassword::prompt_password(format!("{what}: "))?;
    if p.is_empty() {
        return Err(usage(format!("{what} is empty")));
    }
    if confirm {
        backpack::app::library::check_chosen_passphrase(&p)?;
        if rpassword::prompt_password(format!("Repeat {what}: "))? != p {
            return Err(usage("the passphrases differ".into()));
        }
    }
    Ok(p)
}

/// Ask `question [y/N]` when a person is at the terminal; `false` otherwise.
pub fn yes(question: &str) -> Result<bool, Error> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "ja" | "j"))
}
