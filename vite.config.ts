import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The front end lives in ui/; the build goes to ui/dist (tauri.conf.json: frontendDist "../ui/dist").
export default defineConfig({
  root: "ui",
  plugins: [svelte({ configFile: false })],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: { outDir: "dist", emptyOutDir: true },
});
