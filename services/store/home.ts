// The baro home is checked once, before a run makes anything: it must be, or become, a writable folder.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StoreError } from './errors.js';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

const unusable = (home: string, why: string, cause?: unknown): StoreError =>
  new StoreError(
    `BARO_HOME (${home}) cannot hold baro's state: ${why}. Point BARO_HOME at a writable folder, or unset it to use ~/.baro.`,
    { path: home, reason: 'unusable-home', cause },
  );

/** The missing folders from the nearest existing ancestor down to `path`, the top one first. */
async function missingFolders(path: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    const found = await stat(at).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
      throw error;
    });
    if (found === undefined) missing.unshift(at);
    else if (!found.isDirectory()) throw new Error(`${at} is a file, not a folder`);
    else return missing;
    if (dirname(at) === at) return missing;
  }
}

/**
 * Makes the home one level at a time and proves it writable. Node's recursive mkdir spins forever where a folder cannot
 * be made under /proc, so it is never used here.
 */
export async function ensureHome(home: string): Promise<void> {
  try {
    for (const folder of await missingFolders(home)) {
      // Runs started together make the home together: a folder another one made meanwhile is as good as our own.
      await mkdir(folder).catch((error: unknown) => {
        if (codeOf(error) !== 'EEXIST') throw error;
      });
    }
    const probe = join(home, `.probe-${randomBytes(4).toString('hex')}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw unusable(home, messageOf(error), error);
  }
}
