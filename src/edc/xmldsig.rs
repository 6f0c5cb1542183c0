//! A small XML tree, Canonical XML and enveloped XML-DSig verification, for
//! the EU trusted lists (ETSI TS 119 612) in [`super::trust`].
//!
//! Owned here: parsing a list into a [`Document`] (quick-xml events, our own
//! namespace resolution, DTDs refused, size checked before parsing),
//! Exclusive XML Canonicalization 1.0 and Canonical XML 1.0 (both without
//! comments), and verifying the one enveloped `ds:Signature` of a document
//! (RSA PKCS#1 v1.5 / RSA-PSS with SHA-256/384/512, ECDSA P-256/P-384 with
//! SHA-256/384/512; SHA-1 refused), plus the signature check of an X.509
//! certificate by its issuer's key ([`verify_cert_signature`]).
//!
//! Written here rather than taken from `bergshamra` 0.11.1 (BSD-2-Clause,
//! actively released, and it does verify enveloped signatures with exclusive
//! C14N) because: it needs Rust 1.88 (we declare 1.85); it brings a second
//! RustCrypto generation (rsa 0.10 release candidates, p256 0.14, sha2 0.11,
//! der 0.8) plus PKCS#11, post-quantum and XML-Enc by default, about 250
//! crates in its lock file; and it parses with its own XML parser, so the
//! bytes it verified and the tree `trust` reads would come from two parsers.
//! Here the one tree that is canonicalised and verified is the tree the list
//! is read from, and the signature must cover the whole document (a
//! `URI=""` reference with the enveloped-signature transform), which rules out
//! signature-wrapping. All of this file is our own code.

use std::collections::BTreeMap;

use base64::Engine;
use quick_xml::events::Event;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::der::{Decode, Encode};

/// Largest XML document we parse (checked before parsing).
pub const MAX_XML_BYTES: usize = 32 * 1024 * 1024;
/// Deepest element nesting we accept (trusted lists nest about 12 deep).
const MAX_DEPTH: usize = 64;

/// The XML-DSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// Exclusive XML Canonicalization 1.0 (without comments).
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Canonical XML 1.0 (without comments).
pub const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Why a document could not be read or its signature did not verify.
#[derive(Debug, thiserror::Error)]
pub enum DsigError {
    /// Not well-formed, too large, a DTD, an unknown entity, an undeclared prefix, ...
    #[error("XML refused: {0}")]
    Xml(String),
    /// The signature is missing, malformed, uses something we do not support, or does not verify.
    #[error("XML signature: {0}")]
    Signature(String),
}

fn xml_err(s: impl Into<String>) -> DsigError {
    DsigError::Xml(s.into())
}
fn sig_err(s: impl Into<String>) -> DsigError {
    DsigError::Signature(s.into())
}

/// One node of a [`Document`].
#[derive(Debug, Clone)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data (text and CDATA, entities resolved, line ends normalised).
    Text(String),
    /// A processing instruction: target and data.
    Pi(String, String),
}

/// An element with its namespace resolved.
#[derive(Debug, Clone)]
pub struct Element {
    /// Namespace URI ("" for none).
    pub ns: String,
    /// Local name.
    pub local: String,
    /// The prefix as written ("" for none).
    pub prefix: String,
    /// Attributes other than namespace declarations.
    pub attrs: Vec<Attr>,
    /// Namespace declarations on this element: (prefix, "" for the default; URI).
    pub ns_decls: Vec<(String, String)>,
    /// Child node indices.
    pub children: Vec<usize>,
    /// Parent element index (`None` for the document element and top-level PIs).
    pub parent: Option<usize>,
}

/// An attribute with its namespace resolved.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Namespace URI ("" for none: unprefixed attributes have no namespace).
    pub ns: String,
    /// Local name.
    pub local: String,
    /// The prefix as written ("" for none).
    pub prefix: String,
    /// The normalised value.
    pub value: String,
}

/// A parsed XML document: an arena of nodes.
#[derive(Debug, Clone)]
pub struct Document {
    /// All nodes; elements refer to children by index.
    pub nodes: Vec<Node>,
    /// The document element.
    pub root: usize,
    /// Processing instructions before (false) and after (true) the document element.
    pub top_pis: Vec<(usize, bool)>,
}

impl Document {
    /// Parse `bytes` (UTF-8): at most [`MAX_XML_BYTES`], no DOCTYPE, only the
    /// predefined entities and character references, every prefix declared.
    pub fn parse(bytes: &[u8]) -> Result<Document, DsigError> {
        if bytes.len() > MAX_XML_BYTES {
            return Err(xml_err(format!("document is larger than {} MiB", MAX_XML_BYTES / (1024 * 1024))));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = quick_xml::Reader::from_reader(bytes);
        reader.config_mut().trim_text(false);
        reader.config_mut().check_end_names = true;
        let mut doc = Document { nodes: Vec::new(), root: usize::MAX, top_pis: Vec::new() };
        let mut stack: Vec<usize> = Vec::new();
        loop {
            let pos = reader.buffer_position();
            let ev = reader.read_event().map_err(|e| xml_err(format!("malformed after byte {pos}: {e}")))?;
            match ev {
                Event::DocType(_) => return Err(xml_err("a DOCTYPE (DTD) is not allowed")),
                Event::Decl(d) => {
                    if let Some(enc) = d.encoding() {
                        let enc = enc.map_err(|e| xml_err(format!("bad declaration: {e}")))?;
                        if !enc.eq_ignore_ascii_case(b"utf-8") {
                            return Err(xml_err("only UTF-8 documents are read"));
                        }
                    }
                }
                Event::Start(e) | Event::Empty(e) if stack.is_empty() && doc.root != usize::MAX => {
                    let _ = e;
                    return Err(xml_err("more than one document element"));
                }
                Event::Start(e) => {
                    let id = doc.push_element(&e, stack.last().copied())?;
                    stack.push(id);
                    if stack.len() > MAX_DEPTH {
                        return Err(xml_err("elements nested too deeply"));
                    }
                }
                Event::Empty(e) => {
                    doc.push_element(&e, stack.last().copied())?;
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(t) => {
                    let s = t.xml_content().map_err(|e| xml_err(format!("bad text: {e}")))?;
                    doc.push_text(&stack, &s)?;
                }
                Event::CData(c) => {
                    let s = c.decode().map_err(|e| xml_err(format!("bad CDATA: {e}")))?;
                    doc.push_text(&stack, &normalize_eol(&s))?;
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(|e| xml_err(format!("bad reference: {e}")))?;
                    let reference = format!("&{name};");
                    let s = quick_xml::escape::unescape(&reference)
                        .map_err(|_| xml_err(format!("unknown entity '{reference}' refused")))?;
                    doc.push_text(&stack, &s)?;
                }
                Event::PI(p) => {
                    let target = String::from_utf8(p.target().to_vec()).map_err(|_| xml_err("PI not UTF-8"))?;
                    let data = String::from_utf8(p.content().to_vec()).map_err(|_| xml_err("PI not UTF-8"))?;
                    let data = normalize_eol(data.trim_start());
                    let id = doc.nodes.len();
                    doc.nodes.push(Node::Pi(target, data));
                    match stack.last() {
                        Some(&parent) => doc.el_mut(parent).children.push(id),
                        None => doc.top_pis.push((id, doc.root != usize::MAX)),
                    }
                }
                Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if doc.root == usize::MAX {
            return Err(xml_err("no document element"));
        }
        if !stack.is_empty() {
            return Err(xml_err("unclosed elements at end of document"));
        }
        Ok(doc)
    }

    fn push_text(&mut self, stack: &[usize], s: &str) -> Result<(), DsigError> {
        let Some(&parent) = stack.last() else {
            if s.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
                return Ok(());
            }
            return Err(xml_err("text outside the document element"));
        };
        // Merge with a preceding text node (text, references and CDATA come as separate events).
        if let Some(&last) = self.el(parent).children.last() {
            if let Node::Text(t) = &mut self.nodes[last] {
                t.push_str(s);
                return Ok(());
            }
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Text(s.to_string()));
        self.el_mut(parent).children.push(id);
        Ok(())
    }

    fn push_element(&mut self, e: &quick_xml::events::BytesStart, parent: Option<usize>) -> Result<usize, DsigError> {
        let qname = std::str::from_utf8(e.name().as_ref()).map_err(|_| xml_err("name not UTF-8"))?.to_string();
        let mut ns_decls = Vec::new();
        let mut raw_attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| xml_err(format!("bad attribute: {e}")))?;
            let key = std::str::from_utf8(a.key.as_ref()).map_err(|_| xml_err("attribute name not UTF-8"))?.to_string();
            let raw = std::str::from_utf8(&a.value).map_err(|_| xml_err("attribute value not UTF-8"))?;
            let value = normalize_attr(raw)?;
            if key == "xmlns" {
                ns_decls.push((String::new(), value));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                if value.is_empty() {
                    return Err(xml_err(format!("prefix '{p}' undeclared (XML 1.1 style), refused")));
                }
                ns_decls.push((p.to_string(), value));
            } else {
                raw_attrs.push((key, value));
            }
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Element(Element {
            ns: String::new(),
            local: String::new(),
            prefix: String::new(),
            attrs: Vec::new(),
            ns_decls,
            children: Vec::new(),
            parent,
        }));
        match parent {
            Some(p) => self.el_mut(p).children.push(id),
            None => self.root = id,
        }
        let (prefix, local) = split_qname(&qname);
        let ns = self
            .lookup_ns(id, prefix)
            .ok_or_else(|| xml_err(format!("undeclared prefix '{prefix}'")))?;
        let mut attrs = Vec::new();
        for (key, value) in raw_attrs {
            let (p, l) = split_qname(&key);
            let ans = if p.is_empty() {
                String::new()
            } else {
                self.lookup_ns(id, p).ok_or_else(|| xml_err(format!("undeclared prefix '{p}'")))?
            };
            if attrs.iter().any(|a: &Attr| a.ns == ans && a.local == l) {
                return Err(xml_err(format!("duplicate attribute '{key}'")));
            }
            attrs.push(Attr { ns: ans, local: l.to_string(), prefix: p.to_string(), value });
        }
        let el = self.el_mut(id);
        el.ns = ns;
        el.local = local.to_string();
        el.prefix = prefix.to_string();
        el.attrs = attrs;
        Ok(id)
    }

    /// The element at `id` (panics if it is not an element: indices come from this document).
    pub fn el(&self, id: usize) -> &Element {
        match &self.nodes[id] {
            Node::Element(e) => e,
            _ => panic!("node {id} is not an element"),
        }
    }

    fn el_mut(&mut self, id: usize) -> &mut Element {
        match &mut self.nodes[id] {
            Node::Element(e) => e,
            _ => panic!("node {id} is not an element"),
        }
    }

    /// The namespace URI bound to `prefix` ("" = default) at element `id`; the default may be "".
    fn lookup_ns(&self, id: usize, prefix: &str) -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NS.to_string());
        }
        let mut cur = Some(id);
        while let Some(c) = cur {
            let e = self.el(c);
            if let Some((_, u)) = e.ns_decls.iter().find(|(p, _)| p == prefix) {
                return Some(u.clone());
            }
            cur = e.parent;
        }
        prefix.is_empty().then(String::new)
    }

    /// Every namespace in scope at element `id` (prefix "" = default; an empty default is left out).
    fn in_scope(&self, id: usize) -> BTreeMap<String, String> {
        let mut chain = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            chain.push(c);
            cur = self.el(c).parent;
        }
        let mut m = BTreeMap::new();
        for &c in chain.iter().rev() {
            for (p, u) in &self.el(c).ns_decls {
                if u.is_empty() {
                    m.remove(p);
                } else {
                    m.insert(p.clone(), u.clone());
                }
            }
        }
        m
    }

    /// The element children of `id`.
    pub fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.el(id).children.iter().copied().filter(|&c| matches!(self.nodes[c], Node::Element(_)))
    }

    /// The element children of `id` named `local` in namespace `ns`.
    pub fn children_named<'a>(&'a self, id: usize, ns: &'a str, local: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.children(id).filter(move |&c| {
            let e = self.el(c);
            e.ns == ns && e.local == local
        })
    }

    /// The first element child of `id` named `local` in namespace `ns`.
    pub fn child(&self, id: usize, ns: &str, local: &str) -> Option<usize> {
        self.children_named(id, ns, local).next()
    }

    /// The text content of `id` (all descendant text, in order).
    pub fn text(&self, id: usize) -> String {
        let mut out = String::new();
        self.collect_text(id, &mut out);
        out
    }

    fn collect_text(&self, id: usize, out: &mut String) {
        for &c in &self.el(id).children {
            match &self.nodes[c] {
                Node::Text(t) => out.push_str(t),
                Node::Element(_) => self.collect_text(c, out),
                Node::Pi(..) => {}
            }
        }
    }

    /// The value of the unqualified attribute `local` of `id`.
    pub fn attr(&self, id: usize, local: &str) -> Option<&str> {
        self.el(id).attrs.iter().find(|a| a.ns.is_empty() && a.local == local).map(|a| a.value.as_str())
    }

    /// Canonicalise the subtree at `apex` (all of it but `exclude`, if given).
    /// With `whole_document`, processing instructions outside the document element are included.
    pub fn canonicalize(&self, apex: usize, exclude: Option<usize>, mode: &C14nMode, whole_document: bool) -> Vec<u8> {
        let mut out = String::new();
        if whole_document {
            for &(pi, after) in &self.top_pis {
                if !after {
                    self.write_pi(pi, &mut out);
                    out.push('\n');
                }
            }
        }
        let mut xml_attrs = Vec::new();
        if matches!(mode, C14nMode::Inclusive) {
            // Canonical XML 1.0 carries the xml:* attributes of ancestors outside the node-set onto the apex.
            let mut cur = self.el(apex).parent;
            while let Some(c) = cur {
                for a in &self.el(c).attrs {
                    if a.ns == XML_NS && !xml_attrs.iter().any(|x: &Attr| x.local == a.local) {
                        xml_attrs.push(a.clone());
                    }
                }
                cur = self.el(c).parent;
            }
        }
        self.c14n_element(apex, exclude, mode, &BTreeMap::new(), &xml_attrs, &mut out);
        if whole_document {
            for &(pi, after) in &self.top_pis {
                if after {
                    out.push('\n');
                    self.write_pi(pi, &mut out);
                }
            }
        }
        out.into_bytes()
    }

    fn write_pi(&self, id: usize, out: &mut String) {
        if let Node::Pi(t, d) = &self.nodes[id] {
            out.push_str("<?");
            out.push_str(t);
            if !d.is_empty() {
                out.push(' ');
                out.push_str(d);
            }
            out.push_str("?>");
        }
    }

    fn c14n_element(
        &self,
        id: usize,
        exclude: Option<usize>,
        mode: &C14nMode,
        rendered: &BTreeMap<String, String>,
        extra_xml_attrs: &[Attr],
        out: &mut String,
    ) {
        let e = self.el(id);
        let scope = self.in_scope(id);
        let mut decls: BTreeMap<String, String> = BTreeMap::new();
        let consider = |p: &str, decls: &mut BTreeMap<String, String>| {
            let uri = scope.get(p).cloned().unwrap_or_default();
            let before = rendered.get(p).cloned().unwrap_or_default();
            if uri != before {
                decls.insert(p.to_string(), uri);
            }
        };
        match mode {
            C14nMode::Inclusive => {
                for p in scope.keys().chain(rendered.keys()) {
                    consider(p, &mut decls);
                }
            }
            C14nMode::Exclusive(list) => {
                consider(&e.prefix, &mut decls);
                for a in &e.attrs {
                    if !a.prefix.is_empty() && a.prefix != "xml" {
                        consider(&a.prefix, &mut decls);
                    }
                }
                for p in list {
                    let p = if p == "#default" { "" } else { p.as_str() };
                    if scope.contains_key(p) {
                        consider(p, &mut decls);
                    }
                }
            }
        }
        let mut now_rendered = rendered.clone();
        for (p, u) in &decls {
            if u.is_empty() {
                now_rendered.remove(p);
            } else {
                now_rendered.insert(p.clone(), u.clone());
            }
        }
        let qname = if e.prefix.is_empty() { e.local.clone() } else { format!("{}:{}", e.prefix, e.local) };
        out.push('<');
        out.push_str(&qname);
        for (p, u) in &decls {
            if p.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                out.push_str(" xmlns:");
                out.push_str(p);
                out.push_str("=\"");
            }
            escape_attr(u, out);
            out.push('"');
        }
        let mut attrs: Vec<&Attr> = e.attrs.iter().collect();
        for x in extra_xml_attrs {
            if !attrs.iter().any(|a| a.ns == XML_NS && a.local == x.local) {
                attrs.push(x);
            }
        }
        attrs.sort_by(|a, b| (a.ns.as_str(), a.local.as_str()).cmp(&(b.ns.as_str(), b.local.as_str())));
        for a in attrs {
            out.push(' ');
            if !a.prefix.is_empty() {
                out.push_str(&a.prefix);
                out.push(':');
            }
            out.push_str(&a.local);
            out.push_str("=\"");
            escape_attr(&a.value, out);
            out.push('"');
        }
        out.push('>');
        for &c in &e.children {
            if Some(c) == exclude {
                continue;
            }
            match &self.nodes[c] {
                Node::Element(_) => self.c14n_element(c, exclude, mode, &now_rendered, &[], out),
                Node::Text(t) => escape_text(t, out),
                Node::Pi(..) => self.write_pi(c, out),
            }
        }
        out.push_str("</");
        out.push_str(&qname);
        out.push('>');
    }

    /// The element whose `Id`, `ID` or `id` attribute is `value`; refused when there is not exactly one.
    fn by_id(&self, value: &str) -> Result<usize, DsigError> {
        let mut found = None;
        for (i, n) in self.nodes.iter().enumerate() {
            if let Node::Element(e) = n {
                if e.attrs.iter().any(|a| a.ns.is_empty() && matches!(a.local.as_str(), "Id" | "ID" | "id") && a.value == value) {
                    if found.is_some() {
                        return Err(sig_err(format!("more than one element has Id '{value}'")));
                    }
                    found = Some(i);
                }
            }
        }
        found.ok_or_else(|| sig_err(format!("no element has Id '{value}'")))
    }
}

fn split_qname(q: &str) -> (&str, &str) {
    match q.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", q),
    }
}

fn normalize_eol(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Attribute-value normalisation for CDATA attributes (no DTD): line ends to
/// LF, then each literal tab/LF/CR to a space; then references resolved
/// (character references keep their characters).
fn normalize_attr(raw: &str) -> Result<String, DsigError> {
    let s = normalize_eol(raw).replace(['\t', '\n'], " ");
    quick_xml::escape::unescape(&s)
        .map(|c| c.into_owned())
        .map_err(|e| xml_err(format!("bad attribute value: {e}")))
}

fn escape_text(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Which canonicalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum C14nMode {
    /// Canonical XML 1.0, without comments.
    Inclusive,
    /// Exclusive XML Canonicalization 1.0, without comments, with its InclusiveNamespaces PrefixList.
    Exclusive(Vec<String>),
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn from_dsig_uri(uri: &str) -> Option<Hash> {
        match uri {
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(Hash::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }
}

/// A signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigAlg {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Hash),
    /// RSASSA-PSS, MGF1 with the same hash, salt as long as the hash.
    RsaPss(Hash),
    /// ECDSA on P-256 or P-384 (the key says which).
    Ecdsa(Hash),
}

impl SigAlg {
    fn from_dsig_uri(uri: &str) -> Option<SigAlg> {
        Some(match uri {
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => SigAlg::RsaPkcs1(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => SigAlg::RsaPkcs1(Hash::Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => SigAlg::RsaPkcs1(Hash::Sha512),
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1" => SigAlg::RsaPss(Hash::Sha256),
            "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1" => SigAlg::RsaPss(Hash::Sha384),
            "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1" => SigAlg::RsaPss(Hash::Sha512),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => SigAlg::Ecdsa(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => SigAlg::Ecdsa(Hash::Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => SigAlg::Ecdsa(Hash::Sha512),
            _ => return None,
        })
    }

    fn from_x509_oid(oid: &str) -> Option<SigAlg> {
        Some(match oid {
            "1.2.840.113549.1.1.11" => SigAlg::RsaPkcs1(Hash::Sha256),
            "1.2.840.113549.1.1.12" => SigAlg::RsaPkcs1(Hash::Sha384),
            "1.2.840.113549.1.1.13" => SigAlg::RsaPkcs1(Hash::Sha512),
            "1.2.840.10045.4.3.2" => SigAlg::Ecdsa(Hash::Sha256),
            "1.2.840.10045.4.3.3" => SigAlg::Ecdsa(Hash::Sha384),
            "1.2.840.10045.4.3.4" => SigAlg::Ecdsa(Hash::Sha512),
            _ => return None,
        })
    }
}

/// Verify `sig` over `msg` with the public key in `spki_der`. ECDSA
/// signatures are `r||s` when `ecdsa_der` is false (XML-DSig), DER otherwise (X.509).
pub fn verify_with_spki(spki_der: &[u8], alg: SigAlg, msg: &[u8], sig: &[u8], ecdsa_der: bool) -> Result<(), DsigError> {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::hazmat::PrehashVerifier;
    let bad = || sig_err("signature does not verify");
    match alg {
        SigAlg::RsaPkcs1(h) | SigAlg::RsaPss(h) => {
            let key = rsa::RsaPublicKey::from_public_key_der(spki_der).map_err(|_| sig_err("not an RSA key"))?;
            if rsa::traits::PublicKeyParts::size(&key) < 256 {
                return Err(sig_err("RSA key shorter than 2048 bits"));
            }
            let ok = match (alg, h) {
                (SigAlg::RsaPkcs1(_), Hash::Sha256) => verify_rsa::<rsa::pkcs1v15::VerifyingKey<Sha256>, _>(rsa::pkcs1v15::VerifyingKey::new(key), msg, sig),
                (SigAlg::RsaPkcs1(_), Hash::Sha384) => verify_rsa::<rsa::pkcs1v15::VerifyingKey<Sha384>, _>(rsa::pkcs1v15::VerifyingKey::new(key), msg, sig),
                (SigAlg::RsaPkcs1(_), Hash::Sha512) => verify_rsa::<rsa::pkcs1v15::VerifyingKey<Sha512>, _>(rsa::pkcs1v15::VerifyingKey::new(key), msg, sig),
                (_, Hash::Sha256) => verify_rsa::<rsa::pss::VerifyingKey<Sha256>, _>(rsa::pss::VerifyingKey::new(key), msg, sig),
                (_, Hash::Sha384) => verify_rsa::<rsa::pss::VerifyingKey<Sha384>, _>(rsa::pss::VerifyingKey::new(key), msg, sig),
                (_, Hash::Sha512) => verify_rsa::<rsa::pss::VerifyingKey<Sha512>, _>(rsa::pss::VerifyingKey::new(key), msg, sig),
            };
            ok.then_some(()).ok_or_else(bad)
        }
        SigAlg::Ecdsa(h) => {
            let digest = h.digest(msg);
            if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
                let s = if ecdsa_der { p256::ecdsa::Signature::from_der(sig) } else { p256::ecdsa::Signature::from_slice(sig) };
                let s = s.map_err(|_| bad())?;
                return k.verify_prehash(&digest, &s).map_err(|_| bad());
            }
            if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
                let s = if ecdsa_der { p384::ecdsa::Signature::from_der(sig) } else { p384::ecdsa::Signature::from_slice(sig) };
                let s = s.map_err(|_| bad())?;
                return k.verify_prehash(&digest, &s).map_err(|_| bad());
            }
            Err(sig_err("not a P-256 or P-384 key"))
        }
    }
}

fn verify_rsa<V, S>(key: V, msg: &[u8], sig: &[u8]) -> bool
where
    V: rsa::signature::Verifier<S>,
    S: for<'a> TryFrom<&'a [u8]>,
{
    match S::try_from(sig) {
        Ok(s) => key.verify(msg, &s).is_ok(),
        Err(_) => false,
    }
}

/// Check that `cert_der` was signed by the key of `issuer_der`, whose subject
/// must be the certificate's issuer name.
pub fn verify_cert_signature(cert_der: &[u8], issuer_der: &[u8]) -> Result<(), DsigError> {
    let cert = x509_cert::Certificate::from_der(cert_der).map_err(|e| sig_err(format!("not a certificate: {e}")))?;
    let issuer = x509_cert::Certificate::from_der(issuer_der).map_err(|e| sig_err(format!("not a certificate: {e}")))?;
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Err(sig_err("issuer name does not match"));
    }
    let alg = SigAlg::from_x509_oid(&cert.signature_algorithm.oid.to_string())
        .ok_or_else(|| sig_err(format!("unsupported certificate signature algorithm {}", cert.signature_algorithm.oid)))?;
    let tbs = cert.tbs_certificate.to_der().map_err(|e| sig_err(format!("cannot encode: {e}")))?;
    let spki = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| sig_err(format!("cannot encode: {e}")))?;
    let sig = cert.signature.as_bytes().ok_or_else(|| sig_err("signature has unused bits"))?;
    verify_with_spki(&spki, alg, &tbs, sig, true)
}

/// What a verified signature tells.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The DER certificate whose key verified the signature (one of the allowed ones).
    pub signer: Vec<u8>,
}

fn c14n_mode(doc: &Document, method: usize) -> Result<C14nMode, DsigError> {
    let alg = doc.attr(method, "Algorithm").unwrap_or_default();
    match alg {
        EXC_C14N => {
            let list = doc
                .child(method, EXC_C14N, "InclusiveNamespaces")
                .and_then(|i| doc.attr(i, "PrefixList"))
                .map(|l| l.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default();
            Ok(C14nMode::Exclusive(list))
        }
        C14N => Ok(C14nMode::Inclusive),
        other => Err(sig_err(format!("canonicalization '{other}' not supported"))),
    }
}

fn b64(s: &str) -> Result<Vec<u8>, DsigError> {
    let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).map_err(|_| sig_err("bad base64"))
}

/// Verify the enveloped signature of `doc`: exactly one `ds:Signature` child
/// of the document element; every Reference verifies; one of them is
/// `URI=""` with the enveloped-signature transform (the whole document is
/// signed); the signing certificate (from KeyInfo) is byte-equal to one of
/// `allowed` (DER); when KeyInfo names none of them, each allowed certificate's key is tried.
pub fn verify_enveloped(doc: &Document, allowed: &[Vec<u8>]) -> Result<Verified, DsigError> {
    let sigs: Vec<usize> = doc.children_named(doc.root, DSIG_NS, "Signature").collect();
    let [sig] = sigs[..] else {
        return Err(sig_err(format!("expected one ds:Signature under the document element, found {}", sigs.len())));
    };
    let si = doc.child(sig, DSIG_NS, "SignedInfo").ok_or_else(|| sig_err("no SignedInfo"))?;
    let cm = doc.child(si, DSIG_NS, "CanonicalizationMethod").ok_or_else(|| sig_err("no CanonicalizationMethod"))?;
    let si_mode = c14n_mode(doc, cm)?;
    let sm = doc.child(si, DSIG_NS, "SignatureMethod").ok_or_else(|| sig_err("no SignatureMethod"))?;
    let sm_uri = doc.attr(sm, "Algorithm").unwrap_or_default();
    let alg = SigAlg::from_dsig_uri(sm_uri).ok_or_else(|| sig_err(format!("signature method '{sm_uri}' not supported")))?;
    let mut whole = false;
    let refs: Vec<usize> = doc.children_named(si, DSIG_NS, "Reference").collect();
    if refs.is_empty() {
        return Err(sig_err("no Reference"));
    }
    for r in refs {
        let uri = doc.attr(r, "URI").ok_or_else(|| sig_err("a Reference without URI"))?;
        let mut enveloped = false;
        let mut mode = None;
        if let Some(ts) = doc.child(r, DSIG_NS, "Transforms") {
            for t in doc.children_named(ts, DSIG_NS, "Transform") {
                match doc.attr(t, "Algorithm").unwrap_or_default() {
                    ENVELOPED => enveloped = true,
                    EXC_C14N | C14N if mode.is_none() => mode = Some(c14n_mode(doc, t)?),
                    other => return Err(sig_err(format!("transform '{other}' not supported"))),
                }
            }
        }
        let mode = mode.unwrap_or(C14nMode::Inclusive);
        let octets = if uri.is_empty() {
            if !enveloped {
                return Err(sig_err("the document Reference lacks the enveloped-signature transform"));
            }
            whole = true;
            doc.canonicalize(doc.root, Some(sig), &mode, true)
        } else if let Some(id) = uri.strip_prefix('#') {
            let target = doc.by_id(id)?;
            doc.canonicalize(target, if enveloped { Some(sig) } else { None }, &mode, false)
        } else {
            return Err(sig_err(format!("Reference to '{uri}' outside the document refused")));
        };
        let dm = doc.child(r, DSIG_NS, "DigestMethod").ok_or_else(|| sig_err("no DigestMethod"))?;
        let dm_uri = doc.attr(dm, "Algorithm").unwrap_or_default();
        let hash = Hash::from_dsig_uri(dm_uri).ok_or_else(|| sig_err(format!("digest method '{dm_uri}' not supported")))?;
        let dv = doc.child(r, DSIG_NS, "DigestValue").ok_or_else(|| sig_err("no DigestValue"))?;
        if b64(&doc.text(dv))? != hash.digest(&octets) {
            return Err(sig_err(format!("digest of Reference '{uri}' does not match (the content was changed)")));
        }
    }
    if !whole {
        return Err(sig_err("no Reference covers the whole document (URI=\"\")"));
    }
    let sv = doc.child(sig, DSIG_NS, "SignatureValue").ok_or_else(|| sig_err("no SignatureValue"))?;
    let value = b64(&doc.text(sv))?;
    let signed = doc.canonicalize(si, None, &si_mode, false);
    let mut named: Vec<Vec<u8>> = Vec::new();
    if let Some(ki) = doc.child(sig, DSIG_NS, "KeyInfo") {
        for xd in doc.children_named(ki, DSIG_NS, "X509Data") {
            for c in doc.children_named(xd, DSIG_NS, "X509Certificate") {
                named.push(b64(&doc.text(c))?);
            }
        }
    }
    let candidates: Vec<&Vec<u8>> = if named.is_empty() {
        allowed.iter().collect()
    } else {
        let c: Vec<&Vec<u8>> = allowed.iter().filter(|a| named.contains(a)).collect();
        if c.is_empty() {
            return Err(sig_err("the signing certificate is not one of the certificates allowed to sign this list"));
        }
        c
    };
    let mut last = sig_err("no certificate is allowed to sign this list");
    for cert in candidates {
        let parsed = x509_cert::Certificate::from_der(cert).map_err(|e| sig_err(format!("bad certificate: {e}")))?;
        let spki = parsed.tbs_certificate.subject_public_key_info.to_der().map_err(|e| sig_err(e.to_string()))?;
        match verify_with_spki(&spki, alg, &signed, &value, false) {
            Ok(()) => return Ok(Verified { signer: cert.clone() }),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Sign `xml` with an enveloped signature (exclusive C14N, ECDSA P-256 or
/// P-384 by key, the certificate in KeyInfo): test fixtures only.
#[cfg(test)]
pub(crate) fn sign_enveloped_for_tests(xml: &str, key: &TestKey, cert_der: &[u8]) -> String {
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let mode = C14nMode::Exclusive(Vec::new());
    let digest = Hash::Sha256.digest(&doc.canonicalize(doc.root, None, &mode, true));
    let b = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let sm = match key {
        TestKey::P256(_) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        TestKey::P384(_) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    };
    let signature = format!(
        "<ds:Signature xmlns:ds=\"{DSIG_NS}\" Id=\"sig\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/>\
<ds:SignatureMethod Algorithm=\"{sm}\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"/>\
<ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
<ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>PLACEHOLDER</ds:SignatureValue>\
<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        b(&digest),
        b(cert_der)
    );
    let end = xml.rfind("</").unwrap();
    let with_sig = format!("{}{}{}", &xml[..end], signature, &xml[end..]);
    let doc = Document::parse(with_sig.as_bytes()).unwrap();
    let sig = doc.child(doc.root, DSIG_NS, "Signature").unwrap();
    let si = doc.child(sig, DSIG_NS, "SignedInfo").unwrap();
    let signed = doc.canonicalize(si, None, &mode, false);
    use rsa::signature::Signer;
    let value = match key {
        TestKey::P256(k) => {
            let s: p256::ecdsa::Signature = k.sign(&signed);
            s.to_bytes().to_vec()
        }
        TestKey::P384(k) => {
            let s: p384::ecdsa::Signature = k.sign(&signed);
            s.to_bytes().to_vec()
        }
    };
    with_sig.replace("PLACEHOLDER", &b(&value))
}

/// A test signing key.
#[cfg(test)]
pub(crate) enum TestKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_doctype_and_unknown_entities() {
        let e = Document::parse(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap_err();
        assert!(e.to_string().contains("DOCTYPE"), "{e}");
        let e = Document::parse(b"<a>&x;</a>").unwrap_err();
        assert!(e.to_string().contains("unknown entity"), "{e}");
        assert!(Document::parse(b"<p:a/>").is_err());
        let big = vec![b' '; MAX_XML_BYTES + 1];
        assert!(Document::parse(&big).unwrap_err().to_string().contains("larger"));
    }

    // Examples from the C14N 1.0 and Exclusive C14N specifications.
    #[test]
    fn canonical_forms() {
        let xml = "<?xml version=\"1.0\"?>\n<doc xmlns=\"http://a\" xmlns:b=\"http://b\">\r\n  <e1   />\n  <e2 b:x=' v&#x9;\tw ' a=\"1\">T &amp; &lt; &#xD; &gt;<![CDATA[<x>]]></e2><!-- c --><e3 xmlns=\"http://a\"/></doc>";
        let doc = Document::parse(xml.as_bytes()).unwrap();
        let inc = String::from_utf8(doc.canonicalize(doc.root, None, &C14nMode::Inclusive, true)).unwrap();
        assert_eq!(
            inc,
            "<doc xmlns=\"http://a\" xmlns:b=\"http://b\">\n  <e1></e1>\n  <e2 a=\"1\" b:x=\" v&#x9; w \">T &amp; &lt; &#xD; &gt;&lt;x&gt;</e2><e3></e3></doc>"
        );
        let e2 = doc.children(doc.root).nth(1).unwrap();
        let exc = String::from_utf8(doc.canonicalize(e2, None, &C14nMode::Exclusive(vec![]), false)).unwrap();
        assert_eq!(exc, "<e2 xmlns=\"http://a\" xmlns:b=\"http://b\" a=\"1\" b:x=\" v&#x9; w \">T &amp; &lt; &#xD; &gt;&lt;x&gt;</e2>");
        let e1 = doc.children(doc.root).next().unwrap();
        let exc = String::from_utf8(doc.canonicalize(e1, None, &C14nMode::Exclusive(vec![]), false)).unwrap();
        assert_eq!(exc, "<e1 xmlns=\"http://a\"></e1>");
        let inc = String::from_utf8(doc.canonicalize(e1, None, &C14nMode::Inclusive, false)).unwrap();
        assert_eq!(inc, "<e1 xmlns=\"http://a\" xmlns:b=\"http://b\"></e1>");
    }

    /// A trusted list signed by xmlsec1 (libxml2's canonicalization, not ours):
    /// Canonical XML 1.0 (inclusive), RSA-SHA256, a comment and a processing
    /// instruction inside; see tests/fixtures/edc/README.md.
    #[test]
    fn verifies_a_list_signed_by_xmlsec1() {
        let xml = include_str!("../../tests/fixtures/edc/xmlsec1-rsa-c14n-tl.xml");
        let doc = Document::parse(xml.as_bytes()).unwrap();
        let sig = doc.child(doc.root, DSIG_NS, "Signature").unwrap();
        let ki = doc.child(sig, DSIG_NS, "KeyInfo").unwrap();
        let xd = doc.child(ki, DSIG_NS, "X509Data").unwrap();
        let cert = b64(&doc.text(doc.child(xd, DSIG_NS, "X509Certificate").unwrap())).unwrap();
        let v = verify_enveloped(&doc, std::slice::from_ref(&cert)).unwrap();
        assert_eq!(v.signer, cert);
        // Changed content, and a certificate that is not allowed.
        let changed = Document::parse(xml.replace("Test QTSP CA<", "Evil CA<").as_bytes()).unwrap();
        assert!(verify_enveloped(&changed, std::slice::from_ref(&cert)).is_err());
        let mut other = cert.clone();
        other.push(0);
        assert!(verify_enveloped(&doc, &[other]).is_err());
    }
}
