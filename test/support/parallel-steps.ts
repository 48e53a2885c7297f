/**
 * A workflow body with two branches of steps in parallel: "slow" (1 minute) and, in a chain, "fast" (10 s) then
 * "third". Pausing during "slow" shows how a pause treats steps that are running, finished, and not yet called.
 * Promise.all observes both branches: on the local engine both reject with the pause error (one left unobserved
 * would only be logged, as workerd does: emulator/runtime/unhandled-rejections.ts).
 */
export const PARALLEL_STEPS = `
  const slow = step.do("slow", async () => { await new Promise((r) => setTimeout(r, 60_000)); return "slow"; });
  const chain = (async () => {
    const fast = await step.do("fast", async () => { await new Promise((r) => setTimeout(r, 10_000)); return "fast"; });
    return [fast, await step.do("third", async () => "third")];
  })();
  const [first, rest] = await Promise.all([slow, chain]);
  return [first, ...rest];
`;
