// Replay-UNSAFE: branches on Math.random() outside a step. A replay draws again and may take the other branch, so
// it calls steps the recorded run never had (and skips recorded ones).
import { WorkflowEntrypoint } from "cloudflare:workers";

export class RandomBranchWorkflow extends WorkflowEntrypoint {
  async run(_event, step) {
    await step.do("pick-plan", async () => ({ ok: true }));
    if (Math.random() < 0.5) {
      await step.do("send-discount", async () => ({ discount: 10 }));
    } else {
      await step.do("send-reminder", async () => ({ reminder: true }));
    }
    await step.sleep("trial-period", "1 day");
    await step.do("close", async () => ({ closed: true }));
    return { done: true };
  }
}
