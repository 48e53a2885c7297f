/**
 * The promise handed to code that "no longer exists": a call made by, or into, something dead (a crashed isolate, an
 * execution killed by hibernation, pause or crash) never settles, so it can never commit anything.
 */

/**
 * A promise that never settles. A fresh one each time: a single shared pending
 * promise would collect a reaction from every dead call and keep all of them (and their closures) alive forever.
 */
export function never(): Promise<never> {
  return new Promise<never>(() => {});
}
