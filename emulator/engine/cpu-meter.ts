/**
 * WF-92: how the emulator reads the CPU time of a step attempt. Production counts the active CPU time of the step;
 * Node cannot attribute CPU to one async callback, so the emulator measures the callback's synchronous part (up to
 * its first `await`), where no other code can run: its wall time is the thread's CPU time. A meter is a function
 * returning cumulative milliseconds; the attempt's CPU is the difference of two readings around that part.
 */
export type CpuMeter = () => number;

/** The default: `performance.now()`, which for synchronous code is the CPU time of this thread (not of other threads). */
export const wallClockCpuMeter: CpuMeter = () => performance.now();

/**
 * A meter for tests and for trying a platform at the limit: the N-th measured attempt (in the order attempts run)
 * "uses" `msPerAttempt[N]` ms of CPU, 0 once the list is used up. Nothing depends on how fast the machine is.
 */
export function scriptedCpuMeter(msPerAttempt: readonly number[]): CpuMeter {
  const script = [...msPerAttempt];
  let total = 0;
  let readings = 0;
  // Readings come in pairs (before and after an attempt's synchronous part): the second of a pair adds the next cost.
  return () => {
    if (readings++ % 2 === 1) total += script.shift() ?? 0;
    return total;
  };
}
