// The Conductor's vocabulary and its agent slots: who runs an agent, who readies a worktree ahead of a free slot,
// who waits for one, and the grants.
import { assign, enqueueActions, fromPromise, sendTo, setup } from 'xstate';
import type { storyMachine } from './story.js';
import { storySystemId } from './story-context.js';
import { surgeonMachine } from './surgeon.js';
import type { IntegrationGateOutput } from './types.js';
import { byId, freeSlots, mergedDependencies, nextGrantee, plannedOverlaps } from './conductor-context.js';
import type {
  ConductorContext,
  ConductorEmitted,
  ConductorEvent,
  ConductorInput,
  ConductorOutput,
} from './conductor-context.js';

// A free slot for the oldest waiting story it may go to, and granting it; a quota hold starts no new story.
export const grantable = (newStarts: 'allowed' | 'held') =>
  ({ type: 'slotForWaitingStory', params: { newStarts } }) as const;
export const granting = (newStarts: 'allowed' | 'held') =>
  [
    { type: 'grantSlot', params: { newStarts } },
    { type: 'holdGrantedSlot', params: { newStarts } },
  ] as const;

export const conductorSlots = setup({
  types: {
    context: {} as ConductorContext,
    events: {} as ConductorEvent,
    input: {} as ConductorInput,
    output: {} as ConductorOutput,
    emitted: {} as ConductorEmitted,
  },
  actors: {
    story: {} as typeof storyMachine,
    surgeon: surgeonMachine,
    /** Resolves at `until` (epoch ms): the end of a quota hold. */
    sleepUntil: fromPromise<void, { until: number }>(() => {
      throw new Error('sleepUntil not provided');
    }),
    /** The Auditor on the integration branch after a level (actors/integration-gate.ts); skipped when not provided. */
    integrationGate: fromPromise<IntegrationGateOutput, { level: number }>(async () => ({
      status: 'skipped',
      results: [],
    })),
  },
  guards: {
    // Checked after every event: the slot count first, so that a full house costs no walk of the level.
    slotForWaitingStory: ({ context }, params: { readonly newStarts: 'allowed' | 'held' }) =>
      context.holding.length < context.parallel && nextGrantee(context, params.newStarts) !== undefined,
    slotForPendingStory: ({ context }) =>
      context.holding.length < context.parallel && freeSlots(context).start.length > 0,
    // Every slot taken by an agent at work: the next stories ready their worktrees (and setup) meanwhile, so a freed
    // slot runs an agent at once; not sooner, since the stories with a slot would wait for them.
    roomAhead: ({ context }) =>
      (context.readying ?? []).length === 0 &&
      (context.ahead ?? []).length < context.parallel &&
      freeSlots(context).prepare.length > 0,
    holdsSlot: ({ context, event }) => event.type === 'story.slot.requested' && context.holding.includes(event.storyId),
  },
  actions: {
    grantSlot: sendTo(
      ({ context }, params: { readonly newStarts: 'allowed' | 'held' }) => nextGrantee(context, params.newStarts) ?? '',
      { type: 'story.slot.granted' },
    ),
    holdGrantedSlot: assign(({ context }, params: { readonly newStarts: 'allowed' | 'held' }) => {
      const granted = nextGrantee(context, params.newStarts);
      return {
        holding: granted === undefined ? context.holding : [...context.holding, granted],
        waiting: context.waiting.filter((id) => id !== granted),
        ahead: (context.ahead ?? []).filter((id) => id !== granted),
      };
    }),
    // A story started with a slot asks for it once its worktree is ready, like one readied ahead: it has it already.
    grantHeldSlot: sendTo(({ event }) => (event.type === 'story.slot.requested' ? event.storyId : ''), {
      type: 'story.slot.granted',
    }),
    recordAgentStarted: assign({
      readying: ({ context, event }) =>
        (context.readying ?? []).filter((id) => event.type !== 'story.agent.started' || id !== event.storyId),
    }),
    startStory: enqueueActions(({ context, enqueue }, params: { readonly slot: 'now' | 'ahead' }) => {
      const id = (params.slot === 'now' ? freeSlots(context).start : freeSlots(context).prepare)[0];
      if (id === undefined) return;
      const story = byId(context.stories, id);
      enqueue.spawnChild('story', {
        id,
        systemId: storySystemId(id),
        input: {
          story,
          dependencies: mergedDependencies(context, story),
          limits: context.limits,
          guidance: context.guidance[id],
          warnings: plannedOverlaps(context, id),
        },
      });
      enqueue.assign(
        params.slot === 'now'
          ? {
              status: { ...context.status, [id]: 'running' },
              holding: [...context.holding, id],
              readying: [...(context.readying ?? []), id],
            }
          : { status: { ...context.status, [id]: 'running' }, ahead: [...(context.ahead ?? []), id] },
      );
    }),
    releaseSlot: assign({
      holding: ({ context, event }) =>
        event.type === 'story.slot.released' ? context.holding.filter((id) => id !== event.storyId) : context.holding,
    }),
    queueForSlot: assign({
      waiting: ({ context, event }) =>
        event.type === 'story.slot.requested' && !context.waiting.includes(event.storyId)
          ? [...context.waiting, event.storyId]
          : context.waiting,
    }),
  },
});
