/**
 * One `run()` lifetime of an instance, from its start to its end: the livelock valve, `run()` called through the
 * dispatcher with the `step` object, the rollback chain when it failed with rollbacks registered (WF-43), and the
 * instance's end (complete or errored, WF-41's error shape). Separate from how a lifetime is admitted or woken
 * (instance-waking.ts) and how it stops to wait (hibernation.ts). Every await of a lifetime is here, in
 * `startExecution` and `rollBack`, as it was in the engine.
 */
import { executionScope } from "../runtime/invoke.ts";
import { errorShape } from "./error-shape.ts";
import { Execution, PAUSE_ABORT_MESSAGE } from "./execution.ts";
import type { ErrorShape, InstanceRecord } from "./instance-record.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { pendingRollbacks } from "./rollback-chain.ts";
import { setStatus } from "./status-change.ts";
import { StepContext } from "./step-context.ts";

type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorShape };

export async function startExecution(engine: LifecycleEngine, record: InstanceRecord): Promise<void> {
  const { host } = engine;
  const exec = new Execution(record, ++record.generation);
  engine.memory.executions.set(record.id, exec);
  if (record.generation > host.maxLifetimes) {
    // Production would replay forever (and bill for it); the emulator stops and says why.
    finish(engine, exec, {
      ok: false,
      error: {
        name: "EmulatorLivelockError",
        message: `instance ${record.id} was replayed ${host.maxLifetimes} times without finishing: a replay livelock (are step names deterministic? does every replay make progress?). Raise the emulator option maxLifetimesPerInstance if this is expected.`,
      },
    });
    return;
  }
  setStatus(engine, record, "running");
  const metadata = envelopeMetadata(record.params);
  host.trace.record({
    type: "run.start",
    workflow: engine.name,
    instance: record.id,
    generation: exec.generation,
    metadata,
  });
  // WF-43 / LE-09: a rollback chain was under way when the last lifetime ended: this one replays run() only to
  // get the handlers back, then resumes the chain.
  if (record.rollback) exec.phase = "replay";
  const step = new StepContext(engine.ops, exec);
  const event = {
    payload: record.params,
    timestamp: new Date(record.createdAt),
    instanceId: record.id,
    workflowName: engine.name,
  };
  let outcome: Outcome;
  try {
    // Everything run() does, in every realm, is tagged with this execution (see invoke.ts executionScope).
    outcome = {
      ok: true,
      value: await executionScope.run(exec, () => host.runWorkflow(engine.className, event, step)),
    };
  } catch (error) {
    outcome = { ok: false, error: errorShape(error) };
  }
  if (!exec.alive) return;
  if (!outcome.ok && exec.pausedWhileRunning && outcome.error.message === PAUSE_ABORT_MESSAGE) {
    // Local engine (engine.ts `init`): a run() that ends with an abort reason changes no status. It stays paused;
    // resume() replays it. The lifetime is not killed: a step call its run() left behind (a parallel step) still
    // finishes its attempt and caches the result, as on workerd; resume, terminate, restart or a crash end it.
    engine.host.onQuiet();
    return;
  }
  if (record.rollback || (!outcome.ok && pendingRollbacks(record).length > 0)) {
    await rollBack(engine, exec, outcome);
    return;
  }
  if (outcome.ok) {
    try {
      outcome = { ok: true, value: engine.toStorage(outcome.value, "The Workflow output", "structured") };
    } catch (error) {
      outcome = { ok: false, error: errorShape(error) };
    }
  }
  finish(engine, exec, outcome);
}

/**
 * WF-43: the workflow failed with rollbacks registered (or a chain is to be resumed): the chain runs in this
 * lifetime, status `running`, then the instance ends as the chain's record says (errored with the workflow's error,
 * or terminated), whatever the chain's outcome.
 */
async function rollBack(
  engine: LifecycleEngine,
  exec: Execution,
  outcome: { ok: boolean; error?: ErrorShape },
): Promise<void> {
  const record = exec.record;
  const failure = outcome.error ?? { name: "Error", message: "" };
  if (!record.rollback) record.rollback = { trigger: failure, endsAs: "errored", instanceError: failure };
  const rollback = record.rollback;
  exec.phase = "rollback";
  const chain = await executionScope.run(exec, () => engine.rollbackChain.run(exec, rollback.trigger));
  if (!exec.alive) return;
  record.rollback = null;
  record.rollbackResult = chain.ok ? { outcome: "complete" } : { outcome: "failed", error: chain.error };
  if (rollback.endsAs === "errored") {
    finish(engine, exec, { ok: false, error: rollback.instanceError ?? rollback.trigger });
    return;
  }
  exec.kill();
  engine.memory.executions.delete(record.id);
  record.pauseRequested = false;
  setStatus(engine, record, "terminated");
  engine.host.onQuiet();
}

/** The instance ends with the lifetime: complete with its output, or errored. */
export function finish(engine: LifecycleEngine, exec: Execution, outcome: Outcome): void {
  const record = exec.record;
  exec.kill();
  engine.memory.executions.delete(record.id);
  engine.host.admission.slotFreed();
  record.pauseRequested = false;
  if (outcome.ok) {
    record.output = { value: outcome.value };
    engine.host.trace.record({
      type: "run.end",
      workflow: engine.name,
      instance: record.id,
      generation: exec.generation,
      ok: true,
    });
    setStatus(engine, record, "complete");
  } else {
    record.error = instanceError(engine, outcome.error);
    engine.host.trace.record({
      type: "run.end",
      workflow: engine.name,
      instance: record.id,
      generation: exec.generation,
      ok: false,
      error: `${record.error.name}: ${record.error.message}`,
    });
    setStatus(engine, record, "errored");
  }
  engine.host.onQuiet();
}

/** WF-41: an uncaught NonRetryableError keeps its message only with the compat flag. */
function instanceError(engine: LifecycleEngine, error: ErrorShape): ErrorShape {
  const nonRetryable = error.name === "NonRetryableError" || error.message.startsWith("NonRetryableError");
  if (!nonRetryable) return error;
  if (engine.host.preserveNonRetryableMessage) {
    return { name: "NonRetryableError", message: error.message.replace(/^NonRetryableError:\s*/, "") };
  }
  return {
    name: "WorkflowFatalError",
    message:
      "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled",
  };
}

/** The metadata the dispatcher will unwrap from the library's params envelope, for the trace. */
function envelopeMetadata(params: unknown): unknown {
  if (params !== null && typeof params === "object" && "__dispatcherMetadata" in params) {
    return (params as { __dispatcherMetadata: unknown }).__dispatcherMetadata;
  }
  return undefined;
}
