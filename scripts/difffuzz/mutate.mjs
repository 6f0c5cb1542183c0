// Structure-aware mutations of signed credentials, deterministic from a seed.
// Nothing is re-signed: every mutant keeps the seed's proof(s). Each mutant
// is one to three operations; about one in eight is made only of operations
// that keep the signed data the same (key order, whitespace, JSON escapes),
// which both sides must keep calling valid.
//
// The operations are the ways a JSON-LD → RDF conversion can drop or change
// content silently: ids and types that are not IRIs, nulls, unknown @-keys and
// keyword values, language/direction, numbers, embedded contexts, the proof
// set, array/singleton shapes, @json/@list/@set/@graph/@included/@reverse/
// @nest, Unicode, deep nesting, injected achievement/alignment nodes with an
// EQF level, undefined terms, moved nodes, plus plain tampering as a control.

/** A small fast PRNG (mulberry32) seeded from a string. */
export function rng(seed) {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
  return r;
}

// Strings that are not IRIs (or are, as controls), for ids and IRI-valued terms.
export const BAD_IRIS = [
  "urn:fake y", "urn:x\u0000y", "urn:<x>", 'urn:"q"', "urn:{x}", "urn:x|y", "urn:^x", "urn:`x`", "urn:x\\y",
  "relative/path", "", "_:b0", "_:", "word", " http://example.org/a", "http://example.org/a ", "http://exa mple.org/",
  "http://[::1", "http://example.org/%zz", "#frag", "?q=1", "//host/path", "http:", "http://example.org/\n",
  "\t", "urn:x\u007f", "urn:\ud800", "http://example.org/a#b#c", "http://ex.org/\u200b", "urn:x\u202ey",
  "javascript:alert(1)", "data:,x", "urn:uuid:8a3f3f44-0000-4000-8000-00000000dead", "did:example:evil",
  "https://issuer.example/evil", "http://example.org/\u00e9", "mailto:a@b.example", "@id", "@type", "@none",
  "ex:thing", "HTTP://EXAMPLE.ORG/A", "urn:x%00y", "http://example.org/\u{1F600}", "ftp://x y/",
];

export const BAD_TYPES = [
  "Bad Type", "urn:fake y", "http://example.org/Type", "UndefinedTerm", "ex:Thing", "_:blank", "@json", "@id", "",
  "Alignment", "Achievement", "VerifiableCredential", "https://www.w3.org/2018/credentials#VerifiableCredential",
  "urn:x<y>", "Profile", "EndorsementCredential", "relative#Type", "ns:with space", "@vocab", "@none", "ü",
  "http://example.org/T\u0000", "xsd:string", "rdf:type", "schema:Thing",
];

const BAD_LANGS = ["en", "nl-NL", "", "not a tag", "en_US", "x", "123", "en-", "@none", "zh-Hant-TW", "EN"];
const DIRECTIONS = ["ltr", "rtl", "sideways", "", "LTR", null];
const NUMBERS = [0, -0, 1, -1, 8, 1.5, 1e21, 1e-7, 9007199254740993, 123456789012345680000, 0.1, 3.0, 2.5e-300, -1e308];
const NUMBER_TEXTS = ["1e400", "-0", "1.0", "1E2", "1e+2", "0.10", "8.0", "-0.0", "00", "1.7976931348623157e309", "5E-324", "12345678901234567890123"];
const UNDEFINED_TERMS = ["eqfLevel", "EQF", "ects", "ECTS", "learningOutcome", "verified", "trusted", "nlqf", "level", "studyLoad", "accreditation"];
const KEYWORDS = ["@id", "@type", "@value", "@language", "@direction", "@index", "@list", "@set", "@json", "@graph",
  "@included", "@reverse", "@nest", "@none", "@vocab", "@base", "@context", "@version", "@protected", "@import", "@propagate", "@foo", "@", "@ID",
  "@container", "@default", "@embed", "@explicit", "@omitDefault", "@prefix", "@preserve", "@requireAll"];

const clone = (x) => structuredClone(x);
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every container in the document: [{path, value}] (path: array of keys/indexes). */
function containers(doc, { skipProof = false } = {}) {
  const out = [];
  const walk = (v, path) => {
    if (v === null || typeof v !== "object") return;
    out.push({ path, value: v });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else for (const k of Object.keys(v)) if (!(skipProof && path.length === 0 && k === "proof")) walk(v[k], [...path, k]);
  };
  walk(doc, []);
  return out;
}

/** Every (parent object, key) pair whose value is a primitive. */
function leaves(doc, pred = () => true) {
  const out = [];
  for (const { path, value } of containers(doc)) {
    if (Array.isArray(value)) value.forEach((x, i) => (x === null || typeof x !== "object") && pred(x, i) && out.push({ path, key: i, value: x, parent: value }));
    else for (const [k, x] of Object.entries(value)) if ((x === null || typeof x !== "object") && pred(x, k)) out.push({ path, key: k, value: x, parent: value });
  }
  return out;
}

const objects = (doc, o) => containers(doc, o).filter((c) => isObj(c.value));
const arrays = (doc, o) => containers(doc, o).filter((c) => Array.isArray(c.value));
const where = (path) => (path.length ? path.join(".") : "(root)");
const show = (v) => JSON.stringify(v)?.slice(0, 80);

/** The credential subjects' achievements (objects), if any. */
function achievements(doc) {
  const subs = Array.isArray(doc.credentialSubject) ? doc.credentialSubject : [doc.credentialSubject];
  return subs.filter(isObj).map((s) => s.achievement).filter(isObj);
}

function eqfAlignment(r, id) {
  const level = r.pick([8, 7, 8, 6]);
  const a = {
    type: ["Alignment"],
    targetName: `EQF level ${level}`,
    targetUrl: `http://data.europa.eu/snb/eqf/${level}`,
    targetFramework: "European Qualifications Framework",
    targetCode: String(level),
    targetType: "ext:EQF",
  };
  if (id !== undefined) a.id = id;
  return a;
}

function fakeAchievement(r, id) {
  return {
    id,
    type: r.pick([["Achievement"], ["Achievement", r.pick(BAD_TYPES)], r.pick(BAD_TYPES)]),
    name: "Doctorate in Everything",
    description: "Injected, never signed.",
    creditsAvailable: 60,
    criteria: { narrative: "none" },
    alignment: [eqfAlignment(r)],
  };
}

// Each operation mutates `doc` in place (it is already a copy) and returns a
// label, or undefined when it does not apply. `neutral` ones keep the data.
const OPS = {
  injectAlignment(doc, r) {
    const achs = achievements(doc);
    const id = r.pick([...BAD_IRIS, undefined]);
    const al = eqfAlignment(r, id);
    if (r.chance(0.3)) al.type = r.pick([r.pick(BAD_TYPES), ["Alignment", r.pick(BAD_TYPES)]]);
    if (r.chance(0.3)) al.targetUrl = r.pick(BAD_IRIS);
    const target = achs.length && r.chance(0.8) ? r.pick(achs) : r.pick(objects(doc, { skipProof: true })).value;
    if (Array.isArray(target.alignment)) target.alignment.push(al);
    else if (isObj(target.alignment)) target.alignment = [target.alignment, al];
    else target.alignment = [al];
    return `injectAlignment(id=${show(id)})`;
  },
  injectAchievement(doc, r) {
    const subs = Array.isArray(doc.credentialSubject) ? doc.credentialSubject : [doc.credentialSubject];
    const s = r.pick(subs.filter(isObj));
    if (!s) return undefined;
    const id = r.pick(BAD_IRIS);
    const how = r.int(4);
    if (how === 0) s.achievement = Array.isArray(s.achievement) ? [...s.achievement, fakeAchievement(r, id)] : [s.achievement, fakeAchievement(r, id)].filter(Boolean);
    else if (how === 1) s.achievement = fakeAchievement(r, id);
    else if (how === 2) {
      const extra = { id, type: ["AchievementSubject"], achievement: fakeAchievement(r, r.pick(BAD_IRIS)) };
      doc.credentialSubject = [...subs, extra];
    } else s[r.pick(["achievement", "hasAchievement", "result", "source"])] = fakeAchievement(r, id);
    return `injectAchievement(${how},id=${show(id)})`;
  },
  setId(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.85) }));
    const id = r.pick(BAD_IRIS);
    o.value[r.chance(0.85) ? "id" : "@id"] = id;
    return `setId(${where(o.path)}=${show(id)})`;
  },
  iriValue(doc, r) {
    // IRI-valued terms: targetUrl, url, image, criteria.id, resultDescription refs, issuer, evidence ids...
    const ls = leaves(doc, (v, k) => typeof v === "string" && /^(https?:|urn:|did:)/.test(v) && k !== "proofValue" && k !== "verificationMethod");
    if (!ls.length) return undefined;
    const l = r.pick(ls);
    const v = r.pick(BAD_IRIS);
    l.parent[l.key] = v;
    return `iriValue(${where(l.path)}.${l.key}=${show(v)})`;
  },
  addType(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.9) }));
    const t = r.pick(BAD_TYPES);
    const cur = o.value.type;
    if (Array.isArray(cur)) cur.splice(r.int(cur.length + 1), 0, t);
    else if (cur !== undefined && r.chance(0.5)) o.value.type = [cur, t];
    else o.value[r.chance(0.8) ? "type" : "@type"] = r.chance(0.5) ? t : [t];
    return `addType(${where(o.path)}+=${show(t)})`;
  },
  nullMember(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.8) }));
    const keys = Object.keys(o.value);
    const k = r.chance(0.6) && keys.length ? r.pick(keys) : r.pick(["description", "name", "id", "type", "alignment", "narrative", ...UNDEFINED_TERMS, "@context", "@id", "@type"]);
    o.value[k] = null;
    return `nullMember(${where(o.path)}.${k})`;
  },
  nullInArray(doc, r) {
    const as = arrays(doc, { skipProof: r.chance(0.8) });
    if (!as.length) return undefined;
    const a = r.pick(as);
    a.value.splice(r.int(a.value.length + 1), 0, null);
    return `nullInArray(${where(a.path)})`;
  },
  atKey(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.85) }));
    const k = r.pick(KEYWORDS);
    const v = r.pick(["x", 8, null, true, {}, [], { "@value": "x" }, "@id", "urn:fake y", "http://example.org/", ["a"], "node", "node", "nodes"]);
    o.value[k] = v === "node" ? { id: r.pick(BAD_IRIS), name: "evil" } : v === "nodes" ? [eqfAlignment(r, r.pick(BAD_IRIS))] : clone(v);
    return `atKey(${where(o.path)}.${k}=${show(v)})`;
  },
  keywordValue(doc, r) {
    const ls = leaves(doc, (v, k) => typeof k === "string" && k !== "@context" && k !== "proofValue");
    if (!ls.length) return undefined;
    const l = r.pick(ls);
    const v = r.pick(KEYWORDS);
    l.parent[l.key] = v;
    return `keywordValue(${where(l.path)}.${l.key}=${v})`;
  },
  valueObject(doc, r) {
    const ls = leaves(doc, (v, k) => typeof v === "string" && k !== "@context" && k !== "proofValue" && k !== "id" && k !== "type");
    if (!ls.length) return undefined;
    const l = r.pick(ls);
    const vo = { "@value": l.value };
    const how = r.int(6);
    if (how === 0) vo["@language"] = r.pick(BAD_LANGS);
    else if (how === 1) vo["@direction"] = r.pick(DIRECTIONS);
    else if (how === 2) vo["@type"] = r.pick(["http://www.w3.org/2001/XMLSchema#integer", "xsd:string", "urn:fake y", "@json", "@id", "Bad Type"]);
    else if (how === 3) Object.assign(vo, { "@language": r.pick(BAD_LANGS), "@direction": r.pick(DIRECTIONS) });
    else if (how === 4) vo["@index"] = r.pick(["i", 3, null]);
    else {
      l.parent[l.key] = { [r.pick(BAD_LANGS)]: l.value, [r.pick(BAD_LANGS)]: "zweite" };
      return `languageMap(${where(l.path)}.${l.key})`;
    }
    l.parent[l.key] = vo;
    return `valueObject(${where(l.path)}.${l.key}=${show(vo)})`;
  },
  contextLanguage(doc, r) {
    const o = r.pick(objects(doc, { skipProof: true }));
    const ctx = { "@language": r.pick(BAD_LANGS) };
    if (r.chance(0.4)) ctx["@direction"] = r.pick(DIRECTIONS);
    if (o.path.length === 0) doc["@context"] = [...[].concat(doc["@context"] ?? []), ctx];
    else o.value["@context"] = ctx;
    return `contextLanguage(${where(o.path)}=${show(ctx)})`;
  },
  number(doc, r) {
    const ls = leaves(doc, (v, k) => k !== "proofValue" && k !== "@context" && (typeof v === "number" || (typeof v === "string" && /^-?\d/.test(v))));
    const l = ls.length && r.chance(0.7) ? r.pick(ls) : undefined;
    const v = r.pick(NUMBERS);
    if (l) {
      l.parent[l.key] = typeof l.value === "number" && r.chance(0.5) ? String(l.value) : v;
      return `number(${where(l.path)}.${l.key}=${show(l.parent[l.key])})`;
    }
    const achs = achievements(doc);
    const o = achs.length ? r.pick(achs) : r.pick(objects(doc, { skipProof: true })).value;
    const k = r.pick(["creditsAvailable", "creditsEarned", "EQF", "eqfLevel"]);
    o[k] = v;
    return `number(+${k}=${v})`;
  },
  numberText(doc, r) {
    // A number literal JSON.stringify would not write; marked now, spliced into the text later.
    const ls = leaves(doc, (v, k) => typeof v === "number" || k === "creditsAvailable" || k === "targetCode");
    const lit = r.pick(NUMBER_TEXTS);
    if (ls.length) {
      const l = r.pick(ls);
      l.parent[l.key] = `\u0001NUM:${lit}\u0001`;
      return `numberText(${where(l.path)}.${l.key}=${lit})`;
    }
    const o = r.pick(objects(doc, { skipProof: true }));
    o.value.creditsAvailable = `\u0001NUM:${lit}\u0001`;
    return `numberText(${where(o.path)}.creditsAvailable=${lit})`;
  },
  embeddedContext(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.85) }));
    const ctxs = [
      null,
      { name: "http://evil.example/name" },
      { description: { "@id": "https://schema.org/description", "@type": "@id" } },
      { "@vocab": "http://evil.example/" },
      { "@vocab": "urn:fake y" },
      { "@base": "http://evil.example/" },
      { "@base": null },
      { "@version": 1.1 },
      { "@version": 1.0 },
      { "@propagate": false },
      { "@protected": false, type: "@type", name: "http://evil.example/name" },
      { "@import": "https://www.w3.org/ns/credentials/v2" },
      { ex: "http://example.org/", eqfLevel: "ex:eqf" },
      { eqfLevel: { "@id": "http://example.org/eqf", "@type": "http://www.w3.org/2001/XMLSchema#integer" } },
      { id: null },
      { type: null },
      { Alignment: "urn:fake y" },
      { alignment: { "@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment", "@container": "@list" } },
      { targetName: { "@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetName", "@type": "@json" } },
      { "@direction": "rtl" },
      "https://www.w3.org/ns/credentials/examples/v2",
      "https://www.w3.org/ns/credentials/undefined-terms/v2",
      "https://w3id.org/openbadges/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
      "https://evil.example/context.json",
      "relative-context.json",
      [],
      {},
      [null],
    ];
    const c = clone(r.pick(ctxs));
    if (o.path.length === 0 && r.chance(0.6)) {
      const cur = [].concat(doc["@context"] ?? []);
      const pos = r.int(cur.length + 1);
      cur.splice(pos, 0, c);
      doc["@context"] = cur;
      return `embeddedContext((root)[${pos}]=${show(c)})`;
    }
    o.value["@context"] = c;
    return `embeddedContext(${where(o.path)}=${show(c)})`;
  },
  replaceContext(doc, r) {
    const cur = [].concat(doc["@context"] ?? []);
    const how = r.int(5);
    if (how === 0 && cur.length > 1) cur.splice(r.int(cur.length), 1);
    else if (how === 1 && cur.length > 1) cur.reverse();
    else if (how === 2) cur.push(cur[r.int(cur.length)] ?? null);
    else if (how === 3) cur[r.int(cur.length)] = r.pick(["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/data-integrity/v2"]);
    else doc["@context"] = cur.length === 1 ? cur : cur[0];
    if (how !== 4) doc["@context"] = cur;
    return `replaceContext(${how})`;
  },
  proofSet(doc, r) {
    const proofs = [].concat(doc.proof ?? []).filter(isObj);
    if (!proofs.length) return undefined;
    const p = r.pick(proofs);
    const how = r.int(10);
    if (how === 0) doc.proof = [...[].concat(doc.proof), clone(p)];
    else if (how === 1) doc.proof = [...[].concat(doc.proof), { ...clone(p), proofValue: p.proofValue ? p.proofValue.slice(0, -4) + "1111" : "z1111" }];
    else if (how === 2) doc.proof = [...[].concat(doc.proof), null];
    else if (how === 3) doc.proof = [...[].concat(doc.proof), { ...clone(p), cryptosuite: r.pick(["eddsa-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022", "eddsa-rdfc-2022", "bbs-2023", ""]) }];
    else if (how === 4) doc.proof = [...[].concat(doc.proof), {}];
    else if (how === 5) doc.proof = [...[].concat(doc.proof), { ...clone(p), id: r.pick(BAD_IRIS), previousProof: r.pick(["urn:missing", ...BAD_IRIS]) }];
    else if (how === 6) doc.proof = [...[].concat(doc.proof), { ...clone(p), proofPurpose: r.pick(["authentication", "capabilityInvocation", "assertionMethod", "", "urn:fake y"]) }];
    else if (how === 7) doc.proof = [...[].concat(doc.proof), { ...clone(p), type: r.pick(["Ed25519Signature2020", "DataIntegrityProof", "Ed25519Signature2018", "urn:fake y", ["DataIntegrityProof"]]) }];
    else if (how === 8) doc.proof = [...[].concat(doc.proof)].reverse();
    else {
      // The proof moved into a nested node (and the top one kept or dropped).
      const o = r.pick(objects(doc, { skipProof: true }).filter((c) => c.path.length > 0));
      if (!o) return undefined;
      o.value.proof = clone(p);
      if (r.chance(0.5)) delete doc.proof;
      return `proofSet(moved to ${where(o.path)})`;
    }
    return `proofSet(${how})`;
  },
  proofField(doc, r) {
    const proofs = [].concat(doc.proof ?? []).filter(isObj);
    if (!proofs.length) return undefined;
    const p = r.pick(proofs);
    const k = r.pick(["created", "expires", "domain", "challenge", "nonce", "id", "@context", "verificationMethod", "proofPurpose", "cryptosuite", "type", "proofValue", ...UNDEFINED_TERMS]);
    const v = r.pick([null, "", "urn:fake y", "2025-01-31T10:00:00Z", "2025-01-31T10:00:00", "not a date", 5, [], {}, "https://w3id.org/security/data-integrity/v2", ["https://www.w3.org/ns/credentials/v2"]]);
    p[k] = clone(v);
    return `proofField(${k}=${show(v)})`;
  },
  shape(doc, r) {
    const how = r.int(4);
    if (how === 0) {
      const ls = leaves(doc, (v, k) => typeof k === "string" && k !== "@context" && k !== "proofValue");
      if (!ls.length) return undefined;
      const l = r.pick(ls);
      l.parent[l.key] = [l.value];
      return `wrapInArray(${where(l.path)}.${l.key})`;
    }
    if (how === 1) {
      const as = arrays(doc).filter((a) => a.value.length === 1 && a.path.length > 0);
      if (!as.length) return undefined;
      const a = r.pick(as);
      const parent = a.path.slice(0, -1).reduce((x, k) => x[k], doc);
      parent[a.path.at(-1)] = a.value[0];
      return `unwrapArray(${where(a.path)})`;
    }
    if (how === 2) {
      const o = r.pick(objects(doc, { skipProof: r.chance(0.85) }));
      const keys = Object.keys(o.value);
      if (!keys.length) return undefined;
      const k = r.pick(keys);
      o.value[k] = r.pick([{}, [], [{}], [[]], "", [""]]);
      return `empty(${where(o.path)}.${k}=${show(o.value[k])})`;
    }
    const as = arrays(doc, { skipProof: true });
    if (!as.length) return undefined;
    const a = r.pick(as);
    a.value.push(r.pick([{}, [], [[1]], a.value[0] ?? 1, clone(a.value[0] ?? 1)]));
    return `arrayAppend(${where(a.path)})`;
  },
  containerKeyword(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.9) }));
    const keys = Object.keys(o.value).filter((k) => !k.startsWith("@"));
    const k = keys.length ? r.pick(keys) : "name";
    const v = o.value[k];
    const how = r.int(9);
    if (how === 0) o.value[k] = { "@list": [].concat(v ?? []) };
    else if (how === 1) o.value[k] = { "@set": [].concat(v ?? []) };
    else if (how === 2) o.value[k] = { "@value": v ?? "x", "@type": "@json" };
    else if (how === 3) o.value["@graph"] = [fakeAchievement(r, r.pick(BAD_IRIS))];
    else if (how === 4) o.value["@included"] = [r.chance(0.5) ? fakeAchievement(r, r.pick(BAD_IRIS)) : eqfAlignment(r, r.pick(BAD_IRIS))];
    else if (how === 5) o.value["@reverse"] = { [r.pick(["alignment", "achievement", "http://example.org/rev"])]: { id: r.pick(BAD_IRIS), name: "rev" } };
    else if (how === 6) o.value["@nest"] = { [k]: v ?? "nested" };
    else if (how === 7) o.value[k] = { "@id": r.pick(BAD_IRIS) };
    else o.value["@index"] = r.pick(["i", 1, null]);
    return `containerKeyword(${how},${where(o.path)}.${k})`;
  },
  containerMap(doc, r) {
    // A new term with a map container (language, index, id, type, graph maps),
    // defined in an inline context, whose value may expand to nothing.
    const o = r.pick(objects(doc, { skipProof: r.chance(0.9) }));
    const container = r.pick(["@language", "@index", "@id", "@type", "@graph", "@list", "@set", ["@graph", "@index"], ["@graph", "@id"], "@json", "@bogus"]);
    const term = r.pick(["exMap", "ex:map", "eqfLevel"]);
    const def = { "@id": r.pick(["http://example.org/map", "urn:fake y", "_:map", "@nest"]), "@container": container };
    if (r.chance(0.2)) def["@type"] = r.pick(["@id", "@vocab", "@json", "http://www.w3.org/2001/XMLSchema#string"]);
    const values = [
      {}, [], null, { en: null }, { "@none": null }, { "not a tag": "x" }, { "en_US": "x" }, { en: [] }, { en: [null] },
      { "urn:fake y": { name: "evil" } }, { "urn:fake y": null }, { "": "x" }, { "@none": { id: "urn:fake y" } },
      { Alignment: { targetName: "EQF level 8" } }, { x: { "@value": "8", "@type": "@json" } }, { i: { id: r.pick(BAD_IRIS) } },
    ];
    const v = clone(r.pick(values));
    const ctx = { [term]: def };
    if (term.startsWith("ex:")) ctx.ex = "http://example.org/";
    o.value["@context"] = ctx;
    o.value[term] = v;
    return `containerMap(${where(o.path)}.${term} ${show(def)}=${show(v)})`;
  },
  unicode(doc, r) {
    const ls = leaves(doc, (v, k) => typeof v === "string" && k !== "@context" && k !== "proofValue");
    if (!ls.length) return undefined;
    const l = r.pick(ls);
    const s = l.value;
    const how = r.int(8);
    const out = [
      () => s.normalize("NFD"),
      () => s.normalize("NFC") + "\u0301",
      () => s + "\ud800",
      () => "\udc00" + s,
      () => s.replace(/./, "\u200b$&"),
      () => "\u202e" + s,
      () => s + "\u0000",
      () => s.replace(/e/g, "\u0435"),
    ][how]();
    l.parent[l.key] = out;
    return `unicode(${how},${where(l.path)}.${l.key})`;
  },
  deepNest(doc, r) {
    const o = r.pick(objects(doc, { skipProof: true }));
    const depth = r.pick([5, 40, 120, 130, 200, 300]);
    let v = { id: r.pick(BAD_IRIS), type: ["Alignment"], targetName: "EQF level 8" };
    for (let i = 0; i < depth; i++) v = r.chance(0.5) ? { alignment: [v] } : { achievement: v };
    o.value[r.pick(["alignment", "achievement", "evidence", "x"])] = v;
    return `deepNest(${depth},${where(o.path)})`;
  },
  undefinedTerm(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.9) }));
    const k = r.pick(UNDEFINED_TERMS);
    o.value[k] = r.pick([8, "8", "EQF level 8", { level: 8 }, [8], true]);
    return `undefinedTerm(${where(o.path)}.${k})`;
  },
  moveNode(doc, r) {
    const from = r.pick(objects(doc, { skipProof: true }).filter((c) => c.path.length > 0));
    const to = r.pick(objects(doc, { skipProof: true }));
    if (!from || !to) return undefined;
    const k = r.pick(["alignment", "achievement", "evidence", "result", "resultDescription", "endorsement", "related", "source", "issuer"]);
    to.value[k] = clone(from.value);
    if (r.chance(0.5)) {
      const parent = from.path.slice(0, -1).reduce((x, kk) => x[kk], doc);
      if (Array.isArray(parent)) parent.splice(from.path.at(-1), 1);
      else delete parent[from.path.at(-1)];
    }
    return `moveNode(${where(from.path)} -> ${where(to.path)}.${k})`;
  },
  renameKey(doc, r) {
    const o = r.pick(objects(doc, { skipProof: r.chance(0.85) }));
    const keys = Object.keys(o.value);
    if (!keys.length) return undefined;
    const k = r.pick(keys);
    const alt = { id: "@id", type: "@type", "@id": "id", "@type": "type" }[k] ?? r.pick([k.toUpperCase(), `${k} `, `@${k}`, `${k}\u0000`, `http://example.org/${k}`, `ex:${k}`, `_:${k}`]);
    o.value[alt] = o.value[k];
    if (alt !== k) delete o.value[k];
    return `renameKey(${where(o.path)}.${k}->${show(alt)})`;
  },
  tamper(doc, r) {
    // A control: a plain change of a signed value.
    const ls = leaves(doc, (v, k) => typeof v === "string" && k !== "@context" && k !== "proofValue" && k !== "type");
    if (!ls.length) return undefined;
    const l = r.pick(ls);
    l.parent[l.key] = l.value + r.pick([" ", "X", "8"]);
    return `tamper(${where(l.path)}.${l.key})`;
  },
  // Neutral (the signed data stays the same for every suite).
  reorderKeys(doc, r) {
    for (const { value } of objects(doc)) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
      for (const [k] of entries) delete value[k];
      for (const [k, v] of entries) value[k] = v;
    }
    return "reorderKeys";
  },
};

export const NEUTRAL = ["reorderKeys"];
const ATTACKS = Object.keys(OPS).filter((k) => !NEUTRAL.includes(k));
// Weights: the classes the brief names first get a larger share.
const WEIGHTS = { containerMap: 2, injectAlignment: 4, injectAchievement: 3, setId: 4, iriValue: 3, addType: 4, nullMember: 3, nullInArray: 2, atKey: 2, undefinedTerm: 2, embeddedContext: 3, valueObject: 2, containerKeyword: 2 };
const WEIGHTED = ATTACKS.flatMap((k) => Array(WEIGHTS[k] ?? 1).fill(k));

/** Serialize with a text-level variation (whitespace, escapes, number literals, duplicate keys). */
function serialize(doc, r, neutralOnly, ops) {
  const style = r.int(4);
  let text = style === 0 ? JSON.stringify(doc) : style === 1 ? JSON.stringify(doc, null, 2) : style === 2 ? JSON.stringify(doc, null, "\t") : JSON.stringify(doc, null, 1).replace(/\n/g, "\r\n   ");
  if (r.chance(0.15)) {
    // \u escapes for some ASCII letters inside strings: the same JSON value.
    text = text.replace(/"([^"\\]*)"/g, (m, s) => (r.chance(0.1) ? `"${s.replace(/[a-z]/g, (c) => (r.chance(0.5) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c))}"` : m));
    ops.push("escapes");
  }
  text = text.replace(/"\\u0001NUM:([^\\]*)\\u0001"/g, "$1");
  if (!neutralOnly && r.chance(0.04)) {
    // A duplicate key: JSON.parse and serde_json both keep the last.
    text = text.replace(/"name": ?"/, (m) => `"name": "duplicate", ${m}`);
    ops.push("duplicateKey");
  }
  return text;
}

// Seed groups and their shares: the OB 3.0 credentials signed here and
// Backpack's samples exercise the OB context paths, so they get more turns
// than their number alone would give them.
const GROUP_SHARE = { own: 0.35, sample: 0.2, dcc: 0.3, vec: 0.15 };

function pickSeed(seeds, r) {
  const groups = new Map();
  for (const s of seeds) {
    const g = s.name.split(":")[0];
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(s);
  }
  const names = [...groups.keys()];
  const total = names.reduce((t, g) => t + (GROUP_SHARE[g] ?? 0.1), 0);
  let x = r.next() * total;
  for (const g of names) {
    x -= GROUP_SHARE[g] ?? 0.1;
    if (x <= 0) return r.pick(groups.get(g));
  }
  return r.pick(seeds);
}

/** Make mutant number `i` of `seedStr` from the seeds: {seed, ops, text}. */
export function mutant(seeds, seedStr, i) {
  const r = rng(`${seedStr}/${i}`);
  const s = pickSeed(seeds, r);
  const doc = clone(s.doc);
  const ops = [];
  const neutralOnly = r.chance(0.125);
  if (neutralOnly) {
    if (r.chance(0.7)) ops.push(OPS.reorderKeys(doc, r));
  } else {
    const n = 1 + (r.chance(0.35) ? 1 : 0) + (r.chance(0.15) ? 1 : 0);
    for (let tries = 0; ops.length < n && tries < 20; tries++) {
      const name = r.pick(WEIGHTED);
      try {
        const label = OPS[name](doc, r);
        if (label) ops.push(label);
      } catch {
        // an operation that does not fit this document: pick another
      }
    }
  }
  const text = serialize(doc, r, neutralOnly, ops);
  return { seed: s.name, neutral: neutralOnly, ops, text };
}
