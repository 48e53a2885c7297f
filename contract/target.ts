/**
 * The Target interface: what a conformance case may do to a running dispatcher, whatever runs it (the emulator,
 * local workerd through miniflare, a real deployment over HTTP). Read this file first.
 *
 * Cases are written once against `RunningTarget` and never ask which target they run on. A case declares the
 * capabilities it needs; on a target without one it is reported `unsupported`, not passed or failed.
 *
 * Everything a case does goes through the tenant-side control API of the probe tenant (fixtures/tenants), i.e.
 * through the dispatcher and the tenant's *wrapped* Workflow binding — the path real tenants take.
 */
import type { Traced } from "../emulator/index.ts";
import type { TenantRegistry } from "./tenant-registry.ts";

export interface Capabilities {
  /** Time can be moved instantly (`advance` costs nothing; 30-day sleeps are testable). */
  virtualTime: boolean;
  /** The engine can be crashed and recovered (`crash()`). */
  crash: boolean;
  /** Crashes can be placed at named points (before/after a step's commit, inside the loader...). */
  crashPoints: boolean;
  /** Dynamic-worker isolates can be evicted between requests (`evict()`). */
  evictIsolates: boolean;
  /** The Worker Loader can be made to fail (`failLoader()`). */
  loaderFaults: boolean;
  /** Structured trace events are observable (`trace()`). */
  trace: boolean;
  /** Instances can be created from the host, bypassing the tenant's wrapped binding (`createUnwrapped()`). */
  hostBinding: boolean;
}

export type Capability = keyof Capabilities;

/** Whose behaviour the target shows where production and the local engine differ (docs/profiles.md). */
export type Behaviour = "production" | "local";

export interface StatusView {
  status: string;
  output?: unknown;
  error?: { name: string; message: string } | null;
  [key: string]: unknown;
}

export interface TargetResponse {
  status: number;
  body: any;
}

export interface RunningTarget {
  readonly name: string;
  readonly behaviour: Behaviour;
  readonly capabilities: Capabilities;
  /** The tenants' code, served to the dispatcher; a case may change a tenant's code (a deploy). */
  readonly tenants: TenantRegistry;

  /** A request to the tenant's worker through the dispatcher (`x-tenant-id`). */
  request(tenant: string, path: string, init?: { method?: string; body?: unknown }): Promise<TargetResponse>;
  /** Creates an instance through the tenant's wrapped binding; throws with the response on failure. */
  create(tenant: string, params: unknown, id?: string): Promise<string>;
  status(tenant: string, id: string): Promise<StatusView>;
  sendEvent(tenant: string, id: string, type: string, payload?: unknown): Promise<TargetResponse>;
  control(tenant: string, id: string, action: "pause" | "resume" | "terminate" | "restart"): Promise<TargetResponse>;

  /**
   * Lets the target run until every instance is terminal or blocked on something other than a timer (an event,
   * a pause), or `timeoutMs` of the target's time passes. Virtual time jumps; real time waits and polls.
   */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** Lets `ms` of target time pass (virtual: instantly). */
  advance(ms: number): Promise<void>;

  /** Capability `crash`: crash the engine and recover; durable state is kept. */
  crash?(): Promise<void>;
  /** Capability `crashPoints`: arm a crash at a named point (see emulator/faults.ts). */
  crashAt?(point: string, filter?: { instance?: string; step?: string }): void;
  /** Capability `evictIsolates`: drop the tenants' isolates. */
  evict?(): Promise<void>;
  /** Capability `loaderFaults`: the next `times` tenant loads fail. */
  failLoader?(times: number, message: string): void;
  /** Capability `trace`. */
  trace?(): readonly Traced[];
  /** Capability `hostBinding`: create an instance directly on the dispatcher's Workflow binding. */
  createUnwrapped?(params: unknown): Promise<string>;

  dispose(): Promise<void>;
}

export interface Target {
  readonly name: string;
  readonly behaviour: Behaviour;
  readonly capabilities: Capabilities;
  /** Starts the reference dispatcher (or the configured one) with these tenants. */
  start(tenants: TenantRegistry): Promise<RunningTarget>;
}

export function missingCapabilities(target: { capabilities: Capabilities }, needs: readonly Capability[] = []): Capability[] {
  return needs.filter((capability) => !target.capabilities[capability]);
}
