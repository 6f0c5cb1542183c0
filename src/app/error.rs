//! The one error type of the use-case layer: a stable [`Error::code`] that
//! scripts (`error[code]: …` on the command line, `"code"` in JSON lines) and
//! the app's message table (`ui/src/lib/messages.ts`) match on, and a human
//! message. Codes are the core's own (`StoreError::code`, `KeyError::code`,
//! `ImportError::code`, …) or the layer's (`invalid-verifier-url`,
//! `too-large`, `invalid-pathway`); they are never renamed.

/// An error leaving the use-case layer: a stable code and a message
/// (serialised as `{"code", "message"}`, the app's `AppError`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AppError"))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// The code of a write to a closed pipe (`backpack list | head -1`): the
/// command line then ends quietly, as Unix tools do.
pub const BROKEN_PIPE: &str = "broken-pipe";

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let code = if e.kind() == std::io::ErrorKind::BrokenPipe { BROKEN_PIPE } else { "io" };
        Error::new(code, e.to_string())
    }
}

impl From<crate::share::ShareError> for Error {
    fn from(e: crate::share::ShareError) -> Self {
        Error::new("share", e.to_string())
    }
}

impl From<crate::share::records::ShortError> for Error {
    fn from(e: crate::share::records::ShortError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

impl From<crate::share::host::HostError> for Error {
    fn from(e: crate::share::host::HostError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

impl From<crate::export::ExportError> for Error {
    fn from(e: crate::export::ExportError) -> Self {
        Error::new("export", e.to_string())
    }
}

impl From<crate::present::PresentError> for Error {
    fn from(e: crate::present::PresentError) -> Self {
        Error::new("present", e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // Writing JSON to a closed pipe is the pipe's error, not ours.
        if let Some(kind) = e.io_error_kind() {
            return std::io::Error::from(kind).into();
        }
        Error::new("internal", e.to_string())
    }
}

