/** The emulator as a conformance target, in either profile. Every capability is available. */
import { Emulator } from "../emulator/index.ts";
import type { ProfileName } from "../emulator/profiles.ts";
import { referenceEmulatorOptions } from "./topology.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import type { Capabilities, RunningTarget, Target } from "../contract/target.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { TenantClient } from "./tenant-client.ts";

const CAPABILITIES: Capabilities = {
  virtualTime: true,
  crash: true,
  crashPoints: true,
  evictIsolates: true,
  loaderFaults: true,
  trace: true,
  hostBinding: true,
};

export interface EmulatorTargetOptions {
  /** The dispatcher entry to run (bundled by the emulator). Default: the reference dispatcher. */
  dispatcherPath?: string;
  /** Default: the reference options' (2026-01-01). */
  compatibilityDate?: string;
}

export class EmulatorTarget implements Target {
  readonly name: string;
  readonly capabilities = CAPABILITIES;

  constructor(
    readonly behaviour: ProfileName,
    private readonly options: EmulatorTargetOptions = {},
  ) {
    this.name = `emulator-${behaviour}`;
  }

  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    const { dispatcherPath, compatibilityDate } = this.options;
    const emulator = new Emulator(
      referenceEmulatorOptions(tenants, {
        profile: this.behaviour,
        ...(dispatcherPath ? { scriptPath: dispatcherPath } : {}),
        ...(compatibilityDate ? { compatibilityDate } : {}),
      }),
    );
    await emulator.ready;
    return new RunningEmulator(this, emulator, tenants);
  }
}

class RunningEmulator extends TenantApiTarget implements RunningTarget {
  readonly name: string;
  readonly behaviour: ProfileName;
  readonly capabilities: Capabilities;
  protected readonly client: TenantClient;

  constructor(
    target: EmulatorTarget,
    readonly emulator: Emulator,
    readonly tenants: TenantRegistry,
  ) {
    super();
    this.name = target.name;
    this.behaviour = target.behaviour;
    this.capabilities = target.capabilities;
    this.client = new TenantClient((request) => emulator.dispatchFetch(request));
  }


  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.emulator.runUntilIdle({ maxAdvanceMs: options.timeoutMs });
    if (this.reconcileAfterCrashes()) await this.emulator.runUntilIdle({ maxAdvanceMs: options.timeoutMs });
  }

  private crashesSeen = 0;

  /**
   * The local engine wakes nothing after a crash (LE-07). Like the workerd target, stand in for production's
   * alarms by pausing and resuming every live instance once per crash (docs/targets.md).
   */
  private reconcileAfterCrashes(): boolean {
    const crashes = this.emulator.trace().filter((e) => e.type === "fault" && e.kind === "crash").length;
    if (this.behaviour !== "local" || crashes === this.crashesSeen) return false;
    this.crashesSeen = crashes;
    const engine = this.emulator.engine("WORKFLOWS");
    for (const id of engine.instanceIds()) {
      const { status } = engine.status(id);
      if (status === "complete" || status === "errored" || status === "terminated" || status === "paused") continue;
      engine.pause(id);
      engine.resume(id);
    }
    return true;
  }
  async advance(ms: number): Promise<void> {
    await this.emulator.time.advance(ms);
  }
  async crash(): Promise<void> {
    this.emulator.crash();
    this.reconcileAfterCrashes();
  }
  crashAt(point: string, filter?: { instance?: string; step?: string }): void {
    this.emulator.crash(point as Parameters<Emulator["crash"]>[0], filter);
  }
  async evict(): Promise<void> {
    this.emulator.evict();
  }
  failLoader(times: number, message: string): void {
    this.emulator.failLoader(times, message);
  }
  trace() {
    return this.emulator.trace();
  }
  async createUnwrapped(params: unknown): Promise<string> {
    const { WORKFLOWS } = await this.emulator.getBindings<{ WORKFLOWS: { create(o: unknown): Promise<{ id: string }> } }>();
    return (await WORKFLOWS.create({ params })).id;
  }
  dispose(): Promise<void> {
    return this.emulator.dispose();
  }
}
