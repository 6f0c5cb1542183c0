// @vitest-environment node
// The CLI's limits on the page (limits.ts): sizes, JSON nesting in
// serde_json's words, the streamed inflate of #c= links (a 1 GiB bomb is
// refused after inflating the limit, in well under a second), and the same
// refusal on every way in (text, link, shared value). tests/page_limits.rs
// checks limits.json against the Rust constants; tests/page/ compares the
// verdicts with `backpack verify` in Chromium.
import { constants, createDeflateRaw, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import L from "./limits.json";
import { decodeSelfContained, inflateCapped, parseFragment } from "./link";
import {
  fileRefusal,
  LimitError,
  MAX_INPUT_BYTES,
  MAX_JSON_NESTING,
  MAX_LINK_CHARS,
  MAX_PAYLOAD_BYTES,
  nestingError,
  nestsTooDeep,
  parseJson,
  sizeRefusal,
  utf8Length,
} from "./limits";
import { verifyInput, verifyInputValue } from "./presentation";
import { verifyText } from "./verify";

const NOW = new Date("2025-06-01T00:00:00Z");
const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const nest = (n: number, inner = "1") => "[".repeat(n) + inner + "]".repeat(n);
const checksOf = (r: { checks: { check: string; outcome: string }[] }) => r.checks.map((c) => `${c.check}:${c.outcome}`);

/** `size` bytes of 'a', deflated as a stream (never held inflated). */
async function bomb(size: number): Promise<Buffer> {
  const d = createDeflateRaw({ level: 9, strategy: constants.Z_RLE, chunkSize: 1 << 20 });
  const out: Buffer[] = [];
  d.on("data", (c: Buffer) => out.push(c));
  const block = Buffer.alloc(1 << 20, 0x61);
  for (let i = 0; i < size / block.length; i++) d.write(block);
  d.end();
  await new Promise((r) => d.on("end", r));
  return Buffer.concat(out);
}

describe("the numbers", () => {
  it("are the CLI's (limits.json, checked against Rust by tests/page_limits.rs)", () => {
    expect(MAX_INPUT_BYTES).toBe(L.maxInputBytes);
    expect(MAX_PAYLOAD_BYTES).toBe(L.maxPayloadBytes);
    expect(MAX_JSON_NESTING).toBe(L.maxJsonNesting);
    expect([MAX_INPUT_BYTES, MAX_PAYLOAD_BYTES, MAX_JSON_NESTING]).toEqual([16 * 1024 * 1024, 4 * 1024 * 1024, 127]);
  });
});

describe("nesting", () => {
  it("allows 127 levels and refuses 128 where serde_json does (line, byte column of the bracket)", () => {
    expect(nestingError(nest(MAX_JSON_NESTING))).toBeUndefined();
    expect(nestingError(nest(MAX_JSON_NESTING + 1))).toBe("recursion limit exceeded at line 1 column 128");
    expect(nestingError(`{"a":\n ${nest(200)}}`)).toBe("recursion limit exceeded at line 2 column 128");
    // Columns count UTF-8 bytes, as serde_json's.
    expect(nestingError(`{"é€😀":${nest(127)}}`)).toBe(`recursion limit exceeded at line 1 column ${2 + utf8Length('é€😀"') + 1 + 127}`);
    // Brackets inside strings (and escaped quotes) are text, not nesting.
    expect(nestingError(JSON.stringify({ s: "[".repeat(500) + '\\"{'.repeat(300) }))).toBeUndefined();
    expect(() => parseJson(nest(300))).toThrow(LimitError);
    expect(parseJson(nest(127))).toBeTruthy();
  });

  it("of a parsed value: the same boundary, stopping one level past it", () => {
    expect(nestsTooDeep(JSON.parse(nest(127)))).toBe(false);
    expect(nestsTooDeep(JSON.parse(nest(128)))).toBe(true);
    expect(nestsTooDeep(JSON.parse(nest(1_000_000)))).toBe(true); // no stack overflow
    expect(nestsTooDeep({ a: [{ b: "x" }] })).toBe(false);
  });

  it("a credential nested 128 deep: format fails with serde_json's words, on text, links and shared values; deeper still, no stack overflow", async () => {
    const doc = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"x":${nest(127)}}`;
    for (const r of [await verifyText(doc, NOW), await verifyInput(doc, NOW), await verifyInput(decodeSelfContained(b64u(deflateRawSync(doc))), NOW)]) {
      expect(checksOf(r)).toEqual(["format:fail"]);
      expect(r.verdict).toBe("invalid");
      expect(r.checks[0].detail).toMatch(/^not valid JSON: recursion limit exceeded at line 1 column \d+$/);
    }
    const shared = await verifyInputValue(JSON.parse(doc.replace(nest(127), nest(100_000))), NOW);
    expect(checksOf(shared)).toEqual(["format:fail"]);
    expect(shared.checks[0].detail).toMatch(/recursion limit exceeded/);
    // A presentation and a JWT payload as deep: refused the same way.
    const vp = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"x":${nest(200)}}`;
    expect(checksOf(await verifyInput(vp, NOW))).toEqual(["format:fail"]);
    const jwt = `${b64u(Buffer.from('{"alg":"EdDSA"}'))}.${b64u(Buffer.from(`{"vc":${nest(200)}}`))}.AAAA`;
    const r = await verifyText(jwt, NOW);
    expect(checksOf(r)).toEqual(["format:fail"]);
    expect(r.checks[0].detail).toMatch(/payload is not JSON: recursion limit exceeded at line 1 column 133$/);
  });
});

describe("sizes", () => {
  it("refuse more than 4 MiB of credential text (trimmed) and more than 16 MiB of input, in the CLI's words", async () => {
    const body = (n: number) => `{"a":"${"x".repeat(n - 8)}"}`;
    expect(body(MAX_PAYLOAD_BYTES).length).toBe(MAX_PAYLOAD_BYTES);
    expect(sizeRefusal(body(MAX_PAYLOAD_BYTES))).toBeUndefined();
    expect(sizeRefusal(`  \n${body(MAX_PAYLOAD_BYTES)}\n\n`)).toBeUndefined();
    expect(sizeRefusal(body(MAX_PAYLOAD_BYTES + 1))).toBe(`too large: ${MAX_PAYLOAD_BYTES + 1} bytes (the limit is ${MAX_PAYLOAD_BYTES} bytes)`);
    // UTF-8 bytes, not characters: 2 Mi characters of 'é€' are 5 MiB.
    expect(sizeRefusal(`{"a":"${"é€".repeat(1024 * 1024)}"}`)).toBe(`too large: ${8 + 5 * 1024 * 1024} bytes (the limit is ${MAX_PAYLOAD_BYTES} bytes)`);
    const huge = " ".repeat(MAX_INPUT_BYTES) + body(100);
    expect(sizeRefusal(huge)).toBe(`too large: ${MAX_INPUT_BYTES + 100} bytes (the limit is ${MAX_INPUT_BYTES} bytes)`);
    expect(fileRefusal(MAX_INPUT_BYTES)).toBeUndefined();
    expect(fileRefusal(50 * 1024 * 1024)).toBe(`too large: ${50 * 1024 * 1024} bytes (the limit is ${MAX_INPUT_BYTES} bytes)`);
    // The refusal is the verdict, before any parsing: the same for a credential, a presentation, a link and a shared value.
    const big = `{"type":["VerifiableCredential","OpenBadgeCredential"],"description":"${"x".repeat(5 << 20)}"}`;
    const vp = big.replace("OpenBadgeCredential", "VerifiablePresentation");
    const tooBig = (t: string) => `too large: ${t.length} bytes (the limit is ${MAX_PAYLOAD_BYTES} bytes)`;
    for (const [r, t] of [
      [await verifyText(big, NOW), big],
      [await verifyInput(vp, NOW), vp],
      [await verifyInput(decodeSelfContained(b64u(deflateRawSync(big))), NOW), big],
      [await verifyInputValue(JSON.parse(big), NOW), big],
    ] as const) {
      expect(r.verdict).toBe("invalid");
      expect(checksOf(r)).toEqual(["format:fail"]);
      expect(r.checks[0].detail).toBe(tooBig(t));
    }
  });
});

describe("links", () => {
  it("inflate in steps and stop at the limit: a link that inflates to 1 GiB is refused in well under a second", async () => {
    const b = await bomb(1 << 30);
    expect(b.length).toBeLessThan(1_100_000);
    const t0 = performance.now();
    let err: unknown;
    try {
      decodeSelfContained(b64u(b));
    } catch (e) {
      err = e;
    }
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(LimitError);
    expect((err as Error).message).toBe(`too large: the link's content is more than ${MAX_INPUT_BYTES} bytes (the limit); stopped reading there`);
    expect(ms).toBeLessThan(1000);
    // Up to the limit it inflates; one byte past it does not.
    const exact = deflateRawSync(Buffer.alloc(MAX_INPUT_BYTES, 0x20));
    expect(inflateCapped(exact).length).toBe(MAX_INPUT_BYTES);
    expect(() => inflateCapped(deflateRawSync(Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20)))).toThrow(LimitError);
    // Step-wise inflating gives back exactly what was deflated, across step boundaries.
    const text = Buffer.from(Array.from({ length: 300_000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join(""));
    for (const level of [0, 1, 9]) expect(Buffer.from(inflateCapped(deflateRawSync(text, { level }))).equals(text)).toBe(true);
  });

  it("longer than any link the limits allow are not read", () => {
    expect(MAX_LINK_CHARS).toBe(Math.ceil((MAX_INPUT_BYTES * 4) / 3));
    expect(() => decodeSelfContained("A".repeat(MAX_LINK_CHARS + 1))).toThrow(LimitError);
    const f = parseFragment("#c=" + "A".repeat(MAX_LINK_CHARS + 100));
    expect(f.kind).toBe("big");
  });
});
