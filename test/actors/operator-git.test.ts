// The Operator over real git: many stories starting at once on one repository, the way a wide level starts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createActor, fromCallback } from 'xstate';
import { describe, expect, it } from 'vitest';
import { gitOpLogic } from '../../actors/git-op.js';
import { operatorMachine } from '../../machines/operator.js';
import type { GitOp, OperatorReply } from '../../machines/types.js';
import { git, useGitSandbox } from '../helpers/repo.js';
import { gitRunOn } from './git-run.js';

useGitSandbox();

const STORIES = 96;
// Ninety-six worktrees one after the other take seconds alone, and many more on a machine busy with other work.
const GENEROUS_MS = 180_000;

async function startOperator() {
  const { repo, paths, storyBranch, deps } = await gitRunOn('stress');
  const operator = createActor(operatorMachine.provide({ actors: { gitOp: gitOpLogic(deps) } }), {
    input: { integrationBranch: 'baro/stress' },
  }).start();
  const replies: OperatorReply[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  createActor(
    fromCallback<OperatorReply>(({ receive }) =>
      receive((reply) => {
        replies.push(reply);
        for (const waiter of waiters.filter((w) => replies.length >= w.count)) waiter.resolve();
      }),
    ),
    { parent: operator, systemId: 'inbox' },
  ).start();
  let sent = 0;
  /** Sends every op at once and resolves with their replies, in the order they came. */
  const request = async (ops: readonly GitOp[]): Promise<OperatorReply[]> => {
    const from = replies.length;
    const arrived = new Promise<void>((resolve) => waiters.push({ count: from + ops.length, resolve }));
    for (const op of ops) {
      sent += 1;
      operator.send({ type: 'operator.request', requestId: `r${sent}`, op, replyTo: 'inbox' });
    }
    await arrived;
    return replies.slice(from);
  };
  return { repo, paths, storyBranch, request };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `S${from + i + 1}`);
const failures = (replies: readonly OperatorReply[]) =>
  replies.flatMap((r) => (r.type === 'operator.failed' ? [r] : []));

describe('the Operator on one repository', () => {
  it(
    `starts ${STORIES} stories at once, and commits half of them while the others start`,
    async () => {
      const { repo, paths, storyBranch, request } = await startOperator();
      expect(failures(await request([{ kind: 'integration.create' }]))).toEqual([]);

      const first = ids(0, STORIES / 2);
      expect(failures(await request(first.map((storyId) => ({ kind: 'story.worktree', storyId }))))).toEqual([]);
      for (const storyId of first)
        await writeFile(join(paths.storyWorktree(storyId), `${storyId}.txt`), `${storyId}\n`);

      const second = ids(STORIES / 2, STORIES);
      const mixed = await request([
        ...second.map((storyId): GitOp => ({ kind: 'story.worktree', storyId })),
        ...first.map((storyId): GitOp => ({ kind: 'story.commit', storyId, message: `${storyId}: work` })),
      ]);
      expect(failures(mixed)).toEqual([]);

      const branches = (await git(repo, 'worktree', 'list', '--porcelain'))
        .split('\n')
        .filter((line) => line.startsWith('branch '));
      expect(branches).toHaveLength(STORIES + 2);
      for (const storyId of [...first, ...second])
        expect(await git(paths.storyWorktree(storyId), 'symbolic-ref', '--short', 'HEAD')).toBe(storyBranch(storyId));
      for (const storyId of first)
        expect(await git(repo, 'log', '-1', '--format=%s', storyBranch(storyId))).toBe(`${storyId}: work`);

      const cleanup = await request([{ kind: 'cleanup', merged: [...first, ...second], failed: [] }]);
      expect(failures(cleanup)).toEqual([]);
      expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('worktrees');
    },
    GENEROUS_MS,
  );

  it('switches a finished level’s worktrees to the next stories at once, alongside new worktrees and commits', async () => {
    const { repo, paths, storyBranch, request } = await startOperator();
    await request([{ kind: 'integration.create' }]);
    const done = ids(0, 8);
    const live = ids(8, 10);
    await request([...done, ...live].map((storyId) => ({ kind: 'story.worktree', storyId })));
    for (const storyId of [...done, ...live])
      await writeFile(join(paths.storyWorktree(storyId), `${storyId}.txt`), `${storyId}\n`);
    await request(done.map((storyId) => ({ kind: 'story.commit', storyId, message: `${storyId}: work` })));
    await request(done.map((storyId) => ({ kind: 'story.merge', storyId, message: `Merge ${storyId}` })));

    const next = ids(10, 22);
    const replies = await request([
      ...done.map((storyId): GitOp => {
        const worktree = paths.storyWorktree(storyId);
        return { kind: 'story.release', storyId, worktree, outcome: 'merged', reason: '' };
      }),
      ...next.map((storyId): GitOp => ({ kind: 'story.worktree', storyId })),
      ...live.map((storyId): GitOp => ({ kind: 'story.commit', storyId, message: `${storyId}: work` })),
    ]);
    expect(failures(replies)).toEqual([]);

    const head = await git(paths.integrationWorktree, 'rev-parse', 'HEAD');
    const worktrees = (await git(repo, 'worktree', 'list', '--porcelain')).split('\n\n');
    const pathOf = (storyId: string) =>
      worktrees
        .find((entry) => entry.includes(`branch refs/heads/${storyBranch(storyId)}`))
        ?.split('\n')[0]
        ?.slice(9);
    const given = next.map(pathOf);
    expect(new Set(given).size).toBe(next.length);
    // Eight stories got the finished ones' worktrees, the other four new ones.
    expect(given.filter((path) => done.some((storyId) => paths.storyWorktree(storyId) === path))).toHaveLength(8);
    for (const path of given) {
      expect(await git(path ?? '', 'rev-parse', 'HEAD')).toBe(head);
      expect(await git(path ?? '', 'status', '--porcelain', '--untracked-files=all')).toBe('');
    }
    for (const storyId of live)
      expect(await git(repo, 'log', '-1', '--format=%s', storyBranch(storyId))).toBe(`${storyId}: work`);
  });

  it('retires a pooled worktree git cannot switch and gives the story a new one', async () => {
    const { repo, paths, storyBranch, request } = await startOperator();
    await request([{ kind: 'integration.create' }]);
    await request([{ kind: 'story.worktree', storyId: 'A' }]);
    const pooled = paths.storyWorktree('A');
    await request([{ kind: 'story.release', storyId: 'A', worktree: pooled, outcome: 'merged', reason: '' }]);
    // Another git process holds its index: the switch fails.
    const lock = join(await git(pooled, 'rev-parse', '--absolute-git-dir'), 'index.lock');
    await writeFile(lock, '');

    const replies = await request([{ kind: 'story.worktree', storyId: 'B' }]);
    expect(failures(replies)).toEqual([]);
    expect(replies[0]).toMatchObject({ result: { kind: 'worktree', path: paths.storyWorktree('B') } });
    expect(await git(paths.storyWorktree('B'), 'symbolic-ref', '--short', 'HEAD')).toBe(storyBranch('B'));
    // The retired one is never given again: C gets a new worktree too.
    const next = await request([{ kind: 'story.worktree', storyId: 'C' }]);
    expect(next[0]).toMatchObject({ result: { kind: 'worktree', path: paths.storyWorktree('C') } });
    expect(await git(repo, 'worktree', 'list')).toContain(pooled);
  });
});
