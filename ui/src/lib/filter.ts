// The search box and filter panel's values. Searching, filtering, sorting and
// the facets are the core's (`backpack::app::search`, through
// `Backend.search` and `Backend.facets`); the UI only holds what it asks for.
import type { Filters } from "./types";

export const emptyFilters = (): Filters => ({
  query: "", issuer: "", year: "", ects_min: null, ects_max: null, eqf: null, status: "", kind: "", sort: "newest",
});

/** How many filters of the panel are set (the query and the order are not filters). */
export function activeCount(f: Filters): number {
  return [f.issuer, f.year, f.ects_min !== null, f.ects_max !== null, f.eqf !== null, f.status, f.kind].filter(Boolean).length;
}
