// VC-JWT (compact JWS): EdDSA, ES256, RS256, as src/verify/jws.rs and
// verify_vc_jwt in src/verify/engine.rs. Keys from did:key (`kid`) or the
// header's own `jwk`; signatures checked with WebCrypto (ES256, RS256) and
// @noble/ed25519 in strict mode (EdDSA, as ed25519-dalek verify_strict).
import * as ed from "@noble/ed25519";
import { decodeDidKey, DidKeyError, fromBase64url } from "./didkey";
import { isObj, issuerId, type Obj } from "./json";
import { error, fail, ISSUER_BINDING, pass, PROOF, skip, type Check } from "./report";
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
      return await ed.verifyAsync(sig, data, key.raw, { zip215: false });
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

/** The `proof` and `issuer-binding` checks of a VC-JWT whose VC is `vc`. */
export async function verifyVcJwt(token: string, vc: unknown): Promise<[Check, Check]> {
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
  const issuer = issuerId(vc);
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
