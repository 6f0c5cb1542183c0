// The reference side of scripts/bench.sh: Digital Bazaar's stack from npm
// (the same verifier and document loader as the differential fuzzer,
// scripts/difffuzz/), verifying every credential file in a folder one after
// another on one core, proof only (as `backpack verify` checks the proof).
// Prints one JSON line: {"files", "valid", "ms"} where ms is the loop alone
// (modules loaded and files read before the clock starts: the reference is
// timed at its best; the CLI is timed as a whole process).
// Usage: node scripts/bench/reference.mjs DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { referenceVerify } from "../difffuzz/reference.mjs";

const dir = process.argv[2];
const docs = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
let valid = 0;
const t0 = performance.now();
for (const d of docs) {
  const r = await referenceVerify(d, { proofOnly: true });
  if (r.proof) valid += 1;
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ files: docs.length, valid, ms: Math.round(ms) }));
