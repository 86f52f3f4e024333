// Which branch a run works on: a plan that names an existing run branch continues it; otherwise a free name, claimed.
import { claimBranch } from './git/branch.js';
import { commitOf } from './git/repo.js';
import { branchForPlan } from './plan.js';
import type { Plan } from './plan.js';
import type { RunBranch } from '../machines/types.js';

/**
 * A plan whose `branch` is given explicitly and names an existing branch continues it: its stories merge on top and the
 * push is a fast-forward. A name derived from the goal never reuses a branch, here or on the remote the run pushes to
 * (another clone's run there): `baro/<slug>-2`, `-3`… instead. The name is made at `baseSha` as it is chosen, so runs
 * started together on one repository each get their own.
 */
export async function chooseRunBranch(
  repoDir: string,
  plan: Pick<Plan, 'goal' | 'branch'>,
  baseSha: string,
  remoteBranches: ReadonlySet<string> = new Set(),
): Promise<RunBranch> {
  const wanted = branchForPlan(plan);
  if (plan.branch !== undefined) {
    const head = await commitOf(repoDir, `refs/heads/${wanted}`);
    if (head !== undefined) return { branch: wanted, continuedFrom: head };
  }
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    if (plan.branch === undefined && remoteBranches.has(candidate)) continue;
    if (await claimBranch({ repoDir, branch: candidate, sha: baseSha }))
      return { branch: candidate, continuedFrom: undefined };
  }
}
