import { describe, expect, it } from "vitest";
import { activeCount, emptyFilters } from "./filter";

describe("the filter panel's values", () => {
  it("counts the filters set, not the query or the order", () => {
    const f = emptyFilters();
    expect(activeCount(f)).toBe(0);
    expect(activeCount({ ...f, query: "x", sort: "title" })).toBe(0);
    expect(activeCount({ ...f, eqf: 6, kind: "micro" })).toBe(2);
    // 0 ECTS is a bound, not an empty field.
    expect(activeCount({ ...f, ects_min: 0, ects_max: 0, issuer: "A", year: "2024", status: "unchecked" })).toBe(5);
  });
});
