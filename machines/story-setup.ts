// The Story Agent's vocabulary and slots: its types, the actors it invokes, and the guards its transitions read.
import { assertEvent, fromCallback, fromPromise, setup } from 'xstate';
import { auditorMachine } from './auditor.js';
import { criticMachine } from './critic.js';
import type {
  AgentPurpose,
  AgentSessionInput,
  AgentTellEvent,
  StoryEmitted,
  StoryEvent,
  StoryResult,
  WorktreeSetupOutput,
  WorktreeSetupRequest,
} from './story-events.js';
import { setupFailureText } from './story-context.js';
import type { StoryContext, StoryInput } from './story-context.js';

export const CRITIC_DONE = 'xstate.done.actor.critic';

export function criticOutputOf(event: StoryEvent) {
  assertEvent(event, CRITIC_DONE);
  return event.output;
}

/** A conflict resolution or a feedback turn resumes as one; other turns resume the session when there is one. */
export function nextPurpose(context: StoryContext): AgentPurpose {
  if (context.purpose === 'resolve' || context.purpose === 'feedback') return context.purpose;
  return context.sessionId ? 'retry' : 'story';
}

export const storySetup = setup({
  types: {
    context: {} as StoryContext,
    events: {} as StoryEvent,
    input: {} as StoryInput,
    emitted: {} as StoryEmitted,
    output: {} as StoryResult,
  },
  actors: {
    agentSession: fromCallback<AgentTellEvent, AgentSessionInput>(() => {
      throw new Error('agentSession not provided');
    }),
    sleepUntil: fromPromise<void, { until: number }>(() => {
      throw new Error('sleepUntil not provided');
    }),
    worktreeSetup: fromPromise<WorktreeSetupOutput, WorktreeSetupRequest>(() => {
      throw new Error('worktreeSetup not provided');
    }),
    auditor: auditorMachine,
    critic: criticMachine,
  },
  guards: {
    // A late or repeated answer to an earlier request never moves the story.
    staleReply: ({ context, event }) =>
      (event.type === 'operator.done' || event.type === 'operator.failed') && event.requestId !== context.awaiting,
    // Provided by the composition root: whether the config has files to copy or commands to run in a new worktree.
    worktreeSetupConfigured: () => false,
    setupFailed: ({ event }) => setupFailureText(event) !== undefined,
    succeeded: ({ event }) =>
      event.type === 'agent.exited' && (event.result.outcome.kind === 'ok' || event.result.outcome.kind === 'denied'),
    usageLimit: ({ event }) => event.type === 'agent.exited' && event.result.outcome.kind === 'usage_limit',
    retryable: ({ context, event }) =>
      event.type === 'agent.exited' &&
      (event.result.outcome.kind === 'transient' || event.result.outcome.kind === 'killed') &&
      context.transientFailures < context.limits.transientRetries,
    resolvingConflict: ({ context }) => context.purpose === 'resolve',
    revisingWork: ({ context }) => context.purpose === 'feedback',
    verdictPass: ({ event }) => {
      const output = criticOutputOf(event);
      return output.status === 'judged' && output.verdict.verdict === 'pass';
    },
    judged: ({ event }) => criticOutputOf(event).status === 'judged',
    canRevise: ({ context, event }) =>
      criticOutputOf(event).status === 'judged' && context.revisions < context.limits.reviewRounds,
    hasChanges: ({ event }) =>
      event.type === 'operator.done' && event.result.kind === 'committed' && event.result.files.length > 0,
    merged: ({ event }) => event.type === 'operator.done' && event.result.kind === 'merged',
    // Participants are sent `story.merging` and may veto: the story waits at its veto hook (story-veto.ts).
    vetoHook: ({ context }) => (context.limits.vetoTimeoutMs ?? 0) > 0,
    canResolve: ({ context, event }) =>
      event.type === 'operator.done' &&
      (event.result.kind === 'conflict' || event.result.kind === 'unresolved') &&
      context.conflictRounds < context.limits.conflictRounds,
  },
});
