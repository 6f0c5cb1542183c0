import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { MemoryBackend } from "../test/memory-backend";
import { forgetPages } from "../lib/pagecheck";
import type { LocationView } from "../lib/types";

afterEach(() => {
  cleanup();
  setLanguage("en");
  forgetPages();
});

async function openShare(b: MemoryBackend) {
  render(App, { props: { backend: b } });
  const cards = await screen.findAllByRole("article");
  await fireEvent.click(within(cards[0]).getByRole("button"));
  await screen.findByRole("heading", { level: 1 });
  await fireEvent.click(screen.getByRole("button", { name: "Share…" }));
  return screen.findByRole("dialog");
}

describe("Share dialog", () => {
  it("shows the QR of the best link, the links, LinkedIn and exports; no location means no short link yet", async () => {
    const b = new MemoryBackend(2);
    const dialog = await openShare(b);
    const qr = await within(dialog).findByAltText("QR code to verify this credential");
    expect(qr.getAttribute("data-kind")).toBe("self-contained");
    expect((within(dialog).getByLabelText("Link with the credential inside") as HTMLInputElement).value).toMatch(/#c=/);
    expect(dialog.querySelector("#share-no-location")?.textContent).toContain("Settings → Sharing");
    await fireEvent.click(within(dialog).getByRole("button", { name: "PDF for your CV" }));
    await waitFor(() => expect(b.exports).toEqual([`${b.items[0].id}.pdf`]));
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("heading", { level: 1 })).toBeTruthy(); // still on the credential
  });

  it("makes an encrypted short link with an expiry, its QR code, and revokes it", async () => {
    const b = new MemoryBackend(2);
    b.locations = [{ id: "loc-1", name: "surfdrive", kind: "webdav", url: "https://dav.example/", user: null, target: "https://dav.example/", public_url: null, created: "2026-01-01T00:00:00Z", page_url: null }];
    const dialog = await openShare(b);
    await within(dialog).findByText("Encrypt and upload");
    await fireEvent.change(within(dialog).getByLabelText("Ends after"), { target: { value: "7" } });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Encrypt and upload" }));
    await waitFor(() => expect(within(dialog).getByAltText("QR code to verify this credential").getAttribute("data-kind")).toBe("short"));
    expect((within(dialog).getByLabelText("Encrypted short link") as HTMLInputElement).value).toMatch(/#s=.*&k=/);
    expect(b.shares[0].expires).not.toBeNull();
    const row = dialog.querySelector('#share-list li[data-state="live"]') as HTMLElement;
    await fireEvent.click(within(row).getByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(dialog.querySelector('#share-list li[data-state="revoked"]')).not.toBeNull());
    expect(b.shares[0].state).toBe("revoked");
  });
});

describe("Settings → sharing", () => {
  it("adds a WebDAV share location, refuses a bad one with a message, and lists shares", async () => {
    const b = new MemoryBackend(1);
    render(App, { props: { backend: b } });
    await screen.findAllByRole("article");
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByText("No share location yet.");
    await fireEvent.input(screen.getByLabelText("Name"), { target: { value: "cloud" } });
    await fireEvent.input(screen.getByLabelText("WebDAV folder URL"), { target: { value: "https://dav.example/backpack" } });
    await fireEvent.input(screen.getByLabelText("User name (optional)"), { target: { value: "sam" } });
    await fireEvent.submit(screen.getByRole("button", { name: "Add share location" }).closest("form")!);
    expect(await screen.findByText("Give the password or app token for this user.")).toBeTruthy();
    expect(b.locations).toHaveLength(0);
    await fireEvent.input(screen.getByLabelText("Password or app token"), { target: { value: "app-token" } });
    await fireEvent.submit(screen.getByRole("button", { name: "Add share location" }).closest("form")!);
    await waitFor(() => expect(document.querySelector('#location-list li[data-name="cloud"]')).not.toBeNull());
    expect(screen.getByText("https://dav.example/backpack/")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Remove cloud" }));
    await waitFor(() => expect(b.locations).toHaveLength(0));
  });
});

describe("The verifier page where links point", () => {
  const surfdrive = (): LocationView => ({ id: "loc-1", name: "surfdrive", kind: "webdav", url: "https://dav.example/", user: null, target: "https://dav.example/", public_url: null, created: "2026-01-01T00:00:00Z", page_url: null });

  afterEach(() => forgetPages());

  it("warns in the Share dialog when the page does not answer, and lets you share anyway", async () => {
    const b = new MemoryBackend(2);
    b.defaultPage = "http-error";
    const dialog = await openShare(b);
    const warning = await within(dialog).findByRole("alert");
    expect(warning.textContent).toContain("The verifier page at https://backpack-wallet.github.io/verify/ does not answer (HTTP 404)");
    expect(b.pageChecks).toEqual(["https://backpack-wallet.github.io/verify/"]);
    const copy = () => within(dialog).getAllByRole("button", { name: "Copy" })[0] as HTMLButtonElement;
    const linkedin = () => within(dialog).getByRole("button", { name: "Copy LinkedIn share link" }) as HTMLButtonElement;
    expect(copy().disabled).toBe(true);
    expect(linkedin().disabled).toBe(true);
    await fireEvent.click(within(dialog).getByRole("button", { name: "Share anyway" }));
    await waitFor(() => expect(within(dialog).queryByRole("alert")).toBeNull());
    expect(copy().disabled).toBe(false);
    expect(linkedin().disabled).toBe(false);
  });

  it("says nothing when the page answers, and does not ask again in this session", async () => {
    const b = new MemoryBackend(2);
    const dialog = await openShare(b);
    await waitFor(() => expect(b.pageChecks).toHaveLength(1));
    await waitFor(() => expect(dialog.querySelector("#share-page-checking")).toBeNull());
    expect(within(dialog).queryByRole("alert")).toBeNull();
    expect((within(dialog).getAllByRole("button", { name: "Copy" })[0] as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await fireEvent.click(screen.getByRole("button", { name: "Share…" }));
    await screen.findByRole("dialog");
    await within(screen.getByRole("dialog")).findByLabelText("Link with the credential inside");
    expect(b.pageChecks).toHaveLength(1);
  });

  it("publishes the page from Settings with progress and its URL; links then open it and it answers", async () => {
    const b = new MemoryBackend(2);
    b.locations = [surfdrive()];
    b.defaultPage = "unreachable";
    let release = () => {};
    b.publishPause = new Promise<void>((r) => { release = r; });
    render(App, { props: { backend: b } });
    await screen.findAllByRole("article");
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const button = (await screen.findByRole("button", { name: "Publish verifier page on surfdrive" })) as HTMLButtonElement;
    expect(button.textContent).toBe("Publish verifier page");
    await fireEvent.click(button);
    expect(await screen.findByText("Uploading file 2 of 3…")).toBeTruthy();
    expect(button.disabled).toBe(true);
    release();
    const url = "https://dav.example/verify/index.html";
    expect(await screen.findByText(`Verifier page published: ${url}. Links made with this location now open it.`)).toBeTruthy();
    const row = document.querySelector('#location-list li[data-name="surfdrive"]') as HTMLElement;
    await waitFor(() => expect(row.querySelector(".page-url")?.textContent).toContain(url));
    expect(row.querySelector(".publishing")).toBeNull();
    expect(button.disabled).toBe(false);

    // The Share dialog's links now use the published copy, which answers: no warning.
    await fireEvent.click(screen.getByRole("button", { name: "Backpack" }));
    const dialog = await openShareHere();
    const self = (await within(dialog).findByLabelText("Link with the credential inside")) as HTMLInputElement;
    expect(self.value.startsWith(`${url}#c=`)).toBe(true);
    await waitFor(() => expect(b.pageChecks).toEqual([url]));
    expect(within(dialog).queryByRole("alert")).toBeNull();
  });

  it("says why a publish failed, in Dutch too, and claims nothing", async () => {
    const b = new MemoryBackend(1);
    b.settings.language = "nl";
    b.locations = [surfdrive()];
    b.publishFails = "share-host-unreachable";
    render(App, { props: { backend: b } });
    await screen.findAllByRole("article");
    await fireEvent.click(screen.getByRole("button", { name: "Instellingen" }));
    const button = (await screen.findByRole("button", { name: "Controlepagina publiceren op surfdrive" })) as HTMLButtonElement;
    await fireEvent.click(button);
    expect(await screen.findByText("De deellocatie is niet bereikbaar: could not reach the share location")).toBeTruthy();
    await waitFor(() => expect(button.disabled).toBe(false));
    expect(b.locations[0].page_url).toBeNull();
    expect(document.querySelector('#location-list li[data-name="surfdrive"] .page-url')).toBeNull();
  });
});

async function openShareHere() {
  const cards = await screen.findAllByRole("article");
  await fireEvent.click(within(cards[0]).getByRole("button"));
  await screen.findByRole("heading", { level: 1 });
  await fireEvent.click(screen.getByRole("button", { name: "Share…" }));
  return screen.findByRole("dialog");
}
