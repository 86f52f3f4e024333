// The Operator's work per story measured alone: one op at a time on the bench's repository, git traced.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { createActor, toPromise } from 'xstate';
import { gitOpLogic } from '../actors/git-op.js';
import type { GitOp } from '../machines/types.js';
import { revParse } from '../services/git/repo.js';
import { runPaths } from '../services/store/paths.js';
import { stats } from './format.js';
import { readGitTrace } from './git-trace.js';

const CALIBRATION_STORIES = 4;

/**
 * What the Operator does per story, one op at a time with nothing queued: the real git-op actor on the same repository,
 * its git processes taken from the trace. Plus how long one fake claude process lives (spawn to exit, --version).
 */
export async function calibrate(
  root: string,
  repo: string,
  env: Record<string, string>,
  fakeBin: string,
  trace: string,
) {
  const paths = runPaths({ home: join(root, 'calibration-home'), repoRoot: repo, runId: 'calibration' });
  const storyBranch = (id: string) => `bench-calibration/${id}`;
  const logic = gitOpLogic({
    repoRoot: repo,
    paths,
    storyBranch,
    baseSha: await revParse(repo, 'HEAD'),
    remote: undefined,
    identity: [],
  });
  const windows: { kind: string; from: number; to: number; wall: number }[] = [];
  const perform = async (op: GitOp) => {
    const [from, started] = [Date.now(), performance.now()];
    const actor = createActor(logic, { input: { op, branch: 'bench-calibration-integration' } });
    actor.start();
    await toPromise(actor);
    windows.push({ kind: op.kind, from, to: Date.now(), wall: performance.now() - started });
  };
  await perform({ kind: 'integration.create' });
  for (let i = 0; i < CALIBRATION_STORIES; i += 1) {
    const storyId = `C${i + 1}`;
    await perform({ kind: 'story.worktree', storyId });
    await writeFile(join(paths.storyWorktree(storyId), `${storyId}.txt`), `${storyId}\n`);
    await perform({ kind: 'story.commit', storyId, message: storyId });
    await perform({ kind: 'story.merge', storyId, message: `Merge ${storyId}` });
  }
  const git = await readGitTrace(trace);
  const ops = ['story.worktree', 'story.commit', 'story.merge'].map((kind) => {
    const mine = windows.filter((w) => w.kind === kind);
    const calls = git.filter((p) => mine.some((w) => p.start >= w.from && p.start <= w.to));
    return {
      kind,
      wall: stats(mine.map((w) => w.wall)).p50,
      gitCalls: calls.length / mine.length,
      gitMs: calls.reduce((sum, p) => sum + p.ms, 0) / mine.length,
    };
  });
  const fakeMs: number[] = [];
  for (let i = 0; i < CALIBRATION_STORIES; i += 1) {
    const started = performance.now();
    await execa(fakeBin, ['--version'], {
      cwd: root,
      env: { ...env, BARO_FAKE_CLAUDE_LOG: '', BARO_BENCH_AGENT_SECONDS: '0' },
      extendEnv: false,
      stdin: 'ignore',
    });
    fakeMs.push(performance.now() - started);
  }
  return { ops, fakeProcess: stats(fakeMs).p50 };
}

export type Calibration = Awaited<ReturnType<typeof calibrate>>;
