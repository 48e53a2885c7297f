/**
 * A dispatcher for binding tests: its fetch handler runs the exported async function named by the request path
 * (`/name`) with `env` and the request's JSON body, and answers its result as JSON, or `{ error: "Name: message" }`.
 */
import { Emulator, type EmulatorOptions } from "../../../emulator/index.ts";

export async function startWorker(
  functions: string,
  options: Partial<EmulatorOptions> = {},
): Promise<{ emulator: Emulator; call: (name: string, body?: unknown) => Promise<any> }> {
  const script = `
    ${functions}
    const handlers = { ${[...functions.matchAll(/export async function (\w+)/g)].map((m) => m[1]).join(", ")} };
    export default {
      async fetch(request, env, ctx) {
        const name = new URL(request.url).pathname.slice(1);
        const body = request.method === "POST" ? await request.json() : undefined;
        try {
          return Response.json({ result: await handlers[name](env, body, ctx) ?? null });
        } catch (error) {
          return Response.json({ error: error.name + ": " + error.message });
        }
      },
    };`;
  const emulator = new Emulator({ modules: true, script, compatibilityDate: "2026-01-28", log: false, ...options });
  await emulator.ready;
  const call = async (name: string, body?: unknown) => {
    const init = body === undefined ? undefined : { method: "POST", body: JSON.stringify(body) };
    const response = await emulator.dispatchFetch(`http://worker/${name}`, init);
    const json = (await response.json()) as { result?: unknown; error?: string };
    if (json.error !== undefined) throw new Error(json.error);
    return json.result;
  };
  return { emulator, call };
}
