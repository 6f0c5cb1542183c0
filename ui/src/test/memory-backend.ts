// An in-memory Backend for unit and component tests: a small working
// wallet (search, detail, import of pasted JSON, remove/undo, settings), so the
// stores and views are exercised against real behaviour, not canned replies.
import type { Backend } from "../lib/api";
import { facets, search } from "./search";
import type {
  AppInfo, Detail, ExemptionRequest, Filters, Gap, ImportItem, ItemResult, LaunchItems, LocationDraft, LocationView, OfferView, PageAnswer, PageStatus, PathwayDraft, PathwayView,
  Page, PendingRow, PublishProgress, Received, Settings, ShareRow, ShareView, Step, Suggestion, Summary,
} from "../lib/types";

interface StoredPathway { id: string; draft: PathwayDraft; members: string[] }

export function summary(i: number, over: Partial<Summary> = {}): Summary {
  const titles = ["Data Science for Policy Makers", "Sustainable Energy Systems", "Academic Writing in English", "Introduction to Machine Learning", "Welcome to the Digital Campus"];
  return {
    id: `c0${(i + 1).toString(16).padStart(14, "0")}`,
    title: titles[i % titles.length],
    issuer: i % 2 ? "Hogeschool Proefstad (sample)" : "Universiteit van Voorbeeld (sample)",
    issued: `${2021 + (i % 5)}-${String(1 + (i % 12)).padStart(2, "0")}-10T10:00:00Z`,
    format: i % 2 ? "ob3-json-ld" : "ob2-hosted",
    ects: [5, 7.5, 3, 15, 0.5][i % 5],
    hours: null,
    eqf_level: [7, 6, 6, 7, 5][i % 5],
    class: i % 5 === 4 ? "edubadge" : "micro-credential",
    verdict: i % 2 ? "valid" : "indeterminate",
    checked_at: "2026-01-01T00:00:00Z",
    has_picture: false,
    ...over,
  };
}

export function detailOf(s: Summary): Detail {
  return {
    id: s.id,
    credential: {
      id: s.id, credential_id: `urn:uuid:${s.id}`, format: s.format, types: ["VerifiableCredential"], name: s.title,
      issuer: { id: "did:key:z6Mk", name: s.issuer, url: "https://sample.backpack.invalid/", email: null, description: null, image: null, institution_identifier: "00ZZ", institution_name: s.issuer, country: "NL" },
      achievement: {
        id: null, name: s.title, description: "A course.", achievement_type: "ext:MicroCredential", criteria: { url: null, narrative: "Pass the final assessment." },
        image: null, learning_outcomes: [{ text: "Explain bias and variance.", description: null, url: null, framework: null, code: null, source: "alignment" }],
        ects: s.ects, study_hours: null, study_hours_source: null, eqf_level: s.eqf_level, nlqf_level: null, language: "en",
        programme_identifiers: ["60207"], alignments: [], participation: "online", assessment_type: "testing", assessment_supervised: null,
        quality_assurance: null, stackable: true, badge_class_type: null, tags: [],
      },
      recipient: { identity: "sha256$abc", hashed: true, salt: "s1", identity_type: "emailAddress", name: null },
      issued: s.issued, valid_from: s.issued, valid_until: null, evidence: [], status: null, proofs: [], hosted_url: null, contains: [], warnings: [],
    },
    assessment: { class: "micro-credential", ects: s.ects, hours: s.ects === null ? null : s.ects * 28, eqf: s.eqf_level, rules: [{ rule: "ects-range", outcome: "pass", detail: "5 EC is within 3–30 EC", detail_nl: "5 EC ligt binnen 3–30 EC" }] },
    report: { verdict: "valid", checked_at: "2026-01-01T00:00:00Z", checks: [{ check: "proof", outcome: "pass", detail: "eddsa-rdfc-2022 signature verified" }, { check: "status", outcome: "skip", detail: "no status entry" }] },
    original: JSON.stringify({ id: `urn:uuid:${s.id}`, name: s.title }),
    media_type: "application/ld+json",
    format_label: "Open Badges 3.0",
    source: "sample",
    imported_at: "2026-01-01T00:00:00Z",
    image: null,
    pages: [],
    received_from: null,
  };
}

export class MemoryBackend implements Backend {
  items: Summary[];
  trash: Summary[] = [];
  settings: Settings = { language: "en", theme: "system", data_dir: null, verifier_url: "" };
  info: Partial<AppInfo> = {};
  calls: string[] = [];
  pathways: StoredPathway[] = [];
  dossiers: ExemptionRequest[] = [];
  locations: LocationView[] = [];
  shares: ShareRow[] = [];
  exports: string[] = [];
  /** What the verifier page check gives per base (unlisted: `defaultPage`); published pages answer. */
  pages: Record<string, PageAnswer> = {};
  defaultPage: PageAnswer = "answers";
  pageChecks: string[] = [];
  /** Make the next publish fail with this code after the first file. */
  publishFails: string | null = null;
  /** When set, a publish waits for it after reporting its second file. */
  publishPause: Promise<void> | null = null;

  constructor(n = 0) {
    this.items = Array.from({ length: n }, (_, i) => summary(i));
  }
  async trustStatus() {
    return { roots: ["/tmp/trusted-lists"], fetched: null, lists: 0, next_update: null, pinned_signers: 0 };
  }
  async refreshTrustedLists(): Promise<string> {
    throw { code: "no-pinned-signers", message: "this build pins no signing certificates for the EU list of trusted lists" };
  }
  async appInfo(): Promise<AppInfo> {
    return { name: "Backpack", version: "0.1.0", data_dir: "/tmp/bp", key: "keyring", store_error: null, os_language: "en", ...this.info };
  }
  /** When set, each search waits for it (tests of answers arriving out of order). */
  searchGate: ((f: Filters) => Promise<void>) | null = null;
  async search(f: Filters, offset: number, limit: number): Promise<Page> {
    this.calls.push(`search:${JSON.stringify(f)}:${offset}:${limit}`);
    const page = search(this.items, f, offset, limit);
    if (this.searchGate) await this.searchGate(f);
    return page;
  }
  async facets() { this.calls.push("facets"); return facets(this.items); }
  async detail(id: string) {
    const s = this.items.find((x) => x.id === id);
    if (!s) throw { code: "not-found", message: `no credential with id '${id}'` };
    return detailOf(s);
  }
  async pictures() { return {}; }
  async importItems(items: ImportItem[], onProgress: (p: { done: number; total: number; result: ItemResult }) => void) {
    const out: ItemResult[] = [];
    items.forEach((it, i) => {
      let r: ItemResult;
      const text = it.kind === "text" ? it.text : "";
      try {
        const v = JSON.parse(text);
        if (!v.name) throw new Error("no name");
        const s = summary(this.items.length + 100, { title: String(v.name), id: String(v.id ?? `${Date.now()}${i}`).padStart(16, "0").slice(-16) });
        const dup = this.items.some((x) => x.id === s.id);
        if (!dup) this.items.unshift(s);
        r = { source: it.kind === "text" ? it.label : "?", status: dup ? "duplicate" : "imported", ids: [s.id], error: null };
      } catch {
        r = { source: it.kind === "text" ? it.label : "?", status: "rejected", ids: [], error: { code: "not-a-badge", message: "not an Open Badge" } };
      }
      out.push(r);
      onProgress({ done: i + 1, total: items.length, result: r });
    });
    return out;
  }
  async loadSample(onProgress: (p: { done: number; total: number; result: ItemResult }) => void) {
    const items = [0, 1, 2].map((i) => ({ kind: "text" as const, label: `sample/${i}`, text: JSON.stringify({ id: `00000000000000a${i}`, name: `Sample ${i}` }) }));
    return this.importItems(items, onProgress);
  }
  async launchItems(): Promise<LaunchItems> { return { items: [], problems: [] }; }
  async verify() { return { verdict: "valid" as const, checks: [{ check: "proof", outcome: "pass" as const, detail: "ok" }], checked_at: "2026-02-02T00:00:00Z" }; }
  async remove(id: string) {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) throw { code: "not-found", message: "gone" };
    this.trash.push(...this.items.splice(i, 1));
    return id;
  }
  async undoRemove(id: string) {
    const i = this.trash.findIndex((x) => x.id === id);
    this.items.push(...this.trash.splice(i, 1));
  }
  async exportCredential(id: string, format = "original") {
    this.exports.push(`${id}.${format}`);
    return { path: `/tmp/backpack-${id}.${format}`, count: 1 };
  }
  async createBackup() { return { path: "/tmp/b.backpack", count: this.items.length }; }
  async restoreBackup() { return { added: 0, already_present: this.items.length, removed: 0 }; }
  async getSettings() { return { ...this.settings }; }
  async setSettings(s: Settings) {
    if (s.verifier_url && !s.verifier_url.startsWith("https://")) throw { code: "invalid-verifier-url", message: "bad url" };
    this.settings = { ...s };
    return { ...s };
  }
  async firstScreen() { return 1; }

  // Pathways: the same rules as the core (valid counts, the rest is apart), in miniature.
  private view(p: StoredPathway): PathwayView {
    const members = p.members.map((id) => this.items.find((s) => s.id === id)).filter((s): s is Summary => !!s);
    const counted = members.filter((s) => s.verdict === "valid");
    const ects = counted.reduce((a, s) => a + (s.ects ?? 0), 0);
    const apart = members.filter((s) => s.verdict !== "valid").reduce((a, s) => a + (s.ects ?? 0), 0);
    const target = p.draft.goal.ects;
    const missing: Gap[] = [];
    if (target !== null && ects < target) missing.push({ kind: "ects", more: target - ects, have: ects, target, text: "" });
    for (const s of members.filter((m) => m.verdict !== "valid")) missing.push({ kind: "not-counted", title: s.title, invalid: s.verdict === "invalid", text: "" });
    const levels: Record<string, number> = {};
    for (const s of counted) levels[String(s.eqf_level ?? "unknown")] = (levels[String(s.eqf_level ?? "unknown")] ?? 0) + 1;
    return {
      id: p.id, name: p.draft.name, description: p.draft.description, goal: p.draft.goal, members: [...p.members],
      progress: {
        ects, hours: ects * 28, ects_apart: apart, target_ects: target, target_hours: p.draft.goal.hours, levels,
        members: members.map((s) => ({ id: s.id, title: s.title, issued: s.issued, ects: s.ects, hours: s.hours, eqf: s.eqf_level, standing: s.verdict === "valid" ? "counted" : s.verdict === "invalid" ? "invalid" : "unverified" })),
        missing, overlaps: [], complete: missing.length === 0 && target !== null,
      },
    };
  }
  private find(id: string): StoredPathway {
    const p = this.pathways.find((x) => x.id === id);
    if (!p) throw { code: "not-found", message: `pathway ${id}` };
    return p;
  }
  async listPathways() { return this.pathways.map((p) => this.view(p)); }
  async getPathway(id: string) { return this.view(this.find(id)); }
  async createPathway(draft: PathwayDraft, members: string[]) {
    if (!draft.name.trim()) throw { code: "invalid-pathway", message: "a pathway needs a name" };
    const p = { id: `${draft.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${this.pathways.length}`, draft, members: [...members] };
    this.pathways.push(p);
    return this.view(p);
  }
  async updatePathway(id: string, draft: PathwayDraft) { const p = this.find(id); p.draft = draft; return this.view(p); }
  async addToPathway(id: string, ids: string[]) {
    const p = this.find(id);
    for (const c of ids) if (!p.members.includes(c)) p.members.push(c);
    return this.view(p);
  }
  async removeFromPathway(id: string, ids: string[]) { const p = this.find(id); p.members = p.members.filter((m) => !ids.includes(m)); return this.view(p); }
  async deletePathway(id: string) { this.find(id); this.pathways = this.pathways.filter((p) => p.id !== id); return id; }
  async pathwaySuggestions(): Promise<Suggestion[]> {
    const micro = this.items.filter((s) => s.class === "micro-credential" && s.issuer === "Hogeschool Proefstad (sample)");
    return micro.length >= 2 ? [{ name: "Hogeschool Proefstad (sample): stackable", reason: "stackable micro-credentials of one issuer", members: micro.map((s) => s.id) }] : [];
  }
  async importPathway(text: string) {
    const f = JSON.parse(text);
    if (f.type !== "BackpackPathway") throw { code: "invalid-pathway", message: "not a pathway file" };
    const v = await this.createPathway({ name: f.name, description: f.description ?? null, goal: f.goal }, []);
    return { pathway: v, not_held: f.members ?? [] };
  }
  async exportPathway(id: string) { return { path: `/tmp/${id}.pathway.json`, count: this.find(id).members.length }; }
  async requestExemption(r: ExemptionRequest) {
    const members = [...r.ids, ...(r.pathway ? this.find(r.pathway).members : [])];
    if (!members.length) throw { code: "nothing-chosen", message: "none" };
    this.dossiers.push(r);
    const folder = `/tmp/Documents/exemption-${this.dossiers.length}`;
    return { folder, files: ["dossier.html", "dossier.pdf", "clr.json", ...members.map((m) => `credentials/${m}.json`)].map((f) => `${folder}/${f}`), credentials: members.length, gone: [] };
  }

  // Sharing, in miniature: links are made from the summary, short links need a location.
  /** The core's `links::base_for`: Settings, else the one location's published page, else the default. */
  base(): string {
    if (this.settings.verifier_url) return this.settings.verifier_url;
    const pages = this.locations.filter((l) => l.page_url);
    return pages.length === 1 ? pages[0].page_url! : "https://backpack-wallet.github.io/verify/";
  }
  async shareView(id: string): Promise<ShareView> {
    const s = this.items.find((x) => x.id === id);
    if (!s) throw { code: "not-found", message: id };
    const base = this.base();
    const self = `${base}#c=${btoa(JSON.stringify({ name: s.title })).replace(/=+$/, "")}`;
    const mine = this.shares.filter((r) => r.credential === id);
    const short = mine.find((r) => r.state === "live")?.link ?? null;
    const link = short ?? self;
    return {
      id, base, self_contained: self, issuer: null, short,
      qr: { kind: short ? "short" : "self-contained", link, svg: "data:image/svg+xml;base64,PHN2Zy8+" }, qr_problem: null,
      linkedin_add: `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=${encodeURIComponent(s.title)}&certUrl=${encodeURIComponent(link)}`,
      linkedin_share: `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(link)}`,
      locations: this.locations.map((l) => l.name), shares: mine,
    };
  }
  async shareShort(id: string, location: string | null, days: number | null) {
    const loc = location ?? this.locations[0]?.name;
    if (!loc) throw { code: "no-share-location", message: "no share location" };
    const n = this.shares.length + 1;
    this.shares.unshift({
      id: `s${n}`, credential: id, location: loc, object_url: `https://dav.example/${n}.bps`, object_name: `${n}.bps`,
      link: `${this.base()}#s=https%3A%2F%2Fdav.example%2F${n}.bps&k=key${n}`, created: "2026-11-25T10:00:00Z",
      expires: days ? `2026-12-${String(Math.min(25 + days, 31)).padStart(2, "0")}T10:00:00Z` : null, revoked_at: null, state: "live", title: this.items.find((x) => x.id === id)?.title ?? "",
    });
    return this.shareView(id);
  }
  async revokeShare(share: string) {
    const r = this.shares.find((x) => x.id === share);
    if (!r) throw { code: "not-found", message: share };
    r.state = "revoked";
    r.revoked_at = "2026-11-25T11:00:00Z";
    return this.shareView(r.credential);
  }
  async listShares() { return this.shares.map((r) => ({ ...r })); }
  async pruneShares() {
    const expired = this.shares.filter((r) => r.state === "expired");
    for (const r of expired) r.state = "revoked";
    return expired.length;
  }
  async listShareLocations() { return [...this.locations]; }
  async addShareLocation(d: LocationDraft) {
    if (!/^https?:\/\/[^/]+/.test(d.url)) throw { code: "share-location-config", message: `'${d.url}' is not a URL` };
    if (d.user && !d.password) throw { code: "share-secret-missing", message: "password" };
    const url = d.url.replace(/\/?$/, "/");
    this.locations.push({ id: `loc-${this.locations.length + 1}`, name: d.name, kind: "webdav", url, user: d.user ?? null, target: url, public_url: d.public_url ?? null, created: "2026-01-01T00:00:00Z", page_url: null });
    return [...this.locations];
  }
  async removeShareLocation(name: string) { this.locations = this.locations.filter((l) => l.name !== name); return [...this.locations]; }
  async publishVerifierPage(name: string, onProgress: (p: PublishProgress) => void) {
    const l = this.locations.find((x) => x.name === name);
    if (!l) throw { code: "no-share-location", message: name };
    const files = ["assets/index-a1.css", "assets/index-b2.js", "index.html"];
    for (const [i, file] of files.entries()) {
      await Promise.resolve();
      if (this.publishFails && i === 1) throw { code: this.publishFails, message: "could not reach the share location" };
      onProgress({ done: i + 1, total: files.length, file });
      if (i === 1 && this.publishPause) await this.publishPause;
    }
    l.page_url = `${l.public_url ?? l.target}verify/index.html`;
    this.pages[l.page_url] = "answers";
    return { location: name, url: l.page_url, files: files.length };
  }
  async checkVerifierPage(base: string): Promise<PageStatus> {
    this.pageChecks.push(base);
    if (!/^https:\/\/|^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(base)) throw { code: "invalid-verifier-url", message: base };
    const answer = this.pages[base] ?? this.defaultPage;
    const http_status = answer === "http-error" ? 404 : answer === "unreachable" ? null : 200;
    return { url: base, answer, http_status, detail: answer === "answers" ? null : `the page ${answer}` };
  }
  async presentCredentials(ids: string[]) { return { path: "/tmp/backpack-presentation.json", count: ids.length }; }

  // Receiving, in miniature: offers are openid-credential-offer:// links; one with "pin" asks for
  // PIN 493536, one with "tampered" delivers a credential that does not verify, one with "later" is deferred.
  pending: PendingRow[] = [];
  receiveCancelled = 0;
  started: { offer: string; txCode: string | null }[] = [];
  async receivePreview(text: string): Promise<OfferView> {
    if (!text.startsWith("openid-credential-offer://")) throw { code: "bad-offer", message: "this is not an offer" };
    return {
      protocol: "oid4vci", issuer: "https://issuer.example/pin", issuer_name: "Hogeschool Proefstad", logo: "data:image/png;base64,iVBORw0KGgo=",
      credentials: [
        { id: "DataLiteracy", name: "Data Literacy", format: "jwt_vc_json", supported: true },
        { id: "Licence", name: "Driving Licence", format: "mso_mdoc", supported: false },
      ],
      grant: text.includes("auth") ? "authorization_code" : "pre-authorized_code",
      tx_code: text.includes("pin") ? { input_mode: "numeric", length: 6, description: "Sent to you by e-mail" } : null,
      version: "v1", offer: `{"from":"${text}"}`,
    };
  }
  async receivePicture(base64: string) {
    if (!base64) throw { code: "no-qr-code", message: "no QR code" };
    return "openid-credential-offer://?credential_offer=picture";
  }
  async receiveFile(path: string) { return `openid-credential-offer://?credential_offer=${path}`; }
  async receiveStart(offer: string, txCode: string | null, _lang: string, onStep: (s: Step) => void): Promise<Received[]> {
    this.started.push({ offer, txCode });
    onStep("discovering");
    onStep("token");
    const source = "https://issuer.example/pin";
    if (offer.includes("pin") && txCode !== "493536") {
      return [{ source, id: null, status: "rejected", title: null, verdict: null, error: { code: "tx-code-wrong", message: "invalid_grant: wrong tx_code" } }];
    }
    onStep("requesting");
    if (offer.includes("tampered")) {
      return [{ source, id: null, status: "rejected", title: null, verdict: null, error: { code: "credential-invalid", message: "proof: signature does not verify" } }];
    }
    if (offer.includes("later")) {
      this.pending.push({ id: "p1", issuer: source, issuer_name: "Hogeschool Proefstad", credential_name: "Data Literacy", state: "pending", interval_secs: 5, next_at: "2026-01-01T00:00:05Z", last_error: null, created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" });
      return [{ source, id: "p1", status: "pending", title: "Data Literacy", verdict: null, error: null }];
    }
    onStep("storing");
    const s = summary(this.items.length + 200, { title: "Data Literacy", id: `d0${String(this.items.length).padStart(14, "0")}`, verdict: "valid" });
    this.items.unshift(s);
    return [{ source, id: s.id, status: "imported", title: s.title, verdict: "valid", error: null }];
  }
  async receiveCancel() { this.receiveCancelled++; }
  async listPending() { return this.pending.map((p) => ({ ...p })); }
  async pollPending(): Promise<Received[]> {
    const done = this.pending.splice(0);
    return done.map((p) => {
      const s = summary(this.items.length + 300, { title: p.credential_name ?? "", id: `e0${String(this.items.length).padStart(14, "0")}`, verdict: "valid" });
      this.items.unshift(s);
      return { source: p.issuer, id: s.id, status: "imported" as const, title: s.title, verdict: "valid" as const, error: null };
    });
  }
}
