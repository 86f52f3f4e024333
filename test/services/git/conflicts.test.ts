// A heading underline the story itself adds is not a conflict marker left after a rebase conflict.
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll } from '../../../services/git/commit.js';
import { mergeNoFf } from '../../../services/git/merge.js';
import { continueRebase, rebaseOnto } from '../../../services/git/rebase.js';
import { addWorktree } from '../../../services/git/worktree.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

describe('continueRebase after a resolved conflict', () => {
  it('goes on when the replayed commit adds a line of seven "=" (a Markdown heading underline)', async () => {
    const repo = await makeTempRepo({ files: { 'app.txt': 'alpha\nbeta\ngamma\n' } });
    const root = join(dirname(repo), 'worktrees');
    const integration = join(root, 'integration');
    await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: 'main' });
    const s1 = join(root, 's1');
    const s2 = join(root, 's2');
    await addWorktree({ repoDir: repo, path: s1, branch: 'baro-stories/x/s1', startPoint: 'baro/x' });
    await addWorktree({ repoDir: repo, path: s2, branch: 'baro-stories/x/s2', startPoint: 'baro/x' });
    await writeFiles(s1, { 'app.txt': 'alpha\nbeta from s1\ngamma\n' });
    await commitAll({ cwd: s1, message: 's1' });
    await writeFiles(s2, { 'app.txt': 'alpha\nbeta from s2\ngamma\n', 'docs.md': 'Install\n=======\n\nRun it.\n' });
    await commitAll({ cwd: s2, message: 's2' });
    expect((await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'Merge s1' })).status).toBe('merged');
    expect(await rebaseOnto({ cwd: s2, onto: 'baro/x' })).toEqual({ status: 'conflict', files: ['app.txt'] });

    await writeFiles(s2, { 'app.txt': 'alpha\nbeta from s1 and s2\ngamma\n' });
    expect(await continueRebase({ cwd: s2 })).toEqual({ status: 'clean' });
    expect(await git(s2, 'show', 'HEAD:docs.md')).toContain('=======');
  });
});
