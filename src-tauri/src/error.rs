//! The one error type every command returns: a stable `code` the UI matches on
//! (GitButler style) and a human `message` it may show. Codes come from the
//! core (`StoreError::code`, `KeyError::code`, `ImportError::code`) or are the
//! app's own (`store-unavailable`, `invalid-setting`, ...).

use serde::Serialize;

/// `{ "code": "not-found", "message": "no credential with id '…'" }` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError { code: code.to_string(), message: message.into() }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}

impl From<backpack::store::StoreError> for AppError {
    fn from(e: backpack::store::StoreError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<backpack::keys::KeyError> for AppError {
    fn from(e: backpack::keys::KeyError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<backpack::import::ImportError> for AppError {
    fn from(e: backpack::import::ImportError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<backpack::app::Error> for AppError {
    fn from(e: backpack::app::Error) -> Self {
        AppError::new(e.code(), e.message())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::new("io", e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl From<backpack::pathway::PathwayError> for AppError {
    fn from(e: backpack::pathway::PathwayError) -> Self {
        AppError::new("invalid-pathway", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e: AppError = backpack::store::StoreError::NotFound("abcd".into()).into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "not-found");
        assert!(v["message"].as_str().unwrap().contains("abcd"));
        assert_eq!(v.as_object().unwrap().len(), 2);
    }

    #[test]
    fn keeps_the_core_codes() {
        let e: AppError = backpack::import::ImportError::Empty.into();
        assert_eq!(e.code, "empty");
        let e: AppError = backpack::keys::KeyError::PassphraseNeeded.into();
        assert_eq!(e.code, "passphrase-needed");
    }
}
