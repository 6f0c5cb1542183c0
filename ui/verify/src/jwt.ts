// VC-JWT (compact JWS): EdDSA, ES256, RS256, as src/verify/jws.rs and
// verify_vc_jwt in src/verify/engine.rs. Keys from did:key (`kid`) or the
// header's own `jwk`; signatures checked with WebCrypto (ES256, RS256) and
// @noble/ed25519 in strict mode (ed25519.ts) (EdDSA, as ed25519-dalek verify_strict).
// The registered claims against the credential (`jwt-claims`, and `iss` in
// `issuer-binding`), as JwtClaims in engine.rs.
import { verifyStrict } from "./ed25519";
import { decodeDidKey, DidKeyError, fromBase64url } from "./didkey";
import { iso, parseDate, SKEW_MS } from "./dates";
import { isObj, issuerId, list, strOf, type Obj } from "./json";
import { error, fail, ISSUER_BINDING, JWT_CLAIMS, NOT_BEFORE, NOT_EXPIRED, pass, PROOF, skip, type Check } from "./report";
import { bindingCheck } from "./binding";
import { LimitError, parseJson } from "./limits";

export class JwtFormatError extends Error {}

/** Header and payload of a compact JWS (no verification). */
export function decodeJws(text: string): { header: Obj; payload: unknown } {
  const parts = text.trim().split(".");
  const json = (s: string, what: string) => {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64url(s.replace(/=+$/, ""));
    } catch {
      throw new JwtFormatError(`${what} is not base64url`);
    }
    try {
      return parseJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (e) {
      throw new JwtFormatError(e instanceof LimitError ? `${what} is not JSON: ${e.message}` : `${what} is not JSON`);
    }
  };
  const header = json(parts[0] ?? "", "header");
  const payload = json(parts[1] ?? "", "payload");
  if (!isObj(header) || typeof header.alg !== "string") throw new JwtFormatError("header has no 'alg'");
  return { header, payload };
}

/** The VC of a VC-JWT: the `vc` claim (VCDM 1.1) or the payload itself (VCDM 2.0). */
export function vcOfPayload(payload: unknown): unknown {
  return isObj(payload) && isObj(payload.vc) ? payload.vc : payload;
}

type Key =
  | { alg: "EdDSA"; raw: Uint8Array }
  | { alg: "ES256" | "RS256"; jwk: JsonWebKey };

class KeyProblem extends Error {
  constructor(public outcome: "fail" | "error", message: string) {
    super(message);
  }
}

function keyFromJwk(jwk: unknown): Key {
  const s = (k: string) => (isObj(jwk) && typeof jwk[k] === "string" ? (jwk[k] as string) : undefined);
  const b64 = (v: string | undefined, what: string) => {
    try {
      return fromBase64url((v ?? "").replace(/=+$/, ""));
    } catch {
      throw new KeyProblem("fail", `${what} is not base64url`);
    }
  };
  const kty = s("kty");
  const crv = s("crv");
  if (kty === "OKP" && crv === "Ed25519") {
    const x = b64(s("x"), "jwk x");
    if (x.length !== 32) throw new KeyProblem("fail", "Ed25519 jwk 'x' is not 32 bytes");
    return { alg: "EdDSA", raw: x };
  }
  if (kty === "EC" && crv === "P-256") {
    const x = b64(s("x"), "jwk x");
    const y = b64(s("y"), "jwk y");
    if (x.length !== 32 || y.length !== 32) throw new KeyProblem("fail", "P-256 jwk coordinates must be 32 bytes");
    return { alg: "ES256", jwk: { kty, crv, x: s("x"), y: s("y") } };
  }
  if (kty === "RSA") {
    const n = b64(s("n"), "jwk n");
    let i = 0;
    while (i < n.length && n[i] === 0) i++;
    if (n.length - i < 256) throw new KeyProblem("fail", "RSA keys under 2048 bits are refused");
    return { alg: "RS256", jwk: { kty, n: s("n"), e: s("e") } };
  }
  throw new KeyProblem("error", `unsupported JWK key type ${kty ?? "(none)"} ${crv ?? ""}`);
}

function keyFromKid(kid: string): { key: Key; controller: string } {
  if (kid.startsWith("did:key:")) {
    try {
      const d = decodeDidKey(kid);
      return { key: { alg: "EdDSA", raw: d.publicKey }, controller: d.did };
    } catch (e) {
      if (e instanceof DidKeyError && e.kind === "unsupported") throw new KeyProblem("error", `${kid}: ${e.message}`);
      throw new KeyProblem("fail", `${kid}: ${(e as Error).message}`);
    }
  }
  const m = /^did:([^:]*):/.exec(kid);
  if (m) throw new KeyProblem("error", `did:${m[1]} keys cannot be looked up from this page (${kid})`);
  if (kid.startsWith("https://") || kid.startsWith("http://")) {
    throw new KeyProblem("error", `keys at URLs cannot be looked up from this page (${kid})`);
  }
  throw new KeyProblem("fail", `not a DID or URL: ${kid}`);
}

async function signatureMatches(key: Key, input: string, sig: Uint8Array): Promise<boolean> {
  const data = new TextEncoder().encode(input);
  if (key.alg === "EdDSA") {
    if (sig.length !== 64) return false;
    try {
      return await verifyStrict(sig, data, key.raw);
    } catch {
      return false;
    }
  }
  const params =
    key.alg === "ES256"
      ? { imp: { name: "ECDSA", namedCurve: "P-256" }, ver: { name: "ECDSA", hash: "SHA-256" } }
      : { imp: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, ver: { name: "RSASSA-PKCS1-v1_5" } };
  let k: CryptoKey;
  try {
    k = await crypto.subtle.importKey("jwk", key.jwk, params.imp, false, ["verify"]);
  } catch (e) {
    throw new KeyProblem("fail", key.alg === "ES256" ? "P-256 jwk is not a point on the curve" : `bad RSA jwk: ${(e as Error).message}`);
  }
  if (key.alg === "ES256" && sig.length !== 64) return false;
  try {
    return await crypto.subtle.verify(params.ver, k, sig as BufferSource, data);
  } catch {
    return false;
  }
}

/**
 * The `proof` and `issuer-binding` checks of a VC-JWT whose VC is `vc`. The
 * issuer is the credential's, or `iss` when the credential names none.
 */
export async function verifyVcJwt(token: string, vc: unknown, iss?: string): Promise<[Check, Check]> {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return [fail(PROOF, `a compact JWS has 3 parts, this has ${parts.length}`), skip(ISSUER_BINDING)];
  let header: Obj;
  let sig: Uint8Array;
  try {
    header = decodeJws(token).header;
    sig = fromBase64url(parts[2].replace(/=+$/, ""));
  } catch (e) {
    return [fail(PROOF, (e as Error).message), skip(ISSUER_BINDING)];
  }
  const issuer = issuerId(vc) ?? iss;
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  let key: Key;
  let controller: string | undefined;
  try {
    if (header.jwk !== undefined) {
      key = keyFromJwk(header.jwk);
    } else if (kid !== undefined) {
      ({ key, controller } = keyFromKid(kid));
    } else {
      return [
        error(PROOF, "the token names no key (no 'kid' and no 'jwk' in its header)"),
        skip(ISSUER_BINDING, "no key, nothing to bind"),
      ];
    }
  } catch (e) {
    const p = e as KeyProblem;
    return [p.outcome === "fail" ? fail(PROOF, p.message) : error(PROOF, p.message), skip(ISSUER_BINDING, "no key, nothing to bind")];
  }
  const alg = typeof header.alg === "string" ? header.alg : "";
  const bad = () => [fail(PROOF, `${alg} signature does not match`), skip(ISSUER_BINDING, "the signature did not verify")] as [Check, Check];
  if (!alg || alg.toLowerCase() === "none") return [fail(PROOF, "unsigned token ('alg: none') refused"), skip(ISSUER_BINDING)];
  if (header.crit !== undefined) {
    return [error(PROOF, "the token has critical header parameters ('crit') we do not understand"), skip(ISSUER_BINDING)];
  }
  if (alg !== key.alg) {
    return [fail(PROOF, `the token says alg '${alg}' but the key is for ${key.alg}: algorithm confusion refused`), skip(ISSUER_BINDING)];
  }
  try {
    if (!(await signatureMatches(key, `${parts[0]}.${parts[1]}`, sig))) return bad();
  } catch (e) {
    return [fail(PROOF, (e as Error).message), skip(ISSUER_BINDING)];
  }
  const proof = pass(PROOF, `JWT ${alg} signature matches`);
  if (header.jwk !== undefined) {
    return [proof, error(ISSUER_BINDING, "the token carries its own key (jwk), which nothing ties to the issuer")];
  }
  return [proof, bindingCheck(issuer, controller, kid)];
}

/**
 * A signed OB 2.0 badge whose `verification.creator` is a DID URL: the key is
 * resolved as a VC-JWT's `kid` is (did:key here; other methods cannot be
 * looked up from this page), as `verify_ob2_signed` in src/verify/engine.rs.
 */
export async function verifyOb2Jws(token: string, creator: string, issuer: string | undefined): Promise<[Check, Check]> {
  const parts = token.trim().split(".");
  let header: Obj;
  let sig: Uint8Array;
  let key: Key;
  let controller: string;
  try {
    header = decodeJws(token).header;
    sig = fromBase64url(parts[2].replace(/=+$/, ""));
  } catch (e) {
    return [fail(PROOF, (e as Error).message), skip(ISSUER_BINDING)];
  }
  try {
    ({ key, controller } = keyFromKid(creator));
  } catch (e) {
    const p = e as KeyProblem;
    return [p.outcome === "fail" ? fail(PROOF, p.message) : error(PROOF, p.message), skip(ISSUER_BINDING, "no key, nothing to bind")];
  }
  const alg = typeof header.alg === "string" ? header.alg : "";
  if (alg !== key.alg) {
    return [fail(PROOF, `the badge says alg '${alg}' but the key ${creator} is for ${key.alg}`), skip(ISSUER_BINDING)];
  }
  if (header.crit !== undefined) {
    return [error(PROOF, "the badge has critical header parameters ('crit') we do not understand"), skip(ISSUER_BINDING)];
  }
  try {
    if (!(await signatureMatches(key, `${parts[0]}.${parts[1]}`, sig))) {
      return [fail(PROOF, `${alg} signature does not match`), skip(ISSUER_BINDING, "the signature did not verify")];
    }
  } catch (e) {
    return [fail(PROOF, (e as Error).message), skip(ISSUER_BINDING)];
  }
  return [pass(PROOF, `${alg} signature matches the key ${creator}`), bindingCheck(issuer, controller, creator)];
}

// ---------------------------------------------------------------------------
// Registered claims (RFC 7519 §4.1) against the credential

/** The largest NumericDate accepted: 9999-12-31T23:59:59Z (as engine.rs). */
const MAX_NUMERIC_DATE = 253_402_300_799;

export interface Claims {
  iss?: string;
  exp?: Date;
  nbf?: Date;
  iat?: Date;
  /** Claims present besides `iss`. */
  present: string[];
  /** Malformed claims and disagreements with the credential. */
  problems: string[];
  /** `iss` naming another issuer than the credential does. */
  issMismatch(vc: unknown): string | undefined;
  /** The `jwt-claims` check. */
  check(): Check;
}

const show = (v: unknown) => JSON.stringify(v);

/**
 * Read the registered claims of `payload` and compare them with `vc`: `jti` ↔
 * `id`, `sub` ↔ `credentialSubject.id`, and with a `vc` claim (VC-JWT 1.1, OB
 * 3.0) `exp` ↔ `validUntil`/`expirationDate`, `nbf` ↔ `validFrom`/`issuanceDate`.
 */
export function readClaims(payload: unknown, vc: unknown): Claims {
  const p: Obj = isObj(payload) ? payload : {};
  const problems: string[] = [];
  const present: string[] = [];
  const text = (name: string) => {
    const v = p[name];
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    problems.push(`'${name}' must be a string, not ${show(v)}`);
    return undefined;
  };
  const iss = text("iss");
  const sub = text("sub");
  const jti = text("jti");
  const time = (name: string) => {
    const v = p[name];
    if (v === undefined) return undefined;
    present.push(name);
    if (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= MAX_NUMERIC_DATE) return new Date(Math.floor(v) * 1000);
    problems.push(`'${name}' is not a NumericDate (seconds since 1970, up to the year 9999): ${show(v)}`);
    return undefined;
  };
  const exp = time("exp");
  const nbf = time("nbf");
  const iat = time("iat");
  if (jti !== undefined) {
    present.push("jti");
    const id = strOf(vc, "id");
    if (id !== undefined && id !== jti) problems.push(`'jti' is ${jti}, but the credential's id is ${id}`);
  }
  if (sub !== undefined) {
    present.push("sub");
    const ids = list(isObj(vc) ? vc.credentialSubject : undefined)
      .map((s) => strOf(s, "id"))
      .filter((x): x is string => x !== undefined);
    if (ids.length > 0 && !ids.includes(sub)) problems.push(`'sub' is ${sub}, but the credential's subject is ${ids.join(", ")}`);
  }
  if (isObj(p.vc)) {
    const agree = (claim: Date | undefined, name: string, keys: string[]) => {
      if (!claim) return;
      const own = keys
        .map((k) => strOf(vc, k))
        .filter((s): s is string => s !== undefined)
        .map((s) => [s, parseDate(s)] as const)
        .filter((x): x is readonly [string, Date] => x[1] !== undefined);
      const secs = (d: Date) => Math.floor(d.getTime() / 1000);
      if (own.length > 0 && !own.some(([, d]) => secs(d) === secs(claim))) {
        problems.push(`'${name}' is ${iso(claim)}, but the credential says ${own.map(([s]) => s).join(" / ")}`);
      }
    };
    agree(exp, "exp", ["validUntil", "expirationDate"]);
    agree(nbf, "nbf", ["validFrom", "issuanceDate"]);
  }
  return {
    iss,
    exp,
    nbf,
    iat,
    present,
    problems,
    issMismatch(v: unknown) {
      const issuer = issuerId(v);
      return iss !== undefined && issuer !== undefined && iss !== issuer
        ? `the token's 'iss' is ${iss}, but the credential's issuer is ${issuer}`
        : undefined;
    },
    check() {
      if (problems.length > 0) return fail(JWT_CLAIMS, problems.join("; "));
      if (present.length === 0) return skip(JWT_CLAIMS, "the token carries none of the claims exp, nbf, iat, jti, sub");
      return pass(JWT_CLAIMS, `${present.join(", ")} agree with the credential`);
    },
  };
}

/**
 * Fold `nbf`, `iat` and `exp` into the `not-before` and `not-expired` checks
 * (`dates`, as dateChecks makes them): a token not yet valid, issued in the
 * future or expired fails them even when the credential's own dates hold.
 */
export function applyClaimTimes(c: Claims, dates: Check[], now: Date): void {
  const t = now.getTime();
  let early: string | undefined;
  if (c.nbf && c.nbf.getTime() > t + SKEW_MS) early = `the token is not valid before ${iso(c.nbf)} (its 'nbf')`;
  else if (c.iat && c.iat.getTime() > t + SKEW_MS) early = `the token says it was issued at ${iso(c.iat)}, in the future (its 'iat')`;
  if (early !== undefined) {
    if (dates[0].outcome !== "fail") dates[0] = fail(NOT_BEFORE, early);
  } else if (dates[0].outcome === "skip") {
    if (c.nbf) dates[0] = pass(NOT_BEFORE, `the token is valid from ${iso(c.nbf)} (its 'nbf')`);
    else if (c.iat) dates[0] = pass(NOT_BEFORE, `the token was issued at ${iso(c.iat)} (its 'iat')`);
  }
  if (c.exp) {
    if (c.exp.getTime() < t - SKEW_MS) {
      if (dates[1].outcome !== "fail") dates[1] = fail(NOT_EXPIRED, `the token expired on ${iso(c.exp)} (its 'exp')`);
    } else if (dates[1].outcome === "skip") {
      dates[1] = pass(NOT_EXPIRED, `the token is valid until ${iso(c.exp)} (its 'exp')`);
    }
  }
}
