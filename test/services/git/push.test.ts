// The run branch's push: never forced; a remote that moved is fetched, rebased onto and pushed once more.
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll } from '../../../services/git/commit.js';
import { mergeNoFf } from '../../../services/git/merge.js';
import { catchUpWithRemote, PushError, pushRunBranch } from '../../../services/git/push.js';
import type { PushInput } from '../../../services/git/push.js';
import { addWorktree, removeWorktree } from '../../../services/git/worktree.js';
import { moveRemoteOnEveryFetch, pushFromElsewhere } from '../../helpers/remote.js';
import {
  addBareRemote,
  checkoutFingerprint,
  git,
  makeTempRepo,
  useGitSandbox,
  writeFiles,
} from '../../helpers/repo.js';

useGitSandbox();

/** A run branch baro/x with one story merged (--no-ff), pushed; its integration worktree gone as after cleanup. */
async function pushedRunBranch() {
  const repo = await makeTempRepo();
  const bare = await addBareRemote(repo);
  const worktree = join(dirname(repo), 'wt', 'integration');
  const input = { repoDir: repo, remote: 'origin', branch: 'baro/x', worktree };
  await mergeStory(repo, worktree, 'S1', 's1.txt');
  expect(await pushRunBranch(input)).toEqual({ status: 'pushed' });
  return { repo, bare, worktree, input };
}

async function mergeStory(repo: string, worktree: string, id: string, file: string): Promise<void> {
  await addWorktree({ repoDir: repo, path: worktree, branch: 'baro/x', startPoint: 'origin/main' });
  const story = join(dirname(repo), 'wt', id);
  await addWorktree({ repoDir: repo, path: story, branch: `stories/${id}`, startPoint: 'baro/x' });
  await writeFiles(story, { [file]: `${id}\n` });
  await commitAll({ cwd: story, message: id });
  await mergeNoFf({ cwd: worktree, branch: `stories/${id}`, message: `Merge ${id}`, identity: [] });
  await removeWorktree({ repoDir: repo, path: story });
  await removeWorktree({ repoDir: repo, path: worktree });
}

/** What the Publisher does: push; when the remote moved, catch up and push once more. */
async function pushCatchingUp(input: PushInput, keepWorktree = false) {
  const first = await pushRunBranch(input);
  if (first.status === 'pushed') return first;
  await catchUpWithRemote(input, { keepWorktree });
  return pushRunBranch(input);
}

describe('pushRunBranch and catchUpWithRemote', () => {
  it('fetches a remote branch that moved, rebases onto it keeping the merges, and pushes once more', async () => {
    const { repo, bare, worktree, input } = await pushedRunBranch();
    const theirs = await pushFromElsewhere(bare, 'baro/x', 'theirs.txt', 'theirs\n');
    await mergeStory(repo, worktree, 'S2', 's2.txt');
    const before = await checkoutFingerprint(repo);

    expect(await pushRunBranch(input)).toMatchObject({ status: 'behind' });
    // Kept for the final gate to run on: the rebased branch checked out in the worktree.
    await catchUpWithRemote(input, { keepWorktree: true });
    expect(await git(worktree, 'rev-parse', 'HEAD')).toBe(await git(repo, 'rev-parse', 'refs/heads/baro/x'));
    await git(worktree, 'cat-file', '-e', 'HEAD:theirs.txt');
    await removeWorktree({ repoDir: repo, path: worktree });
    expect(await pushRunBranch(input)).toEqual({ status: 'pushed' });
    const remoteHead = await git(bare, 'rev-parse', 'refs/heads/baro/x');
    expect(remoteHead).toBe(await git(repo, 'rev-parse', 'refs/heads/baro/x'));
    await git(bare, 'merge-base', '--is-ancestor', theirs, remoteHead);
    expect((await git(bare, 'log', '--merges', '--format=%s', 'baro/x')).split('\n')).toEqual(['Merge S2', 'Merge S1']);
    expect(existsSync(worktree)).toBe(false);
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('keeps the branch as it was when the remote commits conflict with the run', async () => {
    const { repo, bare, worktree, input } = await pushedRunBranch();
    await pushFromElsewhere(bare, 'baro/x', 's2.txt', 'theirs\n');
    await mergeStory(repo, worktree, 'S2', 's2.txt');
    const local = await git(repo, 'rev-parse', 'refs/heads/baro/x');

    // Asked to keep the worktree, a failed catch-up still takes it away: there is nothing to check.
    const error = await pushCatchingUp(input, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(/conflict with this run's in s2\.txt/);
    expect(await git(repo, 'rev-parse', 'refs/heads/baro/x')).toBe(local);
    expect(existsSync(worktree)).toBe(false);
  });

  it('reports the remote as moved again when it moved before the second push', async () => {
    const { repo, bare, worktree, input } = await pushedRunBranch();
    await pushFromElsewhere(bare, 'baro/x', 'theirs.txt', 'theirs\n');
    await mergeStory(repo, worktree, 'S2', 's2.txt');
    await moveRemoteOnEveryFetch(repo, bare, 'baro/x');
    const remoteBefore = await git(bare, 'rev-parse', 'refs/heads/baro/x');

    const second = await pushCatchingUp(input);
    expect(second.status).toBe('behind');
    expect('message' in second ? second.message : '').toMatch(
      /was rejected: \[rejected\] \((fetch first|non-fast-forward)\)/,
    );
    // Nothing of ours reached the remote: only the other person's commit moved it.
    expect(await git(bare, 'rev-parse', 'refs/heads/baro/x^')).toBe(remoteBefore);
  });

  it('does not retry a push the remote declined (a hook), and says so', async () => {
    const { repo, bare, worktree, input } = await pushedRunBranch();
    await mergeStory(repo, worktree, 'S2', 's2.txt');
    const hook = join(bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "branch is protected" >&2\nexit 1\n');
    await chmod(hook, 0o755);

    const error = await pushCatchingUp(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toContain('remote rejected');
    expect((error as Error).message).toContain('fix the cause');
  });
});
