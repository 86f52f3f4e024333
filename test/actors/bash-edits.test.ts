// Edits made through Bash, seen through the worktree's git status after each Bash result: real git in a temp repo.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchBashEdits } from '../../actors/bash-edits.js';
import { committedPaths, worktreeChanges, worktreeHead } from '../../services/git/worktree-changes.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../helpers/repo.js';

useGitSandbox();

const deps = { worktreeChanges, committedPaths, worktreeHead };

function watch(cwd: string) {
  const reported: string[][] = [];
  const watcher = watchBashEdits(deps, cwd, (paths) => reported.push([...paths]));
  return { watcher, reported };
}

describe('Bash edits', () => {
  it('reports the files a Bash call changed, each once, and not those Edit or Write already reported', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' } });
    const { watcher, reported } = watch(repo);
    watcher.edited(['c.txt']);
    await writeFiles(repo, { 'a.txt': 'sed\n', 'c.txt': 'edited\n', 'gen/out.ts': 'generated\n' });
    watcher.afterBash();
    await watcher.settled();
    await writeFiles(repo, { 'a.txt': 'sed again\n', 'b.txt': 'sed\n' });
    watcher.afterBash();
    await watcher.settled();
    expect(reported).toEqual([['a.txt', 'gen/out.ts'], ['b.txt']]);
  });

  it('sees an edit that the same Bash call committed, even when it is the turn’s first', async () => {
    const repo = await makeTempRepo({ files: { 'shared.txt': 'line 1\n' } });
    const { watcher, reported } = watch(repo);
    // The turn's start: HEAD is read before the agent runs anything.
    await watcher.settled();
    await writeFiles(repo, { 'shared.txt': 'line 1 sed\n' });
    await git(repo, 'commit', '--quiet', '-am', 'S1: sed and commit');
    watcher.afterBash();
    await watcher.settled();
    await writeFiles(repo, { 'later.txt': 'x\n' });
    await git(repo, 'add', 'later.txt');
    await git(repo, 'commit', '--quiet', '-m', 'S1: later');
    watcher.afterBash();
    await watcher.settled();
    expect(reported).toEqual([['shared.txt'], ['later.txt']]);
  });

  it('reports nothing, and does not fail the turn, when the worktree cannot be read', async () => {
    const repo = await makeTempRepo();
    const { watcher, reported } = watch(repo);
    await rm(join(repo, '.git'), { recursive: true });
    watcher.afterBash();
    await watcher.settled();
    expect(reported).toEqual([]);
  });
});
