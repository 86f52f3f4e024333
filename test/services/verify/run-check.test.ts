// One check: a timeout ends its whole process group, and an abort stops it without a result.
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../services/verify/run-check.js';
import { makeTempDir, removeTempDirs } from '../../helpers/repo.js';

afterAll(removeTempDirs);

const env = { PATH: '/usr/bin:/bin' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the killed process is reaped (a zombie still answers signal 0 for a moment). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe('runCheck', () => {
  it('fails a check that outlives its timeout, and ends what it started in the background', async () => {
    const cwd = await makeTempDir();
    const result = await runCheck({
      command: 'sleep 30 & echo "child $!"; wait',
      cwd,
      env,
      // Long enough for a shell on a loaded machine to start its child and say so before the timeout.
      timeoutMs: 3000,
    });
    expect(result).toMatchObject({ status: 'failed', exitCode: null, timedOut: true });
    expect(result.tail).toContain('did not finish within 3 s');
    const child = Number(/child (\d+)/.exec(result.tail)?.[1]);
    expect(await gone(child)).toBe(true);
  });

  it('throws when stopped, so a stopped Auditor records no result', async () => {
    const cwd = await makeTempDir();
    const controller = new AbortController();
    const running = runCheck({ command: 'sleep 30', cwd, env, timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toThrow('was stopped');
  });
});
