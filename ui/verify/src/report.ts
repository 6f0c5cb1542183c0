// The verification report, as src/verify/report.rs: stable check ids,
// outcomes pass/fail/skip/error, and the verdict derived from them. The ids
// are the core's (`CheckId`, generated from backpack::verify::report::CHECK_IDS
// into ui/src/lib/generated/ids.ts): the page may use a subset, never an id
// of its own (the type says so, and ids.test.ts checks the labels).

import type { CheckId } from "../../src/lib/generated/ids";
export type { CheckId };

export const FORMAT = "format" satisfies CheckId;
export const PROOF = "proof" satisfies CheckId;
export const ISSUER_BINDING = "issuer-binding" satisfies CheckId;
export const NOT_BEFORE = "not-before" satisfies CheckId;
export const NOT_EXPIRED = "not-expired" satisfies CheckId;
export const STATUS = "status" satisfies CheckId;
export const CONTEXTS = "contexts" satisfies CheckId;
export const SCHEMA = "schema" satisfies CheckId;
/** VC-JWT only: the token's registered claims are well-formed and agree with the credential. */
export const JWT_CLAIMS = "jwt-claims" satisfies CheckId;
/** Presentations only: the proof's key belongs to the `holder`. */
export const HOLDER_BINDING = "holder-binding" satisfies CheckId;
/** Presentations only: the proof carries the challenge the verifier asked for. */
export const CHALLENGE = "challenge" satisfies CheckId;
/** Presentations only: the proof names the domain the verifier asked for. */
export const DOMAIN = "domain" satisfies CheckId;
/** Presentations only: every embedded credential verified (each has its own report). */
export const CREDENTIALS = "credentials" satisfies CheckId;
/** Europass only: the JAdES e-seal's signature (not checked on this page: it says so). */
export const SEAL_SIGNATURE = "seal-signature" satisfies CheckId;

export type Outcome = "pass" | "fail" | "skip" | "error";
export type Verdict = "valid" | "invalid" | "indeterminate";

export interface Check {
  check: string;
  outcome: Outcome;
  detail: string;
}

export const pass = (check: CheckId, detail = ""): Check => ({ check, outcome: "pass", detail });
export const fail = (check: CheckId, detail = ""): Check => ({ check, outcome: "fail", detail });
export const skip = (check: CheckId, detail = ""): Check => ({ check, outcome: "skip", detail });
export const error = (check: CheckId, detail = ""): Check => ({ check, outcome: "error", detail });

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
