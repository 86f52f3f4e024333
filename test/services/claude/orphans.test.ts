// Agents left by a killed baro are stopped, and seen gone once they died, even where nothing reaps them yet.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { stopOrphans } from '../../../services/claude/orphans.js';

const RUN_ID = `orphans-test-${process.pid}`;

/** An agent of RUN_ID whose parent never waits for it (a container's init that reaps nothing): it dies a zombie. */
async function unreapedAgent() {
  const parent = spawn('sh', ['-c', `BARO_RUN_ID=${RUN_ID} sleep 30 & echo $!; exec sleep 60`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (out: Buffer) => resolve(Number(out))));
  return { pid, stop: () => parent.kill('SIGKILL') };
}

describe('stopOrphans', () => {
  it.runIf(existsSync('/proc'))(
    'stops an agent of the run and does not wait out the grace time once it died unreaped',
    async () => {
      const agent = await unreapedAgent();
      try {
        // A grace time past the test's own timeout: only seeing the zombie as gone lets stopOrphans return in time.
        const stopped = await stopOrphans({ runId: RUN_ID, recorded: [agent.pid], graceMs: 60_000 });
        expect(stopped).toEqual([agent.pid]);
        const stat = await readFile(`/proc/${agent.pid}/stat`, 'utf8');
        expect(stat.slice(stat.lastIndexOf(')') + 2)).toMatch(/^[ZX]/);
      } finally {
        agent.stop();
      }
    },
    20_000,
  );
});
