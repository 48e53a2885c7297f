// Replay-UNSAFE: a side effect outside any step. The notification is sent from run() itself, so every replay of
// run() (after each sleep, crash or eviction) sends it again; inside a step.do it would be sent once per commit.
import { WorkflowEntrypoint } from "cloudflare:workers";

export class SideEffectWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const user = await step.do("create-user", async () => ({ id: event.payload.userId }));
    await fetch("https://hooks.example.com/notify", { method: "POST", body: JSON.stringify({ user: user.id }) });
    await step.sleep("grace-period", "1 hour");
    await step.do("activate", async () => ({ active: true }));
    return { user: user.id };
  }
}
