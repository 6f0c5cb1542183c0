// The share link formats (issue #6; src/share.rs writes the same bytes):
//   #c=<base64url-no-pad(raw DEFLATE(credential text))>
//   #s=<encodeURIComponent(ciphertext URL)>&k=<base64url-no-pad(32-byte AES key)>
// The ciphertext object: "BPS1" || 12-byte IV || AES-256-GCM(ciphertext||tag),
// additional data "BPS1"; the plaintext is UTF-8 JSON
// {"v":1,"credential":<object or JWT string>,"shared":"…","expires":"…"}.
// Limits (limits.ts, the CLI's): a link longer than MAX_LINK_CHARS is not
// read, and inflating stops as soon as the output passes MAX_INPUT_BYTES.
import { Inflate } from "fflate";
import { fromBase64url } from "./didkey";
import { isObj } from "./json";
import { LimitError, MAX_INPUT_BYTES, MAX_LINK_CHARS, MAX_SHARE_OBJECT_BYTES, overLimit } from "./limits";

export type Fragment =
  | { kind: "none" }
  | { kind: "c"; data: string }
  | { kind: "s"; url: string; key: Uint8Array }
  | { kind: "bad"; why: string }
  /** Longer than any link the limits allow: not read at all. */
  | { kind: "big"; why: string };

const MAGIC = new TextEncoder().encode("BPS1");
export const MAX_SHARE_BYTES = MAX_SHARE_OBJECT_BYTES;

/** Read the URL fragment (with or without the leading '#'). */
export function parseFragment(hash: string): Fragment {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!h) return { kind: "none" };
  if (h.length > MAX_LINK_CHARS + 16) return { kind: "big", why: linkTooLong(h.length) };
  const params = new Map<string, string>();
  for (const part of h.split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const c = params.get("c");
  if (c !== undefined) {
    if (!c) return { kind: "bad", why: "the link holds no credential" };
    return { kind: "c", data: c };
  }
  const s = params.get("s");
  const k = params.get("k");
  if (s !== undefined || k !== undefined) {
    if (!s || !k) return { kind: "bad", why: "the link lacks its location or its key" };
    let url: string;
    try {
      url = decodeURIComponent(s);
    } catch {
      return { kind: "bad", why: "the location in the link is not percent-encoded text" };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { kind: "bad", why: "the location in the link is not a URL" };
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return { kind: "bad", why: "only http(s) locations are accepted" };
    let key: Uint8Array;
    try {
      key = fromBase64url(k);
    } catch {
      return { kind: "bad", why: "the key in the link is not base64url" };
    }
    if (key.length !== 32) return { kind: "bad", why: "the key in the link is not 32 bytes" };
    return { kind: "s", url, key };
  }
  return { kind: "none" };
}

const linkTooLong = (n: number) => `too large: the link is ${n} characters (the limit is ${MAX_LINK_CHARS})`;

/** Compressed bytes given to the inflater at a time: DEFLATE expands at most
 * 1032:1, so one step yields at most about 1 MiB past the limit. */
const INFLATE_STEP = 1024;

/**
 * Inflate a raw DEFLATE stream, stopping as soon as the output passes `max`
 * bytes (LimitError): the input is fed in small steps, so a link that would
 * inflate to gigabytes is refused after inflating `max` bytes, not all of it.
 */
export function inflateCapped(data: Uint8Array, max = MAX_INPUT_BYTES): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inf = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > max) throw new LimitError(overLimit("the link's content", max));
    chunks.push(chunk);
    if (final) done = true;
  });
  for (let at = 0; at < data.length && !done; at += INFLATE_STEP) {
    const end = Math.min(at + INFLATE_STEP, data.length);
    inf.push(data.subarray(at, end), end === data.length);
  }
  if (!done) throw new Error("the compressed data is truncated");
  return concat(chunks, total);
}

/**
 * The credential text of a `#c=` link. Throws LimitError (the CLI's "too
 * large" words) when the link or what it inflates to passes the limits, and
 * a sentence when the link is damaged.
 */
export function decodeSelfContained(b64: string): string {
  if (b64.length > MAX_LINK_CHARS) throw new LimitError(linkTooLong(b64.length));
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(b64);
  } catch {
    throw new Error("the link is not base64url");
  }
  let raw: Uint8Array;
  try {
    raw = inflateCapped(bytes);
  } catch (e) {
    if (e instanceof LimitError) throw e;
    throw new Error(`the link does not inflate: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new Error("the link's content is not UTF-8 text");
  }
}

export interface Share {
  credential: unknown;
  shared?: string;
  expires?: string;
}

/** Decrypt and parse a BPS1 object. Throws when the key is wrong or the bytes were altered. */
export async function openEnvelope(obj: Uint8Array, key: Uint8Array): Promise<Share> {
  if (obj.length < 4 + 12 + 16 || !MAGIC.every((b, i) => obj[i] === b)) throw new Error("not a Backpack share (no BPS1 header)");
  const iv = obj.slice(4, 16);
  const ct = obj.slice(16);
  const k = await crypto.subtle.importKey("raw", key as BufferSource, { name: "AES-GCM" }, false, ["decrypt"]);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: MAGIC, tagLength: 128 }, k, ct);
  } catch {
    throw new Error("decryption failed: wrong key or altered data");
  }
  const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
  if (!isObj(v) || v.v !== 1 || v.credential === undefined) throw new Error("the share is not version 1 or holds no credential");
  if (!(typeof v.credential === "string" || isObj(v.credential))) throw new Error("the shared credential is neither JSON nor a JWT");
  return {
    credential: v.credential,
    shared: typeof v.shared === "string" ? v.shared : undefined,
    expires: typeof v.expires === "string" ? v.expires : undefined,
  };
}

/** What an encrypted short link leads to. */
export type ShareOutcome =
  | { state: "ok"; share: Share }
  | { state: "unshared"; why: "revoked" | "expired"; detail: string }
  | { state: "unfetchable"; detail: string }
  | { state: "damaged"; detail: string };

/** Read at most `max` bytes of a response body. */
async function readCapped(res: Response, max: number): Promise<Uint8Array | undefined> {
  const len = Number(res.headers.get("content-length") ?? "0");
  if (len > max) return undefined;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

/** Fetch, decrypt and check the expiry of an encrypted share. */
export async function fetchShare(url: string, key: Uint8Array, now: Date, timeoutMs = 20000): Promise<ShareOutcome> {
  let res: Response;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    res = await fetch(url, { credentials: "omit", cache: "no-store", redirect: "follow", signal: ctl.signal });
  } catch (e) {
    clearTimeout(timer);
    return { state: "unfetchable", detail: `${url}: ${(e as Error).message}` };
  }
  try {
    if (res.status === 404 || res.status === 410) {
      return { state: "unshared", why: "revoked", detail: `${url} answered HTTP ${res.status}` };
    }
    if (!res.ok) return { state: "unfetchable", detail: `${url} answered HTTP ${res.status}` };
    const body = await readCapped(res, MAX_SHARE_BYTES);
    if (!body) return { state: "unfetchable", detail: `${url} holds more than 8 MiB` };
    let share: Share;
    try {
      share = await openEnvelope(body, key);
    } catch (e) {
      return { state: "damaged", detail: (e as Error).message };
    }
    if (share.expires !== undefined) {
      const exp = new Date(share.expires);
      if (Number.isNaN(exp.getTime())) return { state: "damaged", detail: `the share's expiry '${share.expires}' is not a date` };
      if (exp < now) return { state: "unshared", why: "expired", detail: `the share expired on ${share.expires}` };
    }
    return { state: "ok", share };
  } catch (e) {
    return { state: "unfetchable", detail: `${url}: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The chunks as one array of `total` bytes. */
function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
