// Pathway helpers for the views: what is missing said in the UI language,
// progress as a fraction, and the draft a form edits.
import { formatNumber, t } from "./i18n.svelte";
import type { Gap, Goal, PathwayDraft, PathwayView, Summary } from "./types";

/** A gap or overlap in the current language (the core sends its facts, not only English). */
export function gapText(g: Gap): string {
  switch (g.kind) {
    case "gone": return t("gap.gone", { id: g.id });
    case "ects":
    case "hours": return t(`gap.${g.kind}`, { more: formatNumber(g.more), have: formatNumber(g.have), target: formatNumber(g.target) });
    case "level-below": return t("gap.level-below", { title: g.title, level: g.level, min: g.min });
    case "level-unknown": return t("gap.level-unknown", { title: g.title, min: g.min });
    case "required-credential": return t("gap.required-credential", { name: g.name });
    case "required-outcome": return t("gap.required-outcome", { outcome: g.outcome });
    case "deadline-passed": return t("gap.deadline-passed", { deadline: g.deadline });
    case "not-counted": return t(g.invalid ? "gap.not-counted.invalid" : "gap.not-counted.unverified", { title: g.title });
    case "same-achievement": return t("gap.same-achievement", { a: g.a, b: g.b });
    case "shared-outcomes": return t("gap.shared-outcomes", { a: g.a, b: g.b, count: g.count });
    default: return (g as { text?: string }).text ?? "";
  }
}

/** Progress towards a target as 0..1 (capped), or null without a target. */
export function fraction(have: number, target: number | null): number | null {
  if (target === null || target <= 0) return null;
  return Math.min(1, Math.max(0, have / target));
}

export const emptyGoal = (): Goal => ({ ects: null, hours: null, minEqf: null, deadline: null, requiredCredentials: [], requiredOutcomes: [] });

export function draftOf(p?: PathwayView): PathwayDraft {
  return p ? { name: p.name, description: p.description, goal: { ...p.goal } } : { name: "", description: null, goal: emptyGoal() };
}

/** How many credentials a pathway offers to add at once (the rest: type more words). */
export const CANDIDATES = 100;

/** Found credentials that are not in the pathway yet, at most CANDIDATES of them. */
export function candidates(found: Summary[], p: PathwayView): Summary[] {
  const members = new Set(p.members);
  return found.filter((s) => !members.has(s.id)).slice(0, CANDIDATES);
}

/** The drag payload type for a credential dragged onto a pathway. */
export const DRAG_TYPE = "application/x-backpack-credential";
