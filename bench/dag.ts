// Scheduling overhead of a whole run: a 24-story DAG of 2 s fake agents at --parallel 4, real git, baro's real code path.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { createActor, toPromise } from 'xstate';
import { z } from 'zod';
import { gitOpLogic } from '../actors/git-op.js';
import { runCommand } from '../cli/commands/run.js';
import { parseRunOptions } from '../cli/options.js';
import type { GitOp } from '../machines/types.js';
import { revParse } from '../services/git/repo.js';
import { runPaths } from '../services/store/paths.js';
import { fileURLToPath } from 'node:url';
import { readInvocations } from '../test/fake-claude/scenario.js';

const WIDTHS = [8, 8, 6, 2] as const;
const PARALLEL = 4;
const AGENT_MS = 2000;
const TARGET_RATIO = 1.15;
const TARGET_OVERHEAD_MS = 250;
const CALIBRATION_STORIES = 4;

const levelIds = (widths: readonly number[], level: number): string[] =>
  Array.from({ length: widths[level] ?? 0 }, (_, i) => `L${level + 1}S${i + 1}`);

/** Story i of level k > 0 depends on story i of level k-1 (modulo its width), odd ones also on the next one. */
export function dagPlan(widths: readonly number[] = WIDTHS) {
  const stories = widths.flatMap((_, level) =>
    levelIds(widths, level).map((id, i) => {
      const previous = level === 0 ? [] : levelIds(widths, level - 1);
      const deps =
        previous.length === 0
          ? []
          : [previous[i % previous.length], ...(i % 2 === 1 ? [previous[(i + 1) % previous.length]] : [])];
      return {
        id,
        title: `story ${id}`,
        description: `Write src/${id}.txt.`,
        dependsOn: [...new Set(deps.filter((d) => d !== undefined))],
        acceptance: [`src/${id}.txt exists`],
        writes: [`src/${id}.txt`],
      };
    }),
  );
  return { goal: 'DAG scheduling benchmark', stories };
}

/** The fixed-duration agent: a shell script, so no runtime's boot time is counted as baro's. */
export const FAKE_AGENT = fileURLToPath(new URL('./fake-agent.sh', import.meta.url));

const ts = z.iso.datetime().transform((value) => Date.parse(value));
const eventSchema = z.union([
  z.object({ type: z.literal('run.started'), ts, runDir: z.string() }),
  z.object({ type: z.literal('level.started'), ts, level: z.number(), stories: z.array(z.string()) }),
  z.object({
    type: z.enum(['story.started', 'story.committed', 'story.merged', 'story.failed']),
    ts,
    storyId: z.string(),
  }),
  z.object({ type: z.literal('run.completed'), ts, status: z.string(), timing: z.object({ wallMs: z.number() }) }),
  z.object({ type: z.string(), ts }),
]);
type BenchEvent = z.infer<typeof eventSchema>;
const parseEvents = (text: string): BenchEvent[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => eventSchema.parse(JSON.parse(l)));

// git trace2 events (one JSON line each) give every git process's own run time, whichever code spawned it.
const traceSchema = z.union([
  z.object({ event: z.literal('start'), sid: z.string(), time: z.string(), argv: z.array(z.string()) }),
  z.object({ event: z.literal('exit'), sid: z.string(), t_abs: z.number() }),
  z.object({ event: z.string(), sid: z.string() }),
]);
interface GitProcess {
  readonly label: string;
  readonly start: number;
  readonly ms: number;
}

/** `worktree add`, `merge`… from a git argv, skipping `-c key=value` settings. */
function gitLabel(argv: readonly string[]): string {
  let i = 1;
  while (argv[i]?.startsWith('-')) i += argv[i] === '-c' ? 2 : 1;
  return argv[i] === 'worktree' ? `worktree ${argv[i + 1] ?? ''}` : (argv[i] ?? '?');
}

/** Top-level git processes of a trace2 file (children of git itself are part of their parent's time). */
async function readGitTrace(path: string): Promise<GitProcess[]> {
  const started = new Map<string, { label: string; start: number }>();
  const done: GitProcess[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const event = traceSchema.parse(JSON.parse(line));
    if (event.sid.includes('/')) continue;
    if (event.event === 'start' && 'argv' in event)
      started.set(event.sid, { label: gitLabel(event.argv), start: Date.parse(event.time) });
    const begun = started.get(event.sid);
    if (event.event === 'exit' && 't_abs' in event && begun) done.push({ ...begun, ms: event.t_abs * 1000 });
  }
  return done;
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(sorted.length, 1);
  return { mean, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
};
const ms = (value: number) => `${Math.round(value)} ms`;
const row = (label: string, values: readonly number[]) => {
  const s = stats(values);
  return `    ${label.padEnd(52)} ${ms(s.mean).padStart(8)} ${ms(s.p50).padStart(8)} ${ms(s.max).padStart(8)}`;
};
const verdict = (value: number, target: number, format: (v: number) => string) =>
  `${format(value)} (target ≤ ${format(target)}, ${(value / target).toFixed(2)}× the target) ${value <= target ? '✓' : '✗ missed'}`;

const timeOf = (events: readonly BenchEvent[], type: string, storyId: string): number | undefined =>
  events.find((e) => e.type === type && 'storyId' in e && e.storyId === storyId)?.ts;

/**
 * When each story's agent slot opened: its level's start for the first `parallel`, else the (k-p)-th agent of its
 * level to end (a slot is an agent at work; commits and merges hold none).
 */
function readyTimes(events: readonly BenchEvent[], invocations: Measured['invocations']): Map<string, number> {
  const at = (type: string, id: string) => timeOf(events, type, id);
  const agentEnd = (id: string) => invocations.find((inv) => inv.env.BARO_STORY_ID === id)?.endTs ?? Infinity;
  const ready = new Map<string, number>();
  for (const level of events.filter((e) => e.type === 'level.started')) {
    if (!('stories' in level)) continue;
    const started = level.stories
      .filter((id) => at('story.started', id) !== undefined)
      .sort((a, b) => (at('story.started', a) ?? 0) - (at('story.started', b) ?? 0));
    const finishes = level.stories.map(agentEnd).sort((a, b) => a - b);
    started.forEach((id, k) => ready.set(id, k < PARALLEL ? level.ts : (finishes[k - PARALLEL] ?? level.ts)));
  }
  return ready;
}

export async function makeRepo(root: string, env: Record<string, string>): Promise<string> {
  const repo = join(root, 'repo');
  await execa('git', ['init', '--quiet', '--initial-branch=main', repo], { env, stdin: 'ignore' });
  await writeFile(join(repo, 'README.md'), '# dag benchmark\n');
  const identity = [
    ['config', 'user.name', 'Bench Person'],
    ['config', 'user.email', 'bench@example.invalid'],
    ['config', 'commit.gpgsign', 'false'],
  ];
  for (const args of [...identity, ['add', '-A'], ['commit', '--quiet', '-m', 'initial commit']])
    await execa('git', args, { cwd: repo, env, stdin: 'ignore' });
  return repo;
}

/**
 * What the Operator does per story, one op at a time with nothing queued: the real git-op actor on the same repository,
 * its git processes taken from the trace. Plus how long one fake claude process lives (spawn to exit, --version).
 */
async function calibrate(root: string, repo: string, env: Record<string, string>, fakeBin: string, trace: string) {
  const paths = runPaths({ home: join(root, 'calibration-home'), repoRoot: repo, runId: 'calibration' });
  const storyBranch = (id: string) => `bench-calibration/${id}`;
  const logic = gitOpLogic({
    repoRoot: repo,
    paths,
    storyBranch,
    baseSha: await revParse(repo, 'HEAD'),
    remote: undefined,
    identity: [],
  });
  const windows: { kind: string; from: number; to: number; wall: number }[] = [];
  const perform = async (op: GitOp) => {
    const [from, started] = [Date.now(), performance.now()];
    const actor = createActor(logic, { input: { op, branch: 'bench-calibration-integration' } });
    actor.start();
    await toPromise(actor);
    windows.push({ kind: op.kind, from, to: Date.now(), wall: performance.now() - started });
  };
  await perform({ kind: 'integration.create' });
  for (let i = 0; i < CALIBRATION_STORIES; i += 1) {
    const storyId = `C${i + 1}`;
    await perform({ kind: 'story.worktree', storyId });
    await writeFile(join(paths.storyWorktree(storyId), `${storyId}.txt`), `${storyId}\n`);
    await perform({ kind: 'story.commit', storyId, message: storyId });
    await perform({ kind: 'story.merge', storyId, message: `Merge ${storyId}` });
  }
  const git = await readGitTrace(trace);
  const ops = ['story.worktree', 'story.commit', 'story.merge'].map((kind) => {
    const mine = windows.filter((w) => w.kind === kind);
    const calls = git.filter((p) => mine.some((w) => p.start >= w.from && p.start <= w.to));
    return {
      kind,
      wall: stats(mine.map((w) => w.wall)).p50,
      gitCalls: calls.length / mine.length,
      gitMs: calls.reduce((sum, p) => sum + p.ms, 0) / mine.length,
    };
  });
  const fakeMs: number[] = [];
  for (let i = 0; i < CALIBRATION_STORIES; i += 1) {
    const started = performance.now();
    await execa(fakeBin, ['--version'], {
      cwd: root,
      env: { ...env, BARO_FAKE_CLAUDE_LOG: '', BARO_BENCH_AGENT_SECONDS: '0' },
      extendEnv: false,
      stdin: 'ignore',
    });
    fakeMs.push(performance.now() - started);
  }
  return { ops, fakeProcess: stats(fakeMs).p50 };
}

export function collector(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
}

export async function benchDag(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'baro-bench-dag-'));
  const gitConfig = join(root, 'gitconfig');
  const calibrationTrace = join(root, 'git-trace-calibration.jsonl');
  // baro's git calls read process.env: an empty global config (plus the trace target) keeps the machine's own config out.
  const saved = {
    GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL,
    GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM,
  };
  const gitEnv = { GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' };
  const heap = { start: process.memoryUsage().heapUsed, peak: process.memoryUsage().heapUsed };
  const sampler = setInterval(() => {
    heap.peak = Math.max(heap.peak, process.memoryUsage().heapUsed);
  }, 50);
  try {
    await writeFile(gitConfig, '');
    const repo = await makeRepo(root, { ...gitEnv, PATH: process.env.PATH ?? '' });
    const plan = dagPlan();
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(plan, null, 2));
    const fake = { bin: FAKE_AGENT, logPath: join(root, 'agents.jsonl') };
    const env = {
      PATH: process.env.PATH ?? '',
      ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }),
      ...gitEnv,
      BARO_FAKE_CLAUDE_LOG: fake.logPath,
      BARO_BENCH_AGENT_SECONDS: String(AGENT_MS / 1000),
      BARO_HOME: join(root, 'baro-home'),
      BARO_CLAUDE_BIN: fake.bin,
    };
    Object.assign(process.env, gitEnv);
    const lines: string[] = [];
    const options = parseRunOptions({ plan: planPath, parallel: String(PARALLEL), json: true, push: false, yes: true });
    const exitCode = await runCommand(undefined, options, {
      cwd: repo,
      env,
      out: collector(lines),
      stopRequested: new Promise<void>(() => undefined),
    });
    await writeFile(gitConfig, `[trace2]\n\teventTarget = ${JSON.stringify(calibrationTrace)}\n`);
    const runDir = parseEvents(lines.join('')).find((e) => e.type === 'run.started' && 'runDir' in e);
    if (runDir === undefined || !('runDir' in runDir))
      throw new Error('the run reported no run.started event; run `npm run baro -- run --plan` by hand to see why');
    const events = parseEvents(await readFile(join(runDir.runDir, 'events.jsonl'), 'utf8'));
    const calibration = await calibrate(root, repo, env, fake.bin, calibrationTrace);
    report({ events, exitCode, invocations: readInvocations(fake.logPath), calibration, heap });
  } finally {
    clearInterval(sampler);
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(root, { recursive: true, force: true });
  }
}

interface Measured {
  readonly events: readonly BenchEvent[];
  readonly exitCode: number;
  readonly invocations: ReturnType<typeof readInvocations>;
  readonly calibration: Awaited<ReturnType<typeof calibrate>>;
  readonly heap: { readonly start: number; readonly peak: number };
}

const STORIES = WIDTHS.reduce((sum, w) => sum + w, 0);
const WAVES = WIDTHS.map((w) => Math.ceil(w / PARALLEL));
const BOUND_MS = WAVES.reduce((sum, n) => sum + n, 0) * AGENT_MS;

/** Each story's time on its slot, split at the journal's events and the fake's own start and end. */
function slotPhases(events: readonly BenchEvent[], invocations: Measured['invocations']) {
  const at = (type: string, id: string) => timeOf(events, type, id);
  const phases = {
    queue: [] as number[],
    spawn: [] as number[],
    agent: [] as number[],
    commit: [] as number[],
    merge: [] as number[],
    total: [] as number[],
  };
  for (const [id, ready] of readyTimes(events, invocations)) {
    const inv = invocations.find((i) => i.env.BARO_STORY_ID === id);
    const [started, committed, merged] = [at('story.started', id), at('story.committed', id), at('story.merged', id)];
    if (inv?.endTs === undefined || started === undefined || committed === undefined || merged === undefined) continue;
    phases.queue.push(started - ready);
    phases.spawn.push(inv.startTs - started);
    phases.agent.push(inv.endTs - inv.startTs - AGENT_MS);
    phases.commit.push(committed - inv.endTs);
    phases.merge.push(merged - committed);
    phases.total.push(merged - ready - AGENT_MS);
  }
  return phases;
}

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
  const { events, exitCode, invocations, heap } = measured;
  const completed = events.find((e) => e.type === 'run.completed');
  if (completed === undefined || !('timing' in completed)) {
    console.log(`dag scheduling: the run ended without run.completed (exit ${exitCode}); nothing to measure`);
    return;
  }
  const makespan = completed.timing.wallMs;
  const runStart = completed.ts - makespan;
  const overhead = (makespan - BOUND_MS) / STORIES;
  const merged = events.filter((e) => e.type === 'story.merged');
  const phases = slotPhases(events, invocations);
  const firstLevel = events.find((e) => e.type === 'level.started')?.ts ?? runStart;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

  console.log(
    `dag scheduling: ${STORIES} stories in levels of ${WIDTHS.join(', ')}, --parallel ${PARALLEL}, ${AGENT_MS / 1000} s fake agents, real git`,
  );
  console.log(
    `  run ${completed.status} (exit ${exitCode}), ${merged.length}/${STORIES} merged, ${invocations.length} agent processes`,
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
  console.log(
    `  memory: heapUsed ${mb(heap.start)} at start → peak ${mb(heap.peak)} (sampled every 50 ms); maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} (the whole bench process, earlier benchmarks included)`,
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await benchDag();
}
