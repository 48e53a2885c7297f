/**
 * The instance status vocabulary (WF-78) and which transitions are legal. The fuzzer checks every observed
 * transition against this table, so an engine bug that skips or reverses a state is caught.
 */
export type InstanceStatusName =
  | "queued"
  | "running"
  | "paused"
  | "errored"
  | "terminated"
  | "complete"
  | "waiting"
  | "waitingForPause"
  | "unknown";

export const TERMINAL: ReadonlySet<InstanceStatusName> = new Set(["errored", "terminated", "complete"]);

/** Takes any string: statuses also arrive over HTTP from real targets. */
export function isTerminal(status: string): boolean {
  return TERMINAL.has(status as InstanceStatusName);
}

/** from → allowed next states. `restart()` may move any non-deleted instance back to `queued`. */
export const LEGAL_TRANSITIONS: Readonly<Record<InstanceStatusName, readonly InstanceStatusName[]>> = {
  queued: ["running", "paused", "terminated", "errored"],
  running: ["waiting", "waitingForPause", "paused", "complete", "errored", "terminated", "queued"],
  waiting: ["running", "paused", "terminated", "errored", "queued"],
  waitingForPause: ["paused", "running", "terminated", "errored", "complete", "queued"],
  // complete / errored: the local engine's run() goes on after a pause and may end while paused (docs/profiles.md).
  paused: ["queued", "running", "terminated", "complete", "errored"],
  complete: ["queued"],
  errored: ["queued"],
  terminated: ["queued"],
  unknown: [],
};

export function isLegalTransition(from: InstanceStatusName, to: InstanceStatusName): boolean {
  return LEGAL_TRANSITIONS[from].includes(to);
}
