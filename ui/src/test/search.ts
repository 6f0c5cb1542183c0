// The core's search (src/app/search.rs) in miniature, for the in-memory
// Backend: the same rules (every lower-cased word in title, issuer, id or
// issue date; exact issuer and year; ECTS bounds leave out credentials
// without ECTS; the sorts' tie-breaks), so the UI's tests exercise real
// answers. The Rust unit tests hold the core to these rules.
import type { Facets, Filters, Page, Summary } from "../lib/types";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const hay = (s: Summary) => `${s.title}\n${s.issuer ?? ""}\n${s.id}\n${s.issued?.slice(0, 10) ?? ""}`.toLowerCase();
const year = (s: Summary) => s.issued?.slice(0, 4) ?? "";

function matches(s: Summary, f: Filters, words: string[]): boolean {
  if (f.issuer && s.issuer !== f.issuer) return false;
  if (f.year && year(s) !== f.year) return false;
  if (f.ects_min !== null && (s.ects === null || s.ects < f.ects_min)) return false;
  if (f.ects_max !== null && (s.ects === null || s.ects > f.ects_max)) return false;
  if (f.eqf !== null && s.eqf_level !== f.eqf) return false;
  if (f.status && (f.status === "unchecked" ? s.verdict !== null : s.verdict !== f.status)) return false;
  if (f.kind === "micro" && s.class !== "micro-credential") return false;
  if (f.kind === "other" && s.class === "micro-credential") return false;
  const h = hay(s);
  return words.every((w) => h.includes(w));
}

/** `list` in the store's order (newest first). */
export function search(list: Summary[], f: Filters, offset: number, limit: number): Page {
  const words = f.query.toLowerCase().split(/\s+/).filter(Boolean);
  const out = list.filter((s) => matches(s, f, words));
  const title = (s: Summary) => s.title.toLowerCase();
  if (f.sort === "oldest") out.sort((a, b) => cmp(a.issued ?? "", b.issued ?? "") || cmp(a.id, b.id));
  if (f.sort === "title") out.sort((a, b) => cmp(title(a), title(b)) || cmp(a.id, b.id));
  if (f.sort === "ects") out.sort((a, b) => (b.ects ?? -1) - (a.ects ?? -1) || cmp(title(a), title(b)));
  if (f.sort === "issuer") out.sort((a, b) => cmp(a.issuer ?? "\uffff", b.issuer ?? "\uffff") || cmp(title(a), title(b)));
  return { total_matching: out.length, total: list.length, items: out.slice(offset, offset + limit) };
}

export function facets(list: Summary[]): Facets {
  const issuers = [...new Set(list.map((s) => s.issuer).filter((i): i is string => !!i))];
  issuers.sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()) || cmp(a, b));
  const years = [...new Set(list.map(year).filter(Boolean))].sort().reverse();
  const eqf = [...new Set(list.map((s) => s.eqf_level).filter((l): l is number => l !== null))].sort((a, b) => a - b);
  return { issuers, years, eqf };
}
