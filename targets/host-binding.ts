/**
 * `HostBinding` (contract/capabilities.ts) over a Workflow binding the harness holds from the host side — the
 * emulator's `getBindings()` and miniflare's alike give one with this shape.
 */
import type { ControlAction, HostBinding } from "../contract/capabilities.ts";

export interface HostWorkflows {
  create(options: { params: unknown }): Promise<{ id: string }>;
  get(id: string): Promise<
    Record<ControlAction, () => Promise<void>> & {
      sendEvent(event: { type: string; payload?: unknown }): Promise<void>;
      status(): ReturnType<HostBinding["status"]>;
    }
  >;
}

/** `workflows` is asked on every call: a restarted runtime hands out a new binding. */
export function hostBindingOver(workflows: () => Promise<HostWorkflows>): HostBinding {
  return {
    create: async (params) => (await (await workflows()).create({ params })).id,
    sendEvent: async (id, type, payload) => (await (await workflows()).get(id)).sendEvent({ type, payload }),
    control: async (id, action) => (await (await workflows()).get(id))[action](),
    // Copied into plain data: miniflare hands back its own objects.
    status: async (id) => structuredClone(await (await (await workflows()).get(id)).status()),
  };
}
