import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { AppStore } from "../lib/app.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { MemoryBackend } from "../test/memory-backend";

afterEach(() => {
  cleanup();
  setLanguage("en");
});

async function receiveScreen(b: MemoryBackend, app?: AppStore) {
  render(App, { props: { backend: b, ...(app ? { app } : {}) } });
  await waitFor(() => expect(document.querySelector("#cards, #empty-state")).not.toBeNull());
  await fireEvent.click(screen.getByRole("button", { name: "Receive" }));
  await screen.findByRole("heading", { level: 1, name: "Receive from an issuer" });
}

async function continueWith(text: string) {
  await fireEvent.input(screen.getByLabelText("Paste the offer"), { target: { value: text } });
  await fireEvent.click(screen.getByRole("button", { name: "Continue" }));
  return screen.findByRole("article");
}

describe("Receive screen", () => {
  it("shows who offers what, and the PIN prompt, before anything is sent", async () => {
    const b = new MemoryBackend(0);
    await receiveScreen(b);
    const offer = within(await continueWith("openid-credential-offer://?credential_offer=pin"));
    expect(offer.getByRole("heading", { name: "An offer from Hogeschool Proefstad" })).toBeTruthy();
    expect(offer.getByText("https://issuer.example/pin")).toBeTruthy();
    expect(offer.getByText("Data Literacy")).toBeTruthy();
    expect(offer.getByText("Backpack can receive this")).toBeTruthy();
    expect(offer.getByText("Driving Licence")).toBeTruthy();
    expect(offer.getByText("Backpack cannot receive this format")).toBeTruthy();
    expect(document.querySelector<HTMLImageElement>(".offer img.logo")?.src).toMatch(/^data:image\/png/);
    const pin = offer.getByLabelText("PIN") as HTMLInputElement;
    expect(pin.id).toBe("receive-pin");
    expect(pin.getAttribute("inputmode")).toBe("numeric");
    expect(pin.maxLength).toBe(6);
    expect(offer.getByText("Sent to you by e-mail")).toBeTruthy();
    expect(offer.getByText("6 digits")).toBeTruthy();
    expect(b.started).toEqual([]);
    // Accept without the PIN: asked for, still nothing sent.
    await fireEvent.click(offer.getByRole("button", { name: "Accept" }));
    expect(await offer.findByText("Type the PIN the issuer gave you.")).toBeTruthy();
    expect(b.started).toEqual([]);
  });

  it("lets the user retype a wrong PIN, then receives and refreshes the list", async () => {
    const b = new MemoryBackend(1);
    const app = new AppStore(b);
    await receiveScreen(b, app);
    await continueWith("openid-credential-offer://?credential_offer=pin");
    await fireEvent.input(screen.getByLabelText("PIN"), { target: { value: "111111" } });
    await fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    expect(await screen.findByText("The issuer did not accept this PIN. Check it and type it again.")).toBeTruthy();
    const pin = screen.getByLabelText("PIN") as HTMLInputElement;
    expect(pin.value).toBe("");
    await fireEvent.input(pin, { target: { value: "493536" } });
    await fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    const row = await waitFor(() => {
      const r = document.querySelector(".receive-result");
      expect(r).not.toBeNull();
      return r as HTMLElement;
    });
    expect(row.dataset.status).toBe("imported");
    expect(within(row).getByText("Data Literacy")).toBeTruthy();
    expect(row.querySelector("[data-verdict]")?.getAttribute("data-verdict")).toBe("valid");
    expect(b.started.map((s) => s.txCode)).toEqual(["111111", "493536"]);
    await waitFor(() => expect(app.items.map((s) => s.title)).toContain("Data Literacy"));
  });

  it("shows why a credential was refused", async () => {
    await receiveScreen(new MemoryBackend(0));
    await continueWith("openid-credential-offer://?credential_offer=tampered");
    await fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    const row = await waitFor(() => document.querySelector<HTMLElement>(".receive-result")!);
    expect(row.dataset.status).toBe("rejected");
    expect(within(row).getByText(/The credential from the issuer does not verify, so it was not stored\./)).toBeTruthy();
    expect(within(row).getByText("proof: signature does not verify")).toBeTruthy();
  });

  it("explains an offer it cannot read, in Dutch too", async () => {
    await receiveScreen(new MemoryBackend(0));
    await fireEvent.click(screen.getByRole("button", { name: "Continue" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Paste an offer or a picture of its QR code first.");
    setLanguage("nl");
    await fireEvent.input(await screen.findByLabelText("Plak het aanbod"), { target: { value: "hello" } });
    await fireEvent.click(screen.getByRole("button", { name: "Verder" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Dit is geen aanbod dat Backpack begrijpt: this is not an offer"));
  });

  it("keeps a deferred credential under Pending and checks again", async () => {
    const b = new MemoryBackend(0);
    await receiveScreen(b);
    expect(screen.getByText("Nothing is pending.")).toBeTruthy();
    await continueWith("openid-credential-offer://?credential_offer=later");
    await fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    await waitFor(() => expect(document.querySelector(".receive-result")?.getAttribute("data-status")).toBe("pending"));
    const list = await waitFor(() => document.querySelector<HTMLElement>("#pending-list")!);
    expect(within(list).getByText("Waiting for the issuer")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Check again" }));
    await waitFor(() => expect(document.querySelector("#poll-results .receive-result")?.getAttribute("data-status")).toBe("imported"));
    expect(await screen.findByText("Nothing is pending.")).toBeTruthy();
  });

  it("shows the browser sign-in with Cancel for the authorization code grant", async () => {
    const b = new MemoryBackend(0);
    let finish: () => void = () => {};
    const real = b.receiveStart.bind(b);
    b.receiveStart = (offer, tx, lang, onStep) => new Promise((resolve) => {
      onStep("discovering");
      onStep("browser");
      finish = () => void real(offer, tx, lang, onStep).then(resolve);
    });
    await receiveScreen(b);
    await continueWith("openid-credential-offer://?credential_offer=auth");
    expect(screen.getByText("After you accept, you sign in at the issuer in your browser.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    expect(await screen.findByText("Sign in in your browser… Backpack continues when you are done.")).toBeTruthy();
    expect(document.querySelector("#receive-progress li.current")?.getAttribute("data-step")).toBe("browser");
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(b.receiveCancelled).toBe(1);
    finish();
    await waitFor(() => expect(document.querySelector(".receive-result")).not.toBeNull());
  });

  it("opens an offer link on the offer screen, never accepting it", async () => {
    const b = new MemoryBackend(0);
    b.launchItems = async () => ({ items: [{ kind: "receive", text: "openid-credential-offer://?credential_offer=pin" }], problems: [] });
    render(App, { props: { backend: b } });
    await screen.findByRole("heading", { name: "An offer from Hogeschool Proefstad" });
    expect(screen.getByText("Opened from a link: check the offer before you accept.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Receive" }).getAttribute("aria-current")).toBe("page");
    expect(b.started).toEqual([]);
  });
});
