// The plan review on a real terminal: baro in tmux, keys sent with send-keys, the planner's turns read from the log.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { argValue, promptOf, readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeMatch, FakeScript } from '../fake-claude/scenario.js';
import { baroCommand } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTmux) console.warn('test/e2e/review.test.ts skipped: tmux is not installed (apt-get install -y tmux)');

useGitSandbox();

const GOAL = 'Add greetings';
const sockets: string[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
});

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

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

/** Starts `baro "goal" --no-push` in a detached tmux session; the exit code lands in a file. */
async function startInTmux() {
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
  const exitFile = join(dir, 'exit-code');
  const script = join(dir, 'baro.sh');
  const exports = Object.entries(env).map(([key, value]) => `export ${key}=${quote(value)}`);
  const command = baroCommand([GOAL, '--no-push']).map(quote).join(' ');
  await writeFile(
    script,
    `cd ${quote(repo)}\n${exports.join('\n')}\n${command}\necho $? > ${quote(exitFile)}\nsleep 600\n`,
  );
  const socket = `baro-review-${process.pid}-${sockets.length}`;
  sockets.push(socket);
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '160', '-y', '60', '-s', 'baro', `sh ${quote(script)}`);
  const screen = () => tmux('capture-pane', '-p', '-S', '-200', '-t', 'baro');
  const until = async (what: string, ready: () => boolean) => {
    for (let i = 0; i < 600; i += 1) {
      if (ready()) return;
      await sleep(100);
    }
    throw new Error(`tmux: no ${what} after 60 s; the screen shows:\n${screen()}`);
  };
  return {
    repo,
    fake,
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'baro', ...keys),
    waitForText: (text: string, count = 1) =>
      until(`"${text}" (×${count})`, () => screen().split(text).length - 1 >= count),
    exitCode: async () => {
      await until('exit code', () => existsSync(exitFile));
      return Number((await readFile(exitFile, 'utf8')).trim());
    },
  };
}

describe.skipIf(!hasTmux)('the plan review on a terminal', { timeout: 120_000 }, () => {
  it('refines with typed feedback the planner receives in the same session, then approves with Enter', async () => {
    const t = await startInTmux();
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
  });

  it('approves with a', async () => {
    const t = await startInTmux();
    await t.waitForText('Run this plan?');
    t.keys('a');
    expect(await t.exitCode()).toBe(0);
    expect(await git(t.repo, 'show', 'baro/add-greetings:B.txt')).toBe('B');
  });

  it('quits with q: exit 3, no story run, no branch made', async () => {
    const t = await startInTmux();
    await t.waitForText('Run this plan?');
    t.keys('q');

    expect(await t.exitCode()).toBe(3);
    expect(readInvocations(t.fake.logPath).map((inv) => inv.env.BARO_ROLE)).toEqual(['planner']);
    expect(await git(t.repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
  });
});
