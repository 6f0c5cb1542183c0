//! RDFC-1.0 (W3C RDF Dataset Canonicalization, SHA-256) over a small quad
//! model, used by Data Integrity verification for both the fast JSON-LD path
//! ([`super::fast`]) and the general oxjsonld path.
//!
//! This module owns: the quad model handed over by the toRDF step ([`Term`],
//! [`Quad`]), the canonical labelling (first-degree hashes, and the N-degree
//! hash with its permutation / path rules, as rdf-canonize 5 implements them), the
//! poisoning limits, and canonical N-Quads output.
//!
//! # Why our own instead of `sophia_c14n`
//!
//! * **Correctness (found with the 1EdTech `complete.json` vector, which
//!   jsonld.js + rdf-canonize verify and sophia_c14n did not).** Feeding
//!   oxjsonld's quads to rdf-canonize gives jsonld.js's hash, so the toRDF
//!   step was never the cause; the canonicaliser was.
//!
//!   The deciding difference is in step 3 of Hash N-Degree Quads: rdf-canonize
//!   5 (the reference the Digital Bazaar signers use) adds a related blank
//!   node to the "hash to related blank nodes" map **once per quad** that
//!   relates it, duplicates kept; sophia_c14n (and oxrdf's canonicaliser)
//!   keep each node once. The duplicates enter the path (`_:c14n12` six times
//!   for a proof graph of six quads), so the N-degree hashes, their sort order
//!   and the labels differ. In `complete.json` the four byte-identical
//!   endorsement proofs are told apart only by the graph they sit in, so the
//!   two orders put the proofs in other graphs and the document hash differed
//!   (checked by hand: sorting `sha256(hex(sha256("g_:c14nX")) ‖ _:c14nX×6)`
//!   gives jsonld.js's order, the deduplicated form gives sophia's).
//!   sophia also prunes permutations by path length before code-point order
//!   (`smaller_path`), which the spec does not; we prune as the spec says.
//!   We follow rdf-canonize: that is what signers produce. Permutations are
//!   then over a multiset; we visit each distinct one once, and count distinct
//!   nodes against the permutation limit.
//! * **Speed (measured, see shared/notes/rdfc-crates.md §3).** sophia_c14n
//!   needs ~265 µs per OB 3.0 credential, mostly generic term handling and
//!   string conversion; this implementation works on pre-rendered N-Quads term
//!   text and dense blank-node numbers. When every first-degree hash is unique
//!   (almost every credential) no N-degree hashing happens at all.
//!
//! The limits against dataset poisoning are sophia_c14n's defaults (recursion
//! depth at most the number of blank nodes, at most 6 indistinguishable
//! related nodes per permutation), so what was refused before still is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// An RDF term as canonical N-Quads text, or a blank node by number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term {
    /// A blank node; numbers need not be dense, only distinct.
    Blank(u32),
    /// Canonical N-Quads text of an IRI (`<…>`) or a literal (`"…"`,
    /// `"…"^^<…>`, `"…"@lang`); see [`iri`] and [`literal`].
    Text(Arc<str>),
}

/// A quad; `p` is the N-Quads text of an IRI (`<…>`), `g` `None` is the
/// default graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quad {
    /// Subject: an IRI or blank node.
    pub s: Term,
    /// Predicate: the N-Quads text of an IRI (`<…>`).
    pub p: Arc<str>,
    /// Object: an IRI, blank node or literal.
    pub o: Term,
    /// Graph name; `None` for the default graph.
    pub g: Option<Term>,
}

/// The dataset is built to make canonicalization explode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poisoned(pub String);

/// Recursion depth limit factor (sophia_c14n `DEFAULT_DEPTH_FACTOR`).
pub const DEPTH_FACTOR: usize = 1;
/// Largest set of indistinguishable related blank nodes that is permuted
/// (sophia_c14n `DEFAULT_PERMUTATION_LIMIT`).
pub const PERMUTATION_LIMIT: usize = 6;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// `<iri>`.
pub fn iri(iri: &str) -> Arc<str> {
    let mut s = String::with_capacity(iri.len() + 2);
    s.push('<');
    s.push_str(iri);
    s.push('>');
    s.into()
}

/// Canonical N-Quads text of a literal: escaped value, then `@lang` (lower
/// case) or `^^<datatype>` (omitted for xsd:string), as rdf-canonize writes it.
pub fn literal(value: &str, datatype: &str, language: Option<&str>) -> Arc<str> {
    let mut s = String::with_capacity(value.len() + datatype.len() + 8);
    push_literal(&mut s, value, datatype, language);
    s.into()
}

pub(crate) fn push_literal(s: &mut String, value: &str, datatype: &str, language: Option<&str>) {
    s.push('"');
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\x08' => s.push_str("\\b"),
            '\x0c' => s.push_str("\\f"),
            '\x7f' => s.push_str("\\u007F"),
            c if c <= '\x1f' => {
                let _ = write!(s, "\\u{:04X}", c as u8);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    if let Some(l) = language {
        s.push('@');
        s.push_str(&l.to_ascii_lowercase());
    } else if datatype != XSD_STRING {
        s.push_str("^^<");
        s.push_str(datatype);
        s.push('>');
    }
}

/// Canonical N-Quads (RDFC-1.0, SHA-256) of `quads` (duplicates are removed).
pub fn canonicalize(mut quads: Vec<Quad>) -> Result<String, Poisoned> {
    quads.sort_unstable();
    quads.dedup();
    let n = quads
        .iter()
        .flat_map(|q| [Some(&q.s), Some(&q.o), q.g.as_ref()])
        .flatten()
        .filter_map(|t| if let Term::Blank(b) = t { Some(*b as usize + 1) } else { None })
        .max()
        .unwrap_or(0);
    let mut b2q: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, q) in quads.iter().enumerate() {
        for t in [Some(&q.s), Some(&q.o), q.g.as_ref()].into_iter().flatten() {
            if let Term::Blank(b) = t {
                let v = &mut b2q[*b as usize];
                if v.last() != Some(&(i as u32)) {
                    v.push(i as u32);
                }
            }
        }
    }
    let present: Vec<u32> = (0..n as u32).filter(|b| !b2q[*b as usize].is_empty()).collect();
    let mut st = State { quads: &quads, b2q, first: vec![[0u8; 32]; n], canon: vec![None; n], next_canon: 0, bnodes: present.len() };

    // Steps 3–4: first-degree hashes; unique ones get canonical labels in hash order.
    let mut h2b: BTreeMap<[u8; 32], Vec<u32>> = BTreeMap::new();
    let mut line = String::new();
    let mut lines: Vec<String> = Vec::new();
    for &b in &present {
        lines.clear();
        for &qi in &st.b2q[b as usize] {
            line.clear();
            write_quad(&mut line, &quads[qi as usize], |x| if x == b { "_:a" } else { "_:z" }.into());
            lines.push(line.clone());
        }
        lines.sort_unstable();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
        }
        let hash: [u8; 32] = h.finalize().into();
        st.first[b as usize] = hash;
        h2b.entry(hash).or_default().push(b);
    }
    let mut shared = Vec::new();
    for (_, bs) in h2b {
        if bs.len() == 1 {
            st.issue_canon(bs[0]);
        } else {
            shared.push(bs);
        }
    }
    // Step 5: N-degree hashing for the rest, in first-degree hash order.
    for bs in shared {
        let mut paths = Vec::new();
        for &b in &bs {
            if st.canon[b as usize].is_some() {
                continue;
            }
            let mut issuer = Issuer::new(n);
            issuer.issue(b);
            paths.push(st.hash_n_degree(b, &issuer, 0)?);
        }
        paths.sort_by_key(|a| a.0);
        for (_, issuer) in paths {
            for &b in &issuer.order {
                st.issue_canon(b);
            }
        }
    }
    // Step 6: relabel, serialize, sort.
    let labels: Vec<String> = st.canon.iter().map(|c| c.map(|k| format!("_:c14n{k}")).unwrap_or_default()).collect();
    let mut out: Vec<String> = quads
        .iter()
        .map(|q| {
            let mut l = String::with_capacity(128);
            write_quad(&mut l, q, |x| labels[x as usize].as_str().into());
            l
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out.concat())
}

fn write_quad<'a>(out: &mut String, q: &Quad, label: impl Fn(u32) -> std::borrow::Cow<'a, str>) {
    let term = |out: &mut String, t: &Term| match t {
        Term::Blank(b) => out.push_str(&label(*b)),
        Term::Text(s) => out.push_str(s),
    };
    term(out, &q.s);
    out.push(' ');
    out.push_str(&q.p);
    out.push(' ');
    term(out, &q.o);
    out.push(' ');
    if let Some(g) = &q.g {
        term(out, g);
        out.push(' ');
    }
    out.push_str(".\n");
}

/// An identifier issuer (`b0`, `b1`, … in issue order).
#[derive(Clone)]
struct Issuer {
    ids: Vec<Option<u32>>,
    order: Vec<u32>,
}

impl Issuer {
    fn new(n: usize) -> Issuer {
        Issuer { ids: vec![None; n], order: Vec::new() }
    }
    /// Returns (id, newly issued).
    fn issue(&mut self, b: u32) -> (u32, bool) {
        match self.ids[b as usize] {
            Some(i) => (i, false),
            None => {
                let i = self.order.len() as u32;
                self.ids[b as usize] = Some(i);
                self.order.push(b);
                (i, true)
            }
        }
    }
}

struct State<'q> {
    quads: &'q [Quad],
    b2q: Vec<Vec<u32>>,
    first: Vec<[u8; 32]>,
    canon: Vec<Option<u32>>,
    next_canon: u32,
    bnodes: usize,
}

impl State<'_> {
    fn issue_canon(&mut self, b: u32) {
        if self.canon[b as usize].is_none() {
            self.canon[b as usize] = Some(self.next_canon);
            self.next_canon += 1;
        }
    }

    /// Hash Related Blank Node (§4.7).
    fn hash_related(&self, related: u32, p: &str, issuer: &Issuer, position: u8) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([position]);
        if position != b'g' {
            h.update(p.as_bytes());
        }
        if let Some(c) = self.canon[related as usize] {
            h.update(format!("_:c14n{c}").as_bytes());
        } else if let Some(t) = issuer.ids[related as usize] {
            h.update(format!("_:b{t}").as_bytes());
        } else {
            h.update(hex::encode(self.first[related as usize]).as_bytes());
        }
        h.finalize().into()
    }

    /// Hash N-Degree Quads (§4.9), with the spec's pruning rule.
    fn hash_n_degree(&self, id: u32, issuer: &Issuer, depth: usize) -> Result<([u8; 32], Issuer), Poisoned> {
        if depth > DEPTH_FACTOR * self.bnodes {
            return Err(Poisoned(format!("too many recursions (limit={DEPTH_FACTOR} per blank node)")));
        }
        let mut hn: BTreeMap<[u8; 32], Vec<u32>> = BTreeMap::new();
        for &qi in &self.b2q[id as usize] {
            let q = &self.quads[qi as usize];
            for (t, pos) in [(Some(&q.s), b's'), (Some(&q.o), b'o'), (q.g.as_ref(), b'g')] {
                if let Some(Term::Blank(r)) = t {
                    if *r != id {
                        let h = self.hash_related(*r, &q.p, issuer, pos);
                        // One entry per quad, duplicates kept, as rdf-canonize
                        // does (see the module docs).
                        hn.entry(h).or_default().push(*r);
                    }
                }
            }
        }
        let mut data = Sha256::new();
        let mut issuer = issuer.clone();
        for (h, mut list) in hn {
            data.update(hex::encode(h).as_bytes());
            list.sort_unstable();
            let distinct = list.len() - list.windows(2).filter(|w| w[0] == w[1]).count();
            if distinct > PERMUTATION_LIMIT {
                return Err(Poisoned(format!("too many permutations ({distinct} nodes, limit {PERMUTATION_LIMIT})")));
            }
            let mut chosen_path: Option<String> = None;
            let mut chosen_issuer: Option<Issuer> = None;
            let worse = |path: &str, chosen: &Option<String>| {
                chosen.as_deref().is_some_and(|c| path.len() >= c.len() && path > c)
            };
            let mut err = None;
            permutations(&mut list, &mut |perm: &[u32]| {
                if err.is_some() {
                    return;
                }
                let mut copy = issuer.clone();
                let mut path = String::new();
                let mut recursion = Vec::new();
                for &r in perm {
                    if let Some(c) = self.canon[r as usize] {
                        let _ = write!(path, "_:c14n{c}");
                    } else {
                        let (t, new) = copy.issue(r);
                        if new {
                            recursion.push(r);
                        }
                        let _ = write!(path, "_:b{t}");
                    }
                    if worse(&path, &chosen_path) {
                        return;
                    }
                }
                for r in recursion {
                    let (rh, ri) = match self.hash_n_degree(r, &copy, depth + 1) {
                        Ok(x) => x,
                        Err(e) => {
                            err = Some(e);
                            return;
                        }
                    };
                    let (t, _) = copy.issue(r);
                    let _ = write!(path, "_:b{t}<{}>", hex::encode(rh));
                    copy = ri;
                    if worse(&path, &chosen_path) {
                        return;
                    }
                }
                if chosen_path.as_deref().is_none_or(|c| path.as_str() < c) {
                    chosen_path = Some(path);
                    chosen_issuer = Some(copy);
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            data.update(chosen_path.unwrap_or_default().as_bytes());
            if let Some(i) = chosen_issuer {
                issuer = i;
            }
        }
        Ok((data.finalize().into(), issuer))
    }
}

/// Every distinct permutation of the multiset `v` (sorted on entry), in
/// lexicographic order. The chosen path is the smallest over all of them, so
/// the visiting order does not matter; repeated entries (one per quad) give
/// identical permutations that need not be visited twice.
fn permutations(v: &mut [u32], f: &mut dyn FnMut(&[u32])) {
    loop {
        f(v);
        // next_permutation
        let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else { return };
        let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
        v.swap(i - 1, j);
        v[i..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Term {
        Term::Text(s.into())
    }

    #[test]
    fn spec_example_2() {
        let p = |s: &str| -> Arc<str> { iri(&format!("http://example.com/#{s}")) };
        let q = vec![
            Quad { s: t("<http://example.com/#p>"), p: p("q"), o: Term::Blank(7), g: None },
            Quad { s: t("<http://example.com/#p>"), p: p("r"), o: Term::Blank(3), g: None },
            Quad { s: Term::Blank(7), p: p("s"), o: t("<http://example.com/#u>"), g: None },
            Quad { s: Term::Blank(3), p: p("t"), o: t("<http://example.com/#u>"), g: None },
        ];
        let exp = "<http://example.com/#p> <http://example.com/#q> _:c14n0 .\n<http://example.com/#p> <http://example.com/#r> _:c14n1 .\n_:c14n0 <http://example.com/#s> <http://example.com/#u> .\n_:c14n1 <http://example.com/#t> <http://example.com/#u> .\n";
        assert_eq!(canonicalize(q).unwrap(), exp);
    }

    #[test]
    fn spec_example_3_needs_n_degree() {
        let p = |s: &str| -> Arc<str> { iri(&format!("http://example.com/#{s}")) };
        let q = vec![
            Quad { s: t("<http://example.com/#p>"), p: p("q"), o: Term::Blank(0), g: None },
            Quad { s: t("<http://example.com/#p>"), p: p("q"), o: Term::Blank(1), g: None },
            Quad { s: Term::Blank(0), p: p("p"), o: Term::Blank(2), g: None },
            Quad { s: Term::Blank(1), p: p("p"), o: Term::Blank(3), g: None },
            Quad { s: Term::Blank(2), p: p("r"), o: Term::Blank(3), g: None },
        ];
        let exp = "<http://example.com/#p> <http://example.com/#q> _:c14n2 .\n<http://example.com/#p> <http://example.com/#q> _:c14n3 .\n_:c14n0 <http://example.com/#r> _:c14n1 .\n_:c14n2 <http://example.com/#p> _:c14n1 .\n_:c14n3 <http://example.com/#p> _:c14n0 .\n";
        assert_eq!(canonicalize(q).unwrap(), exp);
    }

    #[test]
    fn literal_escapes() {
        assert_eq!(&*literal("a\"b\\c\n\t\x08\x0c\x07\x7f", "http://www.w3.org/2001/XMLSchema#string", None), "\"a\\\"b\\\\c\\n\\t\\b\\f\\u0007\\u007F\"");
        assert_eq!(&*literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", Some("nl-NL")), "\"x\"@nl-nl");
        assert_eq!(&*literal("1", "http://www.w3.org/2001/XMLSchema#integer", None), "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>");
    }
}
