/** The emulator as a target, in either profile. Every capability is available. */
import type { Capabilities, HostBinding } from "../contract/capabilities.ts";
import type { CrashFilter, CrashPoint, InstanceSnapshot, Profile, ProfileName } from "../contract/emulator-surface.ts";
import type { RunningTarget, Target } from "../contract/target.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import { Emulator, PROFILES, type EmulatorOptions } from "../emulator/index.ts";
import { hostBindingOver, type HostWorkflows } from "./host-binding.ts";
import { wakeAfterRestart } from "./reconcile.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { TenantClient } from "./tenant-client.ts";
import { emulatorTopology } from "./topology.ts";

const CAPABILITIES: Capabilities = {
  virtualTime: true,
  crash: true,
  crashPoints: true,
  evictIsolates: true,
  loaderFaults: true,
  trace: true,
  hostBinding: true,
  introspection: true,
};

export interface EmulatorTargetOptions {
  /** The dispatcher entry to run (bundled by the emulator). Default: the reference dispatcher. */
  dispatcherPath?: string;
  /** Default: the topology's (2026-01-01). */
  compatibilityDate?: string;
  /** The dispatcher's compatibility flags (the emulator gives them to the workflow engine too). Default: none. */
  compatibilityFlags?: readonly string[];
  /** Further emulator options (a seed, a replay bound): the fuzzer's. */
  emulator?: Partial<EmulatorOptions>;
}

export class EmulatorTarget implements Target {
  readonly name: string;
  readonly profile: Profile;
  readonly capabilities = CAPABILITIES;

  constructor(
    profile: ProfileName,
    private readonly options: EmulatorTargetOptions = {},
  ) {
    this.profile = PROFILES[profile];
    this.name = `emulator-${profile}`;
  }

  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    const { dispatcherPath, compatibilityDate, compatibilityFlags } = this.options;
    const emulator = new Emulator(
      emulatorTopology(tenants, {
        profile: this.profile.name,
        ...(dispatcherPath ? { scriptPath: dispatcherPath } : {}),
        ...(compatibilityDate ? { compatibilityDate } : {}),
        ...(compatibilityFlags ? { compatibilityFlags: [...compatibilityFlags] } : {}),
        ...this.options.emulator,
      }),
    );
    try {
      await emulator.ready;
    } catch (error) {
      await emulator.dispose();
      throw error;
    }
    return new RunningEmulator(this, emulator, tenants);
  }
}

class RunningEmulator extends TenantApiTarget implements RunningTarget {
  readonly name: string;
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  readonly host: HostBinding;
  protected readonly client: TenantClient;
  /** Crashes already answered with a wake (local profile): the trace counts every crash, armed ones included. */
  private crashesWoken = 0;

  constructor(
    target: EmulatorTarget,
    private readonly emulator: Emulator,
    readonly tenants: TenantRegistry,
  ) {
    super();
    this.name = target.name;
    this.profile = target.profile;
    this.capabilities = target.capabilities;
    this.client = new TenantClient((request) => emulator.dispatchFetch(request));
    this.host = hostBindingOver(async () => (await emulator.getBindings<{ WORKFLOWS: HostWorkflows }>()).WORKFLOWS);
  }

  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.emulator.runUntilIdle({ maxAdvanceMs: options.timeoutMs });
    if (await this.wakeAfterCrashes()) await this.emulator.runUntilIdle({ maxAdvanceMs: options.timeoutMs });
  }

  /**
   * The local engine wakes nothing after a crash (LE-07): like the workerd target, stand in for production's
   * alarms once per crash (targets/reconcile.ts). Production recovers by itself.
   */
  private async wakeAfterCrashes(): Promise<boolean> {
    if (this.profile.recoversAfterCrash) return false;
    const crashes = this.emulator.trace().filter((e) => e.type === "fault" && e.kind === "crash").length;
    if (crashes === this.crashesWoken) return false;
    this.crashesWoken = crashes;
    await wakeAfterRestart(this.emulator.instances(), this.host.control);
    return true;
  }

  async advance(ms: number): Promise<void> {
    await this.emulator.time.advance(ms);
  }
  async crash(): Promise<void> {
    this.emulator.crash();
    await this.wakeAfterCrashes();
  }
  crashAt(point: CrashPoint, filter?: CrashFilter): void {
    this.emulator.crash(point, filter);
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
  async instances(): Promise<readonly InstanceSnapshot[]> {
    return this.emulator.instances();
  }
  dispose(): Promise<void> {
    return this.emulator.dispose();
  }
}
