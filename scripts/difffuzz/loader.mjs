// The reference's document loader: exactly the repository's bundled contexts
// (the URL → file table is read from src/verify/contexts.rs, the one Backpack
// compiles in, so the two sides canonicalize with the same documents) and
// did:key, resolved locally by Digital Bazaar's did-method-key driver. Any
// other URL is an error: nothing is ever fetched.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as didKey from "@digitalbazaar/did-method-key";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function bundled() {
  const rs = readFileSync(join(ROOT, "src/verify/contexts.rs"), "utf8");
  const table = new Map();
  for (const m of rs.matchAll(/\("([^"]+)", include_str!\("\.\.\/\.\.\/contexts\/([^"]+)"\)\)/g)) {
    table.set(m[1], JSON.parse(readFileSync(join(ROOT, "contexts", m[2]), "utf8")));
  }
  if (table.size < 20) throw new Error(`only ${table.size} contexts read from src/verify/contexts.rs`);
  return table;
}

export const CONTEXTS = bundled();

const driver = didKey.driver();
driver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });

/** Every URL the loader refused (for the report: there must be no network). */
export const refused = new Set();

export async function documentLoader(url) {
  if (CONTEXTS.has(url)) {
    // A fresh copy each time: jsonld.js must not see a document another call changed.
    return { contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url)) };
  }
  if (typeof url === "string" && url.startsWith("did:key:")) {
    const document = await driver.get({ url });
    return { contextUrl: null, documentUrl: url, document };
  }
  refused.add(String(url));
  throw new Error(`not bundled and never fetched: ${url}`);
}
