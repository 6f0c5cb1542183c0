import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../test/memory-backend";
import { AppStore, FIRST_PAGE } from "./app.svelte";
import { i18n } from "./i18n.svelte";

describe("AppStore", () => {
  it("shows the first page of the list and asks the core for each search", async () => {
    const b = new MemoryBackend(12);
    const app = new AppStore(b);
    await app.init();
    expect(app.fatal).toBeNull();
    expect(app.items).toHaveLength(12);
    expect([app.matching, app.count]).toEqual([12, 12]);
    expect(b.calls.filter((c) => c.startsWith("search:"))).toHaveLength(1);
    // The same filters again: no second request.
    await app.refresh();
    expect(b.calls.filter((c) => c.startsWith("search:"))).toHaveLength(1);
    app.filters.query = "energy";
    await app.refresh();
    expect(app.items.length).toBeGreaterThan(0);
    expect(app.items.every((s) => s.title === "Sustainable Energy Systems")).toBe(true);
    expect([app.matching, app.count]).toEqual([app.items.length, 12]);
    expect(b.calls.at(-1)).toBe(`search:${JSON.stringify({ ...app.filters })}:0:${FIRST_PAGE}`);
  });

  it("holds only the pages shown of a large backpack, one more at a time", async () => {
    const b = new MemoryBackend(75);
    const app = new AppStore(b);
    await app.init();
    expect(app.items).toHaveLength(FIRST_PAGE);
    expect([app.matching, app.count]).toEqual([75, 75]);
    await Promise.all([app.more(), app.more()]); // one request at a time
    expect(app.items).toHaveLength(60);
    await app.more();
    await app.more();
    expect(app.items.map((s) => s.id)).toEqual(b.items.map((s) => s.id));
    expect(b.calls.filter((c) => c.startsWith("search:")).map((c) => c.split(":").slice(-2).join(":"))).toEqual(["0:30", "30:30", "60:30"]);
    // A new search starts again from its first page.
    app.filters.sort = "title";
    await app.refresh();
    expect(app.items).toHaveLength(FIRST_PAGE);
    expect(app.items[0].title).toBe("Academic Writing in English");
  });

  it("drops an answer that arrives after a later one", async () => {
    const b = new MemoryBackend(20);
    const app = new AppStore(b);
    await app.init();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    b.searchGate = (f) => (f.query === "energy" ? slow : Promise.resolve());
    app.filters.query = "energy";
    const first = app.refresh();
    app.filters.query = "writing";
    await app.refresh();
    expect(app.items.every((s) => s.title === "Academic Writing in English")).toBe(true);
    release();
    await first;
    expect(app.items.every((s) => s.title === "Academic Writing in English")).toBe(true);
    expect(app.matching).toBe(4);
  });

  it("reads the results and facets again after a change to the store", async () => {
    const b = new MemoryBackend(40);
    const app = new AppStore(b);
    await app.init();
    await app.loadFacets();
    await app.loadFacets();
    expect(app.facets.eqf).toEqual([5, 6, 7]);
    expect(b.calls.filter((c) => c === "facets")).toHaveLength(1);
    const gone = app.items[3];
    await app.remove(gone.id, gone.title);
    expect(app.count).toBe(39);
    expect(app.items.some((s) => s.id === gone.id)).toBe(false);
    await app.loadFacets();
    expect(b.calls.filter((c) => c === "facets")).toHaveLength(2);
    // A verdict patched on screen: the next time the list is shown it is searched again.
    const n = b.calls.length;
    app.patchVerdict(app.items[0].id, "invalid", "2026-03-03T00:00:00Z");
    expect(app.items[0].verdict).toBe("invalid");
    await app.refresh();
    expect(b.calls.length).toBe(n + 1);
  });

  it("shows only the store error when the backpack cannot be opened", async () => {
    const b = new MemoryBackend(3);
    b.info = { store_error: { code: "no-keyring", message: "no OS keyring answered" } };
    const app = new AppStore(b);
    await app.init();
    expect(app.fatal?.code).toBe("no-keyring");
    expect(app.items).toHaveLength(0);
  });

  it("imports with progress and per-item results", async () => {
    const app = new AppStore(new MemoryBackend(0));
    await app.init();
    const seen: number[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        if (app.importing) seen.push(app.importing.done);
      });
    });
    const res = await app.importItems([
      { kind: "text", label: "a", text: JSON.stringify({ id: "aaaaaaaaaaaaaaaa", name: "First" }) },
      { kind: "text", label: "b", text: "not json" },
      { kind: "text", label: "c", text: JSON.stringify({ id: "aaaaaaaaaaaaaaaa", name: "First" }) },
    ]);
    stop();
    expect(res.map((r) => r.status)).toEqual(["imported", "rejected", "duplicate"]);
    expect(app.results[1].error?.code).toBe("not-a-badge");
    expect(app.importing).toBeNull();
    expect(app.items.map((s) => s.title)).toEqual(["First"]);
    expect(app.count).toBe(1);
  });

  it("removes with undo", async () => {
    const b = new MemoryBackend(3);
    const app = new AppStore(b);
    await app.init();
    const victim = app.items[0];
    await app.remove(victim.id, victim.title);
    expect(app.items.find((s) => s.id === victim.id)).toBeUndefined();
    const toast = app.toasts.at(-1)!;
    expect(typeof toast.text === "function" ? toast.text() : toast.text).toContain(victim.title);
    await toast.action!.run();
    expect(app.items.find((s) => s.id === victim.id)).toBeDefined();
  });

  it("saves settings and applies the language; refuses bad values with a message", async () => {
    const app = new AppStore(new MemoryBackend(1));
    await app.init();
    expect(await app.saveSettings({ ...app.settings, language: "nl" })).toBe(true);
    expect(i18n.lang).toBe("nl");
    expect(await app.saveSettings({ ...app.settings, verifier_url: "ftp://x" })).toBe(false);
    expect(app.toasts.at(-1)?.kind).toBe("error");
    expect(app.settings.verifier_url).toBe("");
    await app.saveSettings({ ...app.settings, language: "en" });
  });
});
