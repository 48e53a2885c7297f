/**
 * The user's wrangler file (`wrangler.jsonc` / `.json` / `.toml`) → the subject's worker part: main module,
 * compatibility date and flags, workflows, worker loaders, KV, R2, Durable Objects (+ migrations), vars, services.
 *
 * Parsed with kept parsers (jsonc-parser, smol-toml), not wrangler's own reader: wrangler declares Node ≥ 22 (this
 * package supports 20), weighs ~200 MB installed, takes seconds to import, and its parse error ("InvalidSymbol")
 * names no line or column. `wranglerEnv` (dwc.config.json) picks an `env.<name>` section, merged as wrangler merges
 * it (cli/config/wrangler-env.ts); without it, the top level.
 *
 * A file that does not parse → `file:line:column: …`; a field of the wrong shape, or a binding type the harness
 * cannot provide → the field and the fix. Thrown as a ConfigError (exit 2).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseJsonc, type ParseError, printParseErrorCode } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import type { SubjectDescription } from "../../contract/subject.ts";
import { ConfigError } from "./config-error.ts";
import { shown } from "./shown.ts";
import { resolveWranglerEnv } from "./wrangler-env.ts";

export type WorkerDescription = Omit<SubjectDescription, "adapter">;

/** Binding fields wrangler knows that no local target of the harness provides: refused by name. */
const UNSUPPORTED_BINDINGS: Record<string, string> = {
  d1_databases: "D1 database",
  queues: "Queue",
  analytics_engine_datasets: "Analytics Engine dataset",
  ai: "Workers AI",
  vectorize: "Vectorize index",
  hyperdrive: "Hyperdrive",
  browser: "Browser Rendering",
  send_email: "Email",
  dispatch_namespaces: "dispatch namespace",
  mtls_certificates: "mTLS certificate",
  images: "Images",
  secrets_store_secrets: "Secrets Store secret",
};

/** A value at a path of the parsed file; `null` for JSON's null is kept (it is a wrong shape, not absence). */
type Raw = Record<string, unknown>;

/** Line and column (1-based) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Parses the file by its extension; a syntax error names the file, line and column. */
export function parseWranglerFile(path: string): Raw {
  const name = shown(path);
  if (!existsSync(path)) throw new ConfigError(["file not found"], name);
  const text = readFileSync(path, "utf8");
  let raw: unknown;
  if (path.endsWith(".toml")) {
    try {
      raw = parseToml(text);
    } catch (error) {
      const { line, column, message } = error as { line?: number; column?: number; message: string };
      const first = message.split("\n")[0];
      throw new ConfigError([`${line ?? "?"}:${column ?? "?"}: not valid TOML: ${first}`], name);
    }
  } else {
    const errors: ParseError[] = [];
    raw = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length > 0) {
      const { offset, error } = errors[0];
      const { line, column } = lineAndColumn(text, offset);
      const excerpt = text.split("\n")[line - 1]?.trim() ?? "";
      throw new ConfigError(
        [`${line}:${column}: not valid JSONC: ${printParseErrorCode(error)} (at: ${excerpt.slice(0, 80)})`],
        name,
      );
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ConfigError(["must be an object at the top level"], name);
  return raw as Raw;
}

/** Reads and validates the wrangler file (its `env.<env>` section when given); one line per problem, by field. */
export function readWrangler(path: string, env?: string): WorkerDescription {
  const file = resolve(path);
  const top = parseWranglerFile(file);
  const raw = env === undefined ? top : resolveWranglerEnv(top, env, shown(file));
  const problems: string[] = [];
  const fields = new FieldReader(problems);
  const dir = dirname(file);

  for (const [field, type] of Object.entries(UNSUPPORTED_BINDINGS)) {
    if (raw[field] === undefined) continue;
    problems.push(
      `${field}: the harness provides no ${type} binding (local targets: workflows, worker_loaders, kv_namespaces, r2_buckets, durable_objects, vars, services) — remove it from the wrangler file the harness reads, or point "wrangler" in dwc.config.json at a test copy without it`,
    );
  }

  let main = "";
  if (typeof raw.main !== "string" || raw.main === "")
    problems.push('main: required, the dispatcher\'s entry module (e.g. "main": "src/index.ts")');
  else if (!existsSync(resolve(dir, raw.main))) problems.push(`main: file not found: ${raw.main}`);
  else main = resolve(dir, raw.main);

  const compatibilityDate = fields.string(raw, "compatibility_date", { required: true });
  if (compatibilityDate && !/^\d{4}-\d{2}-\d{2}$/.test(compatibilityDate))
    problems.push(`compatibility_date: must be "YYYY-MM-DD", got ${JSON.stringify(compatibilityDate)}`);
  const compatibilityFlags = fields.strings(raw, "compatibility_flags");

  const workflows = fields.list(raw, "workflows", (item, at) => ({
    binding: fields.string(item, "binding", { required: true, at }),
    name: fields.string(item, "name", { required: true, at }),
    className: fields.string(item, "class_name", { required: true, at }),
    compatibilityFlags: [...compatibilityFlags],
    scriptName: fields.string(item, "script_name", { at }),
  }));
  workflows.forEach((w, i) => {
    if (w.scriptName)
      problems.push(
        `workflows[${i}].script_name: the workflow lives in another worker ("${w.scriptName}"); the harness runs the dispatcher's own workflow class only — remove script_name`,
      );
  });
  const workerLoaders = fields.list(raw, "worker_loaders", (item, at) =>
    fields.string(item, "binding", { required: true, at }),
  );
  const kvNamespaces = fields.list(raw, "kv_namespaces", (item, at) => {
    const binding = fields.string(item, "binding", { required: true, at });
    return { binding, id: fields.string(item, "id", { at }) || binding };
  });
  const r2Buckets = fields.list(raw, "r2_buckets", (item, at) => {
    const binding = fields.string(item, "binding", { required: true, at });
    return { binding, bucketName: fields.string(item, "bucket_name", { at }) || binding };
  });
  const migrated = migratedClasses(fields.list(raw, "migrations", (item) => item));
  const sqliteClasses = new Set([...migrated].filter(([, sqlite]) => sqlite).map(([name]) => name));
  const objects = raw.durable_objects as Raw | undefined;
  if (objects !== undefined && (typeof objects !== "object" || objects === null || Array.isArray(objects)))
    problems.push('durable_objects: must be an object like { "bindings": [{ "name": "…", "class_name": "…" }] }');
  const durableObjects = fields.list(
    objects ?? {},
    "bindings",
    (item, at) => {
      const className = fields.string(item, "class_name", { required: true, at });
      const scriptName = fields.string(item, "script_name", { at });
      return {
        binding: fields.string(item, "name", { required: true, at }),
        className,
        ...(scriptName ? { scriptName } : {}),
        sqlite: sqliteClasses.has(className),
      };
    },
    "durable_objects.bindings",
  );
  const services = fields.list(raw, "services", (item, at) => {
    const entrypoint = fields.string(item, "entrypoint", { at });
    return {
      binding: fields.string(item, "binding", { required: true, at }),
      service: fields.string(item, "service", { required: true, at }),
      ...(entrypoint ? { entrypoint } : {}),
    };
  });
  let vars: Record<string, unknown> = {};
  if (raw.vars !== undefined) {
    if (typeof raw.vars !== "object" || raw.vars === null || Array.isArray(raw.vars))
      problems.push('vars: must be an object like { "NAME": "value" }');
    else vars = raw.vars as Record<string, unknown>;
  }

  const bound = new Set(durableObjects.map((d) => d.className));
  const unboundDurableObjects = [...migrated]
    .filter(([className]) => !bound.has(className))
    .map(([className, sqlite]) => ({ className, sqlite }));

  if (problems.length > 0) throw new ConfigError(problems, shown(file));
  return {
    main,
    wranglerFile: file,
    compatibilityDate,
    compatibilityFlags,
    workflows: workflows.map(({ scriptName: _, ...w }) => w),
    workerLoaders,
    kvNamespaces,
    r2Buckets,
    durableObjects,
    ...(unboundDurableObjects.length > 0 ? { unboundDurableObjects } : {}),
    vars,
    services,
  };
}

/** The classes the migrations leave declared (new, renamed, deleted in order), each with whether it is SQLite. */
function migratedClasses(migrations: Raw[]): Map<string, boolean> {
  const classes = new Map<string, boolean>();
  const names = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === "string") : []);
  for (const migration of migrations) {
    for (const name of names(migration.new_classes)) classes.set(name, false);
    for (const name of names(migration.new_sqlite_classes)) classes.set(name, true);
    for (const rename of Array.isArray(migration.renamed_classes) ? migration.renamed_classes : []) {
      const { from, to } = (rename ?? {}) as { from?: unknown; to?: unknown };
      if (typeof from !== "string" || typeof to !== "string" || !classes.has(from)) continue;
      classes.set(to, classes.get(from)!);
      classes.delete(from);
    }
    for (const name of names(migration.deleted_classes)) classes.delete(name);
  }
  return classes;
}

/** Typed reads of wrangler fields that record one problem per wrong field (so one run lists them all). */
class FieldReader {
  constructor(private readonly problems: string[]) {}

  string(item: Raw, key: string, options: { required?: boolean; at?: string } = {}): string {
    const field = options.at ? `${options.at}.${key}` : key;
    const value = item[key];
    if (value === undefined) {
      if (options.required) this.problems.push(`${field}: required (a string)`);
      return "";
    }
    if (typeof value !== "string" || value === "") {
      this.problems.push(`${field}: must be a non-empty string, got ${JSON.stringify(value)}`);
      return "";
    }
    return value;
  }

  strings(item: Raw, key: string, at?: string): string[] {
    const field = at ? `${at}.${key}` : key;
    const value = item[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      this.problems.push(`${field}: must be an array of strings, got ${JSON.stringify(value)}`);
      return [];
    }
    return value as string[];
  }

  list<T>(item: Raw, key: string, read: (entry: Raw, at: string) => T, label = key): T[] {
    const value = item[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problems.push(`${label}: must be an array, got ${JSON.stringify(value)}`);
      return [];
    }
    return value.flatMap((entry, index) => {
      const at = `${label}[${index}]`;
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        this.problems.push(`${at}: must be an object, got ${JSON.stringify(entry)}`);
        return [];
      }
      return [read(entry as Raw, at)];
    });
  }
}
