// The Herald's vocabulary and the pure helpers of its fan-out: what it is sent, what it publishes, who listens.
import type { AnyActorLogic, AnyActorRef } from 'xstate';
import { readRequest } from './participant-request.js';
import type { ParticipantRequest } from './participant-request.js';

/** Any event `--json` prints: a dot-namespaced type and plain data. */
export interface DomainEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The events the Herald itself publishes, beside the run's. */
export type HeraldEmitted =
  | { type: 'participant.failed'; name: string; reason: string }
  | { type: 'participant.note'; name: string; text: string }
  | { type: 'schedule.paused'; by: string }
  | { type: 'schedule.resumed'; by: string };

export interface Subscriber {
  readonly systemId: string;
  /** Undefined: every event. */
  readonly events: readonly string[] | undefined;
}

export interface ParticipantSpec {
  readonly name: string;
  readonly events: readonly string[] | undefined;
  readonly logic: AnyActorLogic;
  /** Whether it answers `participant.drain` once it has handled every event sent so far (the onEvent form does). */
  readonly drains: boolean;
}

export interface HeraldInput {
  readonly participants: readonly ParticipantSpec[];
}

export type HeraldEvent =
  | { type: 'herald.publish'; event: DomainEvent }
  | { type: 'herald.subscribe'; systemId: string; events?: readonly string[] | undefined }
  | { type: 'herald.close' }
  | { type: 'herald.flushed' }
  | { type: 'herald.stop' }
  | { type: 'participant.request'; from: string; request: unknown }
  | { type: 'participant.failed'; from: string; reason: string }
  | { type: 'participant.drained'; from: string }
  | { type: `xstate.error.actor.${string}`; error: unknown };

export interface HeraldContext {
  readonly subscribers: readonly Subscriber[];
  readonly participants: readonly ParticipantSpec[];
  /** Per story waiting at its veto hook: the participants that have not answered yet. */
  readonly votes: Readonly<Record<string, readonly string[]>>;
  readonly pausedBy: readonly string[];
  readonly draining: readonly string[];
}

export const MERGING = 'story.merging';
export const participantId = (name: string) => `participant:${name}`;
const ERROR_PREFIX = `xstate.error.actor.${participantId('')}`;
// A participant's pause holds the Conductor's schedule the way a story waiting for its usage limit does.
export const NEVER = Number.MAX_SAFE_INTEGER;

export const wants = (events: readonly string[] | undefined, type: string) =>
  events === undefined || events.includes(type);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Who failed and why, for a failure report, an invalid request or a crash of the participant's actor. */
export function failureOf(event: HeraldEvent): { name: string; reason: string } | undefined {
  if (event.type === 'participant.failed') return { name: event.from, reason: event.reason };
  if (event.type === 'participant.request') {
    const request = readRequest(event.request);
    return typeof request === 'string' ? { name: event.from, reason: `invalid request: ${request}` } : undefined;
  }
  if ('error' in event && event.type.startsWith(ERROR_PREFIX))
    return { name: event.type.slice(ERROR_PREFIX.length), reason: `crashed: ${messageOf(event.error)}` };
  return undefined;
}

export interface Enqueue {
  readonly sendTo: (target: AnyActorRef, event: DomainEvent) => void;
}
export interface Registry {
  readonly get: (systemId: string) => AnyActorRef | undefined;
}

/** To an actor of the run by systemId; one that has already finished (a merged story) is not there to hear it. */
export function tell(enqueue: Enqueue, system: Registry, systemId: string, event: DomainEvent) {
  const target: AnyActorRef | undefined = system.get(systemId);
  if (target !== undefined) enqueue.sendTo(target, event);
}

/** The event to every subscriber that wants its type, in subscription order. */
export function fanOut(enqueue: Enqueue, system: Registry, subscribers: readonly Subscriber[], event: DomainEvent) {
  for (const subscriber of subscribers)
    if (wants(subscriber.events, event.type)) tell(enqueue, system, subscriber.systemId, event);
}

/** The request in a `participant.request`, when it is a valid one. */
export function requestOf(event: HeraldEvent): ParticipantRequest | undefined {
  if (event.type !== 'participant.request') return undefined;
  const request = readRequest(event.request);
  return typeof request === 'string' ? undefined : request;
}
