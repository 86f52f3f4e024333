// What `baro plan` and `baro run` share about planning: its limits and how a plan that stayed invalid is told.
import { UsageError } from './errors.js';

/** Repair turns after an invalid answer; transient failures retried before planning fails. */
export const PLANNING_LIMITS = { repairs: 2, transientRetries: 3 } as const;

/** Exit 2: the planner's answers kept breaking the plan rules, and nothing was run. */
export function plannerError(issues: readonly string[]): UsageError {
  return new UsageError(
    `The planner's plan still breaks the plan rules after ${PLANNING_LIMITS.repairs} repair turns; nothing was run.\n${issues.map((issue) => `  - ${issue}`).join('\n')}\nRun baro again (perhaps with a more precise goal), or write the plan yourself and pass it with --plan FILE.`,
  );
}
