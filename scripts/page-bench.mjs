// The employer page's speed as an employer meets it (issue #15): navigation
// start → the verdict on screen, each link in a FRESH browser context (cold
// HTTP cache), in Debian Chromium, over the shared vectors and generated
// credentials, as #c= links (what `backpack share --link` makes). Prints the
// median and p90 per kind and over all links, where the time goes (the
// script's arrival, first paint, the verdict set, the frame after it), and
// the gzip size of what the page loads for each kind (initial load) and of
// the whole build (total).
//
// Run by hand after building the page:
//   npx vite build -c vite.verify.config.ts
//   node scripts/page-bench.mjs [--n 5] [--dist ui/dist-verify] [--only KIND] [--json FILE]
// Env: BACKPACK_BIN (the CLI, for `backpack sample`; default
// /var/tmp/backpack-target/debug/backpack), BACKPACK_VECTORS (default
// tests/vectors), CHROMIUM_PATH (default /usr/lib/chromium/chromium).
//
// "navigation → verdict" is measured in the page against
// performance.timeOrigin (the navigation's start): an init script (not part of
// the page; Playwright adds it, the CSP does not apply to it) watches
// #verdict's data-state and takes performance.now() when it becomes "done"
// (verdict), then after the next frame (requestAnimationFrame, then a task:
// the frame holding the verdict has been produced) ("painted", the figure
// reported). No fake clock: performance.now() is the browser's own.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, loadavg, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startStatic } from "../tests/page/server.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const N = Number(opt("n", "3"));
const DIST = resolve(ROOT, opt("dist", "ui/dist-verify"));
const ONLY = opt("only", undefined);
const JSON_OUT = opt("json", undefined);
const VECTORS = process.env.BACKPACK_VECTORS || join(ROOT, "tests/vectors");
const BIN = process.env.BACKPACK_BIN ?? "/var/tmp/backpack-target/debug/backpack";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

const V = "1edtech-validator/inspector-vc/src/test/resources/ob30";
const DCC = "dcc/vc-test-fixtures/verifiableCredentials";
/** The shared vectors (the same corpus as tests/page/page.test.mjs). */
const VECTOR_FILES = [
  "vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
  "vc-di-eddsa/eddsa-rdfc-2022/employ/signedDataInt.json",
  "vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
  "vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
  "vc-di-eddsa/proof-set-chain/signedProofSet2.json",
  "vc-di-eddsa/proof-set-chain/signedProofChain2.json",
  "ob3-spec/impl/ob3-signed-credential.extracted.json",
  "ob3-spec/impl/clr2-signed-credential.extracted.json",
  `${V}/simple.json`,
  `${V}/simple_v1.json`,
  `${V}/simple-did-key-method.json`,
  `${V}/simple-did-web-method.json`,
  `${V}/simple-context-alias.json`,
  `${V}/simple-eddsa-2022.json`,
  `${V}/simple-multiple-proofs.json`,
  `${V}/simple-noproof.json`,
  `${V}/simple-err-type.json`,
  `${V}/simple-err-proof-method.json`,
  `${V}/simple-err-proof-value.json`,
  `${V}/simple-err-expired.json`,
  `${V}/simple-err-issued.json`,
  `${V}/simple-err-context.json`,
  `${V}/simple-err-issuer.json`,
  `${V}/simple-err-credential-subject-type.json`,
  `${V}/simple-err-evidence-type.json`,
  `${V}/complete.json`,
  `${V}/credential-status-revoked.json`,
  `${V}/endorsement-valid.json`,
  `${V}/sd/derivedcredential.json`,
  `${V}/simple.jwt`,
  `${V}/velocity.jwt`,
  "1edtech-validator/inspector-clr/src/test/resources/clr20/simple.jwt",
  `${DCC}/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json`,
  `${DCC}/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-alignments.json`,
  `${DCC}/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credSubjName.json`,
  `${DCC}/v2/dataIntegrityProof/didKey/oidf-noStatus-notExpired-notYetValid.json`,
  `${DCC}/v2/dataIntegrityProof/didKey/twoOIDF-validStatus-expired.json`,
  `${DCC}/v2/dataIntegrityProof/didKey/noRegistry-revokedStatus-noExpiry.json`,
  `${DCC}/v2/ed25519/didKey/legacy-noStatus-noExpiry.json`,
  `${DCC}/v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json`,
  `${DCC}/v2/ed25519/didKey/legacy-noStatus-expired.json`,
  `${DCC}/v2/ed25519/didKey/legacy-noStatus-noExpiry-stringIssuerId.json`,
  `${DCC}/v2/ed25519/didWeb/badDidWeb.json`,
  `${DCC}/v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry.json`,
  `${DCC}/v1/ed25519/didKey/legacy-noStatus-noExpiry.json`,
  `${DCC}/v1/ed25519/didKey/legacy-noStatus-expired.json`,
  `${DCC}/v1/dataIntegrityProof/didKey/noRegistry-noStatus-noExpiry.json`,
  `${DCC}/v1/bothSignatureTypes/didKey/oidf-noStatus-noExpiry.json`,
].map((f) => join(VECTORS, f));

/** Generated: the CLI's signed samples (eddsa-rdfc-2022, eddsa-jcs-2022, OB 2.0 JWS), the CLI's presentations (Vitest fixtures), a Europass credential. */
function generated(tmp) {
  const out = join(tmp, "samples");
  execFileSync(BIN, ["sample", "--out", out, "--count", "12"], { stdio: "ignore" });
  return [
    ...readdirSync(out).map((f) => join(out, f)),
    join(ROOT, "ui/verify/src/fixtures/vp-2.json"),
    join(ROOT, "ui/verify/src/fixtures/vp-ldp-jwt.json"),
    join(ROOT, "tests/fixtures/edc/edc-mc-signed.jsonld"),
  ];
}

/** What kind of link a file makes: the format and, for Data Integrity, the proof. */
function kindOf(text) {
  const t = text.trim();
  if (!t.startsWith("{")) {
    try {
      const p = JSON.parse(Buffer.from(t.split(".")[1], "base64url"));
      const types = [p.type, p["@type"], p.vc?.type].flat();
      return types.includes("Assertion") || p.badge ? "OB 2.0 (JWS)" : "VC-JWT";
    } catch {
      return "JWT (payload not JSON)";
    }
  }
  const d = JSON.parse(t);
  if (typeof d.payload === "string" && (d.signatures || d.protected)) return "EDC";
  if ([d.type].flat().includes("VerifiablePresentation")) return "presentation";
  const proofs = [d.proof ?? []].flat();
  if (proofs.length === 0) return "no proof";
  const suites = [...new Set(proofs.map((p) => p.cryptosuite ?? p.type))];
  if (suites.length > 1) return "proof set (mixed)";
  return suites[0] === "eddsa-2022" ? "eddsa-rdfc-2022" : suites[0];
}

/** `#c=` fragment as `backpack share --link` makes it: raw DEFLATE of the minified JSON (or the trimmed JWT), base64url. */
function selfContained(text) {
  const t = text.trim();
  const payload = t.startsWith("{") ? JSON.stringify(JSON.parse(t)) : t;
  return "#c=" + deflateRawSync(Buffer.from(payload, "utf8"), { level: 9 }).toString("base64url");
}

/** Runs in the page before its own scripts: times the verdict and the frame after it. */
function probe() {
  const b = (window.__bench = {});
  new MutationObserver(() => {
    const out = document.getElementById("verdict");
    if (b.verdict === undefined && out?.dataset.state === "done") {
      b.verdict = performance.now();
      requestAnimationFrame(() => {
        b.raf = performance.now();
        const ch = new MessageChannel();
        ch.port1.onmessage = () => (b.painted = performance.now());
        ch.port2.postMessage(0);
      });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
}

const quant = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const med = (xs) => quant(xs, 0.5);
const p90 = (xs) => quant(xs, 0.9);
const r = (x) => (x === undefined ? "-" : Math.round(x));

function gz(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

async function main() {
  statSync(join(DIST, "index.html"));
  const tmp = mkdtempSync(join(tmpdir(), "backpack-page-bench-"));
  const files = [...VECTOR_FILES, ...generated(tmp)];
  let links = files.map((file) => {
    const text = readFileSync(file, "utf8");
    return { file, kind: kindOf(text), frag: selfContained(text) };
  });
  if (ONLY) links = links.filter((l) => l.kind === ONLY);
  const site = await startStatic(DIST);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  const load0 = loadavg();
  const rows = [];
  // One warm-up navigation (the browser process and its first renderer), not counted.
  {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(site.url + links[0].frag);
    await p.locator('#verdict[data-state="done"]').waitFor();
    await ctx.close();
  }
  for (let round = 0; round < N; round++) {
    for (const l of links) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 800 } });
      await ctx.addInitScript(probe);
      const page = await ctx.newPage();
      const loaded = new Set();
      page.on("requestfinished", (req) => loaded.add(new URL(req.url()).pathname));
      const t0 = performance.now();
      await page.goto(site.url + l.frag);
      await page.waitForFunction(() => window.__bench?.painted !== undefined, null, { timeout: 30000, polling: 10 });
      const wall = performance.now() - t0;
      const m = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const res = performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".js"));
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const out = document.getElementById("verdict");
        return {
          ...window.__bench,
          verdictAttr: out.dataset.verdict,
          dataMs: Number(out.dataset.ms),
          workMs: Number(out.dataset.workMs),
          html: nav.responseEnd,
          scripts: res.length ? Math.max(...res.map((e) => e.responseEnd)) : undefined,
          firstScript: res.length ? Math.min(...res.map((e) => e.responseEnd)) : undefined,
          dcl: nav.domContentLoadedEventEnd,
          fcp: fcp?.startTime,
        };
      });
      await ctx.close();
      rows.push({ ...l, frag: undefined, round, wall, loaded: [...loaded].sort(), ...m });
    }
    process.stderr.write(`round ${round + 1}/${N} done\n`);
  }
  await browser.close();
  await site.close();
  const load1 = loadavg();
  rmSync(tmp, { recursive: true, force: true });

  // Sizes: the whole build, and what each kind loaded.
  const assets = ["index.html", ...readdirSync(join(DIST, "assets")).map((a) => `assets/${a}`)].filter((f) => /\.(js|css|html)$/.test(f));
  const total = assets.reduce((n, f) => n + gz(join(DIST, f)), 0);
  const sizeOf = (paths) =>
    paths
      .map((p) => (p.endsWith("/") ? "index.html" : p.replace(/^\//, "")))
      .filter((f) => /\.(js|css|html)$/.test(f))
      .reduce((n, f) => n + gz(join(DIST, f)), 0);

  const kinds = [...new Set(rows.map((x) => x.kind))];
  const line = (name, xs) => {
    const p = xs.map((x) => x.painted);
    const sizes = [...new Set(xs.map((x) => sizeOf(x.loaded)))];
    return [
      name.padEnd(22),
      String(new Set(xs.map((x) => x.file)).size).padStart(5),
      String(xs.length).padStart(5),
      String(r(med(p))).padStart(7),
      String(r(p90(p))).padStart(6),
      String(r(med(xs.map((x) => x.firstScript)))).padStart(8),
      String(r(med(xs.map((x) => x.scripts)))).padStart(8),
      String(r(med(xs.map((x) => x.fcp)))).padStart(5),
      String(r(med(xs.map((x) => x.workMs)))).padStart(6),
      String(r(med(xs.map((x) => x.verdict)))).padStart(8),
      String(r(med(xs.map((x) => x.wall)))).padStart(6),
      `  ${(Math.min(...sizes) / 1000).toFixed(1)}${sizes.length > 1 ? `-${(Math.max(...sizes) / 1000).toFixed(1)}` : ""} kB`,
    ].join(" ");
  };
  console.log(`page-bench: ${DIST.replace(ROOT + "/", "")}, ${links.length} links x ${N} rounds, fresh context each, Chromium ${CHROMIUM}`);
  console.log(`machine: ${cpus().length} cores, load average ${load0.map((x) => x.toFixed(2)).join(" ")} at start, ${load1.map((x) => x.toFixed(2)).join(" ")} at end`);
  console.log("times in ms from navigation start (median over runs; p90 for the verdict on screen)");
  console.log(
    ["kind".padEnd(22), "files".padStart(5), "runs".padStart(5), "on-scr".padStart(7), "p90".padStart(6), "1st-js".padStart(8), "all-js".padStart(8), "fcp".padStart(5), "work".padStart(6), "verdict".padStart(8), "wall".padStart(6), "  loaded (gzip)"].join(" "),
  );
  for (const k of kinds.sort()) console.log(line(k, rows.filter((x) => x.kind === k)));
  console.log(line("ALL", rows));
  console.log(`bundle: total ${(total / 1000).toFixed(1)} kB gzip -9 (${assets.length} files: html+js+css); initial load per kind in the last column`);
  console.log("on-scr: the frame after the verdict; 1st-js/all-js: the first/last script's arrival; fcp: first contentful paint; work: the page's own time on the input (data-work-ms); verdict: #verdict done; wall: goto → on screen seen from Node");
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ n: N, load: [load0, load1], total, rows }, null, 1));
}

await main();
