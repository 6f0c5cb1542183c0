import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { emptyFilters } from "../lib/filter";
import { setLanguage } from "../lib/i18n.svelte";
import { MemoryBackend, summary } from "../test/memory-backend";

afterEach(() => {
  cleanup();
  setLanguage("en");
});

async function start(b: MemoryBackend) {
  const r = render(App, { props: { backend: b } });
  await waitFor(() => expect(document.querySelector("#cards, #empty-state")).not.toBeNull());
  return r;
}

describe("Backpack screen", () => {
  it("explains how to add the first credential when empty", async () => {
    await start(new MemoryBackend(0));
    const empty = await screen.findByText("Your backpack is empty");
    expect(empty).toBeTruthy();
    expect(screen.getByRole("button", { name: "Load the sample backpack" })).toBeTruthy();
  });

  it("lists credentials as cards with issuer, ECTS, EQF and verification", async () => {
    await start(new MemoryBackend(4));
    const cards = await screen.findAllByRole("article");
    expect(cards).toHaveLength(4);
    const first = within(cards[0]);
    expect(first.getByText("Universiteit van Voorbeeld (sample)")).toBeTruthy();
    expect(first.getByText("5 EC")).toBeTruthy();
    expect(first.getByText("EQF 7")).toBeTruthy();
    expect(cards[1].querySelector("[data-verdict]")?.getAttribute("data-verdict")).toBe("valid");
  });

  it("asks the core for the first screen once, and holds only its page", async () => {
    const b = new MemoryBackend(75);
    await start(b);
    expect(await screen.findAllByRole("article")).toHaveLength(30);
    expect(screen.getByText("75 of 75 credentials")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 20));
    expect(b.calls.filter((c) => c.startsWith("search:"))).toEqual([`search:${JSON.stringify(emptyFilters())}:0:30`]);
    await fireEvent.click(screen.getByRole("button", { name: "Show more" }));
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(60));
  });

  it("searches as you type", async () => {
    await start(new MemoryBackend(10));
    const search = screen.getByRole("searchbox");
    await fireEvent.input(search, { target: { value: "writing" } });
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(2));
    expect(screen.getByText("2 of 10 credentials")).toBeTruthy();
    await fireEvent.input(search, { target: { value: "zzz" } });
    expect(await screen.findByText("No credential matches your search or filters.")).toBeTruthy();
  });

  it("filters by EQF level from the filter panel", async () => {
    await start(new MemoryBackend(10));
    await fireEvent.click(screen.getByRole("button", { name: "Filters" }));
    await fireEvent.change(screen.getByLabelText("EQF level"), { target: { value: "6" } });
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(4));
    expect(screen.getByRole("button", { name: "Filters (1)" })).toBeTruthy();
  });

  it("renders credential text as text, never as markup", async () => {
    const b = new MemoryBackend(0);
    b.items = [summary(0, { title: '<img src=x onerror="alert(1)">Evil', issuer: "<b>bold</b>" })];
    await start(b);
    await screen.findByText('<img src=x onerror="alert(1)">Evil');
    expect(document.querySelector("img[src=x]")).toBeNull();
    expect(document.querySelector(".card b")).toBeNull();
  });
});

describe("Detail screen", () => {
  it("shows the guideline fields and the checks, and goes back with Escape", async () => {
    await start(new MemoryBackend(3));
    const cards = await screen.findAllByRole("article");
    await fireEvent.click(within(cards[1]).getByRole("button"));
    await screen.findByRole("heading", { level: 1, name: "Sustainable Energy Systems" });
    expect(screen.getByText("Learning outcomes")).toBeTruthy();
    expect(screen.getByText("Explain bias and variance.")).toBeTruthy();
    expect(screen.getByText("EQF level 6")).toBeTruthy();
    expect(screen.getByText("Participation form")).toBeTruthy();
    const checks = screen.getByRole("table");
    expect(within(checks).getByText("Signature")).toBeTruthy();
    expect(within(checks).getByText("Passed")).toBeTruthy();
    await fireEvent.keyDown(window, { key: "Escape" });
    await screen.findByRole("heading", { level: 1, name: "My backpack" });
  });

  it("removes a credential and brings it back with Undo", async () => {
    const b = new MemoryBackend(2);
    await start(b);
    await fireEvent.click(within((await screen.findAllByRole("article"))[0]).getByRole("button"));
    await fireEvent.click(await screen.findByRole("button", { name: "Remove" }));
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(1));
    await fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(2));
  });
});

describe("Add and Settings screens", () => {
  it("adds a pasted badge and reports each item", async () => {
    await start(new MemoryBackend(0));
    await fireEvent.click(screen.getByRole("button", { name: "Add" }));
    const box = await screen.findByLabelText("Paste a badge");
    await fireEvent.input(box, { target: { value: JSON.stringify({ id: "abababababababab", name: "Pasted Badge" }) } });
    await fireEvent.click(screen.getByRole("button", { name: "Add pasted badge" }));
    await screen.findByText("1 added, 0 already in your backpack, 0 refused");
    expect(screen.getByText("Added")).toBeTruthy();
  });

  it("shows the trusted-list snapshot and says why a refresh cannot run", async () => {
    await start(new MemoryBackend(1));
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByText(/No verified snapshot/);
    await fireEvent.click(screen.getByRole("button", { name: "Refresh trusted lists" }));
    await screen.findByText(/cannot verify the EU list of trusted lists yet/);
  });

  it("switches the language to Dutch", async () => {
    await start(new MemoryBackend(1));
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await fireEvent.change(await screen.findByLabelText("Language"), { target: { value: "nl" } });
    await screen.findByRole("heading", { level: 1, name: "Instellingen" });
    expect(screen.getByRole("button", { name: "Toevoegen" })).toBeTruthy();
  });
});
