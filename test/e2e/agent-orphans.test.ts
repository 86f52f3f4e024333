// A process an agent leaves running in the background must not outlive its session.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, until } from '../helpers/process.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf, runPlan } from './helpers.js';

useGitSandbox();

async function gone(pid: number): Promise<boolean> {
  await until(() => !alive(pid), `process ${pid} to end`).catch(() => undefined);
  return !alive(pid);
}

describe('a background process started by an agent', () => {
  it('is ended when the agent session ends', async () => {
    const repo = await makeTempRepo();
    const pidFile = join(dirname(repo), 'bg.pid');
    const scripts = [
      { steps: [{ bash: `sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}` }, { write: 'src/A.txt', content: 'A\n' }] },
    ];
    const run = await runPlan(repo, planOf('Orphan demo', [{ id: 'A' }]), { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(await git(repo, 'show', 'baro/orphan-demo:src/A.txt')).toBe('A');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    const ended = await gone(pid);
    if (!ended) process.kill(pid, 'SIGKILL');
    expect(ended).toBe(true);
  });
});
