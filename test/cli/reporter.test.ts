import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createReporter } from '../../cli/reporter.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('plain reporter', () => {
  it('never writes escape codes from a goal or a failure reason to the terminal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baro-reporter-'));
    dirs.push(dir);
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const reporter = createReporter({ json: false, out });
    reporter.report({
      type: 'run.started',
      runId: 'r1',
      goal: 'Goal\u001b[2J\u001b]0;pwned\u0007',
      branch: null,
      base: 'main',
      parallel: 1,
      repo: '/repo',
      runDir: dir,
    });
    reporter.report({ type: 'story.failed', storyId: 'S1', reason: 'error: \u001b[31mred\u001b[0m' });
    expect(text).toBe('baro run r1: "Goal" from main, 1 at once\n  S1 failed: error: red\n');
  });
});
