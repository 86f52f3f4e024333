import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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

/** Every file `file` loads before its code runs: its static imports, and theirs. */
async function staticImports(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = await readFile(file, 'utf8');
  for (const [, specifier] of code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gms))
    if (specifier !== undefined) {
      if (specifier.startsWith('.')) await staticImports(resolve(dirname(file), specifier), seen);
      else seen.add(specifier);
    }
  return seen;
}

describe('the bundled CLI', () => {
  it('runs, carries zod in English only, and reaches a run without the packages it leaves out', async () => {
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
    // execa's import alone costs more than a run's start-up should: `baro run` reaches its first agent without it.
    const runChunk = (await readdir(join(out, 'chunks'))).find((name) => name.startsWith('run-'));
    expect(runChunk).toBeDefined();
    const loaded = new Set([
      ...(await staticImports(main)),
      ...(await staticImports(join(out, 'chunks', runChunk ?? ''))),
    ]);
    // The packages left out of the bundle (execa, octokit, blessed) are loaded when used, never before.
    expect([...loaded].filter((file) => !file.startsWith('/') && !file.startsWith('node:'))).toEqual([]);
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
