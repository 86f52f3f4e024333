// The types for participant authors: `import type { Participant, RunEvent } from 'baro'` (docs/participants.md).
import type { AnyActorLogic } from 'xstate';
import type { BaroApi } from '../services/participants/definition.js';
import type { RunReportEvent } from './run-events.js';

/** One event of a run, the same object `--json` prints. */
export type RunEvent = RunReportEvent & { readonly ts: string };

export type RunEventType = RunEvent['type'];

/** What a participant may ask of the run while it handles an event. */
export type Baro = BaroApi;

interface ParticipantBase {
  /** Lowercase letters, digits, `.`, `_` or `-`; the actor's systemId is `participant:<name>`. */
  readonly name: string;
  /** The event types it is sent; every event when omitted. */
  readonly events?: readonly RunEventType[];
}

/**
 * A participant module's default export (or what its default export returns when given the config's options).
 *
 * @example
 * export default {
 *   name: 'ci-notify',
 *   events: ['run.completed'],
 *   async onEvent(event, baro) {
 *     if (event.type === 'run.completed') baro.note(`CI notified for ${event.branch}`);
 *   },
 * } satisfies Participant;
 */
export type Participant =
  | (ParticipantBase & {
      /** Called once per event, in order, each within the participant's timeout. */
      readonly onEvent: (event: RunEvent, baro: Baro) => unknown;
      readonly logic?: never;
    })
  | (ParticipantBase & {
      /** A stateful participant: XState actor logic sent each event; its requests go to its parent, the Herald. */
      readonly logic: AnyActorLogic;
      readonly onEvent?: never;
    });

/** The request events a stateful participant sends its parent: `sendParent({ type: 'participant.request', … })`. */
export type { ParticipantRequest } from '../machines/participant-request.js';
