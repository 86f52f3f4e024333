// What a participant module's default export must be: a name, the events it wants, and either an onEvent handler or
// an XState actor logic (docs/participants.md); a function of the config entry's options that returns one, too.
import { z } from 'zod';

/** What a participant can ask of the run while it handles an event (the simple form's second argument). */
export interface BaroApi {
  /** A line for the PR body and the report. */
  readonly note: (text: string) => void;
  /** A message to a running story: its agent reads it on its next turn. */
  readonly tell: (storyId: string, text: string) => void;
  /** Holds the schedule: no new story starts until `resume()`. Running stories go on. */
  readonly pause: () => void;
  readonly resume: () => void;
  /** While handling `story.merging`: keeps the story from merging; it fails with this reason. */
  readonly veto: (storyId: string, reason: string) => void;
  /** Aborted when the handler runs out of time or the run stops its participants. */
  readonly signal: AbortSignal;
}

/** A run event as a participant receives it: a type and plain data. */
export interface EventData {
  readonly type: string;
  readonly [field: string]: unknown;
}

export type OnEvent = (event: EventData, baro: BaroApi) => unknown;

export type ParticipantForm =
  { readonly kind: 'onEvent'; readonly onEvent: OnEvent } | { readonly kind: 'logic'; readonly logic: object };

export interface ParticipantDefinition {
  readonly name: string;
  /** Undefined: every event. */
  readonly events: readonly string[] | undefined;
  readonly form: ParticipantForm;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';
// An actor logic is what createActor accepts: an object with transition, getInitialSnapshot and the rest.
const isLogic = (value: unknown): value is object =>
  typeof value === 'object' &&
  value !== null &&
  isFunction(Reflect.get(value, 'transition')) &&
  isFunction(Reflect.get(value, 'getInitialSnapshot'));

const exportSchema = z
  .object({
    name: z.string().regex(NAME, 'a name of lowercase letters, digits, ".", "_" or "-", like "ci-notify"'),
    events: z.array(z.string().regex(/^[a-z]+(\.[a-z]+)+$/, 'event types like "story.merged"')).optional(),
    onEvent: z.custom<OnEvent>(isFunction, 'onEvent must be a function').optional(),
    logic: z.custom<object>(isLogic, 'logic must be an XState actor logic (createMachine, fromCallback, …)').optional(),
  })
  .refine((value) => (value.onEvent === undefined) !== (value.logic === undefined), {
    message: 'give exactly one of onEvent (a function) and logic (an XState actor logic)',
  });

/** The definition in a module's default export, or the reasons it is not one. */
export function readDefinition(value: unknown): ParticipantDefinition | string[] {
  const parsed = exportSchema.safeParse(value);
  if (!parsed.success)
    return parsed.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
  const { name, events, onEvent, logic } = parsed.data;
  const form: ParticipantForm =
    onEvent !== undefined ? { kind: 'onEvent', onEvent } : { kind: 'logic', logic: logic ?? {} };
  return { name, events, form };
}
