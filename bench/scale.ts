// baro at scale: 384 stories of 1 s agents at --parallel 16 in its own process, real git, traced to count every git
// process.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchRepo, journalOf, runArgs, runBaro } from './child-run.js';
import { ms, verdict } from './format.js';
import { readGitTrace } from './git-trace.js';
import type { BenchEvent } from './journal.js';
import { dagPlan } from './plan.js';

const WIDTHS = [96, 96, 96, 96] as const;
const PARALLEL = 16;
const AGENT_MS = 1000;
const TARGET_RATIO = 1.15;
const TARGET_LEVEL_SPREAD = 1.5;
const TARGET_WIND_DOWN_MS = 500;
const TARGET_RSS_MB = 150;
const TARGET_GIT_PER_STORY = 5;
// What a story's normal path runs: its worktree (a new one, or a pooled one switched), its commit, its merge.
const STORY_PATH = new Set(['worktree add', 'checkout', 'clean', 'add', 'commit', 'diff', 'merge']);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Per level: (its duration − its waves of agent work) ÷ its stories. */
function overheadByLevel(events: readonly BenchEvent[]): number[] {
  const levels = events.filter((e) => e.type === 'level.started');
  return levels.map((level, k) => {
    const ids = 'stories' in level ? level.stories : [];
    const number = 'level' in level ? level.level : k;
    const end =
      events.find((e) => e.type === 'level.completed' && 'level' in e && e.level === number)?.ts ??
      levels[k + 1]?.ts ??
      level.ts;
    return (end - level.ts - Math.ceil(ids.length / PARALLEL) * AGENT_MS) / Math.max(ids.length, 1);
  });
}

async function scaleRun(main: string) {
  const { root, repo, env } = await benchRepo('baro-bench-scale-');
  try {
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(dagPlan(WIDTHS), null, 2));
    const trace = join(root, 'git-trace.jsonl');
    const run = await runBaro(
      main,
      runArgs(planPath, PARALLEL),
      repo,
      env({ BARO_BENCH_AGENT_SECONDS: String(AGENT_MS / 1000), GIT_TRACE2_EVENT: trace }),
    );
    const events = await journalOf(run.stdout, run.stderr);
    return { run, events, git: await readGitTrace(trace), discardedGoneMs: await discardedGone(events, run.exitedAt) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** How long after baro exited the detached rm took to delete the worktrees the run discarded. */
async function discardedGone(events: readonly BenchEvent[], exitedAt: number): Promise<number> {
  const started = events.find((e) => e.type === 'run.started');
  if (started === undefined || !('runDir' in started)) return Number.NaN;
  const worktrees = join(dirname(dirname(started.runDir)), 'worktrees', basename(started.runDir));
  const discarded = async () => (await readdir(worktrees).catch(() => [])).some((n) => n.startsWith('.discarded-'));
  while (await discarded()) await sleep(50);
  return Date.now() - exitedAt;
}

export async function benchScale(main: string): Promise<void> {
  const stories = WIDTHS.reduce((sum, w) => sum + w, 0);
  const { run, events, git, discardedGoneMs } = await scaleRun(main);
  const completed = events.find((e) => e.type === 'run.completed');
  if (completed === undefined || !('timing' in completed)) {
    console.log(`scale: the run ended without run.completed (exit ${String(run.exitCode)}); stderr:\n${run.stderr}`);
    return;
  }
  const bound = WIDTHS.reduce((sum, w) => sum + Math.ceil(w / PARALLEL), 0) * AGENT_MS;
  const merged = events.filter((e) => e.type === 'story.merged');
  const failed = events.filter((e) => e.type === 'story.failed' || e.type === 'story.blocked').length;
  const levels = overheadByLevel(events);
  const spread = (levels.at(-1) ?? 0) / Math.max(levels[0] ?? 1, 1);
  const windDown = completed.ts - Math.max(...merged.map((e) => e.ts));
  const byLabel = new Map<string, number>();
  for (const p of git) byLabel.set(p.label, (byLabel.get(p.label) ?? 0) + 1);
  // The integration worktree's add is the run's, not a story's.
  const onStoryPath = git.filter((p) => STORY_PATH.has(p.label)).length - 1;
  console.log(
    `scale: ${stories} stories in levels of ${WIDTHS.join(', ')}, --parallel ${PARALLEL}, ${AGENT_MS / 1000} s fake agents, compiled baro in its own process, git traced`,
  );
  console.log(
    `  run ${completed.status} (exit ${String(run.exitCode)}), ${merged.length}/${stories} merged, failed or blocked ${failed} ${failed === 0 ? '✓' : '✗'}`,
  );
  console.log(
    `  makespan ÷ level bound (${bound / 1000} s): ratio ${verdict(completed.timing.wallMs / bound, TARGET_RATIO, (v) => v.toFixed(2))}`,
  );
  console.log(
    `  overhead per story by level: ${levels.map(ms).join(', ')}; last ÷ first ${verdict(spread, TARGET_LEVEL_SPREAD, (v) => v.toFixed(2))}`,
  );
  console.log(`  wind-down (last merge → run.completed): ${verdict(windDown, TARGET_WIND_DOWN_MS, ms)}`);
  console.log(
    `    baro exited ${ms(run.exitedAt - completed.ts)} after run.completed; its detached rm had deleted the discarded worktrees ${ms(discardedGoneMs)} after that`,
  );
  if (run.peakRssBytes !== undefined)
    console.log(
      `  peak RSS of baro: ${verdict(run.peakRssBytes / 1024 / 1024, TARGET_RSS_MB, (v) => mb(v * 1024 * 1024))}`,
    );
  console.log(
    `  git processes per story, on each story's path (its worktree, commit, merge): ${verdict(onStoryPath / stories, TARGET_GIT_PER_STORY, (v) => v.toFixed(2))}; plus ${git.length - onStoryPath} for the whole run (${(git.length / stories).toFixed(2)} per story in all)`,
  );
  console.log(
    `    by command, per story: ${[...byLabel]
      .sort((a, b) => b[1] - a[1])
      .map(([label, count]) => `${label} ${(count / stories).toFixed(2)}`)
      .join(', ')}`,
  );
}
