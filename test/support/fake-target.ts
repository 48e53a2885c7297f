/**
 * A target that runs nothing, for the tests of what runs cases (runCase, the vacuity check, failure details): its
 * running target has only the methods a test gives it, so a case sees exactly the answers the test scripted, and the
 * target counts its disposals (a started target must be disposed, whatever the case did).
 */
import { type Capabilities, NO_CAPABILITIES } from "../../contract/capabilities.ts";
import { LOCAL } from "../../contract/emulator-surface.ts";
import type { RunningTarget, Target } from "../../contract/target.ts";

export interface FakeTarget extends Target {
  /** How often the running target was disposed. */
  disposed: number;
}

export interface FakeTargetOptions {
  /** Capabilities it declares (none by default). */
  capabilities?: Partial<Capabilities>;
  /** The running target's methods; a `dispose` given here runs after the count (to fail or hang a shutdown). */
  running?: Partial<RunningTarget>;
}

export function fakeTarget({ capabilities, running }: FakeTargetOptions = {}): FakeTarget {
  const target: FakeTarget = {
    name: "fake",
    profile: LOCAL,
    capabilities: { ...NO_CAPABILITIES, ...capabilities },
    disposed: 0,
    async start() {
      const dispose = async () => {
        target.disposed++;
        await running?.dispose?.();
      };
      return { ...running, dispose } as unknown as RunningTarget;
    },
  };
  return target;
}
