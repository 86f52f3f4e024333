import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseBranchError, GitError, NotAGitRepoError } from '../../../services/git/errors.js';
import {
  branchExists,
  commitOf,
  currentBranch,
  remoteDefaultBranch,
  remoteUrl,
  repoRoot,
  revParse,
} from '../../../services/git/repo.js';
import { resolveBase } from '../../../services/git/base.js';
import { addBareRemote, git, makeTempDir, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

describe('repoRoot', () => {
  it('finds the top of the working tree from a subfolder', async () => {
    const repo = await makeTempRepo({ files: { 'src/a.ts': 'export {};\n' } });
    expect(await repoRoot(join(repo, 'src'))).toBe(await git(repo, 'rev-parse', '--show-toplevel'));
  });

  it('throws NotAGitRepoError outside a repository, naming the folder', async () => {
    const dir = await makeTempDir();
    const error: unknown = await repoRoot(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAGitRepoError);
    expect((error as NotAGitRepoError).cwd).toBe(dir);
    expect((error as NotAGitRepoError).message).toContain(dir);
    expect((error as NotAGitRepoError).cause).toBeInstanceOf(GitError);
  });
});

describe('currentBranch', () => {
  it('names the checked-out branch, and is undefined on a detached HEAD', async () => {
    const repo = await makeTempRepo();
    expect(await currentBranch(repo)).toBe('main');
    await git(repo, 'checkout', '--quiet', '--detach');
    expect(await currentBranch(repo)).toBeUndefined();
  });
});

describe('revParse and commitOf', () => {
  it('resolve a branch to its commit and report unknown refs', async () => {
    const repo = await makeTempRepo();
    const head = await git(repo, 'rev-parse', 'HEAD');
    expect(await revParse(repo, 'main')).toBe(head);
    expect(await commitOf(repo, 'refs/heads/main')).toBe(head);
    expect(await commitOf(repo, 'refs/heads/nope')).toBeUndefined();
    expect(await branchExists(repo, 'main')).toBe(true);
    expect(await branchExists(repo, 'nope')).toBe(false);
    const error: unknown = await revParse(repo, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/^git rev-parse .*nope.* failed in .*: 'nope' names no commit — /);
  });
});

describe('remoteUrl and remoteDefaultBranch', () => {
  it('are undefined without a remote', async () => {
    const repo = await makeTempRepo();
    expect(await remoteUrl(repo)).toBeUndefined();
    expect(await remoteDefaultBranch(repo)).toBeUndefined();
  });

  it('read the configured URL as written and the branch origin/HEAD points at', async () => {
    const repo = await makeTempRepo();
    const bare = await addBareRemote(repo);
    await git(repo, 'remote', 'add', 'upstream', 'https://github.com/acme/api.git');
    expect(await remoteUrl(repo)).toBe(bare);
    expect(await remoteUrl(repo, 'upstream')).toBe('https://github.com/acme/api.git');
    expect(await remoteDefaultBranch(repo)).toBe('main');
    expect(await remoteDefaultBranch(repo, 'upstream')).toBeUndefined();
  });
});

describe('resolveBase', () => {
  it('without a remote, takes the checked-out branch', async () => {
    const repo = await makeTempRepo();
    await git(repo, 'checkout', '--quiet', '-b', 'feature');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'wip');
    expect(await resolveBase({ repoDir: repo })).toEqual({
      branch: 'feature',
      sha: await git(repo, 'rev-parse', 'HEAD'),
      ref: 'refs/heads/feature',
    });
  });

  it('with a remote, takes origin/HEAD and its remote-tracking commit, even when local main moved on', async () => {
    const repo = await makeTempRepo();
    await addBareRemote(repo);
    const pushed = await git(repo, 'rev-parse', 'HEAD');
    await git(repo, 'checkout', '--quiet', '-b', 'feature');
    await git(repo, 'checkout', '--quiet', 'main');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'local only');
    await git(repo, 'checkout', '--quiet', 'feature');
    expect(await resolveBase({ repoDir: repo })).toEqual({
      branch: 'main',
      sha: pushed,
      ref: 'refs/remotes/origin/main',
      unpushed: 1,
    });
    // Behind its remote-tracking branch, the local one has nothing the run leaves out.
    await git(repo, 'update-ref', 'refs/remotes/origin/main', await git(repo, 'rev-parse', 'main'));
    await git(repo, 'branch', '--force', 'main', pushed);
    expect(await resolveBase({ repoDir: repo })).not.toHaveProperty('unpushed');
  });

  it('takes a given base, locally when the remote does not have it', async () => {
    const repo = await makeTempRepo();
    await addBareRemote(repo);
    await git(repo, 'branch', 'develop');
    expect(await resolveBase({ repoDir: repo, base: 'develop' })).toMatchObject({
      branch: 'develop',
      ref: 'refs/heads/develop',
    });
  });

  it('takes a base given as the remote-tracking name (origin/main) as the remote branch it names', async () => {
    const repo = await makeTempRepo();
    await addBareRemote(repo);
    const pushed = await git(repo, 'rev-parse', 'HEAD');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'local only');
    expect(await resolveBase({ repoDir: repo, base: 'origin/main' })).toEqual({
      branch: 'main',
      sha: pushed,
      ref: 'refs/remotes/origin/main',
      unpushed: 1,
    });
    // A branch really named so comes first.
    await git(repo, 'branch', 'origin/main');
    expect(await resolveBase({ repoDir: repo, base: 'origin/main' })).toMatchObject({
      branch: 'origin/main',
      ref: 'refs/heads/origin/main',
    });
  });

  it('finds refs git packed, the remote-tracking one first', async () => {
    const repo = await makeTempRepo();
    await addBareRemote(repo);
    const pushed = await git(repo, 'rev-parse', 'HEAD');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'local only');
    await git(repo, 'pack-refs', '--all');
    expect(await resolveBase({ repoDir: repo })).toEqual({
      branch: 'main',
      sha: pushed,
      ref: 'refs/remotes/origin/main',
      unpushed: 1,
    });
    await git(repo, 'update-ref', '-d', 'refs/remotes/origin/main');
    expect(await resolveBase({ repoDir: repo, base: 'main' })).toEqual({
      branch: 'main',
      sha: await git(repo, 'rev-parse', 'main'),
      ref: 'refs/heads/main',
    });
  });

  it("reads the checked-out branch of a linked worktree, not the repository's", async () => {
    const repo = await makeTempRepo();
    const linked = join(dirname(repo), 'linked');
    await git(repo, 'worktree', 'add', '--quiet', '-b', 'side', linked);
    expect(await resolveBase({ repoDir: linked })).toMatchObject({ branch: 'side', ref: 'refs/heads/side' });
  });

  it('throws BaseBranchError for a base that does not exist, and on a detached HEAD with nothing else to go on', async () => {
    const repo = await makeTempRepo();
    await expect(resolveBase({ repoDir: repo, base: 'nope' })).rejects.toThrow(BaseBranchError);
    await expect(resolveBase({ repoDir: repo, base: 'nope' })).rejects.toThrow(/'nope'.*--base/);
    await git(repo, 'checkout', '--quiet', '--detach');
    await expect(resolveBase({ repoDir: repo })).rejects.toThrow(/detached/);
  });
});
