/**
 * Local workerd (miniflare 4 from node_modules) as the benchmarks drive it: the harness's WorkerdTarget, so it runs
 * exactly what the conformance cases run. Completion is observed by polling each instance's status through the
 * dispatcher (the local engine has no list API and no completion callback), so a latency is accurate to one poll
 * round.
 */
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { WorkerdTarget } from "../../targets/workerd-target.ts";
import type { CreatedInstance } from "./emulator-harness.ts";
import type { Plan } from "./plans.ts";

/**
 * Each poll round asks about the oldest POLL_WINDOW pending instances only (they complete roughly in creation
 * order): polling all of them every round would take much of workerd's CPU and slow down what is measured.
 */
const POLL_WINDOW = 25;
const POLL_PAUSE_MS = 10;

export async function startWorkerd(tenantNames: readonly string[]): Promise<RunningTarget> {
  return new WorkerdTarget().start(TenantRegistry.probes(tenantNames));
}

/**
 * One run on a fresh workerd (its boot is not timed by `body`). Under load, miniflare's dispatchFetch now and then
 * fails with "fetch failed" (a dropped connection to workerd); such a run is retried once on a fresh workerd, and
 * `onRetry` hears why.
 */
export async function onFreshWorkerd<T>(
  tenantNames: readonly string[],
  body: (target: RunningTarget) => Promise<T>,
  onRetry: (error: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const target = await startWorkerd(tenantNames);
    try {
      return await body(target);
    } catch (error) {
      if (attempt >= 2) throw error;
      onRetry(error);
    } finally {
      await target.dispose();
    }
  }
}

/**
 * Creates `count` instances at once and polls them until every one is complete; returns each instance's
 * create→complete latency and the time from the first create to the last completion.
 */
export async function createAndAwaitAll(
  target: RunningTarget,
  count: number,
  plan: Plan,
  tenantOf: (i: number) => string,
  timeoutMs = 120_000,
): Promise<{ wallMs: number; latenciesMs: number[] }> {
  const pending = new Map<string, CreatedInstance>();
  const latenciesMs: number[] = [];
  let createsLeft = count;
  let failure: Error | null = null;
  const started = performance.now();
  const creates = Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const tenant = tenantOf(i);
      const sentAt = performance.now();
      try {
        const id = await target.create(tenant, { plan });
        pending.set(id, { id, tenant, sentAt });
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        failure ??= new Error(
          `workerd: create ${i} of ${count} failed: ${String(error)}${cause ? ` (cause: ${String(cause)})` : ""}`,
        );
      } finally {
        createsLeft--;
      }
    }),
  );
  let last = started;
  while ((createsLeft > 0 || pending.size > 0) && !failure) {
    if (performance.now() - started > timeoutMs)
      throw new Error(
        `workerd: ${pending.size + createsLeft} of ${count} instances not complete after ${timeoutMs} ms`,
      );
    const batch = [...pending.values()].sort((a, b) => a.sentAt - b.sentAt).slice(0, POLL_WINDOW);
    await Promise.all(
      batch.map(async (instance) => {
        const view = await target
          .status(instance.tenant, instance.id)
          .catch(() => ({ status: "unknown" }) as { status: string });
        if (view.status === "complete") {
          last = performance.now();
          latenciesMs.push(last - instance.sentAt);
          pending.delete(instance.id);
        } else if (view.status === "errored" || view.status === "terminated") {
          failure ??= new Error(`workerd: instance ${instance.id} ended ${view.status}: ${JSON.stringify(view)}`);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, POLL_PAUSE_MS));
  }
  await creates;
  if (failure) throw failure;
  return { wallMs: last - started, latenciesMs };
}
