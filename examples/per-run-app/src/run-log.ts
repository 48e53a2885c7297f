/**
 * One RunLog Durable Object per run (named by the run id): it keeps the run's code — so a workflow woken days later,
 * in a fresh isolate, loads exactly what was posted — and the run's log (deploys, wakes, the tenant's console
 * output through the streaming tail). Both in `ctx.storage`: they outlive the object's eviction and a restart.
 */
import { DurableObject } from "cloudflare:workers";

export interface Bundle {
  codeVersion: string;
  compatibilityDate: string;
  mainModule: string;
  modules: Record<string, string>;
}

export interface LogEntry {
  at: number;
  kind: "deploy" | "wake" | "log";
  message: string;
}

export class RunLog extends DurableObject {
  async deploy(bundle: Bundle): Promise<void> {
    await this.ctx.storage.put("code", bundle);
    await this.append([{ at: Date.now(), kind: "deploy", message: `code ${bundle.codeVersion} deployed` }]);
  }

  async code(): Promise<Bundle | undefined> {
    return this.ctx.storage.get<Bundle>("code");
  }

  /** One key per entry (time, then a random tie-break): concurrent appends never overwrite each other. */
  async append(entries: LogEntry[]): Promise<void> {
    for (const entry of entries)
      await this.ctx.storage.put(`log:${String(entry.at).padStart(15, "0")}:${crypto.randomUUID()}`, entry);
  }

  /** Drops the log (the code stays: an instance may still wake on it); answers how many entries went. */
  async forget(): Promise<number> {
    const keys = [...(await this.ctx.storage.list({ prefix: "log:" })).keys()];
    for (const key of keys) await this.ctx.storage.delete(key);
    return keys.length;
  }

  async entries(): Promise<LogEntry[]> {
    return [...(await this.ctx.storage.list<LogEntry>({ prefix: "log:" })).values()];
  }
}
