// Receiving a credential from an issuer through the Receive screen, in the real
// app window: the test issuer (tests/issuer, started by scripts/e2e.sh on
// 127.0.0.1 as E2E_ISSUER) makes a fresh `pin` offer; the offer is pasted,
// shown before anything is sent (issuer name, credentials, the PIN prompt), a
// wrong PIN is refused and retyped, and the credential is received, verified,
// stored and listed. Then the app is opened with an offer link: the offer
// screen, nothing sent until Accept.
import { $, $$, browser, expect } from "@wdio/globals";
import { screenshot } from "./helpers.ts";

const issuer = () => {
  const base = process.env.E2E_ISSUER;
  if (!base) throw new Error("E2E_ISSUER is not set (run through scripts/e2e.sh)");
  return base;
};

async function getJson(url: string): Promise<Record<string, unknown>> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as Record<string, unknown>;
}

describe("Receiving from an issuer", () => {
  before(async () => {
    await browser.setWindowSize(1024, 720).catch(() => {});
  });

  it("shows the offer before anything is sent, asks for the PIN again when it is wrong, and receives", async () => {
    const base = issuer();
    const offer = (await getJson(`${base}/pin/offer`)) as { by_value: string; tx_code: string };
    const meta = await getJson(`${base}/.well-known/openid-credential-issuer/pin`);
    const name = (meta.display as { name?: string }[] | undefined)?.[0]?.name;
    await fetch(`${base}/_log`, { method: "DELETE" });

    const nav = $("#nav-receive");
    await nav.waitForDisplayed({ timeout: 30_000 });
    await nav.click();
    await $("#receive-text").waitForDisplayed();
    await $("#receive-text").setValue(offer.by_value);
    await $("#receive-preview").click();
    const card = $("#receive-offer");
    await card.waitForDisplayed({ timeout: 30_000 });
    if (name) await expect($("#offer-title")).toHaveText(expect.stringContaining(name));
    await expect($("#receive-issuer")).toHaveText(`${base}/pin`);
    expect(await $$("#receive-credentials li").length).toBeGreaterThan(0);
    await expect($("#receive-pin")).toHaveAttribute("inputmode", "numeric");
    await screenshot("receive-01-offer");
    // The offer screen sent nothing to the token or credential endpoints.
    const seen = ((await fetch(`${base}/_log`).then((r) => r.json())) as { path: string }[]).map((e) => e.path);
    expect(seen.filter((p) => /\/(token|credential)$/.test(p))).toEqual([]);

    // A wrong PIN: the issuer refuses it and keeps the offer; the screen asks again.
    await $("#receive-pin").setValue("000000");
    await $("#receive-accept").click();
    await $("#receive-pin-error").waitForDisplayed({ timeout: 60_000 });
    await expect($("#receive-pin")).toHaveValue("");
    await screenshot("receive-02-wrong-pin");

    await $("#receive-pin").setValue(offer.tx_code);
    await $("#receive-accept").click();
    const row = $(".receive-result");
    await row.waitForDisplayed({ timeout: 60_000 });
    await expect(row).toHaveAttribute("data-status", "imported");
    await expect(row.$("[data-verdict]")).toHaveAttribute("data-verdict", "valid");
    const title = await row.$(".title").getText();
    await screenshot("receive-03-received");

    // The credential is in the list.
    await $("#nav-backpack").click();
    await $("#search").setValue(title);
    await browser.waitUntil(async () => (await $$("#cards .title").map((t) => t.getText())).includes(title), { timeout: 15_000 });
    await screenshot("receive-04-in-list");
    await $("#search").clearValue();
  });

  it("opens an openid-credential-offer:// link on the offer screen, and receives only on Accept", async () => {
    const base = issuer();
    const offer = (await getJson(`${base}/plain/offer`)) as { by_value: string };
    await fetch(`${base}/_log`, { method: "DELETE" });
    const application = (browser.requestedCapabilities as { "tauri:options": { application: string } })["tauri:options"].application;
    await browser.reloadSession({ "tauri:options": { application, args: [offer.by_value] } } as WebdriverIO.Capabilities);
    await $("#receive-offer").waitForDisplayed({ timeout: 30_000 });
    await expect($("#receive-issuer")).toHaveText(`${base}/plain`);
    expect(await $("#receive-pin").isExisting()).toBe(false);
    await screenshot("receive-05-opened-with-link");
    const seen = ((await fetch(`${base}/_log`).then((r) => r.json())) as { path: string }[]).map((e) => e.path);
    expect(seen.filter((p) => /\/(token|credential)$/.test(p))).toEqual([]);
    await $("#receive-accept").click();
    const row = $(".receive-result");
    await row.waitForDisplayed({ timeout: 60_000 });
    await expect(row).toHaveAttribute("data-status", "imported");
  });
});
