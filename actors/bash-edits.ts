// Edits made through Bash: after each Bash result, the worktree's git status names the files that changed since the
// last look, so the Sentry and the Librarian count them like Edit and Write.
import { GitError } from '../services/git/errors.js';
import type { WorktreeChanges } from '../services/git/worktree-changes.js';

export interface BashEditDeps {
  readonly worktreeChanges: (cwd: string) => Promise<WorktreeChanges>;
  readonly committedPaths: (cwd: string, from: string, to: string) => Promise<string[]>;
  readonly worktreeHead: (cwd: string) => Promise<string>;
}

export interface BashEditWatch {
  /** Paths the agent changed through Edit or Write, already reported. */
  readonly edited: (paths: readonly string[]) => void;
  /** A Bash call finished: look at the worktree (one git call; two when the agent committed meanwhile). */
  readonly afterBash: () => void;
  /** Resolves once every look asked for so far is done. */
  readonly settled: () => Promise<void>;
}

export function watchBashEdits(
  deps: BashEditDeps,
  cwd: string,
  onEdits: (paths: readonly string[]) => void,
): BashEditWatch {
  const reported = new Set<string>();
  let head: string | undefined;
  // HEAD as the turn starts, so a first Bash call that edits and commits in one go is seen; unread, the first look
  // sets it instead.
  let looks = deps.worktreeHead(cwd).then(
    (sha) => {
      head = sha;
    },
    () => undefined,
  );
  const look = async () => {
    const changes = await deps.worktreeChanges(cwd);
    const moved = head !== undefined && changes.head !== undefined && changes.head !== head;
    const committed =
      moved && changes.head !== undefined ? await deps.committedPaths(cwd, head ?? '', changes.head) : [];
    head = changes.head;
    const fresh = [...new Set([...changes.paths, ...committed])].filter((path) => !reported.has(path));
    for (const path of fresh) reported.add(path);
    if (fresh.length > 0) onEdits(fresh);
  };
  return {
    edited: (paths) => {
      for (const path of paths) reported.add(path);
    },
    afterBash: () => {
      // A worktree git cannot read only hides Bash edits from the Sentry; the agent's own turn reports what broke.
      looks = looks.then(look).catch((error: unknown) => {
        if (!(error instanceof GitError)) throw error;
      });
    },
    settled: () => looks,
  };
}
