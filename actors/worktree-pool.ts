// Which of a run's story worktrees each live story holds, and which ones finished stories gave back for the next.
// Only the Operator takes and gives back, in its worktrees lane one op at a time or by giving a pooled worktree to the
// story at the lane's head, so a worktree never serves two live stories; the Operator keeps the pool's state in its
// context between ops, so a restored run has it too.
import { pickPooled } from '../machines/operator.js';
import type { PooledWorktree, WorktreePoolState } from '../machines/types.js';

export interface WorktreePool {
  /** The worktree a live story holds, if any. */
  held(storyId: string): string | undefined;
  /** A worktree given back: `prefer` when it is free, else the most recently returned (its files are the warmest). */
  take(prefer?: string): PooledWorktree | undefined;
  hold(storyId: string, path: string): void;
  /** The story is finished and its work is on its branch: the next story may have its worktree, unless `retire`. */
  giveBack(storyId: string, options: { readonly mayHoldStrays: boolean; readonly retire: boolean }): void;
  /** A worktree that could not be switched to a new story: deleted at the end of the run, never reused. */
  retire(path: string): void;
  /** Everything at the end of the run: the worktrees stories still hold, and those safe to delete. */
  drain(): {
    readonly held: ReadonlyMap<string, string>;
    readonly disposable: readonly string[];
  };
  /** The pool as it stands now, for the Operator to keep. */
  state(): WorktreePoolState;
}

/** The pool as `saved` left it (empty when undefined): one op's working copy of the Operator's pool. */
export function createWorktreePool(saved?: WorktreePoolState): WorktreePool {
  const free: PooledWorktree[] = [...(saved?.free ?? [])];
  const holding = new Map<string, string>(Object.entries(saved?.held ?? {}));
  const retired: string[] = [...(saved?.retired ?? [])];
  const release = (storyId: string): string | undefined => {
    const path = holding.get(storyId);
    holding.delete(storyId);
    return path;
  };
  return {
    held: (storyId) => holding.get(storyId),
    take: (prefer) => free.splice(pickPooled(free, prefer), 1)[0],
    hold: (storyId, path) => {
      holding.set(storyId, path);
    },
    giveBack: (storyId, { mayHoldStrays, retire }) => {
      const path = release(storyId);
      if (path !== undefined && retire) retired.push(path);
      else if (path !== undefined) free.push({ path, mayHoldStrays });
    },
    retire: (path) => {
      retired.push(path);
    },
    drain: () => {
      const drained = {
        held: new Map(holding),
        disposable: [...free.map((worktree) => worktree.path), ...retired],
      };
      holding.clear();
      free.length = 0;
      retired.length = 0;
      return drained;
    },
    state: () => ({ free: [...free], held: Object.fromEntries(holding), retired: [...retired] }),
  };
}
