// Dutch and English texts of the page (follows navigator.language; switchable).
export type Lang = "en" | "nl";

export function pickLang(preferred: readonly string[]): Lang {
  for (const l of preferred) {
    const t = l.toLowerCase();
    if (t.startsWith("nl")) return "nl";
    if (t.startsWith("en")) return "en";
  }
  return "en";
}

const en = {
  title: "Credential check",
  switchTo: "Nederlands",
  intro: "This page checks a digital credential in your browser. Nothing you open here is sent to anyone.",
  checking: "Checking…",
  fetching: "Fetching the shared credential…",
  idle: "Open a Backpack link, or drop or paste a credential or presentation file below.",
  "v.valid": "Genuine and valid",
  "v.invalid": "Not valid",
  "v.indeterminate": "Could not be fully checked",
  "v.unshared": "No longer shared",
  "v.unfetchable": "Could not fetch the credential",
  "v.damaged": "Damaged link",
  "e.valid": "The issuer signed this credential and it has not been changed since. It is within its dates.",
  "e.invalid": "At least one check failed (see below). Do not rely on the details shown.",
  "e.indeterminate": "No check failed, but something needed could not be checked from this page (see below). This does not mean the credential is forged.",
  "e.unshared.revoked": "The holder has stopped sharing this credential (the shared copy was removed).",
  "e.unshared.expired": "The holder shared this credential for a limited time, and that time is over.",
  "e.unfetchable": "The shared copy could not be fetched (network problem or the host refused). This says nothing about the credential itself; try again later.",
  "e.damaged": "The link is incomplete or was changed: it cannot be opened. Ask the holder for the link again.",
  "e.genuineExpired": "The signature is genuine, but the credential has expired.",
  "e.genuineNotYet": "The signature is genuine, but the credential is not valid yet.",
  failedChecks: "Failed",
  unverifiedNote: "These details are NOT confirmed by a valid signature.",
  learner: "Learner",
  achievement: "Achievement",
  issuer: "Issuer",
  level: "Level",
  ects: "ECTS credits",
  studyLoad: "Study load (hours)",
  outcomes: "Learning outcomes",
  criteria: "Criteria",
  issuerPages: "The issuer's own rendering",
  page: "Page {n}",
  validFrom: "Valid from",
  validUntil: "Valid until",
  checks: "Checks",
  "o.pass": "passed",
  "o.fail": "FAILED",
  "o.skip": "not applicable",
  "o.error": "could not check",
  dropTitle: "Check a credential file",
  dropHint: "Drop a .json or .jwt file here, choose one, or paste its text.",
  choose: "Choose file",
  paste: "Paste credential text",
  verifyPasted: "Check pasted text",
  insecure: "This page must be opened over https:// to check signatures.",
  privacy: "Checked in this browser with the bundled vocabularies; keys from did:key. Status lists and did:web keys are not fetched.",
  "c.format": "Format",
  "c.schema": "Structure",
  "c.contexts": "Known vocabulary",
  "c.proof": "Signature",
  "c.issuer-binding": "Signed by the issuer",
  "c.jwt-claims": "Token agrees with the credential",
  "c.not-before": "Already valid",
  "c.not-expired": "Not expired",
  "c.status": "Not revoked",
  "c.holder-binding": "Signed by the holder",
  "c.challenge": "Challenge",
  "c.domain": "Domain",
  "c.credentials": "Credentials inside",
  "c.seal-signature": "E-seal signature",
  presentationBy: "Presentation by",
  holderUnknown: "(no holder named)",
  "vp.count": "{n} credential(s) inside",
  "vp.bound": "Signed for: {what}. This page does not know what you asked the holder for; compare it yourself.",
  "vp.checks": "Checks of the presentation",
  "vp.credential": "Credential {i} of {n}",
  "e.vp.valid": "The holder signed this presentation and it has not been changed since; every credential in it is genuine and valid (see each below).",
  "e.vp.invalid": "At least one check of the presentation or of a credential in it failed (see below). Do not rely on the details shown.",
  "e.vp.indeterminate": "No check failed, but something needed could not be checked from this page (see below). This does not mean anything is forged.",
  "c.other": "Other check",
};

type Key = keyof typeof en;

const nl: Record<Key, string> = {
  title: "Controle van een certificaat",
  switchTo: "English",
  intro: "Deze pagina controleert een digitaal certificaat in uw browser. Wat u hier opent, wordt naar niemand verstuurd.",
  checking: "Bezig met controleren…",
  fetching: "Het gedeelde certificaat wordt opgehaald…",
  idle: "Open een Backpack-link, of sleep of plak hieronder een certificaat- of presentatiebestand.",
  "v.valid": "Echt en geldig",
  "v.invalid": "Niet geldig",
  "v.indeterminate": "Kon niet volledig worden gecontroleerd",
  "v.unshared": "Niet meer gedeeld",
  "v.unfetchable": "Het certificaat kon niet worden opgehaald",
  "v.damaged": "Beschadigde link",
  "e.valid": "De uitgever heeft dit certificaat ondertekend en het is sindsdien niet veranderd. Het valt binnen zijn data.",
  "e.invalid": "Minstens één controle is mislukt (zie hieronder). Vertrouw de getoonde gegevens niet.",
  "e.indeterminate": "Geen controle is mislukt, maar iets wat nodig is kon vanaf deze pagina niet worden gecontroleerd (zie hieronder). Dit betekent niet dat het certificaat vervalst is.",
  "e.unshared.revoked": "De houder deelt dit certificaat niet meer (de gedeelde kopie is verwijderd).",
  "e.unshared.expired": "De houder heeft dit certificaat voor beperkte tijd gedeeld, en die tijd is voorbij.",
  "e.unfetchable": "De gedeelde kopie kon niet worden opgehaald (netwerkprobleem of de host weigerde). Dit zegt niets over het certificaat zelf; probeer het later opnieuw.",
  "e.damaged": "De link is onvolledig of veranderd: hij kan niet worden geopend. Vraag de houder opnieuw om de link.",
  "e.genuineExpired": "De handtekening is echt, maar het certificaat is verlopen.",
  "e.genuineNotYet": "De handtekening is echt, maar het certificaat is nog niet geldig.",
  failedChecks: "Mislukt",
  unverifiedNote: "Deze gegevens zijn NIET bevestigd door een geldige handtekening.",
  learner: "Lerende",
  achievement: "Prestatie",
  issuer: "Uitgever",
  level: "Niveau",
  ects: "ECTS-studiepunten",
  studyLoad: "Studiebelasting (uren)",
  outcomes: "Leeruitkomsten",
  criteria: "Criteria",
  issuerPages: "Weergave van de uitgever",
  page: "Pagina {n}",
  validFrom: "Geldig vanaf",
  validUntil: "Geldig tot",
  checks: "Controles",
  "o.pass": "in orde",
  "o.fail": "MISLUKT",
  "o.skip": "niet van toepassing",
  "o.error": "kon niet controleren",
  dropTitle: "Een certificaatbestand controleren",
  dropHint: "Sleep een .json- of .jwt-bestand hierheen, kies er een, of plak de tekst.",
  choose: "Bestand kiezen",
  paste: "Certificaattekst plakken",
  verifyPasted: "Geplakte tekst controleren",
  insecure: "Open deze pagina via https:// om handtekeningen te kunnen controleren.",
  privacy: "Gecontroleerd in deze browser met de meegeleverde woordenlijsten; sleutels uit did:key. Statuslijsten en did:web-sleutels worden niet opgehaald.",
  "c.format": "Formaat",
  "c.schema": "Structuur",
  "c.contexts": "Bekende woordenlijst",
  "c.proof": "Handtekening",
  "c.issuer-binding": "Ondertekend door de uitgever",
  "c.jwt-claims": "Token klopt met het certificaat",
  "c.not-before": "Al geldig",
  "c.not-expired": "Niet verlopen",
  "c.status": "Niet ingetrokken",
  "c.holder-binding": "Ondertekend door de houder",
  "c.challenge": "Uitdaging",
  "c.domain": "Domein",
  "c.credentials": "Certificaten erin",
  "c.seal-signature": "Handtekening van het e-zegel",
  presentationBy: "Presentatie van",
  holderUnknown: "(geen houder genoemd)",
  "vp.count": "{n} certifica(a)t(en) erin",
  "vp.bound": "Ondertekend voor: {what}. Deze pagina weet niet waar u de houder om vroeg; vergelijk dat zelf.",
  "vp.checks": "Controles van de presentatie",
  "vp.credential": "Certificaat {i} van {n}",
  "e.vp.valid": "De houder heeft deze presentatie ondertekend en ze is sindsdien niet veranderd; elk certificaat erin is echt en geldig (zie hieronder).",
  "e.vp.invalid": "Minstens één controle van de presentatie of van een certificaat erin is mislukt (zie hieronder). Vertrouw de getoonde gegevens niet.",
  "e.vp.indeterminate": "Geen controle is mislukt, maar iets wat nodig is kon vanaf deze pagina niet worden gecontroleerd (zie hieronder). Dit betekent niet dat er iets vervalst is.",
  "c.other": "Andere controle",
};

export function t(lang: Lang, key: Key): string {
  return (lang === "nl" ? nl : en)[key];
}

/** A text with {name} placeholders filled in (values are plain text, rendered with textContent). */
export function tf(lang: Lang, key: Key, values: Record<string, string | number>): string {
  return t(lang, key).replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

export function checkLabel(lang: Lang, id: string): string {
  const k = `c.${id}` as Key;
  return k in en ? t(lang, k) : t(lang, "c.other");
}

export type { Key };

/** Both tables (for the test that their check labels are the core's check ids). */
export const messages = { en, nl };
