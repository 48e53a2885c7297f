/**
 * The streaming tail attached to every run's worker (`streamingTails`, experimental): each console call of the run's
 * code arrives here as it happens — inside workflow steps too — and is appended to that run's RunLog.
 */
import { exports, WorkerEntrypoint } from "cloudflare:workers";
import type { RunLog } from "./run-log.ts";

export function runLog(runId: string): DurableObjectStub<RunLog> {
  return (exports as unknown as { RunLog: DurableObjectNamespace<RunLog> }).RunLog.getByName(runId);
}

function text(message: unknown): string {
  const parts = Array.isArray(message) ? message : [message];
  return parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ");
}

export class RunTail extends WorkerEntrypoint<unknown, { runId: string }> {
  tailStream() {
    const log = runLog(this.ctx.props.runId);
    return {
      log: async (event: { timestamp: Date; event: { level: string; message: unknown } }) => {
        await log.append([
          { at: event.timestamp.getTime(), kind: "log", message: `${event.event.level}: ${text(event.event.message)}` },
        ]);
      },
    };
  }
}
