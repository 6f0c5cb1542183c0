// Data Integrity proofs, offline, as src/verify/dataintegrity.rs:
// DataIntegrityProof eddsa-rdfc-2022 / eddsa-jcs-2022 (and the draft name
// eddsa-2022) and Ed25519Signature2020; proof sets and chains.
// Ed25519: ed25519.ts (noble strict). RDFC: jsonld.js in safe mode over the bundled contexts (documentLoader
// throws for anything else); JCS: canonicalize. Ed25519 strict (no ZIP-215).
import canonicalize from "canonicalize";
import { verifyStrict } from "./ed25519";
import { UnknownContextError } from "./contexts";
import { base58btcDecode, decodeDidKey, DidKeyError } from "./didkey";
import { isObj, list, type Json, type Obj } from "./json";
import { unsafeBody } from "./safety";
import { error, fail, pass, PROOF, type Check } from "./report";

type Status = "valid" | "invalid" | "cannot-check";

/** What a proof is for: a credential's `assertionMethod`, a presentation's `authentication`. */
export type Purpose = "assertionMethod" | "authentication";

export interface ProofOutcome {
  /** Position in the document's proof set. */
  index: number;
  status: Status;
  detail: string;
  proofType?: string;
  cryptosuite?: string;
  verificationMethod?: string;
  controller?: string;
}

export function proofCheck(o: ProofOutcome): Check {
  const what = o.proofType ? (o.cryptosuite ? `${o.proofType} ${o.cryptosuite}` : o.proofType) : "proof";
  const detail = `${what}: ${o.detail}`;
  return o.status === "valid" ? pass(PROOF, detail) : o.status === "invalid" ? fail(PROOF, detail) : error(PROOF, detail);
}

class DiError extends Error {
  constructor(public status: Status, message: string) {
    super(message);
  }
}
const invalid = (m: string) => new DiError("invalid", m);
const cannot = (m: string) => new DiError("cannot-check", m);

type Transform = "rdfc" | "jcs";

function suiteOf(proof: Obj): Transform {
  const t = proof.type;
  if (t === undefined) throw invalid("the proof is malformed: no `type`");
  if (typeof t !== "string") throw invalid("the proof is malformed: `type` must be a string");
  const c = proof.cryptosuite;
  if (c !== undefined && typeof c !== "string") throw invalid("the proof is malformed: `cryptosuite` must be a string");
  const eddsa = (s: string) => s === "eddsa-rdfc-2022" || s === "eddsa-jcs-2022" || s === "eddsa-2022";
  if (t === "DataIntegrityProof") {
    if (c === "eddsa-rdfc-2022" || c === "eddsa-2022") return "rdfc";
    if (c === "eddsa-jcs-2022") return "jcs";
    if (c === undefined) throw invalid("the proof is malformed: DataIntegrityProof without `cryptosuite`");
    throw cannot(`unsupported cryptosuite: ${c}`);
  }
  if (t === "Ed25519Signature2020") {
    if (c === undefined) return "rdfc";
    throw invalid(`the proof is malformed: Ed25519Signature2020 does not take a cryptosuite (\`${c}\`)`);
  }
  if (typeof c === "string" && eddsa(c)) throw invalid(`the proof is malformed: cryptosuite ${c} requires type DataIntegrityProof, not ${t}`);
  throw cannot(`unsupported proof: ${t}`);
}

const XSD_DATETIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

interface Key {
  publicKey: Uint8Array;
  controller: string;
}

/** did:key locally; every other method needs the network, which this page does not use for keys. */
function resolveKey(vm: string): Key {
  if (vm.startsWith("did:key:")) {
    try {
      const d = decodeDidKey(vm);
      return { publicKey: d.publicKey, controller: d.did };
    } catch (e) {
      if (e instanceof DidKeyError && e.kind === "unsupported") throw cannot(`${vm}: ${e.message}`);
      throw invalid(`${vm}: ${(e as Error).message}`);
    }
  }
  const m = /^did:([^:]*):/.exec(vm);
  if (m) throw cannot(`did:${m[1]} keys cannot be looked up from this page (${vm})`);
  if (vm.startsWith("https://") || vm.startsWith("http://")) throw cannot(`keys at URLs cannot be looked up from this page (${vm})`);
  throw invalid(`not a DID or URL: ${vm}`);
}

function decodeProofValue(s: string): Uint8Array {
  if (!s.startsWith("z")) throw invalid("proofValue is not multibase base58btc (must start with `z`)");
  let b: Uint8Array;
  try {
    b = base58btcDecode(s.slice(1));
  } catch (e) {
    throw invalid(`proofValue is not valid base58btc: ${(e as Error).message}`);
  }
  if (b.length !== 64) throw invalid(`proofValue decodes to ${b.length} bytes, an Ed25519 signature has 64`);
  return b;
}

function contextPrefix(pctx: Json, dctx: Json | undefined) {
  const asList = (v: Json | undefined): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  const p = asList(pctx);
  const d = asList(dctx);
  if (p.length === 0 || p.length > d.length || p.some((x, i) => JSON.stringify(x) !== JSON.stringify(d[i]))) {
    throw invalid("the proof's @context is not a prefix of the document's @context");
  }
}

function jcs(v: unknown): string {
  const s = canonicalize(v);
  if (s === undefined) throw cannot("JCS failed");
  return s;
}

async function rdfc(doc: Obj): Promise<string> {
  if (doc["@context"] === undefined) throw invalid("not valid JSON-LD: the document has no @context");
  const nul = unsafeBody(doc);
  if (nul) throw invalid(`refused (safe mode): ${nul}`);
  // The JSON-LD code and the context documents: a chunk of their own, loaded
  // only when a proof needs RDF canonicalisation (main.ts asks for it early).
  // Not loading it is "could not check" (verifyOne), never "invalid".
  const { canonize } = await import("./canon");
  const refused: string[] = [];
  try {
    return await canonize(doc, refused);
  } catch (e) {
    if (refused.length > 0 || hasCause(e, UnknownContextError)) {
      throw cannot(`context not bundled, not fetched: ${refused.join(", ")}`);
    }
    // Safe mode refusals (undefined terms, relative IRIs, bad @language...) and
    // any other JSON-LD error: data the signature cannot cover.
    throw invalid(`not valid JSON-LD (safe mode): ${jsonldMessage(e)}`);
  }
}

function hasCause(e: unknown, cls: new (...a: never[]) => Error): boolean {
  for (let x: unknown = e, i = 0; x && i < 8; i++) {
    if (x instanceof cls) return true;
    const o = x as { cause?: unknown; details?: { cause?: unknown } };
    x = o.cause ?? o.details?.cause;
  }
  return false;
}

function jsonldMessage(e: unknown): string {
  const o = e as { message?: string; details?: { event?: { message?: string } } };
  return o.details?.event?.message ?? o.message ?? String(e);
}

async function sha256(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
}

async function hashData(doc: Obj, proof: Obj): Promise<Uint8Array> {
  const transform = suiteOf(proof);
  const unsecured: Obj = { ...doc };
  delete unsecured.proof;
  if (proof.previousProof !== undefined) {
    const prev = proof.previousProof;
    let ids: string[];
    if (typeof prev === "string") ids = [prev];
    else if (Array.isArray(prev) && prev.every((v) => typeof v === "string")) ids = prev as string[];
    else throw invalid("the proof is malformed: `previousProof` must be a string or an array of strings");
    const all = list(doc.proof);
    const matching: Json[] = [];
    for (const id of ids) {
      const found = all.find((p) => isObj(p) && p.id === id);
      if (!found) throw invalid(`the proof is malformed: previousProof ${id} is not in the proof set`);
      matching.push(found);
    }
    unsecured.proof = matching;
  }
  const options: Obj = { ...proof };
  delete options.proofValue;
  if (options["@context"] !== undefined) {
    contextPrefix(options["@context"], unsecured["@context"]);
    unsecured["@context"] = options["@context"];
  }
  let docCanon: string, proofCanon: string;
  if (transform === "jcs") {
    docCanon = jcs(unsecured);
    proofCanon = jcs(options);
  } else {
    if (unsecured["@context"] === undefined) throw invalid("not valid JSON-LD: the document has no @context");
    options["@context"] = unsecured["@context"];
    docCanon = await rdfc(unsecured);
    proofCanon = await rdfc(options);
  }
  const [ph, dh] = await Promise.all([sha256(proofCanon), sha256(docCanon)]);
  const out = new Uint8Array(64);
  out.set(ph, 0);
  out.set(dh, 32);
  return out;
}

async function verifyOne(doc: Obj, proofV: Json, index: number, want: Purpose): Promise<ProofOutcome> {
  const base: ProofOutcome = { index, status: "invalid", detail: "" };
  if (!isObj(proofV)) return { ...base, detail: "the proof is not a JSON object" };
  const s = (k: string) => (typeof proofV[k] === "string" ? (proofV[k] as string) : undefined);
  const meta = { index, proofType: s("type"), cryptosuite: s("cryptosuite"), verificationMethod: s("verificationMethod") };
  let controller: string | undefined;
  try {
    suiteOf(proofV);
    const vm = proofV.verificationMethod;
    if (vm === undefined) throw invalid("the proof is malformed: no `verificationMethod`");
    if (typeof vm !== "string" || !vm) throw invalid("the proof is malformed: `verificationMethod` must be a URL string");
    const purpose = proofV.proofPurpose;
    if (purpose === undefined) throw invalid("the proof is malformed: no `proofPurpose`");
    if (typeof purpose !== "string") throw invalid("the proof is malformed: `proofPurpose` must be a string");
    if (purpose !== want) {
      throw invalid(
        want === "assertionMethod"
          ? `proofPurpose is \`${purpose}\`, a credential needs \`assertionMethod\``
          : `proofPurpose is \`${purpose}\`, this proof needs \`${want}\``,
      );
    }
    const created = proofV.created;
    if (created !== undefined && !(typeof created === "string" && XSD_DATETIME.test(created))) {
      throw invalid(`the proof is malformed: \`created\` is not an XML Schema dateTime: ${JSON.stringify(created)}`);
    }
    const pv = proofV.proofValue;
    if (pv === undefined) throw invalid("no `proofValue`");
    if (typeof pv !== "string") throw invalid("`proofValue` must be a string");
    const sig = decodeProofValue(pv);
    if (want === "authentication" && !vm.startsWith("did:key:")) {
      throw cannot(`${vm}: only did:key holder keys can be checked for authentication`);
    }
    const key = resolveKey(vm);
    controller = key.controller;
    const data = await hashData(doc, proofV);
    let ok = false;
    try {
      ok = await verifyStrict(sig, data, key.publicKey);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw invalid("the signature does not match: the credential was changed after signing, or signed with another key");
    }
    let detail = `signature verified with ${vm}`;
    if (proofV.cryptosuite === "eddsa-2022") detail += " (legacy cryptosuite name eddsa-2022, checked as eddsa-rdfc-2022)";
    return { ...meta, status: "valid", detail, controller };
  } catch (e) {
    if (e instanceof DiError) return { ...meta, status: e.status, detail: e.message, controller };
    return { ...meta, status: "cannot-check", detail: `unexpected error: ${(e as Error).message}`, controller };
  }
}

/**
 * One outcome per proof (empty when the document has no `proof`); every
 * proof's `proofPurpose` must be `purpose` (a credential's `assertionMethod`
 * unless told otherwise).
 */
export async function verifyProofs(doc: Obj, purpose: Purpose = "assertionMethod"): Promise<ProofOutcome[]> {
  const p = doc.proof;
  if (p === undefined || p === null) return [];
  const proofs = Array.isArray(p) ? p : [p];
  const out: ProofOutcome[] = [];
  for (const [i, proof] of proofs.entries()) out.push(await verifyOne(doc, proof, i, purpose));
  return out;
}
