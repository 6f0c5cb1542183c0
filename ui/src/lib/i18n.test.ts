import { describe, expect, it } from "vitest";
import { checkLabel, errorText, i18n, pickLanguage, setLanguage, t } from "./i18n.svelte";
import { en, nl } from "./messages";

describe("i18n", () => {
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
