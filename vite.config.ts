import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The front end lives in ui/; the build goes to ui/dist (tauri.conf.json: frontendDist "../ui/dist").
// Everything is bundled (no CDN); the CSP in tauri.conf.json allows no remote origin.
export default defineConfig({
  root: "ui",
  plugins: [svelte({ configFile: false })],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: { outDir: "dist", emptyOutDir: true, target: "safari15", chunkSizeWarningLimit: 600 },
  // Component tests run Svelte's browser build in happy-dom.
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    root: ".",
    include: ["ui/src/**/*.test.ts", "ui/verify/src/**/*.test.ts"],
    environment: "happy-dom",
  },
});
