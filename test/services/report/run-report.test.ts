// The run report: sections, the checkpoint title, and timing that adds up.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../../actors/report.js';
import type { ConductorOutput } from '../../../machines/conductor.js';
import type { StoryResult } from '../../../machines/story-events.js';
import { formatDuration } from '../../../services/report/format.js';
import { journalFacts } from '../../../services/report/journal.js';
import { buildRunReport } from '../../../services/report/run-report.js';
import type { ReportInput, ReportStory } from '../../../services/report/run-report.js';
import { makeTempDir, removeTempDirs } from '../../helpers/repo.js';

const story = (id: string, extra: Partial<ReportStory> = {}): ReportStory => ({
  id,
  title: `story ${id}`,
  status: 'merged',
  attempts: 1,
  agentMs: 1000,
  costUsd: 0.1,
  mergeSha: `${id.toLowerCase()}1234567890`,
  branch: `baro-stories/r1/${id}`,
  blockedBy: [],
  ...extra,
});

const input = (extra: Partial<ReportInput> = {}): ReportInput => ({
  runId: 'r1',
  goal: 'Add rate limiting',
  branch: 'baro/rate-limiting',
  base: 'main',
  continuedFrom: undefined,
  earlierRuns: [],
  levels: [['A', 'B'], ['C']],
  stories: [story('A'), story('B'), story('C')],
  wallMs: 2000,
  planMs: 0,
  parallel: 3,
  endedAt: 1_700_000_002_000,
  facts: journalFacts(''),
  deletedBranches: ['A', 'B', 'C'],
  rebased: false,
  pushError: undefined,
  ...extra,
});

describe('buildRunReport', () => {
  it('titles a complete run with its goal and lays out the plan, the stories and the checks it did not run', () => {
    const report = buildRunReport(input());
    expect(report.title).toBe('Add rate limiting');
    expect(report.body).toContain('## Goal\n\nAdd rate limiting');
    expect(report.body).toContain('3 of 3 stories merged');
    expect(report.body).toContain('1. **A** story A · **B** story B\n2. **C** story C');
    expect(report.body).toContain('| A | story A | merged | 1 | — | 1.0 s | $0.10 | `a1234567` |');
    expect(report.body).toContain('No checks ran');
    expect(report.body).toContain("3 of 3 merged stories' branches were deleted");
    expect(report.body).not.toContain('What is missing');
  });

  it('counts a story the Surgeon split neither as merged nor as missing, and says it was split', () => {
    const report = buildRunReport(
      input({
        stories: [story('A'), story('B', { status: 'replaced', mergeSha: undefined }), story('B1'), story('C')],
      }),
    );
    expect(report.title).toBe('Add rate limiting');
    expect(report.body).toContain('3 of 3 stories merged. B failed and was split by a replan.');
    expect(report.body).not.toContain('What is missing');
  });

  it('timing adds up: Σ agent time of every story and attempt ÷ wall time', () => {
    const report = buildRunReport(
      input({
        stories: [
          story('A', { agentMs: 3000, attempts: 2 }),
          story('B', { agentMs: 5000 }),
          story('C', { agentMs: 4000, status: 'failed', mergeSha: undefined, reason: 'max_turns' }),
        ],
        wallMs: 6000,
        planMs: 1500,
      }),
    );
    expect(report.timing).toEqual({ wallMs: 6000, planMs: 1500, agentMsTotal: 12000 });
    expect(report.speedup).toBe(2);
    expect(report.body).toContain('| wall time, from the start (planning included) | 6.0 s |');
    expect(report.body).toContain('| planning | 1.5 s |');
    expect(report.body).toContain('| agent time, every story and attempt (failed ones too) | 12.0 s |');
    expect(report.body).toContain('| speedup (agent time ÷ wall time) | 2.00× |');
  });

  it('shows quota utilisation, agent time ÷ (wall time × parallel), and the time new starts were paused', () => {
    const at = (ms: number) => new Date(1_700_000_000_000 + ms).toISOString();
    const journal = [
      { type: 'quota.paused', ts: at(1000), storyId: 'A', until: 0, limitKind: 'five_hour' },
      { type: 'quota.paused', ts: at(2000), storyId: 'B', until: 0, limitKind: 'five_hour' },
      { type: 'quota.resumed', ts: at(4000), storyId: 'A' },
      { type: 'quota.resumed', ts: at(5000), storyId: 'B' },
      { type: 'quota.paused', ts: at(9000), storyId: 'C', until: 0, limitKind: 'five_hour' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const report = buildRunReport(
      input({
        stories: [story('A', { agentMs: 3000 }), story('B', { agentMs: 5000 }), story('C', { agentMs: 4000 })],
        wallMs: 6000,
        parallel: 4,
        endedAt: 1_700_000_010_000,
        facts: journalFacts(journal),
      }),
    );
    expect(report.body).toContain('| quota utilisation (agent time ÷ (wall time × parallel 4)) | 50% |');
    expect(report.body).toContain('| paused for usage limits (no new story started) | 5.0 s |');
  });

  it('a partial run is a checkpoint that says what is missing and where failed work is kept', () => {
    const report = buildRunReport(
      input({
        stories: [
          story('A'),
          story('B', { status: 'failed', mergeSha: undefined, reason: 'max_turns: gave up\nmore' }),
          story('C', { status: 'blocked', mergeSha: undefined, attempts: 0, agentMs: 0, blockedBy: ['B'] }),
        ],
        deletedBranches: ['A'],
      }),
    );
    expect(report.title).toBe('Checkpoint: Add rate limiting');
    expect(report.body).toContain('## What is missing');
    expect(report.body).toContain(
      '**B** story B: failed — max_turns: gave up. Its work is kept on `baro-stories/r1/B`.',
    );
    expect(report.body).toContain('**C** story C: not started, blocked by B.');
    expect(report.body).toContain('Failed stories keep their branches: `baro-stories/r1/B`.');
  });

  it('every story merged but the final gate failed: a checkpoint that names the failing checks', () => {
    const check = (command: string, status: string) => ({ command, status, exitCode: 1, durationMs: 1, tail: '' });
    const final = (status: string, results: object[]) => ({
      type: 'verify.completed',
      scope: 'final',
      status,
      results,
    });
    const journal = [
      final('passed', [check('make test', 'passed')]),
      final('failed', [check('make test', 'failed'), check('make lint', 'passed')]),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const report = buildRunReport(input({ facts: journalFacts(journal), rebased: true }));
    expect(report.title).toBe('Checkpoint: Add rate limiting');
    expect(report.body).toContain('## What is missing');
    expect(report.body).toContain('- The final gate failed: `make test`.');
    expect(report.body).toContain('- Final gate: **failed** — `make test` failed, `make lint` passed');
    expect(report.body).toContain('The final gate ran again on the rebased branch');
    const passing = buildRunReport(input({ facts: journalFacts(JSON.stringify(final('passed', []))) }));
    expect(passing.title).toBe('Add rate limiting');
    expect(passing.body).not.toContain('## What is missing');
  });

  it('lists the replans level by level: who decided what about which failure, and the ones not made', () => {
    const view = (id: string, status: string) => ({ id, title: id, dependsOn: [], status });
    const journal = [
      {
        type: 'replan.applied',
        level: 1,
        cause: { kind: 'story', storyId: 'B', reason: 'max_turns' },
        action: 'split',
        by: 'surgeon',
        reason: 'B is two changes',
        before: [view('A', 'merged'), view('B', 'failed')],
        after: [view('A', 'merged'), view('B', 'replaced'), view('B1', 'pending'), view('B2', 'pending')],
        levels: [['B1', 'B2']],
        budgetLeft: 2,
      },
      {
        type: 'replan.applied',
        level: 2,
        cause: { kind: 'story', storyId: 'C', reason: 'max_turns' },
        action: 'drop',
        by: 'policy',
        reason: 'the Surgeon could not answer',
        before: [view('C', 'failed'), view('D', 'pending')],
        after: [view('C', 'failed'), view('D', 'blocked')],
        levels: [],
        budgetLeft: 1,
      },
      { type: 'replan.skipped', level: 2, cause: { kind: 'gate', commands: ['make test'] }, reason: 'budget spent' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const body = buildRunReport(input({ facts: journalFacts(journal) })).body;
    expect(body).toContain(
      [
        '## Replans',
        '',
        '- Level 2, by the Surgeon: **B** was split into B1, B2 — B is two changes',
        '- Level 3, by the fixed policy: **C** was dropped, leaving D blocked — the Surgeon could not answer',
        '- Level 3: no replan for the integration gate (`make test`) — budget spent',
      ].join('\n'),
    );
    expect(buildRunReport(input()).body).not.toContain('## Replans');
  });

  it('reports collisions, conflicts, denials and what the Librarian shared, from the journal', () => {
    const journal = [
      { type: 'collision.warning', path: 'src/a.ts', stories: ['A', 'B'], source: 'edit' },
      { type: 'story.conflict', storyId: 'B', files: ['src/a.ts'], round: 1 },
      { type: 'story.denied', storyId: 'A', tool: 'Bash', message: 'npm publish is not allowed' },
      { type: 'knowledge.added', storyId: 'A', fact: { kind: 'file', key: 'README.md', summary: 'README.md: 1 line' } },
      { type: 'story.merged', storyId: 'A', sha: 'x', files: [] },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const report = buildRunReport(input({ facts: journalFacts(`${journal}\n{"cut short`) }));
    expect(report.body).toContain('- `src/a.ts`: A and B both edited it');
    expect(report.body).toContain('- B conflicted with the integration branch; its own session resolved it (1 round)');
    expect(report.body).toContain('- A was denied Bash: npm publish is not allowed');
    expect(report.body).toContain("1 fact gathered from the agents' tool calls (file: 1)");
    expect(report.body).toContain('- README.md: 1 line (from A)');
  });

  it('does not claim a conflict was resolved when its story failed or the run stopped before it merged', () => {
    const journal = [
      { type: 'story.conflict', storyId: 'B', files: ['src/a.ts'], round: 3 },
      { type: 'story.conflict', storyId: 'C', files: ['src/c.ts'], round: 1 },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const stories = [story('A'), story('B', { status: 'failed', reason: 'merge conflict not resolved' })];
    const report = buildRunReport(
      input({ stories: [...stories, story('C', { status: 'pending' })], facts: journalFacts(journal) }),
    );
    expect(report.body).toContain(
      '- B conflicted with the integration branch; its own session could not resolve it in 3 rounds',
    );
    expect(report.body).toContain('- C conflicted with the integration branch; the run ended before it was resolved');
    expect(report.body).not.toContain('resolved it');
  });

  it("lists the final gate, the gates between levels and the Critic's review rounds from the journal", () => {
    const check = (command: string, status: string) => ({ command, status, exitCode: 0, durationMs: 1, tail: '' });
    const journal = [
      {
        type: 'verify.completed',
        scope: 'story',
        storyId: 'A',
        round: 1,
        status: 'passed',
        results: [check('make test', 'passed')],
      },
      {
        type: 'story.verdict',
        storyId: 'A',
        round: 1,
        verdict: 'fail',
        reasons: ['no test for refill'],
        unmetCriteria: [],
      },
      { type: 'story.verdict', storyId: 'A', round: 2, verdict: 'pass', reasons: ['done'], unmetCriteria: [] },
      {
        type: 'verify.completed',
        scope: 'integration',
        level: 0,
        status: 'failed',
        results: [check('make test', 'failed'), check('cargo test', 'notRun')],
      },
      { type: 'verify.completed', scope: 'final', status: 'passed', results: [check('make test', 'passed')] },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const report = buildRunReport(input({ facts: journalFacts(journal) }));
    expect(report.body).toContain('- Final gate: **passed** — `make test` passed');
    expect(report.body).toContain('- After level 1: failed — `make test` failed, `cargo test` not run (tool missing)');
    const unprepared = {
      type: 'verify.completed',
      scope: 'final',
      status: 'skipped',
      results: [
        { ...check('make test', 'notRun'), tail: 'worktree setup command `npm ci` exited with code 1:\nnpm error' },
      ],
    };
    const whyNot = buildRunReport(input({ facts: journalFacts(`${journal}\n${JSON.stringify(unprepared)}`) }));
    expect(whyNot.body).toContain(
      '- Final gate: **skipped** — `make test` not run (worktree setup command `npm ci` exited with code 1)',
    );
    expect(report.body).toContain('| A | story A | merged | 1 | pass (round 2) |');
    expect(report.body).toContain('- A, round 1: no test for refill');
    expect(report.body).not.toContain('No checks ran');
  });

  it('counts the live messages said to running agents, their delivery latency and those kept for later', () => {
    const journal = [
      { type: 'message.sent', storyId: 'A', from: 'sentry', kind: 'collision', uuid: 'u1' },
      { type: 'message.sent', storyId: 'B', from: 'sentry', kind: 'collision', uuid: 'u2' },
      { type: 'message.sent', storyId: 'B', from: 'librarian', kind: 'merged', uuid: 'u3' },
      { type: 'message.delivered', storyId: 'A', uuid: 'u1', latencyMs: 40 },
      { type: 'message.delivered', storyId: 'B', uuid: 'u2', latencyMs: 60 },
      { type: 'message.delivered', storyId: 'B', uuid: 'u3', latencyMs: 900 },
      { type: 'message.withheld', storyId: 'B', from: 'librarian', kind: 'merged' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const body = buildRunReport(input({ facts: journalFacts(journal) })).body;
    expect(body).toContain('## Live messages');
    expect(body).toContain('| 3 to 2 stories | 3 | 1 |');
    expect(body).toContain(
      'Sentry (collision): 2, Librarian (merged): 1; delivery latency median 60 ms, slowest 900 ms.',
    );
    expect(buildRunReport(input({ facts: journalFacts('') })).body).toContain(
      'None: no running story touched what another one did.',
    );
  });

  it('says when the branch continued an earlier run, was rebased before the push, or could not be pushed', () => {
    const report = buildRunReport(
      input({
        continuedFrom: 'abcdef0123456789',
        earlierRuns: [
          { runId: 'r0', startedAt: '2026-12-01T06:43:16.000Z', status: 'succeeded', merged: ['X', 'Y'], stories: 2 },
        ],
        rebased: true,
        pushError: 'rejected',
        deletedBranches: undefined,
      }),
    );
    expect(report.body).toContain('## Earlier runs on this branch');
    expect(report.body).toContain('- `r0` (2026-12-01 06:43 UTC, succeeded): 2 of 2 stories merged — X, Y');
    expect(report.body).toContain('(continuing it from abcdef01)');
    expect(report.body).toContain('rebased onto it before the push');
    expect(report.body).toContain('The push failed');
    expect(report.body).toContain('Story branches are kept (3 merged).');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [12_340, '12.3 s'],
    [245_000, '4 min 05 s'],
    [3_720_000, '1 h 02 min'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('writeReport', () => {
  afterAll(removeTempDirs);

  it('a run with known fake durations: wall from the start to the report, agent time summed, report.md = the PR body', async () => {
    const dir = await makeTempDir('baro-report-');
    const result = (id: string, agentMs: number): StoryResult => ({
      storyId: id,
      status: 'merged',
      attempts: 1,
      agentMs,
      costUsd: 0.5,
      inputTokens: 0,
      outputTokens: 0,
      files: [],
      sha: `sha-${id}`,
      denials: [],
    });
    const outcome: ConductorOutput = {
      stories: [],
      status: { A: 'merged', B: 'merged' },
      results: { A: result('A', 30_000), B: result('B', 20_000) },
    };
    const report = await writeReport(
      {
        runId: 'r1',
        goal: 'Known durations',
        base: 'main',
        earlierRuns: async () => [],
        startedAt: 1_000_000,
        planMs: () => 4000,
        paths: { reportMd: join(dir, 'report.md'), eventsJsonl: join(dir, 'events.jsonl') },
        storyBranch: (id) => `baro-stories/r1/${id}`,
        parallel: 2,
        now: () => 1_025_000,
      },
      {
        branch: 'baro/known',
        continuedFrom: undefined,
        plan: {
          stories: ['A', 'B'].map((id) => ({ id, title: id, description: id, dependsOn: [], acceptance: ['x'] })),
          levels: [['A', 'B']],
        },
        outcome,
        pushed: true,
        rebased: false,
        pushError: undefined,
        deletedBranches: ['A', 'B'],
      },
    );
    expect(report.timing).toEqual({ wallMs: 25_000, planMs: 4000, agentMsTotal: 50_000 });
    expect(report.body).toContain('| speedup (agent time ÷ wall time) | 2.00× |');
    expect(await readFile(report.path, 'utf8')).toBe(`# Known durations\n\n${report.body}`);
  });
});
