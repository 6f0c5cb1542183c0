// Verify one credential (JSON-LD with Data Integrity proofs, or a VC-JWT) the
// way src/verify/engine.rs does offline, and build the same report: checks
// format, schema, contexts, proof (one per proof), issuer-binding,
// jwt-claims (VC-JWT only), not-before, not-expired, status. Dates allow
// CLOCK_SKEW_SECONDS (dates.ts) of leeway, as the engine. Nothing is
// fetched: did:web keys and status lists are "could not check" (error),
// never "invalid".
import { isBundled } from "./contexts";
import { parseDate, proofTimeProblem, SKEW_MS } from "./dates";
import { mergeBindings, bindingCheck } from "./binding";
import { proofCheck, verifyProofs } from "./di";
import { hasType, isObj, issuerId, list, strOf, types, type Obj } from "./json";
import { parseJson, sizeRefusal } from "./limits";
import { applyClaimTimes, decodeJws, JwtFormatError, readClaims, vcOfPayload, verifyOb2Jws, verifyVcJwt } from "./jwt";
import * as R from "./report";
import { EDC_CONTEXT, edcProblems, ob3Problems } from "./schema";

export interface Result {
  verdict: R.Verdict;
  checks: R.Check[];
  /** The credential's claims as JSON (the VC of a JWT), when readable. */
  doc?: Obj;
  kind?: "jsonld" | "jwt" | "ob2" | "vp" | "edc";
}

const result = (checks: R.Check[], doc?: Obj, kind?: Result["kind"]): Result => ({
  verdict: R.verdictOf(checks),
  checks,
  doc,
  kind,
});

const JWS_RE = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}$/;

/** Verify a credential given as text (JSON or a compact JWS). */
export async function verifyText(text: string, now: Date): Promise<Result> {
  // The CLI's limits first (limits.ts): size, then nesting as JSON is read.
  const tooLarge = sizeRefusal(text);
  if (tooLarge) return result([R.fail(R.FORMAT, tooLarge)]);
  const t = text.trim();
  if (t.startsWith("{")) {
    let v: unknown;
    try {
      v = parseJson(t);
    } catch (e) {
      return result([R.fail(R.FORMAT, `not valid JSON: ${(e as Error).message}`)]);
    }
    return verifyJson(v, now);
  }
  if (JWS_RE.test(t)) return verifyJwt(t, now);
  return result([R.fail(R.FORMAT, "neither a JSON credential nor a JWT")]);
}

/** Verify a credential given as a value: a JSON object, or a JWT string. */
export async function verifyValue(v: unknown, now: Date): Promise<Result> {
  return typeof v === "string" ? verifyText(v, now) : verifyJson(v, now);
}

function isOb2Assertion(v: unknown): boolean {
  return isObj(v) && (hasType(v, "Assertion") || (v.recipient !== undefined && v.badge !== undefined && v.credentialSubject === undefined));
}

function badgeKind(v: unknown): "clr" | "ob3" | undefined {
  if (!isObj(v)) return undefined;
  if (hasType(v, "ClrCredential")) return "clr";
  if (hasType(v, "OpenBadgeCredential") || hasType(v, "AchievementCredential")) return "ob3";
  return undefined;
}

function schemaCheck(problems: string[]): R.Check {
  return problems.length === 0
    ? R.pass(R.SCHEMA, "has every member and type the data model requires")
    : R.fail(R.SCHEMA, problems.join("; "));
}

/** The Europass credential inside a JAdES seal (JWS JSON serialization), if `v` is one. */
function europass(v: Obj): Obj | undefined {
  if (typeof v.payload !== "string") return undefined;
  const first = Array.isArray(v.signatures) ? v.signatures[0] : v;
  const protectedB64 = isObj(first) ? first.protected : undefined;
  if (typeof protectedB64 !== "string") return undefined;
  try {
    const b64 = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const header = JSON.parse(b64(protectedB64)) as unknown;
    const raw = isObj(header) && header.b64 === false ? v.payload : new TextDecoder().decode(Uint8Array.from(b64(v.payload), (c) => c.charCodeAt(0)));
    const doc = parseJson(raw);
    const edc = isObj(doc) && (hasType(doc, "EuropeanDigitalCredential") || list(doc["@context"]).includes(EDC_CONTEXT));
    return edc ? (doc as Obj) : undefined;
  } catch {
    return undefined;
  }
}

/** A Europass credential: its shape and dates; the seal (JAdES, X.509, EU trusted lists) is not checked in a browser, and the page says so. */
function europassResult(doc: Obj, now: Date): Result {
  const problems = edcProblems(doc);
  return result(
    [
      R.pass(R.FORMAT, "Europass Digital Credential"),
      problems.length === 0
        ? R.pass(R.SCHEMA, "has every part the EDC application profile requires that Backpack reads (not a full SHACL validation)")
        : R.fail(R.SCHEMA, problems.join("; ")),
      R.error(R.SEAL_SIGNATURE, "the e-seal (JAdES, its qualified certificate and the EU trusted lists) is not checked in the browser: check it with the Backpack app or the Europass viewer"),
      ...dateChecks(datesOf(doc), now),
    ],
    doc,
    "edc",
  );
}

export async function verifyJson(v: unknown, now: Date): Promise<Result> {
  if (!isObj(v)) return result([R.fail(R.FORMAT, "not an Open Badge: the JSON is not an object")]);
  const edc = europass(v);
  if (edc) return europassResult(edc, now);
  if (isOb2Assertion(v)) return ob2(v, now);
  const kind = badgeKind(v);
  const vc = hasType(v, "VerifiableCredential");
  const checks: R.Check[] = [];
  if (kind && vc) {
    checks.push(R.pass(R.FORMAT, kind === "clr" ? "CLR 2.0" : "Open Badges 3.0"));
    checks.push(schemaCheck(ob3Problems(v)));
  } else if (!kind && vc) {
    checks.push(R.pass(R.FORMAT, "a Verifiable Credential, not an Open Badge"));
    const badgeShaped = list(v.credentialSubject).some((s) => isObj(s) && (s.achievement !== undefined || hasType(s, "AchievementSubject")));
    checks.push(badgeShaped ? schemaCheck(ob3Problems(v)) : R.skip(R.SCHEMA, "not an Open Badge: the Open Badges data model does not apply"));
  } else {
    const t = types(v);
    return result(
      [R.fail(R.FORMAT, t.length ? `not an Open Badge: type is ${t.join(", ")}` : "not an Open Badge: no 'type'")],
      v,
      "jsonld",
    );
  }
  checks.push(contextsCheck(v));
  const outcomes = await verifyProofs(v);
  if (outcomes.length === 0) checks.push(R.fail(R.PROOF, "the credential has no proof: anyone could have written it"));
  const issuer = issuerId(v);
  const proofs = list(v.proof);
  const bindings: R.Check[] = [];
  for (const o of outcomes) {
    let check = proofCheck(o);
    if (o.status === "valid") {
      // The signature holds; the proof must also be current.
      const problem = proofTimeProblem(proofs[o.index], now);
      if (problem !== undefined) check = R.fail(R.PROOF, `${check.detail}, but ${problem}`);
      else bindings.push(bindingCheck(issuer, o.controller, o.verificationMethod));
    }
    checks.push(check);
  }
  checks.push(mergeBindings(bindings, outcomes.length === 0));
  checks.push(...dateChecks(datesOf(v), now));
  checks.push(statusCheck(v));
  return result(checks, v, "jsonld");
}

async function verifyJwt(token: string, now: Date): Promise<Result> {
  let payload: unknown;
  try {
    payload = decodeJws(token).payload;
  } catch (e) {
    const m = e instanceof JwtFormatError ? e.message : String(e);
    return result([R.fail(R.FORMAT, `not a readable JWT: ${m}`)]);
  }
  const vc = vcOfPayload(payload);
  if (isOb2Assertion(payload)) {
    const a = payload as Obj;
    const creator = isObj(a.verification) && typeof a.verification.creator === "string" ? a.verification.creator : undefined;
    // A DID creator is resolved like a VC-JWT's kid (did:key offline); a URL key needs the network.
    const [proof, binding] = creator?.startsWith("did:")
      ? await verifyOb2Jws(token, creator, ob2IssuerId(a))
      : [R.error(R.PROOF, "a signed OB 2.0 badge names its key by URL; this page does not fetch keys"), R.skip(R.ISSUER_BINDING, "no key, nothing to bind")];
    return result([
      R.pass(R.FORMAT, "Open Badges 2.0 (signed)"),
      schemaCheck(ob2Problems(payload)),
      proof,
      binding,
      ...dateChecks(ob2Dates(a), now),
      R.skip(R.STATUS, "not checked on this page"),
    ], payload as Obj, "ob2");
  }
  const kind = badgeKind(vc);
  if (!kind || !isObj(vc)) {
    const t = types(vc);
    return result([R.fail(R.FORMAT, t.length ? `not an Open Badge: type is ${t.join(", ")}` : "not an Open Badge: no 'type'")]);
  }
  const checks: R.Check[] = [R.pass(R.FORMAT, kind === "clr" ? "CLR 2.0 (JWT)" : "Open Badges 3.0 (JWT)"), schemaCheck(ob3Problems(vc))];
  const claims = readClaims(payload, vc);
  const [proof, binding] = await verifyVcJwt(token, vc, claims.iss);
  const mismatch = proof.outcome === "pass" ? claims.issMismatch(vc) : undefined;
  checks.push(proof, mismatch !== undefined ? R.fail(R.ISSUER_BINDING, mismatch) : binding);
  checks.push(claims.check());
  const dates = dateChecks(datesOf(vc, isObj(payload) && isObj(payload.vc) ? payload : undefined), now);
  applyClaimTimes(claims, dates, now);
  checks.push(...dates);
  checks.push(statusCheck(vc));
  return result(checks, vc, "jwt");
}

// ---------------------------------------------------------------------------

export function contextsCheck(doc: Obj): R.Check {
  if (doc["@context"] === undefined) return R.fail(R.CONTEXTS, "the credential has no @context");
  const urls = list(doc["@context"]).filter((c): c is string => typeof c === "string");
  const unknown = urls.filter((u) => !isBundled(u));
  return unknown.length === 0
    ? R.pass(R.CONTEXTS, `all ${urls.length} contexts are in the bundled set`)
    : R.error(R.CONTEXTS, `not in the bundled set, and never fetched: ${unknown.join(", ")}`);
}

function statusCheck(doc: Obj): R.Check {
  const entry = list(doc.credentialStatus)[0];
  if (entry !== undefined) {
    const kind = strOf(entry, "type") ?? "";
    return R.error(R.STATUS, `${kind}: the revocation status list cannot be fetched from this page`);
  }
  return R.skip(R.STATUS, "the credential has no status entry");
}

export interface Dates {
  from?: string;
  until?: string;
}

const firstStr = (v: Obj, keys: string[]) => keys.map((k) => strOf(v, k)).find((x) => x !== undefined);

function datesOf(vc: Obj, claims?: Obj): Dates {
  const claim = (k: string) => {
    const t = claims?.[k];
    return typeof t === "number" && Number.isInteger(t) ? new Date(t * 1000).toISOString().replace(/\.000Z$/, "Z") : undefined;
  };
  const validFrom = firstStr(vc, ["validFrom", "issuanceDate"]) ?? claim("nbf");
  const issued = firstStr(vc, ["awardedDate", "validFrom", "issuanceDate"]) ?? claim("nbf") ?? claim("iat");
  const until = firstStr(vc, ["validUntil", "expirationDate"]) ?? claim("exp");
  return { from: validFrom ?? issued, until };
}

/** The issuer's id of an OB 2.0 assertion: its badge's issuer (an id, or an embedded profile's id). */
function ob2IssuerId(a: Obj): string | undefined {
  const issuer = isObj(a.badge) ? a.badge.issuer : undefined;
  return typeof issuer === "string" ? issuer : strOf(issuer, "id");
}

const ob2Dates = (a: Obj): Dates => ({ from: strOf(a, "issuedOn"), until: strOf(a, "expires") });

export { parseDate };

export function dateChecks(d: Dates, now: Date): R.Check[] {
  const out: R.Check[] = [];
  const from = d.from !== undefined ? parseDate(d.from) : undefined;
  if (d.from === undefined) out.push(R.skip(R.NOT_BEFORE, "no start date"));
  else if (!from) out.push(R.fail(R.NOT_BEFORE, `'${d.from}' is not a valid date`));
  else if (from.getTime() > now.getTime() + SKEW_MS) out.push(R.fail(R.NOT_BEFORE, `not valid before ${d.from}`));
  else out.push(R.pass(R.NOT_BEFORE, `valid from ${d.from}`));
  const until = d.until !== undefined ? parseDate(d.until) : undefined;
  if (d.until === undefined) out.push(R.skip(R.NOT_EXPIRED, "no expiry date"));
  else if (!until) out.push(R.fail(R.NOT_EXPIRED, `'${d.until}' is not a valid date`));
  else if (until.getTime() < now.getTime() - SKEW_MS) out.push(R.fail(R.NOT_EXPIRED, `expired on ${d.until}`));
  else if (from && until < from) out.push(R.fail(R.NOT_EXPIRED, `expires (${d.until}) before it starts`));
  else out.push(R.pass(R.NOT_EXPIRED, `valid until ${d.until}`));
  return out;
}

// ---------------------------------------------------------------------------
// OB 2.0: recognised, but checking it needs the issuer's hosted copy or key.

function ob2Problems(a: unknown): string[] {
  const p: string[] = [];
  if (!isObj(a)) return ["not an object"];
  const ctxOk = list(a["@context"]).some((c) => typeof c === "string" && c.replace(/\/+$/, "") === "https://w3id.org/openbadges/v2");
  if (!ctxOk) p.push("@context must be https://w3id.org/openbadges/v2");
  if (!types(a).some((x) => x === "Assertion" || x.endsWith("#Assertion"))) p.push("type must be Assertion");
  for (const key of ["id", "recipient", "badge", "verification", "issuedOn"]) if (a[key] === undefined) p.push(`${key} is required`);
  return p;
}

function ob2(a: Obj, now: Date): Result {
  return result(
    [
      R.pass(R.FORMAT, "Open Badges 2.0 (hosted)"),
      schemaCheck(ob2Problems(a)),
      R.error(R.PROOF, "a hosted OB 2.0 badge is checked by fetching the issuer's copy; this page does not"),
      R.error(R.ISSUER_BINDING, "needs the issuer's profile from the network"),
      ...dateChecks(ob2Dates(a), now),
      R.skip(R.STATUS, "not checked on this page"),
    ],
    a,
    "ob2",
  );
}
