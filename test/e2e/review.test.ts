// The plain plan review: stdout is not a terminal (no TUI) but stdin and stderr are, so the plan and the question go
// to the terminal as text. baro runs in tmux with stdout sent to a file; the planner's turns are read from the log.
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { argValue, promptOf, readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeMatch, FakeScript } from '../fake-claude/scenario.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';
import { skipTmux, startInTmux } from './tmux.js';
import type { TmuxBaro } from './tmux.js';

if (skipTmux) console.warn('test/e2e/review.test.ts skipped: tmux is not installed (apt-get install -y tmux)');

useGitSandbox();

const GOAL = 'Add greetings';
const sessions: TmuxBaro[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
});

const answer = (title: string, match: FakeMatch): FakeScript => {
  const plan = planOf(GOAL, [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }]);
  plan.stories[1] = { ...plan.stories[1]!, title };
  return { match, result: { type: 'success', structuredOutput: plan } };
};

const scripts: FakeScript[] = [
  answer('Say goodbye', { role: 'planner', turn: 1 }),
  answer('Say farewell', { role: 'planner' }),
  ...['A', 'B'].map((id) => ({ match: { storyId: id }, steps: [{ write: `${id}.txt`, content: `${id}\n` }] })),
];

/** Starts `baro "goal" --no-push` in tmux, its stdout in a file: the plain review on stderr. */
async function start() {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const fake = setupFakeClaude(dir, { scripts });
  const env = {
    ...(await isolatedGitEnv()),
    ...fake.env,
    PATH: process.env['PATH'] ?? '',
    BARO_CLAUDE_BIN: fake.bin,
    BARO_HOME: join(dir, 'baro-home'),
  };
  const stdout = join(dir, 'stdout');
  const t = await startInTmux({
    cwd: repo,
    dir,
    env,
    args: [GOAL, '--no-push'],
    width: 160,
    height: 60,
    stdoutTo: stdout,
  });
  sessions.push(t);
  return { ...t, repo, fake, stdout: () => readFile(stdout, 'utf8') };
}

describe.skipIf(skipTmux)('the plain plan review, stdout not a terminal', { timeout: 120_000 }, () => {
  it('refines with typed feedback the planner receives in the same session, then approves with Enter', async () => {
    const t = await start();
    await t.waitForText('Run this plan?');
    await t.waitForText('Say goodbye');
    t.keys('r');
    await t.waitForText('What should change?');
    t.keys('Call it farewell', 'Enter');
    await t.waitForText('Run this plan?', 2);
    await t.waitForText('Say farewell');
    t.keys('Enter');

    expect(await t.exitCode()).toBe(0);
    const planner = readInvocations(t.fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'planner');
    expect(planner).toHaveLength(2);
    expect(argValue(planner[1]!, '--resume')).toBe(planner[0]?.sessionId);
    expect(promptOf(planner[1]!)).toContain('Call it farewell');
    expect(await git(t.repo, 'log', '--format=%s', 'baro/add-greetings')).toContain('Merge B: Say farewell');
    // No TUI: the run's plain lines went to stdout.
    expect(await t.stdout()).toContain('run succeeded: 2/2 stories merged');
  });

  it('approves with a', async () => {
    const t = await start();
    await t.waitForText('Run this plan?');
    t.keys('a');
    expect(await t.exitCode()).toBe(0);
    expect(await git(t.repo, 'show', 'baro/add-greetings:B.txt')).toBe('B');
  });

  it('quits with q: exit 3, no story run, no branch made', async () => {
    const t = await start();
    await t.waitForText('Run this plan?');
    t.keys('q');

    expect(await t.exitCode()).toBe(3);
    expect(readInvocations(t.fake.logPath).map((inv) => inv.env.BARO_ROLE)).toEqual(['planner']);
    expect(await git(t.repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
  });
});
