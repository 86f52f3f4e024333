// The Publisher's path through cleanup, push, tidying, report and PR, with fakes at its actor slots.
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { ConductorOutput } from '../../machines/conductor.js';
import { auditorMachine } from '../../machines/auditor.js';
import { operatorMachine } from '../../machines/operator.js';
import { publisherMachine } from '../../machines/publisher.js';
import type {
  PublisherEmitted,
  PublisherOutput,
  PublishOptions,
  PullRequestRequest,
  ReportRequest,
} from '../../machines/publish-types.js';
import type { StoryResult } from '../../machines/story-events.js';
import type {
  AuditTarget,
  GitOp,
  GitOpInput,
  GitOpResult,
  IntegrationGateOutput,
  PullRequestOutcome,
  RunReport,
  VerifyResult,
} from '../../machines/types.js';

const result = (storyId: string, status: 'merged' | 'failed'): StoryResult => ({
  storyId,
  status,
  attempts: 1,
  agentMs: 1000,
  costUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
  files: [],
  denials: [],
  ...(status === 'failed' ? { reason: 'max_turns' } : { sha: `m-${storyId}` }),
});

const outcomeOf = (statuses: Record<string, 'merged' | 'failed'>): ConductorOutput => ({
  stories: [],
  status: statuses,
  results: Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, result(id, s)])),
});

const REPORT: RunReport = {
  title: 't',
  body: 'b',
  path: 'report.md',
  timing: { wallMs: 1, planMs: 0, agentMsTotal: 1 },
};
const OPTIONS: PublishOptions = {
  branch: 'baro/x',
  continuedFrom: undefined,
  remote: 'origin',
  skipPr: undefined,
  keepBranches: false,
};

interface Scenario {
  readonly outcome?: ConductorOutput;
  readonly options?: Partial<PublishOptions>;
  readonly git?: (op: GitOp) => GitOpResult;
  readonly pr?: () => Promise<PullRequestOutcome>;
  /** The final gate as it ran before publishing. */
  readonly finalGate?: IntegrationGateOutput;
  /** What the final gate's one check comes to when it runs again. */
  readonly recheck?: VerifyResult['status'];
}

const gate = (status: VerifyResult['status']): IntegrationGateOutput => ({
  status: status === 'notRun' ? 'skipped' : status,
  results: [{ command: 'npm test', status, exitCode: status === 'passed' ? 0 : 1, durationMs: 5, tail: '' }],
});

async function publish(scenario: Scenario = {}) {
  const ops: GitOp[] = [];
  const reports: ReportRequest[] = [];
  const emitted: PublisherEmitted[] = [];
  const audited: AuditTarget[] = [];
  const gitOp = fromPromise<GitOpResult, GitOpInput>(async ({ input }) => {
    ops.push(input.op);
    return (scenario.git ?? defaultGit)(input.op);
  });
  const publisher = publisherMachine.provide({
    actors: {
      report: fromPromise<RunReport, ReportRequest>(async ({ input }) => {
        reports.push(input);
        return REPORT;
      }),
      pullRequest: fromPromise<PullRequestOutcome, PullRequestRequest>(
        scenario.pr ?? (async () => ({ status: 'opened', url: 'https://github.com/o/r/pull/1', number: 1 })),
      ),
      auditor: auditorMachine.provide({
        actors: {
          listChecks: fromPromise<readonly string[], AuditTarget>(async ({ input }) => {
            audited.push(input);
            return ['npm test'];
          }),
          runCheck: fromPromise<VerifyResult, { target: AuditTarget; command: string }>(async () => {
            const check = gate(scenario.recheck ?? 'passed').results[0];
            if (check === undefined) throw new Error('no check');
            return check;
          }),
        },
      }),
    },
  });
  const root = setup({
    actors: { operator: operatorMachine.provide({ actors: { gitOp } }), publisher },
    types: { context: {} as { output: PublisherOutput | undefined }, output: {} as PublisherOutput | undefined },
  }).createMachine({
    context: { output: undefined },
    invoke: { systemId: 'operator', src: 'operator', input: { integrationBranch: 'baro/x' } },
    initial: 'publishing',
    states: {
      publishing: {
        invoke: {
          id: 'publisher',
          systemId: 'publisher',
          src: 'publisher',
          input: {
            runId: 'r1',
            outcome: scenario.outcome ?? outcomeOf({ A: 'merged', B: 'failed' }),
            plan: { stories: [], levels: [] },
            options: { ...OPTIONS, ...scenario.options },
            finalGate: scenario.finalGate,
          },
          onDone: { target: 'done', actions: assign({ output: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.output,
  });
  const actor = createActor(root, {
    inspect: (event) => {
      const ref = event.actorRef as AnyActorRef;
      if (event.type === '@xstate.actor' && ref.id === 'publisher')
        ref.on('*', (e: PublisherEmitted) => emitted.push(e));
    },
  });
  actor.start();
  const output = await toPromise(actor);
  if (output === undefined) throw new Error('the publisher gave no output');
  return { output, ops: ops.map((op) => op.kind), opList: ops, reports, emitted, audited };
}

function defaultGit(op: GitOp): GitOpResult {
  if (op.kind === 'push') return { kind: 'pushed' };
  if (op.kind === 'branches.delete') return { kind: 'deleted', storyIds: op.storyIds };
  return { kind: 'ok' };
}

describe('publisherMachine', () => {
  it('cleans up, pushes, deletes merged stories’ branches, reports, then opens the PR', async () => {
    const run = await publish();
    expect(run.ops).toEqual(['cleanup', 'push', 'branches.delete']);
    expect(run.opList[2]).toEqual({ kind: 'branches.delete', storyIds: ['A'] });
    expect(run.reports).toEqual([
      {
        branch: 'baro/x',
        continuedFrom: undefined,
        plan: { stories: [], levels: [] },
        outcome: expect.anything(),
        pushed: true,
        rebased: false,
        pushError: undefined,
        deletedBranches: ['A'],
      },
    ]);
    expect(run.output).toEqual({
      pushed: true,
      pushError: undefined,
      report: REPORT,
      pr: { status: 'opened', url: 'https://github.com/o/r/pull/1', number: 1 },
      finalGate: undefined,
    });
    expect(run.emitted.map((e) => e.type)).toEqual(['branch.pushed', 'pr.opened']);
  });

  it('with nothing merged: no push, no PR, still a report', async () => {
    const run = await publish({ outcome: outcomeOf({ A: 'failed' }) });
    expect(run.ops).toEqual(['cleanup']);
    expect(run.reports).toHaveLength(1);
    expect(run.output.pr).toEqual({ status: 'skipped', reason: 'no story was merged, so there is nothing to review' });
  });

  it('kept local: no push, branches tidied, the PR skipped with the reason given', async () => {
    const run = await publish({ options: { remote: undefined, skipPr: '--no-push keeps the branch local' } });
    expect(run.ops).toEqual(['cleanup', 'branches.delete']);
    expect(run.output).toMatchObject({
      pushed: false,
      pr: { status: 'skipped', reason: '--no-push keeps the branch local' },
    });
  });

  it('--no-pr: pushed, no PR', async () => {
    const run = await publish({ options: { skipPr: '--no-pr' } });
    expect(run.ops).toEqual(['cleanup', 'push', 'branches.delete']);
    expect(run.output).toMatchObject({ pushed: true, pr: { status: 'skipped', reason: '--no-pr' } });
  });

  it('--keep-branches deletes none', async () => {
    const run = await publish({ options: { keepBranches: true } });
    expect(run.ops).toEqual(['cleanup', 'push']);
    expect(run.reports[0]?.deletedBranches).toBeUndefined();
  });

  it('a failed push keeps every branch, skips the PR and reaches the report', async () => {
    const run = await publish({
      git: (op) => {
        if (op.kind === 'push') throw new Error('rejected twice');
        return defaultGit(op);
      },
    });
    expect(run.ops).toEqual(['cleanup', 'push']);
    expect(run.reports[0]).toMatchObject({ pushed: false, pushError: 'rejected twice' });
    expect(run.output).toMatchObject({
      pushed: false,
      pushError: 'rejected twice',
      pr: { status: 'skipped', reason: 'the push failed, so GitHub does not have the branch' },
    });
  });

  it('a failed PR call is a failed PR step with the message', async () => {
    const run = await publish({ pr: () => Promise.reject(new Error('GitHub did not accept the token')) });
    expect(run.output.pr).toEqual({ status: 'failed', error: 'GitHub did not accept the token' });
    expect(run.output.pushed).toBe(true);
  });

  it('a push rejected because the remote moved catches up, pushes again and says it rebased', async () => {
    const pushes: GitOpResult[] = [{ kind: 'behind', message: 'rejected (fetch first)' }, { kind: 'pushed' }];
    const run = await publish({
      git: (op) => (op.kind === 'push' ? (pushes.shift() ?? { kind: 'pushed' }) : defaultGit(op)),
    });
    expect(run.ops).toEqual(['cleanup', 'push', 'push.catchUp', 'push', 'branches.delete']);
    expect(run.opList[2]).toEqual({ kind: 'push.catchUp', keepWorktree: false });
    expect(run.audited).toEqual([]);
    expect(run.emitted[0]).toEqual({ type: 'branch.pushed', branch: 'baro/x', remote: 'origin', rebased: true });
    expect(run.reports[0]).toMatchObject({ pushed: true, rebased: true });
    expect(run.output.pr?.status).toBe('opened');
  });

  it('a second rejection fails the push with both reasons and keeps the branches', async () => {
    const run = await publish({
      git: (op) => (op.kind === 'push' ? { kind: 'behind', message: 'rejected (fetch first)' } : defaultGit(op)),
    });
    expect(run.ops).toEqual(['cleanup', 'push', 'push.catchUp', 'push']);
    expect(run.output.pushed).toBe(false);
    expect(run.output.pushError).toMatch(/^rejected \(fetch first\); then rejected \(fetch first\) \(the second try/);
    expect(run.output.pr).toMatchObject({ status: 'skipped' });
  });

  it('catching up that fails (a conflict) fails the push with the reason', async () => {
    const run = await publish({
      git: (op) => {
        if (op.kind === 'push') return { kind: 'behind', message: 'rejected (fetch first)' };
        if (op.kind === 'push.catchUp') throw new Error('conflict in a.txt');
        return defaultGit(op);
      },
    });
    expect(run.ops).toEqual(['cleanup', 'push', 'push.catchUp']);
    expect(run.output.pushError).toBe('rejected (fetch first); then conflict in a.txt');
  });

  it('after catching up, runs the final gate again on the rebased branch, lets go of its worktree, then pushes', async () => {
    const pushes: GitOpResult[] = [{ kind: 'behind', message: 'rejected (fetch first)' }, { kind: 'pushed' }];
    const run = await publish({
      finalGate: gate('passed'),
      recheck: 'failed',
      git: (op) => (op.kind === 'push' ? (pushes.shift() ?? { kind: 'pushed' }) : defaultGit(op)),
    });
    expect(run.ops).toEqual(['cleanup', 'push', 'push.catchUp', 'cleanup', 'push', 'branches.delete']);
    expect(run.opList[2]).toEqual({ kind: 'push.catchUp', keepWorktree: true });
    expect(run.opList[3]).toEqual({ kind: 'cleanup', merged: [], failed: [] });
    expect(run.audited).toEqual([{ kind: 'final' }]);
    // The gate of what was pushed: its failure is reported, and the branch is pushed all the same.
    expect(run.output).toMatchObject({ pushed: true, finalGate: gate('failed'), pr: { status: 'opened' } });
  });

  it('runs no gate again when the final gate had no checks to run, or the push went through at once', async () => {
    const pushes: GitOpResult[] = [{ kind: 'behind', message: 'rejected (fetch first)' }, { kind: 'pushed' }];
    const behind = await publish({
      finalGate: gate('notRun'),
      git: (op) => (op.kind === 'push' ? (pushes.shift() ?? { kind: 'pushed' }) : defaultGit(op)),
    });
    expect(behind.ops).toEqual(['cleanup', 'push', 'push.catchUp', 'push', 'branches.delete']);
    expect(behind.audited).toEqual([]);
    const straight = await publish({ finalGate: gate('passed') });
    expect(straight.ops).toEqual(['cleanup', 'push', 'branches.delete']);
    expect(straight.audited).toEqual([]);
    expect(straight.output.finalGate).toEqual(gate('passed'));
  });
});
