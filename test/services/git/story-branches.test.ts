// Deleting merged story branches: the merged ones go in three git calls, a branch with unmerged commits always stays.
import { describe, expect, it } from 'vitest';
import { deleteMergedBranches } from '../../../services/git/story-branches.js';
import { git, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

describe('deleteMergedBranches', () => {
  it('deletes the merged branches asked for, keeps unmerged and unasked ones, and counts one already gone', async () => {
    const repo = await makeTempRepo();
    for (const name of ['s/A', 's/A2', 's/B', 's/C']) await git(repo, 'branch', name, 'main');
    await git(repo, 'switch', '--quiet', 's/B');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'B work not merged');
    await git(repo, 'switch', '--quiet', 'main');

    const deleted = await deleteMergedBranches({ repoDir: repo, branches: ['s/A', 's/B', 's/missing'], into: 'main' });

    // s/missing went earlier (its level's end): it is gone, as the report says.
    expect(deleted).toEqual(['s/A', 's/missing']);
    const left = (await git(repo, 'branch', '--format=%(refname:short)')).split('\n').sort();
    expect(left).toEqual(['main', 's/A2', 's/B', 's/C']);
  });

  it('does nothing for no branches', async () => {
    const repo = await makeTempRepo();
    expect(await deleteMergedBranches({ repoDir: repo, branches: [], into: 'main' })).toEqual([]);
  });
});
