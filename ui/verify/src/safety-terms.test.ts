// bundled-terms.json (what safety.ts reads) is what the bundled contexts say:
// the terms they type `@json` or make `@graph` containers, read off every
// context in the table now. To write the file again after contexts/ changes:
//   BACKPACK_WRITE_TERMS=1 npx vitest run ui/verify/src/safety-terms.test.ts
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import BUNDLED from "./bundled-terms.json";
import { getContext } from "./context-docs";
import { CONTEXT_FILES } from "./contexts";
import { bundledTermsOf } from "./safety";

describe("bundled-terms.json", () => {
  it("holds exactly the @json and @graph terms of the bundled contexts", () => {
    const docs = Object.keys(CONTEXT_FILES).map((u) => getContext(u));
    // Every context in the table has its document (contextsCheck trusts the table).
    expect(docs.every((d) => d !== undefined)).toBe(true);
    const now = bundledTermsOf(docs);
    if (process.env.BACKPACK_WRITE_TERMS === "1") {
      fs.writeFileSync(path.join(import.meta.dirname, "bundled-terms.json"), JSON.stringify(now, null, 2) + "\n");
    }
    expect(BUNDLED).toEqual(now);
    expect(now.graph).toContain("@graph");
  });
});
