/**
 * The properties every scenario must satisfy. Each returns human-readable violations (no ids that change between
 * runs, so a replay prints the same text byte for byte: instances are named by tenant and creation order).
 */
import {
  isLegalTransition,
  type InstanceStatusName,
  type Profile,
  type Traced,
} from "../../contract/emulator-surface.ts";
import type { ObservedInstance, ScenarioObservation } from "./observation.ts";
import { loaderCache } from "./loader-cache.ts";
import { rollbacks } from "./rollbacks.ts";
import { plannedFailure, retriesOf, stepFails, type PlanAction } from "./scenario.ts";
import { statusSamples } from "./status-samples.ts";
import { timing } from "./timing.ts";

interface Marker {
  tenant?: string;
  step?: string;
  attempt?: number;
  caught?: { name: string; message: string };
  event?: string;
  payload?: unknown;
}

export function checkInvariants(observation: ScenarioObservation): string[] {
  const violations: string[] = [...observation.problems, ...loaderCache(observation.trace)];
  const names = new Map(
    observation.instances.map((instance, index) => [instance.id, `instance #${index} (${instance.tenant})`]),
  );
  // The local engine counts an attempt a crash interrupted and runs one more, even past the retry limit (WF-90):
  // after a crash, a step planned to fail every allowed attempt may still succeed there. Found by the fuzzer.
  const crashed = observation.trace.some((e) => e.type === "fault" && e.kind === "crash");
  const interruptedAttempts = observation.profile.interruptedAttemptCounts && crashed;
  for (const instance of observation.instances) {
    const name = names.get(instance.id)!;
    const events = observation.trace.filter((e) => "instance" in e && e.instance === instance.id);
    violations.push(
      ...routing(instance, events, name),
      ...liveness(instance, name),
      ...outputs(instance, name, observation.profile, interruptedAttempts),
      ...durability(events, name),
      ...nonRetryable(instance, events, name),
      ...stepNames(instance, events, name),
      ...transitions(events, name),
      ...eventDelivery(instance, events, name),
      ...fifo(instance, events, name),
      ...rollbacks(instance, events, name),
      ...timing(events, observation.trace, name, {
        given: instance.given,
        defaultEventTimeoutMs: observation.profile.defaultEventTimeoutMs,
      }),
      ...statusSamples(
        (observation.samples ?? []).filter((s) => s.instance === instance.id),
        events,
        observation.trace,
        observation.profile,
        name,
      ),
    );
  }
  return violations;
}

/**
 * The invariants that need no trace, for targets without one (local workerd, a deployment): routing as the output
 * shows it (the creator's tenant in the output and in every marker), liveness, outputs, and event delivery as the
 * output shows it (at most once, only events sent to the instance, FIFO per type). Durability, step names and status
 * transitions need the trace and are not checked.
 *
 * Where the target's profile counts an attempt a crash interrupted (`interruptedAttemptCounts`: the local engine) and
 * the engine crashed during the scenario (`crashes`), an attempt the crash
 * interrupted counts as an attempt and the next one runs at once, even past the retry limit (docs/profiles.md,
 * WF-90 / §E.9; workers-sdk workflows-shared writes "Attempt failed due to internal workflows error" for it). So a
 * step planned to fail more often than its retries allow may then succeed on a later attempt instead of failing.
 */
export function checkOutputInvariants(observation: ScenarioObservation): string[] {
  const violations: string[] = [...observation.problems];
  const interruptedAttempts = observation.profile.interruptedAttemptCounts && observation.crashes > 0;
  observation.instances.forEach((instance, index) => {
    const name = `instance #${index} (${instance.tenant})`;
    violations.push(
      ...routing(instance, [], name),
      ...liveness(instance, name),
      ...outputs(instance, name, observation.profile, interruptedAttempts),
      ...eventDelivery(instance, [], name),
    );
  });
  return violations;
}

/**
 * Every run() lifetime was dispatched with metadata that names the creator; every step ran the creator's code. The
 * creator is the tenant that issued the create (the harness's record), and the metadata may name it under any key:
 * the subject chooses its routing key, so only "the creator is in it" is checked, never which key holds it.
 */
function routing(instance: ObservedInstance, events: Traced[], name: string): string[] {
  const out: string[] = [];
  for (const event of events) {
    if (event.type !== "run.start") continue;
    if (!JSON.stringify(event.metadata ?? null).includes(JSON.stringify(instance.tenant))) {
      out.push(
        `routing: ${name} run #${event.generation} was dispatched with metadata ${JSON.stringify(event.metadata)}`,
      );
    }
  }
  const output = instance.output as { tenant?: string; markers?: Marker[] } | undefined;
  if (instance.status === "complete" && output) {
    if (output.tenant !== instance.tenant) out.push(`routing: ${name} completed with ${output.tenant}'s code`);
    for (const marker of output.markers ?? []) {
      if (marker.tenant !== instance.tenant)
        out.push(`routing: ${name} step "${marker.step}" ran ${marker.tenant}'s code`);
    }
  }
  return out;
}

/** After the drain every instance is terminal, and an error or termination has a cause the scenario gave it. */
function liveness(instance: ObservedInstance, name: string): string[] {
  const { status } = instance;
  if (status === "complete") return [];
  if (status === "terminated")
    return instance.terminated ? [] : [`liveness: ${name} is terminated but nobody terminated it`];
  if (status === "errored") {
    const message = instance.error?.message ?? "";
    // A transient Worker Loader failure at a wake errors the instance (a finding about dynamic workflows, not a bug).
    if (message.includes("Injected Worker Loader failure")) return [];
    // WF-43: the plan's last step fails uncaught, so the workflow fails (and rolls back) there.
    if (plannedFailure(instance.plan)) return [];
    return [`liveness: ${name} errored: ${instance.error?.name}: ${message}`];
  }
  return [`liveness: ${name} is stuck in "${status}" after everything was allowed to finish`];
}

/** A completed instance returns one marker per do/wait action of its plan, in order, with the right attempts. */
function outputs(instance: ObservedInstance, name: string, profile: Profile, interruptedAttempts = false): string[] {
  if (instance.status !== "complete") return [];
  const markers = ((instance.output as { markers?: Marker[] } | undefined)?.markers ?? []).slice();
  const expected = instance.plan.filter((a): a is Exclude<PlanAction, { sleep: string }> => !("sleep" in a));
  const out: string[] = [];
  if (markers.length !== expected.length) {
    return [
      `output: ${name} returned ${markers.length} markers [${markers.map((m) => m.step).join(", ")}], expected ${expected.length} [${expected.map((a) => ("do" in a ? a.do : a.wait)).join(", ")}]`,
    ];
  }
  expected.forEach((action, i) => {
    const marker = markers[i];
    if ("do" in action) {
      if (marker.step !== action.do)
        out.push(`output: ${name} marker ${i} is step "${marker.step}", expected "${action.do}"`);
      if (stepFails(action)) {
        // local engine after a crash (see checkOutputInvariants): an interrupted attempt bought one more attempt
        const extraAttempt = interruptedAttempts && !marker.caught && (marker.attempt ?? 0) > action.failTimes;
        if (!marker.caught && !extraAttempt)
          out.push(
            action.nonRetryable
              ? `output: ${name} step "${action.do}" should have failed at its first attempt (NonRetryableError) but succeeded on attempt ${marker.attempt}`
              : `output: ${name} step "${action.do}" should have failed after ${retriesOf(action).limit + 1} attempts`,
          );
      } else if (marker.caught) {
        out.push(`output: ${name} step "${action.do}" failed: ${marker.caught.message}`);
      } else if (
        !profile.interruptedAttemptCounts
          ? marker.attempt !== action.failTimes + 1
          : (marker.attempt ?? 0) < action.failTimes + 1
      ) {
        // production: an attempt interrupted by a crash runs again as the same attempt (WF-90)
        out.push(
          `durability: ${name} step "${action.do}" succeeded on attempt ${marker.attempt}, expected ${action.failTimes + 1}`,
        );
      }
    } else if (marker.step !== action.wait) {
      out.push(`output: ${name} marker ${i} is "${marker.step}", expected the wait "${action.wait}"`);
    }
  });
  return out;
}

/**
 * The engine caches step results by the names the code gives them; a step must reach the engine under the name the
 * tenant's code chose, or a replay finds nothing cached and runs it again.
 */
function stepNames(instance: ObservedInstance, events: Traced[], name: string): string[] {
  const declared = new Set(instance.plan.flatMap((a) => ("do" in a ? [a.do] : "sleep" in a ? [a.sleep] : [a.wait])));
  const foreign = new Set<string>();
  for (const event of events) {
    // Numbers (times, ids) are masked so that a replay prints the same text.
    if ((event.type === "step.attempt" || event.type === "sleep.start") && !declared.has(event.step))
      foreign.add(event.step.replace(/\d{6,}/g, "<n>"));
  }
  return foreign.size === 0
    ? []
    : [
        `durability: ${name} ran steps under names its code never used: ${[...foreign]
          .slice(0, 3)
          .map((s) => JSON.stringify(s))
          .join(", ")}`,
      ];
}

/** Within one restart epoch, a step commits at most once and is never attempted after its commit. */
function durability(events: Traced[], name: string): string[] {
  const out: string[] = [];
  let committed = new Set<string>();
  for (const event of events) {
    if (event.type === "instance.restart") committed = new Set();
    if (event.type !== "step.attempt" && event.type !== "step.commit") continue;
    const key = `${event.step}#${event.count}`;
    if (event.type === "step.commit") {
      if (committed.has(key))
        out.push(`durability: ${name} step "${event.step}" (occurrence ${event.count}) committed twice`);
      committed.add(key);
    } else if (committed.has(key)) {
      out.push(
        `durability: ${name} step "${event.step}" (occurrence ${event.count}) ran again after its result was committed`,
      );
    }
  }
  return out;
}

/** WF-33: a NonRetryableError ends its step: the engine never schedules a retry after one. */
function nonRetryable(instance: ObservedInstance, events: Traced[], name: string): string[] {
  const out = new Set<string>();
  for (const event of events) {
    if (event.type !== "step.failure" || !event.willRetry) continue;
    const action = instance.plan.filter((a) => "do" in a && a.do === event.step)[event.count - 1];
    if (action && "do" in action && action.nonRetryable)
      out.add(
        `retries: ${name} step "${event.step}" was retried after attempt ${event.attempt} threw a NonRetryableError`,
      );
  }
  return [...out];
}

/**
 * WF-65: events buffered before a wait are taken oldest first, so per type the events an instance received are the
 * first ones sent to it, in order (a timed-out wait takes none). Not judged across a restart.
 */
function fifo(instance: ObservedInstance, events: Traced[], name: string): string[] {
  const output = instance.output as { markers?: Marker[] } | undefined;
  if (instance.status !== "complete" || !output?.markers) return [];
  if (events.some((e) => e.type === "instance.restart")) return [];
  const out: string[] = [];
  for (const type of new Set(instance.sent.map(([t]) => t))) {
    const sent = instance.sent.filter(([t]) => t === type).map(([, p]) => p);
    const received = output.markers.filter((m) => m.event === type).map((m) => m.payload as number);
    if (received.some((p, i) => p !== sent[i]))
      out.push(
        `events: ${name} received "${type}" events [${received.join(", ")}], but the oldest sent were [${sent.slice(0, received.length).join(", ")}] (buffered events are delivered first in, first out)`,
      );
  }
  return out;
}

function transitions(events: Traced[], name: string): string[] {
  const out: string[] = [];
  for (const event of events) {
    if (event.type !== "status" || event.from === "none") continue;
    if (!isLegalTransition(event.from as InstanceStatusName, event.to as InstanceStatusName)) {
      out.push(`status: ${name} went from ${event.from} to ${event.to}`);
    }
  }
  return out;
}

/** Each event is delivered at most once, in the order sent per type; a timed-out wait takes none. */
function eventDelivery(instance: ObservedInstance, events: Traced[], name: string): string[] {
  const out: string[] = [];
  const output = instance.output as { markers?: Marker[] } | undefined;
  if (instance.status !== "complete" || !output?.markers) return out;
  const received = output.markers
    .filter((m) => m.event !== undefined)
    .map((m) => [m.event as string, m.payload as number] as const);
  const seen = new Set<number>();
  for (const [type, payload] of received) {
    if (seen.has(payload)) out.push(`events: ${name} received event ${payload} twice`);
    seen.add(payload);
    if (!instance.sent.some(([t, p]) => t === type && p === payload))
      out.push(`events: ${name} received event ${type}:${payload} that was never sent to it`);
  }
  for (const type of new Set(received.map(([t]) => t))) {
    const order = received.filter(([t]) => t === type).map(([, p]) => p);
    if (order.some((p, i) => i > 0 && p < order[i - 1]))
      out.push(`events: ${name} received "${type}" events out of order: ${order.join(", ")}`);
  }
  let timedOut = new Set<string>();
  for (const event of events) {
    if (event.type === "instance.restart") timedOut = new Set();
    if (event.type === "event.timeout") timedOut.add(`${event.step}#${event.count}`);
    if (event.type === "event.deliver" && timedOut.has(`${event.step}#${event.count}`)) {
      out.push(`events: ${name} wait "${event.step}" took an event after it had timed out`);
    }
  }
  return out;
}
