// The one door to the Rust core. Views and stores talk to a `Backend`; the app
// uses `tauriBackend` (Tauri IPC), unit tests pass an in-memory one.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AppError, AppInfo, Detail, DossierWritten, ExemptionRequest, Facets, Filters, ImportItem, ImportProgress, ItemResult,
  LaunchItems, LocationDraft, LocationView, OfferView, PageStatus, PathwayDraft, Published, PublishProgress, PendingRow, Received, ShareRow, Step, ShareView, PathwayImported, PathwayView, ReportView, RestoreReport, Settings, Suggestion,
  TrustStatus, Written, Page,
} from "./types";

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** The EU trusted lists' snapshot (Europass seals). */
  trustStatus(): Promise<TrustStatus>;
  /** Fetch, verify and keep new trusted lists; the folder written. */
  refreshTrustedLists(): Promise<string>;
  /** The credentials matching `filters` in their order: how many, and `limit` of them from `offset` (the core searches its kept list). */
  search(filters: Filters, offset: number, limit: number): Promise<Page>;
  /** The issuers, years and EQF levels the filters offer. */
  facets(): Promise<Facets>;
  detail(id: string): Promise<Detail>;
  pictures(ids: string[]): Promise<Record<string, string>>;
  importItems(items: ImportItem[], onProgress: (p: ImportProgress) => void): Promise<ItemResult[]>;
  loadSample(onProgress: (p: ImportProgress) => void): Promise<ItemResult[]>;
  launchItems(): Promise<LaunchItems>;
  verify(id: string, online: boolean): Promise<ReportView>;
  remove(id: string): Promise<string>;
  undoRemove(id: string): Promise<void>;
  exportCredential(id: string, format: ExportFormat, lang?: string): Promise<Written>;
  createBackup(passphrase: string): Promise<Written>;
  restoreBackup(base64: string, passphrase: string, replace: boolean): Promise<RestoreReport>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  firstScreen(shown: number, marks: Record<string, number>): Promise<number>;
  listPathways(): Promise<PathwayView[]>;
  getPathway(id: string): Promise<PathwayView>;
  createPathway(draft: PathwayDraft, members: string[]): Promise<PathwayView>;
  updatePathway(id: string, draft: PathwayDraft): Promise<PathwayView>;
  addToPathway(id: string, ids: string[]): Promise<PathwayView>;
  removeFromPathway(id: string, ids: string[]): Promise<PathwayView>;
  deletePathway(id: string): Promise<string>;
  pathwaySuggestions(): Promise<Suggestion[]>;
  importPathway(text: string): Promise<PathwayImported>;
  exportPathway(id: string): Promise<Written>;
  requestExemption(request: ExemptionRequest, online: boolean): Promise<DossierWritten>;
  shareView(id: string): Promise<ShareView>;
  shareShort(id: string, location: string | null, days: number | null): Promise<ShareView>;
  revokeShare(share: string): Promise<ShareView>;
  listShares(): Promise<ShareRow[]>;
  pruneShares(): Promise<number>;
  listShareLocations(): Promise<LocationView[]>;
  addShareLocation(location: LocationDraft): Promise<LocationView[]>;
  removeShareLocation(name: string): Promise<LocationView[]>;
  /** Publish the verifier page on share location `name` (each file's upload reported); its URL at the end. */
  publishVerifierPage(name: string, onProgress: (p: PublishProgress) => void): Promise<Published>;
  /** Does Backpack's verifier page answer at `base`? (A warning before sharing, never a block.) */
  checkVerifierPage(base: string): Promise<PageStatus>;
  presentCredentials(ids: string[], challenge: string | null, domain: string | null): Promise<Written>;
  /** Who offers what (the offer screen); nothing is sent to the issuer but the reads of the offer and its metadata. */
  receivePreview(text: string, lang: string): Promise<OfferView>;
  /** The offer text in a picture (base64 PNG) of its QR code. */
  receivePicture(base64: string): Promise<string>;
  /** The offer in a file dropped on the window (a QR picture, or text). */
  receiveFile(path: string): Promise<string>;
  /** Receive an accepted offer (`OfferView.offer`), with the PIN when the issuer asks for one. */
  receiveStart(offer: string, txCode: string | null, lang: string, onStep: (s: Step) => void): Promise<Received[]>;
  receiveCancel(): Promise<void>;
  listPending(): Promise<PendingRow[]>;
  pollPending(): Promise<Received[]>;
}

export type ExportFormat = "original" | "json" | "png" | "svg" | "pdf";

/** Is this the `{code, message}` error every command rejects with? */
export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && typeof (e as AppError).code === "string";
}

/** Any thrown value as an AppError (IPC failures become code "ipc"). */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { code: e.code, message: String(e.message ?? "") };
  return { code: "ipc", message: e instanceof Error ? e.message : String(e) };
}

function channel<T = ImportProgress>(onProgress: (p: T) => void): Channel<T> {
  const ch = new Channel<T>();
  ch.onmessage = onProgress;
  return ch;
}

export const tauriBackend: Backend = {
  appInfo: () => invoke("app_info"),
  trustStatus: () => invoke("trust_status"),
  refreshTrustedLists: () => invoke("refresh_trusted_lists"),
  search: (filters, offset, limit) => invoke("search_credentials", { filters, offset, limit }),
  facets: () => invoke("credential_facets"),
  detail: (id) => invoke("credential_detail", { id }),
  pictures: (ids) => invoke("card_pictures", { ids }),
  importItems: (items, onProgress) => invoke("import_items", { items, onProgress: channel(onProgress) }),
  loadSample: (onProgress) => invoke("load_sample", { onProgress: channel(onProgress) }),
  launchItems: () => invoke("launch_items"),
  verify: (id, online) => invoke("verify_credential", { id, online }),
  remove: (id) => invoke("remove_credential", { id }),
  undoRemove: (id) => invoke("undo_remove", { id }),
  exportCredential: (id, format, lang) => invoke("export_credential", { id, format, lang: lang ?? null }),
  createBackup: (passphrase) => invoke("create_backup", { passphrase }),
  restoreBackup: (base64, passphrase, replace) => invoke("restore_backup", { base64, passphrase, replace }),
  getSettings: () => invoke("get_settings"),
  setSettings: (settings) => invoke("set_settings", { settings }),
  firstScreen: (shown, marks) => invoke("first_screen", { shown, marks }),
  listPathways: () => invoke("list_pathways"),
  getPathway: (id) => invoke("get_pathway", { id }),
  createPathway: (draft, members) => invoke("create_pathway", { draft, members }),
  updatePathway: (id, draft) => invoke("update_pathway", { id, draft }),
  addToPathway: (id, ids) => invoke("add_to_pathway", { id, ids }),
  removeFromPathway: (id, ids) => invoke("remove_from_pathway", { id, ids }),
  deletePathway: (id) => invoke("delete_pathway", { id }),
  pathwaySuggestions: () => invoke("pathway_suggestions"),
  importPathway: (text) => invoke("import_pathway", { text }),
  exportPathway: (id) => invoke("export_pathway", { id }),
  requestExemption: (request, online) => invoke("request_exemption", { request, online }),
  shareView: (id) => invoke("share_view", { id }),
  shareShort: (id, location, days) => invoke("share_short", { id, location, days }),
  revokeShare: (share) => invoke("revoke_share", { share }),
  listShares: () => invoke("list_shares"),
  pruneShares: () => invoke("prune_shares"),
  listShareLocations: () => invoke("list_share_locations"),
  addShareLocation: (location) => invoke("add_share_location", { location }),
  removeShareLocation: (name) => invoke("remove_share_location", { name }),
  publishVerifierPage: (name, onProgress) => invoke("publish_verifier_page", { name, onProgress: channel<PublishProgress>(onProgress) }),
  checkVerifierPage: (base) => invoke("check_verifier_page", { base }),
  presentCredentials: (ids, challenge, domain) => invoke("present_credentials", { ids, challenge, domain }),
  receivePreview: (text, lang) => invoke("receive_preview", { text, lang }),
  receivePicture: (base64) => invoke("receive_picture", { base64 }),
  receiveFile: (path) => invoke("receive_file", { path }),
  receiveStart: (offer, txCode, lang, onStep) => invoke("receive_start", { offer, txCode, lang, onProgress: channel<Step>(onStep) }),
  receiveCancel: () => invoke("receive_cancel"),
  listPending: () => invoke("list_pending"),
  pollPending: () => invoke("poll_pending"),
};

/** Read a picked File (or a pasted image Blob) as base64 (for the file picker, restore and QR pictures). */
export async function fileToBase64(file: Blob): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let bin = "";
  const step = 0x8000;
  for (let i = 0; i < buf.length; i += step) bin += String.fromCharCode(...buf.subarray(i, i + step));
  return btoa(bin);
}
