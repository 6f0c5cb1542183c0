import path from "node:path";
import fs from "node:fs";
import { browser } from "@wdio/globals";

export const shotDir = path.join(import.meta.dirname, "screenshots");

/** Save a screenshot after two animation frames (so the shot is the painted frame). */
export async function screenshot(name: string): Promise<string> {
  await browser.execute(() => new Promise<boolean>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await saveScreenshot(file);
  return file;
}

/**
 * WebKitWebDriver's screenshot waits for the page's next presentation update.
 * The app draws without GPU compositing (src-tauri/src/lib.rs), and then a
 * page that does not change never presents again: the screenshot took 0.6–5 s,
 * once 120 s. What the user sees is not affected (polling the X server showed
 * every change on screen within 68–140 ms, sooner than with compositing).
 * So while the screenshot is taken, one invisible pixel (alpha 1/255) is
 * repainted every 50 ms.
 */
export async function saveScreenshot(file: string): Promise<void> {
  await browser.execute(() => {
    const w = window as unknown as { __shotNudge?: number };
    let dot = document.getElementById("e2e-shot-nudge");
    if (!dot) {
      dot = document.createElement("div");
      dot.id = "e2e-shot-nudge";
      dot.setAttribute("aria-hidden", "true");
      dot.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
      document.body.append(dot);
    }
    let on = false;
    const d = dot;
    w.__shotNudge = window.setInterval(() => { on = !on; d.style.background = on ? "rgba(0,0,0,0.004)" : "rgba(0,0,0,0.008)"; }, 50);
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => {
      const w = window as unknown as { __shotNudge?: number };
      window.clearInterval(w.__shotNudge);
      document.getElementById("e2e-shot-nudge")?.remove();
    });
  }
}

/** Fixture files prepared by scripts/e2e.sh (sample credentials and a few odd ones). */
export function fixtures(): string[] {
  const dir = process.env.E2E_FIXTURES;
  if (!dir) throw new Error("E2E_FIXTURES is not set (run through scripts/e2e.sh)");
  return fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
}
