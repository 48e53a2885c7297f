/**
 * After a crash (the engine's memory dropped, instance-memory.ts): which instances start again, and when. Separate
 * because it is where the profiles differ most: production's alarms wake every live instance, the local engine
 * wakes none (LE-07), and the emulator's `restartDelayMs` moves the restart later in virtual time.
 */
import type { InstanceRecord } from "./instance-record.ts";
import { enterPaused } from "./instance-controls.ts";
import { scheduleStart, wake } from "./instance-waking.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { isTerminal } from "./status.ts";

/**
 * After a crash: production's alarms wake every live instance; the local engine wakes none (LE-07). Both turn an
 * instance that was waitingForPause into paused: the steps it waited for died with the crash (the local engine
 * does it when it restarts; left waitingForPause, the next touch would replay it as running, and it would hang).
 */
export function recover(engine: LifecycleEngine): void {
  for (const record of engine.store.all()) {
    if (isTerminal(record.status) || record.status === "paused") continue;
    if (record.pauseRequested) {
      enterPaused(engine, record);
      continue;
    }
    if (engine.host.profile.recoversAfterCrash) scheduleRestart(engine, record);
  }
}

/** After a crash: start again at once, or after the emulator's `restartDelayMs` of virtual time. */
function scheduleRestart(engine: LifecycleEngine, record: InstanceRecord): void {
  const delay = engine.host.restartDelayMs;
  if (delay <= 0) {
    scheduleStart(engine, record);
    return;
  }
  engine.memory.delayedRestarts.add(record.id);
  engine.memory.wakeTimers.set(
    record.id,
    engine.host.clock.at(engine.host.clock.now() + delay, () => wake(engine, record)),
  );
}
