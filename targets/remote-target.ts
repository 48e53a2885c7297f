/**
 * A real deployment over HTTP: the dispatcher in fixtures/remote-dispatcher (the reference dispatcher plus an
 * authenticated harness control API), reached at `url` with `authorization: Bearer <token>`.
 *
 * Every request goes to `/__harness/tenants/<tenant>/workflows/...`, which the deployed dispatcher forwards to the
 * tenant's own control API with `x-tenant-id` — the same path (dispatcher → tenant → wrapped binding → engine) as
 * on every other target, through TenantClient with a send function that rewrites the path.
 *
 * Tenant code is whatever the deployment serves through its `TENANTS` binding (fixtures/remote-dispatcher/
 * tenants-worker.ts serves the probe tenant for every tenant id). The registry `start()` receives is NOT sent
 * anywhere: a deployment must serve the probe tenant, and a case cannot swap a tenant's code.
 *
 * Only what HTTP allows: time is real (no virtual time), no crash or crash points, no eviction, no loader faults,
 * no trace, no host binding. Cases needing those are `unsupported`. `start()` boots nothing.
 *
 * For `dwc compare --target remote`: an optional time budget per started target (remote-budget.ts), the profile the
 * deployment shows (production, or local for a loopback stand-in), and a `dispose()` that also cleans up instances
 * whose create was answered only after the budget ran out.
 */
import { type Capabilities, NO_CAPABILITIES } from "../contract/capabilities.ts";
import { isTerminal, PRODUCTION, type Profile } from "../contract/emulator-surface.ts";
import type { RunningTarget, Target } from "../contract/target.ts";
import { isTargetUnusable, TargetUnusableError } from "../contract/target-unusable.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";
import { InstanceLedger } from "./instance-ledger.ts";
import { type BudgetOptions, RemoteBudget } from "./remote-budget.ts";
import { pollUntilSettled, sleep } from "./settle.ts";
import { TenantApiTarget } from "./tenant-api-target.ts";
import { createdId, createdIds, TenantClient } from "./tenant-client.ts";

const CAPABILITIES: Capabilities = NO_CAPABILITIES;

export interface RemoteTargetOptions {
  /** The deployed dispatcher's base URL, e.g. https://dwc-remote-dispatcher.example.workers.dev (--url, DWC_REMOTE_URL). */
  url?: string;
  /** The dispatcher's HARNESS_TOKEN secret (--token, DWC_REMOTE_TOKEN). */
  token?: string;
  /** Default `settle()` timeout. Default 60 s: a real engine schedules steps in its own time. */
  settleTimeoutMs?: number;
  /** How often `settle()` polls statuses. Default 250 ms. */
  pollMs?: number;
  /** Timeout of one HTTP request. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * The most one started target (one scenario) may spend on the deployment (remote-budget.ts). Default: none (a
   * case has its own budget, suites/run-case.ts).
   */
  budget?: BudgetOptions;
  /**
   * The profile the deployment shows. Default production; `local` for a stand-in that runs the local engine
   * (`wrangler dev`, miniflare), so a comparison holds the emulator to the same rules.
   */
  profile?: Profile;
  /** Hears what each `dispose()` found and cleaned up on the deployment (instances a run left live, terminated). */
  onCleanup?: (cleanup: RemoteCleanup) => void;
}

export interface RemoteCleanup {
  /** Instances the started target created (or whose create was still on its way), each checked at dispose. */
  checked: number;
  /** One line per instance that was still live: terminated, or why it could not be. */
  notes: string[];
}

/** The harness token was refused: a configuration error, not a case failure. */
export class RemoteAuthError extends TargetUnusableError {
  override readonly name = "RemoteAuthError";
}

export class RemoteTarget implements Target {
  readonly name = "remote";
  readonly profile: Profile;
  readonly capabilities = CAPABILITIES;
  readonly url: URL;
  readonly endpoint: string;
  private readonly token: string;
  private readonly options: RunningOptions;

  constructor(options: RemoteTargetOptions = {}) {
    if (!options.url) {
      throw new Error(
        "remote target: no dispatcher URL. Pass --url <https://your-dispatcher.workers.dev> (or set DWC_REMOTE_URL).",
      );
    }
    if (!options.token) {
      throw new Error(
        "remote target: no harness token. Pass --token <HARNESS_TOKEN> (or set DWC_REMOTE_TOKEN); it is the dispatcher's HARNESS_TOKEN secret.",
      );
    }
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(
        `remote target: --url "${options.url}" is not a URL (expected e.g. https://your-dispatcher.workers.dev).`,
      );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error(`remote target: --url "${options.url}" must be http(s).`);
    }
    this.url = url;
    this.endpoint = url.toString();
    this.token = options.token;
    this.profile = options.profile ?? PRODUCTION;
    this.options = {
      settleTimeoutMs: options.settleTimeoutMs ?? 60_000,
      pollMs: options.pollMs ?? 250,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      budget: options.budget,
      onCleanup: options.onCleanup ?? (() => {}),
    };
  }

  /** Returns a client for the deployment; boots nothing. `tenants` is unused: the deployment serves the code. */
  async start(tenants: TenantRegistry): Promise<RunningTarget> {
    return new RunningRemote(this, tenants, this.harnessUrl.bind(this), this.token, this.options);
  }

  /** Checks the URL and token once (`GET /__harness/ping`); throws RemoteAuthError on a 401. */
  async preflight(): Promise<void> {
    const response = await harnessFetch(
      this.harnessUrl("/__harness/ping"),
      { method: "GET", headers: {} },
      this.token,
      this.options.requestTimeoutMs,
    );
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(
        `remote target: GET /__harness/ping answered HTTP ${response.status}: ${text.slice(0, 300)} — is the dispatcher wrapped with withHarnessApi (docs/remote.md)?`,
      );
  }

  private harnessUrl(path: string): string {
    // Keep a base path, if the dispatcher is mounted under one (https://host/base/ + __harness/...).
    const base = this.url.pathname.endsWith("/") ? this.url.pathname : `${this.url.pathname}/`;
    return new URL(`${base}${path.replace(/^\//, "")}`, this.url).toString();
  }
}

/** One request to the control API with the bearer token; maps refusals and network errors to clear messages. */
async function harnessFetch(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  token: string,
  timeoutMs: number,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { ...init.headers, authorization: `Bearer ${token}` },
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      `remote target: ${init.method} ${url} failed: ${(error as Error).message}${cause ? ` (${cause})` : ""}`,
    );
  }
  if (response.status === 401) {
    const detail = await response.text().catch(() => "");
    throw new RemoteAuthError(
      `the remote dispatcher refused the harness token (401): ${messageOf(detail)} — check --token / DWC_REMOTE_TOKEN against the worker's HARNESS_TOKEN secret`,
    );
  }
  if (response.status === 503) {
    const detail = await response
      .clone()
      .text()
      .catch(() => "");
    if (/HARNESS_TOKEN/.test(detail))
      throw new RemoteAuthError(`the remote dispatcher has no harness token (503): ${messageOf(detail)}`);
  }
  return response;
}

interface RunningOptions {
  settleTimeoutMs: number;
  pollMs: number;
  requestTimeoutMs: number;
  budget: BudgetOptions | undefined;
  onCleanup: (cleanup: RemoteCleanup) => void;
}

/** What `dispose()` may spend on one clean-up request, so a slow deployment cannot hold the run for long. */
const CLEANUP_REQUEST_MS = 10_000;

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body);
    return String(parsed?.error?.message ?? parsed?.error ?? body);
  } catch {
    return body.slice(0, 300);
  }
}

class RunningRemote extends TenantApiTarget implements RunningTarget {
  readonly name: string;
  readonly profile: Profile;
  readonly capabilities: Capabilities;
  readonly endpoint: string;
  protected readonly client: TenantClient;
  /** Instances created through this running target: `settle()` watches them, `dispose()` cleans them up. */
  private readonly ledger = new InstanceLedger();
  private disposed = false;
  /** Set while dispose() cleans up: clean-up requests run outside the budget. */
  private cleaning = false;
  private readonly budget: RemoteBudget | undefined;
  /** Requests sent and not answered yet: one may be creating an instance that dispose() must still clean up. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    target: RemoteTarget,
    /** Unused by the deployment: it serves its own tenant code (the probe tenant, for the suites). */
    readonly tenants: TenantRegistry,
    harnessUrl: (path: string) => string,
    token: string,
    private readonly options: RunningOptions,
  ) {
    super();
    this.name = target.name;
    this.profile = target.profile;
    this.capabilities = target.capabilities;
    this.endpoint = target.endpoint;
    this.budget = options.budget && new RemoteBudget(options.budget, target.endpoint);
    // TenantClient speaks the tenant-side API (`/workflows...` with x-tenant-id); rewrite each request to the
    // harness route `/__harness/tenants/<tenant>/workflows...`, which the dispatcher maps back.
    this.client = new TenantClient(
      async (request) => {
        if (this.disposed) throw new Error("remote target: used after dispose()");
        const tenant = request.headers.get("x-tenant-id");
        const { pathname, search } = new URL(request.url);
        if (!tenant) throw new Error("remote target: a request without a tenant");
        if (pathname !== "/workflows" && !pathname.startsWith("/workflows/")) {
          throw new Error(`remote target: the harness control API only carries /workflows paths, not ${pathname}`);
        }
        const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
        const what = `${request.method} ${pathname} for tenant "${tenant}"`;
        const budget = this.cleaning ? undefined : this.budget;
        budget?.check(what);
        const sent = harnessFetch(
          harnessUrl(`/__harness/tenants/${encodeURIComponent(tenant)}${pathname}${search}`),
          { method: request.method, headers: { "content-type": "application/json" }, body },
          token,
          this.cleaning ? Math.min(CLEANUP_REQUEST_MS, options.requestTimeoutMs) : options.requestTimeoutMs,
        );
        // A create answered after the budget ran out still made an instance: learn its id, to clean it up.
        const recorded = sent.then((response) => this.recordLateCreate(tenant, pathname, response)).catch(() => {});
        this.inFlight.add(recorded);
        recorded.finally(() => this.inFlight.delete(recorded));
        return budget ? budget.race(sent, what) : sent;
      },
      (id, tenant) => this.ledger.record(id, tenant),
    );
  }

  private async recordLateCreate(tenant: string, pathname: string, response: Response): Promise<void> {
    if (response.status !== 200 || (pathname !== "/workflows" && pathname !== "/workflows/batch")) return;
    const text = await response.clone().text();
    const parsed = { status: 200, body: JSON.parse(text) as unknown };
    for (const id of pathname === "/workflows" ? [createdId(parsed)] : createdIds(parsed))
      if (id !== undefined) this.ledger.record(id, tenant);
  }

  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.options.settleTimeoutMs;
    const budgetMs = this.budget?.remainingMs() ?? Number.POSITIVE_INFINITY;
    await pollUntilSettled(this.ledger, {
      timeoutMs: Math.min(timeoutMs, budgetMs),
      pollMs: this.options.pollMs,
      status: async (tenant, id) => (await this.status(tenant, id)).status,
      isFatal: isTargetUnusable,
    });
    if (this.budget && budgetMs < timeoutMs && this.budget.spent())
      throw this.budget.error("its instances had not settled (terminal or paused) when the budget ran out");
  }

  async advance(ms: number): Promise<void> {
    if (this.budget && ms > this.budget.remainingMs())
      throw this.budget.error(`the scenario waits ${ms} ms of real time, more than the budget has left`);
    await sleep(ms);
  }

  /**
   * Nothing to stop: the deployment keeps running. Best effort, it terminates the instances this target created
   * that are still live (a case may leave one waiting on an event), so a run leaves no work behind on the account.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.cleaning = true;
    // Requests still on their way (a budget ran out) may be creating instances: wait for their answers first.
    await Promise.allSettled([...this.inFlight]);
    const notes: string[] = [];
    const entries = this.ledger.entries();
    for (const { id, tenant } of entries) {
      try {
        const { status } = await this.status(tenant, id);
        if (isTerminal(status)) continue;
        const response = await this.control(tenant, id, "terminate");
        notes.push(
          response.status === 200
            ? `terminated ${tenant}'s instance ${id} (${status}), left live on the deployment`
            : `could not terminate ${tenant}'s instance ${id} (${status}): HTTP ${response.status}`,
        );
      } catch (error) {
        // best effort: the case's result does not depend on the clean-up, but the user should know what is left
        notes.push(`could not clean up ${tenant}'s instance ${id}: ${(error as Error).message}`);
      }
    }
    this.options.onCleanup({ checked: entries.length, notes });
    this.disposed = true;
  }
}
