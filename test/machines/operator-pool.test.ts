// The Operator keeps the worktree pool in its context: each pool op gets it and gives it back, and so does a restored one.
import { setImmediate as flush } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import type { Snapshot } from 'xstate';
import { operatorMachine } from '../../machines/operator.js';
import type { GitOp, GitOpInput, GitOpOutput, OperatorReply, WorktreePoolState } from '../../machines/types.js';

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
