// The mutation score (every declared dispatcher through `dwc run`, minutes of CLI runs), apart from `npm test` so
// that stays within its budget on a shared machine: `npm run test:mutants`, which .ci/run calls.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/mutants/**/*.test.ts"], testTimeout: 900_000, hookTimeout: 900_000 },
});
