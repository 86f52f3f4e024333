// The veto hook: a reviewed story, before it merges, is shown to the participants that asked for `story.merging`;
// one veto fails it with the participant's reason, and a participant that does not answer cannot hold it past the
// timeout.
import { assign, emit } from 'xstate';
import { storyReview } from './story-review.js';

export const storyVeto = storyReview.extend({
  actions: {
    emitMerging: emit(({ context }) => ({
      type: 'story.merging' as const,
      storyId: context.storyId,
      sha: context.sha ?? '',
      files: context.files,
    })),
    failWithVeto: assign({
      reason: ({ event }) => (event.type === 'story.veto' ? `vetoed by ${event.by}: ${event.reason}` : 'vetoed'),
    }),
  },
  delays: {
    vetoTimeout: ({ context }) => context.limits.vetoTimeoutMs ?? 0,
  },
});

/** Entered only when `vetoHook` holds; the Herald answers with `story.veto` or `story.veto.cleared`. */
export const awaitingVeto = storyVeto.createStateConfig({
  entry: 'emitMerging',
  after: { vetoTimeout: 'merging' },
  on: {
    'story.veto': { target: 'failed', actions: 'failWithVeto' },
    'story.veto.cleared': 'merging',
    RESUME: { target: 'awaitingVeto', reenter: true },
  },
});
