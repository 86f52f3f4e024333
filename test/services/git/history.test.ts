// A story's changes since it left the integration branch: its paths for the merge, a summary and a patch for the Critic.
import { describe, expect, it } from 'vitest';
import { changesBetween } from '../../../services/git/history.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

describe('changesBetween', () => {
  it('gives the paths, the file summary and the patch, renames included, in one git process', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'one\n', 'b.txt': 'same\n' } });
    const base = await git(repo, 'rev-parse', 'HEAD');
    await writeFiles(repo, { 'a.txt': 'one\ntwo\n' });
    await git(repo, 'mv', 'b.txt', 'c.txt');
    await git(repo, 'commit', '-qam', 'change');

    const { files, stat, patch } = await changesBetween({ cwd: repo, base, head: 'HEAD' });
    expect(files).toEqual(['a.txt', 'b.txt', 'c.txt']);
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
    expect(await changesBetween({ cwd: repo, base: 'HEAD', head: 'HEAD' })).toEqual({ files: [], stat: '', patch: '' });
  });

  it('keeps unusual names intact, and ignores what base gained after head left it', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'one\n' } });
    await git(repo, 'checkout', '-qb', 'story');
    await writeFiles(repo, { 'sp ace\ttab "q".txt': 'x\n', 'd/new.txt': 'n\n' });
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'odd names');
    await git(repo, 'checkout', '-q', 'main');
    await writeFiles(repo, { 'other.txt': 'other\n' });
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'other');

    const { files, stat, patch } = await changesBetween({ cwd: repo, base: 'main', head: 'story' });
    expect(files).toEqual(['d/new.txt', 'sp ace\ttab "q".txt']);
    expect(stat).toMatch(/2 files changed, 2 insertions\(\+\)$/);
    expect(patch).not.toContain('other.txt');
    expect(patch).not.toContain('\0');
  });
});
