// canon.ts against jsonld.canonize with the same options: the same N-Quads,
// or the same error, for every JSON credential in the shared vectors (the
// document without its proof, and each proof's options as the verifier
// canonicalises them), with changes that safe mode refuses.
import fs from "node:fs";
import path from "node:path";
import jsonld from "jsonld";
import { describe, expect, it } from "vitest";
import { canonize } from "./canon";
import { documentLoader } from "./context-docs";

const VECTORS = process.env.BACKPACK_VECTORS ?? path.join(import.meta.dirname, "..", "..", "..", "tests", "vectors");

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) jsonFiles(p, out);
    else if (/\.json(ld)?$/.test(e.name) && fs.statSync(p).size < 200_000) out.push(p);
  }
  return out;
}

async function outcome(f: () => Promise<string>): Promise<string> {
  try {
    return await f();
  } catch (e) {
    const o = e as { name?: string; message?: string; details?: { event?: { message?: string } } };
    return `ERROR ${o.name}: ${o.details?.event?.message ?? o.message}`;
  }
}

const both = async (doc: unknown) => {
  const mine = await outcome(() => canonize(doc, []));
  const theirs = await outcome(() =>
    jsonld.canonize(doc as object, { algorithm: "RDFC-1.0", format: "application/n-quads", safe: true, base: null, documentLoader: documentLoader([]) } as never),
  );
  return { mine, theirs };
};

describe("canonize (jsonld.js's expand, toRDF and rdf-canonize only)", () => {
  it("gives jsonld.canonize's N-Quads or error on every JSON-LD credential in the vectors", async () => {
    const docs: unknown[] = [];
    for (const dir of ["vc-di-eddsa", "dcc", "ob3-spec", "1edtech-validator/inspector-vc/src/test/resources/ob30"]) {
      for (const f of jsonFiles(path.join(VECTORS, dir))) {
        let d: unknown;
        try {
          d = JSON.parse(fs.readFileSync(f, "utf8"));
        } catch {
          continue;
        }
        if (!d || typeof d !== "object" || Array.isArray(d) || !("@context" in d)) continue;
        const { proof, ...rest } = d as Record<string, unknown>;
        docs.push(rest);
        for (const p of [proof ?? []].flat()) {
          if (p && typeof p === "object") {
            const { proofValue: _, ...options } = p as Record<string, unknown>;
            docs.push({ ...options, "@context": rest["@context"] });
          }
        }
        // Safe mode's refusals: an undefined term, a relative IRI for @id, a bad @language.
        docs.push({ ...rest, unsignedClaim: "x" }, { ...rest, id: "relative/path" }, { ...rest, name: { "@value": "x", "@language": "not a tag!" } });
      }
    }
    expect(docs.length).toBeGreaterThan(150);
    let ok = 0;
    for (const doc of docs) {
      const { mine, theirs } = await both(doc);
      expect(mine).toBe(theirs);
      if (!mine.startsWith("ERROR")) ok++;
    }
    expect(ok).toBeGreaterThan(50);
  });
});
