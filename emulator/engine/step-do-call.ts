/**
 * What the phases of one `step.do` call share (step-do.ts and the files of its phases): which step the call is, the
 * attempt under way, and the answer a phase gives when the execution died meanwhile.
 */
import type { Execution } from "./execution.ts";
import type { ResolvedStepConfig } from "../lib/validators.ts";

/** A phase's answer when the execution died, or an armed crash fired, meanwhile: the call must stop. */
export const DEAD = Symbol("execution dead");

/** One `step.do` call: which step it is (name and occurrence) and what it was called with. */
export interface DoCall {
  exec: Execution;
  name: string;
  count: number;
  /** The cache key: (kind, name, occurrence). */
  key: string;
  callback: (ctx: unknown) => unknown;
  /** The config given by this call (the first call's config is the one persisted: WF-36). */
  current: ResolvedStepConfig;
  /** WF-43: called with a rollback handler. */
  rollback: boolean;
}

export interface Attempt {
  number: number;
  /** What the callback receives (WF-15). */
  ctx: unknown;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
