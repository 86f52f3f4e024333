import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../helpers/repo.js';

afterAll(removeTempDirs);

/** What the program saw of its module scope. */
interface Seen {
  readonly tag: string;
  readonly filename: string;
  readonly required: string;
  readonly squares: number[];
  readonly imported: unknown;
}

// A program that uses all its module scope has: require, __filename, and the import the loader hands it.
const program = (tag: string) => `
const { basename } = require('node:path');
const squares = (n) => Array.from({ length: n }, (_, i) => i * i);
globalThis.codeCacheTest = {
  tag: ${JSON.stringify(tag)},
  filename: basename(__filename),
  required: basename(require.resolve('./helper.cjs')),
  squares: squares(4),
  imported: baroImportModule('node:os').then((os) => typeof os.cpus),
};
`;

// V8 keeps what it compiled for the life of the process: each run is a process of its own, as each baro is.
const RUNNER = `
import { runWithCodeCache } from ${JSON.stringify(fileURLToPath(new URL('../../services/code-cache.ts', import.meta.url)))};
const [file, cacheDir] = process.argv.slice(2);
const written = (error) => console.log(JSON.stringify({ written: error === undefined ? 'ok' : String(error) }));
const outcome = runWithCodeCache({ file, cacheDir: cacheDir || undefined, importModule: (s) => import(s), writeAfterMs: 0, written });
const seen = globalThis.codeCacheTest;
console.log(JSON.stringify({ outcome, program: { ...seen, imported: await seen.imported } }));
setTimeout(() => undefined, 100);
`;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs file in a new node with the cache in cacheDir: the outcome, what the program saw, and the cache written. */
async function runOnce(dir: string, file: string, cacheDir: string | undefined) {
  const runner = join(dir, 'runner.mts');
  await writeFile(runner, RUNNER);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsxLoader, runner, file, cacheDir ?? '']);
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const ran = lines.find((line) => 'outcome' in line) as { outcome: string; program: Seen };
  return { ...ran, written: lines.find((line) => 'written' in line)?.['written'] };
}

async function setUp() {
  const dir = await makeTempDir('baro-code-cache-');
  const file = join(dir, 'program.cjs');
  await writeFile(file, program('first'));
  await writeFile(join(dir, 'helper.cjs'), 'module.exports = 1;\n');
  return { dir, file, cache: join(dir, 'cache') };
}

describe('running a CommonJS file from its code cache', () => {
  it('writes a cache on the first run and starts from it on the next, with the module scope a program expects', async () => {
    const { dir, file, cache } = await setUp();

    const first = await runOnce(dir, file, cache);
    expect(first.outcome).toBe('absent');
    expect(first.written).toBe('ok');
    expect(first.program).toEqual({
      tag: 'first',
      filename: 'program.cjs',
      required: 'helper.cjs',
      squares: [0, 1, 4, 9],
      imported: 'function',
    });
    const [cacheFile, ...others] = await readdir(cache);
    expect(others).toEqual([]);
    const written = await stat(join(cache, cacheFile ?? ''));

    const second = await runOnce(dir, file, cache);
    expect(second.outcome).toBe('used');
    expect(second.program.squares).toEqual([0, 1, 4, 9]);
    expect(second.written).toBeUndefined();
    expect((await stat(join(cache, cacheFile ?? ''))).mtimeMs).toBe(written.mtimeMs);
  });

  it('takes a changed program for a new one and keeps only its cache', async () => {
    const { dir, file, cache } = await setUp();
    await runOnce(dir, file, cache);
    const [before] = await readdir(cache);

    await writeFile(file, program('second, longer'));
    const changed = await runOnce(dir, file, cache);

    expect(changed.outcome).toBe('absent');
    expect(changed.program.tag).toBe('second, longer');
    const after = await readdir(cache);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual([before]);
  });

  it('runs the program from its source when V8 refuses the cache, and writes a good one', async () => {
    const { dir, file, cache } = await setUp();
    await runOnce(dir, file, cache);
    const [name = ''] = await readdir(cache);
    await writeFile(join(cache, name), 'not a code cache');

    const refused = await runOnce(dir, file, cache);
    expect(refused.outcome).toBe('rejected');
    expect(refused.program.squares).toEqual([0, 1, 4, 9]);
    expect(refused.written).toBe('ok');
    expect((await runOnce(dir, file, cache)).outcome).toBe('used');
  });

  it('runs without a cache when it is turned off, and never fails for a folder it cannot write', async () => {
    const { dir, file } = await setUp();
    expect((await runOnce(dir, file, undefined)).outcome).toBe('off');

    const unwritable = await runOnce(dir, file, join(dir, 'helper.cjs'));
    expect(unwritable.outcome).toBe('absent');
    expect(unwritable.written).toMatch(/ENOTDIR|EEXIST/);
    expect(unwritable.program.tag).toBe('first');
  });
});
