// verifyStrict (ed25519.ts) answers as @noble/ed25519's verifyAsync with { zip215: false }.
import * as ed from "@noble/ed25519";
import { describe, expect, it } from "vitest";
import { verifyStrict } from "./ed25519";

const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
const le = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const leInt = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);

describe("verifyStrict", () => {
  it("agrees with noble's strict verify on valid, altered and malformed inputs", async () => {
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 12; i++) {
      const { secretKey, publicKey } = await ed.keygenAsync();
      const msg = crypto.getRandomValues(new Uint8Array(i * 7));
      const sig = await ed.signAsync(msg, secretKey);
      cases.push([sig, msg, publicKey]);
      const flip = (b: Uint8Array, at: number) => {
        const c = b.slice();
        c[at % c.length] ^= 1 << (i % 8);
        return c;
      };
      cases.push([flip(sig, i), msg, publicKey], [flip(sig, 32 + i), msg, publicKey], [sig, msg, flip(publicKey, i)]);
      if (msg.length) cases.push([sig, flip(msg, i), publicKey]);
      // s + L (not reduced), s = 0, s = L - 1.
      const s = leInt(sig.subarray(32));
      for (const t of [s + L, 0n, L - 1n]) {
        if (t >= 1n << 256n) continue;
        const c = sig.slice();
        c.set(le(t), 32);
        cases.push([c, msg, publicKey]);
      }
    }
    // Small-order and non-canonical points: the identity, y = p (non-canonical 0), an all-ones key, a low-order point.
    const P = 2n ** 255n - 19n;
    const odd = [le(1n), le(P), le(P + 1n), new Uint8Array(32).fill(0xff), le(0n), Uint8Array.from(Buffer.from("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "hex"))];
    const { secretKey, publicKey } = await ed.keygenAsync();
    const sig = await ed.signAsync(new Uint8Array([1, 2, 3]), secretKey);
    for (const o of odd) {
      cases.push([sig, new Uint8Array([1, 2, 3]), o]);
      const c = sig.slice();
      c.set(o, 0);
      cases.push([c, new Uint8Array([1, 2, 3]), publicKey]);
      cases.push([c, new Uint8Array([1, 2, 3]), o]);
    }
    let valid = 0;
    for (const [s, m, k] of cases) {
      const want = await ed.verifyAsync(s, m, k, { zip215: false }).catch(() => false);
      expect(await verifyStrict(s, m, k)).toBe(want);
      if (want) valid++;
    }
    expect(valid).toBeGreaterThanOrEqual(12);
  });
});
