// Turns XState's inspection events into inspector records: each machine once, each actor, each change of state, each event.
import type { AnyActor, AnyStateMachine, InspectionEvent, StateValue } from 'xstate';
import { activeStateIds, machineGraph } from './machine-graph.js';
import type { MachineGraph } from './machine-graph.js';
import type { InspectRecord } from './records.js';

export interface InspectRecorder {
  /** Pass as `inspect` to createActor: every actor of the tree, from the first, is recorded. */
  readonly observe: (event: InspectionEvent) => void;
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'id' in logic && 'config' in logic;
}

interface Known {
  readonly graphs: Map<AnyStateMachine, MachineGraph>;
  readonly keys: Set<string>;
  readonly bySession: Map<string, MachineGraph>;
  readonly last: Map<string, string>;
  readonly systemIds: Map<string, string | undefined>;
}

/** A unique key per machine definition: its id, suffixed when two different machines share one. */
function keyFor(known: Known, machine: AnyStateMachine): string {
  let key = machine.id;
  for (let n = 2; known.keys.has(key); n += 1) key = `${machine.id}-${n}`;
  known.keys.add(key);
  return key;
}

export function createInspectRecorder(options: {
  readonly now: () => number;
  readonly sink: (record: InspectRecord) => void;
}): InspectRecorder {
  const { now, sink } = options;
  const known: Known = {
    graphs: new Map(),
    keys: new Set(),
    bySession: new Map(),
    last: new Map(),
    systemIds: new Map(),
  };

  const recordActor = (ref: AnyActor) => {
    const logic: unknown = ref.logic;
    let machine: string | undefined;
    if (isMachine(logic)) {
      let graph = known.graphs.get(logic);
      if (!graph) {
        const key = keyFor(known, logic);
        graph = { ...machineGraph(logic), id: key };
        known.graphs.set(logic, graph);
        sink({ kind: 'machine', t: now(), machine: key, graph });
      }
      known.bySession.set(ref.sessionId, graph);
      machine = graph.id;
    }
    const parent = ref._parent?.sessionId;
    const systemId = ref.systemId;
    known.systemIds.set(ref.sessionId, systemId);
    sink({
      kind: 'actor',
      t: now(),
      session: ref.sessionId,
      id: ref.id,
      ...(parent !== undefined ? { parent } : {}),
      ...(systemId !== undefined ? { systemId } : {}),
      ...(machine !== undefined ? { machine } : {}),
    });
  };

  const recordSnapshot = (ref: AnyActor, snapshot: { status?: unknown; value?: unknown }) => {
    // XState announces an actor before giving it its systemId: the actor is recorded again once it has one.
    if (known.systemIds.has(ref.sessionId) && known.systemIds.get(ref.sessionId) !== ref.systemId) recordActor(ref);
    const graph = known.bySession.get(ref.sessionId);
    const active = graph && snapshot.value !== undefined ? activeStateIds(graph, snapshot.value as StateValue) : [];
    const status = typeof snapshot.status === 'string' ? snapshot.status : 'active';
    const digest = `${status}|${active.join(',')}`;
    if (known.last.get(ref.sessionId) === digest) return;
    known.last.set(ref.sessionId, digest);
    sink({ kind: 'snapshot', t: now(), session: ref.sessionId, status, active });
  };

  return {
    observe(event) {
      switch (event.type) {
        case '@xstate.actor':
          recordActor(event.actorRef as AnyActor);
          return;
        case '@xstate.snapshot':
          recordSnapshot(event.actorRef as AnyActor, event.snapshot as { status?: unknown; value?: unknown });
          return;
        case '@xstate.event':
          sink({
            kind: 'event',
            t: now(),
            session: event.actorRef.sessionId,
            ...(event.sourceRef ? { from: event.sourceRef.sessionId } : {}),
            type: event.event.type,
          });
          return;
        default:
          return;
      }
    },
  };
}
