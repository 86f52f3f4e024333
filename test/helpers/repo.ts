// Temp git repositories for tests, and a fingerprint proving a checkout was left exactly as it was.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, vi } from 'vitest';

const created: string[] = [];

/** A fresh empty folder under the OS temp folder, removed by removeTempDirs(). */
export async function makeTempDir(prefix = 'baro-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder makeTempDir and makeTempRepo created in this test file. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Runs git and returns its trimmed stdout; throws with git's stderr when it fails. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await execa('git', args, { cwd, stdin: 'ignore' });
  return result.stdout.trim();
}

/** Writes files (paths relative to dir, folders created as needed). */
export async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

export interface TempRepoOptions {
  /** Committed on `main` in the first commit; default a README. */
  readonly files?: Readonly<Record<string, string>>;
  /** Set user.name and user.email in the repository's own config (default true), so no global identity is needed. */
  readonly identity?: boolean;
}

export const TEST_IDENTITY = { name: 'Test Person', email: 'test@example.invalid' } as const;

/** A repository in `<temp>/repo` with one commit on `main`; its temp folder is free for siblings (remotes, a baro home). */
export async function makeTempRepo(options: TempRepoOptions = {}): Promise<string> {
  const dir = join(await makeTempDir(), 'repo');
  await mkdir(dir);
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'commit.gpgsign', 'false');
  const identity = ['-c', `user.name=${TEST_IDENTITY.name}`, '-c', `user.email=${TEST_IDENTITY.email}`];
  if (options.identity ?? true) {
    await git(dir, 'config', 'user.name', TEST_IDENTITY.name);
    await git(dir, 'config', 'user.email', TEST_IDENTITY.email);
  }
  await writeFiles(dir, options.files ?? { 'README.md': '# temp repo\n' });
  await git(dir, 'add', '-A');
  await git(dir, ...identity, 'commit', '--quiet', '-m', 'initial commit');
  return dir;
}

/** A bare repository next to repoDir, added as `remote`, with main pushed and `<remote>/HEAD` pointing at main. */
export async function addBareRemote(repoDir: string, remote = 'origin'): Promise<string> {
  const bare = join(dirname(repoDir), `${remote}.git`);
  await git(dirname(repoDir), 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  await git(repoDir, 'remote', 'add', remote, bare);
  await git(repoDir, 'push', '--quiet', remote, 'main:main');
  await git(repoDir, 'fetch', '--quiet', remote);
  await git(repoDir, 'remote', 'set-head', remote, 'main');
  return bare;
}

/** An empty global config and no system config for git children of this process, so tests never see the machine's. */
export async function isolatedGitEnv(): Promise<Record<string, string>> {
  const file = join(await makeTempDir('baro-gitconfig-'), 'gitconfig');
  await writeFile(file, '');
  return { GIT_CONFIG_GLOBAL: file, GIT_CONFIG_NOSYSTEM: '1' };
}

/** For a test file: git children see no global or system config, and temp folders go away after the file. */
export function useGitSandbox(): void {
  beforeAll(async () => {
    for (const [name, value] of Object.entries(await isolatedGitEnv())) vi.stubEnv(name, value);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await removeTempDirs();
  });
}

async function gitOrNone(cwd: string, ...args: string[]): Promise<string> {
  const result = await execa('git', args, { cwd, stdin: 'ignore', reject: false });
  return result.exitCode === 0 ? result.stdout : `<exit ${String(result.exitCode)}>`;
}

async function fileDigest(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function treeEntries(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const lines: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    const name = relative(root, path);
    if (entry.isSymbolicLink()) lines.push(`link ${name} -> ${await readlink(path)}`);
    else if (entry.isDirectory()) lines.push(`dir ${name}`, ...(await treeEntries(root, path)));
    else lines.push(`file ${name} ${((await stat(path)).mode & 0o777).toString(8)} ${await fileDigest(path)}`);
  }
  return lines;
}

/**
 * A hash of everything a user would call their checkout: HEAD's branch and commit, the index file's bytes, every
 * file in the working tree (tracked or not, .git excluded) with its mode, and the stash list. Reads only: no command
 * here refreshes the index.
 */
export async function checkoutFingerprint(repoDir: string): Promise<string> {
  const indexPath = resolve(repoDir, (await gitOrNone(repoDir, 'rev-parse', '--git-path', 'index')).trim());
  const index = await fileDigest(indexPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '<no index>';
    throw error;
  });
  const parts = [
    `branch ${await gitOrNone(repoDir, 'symbolic-ref', '--quiet', 'HEAD')}`,
    `head ${await gitOrNone(repoDir, 'rev-parse', '--verify', '--quiet', 'HEAD')}`,
    `index ${index}`,
    `stash ${await gitOrNone(repoDir, 'stash', 'list', '--format=%H %gs')}`,
    ...(await treeEntries(repoDir, repoDir)),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
