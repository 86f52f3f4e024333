// A Story Agent: one story's lifecycle from its worktree to its merge, with retries, quota pauses, review rounds and
// conflict rounds.
import { resultOf, sessionInput } from './story-context.js';
import { liveActivity, tellWhileWorking } from './story-live.js';
import { reviewing, verifying } from './story-review.js';
import { awaitingVeto, storyVeto } from './story-veto.js';

// What a story does while its agent works, whichever turn it is.
const agentActivity = {
  'agent.spawned': { actions: 'recordPid' },
  'agent.restored': { actions: 'emitResumed' },
  'agent.session': { actions: 'recordSession' },
  'agent.tool': { actions: 'forwardTool' },
  'agent.touch': { actions: 'forwardTouch' },
  'agent.denied': { actions: 'recordDenial' },
  ...liveActivity,
} as const;

// Every later turn (after a pause, a conflict, a failing verdict) starts with a fresh brief, then the turn it needs:
// a conflict resolution stays one, and so does a feedback turn.
const nextTurn = 'briefing';
const turnAfterBrief = [
  { guard: 'resolvingConflict', target: 'resolving', actions: 'recordBrief' },
  { guard: 'revisingWork', target: 'revising', actions: 'recordBrief' },
  { target: 'working', actions: 'recordBrief' },
] as const;

// How a turn of the story's own work ends (its first turns, and each feedback turn after a failing verdict).
const workTurnEnds = [
  { guard: 'succeeded', target: 'committing', actions: ['accrueTurn', 'releaseSlot'] },
  { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrueTurn', 'scheduleQuotaWait'] },
  { guard: 'retryable', target: 'backingOff', actions: ['accrueTurn', 'scheduleRetry'] },
  { target: 'failed', actions: ['accrueTurn', 'failWithOutcome'] },
] as const;

// First of every Operator answer's transitions: an answer to another request is dropped.
const ignoreStale = { guard: 'staleReply' } as const;

// The Operator's answer to a merge, first try or after a resolved conflict.
const mergeReplies = {
  'operator.done': [
    ignoreStale,
    { guard: 'merged', target: 'done', actions: 'recordMerge' },
    { guard: 'canResolve', target: 'awaitingSlot', actions: 'recordConflict' },
    { target: 'failed', actions: 'failWithGit' },
  ],
  'operator.failed': [ignoreStale, { target: 'failed', actions: 'failWithGit' }],
} as const;

export const storyMachine = storyVeto.createMachine({
  id: 'story',
  context: ({ input }) => ({
    storyId: input.story.id,
    story: input.story,
    dependencies: input.dependencies,
    limits: input.limits,
    brief: '',
    // A story sent back by a replan continues its earlier session when it has one.
    sessionId: input.guidance?.sessionId,
    sessionWorktree: input.guidance?.worktree,
    purpose: input.guidance === undefined ? 'story' : 'guided',
    guidance: input.guidance?.text ?? '',
    worktree: undefined,
    awaiting: undefined,
    agentPid: undefined,
    warnings: input.warnings ?? [],
    turnWarnings: [],
    told: 0,
    heard: [],
    withheld: [],
    turnNotices: [],
    attempts: 0,
    attemptsBefore: input.guidance?.attempts ?? 0,
    transientFailures: 0,
    conflictRounds: 0,
    conflict: undefined,
    retryAt: undefined,
    reason: undefined,
    agentMs: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    files: [],
    sha: undefined,
    denials: [],
    revisions: 0,
    evidence: [],
    verdict: undefined,
    result: undefined,
  }),
  initial: 'preparing',
  on: {
    'story.tell': { guard: 'isNews', actions: 'withhold' },
    'agent.quota.warning': { actions: 'forwardQuotaWarning' },
  },
  states: {
    preparing: {
      entry: { type: 'requestGit', params: { kind: 'story.worktree' } },
      on: {
        'operator.done': [
          ignoreStale,
          { guard: 'worktreeSetupConfigured', target: 'settingUp', actions: 'recordWorktree' },
          { target: 'awaitingSlot', actions: 'recordWorktree' },
        ],
        'operator.failed': [ignoreStale, { target: 'failed', actions: 'failWithGit' }],
        RESUME: { target: 'preparing', reenter: true },
      },
    },
    settingUp: {
      entry: 'emitSetup',
      invoke: {
        id: 'setup',
        src: 'worktreeSetup',
        input: ({ context }) => ({ storyId: context.storyId, worktree: context.worktree }),
        onDone: [{ guard: 'setupFailed', target: 'setupFailed', actions: 'failWithSetup' }, { target: 'awaitingSlot' }],
        onError: { target: 'setupFailed', actions: 'failWithSetup' },
      },
    },
    briefing: {
      entry: 'requestBrief',
      on: {
        'librarian.brief': turnAfterBrief,
        RESUME: { target: 'briefing', reenter: true },
      },
    },
    working: {
      entry: ['startTurn', 'emitStarted'],
      invoke: { id: 'agent', src: 'agentSession', input: ({ context }) => sessionInput(context) },
      on: {
        ...agentActivity,
        // Its process running, not its turn begun: stories readied ahead would slow the spawn they wait for.
        'agent.spawned': { actions: ['recordPid', 'tellAgentStarted'] },
        'story.tell': tellWhileWorking('agent'),
        'agent.exited': workTurnEnds,
      },
    },
    // A feedback turn: the Critic's reasons and the failing checks, in the story's own session.
    revising: {
      entry: ['startTurn', 'emitStarted'],
      invoke: { id: 'reviser', src: 'agentSession', input: ({ context }) => sessionInput(context) },
      on: { ...agentActivity, 'story.tell': tellWhileWorking('reviser'), 'agent.exited': workTurnEnds },
    },
    backingOff: {
      entry: 'emitRetry',
      invoke: {
        id: 'backoff',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: nextTurn,
      },
    },
    waitingForQuota: {
      entry: 'pauseForQuota',
      exit: 'resumeFromQuota',
      invoke: {
        id: 'quota',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: nextTurn,
      },
    },
    committing: {
      entry: { type: 'requestGit', params: { kind: 'story.commit' } },
      on: {
        'operator.done': [
          ignoreStale,
          { guard: 'hasChanges', target: 'verifying', actions: 'recordCommit' },
          { target: 'failed', actions: 'failWithGit' },
        ],
        'operator.failed': [ignoreStale, { target: 'failed', actions: 'failWithGit' }],
        RESUME: { target: 'committing', reenter: true },
      },
    },
    verifying,
    reviewing,
    awaitingVeto,
    merging: {
      entry: { type: 'requestGit', params: { kind: 'story.merge' } },
      on: { ...mergeReplies, RESUME: { target: 'merging', reenter: true } },
    },
    // An agent slot for the next turn: the first (granted at once when the story started with a slot, else when one
    // frees up while its worktree waits ready) or a conflict round's.
    awaitingSlot: {
      entry: 'requestSlot',
      on: {
        'story.slot.granted': nextTurn,
        RESUME: { target: 'awaitingSlot', reenter: true },
      },
    },
    resolving: {
      entry: ['startTurn', 'emitConflict', 'emitStarted'],
      invoke: { id: 'resolver', src: 'agentSession', input: ({ context }) => sessionInput(context) },
      on: {
        ...agentActivity,
        'story.tell': tellWhileWorking('resolver'),
        'agent.exited': [
          { guard: 'succeeded', target: 'continuing', actions: ['accrueTurn', 'releaseSlot'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrueTurn', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrueTurn', 'scheduleRetry'] },
          { target: 'failed', actions: ['accrueTurn', 'failWithOutcome'] },
        ],
      },
    },
    continuing: {
      entry: { type: 'requestGit', params: { kind: 'story.continue' } },
      on: { ...mergeReplies, RESUME: { target: 'continuing', reenter: true } },
    },
    done: { type: 'final', entry: { type: 'finish', params: { status: 'merged' } } },
    failed: { type: 'final', entry: { type: 'finish', params: { status: 'failed' } } },
    // Its worktree could not be set up: the run's configuration failed, not the story's work.
    setupFailed: { type: 'final', entry: { type: 'finish', params: { status: 'failed', failedIn: 'setup' } } },
  },
  output: ({ context }) => context.result ?? resultOf(context, 'failed'),
});
