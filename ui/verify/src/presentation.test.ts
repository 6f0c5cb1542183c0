// @vitest-environment node
// Verifiable Presentations on the page: the same reports as
// src/verify/presentation.rs. The fixtures were made by `backpack share ID…
// --present [--challenge --domain]`, and `*.rust.json` are `backpack verify
// --json --offline --now 2025-06-01T00:00:00Z` of them (without "source").
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isCompactJws, isPresentation, verifyInput, verifyPresentation, type PresentationResult } from "./presentation";
import { failedIds } from "./report";
import type { Obj } from "./json";

const NOW = new Date("2025-06-01T00:00:00Z");
const here = (f: string) => new URL(`./fixtures/${f}`, import.meta.url);
const load = (f: string): Obj => JSON.parse(readFileSync(here(f), "utf8"));
const outcomes = (r: { checks: { check: string; outcome: string }[] }) => r.checks.map((c) => `${c.check}:${c.outcome}`);

/** The page's report in the shape of the Rust JSON (no wallet id: the page does not compute it). */
function asRust(r: PresentationResult) {
  return {
    verdict: r.verdict,
    checks: r.checks,
    credentials: r.credentials.map((c) => ({ index: c.index, id: c.id ?? null, title: c.title ?? null, verdict: c.verdict, checks: c.checks })),
  };
}
function rustWithoutWalletIds(f: string) {
  const r = load(f) as unknown as { credentials: Record<string, unknown>[] };
  for (const c of r.credentials) delete c.wallet_id;
  return r;
}

describe("presentations", () => {
  it("a valid presentation of two credentials: the same report as the Rust verifier, detail for detail", async () => {
    const r = await verifyInput(readFileSync(here("vp-2.json"), "utf8"), NOW);
    expect(r.kind).toBe("vp");
    const vp = r as PresentationResult;
    expect(asRust(vp)).toEqual(rustWithoutWalletIds("vp-2.rust.json"));
    expect(vp.verdict).toBe("valid");
    expect(vp.holder).toMatch(/^did:key:z6Mk/);
    expect(vp.credentials.map((c) => c.title)).toEqual(["Teamwork", "Teamwork"]);
  });

  it("an enveloped VC-JWT whose key cannot be found: the presentation could not be fully checked, as in Rust", async () => {
    const vp = (await verifyInput(readFileSync(here("vp-ldp-jwt.json"), "utf8"), NOW)) as PresentationResult;
    expect(asRust(vp)).toEqual(rustWithoutWalletIds("vp-ldp-jwt.rust.json"));
    expect(vp.verdict).toBe("indeterminate");
    // Signed for a challenge and a domain; nobody asked for them here: shown, not checked.
    expect(vp.challenge).toEqual(["c-123"]);
    expect(vp.domain).toEqual(["verifier.example"]);
    expect(vp.checks.find((c) => c.check === "challenge")?.detail).toBe("signed for challenge 'c-123'; the verifier asked for none");
  });

  it("expected challenge and domain: pass when signed for them, fail otherwise", async () => {
    const vp = load("vp-ldp-jwt.json");
    let r = await verifyPresentation(vp, NOW, { challenge: "c-123", domain: "verifier.example" });
    expect(outcomes(r).slice(4, 6)).toEqual(["challenge:pass", "domain:pass"]);
    r = await verifyPresentation(vp, NOW, { challenge: "other" });
    expect(outcomes(r).slice(4, 6)).toEqual(["challenge:fail", "domain:skip"]);
    r = await verifyPresentation(load("vp-2.json"), NOW, { domain: "verifier.example" });
    expect(r.checks[5]).toEqual({ check: "domain", outcome: "fail", detail: "the verifier asked for domain 'verifier.example', the presentation has none" });
  });

  it("a credential changed inside: its own proof fails, and so does the presentation's (it covers the credential)", async () => {
    const vp = load("vp-2.json") as any;
    vp.verifiableCredential[1].credentialSubject.achievement.name = "Tampered";
    const r = await verifyPresentation(vp, NOW);
    expect(r.verdict).toBe("invalid");
    expect(failedIds(r.checks)).toEqual(["proof", "credentials"]);
    expect(r.checks.find((c) => c.check === "credentials")?.detail).toBe("invalid: credential 2 of 2");
    expect(r.credentials.map((c) => c.verdict)).toEqual(["valid", "invalid"]);
    expect(failedIds(r.credentials[1].checks)).toEqual(["proof"]);
  });

  it("another holder named, a wrong purpose, no proof, nothing inside", async () => {
    const other = load("vp-2.json") as any;
    other.holder = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q";
    let r = await verifyPresentation(other, NOW);
    expect(failedIds(r.checks)).toEqual(["proof"]);
    expect(r.checks.find((c) => c.check === "holder-binding")?.outcome).toBe("skip");

    const purpose = load("vp-2.json") as any;
    purpose.proof.proofPurpose = "assertionMethod";
    r = await verifyPresentation(purpose, NOW);
    expect(r.checks[2]).toMatchObject({ check: "proof", outcome: "fail" });
    expect(r.checks[2].detail).toMatch(/proofPurpose is `assertionMethod`, this proof needs `authentication`/);

    const bare = load("vp-2.json") as any;
    delete bare.proof;
    r = await verifyPresentation(bare, NOW);
    expect(failedIds(r.checks)).toEqual(["proof"]);
    expect(r.checks.find((c) => c.check === "credentials")?.outcome).toBe("pass");

    const empty = { ...load("vp-2.json"), verifiableCredential: [] };
    r = await verifyPresentation(empty, NOW);
    expect(failedIds(r.checks)).toContain("format");
    expect(r.checks.some((c) => c.check === "credentials")).toBe(false);
  });

  it("members: nested presentations, bad envelopes and junk are refused, each on its own", async () => {
    const vp = load("vp-2.json") as any;
    vp.verifiableCredential = [
      { type: "VerifiablePresentation", holder: "did:example:x" },
      { "@context": "https://www.w3.org/ns/credentials/v2", type: "EnvelopedVerifiableCredential", id: "data:application/vc+ld+json,{}" },
      { "@context": "https://www.w3.org/ns/credentials/v2", type: "EnvelopedVerifiableCredential", id: "data:application/vc+jwt,a.b" },
      42,
    ];
    const r = await verifyPresentation(vp, NOW);
    expect(r.credentials.map((c) => c.checks[0].detail)).toEqual([
      "a presentation inside a presentation is refused",
      "an enveloped credential must be a data: URL starting with data:application/vc+jwt,",
      "the enveloped credential is not a compact JWS",
      "neither a credential object nor an enveloped VC-JWT",
    ]);
    expect(r.checks.find((c) => c.check === "credentials")?.detail).toBe("invalid: credential 1, 2, 3, 4 of 4");
  });

  it("recognises presentations only where the Rust engine does", () => {
    expect(isPresentation(load("vp-2.json"))).toBe(true);
    expect(isPresentation({ type: ["VerifiableCredential"] })).toBe(false);
    expect(isCompactJws("a.b.c")).toBe(true);
    expect(isCompactJws("a.b.")).toBe(true);
    expect(isCompactJws(".b.c")).toBe(false);
    expect(isCompactJws("a.b.c=")).toBe(false);
  });

  it("a plain credential is still a credential", async () => {
    const first = (load("vp-2.json") as any).verifiableCredential[0];
    const r = await verifyInput(JSON.stringify(first), NOW);
    expect(r.kind).toBe("jsonld");
    expect(r.verdict).toBe("valid");
  });
});
