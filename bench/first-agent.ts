// How soon the first agent starts on the 24-story plan, compiled baro in its own process: the first start of a new
// build, which compiles baro and writes its code cache, then every later start, which begins from that cache.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readInvocations } from '../test/fake-claude/scenario.js';
import { benchRepo, CODE_CACHE, runArgs, runBaro } from './child-run.js';
import { ms, stats, verdict } from './format.js';
import { dagPlan } from './plan.js';

const TARGET_FIRST_AGENT_MS = 250;
const WARM_RUNS = 3;

async function firstAgentMs(main: string): Promise<number> {
  const { root, repo, env } = await benchRepo('baro-bench-first-');
  try {
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(dagPlan(), null, 2));
    const log = join(root, 'agents.jsonl');
    const run = await runBaro(
      main,
      runArgs(planPath, 4),
      repo,
      env({ BARO_BENCH_AGENT_SECONDS: '0', BARO_FAKE_CLAUDE_LOG: log }),
    );
    const first = Math.min(...readInvocations(log).map((inv) => inv.startTs));
    if (!Number.isFinite(first)) throw new Error(`no agent started; baro's stderr:\n${run.stderr}`);
    return first - run.spawnedAt;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Run first after the build: its first run writes the code cache that the later runs of every bench start from. */
export async function benchFirstAgent(main: string): Promise<void> {
  const cold = await firstAgentMs(main);
  if ((await readdir(CODE_CACHE).catch(() => [])).length === 0) throw new Error('the first run wrote no code cache');
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await firstAgentMs(main));
  console.log(
    `time to first agent, 24-story plan, compiled baro in its own node process, from its code cache (median of ${WARM_RUNS}): ${verdict(stats(warm).p50, TARGET_FIRST_AGENT_MS, ms)}`,
  );
  console.log(`  the first start of a new build, without a code cache yet: ${ms(cold)}`);
}
