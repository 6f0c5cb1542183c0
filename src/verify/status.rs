//! Revocation and status: W3C BitstringStatusList (and its predecessor
//! StatusList2021), 1EdTech revocation lists (OB 3.0) and OB 2.0 issuer
//! revocation lists. This module decodes and reads lists that the caller has
//! fetched; it does no IO itself.
//!
//! Policy on short lists: the BitstringStatusList spec asks for at least
//! 131,072 bits (16 KiB) so that one entry does not identify its holder. DCC
//! publishes 100,000-bit lists and its own verifier accepts them. We accept a
//! shorter list too (a short list harms the holder's privacy, not the truth of
//! the answer) and say so in the check's detail; an index outside the list is
//! "could not check".

use std::io::Read;

use base64::Engine;
use serde_json::Value;

use crate::import::json::{has_type, list, str_of};

/// The spec's minimum list length in bits.
pub const SPEC_MIN_BITS: usize = 131_072;
/// Largest list we decompress (bytes): 16 MiB = 134 million entries.
pub const MAX_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// What a status check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusAnswer {
    /// Not revoked (or not suspended); `note` explains anything unusual.
    Clear {
        /// A remark on something unusual (e.g. a list shorter than the spec's minimum); `None` normally.
        note: Option<String>,
    },
    /// The list says revoked / suspended.
    Set {
        /// What the set bit means: `revocation` or `suspension` (always `revocation` for OB 2.0 lists).
        purpose: String,
        /// The reason the issuer gave (OB 2.0 revocation lists); `None` when there is none.
        reason: Option<String>,
    },
    /// The list cannot answer: malformed, wrong type, index out of range...
    Unknown(String),
}

/// Decode an `encodedList`: multibase `u` + base64url (v2), or plain
/// base64/base64url (StatusList2021), of GZIP data. Returns the raw bytes.
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, String> {
    let s = encoded.trim();
    let body = s.strip_prefix('u').unwrap_or(s);
    let gz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(body))
        .map_err(|e| format!("encodedList is not base64: {e}"))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("encodedList is not valid GZIP data: {e}"))?;
    if out.len() as u64 > MAX_LIST_BYTES {
        return Err(format!("the status list is larger than {} MiB when unpacked", MAX_LIST_BYTES >> 20));
    }
    Ok(out)
}

/// Bit `index` of a list, most significant bit first (index 0 is the
/// left-most bit of the first byte).
pub fn bit(list: &[u8], index: usize) -> Option<bool> {
    list.get(index / 8).map(|b| b & (0x80 >> (index % 8)) != 0)
}

/// Read a credential's `BitstringStatusListEntry`/`StatusList2021Entry` against
/// the fetched status list credential. `purpose` is the entry's statusPurpose.
/// The list credential's own signature and dates are checked by the caller.
pub fn check_bitstring(entry: &Value, list_vc: &Value) -> StatusAnswer {
    let index = match entry.get("statusListIndex") {
        // The spec says a string; 1EdTech's fixtures use a number. Both are read.
        Some(Value::String(s)) => s.trim().parse::<usize>().ok(),
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
        _ => None,
    };
    let Some(index) = index else {
        return StatusAnswer::Unknown("statusListIndex is missing or not a whole number".into());
    };
    if !(has_type(list_vc, "BitstringStatusListCredential") || has_type(list_vc, "StatusList2021Credential")) {
        return StatusAnswer::Unknown(
            "the status list credential is not of type BitstringStatusListCredential or StatusList2021Credential".into(),
        );
    }
    let Some(subject) = list(list_vc.get("credentialSubject")).into_iter().next() else {
        return StatusAnswer::Unknown("the status list credential has no credentialSubject".into());
    };
    let entry_purpose = str_of(entry, "statusPurpose").unwrap_or_else(|| "revocation".into());
    let list_purposes: Vec<String> = list(subject.get("statusPurpose")).into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    if !list_purposes.is_empty() && !list_purposes.contains(&entry_purpose) {
        return StatusAnswer::Unknown(format!(
            "the entry's purpose '{entry_purpose}' does not match the list's ({})",
            list_purposes.join(", ")
        ));
    }
    let Some(encoded) = str_of(subject, "encodedList") else {
        return StatusAnswer::Unknown("the status list has no encodedList".into());
    };
    let bits = match decode_list(&encoded) {
        Ok(b) => b,
        Err(e) => return StatusAnswer::Unknown(e),
    };
    let len = bits.len() * 8;
    match bit(&bits, index) {
        None => StatusAnswer::Unknown(format!("index {index} is outside the list ({len} entries)")),
        Some(true) => StatusAnswer::Set { purpose: entry_purpose, reason: None },
        Some(false) => StatusAnswer::Clear {
            note: (len < SPEC_MIN_BITS)
                .then(|| format!("the list has {len} entries, fewer than the spec's minimum of {SPEC_MIN_BITS}; accepted")),
        },
    }
}

/// Look a credential id up in a 1EdTech revocation list
/// (`revokedCredentials: [{id, revocationReason}]`) or an OB 2.0
/// `RevocationList` (`revokedAssertions: [id | {id, revocationReason}]`).
pub fn check_revocation_list(credential_id: &str, list_doc: &Value) -> StatusAnswer {
    let entries = list_doc.get("revokedCredentials").or_else(|| list_doc.get("revokedAssertions"));
    let Some(entries) = entries.filter(|e| e.is_array()) else {
        return StatusAnswer::Unknown("the revocation list has no revokedCredentials/revokedAssertions array".into());
    };
    for e in list(Some(entries)) {
        let (id, reason) = match e {
            Value::String(s) => (Some(s.clone()), None),
            o => (str_of(o, "id"), str_of(o, "revocationReason")),
        };
        if id.as_deref() == Some(credential_id) {
            // 1EdTech lists may carry `"revoked": "false"` for reinstated credentials.
            let revoked = match e.get("revoked") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => !s.eq_ignore_ascii_case("false"),
                _ => true,
            };
            if revoked {
                return StatusAnswer::Set { purpose: "revocation".into(), reason };
            }
        }
    }
    StatusAnswer::Clear { note: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bits_are_read_most_significant_first() {
        let l = [0b1010_0000u8, 0b0000_0001];
        assert_eq!(bit(&l, 0), Some(true));
        assert_eq!(bit(&l, 1), Some(false));
        assert_eq!(bit(&l, 2), Some(true));
        assert_eq!(bit(&l, 15), Some(true));
        assert_eq!(bit(&l, 16), None);
    }

    #[test]
    fn revocation_lists_by_id() {
        let ob2 = json!({"revokedAssertions": [{"id": "a", "revocationReason": "why"}, "b"]});
        assert_eq!(check_revocation_list("a", &ob2), StatusAnswer::Set { purpose: "revocation".into(), reason: Some("why".into()) });
        assert!(matches!(check_revocation_list("b", &ob2), StatusAnswer::Set { .. }));
        assert_eq!(check_revocation_list("c", &ob2), StatusAnswer::Clear { note: None });
        let eb = json!({"revokedCredentials": [{"id": "x", "revoked": "false"}]});
        assert_eq!(check_revocation_list("x", &eb), StatusAnswer::Clear { note: None });
        assert!(matches!(check_revocation_list("x", &json!({})), StatusAnswer::Unknown(_)));
    }

    #[test]
    fn gzip_bombs_are_cut_off() {
        // 32 MiB of zeros compresses to ~32 KiB; unpacking stops at the limit.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &vec![0u8; 32 << 20]).unwrap();
        let packed = gz.finish().unwrap();
        let enc = format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed));
        let e = decode_list(&enc).unwrap_err();
        assert!(e.contains("larger than 16 MiB"), "{e}");
    }
}
