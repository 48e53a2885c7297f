/**
 * Local workerd through miniflare 4's Node API (from node_modules): the real Workers runtime with the local
 * Workflows engine (workers-sdk `workflows-shared`) and the real Worker Loader. Time is real.
 *
 * Crash = dispose miniflare and start a new one on the same persistence directory. The local engine has no alarms
 * and never wakes an instance after a restart (LE-07), so after every restart this target reconciles: it pauses
 * and resumes every non-terminal instance it created. That stands in for production's alarms; it is not
 * something the local engine does by itself (docs/targets.md).
 *
 * Not available here: virtual time, crash points, isolate eviction (local workerd never evicts loader isolates),
 * loader fault injection, a trace.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { REFERENCE_DISPATCHER_PATH } from "./topology.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import type { Capabilities, RunningTarget, Target } from "../contract/target.ts";
import { bundleForWorkerd } from "./bundle-for-workerd.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { TenantClient } from "./tenant-client.ts";

const CAPABILITIES: Capabilities = {
  virtualTime: false,
  crash: true,
  crashPoints: false,
  evictIsolates: false,
  loaderFaults: false,
  trace: false,
  hostBinding: true,
};

const TERMINAL = new Set(["complete", "errored", "terminated"]);
const POLL_MS = 20;

export interface WorkerdTargetOptions {
  /** The dispatcher entry to bundle and run. Default: the reference dispatcher. */
  dispatcherPath?: string;
  /** Older name of `dispatcherPath`. */
  scriptPath?: string;
  compatibilityDate?: string;
}

export class WorkerdTarget implements Target {
  readonly name = "workerd";
  readonly behaviour = "local" as const;
  readonly capabilities = CAPABILITIES;

  constructor(private readonly options: WorkerdTargetOptions = {}) {}

  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    const script = await bundleForWorkerd(this.options.dispatcherPath ?? this.options.scriptPath ?? REFERENCE_DISPATCHER_PATH);
    const persist = await mkdtemp(join(tmpdir(), "dwc-workerd-"));
    const running = new RunningWorkerd(this, script, persist, tenants, this.options.compatibilityDate ?? "2026-01-01");
    await running.boot();
    return running;
  }
}

class RunningWorkerd extends TenantApiTarget implements RunningTarget {
  readonly name: string;
  readonly behaviour = "local" as const;
  readonly capabilities: Capabilities;
  private miniflare: Miniflare | null = null;
  protected readonly client: TenantClient;
  /** Instances this target created, by id → tenant: the local engine has no list API. */
  private readonly instances = new Map<string, string>();

  constructor(
    target: WorkerdTarget,
    private readonly script: string,
    private readonly persistDir: string,
    readonly tenants: TenantRegistry,
    private readonly compatibilityDate: string,
  ) {
    super();
    this.name = target.name;
    this.capabilities = target.capabilities;
    this.client = new TenantClient(async (request) => {
      if (!this.miniflare) throw new Error("workerd target is not running");
      // miniflare has its own fetch classes: hand it a plain URL and init.
      const response = await this.miniflare.dispatchFetch(request.url, {
        method: request.method,
        headers: [...(request.headers as unknown as Iterable<[string, string]>)],
        body: request.method === "GET" ? undefined : await request.text(),
      });
      return new Response(await response.text(), { status: response.status });
    }, (id, tenant) => this.instances.set(id, tenant));
  }

  async boot(): Promise<void> {
    this.miniflare = new Miniflare({
      modules: [{ type: "ESModule", path: "dispatcher.js", contents: this.script }],
      compatibilityDate: this.compatibilityDate,
      workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
      workerLoaders: { LOADER: {} },
      serviceBindings: {
        TENANTS: async (request: { url: string }) => {
          const response = this.tenants.handle(new Request(request.url));
          return new Response(await response.text(), { status: response.status, headers: { "content-type": "application/json" } }) as never;
        },
      },
      workflowsPersist: this.persistDir,
    });
    await this.miniflare.ready;
  }


  /** Polls until every instance this target created is terminal or paused, or `timeoutMs` passes. */
  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      let busy = false;
      for (const [id, tenant] of this.instances) {
        const { status } = await this.status(tenant, id).catch(() => ({ status: "unknown" }));
        if (!TERMINAL.has(status) && status !== "paused") {
          busy = true;
          break;
        }
      }
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async advance(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Kill and restart workerd on the same state, then reconcile (pause + resume) every live instance. */
  async crash(): Promise<void> {
    await this.miniflare?.dispose();
    this.miniflare = null;
    await this.boot();
    for (const [id, tenant] of this.instances) {
      const { status } = await this.status(tenant, id);
      if (TERMINAL.has(status) || status === "paused") continue;
      await this.control(tenant, id, "pause");
      await this.control(tenant, id, "resume");
    }
  }

  async createUnwrapped(params: unknown): Promise<string> {
    const { WORKFLOWS } = (await this.miniflare!.getBindings()) as { WORKFLOWS: { create(o: unknown): Promise<{ id: string }> } };
    return (await WORKFLOWS.create({ params })).id;
  }

  async dispose(): Promise<void> {
    await this.miniflare?.dispose();
    this.miniflare = null;
    await rm(this.persistDir, { recursive: true, force: true });
  }
}
