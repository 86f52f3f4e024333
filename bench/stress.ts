// `npm run bench:stress`: many stories on one repository, run after run, to catch what fails only under load (the
// worktree-add race of issue 6 lost stories in 3 of 8 such runs). Each run is a fresh repository and a whole
// `baro run --plan` of 1 s shell agents; it prints one line per run and exits 1 when any story of any run failed.
// Options: --runs 10, --parallel 8, --widths 32,32,24,8 (stories per level: 96), --agent-seconds 1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runCommand } from '../cli/commands/run.js';
import { parseRunOptions } from '../cli/options.js';
import { FAKE_AGENT, collector, dagPlan, makeRepo } from './plan.js';

const completedSchema = z.object({
  type: z.literal('run.completed'),
  status: z.string(),
  timing: z.object({ wallMs: z.number() }),
  stories: z.array(z.object({ id: z.string(), status: z.string(), reason: z.string().optional() })),
  error: z.string().optional(),
});

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    parallel: { type: 'string', default: '8' },
    widths: { type: 'string', default: '32,32,24,8' },
    'agent-seconds': { type: 'string', default: '1' },
  },
});
const count = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1, not '${text}'`);
  return value;
};
const runs = count('runs', values.runs);
const widths = values.widths.split(',').map((width) => count('widths', width));
const agentSeconds = Number(values['agent-seconds']);
if (!(agentSeconds >= 0))
  throw new Error(`--agent-seconds takes a number of seconds, not '${values['agent-seconds']}'`);

/** One whole run in a fresh repository; the run.completed event it reported. */
async function stressRun(): Promise<z.infer<typeof completedSchema>> {
  const root = await mkdtemp(join(tmpdir(), 'baro-bench-stress-'));
  try {
    const gitConfig = join(root, 'gitconfig');
    await writeFile(gitConfig, '');
    const gitEnv = { GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' };
    // baro's git calls read process.env: an empty global config keeps the machine's own config out.
    Object.assign(process.env, gitEnv);
    const repo = await makeRepo(root, { ...gitEnv, PATH: process.env.PATH ?? '' });
    const planPath = join(root, 'plan.json');
    await writeFile(planPath, JSON.stringify(dagPlan(widths), null, 2));
    const lines: string[] = [];
    const options = parseRunOptions({ plan: planPath, parallel: values.parallel, json: true, push: false, yes: true });
    await runCommand(undefined, options, {
      cwd: repo,
      env: {
        PATH: process.env.PATH ?? '',
        ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }),
        ...gitEnv,
        BARO_BENCH_AGENT_SECONDS: String(agentSeconds),
        BARO_HOME: join(root, 'baro-home'),
        BARO_CLAUDE_BIN: FAKE_AGENT,
      },
      out: collector(lines),
      stopRequested: new Promise<void>(() => undefined),
    });
    const events = lines
      .join('')
      .split('\n')
      .filter((line) => line.includes('"run.completed"'));
    return completedSchema.parse(JSON.parse(events.at(-1) ?? 'null'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const stories = widths.reduce((sum, width) => sum + width, 0);
console.log(
  `stress: ${runs} runs of ${stories} stories (levels ${widths.join(', ')}) at --parallel ${values.parallel}, ${agentSeconds} s agents`,
);
let lost = 0;
for (let run = 1; run <= runs; run += 1) {
  const completed = await stressRun();
  const merged = completed.stories.filter((story) => story.status === 'merged').length;
  const failed = completed.stories.filter((story) => story.status !== 'merged');
  if (failed.length > 0 || completed.status !== 'succeeded') lost += 1;
  console.log(
    `  run ${run}/${runs}: ${completed.status}, ${merged}/${stories} merged in ${(completed.timing.wallMs / 1000).toFixed(1)} s`,
  );
  for (const story of failed) console.log(`    ${story.id} ${story.status}${story.reason ? `: ${story.reason}` : ''}`);
  if (completed.error) console.log(`    error: ${completed.error}`);
}
console.log(lost === 0 ? `stress: every story of every run merged` : `stress: ${lost} of ${runs} runs lost stories`);
process.exitCode = lost === 0 ? 0 : 1;
