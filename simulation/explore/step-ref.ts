/** A step as explore names it: `<kind> <name>#<occurrence>`, e.g. `do charge#1`, `waitForEvent approval#1`. */

export type StepKind = "do" | "sleep" | "waitForEvent";

export interface StepRef {
  kind: StepKind;
  name: string;
  /** 1-based: the occurrence of this kind and name among the instance's calls. */
  occurrence: number;
}

export function stepRef(ref: StepRef): string {
  return `${ref.kind} ${ref.name}#${ref.occurrence}`;
}

export function parseStepRef(text: string): StepRef | undefined {
  const match = /^(do|sleep|waitForEvent) (.*)#(\d+)$/s.exec(text);
  return match ? { kind: match[1] as StepKind, name: match[2], occurrence: Number(match[3]) } : undefined;
}

/** Numbers each call by its occurrence of (kind, name), as the engine keys steps. */
export function numberCalls(calls: readonly { kind: StepKind; name: string }[]): string[] {
  const seen = new Map<string, number>();
  return calls.map(({ kind, name }) => {
    const key = `${kind} ${name}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return stepRef({ kind, name, occurrence });
  });
}
