// Worktree setup against real processes and files: copies, commands in order, failures with their output, groups ended.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputExcerpt } from '../../services/shell-command.js';
import { setUpWorktree } from '../../services/worktree-setup.js';
import type { WorktreeSetupInput } from '../../services/worktree-setup.js';
import { storyPorts } from '../../services/story-port.js';
import { alive, until } from '../helpers/process.js';
import { makeTempDir, removeTempDirs } from '../helpers/repo.js';

afterAll(removeTempDirs);

async function setup(overrides: Partial<WorktreeSetupInput> = {}) {
  const dir = await makeTempDir('baro-setup-');
  const repoDir = join(dir, 'repo');
  const worktree = join(dir, 'worktree');
  await mkdir(repoDir);
  await mkdir(worktree);
  const input: WorktreeSetupInput = {
    repoDir,
    worktree,
    copy: [],
    commands: [],
    env: { PATH: process.env['PATH'] ?? '', PORT: '4101' },
    timeoutMs: 60_000,
    logPath: join(dir, 'run', 'stories', 'S1', 'setup.log'),
    ...overrides,
  };
  return { dir, repoDir, worktree, input };
}

describe('setUpWorktree', () => {
  it('copies files and folders from the repository, skipping missing ones, then runs the commands in order', async () => {
    const { repoDir, worktree, input } = await setup();
    await writeFile(join(repoDir, '.env'), 'A=1\n');
    await mkdir(join(repoDir, 'config', 'local'), { recursive: true });
    await writeFile(join(repoDir, 'config', 'local', 'x.json'), '{}');
    const result = await setUpWorktree({
      ...input,
      copy: ['.env', 'config/local', 'missing.txt'],
      commands: ['cat .env > out.txt', 'echo "port $PORT" >> out.txt'],
    });
    expect(result).toEqual({ kind: 'ok' });
    expect(await readFile(join(worktree, 'out.txt'), 'utf8')).toBe('A=1\nport 4101\n');
    expect(existsSync(join(worktree, 'config', 'local', 'x.json'))).toBe(true);
    expect(existsSync(join(worktree, 'missing.txt'))).toBe(false);
    expect(await readFile(input.logPath, 'utf8')).toContain('$ cat .env > out.txt');
  });

  it('stops at the first failing command and reports it with the tail of its output', async () => {
    const { worktree, input } = await setup();
    const result = await setUpWorktree({
      ...input,
      commands: ['echo first; echo "npm ERR! broken" >&2; exit 7', 'touch never.txt'],
    });
    expect(result).toMatchObject({ kind: 'failed', command: 'echo first; echo "npm ERR! broken" >&2; exit 7' });
    const reason = result.kind === 'failed' ? result.reason : '';
    expect(reason).toContain('exited with code 7');
    expect(reason).toContain('first\nnpm ERR! broken');
    expect(reason).toContain(input.logPath);
    expect(existsSync(join(worktree, 'never.txt'))).toBe(false);
  });

  it('ends a command that outlives its timeout, with everything it started', async () => {
    const { dir, input } = await setup();
    const pidFile = join(dir, 'child.pid');
    const result = await setUpWorktree({
      ...input,
      // Long enough for a shell on a loaded machine to start its child and write its pid before the timeout.
      timeoutMs: 3000,
      commands: [`sleep 600 & echo $! > ${pidFile}; wait`],
    });
    expect(result).toMatchObject({ kind: 'failed' });
    expect(result.kind === 'failed' ? result.reason : '').toContain('did not finish within');
    const child = Number(await readFile(pidFile, 'utf8'));
    await until(() => !alive(child), 'the timed-out command to end');
  });

  it('ends what a finished command left running in the background', async () => {
    const { dir, input } = await setup();
    const pidFile = join(dir, 'bg.pid');
    const result = await setUpWorktree({
      ...input,
      commands: [`(sleep 600 > /dev/null 2>&1 &) ; sleep 600 > /dev/null 2>&1 & echo $! > ${pidFile}`],
    });
    expect(result).toEqual({ kind: 'ok' });
    const child = Number(await readFile(pidFile, 'utf8'));
    await until(() => !alive(child), 'the background process to end');
  });

  it('stops when aborted', async () => {
    const { input } = await setup();
    const controller = new AbortController();
    const pending = setUpWorktree({ ...input, commands: ['sleep 600'], signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toThrow('was stopped');
  });
});

describe('outputExcerpt', () => {
  const numbered = (count: number) => Array.from({ length: count }, (_, i) => `line ${i}`);

  it('keeps a short output whole', () => {
    expect(outputExcerpt(`${numbered(20).join('\n')}\n\n`)).toBe(numbered(20).join('\n'));
  });

  it('keeps the first lines, where tools like npm say what went wrong, and the last ones, where most do', () => {
    const lines = outputExcerpt(numbered(40).join('\n')).split('\n');
    expect(lines).toEqual([...numbered(6), '… (20 lines left out)', ...numbered(40).slice(-14)]);
  });

  it('shortens very long lines', () => {
    const [first, long] = outputExcerpt(['npm error code EUSAGE', 'x'.repeat(5000)].join('\n')).split('\n');
    expect(first).toBe('npm error code EUSAGE');
    expect(long).toBe(`${'x'.repeat(199)}…`);
  });
});

describe('storyPorts', () => {
  it('gives each story of the plan its own port, by position, and a later story the next one', () => {
    const portOf = storyPorts(['A', 'B', 'C']);
    expect(['A', 'B', 'C'].map(portOf)).toEqual([4101, 4102, 4103]);
    expect(portOf('B')).toBe(4102);
    expect(portOf('Z')).toBe(4104);
    expect(portOf('Z')).toBe(4104);
  });
});
