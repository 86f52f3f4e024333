// The inspection recorder: each machine once, actors with their parents and systemIds, state changes, events.
import { expect, it } from 'vitest';
import { createActor, sendParent, setup } from 'xstate';
import { createInspectRecorder } from '../../../cli/inspect/recorder.js';
import { parseRecordLine } from '../../../cli/inspect/records.js';
import type { InspectRecord } from '../../../cli/inspect/records.js';

const child = setup({}).createMachine({
  id: 'child',
  initial: 'waiting',
  states: { waiting: { on: { go: 'done' } }, done: { type: 'final', entry: sendParent({ type: 'child.finished' }) } },
});

const parent = setup({ actors: { child } }).createMachine({
  id: 'parent',
  initial: 'running',
  invoke: { id: 'kid', systemId: 'kid', src: 'child' },
  states: { running: { on: { 'child.finished': 'finished' } }, finished: {} },
});

it('records the tree, every change of state and every event, as lines a replay can parse', () => {
  const records: InspectRecord[] = [];
  let t = 0;
  const recorder = createInspectRecorder({ now: () => (t += 1), sink: (r) => records.push(r) });
  const actor = createActor(parent, { inspect: recorder.observe }).start();
  actor.system.get('kid')?.send({ type: 'go' });

  expect(records.filter((r) => r.kind === 'machine').map((r) => r.kind === 'machine' && r.machine)).toEqual([
    'parent',
    'child',
  ]);
  const kid = records.filter((r) => r.kind === 'actor' && r.id === 'kid').at(-1);
  expect(kid).toMatchObject({ systemId: 'kid', parent: actor.sessionId, machine: 'child' });
  const states = (session: string) =>
    records.flatMap((r) =>
      r.kind === 'snapshot' && r.session === session ? [`${r.status}:${r.active.join(',')}`] : [],
    );
  expect(states(actor.sessionId)).toEqual(['active:parent.running', 'active:parent.finished']);
  expect(kid?.kind === 'actor' && states(kid.session)).toEqual(['active:child.waiting', 'done:child.done']);
  expect(
    records.some(
      (r) => r.kind === 'event' && r.type === 'child.finished' && kid?.kind === 'actor' && r.from === kid.session,
    ),
  ).toBe(true);
  for (const record of records) expect(parseRecordLine(JSON.stringify(record))).toEqual(record);
  expect(parseRecordLine('{"kind":"snap')).toBeUndefined();
});
