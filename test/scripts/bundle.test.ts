// The built baro, as `npm run build` makes it and `baro` runs it: the loader, and the program it compiles from V8's
// code cache.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { machineGraph } from '../../cli/inspect/machine-graph.js';
import { toMermaid } from '../../cli/inspect/mermaid.js';
import { allMachines } from '../../cli/machines-catalog.js';
import { bundleBaro } from '../../scripts/bundle.js';
import { eventsOf, planOf, runPlan } from '../e2e/helpers.js';
import { makeTempDir, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

// Under node_modules, like dist/ in an installed package: the bundle finds the dependencies it leaves out.
const CACHE = fileURLToPath(new URL('../../node_modules/.cache', import.meta.url));
let out = '';
let main = '';

beforeAll(async () => {
  // A fresh install may not have node_modules/.cache yet.
  await mkdir(CACHE, { recursive: true });
  out = await mkdtemp(join(CACHE, 'baro-bundle-test-'));
  main = await bundleBaro(out, { sourcemap: false });
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** `baro <args>` built, with no code cache: these commands end before one would be written. */
const baro = (...args: string[]) =>
  promisify(execFile)(process.execPath, [main, ...args], { env: { ...process.env, BARO_CODE_CACHE: '0' } });

describe('the built CLI', () => {
  it('runs, and carries zod in English only', async () => {
    expect((await baro('--version')).stdout.trim()).toBe(packageJson.version);
    const program = await readFile(join(out, 'cli', 'baro.cjs'), 'utf8');
    expect(program).toContain('Invalid input');
    // French and German messages are among the locales left out.
    expect(program).not.toContain('Entrée invalide');
    expect(program).not.toContain('Ungültige Eingabe');
  });

  it('draws the statecharts as the source does, and as SVG with the renderer it loads when used', async () => {
    // A bundler renames functions (xstate's `stateIn` became `stateIn2`): the drawn statecharts must not change.
    const machines = await baro('machines', '--format', 'mermaid');
    expect(machines.stdout).toBe(
      allMachines()
        .map(machineGraph)
        .map((g) => `%% ${g.id}\n${toMermaid(g)}`)
        .join('\n'),
    );
    const drawn = await makeTempDir('baro-svg-');
    await baro('machines', '--format', 'svg', '--out', drawn);
    const svg = await readFile(join(drawn, 'run.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
  });

  it('runs a plan, and the next run starts from the code cache the first one wrote', { timeout: 120_000 }, async () => {
    const repo = await makeTempRepo();
    const codeCache = join(dirname(repo), 'code-cache');
    // Each run lives past the second after which baro writes a cache it found missing or refused.
    const scripts = [{ match: { storyId: 'A' }, steps: [{ sleep: 1500 }, { write: 'src/A.txt', content: 'A\n' }] }];
    const runOnce = () =>
      runPlan(repo, planOf('Cache', [{ id: 'A' }]), { scripts }, [], { main, env: { BARO_CODE_CACHE: codeCache } });

    const first = await runOnce();
    expect(first.result.exitCode, first.result.stderr).toBe(0);
    expect(eventsOf(first.events, 'story.merged').map((e) => e.storyId)).toEqual(['A']);
    const [cacheFile = '', ...others] = await readdir(codeCache);
    expect(others).toEqual([]);
    const written = await stat(join(codeCache, cacheFile));

    const second = await runOnce();
    expect(second.result.exitCode, second.result.stderr).toBe(0);
    expect(eventsOf(second.events, 'story.merged').map((e) => e.storyId)).toEqual(['A']);
    // V8 took the cache: one it refuses is written again.
    expect(await readdir(codeCache)).toEqual([cacheFile]);
    expect((await stat(join(codeCache, cacheFile))).mtimeMs).toBe(written.mtimeMs);
  });
});
