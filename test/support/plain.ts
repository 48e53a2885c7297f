/**
 * A plain (non-dynamic) Workflow in the emulator, for engine-semantics tests: the dispatcher is a single module
 * whose `Flow` class runs `body`. Instances are created from the host through `getBindings()`.
 */
import { Emulator, type EmulatorOptions } from "../../emulator/index.ts";

export interface PlainWorkflow {
  emulator: Emulator;
  /** The host-side Workflow binding. */
  workflows: {
    create(options?: { id?: string; params?: unknown }): Promise<Handle>;
    createBatch(batch: Array<{ id?: string; params?: unknown }>): Promise<Handle[]>;
    get(id: string): Promise<Handle>;
  };
}

export interface Handle {
  id: string;
  status(): Promise<any>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  terminate(): Promise<void>;
  restart(options?: unknown): Promise<void>;
  sendEvent(event: { type: string; payload?: unknown }): Promise<void>;
}

/**
 * `body` is the source of `async run(event, step) { ... }`'s body. It can use `NonRetryableError`, and `globalThis.log`
 * (an array on the dispatcher's global, readable with `readLog`) to record side effects.
 */
export async function startPlain(
  body: string,
  options: Partial<EmulatorOptions> = {},
  extraModuleSource = "",
): Promise<PlainWorkflow> {
  const script = `
    import { WorkflowEntrypoint } from "cloudflare:workers";
    import { NonRetryableError } from "cloudflare:workflows";
    globalThis.log = [];
    ${extraModuleSource}
    export class Flow extends WorkflowEntrypoint {
      async run(event, step) { ${body} }
    }
    export default { async fetch() { return new Response(JSON.stringify(globalThis.log)); } };
  `;
  const emulator = new Emulator({
    script,
    modules: true,
    compatibilityDate: "2026-01-01",
    workflows: { WORKFLOWS: { name: "flow", className: "Flow" } },
    log: false,
    ...options,
  });
  await emulator.ready;
  const bindings = await emulator.getBindings<{ WORKFLOWS: PlainWorkflow["workflows"] }>();
  return { emulator, workflows: bindings.WORKFLOWS };
}

/** The dispatcher's `globalThis.log` (side effects recorded by step callbacks); lost when the isolate dies. */
export async function readLog(emulator: Emulator): Promise<unknown[]> {
  return (await (await emulator.dispatchFetch("http://dispatcher/")).json()) as unknown[];
}
