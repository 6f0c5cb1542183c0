// Runs the verifier page's engine over every mutant in $DIFFFUZZ_DIR/mutants
// and writes $DIFFFUZZ_DIR/page.jsonl (one {file, verdict, checks} a line).
// Not a unit test: scripts/difffuzz/run.mjs starts it and compares.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { verifyText } from "../../ui/verify/src/verify";

it("verifies every mutant with the page's engine", async () => {
  const dir = process.env.DIFFFUZZ_DIR;
  expect(dir, "DIFFFUZZ_DIR").toBeTruthy();
  const now = new Date(process.env.DIFFFUZZ_NOW ?? "2026-01-01T00:00:00Z");
  const files = readdirSync(join(dir!, "mutants")).filter((f) => f.endsWith(".json")).sort();
  const out = join(dir!, "page.jsonl");
  writeFileSync(out, "");
  let lines: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir!, "mutants", f), "utf8");
    let line;
    try {
      const r = await verifyText(text, now);
      line = { file: f, verdict: r.verdict, checks: r.checks };
    } catch (e) {
      // A throw is the page showing "could not check" at best: recorded as such.
      line = { file: f, verdict: "indeterminate", checks: [{ check: "format", outcome: "error", detail: `threw: ${String(e).slice(0, 300)}` }] };
    }
    lines.push(JSON.stringify(line));
    if (lines.length >= 200) {
      appendFileSync(out, lines.join("\n") + "\n");
      lines = [];
    }
  }
  if (lines.length) appendFileSync(out, lines.join("\n") + "\n");
  expect(files.length).toBeGreaterThan(0);
});
