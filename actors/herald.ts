// Starts the Herald inside the run's actor system, next to the Run rather than under it: it is there before the Run's
// first event and stays after its last, so its subscribers (the journal, the reporter, the TUI and the participants)
// see `run.started` to `run.completed`.
import { createActor, fromCallback, toPromise } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { heraldMachine } from '../machines/herald.js';
import type { WATCHERS } from '../machines/herald.js';
import type { DomainEvent } from '../machines/herald-events.js';
import type { LoadedParticipant } from '../services/participants/load.js';
import { participantSpecs } from './participant.js';

export interface RunHerald {
  /** Fans the event out to every subscriber that wants it, in the order published. */
  readonly publish: (event: DomainEvent) => void;
  /** Lets each participant finish the events it was sent (each within its timeout), then stops the Herald. */
  readonly close: () => Promise<void>;
  /** Stops the Herald and its participants at once, when the run ends in an error. */
  readonly stop: () => void;
}

export function startHerald(input: {
  /** The run's root actor, not started yet: the Herald joins its system. */
  readonly run: AnyActorRef;
  readonly participants: readonly LoadedParticipant[];
  /** The CLI's subscribers, sent every event before the participants: the journal, the reporter, the TUI. */
  readonly watchers: Readonly<Record<(typeof WATCHERS)[number], (event: DomainEvent) => void>>;
}): RunHerald {
  const watching = (watch: (event: DomainEvent) => void) => fromCallback<DomainEvent>(({ receive }) => receive(watch));
  const { journal, reporter, tui } = input.watchers;
  const actors = { journal: watching(journal), reporter: watching(reporter), tui: watching(tui) };
  const herald = createActor(heraldMachine.provide({ actors }), {
    parent: input.run,
    id: 'herald',
    systemId: 'herald',
    input: { participants: participantSpecs(input.participants) },
  });
  herald.start();
  return {
    publish: (event) => herald.send({ type: 'herald.publish', event }),
    async close() {
      herald.send({ type: 'herald.close' });
      await toPromise(herald);
    },
    stop: () => herald.send({ type: 'herald.stop' }),
  };
}
