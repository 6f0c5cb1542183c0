import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../test/memory-backend";
import { AppStore, FIRST_PAGE } from "./app.svelte";
import { i18n } from "./i18n.svelte";

describe("AppStore", () => {
  it("loads a small list whole with its first page and filters it in memory", async () => {
    const b = new MemoryBackend(12);
    const app = new AppStore(b);
    await app.init();
    expect(app.fatal).toBeNull();
    expect(app.list).toHaveLength(12);
    expect(app.partial).toBeNull();
    await app.loadRest();
    expect(b.calls.filter((c) => c === "list")).toHaveLength(0);
    expect(app.shown).toHaveLength(12);
    app.filters.query = "energy";
    expect(app.shown.length).toBeGreaterThan(0);
    expect(app.shown.every((s) => s.title === "Sustainable Energy Systems")).toBe(true);
  });

  it("shows the first page of a large backpack first and the whole list after", async () => {
    const b = new MemoryBackend(75);
    const app = new AppStore(b);
    await app.init();
    expect(app.list).toHaveLength(FIRST_PAGE);
    expect(app.partial).toEqual({ total: 75 });
    expect(app.count).toBe(75);
    expect(b.calls.filter((c) => c === "list")).toHaveLength(0);
    await app.loadRest();
    expect(app.partial).toBeNull();
    expect(app.list.map((s) => s.id)).toEqual(b.items.map((s) => s.id));
    expect(app.count).toBe(75);
    await app.loadRest();
    expect(b.calls.filter((c) => c === "list")).toHaveLength(1);
  });

  it("fetches the rest once at a time, and again after a failure", async () => {
    const b = new MemoryBackend(45);
    const app = new AppStore(b);
    await app.init();
    const list = b.list.bind(b);
    let fail = true;
    b.list = async () => {
      if (fail) throw { code: "store-unavailable", message: "busy" };
      return list();
    };
    await Promise.all([app.loadRest(), app.loadRest()]);
    expect(app.partial).toEqual({ total: 45 });
    expect(app.toasts.filter((x) => x.kind === "error")).toHaveLength(1);
    fail = false;
    await app.loadRest();
    expect(app.partial).toBeNull();
    expect(app.list).toHaveLength(45);
  });

  it("counts a removal made before the rest arrived", async () => {
    const app = new AppStore(new MemoryBackend(40));
    await app.init();
    expect(app.count).toBe(40);
    await app.remove(app.list[3].id, app.list[3].title);
    expect(app.count).toBe(39);
    await app.loadRest();
    expect(app.count).toBe(39);
  });

  it("reads the list again when it changed before the rest arrived", async () => {
    const b = new MemoryBackend(40);
    const app = new AppStore(b);
    await app.init();
    const gone = app.list[0];
    const rest = app.loadRest();
    // A removal while the whole list is on its way: the old whole list must not come back.
    await app.remove(gone.id, gone.title);
    await rest;
    expect(app.partial).toBeNull();
    expect(app.list).toHaveLength(39);
    expect(app.list.some((s) => s.id === gone.id)).toBe(false);
  });

  it("shows only the store error when the backpack cannot be opened", async () => {
    const b = new MemoryBackend(3);
    b.info = { store_error: { code: "no-keyring", message: "no OS keyring answered" } };
    const app = new AppStore(b);
    await app.init();
    expect(app.fatal?.code).toBe("no-keyring");
    expect(app.list).toHaveLength(0);
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
    expect(app.list.map((s) => s.title)).toEqual(["First"]);
  });

  it("removes with undo", async () => {
    const b = new MemoryBackend(3);
    const app = new AppStore(b);
    await app.init();
    const victim = app.list[0];
    await app.remove(victim.id, victim.title);
    expect(app.list.find((s) => s.id === victim.id)).toBeUndefined();
    const toast = app.toasts.at(-1)!;
    expect(typeof toast.text === "function" ? toast.text() : toast.text).toContain(victim.title);
    await toast.action!.run();
    expect(app.list.find((s) => s.id === victim.id)).toBeDefined();
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
