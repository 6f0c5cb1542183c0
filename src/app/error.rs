//! The one error type of the use-case layer: a stable [`Error::code`] that
//! scripts (`error[code]: …` on the command line, `"code"` in JSON lines) and
//! the app's message table (`ui/src/lib/messages.ts`) match on, and a human
//! message. Codes are the core's own (`StoreError::code`, `KeyError::code`,
//! `ImportError::code`, …) or the layer's (`invalid-verifier-url`,
//! `too-large`, `invalid-pathway`); they are never renamed.

/// An error leaving the use-case layer: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: String,
    message: String,
}

impl Error {
    /// An error with this code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error { code: code.into(), message: message.into() }
    }

    /// The stable code, e.g. `not-found`, `unsupported-format`, `invalid-verifier-url`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human message (English).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<crate::store::StoreError> for Error {
    fn from(e: crate::store::StoreError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

impl From<crate::keys::KeyError> for Error {
    fn from(e: crate::keys::KeyError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

impl From<crate::import::ImportError> for Error {
    fn from(e: crate::import::ImportError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

impl From<crate::pathway::PathwayError> for Error {
    fn from(e: crate::pathway::PathwayError) -> Self {
        Error::new("invalid-pathway", e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new("io", e.to_string())
    }
}
