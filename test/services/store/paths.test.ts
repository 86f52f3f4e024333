import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../services/store/errors.js';
import { baroHome, newRunId, repoFolder, runPaths } from '../../../services/store/paths.js';

describe('baroHome', () => {
  it('prefers BARO_HOME and falls back to ~/.baro', () => {
    expect(baroHome({ BARO_HOME: '/state' }, '/home/u')).toBe('/state');
    expect(baroHome({}, '/home/u')).toBe('/home/u/.baro');
    expect(baroHome({ BARO_HOME: '' }, '/home/u')).toBe('/home/u/.baro');
  });
});

describe('repoFolder', () => {
  it('is the repo name plus 8 hex of the root path, distinct for same-named checkouts', () => {
    const a = repoFolder({ home: '/h', repoRoot: '/src/app' });
    const b = repoFolder({ home: '/h', repoRoot: '/other/app' });
    expect(a).toMatch(/^\/h\/app-[0-9a-f]{8}$/);
    expect(b).toMatch(/^\/h\/app-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(repoFolder({ home: '/h', repoRoot: '/src/app' })).toBe(a);
  });
});

describe('newRunId', () => {
  it('formats the UTC time and a random suffix', () => {
    expect(newRunId(new Date('2026-11-29T06:24:06.500Z'))).toMatch(/^20261129-062406-[0-9a-f]{4}$/);
  });

  it('sorts by start time', () => {
    const ids = ['2026-11-29T06:24:06Z', '2026-01-02T03:04:05Z', '2027-01-01T00:00:00Z'].map((iso) =>
      newRunId(new Date(iso)),
    );
    expect([...ids].sort().map((id) => id.slice(0, 15))).toEqual([
      '20260102-030405',
      '20261129-062406',
      '20270101-000000',
    ]);
  });

  it('differs between runs started in the same second', () => {
    const now = new Date('2026-11-29T06:24:06Z');
    const ids = new Set(Array.from({ length: 20 }, () => newRunId(now)));
    expect(ids.size).toBeGreaterThan(1);
  });
});

describe('runPaths', () => {
  const home = '/h';
  const repoRoot = '/src/app';
  const folder = repoFolder({ home, repoRoot });
  const paths = runPaths({ home, repoRoot, runId: '20261129-062406-3fa2' });

  it('puts run files under runs/<runId> and worktrees under worktrees/<runId>', () => {
    const runDir = join(folder, 'runs', '20261129-062406-3fa2');
    expect(paths.runDir).toBe(runDir);
    expect(paths.runJson).toBe(join(runDir, 'run.json'));
    expect(paths.snapshotJson).toBe(join(runDir, 'snapshot.json'));
    expect(paths.eventsJsonl).toBe(join(runDir, 'events.jsonl'));
    expect(paths.libraryJson).toBe(join(runDir, 'library.json'));
    expect(paths.reportMd).toBe(join(runDir, 'report.md'));
    expect(paths.rulesDir).toBe(join(runDir, 'rules'));
    expect(paths.storyDir('S1')).toBe(join(runDir, 'stories', 'S1'));
    expect(paths.attemptLog('S1', 2)).toBe(join(runDir, 'stories', 'S1', 'attempt-2.jsonl'));
    const worktrees = join(folder, 'worktrees', '20261129-062406-3fa2');
    expect(paths.worktreesDir).toBe(worktrees);
    expect(paths.integrationWorktree).toBe(join(worktrees, 'integration'));
    expect(paths.storyWorktree('S1')).toBe(join(worktrees, 'S1'));
  });

  it('refuses ids that would leave their folder', () => {
    for (const bad of ['../S1', 'a/b', '', '.hidden']) {
      expect(() => paths.storyDir(bad)).toThrow(StoreError);
      expect(() => paths.storyWorktree(bad)).toThrow(StoreError);
    }
    expect(() => runPaths({ home, repoRoot, runId: '../../etc' })).toThrow(/Invalid run id "..\/..\/etc"/);
  });

  it('keeps the integration worktree name for itself', () => {
    expect(() => paths.storyWorktree('integration')).toThrow(/integration worktree/);
  });
});
