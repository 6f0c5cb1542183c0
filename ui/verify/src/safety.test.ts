// @vitest-environment node
// Issue #11, finding 1 on the page: unsigned claims injected into a genuinely
// signed credential (invalid-IRI alignment ids, non-IRI types, null members,
// fake nodes) are never "valid"; neutral edits still are. The same cases as
// tests/safe_mode.rs, so the page and the CLI agree.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unsafeBody } from "./safety";
import { verifyText } from "./verify";

const VECTORS = process.env.BACKPACK_VECTORS || fileURLToPath(new URL("../../../tests/vectors", import.meta.url));
const NOW = new Date("2025-06-01T00:00:00Z");
const SIGNED = ["eddsa-rdfc-2022/signedDataInt.json", "Ed25519Signature2020/signedEdSig.json"];

type Doc = Record<string, any>;
const alignment = (id: string) => ({ id, type: ["Alignment"], targetName: "EQF level 8", targetUrl: "https://europa.eu/europass/eqf/8" });
const injections: [string, (d: Doc) => void][] = [
  ...["urn:fake y", "urn:fake\u0000y", "urn:fake<y", 'urn:fake"y', "https://example.org/a>b", "_:a b"].map(
    (id): [string, (d: Doc) => void] => [`alignment id ${JSON.stringify(id)}`, (d) => (d.credentialSubject.alignment = [alignment(id)])],
  ),
  ["type that is not an IRI", (d) => d.type.push("urn:fake type")],
  ["type with <", (d) => d.type.push("urn:x<y")],
  ["null member", (d) => (d.credentialSubject.description = null)],
  ["null in an array", (d) => (d.credentialSubject.alignment = [null])],
  ["null id", (d) => (d.credentialSubject.id = null)],
  ["@id of keyword form", (d) => (d.credentialSubject.alignment = [{ id: "@fake", targetName: "EQF 8" }])],
  ["inline context mapping a term to null", (d) => { d["@context"].push({ ectsFake: null }); d.credentialSubject.ectsFake = 30; }],
  ["inline context mapping a term to a blank node", (d) => { d["@context"].push({ ectsFake: "_:e" }); d.credentialSubject.ectsFake = 30; }],
  ["@vocab on a node", (d) => (d.credentialSubject["@vocab"] = "https://example.org/")],
  ["@propagate on a node", (d) => (d.credentialSubject["@propagate"] = true)],
  ["@included node with an invalid id", (d) => (d.credentialSubject["@included"] = [{ id: "urn:fake y", type: ["Alignment"], name: "EQF 8" }])],
  ["@reverse node with an invalid id", (d) => (d.credentialSubject["@reverse"] = { alignment: { id: "urn:fake y", name: "rev" } })],
  ["@graph node with an invalid id", (d) => (d.credentialSubject["@graph"] = [{ id: "urn:fake y", name: "Fake" }])],
];

describe("safe mode on the page", () => {
  it("never calls a signed credential with injected unsigned data valid", async () => {
    for (const p of SIGNED) {
      const text = readFileSync(`${VECTORS}/vc-di-eddsa/${p}`, "utf8");
      expect((await verifyText(text, NOW)).checks.find((c) => c.check === "proof")?.outcome, p).toBe("pass");
      for (const [what, inject] of injections) {
        const d = JSON.parse(text);
        inject(d);
        const r = await verifyText(JSON.stringify(d), NOW);
        expect(r.verdict, `${p} + ${what}`).toBe("invalid");
        expect(r.checks.find((c) => c.check === "proof")?.outcome, `${p} + ${what}`).toBe("fail");
      }
    }
  });

  it("finds nulls outside @context and @json values only", () => {
    expect(unsafeBody({ "@context": [{ "@protected": true, "@version": 1.1 }], name: "x" })).toBeUndefined();
    expect(unsafeBody({ a: { "@type": "@json", "@value": { b: null } } })).toBeUndefined();
    expect(unsafeBody({ credentialSchema: { jsonSchema: { x: null } } })).toBeUndefined();
    expect(unsafeBody({ a: [1, null] })).toContain("`a`");
    expect(unsafeBody({ a: { b: null } })).toContain("`b`");
  });

  it("refuses what JSON-LD ignores without an event, as the CLI does", () => {
    expect(unsafeBody({ a: { "@vocab": "https://x/" } })).toContain("@vocab");
    expect(unsafeBody({ a: { "@propagate": true } })).toContain("@propagate");
    expect(unsafeBody({ "@context": [{ unused: null }] })).toContain("unused");
    expect(unsafeBody({ "@context": [{ e: { "@id": "_:e" } }] })).toContain("blank node");
    expect(unsafeBody({ a: { "@context": null, b: 1 } })).toContain("@context: null");
    expect(unsafeBody({ verifiableCredential: ["urn:x"] })).toContain("verifiableCredential");
    expect(unsafeBody({ verifiableCredential: [{ id: "urn:x" }] })).toContain("verifiableCredential");
    expect(unsafeBody({ a: { id: "@fake" } })).toContain("keyword");
  });
});
