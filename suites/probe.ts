/** Plans for the probe tenant (fixtures/tenants/probe-tenant.js) and checks on what it returns. */
import assert from "node:assert/strict";
import type { RunningTarget, StatusView } from "../contract/target.ts";

export type Action =
  | { do: string; failTimes?: number; nonRetryable?: boolean; catch?: boolean; config?: unknown }
  | { sleep: string; duration: string | number }
  | { wait: string; type: string; timeout?: string | number; catch?: boolean };

export interface Marker {
  tenant: string;
  codeVersion?: string;
  isolate?: string;
  attempt?: number;
  step: string;
  caught?: { name: string; message: string };
  event?: string;
  payload?: unknown;
}

export interface ProbeOutput {
  tenant: string;
  codeVersion: string;
  instanceId: string;
  markers: Marker[];
}

/** Short retries so real-time targets stay fast. */
export const QUICK_RETRIES = { retries: { limit: 3, delay: 50, backoff: "constant" } } as const;

export async function expectStatus(target: RunningTarget, tenant: string, id: string, status: string): Promise<StatusView> {
  const view = await target.status(tenant, id);
  assert.equal(view.status, status, `instance ${id} of ${tenant}: expected status ${status}, got ${view.status} ${JSON.stringify(view.error ?? "")}`);
  return view;
}

export async function outputOf(target: RunningTarget, tenant: string, id: string): Promise<ProbeOutput> {
  const view = await expectStatus(target, tenant, id, "complete");
  return view.output as ProbeOutput;
}

/** The routing invariant: every marker of the output was produced by `tenant`'s own code. */
export function assertOwnTenant(output: ProbeOutput, tenant: string): void {
  assert.equal(output.tenant, tenant, `output came from tenant ${output.tenant}, expected ${tenant}`);
  for (const marker of output.markers) {
    assert.equal(marker.tenant, tenant, `step "${marker.step}" ran ${marker.tenant}'s code, expected ${tenant}'s`);
    if (marker.isolate !== undefined) assert.ok(marker.isolate.startsWith(`${tenant}/`), `step "${marker.step}" ran in isolate ${marker.isolate}`);
  }
}

export function steps(output: ProbeOutput): string[] {
  return output.markers.map((m) => m.step);
}
