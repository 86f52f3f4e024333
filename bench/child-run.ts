// baro as users run it: compiled JavaScript in its own node process, so its start-up and peak memory are its own.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleBaro } from '../scripts/bundle.js';

// Under node_modules, so the bundle resolves the dependencies it leaves out.
const OUT = fileURLToPath(new URL('../node_modules/.cache/baro-bench', import.meta.url));

/** Bundles baro as `npm run build` does, to a cache folder; the path of its cli/main.js. */
export const buildBaro = (): Promise<string> => bundleBaro(OUT, { sourcemap: false });

export interface ChildRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Epoch ms at which the node process was spawned. */
  readonly spawnedAt: number;
  /** Epoch ms at which it exited. */
  readonly exitedAt: number;
  /** The largest resident set the process reached, as it reported on exit. */
  readonly peakRssBytes: number | undefined;
}

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/** `node <main> <args>` in cwd with exactly env (plus the memory probe); resolves when it exits. */
export async function runBaro(
  main: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ChildRun> {
  const rssFile = join(cwd, '..', `rss-${process.pid}-${Math.round(performance.now())}.txt`);
  const spawnedAt = performance.timeOrigin + performance.now();
  const child = spawn(process.execPath, ['--import', pathToFileURL(PROBE).href, main, ...args], {
    cwd,
    env: { ...env, BARO_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const exitedAt = performance.timeOrigin + performance.now();
  const rss = await readFile(rssFile, 'utf8').catch(() => undefined);
  return {
    exitCode,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    spawnedAt,
    exitedAt,
    peakRssBytes: rss === undefined ? undefined : Number(rss),
  };
}
