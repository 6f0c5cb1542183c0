//! Small, forgiving readers over `serde_json::Value` shared by the format mappers.
//!
//! Badge JSON in the wild puts a string where the spec says an object, a
//! number where it says a string, one value where it says a list. These
//! helpers read what is there without guessing what is not.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// A non-empty, trimmed string at `v[key]` (numbers are written out).
pub fn str_of(v: &Value, key: &str) -> Option<String> {
    scalar(v.get(key)?)
}

/// A scalar value as a non-empty trimmed string.
pub fn scalar(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A value that may be one item or a list of items, as a list.
pub fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    }
}

/// All strings in `v[key]`, one or many.
pub fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v.get(key)).into_iter().filter_map(scalar).collect()
}

/// `type` values (JSON-LD `type` or `@type`).
pub fn types(v: &Value) -> Vec<String> {
    let mut t = strings(v, "type");
    if t.is_empty() {
        t = strings(v, "@type");
    }
    t
}

/// Whether `v`'s `type` (or `@type`) includes `name`, written plain or as the last part of an IRI or prefixed name.
pub fn has_type(v: &Value, name: &str) -> bool {
    types(v).iter().any(|t| t == name || t.rsplit(['#', '/', ':']).next() == Some(name))
}

/// An id that is either a plain string or an object with `id`.
pub fn id_or_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => scalar(&Value::String(s.clone())),
        Value::Object(_) => str_of(v?, "id"),
        _ => None,
    }
}

/// An exact decimal from a JSON number or numeric string ("2,5" is read as 2.5).
pub fn decimal(v: &Value) -> Option<Decimal> {
    let s = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().replace(',', "."),
        _ => return None,
    };
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .ok()
        .map(|d| d.normalize())
}

/// A boolean from `v[key]`: JSON `true`/`false` or the strings "true"/"false" (any case); `None` for anything else.
pub fn bool_of(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// An EQF/NLQF level 1..=8 out of a code such as `6`, `"EQF 6"`, `"level-6"`
/// or `http://data.europa.eu/snb/eqf/6`: the last run of digits.
pub fn level_of(v: &Value) -> Option<u8> {
    let s = scalar(v)?;
    let digits: String = s
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n: u8 = digits.parse().ok()?;
    (1..=8).contains(&n).then_some(n)
}

/// The first of several keys that holds a scalar.
pub fn first_str(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| str_of(v, k))
}

/// An OB 2.0 AlignmentObject or OB 3.0 Alignment.
pub fn alignment(al: &Value) -> crate::model::Alignment {
    crate::model::Alignment {
        target_name: str_of(al, "targetName"),
        target_url: str_of(al, "targetUrl"),
        target_description: str_of(al, "targetDescription"),
        target_framework: str_of(al, "targetFramework"),
        target_code: str_of(al, "targetCode"),
        target_type: str_of(al, "targetType"),
    }
}

/// The EQF level an EQF alignment names: in its code, else its URL, else its name.
pub fn eqf_level_of(al: &crate::model::Alignment) -> Option<u8> {
    [&al.target_code, &al.target_url, &al.target_name]
        .into_iter()
        .flatten()
        .find_map(|s| level_of(&Value::String(s.clone())))
}

/// An image given as a URL string or as an `Image` object with `id`.
pub fn image(v: Option<&Value>) -> Option<String> {
    id_or_string(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn level_is_read_from_codes_urls_and_names() {
        assert_eq!(level_of(&json!(6)), Some(6));
        assert_eq!(level_of(&json!("EQF 7")), Some(7));
        assert_eq!(level_of(&json!("http://data.europa.eu/snb/eqf/5")), Some(5));
        assert_eq!(level_of(&json!("level-8")), Some(8));
        // Out of range or absent: unknown, never clamped.
        assert_eq!(level_of(&json!(9)), None);
        assert_eq!(level_of(&json!("12")), None);
        assert_eq!(level_of(&json!("Master")), None);
        assert_eq!(level_of(&json!(null)), None);
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal(&json!(7.5)).unwrap().to_string(), "7.5");
        assert_eq!(decimal(&json!(2.9)).unwrap().to_string(), "2.9");
        assert_eq!(decimal(&json!("2,5")).unwrap().to_string(), "2.5");
        assert_eq!(decimal(&json!(30)).unwrap().to_string(), "30");
        assert_eq!(decimal(&json!("3.0")).unwrap().to_string(), "3");
        assert_eq!(decimal(&json!("1e1")).unwrap().to_string(), "10");
        assert_eq!(decimal(&json!("lots")), None);
        let sum = decimal(&json!(7.5)).unwrap() + decimal(&json!(7.5)).unwrap() + decimal(&json!(15)).unwrap();
        assert_eq!(sum, Decimal::from(30));
        assert_eq!(sum.normalize().to_string(), "30");
    }

    #[test]
    fn lists_and_types_accept_one_or_many() {
        assert_eq!(strings(&json!({"type": "Assertion"}), "type"), vec!["Assertion"]);
        assert_eq!(types(&json!({"@type": ["A", "B"]})), vec!["A", "B"]);
        assert!(has_type(&json!({"type": "https://w3id.org/openbadges#Assertion"}), "Assertion"));
        assert!(list(Some(&json!(null))).is_empty());
        assert_eq!(image(Some(&json!({"id": "https://x/i.png", "type": "Image"}))).as_deref(), Some("https://x/i.png"));
    }
}
