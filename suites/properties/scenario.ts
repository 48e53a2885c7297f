/**
 * A fuzz scenario: plain data, so fast-check can generate it, shrink it, and print it. Tenants create instances
 * through their wrapped bindings; time passes; events arrive; isolates are evicted; the engine crashes at named
 * points; instances are paused, resumed, terminated, restarted; the loader fails.
 */
import fc from "fast-check";
import { CRASH_POINTS, type CrashPoint } from "../../contract/emulator-surface.ts";

import { TENANTS, type TenantName } from "./scenario-tenants.ts";

export { TENANTS, type TenantName };

export type Backoff = "constant" | "linear" | "exponential";
export interface StepRetries {
  limit: number;
  delay: number;
  backoff: Backoff;
}

/** Retries of a step that names none (hand-written scenarios): 2 retries, 1 s apart. */
export const RETRIES: StepRetries = { limit: 2, delay: 1000, backoff: "constant" };

export type PlanAction =
  /**
   * `nonRetryable`: the planned failures throw NonRetryableError (the first one ends the step). `rollback` (WF-43):
   * the step registers a rollback handler; a plan whose last step has one and fails is not caught: the workflow
   * fails and its rollbacks run (`plannedFailure`).
   */
  | { do: string; failTimes: number; retries?: StepRetries; nonRetryable?: boolean; rollback?: boolean }
  | { sleep: string; duration: number }
  /** `timeout`: absent → EVENT_TIMEOUT_MS; "default" → none given, the engine's default (DEFAULT_EVENT_TIMEOUT_MS). */
  | { wait: string; type: EventType; timeout?: number | "default" };

export type DoAction = Extract<PlanAction, { do: string }>;
export type WaitAction = Extract<PlanAction, { wait: string }>;

export function retriesOf(action: DoAction): StepRetries {
  return action.retries ?? RETRIES;
}

/** The timeout a wait was given, or undefined for none (the engine's default applies). */
export function timeoutOf(action: WaitAction): number | undefined {
  return action.timeout === "default" ? undefined : (action.timeout ?? EVENT_TIMEOUT_MS);
}

export type EventType = "approve" | "ship";

export type Command =
  | { kind: "create"; tenant: TenantName; plan: PlanAction[]; batch: boolean }
  | { kind: "advance"; ms: number }
  /** `times` events of one type at once (default 1): several buffered before a wait show the delivery order. */
  | { kind: "event"; instance: number; type: EventType; times?: number }
  | { kind: "evict" }
  | { kind: "crash"; point: CrashPoint | "now" }
  | { kind: "pause" | "resume" | "terminate" | "restart"; instance: number }
  | { kind: "failLoader" };

export interface Scenario {
  commands: Command[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Few distinct durations, so wakes of different instances coincide (concurrent reloads are where routing breaks). */
const DURATIONS = [SECOND, MINUTE, HOUR, 30 * DAY];
export const EVENT_TIMEOUT_MS = HOUR;
/** WF-62: a wait given no timeout times out after 24 hours, in both engines (spec §A3). */
export const DEFAULT_EVENT_TIMEOUT_MS = 24 * HOUR;

/**
 * Generated steps retry 3 times (so linear and exponential backoff differ: 3·d against 4·d after the third failure)
 * with each backoff kind and a few base delays; a step failing 4 times is caught. A planned failure is sometimes a
 * NonRetryableError, which must end the step at once.
 */
const generatedRetries: fc.Arbitrary<StepRetries> = fc.record({
  limit: fc.constant(3),
  delay: fc.constantFrom(SECOND, 10 * SECOND, MINUTE),
  backoff: fc.constantFrom<Backoff>("constant", "linear", "exponential"),
});

const doAction: fc.Arbitrary<PlanAction> = fc
  .record({
    do: fc.constantFrom("a", "b", "c"),
    failTimes: fc.constantFrom(0, 0, 1, 2, 3, 3, 4),
    retries: generatedRetries,
    nonRetryable: fc.constantFrom(false, false, false, true),
  })
  .map((a) => (a.nonRetryable && a.failTimes > 0 ? a : { ...a, nonRetryable: false }))
  // WF-43: every "c" step registers a rollback. Derived, not drawn, so every seed still generates the same commands.
  .map((a) => (a.do === "c" ? { ...a, rollback: true } : a));

const planAction: fc.Arbitrary<PlanAction> = fc.oneof(
  { weight: 4, arbitrary: doAction },
  {
    weight: 2,
    arbitrary: fc.record({ sleep: fc.constantFrom("nap", "rest"), duration: fc.constantFrom(...DURATIONS) }),
  },
  {
    // Waits with an explicit timeout and without one (the engine's 24-hour default), of two types.
    weight: 2,
    arbitrary: fc.record({
      wait: fc.constantFrom("w"),
      type: fc.constantFrom<EventType>("approve", "ship"),
      timeout: fc.constantFrom<number | "default">(EVENT_TIMEOUT_MS, "default", MINUTE),
    }),
  },
);

/** Events: one, or a burst of one type (several buffered before a wait are what FIFO delivery is about). */
const eventCommand: fc.Arbitrary<Command> = fc.record({
  kind: fc.constant("event" as const),
  instance: fc.nat({ max: 7 }),
  type: fc.constantFrom<EventType>("approve", "ship"),
  times: fc.constantFrom(1, 1, 2, 3),
});

const instanceRef = fc.nat({ max: 7 });

export const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      tenant: fc.constantFrom(...TENANTS),
      plan: fc.array(planAction, { minLength: 1, maxLength: 4 }),
      batch: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(500, ...DURATIONS, 2 * HOUR) }),
  },
  { weight: 3, arbitrary: eventCommand },
  { weight: 2, arbitrary: fc.constant({ kind: "evict" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("crash" as const),
      point: fc.constantFrom<CrashPoint | "now">("now", ...CRASH_POINTS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom("pause" as const, "resume" as const, "terminate" as const, "restart" as const),
      instance: instanceRef,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "failLoader" as const }) },
);

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  commands: fc.array(command, { minLength: 1, maxLength: 14 }),
});

/** What a target can do to a scenario (a subset of contract/target.ts `Capabilities`). */
export interface ScenarioSupport {
  crash: boolean;
  crashPoints: boolean;
  evictIsolates: boolean;
  loaderFaults: boolean;
}

export interface ScenarioShape {
  /** At most this many commands. */
  maxCommands: number;
  /** At most this many of them creates (later creates are left out). Default: no limit. */
  maxCreates?: number;
  /** The first command is a create (a scenario without instances checks nothing). Default false. */
  startWithCreate?: boolean;
  /**
   * Only generate commands the target can do (same weights otherwise; without crash points a crash is "now").
   * Default: everything, as `command`.
   */
  support?: ScenarioSupport;
  /** Weight of crash commands among the supported ones (default 2, as in `command`; create is 5, advance 4). */
  crashWeight?: number;
}

/**
 * A smaller scenario, for targets where a scenario costs real time (local workerd). `scenario` above is unchanged
 * by this: it is the default for the emulator.
 */
export function scenarioOf(shape: ScenarioShape): fc.Arbitrary<Scenario> {
  const { maxCommands, maxCreates = Infinity, startWithCreate = false, support, crashWeight } = shape;
  const all = { crash: true, crashPoints: true, evictIsolates: true, loaderFaults: true };
  const commands = support || crashWeight !== undefined ? commandFor(support ?? all, crashWeight ?? 2) : command;
  const body = fc.array(commands, {
    minLength: startWithCreate ? 0 : 1,
    maxLength: Math.max(0, maxCommands - (startWithCreate ? 1 : 0)),
  });
  const lists = startWithCreate ? fc.tuple(createCommand, body).map(([first, rest]) => [first, ...rest]) : body;
  return lists.map((list) => {
    let creates = 0;
    return { commands: list.filter((c) => c.kind !== "create" || ++creates <= maxCreates) };
  });
}

const createCommand: fc.Arbitrary<Command> = fc.record({
  kind: fc.constant("create" as const),
  tenant: fc.constantFrom(...TENANTS),
  plan: fc.array(planAction, { minLength: 1, maxLength: 4 }),
  batch: fc.boolean(),
});

/** `command` restricted to what a target supports. */
function commandFor(support: ScenarioSupport, crashWeight: number): fc.Arbitrary<Command> {
  const entries: Array<{ weight: number; arbitrary: fc.Arbitrary<Command> }> = [
    { weight: 5, arbitrary: createCommand },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(500, ...DURATIONS, 2 * HOUR) }),
    },
    { weight: 3, arbitrary: eventCommand },
  ];
  if (support.evictIsolates) entries.push({ weight: 2, arbitrary: fc.constant({ kind: "evict" as const }) });
  if (support.crash || support.crashPoints) {
    const points: Array<CrashPoint | "now"> = [
      ...(support.crash ? ["now" as const] : []),
      ...(support.crashPoints ? CRASH_POINTS : []),
    ];
    entries.push({
      weight: crashWeight,
      arbitrary: fc.record({ kind: fc.constant("crash" as const), point: fc.constantFrom(...points) }),
    });
  }
  entries.push({
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom("pause" as const, "resume" as const, "terminate" as const, "restart" as const),
      instance: instanceRef,
    }),
  });
  if (support.loaderFaults) entries.push({ weight: 1, arbitrary: fc.constant({ kind: "failLoader" as const }) });
  return fc.oneof(...entries);
}

/** A scenario as numbered, readable steps (what a failure report shows). */
export function renderScenario(s: Scenario): string {
  return s.commands.map((c, i) => `${String(i + 1).padStart(2)}. ${renderCommand(c)}`).join("\n");
}

function renderCommand(c: Command): string {
  switch (c.kind) {
    case "create":
      return `${c.tenant} creates an instance${c.batch ? " (createBatch)" : ""}: ${c.plan.map(renderAction).join(" → ")}`;
    case "advance":
      return `time passes: ${duration(c.ms)}`;
    case "event":
      return (c.times ?? 1) > 1
        ? `${c.times} events "${c.type}" sent to instance #${c.instance}`
        : `event "${c.type}" sent to instance #${c.instance}`;
    case "evict":
      return "every tenant isolate is evicted";
    case "crash":
      return c.point === "now" ? "the engine crashes now" : `a crash is armed at ${c.point}`;
    case "failLoader":
      return "the next Worker Loader load fails";
    default:
      return `instance #${c.instance} is ${c.kind === "pause" ? "paused" : c.kind === "resume" ? "resumed" : c.kind === "terminate" ? "terminated" : "restarted"}`;
  }
}

function renderAction(a: PlanAction, index: number, plan: readonly PlanAction[]): string {
  if ("do" in a && a.rollback) {
    const uncaught = index === plan.length - 1 && stepFails(a) ? ", uncaught: the workflow fails" : "";
    return `${renderAction({ ...a, rollback: false }, index, plan)} (with rollback${uncaught})`;
  }
  if ("do" in a) {
    if (a.failTimes === 0) return `do ${a.do}`;
    if (a.nonRetryable) return `do ${a.do} (fails ${a.failTimes}×, non-retryable)`;
    const r = a.retries;
    return r
      ? `do ${a.do} (fails ${a.failTimes}×, ${r.limit} retries, ${r.backoff} ${duration(r.delay)})`
      : `do ${a.do} (fails ${a.failTimes}×)`;
  }
  if ("sleep" in a) return `sleep ${duration(a.duration)}`;
  const timeout = timeoutOf(a);
  return `wait for "${a.type}" (${timeout === undefined ? "no timeout: the default" : `timeout ${duration(timeout)}`})`;
}

function duration(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? "" : "s"}`;
  if (ms % HOUR === 0) return `${ms / HOUR} hour${ms === HOUR ? "" : "s"}`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} minute${ms === MINUTE ? "" : "s"}`;
  return ms % SECOND === 0 ? `${ms / SECOND} s` : `${ms} ms`;
}

/** Whether a planned step ends failed: more failures than retries, or a non-retryable one. */
export function stepFails(action: DoAction): boolean {
  return action.failTimes > 0 && (action.nonRetryable === true || action.failTimes > retriesOf(action).limit);
}

/** WF-43: the plan ends with a failing step that has a rollback: the workflow fails there and rolls back. */
export function plannedFailure(plan: readonly PlanAction[]): boolean {
  const last = plan.at(-1);
  return last !== undefined && "do" in last && last.rollback === true && stepFails(last);
}

/**
 * The probe tenant's plan for an action (suites/probe.ts shapes). Steps planned to fail are caught, except the last
 * one of a `plannedFailure` plan.
 */
export function probePlan(plan: PlanAction[]): unknown[] {
  const uncaught = plannedFailure(plan) ? plan.length - 1 : -1;
  return plan.map((a, i) => {
    if ("do" in a) {
      const caught = stepFails(a) && i !== uncaught;
      const step = { do: a.do, failTimes: a.failTimes, catch: caught, config: { retries: retriesOf(a) } };
      const withRollback = a.rollback ? { ...step, rollback: true } : step;
      return a.nonRetryable ? { ...withRollback, nonRetryable: true } : withRollback;
    }
    if ("sleep" in a) return { sleep: a.sleep, duration: a.duration };
    const timeout = timeoutOf(a);
    return timeout === undefined
      ? { wait: a.wait, type: a.type, catch: true }
      : { wait: a.wait, type: a.type, timeout, catch: true };
  });
}
