// A person's first session with Backpack, in the real app window: an empty
// backpack, adding badge files with the file picker, the list, search, a
// credential's detail with its checks, removal with undo, and Dutch.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { $, $$, browser, expect } from "@wdio/globals";
import { fixtures, screenshot } from "./helpers.ts";

describe("Backpack desktop app", () => {
  before(async () => {
    await browser.setWindowSize(1024, 720).catch(() => {});
  });

  it("opens on an empty backpack that explains how to add a credential", async () => {
    const empty = $("#empty-state");
    await empty.waitForDisplayed({ timeout: 30_000 });
    await expect(empty).toHaveText(expect.stringContaining("Your backpack is empty"));
    await screenshot("01-empty");
  });

  it("refuses commands the window was not granted", async () => {
    const call = (cmd: string, args: unknown) =>
      browser.executeAsync((c: string, a: unknown, done: (v: string) => void) => {
        const w = window as unknown as { __TAURI_INTERNALS__: { invoke: (c: string, a?: unknown) => Promise<unknown> } };
        w.__TAURI_INTERNALS__.invoke(c, a).then(() => done("allowed"), (e: unknown) => done(`refused: ${String(e)}`));
      }, cmd, args);
    // A plugin the app does not have, a command it does not have, and (as a control) one it grants.
    expect(await call("plugin:fs|read_file", { path: "/etc/passwd" })).toMatch(/^refused/);
    expect(await call("plugin:shell|execute", { program: "sh", args: ["-c", "id"] })).toMatch(/^refused/);
    expect(await call("drop_database", {})).toMatch(/^refused/);
    // A core command that exists but the capability does not grant.
    expect(await call("plugin:window|set_title", { label: "main", value: "pwned" })).toMatch(/^refused/);
    expect(await call("get_settings", {})).toBe("allowed");
  });

  it("adds badge files through the file picker, with a result per file", async () => {
    await $("#nav-add").click();
    await $("#drop-zone").waitForDisplayed();
    const files = fixtures();
    // The same <input type=file> the "Choose files…" button opens; WebDriver fills the picker.
    await $("#file-input").addValue(files.join("\n"));
    await $("#import-summary").waitForDisplayed({ timeout: 60_000 });
    const rows = $$("#import-results li");
    expect(await rows.length).toBe(files.length);
    const statuses = await rows.map((r) => r.getAttribute("data-status"));
    const bad = files.filter((f) => f.includes("not-a-badge")).length;
    expect(statuses.filter((s) => s === "rejected").length).toBe(bad);
    expect(statuses.filter((s) => s === "imported").length).toBe(files.length - bad);
    await screenshot("02-add-results");
  });

  it("lists the credentials as cards", async () => {
    await $("#nav-backpack").click();
    await $("#cards").waitForDisplayed();
    const n = fixtures().filter((f) => !f.includes("not-a-badge")).length;
    await expect($$("#cards article")).toBeElementsArrayOfSize(n);
    await expect($("#result-count")).toHaveText(`${n} of ${n} credentials`);
    await screenshot("03-backpack");
  });

  it("searches and filters", async () => {
    await $("#search").setValue("energy");
    await browser.waitUntil(async () => (await $$("#cards article").length) < fixtures().length - 1);
    const titles = await $$("#cards .title").map((t) => t.getText());
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => t.includes("Sustainable Energy Systems"))).toBe(true);
    await screenshot("04-search");
    await $("#search").clearValue();
    await $("#search").setValue(" ");
    await $("#toggle-filters").click();
    await $("#filter-kind").selectByAttribute("value", "micro");
    await browser.waitUntil(async () => (await $("#result-count").getText()).startsWith("5 of"));
    await $("#clear-filters").click();
    await $("#toggle-filters").click();
  });

  it("opens a signed credential and shows its checks", async () => {
    await $("#search").clearValue();
    await $("#search").setValue("machine learning");
    const card = $("#cards article");
    await card.waitForDisplayed();
    await card.$("button.open").click();
    const title = $("#detail-title");
    await title.waitForDisplayed();
    await expect(title).toHaveText("Introduction to Machine Learning");
    await expect($("#outcomes")).toHaveText(expect.stringContaining("Train and evaluate supervised learning models."));
    await expect($("#level")).toHaveText(expect.stringContaining("EQF level 7"));
    const proof = $('#checks tr[data-check="proof"]');
    await expect(proof).toHaveText(expect.stringContaining("Signature"));
    await expect(proof.$(".oc")).toHaveText("Passed");
    await expect($(".top [data-verdict]")).toHaveAttribute("data-verdict", "valid");
    await screenshot("05-detail");
    await $("#show-original").click();
    await expect($("#original-json")).toHaveText(expect.stringContaining("eddsa-"));
  });

  it("removes a credential and undoes it", async () => {
    await $("#remove").click();
    await $("#no-match").waitForDisplayed();
    await expect($("#result-count")).toHaveText("0 of 5 credentials");
    const undo = $("button=Undo");
    await undo.click();
    await $("#cards article").waitForDisplayed();
    await expect($$("#cards article")).toBeElementsArrayOfSize(1);
    await $("#search").clearValue();
    await $("#search").setValue(" ");
  });

  it("switches to Dutch in Settings, and the app speaks Dutch", async () => {
    await $("#nav-settings").click();
    await $("#language").waitForDisplayed();
    await expect($("#keyring-status")).toHaveText("Kept in the OS keyring");
    await $("#language").selectByAttribute("value", "nl");
    await expect($("#settings-title")).toHaveText("Instellingen");
    await expect($("#nav-add")).toHaveText("Toevoegen");
    await screenshot("06-settings-nl");
    await $("#nav-backpack").click();
    await expect($("#list-title")).toHaveText("Mijn backpack");
    await screenshot("07-backpack-nl");
  });

  it("has a dark theme and stays usable at 800x600", async () => {
    await $("#nav-settings").click();
    await $("#theme").selectByAttribute("value", "dark");
    await $("#nav-backpack").click();
    await browser.setWindowSize(800, 600).catch(() => {});
    await $("#cards").waitForDisplayed();
    const width = await browser.execute(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    expect(width).toBe(true);
    await screenshot("08-dark-800x600");
    // Back to the defaults for the next run.
    await $("#nav-settings").click();
    await $("#theme").selectByAttribute("value", "system");
    await $("#language").selectByAttribute("value", "en");
  });
});

describe("Opening files and links with Backpack", () => {
  it("imports what the app was opened with ('open with', backpack:// links)", async () => {
    const files = fixtures();
    const signed = files.find((f) => f.endsWith("ob3.json"))!;
    const bad = files.find((f) => f.includes("not-a-badge"))!;
    // The file's text as it is: wallet ids are content-addressed, so re-serialised JSON would be another credential.
    const text = fs.readFileSync(files.find((f) => f.endsWith("ob2.jws"))!, "utf8");
    const link = `backpack://import?text=${encodeURIComponent(text)}`;
    const application = (browser.requestedCapabilities as { "tauri:options": { application: string } })["tauri:options"].application;
    await browser.reloadSession({ "tauri:options": { application, args: [signed, bad, link] } } as WebdriverIO.Capabilities);
    await $("#import-summary").waitForDisplayed({ timeout: 30_000 });
    // All three were already added in the first session: two duplicates and the refused file.
    await expect($("#import-summary")).toHaveText("0 added, 2 already in your backpack, 1 refused");
    const statuses = await $$("#import-results li").map((r) => r.getAttribute("data-status"));
    expect(statuses).toEqual(["duplicate", "rejected", "duplicate"]);
    await screenshot("09-opened-with");
  });

  it("loads the bundled sample backpack from the Add screen", async () => {
    await $("#load-sample").click();
    await $("#import-summary").waitForDisplayed({ timeout: 60_000 });
    // The sample is the same on every machine (a fixed, public sample issuer key and fixed
    // dates): the fixtures were made from it, so every sample credential is already here.
    await expect($("#import-summary")).toHaveText("0 added, 6 already in your backpack, 0 refused");
    await $("#nav-backpack").click();
    await expect($("#result-count")).toHaveText("6 of 6 credentials");
  });
});

describe("A second launch", () => {
  it("hands its files to the running window and exits (single instance)", async () => {
    const application = (browser.requestedCapabilities as { "tauri:options": { application: string } })["tauri:options"].application;
    const file = fixtures().find((f) => f.endsWith("ob3.json"))!;
    await $("#nav-backpack").click();
    const second = spawn(application, [file], { stdio: "ignore" });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => { second.kill("SIGKILL"); reject(new Error("the second launch did not exit")); }, 20_000);
      second.on("exit", (c) => { clearTimeout(timer); resolve(c); });
    });
    expect(code).toBe(0);
    // The first window switched to Add and imported the file (already there: a duplicate).
    await $("#import-summary").waitForDisplayed({ timeout: 30_000 });
    await expect($("#import-summary")).toHaveText("0 added, 1 already in your backpack, 0 refused");
  });
});

describe("Planning a pathway and asking for an exemption", () => {
  it("makes a pathway, adds credentials and shows progress and what is missing", async () => {
    await $("#nav-pathways").click();
    await $("#pw-empty").waitForDisplayed();
    await screenshot("10-pathways-empty");
    await $("#pw-new").click();
    await $("#pw-name").setValue("Energy and data");
    await $("#pw-ects").setValue("15");
    await $("#pw-min-eqf").selectByAttribute("value", "6");
    // Enter submits the form, as a keyboard user would.
    await $("#pw-ects").click();
    await browser.keys("Enter");
    await expect($("#pathway-title")).toHaveText("Energy and data");
    await expect($("#pw-ects")).toHaveText(expect.stringContaining("0 of 15 EC"));
    // Add a signed (verified) credential and a hosted OB 2.0 one (not verifiable offline).
    const add = async (format: string) => {
      const before = await $$("#pw-members li").length;
      const li = $(`#pw-candidates li[data-format="${format}"]`);
      const id = await li.getAttribute("data-id");
      await li.$("button").click();
      await browser.waitUntil(async () => (await $$("#pw-members li").length) === before + 1);
      if (id) return id;
      throw new Error(`no ${format} candidate`);
    };
    const signed = await add("ob3-json-ld");
    await expect($(`#pw-members li[data-id="${signed}"]`)).toHaveAttribute("data-standing", "counted");
    // The sample's OB 2.0 badges are signed badges that verify offline, so they count too
    // (an unverified member's standing is covered by ui/src/views/pathways.test.ts).
    const ob2 = await add("ob2-signed");
    await expect($(`#pw-members li[data-id="${ob2}"]`)).toHaveAttribute("data-standing", "counted");
    await expect($("#pw-missing")).toHaveText(expect.stringContaining("EC more needed"));
    await screenshot("11-pathway");
  });

  it("writes the exemption dossier (HTML, PDF, CLR, originals) into Documents", async () => {
    await $("#pw-request").click();
    await expect($("#ex-title")).toHaveText("Request an exemption");
    await expect($$("#ex-members li")).toBeElementsArrayOfSize(2);
    await $("#ex-learner").setValue("Sam de Vries");
    await $("#ex-request").setValue("Vrijstelling voor Energiesystemen (5 EC)");
    await $("#ex-lang").selectByAttribute("value", "nl");
    await $("#ex-verify").click(); // offline: no network in this test
    await screenshot("12-exemption-form");
    await $("#ex-save").click();
    await $("#ex-done").waitForDisplayed({ timeout: 60_000 });
    const files = await $$("#ex-files code").map((c) => c.getText());
    const exportDir = process.env.BACKPACK_EXPORT_DIR!;
    expect(files.every((f) => f.startsWith(exportDir))).toBe(true);
    const html = files.find((f) => f.endsWith("dossier.html"))!;
    const pdf = files.find((f) => f.endsWith("dossier.pdf"))!;
    expect(fs.readFileSync(html, "utf8")).toContain("Sam de Vries");
    expect(fs.readFileSync(html, "utf8")).toContain("Dossier vrijstellingsverzoek: Energy and data");
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    expect(files.some((f) => f.endsWith("clr.json"))).toBe(true);
    expect(files.filter((f) => f.includes("/credentials/")).length).toBe(2);
    await screenshot("13-exemption-saved");
  });
});

describe("Sharing a credential", () => {
  it("adds a WebDAV share location in Settings (password to the keyring)", async () => {
    const dav = process.env.E2E_WEBDAV!;
    await $("#nav-settings").click();
    await $("#loc-name").setValue("local-dav");
    await $("#loc-url").setValue(`${dav}/dav/`);
    await $("#loc-user").setValue(process.env.E2E_WEBDAV_USER!);
    await $("#loc-password").setValue(process.env.E2E_WEBDAV_PASSWORD!);
    await $("#loc-public").setValue(`${dav}/pub/`);
    await $("#loc-add").click();
    await $('#location-list li[data-name="local-dav"]').waitForDisplayed();
    // Publish the verifier page there: the share links below then open that copy, which answers.
    await $('#location-list li[data-name="local-dav"] button.publish').click();
    await $('#location-list li[data-name="local-dav"] .page-url').waitForDisplayed({ timeout: 30_000 });
    await expect($('#location-list li[data-name="local-dav"] .page-url')).toHaveText(expect.stringContaining(`${dav}/pub/verify/index.html`));
    // Its two toasts ("added", "published") sit over the bottom of the window: close them, as a user would.
    for (const close of await $$(".toasts .toast button.close")) await close.click();
    await $(".toasts .toast").waitForExist({ reverse: true });
  });

  it("makes an encrypted short link whose QR the page can open, then revokes it", async () => {
    await $("#nav-backpack").click();
    await $("#search").setValue("machine learning");
    await $("#cards article").waitForDisplayed();
    await $("#cards article button.open").click();
    await $("#detail-title").waitForDisplayed();
    await $("#share").click();
    // With its picture this credential is too large for a scannable self-contained QR code: the dialog says so.
    await $("#share-qr-problem").waitForDisplayed();
    // The verifier page published above answers where the links point: no warning.
    await $("#share-page-checking").waitForDisplayed({ reverse: true, timeout: 15_000 });
    expect(await $("#share-page-warning").isExisting()).toBe(false);
    await screenshot("14-share-no-qr");
    await $("#share-days").selectByAttribute("value", "7");
    await $("#share-short").click();
    const qr = $("#share-qr");
    await qr.waitForDisplayed({ timeout: 30_000 });
    expect(await qr.getAttribute("data-kind")).toBe("short");
    const link = await qr.getAttribute("data-link");
    expect(link).toMatch(/#s=.+&k=[A-Za-z0-9_-]{43}$/);
    expect(link!.startsWith(`${process.env.E2E_WEBDAV}/pub/verify/index.html#s=`)).toBe(true);
    await screenshot("15-share-short");
    // The host holds only ciphertext, readable without a password at the public address.
    const frag = new URLSearchParams(link!.split("#")[1]);
    const objectUrl = frag.get("s")!;
    expect(objectUrl.startsWith(`${process.env.E2E_WEBDAV}/pub/`)).toBe(true);
    const got = await fetch(objectUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get("access-control-allow-origin")).toBe("*");
    const body = Buffer.from(await got.arrayBuffer());
    expect(body.subarray(0, 4).toString()).toBe("BPS1");
    expect(body.includes(Buffer.from("Machine Learning"))).toBe(false);
    // Decrypt as the verifier page does (AES-256-GCM, key from the fragment).
    const key = Buffer.from(frag.get("k")!, "base64url");
    const { webcrypto } = await import("node:crypto");
    const k = await webcrypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
    const plain = await webcrypto.subtle.decrypt({ name: "AES-GCM", iv: body.subarray(4, 16), additionalData: body.subarray(0, 4) }, k, body.subarray(16));
    const env = JSON.parse(Buffer.from(plain).toString("utf8"));
    expect(env.v).toBe(1);
    expect(JSON.stringify(env.credential)).toContain("Machine Learning");
    expect(env.expires).toBeTruthy();
    // Revoke: the object is gone from the host.
    await $('#share-list li[data-state="live"] button').click();
    await $('#share-list li[data-state="revoked"]').waitForDisplayed({ timeout: 30_000 });
    expect((await fetch(objectUrl)).status).toBe(404);
    await browser.keys("Escape"); // closes the dialog (focus is inside it), not the credential
    await $("#share-panel").waitForDisplayed({ reverse: true });
    await expect($("#detail-title")).toHaveText("Introduction to Machine Learning");
  });
});
