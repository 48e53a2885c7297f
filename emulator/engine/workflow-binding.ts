/**
 * The Workflow binding as worker code sees it (`env.WORKFLOWS`): `create`, `createBatch`, `get`, and instance
 * handles with `id`, `status`, `pause`, `resume`, `terminate`, `restart`, `sendEvent`.
 *
 * Like workerd's own binding shim (workflows-api.ts), it lives in the calling worker: arguments are taken from the
 * caller's realm and results are cloned back into it. In the production profile, `create` options are encoded as
 * JSON first, as production's shim does (so `params: undefined` disappears) [INFERRED from workerd's source].
 */
import { rebuildError } from "../runtime/rebuild-error.ts";
import { transfer } from "../runtime/transfer.ts";
import { Realm } from "../runtime/realm.ts";
import type { InstanceStatus, Workflow, WorkflowInstance } from "../workflow-types.ts";
import type { CreateOptions, RestartOptions, WorkflowEngine } from "./workflow-engine.ts";

export class WorkflowBinding implements Workflow {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly realm: Realm,
  ) {}

  create(options?: unknown): Promise<WorkflowInstanceHandle> {
    return this.call(() => {
      const encoded = this.encode(options ?? {}, "create");
      // JSON-encoded options are a fresh host copy already: the engine need not clone them again.
      const id = this.engine.create(encoded, this.engine.host.profile.createOptionsEncoding !== "structured-clone");
      return new WorkflowInstanceHandle(this.engine, this.realm, id);
    }, false);
  }

  createBatch(batch: unknown): Promise<WorkflowInstanceHandle[]> {
    return this.call(() => {
      if (!Array.isArray(batch)) throw new TypeError("createBatch expects an array of create options");
      const ids = this.engine.createBatch(batch.map((options) => this.encode(options ?? {}, "createBatch")));
      return ids.map((id) => new WorkflowInstanceHandle(this.engine, this.realm, id));
    }, false);
  }

  get(id: unknown): Promise<WorkflowInstanceHandle> {
    return this.call(() => {
      this.engine.assertExists(id);
      return new WorkflowInstanceHandle(this.engine, this.realm, id as string);
    }, false);
  }

  /** Options from the caller's realm to host form, the way the profile's binding serialises them. */
  private encode(options: unknown, method: string): CreateOptions {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new TypeError(`${method}() options must be an object like { id?, params? }`);
    }
    // A clear DataCloneError for values that can never be params (functions, symbols, class instances)...
    const cloned = this.engine.toStorage(options, `The options of ${method}()`, "none") as CreateOptions;
    if (this.engine.host.profile.createOptionsEncoding === "structured-clone") return cloned;
    // ...then production's JSON encoding: undefined disappears, Dates become strings, Maps become {}.
    return JSON.parse(JSON.stringify(cloned)) as CreateOptions;
  }

  private async call<T>(body: () => T, cloneResult: boolean): Promise<T> {
    try {
      const result = body();
      return (cloneResult ? transfer(result, Realm.host(), this.realm, "clone") : result) as T;
    } catch (error) {
      throw error instanceof Error ? rebuildError(error, this.realm) : error;
    }
  }
}

export class WorkflowInstanceHandle implements WorkflowInstance {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly realm: Realm,
    readonly id: string,
  ) {}

  status(): Promise<InstanceStatus> {
    return this.call(() => this.engine.status(this.id)) as Promise<InstanceStatus>;
  }

  pause(): Promise<void> {
    return this.call(() => this.engine.pause(this.id)) as Promise<void>;
  }

  resume(): Promise<void> {
    return this.call(() => this.engine.resume(this.id)) as Promise<void>;
  }

  /** WF-82; `{ rollback: true }` runs the registered rollbacks first (WF-43). */
  terminate(options?: { rollback?: boolean }): Promise<void> {
    const given = options ? (transfer(options, this.realm, Realm.host(), "clone") as { rollback?: boolean }) : {};
    return this.call(() => this.engine.terminate(this.id, given)) as Promise<void>;
  }

  restart(options?: RestartOptions): Promise<void> {
    return this.call(() =>
      this.engine.restart(
        this.id,
        options ? (transfer(options, this.realm, Realm.host(), "clone") as RestartOptions) : {},
      ),
    ) as Promise<void>;
  }

  sendEvent(event: { type: string; payload?: unknown }): Promise<void> {
    return this.call(() => this.engine.sendEvent(this.id, event ?? {})) as Promise<void>;
  }

  private async call(body: () => unknown): Promise<unknown> {
    try {
      return transfer(body(), Realm.host(), this.realm, "clone");
    } catch (error) {
      throw error instanceof Error ? rebuildError(error, this.realm) : error;
    }
  }
}
