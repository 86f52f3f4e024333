// Names the run's branch once the plan is approved: `baro/<slug>`, or `baro/<slug>-2`… when an earlier run owns it.
import { fromPromise } from 'xstate';
import type { PlanDef } from '../machines/types.js';
import { branchExists } from '../services/git/repo.js';
import { branchForPlan } from '../services/plan.js';

// Never reuses someone's branch.
async function freeBranch(repoDir: string, wanted: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    if (!(await branchExists(repoDir, candidate))) return candidate;
  }
}

export const nameBranchLogic = fromPromise<string, { repoDir: string; plan: PlanDef }>(({ input }) =>
  freeBranch(input.repoDir, branchForPlan(input.plan)),
);
