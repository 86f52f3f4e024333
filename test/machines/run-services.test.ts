// A shared service that crashes mid-run: the run ends failed with the reason, merged work kept, agents stopped.
import { describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { AnyActorRef, EventObject } from 'xstate';
import type { GitOp } from '../../machines/types.js';
import { defaultGitAnswer, outcomes, sessionEvent, startRun, story } from './harness.js';

/** A stand-in service: answers like the real one (or not at all), and throws on the event `crashOn` picks. */
function crashingService(
  crashOn: (event: EventObject) => boolean,
  answer: (event: EventObject, system: AnyActorRef['system']) => void = () => {},
) {
  return fromCallback<EventObject>(({ receive, system }) =>
    receive((event) => {
      if (crashOn(event)) throw new Error('boom');
      answer(event, system);
    }),
  );
}

interface Request extends EventObject {
  readonly storyId?: string;
  readonly requestId?: string;
  readonly op?: GitOp;
  readonly replyTo?: AnyActorRef | string;
}
const about = (event: EventObject, type: string, storyId: string) => {
  const request = event as Request;
  const op = request.op;
  return request.type === type && (request.storyId ?? (op && 'storyId' in op ? op.storyId : undefined)) === storyId;
};

const operator = crashingService(
  (event) => about(event, 'operator.request', 'B') && (event as Request).op?.kind === 'story.merge',
  (event, system) => {
    const { requestId, op, replyTo } = event as Request;
    const requester = typeof replyTo === 'string' ? system.get(replyTo) : undefined;
    if (op) requester?.send({ type: 'operator.done', requestId, result: defaultGitAnswer(op) });
  },
);
const librarian = crashingService(
  (event) => about(event, 'librarian.brief.request', 'B'),
  (event) => {
    const { type, storyId, replyTo } = event as Request;
    if (type === 'librarian.brief.request' && typeof replyTo !== 'string')
      replyTo?.send({ type: 'librarian.brief', storyId, brief: '' });
  },
);
const sentry = crashingService((event) => about(event, 'sentry.touch', 'B'));

describe('run: a shared service that crashes', () => {
  // B's brief request crashes the Librarian before B's agent starts: B counts as not started.
  it.each([
    ['Operator', { operator }, 'running'],
    ['Librarian', { librarian }, 'pending'],
    ['Sentry', { sentry }, 'running'],
  ] as const)(
    'the %s: the run ends failed with the reason, the merged story kept, every agent stopped',
    async (name, services, statusOfB) => {
      // A merges; then C's agent is at work while B makes the service crash: asking for its brief, editing, merging.
      const h = startRun({
        stories: [story('A'), story('C', ['A']), story('B', ['A'])],
        parallel: 2,
        services,
        agent: (input) =>
          input.storyId === 'C'
            ? { events: [sessionEvent('C')], hold: true }
            : {
                events: [sessionEvent(input.storyId), { type: 'agent.touch', paths: ['b.txt'] }],
                outcome: outcomes.ok,
              },
      });

      const output = await h.done();
      expect(output.error).toBe(`the ${name} crashed: boom`);
      expect(output.outcome?.status).toEqual({ A: 'merged', C: 'running', B: statusOfB });
      expect(output.outcome?.results.A).toMatchObject({ status: 'merged', files: ['A.txt'] });
      expect(h.actor.getSnapshot().value).toBe('failed');
      expect(h.agents.alive()).toEqual([]);
      expect(h.agents.of('C')).toHaveLength(1);
      // Nothing is cleaned up or pushed by a run whose services may be gone: worktrees stay as they are.
      expect(h.git.calls.map((call) => call.op.kind)).not.toContain('cleanup');
    },
  );
});
