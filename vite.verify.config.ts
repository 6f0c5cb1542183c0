import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

// The employer verifier page (issue #6): a second, independent build of
// ui/verify/ into ui/dist-verify/ with relative asset paths, so it can be
// hosted under any path of any static host. No CDN; the CSP in
// ui/verify/index.html allows only 'self' scripts and styles, and network
// reads (encrypted short links) from https: only.
//
// BACKPACK_VERIFY_LOOPBACK=1 makes a TEST build instead, into
// ui/dist-verify-loopback/: the same page whose CSP also allows connect-src
// to http://127.0.0.1:* and http://localhost:*, for tests whose share host
// runs on this machine (scripts/page-test.sh). Never ship that folder. The
// dev server (`vite -c vite.verify.config.ts`) gets the same test CSP.
const loopback = process.env.BACKPACK_VERIFY_LOOPBACK === "1";
let serving = false;
const PROD_CONNECT = "connect-src https:;";
const TEST_CONNECT = "connect-src https: http://127.0.0.1:* http://localhost:*;";
// The page's marker: "production" only in the shipped build (build.rs embeds
// nothing else); the test build says so.
const PROD_MARKER = '<meta name="backpack-verifier" content="production" />';
const TEST_MARKER = '<meta name="backpack-verifier" content="test-loopback" />';

const cspForTests: Plugin = {
  name: "backpack-verify-loopback-csp",
  config(_, env) {
    serving = env.command === "serve";
  },
  transformIndexHtml(html) {
    if (!loopback && !serving) return html;
    if (!html.includes(PROD_CONNECT)) throw new Error(`index.html has no '${PROD_CONNECT}' to widen for the test build`);
    if (!html.includes(PROD_MARKER)) throw new Error(`index.html has no '${PROD_MARKER}' to mark the test build`);
    return html.replace(PROD_CONNECT, TEST_CONNECT).replace(PROD_MARKER, TEST_MARKER);
  },
};

// The bundled JSON-LD contexts (contexts/, imported with ?raw by
// ui/verify/src/contexts.ts) go into the page minified: the same JSON, without
// the files' indentation (fewer bytes to ship and to parse).
const minifiedContexts: Plugin = {
  name: "backpack-verify-minified-contexts",
  enforce: "pre",
  load(id) {
    const m = /^(.*\/contexts\/[^/]+\.jsonld?)\?raw$/.exec(id);
    if (!m) return null;
    const text = readFileSync(m[1], "utf8");
    return `export default ${JSON.stringify(JSON.stringify(JSON.parse(text)))};`;
  },
};

// index.html without the indentation and line breaks between its tags (none
// of it is text the page shows).
const compactHtml: Plugin = {
  name: "backpack-verify-compact-html",
  apply: "build",
  transformIndexHtml: { order: "post", handler: (html) => html.replace(/>\s+</g, "><").trim() + "\n" },
};

// Vite wraps every import() in its preload helper (~0.5 kB gzip), which loads
// a lazy chunk's CSS and imports first. The page's one lazy chunk (the JSON-LD
// code, ui/verify/src/canon.ts) has neither (modulePreload: false; its deps
// lists are empty), so the wrapper is made a plain call and the helper,
// unused, is dropped by the minifier. The build fails if the helper changes.
const noPreloadHelper: Plugin = {
  name: "backpack-verify-no-preload-helper",
  apply: "build",
  enforce: "post",
  renderChunk(code) {
    const helper = "var __vitePreload = function preload(";
    if (!code.includes("__vitePreload")) return null;
    if (!code.includes(helper)) throw new Error("vite's preload helper changed: see noPreloadHelper in vite.verify.config.ts");
    for (const m of code.matchAll(/__vitePreload\([\s\S]*?\}?, (\[[^\]]*\]), import\.meta\.url\)/g)) {
      if (m[1] !== "[]") throw new Error(`a lazy chunk has dependencies to preload: ${m[1]}`);
    }
    return { code: code.replace(helper, "var __vitePreload = (load) => load();\nvar __unusedVitePreload = function preload("), map: null };
  },
};

export default defineConfig({
  root: "ui/verify",
  base: "./",
  clearScreen: false,
  plugins: [cspForTests, minifiedContexts, compactHtml, noPreloadHelper],
  // What the JSON-LD code asks for but the page does not use: jsonld.js's
  // context caches need only get/set (ui/verify/src/lru.cjs), not lru-cache and
  // yallist; jsonld.js's util.js needs only rdf-canonize's IdentifierIssuer, and
  // rdf-canonize a setImmediate (ui/verify/src/shims.cjs).
  resolve: {
    alias: [
      { find: /^lru-cache$/, replacement: fileURLToPath(new URL("./ui/verify/src/lru.cjs", import.meta.url)) },
      { find: /^(rdf-canonize|setimmediate)$/, replacement: fileURLToPath(new URL("./ui/verify/src/shims.cjs", import.meta.url)) },
    ],
  },
  build: {
    outDir: loopback ? "../dist-verify-loopback" : "../dist-verify",
    emptyOutDir: true,
    target: "es2022",
    // Inline nothing as data: URLs (the CSP allows data: only for images).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    // No preload helper around the lazy JSON-LD chunk (ui/verify/src/canon.ts):
    // it has no CSS, and what it imports is the entry chunk, already loaded.
    modulePreload: false,
  },
});
