/**
 * Deliberate engine and loader bugs, each behind a switch, for the mutation test of the fuzz oracle
 * (test/simulation/oracle-mutations.test.ts): with one switched on, the property suite's default budget must find a
 * violation. Reached only through emulator/testing.ts, never through the emulator's API (index.ts): a normal run has
 * every switch off. Module state on purpose: the mutation test runs the fuzzer in its own process and turns one on
 * around it; worker threads (the fuzz pool) never see a switch.
 */
export const MUTATIONS = {
  evictKeepsIsolate: "an eviction keeps the old isolate cached (the next get reuses it, getCode is not called)",
  warmIdCallsGetCode: "a get of a warm loader id calls getCode again (a fresh isolate on every request)",
  replayedSleepRestarts: "a sleep replayed after a wake restarts from now instead of keeping its persisted deadline",
  linearBackoff: "exponential backoff waits like linear (d·n instead of d·2^(n−1))",
  exponentialOffByOne: "exponential backoff waits one doubling too long (d·2^n)",
  nonRetryableRetriedOnce: "a NonRetryableError thrown by a first attempt is retried once",
  runningWhileSleeping: "production reports running instead of waiting while an instance sleeps",
  eventTimeoutDefaultOneHour: "waitForEvent without a timeout times out after 1 hour instead of 24 hours",
  explicitEventTimeoutIgnored: "waitForEvent ignores its explicit timeout and uses the 24-hour default",
  buffersEventsLifo: "events buffered before a wait are delivered newest first (LIFO instead of FIFO)",
} as const;

export type Mutation = keyof typeof MUTATIONS;

let active: Mutation | null = null;

/** Whether the engine should misbehave in this way now. */
export function mutated(mutation: Mutation): boolean {
  return active === mutation;
}

/** Switches one mutation on (or every one off with null). Test-only: emulator/testing.ts. */
export function setMutation(mutation: Mutation | null): void {
  if (mutation !== null && !(mutation in MUTATIONS))
    throw new TypeError(`Unknown mutation "${mutation}". Known: ${Object.keys(MUTATIONS).join(", ")}`);
  active = mutation;
}
