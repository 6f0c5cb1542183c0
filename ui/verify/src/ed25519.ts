// Ed25519 verification in @noble/ed25519's strict mode ({ zip215: false }:
// canonical encodings of A and R, s < L, small-order keys refused, the
// cofactored equation [8]([s]B - R - [k]A) = 0), step for step as its
// verifyAsync, except for [s]B: noble multiplies the base point through a
// table of 4,224 multiples of B that it builds on first use, ~25 ms of a cold
// page load (measured with scripts/page-bench.mjs and a CPU profile) for a
// page that checks one or two signatures. Double-and-add gives the same point.
// ed25519.test.ts holds the two to the same answer on valid, altered and
// malformed signatures and keys.
import { Point } from "@noble/ed25519";

type P = InstanceType<typeof Point>;
const N = Point.CURVE().n;

function leInt(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

/** [s]B for 0 <= s < L. */
function mulBase(s: bigint): P {
  let p = Point.ZERO;
  let d = Point.BASE;
  while (s > 0n) {
    if (s & 1n) p = p.add(d);
    d = d.double();
    s >>= 1n;
  }
  return p;
}

/** As `ed.verifyAsync(sig, msg, publicKey, { zip215: false })`. */
export async function verifyStrict(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (sig.length !== 64 || publicKey.length !== 32) return false;
  const r = sig.subarray(0, 32);
  const s = leInt(sig.subarray(32, 64));
  let A: P, R: P;
  try {
    A = Point.fromBytes(publicKey, false);
    R = Point.fromBytes(r, false);
  } catch {
    return false;
  }
  if (s >= N) return false;
  const hashable = new Uint8Array(64 + msg.length);
  hashable.set(r, 0);
  hashable.set(publicKey, 32);
  hashable.set(msg, 64);
  const k = leInt(new Uint8Array(await crypto.subtle.digest("SHA-512", hashable))) % N;
  if (A.isSmallOrder()) return false;
  return R.add(A.multiply(k, false)).subtract(mulBase(s)).clearCofactor().is0();
}
