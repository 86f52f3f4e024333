// The plan review inside the TUI (stdout a terminal): planning shown, the plan reviewed in the same screen, refined
// with feedback typed there, approved, and the stories run on that screen; or quit with nothing run.
import { dirname, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { argValue, promptOf, readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeMatch, FakeScript } from '../fake-claude/scenario.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';
import { skipTmux, startInTmux } from './tmux.js';
import type { TmuxBaro } from './tmux.js';

if (skipTmux) console.warn('test/e2e/tui-review.test.ts skipped: tmux is not installed (apt-get install -y tmux)');

useGitSandbox();

const GOAL = 'Add greetings';
const sessions: TmuxBaro[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
});

const answer = (title: string, match: FakeMatch): FakeScript => {
  const plan = planOf(GOAL, [{ id: 'A' }, { id: 'B', dependsOn: ['A'], writes: ['B.txt'] }]);
  plan.stories[1] = { ...plan.stories[1]!, title, acceptance: ['B says it \u001b[31min red\u001b[0m'] };
  return { match, result: { type: 'success', structuredOutput: plan } };
};

/** `baro "goal" --no-push` in tmux; B's agent waits for `gate` so the screen can be read while it works. */
async function start() {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const gate = join(dir, 'gate');
  const fake = setupFakeClaude(dir, {
    scripts: [
      answer('Say goodbye', { role: 'planner', turn: 1 }),
      answer('Say farewell', { role: 'planner' }),
      { match: { storyId: 'A' }, steps: [{ write: 'A.txt', content: 'A\n' }] },
      {
        match: { storyId: 'B' },
        steps: [{ bash: `while [ ! -f '${gate}' ]; do sleep 0.1; done` }, { write: 'B.txt', content: 'B\n' }],
      },
    ],
  });
  const env = {
    ...(await isolatedGitEnv()),
    ...fake.env,
    PATH: process.env['PATH'] ?? '',
    BARO_CLAUDE_BIN: fake.bin,
    BARO_HOME: join(dir, 'baro-home'),
  };
  const t = await startInTmux({ cwd: repo, dir, env, args: [GOAL, '--no-push'], width: 120, height: 36 });
  sessions.push(t);
  return { ...t, repo, fake, openGate: () => writeFile(gate, '') };
}

describe.skipIf(skipTmux)('the plan review in the TUI', { timeout: 180_000 }, () => {
  it('refines with feedback typed in the screen, approves, and shows the stories run', async () => {
    const t = await start();
    const review = await t.waitForText('a/Enter approve');
    expect(review).toContain('┌─ plan');
    expect(review).toContain('B  Say goodbye');
    expect(review).toContain('standard · after A');
    expect(review).toContain('✓ B says it in red');
    expect(review).toContain('writes: B.txt');
    expect(review).toContain('review the plan: 2 stories in 2 levels');

    t.keys('r');
    await t.waitForText('what should change?');
    t.keys('Call it farewell', 'Enter');
    await t.waitForText('B  Say farewell');
    await t.waitForText('a/Enter approve');
    t.keys('Enter');

    const working = await t.waitFor('A merged and B working', (s) => /✓ A +merged/.test(s) && /▶ B +working/.test(s));
    expect(working).toContain('baro/add-greetings');
    expect(working).toContain('refine: Call it farewell');
    await t.openGate();
    expect(await t.exitCode()).toBe(0);
    expect(t.screen(true)).toContain('run succeeded: 2/2 stories merged on baro/add-greetings');

    const planner = readInvocations(t.fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'planner');
    expect(planner).toHaveLength(2);
    expect(argValue(planner[1]!, '--resume')).toBe(planner[0]?.sessionId);
    expect(promptOf(planner[1]!)).toContain('Call it farewell');
    expect(await git(t.repo, 'log', '--format=%s', 'baro/add-greetings')).toContain('Merge B: Say farewell');
  });

  it('quits with q: exit 3, no story run, no branch made', async () => {
    const t = await start();
    await t.waitForText('a/Enter approve');
    t.keys('q');

    expect(await t.exitCode()).toBe(3);
    expect(t.screen(true)).toContain('run stopped');
    expect(readInvocations(t.fake.logPath).map((inv) => inv.env.BARO_ROLE)).toEqual(['planner']);
    expect(await git(t.repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
  });
});
