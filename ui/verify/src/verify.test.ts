// @vitest-environment node
// Unit tests of the verifier page's logic in Node (WebCrypto, zlib): link
// parsing, the encrypted envelope, did:key, contexts, dates, the verdict, and
// real signatures from the shared vectors and from jose-signed VC-JWTs.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { getContext } from "./context-docs";
import { CONTEXT_FILES } from "./contexts";
import { base64url, decodeDidKey, DidKeyError } from "./didkey";
import { decodeSelfContained, openEnvelope, parseFragment } from "./link";
import { failedIds, pass, skip, error, fail, verdictOf } from "./report";
import { dateChecks, parseDate, verifyText } from "./verify";
import { summarize } from "./summary";

const VECTORS = process.env.BACKPACK_VECTORS || fileURLToPath(new URL("../../../tests/vectors", import.meta.url));
const vec = (p: string) => readFileSync(`${VECTORS}/${p}`, "utf8");
const NOW = new Date("2025-06-01T00:00:00Z");
const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");

describe("contexts", () => {
  it("bundles exactly the contexts of src/verify/contexts.rs, from the same files", () => {
    const rs = readFileSync("src/verify/contexts.rs", "utf8");
    const pairs = [...rs.matchAll(/\("([^"]+)", include_str!\("\.\.\/\.\.\/contexts\/([^"]+)"\)\)/g)].map((m) => [m[1], m[2]]);
    expect(pairs.length).toBeGreaterThan(20);
    expect(Object.entries(CONTEXT_FILES).sort()).toEqual(pairs.sort());
    for (const [url, file] of pairs) {
      expect(getContext(url)).toEqual(JSON.parse(readFileSync(`contexts/${file}`, "utf8")));
    }
    expect(getContext("https://www.w3.org/ns/credentials/v2/")).toBeUndefined();
    expect(getContext("http://www.w3.org/ns/credentials/v2")).toBeUndefined();
  });
});

describe("link fragments", () => {
  it("reads #c=, #s=&k= and refuses broken links", () => {
    expect(parseFragment("")).toEqual({ kind: "none" });
    expect(parseFragment("#c=abc")).toEqual({ kind: "c", data: "abc" });
    const key = new Uint8Array(32).fill(7);
    const url = "https://share.example/a b?x=1&y=2";
    const f = parseFragment(`#s=${encodeURIComponent(url)}&k=${base64url(key)}`);
    expect(f).toEqual({ kind: "s", url, key });
    expect(parseFragment(`#s=${encodeURIComponent(url)}&k=${base64url(key.slice(1))}`).kind).toBe("bad");
    expect(parseFragment(`#s=${encodeURIComponent("ftp://x/y")}&k=${base64url(key)}`).kind).toBe("bad");
    expect(parseFragment(`#s=${encodeURIComponent(url)}`).kind).toBe("bad");
    expect(parseFragment("#c=").kind).toBe("bad");
  });

  it("inflates a #c= payload made by zlib deflateRawSync, and names damage", () => {
    const text = JSON.stringify({ hello: "wereld ✓", n: [1, 2, 3] });
    expect(decodeSelfContained(b64u(deflateRawSync(Buffer.from(text), { level: 9 })))).toBe(text);
    const bytes = deflateRawSync(Buffer.from(text));
    expect(() => decodeSelfContained(b64u(bytes.subarray(0, bytes.length - 3)))).toThrow(/inflate/);
    expect(() => decodeSelfContained("***")).toThrow(/base64url/);
    // A deflate bomb: 17 MiB of zeros in a few kB is refused, not inflated (limits.test.ts: 1 GiB).
    const bomb = deflateRawSync(Buffer.alloc(17 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(40000);
    expect(() => decodeSelfContained(b64u(bomb))).toThrow(/too large: the link's content is more than 16777216 bytes/);
  });
});

async function seal(plain: string, key: Uint8Array): Promise<Uint8Array> {
  const magic = new TextEncoder().encode("BPS1");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const k = await crypto.subtle.importKey("raw", key as BufferSource, "AES-GCM", false, ["encrypt"]);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: magic }, k, new TextEncoder().encode(plain)));
  const out = new Uint8Array(4 + 12 + ct.length);
  out.set(magic, 0);
  out.set(iv, 4);
  out.set(ct, 16);
  return out;
}

describe("encrypted share envelope", () => {
  it("decrypts BPS1 || IV || AES-256-GCM with additional data BPS1, and refuses altered bytes or a wrong key", async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const body = JSON.stringify({ v: 1, credential: { type: ["VerifiableCredential"] }, shared: "2025-01-01T00:00:00Z", expires: "2026-01-01T00:00:00Z" });
    const obj = await seal(body, key);
    const share = await openEnvelope(obj, key);
    expect(share).toEqual({ credential: { type: ["VerifiableCredential"] }, shared: "2025-01-01T00:00:00Z", expires: "2026-01-01T00:00:00Z" });
    const altered = obj.slice();
    altered[20] ^= 1;
    await expect(openEnvelope(altered, key)).rejects.toThrow(/decryption failed/);
    await expect(openEnvelope(obj, crypto.getRandomValues(new Uint8Array(32)))).rejects.toThrow(/decryption failed/);
    const noMagic = obj.slice();
    noMagic[0] = 0x58;
    await expect(openEnvelope(noMagic, key)).rejects.toThrow(/BPS1/);
    await expect(openEnvelope(await seal(JSON.stringify({ v: 2, credential: {} }), key), key)).rejects.toThrow(/version 1/);
  });
});

describe("did:key", () => {
  it("decodes the vc-di-eddsa key and refuses a mismatched fragment or another key type", () => {
    const mb = JSON.parse(vec("vc-di-eddsa/keyPair.json")).publicKeyMultibase as string;
    const d = decodeDidKey(`did:key:${mb}#${mb}`);
    expect(d.did).toBe(`did:key:${mb}`);
    expect(d.publicKey.length).toBe(32);
    expect(() => decodeDidKey(`did:key:${mb}#key-1`)).toThrow(/fragment/);
    expect(() => decodeDidKey("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")).toThrow(DidKeyError);
    expect(() => decodeDidKey("did:web:example.com")).toThrow(/not a did:key/);
  });
});

describe("verdict", () => {
  it("follows the worst check, as report.rs", () => {
    expect(verdictOf([pass("proof"), skip("status")])).toBe("valid");
    expect(verdictOf([pass("proof"), error("status")])).toBe("indeterminate");
    expect(verdictOf([fail("proof"), error("status")])).toBe("invalid");
    expect(verdictOf([skip("proof")])).toBe("indeterminate");
    expect(failedIds([fail("proof"), pass("schema"), fail("proof"), fail("not-expired")])).toEqual(["proof", "not-expired"]);
  });

  it("checks dates against a given now, including bare OB 2.0 dates", () => {
    expect(parseDate("2024-02-31")).toBeUndefined();
    expect(parseDate("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseDate("2024-01-01T10:00:00+02:00")?.toISOString()).toBe("2024-01-01T08:00:00.000Z");
    const c = dateChecks({ from: "2020-01-01T00:00:00Z", until: "2030-01-01T00:00:00Z" }, NOW);
    expect(c.map((x) => x.outcome)).toEqual(["pass", "pass"]);
    expect(dateChecks({ from: "2020-01-01T00:00:00Z", until: "2021-01-01T00:00:00Z" }, NOW)[1].outcome).toBe("fail");
    expect(dateChecks({ from: "3000-01-01T00:00:00Z" }, NOW).map((x) => x.outcome)).toEqual(["fail", "skip"]);
    expect(dateChecks({ from: "31-12-2029" }, NOW)[0].outcome).toBe("fail");
  });
});

describe("signatures", () => {
  it("verifies the W3C vc-di-eddsa vectors (rdfc, jcs, Ed25519Signature2020) and catches tampering", async () => {
    for (const p of ["eddsa-rdfc-2022/signedDataInt.json", "eddsa-jcs-2022/signedJCS.json", "Ed25519Signature2020/signedEdSig.json"]) {
      const text = vec(`vc-di-eddsa/${p}`);
      const r = await verifyText(text, NOW);
      expect(r.checks.find((c) => c.check === "proof")?.outcome, p).toBe("pass");
      const doc = JSON.parse(text);
      doc.credentialSubject.alumniOf = "Another School";
      const t = await verifyText(JSON.stringify(doc), NOW);
      expect(t.verdict, p).toBe("invalid");
      expect(failedIds(t.checks), p).toContain("proof");
    }
  });

  it("calls an unbundled context 'could not check', never forged", async () => {
    const doc = JSON.parse(vec("vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"));
    doc["@context"].push("https://example.org/unknown/v1");
    const r = await verifyText(JSON.stringify(doc), NOW);
    expect(r.checks.find((c) => c.check === "contexts")?.outcome).toBe("error");
    expect(r.checks.find((c) => c.check === "proof")?.outcome).toBe("error");
  });

  it("verifies VC-JWTs: EdDSA with a did:key kid (valid), ES256 with an embedded jwk (not bound), and a changed payload (invalid)", async () => {
    const vc = (issuer: string) => ({
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { id: issuer, type: ["Profile"], name: "Hogeschool Test" },
      validFrom: "2024-01-01T00:00:00Z",
      name: "Data & AI",
      credentialSubject: { type: ["AchievementSubject"], achievement: { id: "urn:uuid:1", type: ["Achievement"], name: "Data & AI", creditsAvailable: 5 } },
    });
    const ed = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const x = Buffer.from((await exportJWK(ed.publicKey)).x!, "base64url");
    const mb = "z" + base58(Buffer.concat([Buffer.from([0xed, 0x01]), x]));
    const did = `did:key:${mb}`;
    const sign = (payload: unknown, header: Record<string, unknown>, key: CryptoKey) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
    const good = await sign({ vc: vc(did), iss: did, nbf: 1704067200 }, { alg: "EdDSA", kid: `${did}#${mb}` }, ed.privateKey);
    const r = await verifyText(good, NOW);
    expect(r.verdict).toBe("valid");
    expect(summarize(r.doc).ects).toBe("5");
    const [h, p, s] = good.split(".");
    const changed = JSON.parse(Buffer.from(p, "base64url").toString());
    changed.vc.name = "Data & AI (honours)";
    const t = await verifyText(`${h}.${Buffer.from(JSON.stringify(changed)).toString("base64url")}.${s}`, NOW);
    expect(t.verdict).toBe("invalid");
    expect(failedIds(t.checks)).toEqual(["proof"]);
    const ec = await generateKeyPair("ES256", { extractable: true });
    const es = await sign(vc("did:web:example.org"), { alg: "ES256", jwk: await exportJWK(ec.publicKey) }, ec.privateKey);
    const e = await verifyText(es, NOW);
    expect(e.checks.find((c) => c.check === "proof")?.outcome).toBe("pass");
    expect(e.checks.find((c) => c.check === "issuer-binding")?.outcome).toBe("error");
    expect(e.verdict).toBe("indeterminate");
  });
});

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

describe("images", () => {
  it("shows only inline PNG/JPEG/SVG data URLs under the size cap", async () => {
    const { safeImage } = await import("./summary");
    expect(safeImage("data:image/png;base64,iVBORw0KGgo=")).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(safeImage({ id: "data:image/svg+xml;base64,PHN2Zz4=" })).toBe("data:image/svg+xml;base64,PHN2Zz4=");
    expect(safeImage("https://tracker.example/pixel.png")).toBeUndefined();
    expect(safeImage("data:text/html;base64,PHNjcmlwdD4=")).toBeUndefined();
    expect(safeImage("data:image/svg+xml;utf8,<svg onload=alert(1)>")).toBeUndefined();
    expect(safeImage("data:image/png;base64," + "A".repeat(2 * 1024 * 1024))).toBeUndefined();
  });
});

describe("signed OB 2.0 badges with a did:key creator (as the sample's)", () => {
  const FIXTURE = fileURLToPath(new URL("../../../tests/fixtures/sample-ob2-didkey.jws", import.meta.url));
  const token = readFileSync(FIXTURE, "utf8").trim();
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  const resign = (obj: unknown) => `${h}.${Buffer.from(JSON.stringify(obj)).toString("base64url")}.${s}`;
  const check = (r: { checks: { check: string; outcome: string }[] }, id: string) => r.checks.find((c) => c.check === id)?.outcome;

  it("verifies offline, bound to the issuer, as the CLI does", async () => {
    const r = await verifyText(token, NOW);
    expect(r.verdict).toBe("valid");
    expect(check(r, "proof")).toBe("pass");
    expect(check(r, "issuer-binding")).toBe("pass");
  });

  it("a changed payload is invalid; a creator the page cannot look up is could-not-check", async () => {
    const changed = { ...payload, issuedOn: "2020-01-01T00:00:00Z" };
    expect(check(await verifyText(resign(changed), NOW), "proof")).toBe("fail");
    const web = { ...payload, verification: { ...payload.verification, creator: "did:web:example.org#key-1" } };
    const r = await verifyText(resign(web), NOW);
    expect(check(r, "proof")).toBe("error");
    expect(r.verdict).toBe("indeterminate");
  });
});
