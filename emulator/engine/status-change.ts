/**
 * One status change of an instance: traced, its retention expiry set again (WF-95), and in production its event
 * appended for `subscribe()` readers (WF-84). Every lifecycle file changes status through here, so none can forget one
 * of the three.
 */
import { appendStatusEvent } from "./instance-events.ts";
import type { InstanceRecord } from "./instance-record.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { expiryOf } from "./retention.ts";
import type { InstanceStatusName } from "./status.ts";

export function setStatus(engine: LifecycleEngine, record: InstanceRecord, to: InstanceStatusName): void {
  if (record.status === to) return;
  engine.host.trace.record({ type: "status", workflow: engine.name, instance: record.id, from: record.status, to });
  record.status = to;
  const now = engine.host.clock.now();
  record.expiresAt = expiryOf(record, to, now);
  if (engine.host.profile.supportsSubscribe) {
    appendStatusEvent(record, to, now);
    engine.eventHub.notify(record.id);
  }
}
