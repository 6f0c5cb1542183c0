// The UI language: the OS language unless the user picks one in Settings.
// `t()` reads reactive state, so every view re-renders when it changes.
import { en, nl, type MessageKey } from "./messages";
import type { AppError } from "./types";

export type Lang = "nl" | "en";
const tables: Record<Lang, Record<MessageKey, string>> = { en, nl };

export const i18n = $state({ lang: "en" as Lang });

/** `nl` for any Dutch locale tag, else `en`. */
export function pickLanguage(setting: string, osLanguage?: string | null, browser?: string | null): Lang {
  if (setting === "nl" || setting === "en") return setting;
  const os = osLanguage ?? browser ?? "en";
  return os.toLowerCase().startsWith("nl") ? "nl" : "en";
}

export function setLanguage(lang: Lang) {
  i18n.lang = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = tables[i18n.lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m));
}

/** A message for an error code; unknown codes show the core's own message. */
export function errorText(e: AppError): string {
  const key = `error.${e.code}` as MessageKey;
  if (key in en) return t(key, { message: e.message, code: e.code });
  return t("error.generic", { code: e.code, message: e.message });
}

/** Check labels by their stable id. */
export function checkLabel(id: string): string {
  const key = `check.${id}` as MessageKey;
  return key in en ? t(key) : t("check.other");
}

// Intl formatters are expensive to create (toLocale*String makes one per
// call); keep one per language, so a screen of cards formats in microseconds.
const locales: Record<Lang, string> = { nl: "nl-NL", en: "en-GB" };
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function fmt<T extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: string, make: (locale: string) => T): T {
  const key = `${kind}:${i18n.lang}`;
  let f = formatters.get(key) as T | undefined;
  if (!f) formatters.set(key, (f = make(locales[i18n.lang])));
  return f;
}

// Dates and numbers on cards are formatted without Intl: the first Intl
// formatter a WebKit page makes loads ICU, 42 ms measured in the app, and the
// first screen of cards would pay it. The output is what Intl gives for
// nl-NL and en-GB (tests compare the two); formatDateTime keeps Intl (it is
// only on screens opened later).
const MONTHS: Record<Lang, string[]> = {
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  nl: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
};

/** "8 June 2021" / "8 juni 2021" (the local date, as Intl's long date). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getDate()} ${MONTHS[i18n.lang][d.getMonth()]} ${d.getFullYear()}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return fmt("datetime", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium", timeStyle: "short" })).format(d);
}

/** At most two decimals, grouped by thousands: "1,234.5" / "1.234,5". */
export function formatNumber(n: number): string {
  const abs = Math.abs(n);
  // Far outside ECTS and hours (or in exponent form): Intl itself.
  if (!(abs < 1e15) || String(abs).includes("e")) {
    return fmt("number", (l) => new Intl.NumberFormat(l, { maximumFractionDigits: 2 })).format(n);
  }
  // Rounded half away from zero on the decimal form, as Intl does ("2.345" → 2.35).
  const [int, frac] = String(Number(`${Math.round(Number(`${abs}e2`))}e-2`)).split(".");
  const [group, point] = i18n.lang === "nl" ? [".", ","] : [",", "."];
  const sign = n < 0 || Object.is(n, -0) ? "-" : "";
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac ? point + frac : "");
}
