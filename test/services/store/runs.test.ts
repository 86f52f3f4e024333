import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../services/store/errors.js';
import { runPaths } from '../../../services/store/paths.js';
import { listRuns, loadRun, saveRun } from '../../../services/store/runs.js';
import type { RunRecord } from '../../../services/store/runs.js';

let home: string;
const repoRoot = '/src/app';

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'baro-runs-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const record = (runId: string, startedAt: string): RunRecord => ({
  runId,
  goal: 'Add rate limiting',
  repoRoot,
  branch: 'baro/rate-limiting',
  base: { branch: 'main', sha: 'a'.repeat(40) },
  status: 'running',
  startedAt,
  options: {
    parallel: 3,
    push: true,
    pr: true,
    models: { planner: 'opus', story: 'sonnet', critic: 'haiku', surgeon: 'sonnet' },
  },
  plan: { goal: 'Add rate limiting', stories: [{ id: 'S1' }] },
});

const save = async (runId: string, startedAt: string): Promise<void> =>
  saveRun(runPaths({ home, repoRoot, runId }), record(runId, startedAt));

describe('saveRun and loadRun', () => {
  it('round trip a run record', async () => {
    const paths = runPaths({ home, repoRoot, runId: '20261129-062406-3fa2' });
    const full: RunRecord = {
      ...record('20261129-062406-3fa2', '2026-11-29T06:24:06.000Z'),
      status: 'partial',
      finishedAt: '2026-11-29T07:00:00.000Z',
      prUrl: 'https://github.com/o/r/pull/7',
      stories: [{ id: 'S1', title: 'Limiter', status: 'merged', attempts: 1, agentMs: 81234, costUsd: 0.42 }],
    };
    await saveRun(paths, full);
    expect(await loadRun(paths)).toEqual(full);
  });

  it('refuses to write an invalid record', async () => {
    const paths = runPaths({ home, repoRoot, runId: '20261129-062406-3fa2' });
    const bad = { ...record('20261129-062406-3fa2', 'yesterday'), status: 'done' } as unknown as RunRecord;
    await expect(saveRun(paths, bad)).rejects.toThrow(StoreError);
    await expect(loadRun(paths)).rejects.toThrow(/does not exist/);
  });
});

describe('listRuns', () => {
  it('is empty for a repository that never ran', async () => {
    expect(await listRuns({ home, repoRoot })).toEqual({ runs: [], unreadable: [] });
  });

  it('lists runs newest first', async () => {
    await save('20261129-062406-aaaa', '2026-11-29T06:24:06.000Z');
    await save('20270101-000000-bbbb', '2027-01-01T00:00:00.000Z');
    await save('20250505-101010-cccc', '2025-05-05T10:10:10.000Z');
    await save('20261129-062406-dddd', '2026-11-29T06:24:06.000Z');
    const { runs, unreadable } = await listRuns({ home, repoRoot });
    expect(runs.map((run) => run.runId)).toEqual([
      '20270101-000000-bbbb',
      '20261129-062406-dddd',
      '20261129-062406-aaaa',
      '20250505-101010-cccc',
    ]);
    expect(unreadable).toEqual([]);
  });

  it('reports damaged or incomplete run folders separately instead of throwing', async () => {
    await save('20261129-062406-aaaa', '2026-11-29T06:24:06.000Z');
    const damaged = runPaths({ home, repoRoot, runId: '20261130-000000-bad0' });
    await mkdir(damaged.runDir, { recursive: true });
    await writeFile(damaged.runJson, '{ not json');
    const empty = runPaths({ home, repoRoot, runId: '20261201-000000-e000' });
    await mkdir(empty.runDir, { recursive: true });
    const { runs, unreadable } = await listRuns({ home, repoRoot });
    expect(runs.map((run) => run.runId)).toEqual(['20261129-062406-aaaa']);
    expect(unreadable.map(({ runId, error }) => [runId, error.reason])).toEqual([
      ['20261201-000000-e000', 'missing'],
      ['20261130-000000-bad0', 'bad-json'],
    ]);
  });

  it('keeps the runs of other repositories apart', async () => {
    await save('20261129-062406-aaaa', '2026-11-29T06:24:06.000Z');
    expect((await listRuns({ home, repoRoot: '/src/other' })).runs).toEqual([]);
  });
});
