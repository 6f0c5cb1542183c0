import { describe, expect, it } from "vitest";
import { checkLabel, errorText, formatDate, formatNumber, i18n, pickLanguage, setLanguage, t } from "./i18n.svelte";
import { en, nl } from "./messages";

describe("i18n", () => {
  it("formats dates and numbers as Intl does for nl-NL and en-GB, without Intl", () => {
    const dates = ["2021-06-08T10:00:00Z", "2020-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29", "2025-10-05T12:00:00+02:00"];
    const numbers = [0, 0.5, 1, 2.25, 2.345, 7.5, 15, 28, 30.125, 420, 840, 1234.5, 12600, 1000000, -3.5, 1e-7, -0, -0.001, 1e19, 1e21, 123456789012.345];
    for (const [lang, locale] of [["en", "en-GB"], ["nl", "nl-NL"]] as const) {
      setLanguage(lang);
      const dtf = new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric" });
      const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
      for (const d of dates) expect(formatDate(d), `${lang} ${d}`).toBe(dtf.format(new Date(d)));
      for (const n of numbers) expect(formatNumber(n), `${lang} ${n}`).toBe(nf.format(n));
    }
    expect(formatDate("not a date")).toBe("not a date");
    setLanguage("en");
  });

  it("has every English key in Dutch, with the same parameters", () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
    const params = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(params(nl[k]), k).toEqual(params(en[k]));
  });

  it("follows the OS language unless one is chosen", () => {
    expect(pickLanguage("system", "nl", "en-US")).toBe("nl");
    expect(pickLanguage("system", null, "nl-BE")).toBe("nl");
    expect(pickLanguage("system", "en", "nl-NL")).toBe("en");
    expect(pickLanguage("en", "nl", "nl")).toBe("en");
    expect(pickLanguage("nl", "en", "en")).toBe("nl");
  });

  it("translates with parameters and switches at run time", () => {
    setLanguage("en");
    expect(t("list.count", { shown: 3, total: 10 })).toBe("3 of 10 credentials");
    setLanguage("nl");
    expect(i18n.lang).toBe("nl");
    expect(t("list.count", { shown: 3, total: 10 })).toBe("3 van 10 credentials");
    expect(checkLabel("proof")).toBe("Handtekening");
    expect(checkLabel("made-up")).toBe("Andere controle");
    setLanguage("en");
  });

  it("words errors by their code, and falls back to the core's message", () => {
    setLanguage("en");
    expect(errorText({ code: "not-a-badge", message: "x" })).toBe("This is not an awarded badge.");
    expect(errorText({ code: "database", message: "disk I/O error" })).toBe("Something went wrong (database): disk I/O error");
  });
});
