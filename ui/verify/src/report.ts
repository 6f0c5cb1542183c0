// The verification report, as src/verify/report.rs: stable check ids,
// outcomes pass/fail/skip/error, and the verdict derived from them.

export const FORMAT = "format";
export const PROOF = "proof";
export const ISSUER_BINDING = "issuer-binding";
export const NOT_BEFORE = "not-before";
export const NOT_EXPIRED = "not-expired";
export const STATUS = "status";
export const CONTEXTS = "contexts";
export const SCHEMA = "schema";
/** VC-JWT only: the token's registered claims are well-formed and agree with the credential. */
export const JWT_CLAIMS = "jwt-claims";
/** Presentations only: the proof's key belongs to the `holder`. */
export const HOLDER_BINDING = "holder-binding";
/** Presentations only: the proof carries the challenge the verifier asked for. */
export const CHALLENGE = "challenge";
/** Presentations only: the proof names the domain the verifier asked for. */
export const DOMAIN = "domain";
/** Presentations only: every embedded credential verified (each has its own report). */
export const CREDENTIALS = "credentials";

export type Outcome = "pass" | "fail" | "skip" | "error";
export type Verdict = "valid" | "invalid" | "indeterminate";

export interface Check {
  check: string;
  outcome: Outcome;
  detail: string;
}

export const pass = (check: string, detail = ""): Check => ({ check, outcome: "pass", detail });
export const fail = (check: string, detail = ""): Check => ({ check, outcome: "fail", detail });
export const skip = (check: string, detail = ""): Check => ({ check, outcome: "skip", detail });
export const error = (check: string, detail = ""): Check => ({ check, outcome: "error", detail });

/** Any fail → invalid; else any error, or nothing checked at all → indeterminate; else valid. */
export function verdictOf(checks: Check[]): Verdict {
  if (checks.some((c) => c.outcome === "fail")) return "invalid";
  if (checks.some((c) => c.outcome === "error") || checks.every((c) => c.outcome === "skip")) return "indeterminate";
  return "valid";
}

/** Ids of the failing checks, each once, in report order. */
export function failedIds(checks: Check[]): string[] {
  const out: string[] = [];
  for (const c of checks) if (c.outcome === "fail" && !out.includes(c.check)) out.push(c.check);
  return out;
}
