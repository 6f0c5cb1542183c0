// did:key (Ed25519) resolved locally, as src/verify/didkey.rs: base58btc
// multibase, multicodec 0xed 0x01, 32-byte key; a fragment must equal the key.

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function base58btcDecode(s: string): Uint8Array {
  let zeros = 0;
  while (zeros < s.length && s[zeros] === "1") zeros++;
  const bytes: number[] = [];
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`'${ch}' is not a base58btc character`);
    let carry = v;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[zeros + i] = bytes[bytes.length - 1 - i];
  return out;
}

export class DidKeyError extends Error {
  /** "unsupported": a valid did:key of another key type (cannot check); "malformed": broken. */
  constructor(public kind: "malformed" | "unsupported", message: string) {
    super(message);
  }
}

/** Ed25519 public key from a `z…` multibase Multikey value. */
export function decodeMultibaseEd25519(mb: string): Uint8Array {
  if (!mb.startsWith("z")) throw new DidKeyError("malformed", `${mb} is not base58btc multibase (must start with z)`);
  let bytes: Uint8Array;
  try {
    bytes = base58btcDecode(mb.slice(1));
  } catch (e) {
    throw new DidKeyError("malformed", `${mb}: ${(e as Error).message}`);
  }
  if (bytes.length < 2 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new DidKeyError("unsupported", `${mb} is not an Ed25519 public key`);
  }
  if (bytes.length !== 34) throw new DidKeyError("malformed", `${mb}: an Ed25519 key has 32 bytes, not ${bytes.length - 2}`);
  return bytes.slice(2);
}

export interface DidKey {
  did: string;
  methodId: string;
  publicKey: Uint8Array;
}

/** Decode `did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`. */
export function decodeDidKey(didUrl: string): DidKey {
  if (!didUrl.startsWith("did:key:")) throw new DidKeyError("malformed", `not a did:key: ${didUrl}`);
  const rest = didUrl.slice("did:key:".length);
  const hash = rest.indexOf("#");
  const mb = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? undefined : rest.slice(hash + 1);
  if (!mb || /[/?:]/.test(mb)) throw new DidKeyError("malformed", `not a did:key: ${didUrl}`);
  if (fragment !== undefined && fragment !== mb) {
    throw new DidKeyError("malformed", `the fragment #${fragment} is not the key ${mb}`);
  }
  return { did: `did:key:${mb}`, methodId: `did:key:${mb}#${mb}`, publicKey: decodeMultibaseEd25519(mb) };
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("not base64url");
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
