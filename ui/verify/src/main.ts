// The employer page: reads the credential (or a holder-signed Verifiable
// Presentation of several) from the URL fragment (#c= or #s=…&k=…) or from a
// dropped, chosen or pasted file, verifies it in the browser, and shows the
// details and the check-by-check verdict (for a presentation: its own checks,
// then each credential's details and checks).
// Credential data is written only with textContent; images only as data:
// URLs in <img>. The machine-readable verdict is <output id="verdict">.
// The CLI's limits (limits.ts) come before any work: a file is refused by its
// size before it is read, a paste before it reaches the text area, a link
// before it is inflated past the limit; each gets the CLI's verdict for it.
import { checkLabel, pickLang, t, tf, type Lang } from "./i18n";
import { fileRefusal, LimitError, sizeRefusal } from "./limits";
import { decodeSelfContained, fetchShare, parseFragment, type Share } from "./link";
import { isPresentationResult, verifyInput, verifyInputValue, type PresentationResult } from "./presentation";
import { fail, failedIds, FORMAT, verdictOf, type Check } from "./report";
import { summarize, summarizeEdc } from "./summary";
import { longDate } from "./dates";
import { parseDate, type Result } from "./verify";

type PageVerdict = Result["verdict"] | "unshared" | "unfetchable" | "damaged";

interface View {
  verdict: PageVerdict;
  result?: Result;
  /** Extra explanation key for unshared. */
  why?: "revoked" | "expired";
  detail?: string;
  share?: Share;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let lang: Lang = (() => {
  try {
    const saved = localStorage.getItem("backpack-verify-lang");
    if (saved === "nl" || saved === "en") return saved;
  } catch {
    /* storage may be off */
  }
  return pickLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
})();
let current: View | undefined;
let run = 0;
/** When the page began reading the current input (performance.now()). */
let started = 0;
const begin = () => (started = performance.now());

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function staticTexts() {
  document.documentElement.lang = lang;
  document.title = t(lang, "title");
  for (const node of document.querySelectorAll<HTMLElement>("[data-t]")) {
    node.textContent = t(lang, node.dataset.t as Parameters<typeof t>[1]);
  }
  $<HTMLTextAreaElement>("paste").placeholder = t(lang, "paste");
}

function setVerdict(state: "idle" | "busy" | "done", v?: PageVerdict, checks?: Check[]) {
  const out = $<HTMLOutputElement>("verdict");
  out.dataset.state = state;
  out.dataset.verdict = v ?? "";
  out.dataset.failed = checks ? failedIds(checks).join(",") : "";
  if (state === "done") {
    out.dataset.ms = String(Math.round(performance.now()));
    // The page's own work on this input: reading, limits, verifying.
    out.dataset.workMs = String(Math.round(performance.now() - started));
  }
  out.className = `verdict ${v ?? state}`;
}

function render(view: View | undefined, state: "idle" | "busy" = "idle", busyText?: string) {
  const head = $("verdict-title");
  const expl = $("verdict-explain");
  const details = $("details");
  const checks = $("checks");
  const creds = $("credentials");
  details.replaceChildren();
  checks.replaceChildren();
  creds.replaceChildren();
  details.hidden = true;
  details.classList.remove("unverified");
  creds.hidden = true;
  $("checks-section").hidden = true;
  if (!view) {
    head.textContent = state === "busy" ? (busyText ?? t(lang, "checking")) : t(lang, "idle");
    expl.textContent = "";
    setVerdict(state);
    return;
  }
  const v = view.verdict;
  head.textContent = t(lang, `v.${v}` as Parameters<typeof t>[1]);
  let explain: string = v === "unshared" ? t(lang, view.why === "expired" ? "e.unshared.expired" : "e.unshared.revoked") : t(lang, `e.${v}` as Parameters<typeof t>[1]);
  const r = view.result;
  const vp = isPresentationResult(r) ? r : undefined;
  if (vp && (v === "valid" || v === "invalid" || v === "indeterminate")) explain = t(lang, `e.vp.${v}`);
  if (r && !vp && v === "invalid") {
    const failed = failedIds(r.checks);
    const proofOk = r.checks.some((c) => c.check === "proof" && c.outcome === "pass") && !r.checks.some((c) => c.check === "proof" && c.outcome !== "pass");
    if (proofOk && failed.every((f) => f === "not-expired")) explain = t(lang, "e.genuineExpired");
    else if (proofOk && failed.every((f) => f === "not-before")) explain = t(lang, "e.genuineNotYet");
  }
  expl.textContent = explain;
  if (view.detail) expl.append(el("span", "detail", ` (${view.detail})`));
  if (r) {
    const failed = failedIds(r.checks);
    if (failed.length) {
      const line = el("span", "failed-list", `${t(lang, "failedChecks")}: `);
      failed.forEach((id, i) => {
        const b = el("b", undefined, checkLabel(lang, id));
        b.dataset.check = id;
        line.append(...(i ? [", ", b] : [b]));
      });
      expl.append(line);
    }
  }
  if (vp) {
    renderPresentation(vp, details, v !== "valid");
    $("checks-title").textContent = t(lang, "vp.checks");
    renderChecks(vp.checks, checks);
    renderCredentials(vp, creds);
  } else if (r) {
    renderDetails(r, details, v !== "valid");
    $("checks-title").textContent = t(lang, "checks");
    renderChecks(r.checks, checks);
  }
  setVerdict("done", v, r?.checks);
}

function row(dl: HTMLElement, label: string, value: string | undefined, cls?: string) {
  if (!value) return;
  dl.append(el("dt", undefined, label), el("dd", cls, value));
}

function renderDetails(r: Result, box: HTMLElement, demote: boolean) {
  if (!r.doc) return;
  const edc = r.kind === "edc" ? summarizeEdc(r.doc, lang) : undefined;
  const s = edc?.summary ?? summarize(r.doc);
  box.hidden = false;
  box.classList.toggle("unverified", demote);
  if (demote) box.append(el("p", "unverified-note", t(lang, "unverifiedNote")));
  const top = el("div", "badge-head");
  if (s.image) {
    const img = el("img", "badge-img");
    img.alt = "";
    img.decoding = "async";
    img.referrerPolicy = "no-referrer";
    img.src = s.image;
    top.append(img);
  }
  const titles = el("div");
  titles.append(el("h2", "badge-title", s.title ?? "—"));
  if (s.description) titles.append(el("p", "badge-desc", s.description));
  top.append(titles);
  box.append(top);
  const dl = el("dl", "facts");
  row(dl, t(lang, "learner"), [s.learnerName, s.learnerId].filter(Boolean).join(" · "), "wrap");
  row(dl, t(lang, "issuer"), [s.issuerName, s.issuerId].filter(Boolean).join(" · "), "wrap");
  row(dl, t(lang, "achievement"), s.achievementType);
  const level = [s.eqf ? `EQF ${s.eqf}` : "", s.nlqf ? `NLQF ${s.nlqf}` : ""].filter(Boolean).join(" · ");
  row(dl, t(lang, "level"), level);
  row(dl, t(lang, "ects"), s.ects);
  row(dl, t(lang, "studyLoad"), s.studyLoad);
  row(dl, t(lang, "validFrom"), niceDate(s.validFrom));
  row(dl, t(lang, "validUntil"), niceDate(s.validUntil));
  box.append(dl);
  if (s.outcomes.length) {
    box.append(el("h3", undefined, t(lang, "outcomes")));
    const ul = el("ul", "outcomes");
    for (const o of s.outcomes.slice(0, 50)) ul.append(el("li", undefined, o));
    box.append(ul);
  }
  if (s.criteria || s.criteriaUrl) {
    box.append(el("h3", undefined, t(lang, "criteria")));
    if (s.criteria) box.append(el("p", "criteria", s.criteria));
    if (s.criteriaUrl) box.append(el("p", "wrap small", s.criteriaUrl));
  }
  // A Europass credential's own rendering, in its primary language.
  const pages = edc?.pages ?? [];
  if (pages.length) {
    box.append(el("h3", undefined, t(lang, "issuerPages")));
    const first = pages[0].language;
    for (const p of pages.filter((p) => p.language === first)) {
      const img = el("img", "issuer-page");
      img.alt = tf(lang, "page", { n: p.page });
      img.decoding = "async";
      img.src = p.image;
      box.append(img);
    }
  }
}

/** A date for people (the credential's own text when it is not a date). */
function niceDate(s: string | undefined): string | undefined {
  if (!s) return s;
  const d = parseDate(s);
  if (!d) return s;
  return longDate(d, lang);
}

/** "Presentation by <holder>", how many credentials, and what the holder's proof was signed for. */
function renderPresentation(vp: PresentationResult, box: HTMLElement, demote: boolean) {
  box.hidden = false;
  box.classList.toggle("unverified", demote);
  const head = el("h2", "vp-title wrap", `${t(lang, "presentationBy")} `);
  head.append(el("span", "vp-holder", vp.holder ?? t(lang, "holderUnknown")));
  box.append(head);
  box.append(el("p", "vp-count", tf(lang, "vp.count", { n: vp.credentials.length })));
  const bound = [
    ...(vp.challenge ?? []).map((c) => `${checkLabel(lang, "challenge")} '${c}'`),
    ...(vp.domain ?? []).map((d) => `${checkLabel(lang, "domain")} '${d}'`),
  ];
  if (bound.length) box.append(el("p", "vp-bound small wrap", tf(lang, "vp.bound", { what: bound.join(", ") })));
}

/** Each credential inside a presentation: its verdict, details and checks, as a credential of its own. */
function renderCredentials(vp: PresentationResult, box: HTMLElement) {
  box.hidden = false;
  const n = vp.credentials.length;
  for (const c of vp.credentials) {
    const art = el("article", `credential ${c.verdict}`);
    art.dataset.index = String(c.index);
    art.dataset.verdict = c.verdict;
    art.dataset.failed = failedIds(c.checks).join(",");
    const head = el("h2", "credential-head");
    head.append(el("span", "credential-n", tf(lang, "vp.credential", { i: c.index + 1, n })));
    head.append(el("span", `credential-verdict ${c.verdict}`, t(lang, `v.${c.verdict}`)));
    art.append(head);
    const details = el("section", "details");
    details.hidden = true;
    renderDetails(c, details, c.verdict !== "valid");
    art.append(details);
    art.append(el("h3", undefined, t(lang, "checks")));
    const ul = el("ul", "checks");
    renderChecks(c.checks, ul);
    art.append(ul);
    box.append(art);
  }
}

function renderChecks(list: Check[], ul: HTMLElement) {
  $("checks-section").hidden = false;
  for (const c of list) {
    const li = el("li", `check ${c.outcome}`);
    li.dataset.check = c.check;
    li.dataset.outcome = c.outcome;
    const head = el("div", "check-head");
    head.append(el("span", "check-mark", c.outcome === "pass" ? "✓" : c.outcome === "fail" ? "✗" : c.outcome === "error" ? "?" : "–"));
    head.append(el("span", "check-label", checkLabel(lang, c.check)));
    head.append(el("span", "check-outcome", t(lang, `o.${c.outcome}` as Parameters<typeof t>[1])));
    li.append(head);
    if (c.detail) li.append(el("div", "check-detail wrap", c.detail));
    ul.append(li);
  }
}

function secure(): boolean {
  return window.isSecureContext && !!globalThis.crypto?.subtle;
}

async function show(make: () => Promise<View>, busyText?: string) {
  const mine = ++run;
  render(undefined, "busy", busyText);
  let view: View;
  try {
    view = await make();
  } catch (e) {
    view = { verdict: "indeterminate", detail: (e as Error).message };
  }
  if (mine !== run) return;
  current = view;
  render(view);
}

/** An input refused by a limit: as the CLI, the `format` check fails (verdict invalid). */
function refused(detail: string): View {
  const checks = [fail(FORMAT, detail)];
  const result: Result = { verdict: verdictOf(checks), checks };
  return { verdict: result.verdict, result };
}

/** Text that names a proof checked through RDF canonicalisation (a hint only; di.ts loads the chunk when it needs it). */
const RDFC_HINT = /"(eddsa-rdfc-2022|eddsa-2022|Ed25519Signature2020)"/;

async function fromFragment() {
  begin();
  if (!secure()) {
    current = { verdict: "indeterminate", detail: t(lang, "insecure") };
    render(current);
    return;
  }
  const f = parseFragment(location.hash);
  if (f.kind === "none") {
    current = undefined;
    render(undefined);
    return;
  }
  if (f.kind === "bad") return show(async () => ({ verdict: "damaged", detail: f.why }));
  if (f.kind === "big") return show(async () => refused(f.why));
  if (f.kind === "c") {
    return show(async () => {
      let text: string;
      try {
        text = decodeSelfContained(f.data);
      } catch (e) {
        if (e instanceof LimitError) return refused(e.message);
        return { verdict: "damaged", detail: (e as Error).message };
      }
      // A proof that needs RDF canonicalisation: start loading the JSON-LD chunk now.
      if (RDFC_HINT.test(text)) void import("./canon").catch(() => undefined);
      const result = await verifyInput(text, new Date());
      return { verdict: result.verdict, result };
    });
  }
  return show(async () => {
    const o = await fetchShare(f.url, f.key, new Date());
    if (o.state === "unshared") return { verdict: "unshared", why: o.why, detail: o.detail };
    if (o.state === "unfetchable") return { verdict: "unfetchable", detail: o.detail };
    if (o.state === "damaged") return { verdict: "damaged", detail: o.detail };
    const result = await verifyInputValue(o.share.credential, new Date());
    return { verdict: result.verdict, result, share: o.share };
  }, t(lang, "fetching"));
}

function fromText(text: string) {
  if (!secure()) return;
  void show(async () => {
    const result = await verifyInput(text, new Date());
    return { verdict: result.verdict, result };
  });
}

async function fromFile(file: File | undefined | null) {
  if (!file || !secure()) return;
  begin();
  // By its size, before a byte is read (as the CLI refuses a file over the limit).
  const tooLarge = fileRefusal(file.size);
  if (tooLarge) return show(async () => refused(tooLarge));
  fromText(await file.text());
}

/**
 * A paste anywhere on the page. Over the limits it never reaches the text
 * area (which is emptied) and gets the CLI's verdict; otherwise a paste into
 * the text area is left to it, and a paste elsewhere is checked at once.
 */
function onPaste(e: ClipboardEvent) {
  begin();
  const box = $<HTMLTextAreaElement>("paste");
  const text = e.clipboardData?.getData("text/plain") ?? "";
  const tooLarge = sizeRefusal(text);
  if (tooLarge) {
    e.preventDefault();
    box.value = "";
    if (secure()) void show(async () => refused(tooLarge));
    return;
  }
  if (e.target === box) return;
  if (text.trim()) {
    box.value = text;
    fromText(text);
  }
}

function init() {
  staticTexts();
  $("lang").addEventListener("click", () => {
    lang = lang === "nl" ? "en" : "nl";
    try {
      localStorage.setItem("backpack-verify-lang", lang);
    } catch {
      /* ignore */
    }
    staticTexts();
    render(current);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    void fromFile(e.dataTransfer?.files?.[0]);
  });
  $<HTMLInputElement>("file").addEventListener("change", (e) => void fromFile((e.target as HTMLInputElement).files?.[0]));
  $("verify-pasted").addEventListener("click", () => {
    begin();
    fromText($<HTMLTextAreaElement>("paste").value);
  });
  document.addEventListener("paste", onPaste);
  window.addEventListener("hashchange", () => void fromFragment());
  void fromFragment();
}

init();
