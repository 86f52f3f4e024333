import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll } from '../../../services/git/commit.js';
import { filesWithConflictMarkers } from '../../../services/git/conflicts.js';
import { mergeNoFf } from '../../../services/git/merge.js';
import { abortRebase, continueRebase, rebaseInProgress, rebaseOnto } from '../../../services/git/rebase.js';
import { deleteBranchIfMerged } from '../../../services/git/branch.js';
import { addWorktree, listWorktrees } from '../../../services/git/worktree.js';
import { checkoutFingerprint, git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

const BASE = 'alpha\nbeta\ngamma\n';

/** s1 and s2 both rewrite `beta`; s1 is merged, so s2 conflicts with the integration branch. */
async function conflictingStories() {
  const repo = await makeTempRepo({ files: { 'app.txt': BASE, 'notes.md': 'Notes\n=======\n' } });
  const root = join(dirname(repo), 'worktrees');
  const integration = join(root, 'integration');
  await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: 'main' });
  const s1 = join(root, 's1');
  const s2 = join(root, 's2');
  await addWorktree({ repoDir: repo, path: s1, branch: 'baro-stories/x/s1', startPoint: 'baro/x' });
  await addWorktree({ repoDir: repo, path: s2, branch: 'baro-stories/x/s2', startPoint: 'baro/x' });
  await writeFiles(s1, { 'app.txt': 'alpha\nbeta from s1\ngamma\n' });
  await commitAll({ cwd: s1, message: 's1' });
  // A `=======` heading underline, already in notes.md or added by s2 in docs.md, is not a conflict marker.
  await writeFiles(s2, {
    'app.txt': 'alpha\nbeta from s2\ngamma\n',
    's2.txt': 'mine\n',
    'notes.md': 'Notes\n=======\ns2 was here\n',
    'docs.md': 'Install\n=======\n\nRun it.\n',
  });
  await commitAll({ cwd: s2, message: 's2' });
  expect((await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'Merge s1' })).status).toBe(
    'merged',
  );
  expect((await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s2', message: 'Merge s2' })).status).toBe(
    'conflict',
  );
  return { repo, integration, s2, fingerprint: await checkoutFingerprint(repo) };
}

describe('rebaseOnto', () => {
  it('is clean when the story does not conflict', async () => {
    const repo = await makeTempRepo();
    const s1 = join(dirname(repo), 'worktrees', 's1');
    await addWorktree({ repoDir: repo, path: s1, branch: 'baro-stories/x/s1', startPoint: 'main' });
    await writeFiles(s1, { 'a.txt': 'a\n' });
    await commitAll({ cwd: s1, message: 'a' });
    await git(repo, 'branch', 'moved', await git(repo, 'commit-tree', '-p', 'main', '-m', 'moved', 'main^{tree}'));
    expect(await rebaseOnto({ cwd: s1, onto: 'moved' })).toEqual({ status: 'clean' });
    expect(await git(s1, 'log', '--format=%s', '-3')).toBe('a\nmoved\ninitial commit');
  });

  it('stops on a conflict, names the files and leaves the rebase in progress', async () => {
    const { repo, s2, fingerprint } = await conflictingStories();
    expect(await rebaseOnto({ cwd: s2, onto: 'baro/x' })).toEqual({ status: 'conflict', files: ['app.txt'] });
    expect(await rebaseInProgress(s2)).toBe(true);
    expect(await rebaseOnto({ cwd: s2, onto: 'baro/x' })).toEqual({ status: 'conflict', files: ['app.txt'] });
    expect(await checkoutFingerprint(repo)).toBe(fingerprint);
  });
});

describe('a worktree stopped in a rebase (HEAD detached meanwhile)', () => {
  it('still counts as on its branch: addWorktree returns it, deleteBranchIfMerged keeps the branch', async () => {
    const { repo, s2 } = await conflictingStories();
    await rebaseOnto({ cwd: s2, onto: 'baro/x' });
    const branch = 'baro-stories/x/s2';
    expect((await listWorktrees(repo)).find((w) => w.branch === branch)).toBeDefined();
    expect(await addWorktree({ repoDir: repo, path: s2, branch, startPoint: 'baro/x' })).toMatchObject({
      created: false,
    });
    expect(await deleteBranchIfMerged({ repoDir: repo, branch, into: branch })).toEqual({
      status: 'kept',
      reason: 'checked-out',
    });
    expect(await rebaseInProgress(s2)).toBe(true);
  });
});

describe('continueRebase', () => {
  it('reports files that still hold conflict markers, even once staged, and does not continue', async () => {
    const { s2 } = await conflictingStories();
    await rebaseOnto({ cwd: s2, onto: 'baro/x' });
    expect(await continueRebase({ cwd: s2 })).toEqual({ status: 'unresolved', files: ['app.txt'] });
    await git(s2, 'add', 'app.txt');
    await writeFiles(s2, { 'scratch.txt': 'draft\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> theirs\n' });
    expect((await continueRebase({ cwd: s2 })).status).toBe('unresolved');
    expect((await filesWithConflictMarkers(s2)).sort()).toEqual(['app.txt', 'scratch.txt']);
    expect(await rebaseInProgress(s2)).toBe(true);
  });

  it('after the conflict is resolved by editing the file, finishes the rebase and the story merges with both changes', async () => {
    const { repo, integration, s2, fingerprint } = await conflictingStories();
    await rebaseOnto({ cwd: s2, onto: 'baro/x' });
    await writeFiles(s2, { 'app.txt': 'alpha\nbeta from s1\nbeta from s2\ngamma\n' });
    expect(await continueRebase({ cwd: s2 })).toEqual({ status: 'clean' });
    expect(await rebaseInProgress(s2)).toBe(false);
    expect(await git(s2, 'log', '-1', '--format=%s')).toBe('s2');
    const merged = await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s2', message: 'Merge s2' });
    expect(merged.status).toBe('merged');
    expect(await readFile(join(integration, 'app.txt'), 'utf8')).toBe('alpha\nbeta from s1\nbeta from s2\ngamma\n');
    expect(await readFile(join(integration, 's2.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(integration, 'docs.md'), 'utf8')).toBe('Install\n=======\n\nRun it.\n');
    expect(await continueRebase({ cwd: s2 })).toEqual({ status: 'clean' });
    expect(await checkoutFingerprint(repo)).toBe(fingerprint);
  });

  it('reports the next commit’s conflict when there is one', async () => {
    const { s2 } = await conflictingStories();
    await writeFiles(s2, { 'app.txt': 'alpha\nbeta from s2, again\ngamma\n' });
    await commitAll({ cwd: s2, message: 's2 again' });
    await rebaseOnto({ cwd: s2, onto: 'baro/x' });
    await writeFiles(s2, { 'app.txt': 'alpha\nbeta from s1 and s2\ngamma\n' });
    expect(await continueRebase({ cwd: s2 })).toEqual({ status: 'conflict', files: ['app.txt'] });
    expect(await rebaseInProgress(s2)).toBe(true);
  });
});

describe('abortRebase', () => {
  it('restores the story branch as it was, and is a no-op without a rebase', async () => {
    const { s2 } = await conflictingStories();
    const head = await git(s2, 'rev-parse', 'HEAD');
    await rebaseOnto({ cwd: s2, onto: 'baro/x' });
    expect(await abortRebase({ cwd: s2 })).toEqual({ aborted: true });
    expect(await rebaseInProgress(s2)).toBe(false);
    expect(await git(s2, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(s2, 'status', '--porcelain')).toBe('');
    expect(await abortRebase({ cwd: s2 })).toEqual({ aborted: false });
  });
});
