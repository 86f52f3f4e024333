// The real actor tree with fakes of our own actor slots: scripted or test-driven agents, git answers and sleeps.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createActor, fromCallback, fromPromise, toPromise } from 'xstate';
import type {
  Actor,
  ActorRefFrom,
  AnyActorRef,
  CallbackActorLogic,
  EventObject,
  InspectionEvent,
  Snapshot,
  SnapshotFrom,
} from 'xstate';
import { computeLevels } from '../../machines/dag.js';
import { auditorMachine } from '../../machines/auditor.js';
import type { AuditorEmitted } from '../../machines/auditor.js';
import { conductorMachine } from '../../machines/conductor.js';
import { criticMachine } from '../../machines/critic.js';
import type { CriticEmitted, CriticTurnInput } from '../../machines/critic.js';
import type { ConductorEmitted } from '../../machines/conductor.js';
import type { LibrarianEmitted } from '../../machines/librarian.js';
import { operatorMachine } from '../../machines/operator.js';
import { publisherMachine } from '../../machines/publisher.js';
import type { PublishSettings, PullRequestRequest, ReportRequest } from '../../machines/publish-types.js';
import { RUN_SYSTEM_ID, runMachine } from '../../machines/run.js';
import type { RunEmitted, RunOutput } from '../../machines/run.js';
import type { SentryEmitted } from '../../machines/sentry.js';
import { storyMachine } from '../../machines/story.js';
import { surgeonMachine } from '../../machines/surgeon.js';
import type { SurgeonEmitted } from '../../machines/surgeon.js';
import { createGateFake, createSurgeonFake } from './replan-fakes.js';
import type { GateScript, SurgeonScript } from './replan-fakes.js';
import type { StoryLimits } from '../../machines/story-context.js';
import type { AgentSessionInput, AgentTellEvent, StoryEmitted, StoryEvent } from '../../machines/story-events.js';
import type { LiveMessage } from '../../machines/live.js';
import type {
  AuditTarget,
  GitOp,
  GitOpInput,
  GitOpOutput,
  GitOpResult,
  PlanDef,
  PullRequestOutcome,
  RunBranch,
  RunReport,
  SessionOutcome,
  SessionSummary,
  StoryDef,
  VerifyResult,
} from '../../machines/types.js';
import { createAuditFake, createCriticFake } from './review-fakes.js';
import { createSetupFake, createSleepFake } from './wait-fakes.js';
import type { CriticAnswer } from './review-fakes.js';

/** The fake clock: every agent turn ends at this instant unless a test says otherwise. */
export const NOW = 1_700_000_000_000;

type Emitted =
  | StoryEmitted
  | ConductorEmitted
  | LibrarianEmitted
  | SentryEmitted
  | RunEmitted
  | SurgeonEmitted
  | AuditorEmitted
  | CriticEmitted;
type StoryRef = ActorRefFrom<typeof storyMachine>;
type ConductorRef = ActorRefFrom<typeof conductorMachine>;

export function story(id: string, dependsOn: readonly string[] = [], extra: Partial<StoryDef> = {}): StoryDef {
  return { id, title: `Story ${id}`, description: `Do ${id}`, dependsOn, acceptance: [`${id} works`], ...extra };
}

export const outcomes = {
  ok: { kind: 'ok' },
  transient: { kind: 'transient', status: 529, text: 'Overloaded' },
  error: { kind: 'error', text: 'the agent gave up' },
  usageLimit: (resetsAt: number): SessionOutcome => ({ kind: 'usage_limit', resetsAt, text: 'usage limit reached' }),
} as const satisfies Record<string, SessionOutcome | ((n: number) => SessionOutcome)>;

/** What a scripted turn does: send events, then exit with an outcome, stay open for the test, or crash on start. */
type AgentPlan =
  | { readonly events?: readonly StoryEvent[]; readonly outcome: SessionOutcome }
  | { readonly events?: readonly StoryEvent[]; readonly hold: true }
  | { readonly crash: string };

interface AgentTurn {
  readonly storyId: string;
  /** 1-based count of this story's turns. */
  readonly n: number;
  readonly input: AgentSessionInput;
  /** Position in the harness's global sequence when the turn started. */
  readonly seq: number;
  alive: boolean;
  /** Live messages the story wrote into this turn's session. */
  readonly told: LiveMessage[];
  send(event: StoryEvent): void;
  exit(outcome: SessionOutcome, options?: { sessionId?: string; endedAt?: number }): void;
}

type AgentScript = (input: AgentSessionInput, n: number) => AgentPlan;

/** Every turn says which session it is, then succeeds. */
const defaultAgent: AgentScript = (input) => ({ events: [sessionEvent(input.storyId)], outcome: outcomes.ok });

export function sessionEvent(storyId: string): StoryEvent {
  return { type: 'agent.session', sessionId: `sess-${storyId}` };
}

function createAgentFake(script: AgentScript, sequence: () => number) {
  const turns: AgentTurn[] = [];
  let maxAlive = 0;
  const alive = () => turns.filter((turn) => turn.alive);
  const logic = fromCallback<AgentTellEvent, AgentSessionInput>(({ input, sendBack, receive }) => {
    const n = turns.filter((turn) => turn.storyId === input.storyId).length + 1;
    const plan = script(input, n);
    if ('crash' in plan) throw new Error(plan.crash);
    const turn: AgentTurn = {
      storyId: input.storyId,
      n,
      input,
      seq: sequence(),
      alive: true,
      told: [],
      send: (event) => {
        if (turn.alive) sendBack(event);
      },
      exit: (outcome, options = {}) => {
        const result: SessionSummary = {
          outcome,
          sessionId: options.sessionId,
          costUsd: 0.01,
          durationMs: 1000,
          usage: { inputTokens: 10, outputTokens: 5 },
        };
        turn.send({ type: 'agent.exited', result, endedAt: options.endedAt ?? NOW });
      },
    };
    turns.push(turn);
    receive((event) => turn.told.push(event.message));
    maxAlive = Math.max(maxAlive, alive().length);
    void (async () => {
      // Like the real adapter, the agent's process is spawned before it says anything.
      await Promise.resolve();
      turn.send({ type: 'agent.spawned', pid: 1000 + turn.seq });
      for (const event of plan.events ?? []) {
        await Promise.resolve();
        turn.send(event);
      }
      await Promise.resolve();
      if ('outcome' in plan) turn.exit(plan.outcome);
    })();
    return () => {
      turn.alive = false;
    };
  });
  return {
    logic,
    turns,
    alive,
    maxAlive: () => maxAlive,
    of: (storyId: string) => turns.filter((turn) => turn.storyId === storyId),
    /** The story's open turn; throws when it has none, so a driver never acts on the wrong state. */
    current(storyId: string): AgentTurn {
      const turn = turns.find((t) => t.storyId === storyId && t.alive);
      if (!turn) throw new Error(`no live agent turn for ${storyId}`);
      return turn;
    },
  };
}

export type GitAnswer = GitOpOutput | Error;

interface GitCall {
  readonly op: GitOp;
  answered: GitAnswer | undefined;
  answer(answer: GitAnswer): void;
}

function storyOf(op: GitOp): string | undefined {
  return 'storyId' in op ? op.storyId : undefined;
}

/** Every story commits and merges one file named after it; every other op just succeeds. */
export function defaultGitAnswer(op: GitOp): GitOpResult {
  const id = storyOf(op) ?? '';
  if (op.kind === 'story.commit') return { kind: 'committed', sha: `c-${id}`, files: [`${id}.txt`] };
  if (op.kind === 'story.merge' || op.kind === 'story.continue') return { kind: 'merged', sha: `m-${id}` };
  return op.kind === 'push' ? { kind: 'skipped', reason: 'no remote' } : { kind: 'ok' };
}

/** Answers each op from its script queue, else holds it for the test when `hold(op)`, else with the default. */
export function createGitFake(hold: (op: GitOp) => boolean = () => false) {
  const calls: GitCall[] = [];
  const scripts = new Map<string, GitAnswer[]>();
  let inFlight = 0;
  let maxInFlight = 0;
  const key = (kind: GitOp['kind'], storyId: string | undefined) => `${kind}|${storyId ?? ''}`;
  const logic = fromPromise<GitOpOutput, GitOpInput>(
    ({ input: { op: input } }) =>
      new Promise<GitOpOutput>((resolve, reject) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const call: GitCall = {
          op: input,
          answered: undefined,
          answer: (answer) => {
            if (call.answered) throw new Error(`git ${input.kind} was already answered`);
            call.answered = answer;
            inFlight -= 1;
            if (answer instanceof Error) reject(answer);
            else resolve(answer);
          },
        };
        calls.push(call);
        const scripted = scripts.get(key(input.kind, storyOf(input)))?.shift();
        const auto = scripted ?? (hold(input) ? undefined : defaultGitAnswer(input));
        if (auto) queueMicrotask(() => call.answer(auto));
      }),
  );
  return {
    logic,
    calls,
    maxInFlight: () => maxInFlight,
    /** The calls of a tree that crashed never answer; the restored tree asks again. */
    abandon() {
      for (const call of calls.filter((c) => !c.answered)) {
        call.answered = new Error('abandoned in the crash');
        inFlight -= 1;
      }
    },
    /** Queues answers for the next calls of one op kind (for one story). */
    script(kind: GitOp['kind'], storyId: string | undefined, ...answers: GitAnswer[]) {
      scripts.set(key(kind, storyId), [...(scripts.get(key(kind, storyId)) ?? []), ...answers]);
    },
    /** The single held call; throws unless exactly one is waiting, so drivers cannot answer the wrong op. */
    held(): GitCall {
      const waiting = calls.filter((call) => !call.answered);
      if (waiting.length !== 1 || !waiting[0])
        throw new Error(`expected one held git op, found ${waiting.map((c) => c.op.kind).join(', ') || 'none'}`);
      return waiting[0];
    },
  };
}

interface HarnessOptions {
  readonly stories: readonly StoryDef[];
  readonly levels?: readonly (readonly string[])[];
  readonly parallel?: number;
  readonly limits?: StoryLimits;
  readonly agent?: AgentScript;
  readonly holdGit?: (op: GitOp) => boolean;
  readonly holdSleep?: boolean;
  /** Stand-ins for the run's shared services (one that crashes); the real machines otherwise. */
  readonly services?: {
    readonly operator?: ServiceLogic;
    readonly librarian?: ServiceLogic;
    readonly sentry?: ServiceLogic;
  };
  /** The config has worktree setup (files to copy or commands), so stories go through settingUp. */
  readonly worktreeSetup?: boolean;
  readonly holdSetup?: boolean;
  /** Replans the Surgeon may make; none by default, so a failed story stays failed. */
  readonly replanBudget?: number;
  /** Each Surgeon turn's answer (`hold`: the test answers); by default the turn crashes, as an unprovided one does. */
  readonly surgeon?: SurgeonScript;
  /** The integration gate after each level (`hold`: the test answers); skipped by default. */
  readonly gate?: GateScript;
  /** The checks every worktree has (none by default), and each one's result (passed by default; undefined holds it). */
  readonly checks?: readonly string[];
  readonly checkResult?: (target: AuditTarget, command: string) => VerifyResult | undefined;
  /** Each Critic call's answer (pass by default; undefined holds it for the test). */
  readonly critic?: (input: CriticTurnInput) => CriticAnswer | undefined;
  /** How the run ends; kept local, its merged branches deleted, by default. */
  readonly publish?: PublishSettings;
}

type ServiceLogic = CallbackActorLogic<EventObject>;
type RunActors = NonNullable<Parameters<typeof runMachine.provide>[0]['actors']>;

interface LoggedEvent {
  readonly source: string;
  readonly seq: number;
  readonly event: Emitted;
}

const FAKE_REPORT: RunReport = {
  title: 'fake',
  body: '',
  path: 'report.md',
  timing: { wallMs: 0, planMs: 0, agentMsTotal: 0 },
};

/** Every live actor of the tree, the root first. */
function everyActor(root: AnyActorRef): AnyActorRef[] {
  const children = Object.values((root.getSnapshot() as { children?: Record<string, AnyActorRef> }).children ?? {});
  return [root, ...children.flatMap((child) => (child ? everyActor(child) : []))];
}

/** Starts the real run machine (operator, librarian, sentry, conductor, stories) over the fakes. */
export function startRun(options: HarnessOptions) {
  let seq = 0;
  let activity = 0;
  const sequence = () => ++seq;
  const agents = createAgentFake(options.agent ?? defaultAgent, sequence);
  const git = createGitFake(options.holdGit);
  const sleeps = createSleepFake(options.holdSleep ?? false);
  const setups = createSetupFake(options.holdSetup ?? false);
  const surgeon = createSurgeonFake(options.surgeon);
  const gates = createGateFake(options.gate);
  const audits = createAuditFake(options.checks, options.checkResult);
  const critics = createCriticFake(options.critic);
  const auditor = auditorMachine.provide({ actors: { listChecks: audits.listChecks, runCheck: audits.runCheck } });
  const log: LoggedEvent[] = [];
  const stories = new Map<string, StoryRef>();
  let conductorRef: ConductorRef | undefined;

  const storyLogic = storyMachine.provide({
    actors: {
      agentSession: agents.logic,
      sleepUntil: sleeps.logic,
      worktreeSetup: setups.logic,
      auditor,
      critic: criticMachine.provide({ actors: { criticTurn: critics.logic, sleepUntil: sleeps.logic } }),
    },
    guards: { worktreeSetupConfigured: () => options.worktreeSetup ?? false },
  });
  const machine = runMachine.provide({
    actors: {
      conductor: conductorMachine.provide({
        actors: {
          story: storyLogic,
          surgeon: surgeonMachine.provide({ actors: { surgeonTurn: surgeon.logic, sleepUntil: sleeps.logic } }),
          sleepUntil: sleeps.logic,
          integrationGate: gates.logic,
        },
      }),
      operator: operatorMachine.provide({ actors: { gitOp: git.logic } }),
      auditor,
      nameBranch: fromPromise<RunBranch, { repoDir: string; plan: PlanDef }>(async () => ({
        branch: 'baro/test',
        continuedFrom: undefined,
      })),
      publisher: publisherMachine.provide({
        actors: {
          report: fromPromise<RunReport, ReportRequest>(async () => FAKE_REPORT),
          pullRequest: fromPromise<PullRequestOutcome, PullRequestRequest>(async () => ({
            status: 'skipped',
            reason: 'fake',
          })),
        },
      }),
      // A stand-in speaks its service's protocol, not its context: no callback can have the slot's machine type.
      ...(options.services as Partial<RunActors> | undefined),
    },
  });
  const listen = (ref: AnyActorRef) => {
    if (ref.src === 'story') stories.set(ref.id, ref);
    if (ref.src === 'conductor') conductorRef = ref;
    ref.on('*', (event: Emitted) => log.push({ source: ref.id, seq: sequence(), event }));
  };
  const options_ = {
    systemId: RUN_SYSTEM_ID,
    input: {
      runId: 'r1',
      goal: 'test',
      repoDir: '/repo',
      plan: {
        plan: { goal: 'test', stories: options.stories },
        levels: options.levels ?? computeLevels(options.stories),
      },
      autoApprove: true,
      parallel: options.parallel ?? 2,
      limits: options.limits ?? { transientRetries: 2, conflictRounds: 2, reviewRounds: 2 },
      replanBudget: options.replanBudget ?? 0,
      planning: { repairs: 2, transientRetries: 2 },
      publish: options.publish ?? { remote: undefined, skipPr: 'kept local', keepBranches: false },
      librarian: {},
    },
    inspect: (event: InspectionEvent) => {
      activity += 1;
      if (event.type === '@xstate.actor') listen(event.actorRef as AnyActorRef);
    },
  };
  let actor: Actor<typeof machine> = createActor(machine, options_);
  actor.start();
  /** Persists the whole tree as JSON, stops it (its effects never answer), restores it and sends RESUME to every actor. */
  const crash = () => {
    const persisted: unknown = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    git.abandon();
    sleeps.abandon();
    setups.abandon();
    audits.abandon();
    critics.abandon();
    stories.clear();
    actor = createActor(machine, { ...options_, snapshot: persisted as Snapshot<unknown> });
    actor.start();
    for (const ref of everyActor(actor)) ref.send({ type: 'RESUME' });
  };
  const storyRef = (id: string): StoryRef => {
    const ref = stories.get(id);
    if (!ref) throw new Error(`story ${id} was never spawned`);
    return ref;
  };

  return {
    get actor() {
      return actor;
    },
    crash,
    agents,
    git,
    sleeps,
    setups,
    surgeon,
    gates,
    audits,
    critics,
    log,
    done: (): Promise<RunOutput> => toPromise(actor),
    emitted<K extends Emitted['type']>(type: K): Extract<Emitted, { type: K }>[] {
      return log.flatMap(({ event }) => (event.type === type ? [event as Extract<Emitted, { type: K }>] : []));
    },
    /** Sequence number of the first event of this type about this story, or undefined. */
    seqOf(type: Emitted['type'], storyId: string): number | undefined {
      return log.find(({ event }) => event.type === type && 'storyId' in event && event.storyId === storyId)?.seq;
    },
    story: (id: string): SnapshotFrom<typeof storyMachine> => storyRef(id).getSnapshot(),
    spawned: (id: string) => stories.has(id),
    conductor(): SnapshotFrom<typeof conductorMachine> {
      if (!conductorRef) throw new Error('the conductor has not started');
      return conductorRef.getSnapshot();
    },
    /** Waits until a whole event-loop turn passes with no actor activity: every fake answered or held. */
    async settle(): Promise<void> {
      for (;;) {
        const before = activity;
        await nextTurn();
        if (activity === before) return;
      }
    },
  };
}
export type Harness = ReturnType<typeof startRun>;
