// The app's state: the list of summaries (its first page first, then all of
// it once the first screen is painted), search and filters,
// the current screen, imports with progress, toasts with undo, and settings.
// Views read it through `getApp()`; tests build one with an in-memory Backend.
import { getContext, setContext } from "svelte";
import { toAppError, type Backend } from "./api";
import { apply, emptyFilters, facets, index, type Filters } from "./filter";
import { errorText, pickLanguage, setLanguage, t } from "./i18n.svelte";
import type { AppError, AppInfo, ImportItem, ImportProgress, ItemResult, LaunchItem, LaunchItems, Settings, Summary } from "./types";

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

/** Cards rendered at once (more as the list scrolls); also the first page fetched at start. */
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
  list = $state.raw<Summary[]>([]);
  /** Until the whole list has arrived, `list` is its first page and this says how many there are. */
  partial = $state<{ total: number } | null>(null);
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

  readonly indexed = $derived(index(this.list));
  readonly shown = $derived(apply(this.indexed, this.filters));
  readonly facets = $derived(facets(this.indexed));
  /** How many credentials the backpack holds. */
  readonly count = $derived(this.partial ? this.partial.total : this.list.length);

  constructor(backend: Backend) {
    this.backend = backend;
  }

  /** First load: info, settings (language, theme), the list, then what the app was opened with. */
  async init(): Promise<void> {
    const mark = (name: string) => (this.marks[name] = Math.round(typeof performance === "undefined" ? 0 : performance.now()));
    mark("init");
    // The first page of the list is asked for at once, beside info and
    // settings (the core has it ready: it was read while WebKit started). The
    // whole list (2.7 MB of JSON for 10,000 credentials, then indexed for
    // search) follows after the first screen is painted: see loadRest.
    // What the app was opened with is asked for now too, so no round trip
    // stands between the list arriving and the first screen being painted.
    const launch = this.backend.launchItems().catch(() => ({ items: [], problems: [] }));
    const list = this.backend.listHead(FIRST_PAGE).then(
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
      const got = await list;
      if (!got.ok) throw got.e;
      this.list = got.l.items;
      this.partial = got.l.items.length < got.l.total ? { total: got.l.total } : null;
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

  async reload(): Promise<void> {
    this.list = await this.backend.list();
    this.partial = null;
    this.loaded = true;
  }

  private rest: Promise<void> | null = null;

  /**
   * After the first screen: the whole list, which search, filters and the
   * other screens need. One fetch at a time; called again (a search while the
   * list is partial) after a failure, it tries again.
   */
  loadRest(): Promise<void> {
    if (!this.partial) return Promise.resolve();
    this.rest ??= this.fetchRest().finally(() => (this.rest = null));
    return this.rest;
  }

  private restFailures = 0;

  private async fetchRest(): Promise<void> {
    const head = this.list;
    try {
      const all = await this.backend.list();
      // A change in the meantime (an import, a removal) is already in the store: read it again.
      if (this.list !== head) return await this.reload();
      this.list = all;
      this.partial = null;
      this.restFailures = 0;
    } catch (e) {
      // Said once; tried again by itself (and whenever a screen needs the list).
      if (this.restFailures++ === 0) this.toast(errorText(toAppError(e)), "error");
      if (this.restFailures < 5 && typeof window !== "undefined") setTimeout(() => void this.loadRest(), 2000 * this.restFailures);
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
    this.list = this.list.filter((s) => s.id !== id);
    if (this.partial) this.partial = { total: this.partial.total - 1 };
    this.view = { name: "backpack" };
    this.toast(() => t("detail.removed", { title }), "info", {
      label: t("detail.undo"),
      run: async () => {
        await this.backend.undoRemove(id);
        await this.reload();
        this.toast(() => t("detail.restored", { title }));
      },
    }, 15000);
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

  /** Replace one summary's verdict after a re-verification. */
  patchVerdict(id: string, verdict: Summary["verdict"], checkedAt: string): void {
    this.list = this.list.map((s) => (s.id === id ? { ...s, verdict, checked_at: checkedAt } : s));
  }
}

const KEY = Symbol("backpack-app");
export const provideApp = (app: AppStore) => setContext(KEY, app);
export const getApp = (): AppStore => getContext<AppStore>(KEY);
