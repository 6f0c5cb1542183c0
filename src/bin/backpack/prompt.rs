//! What the command line asks the person at the terminal: passphrases and
//! share secrets (from the environment when set, for scripts), and yes/no.

use std::io::IsTerminal;

use backpack::app::Error;

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
