// The worktree pool where it pays: a generated 5,000-file repository whose worktrees need a setup step (a script that
// sleeps like `npm ci`), the same plan run with the pool and without it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { readInvocations } from '../test/fake-claude/scenario.js';
import { benchRepo, journalOf, runArgs, runBaro } from './child-run.js';
import { ms } from './format.js';
import { dagPlan } from './plan.js';

const FILES = 5000;
const FOLDERS = 50;
const WIDTHS = [8, 8, 8] as const;
const PARALLEL = 4;
const AGENT_SECONDS = 0.5;
const SETUP_SECONDS = 0.5;

/** FILES small files in FOLDERS folders, a lock file, node_modules ignored, and a setup that counts its runs. */
async function generate(repo: string, counter: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (let folder = 0; folder < FOLDERS; folder += 1) {
    const dir = join(repo, 'lib', `m${folder}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: FILES / FOLDERS }, (_, i) =>
        writeFile(join(dir, `f${i}.ts`), `export const v${folder}_${i} = ${i};\n`),
      ),
    );
  }
  await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
  await writeFile(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
  const setup = `sleep ${SETUP_SECONDS} && mkdir -p node_modules/dep && echo "$BARO_STORY_ID" >> ${JSON.stringify(counter)}`;
  await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ worktree: { setup: [setup] } }, null, 2));
  const git = (args: string[]) => execa('git', args, { cwd: repo, env, stdin: 'ignore' });
  await git(['add', '-A']);
  await git(['commit', '--quiet', '-m', 'generated files']);
}

async function poolRun(main: string, pool: boolean) {
  const { root, repo, env } = await benchRepo('baro-bench-pool-');
  try {
    const counter = join(root, 'setup-runs.txt');
    const log = join(root, 'agents.jsonl');
    const runEnv = env({
      BARO_BENCH_AGENT_SECONDS: String(AGENT_SECONDS),
      BARO_FAKE_CLAUDE_LOG: log,
      BARO_WORKTREE_POOL: pool ? '1' : '0',
    });
    await generate(repo, counter, runEnv);
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(dagPlan(WIDTHS), null, 2));
    const run = await runBaro(main, runArgs(planPath, PARALLEL), repo, runEnv);
    const events = await journalOf(run.stdout, run.stderr);
    const completed = events.find((e) => e.type === 'run.completed');
    const setups = (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').length;
    return {
      status: completed !== undefined && 'status' in completed ? completed.status : `exit ${String(run.exitCode)}`,
      wallMs: completed !== undefined && 'timing' in completed ? completed.timing.wallMs : NaN,
      setups,
      worktrees: new Set(readInvocations(log).map((inv) => inv.cwd)).size,
      merged: events.filter((e) => e.type === 'story.merged').length,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function benchPool(main: string): Promise<void> {
  const stories = WIDTHS.reduce((sum, w) => sum + w, 0);
  console.log(
    `worktree pool: ${FILES.toLocaleString('en')}-file repository, a ${SETUP_SECONDS} s setup step, ${stories} stories in levels of ${WIDTHS.join(', ')} at --parallel ${PARALLEL}, ${AGENT_SECONDS} s agents`,
  );
  for (const pool of [false, true]) {
    const r = await poolRun(main, pool);
    const perWorktree = r.setups / Math.max(r.worktrees, 1);
    console.log(
      `  ${pool ? 'with the pool   ' : 'without the pool'}: run ${r.status}, ${r.merged}/${stories} merged in ${ms(r.wallMs)}; ${r.worktrees} worktrees for ${stories} stories; setup ran ${r.setups}× (${(r.setups / stories).toFixed(2)} per story, ${perWorktree.toFixed(2)} per worktree)${pool ? (r.setups === r.worktrees ? ' ✓ once per worktree' : ' ✗ more than once per worktree') : ''}`,
    );
  }
}
