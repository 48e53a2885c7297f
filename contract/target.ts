/**
 * The Target interface: what a conformance case, a scenario runner or a comparison may do to a running dispatcher,
 * whatever runs it (the emulator, local workerd through miniflare, a real deployment over HTTP). Read this file
 * first, then capabilities.ts.
 *
 * Cases are written once against `RunningTarget` and never ask which target they run on. Where production and the
 * local engine legitimately differ, they read the target's `profile` (the emulator's Profile: one field per
 * difference, docs/profiles.md), never its name.
 *
 * Everything the core methods do goes through the tenant-side control API of the probe tenant (fixtures/tenants),
 * i.e. through the dispatcher and the tenant's *wrapped* Workflow binding — the path real tenants take.
 */
import type { Capabilities, ControlAction, MaybeProvides } from "./capabilities.ts";
import type { Profile } from "./emulator-surface.ts";
import type { SubjectTraits } from "./subject.ts";
import type { TenantRegistry } from "./tenant-registry.ts";

/** An instance as the probe tenant's status endpoint shows it (`instance.status()`, through the tenant). */
export interface InstanceView {
  status: string;
  output?: unknown;
  error?: { name: string; message: string } | null;
  [key: string]: unknown;
}

export interface TargetResponse {
  status: number;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: unknown;
}

export interface RequestInit {
  method?: string;
  body?: unknown;
}

interface TargetDescription {
  /** Unique in a run: `emulator-production`, `emulator-local`, `workerd`, `remote`. */
  readonly name: string;
  /** Whose behaviour the target shows where production and the local engine differ. */
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  /** Where the target runs when that is not this process (a deployment's URL): shown in reports. */
  readonly endpoint?: string;
}

export interface RunningTargetCore extends TargetDescription {
  /** The tenants' code, served to the dispatcher; a case may change a tenant's code (a deploy). */
  readonly tenants: TenantRegistry;
  /** What the subject declares that changes what a case expects (the code-version policy on wake); absent =
   * `traitsOf()`'s defaults (latest code, owner key `tenantId`). */
  readonly subject?: SubjectTraits;

  /** A request to the tenant's worker through the dispatcher (addressed as the subject's adapter says). */
  request(tenant: string, path: string, init?: RequestInit): Promise<TargetResponse>;
  /** Creates an instance through the tenant's wrapped binding; throws with the response on failure. */
  create(tenant: string, params: unknown, id?: string): Promise<string>;
  status(tenant: string, id: string): Promise<InstanceView>;
  sendEvent(tenant: string, id: string, type: string, payload?: unknown): Promise<TargetResponse>;
  control(tenant: string, id: string, action: ControlAction): Promise<TargetResponse>;

  /**
   * Lets the target run until every instance is terminal or blocked on something other than a timer (an event,
   * a pause), or `timeoutMs` of the target's time passes. Virtual time jumps; real time polls (targets/settle.ts).
   */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** Lets `ms` of target time pass (virtual: instantly). */
  advance(ms: number): Promise<void>;

  dispose(): Promise<void>;
}

/** A started target: the core API, plus the methods of the capabilities it declares (capabilities.ts). */
export type RunningTarget = RunningTargetCore & MaybeProvides;

export interface Target extends TargetDescription {
  /** Starts the configured dispatcher with these tenants. */
  start(tenants: TenantRegistry): Promise<RunningTarget>;
  /**
   * A setup check before any case runs (a remote target: the URL answers and the token is accepted). Throws with a
   * message that says what to fix; absent when there is nothing to check.
   */
  preflight?(): Promise<void>;
}
