// Dates as src/verify/engine.rs reads them: RFC 3339 (or, for OB 2.0, a
// date-time without zone or a bare date, read as UTC), a shared clock-skew
// leeway, and the time checks of a Data Integrity proof.

/**
 * Leeway for clocks that differ a little, in seconds, both ways: a start date
 * up to this far ahead still counts as started, an end date up to this far
 * behind as not yet passed. The same as CLOCK_SKEW_SECONDS in engine.rs.
 */
export const CLOCK_SKEW_SECONDS = 60;
export const SKEW_MS = CLOCK_SKEW_SECONDS * 1000;

/** RFC 3339, or (OB 2.0) a date-time without zone or a bare date, read as UTC. */
export function parseDate(s: string): Date | undefined {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(t);
  if (!m) m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?()$/.exec(t);
  let iso: string;
  if (m) {
    const zone = m[8] === "" || m[8] === "z" || m[8] === "Z" ? "Z" : m[8];
    iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? "").slice(0, 4)}${zone}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = `${t}T00:00:00Z`;
  else return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject dates JavaScript rolls over (2024-02-31 → March).
  const [y, mo, da] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
  const local = new Date(Date.UTC(y, mo - 1, da));
  if (local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== da) return undefined;
  return d;
}

/** `2025-01-01T00:00:00Z`: whole seconds, as chrono's to_rfc3339 with Secs. */
export const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Why a Data Integrity proof whose signature holds is not current at `now`:
 * its `expires` has passed (or is not a date). A `created` after `now` is not
 * held against it (proof_time_problem in engine.rs says why).
 */
export function proofTimeProblem(proof: unknown, now: Date): string | undefined {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) return undefined;
  const e = (proof as Record<string, unknown>).expires;
  if (e === undefined) return undefined;
  const d = typeof e === "string" ? parseDate(e) : undefined;
  if (!d) return `its 'expires' is not a date: ${JSON.stringify(e)}`;
  if (d.getTime() < now.getTime() - SKEW_MS) return `the proof expired on ${e as string}`;
  return undefined;
}

const MONTHS = {
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  nl: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
};

/**
 * A date for people, in UTC: what toLocaleDateString(nl-NL or en-GB, {day,
 * month: long, year: numeric}) gives, without Intl, whose first use loads the
 * locale's data (~20 ms of a cold page load, measured by
 * scripts/page-bench.mjs). dates.test.ts holds the two to the same text.
 */
export function longDate(d: Date, lang: "en" | "nl"): string {
  const y = d.getUTCFullYear();
  if (y < 1000) return d.toLocaleDateString(lang === "nl" ? "nl-NL" : "en-GB", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  return `${d.getUTCDate()} ${MONTHS[lang][d.getUTCMonth()]} ${y}`;
}
