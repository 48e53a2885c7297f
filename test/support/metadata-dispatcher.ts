/**
 * A dispatcher that tags instances with metadata carrying a Date and a Map (or a function, with ?fn=1) and returns
 * what its runner is handed back on run(): shows what survives the trip through the Workflow binding.
 */
import {
  createDynamicWorkflowEntrypoint,
  DynamicWorkflowBinding,
  wrapWorkflowBinding,
} from "@cloudflare/dynamic-workflows";

export { DynamicWorkflowBinding };

function kind(value: unknown): string {
  if (value instanceof Date) return "Date";
  if (value instanceof Map) return "Map";
  return `${typeof value} ${JSON.stringify(value)}`;
}

export const DynamicWorkflow = createDynamicWorkflowEntrypoint(async ({ metadata }) => ({
  run: async () => ({ tenantId: metadata.tenantId, since: kind(metadata.since), tags: kind(metadata.tags) }),
}));

export default {
  async fetch(request: Request): Promise<Response> {
    const withFunction = new URL(request.url).searchParams.has("fn");
    const metadata: Record<string, unknown> = {
      tenantId: "acme",
      since: new Date(0),
      tags: new Map([["tier", "gold"]]),
    };
    if (withFunction) metadata.audit = () => "not data";
    try {
      const instance = await (
        wrapWorkflowBinding(metadata) as unknown as { create(o: unknown): Promise<{ id: Promise<string> }> }
      ).create({ params: {} });
      return Response.json({ id: await instance.id });
    } catch (error) {
      return Response.json(
        { error: { name: (error as Error).name, message: (error as Error).message } },
        { status: 400 },
      );
    }
  },
};
