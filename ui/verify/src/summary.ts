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

/** A language map (`{"en": …, "nl": …}`) or string, in `lang` when present, else English, else the first. */
function langText(v: unknown, lang: string): string | undefined {
  if (typeof v === "string") return v;
  if (!isObj(v)) return undefined;
  const pick = v[lang] ?? v.en ?? Object.values(v)[0];
  if (typeof pick === "string") return pick;
  return Array.isArray(pick) && typeof pick[0] === "string" ? pick[0] : undefined;
}

/** One page of a Europass credential's own rendering. */
export interface Page {
  language?: string;
  page: number;
  image: string;
}

/**
 * What an employer reads off a Europass Digital Credential (as
 * src/import/edc.rs maps it): the claimed learning achievement, the awarding
 * body, the learner, EQF and ECTS, the outcomes; and the issuer's own pages
 * (`displayParameter`), inline images only, primary language first.
 */
export function summarizeEdc(doc: Obj, lang: string): { summary: Summary; pages: Page[] } {
  const out: Summary = { outcomes: [] };
  out.credentialId = strOf(doc, "id");
  const subject = list(doc.credentialSubject)[0];
  const claims = isObj(subject) ? list(subject.hasClaim) : [];
  const claim = claims.find((c) => isObj(c) && list(c.type).includes("LearningAchievement")) ?? claims[0];
  if (isObj(subject)) {
    out.learnerName = langText(subject.fullName, lang);
    out.learnerId = strOf(subject, "id");
  }
  if (isObj(claim)) {
    out.title = langText(claim.title, lang);
    out.description = langText(claim.description, lang);
    const body = isObj(claim.awardedBy) ? list(claim.awardedBy.awardingBody)[0] : undefined;
    if (isObj(body)) out.issuerName = langText(body.legalName, lang);
    const spec = list(claim.specifiedBy)[0];
    if (isObj(spec)) {
      out.title ??= langText(spec.title, lang);
      const eqf = isObj(spec.eqfLevel) ? strOf(spec.eqfLevel, "id")?.split("/").pop() : undefined;
      if (eqf && /^[1-8]$/.test(eqf)) out.eqf = eqf;
      for (const cp of list(spec.creditPoint)) {
        if (isObj(cp) && isObj(cp.framework) && /ECTS/i.test(langText(cp.framework.prefLabel, "en") ?? "")) out.ects = scalar(cp.point);
      }
      for (const o of list(spec.learningOutcome)) {
        const text = isObj(o) ? langText(o.title, lang) : undefined;
        if (text) out.outcomes.push(text);
      }
    }
  }
  const issuer = doc.issuer;
  out.issuerId = typeof issuer === "string" ? issuer : strOf(issuer, "id");
  out.issuerName ??= isObj(issuer) ? langText(issuer.legalName, lang) : undefined;
  out.validFrom = strOf(doc, "validFrom") ?? strOf(doc, "issuanceDate");
  out.validUntil = strOf(doc, "expirationDate") ?? strOf(doc, "validUntil");
  const pages: Page[] = [];
  const dp = doc.displayParameter;
  const code = (l: unknown) => (isObj(l) ? strOf(l, "id")?.split("/").pop() : undefined);
  if (isObj(dp)) {
    const primary = code(dp.primaryLanguage);
    for (const ind of list(dp.individualDisplay)) {
      if (!isObj(ind)) continue;
      const language = code(ind.language);
      for (const d of list(ind.displayDetail)) {
        if (!isObj(d) || !isObj(d.image) || typeof d.image.content !== "string" || pages.length >= 24) continue;
        const type = /JPE?G$/.test(strOf(d.image.contentType, "id") ?? "") && !d.image.content.startsWith("iVBOR") ? "jpeg" : "png";
        const image = safeImage(`data:image/${type};base64,${d.image.content}`);
        if (image) pages.push({ language, page: typeof d.page === "number" ? d.page : 1, image });
      }
    }
    pages.sort((a, b) => Number(a.language !== primary) - Number(b.language !== primary) || (a.language ?? "").localeCompare(b.language ?? "") || a.page - b.page);
  }
  return { summary: out, pages };
}
