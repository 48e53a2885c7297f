/**
 * The Worker Loader's cache as the trace shows it (WL-03): `getCode` runs for a named id only when no isolate for it
 * is warm — the first time, after an eviction (explicit, capacity or idle), after a crash, or after a failed load.
 * A loader that calls `getCode` again for a warm id loads a fresh isolate on every request: module state never
 * survives, so every "reload after eviction" claim would be tested against a loader that always reloads.
 */
import type { Traced } from "../../contract/emulator-surface.ts";

export function loaderCache(trace: readonly Traced[]): string[] {
  const warm = new Set<string>();
  const out = new Set<string>();
  for (const e of trace) {
    if (e.type === "loader.getCode" && e.id !== "anonymous") {
      if (e.ok && warm.has(e.id))
        out.add(
          `loader: getCode ran again for the warm id "${e.id}" (no eviction, crash or failed load since its last load)`,
        );
      if (e.ok) warm.add(e.id);
      else warm.delete(e.id);
    } else if (e.type === "loader.evict") for (const id of e.ids) warm.delete(id);
    else if (e.type === "fault" && e.kind === "crash") warm.clear();
  }
  return [...out];
}
