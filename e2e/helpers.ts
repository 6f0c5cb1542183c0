import path from "node:path";
import fs from "node:fs";
import { browser } from "@wdio/globals";

export const shotDir = path.join(import.meta.dirname, "screenshots");

/** Save a screenshot after two animation frames (so the shot is the painted frame). */
export async function screenshot(name: string): Promise<string> {
  await browser.execute(() => new Promise<boolean>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}

/** Fixture files prepared by scripts/e2e.sh (sample credentials and a few odd ones). */
export function fixtures(): string[] {
  const dir = process.env.E2E_FIXTURES;
  if (!dir) throw new Error("E2E_FIXTURES is not set (run through scripts/e2e.sh)");
  return fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
}
