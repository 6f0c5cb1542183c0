//! The general toRDF path: oxjsonld with the bundled contexts, safe mode's
//! sentinels, and jsonld.js's number rules by markers (module docs of
//! [`super`], "Numbers").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use super::safe::dropped_by_strict;
use super::{jcs, RdfError, RELATIVE_IRI_BASE, UNDEFINED_TERM_VOCAB};
use crate::verify::contexts;


/// JSON-LD → RDF (oxjsonld, bundled contexts only, safe mode's sentinels and
/// lenient re-parse) → RDFC-1.0 canonical N-Quads ([`super::canon`]). The
/// caller ran safe mode's JSON checks first ([`super::rdfc`]).
pub(super) fn rdfc_general(doc: &Value) -> Result<String, RdfError> {

    // Native numbers → markers (see "Numbers" in the module docs).
    let mut markers = NumberMarkers::default();
    let mut probe = doc.as_object().cloned().unwrap_or_default();
    for (k, v) in probe.iter_mut() {
        if k != "@context" {
            markers.mark(v)?;
        }
    }
    // Prepend the sentinel @vocab (see the module docs).
    let ctx = probe.remove("@context").unwrap_or(Value::Null);
    let mut list = vec![serde_json::json!({ "@vocab": UNDEFINED_TERM_VOCAB })];
    match ctx {
        Value::Array(a) => list.extend(a),
        Value::Null => return Err(RdfError::JsonLd("the document has no @context".into())),
        other => list.push(other),
    }
    // Keep @context first, as in the original (order does not matter to
    // JSON-LD, but it keeps error positions readable).
    let mut ordered = Map::new();
    ordered.insert("@context".into(), Value::Array(list));
    ordered.extend(probe);
    let bytes = serde_json::to_vec(&Value::Object(ordered)).map_err(|e| RdfError::JsonLd(e.to_string()))?;

    let not_bundled: Arc<Mutex<Vec<String>>> = Arc::default();
    let nb = not_bundled.clone();
    let parser = oxjsonld::JsonLdParser::new()
        .with_base_iri(RELATIVE_IRI_BASE)
        .map_err(|e| RdfError::JsonLd(e.to_string()))?
        .for_slice(&bytes)
        .with_load_document_callback(move |url, _opts| match contexts::get(url) {
            Some(doc) => Ok(oxjsonld::JsonLdRemoteDocument { document: doc.as_bytes().to_vec(), document_url: url.to_string() }),
            None => {
                if let Ok(mut m) = nb.lock() {
                    m.push(url.to_string());
                }
                Err(format!("context {url} is not bundled").into())
            }
        });
    let mut quads = Vec::new();
    let mut first_error = None;
    for q in parser {
        match q {
            Ok(q) => quads.push(q),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e.to_string());
                }
            }
        }
    }
    let nb = not_bundled.lock().map(|m| m.clone()).unwrap_or_default();
    if !nb.is_empty() {
        return Err(RdfError::UnknownContext(nb));
    }
    if let Some(e) = first_error {
        return Err(RdfError::JsonLd(e));
    }
    dropped_by_strict(&bytes, quads.len())?;

    // Safe mode: sentinel IRIs mark what plain JSON-LD would have dropped.
    let mut dropped: Vec<String> = Vec::new();
    let mut note = |iri: &str| {
        let msg = if let Some(t) = iri.strip_prefix(UNDEFINED_TERM_VOCAB) {
            Some(format!("term `{t}` is not defined by the credential's contexts"))
        } else {
            iri.strip_prefix(RELATIVE_IRI_BASE).map(|r| format!("relative IRI `{r}`"))
        };
        if let Some(m) = msg {
            if !dropped.contains(&m) {
                dropped.push(m);
            }
        }
    };
    for q in &quads {
        if let oxrdf::NamedOrBlankNode::NamedNode(n) = &q.subject {
            note(n.as_str());
        }
        note(q.predicate.as_str());
        match &q.object {
            oxrdf::Term::NamedNode(n) => note(n.as_str()),
            oxrdf::Term::Literal(l) => note(l.datatype().as_str()),
            _ => {}
        }
        if let oxrdf::GraphName::NamedNode(n) = &q.graph_name {
            note(n.as_str());
        }
    }
    if !dropped.is_empty() {
        dropped.truncate(5);
        return Err(RdfError::Unsafe(format!(
            "{}; JSON-LD would drop this data, so no signature covers it",
            dropped.join("; ")
        )));
    }
    let quads = markers.restore(quads)?;
    canonicalize(&quads)
}

const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// The general path's number handling (module docs, "Numbers"): native numbers
/// are swapped for markers before oxjsonld runs, and the literals it makes of
/// them are rewritten with jsonld.js's rule afterwards.
///
/// Marker `i` has the digits `7304958` + `i` in five digits + `1` (13 digits,
/// last digit non-zero so no form strips zeros). A number jsonld.js treats as
/// an integer becomes that integer: oxjsonld writes it as is, or as
/// `7.304958…1E12` under `xsd:double` coercion. A number jsonld.js treats as a
/// double becomes that digit string × 10^30: oxjsonld writes `7.304958…1E42`
/// with `xsd:double` unless coerced. Either way the literal's datatype is the
/// coerced one or the one jsonld.js would pick itself, so
/// `js_number_literal(original, datatype)` gives jsonld.js's literal.
#[derive(Default)]
struct NumberMarkers {
    originals: Vec<f64>,
    /// A string value that looks like a marker literal (then a coerced string
    /// could be taken for a number).
    collision: bool,
}

const MARKER_HEAD: &str = "7304958";
const MARKER_LIMIT: usize = 100_000;

impl NumberMarkers {
    fn digits(i: usize) -> String {
        format!("{MARKER_HEAD}{i:05}1")
    }

    /// Replace every number in `v` (not under `@context`) by its marker.
    fn mark(&mut self, v: &mut Value) -> Result<(), RdfError> {
        match v {
            Value::Number(n) => {
                let i = self.originals.len();
                if i >= MARKER_LIMIT {
                    return Err(RdfError::Unportable("too many numbers in one document".into()));
                }
                let x = n.as_f64().ok_or_else(|| RdfError::Unportable(format!("number {n}")))?;
                self.originals.push(x);
                let d = Self::digits(i);
                *v = if super::fast::js_number_literal(x, None).1 == super::fast::XSD_INTEGER {
                    Value::Number(d.parse::<u64>().map_err(|e| RdfError::Unportable(e.to_string()))?.into())
                } else {
                    let f: f64 = format!("{}.{}e42", &d[..1], &d[1..]).parse().map_err(|_| RdfError::Unportable(d.clone()))?;
                    serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| RdfError::Unportable(d.clone()))?
                };
            }
            // Other strings fall to `_ => {}` below.
            Value::String(s) if Self::index_of(s).is_some() => self.collision = true,
            Value::Array(a) => {
                for x in a {
                    self.mark(x)?;
                }
            }
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if k != "@context" {
                        self.mark(x)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The marker index of a literal's lexical form (any of the forms oxjsonld writes).
    fn index_of(lex: &str) -> Option<usize> {
        if !lex.starts_with('7') {
            return None;
        }
        let digits = if let Some(m) = lex.strip_suffix("E12").or_else(|| lex.strip_suffix("E42")) {
            let m = m.strip_prefix("7.")?;
            format!("7{m}")
        } else {
            lex.to_string()
        };
        let body = digits.strip_prefix(MARKER_HEAD)?.strip_suffix('1')?;
        (body.len() == 5 && body.bytes().all(|b| b.is_ascii_digit())).then(|| body.parse().ok()).flatten()
    }

    /// The marker index of a number inside a JSON literal.
    fn index_of_number(n: &serde_json::Number) -> Option<usize> {
        if let Some(u) = n.as_u64() {
            return Self::index_of(&u.to_string());
        }
        let f = n.as_f64()?;
        let s = format!("{f:e}");
        Self::index_of(&s.replace('e', "E"))
    }

    fn original(&self, i: usize) -> Result<f64, RdfError> {
        self.originals.get(i).copied().ok_or_else(|| RdfError::Unportable(format!("number marker {i} not found back")))
    }

    /// Put the numbers back into the JSON value of an `rdf:JSON` literal.
    fn restore_json(&self, v: &mut Value) -> Result<(), RdfError> {
        match v {
            Value::Number(n) => {
                let i = Self::index_of_number(n).ok_or_else(|| RdfError::Unportable(format!("number {n} in a JSON literal")))?;
                let x = self.original(i)?;
                *v = serde_json::Number::from_f64(x).map(Value::Number).ok_or_else(|| RdfError::Unportable(x.to_string()))?;
            }
            Value::Array(a) => a.iter_mut().try_for_each(|x| self.restore_json(x))?,
            Value::Object(o) => o.values_mut().try_for_each(|x| self.restore_json(x))?,
            _ => {}
        }
        Ok(())
    }

    /// Rewrite the literals made from markers with jsonld.js's rule, and
    /// `rdf:JSON` literals as JCS (UTF-16 key order, ECMAScript numbers).
    fn restore(&self, quads: Vec<oxrdf::Quad>) -> Result<Vec<oxrdf::Quad>, RdfError> {
        if self.collision && !self.originals.is_empty() {
            return Err(RdfError::Unportable(
                "a string value looks like an internal number marker; its canonical form cannot be traced".into(),
            ));
        }
        let mut seen = vec![false; self.originals.len()];
        let mut out = Vec::with_capacity(quads.len());
        for mut q in quads {
            if let oxrdf::Term::Literal(l) = &q.object {
                let dt = l.datatype().as_str();
                if dt == RDF_JSON {
                    let mut v: Value =
                        serde_json::from_str(l.value()).map_err(|e| RdfError::JsonLd(format!("JSON literal: {e}")))?;
                    self.restore_json(&mut v)?;
                    let text = jcs(&v)?;
                    q.object = oxrdf::Literal::new_typed_literal(text, oxrdf::NamedNode::new_unchecked(RDF_JSON)).into();
                } else if l.language().is_none() && !self.originals.is_empty() {
                    if let Some(i) = Self::index_of(l.value()) {
                        let x = self.original(i)?;
                        if let Some(s) = seen.get_mut(i) {
                            *s = true;
                        }
                        let (lex, dt) = super::fast::js_number_literal(x, Some(dt));
                        let dt = oxrdf::NamedNode::new_unchecked(dt);
                        q.object = oxrdf::Literal::new_typed_literal(lex, dt).into();
                    }
                }
            }
            out.push(q);
        }
        Ok(out)
    }
}

/// RDFC-1.0 (SHA-256) canonical N-Quads with our own canonicaliser
/// ([`super::canon`]; why not sophia_c14n is explained there), whose limits
/// refuse poisoned datasets (→ invalid).
fn canonicalize(quads: &[oxrdf::Quad]) -> Result<String, RdfError> {
    use super::canon::{self, Term};
    let mut bnodes: HashMap<String, u32> = HashMap::new();
    let mut blank = |b: &oxrdf::BlankNode| -> Term {
        let n = bnodes.len() as u32;
        Term::Blank(*bnodes.entry(b.as_str().to_string()).or_insert(n))
    };
    let named = |n: &oxrdf::NamedNode| -> Arc<str> { canon::iri(n.as_str()) };
    let mut out = Vec::with_capacity(quads.len());
    for q in quads {
        let s = match &q.subject {
            oxrdf::NamedOrBlankNode::NamedNode(n) => Term::Text(named(n)),
            oxrdf::NamedOrBlankNode::BlankNode(b) => blank(b),
        };
        let o = match &q.object {
            oxrdf::Term::NamedNode(n) => Term::Text(named(n)),
            oxrdf::Term::BlankNode(b) => blank(b),
            oxrdf::Term::Literal(l) => Term::Text(canon::literal(l.value(), l.datatype().as_str(), l.language())),
        };
        let g = match &q.graph_name {
            oxrdf::GraphName::DefaultGraph => None,
            oxrdf::GraphName::NamedNode(n) => Some(Term::Text(named(n))),
            oxrdf::GraphName::BlankNode(b) => Some(blank(b)),
        };
        out.push(canon::Quad { s, p: named(&q.predicate), o, g });
    }
    canon::canonicalize(out).map_err(|canon::Poisoned(m)| RdfError::Poisoned(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_markers_round_trip() {
        for i in [0, 1, 10, 99_999] {
            let d = NumberMarkers::digits(i);
            assert_eq!(NumberMarkers::index_of(&d), Some(i));
            assert_eq!(NumberMarkers::index_of(&format!("7.{}E12", &d[1..])), Some(i));
            assert_eq!(NumberMarkers::index_of(&format!("7.{}E42", &d[1..])), Some(i));
            let f: f64 = format!("7.{}e42", &d[1..]).parse().unwrap();
            assert_eq!(NumberMarkers::index_of_number(&serde_json::Number::from_f64(f).unwrap()), Some(i));
        }
        assert_eq!(NumberMarkers::index_of("7304958000001"), Some(0));
        assert_eq!(NumberMarkers::index_of("73049580000010"), None);
        assert_eq!(NumberMarkers::index_of("7.5E0"), None);
    }
}
