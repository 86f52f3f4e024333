import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../../services/process-alive.js';
import { runCommand, startSpawnHelper } from '../../../services/process/spawn-helper.js';
import type { HelperCommand, HelperResult } from '../../../services/process/spawn-helper.js';

const shell = (script: string, stdin?: string): HelperCommand => ({
  file: 'sh',
  args: ['-c', script],
  cwd: tmpdir(),
  env: process.env,
  stdin,
});

async function inHelper(command: HelperCommand): Promise<HelperResult> {
  expect(await startSpawnHelper()).toBe(true);
  return runCommand(command);
}

const parentOf = (result: HelperResult) => Number(ran(result).stdout.trim().split(' ').at(-1));

const ran = (result: HelperResult) => {
  if (!result.ran) throw new Error(`the command did not run: ${result.message}`);
  return result;
};

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('the spawn helper', () => {
  it("runs a command as its own child, with the command's stdin, exit code and output", async () => {
    const result = ran(await inHelper(shell('read line; echo "$line $PPID"; echo oops >&2; exit 3', 'hello')));
    expect(result.stdout.split(' ')[0]).toBe('hello');
    expect(parentOf(result)).not.toBe(process.pid);
    expect(processAlive(parentOf(result))).toBe(true);
    expect(result).toMatchObject({ exitCode: 3, signal: null, stderr: 'oops\n' });
  });

  it("runs a command that may be cancelled as baro's own child, which the cancel stops", async () => {
    expect(await startSpawnHelper()).toBe(true);
    expect(parentOf(await runCommand(shell('echo $PPID'), { signal: new AbortController().signal }))).toBe(process.pid);
    const cancel = new AbortController();
    const sleeping = runCommand(shell('sleep 5'), { signal: cancel.signal });
    cancel.abort();
    expect(await sleeping).toMatchObject({ ran: false, message: expect.stringContaining('abort') });
  });

  it('says why a command could not run', async () => {
    const result = await inHelper({ ...shell('true'), cwd: join(tmpdir(), 'baro-no-such-folder') });
    expect(result).toMatchObject({ ran: false, message: expect.stringContaining('ENOENT') });
  });

  it('answers a command it was running when it died, runs the next one itself, and a new helper takes over', async () => {
    const helperPid = parentOf(await inHelper(shell('echo $PPID')));
    const running = runCommand(shell('sleep 5'));
    process.kill(helperPid, 'SIGKILL');
    expect(await running).toEqual({ ran: false, message: 'the helper process that runs it exited' });
    expect(ran(await runCommand(shell('echo $PPID')))).toMatchObject({ exitCode: 0 });
    await until(() => !processAlive(helperPid));
    const next = parentOf(await inHelper(shell('echo $PPID')));
    expect([helperPid, process.pid]).not.toContain(next);
  });

  it('keeps no process alive: baro exits when its work is done, and the helper follows it', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const helper = pathToFileURL(join(import.meta.dirname, '../../../services/process/spawn-helper.ts')).href;
    const script = [
      `import { runCommand, startSpawnHelper } from ${JSON.stringify(helper)};`,
      'await startSpawnHelper();',
      "const result = await runCommand({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: '/', env: process.env });",
      'console.log(result.stdout.trim());',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      tsx,
      '--input-type=module',
      '-e',
      script,
    ]);
    const helperPid = Number(stdout.trim());
    expect(helperPid).toBeGreaterThan(0);
    await until(() => !processAlive(helperPid));
    expect(processAlive(helperPid)).toBe(false);
  });
});
