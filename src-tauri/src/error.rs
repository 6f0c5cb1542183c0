//! The one error every command returns: the core's use-case error
//! (`backpack::app::Error`), a stable `code` the UI matches on (GitButler
//! style, `ui/src/lib/messages.ts`) and a human `message`; on the wire
//! `{ "code": "not-found", "message": "no credential with id '…'" }`.

pub use backpack::app::Error as AppError;

/// What every command returns.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e: AppError = backpack::store::StoreError::NotFound("abcd".into()).into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, serde_json::json!({"code": "not-found", "message": "no credential with id 'abcd'"}));
    }
}
