/**
 * WL-14: streaming tails of a dynamic worker (`streamingTails`, allowed with `allowExperimental` under a dispatcher
 * that has the `experimental` flag). Each tail is a Fetcher (e.g. `ctx.exports.MyTail({ props })`); its
 * `tailStream(onset)` is called once, at the worker's first console event, and the handler it returns (an object
 * with `log`, or a function) receives each `console.*` call of the worker as `{ timestamp, sequence, event: { type:
 * "log", level, message } }`, in order. Simplified from the runtime's stream: one stream per isolate rather than one
 * per invocation, log events only (no `outcome`, `exception` or span events). A tail that fails never affects the
 * worker, and the worker's end (even killed mid-run) never stops a delivery already started. The host prints the
 * worker's console as the emulator's `log` option says (`base`; `log: false` arrives as a no-op, so nothing is
 * printed), and the tails receive every event whatever it says.
 */
import type { Clock } from "../clock.ts";
import { executionScope } from "../runtime/invoke.ts";
import { Realm } from "../runtime/realm.ts";
import { serviceTargetOf } from "../runtime/rpc-stubs.ts";
import { transfer } from "../runtime/transfer.ts";

type Log = (realm: string, level: string, args: unknown[]) => void;

export function streamingTailLog(tails: unknown[], label: string, clock: Clock, base: Log | undefined): Log {
  const host = Realm.host();
  let sequence = 0;
  const handlers = tails.map((tail) => {
    let handler: Promise<unknown> | null = null;
    return (event: Record<string, unknown>) => {
      const target = serviceTargetOf(tail);
      if (!target) return;
      handler ??= target.call(
        "tailStream",
        [{ timestamp: new Date(clock.now()), sequence: 0, event: { type: "onset", scriptName: label } }],
        host,
      );
      handler
        .then((h) => {
          const deliver = typeof h === "function" ? h : (h as Record<string, unknown> | null)?.log;
          return typeof deliver === "function" ? deliver(event) : undefined;
        })
        .catch(() => {}); // a failing tail is the tail's problem, as on the runtime
    };
  });
  return (realm, level, args) => {
    if (base) base(realm, level, args);
    else (console as unknown as Record<string, (...a: unknown[]) => void>)[level]?.(`[${realm}]`, ...args);
    const message = args.map((arg) => {
      try {
        return transfer(arg, host, host, "clone");
      } catch {
        return String(arg);
      }
    });
    const event = { timestamp: new Date(clock.now()), sequence: ++sequence, event: { type: "log", level, message } };
    // The tail runs as its own invocation: outside the producer's execution, so a tenant's run() killed by
    // hibernation or a crash does not take the delivery of its logs down with it.
    executionScope.exit(() => {
      for (const send of handlers) send(event);
    });
  };
}
