//! Fast JSON-LD → RDF (toRDF) for Data Integrity documents whose contexts are
//! all bundled ([`crate::verify::contexts`]), with a process-wide cache of processed
//! contexts.
//!
//! This module owns: the compiled (processed) context model, the cache keyed by
//! (active context, context source, flags), and a direct walk of the JSON that
//! emits [`super::canon::Quad`]s. It implements exactly the JSON-LD 1.1 subset
//! the bundled VC v1/v2, OB 3.0.x, CLR 2.0, data-integrity, ed25519-2020,
//! multikey and security contexts use: `@protected`, type-scoped (not
//! propagated) and property-scoped contexts, `@vocab`, compact IRIs and
//! prefixes, term-to-term `@id`s, `@type` coercion to `@id` / `@vocab` /
//! datatype IRIs, and `@container` `@set` / `@list` / `@graph`. Anything else
//! (`@json`, `@value` objects, `@language`, `@reverse`, `@nest`, `@included`,
//! inline contexts in the document, `@context: null`, relative IRIs, undefined
//! terms, blank-node predicates, …) makes it **decline** ([`Declined`]); the
//! caller then uses the general oxjsonld path, which also produces the exact
//! errors and safe-mode refusals. So this path never decides a refusal itself:
//! it either gives the same dataset as the general path or none.
//!
//! Safe mode: the walk starts from the same sentinel `@vocab`
//! ([`super::UNDEFINED_TERM_VOCAB`]) as the general path, and
//! declines as soon as an IRI would start with it or would be relative.
//!
//! # Why our own instead of oxjsonld for these documents (measured)
//!
//! oxjsonld processes the VC v2 + OB 3.0 contexts again for every document and
//! the OB type-scoped contexts again at every typed node; with HashMap clones
//! that is ~85 % of the verification time (~5.5 ms of ~6.3 ms per credential,
//! shared/notes/rdfc-crates.md §3) and its context cache is per parser. No
//! crate offers a shared processed-context cache (json-ld 0.21's top-level
//! cache still re-processes type-scoped contexts: 267/s). Here each context is
//! processed once per process, and a document costs one JSON walk.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::canon::{self, Quad, Term};
use crate::verify::contexts;
use super::{RELATIVE_IRI_BASE, UNDEFINED_TERM_VOCAB};

/// The fast path does not handle this document; use the general path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declined(pub String);

type R<T> = Result<T, Declined>;

fn no<T>(why: impl Into<String>) -> R<T> {
    Err(Declined(why.into()))
}

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub(crate) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";

const KEYWORDS: &[&str] = &[
    "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
    "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
    "@value", "@version", "@vocab",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

// ---------------------------------------------------------------------------
// Compiled contexts

/// A scoped context as written in a context document, with an id for the cache.
#[derive(Debug, Clone)]
struct Scoped {
    id: u64,
    value: Arc<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Container {
    set: bool,
    list: bool,
    graph: bool,
}

#[derive(Debug, Clone)]
struct TermDef {
    /// Absolute IRI or keyword.
    iri: Arc<str>,
    /// `<iri>` (empty for keywords).
    text: Arc<str>,
    prefix: bool,
    protected: bool,
    /// `@id`, `@vocab`, `@json` or a datatype IRI.
    typ: Option<Arc<str>>,
    container: Container,
    context: Option<Scoped>,
}

impl TermDef {
    /// Same definition, other than `@protected` (JSON-LD 1.1 §4.2.2 step 27).
    fn same(&self, o: &TermDef) -> bool {
        self.iri == o.iri
            && self.prefix == o.prefix
            && self.typ == o.typ
            && self.container == o.container
            && match (&self.context, &o.context) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            }
    }
}

#[derive(Debug, Clone)]
struct Ctx {
    id: u64,
    terms: HashMap<Arc<str>, Arc<TermDef>>,
    vocab: Option<Arc<str>>,
    previous: Option<Arc<Ctx>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Src {
    Url(&'static str),
    Scoped(u64),
}

type CacheKey = (u64, Src, bool, bool);

// The caches below are per thread: `--jobs 2` verifies on two threads, and
// one shared map (a lock per lookup, and `Arc` counters that both cores write)
// made the second core's credentials slower; each thread processes the few
// bundled contexts once for itself instead.

thread_local! {
    /// Processed contexts. Entries are never evicted (the bundled set reaches
    /// a small, fixed number of combinations); past [`CACHE_LIMIT`] new
    /// results are computed but not stored.
    static CACHE: RefCell<HashMap<CacheKey, Arc<Ctx>>> = RefCell::default();
    static INITIAL: Arc<Ctx> = Arc::new(Ctx { id: next_id(), terms: HashMap::new(), vocab: Some(UNDEFINED_TERM_VOCAB.into()), previous: None });
    /// The parsed `@context` values of bundled context documents.
    static REMOTE: RefCell<HashMap<&'static str, Arc<Value>>> = RefCell::default();
}
const CACHE_LIMIT: usize = 20_000;

fn initial() -> Arc<Ctx> {
    INITIAL.with(Arc::clone)
}

/// The parsed `@context` value of a bundled context document.
fn remote(url: &str) -> R<(&'static str, Arc<Value>)> {
    let Some(text) = contexts::get(url) else { return no(format!("context {url} is not bundled")) };
    let key = contexts::bundled_urls().into_iter().find(|u| *u == url).unwrap_or("");
    if let Some(v) = REMOTE.with(|m| m.borrow().get(key).cloned()) {
        return Ok((key, v));
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| Declined(e.to_string()))?;
    let ctx = doc.get("@context").cloned().ok_or_else(|| Declined(format!("{url} has no @context")))?;
    let v = Arc::new(ctx);
    REMOTE.with(|m| m.borrow_mut().insert(key, v.clone()));
    Ok((key, v))
}

/// Context Processing (JSON-LD 1.1 §4.1) of one source, cached.
fn process(active: &Arc<Ctx>, src: Src, value: &Value, override_protected: bool, propagate: bool) -> R<Arc<Ctx>> {
    let key = (active.id, src, override_protected, propagate);
    if let Some(c) = CACHE.with(|m| m.borrow().get(&key).cloned()) {
        return Ok(c);
    }
    let mut result = Ctx { id: next_id(), ..(**active).clone() };
    if !propagate && result.previous.is_none() {
        result.previous = Some(active.clone());
    }
    let mut remote_stack = Vec::new();
    process_into(&mut result, value, override_protected, &mut remote_stack)?;
    let out = Arc::new(result);
    CACHE.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() < CACHE_LIMIT {
            m.insert(key, out.clone());
        }
    });
    Ok(out)
}

fn process_into(result: &mut Ctx, local: &Value, override_protected: bool, stack: &mut Vec<String>) -> R<()> {
    let items: Vec<&Value> = match local {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    for item in items {
        match item {
            Value::String(url) => {
                if stack.contains(url) || stack.len() > 16 {
                    return no("recursive context inclusion");
                }
                let (_, ctx) = remote(url)?;
                stack.push(url.clone());
                // Remote contexts are processed with override protected false.
                process_into(result, &ctx, false, stack)?;
                stack.pop();
            }
            Value::Object(o) => {
                let mut protected_default = false;
                for (k, v) in o {
                    match k.as_str() {
                        "@version" if v.as_f64() != Some(1.1) => return no("@version"),
                        "@version" => {}
                        "@vocab" => match v {
                            Value::Null => result.vocab = None,
                            Value::String(s) if has_scheme(s) => result.vocab = Some(s.as_str().into()),
                            _ => return no("@vocab"),
                        },
                        "@protected" => match v {
                            Value::Bool(b) => protected_default = *b,
                            _ => return no("@protected"),
                        },
                        k if k.starts_with('@') => return no(format!("context keyword {k}")),
                        _ => {}
                    }
                }
                let mut defined: HashMap<String, bool> = HashMap::new();
                for k in o.keys() {
                    if !k.starts_with('@') {
                        create_term(result, o, k, &mut defined, protected_default, override_protected)?;
                    }
                }
            }
            _ => return no("context entry is not a URL or an object"),
        }
    }
    Ok(())
}

/// Create Term Definition (JSON-LD 1.1 §4.2.2), subset.
fn create_term(
    active: &mut Ctx,
    local: &Map<String, Value>,
    term: &str,
    defined: &mut HashMap<String, bool>,
    protected_default: bool,
    override_protected: bool,
) -> R<()> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => return no("cyclic term definition"),
        None => {}
    }
    defined.insert(term.to_string(), false);
    if term.is_empty() || term.starts_with('@') {
        return no(format!("term {term}"));
    }
    let value = &local[term];
    let previous = active.terms.remove(term);
    let (id, obj, simple) = match value {
        Value::String(s) => (Some(s.as_str()), None, true),
        Value::Object(o) => {
            for k in o.keys() {
                if !matches!(k.as_str(), "@id" | "@type" | "@container" | "@context" | "@protected") {
                    return no(format!("term definition key {k}"));
                }
            }
            let id = match o.get("@id") {
                None => None,
                Some(Value::String(s)) => Some(s.as_str()),
                Some(_) => return no("@id in term definition"),
            };
            (id, Some(o), false)
        }
        _ => return no(format!("term definition of {term}")),
    };
    let protected = match obj.and_then(|o| o.get("@protected")) {
        None => protected_default,
        Some(Value::Bool(b)) => *b,
        Some(_) => return no("@protected"),
    };
    let typ: Option<Arc<str>> = match obj.and_then(|o| o.get("@type")) {
        None => None,
        Some(Value::String(t)) => {
            let e = expand_iri_def(active, t, local, defined, protected_default, override_protected)?;
            if !(matches!(e.as_str(), "@id" | "@vocab" | "@json") || (has_scheme(&e) && !e.starts_with("_:"))) {
                return no("@type mapping");
            }
            if !e.starts_with('@') {
                check_iri(&e)?;
            }
            Some(e.into())
        }
        Some(_) => return no("@type mapping"),
    };
    let mut prefix = false;
    let iri: String = match id {
        Some(id) if id != term => {
            if id.starts_with('@') {
                if !is_keyword(id) || id == "@context" {
                    return no("keyword-like @id");
                }
                id.to_string()
            } else {
                if term.contains(':') || term.contains('/') {
                    return no("IRI-like term with its own @id");
                }
                let e = expand_iri_def(active, id, local, defined, protected_default, override_protected)?;
                if !has_scheme(&e) || e.starts_with("_:") {
                    return no("term IRI");
                }
                prefix = simple && e.ends_with([':', '/', '?', '#', '[', ']', '@']);
                e
            }
        }
        _ => {
            if let Some((p, suffix)) = term.split_once(':').filter(|(p, _)| !p.is_empty()) {
                if local.contains_key(p) {
                    create_term(active, local, p, defined, protected_default, override_protected)?;
                }
                match active.terms.get(p) {
                    Some(d) => format!("{}{}", d.iri, suffix),
                    None => term.to_string(),
                }
            } else if term.contains('/') {
                return no("term with /");
            } else if let Some(v) = &active.vocab {
                format!("{v}{term}")
            } else {
                return no("term without IRI");
            }
        }
    };
    if iri.starts_with(UNDEFINED_TERM_VOCAB) {
        return no("term defined through the sentinel @vocab");
    }
    if !iri.starts_with('@') {
        check_iri(&iri)?;
    }
    let mut container = Container::default();
    if let Some(c) = obj.and_then(|o| o.get("@container")) {
        let list: Vec<&Value> = match c {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for c in list {
            match c.as_str() {
                Some("@set") => container.set = true,
                Some("@list") => container.list = true,
                Some("@graph") => container.graph = true,
                _ => return no("@container"),
            }
        }
        if container.list && (container.set || container.graph) {
            return no("@container combination");
        }
    }
    let context = obj.and_then(|o| o.get("@context")).map(|v| Scoped { id: next_id(), value: Arc::new(v.clone()) });
    let text: Arc<str> = if iri.starts_with('@') { "".into() } else { canon::iri(&iri) };
    let def = TermDef { iri: iri.into(), text, prefix, protected, typ, container, context };
    let def = match previous {
        Some(prev) if prev.protected && !override_protected => {
            if !prev.same(&def) {
                return no(format!("protected term {term} redefined"));
            }
            prev
        }
        _ => Arc::new(def),
    };
    active.terms.insert(term.into(), def);
    defined.insert(term.to_string(), true);
    Ok(())
}

/// IRI Expansion inside a context (vocab = true, not document-relative).
fn expand_iri_def(
    active: &mut Ctx,
    value: &str,
    local: &Map<String, Value>,
    defined: &mut HashMap<String, bool>,
    protected_default: bool,
    override_protected: bool,
) -> R<String> {
    if is_keyword(value) {
        return Ok(value.to_string());
    }
    if value.starts_with('@') {
        return no("keyword-like value");
    }
    if local.contains_key(value) && defined.get(value) != Some(&true) {
        create_term(active, local, value, defined, protected_default, override_protected)?;
    }
    if let Some(d) = active.terms.get(value) {
        return Ok(d.iri.to_string());
    }
    if let Some((p, suffix)) = value.split_once(':').filter(|(p, _)| !p.is_empty()) {
        if p == "_" || suffix.starts_with("//") {
            return Ok(value.to_string());
        }
        if local.contains_key(p) && defined.get(p) != Some(&true) {
            create_term(active, local, p, defined, protected_default, override_protected)?;
        }
        if let Some(d) = active.terms.get(p).filter(|d| d.prefix) {
            return Ok(format!("{}{}", d.iri, suffix));
        }
        if has_scheme(value) {
            return Ok(value.to_string());
        }
    }
    if let Some(v) = &active.vocab {
        return Ok(format!("{v}{value}"));
    }
    no("relative IRI in a context")
}

fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else { return false };
    let mut c = scheme.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic()) && c.all(|x| x.is_ascii_alphanumeric() || matches!(x, '+' | '-' | '.'))
}

/// The general path (oxrdf) accepts only valid IRIs; decline the rest.
fn check_iri(s: &str) -> R<()> {
    if s.starts_with(UNDEFINED_TERM_VOCAB) || s.starts_with(RELATIVE_IRI_BASE) {
        return no(format!("sentinel IRI (undefined term or relative IRI): {s}"));
    }
    oxrdf::NamedNode::new(s).map(|_| ()).map_err(|e| Declined(format!("invalid IRI {s}: {e}")))
}

// ---------------------------------------------------------------------------
// Document walk

struct Walk {
    quads: Vec<Quad>,
    next_blank: u32,
    labels: HashMap<String, u32>,
    rdf_type: Arc<str>,
}

impl Walk {
    fn blank(&mut self) -> Term {
        self.next_blank += 1;
        Term::Blank(self.next_blank - 1)
    }
}

/// toRDF of `doc` (a JSON object with a `@context` of bundled context URLs),
/// or [`Declined`].
pub fn to_rdf(doc: &Value) -> Result<Vec<Quad>, Declined> {
    let Value::Object(o) = doc else { return no("not an object") };
    let mut w = Walk { quads: Vec::with_capacity(256), next_blank: 0, labels: HashMap::new(), rdf_type: canon::iri(RDF_TYPE) };
    let active = initial();
    node(&mut w, &active, None, o, &None)?;
    Ok(w.quads)
}

/// Expanded key → what it is.
enum Key<'a> {
    Keyword(&'a str),
    Prop(Option<Arc<TermDef>>, Arc<str>),
}

fn expand_key<'a>(active: &Ctx, key: &'a str) -> R<Key<'a>> {
    if let Some(d) = active.terms.get(key) {
        if d.iri.starts_with('@') {
            return Ok(Key::Keyword(match &*d.iri {
                "@id" => "@id",
                "@type" => "@type",
                _ => return no(format!("alias of {}", d.iri)),
            }));
        }
        return Ok(Key::Prop(Some(d.clone()), d.text.clone()));
    }
    if is_keyword(key) {
        return Ok(Key::Keyword(key));
    }
    if key.starts_with('@') {
        return no("keyword-like key");
    }
    let iri = expand_doc_iri(active, key, true)?;
    if iri.starts_with("_:") {
        return no("blank node property");
    }
    Ok(Key::Prop(None, canon::iri(&iri)))
}

/// The keyword a key expands to, if any (without expanding other keys).
fn keyword_of<'a>(active: &'a Ctx, key: &'a str) -> Option<&'a str> {
    match active.terms.get(key) {
        Some(d) if d.iri.starts_with('@') => Some(&d.iri),
        Some(_) => None,
        None => is_keyword(key).then_some(key),
    }
}

/// IRI Expansion for document values (document-relative; relative IRIs make
/// the fast path decline).
fn expand_doc_iri(active: &Ctx, value: &str, vocab: bool) -> R<String> {
    if value.starts_with('@') {
        return no("keyword as IRI value");
    }
    if vocab {
        if let Some(d) = active.terms.get(value) {
            if d.iri.starts_with('@') {
                return no("keyword alias as IRI value");
            }
            return Ok(d.iri.to_string());
        }
    }
    if let Some((p, suffix)) = value.split_once(':').filter(|(p, _)| !p.is_empty()) {
        if p == "_" {
            return Ok(value.to_string());
        }
        if !suffix.starts_with("//") {
            if let Some(d) = active.terms.get(p).filter(|d| d.prefix) {
                let e = format!("{}{}", d.iri, suffix);
                check_iri(&e)?;
                return Ok(e);
            }
        }
        if has_scheme(value) {
            check_iri(value)?;
            return Ok(value.to_string());
        }
    }
    if vocab {
        if let Some(v) = &active.vocab {
            let e = format!("{v}{value}");
            check_iri(&e)?;
            return Ok(e);
        }
    }
    no("relative IRI")
}

fn node_term(w: &mut Walk, iri: &str) -> Term {
    if let Some(label) = iri.strip_prefix("_:") {
        let n = match w.labels.get(label) {
            Some(n) => *n,
            None => {
                let Term::Blank(n) = w.blank() else { unreachable!() };
                w.labels.insert(label.to_string(), n);
                n
            }
        };
        Term::Blank(n)
    } else {
        Term::Text(canon::iri(iri))
    }
}

/// Expand a node object and emit its quads; returns its subject.
fn node(
    w: &mut Walk,
    parent: &Arc<Ctx>,
    prop_scope: Option<&Scoped>,
    el: &Map<String, Value>,
    graph: &Option<Term>,
) -> R<Term> {
    let mut active = parent.clone();
    // §5.1.2 step 7: a type-scoped context does not propagate into nodes,
    // unless the node is only a reference.
    if let Some(prev) = &active.previous {
        let only_id = el.len() == 1 && keyword_of(&active, el.keys().next().unwrap()) == Some("@id");
        if !only_id {
            active = prev.clone();
        }
    }
    if let Some(s) = prop_scope {
        active = process(&active, Src::Scoped(s.id), &s.value, true, true)?;
    }
    if let Some(c) = el.get("@context") {
        let urls: Vec<&str> = match c {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().map(|v| v.as_str().ok_or_else(|| Declined("inline context".into()))).collect::<R<_>>()?,
            _ => return no("inline context"),
        };
        for u in urls {
            let (key, v) = remote(u)?;
            active = process(&active, Src::Url(key), &v, false, true)?;
        }
    }
    // Type-scoped contexts, applied in lexicographic order of the types.
    let type_scoped = active.clone();
    let mut type_keys: Vec<&String> = Vec::new();
    let mut id_value: Option<&Value> = None;
    for k in el.keys() {
        if k == "@context" {
            continue;
        }
        match keyword_of(&type_scoped, k) {
            Some("@type") => type_keys.push(k),
            Some("@id") => {
                if id_value.is_some() {
                    return no("two @id");
                }
                id_value = Some(&el[k]);
            }
            _ => {}
        }
    }
    type_keys.sort();
    let mut types: Vec<&str> = Vec::new();
    for k in &type_keys {
        let mut ts: Vec<&str> = match &el[k.as_str()] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().map(|v| v.as_str().ok_or_else(|| Declined("non-string type".into()))).collect::<R<_>>()?,
            _ => return no("type value"),
        };
        ts.sort_unstable();
        for t in &ts {
            if let Some(sc) = type_scoped.terms.get(*t).and_then(|d| d.context.clone()) {
                active = process(&active, Src::Scoped(sc.id), &sc.value, false, false)?;
            }
        }
        types.extend(ts);
    }
    let subject = match id_value {
        Some(Value::String(s)) => {
            let iri = expand_doc_iri(&active, s, false)?;
            node_term(w, &iri)
        }
        Some(_) => return no("@id value"),
        None => w.blank(),
    };
    for t in types {
        let iri = expand_doc_iri(&type_scoped, t, true)?;
        let o = node_term(w, &iri);
        w.quads.push(Quad { s: subject.clone(), p: w.rdf_type.clone(), o, g: graph.clone() });
    }
    let mut keys: Vec<&String> = el.keys().collect();
    keys.sort();
    for k in keys {
        if k == "@context" {
            continue;
        }
        let (def, p) = match expand_key(&active, k)? {
            Key::Keyword("@id" | "@type") => continue,
            Key::Keyword(k) => return no(format!("keyword {k} in a node")),
            Key::Prop(d, p) => (d, p),
        };
        property(w, &active, k, def.as_deref(), &p, &subject, &el[k.as_str()], graph)?;
    }
    Ok(subject)
}

#[allow(clippy::too_many_arguments)]
fn property(
    w: &mut Walk,
    active: &Arc<Ctx>,
    key: &str,
    def: Option<&TermDef>,
    p: &Arc<str>,
    subject: &Term,
    value: &Value,
    graph: &Option<Term>,
) -> R<()> {
    let container = def.map(|d| d.container).unwrap_or_default();
    let scope = def.and_then(|d| d.context.as_ref());
    if def.and_then(|d| d.typ.as_deref()) == Some("@json") {
        return no("@json");
    }
    // Scalars expand with the property-scoped context applied.
    let scalar_ctx = match scope {
        Some(s) => process(active, Src::Scoped(s.id), &s.value, true, true)?,
        None => active.clone(),
    };
    if scope.is_some() {
        // Scalars take the type mapping of the term as defined in the
        // property-scoped context; the bundled ones never redefine their own
        // term, so insist on that instead of handling it.
        match (scalar_ctx.terms.get(key), def) {
            (Some(a), Some(b)) if a.same(b) => {}
            _ => return no("property-scoped context redefines its own term"),
        }
    }
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    if container.list {
        let mut objs = Vec::new();
        for it in items {
            if let Some(o) = item(w, active, &scalar_ctx, def, scope, it, graph)? {
                objs.push(o);
            }
        }
        let mut head = Term::Text(canon::iri(RDF_NIL));
        for o in objs.into_iter().rev() {
            let b = w.blank();
            w.quads.push(Quad { s: b.clone(), p: canon::iri(RDF_FIRST), o, g: graph.clone() });
            w.quads.push(Quad { s: b.clone(), p: canon::iri(RDF_REST), o: head, g: graph.clone() });
            head = b;
        }
        w.quads.push(Quad { s: subject.clone(), p: p.clone(), o: head, g: graph.clone() });
        return Ok(());
    }
    for it in items {
        if container.graph {
            let Value::Object(o) = it else { return no("non-object in a @graph container") };
            if o.is_empty() {
                return no("empty object");
            }
            let g = w.blank();
            node(w, active, scope, o, &Some(g.clone()))?;
            w.quads.push(Quad { s: subject.clone(), p: p.clone(), o: g, g: graph.clone() });
        } else if let Some(o) = item(w, active, &scalar_ctx, def, scope, it, graph)? {
            w.quads.push(Quad { s: subject.clone(), p: p.clone(), o, g: graph.clone() });
        }
    }
    Ok(())
}

/// One value of a property: a node (emitted, its subject returned) or a literal / IRI.
fn item(
    w: &mut Walk,
    active: &Arc<Ctx>,
    scalar_ctx: &Arc<Ctx>,
    def: Option<&TermDef>,
    scope: Option<&Scoped>,
    v: &Value,
    graph: &Option<Term>,
) -> R<Option<Term>> {
    // The term's type mapping: from the definition in force for the value.
    let typ: Option<Arc<str>> = def.and_then(|d| d.typ.clone());
    Ok(Some(match v {
        Value::Null => return Ok(None),
        Value::Array(_) => return no("nested array"),
        Value::Object(o) => {
            if o.is_empty() {
                return no("empty object");
            }
            node(w, active, scope, o, graph)?
        }
        Value::String(s) => match typ.as_deref() {
            Some("@id") => {
                let iri = expand_doc_iri(scalar_ctx, s, false)?;
                node_term(w, &iri)
            }
            Some("@vocab") => {
                let iri = expand_doc_iri(scalar_ctx, s, true)?;
                node_term(w, &iri)
            }
            Some(t) => Term::Text(canon::literal(s, t, None)),
            None => Term::Text(canon::literal(s, XSD_STRING, None)),
        },
        Value::Bool(b) => match typ.as_deref() {
            Some("@id" | "@vocab") => return no("boolean with @id/@vocab coercion"),
            t => Term::Text(canon::literal(if *b { "true" } else { "false" }, t.unwrap_or(XSD_BOOLEAN), None)),
        },
        Value::Number(n) => match typ.as_deref() {
            Some("@id" | "@vocab") => return no("number with @id/@vocab coercion"),
            t => {
                // JSON.parse semantics: every number is an IEEE double (u64 /
                // i64 beyond 2^53 round to nearest, as `as f64` does).
                let Some(v) = n.as_f64() else { return no("number") };
                let (lex, dt) = js_number_literal(v, t);
                Term::Text(canon::literal(&lex, dt, None))
            }
        },
    }))
}

/// The RDF literal (lexical form, datatype) jsonld.js 9 gives a native JSON
/// number `v` (a double, as `JSON.parse` makes it) with the term's type
/// coercion `datatype` (None: not coerced). The Digital Bazaar signers use
/// jsonld.js, so this is what they signed. Source: jsonld.js `lib/toRdf.js`
/// `_objectToRDF` and `lib/types.js` `isDouble` (BSD-3-Clause):
///
/// ```js
/// isDouble = v => isNumber(v) && (String(v).indexOf('.') !== -1 || Math.abs(v) >= 1e21);
/// if(isDouble(value) || datatype === XSD_DOUBLE) {
///   value.toExponential(15).replace(/(\d)0*e\+?/, '$1E'); datatype || XSD_DOUBLE
/// } else { value.toFixed(0); datatype || XSD_INTEGER }
/// ```
///
/// So integers below 1e21 keep every digit of the double (`1e20` →
/// `"100000000000000000000"`, `123456789012345680000` →
/// `"123456789012345683968"`), doubles keep 16 significant digits
/// (`0.30000000000000004` → `"3.0E-1"`), and numbers below 1e-6 that
/// `String()` writes without a `.` (`1e-7`, `5e-324`) are "integers" that
/// `toFixed(0)` turns into `"0"` (or `"-0"`). Checked byte for byte against
/// jsonld.js in tests/fixtures/js-numbers.
pub(crate) fn js_number_literal(v: f64, datatype: Option<&str>) -> (String, &str) {
    if datatype == Some(XSD_DOUBLE) || js_is_double(v) {
        (js_to_exponential_15(v), datatype.unwrap_or(XSD_DOUBLE))
    } else {
        (js_to_fixed_0(v), datatype.unwrap_or(XSD_INTEGER))
    }
}

/// jsonld.js `isDouble`: `String(v)` contains a `.`, or |v| ≥ 1e21.
/// `String(v)` (ECMA-262 Number::toString) writes the shortest round-trip
/// digits d₁…d_k with exponent n (v = 0.d₁…d_k × 10ⁿ): an integer below 1e21
/// has no `.`; a non-integer has one unless it is written in exponent form
/// (n ≤ -6, i.e. v < 1e-6) with a single digit (`1e-7`, `5e-324`).
fn js_is_double(v: f64) -> bool {
    let a = v.abs();
    if !a.is_finite() || a >= 1e21 {
        return true;
    }
    if a.fract() == 0.0 {
        return false;
    }
    // Rust's `{:e}` gives the same shortest digits as Number::toString.
    let s = format!("{a:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    exp >= -6 || mantissa.contains('.')
}

/// `v.toExponential(15)` followed by jsonld.js's `.replace(/(\d)0*e\+?/, '$1E')`.
/// ECMA-262 Number.prototype.toExponential: the 16 significant digits n
/// closest to |v|, the larger one on a tie (so half-up on the exact binary
/// value, not half-even), sign in front; -0 has no sign.
fn js_to_exponential_15(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a == 0.0 {
        return "0.0E0".into();
    }
    // The exact decimal expansion of a double has at most 767 significant
    // digits; with 800 Rust prints it exactly (no rounding happens here).
    let s = format!("{a:.800e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let all: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let mut d: Vec<u8> = all[..16].to_vec();
    if all[16] >= 5 {
        // Round up (a tie also goes up: "pick the larger n").
        let mut i = 15;
        loop {
            if d[i] == 9 {
                d[i] = 0;
                if i == 0 {
                    d.insert(0, 1);
                    d.truncate(16);
                    exp += 1;
                    break;
                }
                i -= 1;
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    let mut frac: String = d[1..].iter().map(|x| char::from(b'0' + x)).collect();
    while frac.len() > 1 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{}.{frac}E{exp}", d[0])
}

/// `v.toFixed(0)` for |v| < 1e21 (ECMA-262 Number.prototype.toFixed): the
/// integer closest to |v| (only called for integers and for |v| < 1e-6, see
/// [`js_is_double`], so no tie can occur), with a `-` when v < 0 (so
/// `(-1e-7).toFixed(0)` is `"-0"`, `(-0).toFixed(0)` is `"0"`).
fn js_to_fixed_0(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs().round();
    // |v| < 1e21 < 2^70: exact in i128.
    format!("{sign}{}", a as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_jsonld_js() {
        // Expected values are jsonld.js 9.0.0 output (tests/fixtures/js-numbers).
        let c = |v: f64, dt: Option<&str>| {
            let (l, d) = js_number_literal(v, dt);
            (l, d.rsplit('#').next().unwrap().to_string())
        };
        let s = |l: &str, d: &str| (l.to_string(), d.to_string());
        assert_eq!(c(7.5, None), s("7.5E0", "double"));
        assert_eq!(c(1.0, None), s("1", "integer"));
        assert_eq!(c(-0.0, None), s("0", "integer"));
        assert_eq!(c(0.30000000000000004, None), s("3.0E-1", "double"));
        assert_eq!(c(1e20, None), s("100000000000000000000", "integer"));
        assert_eq!(c(1e21, None), s("1.0E21", "double"));
        assert_eq!(c(-1e21, None), s("-1.0E21", "double"));
        assert_eq!(c(1.5e-7, None), s("1.5E-7", "double"));
        assert_eq!(c(1e-7, None), s("0", "integer"));
        assert_eq!(c(-1e-7, None), s("-0", "integer"));
        assert_eq!(c(5e-324, None), s("0", "integer"));
        assert_eq!(c(1e-6, None), s("1.0E-6", "double"));
        assert_eq!(c(123456789012345680000.0, None), s("123456789012345683968", "integer"));
        assert_eq!(c(9007199254740993u64 as f64, None), s("9007199254740992", "integer"));
        assert_eq!(c(1.7976931348623157e308, None), s("1.797693134862316E308", "double"));
        assert_eq!(c(1000000000000000.5, None), s("1.000000000000001E15", "double"));
        assert_eq!(c(999999999999999999999.0, None), s("1.0E21", "double"));
        assert_eq!(c(3.0, Some(XSD_DOUBLE)), s("3.0E0", "double"));
        assert_eq!(c(7.5, Some(XSD_INTEGER)), s("7.5E0", "integer"));
        assert_eq!(c(1e20, Some("http://www.w3.org/2001/XMLSchema#decimal")), s("100000000000000000000", "decimal"));
    }
}
