import { describe, expect, it } from "vitest";
import { summary } from "../test/memory-backend";
import { activeCount, apply, emptyFilters, facets, index } from "./filter";

const list = Array.from({ length: 20 }, (_, i) => summary(i));
const idx = index(list);

describe("search and filters", () => {
  it("matches every word of the query in title, issuer or id", () => {
    const r = apply(idx, { ...emptyFilters(), query: "machine HOGESCHOOL" });
    expect(r.length).toBeGreaterThan(0);
    expect(r.every((s) => s.title.includes("Machine") && s.issuer!.includes("Hogeschool"))).toBe(true);
    expect(apply(idx, { ...emptyFilters(), query: "nothing-like-this" })).toEqual([]);
  });

  it("filters by issuer, year, ECTS range, EQF, status and kind", () => {
    const f = emptyFilters();
    expect(apply(idx, { ...f, issuer: "Hogeschool Proefstad (sample)" }).every((s) => s.issuer === "Hogeschool Proefstad (sample)")).toBe(true);
    expect(apply(idx, { ...f, year: "2023" }).every((s) => s.issued!.startsWith("2023"))).toBe(true);
    const range = apply(idx, { ...f, ectsMin: 3, ectsMax: 7.5 });
    expect(range.length).toBeGreaterThan(0);
    expect(range.every((s) => s.ects! >= 3 && s.ects! <= 7.5)).toBe(true);
    expect(apply(idx, { ...f, eqf: 6 }).every((s) => s.eqf_level === 6)).toBe(true);
    expect(apply(idx, { ...f, status: "valid" }).every((s) => s.verdict === "valid")).toBe(true);
    expect(apply(idx, { ...f, kind: "micro" }).every((s) => s.class === "micro-credential")).toBe(true);
    expect(apply(idx, { ...f, kind: "other" }).every((s) => s.class !== "micro-credential")).toBe(true);
    expect(activeCount({ ...f, eqf: 6, kind: "micro", query: "x" })).toBe(2);
  });

  it("treats never-checked credentials as their own status", () => {
    const withUnchecked = index([...list, summary(99, { verdict: null })]);
    const r = apply(withUnchecked, { ...emptyFilters(), status: "unchecked" });
    expect(r).toHaveLength(1);
    expect(r[0].verdict).toBeNull();
  });

  it("sorts by title, ECTS, issuer and date", () => {
    const f = emptyFilters();
    const titles = apply(idx, { ...f, sort: "title" }).map((s) => s.title.toLowerCase());
    expect(titles).toEqual([...titles].sort());
    const ects = apply(idx, { ...f, sort: "ects" }).map((s) => s.ects!);
    expect(ects).toEqual([...ects].sort((a, b) => b - a));
    const dates = apply(idx, { ...f, sort: "oldest" }).map((s) => s.issued!);
    expect(dates).toEqual([...dates].sort());
  });

  it("offers the issuers, years and levels that occur", () => {
    const fc = facets(idx);
    expect(fc.issuers).toEqual(["Hogeschool Proefstad (sample)", "Universiteit van Voorbeeld (sample)"]);
    expect(fc.years).toEqual(["2025", "2024", "2023", "2022", "2021"]);
    expect(fc.eqf).toEqual([5, 6, 7]);
  });

  it("searches 10,000 credentials in well under 20 ms", () => {
    const big = index(Array.from({ length: 10_000 }, (_, i) => summary(i)));
    const times: number[] = [];
    for (const q of ["m", "ma", "mac", "machine", "machine hoge", "2023"]) {
      const t0 = performance.now();
      const r = apply(big, { ...emptyFilters(), query: q });
      times.push(performance.now() - t0);
      expect(r.length).toBeGreaterThan(0);
    }
    times.sort((a, b) => a - b);
    // Median of six queries; the budget for search plus rendering is 20 ms.
    expect(times[3]).toBeLessThan(20);
  });
});
