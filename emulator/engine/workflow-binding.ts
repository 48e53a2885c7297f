/**
 * The Workflow binding as worker code sees it (`env.WORKFLOWS`): `create`, `createBatch` (array form; the object form
 * in production), `deleteBatch`, `get`, and instance handles with `id`, `status`, `pause`, `resume`, `terminate`,
 * `restart`, `delete`, `sendEvent` and (production) `subscribe`.
 *
 * Like workerd's own binding shim (workflows-api.ts), it lives in the calling worker: arguments are taken from the
 * caller's realm and results are cloned back into it. In the production profile, `create` options are encoded as
 * JSON first, as production's shim does (so `params: undefined` disappears) [INFERRED from workerd's source].
 */
import { executionScope } from "../runtime/invoke.ts";
import { never } from "../runtime/never.ts";
import { rebuildError } from "../runtime/rebuild-error.ts";
import { transfer } from "../runtime/transfer.ts";
import { Realm } from "../runtime/realm.ts";
import type {
  InstanceStatus,
  Workflow,
  WorkflowBatchCreateOptions,
  WorkflowInstance,
  WorkflowInstanceCreateOptions,
  WorkflowInstanceEvent,
} from "../workflow-types.ts";
import type { BatchCreateError } from "./batch-create.ts";
import type { BatchDeleteResult } from "./instance-deletion.ts";
import type { InstanceSubscription, SubscribeOptions } from "./instance-events.ts";
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

  createBatch(batch: WorkflowInstanceCreateOptions[]): Promise<WorkflowInstanceHandle[]>;
  createBatch(options: WorkflowBatchCreateOptions): Promise<BatchCreated>;
  createBatch(batch: unknown): Promise<WorkflowInstanceHandle[] | BatchCreated> {
    if (!Array.isArray(batch)) return this.createBatchObject(batch);
    return this.call(() => {
      const ids = this.engine.createBatch(batch.map((options) => this.encode(options ?? {}, "createBatch")));
      return ids.map((id) => new WorkflowInstanceHandle(this.engine, this.realm, id));
    }, false);
  }

  /** WF-75: `{count | instances}` → `{created, errors}` in production; the local engine knows only arrays. */
  private createBatchObject(options: unknown): Promise<BatchCreated> {
    return this.call(() => {
      if (!this.engine.host.profile.createBatchObjectForm) {
        throw new TypeError(
          "createBatch expects an array of create options: the local engine has no object form (WF-75, §E.2)",
        );
      }
      const result = this.engine.createBatchObject(this.encode(options, "createBatch") as Record<string, unknown>);
      return {
        created: result.created.map((id) => new WorkflowInstanceHandle(this.engine, this.realm, id)),
        errors: transfer(result.errors, Realm.host(), this.realm, "clone") as BatchCreateError[],
      };
    }, false);
  }

  /** WF-77. A workflow that deletes its own instance stops at the await (its execution is gone). */
  deleteBatch(ids: unknown): Promise<BatchDeleteResult> {
    return this.call(() => {
      const result = this.engine.deleteBatch(transfer(ids, this.realm, Realm.host(), "clone"));
      return callerDied() ? never() : result;
    }, true) as Promise<BatchDeleteResult>;
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
      if (result instanceof Promise) return result; // never(): the caller's execution is gone
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

  /** WF-77: no rollbacks run; a workflow deleting its own instance stops at the await. */
  delete(): Promise<void> {
    return this.call(() => {
      this.engine.deleteInstance(this.id);
      return callerDied() ? never() : undefined;
    }) as Promise<void>;
  }

  /** WF-84, production only: the instance's events from `cursor` on, of the types in `filter`. */
  subscribe(options?: SubscribeOptions): Promise<SubscriptionHandle> {
    return this.call(() => {
      if (!this.engine.host.profile.supportsSubscribe) {
        throw new TypeError("instance.subscribe() is not implemented by the local engine (WF-84, §E.12)");
      }
      const host = options ? (transfer(options, this.realm, Realm.host(), "clone") as SubscribeOptions) : {};
      return new SubscriptionHandle(this.engine.subscribe(this.id, host), this.realm);
    }, false) as Promise<SubscriptionHandle>;
  }

  private async call(body: () => unknown, cloneResult = true): Promise<unknown> {
    try {
      const result = body();
      if (result instanceof Promise) return result; // never(): the caller's execution is gone
      return cloneResult ? transfer(result, Realm.host(), this.realm, "clone") : result;
    } catch (error) {
      throw error instanceof Error ? rebuildError(error, this.realm) : error;
    }
  }
}

/** `createBatch`'s object-form result (WF-75). */
export interface BatchCreated {
  created: WorkflowInstanceHandle[];
  errors: BatchCreateError[];
}

/** A `subscribe()` result as worker code holds it: `next()` and `[Symbol.dispose]()` (WF-84). */
export class SubscriptionHandle {
  constructor(
    private readonly subscription: InstanceSubscription,
    private readonly realm: Realm,
  ) {}

  async next(): Promise<IteratorResult<WorkflowInstanceEvent, void>> {
    const result = await this.subscription.next();
    return transfer(result, Realm.host(), this.realm, "clone") as IteratorResult<WorkflowInstanceEvent, void>;
  }

  [Symbol.dispose](): void {
    this.subscription.close();
  }
}

/** True when the code calling the binding runs in an execution that the call just ended (it deleted itself). */
function callerDied(): boolean {
  const scope = executionScope.getStore();
  return scope !== undefined && !scope.alive;
}
