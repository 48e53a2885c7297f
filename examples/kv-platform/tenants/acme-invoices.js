// Tenant "acme": invoices that wait for a manager's approval (up to 7 days), charge a flaky payment gateway with
// retries, then give the customer 3 days of grace before the receipt. Deployed as plain JavaScript into KV.
import { WorkflowEntrypoint } from "cloudflare:workers";

export const VERSION = "acme-invoices@1";

export class TenantWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const { customer, amountCents, gatewayFailures = 2 } = event.payload;
    const invoice = await step.do("draft invoice", async () => ({
      number: `INV-${event.instanceId.slice(0, 8)}`,
      customer,
      amountCents,
    }));
    let decision;
    try {
      decision = await step.waitForEvent("manager approval", { type: "approval", timeout: "7 days" });
    } catch {
      await step.do("void unapproved invoice", async () => ({ voided: invoice.number }));
      return { version: VERSION, invoice: invoice.number, outcome: "expired" };
    }
    if (!decision.payload.approved)
      return { version: VERSION, invoice: invoice.number, outcome: "rejected", by: decision.payload.by };
    const charge = await step.do(
      "charge card",
      { retries: { limit: 4, delay: "10 minutes", backoff: "exponential" }, timeout: "1 minute" },
      async (ctx) => {
        // The gateway times out on the first `gatewayFailures` attempts: the retries are what gets the money in.
        if (ctx.attempt <= gatewayFailures) throw new Error(`payment gateway timeout (attempt ${ctx.attempt})`);
        return { chargeId: `ch_${invoice.number}`, attempt: ctx.attempt };
      },
    );
    await step.sleep("grace period", "3 days");
    const receipt = await step.do("send receipt", async () => ({ to: customer, chargeId: charge.chargeId }));
    return {
      version: VERSION,
      invoice: invoice.number,
      outcome: "paid",
      approvedBy: decision.payload.by,
      charge,
      receipt,
    };
  }
}

// The tenant's API, reached at /t/acme/…: POST /invoices, GET /invoices/<id>, POST /invoices/<id>/approval.
export default {
  async fetch(request, env) {
    const [resource, id, action] = new URL(request.url).pathname.split("/").filter(Boolean);
    if (resource !== "invoices") return new Response("not found", { status: 404 });
    if (!id && request.method === "POST") {
      const instance = await env.FLOWS.create({ params: await request.json() });
      return Response.json({ id: await instance.id });
    }
    const instance = await env.FLOWS.get(id);
    if (action === "approval" && request.method === "POST") {
      await instance.sendEvent({ type: "approval", payload: await request.json() });
      return Response.json({ ok: true });
    }
    return Response.json(await instance.status());
  },
};
