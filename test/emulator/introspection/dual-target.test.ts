/**
 * The dual-target introspection cases (test/dual-target/introspection-cases.ts) on the emulator, both profiles; the
 * same cases run inside workerd in test/workerd/dual-target.test.ts.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { Emulator, PROFILES, type ProfileName, type Workflow } from "../../../emulator/index.ts";
import { introspectWorkflow, introspectWorkflowInstance } from "../../../emulator/introspection/index.ts";
import { TenantRegistry } from "../../../contract/tenant-registry.ts";
import { emulatorTopology } from "../../../targets/topology.ts";
import { introspectionCases, type IntrospectionTarget } from "../../dual-target/introspection-cases.ts";

for (const profile of Object.keys(PROFILES) as ProfileName[]) {
  describe(`dual-target introspection on the emulator (${profile} profile)`, () => {
    let emulator: Emulator;
    let target: IntrospectionTarget;
    beforeAll(async () => {
      emulator = new Emulator(emulatorTopology(TenantRegistry.probes(["acme", "globex", "initech"]), { profile }));
      const env = await emulator.getBindings<{ WORKFLOWS: Workflow }>();
      target = {
        binding: env.WORKFLOWS,
        fetch: (url, init) => emulator.dispatchFetch(url, init),
        introspectWorkflowInstance,
        introspectWorkflow,
      };
    });
    afterAll(() => emulator.dispose());

    for (const [name, body] of Object.entries(introspectionCases)) it(name, () => body(target));
  });
}
