/** What the trial detail shows beside its figures: its warnings once each, and its hardware class in words. */

/** A window's warnings, as the trial view gives them. */
export interface FlaggedWindow {
  phase: string;
  flags: readonly { kind: string; message: string }[];
}

/**
 * Each warning once, with the phases it touched in their order ("train, infer, evaluate"): the
 * same baseline caveat on every window read as three warnings where there is one.
 */
export function mergeFlags(windows: readonly FlaggedWindow[]): { kind: string; message: string; phases: string[] }[] {
  const out = new Map<string, { kind: string; message: string; phases: string[] }>();
  for (const w of windows) {
    for (const f of w.flags) {
      const key = `${f.kind}\u0000${f.message}`;
      const seen = out.get(key) ?? out.set(key, { kind: f.kind, message: f.message, phases: [] }).get(key)!;
      if (!seen.phases.includes(w.phase)) seen.phases.push(w.phase);
    }
  }
  return [...out.values()];
}

/**
 * The hardware class a trial ran on, in words where the study stores a label for it, and its id
 * (the id alone when there is no label, or only the placeholder for an unrecorded inventory).
 */
export function hardwareClassText(id: string, label: string | null | undefined): { text: string; id: string } {
  const readable = label && label !== 'inventory not recorded' ? label : null;
  return { text: readable ? `hardware class ${readable} (${id})` : `hardware class ${id}`, id };
}
