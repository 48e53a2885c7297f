/**
 * The dual-target introspection cases (test/dual-target/introspection-cases.ts) inside workerd, through the vitest
 * plugin's `cloudflare:test`; the same cases run on the emulator in test/emulator/introspection/dual-target.test.ts.
 */
import { introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, it } from "vitest";
import { introspectionCases, type IntrospectionTarget } from "../dual-target/introspection-cases.ts";

const target: IntrospectionTarget = {
  binding: env.WORKFLOWS,
  fetch: (url, init) => exports.default.fetch(url, init),
  introspectWorkflowInstance: (binding, id) => introspectWorkflowInstance(binding as Workflow, id),
  introspectWorkflow: (binding) => introspectWorkflow(binding as Workflow),
};

describe("dual-target introspection in workerd (cloudflare:test)", () => {
  for (const [name, body] of Object.entries(introspectionCases)) it(name, () => body(target));
});
