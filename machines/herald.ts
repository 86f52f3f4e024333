// The Herald: the one place a run's domain events fan out, in order, to the actors subscribed to them by systemId
// (the reporter, the participants); it hosts the participants and turns their requests into messages to the run.
// It joins the run's actor system but outlives the Run, so that participants see `run.completed` too. Its own events
// (a note, a failure) it emits like any actor of the run: they come back published, stamped like the rest.
import { assign, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import { failureOf, fanOut, MERGING, NEVER, participantId, requestOf, tell, wants } from './herald-events.js';
import type { DomainEvent, HeraldContext, HeraldEmitted, HeraldEvent, HeraldInput } from './herald-events.js';
import { participantMessage } from './live.js';
import type { StoryTellEvent } from './live.js';
import type { ParticipantRequest } from './participant-request.js';

type Asked<T extends ParticipantRequest['type']> = Extract<ParticipantRequest, { type: T }>;

const isOf = <T extends ParticipantRequest['type']>(
  request: ParticipantRequest | undefined,
  type: T,
): request is Asked<T> => request?.type === type;

/** The request of the event when it is of this type: each named action below handles one. */
function asked<T extends ParticipantRequest['type']>(event: HeraldEvent, type: T): Asked<T> | undefined {
  const request = requestOf(event);
  return isOf(request, type) ? request : undefined;
}

// Participants bring their own logic, so the Herald's children are any actor logic; the CLI's watchers are slots.
const slots: Record<string, AnyActorLogic> = {
  /** Appends each event to the run's events.jsonl (and keeps the run's record); provided by the CLI. */
  journal: fromCallback<DomainEvent>(() => undefined),
  /** Prints each event, as a plain line or `--json`; provided by the CLI. */
  reporter: fromCallback<DomainEvent>(() => undefined),
  /** Draws each event on the terminal's screen, when the TUI shows the run; provided by the CLI. */
  tui: fromCallback<DomainEvent>(() => undefined),
};

/** The CLI's subscribers, by systemId, before the participants: every event, in this order. */
export const WATCHERS = ['journal', 'reporter', 'tui'] as const;

export const heraldMachine = setup({
  types: {
    context: {} as HeraldContext,
    events: {} as HeraldEvent,
    input: {} as HeraldInput,
    emitted: {} as HeraldEmitted,
  },
  actors: slots,
  guards: {
    invalidRequest: ({ event }) => event.type === 'participant.request' && requestOf(event) === undefined,
    asks: ({ event }, params: { type: ParticipantRequest['type'] }) => requestOf(event)?.type === params.type,
    allDrained: ({ context }) => context.draining.length === 0,
  },
  actions: {
    spawnParticipants: enqueueActions(({ context, enqueue }) => {
      for (const participant of context.participants)
        enqueue.spawnChild(participant.logic, {
          id: participantId(participant.name),
          systemId: participantId(participant.name),
          input: { name: participant.name },
        });
    }),
    subscribe: assign({
      subscribers: ({ context, event }) =>
        event.type === 'herald.subscribe'
          ? [...context.subscribers, { systemId: event.systemId, events: event.events }]
          : context.subscribers,
    }),
    fanOut: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type === 'herald.publish') fanOut(enqueue, system, context.subscribers, event.event);
    }),
    // A story at its veto hook waits for every participant that gets `story.merging`; with none, it goes on.
    openVote: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type !== 'herald.publish' || event.event.type !== MERGING) return;
      const storyId = String(event.event['storyId']);
      const voters = context.participants.filter((p) => wants(p.events, MERGING)).map((p) => p.name);
      if (voters.length > 0) enqueue.assign({ votes: { ...context.votes, [storyId]: voters } });
      else tell(enqueue, system, `story:${storyId}`, { type: 'story.veto.cleared' });
    }),
    publishNote: enqueueActions(({ event, enqueue }) => {
      const note = asked(event, 'note');
      if (event.type !== 'participant.request' || note === undefined) return;
      enqueue.emit({ type: 'participant.note', name: event.from, text: note.text });
    }),
    forwardMessage: enqueueActions(({ event, system, enqueue }) => {
      const message = asked(event, 'tell');
      if (event.type !== 'participant.request' || message === undefined) return;
      const told: StoryTellEvent = { type: 'story.tell', message: participantMessage(event.from, message.text) };
      tell(enqueue, system, `story:${message.storyId}`, { ...told });
    }),
    holdSchedule: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type !== 'participant.request' || context.pausedBy.includes(event.from)) return;
      enqueue.assign({ pausedBy: [...context.pausedBy, event.from] });
      const paused = { type: 'story.quota.paused', storyId: participantId(event.from), until: NEVER };
      tell(enqueue, system, 'conductor', paused);
      enqueue.emit({ type: 'schedule.paused', by: event.from });
    }),
    freeSchedule: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type !== 'participant.request' || !context.pausedBy.includes(event.from)) return;
      enqueue.assign({ pausedBy: context.pausedBy.filter((name) => name !== event.from) });
      tell(enqueue, system, 'conductor', { type: 'story.quota.resumed', storyId: participantId(event.from) });
      enqueue.emit({ type: 'schedule.resumed', by: event.from });
    }),
    // A veto closes the story's vote at once; a pass closes it when it was the last one awaited.
    vote: enqueueActions(({ context, event, system, enqueue }) => {
      const request = asked(event, 'veto') ?? asked(event, 'pass');
      if (event.type !== 'participant.request' || request === undefined) return;
      const waiting = context.votes[request.storyId];
      if (waiting === undefined || !waiting.includes(event.from)) return;
      const left = request.type === 'veto' ? [] : waiting.filter((name) => name !== event.from);
      const { [request.storyId]: _closed, ...open } = context.votes;
      enqueue.assign({ votes: left.length === 0 ? open : { ...open, [request.storyId]: left } });
      const story = `story:${request.storyId}`;
      if (request.type === 'veto')
        tell(enqueue, system, story, { type: 'story.veto', by: event.from, reason: request.reason });
      else if (left.length === 0) tell(enqueue, system, story, { type: 'story.veto.cleared' });
    }),
    // A failed participant is stopped and forgotten: it no longer votes, holds the schedule or delays the end.
    dropParticipant: enqueueActions(({ context, event, system, enqueue }) => {
      const failure = failureOf(event);
      if (failure === undefined || !context.participants.some((p) => p.name === failure.name)) return;
      const { name, reason } = failure;
      enqueue.stopChild(participantId(name));
      const votes: Record<string, readonly string[]> = {};
      for (const [storyId, voters] of Object.entries(context.votes)) {
        const left = voters.filter((voter) => voter !== name);
        if (left.length > 0) votes[storyId] = left;
        else tell(enqueue, system, `story:${storyId}`, { type: 'story.veto.cleared' });
      }
      if (context.pausedBy.includes(name))
        tell(enqueue, system, 'conductor', { type: 'story.quota.resumed', storyId: participantId(name) });
      enqueue.assign({
        participants: context.participants.filter((p) => p.name !== name),
        subscribers: context.subscribers.filter((s) => s.systemId !== participantId(name)),
        votes,
        pausedBy: context.pausedBy.filter((n) => n !== name),
        draining: context.draining.filter((n) => n !== name),
      });
      enqueue.emit({ type: 'participant.failed', name, reason });
    }),
    askToDrain: enqueueActions(({ context, system, enqueue }) => {
      const draining = context.participants.filter((p) => p.drains).map((p) => p.name);
      enqueue.assign({ draining });
      for (const name of draining) tell(enqueue, system, participantId(name), { type: 'participant.drain' });
    }),
    flush: sendTo(({ self }) => self, { type: 'herald.flushed' }),
    recordDrained: assign({
      draining: ({ context, event }) =>
        event.type === 'participant.drained' ? context.draining.filter((n) => n !== event.from) : context.draining,
    }),
  },
}).createMachine({
  id: 'herald',
  context: ({ input }) => ({
    subscribers: [
      ...WATCHERS.map((systemId) => ({ systemId, events: undefined })),
      ...input.participants.map((p) => ({ systemId: participantId(p.name), events: p.events })),
    ],
    participants: input.participants,
    votes: {},
    pausedBy: [],
    draining: [],
  }),
  invoke: WATCHERS.map((watcher) => ({ id: watcher, systemId: watcher, src: watcher })),
  entry: 'spawnParticipants',
  on: {
    'herald.publish': { actions: ['fanOut', 'openVote'] },
    'herald.subscribe': { actions: 'subscribe' },
    'participant.request': [
      { guard: 'invalidRequest', actions: 'dropParticipant' },
      { guard: { type: 'asks', params: { type: 'note' } }, actions: 'publishNote' },
      { guard: { type: 'asks', params: { type: 'tell' } }, actions: 'forwardMessage' },
      { guard: { type: 'asks', params: { type: 'pause' } }, actions: 'holdSchedule' },
      { guard: { type: 'asks', params: { type: 'resume' } }, actions: 'freeSchedule' },
      { actions: 'vote' },
    ],
    'participant.failed': { actions: 'dropParticipant' },
    'xstate.error.actor.*': { actions: 'dropParticipant' },
    // The run ended in an error: no waiting for anyone.
    'herald.stop': '.closed',
  },
  initial: 'open',
  states: {
    open: { on: { 'herald.close': 'closing' } },
    // The run is over: each participant finishes the events it was sent (each within its timeout), then the end.
    closing: {
      entry: 'askToDrain',
      always: { guard: 'allDrained', target: 'flushing' },
      on: { 'participant.drained': { actions: 'recordDrained' } },
    },
    // What it emitted last (a participant that failed on `run.completed`) comes back published before it ends.
    flushing: { entry: 'flush', on: { 'herald.flushed': 'closed' } },
    closed: { type: 'final' },
  },
});
