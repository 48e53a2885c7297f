// Types for the in-workerd project (test/workerd/tsconfig.json): the bindings in wrangler.jsonc, the main
// module's exports (for `exports` from cloudflare:workers), and `?raw` text imports (a Vite feature).
declare namespace Cloudflare {
  interface Env {
    WORKFLOWS: Workflow;
    LOADER: WorkerLoader;
    TENANTS: Fetcher;
  }
  interface GlobalProps {
    mainModule: typeof import("./entry.ts");
  }
}

declare module "*?raw" {
  const text: string;
  export default text;
}
