// Type-level checks, enforced by `tsc --noEmit`: the .provide() seams and the event unions between actors.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import type { EmittedFrom, EventFromLogic, InputFrom, OutputFrom } from 'xstate';
import type { agentSessionLogic } from '../../actors/agent-session.js';
import type { gitOpLogic } from '../../actors/git-op.js';
import type { nameBranchLogic } from '../../actors/branch-name.js';
import type { plannerTurnLogic } from '../../actors/planner-turn.js';
import type { provideCartographer } from '../../actors/cartographer.js';
import type { sleepUntilLogic } from '../../actors/sleep.js';
import type { RunReportEvent } from '../../cli/run-events.js';
import { conductorMachine } from '../../machines/conductor.js';
import type { ConductorEmitted, ConductorEvent, ConductorInput, ConductorOutput } from '../../machines/conductor.js';
import { librarianMachine } from '../../machines/librarian.js';
import type { LibrarianEmitted, LibrarianEvent, LibrarianReply } from '../../machines/librarian.js';
import { operatorMachine } from '../../machines/operator.js';
import type { OperatorEvent } from '../../machines/operator.js';
import type { plannerMachine } from '../../machines/planner.js';
import type { PlannerEmitted } from '../../machines/planner.js';
import type { runMachine } from '../../machines/run.js';
import type { RunEmitted, RunEvent, RunOutput } from '../../machines/run.js';
import type { SentryEmitted, SentryEvent } from '../../machines/sentry.js';
import type { StoryTellEvent } from '../../machines/live.js';
import { storyMachine } from '../../machines/story.js';
import type { StoryInput } from '../../machines/story-context.js';
import type {
  AgentSessionEvent,
  AgentSessionInput,
  AgentTellEvent,
  StoryEmitted,
  StoryEvent,
  StoryParentEvent,
  StoryResult,
} from '../../machines/story-events.js';
import type { GitOp, GitOpInput, GitOpResult, OperatorReply } from '../../machines/types.js';
import { story } from './harness.js';

type Slots<T extends { provide: (impl: never) => unknown }> = NonNullable<
  NonNullable<Parameters<T['provide']>[0]>['actors']
>;
type StorySlots = Slots<typeof storyMachine>;
type OperatorSlots = Slots<typeof operatorMachine>;
type ConductorSlots = Slots<typeof conductorMachine>;
type PlannerSlots = Slots<typeof plannerMachine>;
type RunSlots = Slots<typeof runMachine>;

const agentSession = fromCallback<AgentTellEvent, AgentSessionInput>(() => undefined);
const sleepUntil = fromPromise<void, { until: number }>(async () => undefined);
const gitOp = fromPromise<GitOpResult, GitOpInput>(async () => ({ kind: 'ok' }));

describe('provided logic fits the actor slots', () => {
  it('accepts the real implementations from actors/', () => {
    expectTypeOf<ReturnType<typeof agentSessionLogic>>().toExtend<NonNullable<StorySlots['agentSession']>>();
    expectTypeOf<ReturnType<typeof sleepUntilLogic>>().toExtend<NonNullable<StorySlots['sleepUntil']>>();
    expectTypeOf<ReturnType<typeof gitOpLogic>>().toExtend<NonNullable<OperatorSlots['gitOp']>>();
    expectTypeOf<ReturnType<typeof plannerTurnLogic>>().toExtend<NonNullable<PlannerSlots['plannerTurn']>>();
    expectTypeOf<ReturnType<typeof sleepUntilLogic>>().toExtend<NonNullable<PlannerSlots['sleepUntil']>>();
    expectTypeOf<ReturnType<typeof provideCartographer>>().toExtend<NonNullable<RunSlots['cartographer']>>();
    expectTypeOf<ReturnType<typeof nameBranchLogic>>().toExtend<NonNullable<RunSlots['nameBranch']>>();
  });

  it('accepts fakes of the same shape, and a provided story machine in the conductor', () => {
    const provided = storyMachine.provide({ actors: { agentSession, sleepUntil } });
    expect(conductorMachine.provide({ actors: { story: provided } })).toBeDefined();
    expect(operatorMachine.provide({ actors: { gitOp } })).toBeDefined();
  });

  it('rejects logic whose output, input or events do not fit', () => {
    // @ts-expect-error a sleep must resolve with nothing
    storyMachine.provide({ actors: { sleepUntil: fromPromise<string, { until: number }>(async () => 'late') } });
    // @ts-expect-error a sleep is told a deadline, not a duration
    storyMachine.provide({ actors: { sleepUntil: fromPromise<void, { ms: number }>(async () => undefined) } });
    // @ts-expect-error git ops answer with a GitOpResult
    operatorMachine.provide({ actors: { gitOp: fromPromise<string, GitOpInput>(async () => 'ok') } });
    // @ts-expect-error there is no such slot
    storyMachine.provide({ actors: { critic: sleepUntil } });
    // @ts-expect-error the conductor spawns story machines, not librarians
    conductorMachine.provide({ actors: { story: librarianMachine } });
    expectTypeOf<ConductorSlots>().toHaveProperty('story');
  });
});

describe('event unions', () => {
  it('lets every participant talk to a story', () => {
    expectTypeOf<AgentSessionEvent>().toExtend<StoryEvent>();
    expectTypeOf<OperatorReply>().toExtend<StoryEvent>();
    expectTypeOf<LibrarianReply>().toExtend<StoryEvent>();
    expectTypeOf<StoryTellEvent>().toExtend<StoryEvent>();
    expectTypeOf<EventFromLogic<typeof storyMachine>>().toEqualTypeOf<StoryEvent>();
  });

  it('routes story reports to the conductor, crashes included', () => {
    expectTypeOf<StoryParentEvent>().toExtend<ConductorEvent>();
    expectTypeOf<{ type: 'xstate.done.actor.S1'; output: StoryResult }>().toExtend<ConductorEvent>();
    expectTypeOf<{ type: 'xstate.error.actor.S1'; error: unknown }>().toExtend<ConductorEvent>();
    expectTypeOf<EventFromLogic<typeof conductorMachine>>().toEqualTypeOf<ConductorEvent>();
  });

  it('types the services own vocabularies', () => {
    expectTypeOf<OperatorReply>().toExtend<RunEvent>();
    expectTypeOf<EventFromLogic<typeof operatorMachine>>().toEqualTypeOf<OperatorEvent>();
    expectTypeOf<EventFromLogic<typeof librarianMachine>>().toEqualTypeOf<LibrarianEvent>();
    expectTypeOf<Extract<SentryEvent, { type: 'sentry.touch' }>['paths']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<'story.worktree' | 'story.commit' | 'story.merge' | 'story.continue' | 'push'>().toExtend<
      GitOp['kind']
    >();
  });

  it('refuses events outside the union at the send site', () => {
    const actor = createActor(storyMachine.provide({ actors: { agentSession, sleepUntil } }), {
      input: {
        story: story('S1'),
        dependencies: [],
        limits: { transientRetries: 1, conflictRounds: 1, reviewRounds: 2 },
      },
    });
    // @ts-expect-error a typo in an event type
    actor.send({ type: 'agent.exitted' });
    // @ts-expect-error agent.exited carries its result
    actor.send({ type: 'agent.exited', endedAt: 0 });
    expect(actor.getSnapshot().value).toBe('preparing');
  });

  it('makes inputs required where a machine needs one', () => {
    expectTypeOf<InputFrom<typeof storyMachine>>().toEqualTypeOf<StoryInput>();
    expectTypeOf<InputFrom<typeof conductorMachine>>().toEqualTypeOf<ConductorInput>();
    // @ts-expect-error a story cannot start without its input
    createActor(storyMachine);
  });
});

describe('emitted events', () => {
  it('are exactly what each machine declares, and every one is a reportable run event', () => {
    expectTypeOf<EmittedFrom<typeof storyMachine>>().toEqualTypeOf<StoryEmitted>();
    expectTypeOf<EmittedFrom<typeof conductorMachine>>().toEqualTypeOf<ConductorEmitted>();
    expectTypeOf<EmittedFrom<typeof librarianMachine>>().toEqualTypeOf<LibrarianEmitted>();
    expectTypeOf<
      StoryEmitted | ConductorEmitted | LibrarianEmitted | SentryEmitted | PlannerEmitted | RunEmitted
    >().toExtend<RunReportEvent>();
  });

  it('types listeners by event name', () => {
    const actor = createActor(storyMachine.provide({ actors: { agentSession, sleepUntil } }), {
      input: {
        story: story('S1'),
        dependencies: [],
        limits: { transientRetries: 1, conflictRounds: 1, reviewRounds: 2 },
      },
    });
    actor.on('story.merged', (event) => expectTypeOf(event.sha).toEqualTypeOf<string>());
    // @ts-expect-error stories do not emit collision warnings; the Sentry does
    actor.on('collision.warning', () => undefined);
  });

  it('gives every finishing machine a typed output: a story ends with its result', () => {
    expectTypeOf<OutputFrom<typeof storyMachine>>().toEqualTypeOf<StoryResult>();
    expectTypeOf<OutputFrom<typeof conductorMachine>>().toEqualTypeOf<ConductorOutput>();
    expectTypeOf<OutputFrom<typeof runMachine>>().toEqualTypeOf<RunOutput>();
  });
});
