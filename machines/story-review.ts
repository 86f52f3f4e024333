// How a Story Agent's work is checked before it merges: the Auditor's evidence, then the Critic's verdict, and a
// failing verdict sent back to the story's own session.
import { and, assertEvent, assign } from 'xstate';
import { criticInput } from './story-context.js';
import { storyLive } from './story-live.js';
import { CRITIC_DONE, criticOutputOf } from './story-setup.js';

export const storyReview = storyLive.extend({
  actions: {
    recordEvidence: assign({
      evidence: ({ event }) => {
        assertEvent(event, 'xstate.done.actor.auditor');
        return event.output.results;
      },
    }),
    recordVerdict: assign(({ context, event }) => {
      const output = criticOutputOf(event);
      return {
        costUsd: context.costUsd + output.costUsd,
        verdict: output.status === 'judged' ? output.verdict : context.verdict,
      };
    }),
    // The failing verdict goes back to the same session as the next turn, which waits for an agent slot.
    prepareRevision: assign({ revisions: ({ context }) => context.revisions + 1, purpose: 'feedback' as const }),
    failWithVerdict: assign({
      reason: ({ context }) => {
        const reasons = context.verdict?.reasons ?? [];
        const rounds = context.revisions + 1;
        return `the Critic failed the story after ${rounds} review round${rounds === 1 ? '' : 's'}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
      },
    }),
    failWithCritic: assign({
      reason: ({ event }) => {
        if (event.type !== CRITIC_DONE) return `the Critic crashed: ${'error' in event ? String(event.error) : ''}`;
        const output = criticOutputOf(event);
        return output.status === 'failed' ? output.reason : 'the Critic gave no verdict';
      },
    }),
    pauseForCritic: assign({
      retryAt: ({ context, event }) => (event.type === 'critic.paused' ? event.until : context.retryAt),
    }),
  },
});

/** The Auditor's evidence: the project's checks in the story's worktree. */
export const verifying = storyReview.createStateConfig({
  invoke: {
    id: 'auditor',
    src: 'auditor',
    input: ({ context }) => ({
      target: {
        kind: 'story' as const,
        storyId: context.storyId,
        round: context.revisions + 1,
        worktree: context.worktree,
      },
    }),
    onDone: { target: 'reviewing', actions: 'recordEvidence' },
    onError: { target: 'failed', actions: assign({ reason: 'the Auditor crashed' }) },
  },
});

/** The Critic's verdict; nothing merges unreviewed, and a Critic waiting for a usage limit pauses the schedule. */
export const reviewing = storyReview.createStateConfig({
  invoke: {
    id: 'critic',
    src: 'critic',
    input: ({ context }) => criticInput(context),
    onDone: [
      { guard: and(['verdictPass', 'vetoHook']), target: 'awaitingVeto', actions: 'recordVerdict' },
      { guard: 'verdictPass', target: 'merging', actions: 'recordVerdict' },
      { guard: 'canRevise', target: 'awaitingSlot', actions: ['recordVerdict', 'prepareRevision'] },
      { guard: 'judged', target: 'failed', actions: ['recordVerdict', 'failWithVerdict'] },
      { target: 'failed', actions: ['recordVerdict', 'failWithCritic'] },
    ],
    onError: { target: 'failed', actions: 'failWithCritic' },
  },
  on: {
    'critic.paused': { actions: ['pauseForCritic', 'pauseForQuota'] },
    'critic.resumed': { actions: 'resumeFromQuota' },
  },
});
