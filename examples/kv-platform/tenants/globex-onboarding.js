// Tenant "globex": a customer onboarding journey over six weeks — a day to settle in, a tips email, two weeks to
// create a first project (a nudge, retried, if they do not), a month before asking for a review.
import { WorkflowEntrypoint } from "cloudflare:workers";

export const VERSION = "globex-onboarding@1";

export class TenantWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const { email } = event.payload;
    const account = await step.do("create account", async () => ({ accountId: `acct-${email}`, plan: "trial" }));
    await step.sleep("let them settle in", "1 day");
    await step.do("send tips email", async () => ({ to: email, template: "tips" }));
    let firstProject = null;
    try {
      const created = await step.waitForEvent("first project", { type: "project-created", timeout: "14 days" });
      firstProject = created.payload.name;
      await step.do("congratulate", async () => ({ to: email, project: firstProject }));
    } catch {
      await step.do("send nudge", { retries: { limit: 2, delay: "1 hour", backoff: "constant" } }, async () => ({
        to: email,
        template: "nudge",
      }));
    }
    await step.sleep("a month of use", "30 days");
    const review = await step.do("ask for a review", async () => ({ to: email, template: "review" }));
    return { version: VERSION, account, firstProject, review };
  }
}

// The tenant's API, reached at /t/globex/…: POST /signups, GET /signups/<id>, POST /signups/<id>/projects.
export default {
  async fetch(request, env) {
    const [resource, id, action] = new URL(request.url).pathname.split("/").filter(Boolean);
    if (resource !== "signups") return new Response("not found", { status: 404 });
    if (!id && request.method === "POST") {
      const instance = await env.FLOWS.create({ params: await request.json() });
      return Response.json({ id: await instance.id });
    }
    const instance = await env.FLOWS.get(id);
    if (action === "projects" && request.method === "POST") {
      await instance.sendEvent({ type: "project-created", payload: await request.json() });
      return Response.json({ ok: true });
    }
    return Response.json(await instance.status());
  },
};
