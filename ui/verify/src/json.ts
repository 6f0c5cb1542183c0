// Small JSON readers with the same semantics as src/import/json.rs.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A scalar as a non-empty trimmed string (numbers and booleans as text). */
export function scalar(v: unknown): string | undefined {
  let s: string;
  if (typeof v === "string") s = v.trim();
  else if (typeof v === "number" || typeof v === "boolean") s = String(v);
  else return undefined;
  return s ? s : undefined;
}

export const strOf = (v: unknown, key: string): string | undefined => (isObj(v) ? scalar(v[key]) : undefined);

export function list(v: unknown): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v as Json];
}

export function types(v: unknown): string[] {
  if (!isObj(v)) return [];
  let t = list(v.type).map(scalar).filter((x): x is string => !!x);
  if (t.length === 0) t = list(v["@type"]).map(scalar).filter((x): x is string => !!x);
  return t;
}

/** Exact type match (schema rules). */
export const has = (v: unknown, t: string) => types(v).includes(t);

/** Type match that also accepts a prefixed or full IRI (`ob:Assertion`, `…#Assertion`). */
export const hasType = (v: unknown, name: string) =>
  types(v).some((t) => t === name || t.split(/[#/:]/).pop() === name);

export function issuerId(doc: unknown): string | undefined {
  if (!isObj(doc)) return undefined;
  const i = doc.issuer;
  if (typeof i === "string") return i;
  return strOf(i, "id");
}

export const stripFragment = (s: string) => s.split("#")[0];
