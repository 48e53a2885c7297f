/**
 * Validation and normalisation of the `WorkerCode` object passed to `LOADER.get(id, getCode)` and `LOADER.load(code)`
 * (spec §B: WL-07 to WL-11, WL-13, WL-14).
 *
 * The checks run in workerd's order and throw workerd's error classes and texts, so a conformance case sees the same
 * first error on every target. Sources (workerd 6552d999): `src/workerd/api/worker-loader.{h,c++}` (the checks),
 * `src/workerd/jsg/{struct.h,value.h,util.c++}` (how JSG converts the struct fields and words its TypeErrors) and
 * `src/workerd/io/compatibility-date.c++` (date and flag errors). The order there is: convert the struct fields in
 * declaration order, then `extractSource` (modules, Python mix, code size), then `extractCompatFlags`
 * (`allowExperimental`, flags, date), then `env` size, then `streamingTails`; a missing main module only surfaces when
 * the worker starts.
 *
 * Values may come from another realm (the dispatcher runs in a vm context), so nothing here relies on `instanceof`.
 *
 * This file runs the steps in that order: worker-code-fields.ts (struct conversion), module-extraction.ts
 * (`extractSource`), compatibility-date.ts (`extractCompatFlags`); code-hash.ts keys the result for the compile cache.
 */
import { EmulatorUnsupportedError } from "../lib/errors.ts";
import { computeCodeHash } from "./code-hash.ts";
import { checkCompatibility } from "./compatibility-date.ts";
import { checkCodeSize, extractModules, isPythonName, type NormalizedModule } from "./module-extraction.ts";
import { convertWorkerCodeStruct } from "./worker-code-fields.ts";

export interface NormalizedWorkerCode {
  compatibilityDate: string;
  compatibilityFlags: string[];
  mainModule: string;
  modules: NormalizedModule[];
  /** The caller's object, unserialised: the realm layer copies it into the child and calls `assertEnvSize`. */
  env: Record<string, unknown>;
  /** WL-13: `"inherit"` when left out, `null` to block `fetch()`, otherwise a Fetcher-like object. */
  globalOutbound: "inherit" | null | unknown /* a Fetcher-like object with fetch() */;
  /** WL-14: tail Workers (Fetcher-like objects); empty when left out. */
  tails: unknown[];
  /** WL-14: Fetchers whose `tailStream()` receives the worker's log events (only with `allowExperimental`). */
  streamingTails: unknown[];
  /** WL-17: `null` when left out. */
  limits: { cpuMs?: number; subRequests?: number } | null;
  /** sha256 over everything that affects compiled code, for caching compiled scripts */
  codeHash: string;
}

export interface NormalizeOptions {
  /**
   * Which loader call received the code. Only the wording of the "not an object" TypeError depends on it: `load()`
   * converts its argument, `get()` converts what the `getCode` promise resolved to. Default `"load"`.
   */
  via?: "load" | "get";
  /** Today's UTC date (YYYY-MM-DD) for the future-date check. Defaults to the host clock, as production uses. */
  today?: string;
  /** Whether the calling worker (the dispatcher) has the `experimental` compatibility flag (WL-14). Default false. */
  parentExperimental?: boolean;
}

/** WD-L `MAX_DYNAMIC_WORKER_ENV_SIZE` (WL-11). */
export const MAX_DYNAMIC_WORKER_ENV_SIZE = 1024 * 1024;

/**
 * WL-11: the env cap. Measuring needs the realm layer's serialiser (workerd estimates the serialised `Frankenvalue`),
 * so that layer measures and calls this.
 */
export function assertEnvSize(byteLength: number): void {
  if (byteLength > MAX_DYNAMIC_WORKER_ENV_SIZE) {
    throw new Error(
      `Dynamic Worker env size (${byteLength} bytes) exceeds the maximum allowed size of ${MAX_DYNAMIC_WORKER_ENV_SIZE} bytes.`,
    );
  }
}

export function normalizeWorkerCode(code: unknown, options: NormalizeOptions = {}): NormalizedWorkerCode {
  const fields = convertWorkerCodeStruct(code, options.via ?? "load");
  const { modules, sizes } = extractModules(fields);
  checkCodeSize(modules, sizes, fields.mainModule);
  checkCompatibility(fields, options.today ?? new Date().toISOString().slice(0, 10), options.parentExperimental);
  if (fields.streamingTails !== undefined && !fields.allowExperimental) {
    // WL-14: streaming tails need `allowExperimental`, which the check above allows only under an experimental parent.
    throw new Error(
      "Streaming tail workers are experimental. You must pass the option 'allowExperimental: true' to the worker loader to use them",
    );
  }
  // workerd raises this when the worker starts (worker.c++), after every check above.
  if (!modules.some((module) => module.name === fields.mainModule)) {
    throw new TypeError("Main module name is not present in bundle.");
  }
  if (isPythonName(fields.mainModule)) {
    throw new EmulatorUnsupportedError(
      `Python Workers are not supported by this emulator: the main module "${fields.mainModule}" is a Python module.`,
    );
  }
  return {
    compatibilityDate: fields.compatibilityDate,
    compatibilityFlags: fields.compatibilityFlags,
    mainModule: fields.mainModule,
    modules: modules as NormalizedModule[],
    env: fields.env,
    globalOutbound: fields.globalOutbound,
    tails: fields.tails,
    streamingTails: fields.streamingTails ?? [],
    limits: fields.limits,
    codeHash: computeCodeHash(fields.mainModule, modules as NormalizedModule[]),
  };
}
