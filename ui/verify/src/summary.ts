// What an employer reads off a credential: learner, achievement, issuer,
// level, ECTS, outcomes, criteria, dates. Read the way src/import/ob3.rs reads
// them (edubadges extensions included), only as plain strings for display.
import { isObj, list, scalar, strOf, type Obj } from "./json";

export interface Summary {
  title?: string;
  description?: string;
  achievementType?: string;
  image?: string;
  issuerName?: string;
  issuerId?: string;
  learnerName?: string;
  learnerId?: string;
  eqf?: string;
  nlqf?: string;
  ects?: string;
  studyLoad?: string;
  outcomes: string[];
  criteria?: string;
  criteriaUrl?: string;
  validFrom?: string;
  validUntil?: string;
  credentialId?: string;
}

/** Only inline raster or SVG images, and not huge ones: the page fetches nothing. */
export const MAX_IMAGE_CHARS = 1024 * 1024;
const DATA_IMAGE = /^data:image\/(png|svg\+xml|jpeg);base64,[A-Za-z0-9+/=\s]+$/;

export function safeImage(v: unknown): string | undefined {
  const s = typeof v === "string" ? v : strOf(v, "id");
  if (!s || s.length > MAX_IMAGE_CHARS || !DATA_IMAGE.test(s)) return undefined;
  return s;
}

const first = (v: unknown, keys: string[]) => keys.map((k) => strOf(v, k)).find((x) => x !== undefined);

function extension(obj: Obj, name: string, field: string): string | undefined {
  for (const [k, v] of Object.entries(obj)) {
    if (k === `extensions:${name}Extension` || k.endsWith(`#${name}Extension`)) return strOf(v, field);
  }
  return undefined;
}

const levelOf = (v: unknown) => {
  const s = scalar(v);
  if (!s) return undefined;
  const m = /\b([1-8])\b/.exec(s);
  return m ? m[1] : undefined;
};

export function summarize(doc: Obj | undefined): Summary {
  const out: Summary = { outcomes: [] };
  if (!doc) return out;
  out.credentialId = strOf(doc, "id");
  const issuer = doc.issuer;
  out.issuerId = typeof issuer === "string" ? issuer : strOf(issuer, "id");
  out.issuerName = isObj(issuer) ? strOf(issuer, "name") : undefined;
  out.validFrom = first(doc, ["validFrom", "issuanceDate", "awardedDate"]);
  out.validUntil = first(doc, ["validUntil", "expirationDate"]);
  out.title = strOf(doc, "name");
  const subject = list(doc.credentialSubject).find(isObj) as Obj | undefined;
  if (subject) {
    out.learnerName = first(subject, ["name"]);
    out.learnerId = strOf(subject, "id");
    const ident = list(subject.identifier).find(isObj);
    if (ident && !out.learnerName) {
      const hashed = (ident as Obj).hashed === true;
      const value = strOf(ident, "identityHash");
      if (value && !hashed) out.learnerName = value;
    }
    const a = isObj(subject.achievement) ? subject.achievement : undefined;
    if (a) {
      out.title = strOf(a, "name") ?? out.title;
      out.description = strOf(a, "description");
      out.achievementType = strOf(a, "achievementType");
      out.image = safeImage(a.image);
      out.ects = first(a, ["ECTS", "ects", "creditsAvailable"]) ?? extension(a, "ECTS", "ECTS");
      out.studyLoad = first(a, ["studyLoad", "StudyLoad", "timeInvestment", "TimeInvestment", "SBU"]) ?? extension(a, "StudyLoad", "StudyLoad");
      if (isObj(a.criteria)) {
        out.criteria = strOf(a.criteria, "narrative");
        out.criteriaUrl = strOf(a.criteria, "id");
      }
      for (const al of list(a.alignment)) {
        if (!isObj(al)) continue;
        const hay = [al.targetName, al.targetUrl, al.targetFramework, al.targetType, al.targetDescription]
          .map((x) => (typeof x === "string" ? x : ""))
          .join(" ")
          .toLowerCase();
        const code = strOf(al, "targetCode");
        const name = strOf(al, "targetName");
        if (hay.includes("european qualifications framework") || hay.includes("/eqf") || hay.includes("ext:eqf") || strOf(al, "targetFramework")?.toUpperCase() === "EQF") {
          out.eqf ??= levelOf(code) ?? levelOf(name);
        } else if (hay.includes("nlqf") || hay.includes("nederlands kwalificatieraamwerk")) {
          out.nlqf ??= code ?? name;
        } else if (/competency|outcome|cfitem|skill/i.test(strOf(al, "targetType") ?? "")) {
          if (name) out.outcomes.push(name);
        }
      }
      out.eqf ??= levelOf(a.EQF) ?? levelOf(a.eqfLevel) ?? extension(a, "EQF", "EQF");
      for (const r of list(a.result)) {
        const n = strOf(r, "name");
        if (n) out.outcomes.push(n);
      }
      for (const lo of list(a.learningOutcome ?? a.LearningOutcome)) {
        const t = scalar(lo);
        if (t) out.outcomes.push(t);
      }
      const lo = extension(a, "LearningOutcome", "LearningOutcome");
      if (lo) out.outcomes.push(lo);
    }
    out.ects ??= scalar(subject.creditsEarned);
    out.image ??= safeImage(subject.image);
  }
  out.image ??= safeImage(doc.image);
  return out;
}
