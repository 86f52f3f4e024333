// A run's git effects over a fresh repository, performed op by op the way the Operator performs them.
import { dirname, join } from 'node:path';
import { createActor, toPromise } from 'xstate';
import { gitOpLogic } from '../../actors/git-op.js';
import type { GitDeps } from '../../actors/git-op.js';
import type { GitOp, GitOpResult, WorktreePoolState } from '../../machines/types.js';
import { runPaths } from '../../services/store/paths.js';
import { git, makeTempRepo } from '../helpers/repo.js';
import type { TempRepoOptions } from '../helpers/repo.js';

const EMPTY_POOL: WorktreePoolState = { free: [], held: {}, retired: [] };

/** A fresh repository, and the git deps baro's runtime gives run `runId` on it. */
export async function gitRunOn(runId: string, repoOptions: TempRepoOptions = {}) {
  const repo = await makeTempRepo(repoOptions);
  const paths = runPaths({ home: join(dirname(repo), 'home'), repoRoot: repo, runId });
  const storyBranch = (storyId: string) => `baro-stories/${runId}/${storyId}`;
  const deps: GitDeps = {
    repoRoot: repo,
    paths,
    storyBranch,
    baseSha: await git(repo, 'rev-parse', 'HEAD'),
    remote: undefined,
    identity: [],
  };
  return { repo, paths, storyBranch, deps };
}

/** Ops one at a time against `branch`, the worktree pool carried from each answer to the next op as the Operator does. */
export function performer(deps: GitDeps, branch: string) {
  const logic = gitOpLogic(deps);
  let pool = EMPTY_POOL;
  let before = pool;
  const perform = async (op: GitOp): Promise<GitOpResult> => {
    const { pool: after, ...result } = await toPromise(createActor(logic, { input: { op, branch, pool } }).start());
    before = pool;
    pool = after ?? pool;
    return result;
  };
  return {
    perform,
    /** A process restored from a snapshot saved before the last op answered: the pool as it was before that op. */
    restart: () => {
      pool = before;
    },
    /** A worktree pool lost altogether: every worktree is new to the Operator. */
    forget: () => {
      pool = EMPTY_POOL;
    },
  };
}
