// A Europass Digital Credential in the real app window: the public sealed
// sample (tests/fixtures/edc, MyNextID, MIT) added with the file picker, its
// card in the list, and its detail: the awarding body, the seal's checks
// (signature and certificate passed; trust on the EU trusted lists and the
// test timestamp authority could not be checked), and the issuer's own
// rendering page by page.
import path from "node:path";
import { $, $$, browser, expect } from "@wdio/globals";
import { screenshot } from "./helpers.ts";

const sample = path.join(import.meta.dirname, "..", "tests", "fixtures", "edc", "edc-mc-signed.jsonld");

describe("A Europass credential", () => {
  before(async () => {
    await browser.setWindowSize(1024, 720).catch(() => {});
  });

  it("is added, listed and shown with its seal checks and its own pages", async () => {
    await $("#nav-add").click();
    await $("#drop-zone").waitForDisplayed();
    await $("#file-input").addValue(sample);
    await $("#import-summary").waitForDisplayed({ timeout: 60_000 });
    const row = $('#import-results li[data-status="imported"]');
    await expect(row).toBeDisplayed();

    await $("#nav-backpack").click();
    await $("#cards").waitForDisplayed();
    await $("#search").setValue("NETIS");
    await browser.waitUntil(async () => (await $$("#cards article").length) === 1, { timeout: 10_000 });
    await screenshot("europass-01-list");
    await $("#cards article").$("button.open").click();
    await $("#detail-title").waitForDisplayed();
    await expect($("#awarding-body")).toHaveText(expect.stringContaining("NETIS d.o.o."));
    await expect($('#checks tr[data-check="seal-signature"] .oc')).toHaveText("Passed");
    await expect($('#checks tr[data-check="seal-certificate"] .oc')).toHaveText("Passed");
    await expect($('#checks tr[data-check="seal-trust"]')).toBeDisplayed();
    await expect($(".top [data-verdict]")).toHaveAttribute("data-verdict", "indeterminate");
    const pages = $$("#issuer-pages img.page");
    await expect(pages).toBeElementsArrayOfSize(4);
    await screenshot("europass-02-detail");
    await $("#issuer-pages").scrollIntoView();
    await screenshot("europass-03-pages");
    await $("#back").click();
    await $("#search").clearValue();
  });
});
