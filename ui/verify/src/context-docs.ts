// The bundled JSON-LD context documents (contexts/, minified by the page
// build) and the document loader over them, for canon.ts: in the page's lazy
// JSON-LD chunk, loaded only for proofs that need RDF canonicalisation.
// Nothing is ever fetched: any URL not in CONTEXT_FILES is refused.
import { CONTEXT_FILES, UnknownContextError } from "./contexts";

const files = import.meta.glob("../../../contexts/*.{json,jsonld}", {
  eager: true,
  query: "?raw",
  import: "default",
}) as Record<string, string>;

const parsed = new Map<string, unknown>();

/** The bundled context document for `url` (exact match), or undefined. */
export function getContext(url: string): unknown | undefined {
  if (!Object.prototype.hasOwnProperty.call(CONTEXT_FILES, url)) return undefined;
  let doc = parsed.get(url);
  if (doc === undefined) {
    const text = files[`../../../contexts/${CONTEXT_FILES[url]}`];
    if (text === undefined) return undefined;
    doc = JSON.parse(text);
    parsed.set(url, doc);
  }
  return doc;
}

/** A jsonld.js document loader over the bundled set; records what it refused. */
export function documentLoader(refused: string[]) {
  return async (url: string) => {
    const document = getContext(url);
    if (document === undefined) {
      if (!refused.includes(url)) refused.push(url);
      throw new UnknownContextError(url);
    }
    return { contextUrl: null, documentUrl: url, document };
  };
}
