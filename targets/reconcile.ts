/**
 * After an engine restart the local engine wakes nothing (LE-07: it has no alarms), where production's alarms wake
 * every non-terminal instance. Targets that show the local engine stand in for the alarms: every instance that is
 * neither terminal nor paused is paused and resumed once, which restarts its `run()` (docs/targets.md). This is a
 * harness mechanic, not something the local engine does; the emulator's local profile and local workerd use the
 * same one so that they stay comparable.
 */
import type { ControlAction } from "../contract/capabilities.ts";
import { isSettled } from "./settle.ts";

export interface Live {
  id: string;
  status: string;
}

/** Pauses then resumes each instance that needs a wake, one instance after the other (order kept, as over HTTP). */
export async function wakeAfterRestart(
  instances: Iterable<Live>,
  control: (id: string, action: ControlAction) => Promise<unknown>,
): Promise<number> {
  let woken = 0;
  for (const { id, status } of instances) {
    if (isSettled(status)) continue;
    await control(id, "pause");
    await control(id, "resume");
    woken++;
  }
  return woken;
}
