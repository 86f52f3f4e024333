// The Critic's view of a story: what it changed since it left the integration branch, as a summary and a patch.
import { describe, expect, it } from 'vitest';
import { patchBetween } from '../../../services/git/history.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

describe('patchBetween', () => {
  it('gives the file summary and the patch, renames included', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'one\n', 'b.txt': 'same\n' } });
    const base = await git(repo, 'rev-parse', 'HEAD');
    await writeFiles(repo, { 'a.txt': 'one\ntwo\n' });
    await git(repo, 'mv', 'b.txt', 'c.txt');
    await git(repo, 'commit', '-qam', 'change');

    const { stat, patch } = await patchBetween({ cwd: repo, base, head: 'HEAD' });
    expect(stat.split('\n')).toEqual([
      expect.stringMatching(/^ ?a\.txt +\| 1 \+$/),
      expect.stringMatching(/^ b\.txt => c\.txt +\| 0$/),
      ' 2 files changed, 1 insertion(+)',
    ]);
    expect(patch).toMatch(/^diff --git a\/a\.txt b\/a\.txt\n/);
    expect(patch).toContain('+two');
    expect(patch).toContain('rename from b.txt\nrename to c.txt');
  });

  it('is empty on both sides when nothing changed', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'one\n' } });
    expect(await patchBetween({ cwd: repo, base: 'HEAD', head: 'HEAD' })).toEqual({ stat: '', patch: '' });
  });
});
