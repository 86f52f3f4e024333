// The end of a run: merged worktrees gone from git's list at once, their branches and the user's checkout untouched.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { discardMergedWorktrees } from '../../../services/git/discard-worktrees.js';
import { addWorktree, listWorktrees } from '../../../services/git/worktree.js';
import { checkoutFingerprint, git, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

afterEach(() => {
  vi.unstubAllEnvs();
});

async function setup(names: readonly string[]) {
  const repo = await makeTempRepo();
  // Which git commands ran, from git's own trace: the prune is the one step that reads every worktree's record.
  const trace = join(dirname(repo), 'git-trace.jsonl');
  vi.stubEnv('GIT_TRACE2_EVENT', trace);
  const pruned = async () => (await readFile(trace, 'utf8').catch(() => '')).includes('"worktree","prune"');
  const worktrees = join(dirname(repo), 'home', 'repo', 'worktrees', 'run-1');
  const paths = names.map((name) => join(worktrees, name));
  for (const [index, path] of paths.entries())
    await addWorktree({ repoDir: repo, path, branch: `baro-stories/feature/${index}`, startPoint: 'main' });
  return { repo, worktrees, paths, pruned, before: await checkoutFingerprint(repo) };
}

describe('discardMergedWorktrees', () => {
  it('moves the folders and their records aside, so git forgets them without a prune; branches and checkout stay', async () => {
    const { repo, worktrees, paths, pruned, before } = await setup(['a', 'b']);
    await discardMergedWorktrees({ repoDir: repo, paths, trash: worktrees });
    expect(await Promise.all(paths.map(exists))).toEqual([false, false]);
    expect((await listWorktrees(repo)).map((w) => w.branch)).toEqual(['main']);
    // The records went with them, and the folder that held them, as git leaves it.
    expect(await exists(join(repo, '.git', 'worktrees'))).toBe(false);
    expect(await pruned()).toBe(false);
    // Their files go in the background.
    await vi.waitFor(async () => expect(await readdir(worktrees)).toEqual([]), { timeout: 60_000, interval: 50 });
    expect(await git(repo, 'branch', '--list', 'baro-stories/feature/*', '--format=%(refname:short)')).toBe(
      'baro-stories/feature/0\nbaro-stories/feature/1',
    );
    expect(await checkoutFingerprint(repo)).toBe(before);
    // Nothing of them is left to stand in the way: the same folder takes the same branch again.
    await addWorktree({ repoDir: repo, path: paths[0] ?? '', branch: 'baro-stories/feature/0', startPoint: 'main' });
    expect(await git(paths[0] ?? '', 'symbolic-ref', '--short', 'HEAD')).toBe('baro-stories/feature/0');
  });

  it('has git prune the records it could not move: a folder deleted by hand, one never made', async () => {
    const { repo, worktrees, paths, pruned, before } = await setup(['a', 'b']);
    await rm(paths[1] ?? '', { recursive: true, force: true });
    await discardMergedWorktrees({ repoDir: repo, paths: [...paths, join(worktrees, 'never-made')], trash: worktrees });
    expect(await pruned()).toBe(true);
    expect((await listWorktrees(repo)).map((w) => w.branch)).toEqual(['main']);
    await vi.waitFor(async () => expect(await readdir(worktrees)).toEqual([]), { timeout: 60_000, interval: 50 });
    expect(await checkoutFingerprint(repo)).toBe(before);
  });
});
