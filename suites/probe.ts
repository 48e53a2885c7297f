/** Plans for the probe tenant (fixtures/tenants/probe-tenant.js) and checks on what it returns. */
import assert from "node:assert/strict";
import type { InstanceView, RunningTarget, TargetResponse } from "../contract/target.ts";

export type Action =
  | {
      do: string;
      failTimes?: number;
      nonRetryable?: boolean;
      catch?: boolean;
      config?: unknown;
      /** WF-43: register a rollback handler that returns a marker (`"fail"`: one that throws). */
      rollback?: true | "fail";
      rollbackConfig?: unknown;
      /** With `rollback`: the handler also creates this instance id through its tenant's binding (a receipt). */
      receipt?: string;
      /** The step returns its marker as a ReadableStream, padded with `padBytes` spaces (WF-19). */
      stream?: { padBytes?: number; padChunkBytes?: number; invalid?: "text-chunk" | "object-chunk" | "locked" };
    }
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
  /** A streamed step's marker: the bytes the workflow read from the stream the step handed back. */
  streamBytes?: number;
}

export interface ProbeOutput {
  tenant: string;
  codeVersion: string;
  instanceId: string;
  markers: Marker[];
}

/** What the probe tenant's endpoints answer with (each endpoint fills some of these fields). */
export interface ProbeReply {
  id?: string;
  ids?: string[];
  status?: string;
  output?: unknown;
  error?: { name?: string; message?: string };
  /** GET /outbound: whether fetch() to the internet was refused. */
  blocked?: boolean;
  /** GET /state: the isolate's global, its label, and whose code answered. */
  global?: unknown;
  isolate?: string;
  tenant?: string;
}

/** A response body read as the probe's reply (`{}` when it is not a JSON object, e.g. a crashed worker's text). */
export function reply(response: TargetResponse): ProbeReply {
  const body = response.body;
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as ProbeReply) : {};
}

/** Short retries so real-time targets stay fast. */
export const QUICK_RETRIES = { retries: { limit: 3, delay: 50, backoff: "constant" } } as const;

export async function expectStatus(
  target: RunningTarget,
  tenant: string,
  id: string,
  status: string,
): Promise<InstanceView> {
  const view = await target.status(tenant, id);
  assert.equal(
    view.status,
    status,
    `instance ${id} of ${tenant}: expected status ${status}, got ${view.status} ${JSON.stringify(view.error ?? "")}`,
  );
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
    if (marker.isolate !== undefined)
      assert.ok(marker.isolate.startsWith(`${tenant}/`), `step "${marker.step}" ran in isolate ${marker.isolate}`);
  }
}

export function steps(output: ProbeOutput): string[] {
  return output.markers.map((m) => m.step);
}
