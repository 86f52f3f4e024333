// The plain lines that open and close a run: the plan's size, its branch, and a run stopped before anything ran.
import { describe, expect, it } from 'vitest';
import { plainLine } from '../../cli/run-events.js';
import type { RunReportEvent, StorySummaryLine } from '../../cli/run-events.js';

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
      '  not started: S2',
    ]);
  });

  const story = (id: string, status: StorySummaryLine['status'], reason?: string): StorySummaryLine => ({
    id,
    status,
    attempts: 1,
    agentMs: 10,
    costUsd: 0,
    denials: [],
    ...(reason === undefined ? {} : { reason }),
  });

  it('gives a failed or interrupted story a line of its own, and those that only wait one line in all', () => {
    const pending = Array.from({ length: 14 }, (_, i) => story(`P${i + 1}`, 'pending'));
    const stopped: RunReportEvent = {
      ...stoppedAtReview,
      branch: 'baro/x',
      stories: [
        story('S1', 'merged'),
        story('S2', 'failed', 'merge conflict not resolved after the allowed rounds: index.js'),
        story('S3', 'running'),
        story('S4', 'blocked'),
        story('S5', 'blocked'),
        ...pending,
      ],
    };
    expect(plainLine(stopped)?.split('\n').slice(0, 6)).toEqual([
      'run stopped: 1/19 stories merged on baro/x in 7.5s (agents 0.0s)',
      '  S2: failed — merge conflict not resolved after the allowed rounds: index.js',
      '  S3: stopped mid-work',
      '  blocked, a story they depend on did not merge: S4 S5',
      '  not started: P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 … and 2 more',
      'pull request skipped: the run ended before publishing',
    ]);
  });

  it('says what a merged story got over, as past: not as if it failed', () => {
    const partial: RunReportEvent = {
      ...stoppedAtReview,
      status: 'partial',
      branch: 'baro/x',
      stories: [
        story('S1', 'merged', 'agent process ended without a result (SIGKILL)'),
        story('S2', 'failed', 'max_turns: Reached maximum number of turns (200)'),
      ],
    };
    expect(plainLine(partial)?.split('\n').slice(1, 3)).toEqual([
      '  S1: merged after agent process ended without a result (SIGKILL)',
      '  S2: failed — max_turns: Reached maximum number of turns (200)',
    ]);
  });

  it('shows the output of a failure once: stories that failed the same way get its first line, with their own log', () => {
    const setupFailure = (id: string) =>
      `worktree setup command \`npm ci\` exited with code 1 (full output: /runs/r1/stories/${id}/setup.log):\nnpm error code EUSAGE\nnpm error at ${id}`;
    const failed: RunReportEvent = {
      ...stoppedAtReview,
      status: 'failed',
      branch: 'baro/x',
      stories: ['S1', 'S2', 'S3'].map((id) => story(id, 'failed', setupFailure(id))),
    };
    expect(plainLine(failed)?.split('\n').slice(1, 6)).toEqual([
      '  S1: failed — worktree setup command `npm ci` exited with code 1 (full output: /runs/r1/stories/S1/setup.log):',
      'npm error code EUSAGE',
      'npm error at S1',
      '  S2: failed — worktree setup command `npm ci` exited with code 1 (full output: /runs/r1/stories/S2/setup.log): …',
      '  S3: failed — worktree setup command `npm ci` exited with code 1 (full output: /runs/r1/stories/S3/setup.log): …',
    ]);
  });

  it('says as a story fails the first line of why: its output comes once, in the summary', () => {
    const reason =
      'worktree setup command `npm ci` exited with code 1 (full output: /r/S1/setup.log):\nnpm error code EUSAGE';
    expect(plainLine({ type: 'story.failed', storyId: 'S1', reason })).toBe(
      '  S1 failed: worktree setup command `npm ci` exited with code 1 (full output: /r/S1/setup.log): …',
    );
  });
});
