import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

// The differential fuzzer's page run (scripts/difffuzz.sh): the verifier
// page's engine (ui/verify/src/verify.ts, bundled contexts through Vite's
// import.meta.glob) over the mutants in $DIFFFUZZ_DIR, in Node.
export default defineConfig({
  root,
  test: {
    root,
    include: ["scripts/difffuzz/page.difffuzz.ts"],
    environment: "node",
    testTimeout: 0,
    hookTimeout: 0,
  },
});
