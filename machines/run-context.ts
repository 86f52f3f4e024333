// The Run's vocabulary (what it starts from, keeps, waits for and returns) and the pure reads of its context.
import type { ActorRefFrom, ActorSystem, ActorSystemInfo } from 'xstate';
import type { conductorMachine, ConductorOutput } from './conductor.js';
import type { LibrarianInput } from './librarian.js';
import type { PlannerOutput } from './planner.js';
import type { PublisherEmitted, PublisherOutput, PublishSettings } from './publish-types.js';
import type { RepoMap } from './repo-map.js';
import type { StoryLimits } from './story-context.js';
import type { IntegrationGateOutput, OperatorReply, PlanDef, Proposal } from './types.js';

export interface RunInput {
  readonly runId: string;
  readonly goal: string;
  readonly repoDir: string;
  /** A plan given with `--plan`: mapping and planning are skipped. */
  readonly plan: Proposal | undefined;
  /** `--yes`: the plan is approved without a review. */
  readonly autoApprove: boolean;
  readonly parallel: number;
  readonly limits: StoryLimits;
  /** How many replans the Surgeon may make in the run (`replan.budget`). */
  readonly replanBudget: number;
  readonly planning: { readonly repairs: number; readonly transientRetries: number; readonly quotaMarginMs?: number };
  /** How the finished run is pushed and proposed; the branch is the one named after the plan. */
  readonly publish: PublishSettings;
  readonly librarian: LibrarianInput;
}

export interface RunContext extends RunInput {
  readonly repoMap: RepoMap | undefined;
  /** The plan under review, then the plan being run. */
  readonly proposal: Proposal | undefined;
  readonly plannerSession: string | undefined;
  /** What the person asked to change, until the planner has revised the plan. */
  readonly feedback: string | undefined;
  /** The integration branch, once named. */
  readonly branch: string | undefined;
  /** The branch's head when the run continues an existing run branch. */
  readonly continuedFrom: string | undefined;
  /** Why the planner's last answer was refused, when it never produced a valid plan. */
  readonly planIssues: readonly string[];
  readonly outcome: ConductorOutput | undefined;
  /** The Auditor's checks on the integration branch before publishing; undefined when nothing merged. */
  readonly finalGate: IntegrationGateOutput | undefined;
  readonly error: string | undefined;
  /** Undefined until publishing ends (and when the run never got as far). */
  readonly published: PublisherOutput | undefined;
  readonly ending: 'completed' | 'failed' | 'stopped';
}

export interface RunOutput {
  /** `stopped`: the person quit at the review; nothing was executed. */
  readonly ending: 'completed' | 'failed' | 'stopped';
  readonly proposal: Proposal | undefined;
  readonly branch: string | undefined;
  readonly planIssues: readonly string[];
  readonly outcome: ConductorOutput | undefined;
  /** The final gate's checks; undefined when it did not run (nothing merged, or the run ended before). */
  readonly finalGate: IntegrationGateOutput | undefined;
  readonly error: string | undefined;
  /** Undefined when the run never got as far as publishing. */
  readonly published: PublisherOutput | undefined;
}

/** The person's answer to the plan review, sent by the CLI while the Run is `reviewing`. */
export type ReviewEvent =
  { type: 'review.approve' } | { type: 'review.refine'; feedback: string } | { type: 'review.quit' };

export type RunEvent =
  | OperatorReply
  | ReviewEvent
  | { type: 'xstate.done.actor.planner'; output: PlannerOutput }
  | { type: 'xstate.done.actor.conductor'; output: ConductorOutput }
  | { type: 'xstate.error.actor.operator'; error: unknown }
  | { type: 'run.service.failed' }
  | { type: 'RESUME' };

export type RunEmitted =
  | { type: 'plan.ready'; stories: number; levels: readonly (readonly string[])[]; plan: PlanDef }
  /** `continuedFrom`: the head of an existing run branch the run goes on from, when it was not created anew. */
  | { type: 'branch.created'; branch: string; continuedFrom?: string }
  | PublisherEmitted;

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const PLANNER_DONE = 'xstate.done.actor.planner';

/** What the Conductor knows so far (every story's status and the results of finished ones); undefined before it starts. */
export function conductorProgress(system: ActorSystem<ActorSystemInfo>): ConductorOutput | undefined {
  const conductor = system.get('conductor') as ActorRefFrom<typeof conductorMachine> | undefined;
  const context = conductor?.getSnapshot().context;
  if (context === undefined) return undefined;
  // A story readied ahead of a slot, or one whose agent had not started, did none of its work yet: not started.
  const unstarted = new Set([...(context.ahead ?? []), ...(context.readying ?? [])]);
  const status = Object.fromEntries(
    Object.entries(context.status).map(([id, s]) => [id, s === 'running' && unstarted.has(id) ? 'pending' : s]),
  );
  return { stories: context.stories, status, results: context.results };
}

/** A ready plan from the planner: the proposal and the session that can revise it. */
export function proposalOf(event: RunEvent): Partial<RunContext> {
  return event.type === PLANNER_DONE && event.output.status === 'ready'
    ? { proposal: event.output.proposal, plannerSession: event.output.sessionId, feedback: undefined }
    : {};
}

/** A plan the planner could not make valid: every rule it still breaks. */
export function planIssuesOf(event: RunEvent): Partial<RunContext> {
  return event.type === PLANNER_DONE && event.output.status === 'invalid'
    ? { planIssues: event.output.issues, error: 'the planner could not produce a valid plan' }
    : {};
}

export function planningFailureOf(event: RunEvent): string {
  const reason = event.type === PLANNER_DONE && event.output.status === 'failed' ? event.output.reason : undefined;
  return `planning failed: ${reason ?? 'the planner stopped'}`;
}
