// The Operator keeps the worktree pool in its context: each pool op gets it and gives it back, and so does a restored one.
import { setImmediate as flush } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import type { Snapshot } from 'xstate';
import { operatorMachine } from '../../machines/operator.js';
import type { GitOp, GitOpInput, GitOpOutput, OperatorReply, WorktreePoolState } from '../../machines/types.js';
import { createGitFake } from './harness.js';
import type { GitAnswer } from './harness.js';

const pool = (held: Record<string, string>, free: string[] = []): WorktreePoolState => ({
  held,
  free: free.map((path) => ({ path, mayHoldStrays: false })),
  retired: [],
});

/** A git fake whose pool ops hold A's worktree, then give it back; every op's input is recorded. */
function gitFake() {
  const inputs: GitOpInput[] = [];
  const logic = fromPromise<GitOpOutput, GitOpInput>(async ({ input }) => {
    inputs.push(input);
    if (input.op.kind === 'story.worktree') return { kind: 'worktree', path: '/w/A', pool: pool({ A: '/w/A' }) };
    if (input.op.kind === 'story.release') return { kind: 'ok', pool: pool({}, ['/w/A']) };
    return { kind: 'committed', sha: 's', files: ['a.txt'] };
  });
  return { logic, inputs };
}

function start(git: ReturnType<typeof gitFake>, snapshot?: Snapshot<unknown>) {
  const actor = createActor(operatorMachine.provide({ actors: { gitOp: git.logic } }), {
    input: { integrationBranch: 'baro/test' },
    ...(snapshot ? { snapshot } : {}),
  }).start();
  const replies: OperatorReply[] = [];
  createActor(
    fromCallback<OperatorReply>(({ receive }) => receive((reply) => replies.push(reply))),
    { parent: actor, systemId: 'story:A' },
  ).start();
  const request = async (requestId: string, op: GitOp) => {
    actor.send({ type: 'operator.request', requestId, op, replyTo: 'story:A' });
    await flush();
    await flush();
  };
  return { actor, replies, request };
}

describe('the worktree pool in the Operator', () => {
  it('is kept from one pool op to the next, out of the replies, and across a persist and restore', async () => {
    const git = gitFake();
    const first = start(git);
    await first.request('w', { kind: 'story.worktree', storyId: 'A' });
    await first.request('c', { kind: 'story.commit', storyId: 'A', worktree: '/w/A', message: 'A' });

    expect(first.replies).toEqual([
      { type: 'operator.done', requestId: 'w', result: { kind: 'worktree', path: '/w/A' } },
      { type: 'operator.done', requestId: 'c', result: { kind: 'committed', sha: 's', files: ['a.txt'] } },
    ]);
    expect(first.actor.getSnapshot().context.pool).toEqual(pool({ A: '/w/A' }));
    const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot())) as Snapshot<unknown>;
    first.actor.stop();

    const restored = start(git, saved);
    await restored.request('r', {
      kind: 'story.release',
      storyId: 'A',
      worktree: '/w/A',
      outcome: 'merged',
      reason: '',
    });

    const poolOps = git.inputs.filter((input) => input.op.kind !== 'story.commit');
    expect(poolOps.map((input) => input.pool)).toEqual([pool({}), pool({ A: '/w/A' })]);
    expect(restored.actor.getSnapshot().context.pool).toEqual(pool({}, ['/w/A']));
  });
});

/** The Operator over a git fake that answers only when told; the story ops' requester is `story:<id>`. A snapshot
 * restores an Operator. */
function heldGit(snapshot?: Snapshot<unknown>) {
  const git = createGitFake(() => true);
  const actor = createActor(operatorMachine.provide({ actors: { gitOp: git.logic } }), {
    input: { integrationBranch: 'baro/test' },
    ...(snapshot ? { snapshot } : {}),
  }).start();
  const replies: OperatorReply[] = [];
  for (const id of ['A', 'C', 'D', 'E'])
    createActor(
      fromCallback<OperatorReply>(({ receive }) => receive((reply) => replies.push(reply))),
      { parent: actor, systemId: `story:${id}` },
    ).start();
  // A story giving back its worktree waits for no answer.
  const send = (requestId: string, op: GitOp) =>
    actor.send({
      type: 'operator.request',
      requestId,
      op,
      replyTo: op.kind === 'story.release' ? undefined : `story:${requestId.slice(0, 1)}`,
    });
  const open = () => git.calls.filter((call) => !call.answered);
  const answer = async (kind: GitOp['kind'], storyId: string, result: GitAnswer) => {
    const call = open().find(({ op }) => op.kind === kind && 'storyId' in op && op.storyId === storyId);
    if (call === undefined) throw new Error(`no ${kind} for ${storyId} in flight`);
    call.answer(result);
    await flush();
  };
  const running = () =>
    open().map(({ op }) =>
      op.kind === 'worktree.switch'
        ? `switch ${op.storyId} ${op.worktree}`
        : `${op.kind} ${'storyId' in op ? op.storyId : ''}`,
    );
  return { actor, replies, send, answer, running };
}

/** Two worktrees given back by A, free for the next stories. */
async function withTwoFree(git: ReturnType<typeof heldGit>) {
  git.send('A-release', { kind: 'story.release', storyId: 'A', worktree: '/w/A', outcome: 'merged', reason: '' });
  await git.answer('story.release', 'A', { kind: 'ok', pool: pool({}, ['/w/A', '/w/B']) });
}

describe('pooled worktrees', () => {
  it('go to stories at once, switched alongside each other and the add of a new worktree', async () => {
    const git = heldGit();
    await withTwoFree(git);
    git.send('C-w', { kind: 'story.worktree', storyId: 'C' });
    git.send('D-w', { kind: 'story.worktree', storyId: 'D' });
    git.send('E-w', { kind: 'story.worktree', storyId: 'E' });
    await flush();

    expect(git.running()).toEqual(['switch C /w/B', 'switch D /w/A', 'story.worktree E']);
    expect(git.actor.getSnapshot().context.pool).toEqual(pool({ C: '/w/B', D: '/w/A' }));
    await git.answer('worktree.switch', 'D', { kind: 'worktree', path: '/w/A' });
    await git.answer('worktree.switch', 'C', { kind: 'worktree', path: '/w/B' });
    expect(git.replies).toEqual([
      { type: 'operator.done', requestId: 'D-w', result: { kind: 'worktree', path: '/w/A' } },
      { type: 'operator.done', requestId: 'C-w', result: { kind: 'worktree', path: '/w/B' } },
    ]);
    expect(git.actor.getSnapshot().context.local).toEqual({});
  });

  it('give a story sent back the worktree its session ran in when it is free, the last given back otherwise', async () => {
    const git = heldGit();
    await withTwoFree(git);
    git.send('C-w', { kind: 'story.worktree', storyId: 'C', prefer: '/w/A' });
    git.send('D-w', { kind: 'story.worktree', storyId: 'D', prefer: '/w/A' });
    await flush();

    expect(git.running()).toEqual(['switch C /w/A', 'switch D /w/B']);
    expect(git.actor.getSnapshot().context.pool).toEqual(pool({ C: '/w/A', D: '/w/B' }));
  });

  it('that git cannot switch are retired by the lane, which finds the story another one', async () => {
    const git = heldGit();
    await withTwoFree(git);
    git.send('C-w', { kind: 'story.worktree', storyId: 'C' });
    await flush();
    await git.answer('worktree.switch', 'C', new Error('error: Your local changes would be overwritten'));

    expect(git.running()).toEqual(['story.worktree C']);
    const retried = pool({ C: '/w/B' }, ['/w/A']);
    await git.answer('story.worktree', 'C', { kind: 'worktree', path: '/w/A', pool: retried });
    expect(git.replies).toEqual([
      { type: 'operator.done', requestId: 'C-w', result: { kind: 'worktree', path: '/w/A' } },
    ]);
  });

  it('being switched when the run stopped are switched again by the restored Operator', async () => {
    const before = heldGit();
    await withTwoFree(before);
    before.send('C-w', { kind: 'story.worktree', storyId: 'C' });
    await flush();
    const saved = JSON.parse(JSON.stringify(before.actor.getPersistedSnapshot())) as Snapshot<unknown>;
    before.actor.stop();

    const after = heldGit(saved);
    await flush();
    expect(after.running()).toEqual(['switch C /w/B']);
    // The story asks again after the restart: the switch in hand answers it, no second one starts.
    after.send('C-w', { kind: 'story.worktree', storyId: 'C' });
    await after.answer('worktree.switch', 'C', { kind: 'worktree', path: '/w/B' });
    expect(after.running()).toEqual([]);
    expect(after.replies).toEqual([
      { type: 'operator.done', requestId: 'C-w', result: { kind: 'worktree', path: '/w/B' } },
    ]);
    expect(after.actor.getSnapshot().context.pool).toEqual(pool({ C: '/w/B' }, ['/w/A']));
  });

  it('are never deleted under a switch: the run’s cleanup waits for it', async () => {
    const git = heldGit();
    await withTwoFree(git);
    git.send('C-w', { kind: 'story.worktree', storyId: 'C' });
    git.send('A-cleanup', { kind: 'cleanup', merged: [], failed: [] });
    await flush();
    expect(git.running()).toEqual(['switch C /w/B']);

    await git.answer('worktree.switch', 'C', { kind: 'worktree', path: '/w/B' });
    expect(git.running()).toEqual(['cleanup ']);
    // No switch starts while the cleanup lets go of the pool.
    git.send('D-w', { kind: 'story.worktree', storyId: 'D' });
    await flush();
    expect(git.running()).toEqual(['cleanup ']);
  });
});
