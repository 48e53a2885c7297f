// Replay-UNSAFE: a module-level counter used across replays. In a warm isolate the counter keeps counting from the
// previous run() lifetime, so a replay names its batch steps differently; after an eviction it starts again at 0.
import { WorkflowEntrypoint } from "cloudflare:workers";

let batches = 0;

export class ModuleCounterWorkflow extends WorkflowEntrypoint {
  async run(_event, step) {
    batches += 1;
    await step.do(`import-batch-${batches}`, async () => ({ imported: 100 }));
    await step.sleep("throttle", "5 minutes");
    await step.do("finish-import", async () => ({ ok: true }));
    return { batches: 1 };
  }
}
