// A Europass credential on the employer page: recognised inside its JAdES
// seal, its shape and dates checked like the CLI does, the seal reported as
// not checked in a browser (never valid), and what an employer reads (title,
// awarding body, EQF, ECTS, the issuer's own pages) read off it.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeEdc } from "./summary";
import { verifyText } from "./verify";

const sample = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "..", "tests", "fixtures", "edc", "edc-mc-signed.jsonld"), "utf8");

describe("a Europass credential on the page", () => {
  it("checks shape and dates, and says the seal is not checked in the browser", async () => {
    const r = await verifyText(sample, new Date("2026-06-01T00:00:00Z"));
    expect(r.kind).toBe("edc");
    expect(r.checks.map((c) => [c.check, c.outcome])).toEqual([
      ["format", "pass"],
      ["schema", "pass"],
      ["seal-signature", "error"],
      ["not-before", "pass"],
      ["not-expired", "skip"],
    ]);
    expect(r.verdict).toBe("indeterminate");
  });

  it("refuses a broken shape", async () => {
    const v = JSON.parse(sample) as { payload: string };
    const doc = JSON.parse(v.payload) as Record<string, unknown>;
    delete doc.credentialSchema;
    v.payload = JSON.stringify(doc);
    const r = await verifyText(JSON.stringify(v), new Date("2026-06-01T00:00:00Z"));
    expect(r.checks.find((c) => c.check === "schema")?.outcome).toBe("fail");
    expect(r.verdict).toBe("invalid");
  });

  it("reads what an employer needs, and the issuer's own pages", async () => {
    const r = await verifyText(sample, new Date("2026-06-01T00:00:00Z"));
    const { summary, pages } = summarizeEdc(r.doc!, "en");
    expect(summary.issuerName).toBe("NETIS d.o.o.");
    expect(summary.eqf).toBe("6");
    expect(summary.ects).toBe("5");
    expect(summary.learnerName).toBe("Joe Done");
    expect(summary.outcomes.length).toBeGreaterThan(0);
    expect(pages.length).toBe(8);
    expect(pages[0].language).toBe("ENG");
    expect(pages.every((p) => p.image.startsWith("data:image/"))).toBe(true);
  });
});
