// Worktree setup in a pooled worktree: it runs once per worktree, and again only when the dependency files change.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { worktreeSetupLogic } from '../../actors/worktree-setup.js';
import { runPaths } from '../../services/store/paths.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

async function setUpPool(command: string) {
  const repo = await makeTempRepo({ files: { 'package-lock.json': '{"v":1}\n' } });
  const paths = runPaths({ home: join(dirname(repo), 'home'), repoRoot: repo, runId: 'setup' });
  const worktree = join(dirname(repo), 'slot');
  await git(repo, 'worktree', 'add', '--quiet', '-b', 'slot', worktree);
  const logic = worktreeSetupLogic({
    runId: 'setup',
    repoDir: repo,
    paths,
    settings: { setup: [command], copy: [] },
    baseEnv: { PATH: process.env['PATH'] },
    portOf: () => 4100,
    timeoutMs: 60_000,
  });
  const setUp = (storyId: string) => toPromise(createActor(logic, { input: { storyId, worktree } }).start());
  return { worktree, paths, setUp };
}

describe('worktree setup in a reused worktree', () => {
  it('runs once per worktree, says so in the next story’s log, and runs again when a lock file changes', async () => {
    const counter = join(dirname(await makeTempRepo()), 'runs.txt');
    const { worktree, paths, setUp } = await setUpPool(`echo "$BARO_STORY_ID" >> ${JSON.stringify(counter)}`);
    expect(await setUp('A')).toEqual({ kind: 'ok' });
    expect(await setUp('B')).toEqual({ kind: 'ok' });
    expect(await readFile(counter, 'utf8')).toBe('A\n');
    expect(await readFile(join(paths.storyDir('B'), 'setup.log'), 'utf8')).toContain('setup skipped');

    await writeFile(join(worktree, 'package-lock.json'), '{"v":2}\n');
    expect(await setUp('C')).toEqual({ kind: 'ok' });
    expect(await readFile(counter, 'utf8')).toBe('A\nC\n');
  });

  it('runs again after a setup that failed', async () => {
    const { setUp } = await setUpPool('test -f ok-now || { touch ok-now; exit 3; }');
    expect(await setUp('A')).toMatchObject({ kind: 'failed' });
    expect(await setUp('B')).toEqual({ kind: 'ok' });
  });
});
