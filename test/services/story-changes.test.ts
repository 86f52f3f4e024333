// The changes a story's commit keeps for the Critic: read back only for the commit they describe.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changesFile, saveChanges, savedChanges } from '../../services/story-changes.js';
import { makeTempDir, removeTempDirs } from '../helpers/repo.js';

afterAll(removeTempDirs);

const changes = { files: ['a.txt'], stat: ' a.txt | 1 +', patch: 'diff --git a/a.txt b/a.txt\n+one\n' };

describe('a story’s saved changes', () => {
  it('are read back for the head they were saved for, and for no other', async () => {
    const path = changesFile(join(await makeTempDir(), 'stories', 'S1'));
    await saveChanges(path, 'abc', changes);
    expect(await savedChanges(path, 'abc')).toEqual(changes);
    expect(await savedChanges(path, 'def')).toBeUndefined();
  });

  it('are none when the file is missing or damaged', async () => {
    const dir = await makeTempDir();
    expect(await savedChanges(changesFile(dir), 'abc')).toBeUndefined();
    await writeFile(changesFile(dir), '{"head":"abc","files":[');
    expect(await savedChanges(changesFile(dir), 'abc')).toBeUndefined();
    await writeFile(changesFile(dir), '{"head":"abc"}');
    expect(await savedChanges(changesFile(dir), 'abc')).toBeUndefined();
  });
});
