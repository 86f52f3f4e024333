// baro as users run it: compiled JavaScript in its own node process, so its start-up and peak memory are its own.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleBaro } from '../scripts/bundle.js';
import { parseEvents } from './journal.js';
import type { BenchEvent } from './journal.js';
import { FAKE_AGENT, makeRepo } from './plan.js';

// Under node_modules, so the bundle resolves the dependencies it leaves out.
const OUT = fileURLToPath(new URL('../node_modules/.cache/baro-bench', import.meta.url));

/** Where the benchmarked baro keeps its code cache: across the bench's runs, as a user's is across theirs. */
export const CODE_CACHE = join(OUT, 'code-cache');

/** Bundles baro as `npm run build` does, to a cache folder (which empties the code cache); its cli/main.js. */
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

/** A fresh repository and the environment a benchmarked baro runs with: no machine git config, the fake agent. */
export async function benchRepo(prefix: string) {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const gitConfig = join(root, 'gitconfig');
  await writeFile(gitConfig, '');
  const gitEnv = { GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' };
  const repo = await makeRepo(root, { ...gitEnv, PATH: process.env.PATH ?? '' });
  const env = (extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }),
    ...gitEnv,
    BARO_HOME: join(root, 'baro-home'),
    BARO_CODE_CACHE: CODE_CACHE,
    BARO_CLAUDE_BIN: FAKE_AGENT,
    ...extra,
  });
  return { root, repo, env };
}

export const runArgs = (planPath: string, parallel: number) => [
  'run',
  '--plan',
  planPath,
  '--parallel',
  String(parallel),
  '--json',
  '--yes',
  '--no-push',
];

/** The run's journal, found through the run.started event it printed. */
export async function journalOf(stdout: string, stderr: string): Promise<BenchEvent[]> {
  const started = parseEvents(stdout).find((e) => e.type === 'run.started');
  if (started === undefined || !('runDir' in started))
    throw new Error(`the run reported no run.started event; its stderr:\n${stderr}`);
  return parseEvents(await readFile(join(started.runDir, 'events.jsonl'), 'utf8'));
}
