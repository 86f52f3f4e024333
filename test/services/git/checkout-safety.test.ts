import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { deleteBranchIfMerged } from '../../../services/git/branch.js';
import { commitAll } from '../../../services/git/commit.js';
import { mergeNoFf } from '../../../services/git/merge.js';
import { continueRebase, rebaseOnto } from '../../../services/git/rebase.js';
import { fetchRemote, pushBranch } from '../../../services/git/remote.js';
import { resolveBase } from '../../../services/git/base.js';
import { addWorktree, removeWorktree } from '../../../services/git/worktree.js';
import {
  addBareRemote,
  checkoutFingerprint,
  git,
  makeTempRepo,
  useGitSandbox,
  writeFiles,
} from '../../helpers/repo.js';

useGitSandbox();

/** A user checkout in the middle of their own work: a stash, a staged change, an unstaged one, an untracked file. */
async function busyCheckout() {
  const repo = await makeTempRepo({ files: { 'app.txt': 'one\ntwo\n', 'lib/util.txt': 'util\n' } });
  await writeFiles(repo, { 'app.txt': 'stashed\n' });
  await git(repo, 'stash', '--quiet');
  await writeFiles(repo, { 'lib/util.txt': 'staged\n' });
  await git(repo, 'add', 'lib/util.txt');
  await writeFiles(repo, { 'app.txt': 'one\ntwo\nunstaged\n', 'scratch.txt': 'untracked\n' });
  return repo;
}

describe('checkoutFingerprint', () => {
  const changes: Record<string, (repo: string) => Promise<unknown>> = {
    'a tracked file': (repo) => writeFiles(repo, { 'app.txt': 'edited\n' }),
    'an untracked file': (repo) => writeFiles(repo, { 'new.txt': 'new\n' }),
    'an empty folder': (repo) => mkdir(join(repo, 'empty')),
    'a file mode': (repo) => chmod(join(repo, 'app.txt'), 0o755),
    'the index': (repo) => git(repo, 'add', 'app.txt'),
    'the branch': (repo) => git(repo, 'checkout', '--quiet', '-b', 'other'),
    'the commit HEAD is on': (repo) => git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'more'),
    'the stash list': (repo) => git(repo, 'stash', 'drop', '--quiet'),
  };

  for (const [what, change] of Object.entries(changes)) {
    it(`changes with ${what}`, async () => {
      const repo = await busyCheckout();
      const before = await checkoutFingerprint(repo);
      expect(await checkoutFingerprint(repo)).toBe(before);
      await change(repo);
      expect(await checkoutFingerprint(repo)).not.toBe(before);
    });
  }
});

describe('a whole run through the git service', () => {
  it('leaves the user’s checkout byte-identical', async () => {
    const repo = await busyCheckout();
    await addBareRemote(repo);
    const before = await checkoutFingerprint(repo);

    const worktrees = join(dirname(repo), 'home', 'worktrees', 'run-1');
    const integration = join(worktrees, 'integration');
    const base = await resolveBase({ repoDir: repo });
    expect(await fetchRemote({ repoDir: repo, remote: 'origin' })).toEqual({ ok: true });
    await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: base.sha });
    const stories = ['s1', 's2'].map((id) => ({ id, path: join(worktrees, id), branch: `baro-stories/x/${id}` }));
    for (const story of stories) {
      await addWorktree({ repoDir: repo, path: story.path, branch: story.branch, startPoint: 'baro/x' });
      await writeFiles(story.path, { 'app.txt': `one\ntwo by ${story.id}\n`, [`${story.id}.txt`]: `${story.id}\n` });
      await commitAll({ cwd: story.path, message: story.id });
    }
    const [s1, s2] = stories;
    if (s1 === undefined || s2 === undefined) throw new Error('two stories expected');
    expect((await mergeNoFf({ cwd: integration, branch: s1.branch, message: 'Merge s1' })).status).toBe('merged');
    expect((await mergeNoFf({ cwd: integration, branch: s2.branch, message: 'Merge s2' })).status).toBe('conflict');
    expect((await rebaseOnto({ cwd: s2.path, onto: 'baro/x' })).status).toBe('conflict');
    await writeFiles(s2.path, { 'app.txt': 'one\ntwo by s1 and s2\n' });
    expect(await continueRebase({ cwd: s2.path })).toEqual({ status: 'clean' });
    expect((await mergeNoFf({ cwd: integration, branch: s2.branch, message: 'Merge s2' })).status).toBe('merged');
    for (const story of stories) {
      await removeWorktree({ repoDir: repo, path: story.path });
      expect((await deleteBranchIfMerged({ repoDir: repo, branch: story.branch, into: 'baro/x' })).status).toBe(
        'deleted',
      );
    }
    expect(await pushBranch({ cwd: integration, remote: 'origin', branch: 'baro/x' })).toEqual({ status: 'pushed' });
    await removeWorktree({ repoDir: repo, path: integration });

    expect(await checkoutFingerprint(repo)).toBe(before);
    expect(await git(repo, 'stash', 'list')).toContain('WIP on main');
  });
});

describe('variables inherited from a git hook', () => {
  it('GIT_DIR and GIT_INDEX_FILE pointing at the user’s checkout do not redirect baro’s commands', async () => {
    const repo = await busyCheckout();
    await addBareRemote(repo);
    const before = await checkoutFingerprint(repo);
    const story = join(dirname(repo), 'worktrees', 's1');
    await addWorktree({ repoDir: repo, path: story, branch: 'baro-stories/x/s1', startPoint: 'main' });
    await writeFiles(story, { 'story.txt': 'story\n' });
    vi.stubEnv('GIT_DIR', join(repo, '.git'));
    vi.stubEnv('GIT_INDEX_FILE', join(repo, '.git', 'index'));
    const committed = await commitAll({ cwd: story, message: 'story' });
    const fetched = await fetchRemote({ repoDir: story, remote: 'origin' });
    const pushed = await pushBranch({ cwd: story, remote: 'origin', branch: 'baro-stories/x/s1' });
    vi.stubEnv('GIT_DIR', undefined);
    vi.stubEnv('GIT_INDEX_FILE', undefined);
    expect({ committed: committed.committed, fetched, pushed }).toEqual({
      committed: true,
      fetched: { ok: true },
      pushed: { status: 'pushed' },
    });
    expect(await git(story, 'log', '-1', '--format=%s', 'baro-stories/x/s1')).toBe('story');
    expect(await checkoutFingerprint(repo)).toBe(before);
  });
});
