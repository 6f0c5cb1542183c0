// The differential fuzzer's harness (scripts/difffuzz.sh runs it):
// 1. seeds (seeds.mjs, plus Backpack's own signed samples from `backpack sample`);
// 2. N mutants (mutate.mjs), written to a temporary folder;
// 3. Backpack once over the folder: `backpack verify --json --offline`;
// 4. the reference (reference.mjs: Digital Bazaar's stack, jsonld.js safe mode) on each;
// 5. the page's engine (ui/verify/src/verify.ts) on each, through Vitest;
// 6. compare and report.
//
// What is compared: whether the SIGNATURE is accepted. Backpack accepts a
// mutant when its report has at least one `proof` check that passes and none
// that fails (the verdict may still be invalid or indeterminate for dates,
// status, schema or issuer binding: those are Backpack's own policy, and the
// reference's vc library has a different one). The reference accepts it when
// jsonld-signatures verifies a proof with AssertionProofPurpose.
// - FAILURE: Backpack (or the page) accepts, the reference refuses. Exit 1.
// - review: the reference accepts, Backpack refuses (Backpack is stricter, or wrong).
// - page/CLI disagreement: listed (the page must give the CLI's answer).
// - neutral mutants (key order, whitespace, escapes) the reference refuses: a
//   fuzzer bug, listed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT, refused } from "./loader.mjs";
import { corpus } from "./corpus.mjs";
import { mutant } from "./mutate.mjs";
import { referenceVerify } from "./reference.mjs";
import { loadSeeds } from "./seeds.mjs";

function args() {
  const a = { count: 500, seed: "1", bin: process.env.BACKPACK_BIN, out: join(ROOT, "target", "difffuzz"), page: true, keep: false, vectors: process.env.BACKPACK_VECTORS || join(ROOT, "tests", "vectors") };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i++) {
    const k = v[i];
    if (k === "--count") a.count = Number(v[++i]);
    else if (k === "--seed") a.seed = String(v[++i]);
    else if (k === "--bin") a.bin = v[++i];
    else if (k === "--out") a.out = v[++i];
    else if (k === "--vectors") a.vectors = v[++i];
    else if (k === "--no-page") a.page = false;
    else if (k === "--keep") a.keep = true;
    else {
      console.error(`unknown argument ${k}\nusage: run.mjs [--count N] [--seed S] [--bin BACKPACK] [--out DIR] [--vectors DIR] [--no-page] [--keep]`);
      process.exit(2);
    }
  }
  if (!a.bin) {
    console.error("set --bin or BACKPACK_BIN to the backpack binary");
    process.exit(2);
  }
  if (!Number.isInteger(a.count) || a.count < 0) {
    console.error("--count must be a whole number (0: the seeds and the corpus only)");
    process.exit(2);
  }
  return a;
}

const NOW = "2026-01-01T00:00:00Z";
const t = () => performance.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Signature accepted: a passing proof check and no failing one. */
function accepts(checks) {
  const proofs = (checks ?? []).filter((c) => c.check === "proof");
  return proofs.some((c) => c.outcome === "pass") && !proofs.some((c) => c.outcome === "fail");
}

function why(checks) {
  const bad = (checks ?? []).filter((c) => c.outcome === "fail" || c.outcome === "error");
  return bad.map((c) => `${c.check} ${c.outcome}: ${String(c.detail).slice(0, 160)}`).join(" | ") || "(nothing failed)";
}

/** Backpack's first failing check on each entry, without the values in backquotes, counted. */
function reasons(entries) {
  const c = {};
  for (const e of entries) {
    const k = e.backpack.why.split(" | ")[0].replace(/`[^`]*`/g, "`…`").replace(/:[^:]*$/, "").slice(0, 90);
    c[k] = (c[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(c).sort((p, q) => q[1] - p[1]).slice(0, 8));
}

function opClass(op) {
  return op.replace(/\(.*$/s, "");
}

let cleanup = () => {};

async function main() {
  const a = args();
  const work = mkdtempSync(join(tmpdir(), "difffuzz-"));
  if (!a.keep) cleanup = () => rmSync(work, { recursive: true, force: true });
  const mdir = join(work, "mutants");
  mkdirSync(mdir);
  const times = {};
  let t0 = t();

  // Backpack's own samples: signed by a did:key it makes in a throwaway data folder.
  const extra = [];
  const sdir = join(work, "samples");
  // A fixed sample issuer key (the file `backpack sample` keeps in its data
  // folder), so the samples, and so every mutant, are the same for a seed.
  mkdirSync(join(work, "data"));
  writeFileSync(join(work, "data", "sample-issuer.json"), JSON.stringify({ note: "difffuzz: fixed test key", seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60" }));
  const sample = spawnSync(a.bin, ["--data-dir", join(work, "data"), "sample", "--out", sdir, "--count", "8"], { encoding: "utf8" });
  if (sample.status !== 0) throw new Error(`backpack sample failed: ${sample.stderr}`);
  for (const f of readdirSync(sdir).filter((f) => f.endsWith("-ob3.json")).sort()) {
    extra.push({ name: `sample:${f}`, doc: JSON.parse(readFileSync(join(sdir, f), "utf8")) });
  }
  const { kept: seeds, dropped } = await loadSeeds({ vectors: a.vectors, extra });
  if (seeds.length < 10) throw new Error(`only ${seeds.length} seeds verified by the reference`);
  times.seeds = t() - t0;

  t0 = t();
  const meta = new Map();
  // Every seed as it is, first: Backpack must accept the genuinely signed
  // credentials, or "both invalid" would say nothing.
  seeds.forEach((s, i) => {
    const file = `s${String(i).padStart(6, "0")}.json`;
    writeFileSync(join(mdir, file), JSON.stringify(s.doc, null, 2));
    meta.set(file, { i, seed: s.name, neutral: true, ops: ["unchanged seed"], unchanged: true });
  });
  // The fixed regression corpus (corpus.mjs), compared like mutants.
  const fixed = await corpus();
  fixed.forEach((c, i) => {
    const file = `c${String(i).padStart(6, "0")}.json`;
    writeFileSync(join(mdir, file), JSON.stringify(c.doc, null, 2));
    meta.set(file, { i, seed: c.name, neutral: false, ops: [c.name], corpus: true });
  });
  for (let i = 0; i < a.count; i++) {
    const m = mutant(seeds, a.seed, i);
    const file = `m${String(i).padStart(6, "0")}.json`;
    writeFileSync(join(mdir, file), m.text);
    meta.set(file, { i, seed: m.seed, neutral: m.neutral, ops: m.ops });
  }
  times.mutate = t() - t0;

  t0 = t();
  const bp = spawnSync(a.bin, ["verify", "--json", "--offline", "--now", NOW, "--jobs", "2", mdir], { encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, BACKPACK_DATA_DIR: join(work, "data") } });
  if (bp.status !== 0 && bp.status !== 1) throw new Error(`backpack verify exited ${bp.status}: ${bp.stderr.slice(0, 2000)}`);
  const backpack = new Map();
  for (const line of bp.stdout.split("\n").filter(Boolean)) {
    const r = JSON.parse(line);
    backpack.set(basename(r.source), r);
  }
  times.backpack = t() - t0;

  t0 = t();
  const reference = new Map();
  for (const file of meta.keys()) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(join(mdir, file), "utf8"));
    } catch (e) {
      reference.set(file, { proof: false, proofError: `not JSON: ${e.message}` });
      continue;
    }
    reference.set(file, await referenceVerify(doc));
  }
  times.reference = t() - t0;

  const page = new Map();
  if (a.page) {
    t0 = t();
    const r = spawnSync("npx", ["vitest", "run", "--config", "scripts/difffuzz/vitest.config.ts", "--reporter=dot"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DIFFFUZZ_DIR: work, DIFFFUZZ_NOW: NOW },
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`the page run failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    for (const line of readFileSync(join(work, "page.jsonl"), "utf8").split("\n").filter(Boolean)) {
      const x = JSON.parse(line);
      page.set(x.file, x);
    }
    times.page = t() - t0;
  }

  // Compare.
  const counts = { seedsAcceptedByBackpack: 0, seedsAcceptedByPage: 0, corpus: 0, total: 0, bothValid: 0, bothInvalid: 0, backpackOnlyValid: 0, referenceOnlyValid: 0, pageOnlyValidVsReference: 0, pageCliDisagree: 0, neutral: 0, neutralRefused: 0, backpackValidVerdictVcRefused: 0 };
  const failures = [];
  const review = [];
  const disagree = [];
  const neutralRefused = [];
  const seedsRefused = [];
  for (const [file, m] of meta) {
    const b = backpack.get(file);
    const ref = reference.get(file);
    if (!b) throw new Error(`backpack printed no line for ${file}`);
    if (m.unchanged) {
      const pg = a.page ? page.get(file) : undefined;
      if (accepts(b.checks)) counts.seedsAcceptedByBackpack++;
      else seedsRefused.push({ seed: m.seed, who: "backpack", why: why(b.checks) });
      if (pg && accepts(pg.checks)) counts.seedsAcceptedByPage++;
      else if (pg) seedsRefused.push({ seed: m.seed, who: "page", why: why(pg.checks) });
      continue;
    }
    counts.total++;
    if (m.corpus) {
      counts.corpus++;
      // A corpus case the reference accepts tests nothing: a corpus bug.
      if (ref.proof) failures.push({ file, ...m, who: "corpus-accepted-by-reference", reference: ref });
    }
    const bOk = accepts(b.checks);
    const rOk = ref.proof === true;
    const entry = { file, ...m, backpack: { accepts: bOk, verdict: b.verdict, why: why(b.checks) }, reference: ref };
    if (a.page) {
      const p = page.get(file);
      if (!p) throw new Error(`the page wrote no line for ${file}`);
      entry.page = { accepts: accepts(p.checks), verdict: p.verdict, why: why(p.checks) };
      if (entry.page.accepts && !rOk && !m.neutral) {
        counts.pageOnlyValidVsReference++;
        failures.push({ ...entry, who: "page" });
      }
      if (entry.page.accepts !== bOk || entry.page.verdict !== b.verdict) {
        counts.pageCliDisagree++;
        disagree.push(entry);
      }
    }
    if (m.neutral) {
      counts.neutral++;
      if (!rOk) {
        counts.neutralRefused++;
        neutralRefused.push(entry);
      }
    }
    if (bOk && rOk) counts.bothValid++;
    else if (!bOk && !rOk) counts.bothInvalid++;
    else if (bOk && m.neutral) {
      // A neutral edit (key order, whitespace) means what the seed means, and
      // the reference accepted the seed: its refusal here is its own
      // inconsistency, counted in neutralRefused above, not a Backpack failure.
    } else if (bOk) {
      counts.backpackOnlyValid++;
      failures.push({ ...entry, who: "backpack" });
    } else {
      counts.referenceOnlyValid++;
      review.push(entry);
    }
    if (b.verdict === "valid" && rOk && !ref.vc) counts.backpackValidVerdictVcRefused++;
  }

  // Save what needs a look.
  const out = join(a.out, `seed-${a.seed}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "failures"), { recursive: true });
  for (const f of failures) writeFileSync(join(out, "failures", `${f.who}-${f.file}`), readFileSync(join(mdir, f.file)));
  const byClass = (xs) => {
    const c = {};
    for (const x of xs) for (const op of new Set(x.ops.map(opClass))) c[op] = (c[op] ?? 0) + 1;
    return Object.fromEntries(Object.entries(c).sort((p, q) => q[1] - p[1]));
  };
  const summary = {
    seed: a.seed,
    count: a.count,
    now: NOW,
    seeds: seeds.map((s) => s.name),
    seedsDropped: dropped,
    seedsRefused,
    counts,
    seconds: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +(v / 1000).toFixed(1)])),
    refusedUrls: [...refused].sort(),
    failureClasses: byClass(failures),
    reviewClasses: byClass(review),
    reviewReasons: reasons(review),
  };
  writeFileSync(join(out, "summary.json"), JSON.stringify(summary, null, 2));
  writeFileSync(join(out, "failures.jsonl"), failures.map((x) => JSON.stringify(x)).join("\n") + (failures.length ? "\n" : ""));
  writeFileSync(join(out, "review.jsonl"), review.map((x) => JSON.stringify(x)).join("\n") + (review.length ? "\n" : ""));
  writeFileSync(join(out, "page-cli-disagree.jsonl"), disagree.map((x) => JSON.stringify(x)).join("\n") + (disagree.length ? "\n" : ""));
  writeFileSync(join(out, "neutral-refused.jsonl"), neutralRefused.map((x) => JSON.stringify(x)).join("\n") + (neutralRefused.length ? "\n" : ""));
  if (!a.keep) rmSync(work, { recursive: true, force: true });

  console.log(`difffuzz: seed ${a.seed}, ${seeds.length} seeds (${dropped.length} the reference could not verify), ${a.count} mutants and ${counts.corpus} corpus cases`);
  console.log(`  unchanged seeds accepted: backpack ${counts.seedsAcceptedByBackpack}/${seeds.length}${a.page ? `, page ${counts.seedsAcceptedByPage}/${seeds.length}` : ""}`);
  console.log(`  times: seeds ${secs(times.seeds)}, mutate ${secs(times.mutate)}, backpack ${secs(times.backpack)}, reference ${secs(times.reference)}${a.page ? `, page ${secs(times.page)}` : ""}`);
  console.log(`  both valid ${counts.bothValid}, both invalid ${counts.bothInvalid}, neutral ${counts.neutral} (refused by the reference: ${counts.neutralRefused})`);
  console.log(`  FAILURES backpack-only-valid ${counts.backpackOnlyValid}${a.page ? `, page-only-valid ${counts.pageOnlyValidVsReference}` : ""}; review reference-only-valid ${counts.referenceOnlyValid}${a.page ? `; page/CLI disagree ${counts.pageCliDisagree}` : ""}`);
  const corpusFailed = failures.filter((f) => f.corpus).map((f) => f.seed.replace(/^corpus:/, ""));
  if (corpusFailed.length) console.log(`  corpus cases failed (${new Set(corpusFailed).size}): ${[...new Set(corpusFailed)].join("; ")}`);
  const mutantFailures = failures.filter((f) => !f.corpus && f.ops);
  if (mutantFailures.length) console.log(`  mutant failure classes: ${JSON.stringify(byClass(mutantFailures))}`);
  if (review.length) {
    console.log(`  review classes: ${JSON.stringify(summary.reviewClasses)}`);
    console.log(`  review, Backpack's reasons: ${JSON.stringify(summary.reviewReasons)}`);
  }
  console.log(`  details: ${out}${a.keep ? `; mutants kept in ${work}` : ""}`);
  // A run where Backpack refuses most genuine seeds proves nothing.
  if (counts.seedsAcceptedByBackpack * 2 < seeds.length) {
    console.log(`difffuzz: Backpack accepts only ${counts.seedsAcceptedByBackpack} of ${seeds.length} unchanged seeds: see seedsRefused in ${out}/summary.json`);
    failures.push({ who: "backpack", file: "(seeds)", ops: ["seeds refused"] });
  }
  const nFail = new Set(failures.map((f) => f.file)).size;
  console.log(`difffuzz: ${counts.total - nFail} passed, ${nFail} failed`);
  process.exit(nFail ? 1 : 0);
}

main().catch((e) => {
  cleanup();
  console.error(`difffuzz: ${e.stack ?? e}`);
  process.exit(2);
});
