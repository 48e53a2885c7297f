/**
 * A fuzz scenario: plain data, so fast-check can generate it, shrink it, and print it. Tenants create instances
 * through their wrapped bindings; time passes; events arrive; isolates are evicted; the engine crashes at named
 * points; instances are paused, resumed, terminated, restarted; the loader fails.
 */
import fc from "fast-check";
import { CRASH_POINTS, type CrashPoint } from "../../contract/emulator-surface.ts";

import { TENANTS, type TenantName } from "./scenario-tenants.ts";

export { TENANTS, type TenantName };

/** Retries every generated step uses: 2 retries, 1 s apart. A step failing more often than that is caught. */
export const RETRIES = { limit: 2, delay: 1000, backoff: "constant" } as const;

export type PlanAction =
  | { do: string; failTimes: number }
  | { sleep: string; duration: number }
  | { wait: string; type: EventType };

export type EventType = "approve" | "ship";

export type Command =
  | { kind: "create"; tenant: TenantName; plan: PlanAction[]; batch: boolean }
  | { kind: "advance"; ms: number }
  | { kind: "event"; instance: number; type: EventType }
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

const planAction: fc.Arbitrary<PlanAction> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ do: fc.constantFrom("a", "b", "c"), failTimes: fc.constantFrom(0, 0, 1, 2, 3) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ sleep: fc.constantFrom("nap", "rest"), duration: fc.constantFrom(...DURATIONS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ wait: fc.constantFrom("w"), type: fc.constantFrom<EventType>("approve", "ship") }),
  },
);

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
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("event" as const),
      instance: instanceRef,
      type: fc.constantFrom<EventType>("approve", "ship"),
    }),
  },
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
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("event" as const),
        instance: instanceRef,
        type: fc.constantFrom<EventType>("approve", "ship"),
      }),
    },
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
      return `event "${c.type}" sent to instance #${c.instance}`;
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

function renderAction(a: PlanAction): string {
  if ("do" in a) return a.failTimes > 0 ? `do ${a.do} (fails ${a.failTimes}×)` : `do ${a.do}`;
  if ("sleep" in a) return `sleep ${duration(a.duration)}`;
  return `wait for "${a.type}"`;
}

function duration(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? "" : "s"}`;
  if (ms % HOUR === 0) return `${ms / HOUR} hour${ms === HOUR ? "" : "s"}`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} minute${ms === MINUTE ? "" : "s"}`;
  return ms % SECOND === 0 ? `${ms / SECOND} s` : `${ms} ms`;
}

/** The probe tenant's plan for an action (suites/probe.ts shapes). Failing steps beyond the retries are caught. */
export function probePlan(plan: PlanAction[]): unknown[] {
  return plan.map((a) => {
    if ("do" in a)
      return { do: a.do, failTimes: a.failTimes, catch: a.failTimes > RETRIES.limit, config: { retries: RETRIES } };
    if ("sleep" in a) return { sleep: a.sleep, duration: a.duration };
    return { wait: a.wait, type: a.type, timeout: EVENT_TIMEOUT_MS, catch: true };
  });
}
