/**
 * Settling a real-time target (local workerd, a deployment): nothing can be jumped, so it polls. The one behaviour
 * every such target shares:
 *
 * - it watches the instances in the target's ledger; one that is terminal or paused is settled and not asked again
 *   (a terminal status is final, and nothing the harness does not do un-pauses an instance);
 * - a status request that fails counts as "not settled yet" — except the errors `isFatal` names (a refused token),
 *   which end the wait at once by rethrowing;
 * - at the deadline it returns without an error: the caller's next assertion then fails with the status it sees,
 *   which says more than "settle timed out".
 */
import { isTerminal } from "../contract/emulator-surface.ts";
import type { InstanceLedger } from "./instance-ledger.ts";

export interface PollOptions {
  timeoutMs: number;
  pollMs: number;
  /** The instance's current status through the tenant (throws when it cannot be read). */
  status(tenant: string, id: string): Promise<string>;
  /** Errors that are not "try again": rethrown at once. Default: none. */
  isFatal?(error: unknown): boolean;
}

export function isSettled(status: string): boolean {
  return isTerminal(status) || status === "paused";
}

export async function pollUntilSettled(ledger: InstanceLedger, options: PollOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const pending = ledger.entries();
  while (Date.now() < deadline) {
    while (pending.length > 0) {
      const { id, tenant } = pending[0];
      let status: string;
      try {
        status = await options.status(tenant, id);
      } catch (error) {
        if (options.isFatal?.(error)) throw error;
        status = "unknown";
      }
      if (!isSettled(status)) break;
      pending.shift();
    }
    if (pending.length === 0) return;
    await sleep(options.pollMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
