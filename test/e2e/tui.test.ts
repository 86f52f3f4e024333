// The TUI under tmux: every story and its changing state on screen, and `q` stopping the run like Ctrl-C (exit 3).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { agentInvocations, readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import { baroCommand } from '../helpers/cli.js';
import { alive, until } from '../helpers/process.js';
import { isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

const hasTmux = (await execa('sh', ['-c', 'command -v tmux'], { reject: false })).exitCode === 0;
// Without tmux the test may be skipped on a developer's machine, never in CI.
const tmuxIt = hasTmux || process.env['CI'] ? it : it.skip;

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** Polls the screen until `check` holds (bounded like `until`), returning the last capture. */
async function screenUntil(capture: () => Promise<string>, check: (screen: string) => boolean, what: string) {
  let screen = '';
  for (let i = 0; i < 600; i += 1) {
    screen = await capture();
    if (check(screen)) return screen;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  throw new Error(`gave up waiting for ${what}; the screen:\n${screen}`);
}

tmuxIt(
  'shows every story changing state, follows j/k/enter and a resize, and q stops every agent with exit 3',
  { timeout: 180_000 },
  async () => {
    const repo = await makeTempRepo();
    const dir = dirname(repo);
    const gate = join(dir, 'gate');
    const planPath = join(dir, 'plan.json');
    await writeFile(
      planPath,
      JSON.stringify(planOf('TUI demo', [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A', 'B'] }])),
    );
    const fake = setupFakeClaude(dir, {
      scripts: [
        { match: { storyId: 'C' }, steps: [{ write: 'c.txt', content: 'c\n' }, { sleep: 120_000 }] },
        {
          steps: [
            { read: 'README.md' },
            { bash: `while [ ! -f ${quote(gate)} ]; do sleep 0.1; done` },
            { write: 'x.txt', content: 'x\n' },
          ],
        },
      ],
    });
    const exitFile = join(dir, 'exit-code');
    const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
    const script = join(dir, 'tui.sh');
    await writeFile(
      script,
      [
        ...Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`),
        'export TERM=xterm-256color LANG=C.UTF-8',
        `cd ${quote(repo)}`,
        `${baroCommand(['run', '--plan', planPath, '--no-push', '--yes']).map(quote).join(' ')} 2>${quote(join(dir, 'stderr'))}`,
        `echo $? > ${quote(exitFile)}`,
        'sleep 600',
      ].join('\n'),
    );
    // A server of its own: other tmux sessions on the machine are never touched.
    const tmux = (...args: string[]) => execa('tmux', ['-L', `baro-test-${process.pid}`, ...args], { reject: false });
    const capture = async () => (await tmux('capture-pane', '-p', '-t', 'tui')).stdout;
    await tmux('new-session', '-d', '-s', 'tui', '-x', '120', '-y', '36', `sh ${quote(script)}`);
    try {
      const working = await screenUntil(
        capture,
        (s) => /▶ A +working/.test(s) && /▶ B +working/.test(s),
        'A and B working',
      );
      expect(working).toMatch(/· C +pending/);
      expect(working).toContain('┌─ stories');

      // j selects B, whose detail shows; enter gives the detail the whole side (the event pane goes), enter again not.
      await tmux('send-keys', '-t', 'tui', 'j');
      await screenUntil(capture, (s) => /> ▶ B /.test(s) && s.includes('B: running'), 'B selected and detailed');
      await tmux('send-keys', '-t', 'tui', 'Enter');
      await screenUntil(capture, (s) => !s.includes('─ events'), 'the detail over the event pane');
      await tmux('send-keys', '-t', 'tui', 'Enter');
      await tmux('send-keys', '-t', 'tui', 'k');
      await screenUntil(capture, (s) => s.includes('─ events') && /> ▶ A /.test(s), 'A selected, the event pane back');

      // A narrower, shorter terminal: the panes stack, every story still shows, nothing runs past the edge.
      await tmux('resize-window', '-t', 'tui', '-x', '70', '-y', '24');
      const narrow = await screenUntil(
        capture,
        (s) => s.split('\n').every((line) => line.length <= 70) && /┌─ stories ─+┐/.test(s) && /^┌─ detail/m.test(s),
        'the screen redrawn at 70 columns',
      );
      for (const id of ['A', 'B', 'C']) expect(narrow).toMatch(new RegExp(`[▶·] ${id} `));
      await tmux('resize-window', '-t', 'tui', '-x', '120', '-y', '36');

      await writeFile(gate, '');
      const later = await screenUntil(capture, (s) => /▶ C +working/.test(s), 'C working after A and B');
      expect(later).toMatch(/✓ A +merged/);
      expect(later).toMatch(/✓ B +merged/);
      await until(() => agentInvocations(fake.logPath).length === 3, 'the agent of C to start', 60);

      await tmux('send-keys', '-t', 'tui', 'q');
      await until(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '', 'baro to exit', 60);
      expect(readFileSync(exitFile, 'utf8').trim()).toBe('3');
      expect(await capture()).toContain('run stopped');
      const pids = readInvocations(fake.logPath).map((inv) => inv.pid);
      await until(() => pids.every((pid) => !alive(pid)), 'every agent to be gone', 30);
    } finally {
      await tmux('kill-server');
    }
  },
);
