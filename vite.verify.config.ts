import { defineConfig } from "vite";

// The employer verifier page (issue #6): a second, independent build of
// ui/verify/ into ui/dist-verify/ with relative asset paths, so it can be
// hosted under any path of any static host. No CDN; the CSP in
// ui/verify/index.html allows only 'self' scripts and styles.
export default defineConfig({
  root: "ui/verify",
  base: "./",
  clearScreen: false,
  build: {
    outDir: "../dist-verify",
    emptyOutDir: true,
    target: "es2022",
    // Inline nothing as data: URLs (the CSP allows data: only for images).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
