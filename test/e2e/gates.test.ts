// The quality gates end to end: the Auditor's evidence, the Critic's verdicts and feedback turns, with real git.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { agentInvocations, argValue, promptOf, readInvocations } from '../fake-claude/scenario.js';
import type { FakeInvocation, FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

const verdict = (storyId: string, call: number, pass: boolean, reason = 'looks right'): FakeScript => ({
  match: { role: 'critic', storyId, call },
  result: {
    type: 'success',
    structuredOutput: {
      verdict: pass ? 'pass' : 'fail',
      reasons: [reason],
      unmetCriteria: pass ? [] : [`${storyId} is done`],
    },
  },
});

const write = (storyId: string, path: string, content: string, resume?: boolean): FakeScript => ({
  match: resume === undefined ? { storyId } : { storyId, resume },
  steps: [{ write: path, content }],
});

const ofStory = (invocations: readonly FakeInvocation[], storyId: string, role = 'story') =>
  invocations.filter((inv) => inv.env.BARO_STORY_ID === storyId && inv.env.BARO_ROLE === role);

// Each run spawns an agent, a review and the checks per story: more than the default timeout on a loaded machine.
describe('the Critic reviews every story before it merges', { timeout: 120_000 }, () => {
  it('sends a failing verdict back to the same session once, then merges; a story that passes gets one turn', async () => {
    const repo = await makeTempRepo();
    const scripts = [
      verdict('A', 1, false, 'src/A.txt is still a draft'),
      verdict('A', 2, true),
      write('A', 'src/A.txt', 'A final\n', true),
      write('A', 'src/A.txt', 'A draft\n'),
      write('B', 'src/B.txt', 'B\n'),
    ];
    const run = await runPlan(repo, planOf('Review demo', [{ id: 'A' }, { id: 'B' }]), { scripts });

    expect(run.result.stderr).toBe('');
    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
    expect(
      eventsOf(run.events, 'story.verdict')
        .map((e) => [e.storyId, e.round, e.verdict])
        .sort(),
    ).toEqual([
      ['A', 1, 'fail'],
      ['A', 2, 'pass'],
      ['B', 1, 'pass'],
    ]);
    expect(eventsOf(run.events, 'story.verdict').find((e) => e.verdict === 'fail')).toMatchObject({
      reasons: ['src/A.txt is still a draft'],
      unmetCriteria: ['A is done'],
    });

    const invocations = readInvocations(run.fake.logPath);
    const [first, feedback, ...more] = ofStory(invocations, 'A');
    expect(more).toEqual([]);
    expect(argValue(feedback!, '--resume')).toBe(first?.sessionId);
    expect(promptOf(feedback!)).toContain('src/A.txt is still a draft');
    expect(ofStory(invocations, 'B')).toHaveLength(1);
    expect(
      eventsOf(run.events, 'story.started')
        .filter((e) => e.storyId === 'A')
        .map((e) => e.purpose),
    ).toEqual(['story', 'feedback']);
    expect(eventsOf(run.events, 'story.committed').filter((e) => e.storyId === 'A')).toHaveLength(2);
    expect(await git(repo, 'show', 'baro/review-demo:src/A.txt')).toBe('A final');

    const critics = invocations.filter((inv) => inv.env.BARO_ROLE === 'critic');
    expect(critics).toHaveLength(3);
    for (const critic of critics) {
      expect(argValue(critic, '--model')).toBe('haiku');
      expect(argValue(critic, '--tools')).toBe('');
      expect(argValue(critic, '--json-schema')).toContain('unmetCriteria');
      expect(critic.argv).not.toContain('--resume');
    }
    const firstReview = ofStory(invocations, 'A', 'critic')[0];
    expect(promptOf(firstReview!)).toContain('A is done');
    expect(promptOf(firstReview!)).toContain('+A draft');
  });

  it("puts a failing check's command and output in the Critic's input and the feedback turn", async () => {
    const repo = await makeTempRepo({
      files: {
        'README.md': '# checked\n',
        'check.sh':
          'if [ -f src/fixed.txt ]; then echo all good; else echo "CHECK-TAIL: src/fixed.txt missing"; exit 3; fi\n',
        'baro.config.json': JSON.stringify({
          verify: { commands: ['sh check.sh'] },
          agent: { allowedTools: ['Bash(echo:*)'] },
        }),
      },
    });
    const scripts = [
      verdict('A', 1, false, 'the check fails'),
      verdict('A', 2, true),
      write('A', 'src/fixed.txt', 'fixed\n', true),
      write('A', 'src/A.txt', 'A\n'),
    ];
    const run = await runPlan(repo, planOf('Evidence demo', [{ id: 'A' }]), { scripts });

    expect(run.result.exitCode).toBe(0);
    const checks = eventsOf(run.events, 'verify.completed');
    expect(checks.filter((e) => e.scope === 'story').map((e) => [e.round, e.status])).toEqual([
      [1, 'failed'],
      [2, 'passed'],
    ]);
    expect(checks.find((e) => e.scope === 'story')).toMatchObject({
      results: [{ command: 'sh check.sh', status: 'failed', exitCode: 3, tail: 'CHECK-TAIL: src/fixed.txt missing' }],
    });
    expect(checks.filter((e) => e.scope === 'integration')).toMatchObject([{ level: 0, status: 'passed' }]);

    const invocations = readInvocations(run.fake.logPath);
    const review = promptOf(ofStory(invocations, 'A', 'critic')[0]!) ?? '';
    expect(review).toContain('sh check.sh');
    expect(review).toContain('CHECK-TAIL: src/fixed.txt missing');
    const [first, feedback] = ofStory(invocations, 'A');
    expect(promptOf(feedback!)).toContain('CHECK-TAIL: src/fixed.txt missing');
    // Agents may run the configured check themselves, and what agent.allowedTools adds.
    expect(argValue(first!, '--allowedTools')).toContain('Bash(sh check.sh:*)');
    expect(argValue(first!, '--allowedTools')).toContain('Bash(echo:*)');
  });

  it("hands the agent's denied tool calls to the Critic, and names them in run.completed and the report", async () => {
    const repo = await makeTempRepo();
    const scripts: FakeScript[] = [
      {
        match: { storyId: 'A' },
        steps: [
          { deny: 'Bash', command: 'make lint', message: 'This command requires approval' },
          { write: 'src/A.txt', content: 'A\n' },
        ],
      },
    ];
    const run = await runPlan(repo, planOf('Denied', [{ id: 'A' }]), { scripts });

    expect(run.result.exitCode).toBe(0);
    const review = promptOf(ofStory(readInvocations(run.fake.logPath), 'A', 'critic')[0]!) ?? '';
    expect(review).toContain('## Tool calls the agent was denied');
    expect(review).toContain('- Bash(make lint)');
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed?.stories).toMatchObject([{ id: 'A', status: 'merged', denials: ['Bash(make lint)'] }]);
    const report = await readFile(completed?.report as string, 'utf8');
    expect(report).toContain('A was denied Bash(make lint)');
  });

  it('waits for the reset when the Critic hits a usage limit, and merges only after its verdict', async () => {
    const repo = await makeTempRepo();
    const pastReset = Math.floor(Date.now() / 1000) - 3600;
    const scripts: FakeScript[] = [
      { match: { role: 'critic', storyId: 'A', call: 1 }, result: { type: 'usage_limit', resetsAt: pastReset } },
      verdict('A', 2, true),
      write('A', 'src/A.txt', 'A\n'),
    ];
    const run = await runPlan(repo, planOf('Critic quota', [{ id: 'A' }]), { scripts });

    expect(run.result.exitCode).toBe(0);
    const order = run.events.map((e) => e.type);
    expect(order.indexOf('quota.paused')).toBeLessThan(order.indexOf('quota.resumed'));
    expect(order.indexOf('quota.resumed')).toBeLessThan(order.indexOf('story.verdict'));
    expect(order.indexOf('story.verdict')).toBeLessThan(order.indexOf('story.merged'));
    expect(eventsOf(run.events, 'quota.paused')).toMatchObject([{ storyId: 'A' }]);
    expect(ofStory(readInvocations(run.fake.logPath), 'A', 'critic')).toHaveLength(2);
    expect(agentInvocations(run.fake.logPath)).toHaveLength(1);
  });

  it('fails a story the Critic fails in every round (review.maxRounds) and keeps its work on its branch', async () => {
    const repo = await makeTempRepo({
      files: {
        'README.md': '# strict\n',
        // No replan: the story's end is the Critic's to decide (the Surgeon's turn is tested below).
        'baro.config.json': JSON.stringify({ review: { maxRounds: 1 }, replan: { budget: 0 } }),
      },
    });
    const scripts = [
      verdict('A', 1, false, 'wrong file'),
      verdict('A', 2, false, 'still the wrong file'),
      write('A', 'src/A2.txt', 'again\n', true),
      write('A', 'src/A.txt', 'A\n'),
      write('B', 'src/B.txt', 'B\n'),
    ];
    const run = await runPlan(repo, planOf('Strict', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }]), { scripts });

    expect(run.result.exitCode).toBe(1);
    expect(eventsOf(run.events, 'story.failed')).toMatchObject([
      { storyId: 'A', reason: expect.stringContaining('still the wrong file') },
    ]);
    expect(eventsOf(run.events, 'story.merged')).toEqual([]);
    expect(eventsOf(run.events, 'story.blocked')).toMatchObject([{ storyId: 'B', by: ['A'] }]);
    expect(ofStory(readInvocations(run.fake.logPath), 'A')).toHaveLength(2);
    const runId = eventsOf(run.events, 'run.started')[0]?.runId as string;
    expect(await git(repo, 'show', `baro-stories/${runId}/A:src/A2.txt`)).toBe('again');
  });
});

describe('the Surgeon after the Critic', { timeout: 120_000 }, () => {
  it('splits a story the Critic fails in every round into two that run in the next level and merge', async () => {
    const repo = await makeTempRepo();
    const part = (id: string) => ({
      id,
      title: `part ${id}`,
      description: `Do ${id}.`,
      dependsOn: [],
      acceptance: ['x'],
    });
    const split = { action: 'split', reason: 'A is two changes', stories: [part('A1'), part('A2')] };
    const scripts: FakeScript[] = [
      { ...verdict('A', 1, false, 'still the wrong file'), match: { role: 'critic', storyId: 'A' } },
      { match: { storyId: 'A', role: 'surgeon' }, result: { type: 'success', structuredOutput: split } },
      write('A', 'src/A2.txt', 'again\n', true),
      write('A', 'src/A.txt', 'A\n'),
      write('A1', 'src/A1.txt', 'A1\n'),
      write('A2', 'src/A2.txt', 'A2\n'),
    ];
    const run = await runPlan(repo, planOf('Split after review', [{ id: 'A' }]), { scripts });

    expect(run.result.exitCode).toBe(0);
    // review.maxRounds is 2 by default: two feedback turns, three failing verdicts, then the Surgeon.
    expect(
      eventsOf(run.events, 'story.verdict')
        .filter((e) => e.storyId === 'A')
        .map((e) => [e.round, e.verdict]),
    ).toEqual([
      [1, 'fail'],
      [2, 'fail'],
      [3, 'fail'],
    ]);
    expect(ofStory(readInvocations(run.fake.logPath), 'A')).toHaveLength(3);
    expect(eventsOf(run.events, 'level.started').map((e) => e.stories)).toEqual([['A'], ['A1', 'A2']]);
    const applied = eventsOf(run.events, 'replan.applied');
    expect(applied).toMatchObject([{ action: 'split', by: 'surgeon', cause: { kind: 'story', storyId: 'A' } }]);
    expect(applied[0]?.before).toEqual([{ id: 'A', title: 'story A', dependsOn: [], status: 'failed' }]);
    expect(applied[0]?.after).toEqual([
      { id: 'A', title: 'story A', dependsOn: [], status: 'replaced' },
      { id: 'A1', title: 'part A1', dependsOn: [], status: 'pending' },
      { id: 'A2', title: 'part A2', dependsOn: [], status: 'pending' },
    ]);
    const surgeon = readInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'surgeon');
    expect(promptOf(surgeon[0]!)).toContain('still the wrong file');
    expect(
      eventsOf(run.events, 'story.merged')
        .map((e) => e.storyId)
        .sort(),
    ).toEqual(['A1', 'A2']);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
  });
});

describe('the gates on the integration branch', { timeout: 120_000 }, () => {
  it("turns a red gate into the Surgeon's fix story, which runs next and brings it back to green; the run succeeds", async () => {
    // Passes in a story's worktree; on the integration branch only once fixed.txt is there.
    const check = `sh -c 'test -n "$BARO_STORY_ID" || test -f fixed.txt || { echo "GATE-RED"; exit 5; }'`;
    const repo = await makeTempRepo({
      files: { 'README.md': '# gate\n', 'baro.config.json': JSON.stringify({ verify: { commands: [check] } }) },
    });
    const fix = {
      id: 'fix-gate',
      title: 'Add fixed.txt',
      description: 'The integration check needs fixed.txt.',
      dependsOn: [],
      acceptance: ['the check passes on the integration branch'],
    };
    const scripts: FakeScript[] = [
      {
        match: { role: 'surgeon' },
        result: {
          type: 'success',
          structuredOutput: { action: 'fix', reason: 'fixed.txt is missing', stories: [fix] },
        },
      },
      write('fix-gate', 'fixed.txt', 'fixed\n'),
      write('A', 'src/A.txt', 'A\n'),
      write('B', 'src/B.txt', 'B\n'),
    ];
    const run = await runPlan(repo, planOf('Green gate', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }]), { scripts });

    expect(run.result.exitCode).toBe(0);
    const gates = eventsOf(run.events, 'verify.completed').filter((e) => e.scope !== 'story');
    expect(gates.map((e) => [e.scope, e.level, e.status])).toEqual([
      ['integration', 0, 'failed'],
      ['integration', 1, 'passed'],
      ['final', undefined, 'passed'],
    ]);
    expect(gates[0]).toMatchObject({ results: [{ command: check, status: 'failed', exitCode: 5, tail: 'GATE-RED' }] });
    expect(eventsOf(run.events, 'replan.applied')).toMatchObject([
      { action: 'fix', by: 'surgeon', cause: { kind: 'gate', commands: [check] }, levels: [['B', 'fix-gate']] },
    ]);
    const surgeon = readInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'surgeon');
    expect(promptOf(surgeon[0]!)).toContain('GATE-RED');
    expect(eventsOf(run.events, 'level.started').map((e) => e.stories)).toEqual([['A'], ['B', 'fix-gate']]);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({
      status: 'succeeded',
      finalGate: { status: 'passed', failed: [], notRun: [] },
    });
    expect(await git(repo, 'show', 'baro/green-gate:fixed.txt')).toBe('fixed');
  });

  it('sends a failed gate to the Surgeon; a branch still red at the end makes the run partial, naming the command', async () => {
    const repo = await makeTempRepo();
    // Passes in a story's worktree, fails on the integration branch: no fix story can turn this gate green.
    const check = `sh -c 'test -n "$BARO_STORY_ID" || { echo "GATE-TAIL"; exit 4; }'`;
    const config = { verify: { commands: [check] }, replan: { budget: 1 } };
    await writeFiles(repo, { 'baro.config.json': JSON.stringify(config) });
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'config');
    const fix = {
      id: 'fix-gate',
      title: 'Fix the gate',
      description: 'Make it pass.',
      dependsOn: [],
      acceptance: ['ok'],
    };
    const scripts: FakeScript[] = [
      {
        match: { role: 'surgeon' },
        result: { type: 'success', structuredOutput: { action: 'fix', reason: 'red', stories: [fix] } },
      },
      write('fix-gate', 'src/fix.txt', 'fix\n'),
      write('A', 'src/A.txt', 'A\n'),
    ];
    const run = await runPlan(repo, planOf('Final gate', [{ id: 'A' }]), { scripts });

    expect(run.result.exitCode).toBe(1);
    const gates = eventsOf(run.events, 'verify.completed').map((e) => [e.scope, e.storyId ?? e.level, e.status]);
    expect(gates).toEqual([
      ['story', 'A', 'passed'],
      ['integration', 0, 'failed'],
      ['story', 'fix-gate', 'passed'],
      ['integration', 1, 'failed'],
      ['final', undefined, 'failed'],
    ]);
    expect(eventsOf(run.events, 'replan.applied')).toMatchObject([{ action: 'fix', cause: { kind: 'gate' } }]);
    expect(eventsOf(run.events, 'replan.skipped')).toMatchObject([{ cause: { kind: 'gate', commands: [check] } }]);
    expect(eventsOf(run.events, 'verify.completed').at(-1)).toMatchObject({
      results: [{ command: check, status: 'failed', exitCode: 4, tail: 'GATE-TAIL' }],
    });
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed).toMatchObject({
      status: 'partial',
      finalGate: { status: 'failed', failed: [check], notRun: [] },
    });
    expect(eventsOf(run.events, 'story.merged').map((e) => e.storyId)).toEqual(['A', 'fix-gate']);
    const report = await readFile(completed?.report as string, 'utf8');
    expect(report).toContain('- Final gate: **failed**');
  });

  it('reports a check whose tool is missing as not run, never as a pass or a failure', async () => {
    const repo = await makeTempRepo({
      files: {
        'README.md': '# x\n',
        'baro.config.json': JSON.stringify({ verify: { commands: ['baro-no-such-tool --check'] } }),
      },
    });
    const run = await runPlan(repo, planOf('Missing tool', [{ id: 'A' }]), {
      scripts: [write('A', 'src/A.txt', 'A\n')],
    });

    expect(run.result.exitCode).toBe(0);
    for (const gate of eventsOf(run.events, 'verify.completed')) {
      expect(gate).toMatchObject({
        status: 'skipped',
        results: [
          { command: 'baro-no-such-tool --check', status: 'notRun', tail: expect.stringContaining('not installed') },
        ],
      });
    }
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({
      status: 'succeeded',
      finalGate: { status: 'skipped', notRun: ['baro-no-such-tool --check'] },
    });
    const review = promptOf(ofStory(readInvocations(run.fake.logPath), 'A', 'critic')[0]!) ?? '';
    expect(review).toContain('NOT RUN: `baro-no-such-tool --check`');
  });
});
