import { describe, expect, it } from 'vitest';
import { setImmediate as flush } from 'node:timers/promises';
import { assign, createActor, fromCallback, setup } from 'xstate';
import type { AnyActorRef, EventObject } from 'xstate';
import type { ToolObservation } from '../../machines/knowledge.js';
import { librarianMachine } from '../../machines/librarian.js';
import type { LibrarianEmitted, LibrarianReply } from '../../machines/librarian.js';
import { operatorMachine } from '../../machines/operator.js';
import { sentryMachine } from '../../machines/sentry.js';
import type { SentryEmitted, SentryEvent } from '../../machines/sentry.js';
import type { LiveMessage, StoryTellEvent } from '../../machines/live.js';
import type { GitOp, OperatorReply } from '../../machines/types.js';
import { createGitFake } from './harness.js';
import type { GitAnswer } from './harness.js';

/** A started actor that only records what it receives, to stand in for a `replyTo`; with `within`, it joins that
 * actor's system under `systemId`, as a story joins the run's. */
function inbox<T extends EventObject>(within?: { parent: AnyActorRef; systemId: string }) {
  const received: T[] = [];
  const ref = createActor(
    fromCallback<T>(({ receive }) => receive((event) => received.push(event))),
    within,
  ).start();
  return { ref, received, systemId: within?.systemId ?? '' };
}

describe('operator', () => {
  function startOperator() {
    const git = createGitFake(() => true);
    const actor = createActor(operatorMachine.provide({ actors: { gitOp: git.logic } }), {
      input: { integrationBranch: 'baro/test' },
    }).start();
    const request = (requestId: string, op: GitOp, replyTo: { systemId: string }) =>
      actor.send({ type: 'operator.request', requestId, op, replyTo: replyTo.systemId });
    const requester = (systemId: string) => inbox<OperatorReply>({ parent: actor, systemId });
    return { git, actor, request, requester };
  }

  it('runs integration ops one at a time in arrival order, and worktree adds and story-local ops alongside them', async () => {
    const { git, actor, request, requester } = startOperator();
    const a = requester('a');
    const b = requester('b');
    request('a1', { kind: 'story.merge', storyId: 'A', message: 'Merge A' }, a);
    request('b1', { kind: 'story.merge', storyId: 'B', message: 'Merge B' }, b);
    request('c1', { kind: 'story.worktree', storyId: 'C' }, b);
    request('d1', { kind: 'story.commit', storyId: 'D', message: 'D: x' }, b);

    const running = () =>
      git.calls
        .filter((call) => !call.answered)
        .map((call) => 'storyId' in call.op && `${call.op.kind}:${call.op.storyId}`);
    expect(running()).toEqual(['story.merge:A', 'story.worktree:C', 'story.commit:D']);
    expect(actor.getSnapshot().context.integration.map((r) => r.requestId)).toEqual(['a1', 'b1']);

    git.calls.find((call) => call.op.kind === 'story.worktree')?.answer({ kind: 'ok' });
    git.calls.find((call) => call.op.kind === 'story.commit')?.answer({ kind: 'committed', sha: 's', files: ['x'] });
    await flush();
    expect(b.received.map((reply) => reply.requestId)).toEqual(['c1', 'd1']);
    expect(running()).toEqual(['story.merge:A']);

    git.held().answer({ kind: 'merged', sha: 'm1' });
    await flush();
    expect(a.received).toEqual([{ type: 'operator.done', requestId: 'a1', result: { kind: 'merged', sha: 'm1' } }]);
    expect(running()).toEqual(['story.merge:B']);
    git.held().answer({ kind: 'merged', sha: 'm2' });
    await flush();

    expect(b.received.map((reply) => reply.requestId)).toEqual(['c1', 'd1', 'b1']);
    expect(actor.getSnapshot().value).toEqual({ integration: 'idle', worktrees: 'idle' });
    expect(actor.getSnapshot().context.local).toEqual({});
  });

  const running = (git: ReturnType<typeof startOperator>['git']) =>
    git.calls.filter((call) => !call.answered).map((call) => ('storyId' in call.op ? call.op.storyId : call.op.kind));
  const answer = async (git: ReturnType<typeof startOperator>['git'], what: string, result: GitAnswer) => {
    git.calls
      .find((call) => !call.answered && ('storyId' in call.op ? call.op.storyId : call.op.kind) === what)
      ?.answer(result);
    await flush();
  };

  it('adds worktrees one at a time in arrival order, with commits and merges alongside', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('w1', { kind: 'story.worktree', storyId: 'W1' }, a);
    request('w2', { kind: 'story.worktree', storyId: 'W2' }, a);
    request('w3', { kind: 'story.worktree', storyId: 'W3' }, a);
    request('c1', { kind: 'story.commit', storyId: 'C1', message: 'C1: x' }, a);
    request('m1', { kind: 'story.merge', storyId: 'M1', message: 'Merge M1' }, a);
    expect(running(git)).toEqual(['W1', 'C1', 'M1']);

    await answer(git, 'W1', { kind: 'ok' });
    expect(running(git)).toEqual(['C1', 'M1', 'W2']);
    await answer(git, 'W2', new Error('fatal: invalid reference: nope'));
    expect(running(git)).toEqual(['C1', 'M1', 'W3']);
    await answer(git, 'W3', { kind: 'ok' });
    expect(a.received.map((reply) => `${reply.requestId} ${reply.type}`)).toEqual([
      'w1 operator.done',
      'w2 operator.failed',
      'w3 operator.done',
    ]);
  });

  it("has a lane's next op under way by the time the requester of the last one hears its answer", async () => {
    const { git, actor, request } = startOperator();
    // What git runs at the moment each answer arrives: the requester's reaction must not hold up the lane.
    const heard: (string | undefined)[][] = [];
    createActor(
      fromCallback<OperatorReply>(({ receive }) => receive(() => heard.push(running(git)))),
      { parent: actor, systemId: 'a' },
    ).start();
    request('m1', { kind: 'story.merge', storyId: 'M1', message: 'Merge M1' }, { systemId: 'a' });
    request('m2', { kind: 'story.merge', storyId: 'M2', message: 'Merge M2' }, { systemId: 'a' });
    request('w1', { kind: 'story.worktree', storyId: 'W1' }, { systemId: 'a' });
    request('w2', { kind: 'story.worktree', storyId: 'W2' }, { systemId: 'a' });

    await answer(git, 'M1', { kind: 'merged', sha: 'm1' });
    await answer(git, 'W1', { kind: 'ok' });
    expect(heard).toEqual([
      ['W1', 'M2'],
      ['M2', 'W2'],
    ]);
  });

  it('never runs an integration op that adds or removes worktrees alongside a worktree add', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('w1', { kind: 'story.worktree', storyId: 'W1' }, a);
    request('x1', { kind: 'cleanup', merged: ['W0'], failed: [] }, a);
    request('w2', { kind: 'story.worktree', storyId: 'W2' }, a);
    // The cleanup waits for the adds already asked for, then holds off the ones asked for after it started.
    expect(running(git)).toEqual(['W1']);
    await answer(git, 'W1', { kind: 'ok' });
    expect(running(git)).toEqual(['W2']);
    await answer(git, 'W2', { kind: 'ok' });
    expect(running(git)).toEqual(['cleanup']);
    request('w3', { kind: 'story.worktree', storyId: 'W3' }, a);
    request('m1', { kind: 'push' }, a);
    expect(running(git)).toEqual(['cleanup']);
    await answer(git, 'cleanup', { kind: 'ok' });
    expect(running(git)).toEqual(['push', 'W3']);
  });

  it('starts no worktree add while the integration worktree is being created', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('i1', { kind: 'integration.create' }, a);
    request('w1', { kind: 'story.worktree', storyId: 'W1' }, a);
    expect(running(git)).toEqual(['integration.create']);
    await answer(git, 'integration.create', { kind: 'ok' });
    expect(running(git)).toEqual(['W1']);
  });

  it('answers a failed story-local op with operator.failed', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('a1', { kind: 'story.commit', storyId: 'A', message: 'A: x' }, a);
    git.held().answer(new Error('index.lock exists'));
    await flush();
    expect(a.received).toEqual([{ type: 'operator.failed', requestId: 'a1', message: 'index.lock exists' }]);
  });

  it('lets go of each finished story-local op: a long run neither keeps nor persists them', async () => {
    const { git, actor, request, requester } = startOperator();
    const a = requester('a');
    request('a1', { kind: 'story.commit', storyId: 'A', message: 'A: x' }, a);
    request('b1', { kind: 'story.commit', storyId: 'B', message: 'B: x' }, a);
    expect(Object.keys(actor.getSnapshot().children)).toHaveLength(2);
    git.calls[0]?.answer({ kind: 'committed', sha: 's', files: ['x'] });
    git.calls[1]?.answer(new Error('index.lock exists'));
    await flush();
    expect(a.received.map((reply) => reply.type)).toEqual(['operator.done', 'operator.failed']);
    expect(actor.getSnapshot().children).toEqual({});
  });

  it('turns a failed op into operator.failed with its message and goes on with the queue', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('a1', { kind: 'story.merge', storyId: 'A', message: 'Merge A' }, a);
    request('a2', { kind: 'push' }, a);

    git.held().answer(new Error('merge failed: index.lock exists'));
    await flush();
    git.held().answer({ kind: 'ok' });
    await flush();

    expect(a.received).toEqual([
      { type: 'operator.failed', requestId: 'a1', message: 'merge failed: index.lock exists' },
      { type: 'operator.done', requestId: 'a2', result: { kind: 'ok' } },
    ]);
  });

  it('takes a request that arrives mid-op only after the op in hand', async () => {
    const { git, request, requester } = startOperator();
    const a = requester('a');
    request('a1', { kind: 'integration.create' }, a);
    const first = git.held();
    request('a2', { kind: 'push' }, a);
    expect(git.calls).toHaveLength(1);

    first.answer({ kind: 'ok' });
    await flush();
    expect(git.held().op).toEqual({ kind: 'push' });
  });

  it('does a request re-sent while it is queued or running once, and answers its requester by systemId', async () => {
    const { git, actor, request, requester } = startOperator();
    const a = requester('story:A');
    request('m1', { kind: 'story.merge', storyId: 'A', message: 'Merge A' }, a);
    request('m1', { kind: 'story.merge', storyId: 'A', message: 'Merge A' }, a);
    request('c1', { kind: 'story.commit', storyId: 'A', message: 'A: x' }, a);
    request('c1', { kind: 'story.commit', storyId: 'A', message: 'A: x' }, a);
    expect(git.calls.map((call) => call.op.kind)).toEqual(['story.merge', 'story.commit']);
    expect(actor.getSnapshot().context.integration.map((r) => r.requestId)).toEqual(['m1']);

    for (const call of git.calls)
      call.answer(
        call.op.kind === 'story.merge' ? { kind: 'merged', sha: 'm' } : { kind: 'committed', sha: 'c', files: ['x'] },
      );
    await flush();
    expect(a.received.map((reply) => reply.requestId).sort()).toEqual(['c1', 'm1']);
    expect(git.calls).toHaveLength(2);
  });

  it('drops the answer of a requester that is gone', async () => {
    const { git, actor, request } = startOperator();
    request('w1', { kind: 'story.worktree', storyId: 'W1' }, { systemId: 'story:gone' });
    git.held().answer({ kind: 'ok' });
    await flush();
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().context.worktrees).toEqual([]);
  });
});

describe('librarian', () => {
  const read = (storyId: string, path: string, text: string): ToolObservation => ({
    storyId,
    root: `/wt/${storyId}`,
    kind: 'read',
    name: 'Read',
    paths: [`/wt/${storyId}/${path}`],
    ok: true,
    text,
  });

  function startLibrarian(briefBytes?: number) {
    const actor = createActor(librarianMachine, { input: briefBytes === undefined ? {} : { briefBytes } });
    const added: LibrarianEmitted[] = [];
    actor.on('knowledge.added', (event) => added.push(event));
    return { actor: actor.start(), added };
  }

  it('briefs a story with what others observed, never with its own findings', () => {
    const { actor, added } = startLibrarian();
    actor.send({ type: 'librarian.observe', observation: read('S1', 'src/util.ts', 'export function helper() {}\n') });
    const s1 = inbox<LibrarianReply>();
    const s2 = inbox<LibrarianReply>();
    actor.send({ type: 'librarian.brief.request', storyId: 'S1', replyTo: s1.ref });
    actor.send({ type: 'librarian.brief.request', storyId: 'S2', replyTo: s2.ref });

    expect(added).toMatchObject([
      { type: 'knowledge.added', storyId: 'S1', fact: { kind: 'file', key: 'src/util.ts' } },
    ]);
    expect(s1.received).toEqual([{ type: 'librarian.brief', storyId: 'S1', brief: '' }]);
    expect(s2.received).toMatchObject([{ type: 'librarian.brief', storyId: 'S2' }]);
    const brief = s2.received[0]?.brief ?? '';
    expect(brief).toContain('`src/util.ts`');
    expect(brief).toContain('helper');
  });

  it('emits nothing for an observation that teaches nothing new, and keeps briefs within briefBytes', () => {
    const { actor, added } = startLibrarian(200);
    for (let i = 0; i < 20; i += 1)
      actor.send({
        type: 'librarian.observe',
        observation: read('S1', `src/file${i}.ts`, `export const value${i} = ${i};\n`),
      });
    actor.send({ type: 'librarian.observe', observation: read('S1', 'src/file0.ts', 'export const value0 = 0;\n') });
    const s2 = inbox<LibrarianReply>();
    actor.send({ type: 'librarian.brief.request', storyId: 'S2', replyTo: s2.ref });

    expect(added).toHaveLength(20);
    const brief = s2.received[0]?.brief ?? '';
    expect(Buffer.byteLength(brief)).toBeLessThanOrEqual(200);
    expect(brief).toMatch(/more facts/);
  });

  it('briefs a story again with only what is new, and forgets what it told a story once that story merged', () => {
    const { actor } = startLibrarian();
    actor.send({ type: 'librarian.observe', observation: read('S1', 'src/a.ts', 'export const a = 1;\n') });
    const s2 = inbox<LibrarianReply>();
    actor.send({ type: 'librarian.brief.request', storyId: 'S2', replyTo: s2.ref });
    actor.send({ type: 'librarian.brief.request', storyId: 'S2', replyTo: s2.ref });
    expect(s2.received.map((reply) => reply.brief.includes('`src/a.ts`'))).toEqual([true, false]);
    expect(Object.keys(actor.getSnapshot().context.briefed)).toEqual(['S2']);

    actor.send({ type: 'librarian.merged', merge: { storyId: 'S2', sha: 'm1', files: ['src/b.ts'] } });
    expect(actor.getSnapshot().context.briefed).toEqual({});
  });
});

describe('sentry', () => {
  const recorder = setup({
    types: { context: {} as { heard: LiveMessage[] }, events: {} as StoryTellEvent },
  }).createMachine({
    context: { heard: [] },
    on: {
      'story.tell': { actions: assign({ heard: ({ context, event }) => [...context.heard, event.message] }) },
    },
  });

  /** The Sentry plus stand-ins for live stories A and B, all in one actor system. */
  function startSentry() {
    const root = createActor(
      setup({ actors: { sentry: sentryMachine, recorder } }).createMachine({
        invoke: [
          { id: 'sentry', systemId: 'sentry', src: 'sentry' },
          { id: 'A', systemId: 'story:A', src: 'recorder' },
          { id: 'B', systemId: 'story:B', src: 'recorder' },
        ],
      }),
    ).start();
    const sentry = root.system.get('sentry') as AnyActorRef;
    const emitted: SentryEmitted[] = [];
    sentry.on('*', (event: SentryEmitted) => emitted.push(event));
    const warningsOf = (id: string): LiveMessage[] =>
      (root.system.get(`story:${id}`) as AnyActorRef).getSnapshot().context.heard;
    return { send: (event: SentryEvent) => sentry.send(event), emitted, warningsOf };
  }

  it('tells both stories at once, naming the other, when a second one edits a file the first edited', () => {
    const { send, emitted, warningsOf } = startSentry();
    send({ type: 'sentry.touch', storyId: 'A', paths: ['src/x.ts', 'src/only-a.ts'] });
    send({ type: 'sentry.touch', storyId: 'B', paths: ['src/x.ts'] });
    send({ type: 'sentry.touch', storyId: 'B', paths: ['src/x.ts'] });
    send({ type: 'sentry.touch', storyId: 'A', paths: ['src/x.ts'] });

    const warning = { path: 'src/x.ts', stories: ['A', 'B'] };
    expect(emitted).toEqual([{ type: 'collision.warning', ...warning, source: 'edit' }]);
    expect(warningsOf('A')).toEqual([
      expect.objectContaining({ from: 'sentry', kind: 'collision', key: 'collision:src/x.ts' }),
    ]);
    expect(warningsOf('A')[0]?.text).toMatch(/^baro Sentry: B is editing `src\/x.ts`/);
    expect(warningsOf('B')[0]?.text).toMatch(/^baro Sentry: A is editing `src\/x.ts`/);
    expect(Buffer.byteLength(warningsOf('B')[0]?.text ?? '')).toBeLessThanOrEqual(600);
  });

  it('forgets a finished story, and warns only the live stories when a story without an actor joins in', () => {
    const { send, emitted, warningsOf } = startSentry();
    send({ type: 'sentry.touch', storyId: 'A', paths: ['src/x.ts'] });
    send({ type: 'sentry.release', storyId: 'A' });
    send({ type: 'sentry.touch', storyId: 'B', paths: ['src/x.ts'] });
    expect(emitted).toEqual([]);

    send({ type: 'sentry.touch', storyId: 'C', paths: ['src/x.ts'] });
    expect(emitted).toEqual([{ type: 'collision.warning', path: 'src/x.ts', stories: ['B', 'C'], source: 'edit' }]);
    expect(warningsOf('A')).toEqual([]);
    expect(warningsOf('B').map((message) => message.text)).toEqual([expect.stringContaining('C is editing')]);
  });

  it('reports overlaps the plan declared without messaging any story', () => {
    const { send, emitted, warningsOf } = startSentry();
    send({ type: 'sentry.declare', overlaps: [{ path: 'src/api.ts', stories: ['A', 'B'] }] });

    expect(emitted).toEqual([{ type: 'collision.warning', path: 'src/api.ts', stories: ['A', 'B'], source: 'plan' }]);
    expect(warningsOf('A')).toEqual([]);
  });
});
