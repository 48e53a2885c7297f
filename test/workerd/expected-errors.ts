/**
 * The in-workerd tests make some workflow runs fail on purpose. The plugin reports each failed `run()` as an
 * unhandled rejection (workerd surfaces it), which would fail the whole run. This filter drops exactly those
 * errors, and only when they come from a test file under test/workerd/: a vitest `onUnhandledError` callback
 * (return `false` to ignore). Every other unhandled error still fails the run.
 *
 * vitest reads `onUnhandledError` from the ROOT config only (it is a run-wide option, ignored inside
 * `test.projects` entries), so both test/workerd/vitest.config.ts (standalone runs) and the root vitest.config.ts
 * use this function.
 */
const EXPECTED: ReadonlyArray<{ name: string; message: RegExp }> = [
  // "an instance created without the envelope fails with the library's missing-metadata error"
  {
    name: "MissingDispatcherMetadataError",
    message: /^dynamic-workflows: workflow event is missing dispatcher metadata\. /,
  },
  // "mockStepError on every attempt exhausts the retries ..."
  { name: "Error", message: /^injected permanent outage$/ },
];

export function ignoreExpectedWorkflowFailures(error: unknown): boolean | undefined {
  if (typeof error !== "object" || error === null) return;
  const {
    name,
    message,
    VITEST_TEST_PATH: testPath,
  } = error as { name?: unknown; message?: unknown; VITEST_TEST_PATH?: unknown };
  if (typeof testPath !== "string" || !/[\\/]test[\\/]workerd[\\/][^\\/]+\.test\.ts$/.test(testPath)) return;
  if (typeof name !== "string" || typeof message !== "string") return;
  if (EXPECTED.some((expected) => expected.name === name && expected.message.test(message))) return false;
}
