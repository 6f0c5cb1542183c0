// The app's state: the results on screen (the first pages of the current
// search: the core searches, filters and sorts, and keeps the list), how many
// match and how many there are, the facets, the filters, the current screen,
// imports with progress, toasts with undo, and settings.
// Views read it through `getApp()`; tests build one with an in-memory Backend.
import { getContext, setContext } from "svelte";
import { toAppError, type Backend } from "./api";
import { emptyFilters } from "./filter";
import { errorText, pickLanguage, setLanguage, t } from "./i18n.svelte";
import type { AppError, AppInfo, Facets, Filters, ImportItem, ImportProgress, ItemResult, LaunchItem, LaunchItems, Page, Settings, Summary } from "./types";

export type View =
  | { name: "backpack" }
  | { name: "add" }
  /** `offer`: an offer the app was opened with (a link), shown on the offer screen first; `n` tells two apart. */
  | { name: "receive"; offer?: string; n?: number }
  | { name: "detail"; id: string }
  | { name: "settings" }
  | { name: "pathways" }
  | { name: "pathway"; id: string }
  | { name: "exemption"; pathway: string | null; ids: string[] };

export interface Toast {
  id: number;
  /** A function is re-evaluated on render, so the toast follows a language switch. */
  text: string | (() => string);
  kind: "info" | "error";
  action?: { label: string; run: () => void | Promise<void> };
}

/** Cards asked for at once (more as the list scrolls); also the first screen's. */
export const FIRST_PAGE = 30;

export const defaultSettings = (): Settings => ({ language: "system", theme: "system", data_dir: null, verifier_url: "" });

let toastSeq = 0;
let launchSeq = 0;

export class AppStore {
  readonly backend: Backend;
  info = $state<AppInfo | null>(null);
  settings = $state<Settings>(defaultSettings());
  /** Why the store could not be opened (the app shows only that). */
  fatal = $state<AppError | null>(null);
  loaded = $state(false);
  /** The results on screen: the first pages of the current search, in its order. */
  items = $state.raw<Summary[]>([]);
  /** How many credentials match the current search and filters. */
  matching = $state(0);
  /** How many credentials the backpack holds. */
  count = $state(0);
  /** Results applied so far (the list carries it as `data-searched`, for tests that time a search). */
  searched = $state(0);
  /** The issuers, years and levels the filter panel offers (read when it opens). */
  facets = $state.raw<Facets>({ issuers: [], years: [], eqf: [] });
  filters = $state<Filters>(emptyFilters());
  view = $state<View>({ name: "backpack" });
  toasts = $state<Toast[]>([]);
  importing = $state<{ done: number; total: number } | null>(null);
  results = $state<ItemResult[]>([]);
  pictures = $state<Record<string, string>>({});
  /** A screen that takes files dropped on the window itself (Receive: a QR picture) instead of importing them. */
  dropTarget: ((paths: string[]) => void) | null = null;
  /** Milliseconds since the page started, at each step of the first load (logged with BACKPACK_TIMING). */
  marks: Record<string, number> = {};

  /** The last search sent, and the last whose answer was applied (answers older than that are dropped). */
  private sent = 0;
  private applied = 0;
  /** The filters of the results on screen or on their way (JSON); `null` once the store changed. */
  private requested: string | null = null;
  private facetsFresh = false;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  /** First load: info, settings (language, theme), the first page of the list, then what the app was opened with. */
  async init(): Promise<void> {
    const mark = (name: string) => (this.marks[name] = Math.round(typeof performance === "undefined" ? 0 : performance.now()));
    mark("init");
    // The first page is asked for at once, beside info and settings (the
    // core has the list and its index ready: they were read while WebKit
    // started). What the app was opened with is asked for now too, so no
    // round trip stands between the list arriving and the first screen.
    const launch = this.backend.launchItems().catch(() => ({ items: [], problems: [] }));
    const filters = $state.snapshot(this.filters);
    const first = this.backend.search(filters, 0, FIRST_PAGE).then(
      (l) => ({ ok: true as const, l }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    try {
      const [info, settings] = await Promise.all([this.backend.appInfo(), this.backend.getSettings()]);
      mark("info");
      this.info = info;
      this.settings = settings;
      this.applySettings();
      if (info.store_error) {
        this.fatal = info.store_error;
        return;
      }
      const got = await first;
      if (!got.ok) throw got.e;
      this.requested = JSON.stringify(filters);
      this.show(++this.sent, got.l, false);
      this.loaded = true;
      mark("list");
    } catch (e) {
      this.fatal = toAppError(e);
      return;
    }
    await this.opened(await launch);
  }

  /** What the app was opened with, at start or by a second launch ("open with", backpack:// links). */
  async opened(launch: LaunchItems): Promise<void> {
    for (const p of launch.problems) this.toast(`${t("error.bad-link")} (${p.arg})`, "error");
    if (this.fatal) return;
    const imports = launch.items.filter((i): i is Exclude<LaunchItem, { kind: "receive" }> => i.kind !== "receive");
    const offers = launch.items.filter((i): i is Extract<LaunchItem, { kind: "receive" }> => i.kind === "receive");
    if (imports.length) {
      this.view = { name: "add" };
      await this.importItems(imports);
    }
    // An offer opens the offer screen (never accepted by the link alone); the last one given wins.
    const offer = offers[offers.length - 1];
    if (offer) this.view = { name: "receive", offer: offer.text, n: ++launchSeq };
  }

  applySettings(): void {
    const nav = typeof navigator !== "undefined" ? navigator.language : null;
    setLanguage(pickLanguage(this.settings.language, this.info?.os_language ?? null, nav));
    if (typeof document !== "undefined") {
      const root = document.documentElement;
      if (this.settings.theme === "system") delete root.dataset.theme;
      else root.dataset.theme = this.settings.theme;
    }
  }

  /** Apply answer `n` (`more`: after the results on screen) unless a later answer was applied already. */
  private show(n: number, page: Page, more: boolean): boolean {
    if (n < this.applied) return false;
    this.applied = n;
    this.items = more ? [...this.items, ...page.items] : page.items;
    this.matching = page.total_matching;
    this.count = page.total;
    this.searched++;
    return true;
  }

  /**
   * Ask the core for the first `limit` results of the current filters (one
   * IPC per keystroke). Answers can arrive out of order: one older than the
   * answer on screen is dropped.
   */
  async search(limit = FIRST_PAGE): Promise<void> {
    const filters = $state.snapshot(this.filters);
    this.requested = JSON.stringify(filters);
    const n = ++this.sent;
    try {
      this.show(n, await this.backend.search(filters, 0, limit), false);
    } catch (e) {
      if (n === this.sent) {
        this.requested = null;
        this.toast(errorText(toAppError(e)), "error");
      }
    }
  }

  /** Search unless the results on screen (or on their way) are for the current filters already. */
  refresh(): Promise<void> {
    return JSON.stringify(this.filters) === this.requested ? Promise.resolve() : this.search();
  }

  private loadingMore = false;

  /** The next page of the current search, after the results on screen (the list scrolled to its end). */
  async more(): Promise<void> {
    if (this.loadingMore || this.items.length >= this.matching) return;
    const n = this.applied;
    const filters = $state.snapshot(this.filters);
    if (JSON.stringify(filters) !== this.requested || this.sent !== n) return; // a new search is on its way
    this.loadingMore = true;
    try {
      const page = await this.backend.search(filters, this.items.length, FIRST_PAGE);
      if (this.sent === n) this.show(n, page, true);
    } catch (e) {
      this.toast(errorText(toAppError(e)), "error");
    } finally {
      this.loadingMore = false;
    }
  }

  /** The store changed (an import, a removal, a restore): the results on screen, and the facets, are read again. */
  async reload(): Promise<void> {
    this.facetsFresh = false;
    await this.search(Math.max(FIRST_PAGE, this.items.length));
    this.loaded = true;
  }

  /** The filter panel's choices, read when it opens (and again after a change to the store). */
  async loadFacets(): Promise<void> {
    if (this.facetsFresh) return;
    this.facetsFresh = true;
    try {
      this.facets = await this.backend.facets();
    } catch (e) {
      this.facetsFresh = false;
      this.toast(errorText(toAppError(e)), "error");
    }
  }

  go(view: View): void {
    this.view = view;
  }

  toast(text: Toast["text"], kind: Toast["kind"] = "info", action?: Toast["action"], ms = 8000): number {
    const id = ++toastSeq;
    this.toasts = [...this.toasts, { id, text, kind, action }];
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((x) => x.id !== id);
  }

  private onProgress = (p: ImportProgress) => {
    this.importing = { done: p.done, total: p.total };
    this.results = [...this.results, p.result];
  };

  private async runImport(job: () => Promise<ItemResult[]>): Promise<ItemResult[]> {
    this.results = [];
    this.importing = { done: 0, total: 0 };
    try {
      const all = await job();
      this.results = all;
      await this.reload();
      return all;
    } catch (e) {
      this.toast(errorText(toAppError(e)), "error");
      return [];
    } finally {
      this.importing = null;
    }
  }

  importItems(items: ImportItem[]): Promise<ItemResult[]> {
    return this.runImport(() => this.backend.importItems(items, this.onProgress));
  }

  loadSample(): Promise<ItemResult[]> {
    return this.runImport(() => this.backend.loadSample(this.onProgress));
  }

  /** Fetch checked picture data URLs for cards that have one and are not loaded yet. */
  async ensurePictures(ids: string[]): Promise<void> {
    const want = ids.filter((id) => !(id in this.pictures));
    if (!want.length) return;
    for (const id of want) this.pictures[id] = "";
    try {
      const got = await this.backend.pictures(want);
      for (const [id, url] of Object.entries(got)) {
        if (url.startsWith("data:image/")) this.pictures[id] = url;
      }
    } catch {
      // Cards keep their placeholder.
    }
  }

  /** Remove (to the trash) with an Undo toast. */
  async remove(id: string, title: string): Promise<void> {
    try {
      await this.backend.remove(id);
    } catch (e) {
      this.toast(errorText(toAppError(e)), "error");
      return;
    }
    this.view = { name: "backpack" };
    this.toast(() => t("detail.removed", { title }), "info", {
      label: t("detail.undo"),
      run: async () => {
        await this.backend.undoRemove(id);
        await this.reload();
        this.toast(() => t("detail.restored", { title }));
      },
    }, 15000);
    await this.reload();
  }

  async saveSettings(next: Settings): Promise<boolean> {
    try {
      this.settings = await this.backend.setSettings(next);
      this.applySettings();
      return true;
    } catch (e) {
      this.toast(errorText(toAppError(e)), "error");
      return false;
    }
  }

  /** Replace one card's verdict after a re-verification; the list is searched again when next shown (a status filter may leave it out now). */
  patchVerdict(id: string, verdict: Summary["verdict"], checkedAt: string): void {
    this.items = this.items.map((s) => (s.id === id ? { ...s, verdict, checked_at: checkedAt } : s));
    this.requested = null;
  }
}

const KEY = Symbol("backpack-app");
export const provideApp = (app: AppStore) => setContext(KEY, app);
export const getApp = (): AppStore => getContext<AppStore>(KEY);
