// The oracle's mutation test (oracle-mutations.test.ts), apart from `npm test` because it runs the property suite's
// whole default budget about twenty times (~1 min on an idle machine, ~3 min on a busy one): `npm run
// test:mutations`, which .ci/run calls.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/simulation/oracle-mutations.test.ts"], testTimeout: 180_000 },
});
