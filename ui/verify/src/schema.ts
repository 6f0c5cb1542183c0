// The `schema` check: a port of ob3_problems in src/verify/schema.rs (required
// members and the `type` of every typed object of OB 3.0 / CLR 2.0).
import { has, isObj, list, strOf } from "./json";

const VC_V1 = "https://www.w3.org/2018/credentials/v1";
const VC_V2 = "https://www.w3.org/ns/credentials/v2";
const IDENTIFIER_TYPES = [
  "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
  "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId",
  "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier",
];

export function ob3Problems(doc: unknown): string[] {
  const p: string[] = [];
  if (!isObj(doc)) return ["the credential is not a JSON object"];
  const ctx = list(doc["@context"]).filter((c): c is string => typeof c === "string");
  const v2 = ctx[0] === VC_V2;
  if (ctx[0] !== VC_V1 && ctx[0] !== VC_V2) p.push(`the first @context must be ${VC_V2} (or ${VC_V1})`);
  if (!has(doc, "VerifiableCredential")) p.push("type must include VerifiableCredential");
  const clr = has(doc, "ClrCredential");
  if (!(clr || has(doc, "OpenBadgeCredential") || has(doc, "AchievementCredential") || has(doc, "EndorsementCredential"))) {
    p.push("type must include OpenBadgeCredential, AchievementCredential, EndorsementCredential or ClrCredential");
  }
  const issuer = doc.issuer;
  if (issuer === undefined) p.push("there is no issuer");
  else if (typeof issuer === "string" && issuer !== "") {
    /* a URI */
  } else if (isObj(issuer)) profile(issuer, "issuer", p);
  else p.push("issuer must be a URI or a Profile object");
  if (v2) {
    if (doc.validFrom === undefined) p.push("validFrom is required");
  } else if (doc.issuanceDate === undefined) p.push("issuanceDate is required");
  const subjects = list(doc.credentialSubject);
  if (subjects.length === 0) p.push("there is no credentialSubject");
  for (const s of subjects) {
    const want = clr ? "ClrSubject" : has(doc, "EndorsementCredential") ? "EndorsementSubject" : "AchievementSubject";
    if (!has(s, want)) p.push(`credentialSubject.type must include ${want}`);
    if (!isObj(s)) continue;
    list(s.identifier).forEach((id, i) => {
      if (!has(id, "IdentityObject")) p.push(`credentialSubject.identifier[${i}].type must be IdentityObject`);
    });
    list(s.result).forEach((r, i) => {
      if (!has(r, "Result")) p.push(`credentialSubject.result[${i}].type must include Result`);
    });
    if (s.source !== undefined) profile(s.source, "credentialSubject.source", p);
    if (s.achievement !== undefined) achievement(s.achievement, "credentialSubject.achievement", p);
  }
  list(doc.evidence).forEach((e, i) => {
    if (!has(e, "Evidence")) p.push(`evidence[${i}].type must include Evidence`);
  });
  return p;
}

function profile(v: unknown, at: string, p: string[]) {
  if (!isObj(v)) {
    if (typeof v !== "string") p.push(`${at} must be a URI or a Profile object`);
    return;
  }
  if (strOf(v, "id") === undefined) p.push(`${at}.id is required`);
  if (!has(v, "Profile")) p.push(`${at}.type must include Profile`);
  if (v.parentOrg !== undefined) profile(v.parentOrg, `${at}.parentOrg`, p);
  list(v.otherIdentifier).forEach((oi, i) => otherIdentifier(oi, `${at}.otherIdentifier[${i}]`, p));
}

function otherIdentifier(v: unknown, at: string, p: string[]) {
  if (!has(v, "IdentifierEntry")) p.push(`${at}.type must be IdentifierEntry`);
  const t = strOf(v, "identifierType");
  if (t === undefined) p.push(`${at}.identifierType is required`);
  else if (!(IDENTIFIER_TYPES.includes(t) || t.startsWith("ext:"))) {
    p.push(`${at}.identifierType '${t}' is not an OB 3.0 identifier type`);
  }
}

function achievement(a: unknown, at: string, p: string[]) {
  if (!isObj(a)) return;
  if (!has(a, "Achievement")) p.push(`${at}.type must include Achievement`);
  list(a.resultDescription).forEach((rd, i) => {
    if (!has(rd, "ResultDescription")) p.push(`${at}.resultDescription[${i}].type must include ResultDescription`);
  });
  if (a.creator !== undefined) profile(a.creator, `${at}.creator`, p);
  list(a.otherIdentifier).forEach((oi, i) => otherIdentifier(oi, `${at}.otherIdentifier[${i}]`, p));
}

/** The EDC application profile's JSON-LD context. */
export const EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap";

/** Problems with a Europass Digital Credential's shape, as `schema::edc_problems` in the core. */
export function edcProblems(doc: unknown): string[] {
  const p: string[] = [];
  if (!isObj(doc)) return ["the credential is not an object"];
  const ctx = list(doc["@context"]).filter((c): c is string => typeof c === "string");
  if (ctx[0] !== VC_V1 && ctx[0] !== VC_V2) p.push(`the first @context must be ${VC_V1} (or ${VC_V2})`);
  if (!ctx.includes(EDC_CONTEXT)) p.push(`@context must include ${EDC_CONTEXT}`);
  if (!has(doc, "VerifiableCredential") || !has(doc, "EuropeanDigitalCredential")) p.push("type must include VerifiableCredential and EuropeanDigitalCredential");
  const issuer = doc.issuer;
  const issuerOk = (typeof issuer === "string" && issuer !== "") || (isObj(issuer) && typeof issuer.id === "string");
  if (!issuerOk) p.push("the issuer must be an Organisation with an id");
  if (doc.issuanceDate === undefined && doc.validFrom === undefined) p.push("issuanceDate (or validFrom) is required");
  if (doc.credentialSchema === undefined) p.push("credentialSchema is required");
  const subjects = list(doc.credentialSubject);
  if (subjects.length === 0) p.push("there is no credentialSubject");
  else if (!isObj(subjects[0]) || list(subjects[0].hasClaim).length === 0) p.push("credentialSubject has no hasClaim");
  return p;
}
