import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { MemoryBackend } from "../test/memory-backend";

afterEach(() => {
  cleanup();
  setLanguage("en");
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
    b.locations = [{ id: "loc-1", name: "surfdrive", kind: "webdav", url: "https://dav.example/", user: null, target: "https://dav.example/", public_url: null, created: "2026-01-01T00:00:00Z" }];
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
