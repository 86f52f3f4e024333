// The worktree pool over real git: a finished story's worktree serves the next story, clean, at the integration head,
// with its ignored build folders; a failed story's work stays on its branch; two live stories never share one.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, useGitSandbox } from '../helpers/repo.js';
import { gitRunOn, performer } from './git-run.js';

useGitSandbox();

const INTEGRATION = 'baro/pool';

async function startRun() {
  const { repo, paths, storyBranch, deps } = await gitRunOn('pool', {
    files: { 'README.md': '# pool\n', '.gitignore': 'node_modules/\n' },
  });
  const { perform } = performer(deps, INTEGRATION);
  const worktree = async (storyId: string): Promise<string> => {
    const result = await perform({ kind: 'story.worktree', storyId });
    if (result.kind !== 'worktree') throw new Error(`no worktree for ${storyId}: ${JSON.stringify(result)}`);
    return result.path;
  };
  await perform({ kind: 'integration.create' });
  return { repo, paths, storyBranch, perform, worktree };
}

/** What a story's agent leaves: its file, and a build folder git ignores. */
async function work(path: string, storyId: string): Promise<void> {
  await mkdir(join(path, 'src'), { recursive: true });
  await writeFile(join(path, 'src', `${storyId}.txt`), `${storyId}\n`);
  await mkdir(join(path, 'node_modules', 'dep'), { recursive: true });
  await writeFile(join(path, 'node_modules', 'dep', 'index.js'), `built by ${storyId}\n`);
}

const status = (path: string) => git(path, 'status', '--porcelain', '--untracked-files=all');

describe('the worktree pool', () => {
  it('gives a merged story’s worktree to the next story: clean, at the integration head, build folder kept', async () => {
    const { perform, worktree, storyBranch, paths } = await startRun();
    const first = await worktree('A');
    await work(first, 'A');
    expect(await perform({ kind: 'story.commit', storyId: 'A', worktree: first, message: 'A: work' })).toMatchObject({
      kind: 'committed',
      files: ['src/A.txt'],
    });
    expect(await perform({ kind: 'story.merge', storyId: 'A', worktree: first, message: 'Merge A' })).toMatchObject({
      kind: 'merged',
    });
    await perform({ kind: 'story.release', storyId: 'A', worktree: first, outcome: 'merged', reason: '' });

    const second = await worktree('B');
    expect(second).toBe(first);
    expect(await git(second, 'symbolic-ref', '--short', 'HEAD')).toBe(storyBranch('B'));
    expect(await git(second, 'rev-parse', 'HEAD')).toBe(await git(paths.integrationWorktree, 'rev-parse', 'HEAD'));
    expect(await status(second)).toBe('');
    expect(await readFile(join(second, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('built by A\n');
    // The integration head has A's work, so B starts with it.
    expect(existsSync(join(second, 'src', 'A.txt'))).toBe(true);
  });

  it('keeps a failed story’s work on its branch after its worktree went to the next story', async () => {
    const { repo, perform, worktree, storyBranch, paths } = await startRun();
    const first = await worktree('A');
    await work(first, 'A');
    await perform({ kind: 'story.release', storyId: 'A', worktree: first, outcome: 'failed', reason: 'agent failed' });
    // Something the failed story left running writes on after its end: the next story does not inherit it.
    await writeFile(join(first, 'stray.log'), 'late output\n');

    const second = await worktree('B');
    expect(second).toBe(first);
    expect(await git(repo, 'show', `${storyBranch('A')}:src/A.txt`)).toBe('A');
    expect(await git(repo, 'log', '-1', '--format=%s', storyBranch('A'))).toBe(
      'A: unfinished work kept by baro (agent failed)',
    );
    expect(await git(second, 'rev-parse', 'HEAD')).toBe(await git(paths.integrationWorktree, 'rev-parse', 'HEAD'));
    expect(await status(second)).toBe('');
    expect(existsSync(join(second, 'src', 'A.txt'))).toBe(false);
    expect(existsSync(join(second, 'stray.log'))).toBe(false);
    expect(existsSync(join(second, 'node_modules', 'dep', 'index.js'))).toBe(true);
  });

  it('gives a failed story sent back the worktree it ran in, with its work, though another was given back later', async () => {
    const { perform, worktree } = await startRun();
    const [a, b] = [await worktree('A'), await worktree('B')];
    await work(a, 'A');
    await perform({ kind: 'story.release', storyId: 'A', worktree: a, outcome: 'failed', reason: 'agent failed' });
    await perform({ kind: 'story.commit', storyId: 'B', worktree: b, message: 'B: work' });
    await perform({ kind: 'story.merge', storyId: 'B', worktree: b, message: 'Merge B' });
    await perform({ kind: 'story.release', storyId: 'B', worktree: b, outcome: 'merged', reason: '' });

    const again = await perform({ kind: 'story.worktree', storyId: 'A', prefer: a });
    expect(again).toEqual({ kind: 'worktree', path: a });
    // Its own branch, with the work its failed run left there.
    expect(existsSync(join(a, 'src', 'A.txt'))).toBe(true);
    expect(await worktree('C')).toBe(b);
  });

  it('never gives one worktree to two live stories, and lets go of all of them at the end, branches kept', async () => {
    const { repo, perform, worktree, storyBranch } = await startRun();
    const [a, b] = [await worktree('A'), await worktree('B')];
    expect(a).not.toBe(b);
    // A request sent again (a restored story) gets the worktree the story holds.
    expect(await worktree('A')).toBe(a);
    await work(a, 'A');
    await perform({ kind: 'story.commit', storyId: 'A', worktree: a, message: 'A: work' });
    await perform({ kind: 'story.merge', storyId: 'A', worktree: a, message: 'Merge A' });
    await perform({ kind: 'story.release', storyId: 'A', worktree: a, outcome: 'merged', reason: '' });
    const c = await worktree('C');
    expect(c).toBe(a);
    await writeFile(join(b, 'half.txt'), 'B was cut short\n');

    expect(await perform({ kind: 'cleanup', merged: ['A'], failed: [{ storyId: 'B', reason: 'stopped' }] })).toEqual({
      kind: 'ok',
    });
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
    expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('worktrees');
    expect(await git(repo, 'show', `${storyBranch('B')}:half.txt`)).toBe('B was cut short');
  });
});
