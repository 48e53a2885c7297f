/**
 * How an introspector waits on the emulator. Under the vitest plugin a wait lets real time pass; here time is
 * virtual, so a wait runs the emulator (`runUntil`: sleeps, retry delays and starts happen, time jumps to them) and
 * checks after every quiet moment. When nothing in the emulator can move any more — the instance waits for an event
 * with no mock, is paused, or does not exist yet — the wait gives the test a few turns of the event loop to act (a
 * `sendEvent` it makes right after starting the wait), then fails with what the instance is blocked on, instead of
 * hanging until the test's timeout. Event-wait timeouts are not fired by a wait: that is `forceEventTimeout`,
 * `advance(ms)` or `runUntilIdle({ fireTimeouts: true })`, so a test says which outcome it means.
 */
import type { Emulator } from "../emulator.ts";
import { EmulatorUsageError } from "../lib/errors.ts";

/** Turns of the host event loop an idle wait leaves the test before it fails (no time is measured). */
const IDLE_TURNS = 20;

/** A check's answer: done with a value, failed for good, or not yet (undefined). */
export type Verdict<T> = { value: T } | { error: Error } | undefined;

export async function waitFor<T>(emulator: Emulator, check: () => Verdict<T>, explainIdle: () => string): Promise<T> {
  for (let idleTurns = 0; ; idleTurns++) {
    let verdict: Verdict<T>;
    await emulator.runUntil(() => {
      verdict = check();
      return verdict !== undefined;
    });
    verdict ??= check();
    if (verdict !== undefined) {
      if ("error" in verdict) throw verdict.error;
      return verdict.value;
    }
    if (idleTurns >= IDLE_TURNS) throw new EmulatorUsageError(`[WorkflowIntrospector] ${explainIdle()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
