// A participant's onEvent handler as an actor: events handled one at a time, in order, each within its timeout; what
// the handler asks of baro goes to the Herald as requests. A throw or a timeout is reported, never thrown at the run.
import { fromCallback } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import type { DomainEvent, HeraldEvent, ParticipantSpec } from '../machines/herald-events.js';
import { MERGING } from '../machines/herald-events.js';
import type { ParticipantRequest } from '../machines/participant-request.js';
import type { BaroApi, OnEvent } from '../services/participants/definition.js';
import type { LoadedParticipant } from '../services/participants/load.js';

type Inbox = DomainEvent | { type: 'participant.drain' };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Resolves with the handler, rejects when it throws or outlives `ms`; the signal tells the handler to give up. */
async function withinTime(run: (signal: AbortSignal) => unknown, ms: number, stopped: AbortSignal, type: string) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ms);
  const signal = AbortSignal.any([stopped, timeout.signal]);
  try {
    await Promise.race([
      Promise.resolve().then(() => run(signal)),
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(`did not handle ${type} within ${ms / 1000} s`)), {
          once: true,
        }),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const refuse: OnEvent = () => {
  throw new Error('its logic is not an XState actor logic');
};

export function onEventLogic(name: string, onEvent: OnEvent, timeoutMs: number) {
  return fromCallback<Inbox>(({ receive, sendBack }) => {
    const stopped = new AbortController();
    const report = (event: HeraldEvent) => {
      if (!stopped.signal.aborted) sendBack(event);
    };
    const ask = (request: ParticipantRequest) => report({ type: 'participant.request', from: name, request });
    let queue = Promise.resolve();

    async function handle(event: DomainEvent) {
      if (stopped.signal.aborted) return;
      const storyId = event.type === MERGING ? String(event['storyId']) : undefined;
      let vetoed = false;
      const baro = (signal: AbortSignal): BaroApi => ({
        note: (text) => ask({ type: 'note', text }),
        tell: (story, text) => ask({ type: 'tell', storyId: story, text }),
        pause: () => ask({ type: 'pause' }),
        resume: () => ask({ type: 'resume' }),
        veto: (story, reason) => {
          vetoed ||= story === storyId;
          ask({ type: 'veto', storyId: story, reason });
        },
        signal,
      });
      try {
        // A copy: a participant cannot change what the others, or the journal, see.
        await withinTime(
          (signal) => onEvent(structuredClone(event), baro(signal)),
          timeoutMs,
          stopped.signal,
          event.type,
        );
      } catch (error) {
        report({ type: 'participant.failed', from: name, reason: `${event.type}: ${messageOf(error)}` });
        return;
      }
      if (storyId !== undefined && !vetoed) ask({ type: 'pass', storyId });
    }

    receive((message) => {
      queue = queue.then(() =>
        message.type === 'participant.drain' ? report({ type: 'participant.drained', from: name }) : handle(message),
      );
    });
    return () => stopped.abort();
  });
}

// The loader checked the shape; this names it for XState.
const isActorLogic = (value: object): value is AnyActorLogic =>
  typeof Reflect.get(value, 'transition') === 'function' &&
  typeof Reflect.get(value, 'getInitialSnapshot') === 'function';

/** What the Herald spawns for each loaded participant: the handler wrapped, or the author's own actor logic. */
export function participantSpecs(loaded: readonly LoadedParticipant[]): ParticipantSpec[] {
  return loaded.map(({ definition, timeoutMs }) => {
    const { name, events, form } = definition;
    return form.kind === 'onEvent'
      ? { name, events, logic: onEventLogic(name, form.onEvent, timeoutMs), drains: true }
      : { name, events, logic: isActorLogic(form.logic) ? form.logic : onEventLogic(name, refuse, 0), drains: false };
  });
}
