// @vitest-environment node
// The page's VC-JWT claim checks and Data Integrity proof times, with tokens
// and proofs signed here (jose, WebCrypto Ed25519): the same cases and the
// same check ids and outcomes as tests/verify_claims.rs asks of the CLI.
import canonicalize from "canonicalize";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { CLOCK_SKEW_SECONDS } from "./dates";
import { verifyInput, type PresentationResult } from "./presentation";
import { verifyText } from "./verify";

const NOW = new Date("2026-06-01T12:00:00Z");
const now = NOW.getTime() / 1000;
const secs = (s: string) => Date.parse(s) / 1000;
const SUBJECT = "did:example:learner-7";
const ID = "urn:uuid:5e1f0c4a-0000-4000-8000-00000000c1a1";

function base58(bytes: Uint8Array): string {
  const A = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let n = BigInt("0x" + Buffer.from(bytes).toString("hex"));
  let s = "";
  while (n > 0n) {
    s = A[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = "1" + s;
  }
  return s;
}

async function issuer() {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const x = Buffer.from((await exportJWK(keys.publicKey)).x!, "base64url");
  const mb = "z" + base58(Buffer.concat([Buffer.from([0xed, 0x01]), x]));
  const did = `did:key:${mb}`;
  return { key: keys.privateKey as CryptoKey, did, vm: `${did}#${mb}` };
}
type Issuer = Awaited<ReturnType<typeof issuer>>;

const credential = (iss: string): Record<string, unknown> => ({
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  id: ID,
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  issuer: { id: iss, type: ["Profile"], name: "Claims Test Issuer" },
  validFrom: "2025-01-01T00:00:00Z",
  validUntil: "2030-01-01T00:00:00Z",
  name: "Claims badge",
  credentialSubject: {
    id: SUBJECT,
    type: ["AchievementSubject"],
    achievement: { id: "urn:uuid:5e1f0c4a-0000-4000-8000-00000000c1a2", type: ["Achievement"], name: "Claims badge", description: "d", criteria: { narrative: "n" } },
  },
});

const jwt = (i: Issuer, payload: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: "EdDSA", kid: i.vm, typ: "JWT" }).sign(i.key);

/** VC-JWT 1.1 / OB 3.0: the credential in `vc`, every claim bound to it. */
const claims11 = (i: Issuer): Record<string, unknown> => ({
  vc: credential(i.did),
  iss: i.did,
  sub: SUBJECT,
  jti: ID,
  nbf: secs("2025-01-01T00:00:00Z"),
  exp: secs("2030-01-01T00:00:00Z"),
  iat: secs("2025-01-01T00:00:00Z"),
});
/** VC-JOSE-COSE: the payload is the credential. */
const claims20 = (i: Issuer): Record<string, unknown> => ({ ...credential(i.did), iss: i.did, iat: secs("2026-01-01T00:00:00Z"), exp: secs("2027-01-01T00:00:00Z") });

const failed = (r: { checks: { check: string; outcome: string }[] }) => r.checks.filter((c) => c.outcome === "fail").map((c) => c.check);
const get = (r: { checks: { check: string; outcome: string; detail: string }[] }, id: string) => r.checks.find((c) => c.check === id);

describe("VC-JWT registered claims", () => {
  it("keeps consistent tokens valid, within the clock-skew leeway", async () => {
    expect(CLOCK_SKEW_SECONDS).toBe(60);
    const i = await issuer();
    const r = await verifyText(await jwt(i, claims11(i)), NOW);
    expect(r.verdict).toBe("valid");
    expect(r.checks.map((c) => `${c.check}:${c.outcome}`)).toEqual([
      "format:pass", "schema:pass", "proof:pass", "issuer-binding:pass", "jwt-claims:pass", "not-before:pass", "not-expired:pass", "status:skip",
    ]);
    expect(get(r, "jwt-claims")?.detail).toContain("exp, nbf, iat, jti, sub");
    expect((await verifyText(await jwt(i, claims20(i)), NOW)).verdict).toBe("valid");
    const skew = await verifyText(await jwt(i, { ...claims20(i), exp: now - 30, nbf: now + 30, iat: now + 30 }), NOW);
    expect(skew.verdict).toBe("valid");
    const bare = await verifyText(await jwt(i, credential(i.did)), NOW);
    expect(get(bare, "jwt-claims")?.outcome).toBe("skip");
    expect(bare.verdict).toBe("valid");
  });

  it("fails each disagreement or stale time by its check id, the signature still genuine", async () => {
    const i = await issuer();
    const cases: [string, Record<string, unknown>, string[], string][] = [
      ["exp past (2.0)", { ...claims20(i), exp: now - 90 }, ["not-expired"], "(its 'exp')"],
      ["exp past (1.1)", { ...claims11(i), exp: secs("2026-01-01T00:00:00Z") }, ["jwt-claims", "not-expired"], "'exp' is 2026-01-01T00:00:00Z, but the credential says 2030-01-01T00:00:00Z"],
      ["nbf future (2.0)", { ...claims20(i), nbf: now + 90 }, ["not-before"], "not valid before"],
      ["nbf future (1.1)", { ...claims11(i), nbf: secs("2027-01-01T00:00:00Z") }, ["jwt-claims", "not-before"], "'nbf' is 2027-01-01T00:00:00Z"],
      ["iat future", { ...claims20(i), iat: now + 3600 }, ["not-before"], "in the future (its 'iat')"],
      ["iss other (1.1)", { ...claims11(i), iss: "did:web:someone-else.example" }, ["issuer-binding"], "'iss' is did:web:someone-else.example"],
      ["iss other (2.0)", { ...claims20(i), iss: "did:web:someone-else.example" }, ["issuer-binding"], "'iss' is did:web:someone-else.example"],
      ["jti other", { ...claims11(i), jti: "urn:uuid:00000000-0000-4000-8000-000000000000" }, ["jwt-claims"], "'jti' is urn:uuid:00000000"],
      ["sub other", { ...claims20(i), sub: "did:example:someone-else" }, ["jwt-claims"], "'sub' is did:example:someone-else"],
      ["exp as text", { ...claims11(i), exp: "2030-01-01T00:00:00Z" }, ["jwt-claims"], "'exp' is not a NumericDate"],
    ];
    const noUntil = claims11(i);
    delete (noUntil.vc as Record<string, unknown>).validUntil;
    cases.push(["exp fills a missing validUntil (1.1)", { ...noUntil, exp: now - 90 }, ["not-expired"], "expired on"]);
    for (const [name, payload, ids, words] of cases) {
      const r = await verifyText(await jwt(i, payload), NOW);
      expect(r.verdict, name).toBe("invalid");
      expect(failed(r), name).toEqual(ids);
      expect(get(r, "proof")?.outcome, name).toBe("pass");
      expect(ids.map((id) => get(r, id)?.detail).join(" | "), name).toContain(words);
    }
  });
});

/** eddsa-jcs-2022 over `doc` with extra proof options (as sign_with_options in sign.rs). */
async function signJcs(i: Issuer, doc: Record<string, unknown>, extra: Record<string, unknown>) {
  const proof: Record<string, unknown> = {
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    created: "2025-01-01T00:00:00Z",
    verificationMethod: i.vm,
    proofPurpose: "assertionMethod",
    ...extra,
    "@context": doc["@context"],
  };
  const hash = async (o: unknown) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalize(o))));
  const data = Buffer.concat([await hash(proof), await hash(doc)]);
  const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", i.key, data));
  return JSON.stringify({ ...doc, proof: { ...proof, proofValue: "z" + base58(sig) } });
}

describe("Data Integrity proof times", () => {
  it("fails a proof whose expires has passed (or is not a date); leeway as the CLI; a later created is not held against it", async () => {
    const i = await issuer();
    const doc = credential(i.did);
    for (const ok of [{ expires: "2027-01-01T00:00:00Z" }, { expires: "2026-06-01T11:59:30Z" }, { created: "2026-06-02T00:00:00Z" }]) {
      const r = await verifyText(await signJcs(i, doc, ok), NOW);
      expect(r.verdict, JSON.stringify(ok)).toBe("valid");
    }
    for (const [extra, words] of [
      [{ expires: "2026-01-01T00:00:00Z" }, "the proof expired on 2026-01-01T00:00:00Z"],
      [{ expires: "next year" }, `its 'expires' is not a date: "next year"`],
    ] as const) {
      const r = await verifyText(await signJcs(i, doc, extra), NOW);
      expect(r.verdict).toBe("invalid");
      expect(failed(r)).toEqual(["proof"]);
      expect(get(r, "proof")?.detail).toContain(words);
      expect(get(r, "proof")?.detail).toContain("signature");
      expect(get(r, "issuer-binding")?.outcome).toBe("skip");
    }
  });
});

describe("a presentation's holder proof", () => {
  it("fails when its expires has passed, and then binds nobody; the credential inside stays valid", async () => {
    const i = await issuer();
    const h = await issuer();
    const c = JSON.parse(await signJcs(i, credential(i.did), {}));
    const vp = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiablePresentation"], holder: h.did, verifiableCredential: [c] };
    const signed = (expires: string) => signJcs(h, vp, { created: "2026-05-01T00:00:00Z", expires, proofPurpose: "authentication" });
    const ok = (await verifyInput(await signed("2026-07-01T00:00:00Z"), NOW)) as PresentationResult;
    expect(ok.verdict).toBe("valid");
    const r = (await verifyInput(await signed("2026-05-02T00:00:00Z"), NOW)) as PresentationResult;
    expect(r.verdict).toBe("invalid");
    expect(get(r, "proof")?.outcome).toBe("fail");
    expect(get(r, "proof")?.detail).toContain("the proof expired on 2026-05-02T00:00:00Z");
    expect(get(r, "holder-binding")?.outcome).toBe("skip");
    expect(r.credentials[0].verdict).toBe("valid");
  });
});
