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

const cspForTests: Plugin = {
  name: "backpack-verify-loopback-csp",
  config(_, env) {
    serving = env.command === "serve";
  },
  transformIndexHtml(html) {
    if (!loopback && !serving) return html;
    if (!html.includes(PROD_CONNECT)) throw new Error(`index.html has no '${PROD_CONNECT}' to widen for the test build`);
    return html.replace(PROD_CONNECT, TEST_CONNECT);
  },
};

export default defineConfig({
  root: "ui/verify",
  base: "./",
  clearScreen: false,
  plugins: [cspForTests],
  // jsonld.js's context caches need only get/set (ui/verify/src/lru.cjs), not lru-cache and yallist.
  resolve: { alias: { "lru-cache": fileURLToPath(new URL("./ui/verify/src/lru.cjs", import.meta.url)) } },
  build: {
    outDir: loopback ? "../dist-verify-loopback" : "../dist-verify",
    emptyOutDir: true,
    target: "es2022",
    // Inline nothing as data: URLs (the CSP allows data: only for images).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
