// Replay-UNSAFE: a step name built from Date.now() outside a step. Every replay (after the sleep, a crash, an
// eviction) computes another name, so the recorded step is not found and its callback runs again.
import { WorkflowEntrypoint } from "cloudflare:workers";

export class DateNamedWorkflow extends WorkflowEntrypoint {
  async run(_event, step) {
    const report = await step.do(`report-${Date.now()}`, async () => ({ rows: 3 }));
    await step.sleep("cool-down", "10 minutes");
    await step.do("publish", async () => ({ published: report.rows }));
    return { report };
  }
}
