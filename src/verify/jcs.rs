//! JCS (RFC 8785): the canonical JSON text eddsa-jcs-2022 signs and `@json`
//! literals carry, written as the JavaScript signers write it: every number
//! as the ECMAScript form of its IEEE double (`ryu-js`), object members
//! sorted by their keys' UTF-16 code units, strings escaped minimally.
//!
//! Why our own writer and not `serde_json_canonicalizer` (kept as the
//! reference in this module's tests): that crate sorts each object by
//! serialising every member's key and value into buffers of their own and
//! copying them out again, which made JCS about a fifth of verifying an
//! eddsa-jcs-2022 credential from a folder (`scripts/bench.sh`); this writer
//! sorts borrowed keys and writes every byte once into one `String`
//! (`benches/verify.rs`, `jcs`: about 6x faster on a sample credential), and
//! lets the caller leave out or replace members without copying the
//! document (the unsecured document is the secured one without `proof`).

use serde_json::{Map, Value};

/// JCS text of `v`.
pub fn to_string(v: &Value) -> String {
    let mut out = String::with_capacity(1024);
    write(v, &mut out);
    out
}

/// JCS text of the object `map` without the member `skip` and with the
/// member `replace.0` (if present in `map`) given the value `replace.1`:
/// the unsecured document of a Data Integrity proof, without a copy.
pub fn object_to_string(map: &Map<String, Value>, skip: &str, replace: Option<(&str, &Value)>) -> String {
    let mut out = String::with_capacity(4096);
    let members = map.iter().filter(|(k, _)| k.as_str() != skip).map(|(k, v)| match replace {
        Some((name, with)) if k == name => (k.as_str(), with),
        _ => (k.as_str(), v),
    });
    write_members(members, &mut out);
    out
}

/// Append the JCS text of `v` to `out`.
pub fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_str(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => write_members(m.iter().map(|(k, v)| (k.as_str(), v)), out),
    }
}

/// An object from its members, sorted here.
fn write_members<'a>(members: impl Iterator<Item = (&'a str, &'a Value)>, out: &mut String) {
    // (key, value, key is ASCII): ASCII keys compare as bytes, which is their
    // UTF-16 order; any other pair compares by UTF-16 code units.
    let mut sorted: Vec<(&str, &Value, bool)> = members.map(|(k, v)| (k, v, k.is_ascii())).collect();
    sorted.sort_unstable_by(|a, b| {
        if a.2 && b.2 {
            a.0.as_bytes().cmp(b.0.as_bytes())
        } else {
            a.0.encode_utf16().cmp(b.0.encode_utf16())
        }
    });
    out.push('{');
    for (i, (k, v, _)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(k, out);
        out.push(':');
        write(v, out);
    }
    out.push('}');
}

/// Every JSON number is an IEEE double to the JavaScript signers (so
/// 9007199254740993 is written 9007199254740992, and 1e21 as `1e+21`).
fn write_number(n: &serde_json::Number, out: &mut String) {
    // Small integers print the same either way, without a float round trip.
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= 1 << 53) {
        use std::fmt::Write;
        let _ = write!(out, "{i}");
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    // serde_json never holds NaN or an infinity; `format_finite` needs a finite value.
    if f.is_finite() {
        out.push_str(ryu_js::Buffer::new().format_finite(f));
    } else {
        out.push_str("null");
    }
}

/// A JSON string, escaped as RFC 8785 §3.2.2.2 says: `"` and `\`, the
/// control characters (short forms where JSON has them, else `\u00xx`);
/// everything else as it is.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so `start..i` ends on a character boundary.
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The reference: serde_json_canonicalizer, which the JavaScript signers agree with (tests/verify_js_numbers.rs).
    fn reference(v: &Value) -> String {
        serde_json_canonicalizer::to_string(v).unwrap()
    }

    fn same(v: &Value) {
        assert_eq!(to_string(v), reference(v), "for {v}");
    }

    #[test]
    fn numbers_as_javascript_writes_them() {
        for text in [
            "0", "-0", "1", "-1", "1.0", "1.5", "-1.5", "1e20", "1e21", "1e-6", "1e-7", "123456789012345678901234567890",
            "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993", "18446744073709551615",
            "-9223372036854775808", "0.1", "0.30000000000000004", "5e-324", "1.7976931348623157e308", "333333333.3333333",
            "4.5", "0.000001", "100", "1E3",
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            same(&v);
            same(&json!({ "n": v, "list": [v, v] }));
        }
    }

    #[test]
    fn strings_escaped_as_rfc8785() {
        let all_controls: String = (0u8..0x20).map(|b| b as char).collect();
        for s in [
            "", "plain", "quote \" backslash \\ slash /", &all_controls, "\u{7f} del", "\u{2028}\u{2029}", "€ é ü 漢字",
            "emoji 😀 and \u{fffd}", "\u{e000}\u{ffff}",
        ] {
            same(&Value::String(s.into()));
            same(&json!({ s: s }));
        }
    }

    #[test]
    fn keys_sorted_by_utf16_code_units() {
        // U+E000..U+FFFF sort after supplementary characters in UTF-16
        // (surrogates are D800-DFFF) but before them by code point.
        let v = json!({ "\u{ffff}": 1, "😀": 2, "\u{e000}": 3, "b": 4, "a": 5, "A": 6, "aa": 7, "": 8, "é": 9, "\u{10000}": 10 });
        same(&v);
        let text = to_string(&v);
        assert!(text.starts_with(r#"{"":8,"A":6,"a":5,"aa":7,"b":4,"é":9,"#), "{text}");
        assert!(text.find('😀').unwrap() < text.find('\u{e000}').unwrap(), "{text}");
        same(&json!({ "nested": { "z": [1, { "y": null, "x": true }], "a": false } }));
    }

    #[test]
    fn the_unsecured_view_is_the_document_without_proof() {
        let doc = json!({ "proof": { "type": "DataIntegrityProof" }, "@context": ["a"], "id": "x", "b": [1, 2] });
        let ctx = json!(["a", "b"]);
        let map = doc.as_object().unwrap();
        let mut unsecured = map.clone();
        unsecured.remove("proof");
        assert_eq!(object_to_string(map, "proof", None), reference(&Value::Object(unsecured.clone())));
        unsecured.insert("@context".into(), ctx.clone());
        assert_eq!(object_to_string(map, "proof", Some(("@context", &ctx))), reference(&Value::Object(unsecured)));
    }

    #[test]
    fn agrees_with_the_reference_on_the_repository_json() {
        // Every JSON file the repository holds for tests: credentials, contexts, vectors.
        let mut n = 0;
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests"), std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contexts")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    let Ok(text) = std::fs::read_to_string(&p) else { continue };
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    assert_eq!(to_string(&v), reference(&v), "{}", p.display());
                    n += 1;
                }
            }
        }
        assert!(n > 50, "only {n} JSON files compared");
    }
}
