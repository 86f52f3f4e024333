// How replans read as plain lines: who decided, what changed, the levels ahead, and why nothing was replanned.
import { describe, expect, it } from 'vitest';
import { plainLine } from '../../cli/run-events.js';
import type { RunReportEvent } from '../../cli/run-events.js';
import { SETUP_NOT_REPLANNED } from '../../machines/conductor-replan.js';

const split: RunReportEvent = {
  type: 'replan.applied',
  level: 1,
  cause: { kind: 'story', storyId: 'B', reason: 'max_turns' },
  action: 'split',
  by: 'surgeon',
  reason: 'B is two changes',
  before: [{ id: 'B', title: 'b', dependsOn: [], status: 'failed' }],
  after: [
    { id: 'B', title: 'b', dependsOn: [], status: 'replaced' },
    { id: 'B1', title: 'b1', dependsOn: [], status: 'pending' },
    { id: 'B2', title: 'b2', dependsOn: [], status: 'pending' },
  ],
  levels: [['B1', 'B2'], ['C']],
  budgetLeft: 2,
};

describe('replan lines', () => {
  it('says who split what into which stories, and the levels ahead', () => {
    expect(plainLine(split)).toBe(
      'replan by the Surgeon: B is split into B1, B2 (B is two changes)\n  levels ahead: B1 B2 | C; replans left: 2',
    );
  });

  it('names a dropped story with what it leaves blocked, and a gate fix by its commands', () => {
    const drop: RunReportEvent = {
      ...split,
      action: 'drop',
      by: 'policy',
      reason: 'tried once',
      after: [
        { id: 'B', title: 'b', dependsOn: [], status: 'failed' },
        { id: 'C', title: 'c', dependsOn: ['B'], status: 'blocked' },
      ],
      levels: [['C']],
    };
    expect(plainLine(drop)?.split('\n')[0]).toBe('replan by the fixed policy: B is dropped; blocked: C (tried once)');
    const fix: RunReportEvent = {
      ...split,
      cause: { kind: 'gate', commands: ['npm test'] },
      action: 'fix',
      before: split.after,
      after: [...split.after, { id: 'F', title: 'f', dependsOn: [], status: 'pending' }],
    };
    expect(plainLine(fix)?.split('\n')[0]).toContain('the integration gate (npm test) failed; F will fix it');
  });

  it('says why a failure got no replan, and what to change', () => {
    const skipped: RunReportEvent = {
      type: 'replan.skipped',
      level: 2,
      cause: { kind: 'story', storyId: 'X', reason: 'error' },
      reason: 'the replan budget is spent',
    };
    expect(plainLine(skipped)).toBe(
      'no replan for X: the replan budget is spent (raise replan.budget in baro.config.json)',
    );
    const setup: RunReportEvent = { ...skipped, reason: SETUP_NOT_REPLANNED };
    expect(plainLine(setup)).toBe(
      'no replan for X: its worktree setup failed, which no replan of the story can fix (fix worktree.setup in baro.config.json, then run the plan again)',
    );
  });

  it('gives the first line of a guidance that quotes the output of a command', () => {
    const retry: RunReportEvent = {
      ...split,
      action: 'retry',
      by: 'policy',
      reason: 'fixed policy',
      guidance:
        'Your earlier attempt failed: `npm test` exited with code 1:\nFAIL a.test.ts\nexpected 1. Finish the story.',
      after: split.before,
    };
    expect(plainLine(retry)?.split('\n')[0]).toBe(
      'replan by the fixed policy: B runs again with guidance: Your earlier attempt failed: `npm test` exited with code 1: … (fixed policy)',
    );
  });

  it('counts a replaced story neither merged nor missing at the end of the run', () => {
    const completed: RunReportEvent = {
      type: 'run.completed',
      runId: 'r1',
      status: 'succeeded',
      branch: 'baro/x',
      prUrl: null,
      pushed: false,
      publish: { pushed: false, pr: 'opened' },
      stories: [
        { id: 'A', status: 'merged', attempts: 1, agentMs: 1000, costUsd: 0, denials: [] },
        { id: 'B', status: 'replaced', attempts: 1, agentMs: 1000, costUsd: 0, reason: 'max_turns', denials: [] },
        { id: 'B1', status: 'merged', attempts: 1, agentMs: 1000, costUsd: 0, denials: [] },
      ],
      timing: { wallMs: 4000, planMs: 0, agentMsTotal: 3000 },
    };
    expect(plainLine(completed)?.split('\n').slice(0, 2)).toEqual([
      'run succeeded: 2/2 stories merged on baro/x in 4.0s (agents 3.0s)',
      '  B: replaced by a replan after it failed (max_turns)',
    ]);
  });
});
