/**
 * The app's own (static) workflow: a run's log is kept for 30 days after the run is posted, then forgotten. It is
 * the first workflow in wrangler.jsonc, which is why dwc.config.json names the dynamic one ("workflow": "runs").
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { runLog } from "./run-tail.ts";

export class LogRetention extends WorkflowEntrypoint<unknown, { runId: string }> {
  async run(event: WorkflowEvent<{ runId: string }>, step: WorkflowStep) {
    await step.sleep("keep the log", "30 days");
    return step.do("forget the log", async () => ({ forgotten: await runLog(event.payload.runId).forget() }));
  }
}
