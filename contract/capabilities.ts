/**
 * What a target can do beyond the tenant-side API every target speaks. Each capability is a flag (so a report can
 * show it, and a case that needs a missing one is `unsupported`, not failed) and the methods it brings. A case that
 * declares `needs: ["crash"]` gets a target whose `crash()` is typed as present: no `t.crash!()`.
 */
import type { CrashFilter, CrashPoint, InstanceSnapshot, Traced } from "./emulator-surface.ts";

/** An action on one instance that the Workflows API offers (`instance.pause()`, ...). */
export type ControlAction = "pause" | "resume" | "terminate" | "restart" | "delete";

/**
 * The dispatcher's own Workflow binding, driven from the harness, not through a tenant: what the engine does with
 * an instance regardless of any dispatcher code. Rejects as the binding rejects (e.g. terminate of a terminal
 * instance, WF-82).
 */
export interface HostBinding {
  /** `WORKFLOWS.create({ params })` on the dispatcher's binding, bypassing the tenant's wrapped binding. */
  create(params: unknown): Promise<string>;
  sendEvent(id: string, type: string, payload?: unknown): Promise<void>;
  control(id: string, action: ControlAction): Promise<void>;
  /** The instance's status as the engine reports it (no tenant's binding in between, so no tenant scoping). */
  status(id: string): Promise<{ status: string; output?: unknown; error?: { name: string; message: string } | null }>;
}

/** The methods each capability brings. A capability without methods changes what the core methods can do. */
export interface CapabilityMethods {
  /** Time can be moved instantly (`advance` costs nothing; 30-day sleeps are testable). */
  virtualTime: Record<never, never>;
  /** The engine can be crashed and recovered; durable state is kept. */
  crash: { crash(): Promise<void> };
  /** Crashes can be armed at named points (before/after a step's commit, inside the loader, ...: emulator/faults.ts). */
  crashPoints: { crashAt(point: CrashPoint, filter?: CrashFilter): void };
  /** Dynamic-worker isolates can be evicted between requests. */
  evictIsolates: { evict(): Promise<void> };
  /** The Worker Loader can be made to fail: the next `times` tenant loads throw `message`. */
  loaderFaults: { failLoader(times: number, message: string): void };
  /** Structured trace events are observable. */
  trace: { trace(): readonly Traced[] };
  /** The dispatcher's Workflow binding can be driven from the harness (`host`). */
  hostBinding: { readonly host: HostBinding };
  /** Every instance of the dispatcher's Workflow binding can be listed with its durable state, in creation order. */
  introspection: { instances(): Promise<readonly InstanceSnapshot[]> };
}

export type Capability = keyof CapabilityMethods;

/** Which capabilities a target has. */
export type Capabilities = Readonly<Record<Capability, boolean>>;

export const CAPABILITY_NAMES: readonly Capability[] = [
  "virtualTime",
  "crash",
  "crashPoints",
  "evictIsolates",
  "loaderFaults",
  "trace",
  "hostBinding",
  "introspection",
];

/** None of them: a target that offers the tenant API only (a remote deployment; a test's fake target). */
export const NO_CAPABILITIES: Capabilities = {
  virtualTime: false,
  crash: false,
  crashPoints: false,
  evictIsolates: false,
  loaderFaults: false,
  trace: false,
  hostBinding: false,
  introspection: false,
};

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The methods that capabilities `N` bring, all present. `Provides<never>` adds nothing. */
export type Provides<N extends Capability> = [N] extends [never] ? unknown : UnionToIntersection<CapabilityMethods[N]>;

/** Every capability method, each possibly absent: what a target that has not been checked offers. */
export type MaybeProvides = Partial<UnionToIntersection<CapabilityMethods[Capability]>>;

export function missingCapabilities(
  target: { capabilities: Capabilities },
  needs: readonly Capability[] = [],
): Capability[] {
  return needs.filter((capability) => !target.capabilities[capability]);
}

/** Narrows a target to one that provides `needs` (checked by the flags the target declares). */
export function hasCapabilities<T extends { capabilities: Capabilities }, N extends Capability>(
  target: T,
  ...needs: N[]
): target is T & Provides<N> {
  return missingCapabilities(target, needs).length === 0;
}
