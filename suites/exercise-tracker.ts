/**
 * What a case exercised on a target: how many instances it created and the first tenant request the dispatcher
 * refused. A case that passes while creating nothing, or while its requests were refused, proved nothing (issue 13:
 * no false greens), so runCase and `dwc run` turn both into failures.
 */
import type { RunningTarget, TargetResponse } from "../contract/target.ts";
import { reply } from "./probe.ts";

export interface Exercised {
  /** Instances the case created through the target (single creates; createBatch counts each id). */
  created: number;
  /** The first request answered with a 4xx/5xx: method, path, tenant and the response. */
  firstRefusal?: string;
}

/** A view of `target` that records what passes through it; the case runs against the view. */
export function trackExercise(target: RunningTarget): { target: RunningTarget; exercised: Exercised } {
  const exercised: Exercised = { created: 0 };
  const refused = (what: string, response: TargetResponse) => {
    if (response.status >= 400 && exercised.firstRefusal === undefined) {
      exercised.firstRefusal = `${what} → HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
    }
  };
  // Every other member is the target's own, called on the target (a restart replaces its fields: they must stay its).
  const view = {} as Pick<RunningTarget, "request" | "create" | "sendEvent" | "control">;
  view.request = async (tenant, path, init) => {
    const response = await target.request(tenant, path, init);
    const method = init?.method ?? (init?.body === undefined ? "GET" : "POST");
    refused(`${method} ${path} for tenant "${tenant}"`, response);
    if (response.status === 200 && method === "POST" && path === "/workflows/batch") {
      const { ids } = reply(response);
      if (Array.isArray(ids)) exercised.created += ids.length;
    } else if (response.status === 200 && method === "POST" && path === "/workflows") {
      if (typeof reply(response).id === "string") exercised.created += 1;
    }
    return response;
  };
  view.create = async (tenant, params, id) => {
    try {
      const created = await target.create(tenant, params, id);
      exercised.created += 1;
      return created;
    } catch (error) {
      exercised.firstRefusal ??= `POST /workflows for tenant "${tenant}" → ${error instanceof Error ? error.message : String(error)}`;
      throw error;
    }
  };
  view.sendEvent = async (tenant, id, type, payload) => {
    const response = await target.sendEvent(tenant, id, type, payload);
    refused(`POST /workflows/${id}/events for tenant "${tenant}"`, response);
    return response;
  };
  view.control = async (tenant, id, action) => {
    const response = await target.control(tenant, id, action);
    refused(`POST /workflows/${id}/${action} for tenant "${tenant}"`, response);
    return response;
  };
  const proxy = new Proxy(target, {
    get(real, key) {
      if (Object.hasOwn(view, key)) return view[key as keyof typeof view];
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === "function" ? value.bind(real) : value;
    },
  });
  return { target: proxy, exercised };
}
