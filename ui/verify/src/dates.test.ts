// longDate (dates.ts) writes what Intl writes for the page's two languages.
import { describe, expect, it } from "vitest";
import { longDate } from "./dates";

describe("longDate", () => {
  it("is toLocaleDateString's text for nl-NL and en-GB, every month, every day of a leap year, and far years", () => {
    const days: Date[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 86400000) days.push(new Date(t + 13 * 3600000));
    days.push(new Date("1000-01-01T00:00:00Z"), new Date("9999-12-31T23:59:59Z"), new Date("0999-06-15T00:00:00Z"), new Date("1970-01-01T00:00:00Z"));
    for (const d of days) {
      expect(longDate(d, "en")).toBe(d.toLocaleDateString("en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }));
      expect(longDate(d, "nl")).toBe(d.toLocaleDateString("nl-NL", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }));
    }
  });
});
