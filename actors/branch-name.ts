// Names the run's branch once the plan is approved: a plan naming an existing run branch continues it, else a free name.
import { fromPromise } from 'xstate';
import type { PlanDef, RunBranch } from '../machines/types.js';
import { chooseRunBranch } from '../services/run-branch.js';

/** A new name is claimed at the run's base commit, and is none of the remote's branches. */
export const nameBranchLogic = (baseSha: string, remoteBranches: Promise<ReadonlySet<string>> | undefined) =>
  fromPromise<RunBranch, { repoDir: string; plan: PlanDef }>(async ({ input }) =>
    chooseRunBranch(input.repoDir, input.plan, baseSha, await remoteBranches),
  );
