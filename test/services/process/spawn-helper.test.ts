import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../../services/process-alive.js';
import { runInHelper, startSpawnHelper } from '../../../services/process/spawn-helper.js';
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
  const result = runInHelper(command);
  if (result === undefined) throw new Error('the helper is up but took no command');
  return result;
}

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
    const [line, parent] = result.stdout.trim().split(' ');
    expect(line).toBe('hello');
    expect(Number(parent)).not.toBe(process.pid);
    expect(processAlive(Number(parent))).toBe(true);
    expect(result).toMatchObject({ exitCode: 3, signal: null, stderr: 'oops\n' });
  });

  it('says why a command could not run', async () => {
    const result = await inHelper({ ...shell('true'), cwd: join(tmpdir(), 'baro-no-such-folder') });
    expect(result).toMatchObject({ ran: false, message: expect.stringContaining('ENOENT') });
  });

  it('answers a command it was running when it died, and a new helper takes the next one', async () => {
    const helperPid = Number(ran(await inHelper(shell('echo $PPID'))).stdout);
    const running = inHelper(shell('sleep 5'));
    process.kill(helperPid, 'SIGKILL');
    expect(await running).toEqual({ ran: false, message: 'the helper process that runs it exited' });
    const next = ran(await inHelper(shell('echo $PPID')));
    expect(Number(next.stdout)).not.toBe(helperPid);
  });

  it('keeps no process alive: baro exits when its work is done, and the helper follows it', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const helper = pathToFileURL(join(import.meta.dirname, '../../../services/process/spawn-helper.ts')).href;
    const script = [
      `import { runInHelper, startSpawnHelper } from ${JSON.stringify(helper)};`,
      'await startSpawnHelper();',
      "const result = await runInHelper({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: '/', env: process.env });",
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
