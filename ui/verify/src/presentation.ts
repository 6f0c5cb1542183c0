// Verifiable Presentations (VC Data Model 2.0), as src/verify/presentation.rs:
// the presentation's own checks format, contexts, proof (Data Integrity with
// proofPurpose `authentication`, did:key holder keys only, a passed
// `expires` fails), holder-binding,
// challenge, domain and credentials, then every credential inside through the
// credential verifier (verify.ts), one embedded report each: JSON-LD
// credentials as embedded, EnvelopedVerifiableCredentials
// (data:application/vc+jwt,<jws>) and bare VC-JWT strings as their JWT.
// Presentations inside a presentation are refused.
//
// The page has no challenge or domain to expect (nobody asked the holder for
// one), so, as `backpack verify` without --challenge/--domain, both checks
// are "not applicable" and only say what the signed proof carries.
import { proofTimeProblem } from "./dates";
import { verifyProofs, proofCheck, type ProofOutcome } from "./di";
import { hasType, isObj, list, stripFragment, strOf, type Json, type Obj } from "./json";
import * as R from "./report";
import { summarize } from "./summary";
import { MAX_JSON_NESTING, nestsTooDeep, parseJson, sizeRefusal } from "./limits";
import { contextsCheck, verifyJson, verifyText, type Result } from "./verify";

/** The media-type prefix of an enveloped VC-JWT's `id`. */
export const ENVELOPED_VC_JWT = "data:application/vc+jwt,";

/** What the verifier expects the holder's proof to be bound to (the page: nothing). */
export interface Expect {
  challenge?: string;
  domain?: string;
}

/** The report of one credential inside a presentation. */
export interface Embedded extends Result {
  /** Position in `verifiableCredential`. */
  index: number;
  /** The credential's own `id`, if it has one. */
  id?: string;
  title?: string;
}

export interface PresentationResult extends Result {
  kind: "vp";
  /** The holder's DID (or whatever `holder` names). */
  holder?: string;
  /** What the verified holder proof was signed for (shown, not expected). */
  challenge?: string[];
  domain?: string[];
  credentials: Embedded[];
}

export const isPresentation = (v: unknown): v is Obj => isObj(v) && hasType(v, "VerifiablePresentation");

export const isPresentationResult = (r: Result | undefined): r is PresentationResult => r?.kind === "vp";

function holderId(vp: Obj): string | undefined {
  const h = vp.holder;
  if (h === undefined || h === null) return undefined;
  return typeof h === "string" ? h : strOf(h, "id");
}

/** A compact JWS: three base64url parts, the first two non-empty (as is_compact_jws). */
export function isCompactJws(t: string): boolean {
  const parts = t.split(".");
  return parts.length === 3 && parts[0] !== "" && parts[1] !== "" && parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p));
}

const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");

/** The `challenge` or `domain` check for the verified proof, as bound_value. */
function boundValue(check: R.CheckId, member: "challenge" | "domain", proof: Obj | undefined, expected: string | undefined): R.Check {
  if (!proof) return R.skip(check, "no valid proof");
  const got = strings(proof[member]);
  if (expected === undefined) {
    return got.length === 0
      ? R.skip(check, `no ${member} asked for, none given`)
      : R.skip(check, `signed for ${member} '${got.join("', '")}'; the verifier asked for none`);
  }
  if (got.includes(expected)) return R.pass(check, `signed for the ${member} '${expected}' asked for`);
  if (got.length === 0) return R.fail(check, `the verifier asked for ${member} '${expected}', the presentation has none`);
  return R.fail(check, `signed for ${member} '${got.join("', '")}', not for '${expected}'`);
}

/** Verify the `i`-th credential of a presentation. */
async function embedded(i: number, m: Json, now: Date): Promise<Embedded> {
  const refuse = (why: string): Embedded => ({ index: i, verdict: "invalid", checks: [R.fail(R.FORMAT, why)] });
  let r: Result;
  let id: string | undefined;
  if (isObj(m) && hasType(m, "EnvelopedVerifiableCredential")) {
    const env = strOf(m, "id") ?? "";
    if (!env.startsWith(ENVELOPED_VC_JWT)) return refuse(`an enveloped credential must be a data: URL starting with ${ENVELOPED_VC_JWT}`);
    const jws = env.slice(ENVELOPED_VC_JWT.length);
    if (!isCompactJws(jws)) return refuse("the enveloped credential is not a compact JWS");
    r = await verifyText(jws, now);
  } else if (isObj(m) && isPresentation(m)) {
    return refuse("a presentation inside a presentation is refused");
  } else if (isObj(m)) {
    id = strOf(m, "id");
    r = await verifyJson(m, now);
  } else if (typeof m === "string" && isCompactJws(m.trim())) {
    // VCDM 1.1 presentations may carry a VC-JWT as a bare string.
    r = await verifyText(m.trim(), now);
  } else {
    return refuse("neither a credential object nor an enveloped VC-JWT");
  }
  if (r.doc && r.kind === "jwt") id = strOf(r.doc, "id");
  const title = r.doc ? summarize(r.doc).title : undefined;
  return { ...r, index: i, id, title };
}

/** Verify a presentation and the credentials inside it. */
export async function verifyPresentation(vp: Obj, now: Date, expect: Expect = {}): Promise<PresentationResult> {
  const members = list(vp.verifiableCredential);
  const checks: R.Check[] = [
    members.length === 0
      ? R.fail(R.FORMAT, "a Verifiable Presentation that holds no credential")
      : R.pass(R.FORMAT, `a Verifiable Presentation holding ${members.length} credential(s)`),
    contextsCheck(vp),
  ];

  // The holder's proof.
  const outcomes = await verifyProofs(vp, "authentication");
  if (outcomes.length === 0) checks.push(R.fail(R.PROOF, "the presentation has no proof: anyone could have put it together"));
  // A proof whose signature holds but whose `expires` has passed is not valid.
  const stale = (o: ProofOutcome) => (o.status === "valid" ? proofTimeProblem(list(vp.proof)[o.index], now) : undefined);
  for (const o of outcomes) {
    const problem = stale(o);
    checks.push(problem === undefined ? proofCheck(o) : R.fail(R.PROOF, `${proofCheck(o).detail}, but ${problem}`));
  }
  const valid = outcomes.find((o) => o.status === "valid" && stale(o) === undefined);
  const holder = holderId(vp);
  if (holder === undefined) checks.push(R.fail(R.HOLDER_BINDING, "the presentation names no holder"));
  else if (!valid) checks.push(R.skip(R.HOLDER_BINDING, "no valid proof whose key could be bound to the holder"));
  else if (valid.controller === undefined) checks.push(R.error(R.HOLDER_BINDING, "the key's controller is unknown"));
  else if (stripFragment(valid.controller) === stripFragment(holder)) checks.push(R.pass(R.HOLDER_BINDING, `signed with a key of the holder ${holder}`));
  else checks.push(R.fail(R.HOLDER_BINDING, `signed with a key of ${valid.controller}, but the holder is ${holder}`));

  // Challenge and domain: only a verified proof's values count (they are signed).
  const p = valid ? list(vp.proof)[valid.index] : undefined;
  const proof = isObj(p) ? p : undefined;
  checks.push(boundValue(R.CHALLENGE, "challenge", proof, expect.challenge));
  checks.push(boundValue(R.DOMAIN, "domain", proof, expect.domain));

  // The credentials inside.
  const credentials: Embedded[] = [];
  for (const [i, m] of members.entries()) credentials.push(await embedded(i, m, now));
  const numbers = (v: R.Verdict) => credentials.filter((c) => c.verdict === v).map((c) => String(c.index + 1));
  const failed = numbers("invalid");
  const unsure = numbers("indeterminate");
  const n = credentials.length;
  if (n > 0) {
    checks.push(
      failed.length
        ? R.fail(R.CREDENTIALS, `invalid: credential ${failed.join(", ")} of ${n}`)
        : unsure.length
          ? R.error(R.CREDENTIALS, `could not be checked: credential ${unsure.join(", ")} of ${n}`)
          : R.pass(R.CREDENTIALS, `all ${n} credential(s) verified`),
    );
  }
  return {
    verdict: R.verdictOf(checks),
    checks,
    doc: vp,
    kind: "vp",
    holder,
    challenge: proof ? strings(proof.challenge) : undefined,
    domain: proof ? strings(proof.domain) : undefined,
    credentials,
  };
}

/**
 * What the page opens (a #c= link, a file, pasted text): a JSON Verifiable
 * Presentation is verified as one; anything else as a credential. As the
 * Rust engine, a document that reads as a badge stays a badge.
 */
export async function verifyInput(text: string, now: Date, expect: Expect = {}): Promise<Result> {
  const t = text.trim();
  // Over the CLI's limits, verifyText refuses it before any parsing.
  if (t.startsWith("{") && !sizeRefusal(text)) {
    let v: unknown;
    try {
      v = parseJson(t);
    } catch {
      v = undefined;
    }
    if (isPresentation(v) && !readsAsBadge(v)) return verifyPresentation(v, now, expect);
  }
  return verifyText(text, now);
}

/**
 * A shared object's credential: a JSON value or a JWT string. A value is
 * checked as its JSON text would be (the CLI's limits on size and nesting
 * hold for it as for a link, a file or a paste).
 */
export async function verifyInputValue(v: unknown, now: Date, expect: Expect = {}): Promise<Result> {
  if (typeof v === "string") return verifyInput(v, now, expect);
  if (nestsTooDeep(v)) {
    const checks = [R.fail(R.FORMAT, `not valid JSON: recursion limit exceeded (more than ${MAX_JSON_NESTING} levels of nesting)`)];
    return { verdict: R.verdictOf(checks), checks };
  }
  return verifyInput(JSON.stringify(v), now, expect);
}

/** What the importer would take as a badge before ever trying a presentation. */
function readsAsBadge(v: Obj): boolean {
  return (
    hasType(v, "Assertion") ||
    hasType(v, "OpenBadgeCredential") ||
    hasType(v, "AchievementCredential") ||
    hasType(v, "ClrCredential") ||
    (v.recipient !== undefined && v.badge !== undefined && v.credentialSubject === undefined)
  );
}
