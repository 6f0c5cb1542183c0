// The verifier page bases that answered in this session: the Share dialog
// checks a base once before the first share and does not ask again once it
// answered (one that did not is checked again the next time the dialog opens).
const answered = new Set<string>();

export function pageAnswered(base: string): boolean {
  return answered.has(base);
}

export function rememberPage(base: string): void {
  answered.add(base);
}

/** Forget every answer (tests). */
export function forgetPages(): void {
  answered.clear();
}
