// The page's check ids are the core's (CHECK_IDS, generated from
// backpack::verify::report into ui/src/lib/generated/ids.ts): it may emit a
// subset, never an id of its own, and it has words for every id it emits and
// for no other.
import { describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../src/lib/generated/ids";
import { messages } from "./i18n";
import * as R from "./report";

const core: readonly string[] = CHECK_IDS;
const emitted = Object.entries(R)
  .filter(([name, v]) => /^[A-Z_]+$/.test(name) && typeof v === "string")
  .map(([, v]) => v as string);
const labelled = (table: Record<string, string>) =>
  Object.keys(table)
    .filter((k) => k.startsWith("c.") && k !== "c.other")
    .map((k) => k.slice(2));

describe("check ids on the employer page", () => {
  it("emits only the core's check ids", () => {
    expect(emitted.length).toBeGreaterThan(8);
    for (const id of emitted) expect(core, id).toContain(id);
  });

  it("labels every id it emits, in English and Dutch, and no other", () => {
    for (const [lang, table] of Object.entries(messages)) {
      expect(labelled(table).sort(), lang).toEqual([...new Set(emitted)].sort());
    }
  });
});
