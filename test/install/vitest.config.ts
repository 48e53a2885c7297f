// The install path (pack → install into a fresh project → npx dwc), apart from `npm test` because it builds and
// packs the package (~40 s): `npm run test:install`, which .ci/run calls.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/install/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 },
});
