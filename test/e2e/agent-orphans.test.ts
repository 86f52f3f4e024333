// A process an agent leaves running in the background must not outlive its session.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf, runPlan } from './helpers.js';

useGitSandbox();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i += 1) await delay(50);
  return !alive(pid);
}

describe('a background process started by an agent', () => {
  it('is ended when the agent session ends', async () => {
    const repo = await makeTempRepo();
    const pidFile = join(dirname(repo), 'bg.pid');
    const scripts = [{ steps: [{ bash: `sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}` }, { write: 'src/A.txt', content: 'A\n' }] }];
    const run = await runPlan(repo, planOf('Orphan demo', [{ id: 'A' }]), { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(await git(repo, 'show', 'baro/orphan-demo:src/A.txt')).toBe('A');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    const ended = await gone(pid);
    if (!ended) process.kill(pid, 'SIGKILL');
    expect(ended).toBe(true);
  });
});
