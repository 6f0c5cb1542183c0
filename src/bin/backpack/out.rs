//! Standard output for the commands: one locked writer, human lines or one
//! JSON object per line, and files or stdout for exported bytes. Every write
//! returns its error, so a closed pipe ends the command quietly (see main.rs).

use std::io::Write;
use std::path::Path;

use backpack::app::Error;

/// The locked standard output.
pub struct Out(std::io::StdoutLock<'static>);

impl Out {
    pub fn new() -> Out {
        Out(std::io::stdout().lock())
    }

    /// One line of text.
    pub fn line(&mut self, s: impl std::fmt::Display) -> Result<(), Error> {
        Ok(writeln!(self.0, "{s}")?)
    }

    /// One JSON object on one line.
    pub fn json(&mut self, v: &impl serde::Serialize) -> Result<(), Error> {
        self.line(serde_json::to_string(v)?)
    }

    /// Text with `--json` false, else the JSON object.
    pub fn either(&mut self, json: bool, v: &impl serde::Serialize, text: impl FnOnce() -> String) -> Result<(), Error> {
        if json { self.json(v) } else { self.line(text()) }
    }
}

/// Write `bytes` to the file `to`, or to standard output.
pub fn bytes(to: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match to {
        Some(p) => std::fs::write(p, bytes).map_err(|e| Error::new("io", format!("writing {}: {e}", p.display()))),
        None => Ok(std::io::stdout().lock().write_all(bytes)?),
    }
}

/// The language for human text: `--lang`, else `LANG`.
pub fn lang(chosen: Option<String>) -> String {
    chosen.or_else(|| std::env::var("LANG").ok()).unwrap_or_default()
}
