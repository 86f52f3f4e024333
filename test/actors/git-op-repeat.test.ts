// Git operations asked again after a restore (their answer lost in the crash): checked against the repository, not redone.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, useGitSandbox } from '../helpers/repo.js';
import { gitRunOn, performer } from './git-run.js';

useGitSandbox();

const BRANCH = 'baro/repeat';

async function setUp() {
  const { repo, paths, deps } = await gitRunOn('repeat');
  const { perform, restart, forget } = performer(deps, BRANCH);
  await perform({ kind: 'integration.create' });
  return { repo, paths, perform, restart, forget };
}

describe('git operations asked again', () => {
  it('a merge asked again answers with the merge already made, and makes no second one', async () => {
    const { paths, perform } = await setUp();
    await perform({ kind: 'story.worktree', storyId: 'A' });
    await writeFile(join(paths.storyWorktree('A'), 'a.txt'), 'a\n');
    await perform({ kind: 'story.commit', storyId: 'A', message: 'A: a' });
    const first = await perform({ kind: 'story.merge', storyId: 'A', message: 'Merge A' });
    await perform({ kind: 'story.worktree', storyId: 'B' });
    await writeFile(join(paths.storyWorktree('B'), 'b.txt'), 'b\n');
    await perform({ kind: 'story.commit', storyId: 'B', message: 'B: b' });
    await perform({ kind: 'story.merge', storyId: 'B', message: 'Merge B' });

    const again = await perform({ kind: 'story.merge', storyId: 'A', message: 'Merge A' });

    expect(first).toMatchObject({ kind: 'merged' });
    expect(again).toEqual(first);
    const merges = await git(paths.integrationWorktree, 'log', '--merges', '--format=%s', BRANCH);
    expect(merges.split('\n')).toEqual(['Merge B', 'Merge A']);
  });

  it('a commit asked again after its story merged still names the story’s files, so the story goes on to merge', async () => {
    const { paths, perform } = await setUp();
    await perform({ kind: 'story.worktree', storyId: 'A' });
    await writeFile(join(paths.storyWorktree('A'), 'a.txt'), 'a\n');
    const committed = await perform({ kind: 'story.commit', storyId: 'A', message: 'A: a' });
    await perform({ kind: 'story.merge', storyId: 'A', message: 'Merge A' });

    const again = await perform({ kind: 'story.commit', storyId: 'A', message: 'A: a' });

    expect(again).toEqual(committed);
  });

  it.each([
    ['the pool as before the take', 'restart'],
    ['no pool at all', 'forget'],
  ] as const)(
    'a worktree asked again after a restart (%s) is the one the story took, not a second one',
    async (_, how) => {
      const run = await setUp();
      const { paths, perform } = run;
      await perform({ kind: 'story.worktree', storyId: 'A' });
      await writeFile(join(paths.storyWorktree('A'), 'a.txt'), 'a\n');
      await perform({ kind: 'story.commit', storyId: 'A', message: 'A: a' });
      await perform({ kind: 'story.merge', storyId: 'A', message: 'Merge A' });
      await perform({
        kind: 'story.release',
        storyId: 'A',
        worktree: paths.storyWorktree('A'),
        outcome: 'merged',
        reason: '',
      });
      const taken = await perform({ kind: 'story.worktree', storyId: 'B' });
      expect(taken).toEqual({ kind: 'worktree', path: paths.storyWorktree('A') });

      run[how]();
      const again = await perform({ kind: 'story.worktree', storyId: 'B' });

      expect(again).toEqual(taken);
    },
  );
});
