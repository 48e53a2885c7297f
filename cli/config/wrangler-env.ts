/**
 * `"wranglerEnv": "<name>"` in dwc.config.json: the wrangler file's `env.<name>` section merged over its top level
 * the way wrangler resolves `--env <name>` — inheritable keys (main, compatibility date and flags, migrations, …)
 * come from the section when it sets them and from the top level otherwise; bindings and vars are not inherited:
 * only the section's own count (wrangler's rule: "bindings must be specified in each environment").
 */
import { ConfigError } from "./config-error.ts";

type Raw = Record<string, unknown>;

/** Keys wrangler does not inherit from the top level into an environment (the ones the harness reads or refuses). */
export const NOT_INHERITED = [
  "vars",
  "define",
  "workflows",
  "worker_loaders",
  "kv_namespaces",
  "r2_buckets",
  "durable_objects",
  "services",
  "d1_databases",
  "queues",
  "analytics_engine_datasets",
  "ai",
  "vectorize",
  "hyperdrive",
  "browser",
  "send_email",
  "dispatch_namespaces",
  "mtls_certificates",
  "images",
  "secrets_store_secrets",
];

const isObject = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);

/** The configuration wrangler would use with `--env <name>`; `file` names the wrangler file in errors. */
export function resolveWranglerEnv(raw: Raw, name: string, file: string): Raw {
  const envs = isObject(raw.env) ? raw.env : {};
  const section = envs[name];
  if (!isObject(section)) {
    const known = Object.keys(envs);
    throw new ConfigError(
      [
        `env.${name}: no such environment (dwc.config.json "wranglerEnv": "${name}"); the file declares ${known.length > 0 ? known.map((k) => `"${k}"`).join(", ") : "no env sections"} — set wranglerEnv to one of them, or drop it to use the top level`,
      ],
      file,
    );
  }
  const merged: Raw = {};
  for (const [key, value] of Object.entries(raw))
    if (key !== "env" && !NOT_INHERITED.includes(key)) merged[key] = value;
  for (const [key, value] of Object.entries(section)) merged[key] = value;
  return merged;
}
