// The reference verifier: Digital Bazaar's stack from npm, jsonld.js in safe
// mode (the DataIntegrityProof and Ed25519Signature2020 suites canonize with
// `safe: true`; see node_modules/@digitalbazaar/data-integrity/lib/
// DataIntegrityProof.js and jsonld-signatures/lib/suites/LinkedDataSignature.js).
//
// Two answers per credential:
// - `proof`: jsonld-signatures' verify with every suite Backpack knows
//   (DataIntegrityProof eddsa-rdfc-2022 and eddsa-jcs-2022,
//   Ed25519Signature2020) and AssertionProofPurpose (the key must be listed
//   for assertionMethod by its controller). This is what Backpack's `proof`
//   check claims, and what the fuzzer compares.
// - `vc`: @digitalbazaar/vc verifyCredential (the data model checks of the vc
//   library, then CredentialIssuancePurpose: the issuer must be the key's
//   controller), status skipped. Recorded for review only: Backpack has its
//   own schema, issuer-binding and date checks, with their own policy.
import jsigs from "jsonld-signatures";
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as rdfc } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { createVerifyCryptosuite as jcsVerify } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { documentLoader } from "./loader.mjs";

const { purposes: { AssertionProofPurpose } } = jsigs;

function suites() {
  return [
    new DataIntegrityProof({ cryptosuite: rdfc }),
    new DataIntegrityProof({ cryptosuite: jcsVerify() }),
    new Ed25519Signature2020(),
  ];
}

function message(e) {
  if (!e) return "";
  if (Array.isArray(e)) return e.map(message).join("; ");
  if (Array.isArray(e.errors) && e.errors.length) return message(e.errors);
  const code = e.details?.event?.code ?? e.details?.code;
  const inner = code ? ` [${code}]` : "";
  return `${e.name ?? "Error"}: ${e.message ?? String(e)}${inner}`.slice(0, 400);
}

function firstError(r) {
  if (r.error) return message(r.error);
  const errs = (r.results ?? []).filter((x) => x.error).map((x) => message(x.error));
  return errs.join("; ");
}

/** Verify one credential (a parsed JSON value) the reference way; `proofOnly` skips the vc library's second pass (the benchmark). */
export async function referenceVerify(doc, { proofOnly = false } = {}) {
  const out = { proof: false, proofError: "", vc: false, vcError: "" };
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    out.proofError = out.vcError = "not a JSON object";
    return out;
  }
  try {
    const r = await jsigs.verify(structuredClone(doc), {
      suite: suites(),
      purpose: new AssertionProofPurpose(),
      documentLoader,
    });
    out.proof = r.verified === true;
    if (!out.proof) out.proofError = firstError(r);
  } catch (e) {
    out.proofError = message(e);
  }
  if (proofOnly) return out;
  try {
    const r = await vc.verifyCredential({
      credential: structuredClone(doc),
      suite: suites(),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    });
    out.vc = r.verified === true;
    if (!out.vc) out.vcError = firstError(r);
  } catch (e) {
    out.vcError = message(e);
  }
  return out;
}

// `node reference.mjs FILE...`: one JSON line per file.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import("node:fs");
  for (const f of process.argv.slice(2)) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(f, "utf8"));
    } catch (e) {
      console.log(JSON.stringify({ file: f, proof: false, proofError: `not JSON: ${e.message}` }));
      continue;
    }
    console.log(JSON.stringify({ file: f, ...(await referenceVerify(doc)) }));
  }
}
