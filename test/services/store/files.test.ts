import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from '../../../services/store/errors.js';
import { appendJsonLine, readJson, writeJsonAtomic, writeText } from '../../../services/store/files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baro-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const Thing = z.object({ name: z.string(), count: z.number() });

const storeErrorOf = async (promise: Promise<unknown>): Promise<StoreError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(error)}`);
  return error;
};

describe('writeJsonAtomic', () => {
  it('creates folders, round trips through readJson, and leaves no temp files', async () => {
    const path = join(dir, 'a', 'b', 'thing.json');
    await writeJsonAtomic(path, { name: 'x', count: 1 });
    await writeJsonAtomic(path, { name: 'y', count: 2 });
    expect(await readJson(path, Thing)).toEqual({ name: 'y', count: 2 });
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['thing.json']);
  });

  it('removes its temp file when the rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), '');
    const error = await storeErrorOf(writeJsonAtomic(path, { name: 'x', count: 1 }));
    expect(error.reason).toBe('write-failed');
    expect(error.message).toContain(`Cannot write ${path}`);
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('refuses values that are not JSON without touching the disk', async () => {
    const error = await storeErrorOf(writeJsonAtomic(join(dir, 'big.json'), { n: 1n }));
    expect(error.reason).toBe('invalid');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('readJson', () => {
  it('names the file and the next step on bad JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"name": "x", ');
    const error = await storeErrorOf(readJson(path, Thing));
    expect(error.reason).toBe('bad-json');
    expect(error.path).toBe(path);
    expect(error.message).toContain(`Cannot read ${path}: it is not valid JSON`);
    expect(error.message).toContain('repair it by hand, or move it away');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports content of the wrong shape with the failing field', async () => {
    const path = join(dir, 'wrong.json');
    await writeFile(path, JSON.stringify({ name: 'x', count: 'many' }));
    const error = await storeErrorOf(readJson(path, Thing));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('count');
  });

  it('reports a missing file as missing', async () => {
    const error = await storeErrorOf(readJson(join(dir, 'nope.json'), Thing));
    expect(error.reason).toBe('missing');
    expect(error.message).toContain('does not exist');
  });
});

describe('appendJsonLine and writeText', () => {
  it('appends one JSON object per line, creating the folder', async () => {
    const path = join(dir, 'runs', 'events.jsonl');
    await appendJsonLine(path, { type: 'a', n: 1 });
    await appendJsonLine(path, { type: 'b', text: 'line\nbreak' });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((line) => JSON.parse(line))).toEqual([
      { type: 'a', n: 1 },
      { type: 'b', text: 'line\nbreak' },
    ]);
  });

  it('writes text as given', async () => {
    const path = join(dir, 'rules', 'S1.md');
    await writeText(path, '# Rules\n');
    await writeText(path, '# Rules, again\n');
    expect(await readFile(path, 'utf8')).toBe('# Rules, again\n');
    expect(await readdir(join(dir, 'rules'))).toEqual(['S1.md']);
  });
});
