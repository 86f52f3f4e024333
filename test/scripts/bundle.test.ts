import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { machineGraph } from '../../cli/inspect/machine-graph.js';
import { toMermaid } from '../../cli/inspect/mermaid.js';
import { allMachines } from '../../cli/machines-catalog.js';
import { bundleBaro } from '../../scripts/bundle.js';

// Under node_modules, like dist/ in an installed package: the bundle finds the dependencies it leaves out.
const CACHE = fileURLToPath(new URL('../../node_modules/.cache', import.meta.url));
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the bundled CLI', () => {
  it('runs, and carries zod in English only', async () => {
    // A fresh install may not have node_modules/.cache yet.
    await mkdir(CACHE, { recursive: true });
    const out = await mkdtemp(join(CACHE, 'baro-bundle-test-'));
    made.push(out);
    const main = await bundleBaro(out, { sourcemap: false });
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--version']);
    expect(stdout.trim()).toBe(packageJson.version);
    const chunks = await Promise.all(
      (await readdir(join(out, 'chunks'))).map((name) => readFile(join(out, 'chunks', name), 'utf8')),
    );
    const code = chunks.join('\n');
    expect(code).toContain('Invalid input');
    // French and German messages are among the locales left out.
    expect(code).not.toContain('Entrée invalide');
    expect(code).not.toContain('Ungültige Eingabe');
    // A bundler renames functions (xstate's `stateIn` became `stateIn2`): the drawn statecharts must not change.
    const machines = await promisify(execFile)(process.execPath, [main, 'machines', '--format', 'mermaid']);
    expect(machines.stdout).toBe(
      allMachines()
        .map(machineGraph)
        .map((g) => `%% ${g.id}\n${toMermaid(g)}`)
        .join('\n'),
    );
  });
});
