// snapshot.json of another format is refused with what to do, never half-applied.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPaths } from '../../../services/store/paths.js';
import { loadSnapshot, SNAPSHOT_SCHEMA_VERSION } from '../../../services/store/snapshot.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'baro-snapshot-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function saved(baroVersion: string, schemaVersion: number) {
  const paths = runPaths({ home, repoRoot: '/src/app', runId: '20261201-120000-abcd' });
  await mkdir(dirname(paths.snapshotJson), { recursive: true });
  const envelope = {
    schemaVersion,
    baroVersion,
    runId: paths.runId,
    savedAt: new Date().toISOString(),
    input: {},
    snapshot: {},
  };
  await writeFile(paths.snapshotJson, JSON.stringify(envelope));
  return paths;
}

describe('loadSnapshot', () => {
  it('reads a snapshot of its own format', async () => {
    const paths = await saved('0.1.0', SNAPSHOT_SCHEMA_VERSION);
    await expect(loadSnapshot(paths, '0.1.0')).resolves.toMatchObject({ runId: paths.runId });
  });

  it('refuses an older format, naming the baro that wrote it', async () => {
    const paths = await saved('0.0.9', SNAPSHOT_SCHEMA_VERSION - 1);
    await expect(loadSnapshot(paths, '0.1.0')).rejects.toThrow(/written by baro 0\.0\.9 .*Resume it with baro 0\.0\.9/);
  });

  it('refuses an older format of the same version as written by an earlier build, not "resume it with this baro"', async () => {
    const paths = await saved('0.1.0', SNAPSHOT_SCHEMA_VERSION - 1);
    const refused = loadSnapshot(paths, '0.1.0');
    await expect(refused).rejects.toThrow(/written by an earlier build of baro 0\.1\.0/);
    await expect(refused).rejects.toThrow(/start the plan again with `baro run --plan/);
    await expect(refused).rejects.not.toThrow(/Resume it with baro 0\.1\.0/);
  });
});
