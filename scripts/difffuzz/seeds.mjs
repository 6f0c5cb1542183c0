// Seed credentials for the differential fuzzer, every one genuinely signed:
// - public vectors (BACKPACK_VECTORS): W3C vc-di-eddsa (eddsa-rdfc-2022,
//   eddsa-jcs-2022, Ed25519Signature2020, proof sets), DCC's did:key OB 3.0
//   fixtures (Ed25519Signature2020 and eddsa-rdfc-2022, VC v1 and v2);
// - OB 3.0 achievement credentials signed here with Digital Bazaar's stack
//   (alignments with an EQF level and learning outcomes, results, evidence,
//   identifiers) under the W3C vector's public test key, so the OB context
//   paths are exercised; one per suite, and one proof set;
// - Backpack's own samples (`backpack sample --out`, signed by Backpack),
//   added by the harness.
// Only seeds the reference verifies are kept (did:web or URL keys cannot be
// resolved offline by either side).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsigs from "jsonld-signatures";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as rdfc } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { createSignCryptosuite as jcsSign } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { documentLoader } from "./loader.mjs";
import { referenceVerify } from "./reference.mjs";

const VECTOR_FILES = [
  "vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
  "vc-di-eddsa/eddsa-rdfc-2022/employ/signedDataInt.json",
  "vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
  "vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
  "vc-di-eddsa/proof-set-chain/signedProofSet1.json",
  "vc-di-eddsa/proof-set-chain/signedProofSet2.json",
];

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith(".json")) out.push(p);
  }
  return out;
}

function readJson(p) {
  try {
    const t = readFileSync(p, "utf8");
    return t.trim() ? JSON.parse(t) : undefined;
  } catch {
    return undefined;
  }
}

/** Public vectors: [{name, doc}] (unfiltered). */
export function vectorSeeds(vectors) {
  const out = [];
  for (const f of VECTOR_FILES) {
    const doc = readJson(join(vectors, f));
    if (doc) out.push({ name: `vec:${f}`, doc });
  }
  const dcc = join(vectors, "dcc/vc-test-fixtures/verifiableCredentials");
  for (const p of walk(dcc)) {
    if (!p.includes("/didKey/") || /tampered/i.test(p)) continue;
    const doc = readJson(p);
    if (doc && doc.proof) out.push({ name: `dcc:${p.slice(dcc.length + 1)}`, doc });
  }
  return out;
}

// The W3C vc-di-eddsa test key (public, in TestVectors/keyPair.json).
const PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
const SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
const DID = `did:key:${PUBLIC}`;
const VM = `${DID}#${PUBLIC}`;

async function key() {
  return Ed25519Multikey.from({
    "@context": "https://w3id.org/security/multikey/v1",
    type: "Multikey",
    id: VM,
    controller: DID,
    publicKeyMultibase: PUBLIC,
    secretKeyMultibase: SECRET,
  });
}

function achievementCredential(v2) {
  const ob = "https://purl.imsglobal.org/spec/ob/v3p0";
  const body = {
    id: "urn:uuid:2f0b7a52-3c1d-4e8f-9a6b-000000000001",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: {
      id: DID,
      type: ["Profile"],
      name: "Hogeschool Voorbeeld (fictional)",
      url: "https://issuer.example/",
      otherIdentifier: [{ type: ["IdentifierEntry"], identifier: "99ZZ", identifierType: "ext:BRIN" }],
    },
    name: "Applied Cryptography (micro-credential)",
    description: "Five ECTS at EQF level 6.",
    credentialSubject: {
      id: "did:example:learner-1",
      type: ["AchievementSubject"],
      achievement: {
        id: "https://issuer.example/achievements/applied-crypto",
        type: ["Achievement"],
        achievementType: "Course",
        name: "Applied Cryptography",
        description: "Signatures, hashes and their misuse.",
        criteria: { narrative: "Pass the final exam." },
        creditsAvailable: 5.0,
        image: { id: "https://issuer.example/achievements/applied-crypto/image.png", type: "Image" },
        tag: ["security", "cryptography"],
        alignment: [
          {
            type: ["Alignment"],
            targetName: "EQF level 6",
            targetUrl: "http://data.europa.eu/snb/eqf/6",
            targetFramework: "European Qualifications Framework",
            targetCode: "6",
            targetType: "ext:EQF",
          },
          {
            type: ["Alignment"],
            targetName: "Explain the difference between a MAC and a signature.",
            targetUrl: "https://issuer.example/outcomes/1",
            targetType: "ceasn:Competency",
          },
        ],
        resultDescription: [
          {
            id: "urn:uuid:2f0b7a52-3c1d-4e8f-9a6b-0000000000a1",
            type: ["ResultDescription"],
            name: "Final grade",
            resultType: "GradePointAverage",
            alignment: [{ type: ["Alignment"], targetName: "Grade scale", targetUrl: "https://issuer.example/scale", targetType: "ext:Scale" }],
          },
        ],
      },
      result: [{ type: ["Result"], resultDescription: "urn:uuid:2f0b7a52-3c1d-4e8f-9a6b-0000000000a1", value: "8.5" }],
      creditsEarned: 5.0,
    },
    evidence: [{ id: "https://issuer.example/evidence/1", type: ["Evidence"], name: "Exam", narrative: "Written exam, 2025-01-20." }],
  };
  if (v2) {
    return {
      "@context": ["https://www.w3.org/ns/credentials/v2", `${ob}/context-3.0.3.json`],
      ...body,
      validFrom: "2025-01-31T10:00:00Z",
      validUntil: "2099-01-31T10:00:00Z",
    };
  }
  return {
    "@context": [
      "https://www.w3.org/2018/credentials/v1",
      `${ob}/context-3.0.1.json`,
      "https://w3id.org/security/suites/ed25519-2020/v1",
    ],
    ...body,
    issuanceDate: "2025-01-31T10:00:00Z",
    expirationDate: "2099-01-31T10:00:00Z",
  };
}

async function sign(doc, suite) {
  return jsigs.sign(structuredClone(doc), {
    suite,
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader,
  });
}

/** OB 3.0 credentials signed here with the Digital Bazaar stack. */
export async function signedSeeds() {
  const k = await key();
  const date = "2025-01-31T10:00:00Z";
  const out = [];
  const v2 = achievementCredential(true);
  const rd = await sign(v2, new DataIntegrityProof({ signer: k.signer(), cryptosuite: rdfc, date }));
  out.push({ name: "own:ob3-v2-eddsa-rdfc-2022", doc: rd });
  out.push({ name: "own:ob3-v2-eddsa-jcs-2022", doc: await sign(v2, new DataIntegrityProof({ signer: k.signer(), cryptosuite: jcsSign(), date })) });
  // A proof set: a second, independent proof (jcs) over the rdfc-signed credential.
  const set = await sign(rd, new DataIntegrityProof({ signer: k.signer(), cryptosuite: jcsSign(), date }));
  out.push({ name: "own:ob3-v2-proof-set", doc: set });
  const v1 = achievementCredential(false);
  out.push({ name: "own:ob3-v1-Ed25519Signature2020", doc: await sign(v1, new Ed25519Signature2020({ key: k, date })) });
  return out;
}

/** Every seed the reference verifies: [{name, doc}]. */
export async function loadSeeds({ vectors, extra = [] }) {
  const all = [...vectorSeeds(vectors), ...(await signedSeeds()), ...extra];
  const kept = [];
  const dropped = [];
  for (const s of all) {
    const r = await referenceVerify(s.doc);
    if (r.proof) kept.push(s);
    else dropped.push({ name: s.name, why: r.proofError });
  }
  return { kept, dropped };
}
