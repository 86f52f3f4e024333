// Whether a process runs: never one that died and was not reaped yet (a lock's owner, an agent being stopped).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../services/process-alive.js';

const stat = (pid: number) => readFile(`/proc/${pid}/stat`, 'utf8');

/** A process that exited under a parent that never waits for it (as under a container's init that reaps nothing). */
async function zombie() {
  const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 10'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (out: Buffer) => resolve(Number(out))));
  for (let tries = 0; tries < 100 && !/\) Z /.test(await stat(pid)); tries += 1) await sleep(50);
  return { pid, stop: () => parent.kill() };
}

describe('processAlive', () => {
  it('is true for a running process, this one', () => {
    expect(processAlive(process.pid)).toBe(true);
  });

  it.runIf(existsSync('/proc'))('is false for a process that died and was not reaped (a zombie)', async () => {
    const dead = await zombie();
    try {
      expect(await stat(dead.pid)).toMatch(/\) Z /);
      expect(processAlive(dead.pid)).toBe(false);
    } finally {
      dead.stop();
    }
  });
});
