// The baro home: made and proved writable before a run makes anything, by as many runs as start at once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureHome } from '../../../services/store/home.js';
import { makeTempDir, removeTempDirs } from '../../helpers/repo.js';

afterAll(removeTempDirs);

describe('ensureHome', () => {
  it('makes a missing home for twelve runs starting at once, none of them refused', async () => {
    const home = join(await makeTempDir(), 'a', 'b', 'home');
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => ensureHome(home)));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
  });

  it('refuses a home that is a file, naming it', async () => {
    const home = join(await makeTempDir(), 'home');
    await writeFile(home, '');
    await expect(ensureHome(home)).rejects.toThrow(`BARO_HOME (${home}) cannot hold baro's state`);
  });
});
