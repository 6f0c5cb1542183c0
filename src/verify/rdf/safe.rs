//! Safe mode (module docs of [`super`]): the JSON walk that finds what
//! jsonld.js refuses in safe mode, the probe for empty arrays of undefined
//! terms, and the lenient re-parse that finds what oxjsonld drops without a
//! trace. Run before either toRDF path.

use serde_json::{Map, Value};

use super::{RdfError, RELATIVE_IRI_BASE};
use crate::verify::contexts;

const KEYWORDS: &[&str] = &[
    "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
    "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
    "@value", "@version", "@vocab",
];

/// The keywords that may be keys of a node, value, list, set or map object in
/// a document body. Others (`@vocab`, `@base`, `@protected`, `@version`,
/// `@propagate`, `@import`, `@prefix`, `@container`, framing keywords, or any
/// other `@…`) are context keywords or none at all: JSON-LD ignores them
/// there (jsonld.js refuses `@propagate` and `@import` in safe mode as
/// `invalid property`; the rest it drops silently), so no signature covers them.
const NODE_KEYWORDS: &[&str] =
    &["@context", "@id", "@type", "@graph", "@included", "@index", "@list", "@set", "@value", "@language", "@direction", "@nest", "@reverse", "@none"];

/// Walk the JSON: collect context URLs that are not bundled, and everything
/// JSON-LD would drop or refuse in jsonld.js safe mode that the RDF output
/// cannot show (see "Safe mode" in the module docs): keys of keyword form that
/// are not keywords, `@direction`, `@language` tags ([`check_language`]),
/// `null` members and array items (outside `@context` and `@json` values),
/// `@id` values of keyword form, objects with only `@language`, free-floating
/// values in graph containers (`@graph`, `proof`, `verifiableCredential`:
/// empty objects, objects with only `@id`, bare strings), and inline
/// contexts that map a term to `null` or to a blank node (a property that
/// would be dropped, or become a blank-node predicate).
fn precheck(v: &Value, missing: &mut Vec<String>, unsafe_: &mut Vec<String>, unportable: &mut Vec<String>) {
    let mut w = Precheck { missing, unsafe_, unportable, terms: body_terms() };
    w.value(v, None);
}

/// Term names the bundled contexts give special meaning the JSON walk needs:
/// `@json` literals (whose `null`s are data) and `@graph` containers (whose
/// free-floating members JSON-LD drops).
struct BodyTerms {
    json: std::collections::HashSet<String>,
    graph: std::collections::HashSet<String>,
}

fn body_terms() -> &'static BodyTerms {
    static TERMS: std::sync::OnceLock<BodyTerms> = std::sync::OnceLock::new();
    TERMS.get_or_init(|| {
        fn walk(v: &Value, t: &mut BodyTerms) {
            match v {
                Value::Object(o) => {
                    for (k, def) in o {
                        if let Value::Object(d) = def {
                            if d.get("@type").and_then(Value::as_str) == Some("@json") {
                                t.json.insert(k.clone());
                            }
                            let graph = match d.get("@container") {
                                Some(Value::String(s)) => s == "@graph",
                                Some(Value::Array(a)) => a.iter().any(|c| c.as_str() == Some("@graph")),
                                _ => false,
                            };
                            if graph {
                                t.graph.insert(k.clone());
                            }
                        }
                        walk(def, t);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, t)),
                _ => {}
            }
        }
        let mut t = BodyTerms { json: Default::default(), graph: Default::default() };
        t.graph.insert("@graph".into());
        for url in contexts::bundled_urls() {
            if let Some(Ok(v)) = contexts::get(url).map(serde_json::from_str::<Value>) {
                walk(&v, &mut t);
            }
        }
        t
    })
}

struct Precheck<'a> {
    missing: &'a mut Vec<String>,
    unsafe_: &'a mut Vec<String>,
    unportable: &'a mut Vec<String>,
    terms: &'static BodyTerms,
}

impl Precheck<'_> {
    fn refuse(&mut self, why: String) {
        if self.unsafe_.len() < 8 && !self.unsafe_.contains(&why) {
            self.unsafe_.push(why);
        }
    }

    /// A value of the document body; `key` is the member it is the value of.
    fn value(&mut self, v: &Value, key: Option<&str>) {
        match v {
            Value::Null => {
                let at = key.map(|k| format!(" in `{k}`")).unwrap_or_default();
                self.refuse(format!("a `null` value{at} (JSON-LD drops it, so no signature covers it)"));
            }
            Value::Object(o) => self.object(o),
            Value::Array(a) => a.iter().for_each(|x| self.value(x, key)),
            _ => {}
        }
    }

    fn object(&mut self, o: &Map<String, Value>) {
        // A value object `{"@value": …, "@type": "@json"}` holds JSON data.
        let json_literal = o.get("@type").and_then(Value::as_str) == Some("@json");
        let only_language = !o.is_empty() && o.keys().all(|k| k == "@language");
        if only_language {
            self.refuse("an object with only `@language` (JSON-LD drops it)".into());
        }
        if o.contains_key("@value") {
            if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "@value" | "@type" | "@language" | "@direction" | "@index" | "@context")) {
                self.refuse(format!("a value object (`@value`) with the member `{k}` (JSON-LD refuses it)"));
            }
        }
        for (k, val) in o {
            match k.as_str() {
                "@context" => {
                    self.context(val);
                    continue;
                }
                "@language" => match val {
                    Value::String(tag) => check_language(tag, self.unsafe_, self.unportable),
                    _ => self.refuse("an `@language` value that is not a string".into()),
                },
                "@none" if val.is_object() || val.is_array() => {
                    self.refuse("`@none` holding a node outside a map (JSON-LD would read it differently)".into())
                }
                "@direction" => {
                    self.refuse("`@direction` is not supported (its value would be dropped from the signed data)".into())
                }
                "@value" if json_literal => continue,
                "@id" | "id" => {
                    if let Value::String(s) = val {
                        if s.starts_with('@') && s.len() > 1 && s[1..].bytes().all(|b| b.is_ascii_alphabetic()) {
                            self.refuse(format!("`{k}` value `{s}` has the form of a keyword (JSON-LD drops it)"));
                        }
                    }
                }
                _ if k.starts_with('@') && !NODE_KEYWORDS.contains(&k.as_str()) => {
                    self.refuse(format!("key `{k}` is not a keyword of a node or value object and would be ignored"));
                }
                _ => {}
            }
            if self.terms.json.contains(k) {
                // `@json`-typed term: its value is a JSON literal, nulls included.
                continue;
            }
            if self.terms.graph.contains(k) {
                self.graph_members(k, val);
            }
            self.value(val, Some(k));
        }
    }

    /// Members of a graph container: JSON-LD drops empty objects, objects with
    /// only an `@id`, and bare strings (node references) there (jsonld.js
    /// events `empty object`, `object with only @id`, `free-floating scalar`).
    fn graph_members(&mut self, key: &str, v: &Value) {
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for item in items {
            let dropped = match item {
                Value::Object(o) => {
                    o.is_empty() || (o.len() == 1 && (o.contains_key("@id") || o.contains_key("id")))
                }
                Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
                _ => false,
            };
            if dropped {
                self.refuse(format!(
                    "a member of `{key}` that JSON-LD drops (an empty object, a reference with only an id, or a bare value)"
                ));
            }
        }
    }

    /// An `@context` value: note URLs that are not bundled; in inline
    /// contexts, refuse definitions that make JSON-LD drop a property (`term:
    /// null`, `@id: null`) or map it to a blank node, and keyword-like terms.
    fn context(&mut self, c: &Value) {
        match c {
            Value::String(u) if contexts::get(u).is_none() && !self.missing.contains(u) => self.missing.push(u.clone()),
            Value::String(_) => {}
            Value::Array(a) => a.iter().for_each(|x| self.context(x)),
            Value::Object(o) => {
                if let Some(i) = o.get("@import") {
                    self.context(i);
                }
                for (k, def) in o {
                    if k == "@import" {
                        continue;
                    }
                    if k.starts_with('@') && !KEYWORDS.contains(&k.as_str()) {
                        self.refuse(format!("context term `{k}` looks like a JSON-LD keyword and would be ignored"));
                    }
                    let id = match def {
                        Value::Object(d) => d.get("@id"),
                        other => Some(other),
                    };
                    let is_ctx_keyword = matches!(
                        k.as_str(),
                        "@base" | "@language" | "@direction" | "@propagate" | "@protected" | "@version" | "@import"
                    );
                    if let Value::Object(d) = def {
                        let maps = |c: &Value| {
                            matches!(c.as_str(), Some("@graph" | "@id" | "@type" | "@index" | "@language"))
                        };
                        let map_container = match d.get("@container") {
                            Some(Value::Array(a)) => a.iter().any(maps),
                            Some(c) => maps(c),
                            None => false,
                        };
                        if map_container {
                            self.refuse(format!(
                                "the inline context makes `{k}` a map or graph container (its keys can hide what JSON-LD drops; not supported)"
                            ));
                        }
                    }
                    match k.as_str() {
                        "@protected" if def == &Value::Bool(false) => self.refuse(
                            "an inline context with `@protected: false` (an attempt to redefine protected terms)".into(),
                        ),
                        "@language" => match def {
                            Value::String(tag) => check_language(tag, self.unsafe_, self.unportable),
                            Value::Null => {}
                            _ => self.refuse("a context `@language` that is not a string".into()),
                        },
                        "@direction" if !def.is_null() => self.refuse(
                            "a context `@direction` (it would change the signed strings; not supported)".into(),
                        ),
                        "@vocab" => match def {
                            Value::String(v) if v.starts_with("_:") => {}
                            Value::String(v) if oxrdf::NamedNode::new(v.as_str()).is_err() => {
                                self.refuse(format!("a context `@vocab` `{}` that is not an absolute IRI", v.escape_debug()))
                            }
                            _ => {}
                        },
                        _ => {}
                    }
                    match id {
                        Some(Value::Null) if !is_ctx_keyword => {
                            self.refuse(format!("the inline context maps `{k}` to null, so JSON-LD drops it"))
                        }
                        Some(Value::String(s)) if s.starts_with("_:") => {
                            self.refuse(format!("the inline context maps `{k}` to a blank node `{s}`"))
                        }
                        Some(Value::String(s))
                            if !is_ctx_keyword
                                && k != "@vocab"
                                && s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c)) =>
                        {
                            self.refuse(format!("the inline context maps `{k}` to `{}`, which is not an IRI", s.escape_debug()))
                        }
                        _ => {}
                    }
                    if let Value::Object(d) = def {
                        if let Some(Value::String(r)) = d.get("@reverse") {
                            if r.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c)) {
                                self.refuse(format!("the inline context maps `{k}` to `{}`, which is not an IRI", r.escape_debug()));
                            }
                        }
                    }
                    if let Value::Object(d) = def {
                        if let Some(sc) = d.get("@context") {
                            self.context(sc);
                        }
                    }
                }
            }
            Value::Null => self.refuse(
                "`@context: null` inside the document (it would hide terms JSON-LD drops)".into(),
            ),
            _ => {}
        }
    }
}

/// Language tags. jsonld.js lowercases every tag (as oxrdf does) and, in safe
/// mode, refuses one that does not match its `REGEX_BCP47`
/// (`/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/`, jsonld.js `lib/util.js`; event
/// `invalid @language value`): such a document is unsafe here too. A tag
/// jsonld.js accepts but oxrdf's stricter BCP 47 parser rejects (e.g. `x`)
/// would be silently dropped by oxjsonld, so that document cannot be checked.
fn check_language(tag: &str, unsafe_: &mut Vec<String>, unportable: &mut Vec<String>) {
    let subtag_ok = |s: &str, first: bool| {
        (1..=8).contains(&s.len()) && s.bytes().all(|b| if first { b.is_ascii_alphabetic() } else { b.is_ascii_alphanumeric() })
    };
    let mut parts = tag.split('-');
    let valid = parts.next().is_some_and(|p| subtag_ok(p, true)) && parts.all(|p| subtag_ok(p, false));
    if !valid {
        unsafe_.push(format!("invalid @language value `{tag}` (jsonld.js refuses it in safe mode)"));
    } else if oxrdf::Literal::new_language_tagged_literal("", tag).is_err() {
        unportable.push(tag.to_string());
    }
}


pub(super) fn prechecked(doc: &Value) -> Result<(), RdfError> {
    let (mut missing, mut unsafe_, mut unportable) = (vec![], vec![], vec![]);
    precheck(doc, &mut missing, &mut unsafe_, &mut unportable);
    if !missing.is_empty() {
        return Err(RdfError::UnknownContext(missing));
    }
    if !unsafe_.is_empty() {
        return Err(RdfError::Unsafe(unsafe_.join("; ")));
    }
    if !unportable.is_empty() {
        return Err(RdfError::Unportable(format!(
            "language tag(s) {} are accepted by jsonld.js but not by our RDF stack",
            unportable.join(", ")
        )));
    }
    Ok(())
}

/// An empty array emits no statement, so the sentinel `@vocab` never sees
/// the term holding it: `"eqfLevel": []` of an undefined term would pass
/// while jsonld.js refuses it (`invalid property`). When the body has empty
/// arrays, a probe copy with each replaced by an IRI string is converted
/// too, and an undefined term there refuses the document. Costs a second
/// conversion only for documents with empty arrays. This returns the probe
/// copy, if the body has empty arrays; [`super`] converts it.
pub(super) fn empty_array_probe(doc: &Value) -> Option<Value> {
    fn empty(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.iter().all(empty),
            Value::Object(o) => o.len() == 1 && o.get("@set").is_some_and(empty),
            _ => false,
        }
    }
    fn probe(v: &mut Value, terms: &BodyTerms) -> bool {
        let mut any = false;
        match v {
            Value::Object(o) => {
                for (k, val) in o.iter_mut() {
                    if k == "@context" || terms.json.contains(k) || k.starts_with('@') {
                        if k != "@context" && !terms.json.contains(k) {
                            any |= probe(val, terms);
                        }
                        continue;
                    }
                    if empty(val) {
                        *val = Value::String("urn:x-backpack:empty-probe".into());
                        any = true;
                    } else {
                        any |= probe(val, terms);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| any |= probe(x, terms)),
            _ => {}
        }
        any
    }
    // Whether `probe` would replace anything, without the copy (most
    // documents have no empty arrays; the copy was 4% of verifying one).
    fn any_probed(v: &Value, terms: &BodyTerms) -> bool {
        match v {
            Value::Object(o) => o.iter().any(|(k, val)| {
                if k == "@context" || terms.json.contains(k) || k.starts_with('@') {
                    k != "@context" && !terms.json.contains(k) && any_probed(val, terms)
                } else {
                    empty(val) || any_probed(val, terms)
                }
            }),
            Value::Array(a) => a.iter().any(|x| any_probed(x, terms)),
            _ => false,
        }
    }
    let terms = body_terms();
    if !any_probed(doc, terms) {
        return None;
    }
    let mut p = doc.clone();
    probe(&mut p, terms).then_some(p)
}

/// Safe mode for what oxjsonld drops *without a trace*: an `@id`, `@type` or
/// IRI-valued property that is not a valid IRI (`urn:fake y`, or with NUL,
/// `<`, `"`), an invalid blank node label, a language tag oxrdf refuses. The
/// strict parser silently leaves out every quad with such a term, so a signed
/// credential with an injected node of that kind would still verify. The
/// lenient parser keeps those quads with the terms unchecked: the same bytes
/// parsed leniently give more quads exactly when something was dropped. Only
/// the general path pays this second parse (the fast path declines any
/// invalid IRI and lands here).
pub(super) fn dropped_by_strict(bytes: &[u8], strict_count: usize) -> Result<(), RdfError> {
    let parser = oxjsonld::JsonLdParser::new()
        .lenient()
        .with_base_iri(RELATIVE_IRI_BASE)
        .map_err(|e| RdfError::JsonLd(e.to_string()))?
        .for_slice(bytes)
        .with_load_document_callback(|url, _opts| match contexts::get(url) {
            Some(doc) => Ok(oxjsonld::JsonLdRemoteDocument { document: doc.as_bytes().to_vec(), document_url: url.to_string() }),
            None => Err(format!("context {url} is not bundled").into()),
        });
    let mut count = 0usize;
    let mut bad: Vec<String> = Vec::new();
    let mut note = |what: String| {
        if bad.len() < 5 && !bad.contains(&what) {
            bad.push(what);
        }
    };
    let show = |s: &str| s.escape_debug().to_string();
    for q in parser.flatten() {
        count += 1;
        let named = |n: &oxrdf::NamedNode| oxrdf::NamedNode::new(n.as_str()).is_err();
        let blank = |b: &oxrdf::BlankNode| oxrdf::BlankNode::new(b.as_str()).is_err();
        match &q.subject {
            oxrdf::NamedOrBlankNode::NamedNode(n) if named(n) => note(format!("invalid IRI `{}`", show(n.as_str()))),
            oxrdf::NamedOrBlankNode::BlankNode(b) if blank(b) => {
                note(format!("invalid blank node `_:{}`", show(b.as_str())))
            }
            _ => {}
        }
        if named(&q.predicate) {
            note(format!("invalid property IRI `{}`", show(q.predicate.as_str())));
        }
        match &q.object {
            oxrdf::Term::NamedNode(n) if named(n) => note(format!("invalid IRI `{}`", show(n.as_str()))),
            oxrdf::Term::BlankNode(b) if blank(b) => note(format!("invalid blank node `_:{}`", show(b.as_str()))),
            oxrdf::Term::Literal(l) => {
                if oxrdf::NamedNode::new(l.datatype().as_str()).is_err() {
                    note(format!("invalid datatype IRI `{}`", show(l.datatype().as_str())));
                }
                if let Some(tag) = l.language() {
                    if oxrdf::Literal::new_language_tagged_literal("", tag).is_err() {
                        note(format!("invalid language tag `{}`", show(tag)));
                    }
                }
            }
            _ => {}
        }
        if let oxrdf::GraphName::NamedNode(n) = &q.graph_name {
            if named(n) {
                note(format!("invalid graph IRI `{}`", show(n.as_str())));
            }
        }
    }
    if count != strict_count || !bad.is_empty() {
        if bad.is_empty() {
            bad.push(format!("{} statement(s) that are not valid RDF", count.abs_diff(strict_count)));
        }
        return Err(RdfError::Unsafe(format!(
            "{}; JSON-LD would drop this data, so no signature covers it",
            bad.join("; ")
        )));
    }
    Ok(())
}
