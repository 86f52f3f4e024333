// The Herald without I/O: fan-out in order by subscription, requests turned into messages to the run's actors, a
// misbehaving participant stopped and reported, and the drain at the end.
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, sendParent, setup, toPromise } from 'xstate';
import type { AnyActorLogic, EventObject } from 'xstate';
import { onEventLogic } from '../../actors/participant.js';
import { heraldMachine } from '../../machines/herald.js';
import type { DomainEvent, ParticipantSpec } from '../../machines/herald-events.js';
import type { OnEvent } from '../../services/participants/definition.js';

/** A run's tree stand-in: a Conductor and stories S1 and S2 that record what they are sent. */
function fakeRun(heard: Record<string, EventObject[]>) {
  const recorder = fromCallback<EventObject, { name: string }>(({ input, receive }) =>
    receive((event) => (heard[input.name] ??= []).push(event)),
  );
  const run = setup({ actors: { recorder } }).createMachine({
    invoke: ['conductor', 'story:S1', 'story:S2'].map((name) => ({
      src: 'recorder' as const,
      systemId: name,
      input: { name },
    })),
  });
  return createActor(run).start();
}

function startHerald(participants: ParticipantSpec[]) {
  const heard: Record<string, EventObject[]> = {};
  const reported: DomainEvent[] = [];
  const reporter = fromCallback<DomainEvent>(({ receive }) => receive((event) => reported.push(event)));
  const herald = createActor(heraldMachine.provide({ actors: { reporter } }), {
    parent: fakeRun(heard),
    systemId: 'herald',
    input: { participants },
  });
  // As the CLI does: what the Herald emits comes back to it published, to reach every subscriber.
  herald.on('*', (event) => herald.send({ type: 'herald.publish', event }));
  herald.start();
  return { herald, heard, reported };
}

const spec = (name: string, logic: AnyActorLogic, events?: string[], drains = false): ParticipantSpec => ({
  name,
  events,
  logic,
  drains,
});

const handler = (name: string, onEvent: OnEvent, events?: string[]) =>
  spec(name, onEventLogic(name, onEvent, 60_000), events, true);

const publish = (type: string, fields: Record<string, unknown> = {}) =>
  ({ type: 'herald.publish', event: { type, ...fields } }) as const;

describe('the Herald', () => {
  it('sends each event, in order, to the reporter and to the participants that asked for its type', async () => {
    const seen: string[] = [];
    const { herald, reported } = startHerald([
      handler('merges', (event) => void seen.push(event.type), ['story.merged', 'run.completed']),
    ]);
    for (const type of ['run.started', 'story.merged', 'story.tool', 'run.completed']) herald.send(publish(type));
    herald.send({ type: 'herald.close' });
    await toPromise(herald);
    expect(reported.map((e) => e.type)).toEqual(['run.started', 'story.merged', 'story.tool', 'run.completed']);
    expect(seen).toEqual(['story.merged', 'run.completed']);
  });

  it('sends every event to the journal, the reporter and the TUI, subscribers by systemId like the participants', () => {
    const seen: string[] = [];
    const watcher = fromCallback<DomainEvent, unknown>(({ receive, self }) =>
      receive((event) => void seen.push(`${self.id}:${event.type}`)),
    );
    const herald = createActor(
      heraldMachine.provide({ actors: { journal: watcher, reporter: watcher, tui: watcher } }),
      {
        input: { participants: [] },
      },
    ).start();
    for (const systemId of ['journal', 'reporter', 'tui']) expect(herald.system.get(systemId)).toBeDefined();
    herald.send(publish('run.started'));
    herald.send(publish('story.merged'));
    expect(seen).toEqual([
      'journal:run.started',
      'reporter:run.started',
      'tui:run.started',
      'journal:story.merged',
      'reporter:story.merged',
      'tui:story.merged',
    ]);
  });

  it('sends the events a late subscriber asked for to it by systemId, from its subscription on', () => {
    const { herald, heard } = startHerald([]);
    herald.send(publish('level.started'));
    herald.send({ type: 'herald.subscribe', systemId: 'conductor', events: ['level.completed'] });
    herald.send(publish('level.started'));
    herald.send(publish('level.completed', { level: 0 }));
    expect(heard['conductor']).toEqual([{ type: 'level.completed', level: 0 }]);
  });

  it("sends a participant's tell to the story as a live message signed with its name", async () => {
    const { herald, heard } = startHerald([
      handler('teller', (event, baro) => baro.tell('S1', `saw ${event.type}`), ['level.started']),
    ]);
    herald.send(publish('level.started'));
    herald.send({ type: 'herald.close' });
    await toPromise(herald);
    expect(heard['story:S1']).toEqual([
      {
        type: 'story.tell',
        message: {
          from: 'participant',
          kind: 'tell',
          key: 'participant:teller:saw level.started',
          text: 'From the participant teller: saw level.started',
        },
      },
    ]);
  });

  it('holds and frees the schedule for a participant, and frees it when that participant fails', async () => {
    const { herald, heard, reported } = startHerald([
      handler('pauser', (event, baro) => {
        if (event.type === 'level.started') baro.pause();
        if (event.type === 'level.completed') throw new Error('lost the pager');
      }),
    ]);
    herald.send(publish('level.started'));
    herald.send(publish('level.completed'));
    herald.send({ type: 'herald.close' });
    await toPromise(herald);
    expect(heard['conductor']).toEqual([
      { type: 'story.quota.paused', storyId: 'participant:pauser', until: Number.MAX_SAFE_INTEGER },
      { type: 'story.quota.resumed', storyId: 'participant:pauser' },
    ]);
    // Events go out as they are published; the handler's requests follow as it gets to them.
    expect(reported.map((e) => e.type)).toEqual([
      'level.started',
      'level.completed',
      'schedule.paused',
      'participant.failed',
    ]);
    expect(reported[3]).toEqual({
      type: 'participant.failed',
      name: 'pauser',
      reason: 'level.completed: lost the pager',
    });
  });

  it('answers a story at its veto hook once every voter passed, and at once with a veto', async () => {
    const { herald, heard } = startHerald([
      handler('lenient', () => undefined, ['story.merging']),
      handler('strict', (event, baro) => {
        if (event.type === 'story.merging' && event['sha'] === 'bad') baro.veto('S2', 'no');
      }),
    ]);
    herald.send(publish('story.merging', { storyId: 'S1', sha: 'good' }));
    herald.send(publish('story.merging', { storyId: 'S2', sha: 'bad' }));
    herald.send({ type: 'herald.close' });
    await toPromise(herald);
    expect(heard['story:S1']).toEqual([{ type: 'story.veto.cleared' }]);
    expect(heard['story:S2']).toEqual([{ type: 'story.veto', by: 'strict', reason: 'no' }]);
  });

  it('stops a handler that asks for something invalid, and sends it nothing after', async () => {
    const seen: string[] = [];
    const { herald, reported } = startHerald([
      handler('blank', (event, baro) => {
        seen.push(event.type);
        baro.note('   ');
      }),
    ]);
    herald.send(publish('level.started'));
    herald.send(publish('level.completed'));
    herald.send({ type: 'herald.close' });
    await toPromise(herald);
    expect(reported.filter((e) => e.type === 'participant.failed')).toEqual([
      {
        type: 'participant.failed',
        name: 'blank',
        reason: 'invalid request: a note needs a text of 1 to 2000 characters',
      },
    ]);
    expect(seen).toEqual(['level.started']);
  });

  it('stops a stateful participant that sends an invalid request, and keeps the notes of one that behaves', () => {
    const noter = createMachine({
      on: {
        'story.merged': {
          actions: sendParent({
            type: 'participant.request',
            from: 'noter',
            request: { type: 'note', text: 'merged' },
          }),
        },
      },
    });
    const rogue = createMachine({
      on: {
        'story.merged': {
          actions: sendParent({ type: 'participant.request', from: 'rogue', request: { type: 'deploy' } }),
        },
      },
    });
    const { herald, reported } = startHerald([spec('noter', noter), spec('rogue', rogue)]);
    herald.send(publish('story.merged', { storyId: 'S1' }));
    herald.send(publish('story.merged', { storyId: 'S2' }));
    expect(reported.filter((e) => e.type !== 'story.merged')).toEqual([
      { type: 'participant.note', name: 'noter', text: 'merged' },
      {
        type: 'participant.failed',
        name: 'rogue',
        reason: 'invalid request: unknown request "deploy": expected note, tell, pause, resume, veto or pass',
      },
      { type: 'participant.note', name: 'noter', text: 'merged' },
    ]);
    expect(herald.getSnapshot().children['participant:rogue']).toBeUndefined();
  });
});
