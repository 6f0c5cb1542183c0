// Safe mode beyond jsonld.js, as src/verify/dataintegrity.rs `precheck`:
// jsonld.js in safe mode refuses what JSON-LD would drop with an event
// (undefined terms, relative or whitespace IRIs, keyword-like keys, free-
// floating nodes, a term mapped to null or a blank node, ...), but a plain
// `null` member (`"description": null`) or array item is dropped without any
// event. The CLI refuses it (the JSON and the signed data would disagree on
// whether a field exists), and so does the page, with the same rule: `null`
// outside `@context` and outside `@json` values (terms the bundled contexts
// type `@json`, and value objects with `"@type": "@json"`).
import { CONTEXT_FILES, getContext } from "./contexts";
import { isObj, type Json } from "./json";

let jsonTerms: Set<string> | undefined;

/** Terms any bundled context types `@json` (their values are JSON data, nulls included). */
function bundledJsonTerms(): Set<string> {
  if (jsonTerms) return jsonTerms;
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      for (const [k, def] of Object.entries(v)) {
        if (isObj(def) && def["@type"] === "@json") out.add(k);
        walk(def);
      }
    }
  };
  for (const url of Object.keys(CONTEXT_FILES)) walk(getContext(url));
  jsonTerms = out;
  return out;
}

/** The first unsafe `null` in a document body, described, or undefined. */
export function unsafeNull(doc: Json): string | undefined {
  const terms = bundledJsonTerms();
  const value = (v: Json, key: string | undefined): string | undefined => {
    if (v === null) return `a \`null\` value${key ? ` in \`${key}\`` : ""} (JSON-LD drops it, so no signature covers it)`;
    if (Array.isArray(v)) {
      for (const x of v) {
        const r = value(x, key);
        if (r) return r;
      }
      return undefined;
    }
    if (!isObj(v)) return undefined;
    const jsonLiteral = v["@type"] === "@json";
    for (const [k, x] of Object.entries(v)) {
      if (k === "@context" || terms.has(k) || (k === "@value" && jsonLiteral)) continue;
      const r = value(x, k);
      if (r) return r;
    }
    return undefined;
  };
  return value(doc, undefined);
}
