/** Observing promises that may never settle (calls into dead realms) without waiting on them. */

/** Lets promise chains run for a few macrotask turns (no time passes: nothing is timed). */
export async function flush(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A live view of a promise's state: still "pending" after a flush means it did not settle. */
export function track(promise: Promise<unknown>) {
  const state: { status: "pending" | "fulfilled" | "rejected"; value?: unknown } = { status: "pending" };
  promise.then(
    (v) => Object.assign(state, { status: "fulfilled", value: v }),
    (e) => Object.assign(state, { status: "rejected", value: e }),
  );
  return state;
}
