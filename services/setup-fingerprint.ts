// Whether a worktree's setup commands already ran against the same dependency files: a pooled worktree keeps its
// build folders, so `npm ci` or `cargo build` need not run again for every story that lands in it.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitDirOf } from './git/git-dir.js';

/** Manifests and lock files at a worktree's root that decide what its setup installs or builds. */
const DEPENDENCY_FILES = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'Cargo.toml',
  'Cargo.lock',
  'go.mod',
  'go.sum',
  'pyproject.toml',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'requirements.txt',
  'requirements-dev.txt',
  'Gemfile.lock',
  'composer.lock',
  'mix.lock',
  'pubspec.lock',
  'packages.lock.json',
  'gradle.lockfile',
];

// Kept in the worktree's own git folder: out of every commit, and untouched by `git clean`.
const MARKER = 'baro-setup-fingerprint';

async function contentOrNothing(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A hash of the setup commands and the worktree's dependency files as they are now. */
export async function setupFingerprint(worktree: string, commands: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(commands));
  for (const name of DEPENDENCY_FILES) {
    const content = await contentOrNothing(join(worktree, name));
    hash.update(`\0${name}\0${content === undefined ? '-' : createHash('sha256').update(content).digest('hex')}`);
  }
  return hash.digest('hex');
}

/** The fingerprint of the last setup that succeeded in this worktree; undefined when none did. */
export async function lastSetup(worktree: string): Promise<string | undefined> {
  return (await contentOrNothing(join(await gitDirOf(worktree), MARKER)))?.toString('utf8').trim();
}

/** Remembers a successful setup; undefined forgets it (a failed or interrupted one must run again). */
export async function recordSetup(worktree: string, fingerprint: string | undefined): Promise<void> {
  const path = join(await gitDirOf(worktree), MARKER);
  if (fingerprint === undefined) await rm(path, { force: true });
  else await writeFile(path, `${fingerprint}\n`);
}
