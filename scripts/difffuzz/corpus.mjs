// The fixed regression corpus: every class of unsigned content the fuzzer
// (or the issue) found, as one minimal edit of a credential signed here
// (seeds.mjs, deterministic: Ed25519 and a fixed proof date). Each run checks
// them like mutants: Backpack and the page must not accept what the reference
// refuses. Findings and their history: the report of issue #11.
import { signedSeeds } from "./seeds.mjs";

const ach = (d) => d.credentialSubject.achievement;
const eqf = (id) => ({
  ...(id === undefined ? {} : { id }),
  type: ["Alignment"],
  targetName: "EQF level 8",
  targetUrl: "http://data.europa.eu/snb/eqf/8",
  targetFramework: "European Qualifications Framework",
  targetCode: "8",
  targetType: "ext:EQF",
});

const RDFC = "own:ob3-v2-eddsa-rdfc-2022";
const ED2020 = "own:ob3-v1-Ed25519Signature2020";

/** [name, seed, edit] */
const CASES = [
  // 1-2. An injected node whose id is not an IRI (jsonld.js keeps or refuses it; it must not vanish).
  ...["urn:fake y", "urn:x\u0000y", "urn:<x>", 'urn:"q"', "urn:{x}", "urn:x|y", "urn:^x", "urn:`x`", "urn:x\\y", "urn:x\u007fy",
    "http://example.org/%zz", "http://exa mple.org/", "http://example.org/\n"].flatMap((id) => [
    [`alignment id ${JSON.stringify(id)}`, RDFC, (d) => ach(d).alignment.push(eqf(id))],
    [`alignment id ${JSON.stringify(id)} (Ed25519Signature2020)`, ED2020, (d) => ach(d).alignment.push(eqf(id))],
  ]),
  ["evidence id with a space", RDFC, (d) => d.evidence.push({ id: "urn:fake y", type: ["Evidence"], name: "fake" })],
  // 3. Extra types that are not IRIs.
  ["credential type 'urn:fake y'", RDFC, (d) => d.type.push("urn:fake y")],
  ["achievement type 'Bad Type'", RDFC, (d) => ach(d).type.push("Bad Type")],
  // 4. Nulls of undefined terms (jsonld.js safe mode: invalid property).
  ["achievement eqfLevel: null", RDFC, (d) => { ach(d).eqfLevel = null; }],
  ["root EQF: null", RDFC, (d) => { d.EQF = null; }],
  ["proof nlqf: null", ED2020, (d) => { d.proof.nlqf = null; }],
  // 5. @propagate / @import as keys of a node object (not keywords for jsonld.js there).
  ["achievement @propagate key", RDFC, (d) => { ach(d)["@propagate"] = []; }],
  ["root @propagate key", ED2020, (d) => { d["@propagate"] = "x"; }],
  ["achievement @import key", RDFC, (d) => { ach(d)["@import"] = 8; }],
  // 6. @included / @reverse / @graph holding a node with a non-IRI id.
  ["@included alignment with a bad id", RDFC, (d) => { ach(d)["@included"] = [eqf("urn:fake y")]; }],
  ["@reverse node with a bad id", RDFC, (d) => { ach(d)["@reverse"] = { alignment: { id: "urn:fake y", name: "rev" } }; }],
  ["@graph node with a bad id", RDFC, (d) => { ach(d)["@graph"] = [{ id: "urn:fake y", type: ["Achievement"], name: "Fake" }]; }],
  // B. Keyword keys whose value is a node with a non-IRI id.
  ...["@base", "@container", "@prefix", "@protected", "@version", "@vocab", "@none", "@json"].map((k) => [
    `achievement ${k} holding a node with a bad id`, RDFC, (d) => { ach(d)[k] = { id: "urn:fake y", name: "evil" }; },
  ]),
  // C. A non-string @language on a node object.
  ["achievement @language: 8", RDFC, (d) => { ach(d)["@language"] = 8; }],
  ["credentialSubject @language: []", RDFC, (d) => { d.credentialSubject["@language"] = []; }],
  // D. A default @direction from an embedded context.
  // (jsonld.js gives criteria.narrative a direction, so the quads change.)
  ["criteria context @direction rtl", RDFC, (d) => { ach(d).criteria["@context"] = { "@direction": "rtl" }; }],
  // E. An embedded context with @language @none.
  ["evidence context @language @none", ED2020, (d) => { d.evidence[0]["@context"] = { "@language": "@none" }; }],
  // G. An embedded @vocab that is not an IRI.
  ["achievement context @vocab 'urn:fake y'", RDFC, (d) => { ach(d)["@context"] = { "@vocab": "urn:fake y" }; }],
  ["root context @vocab 'urn:fake y' (Ed25519Signature2020)", ED2020, (d) => { d["@context"].push({ "@vocab": "urn:fake y" }); }],
  // H. A nested context defining an (unused) term as a non-IRI.
  ["issuer context term 'urn:fake y'", RDFC, (d) => { d.issuer["@context"] = { foo: "urn:fake y" }; }],
  ["issuer context term 'urn:fake y' (Ed25519Signature2020)", ED2020, (d) => { d.issuer["@context"] = { foo: "urn:fake y" }; }],
  // I. An undefined term with an empty array.
  ["achievement eqfLevel: []", RDFC, (d) => { ach(d).eqfLevel = []; }],
  ["proof ects: []", RDFC, (d) => { d.proof.ects = []; }],
  ["root EQF: [] (Ed25519Signature2020)", ED2020, (d) => { d.EQF = []; }],
  // J. @value as a key of a node object.
  ["issuer @value key", RDFC, (d) => { d.issuer["@value"] = "x"; }],
  ["criteria @value key", RDFC, (d) => { ach(d).criteria["@value"] = true; }],
  // K. A bad default language in a nested context.
  ["issuer context @language 'en-' (Ed25519Signature2020)", ED2020, (d) => { d.issuer["@context"] = { "@language": "en-" }; }],
  ["credentialSubject context @language 'en_US' (Ed25519Signature2020)", ED2020, (d) => { d.credentialSubject["@context"] = { "@language": "en_US" }; }],
  ["criteria context @language 'en_US'", RDFC, (d) => { ach(d).criteria["@context"] = { "@language": "en_US" }; }],
  // M. A term mapped to @nest with a type map whose values expand to nothing or to bad ids.
  ["criteria @nest type map with a bad id", RDFC, (d) => { ach(d).criteria["@context"] = { eqfLevel: { "@id": "@nest", "@container": "@type" } }; ach(d).criteria.eqfLevel = { "@none": { id: "urn:fake y" } }; }],
  ["issuer @nest type map with an empty array", RDFC, (d) => { d.issuer["@context"] = { eqfLevel: { "@id": "@nest", "@container": "@type" } }; d.issuer.eqfLevel = { en: [] }; }],
  // Controls: plain tampering, and a real extra alignment with a valid id.
  ["control: name changed", RDFC, (d) => { d.name += " (edited)"; }],
  ["control: valid extra alignment", RDFC, (d) => ach(d).alignment.push(eqf("urn:uuid:8a3f3f44-0000-4000-8000-00000000dead"))],
];

/** The corpus: [{name, doc}], built from the seeds signed here. */
export async function corpus() {
  const seeds = Object.fromEntries((await signedSeeds()).map((s) => [s.name, s.doc]));
  return CASES.map(([name, seed, edit]) => {
    const doc = structuredClone(seeds[seed]);
    edit(doc);
    return { name: `corpus:${name}`, doc };
  });
}
