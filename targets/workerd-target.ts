/**
 * Local workerd through miniflare 4's Node API (from node_modules): the real Workers runtime with the local
 * Workflows engine (workers-sdk `workflows-shared`) and the real Worker Loader. Time is real.
 *
 * Crash = dispose miniflare and start a new one on the same persistence directory. The local engine has no alarms
 * and never wakes an instance after a restart (LE-07), so after every restart this target wakes every instance it
 * created that is neither terminal nor paused (targets/reconcile.ts; docs/targets.md).
 *
 * Not available here: virtual time, crash points, isolate eviction (local workerd never evicts loader isolates),
 * loader fault injection, a trace, a list of instances.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { type Capabilities, type HostBinding, NO_CAPABILITIES } from "../contract/capabilities.ts";
import { LOCAL, type Profile } from "../contract/emulator-surface.ts";
import type { RunningTarget, Target } from "../contract/target.ts";
import { traitsOf, type SubjectDescription, type SubjectTraits } from "../contract/subject.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import { bundleForWorkerd } from "./bundle-for-workerd.ts";
import { InstanceLedger } from "./instance-ledger.ts";
import { hostBindingOver, type HostWorkflows } from "./host-binding.ts";
import { wakeAfterRestart } from "./reconcile.ts";
import { pollUntilSettled, sleep } from "./settle.ts";
import { assertClassesExported } from "./subject-exports.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { tenantAddress } from "./tenant-address.ts";
import { TenantClient } from "./tenant-client.ts";
import { TenantDeployer } from "./tenant-deploy.ts";
import { assertRunnable, miniflareTopology, referenceSubject, workflowBindingOf } from "./topology.ts";

const CAPABILITIES: Capabilities = { ...NO_CAPABILITIES, crash: true, hostBinding: true };

/** settle(): how long to wait by default, how often to ask. */
const SETTLE_TIMEOUT_MS = 15_000;
const POLL_MS = 20;

export interface WorkerdTargetOptions {
  /** The subject (wrangler file + adapter). Default: the reference subject with `dispatcherPath`. */
  subject?: SubjectDescription;
  /** The dispatcher entry to bundle and run, when no `subject` is given. Default: the reference dispatcher. */
  dispatcherPath?: string;
  /** Overrides the subject's. */
  compatibilityDate?: string;
  /** The dispatcher's compatibility flags, also given to its workflow (as wrangler dev does). Default: none. */
  compatibilityFlags?: readonly string[];
}

export class WorkerdTarget implements Target {
  readonly name = "workerd";
  readonly profile: Profile = LOCAL;
  readonly capabilities = CAPABILITIES;

  constructor(private readonly options: WorkerdTargetOptions = {}) {}

  /** The subject this target runs, with the options' compatibility overrides. */
  get subject(): SubjectDescription {
    const subject = this.options.subject ?? referenceSubject(this.options.dispatcherPath);
    const { compatibilityDate, compatibilityFlags } = this.options;
    if (!compatibilityDate && !compatibilityFlags) return subject;
    const flags = compatibilityFlags ? [...compatibilityFlags] : subject.compatibilityFlags;
    return {
      ...subject,
      compatibilityDate: compatibilityDate ?? subject.compatibilityDate,
      compatibilityFlags: flags,
      workflows: subject.workflows.map((w) => ({
        ...w,
        compatibilityFlags: compatibilityFlags ? flags : w.compatibilityFlags,
      })),
    };
  }

  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    const subject = this.subject;
    assertRunnable(subject);
    await assertClassesExported(subject);
    const script = await bundleForWorkerd(subject.main);
    const persist = await mkdtemp(join(tmpdir(), "dwc-workerd-"));
    const running = new RunningWorkerd(this, script, persist, tenants, subject);
    try {
      await running.boot();
      await running.deployed();
    } catch (error) {
      await running.dispose();
      throw error;
    }
    return running;
  }
}

class RunningWorkerd extends TenantApiTarget implements RunningTarget {
  readonly name: string;
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  readonly host: HostBinding;
  private miniflare: Miniflare | null = null;
  private booted = false;
  protected readonly client: TenantClient;
  private readonly ledger = new InstanceLedger();
  readonly subject: SubjectTraits;
  private readonly deployer: TenantDeployer;

  constructor(
    target: WorkerdTarget,
    private readonly script: string,
    private readonly persistDir: string,
    readonly tenants: TenantRegistry,
    private readonly description: SubjectDescription,
  ) {
    super();
    this.name = target.name;
    this.profile = target.profile;
    this.capabilities = target.capabilities;
    this.subject = traitsOf(description.adapter);
    // miniflare has its own fetch classes: hand it a plain URL and init.
    const dispatch = async (request: Request) => {
      const response = await this.running().dispatchFetch(request.url, {
        method: request.method,
        headers: [...(request.headers as unknown as Iterable<[string, string]>)],
        body: request.method === "GET" ? undefined : await request.text(),
      });
      return new Response(await response.text(), { status: response.status });
    };
    this.deployer = new TenantDeployer(
      description.adapter,
      async (name) => ((await this.running().getBindings()) as Record<string, unknown>)[name],
      dispatch,
    );
    this.client = new TenantClient(dispatch, (id, tenant) => this.ledger.record(id, tenant), {
      address: tenantAddress(description.adapter.tenant),
      ready: () => this.deployer.flushed(),
    });
    const workflows = workflowBindingOf(description);
    this.host = hostBindingOver(
      async () => ((await this.running().getBindings()) as Record<string, HostWorkflows>)[workflows],
    );
  }

  /** Resolves when the tenants' first deploys are written; rejects with what to change when one fails. */
  deployed(): Promise<void> {
    return this.deployer.flushed();
  }

  private running(): Miniflare {
    if (!this.miniflare) throw new Error("workerd target is not running");
    return this.miniflare;
  }

  async boot(): Promise<void> {
    const first = this.miniflare === null && !this.booted;
    this.miniflare = new Miniflare({
      ...miniflareTopology(this.script, this.tenants, this.description, this.persistDir),
      workflowsPersist: this.persistDir,
    });
    await this.miniflare.ready;
    this.booted = true;
    // A restart keeps what was written (persisted): only the first boot deploys, then every later deploy follows.
    if (first) this.deployer.follow(this.tenants);
  }

  settle(options: { timeoutMs?: number } = {}): Promise<void> {
    return pollUntilSettled(this.ledger, {
      timeoutMs: options.timeoutMs ?? SETTLE_TIMEOUT_MS,
      pollMs: POLL_MS,
      status: async (tenant, id) => (await this.status(tenant, id)).status,
    });
  }

  advance(ms: number): Promise<void> {
    return sleep(ms);
  }

  /** Kill and restart workerd on the same state, then wake every live instance (targets/reconcile.ts). */
  async crash(): Promise<void> {
    await this.miniflare?.dispose();
    this.miniflare = null;
    await this.boot();
    const tenantOf = new Map(this.ledger.entries().map((e) => [e.id, e.tenant]));
    const live = [];
    for (const { id, tenant } of this.ledger.entries())
      live.push({ id, status: (await this.status(tenant, id)).status });
    await wakeAfterRestart(live, (id, action) => this.control(tenantOf.get(id)!, id, action));
  }

  async dispose(): Promise<void> {
    await this.miniflare?.dispose();
    this.miniflare = null;
    await rm(this.persistDir, { recursive: true, force: true });
  }
}
