// WebdriverIO config for the end-to-end suite: the real built app (tauri-driver
// + WebKitWebDriver) under Xvfb. Run it through scripts/e2e.sh, which builds
// the app, makes a throw-away data folder and keyring, and starts the drivers.
import fs from "node:fs";
import path from "node:path";

const root = import.meta.dirname;
const application =
  process.env.TAURI_APP ??
  path.join(process.env.CARGO_TARGET_DIR ?? "/var/tmp/backpack-target", "debug", "backpack-app");
const shotDir = path.join(root, "e2e", "screenshots");

export const config: WebdriverIO.Config = {
  runner: "local",
  hostname: "127.0.0.1",
  port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
  specs: ["./e2e/**/*.e2e.ts"],
  exclude: process.env.E2E_PERF ? [] : ["./e2e/perf.e2e.ts"],
  maxInstances: 1,
  capabilities: [{ "tauri:options": { application } } as WebdriverIO.Capabilities],
  logLevel: "warn",
  waitforTimeout: 15_000,
  connectionRetryTimeout: 90_000,
  connectionRetryCount: 1,
  framework: "mocha",
  reporters: ["spec"],
  mochaOpts: { ui: "bdd", timeout: 120_000 },
  afterTest: async (test, _ctx, { passed }) => {
    if (passed) return;
    fs.mkdirSync(shotDir, { recursive: true });
    const { saveScreenshot } = await import("./e2e/helpers.ts");
    await saveScreenshot(path.join(shotDir, `FAILED-${test.title.replace(/\W+/g, "_")}.png`)).catch(() => {});
  },
};
