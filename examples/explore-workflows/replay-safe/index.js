// A replay-safe order workflow: everything that varies (time, randomness, side effects) happens inside step.do
// callbacks, whose results the engine stores and replays. `dwc explore` passes it under every fault schedule.
import { WorkflowEntrypoint } from "cloudflare:workers";

export class OrderWorkflow extends WorkflowEntrypoint {
  async run(event, step) {
    const { orderId, amount } = event.payload;
    const order = await step.do("reserve-stock", async () => ({ orderId, reservedAt: Date.now() }));
    const charge = await step.do("charge-card", async () => ({ chargeId: `ch-${orderId}`, amount }));
    await step.sleep("wait-for-warehouse", "1 hour");
    const approval = await step.waitForEvent("manager-approval", { type: "approval", timeout: "1 day" });
    const shipment = await step.do("ship", async () => ({ tracking: `trk-${orderId}`, by: approval.payload.by }));
    await step.do("email-customer", async () => ({ to: `${orderId}@example.com` }));
    const receipt = await step.do("write-receipt", async () => ({ orderId, total: charge.amount }));
    return { orderId: order.orderId, charged: charge.amount, tracking: shipment.tracking, receipt };
  }
}
