//! The one place that touches the OS keyring. Every secret Backpack keeps
//! outside its files goes through here: the store key (`store-<id>`, see
//! [`crate::keys`]), the holder key (`holder-<id>`, [`crate::present`]) and
//! share-location passwords (`share-location-<id>`, [`crate::share::host`]).
//!
//! Entries live under the service name [`SERVICE`]. A process may switch to
//! an in-memory backend ([`use_memory_backend`]): secrets then live only as
//! long as the process, so in-process tests of the core run without a D-Bus
//! session. The `BACKPACK_KEYRING=off` switch is the callers' business
//! (`KeyOptions`); this module only stores and reads.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use thiserror::Error;

/// The keyring service every Backpack entry is filed under.
pub const SERVICE: &str = "Backpack";

/// The keyring could not be used (no Secret Service, locked, refused).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct SecretError(pub String);

fn memory() -> &'static Mutex<Option<HashMap<String, String>>> {
    static M: OnceLock<Mutex<Option<HashMap<String, String>>>> = OnceLock::new();
    M.get_or_init(|| Mutex::new(None))
}

/// From now on, keep this process's secrets in memory instead of the OS
/// keyring (tests of the core; nothing is written to the user's keyring).
pub fn use_memory_backend() {
    let mut m = memory().lock().unwrap_or_else(|p| p.into_inner());
    if m.is_none() {
        *m = Some(HashMap::new());
    }
}

/// Run `f` on the in-memory backend if it is in use.
fn with_memory<T>(f: impl FnOnce(&mut HashMap<String, String>) -> T) -> Option<T> {
    let mut m = memory().lock().unwrap_or_else(|p| p.into_inner());
    m.as_mut().map(f)
}

fn entry(account: &str) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, account).map_err(|e| SecretError(e.to_string()))
}

/// The secret kept for `account`; `Ok(None)` when there is none.
pub fn get(account: &str) -> Result<Option<String>, SecretError> {
    if let Some(v) = with_memory(|m| m.get(account).cloned()) {
        return Ok(v);
    }
    match entry(account)?.get_password() {
        Ok(s) => Ok(Some(s)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(SecretError(e.to_string())),
    }
}

/// Keep `secret` for `account` (replacing any earlier one).
pub fn set(account: &str, secret: &str) -> Result<(), SecretError> {
    if with_memory(|m| m.insert(account.to_string(), secret.to_string())).is_some() {
        return Ok(());
    }
    entry(account)?.set_password(secret).map_err(|e| SecretError(e.to_string()))
}

/// Keep `secret` for `account` and read it back: a keyring that accepts a
/// secret but does not keep it is no keyring.
pub fn set_checked(account: &str, secret: &str) -> Result<(), SecretError> {
    set(account, secret)?;
    match get(account)? {
        Some(s) if s == secret => Ok(()),
        Some(_) => Err(SecretError("the keyring returned a different secret than it was given".into())),
        None => Err(SecretError("the keyring did not keep the secret".into())),
    }
}

/// Forget the secret for `account`; a missing one is fine.
pub fn delete(account: &str) -> Result<(), SecretError> {
    if with_memory(|m| m.remove(account)).is_some() {
        return Ok(());
    }
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(SecretError(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_backend_keeps_and_forgets() {
        use_memory_backend();
        assert_eq!(get("test-a").unwrap(), None);
        set_checked("test-a", "s3cret").unwrap();
        assert_eq!(get("test-a").unwrap().as_deref(), Some("s3cret"));
        set("test-a", "other").unwrap();
        assert_eq!(get("test-a").unwrap().as_deref(), Some("other"));
        delete("test-a").unwrap();
        delete("test-a").unwrap();
        assert_eq!(get("test-a").unwrap(), None);
    }
}
