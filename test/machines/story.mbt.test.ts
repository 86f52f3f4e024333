// Model-based tests of the story machine: paths through an abstract model, replayed on the real actor tree.
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { QUOTA_MARGIN_MS, retryDelayMs } from '../../machines/story-policy.js';
import type { WorktreeSetupOutput } from '../../machines/story-events.js';
import type { GitOp, GitOpResult, SessionOutcome } from '../../machines/types.js';
import { NOW, outcomes, sessionEvent, startRun, story } from './harness.js';
import type { GitAnswer, Harness } from './harness.js';
import { checkResult, verdicts } from './review-fakes.js';
import type { CriticAnswer } from './review-fakes.js';

const LIMITS = { transientRetries: 2, conflictRounds: 2, reviewRounds: 2 } as const;
const RESETS_AT = NOW / 1000 + 3600;

interface ModelContext {
  /** Transient failures so far, as the real context's transientFailures. */
  readonly transient: number;
  /** Conflict rounds so far, as the real context's conflictRounds. */
  readonly rounds: number;
  /** A turn was cut short after the agent named its session, so the next turn resumes it. */
  readonly resumed: boolean;
  /** Feedback turns after failing verdicts, as the real context's revisions. */
  readonly revisions: number;
  /** Whether the story's work turns are feedback turns now (a failing verdict came back). */
  readonly feedback: boolean;
}

type ModelEvent = {
  type:
    | 'WORKTREE_OK'
    | 'SETUP_OK'
    | 'SETUP_FAILED'
    | 'SETUP_CRASHED'
    | 'GIT_FAIL'
    | 'WORK_OK'
    | 'WORK_TRANSIENT'
    | 'WORK_LIMIT'
    | 'WORK_ERROR'
    | 'WAKE'
    | 'COMMIT_OK'
    | 'COMMIT_EMPTY'
    | 'MERGE_OK'
    | 'MERGE_CONFLICT'
    | 'CONTINUE_UNRESOLVED'
    | 'RESOLVED'
    | 'RESOLVE_FAILED'
    | 'CHECKS_DONE'
    | 'VERDICT_PASS'
    | 'VERDICT_FAIL'
    | 'CRITIC_GAVE_UP';
};

const resumeTurn = [
  { guard: 'inConflict', target: 'resolving' },
  { guard: 'inFeedback', target: 'revising' },
  { target: 'working' },
] as const;

/** What the story should do, stated without invokes: each outside answer is an event. */
const storyModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    canRetry: ({ context }) => context.transient < LIMITS.transientRetries,
    canResolve: ({ context }) => context.rounds < LIMITS.conflictRounds,
    inConflict: ({ context }) => context.rounds > 0,
    canRevise: ({ context }) => context.revisions < LIMITS.reviewRounds,
    inFeedback: ({ context }) => context.feedback,
  },
  actions: {
    countTransient: assign({ transient: ({ context }) => context.transient + 1, resumed: true }),
    resume: assign({ resumed: true }),
    countRound: assign({ rounds: ({ context }) => context.rounds + 1 }),
    countRevision: assign({ revisions: ({ context }) => context.revisions + 1, feedback: true }),
  },
}).createMachine({
  id: 'storyModel',
  context: { transient: 0, rounds: 0, resumed: false, revisions: 0, feedback: false },
  initial: 'preparing',
  states: {
    preparing: { on: { WORKTREE_OK: 'settingUp', GIT_FAIL: 'failed' } },
    // The config has worktree setup here; a story without any skips this state (story.test.ts).
    settingUp: { on: { SETUP_OK: 'working', SETUP_FAILED: 'setupFailed', SETUP_CRASHED: 'setupFailed' } },
    working: {
      on: {
        WORK_OK: 'committing',
        WORK_TRANSIENT: [{ guard: 'canRetry', target: 'backingOff', actions: 'countTransient' }, { target: 'failed' }],
        WORK_LIMIT: { target: 'waitingForQuota', actions: 'resume' },
        WORK_ERROR: 'failed',
      },
    },
    // A pause resumes the turn it interrupted: once in a conflict, every turn is a resolution; after a failing
    // verdict, every work turn is a feedback turn.
    backingOff: { on: { WAKE: resumeTurn } },
    waitingForQuota: { on: { WAKE: resumeTurn } },
    committing: { on: { COMMIT_OK: 'verifying', COMMIT_EMPTY: 'failed', GIT_FAIL: 'failed' } },
    verifying: { on: { CHECKS_DONE: 'reviewing' } },
    reviewing: {
      on: {
        VERDICT_PASS: 'merging',
        VERDICT_FAIL: [{ guard: 'canRevise', target: 'revising', actions: 'countRevision' }, { target: 'failed' }],
        CRITIC_GAVE_UP: 'failed',
      },
    },
    revising: {
      on: {
        WORK_OK: 'committing',
        WORK_TRANSIENT: [{ guard: 'canRetry', target: 'backingOff', actions: 'countTransient' }, { target: 'failed' }],
        WORK_LIMIT: { target: 'waitingForQuota', actions: 'resume' },
        WORK_ERROR: 'failed',
      },
    },
    merging: {
      on: {
        MERGE_OK: 'done',
        MERGE_CONFLICT: [{ guard: 'canResolve', target: 'resolving', actions: 'countRound' }, { target: 'failed' }],
        GIT_FAIL: 'failed',
      },
    },
    resolving: {
      on: {
        RESOLVED: 'continuing',
        WORK_TRANSIENT: [{ guard: 'canRetry', target: 'backingOff', actions: 'countTransient' }, { target: 'failed' }],
        WORK_LIMIT: { target: 'waitingForQuota', actions: 'resume' },
        RESOLVE_FAILED: 'failed',
      },
    },
    continuing: {
      on: {
        MERGE_OK: 'done',
        MERGE_CONFLICT: [{ guard: 'canResolve', target: 'resolving', actions: 'countRound' }, { target: 'failed' }],
        CONTINUE_UNRESOLVED: [
          { guard: 'canResolve', target: 'resolving', actions: 'countRound' },
          { target: 'failed' },
        ],
        GIT_FAIL: 'failed',
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
    setupFailed: { type: 'final' },
  },
});

type ModelSnapshot = SnapshotFrom<typeof storyModel>;

const conflict: GitOpResult = { kind: 'conflict', files: ['src/a.ts'], onto: 'abc123' };

/** One story whose every agent turn, story git op and sleep waits for the test to answer it. */
async function startStory(): Promise<Harness> {
  const h = startRun({
    stories: [story('S1')],
    limits: LIMITS,
    agent: () => ({ events: [sessionEvent('S1')], hold: true }),
    holdGit: (op: GitOp) => op.kind.startsWith('story.'),
    holdSleep: true,
    worktreeSetup: true,
    holdSetup: true,
    checks: ['make test'],
    // The story's own checks wait for the test; the final gate before publishing passes at once.
    checkResult: (target) => (target.kind === 'story' ? undefined : checkResult('make test', 'passed')),
    critic: () => undefined,
  });
  await h.settle();
  return h;
}

function driversFor(h: Harness) {
  const answer = (result: GitAnswer) => async () => {
    h.git.held().answer(result);
    await h.settle();
  };
  const exit = (outcome: SessionOutcome) => async () => {
    h.agents.current('S1').exit(outcome);
    await h.settle();
  };
  const setup = (output: WorktreeSetupOutput | Error) => async () => {
    const [call, ...more] = h.setups.pending();
    expect(more).toEqual([]);
    call?.answer(output);
    await h.settle();
  };
  const judge = (answer: CriticAnswer) => async () => {
    const [call, ...more] = h.critics.pending();
    expect(more).toEqual([]);
    call?.answer(answer);
    await h.settle();
  };
  return {
    CHECKS_DONE: async () => {
      const [call, ...more] = h.audits.pending();
      expect(more).toEqual([]);
      call?.answer(checkResult('make test', 'failed', 'FAIL'));
      await h.settle();
    },
    VERDICT_PASS: judge(verdicts.pass),
    VERDICT_FAIL: judge(verdicts.fail),
    CRITIC_GAVE_UP: judge(outcomes.error),
    WORKTREE_OK: answer({ kind: 'ok' }),
    SETUP_OK: setup({ kind: 'ok' }),
    SETUP_FAILED: setup({ kind: 'failed', reason: 'worktree setup command `npm ci` exited with code 1' }),
    SETUP_CRASHED: setup(new Error('EACCES: permission denied, copyfile')),
    GIT_FAIL: answer(new Error('index.lock exists')),
    WORK_OK: exit(outcomes.ok),
    WORK_TRANSIENT: exit(outcomes.transient),
    WORK_LIMIT: exit(outcomes.usageLimit(RESETS_AT)),
    WORK_ERROR: exit(outcomes.error),
    WAKE: async () => {
      const [sleep, ...more] = h.sleeps.pending();
      expect(more).toEqual([]);
      sleep?.wake();
      await h.settle();
    },
    COMMIT_OK: answer({ kind: 'committed', sha: 'c1', files: ['src/a.ts'] }),
    COMMIT_EMPTY: answer({ kind: 'committed', sha: 'base', files: [] }),
    MERGE_OK: answer({ kind: 'merged', sha: 'm1' }),
    MERGE_CONFLICT: answer(conflict),
    CONTINUE_UNRESOLVED: answer({ kind: 'unresolved', files: ['src/a.ts'], onto: 'abc123' }),
    RESOLVED: exit(outcomes.ok),
    RESOLVE_FAILED: exit(outcomes.error),
  };
}

function assertionsFor(h: Harness) {
  const real = () => h.story('S1');
  /** Holds in every state: the counters agree with the model, and an agent runs only in agent states. */
  const common = (model: ModelSnapshot, value: string) => {
    expect(real().value).toBe(value);
    expect(real().context.transientFailures).toBe(model.context.transient);
    expect(real().context.conflictRounds).toBe(model.context.rounds);
    expect(real().context.revisions).toBe(model.context.revisions);
    expect(h.agents.alive().length).toBe(['working', 'resolving', 'revising'].includes(value) ? 1 : 0);
    expect(h.setups.pending().length).toBe(value === 'settingUp' ? 1 : 0);
    expect(h.audits.pending().length).toBe(value === 'verifying' ? 1 : 0);
    expect(h.critics.pending().length).toBe(value === 'reviewing' ? 1 : 0);
  };
  const waitsFor = (kind: GitOp['kind']) => (model: ModelSnapshot) => {
    common(model, model.value as string);
    expect(h.git.held().op.kind).toBe(kind);
  };
  return {
    preparing: waitsFor('story.worktree'),
    settingUp: (model: ModelSnapshot) => {
      common(model, 'settingUp');
      expect(h.setups.pending().map((call) => call.storyId)).toEqual(['S1']);
    },
    committing: waitsFor('story.commit'),
    merging: waitsFor('story.merge'),
    continuing: waitsFor('story.continue'),
    verifying: (model: ModelSnapshot) => {
      common(model, 'verifying');
      expect(h.audits.pending()[0]).toMatchObject({
        command: 'make test',
        target: { kind: 'story', storyId: 'S1', round: model.context.revisions + 1 },
      });
    },
    reviewing: (model: ModelSnapshot) => {
      common(model, 'reviewing');
      expect(h.critics.pending()[0]?.input).toMatchObject({
        storyId: 'S1',
        round: model.context.revisions + 1,
        evidence: [{ command: 'make test', status: 'failed', tail: 'FAIL' }],
      });
    },
    revising: (model: ModelSnapshot) => {
      common(model, 'revising');
      expect(h.agents.current('S1').input).toMatchObject({
        purpose: 'feedback',
        sessionId: 'sess-S1',
        review: { round: model.context.revisions, verdict: verdicts.fail, failing: [{ command: 'make test' }] },
      });
    },
    working: (model: ModelSnapshot) => {
      common(model, 'working');
      const { input } = h.agents.current('S1');
      expect(input.purpose).toBe(model.context.resumed ? 'retry' : 'story');
      expect(input.sessionId).toBe(model.context.resumed ? 'sess-S1' : undefined);
    },
    backingOff: (model: ModelSnapshot) => {
      common(model, 'backingOff');
      expect(h.sleeps.pending().map((s) => s.until)).toEqual([NOW + retryDelayMs(model.context.transient - 1)]);
    },
    waitingForQuota: (model: ModelSnapshot) => {
      common(model, 'waitingForQuota');
      expect(h.sleeps.pending().map((s) => s.until)).toEqual([RESETS_AT * 1000 + QUOTA_MARGIN_MS]);
      expect(h.conductor().context.paused).toEqual({ S1: RESETS_AT * 1000 + QUOTA_MARGIN_MS });
    },
    resolving: (model: ModelSnapshot) => {
      common(model, 'resolving');
      expect(h.agents.current('S1').input).toMatchObject({
        purpose: 'resolve',
        sessionId: 'sess-S1',
        conflict: { files: ['src/a.ts'] },
      });
    },
    done: async (model: ModelSnapshot) => {
      common(model, 'done');
      const output = await h.done();
      expect(output.outcome?.results.S1).toMatchObject({ status: 'merged', sha: 'm1', files: ['src/a.ts'] });
    },
    failed: async (model: ModelSnapshot) => {
      common(model, 'failed');
      const output = await h.done();
      expect(output.outcome?.results.S1?.status).toBe('failed');
      expect(output.outcome?.results.S1?.reason).toEqual(expect.any(String));
      expect(h.conductor().context.paused).toEqual({});
    },
    setupFailed: async (model: ModelSnapshot) => {
      common(model, 'setupFailed');
      const output = await h.done();
      expect(output.outcome?.results.S1).toMatchObject({ status: 'failed', failedIn: 'setup' });
      expect(h.agents.turns).toEqual([]);
    },
  };
}

const model = createTestModel(storyModel);

// Two families keep the paths few: the lifecycle with every review passing at once, and the review rounds without
// merge conflicts; between them every state and event is covered (last test).
const REVIEW_FAILURES = new Set<string>(['VERDICT_FAIL', 'CRITIC_GAVE_UP']);
const CONFLICTS = new Set<string>(['MERGE_CONFLICT', 'CONTINUE_UNRESOLVED', 'RESOLVED', 'RESOLVE_FAILED']);
const lifecyclePaths = model.getShortestPaths({ filterEvents: (_s, event) => !REVIEW_FAILURES.has(event.type) });
const reviewPaths = model.getShortestPaths({
  filterEvents: (snapshot, event) =>
    !CONFLICTS.has(event.type) && !(snapshot.context.revisions === 0 && event.type === 'VERDICT_PASS'),
});

describe('story model: shortest path to every state, reviews passing at once', () => {
  for (const path of lifecyclePaths) {
    it(path.description, async () => {
      const h = await startStory();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('story model: shortest path to every state after a failing verdict', () => {
  for (const path of reviewPaths) {
    it(path.description, async () => {
      const h = await startStory();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('story model: every simple path through the conflict rounds', () => {
  const conflictLoop = new Set<ModelEvent['type']>([
    'WORKTREE_OK',
    'SETUP_OK',
    'WORK_OK',
    'COMMIT_OK',
    'MERGE_OK',
    'MERGE_CONFLICT',
    'CONTINUE_UNRESOLVED',
    'RESOLVED',
    'RESOLVE_FAILED',
    'CHECKS_DONE',
    'VERDICT_PASS',
  ]);
  const paths = model.getSimplePaths({ filterEvents: (_snapshot, event) => conflictLoop.has(event.type) });
  for (const path of paths) {
    it(path.description, async () => {
      const h = await startStory();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('story model: every simple path through the review rounds', () => {
  const reviewLoop = new Set<ModelEvent['type']>([
    'WORKTREE_OK',
    'SETUP_OK',
    'WORK_OK',
    'COMMIT_OK',
    'CHECKS_DONE',
    'VERDICT_PASS',
    'VERDICT_FAIL',
    'MERGE_OK',
  ]);
  const paths = model.getSimplePaths({ filterEvents: (_snapshot, event) => reviewLoop.has(event.type) });
  it('has a path for every number of failing verdicts up to review.maxRounds and one past it', () => {
    const fails = paths.map((path) => path.steps.filter((step) => step.event.type === 'VERDICT_FAIL').length);
    expect(new Set(fails)).toEqual(new Set([0, 1, 2, 3]));
  });
  for (const path of paths) {
    it(path.description, async () => {
      const h = await startStory();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('story model: coverage', () => {
  it('visits every state of the model and fires every event', () => {
    const steps = [...lifecyclePaths, ...reviewPaths].flatMap((path) => path.steps);
    expect(new Set(steps.map((step) => step.state.value))).toEqual(new Set(Object.keys(storyModel.root.states)));
    expect(new Set(steps.map((step) => step.event.type))).toEqual(new Set(['xstate.init', ...storyModel.events]));
  });
});

/** The drivers with a crash (persist, restore, RESUME) before every event: the path must not notice. */
function crashingBeforeEach(h: Harness): ReturnType<typeof driversFor> {
  const wrapped = Object.entries(driversFor(h)).map(([type, drive]) => [
    type,
    async () => {
      h.crash();
      await h.settle();
      await drive();
    },
  ]);
  return Object.fromEntries(wrapped) as ReturnType<typeof driversFor>;
}

// One crash before each step of a path, all in one run: every state a story can be saved in is restored once.
describe('story model: crash anywhere (persist, restore, RESUME before every step reaches the same outcome)', () => {
  for (const path of model.getShortestPaths()) {
    it(`${path.description}, crashed before every event`, async () => {
      const h = await startStory();
      await path.test({ states: assertionsFor(h), events: crashingBeforeEach(h) });
    });
  }
});
