// The plain lines that open and close a run: the plan's size, its branch, and a run stopped before anything ran.
import { describe, expect, it } from 'vitest';
import { plainLine } from '../../cli/run-events.js';
import type { RunReportEvent } from '../../cli/run-events.js';

const stoppedAtReview: Extract<RunReportEvent, { type: 'run.completed' }> = {
  type: 'run.completed',
  runId: 'r1',
  status: 'stopped',
  branch: null,
  prUrl: null,
  pushed: false,
  publish: { pushed: false, pr: 'skipped', reason: 'the run ended before publishing' },
  stories: [
    { id: 'S1', status: 'pending', attempts: 0, agentMs: 0, costUsd: 0, denials: [] },
    { id: 'S2', status: 'pending', attempts: 0, agentMs: 0, costUsd: 0, denials: [] },
  ],
  timing: { wallMs: 7_500, planMs: 2_000, agentMsTotal: 0 },
};

describe('summary lines', () => {
  it('counts one story in one level in the singular', () => {
    const plan = { goal: 'g', stories: [] };
    expect(plainLine({ type: 'plan.ready', stories: 1, levels: [['S1']], plan })).toBe('plan: 1 story in 1 level: S1');
    expect(plainLine({ type: 'plan.ready', stories: 3, levels: [['S1', 'S2'], ['S3']], plan })).toBe(
      'plan: 3 stories in 2 levels: S1 S2 | S3',
    );
  });

  it('says whether the run branch is new or an existing one the run goes on from', () => {
    expect(plainLine({ type: 'branch.created', branch: 'baro/x' })).toBe('branch baro/x created');
    expect(plainLine({ type: 'branch.created', branch: 'baro/x', continuedFrom: 'a1b2c3d4e5f60718' })).toBe(
      'branch baro/x continued from a1b2c3d4',
    );
  });

  it('says a run quit at the plan review changed nothing, instead of listing every story as pending', () => {
    expect(plainLine(stoppedAtReview)).toBe(
      'run stopped before any story ran (7.5s): nothing changed in your repository',
    );
  });

  it('still lists what a run stopped mid-way left pending', () => {
    const midway: RunReportEvent = {
      ...stoppedAtReview,
      branch: 'baro/x',
      stories: [
        { id: 'S1', status: 'merged', attempts: 1, agentMs: 10, costUsd: 0, denials: [] },
        stoppedAtReview.stories[1]!,
      ],
    };
    expect(plainLine(midway)?.split('\n').slice(0, 2)).toEqual([
      'run stopped: 1/2 stories merged on baro/x in 7.5s (agents 0.0s)',
      '  S2: pending',
    ]);
  });
});
