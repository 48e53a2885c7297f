/**
 * What the emulator does with the bindings it is given: vars and secrets reach the dispatcher's env as plain values
 * (https://developers.cloudflare.com/workers/configuration/environment-variables/, …/secrets/); a binding type it
 * does not provide is refused at construction with its name, its type and the fix — never `undefined` later.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Emulator, UNSUPPORTED_BINDING_OPTIONS } from "../../../emulator/index.ts";
import { startWorker } from "./worker-json.ts";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

const SCRIPT = "export default { fetch() { return new Response('ok'); } }";

describe("bindings the emulator provides and refuses", () => {
  it("vars (strings and JSON) and secrets reach env as plain values (/workers/configuration/environment-variables/)", async () => {
    const started = await startWorker(
      "export async function env({ API_HOST, LIMITS, API_TOKEN }) { return { API_HOST, LIMITS, API_TOKEN }; }",
      {
        bindings: { API_HOST: "example.com", LIMITS: { steps: 3, tiers: ["a"] }, API_TOKEN: "s3cret" },
        kvNamespaces: ["KV"],
      },
    );
    emulator = started.emulator;
    const env = await started.call("env");
    expect(env).toEqual({ API_HOST: "example.com", LIMITS: { steps: 3, tiers: ["a"] }, API_TOKEN: "s3cret" });
  });

  it("a D1 database binding is refused at construction with its name, its type and what to do", () => {
    expect(() => new Emulator({ modules: true, script: SCRIPT, d1Databases: ["DB"] } as never)).toThrow(
      "The emulator does not support D1 database bindings: DB (option d1Databases). It provides Workflows (workflows), " +
        "Worker Loaders (workerLoaders), KV namespaces (kvNamespaces), R2 buckets (r2Buckets), Durable Objects of the " +
        "dispatcher's own classes (durableObjects), vars and secrets (bindings), and services handled in Node " +
        "(serviceBindings). Remove the binding from the subject, or run it on the workerd target",
    );
  });

  it.each(Object.entries(UNSUPPORTED_BINDING_OPTIONS))("option %s (%s) is refused by name", (option, type) => {
    const value = option === "ai" || option === "browserRendering" ? { binding: "THING" } : { THING: "x" };
    let thrown: unknown;
    try {
      new Emulator({ modules: true, script: SCRIPT, [option]: value } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe("EmulatorUsageError");
    expect((thrown as Error).message).toContain(`does not support ${type} bindings: THING (option ${option})`);
  });

  it("an object that is not a plain value in `bindings` (a hand-made KV) is refused with where it belongs", () => {
    const fakeKv = new (class FakeKv {
      get() {
        return null;
      }
    })();
    expect(() => new Emulator({ modules: true, script: SCRIPT, bindings: { TENANT_CODE: fakeKv } })).toThrow(
      "bindings.TENANT_CODE is an object of class FakeKv: `bindings` holds plain values (vars and secrets: strings, " +
        "numbers, JSON). A KV namespace goes in kvNamespaces",
    );
  });

  it("bindings to other workers (Durable Object or Workflow scriptName, a service by name) and a name used twice are refused", () => {
    expect(
      () =>
        new Emulator({
          modules: true,
          script: SCRIPT,
          durableObjects: { LOGS: { className: "LogSession", scriptName: "logger" } },
        }),
    ).toThrow('durableObjects.LOGS names scriptName "logger": Durable Objects of another worker are not supported');
    expect(
      () =>
        new Emulator({
          modules: true,
          script: SCRIPT,
          workflows: { FLOW: { name: "flow", className: "Flow", scriptName: "other" } as never },
        }),
    ).toThrow('workflows.FLOW names scriptName "other": a Workflow of another worker is not supported');
    expect(
      () => new Emulator({ modules: true, script: SCRIPT, serviceBindings: { AUTH: "auth-worker" as never } }),
    ).toThrow('serviceBindings.AUTH must be a function (request) => Response handled in Node, got "auth-worker"');
    expect(() => new Emulator({ modules: true, script: SCRIPT, kvNamespaces: ["DATA"], r2Buckets: ["DATA"] })).toThrow(
      "The binding name DATA is given twice (kvNamespaces and r2Buckets)",
    );
  });
});
