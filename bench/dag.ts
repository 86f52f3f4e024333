// Scheduling overhead of a whole run: a 24-story DAG of 2 s fake agents at --parallel 4, real git, compiled baro in its
// own process as users run it (its agents' spawns fork that process, at a cost that grows with its memory).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readInvocations } from '../test/fake-claude/scenario.js';
import { calibrate } from './calibrate.js';
import { benchFirstAgent } from './first-agent.js';
import type { Calibration } from './calibrate.js';
import { benchRepo, buildBaro, journalOf, runArgs, runBaro } from './child-run.js';
import { ms, row, stats, verdict } from './format.js';
import { slotPhases } from './journal.js';
import type { BenchEvent, Invocations } from './journal.js';
import { FAKE_AGENT, dagPlan } from './plan.js';

const WIDTHS = [8, 8, 6, 2] as const;
const PARALLEL = 4;
const AGENT_MS = 2000;
const TARGET_RATIO = 1.08;
const TARGET_OVERHEAD_MS = 250;

export async function benchDag(main: string): Promise<void> {
  const { root, repo, env } = await benchRepo('baro-bench-dag-');
  const gitConfig = join(root, 'gitconfig');
  const calibrationTrace = join(root, 'git-trace-calibration.jsonl');
  // The calibration's git calls run here and read process.env: the bench's empty git config, with the trace target.
  const saved = {
    GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL,
    GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM,
  };
  try {
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(dagPlan(WIDTHS), null, 2));
    const fakeLog = join(root, 'agents.jsonl');
    const run = await runBaro(
      main,
      runArgs(planPath, PARALLEL),
      repo,
      env({ BARO_FAKE_CLAUDE_LOG: fakeLog, BARO_BENCH_AGENT_SECONDS: String(AGENT_MS / 1000) }),
    );
    const events = await journalOf(run.stdout, run.stderr);
    Object.assign(process.env, { GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' });
    await writeFile(gitConfig, `[trace2]\n\teventTarget = ${JSON.stringify(calibrationTrace)}\n`);
    const calibrationEnv = { PATH: process.env.PATH ?? '', GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' };
    const calibration = await calibrate(root, repo, calibrationEnv, FAKE_AGENT, calibrationTrace);
    report({
      events,
      exitCode: run.exitCode,
      invocations: readInvocations(fakeLog),
      calibration,
      peakRssBytes: run.peakRssBytes,
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(root, { recursive: true, force: true });
  }
}

interface Measured {
  readonly events: readonly BenchEvent[];
  readonly exitCode: number | null;
  readonly invocations: Invocations;
  readonly calibration: Calibration;
  readonly peakRssBytes: number | undefined;
}

const STORIES = WIDTHS.reduce((sum, w) => sum + w, 0);
const WAVES = WIDTHS.map((w) => Math.ceil(w / PARALLEL));
const BOUND_MS = WAVES.reduce((sum, n) => sum + n, 0) * AGENT_MS;

// The timed run is not traced (git's trace2 log slows every git call); the git profile comes from the calibration.
function printProfile({ calibration }: Measured, phases: ReturnType<typeof slotPhases>): void {
  const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
  const [worktree, commit, merge] = calibration.ops.map((op) => op.wall);
  const alone = sum(calibration.ops.map((op) => op.wall));
  console.log(
    `  orchestration work per story (worktree, commit, merge), measured alone: ${calibration.ops.map((op) => `${op.kind.replace('story.', '')} ${ms(op.wall)} (${op.gitCalls.toFixed(0)} git, ${ms(op.gitMs)} inside git)`).join(' + ')} = ${verdict(alone, TARGET_OVERHEAD_MS, ms)}`,
  );
  const waiting =
    stats(phases.queue).mean -
    (worktree ?? 0) +
    stats(phases.commit).mean -
    (commit ?? 0) +
    stats(phases.merge).mean -
    (merge ?? 0);
  console.log(
    `    a story spends ≈ ${ms(waiting)} more than that in the run: ${PARALLEL} equal agents end together; their worktrees and commits run alongside each other, their merges one at a time`,
  );
  console.log(`  one fake agent process (a shell script), spawn to exit: ${ms(calibration.fakeProcess)}`);
}

function report(measured: Measured): void {
  const { events, exitCode, invocations, peakRssBytes } = measured;
  const completed = events.find((e) => e.type === 'run.completed');
  if (completed === undefined || !('timing' in completed)) {
    console.log(`dag scheduling: the run ended without run.completed (exit ${String(exitCode)}); nothing to measure`);
    return;
  }
  const makespan = completed.timing.wallMs;
  const runStart = completed.ts - makespan;
  const overhead = (makespan - BOUND_MS) / STORIES;
  const merged = events.filter((e) => e.type === 'story.merged');
  const phases = slotPhases(events, invocations, PARALLEL, AGENT_MS);
  const firstLevel = events.find((e) => e.type === 'level.started')?.ts ?? runStart;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

  console.log(
    `dag scheduling: ${STORIES} stories in levels of ${WIDTHS.join(', ')}, --parallel ${PARALLEL}, ${AGENT_MS / 1000} s fake agents, real git`,
  );
  console.log(
    `  run ${completed.status} (exit ${String(exitCode)}), ${merged.length}/${STORIES} merged, ${invocations.length} agent processes`,
  );
  console.log(
    `  makespan ${(makespan / 1000).toFixed(2)} s (run start → run.completed); level bound ${(BOUND_MS / 1000).toFixed(2)} s = Σ⌈width/${PARALLEL}⌉·${AGENT_MS / 1000} s = (${WAVES.join('+')})·${AGENT_MS / 1000} s`,
  );
  console.log(`  makespan ÷ bound: ratio ${verdict(makespan / BOUND_MS, TARGET_RATIO, (v) => v.toFixed(2))}`);
  console.log(`  overhead (makespan − bound) ÷ ${STORIES} stories: ${verdict(overhead, TARGET_OVERHEAD_MS, ms)}`);
  console.log(`  per story on its slot (journal + fake log), beyond the ${AGENT_MS} ms of agent work:`);
  console.log(`    ${''.padEnd(52)} ${'mean'.padStart(8)} ${'p50'.padStart(8)} ${'max'.padStart(8)}`);
  console.log(row('slot free → story.started (worktree, brief)', phases.queue));
  console.log(row('story.started → agent up (prompt, spawn, start-up)', phases.spawn));
  console.log(row(`agent up → agent end, minus the ${AGENT_MS} ms scripted`, phases.agent));
  console.log(row('agent end → story.committed (exit, queue, commit)', phases.commit));
  console.log(row('story.committed → story.merged (queue, merge)', phases.merge));
  console.log(row('total: slot free → story.merged, minus agent work', phases.total));
  console.log(
    `    (a story's own latency: it includes waiting for the merges ahead of it; its slot is free from its agent's end)`,
  );
  console.log(
    `  run set-up (run start → level 1) ${ms(firstLevel - runStart)}, wind-down (last merge → run.completed) ${ms(completed.ts - Math.max(...merged.map((e) => e.ts)))}`,
  );
  printProfile(measured, phases);
  if (peakRssBytes !== undefined) console.log(`  peak RSS of baro: ${mb(peakRssBytes)}`);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const main = await buildBaro();
  // Its first run writes the code cache the DAG's run starts from, as every run after a build's first does.
  await benchFirstAgent(main);
  await benchDag(main);
}
