// Safe mode beyond jsonld.js: a port of src/verify/dataintegrity.rs
// `precheck`, so the page and the CLI refuse exactly the same documents.
// jsonld.js in safe mode already refuses most of what JSON-LD would drop
// (undefined terms, relative or whitespace IRIs, free-floating nodes, ...),
// but some drops raise no event: a plain `null` member or array item, context
// keywords on a node (`@vocab`, `@base`, ...), an inline context mapping an
// unused term to null. The CLI refuses those (the JSON and the signed data
// would disagree), and so does the page, with the same rules:
// - `null` outside `@context` and `@json` values (terms the bundled contexts
//   type `@json`, and value objects with `"@type": "@json"`);
// - keys of keyword form that are not node/value-object keywords;
// - `@id` values of keyword form; objects with only `@language`;
// - empty objects, objects with only an id, and bare values in graph
//   containers (`@graph` and terms the bundled contexts make `@graph`);
// - inline contexts that map a term (or `@vocab`) to null or a blank node,
//   define keyword-like terms, or reset the context with `@context: null`.
import BUNDLED from "./bundled-terms.json";
import { isObj, type Json, type Obj } from "./json";

const NODE_KEYWORDS = new Set([
  "@context", "@id", "@type", "@graph", "@included", "@index", "@list", "@set", "@value", "@language",
  "@direction", "@nest", "@reverse", "@none",
]);
const KEYWORDS = new Set([
  "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
  "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
  "@value", "@version", "@vocab",
]);
const CONTEXT_KEYWORDS = new Set(["@base", "@language", "@direction", "@propagate", "@protected", "@version", "@import"]);

/**
 * Terms the bundled contexts type `@json` or make `@graph` containers
 * (`@graph` itself included): read off contexts/ before the page is built
 * (bundled-terms.json), not by parsing every bundled context on the first
 * credential; safety-terms.test.ts reads them off the contexts again
 * (bundledTermsOf) and holds the file to that.
 */
const terms = { json: new Set<string>(BUNDLED.json), graph: new Set<string>(BUNDLED.graph) };
const bundledTerms = () => terms;

/** The terms `docs` (context documents) type `@json` or make `@graph` containers, sorted. */
export function bundledTermsOf(docs: unknown[]): { json: string[]; graph: string[] } {
  const out = { json: new Set<string>(), graph: new Set<string>(["@graph"]) };
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      for (const [k, def] of Object.entries(v)) {
        if (isObj(def)) {
          if (def["@type"] === "@json") out.json.add(k);
          const c = def["@container"];
          if (c === "@graph" || (Array.isArray(c) && c.includes("@graph"))) out.graph.add(k);
        }
        walk(def);
      }
    }
  };
  docs.forEach(walk);
  return { json: [...out.json].sort(), graph: [...out.graph].sort() };
}

/** Why the document body is unsafe (first reason found), or undefined. */
export function unsafeBody(doc: Json): string | undefined {
  const t = bundledTerms();
  let found: string | undefined;
  const refuse = (why: string) => {
    if (found === undefined) found = why;
  };
  const context = (c: Json) => {
    if (Array.isArray(c)) return c.forEach(context);
    if (c === null) return refuse("`@context: null` inside the document (it would hide terms JSON-LD drops)");
    if (!isObj(c)) return;
    for (const [k, def] of Object.entries(c)) {
      if (k === "@import") continue;
      if (k.startsWith("@") && !KEYWORDS.has(k)) refuse(`context term \`${k}\` looks like a JSON-LD keyword and would be ignored`);
      const id = isObj(def) ? def["@id"] : def;
      const nullId = isObj(def) ? "@id" in def && def["@id"] === null : def === null;
      if (nullId) {
        if (!CONTEXT_KEYWORDS.has(k)) refuse(`the inline context maps \`${k}\` to null, so JSON-LD drops it`);
      } else if (typeof id === "string" && id.startsWith("_:")) {
        refuse(`the inline context maps \`${k}\` to a blank node \`${id}\``);
      }
      if (isObj(def) && def["@context"] !== undefined) context(def["@context"]);
    }
  };
  const graphMembers = (key: string, v: Json) => {
    for (const item of Array.isArray(v) ? v : [v]) {
      const dropped = isObj(item)
        ? Object.keys(item).length === 0 || (Object.keys(item).length === 1 && ("@id" in item || "id" in item))
        : item !== null && typeof item !== "object";
      if (dropped) refuse(`a member of \`${key}\` that JSON-LD drops (an empty object, a reference with only an id, or a bare value)`);
    }
  };
  const object = (o: Obj) => {
    const jsonLiteral = o["@type"] === "@json";
    const keys = Object.keys(o);
    if (keys.length > 0 && keys.every((k) => k === "@language")) refuse("an object with only `@language` (JSON-LD drops it)");
    for (const [k, v] of Object.entries(o)) {
      if (k === "@context") {
        context(v);
        continue;
      }
      if (k === "@value" && jsonLiteral) continue;
      if (k === "@direction") refuse("`@direction` is not supported (its value would be dropped from the signed data)");
      else if ((k === "@id" || k === "id") && typeof v === "string" && /^@[A-Za-z]+$/.test(v)) {
        refuse(`\`${k}\` value \`${v}\` has the form of a keyword (JSON-LD drops it)`);
      } else if (k.startsWith("@") && !NODE_KEYWORDS.has(k)) {
        refuse(`key \`${k}\` is not a keyword of a node or value object and would be ignored`);
      }
      if (t.json.has(k)) continue;
      if (t.graph.has(k)) graphMembers(k, v);
      value(v, k);
    }
  };
  const value = (v: Json, key: string | undefined) => {
    if (v === null) refuse(`a \`null\` value${key ? ` in \`${key}\`` : ""} (JSON-LD drops it, so no signature covers it)`);
    else if (Array.isArray(v)) v.forEach((x) => value(x, key));
    else if (isObj(v)) object(v);
  };
  value(doc, undefined);
  return found;
}
