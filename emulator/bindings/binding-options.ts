/**
 * The emulator's binding options in Miniflare 4's shape — `kvNamespaces`, `r2Buckets`, `durableObjects`, plus the
 * plain `bindings` (vars and secrets) — read and checked once, at construction. A binding type the emulator does not
 * provide is refused here, with its names and type and what to do, rather than reaching the dispatcher as
 * `undefined` (docs/emulator.md, "Bindings").
 */
import { EmulatorUsageError } from "../lib/errors.ts";
import { Realm } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";

/** Miniflare 4 options for binding types the emulator does not provide, with the type's name as people say it. */
export const UNSUPPORTED_BINDING_OPTIONS: Readonly<Record<string, string>> = {
  d1Databases: "D1 database",
  queueProducers: "Queue producer",
  queueConsumers: "Queue consumer",
  analyticsEngineDatasets: "Analytics Engine dataset",
  hyperdrives: "Hyperdrive",
  ratelimits: "rate limiter",
  pipelines: "Pipeline",
  email: "Email (send_email)",
  browserRendering: "Browser Rendering",
  images: "Images",
  vectorize: "Vectorize index",
  ai: "Workers AI",
  dispatchNamespaces: "dispatch namespace (Workers for Platforms)",
  secretsStoreSecrets: "Secrets Store secret",
  assets: "static assets",
  textBlobBindings: "text blob",
  dataBlobBindings: "data blob",
  wasmBindings: "Wasm module",
  mtlsCertificates: "mTLS certificate",
  versionMetadata: "version metadata",
  unsafeBindings: "unsafe binding",
  wrappedBindings: "wrapped binding",
  helloWorld: "hello-world binding",
  media: "Media Transformations",
  stream: "Stream",
};

const PROVIDED =
  "Workflows (workflows), Worker Loaders (workerLoaders), KV namespaces (kvNamespaces), R2 buckets (r2Buckets), " +
  "Durable Objects of the dispatcher's own classes (durableObjects), vars and secrets (bindings), and services " +
  "handled in Node (serviceBindings)";

export interface DurableObjectBinding {
  className: string;
}

export interface BindingOptions {
  kvNamespaces?: string[] | Record<string, string>;
  r2Buckets?: string[] | Record<string, string>;
  durableObjects?: Record<string, string | { className: string; scriptName?: string; useSQLite?: boolean }>;
}

export interface ResolvedBindings {
  /** KV binding name → namespace id (bindings sharing an id share data). */
  kv: Map<string, string>;
  /** R2 binding name → bucket name. */
  r2: Map<string, string>;
  /** Durable Object binding name → class. */
  durableObjects: Map<string, DurableObjectBinding>;
}

/** Throws for the first unsupported binding option present, naming its bindings, their type and the fix. */
export function refuseUnsupportedBindings(options: Record<string, unknown>): void {
  for (const [option, type] of Object.entries(UNSUPPORTED_BINDING_OPTIONS)) {
    const value = options[option];
    if (value === undefined || value === null) continue;
    const names = bindingNames(value);
    throw new EmulatorUsageError(
      `The emulator does not support ${type} bindings: ${names.length > 0 ? names.join(", ") : "(unnamed)"} ` +
        `(option ${option}). It provides ${PROVIDED}. Remove the binding from the subject, or run it on the ` +
        "workerd target, which runs every binding miniflare has.",
    );
  }
}

export function resolveBindings(options: BindingOptions & { bindings?: Record<string, unknown> }): ResolvedBindings {
  const resolved: ResolvedBindings = {
    kv: namespaceMap(options.kvNamespaces, "kvNamespaces"),
    r2: namespaceMap(options.r2Buckets, "r2Buckets"),
    durableObjects: new Map(),
  };
  for (const [binding, given] of Object.entries(options.durableObjects ?? {})) {
    const spec = typeof given === "string" ? { className: given } : given;
    if (!spec || typeof spec.className !== "string" || spec.className === "") {
      throw new EmulatorUsageError(
        `durableObjects.${binding} must be a class name or { className }, got ${JSON.stringify(given)}`,
      );
    }
    if (typeof given === "object" && given.scriptName !== undefined) {
      throw new EmulatorUsageError(
        `durableObjects.${binding} names scriptName "${given.scriptName}": Durable Objects of another worker are not ` +
          "supported by the emulator (it runs one worker, the dispatcher). Export the class from the dispatcher, or " +
          "run this subject on the workerd target.",
      );
    }
    resolved.durableObjects.set(binding, { className: spec.className });
  }
  checkPlainBindings(options.bindings ?? {});
  return resolved;
}

/** Each binding name once across every kind, as wrangler requires. */
export function refuseDuplicateNames(kinds: Record<string, Iterable<string>>): void {
  const seen = new Map<string, string>();
  for (const [kind, names] of Object.entries(kinds)) {
    for (const name of names) {
      const before = seen.get(name);
      if (before !== undefined) {
        throw new EmulatorUsageError(
          `The binding name ${name} is given twice (${before} and ${kind}): each binding of the dispatcher needs its own name.`,
        );
      }
      seen.set(name, kind);
    }
  }
}

function namespaceMap(given: unknown, option: string): Map<string, string> {
  const map = new Map<string, string>();
  if (given === undefined || given === null) return map;
  if (Array.isArray(given)) {
    for (const name of given) {
      if (typeof name !== "string" || name === "")
        throw new EmulatorUsageError(`${option} must list binding names (strings), got ${JSON.stringify(name)}`);
      map.set(name, name);
    }
    return map;
  }
  if (typeof given !== "object")
    throw new EmulatorUsageError(`${option} must be an array of binding names or { BINDING: "id" }`);
  for (const [name, id] of Object.entries(given as Record<string, unknown>)) {
    if (typeof id !== "string" || id === "")
      throw new EmulatorUsageError(`${option}.${name} must be a namespace id or bucket name (a string)`);
    map.set(name, id);
  }
  return map;
}

/** `bindings` are vars and secrets: values a structured clone can copy. Anything else is named with its fix. */
function checkPlainBindings(bindings: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(bindings)) {
    try {
      transfer(value, Realm.host(), Realm.host(), "clone");
    } catch {
      const shown =
        typeof value === "function"
          ? "a function"
          : `an object of class ${(value as object)?.constructor?.name ?? "(none)"}`;
      throw new EmulatorUsageError(
        `bindings.${name} is ${shown}: \`bindings\` holds plain values (vars and secrets: strings, numbers, JSON). ` +
          "A KV namespace goes in kvNamespaces, an R2 bucket in r2Buckets, a Durable Object class in durableObjects, " +
          "a service in serviceBindings; the emulator provides those itself.",
      );
    }
  }
}

function bindingNames(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map((item) =>
      typeof item === "string" ? item : String((item as { binding?: unknown; name?: unknown })?.binding ?? item?.name),
    );
  }
  if (typeof value === "object" && value !== null) {
    const binding = (value as { binding?: unknown }).binding;
    return typeof binding === "string" ? [binding] : Object.keys(value);
  }
  return [];
}
