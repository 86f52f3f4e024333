// `npm run bench:stress` runs whole plans as a script does: without a terminal, so it must approve the plan itself.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = pathToFileURL(createRequire(`${root}package.json`).resolve('tsx')).href;

describe('bench:stress', () => {
  it('runs a small plan to the end and says every story merged', async () => {
    const args = ['--runs', '1', '--widths', '2,1', '--parallel', '2', '--agent-seconds', '0'];
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, 'bench/stress.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root },
    });
    expect(stdout).toContain('run 1/1: succeeded, 3/3 merged');
    expect(stdout).toContain('stress: every story of every run merged');
  }, 60_000);
});
