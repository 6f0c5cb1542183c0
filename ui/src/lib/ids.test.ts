// The app's words for check ids and rule ids cover exactly the core's ids
// (CHECK_IDS and RULE_IDS, generated from the Rust core into ./generated/ids.ts).
import { describe, expect, it } from "vitest";
import { CHECK_IDS, RULE_IDS } from "./generated/ids";
import { en, nl } from "./messages";

const under = (table: Record<string, string>, prefix: string, except: string[] = []) =>
  Object.keys(table)
    .filter((k) => k.startsWith(prefix) && !except.includes(k))
    .map((k) => k.slice(prefix.length))
    .sort();

describe("check and rule ids", () => {
  for (const [lang, table] of [["en", en], ["nl", nl]] as const) {
    it(`names every check id of the core, and no other (${lang})`, () => {
      expect(under(table, "check.", ["check.other"])).toEqual([...CHECK_IDS].sort());
    });

    it(`names every rule id of the core, and no other (${lang})`, () => {
      expect(under(table, "rule.")).toEqual([...RULE_IDS].sort());
    });
  }
});
