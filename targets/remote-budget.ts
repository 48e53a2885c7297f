/**
 * The real time one started remote target (one scenario of `dwc compare`) may spend on the deployment. A deployment
 * slower than that is a setup problem with a fix, not a difference: every request, wait or settle past the budget
 * fails with RemoteBudgetError, which names the budget and how to raise it. Requests already sent are not aborted:
 * they may be creating an instance, which the target must still learn of to clean it up (remote-target.ts).
 */
import { TargetUnusableError } from "../contract/target-unusable.ts";

export class RemoteBudgetError extends TargetUnusableError {
  override readonly name = "RemoteBudgetError";
}

export interface BudgetOptions {
  /** The budget in ms. */
  ms: number;
  /** What one budget covers, for the message: "per scenario". */
  per: string;
  /** How the user raises it, for the message: "--budget <seconds>". */
  raise: string;
}

export class RemoteBudget {
  private readonly deadline: number;

  constructor(
    private readonly options: BudgetOptions,
    private readonly endpoint: string,
    started = Date.now(),
  ) {
    this.deadline = started + options.ms;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  spent(): boolean {
    return this.remainingMs() === 0;
  }

  error(what: string): RemoteBudgetError {
    const seconds = this.options.ms / 1000;
    return new RemoteBudgetError(
      `the deployment at ${this.endpoint} is slower than the budget of ${seconds} s ${this.options.per}: ${what}. Raise the budget with ${this.options.raise} (a deployment far away or a cold start can need more), or check that the deployment answers.`,
    );
  }

  /** Throws when the budget is spent; `what` says what was about to start. */
  check(what: string): void {
    if (this.spent()) throw this.error(`${what} could not start, the budget was spent`);
  }

  /** `work`, or RemoteBudgetError when the budget runs out first (`work` goes on: see the file comment). */
  race<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.error(`${what} had no answer when the budget ran out`)), this.remainingMs());
    });
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
  }
}
