// A run's source, as a user would post it (POST /runs { source, payload }): a release that builds, tests with
// retries, waits for a human's go, then watches a canary before promoting. Plain JavaScript: it is loaded as is.
import { WorkflowEntrypoint } from "cloudflare:workers";

export class TenantWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const { service, flakyTests = 1, canary = "2 hours" } = event.payload;
    const build = await step.do("build", async () => {
      console.log(`building ${service}`);
      return { artifact: `${service}-${event.instanceId.slice(0, 8)}.tar` };
    });
    const tests = await step.do(
      "test",
      { retries: { limit: 3, delay: "30 seconds", backoff: "linear" } },
      async (ctx) => {
        console.log(`test attempt ${ctx.attempt}`);
        if (ctx.attempt <= flakyTests) throw new Error(`flaky integration test (attempt ${ctx.attempt})`);
        return { passed: true, attempts: ctx.attempt };
      },
    );
    const go = await step.waitForEvent("release approval", { type: "go", timeout: "1 day" });
    console.log(`approved by ${go.payload.by}`);
    await step.sleep("canary", canary);
    const promoted = await step.do("promote", async () => {
      console.log(`promoting ${build.artifact}`);
      return { promoted: build.artifact };
    });
    return { build, tests, approvedBy: go.payload.by, ...promoted };
  }
}

// The run's own API (reached at /runs/<runId>/…): the app calls POST /start; GET /status, POST /approve are the user's.
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/start" && request.method === "POST") {
      const { id, payload } = await request.json();
      const instance = await env.WORKFLOWS.create({ id, params: payload });
      return Response.json({ id: await instance.id, status: await instance.status() });
    }
    const [, id, action] = path.split("/");
    const instance = await env.WORKFLOWS.get(id);
    if (action === "approve" && request.method === "POST") {
      await instance.sendEvent({ type: "go", payload: await request.json() });
      return Response.json({ ok: true });
    }
    return Response.json(await instance.status());
  },
};
