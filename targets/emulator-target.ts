/** The emulator as a target, in either profile. Every capability is available. */
import type { Capabilities, HostBinding } from "../contract/capabilities.ts";
import type {
  CrashFilter,
  CrashPoint,
  InstanceSnapshot,
  Profile,
  ProfileName,
  Traced,
} from "../contract/emulator-surface.ts";
import type { RunningTarget, Target } from "../contract/target.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import { traitsOf, type SubjectDescription, type SubjectTraits } from "../contract/subject.ts";
import { Emulator, PROFILES, type EmulatorOptions } from "../emulator/index.ts";
import { hostBindingOver, type HostWorkflows } from "./host-binding.ts";
import { wakeAfterRestart } from "./reconcile.ts";
import { SubjectError, shownFile } from "./subject-error.ts";
import { assertClassesExported } from "./subject-exports.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { tenantAddress } from "./tenant-address.ts";
import { TenantClient } from "./tenant-client.ts";
import { TenantDeployer } from "./tenant-deploy.ts";
import {
  assertRunnable,
  emulatorTopology,
  referenceSubject,
  STORAGE_OPTION_FIELDS,
  workflowBindingOf,
} from "./topology.ts";

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
  /** The subject (wrangler file + adapter). Default: the reference subject with `dispatcherPath`. */
  subject?: SubjectDescription;
  /** The dispatcher entry to run (bundled by the emulator), when no `subject` is given. Default: the reference. */
  dispatcherPath?: string;
  /** Default: the topology's (2026-01-01). */
  compatibilityDate?: string;
  /** The dispatcher's compatibility flags (the emulator gives them to the workflow engine too). Default: none. */
  compatibilityFlags?: readonly string[];
  /** Further emulator options (a seed, a replay bound): the fuzzer's. */
  emulator?: Partial<EmulatorOptions>;
}

/**
 * What `dwc explore` needs beyond the capabilities: every trace event as it happens, to place a fault at an exact
 * point of a run (simulation/explore/fault-injector.ts). Only the emulator has it.
 */
export interface TraceFeed {
  onTrace(listener: (event: Traced) => void): () => void;
}

export function hasTraceFeed(target: object): target is TraceFeed {
  return typeof (target as Partial<TraceFeed>).onTrace === "function";
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

  /** The subject this target runs: the given description, or the reference dispatcher's. */
  get subject(): SubjectDescription {
    return this.options.subject ?? referenceSubject(this.options.dispatcherPath);
  }

  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    const { compatibilityDate, compatibilityFlags } = this.options;
    const subject = this.subject;
    assertRunnable(subject);
    await assertClassesExported(subject);
    const emulator = constructEmulator(
      subject,
      emulatorTopology(
        tenants,
        {
          profile: this.profile.name,
          ...(compatibilityDate ? { compatibilityDate } : {}),
          ...(compatibilityFlags ? { compatibilityFlags: [...compatibilityFlags] } : {}),
          ...this.options.emulator,
        },
        subject,
      ),
    );
    const running = new RunningEmulator(this, emulator, tenants, subject);
    try {
      await emulator.ready;
      await running.deployed();
    } catch (error) {
      await emulator.dispose();
      throw error;
    }
    return running;
  }
}

/** A storage binding this emulator lacks is refused by its option name: say which binding, of which type. */
function constructEmulator(subject: SubjectDescription, options: EmulatorOptions): Emulator {
  try {
    return new Emulator(options);
  } catch (error) {
    const option = /Unknown emulator option "(\w+)"/.exec(error instanceof Error ? error.message : "")?.[1];
    const lacking = option ? STORAGE_OPTION_FIELDS[option] : undefined;
    if (!option || !lacking) throw error;
    const bindings = Object.keys((options as Record<string, Record<string, unknown>>)[option]).join(", ");
    throw new SubjectError(
      `${(subject.wranglerFile && shownFile(subject.wranglerFile)) ?? "the subject"}: ${lacking.field} (binding ${bindings}): the emulator has no ${lacking.type} binding`,
      `run this subject on workerd (--target workerd), or remove ${lacking.field} from the wrangler file the harness reads`,
    );
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

  readonly subject: SubjectTraits;
  private readonly deployer: TenantDeployer;
  /** The Workflow binding the harness drives (adapter.workflow): its instances are the ones cases read. */
  private readonly workflows: string;

  constructor(
    target: EmulatorTarget,
    private readonly emulator: Emulator,
    readonly tenants: TenantRegistry,
    description: SubjectDescription,
  ) {
    super();
    this.name = target.name;
    this.profile = target.profile;
    this.capabilities = target.capabilities;
    this.subject = traitsOf(description.adapter);
    this.deployer = new TenantDeployer(
      description.adapter,
      async (name) => (await emulator.getBindings<Record<string, unknown>>())[name],
      (request) => emulator.dispatchFetch(request),
    );
    this.deployer.follow(tenants);
    this.client = new TenantClient((request) => emulator.dispatchFetch(request), undefined, {
      address: tenantAddress(description.adapter.tenant),
      ready: () => this.deployer.flushed(),
    });
    const workflows = workflowBindingOf(description);
    this.workflows = workflows;
    this.host = hostBindingOver(async () => (await emulator.getBindings<Record<string, HostWorkflows>>())[workflows]);
  }

  /** Resolves when the tenants' first deploys are written; rejects with what to change when one fails. */
  deployed(): Promise<void> {
    return this.deployer.flushed();
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
    await wakeAfterRestart(this.emulator.instances(this.workflows), this.host.control);
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
  onTrace(listener: (event: Traced) => void): () => void {
    return this.emulator.onTrace(listener);
  }
  async instances(): Promise<readonly InstanceSnapshot[]> {
    return this.emulator.instances(this.workflows);
  }
  dispose(): Promise<void> {
    return this.emulator.dispose();
  }
}
