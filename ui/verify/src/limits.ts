// The limits the page applies before any work, and the refusals they give:
// EXACTLY the CLI's (`backpack verify`), so a credential over a limit gets the
// same verdict and the same check (`format`: fail) on the page as in the CLI,
// whichever way it arrives (link, file, paste, encrypted share).
//
// The numbers live in limits.json, which tests/page_limits.rs checks against
// the Rust side: `import::MAX_INPUT_BYTES` (largest input read),
// `import::MAX_PAYLOAD_BYTES` (largest credential text once trimmed),
// serde_json's recursion limit (the deepest nesting the CLI parses: 127
// levels of objects and arrays; 128 is "recursion limit exceeded") and
// `share::envelope::MAX_OBJECT_BYTES` (largest encrypted share object).
import L from "./limits.json";

/** Largest input read (a file, a paste, an inflated link), in bytes. */
export const MAX_INPUT_BYTES: number = L.maxInputBytes;
/** Largest credential text (JSON or a JWT) once trimmed, in UTF-8 bytes. */
export const MAX_PAYLOAD_BYTES: number = L.maxPayloadBytes;
/** Deepest nesting of JSON objects and arrays the CLI parses. */
export const MAX_JSON_NESTING: number = L.maxJsonNesting;
/** Largest encrypted share object fetched. */
export const MAX_SHARE_OBJECT_BYTES: number = L.maxShareObjectBytes;
/**
 * Longest `#c=` data (base64url characters): the base64url length of
 * MAX_INPUT_BYTES. DEFLATE never shrinks data that does not repeat, so a
 * longer link cannot hold a credential the limits allow.
 */
export const MAX_LINK_CHARS: number = Math.ceil((MAX_INPUT_BYTES * 4) / 3);

/** An input refused by a limit, with the CLI's words (the `format` check's detail). */
export class LimitError extends Error {}

/** UTF-8 length of `s` without encoding it (lone surrogates count 3, as TextEncoder's U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The CLI's words for an input of `size` bytes over `limit` (ImportError::TooLarge). */
export const tooLarge = (size: number, limit: number) => `too large: ${size} bytes (the limit is ${limit} bytes)`;

/** The CLI's words for a read stopped at the limit (ImportError::OverLimit). */
export const overLimit = (what: string, limit: number) => `too large: ${what} is more than ${limit} bytes (the limit); stopped reading there`;

/**
 * Why the CLI would refuse this text by its size, or undefined: more than
 * MAX_INPUT_BYTES as given, or more than MAX_PAYLOAD_BYTES once a byte-order
 * mark and surrounding white space are removed (src/import/mod.rs
 * parse_bytes, parse_payload). Cheap: nothing is parsed or copied.
 */
export function sizeRefusal(text: string): string | undefined {
  // Every UTF-16 unit is at least one UTF-8 byte: short texts need no count.
  if (text.length <= MAX_PAYLOAD_BYTES / 3) return undefined;
  const raw = utf8Length(text);
  if (raw > MAX_INPUT_BYTES) return tooLarge(raw, MAX_INPUT_BYTES);
  if (raw <= MAX_PAYLOAD_BYTES) return undefined;
  const payload = utf8Length(text.trim());
  return payload > MAX_PAYLOAD_BYTES ? tooLarge(payload, MAX_PAYLOAD_BYTES) : undefined;
}

/** Why the CLI would refuse a file of `size` bytes unread, or undefined. */
export const fileRefusal = (size: number): string | undefined => (size > MAX_INPUT_BYTES ? tooLarge(size, MAX_INPUT_BYTES) : undefined);

/**
 * Where JSON text nests deeper than MAX_JSON_NESTING, in serde_json's words
 * ("recursion limit exceeded at line L column C", the column in bytes, at
 * the bracket one level too deep), or undefined. A scan of the text: nothing
 * is parsed, so it is safe on any input.
 */
export function nestingError(text: string): string | undefined {
  let depth = 0;
  let inString = false;
  let line = 1;
  let col = 0; // bytes since the start of the line
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    col += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
    if (inString) {
      if (c === 0x5c) {
        i++; // the escaped character (never a newline in valid JSON)
        col += 1;
      } else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x0a) {
      line++;
      col = 0;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_NESTING) return `recursion limit exceeded at line ${line} column ${col}`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** JSON.parse, refusing nesting the CLI refuses first (the error's message is serde_json's). */
export function parseJson(text: string): unknown {
  const deep = nestingError(text);
  if (deep) throw new LimitError(deep);
  return JSON.parse(text);
}

/** Whether a parsed value nests deeper than MAX_JSON_NESTING (stops looking one level past it). */
export function nestsTooDeep(v: unknown, depth = 1): boolean {
  if (typeof v !== "object" || v === null) return false;
  if (depth > MAX_JSON_NESTING) return true;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (nestsTooDeep(x, depth + 1)) return true;
  return false;
}
