// The Surgeon end to end: real git, the fake claude answering as story agents and as the Surgeon, the real CLI.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentInvocations, argValue, promptOf, readInvocations } from '../fake-claude/scenario.js';
import type { FakeResult, FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

const work = (id: string): FakeScript => ({
  match: { storyId: id, role: 'story' },
  steps: [{ write: `src/${id}.txt`, content: `${id}\n` }],
});
const half = (id: string): FakeScript => ({
  match: { storyId: id, role: 'story', resume: false },
  steps: [{ write: `src/${id}.txt`, content: 'half\n' }],
  result: { type: 'max_turns' },
});
const part = (id: string) => ({
  id,
  title: `part ${id}`,
  description: `Do part ${id} of B.`,
  dependsOn: ['A'],
  acceptance: [`src/${id}.txt exists`],
});

describe('baro run with the Surgeon', () => {
  it('splits a story that fails every attempt into two that run in the next level and merge; the run succeeds', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Split demo', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }, { id: 'C', dependsOn: ['B'] }]);
    const surgeon: FakeScript = {
      match: { storyId: 'B', role: 'surgeon' },
      steps: [{ bash: 'git log --oneline' }],
      result: {
        type: 'success',
        structuredOutput: { action: 'split', reason: 'B is two changes', stories: [part('B1'), part('B2')] },
      },
    };
    const stuck: FakeScript = { ...half('B'), match: { storyId: 'B', role: 'story' } };
    const run = await runPlan(repo, plan, { scripts: [surgeon, stuck, ...['A', 'B1', 'B2', 'C'].map(work)] });

    expect(run.result.stderr).toBe('');
    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'level.started').map((e) => e.stories)).toEqual([['A'], ['B'], ['B1', 'B2'], ['C']]);
    const [applied] = eventsOf(run.events, 'replan.applied');
    expect(applied).toMatchObject({ action: 'split', by: 'surgeon', levels: [['B1', 'B2'], ['C']], budgetLeft: 2 });
    expect(applied?.before).toContainEqual({ id: 'B', title: 'story B', dependsOn: ['A'], status: 'failed' });
    expect(applied?.after).toEqual(
      expect.arrayContaining([
        { id: 'B', title: 'story B', dependsOn: ['A'], status: 'replaced' },
        { id: 'C', title: 'story C', dependsOn: ['B1', 'B2'], status: 'pending' },
        { id: 'B1', title: 'part B1', dependsOn: ['A'], status: 'pending' },
      ]),
    );
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed).toMatchObject({ status: 'succeeded' });
    expect(completed?.stories).toEqual([
      expect.objectContaining({ id: 'A', status: 'merged' }),
      expect.objectContaining({ id: 'B', status: 'replaced' }),
      expect.objectContaining({ id: 'C', status: 'merged' }),
      expect.objectContaining({ id: 'B1', status: 'merged' }),
      expect.objectContaining({ id: 'B2', status: 'merged' }),
    ]);
    for (const id of ['A', 'B1', 'B2', 'C']) expect(await git(repo, 'show', `baro/split-demo:src/${id}.txt`)).toBe(id);
    expect(await readFile(completed?.report as string, 'utf8')).toContain(
      '## Replans\n\n- Level 2, by the Surgeon: **B** was split into B1, B2 — B is two changes',
    );

    const asked = readInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'surgeon');
    expect(asked).toHaveLength(1);
    // In the failed story's worktree: B ran in the one A gave back to the pool.
    expect(asked[0]?.cwd).toMatch(/worktrees\/.*\/A$/);
    expect(argValue(asked[0]!, '--model')).toBe('sonnet');
    expect(argValue(asked[0]!, '--json-schema')).toContain('"action"');
    expect(promptOf(asked[0]!)).toContain('Story B failed');
  });

  it('retries the story once in its own session when the Surgeon cannot answer, and it merges', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Fallback demo', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }]);
    const scripts: FakeScript[] = [
      { match: { role: 'surgeon' }, result: { type: 'auth' } },
      half('B'),
      { match: { storyId: 'B', role: 'story', resume: true }, steps: [{ write: 'src/B.txt', content: 'whole\n' }] },
      work('A'),
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'replan.applied')).toEqual([
      expect.objectContaining({ action: 'retry', by: 'policy', cause: expect.objectContaining({ storyId: 'B' }) }),
    ]);
    const turns = readInvocations(run.fake.logPath).filter(
      (inv) => inv.env.BARO_STORY_ID === 'B' && inv.env.BARO_ROLE !== 'critic',
    );
    expect(turns.map((inv) => inv.env.BARO_ROLE)).toEqual(['story', 'surgeon', 'story']);
    expect(turns[2]?.sessionId).toBe(turns[0]?.sessionId);
    expect(argValue(turns[2]!, '--resume')).toBe(turns[0]?.sessionId);
    expect(promptOf(turns[2]!)).toContain('Surgeon sends it back');
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
    expect(await git(repo, 'show', 'baro/fallback-demo:src/B.txt')).toBe('whole');
  });
});

describe('a story the Surgeon sends back', () => {
  it('goes on in its own worktree and session when they are free, though another worktree was given back later', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Own demo', [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A'] }]);
    // B fails before A merges: A's worktree is the last given back, yet the retried B takes its own.
    const scripts: FakeScript[] = [
      { match: { role: 'surgeon' }, result: { type: 'auth' } },
      { ...half('B'), match: { storyId: 'B', role: 'story', attempt: 1 } },
      { match: { storyId: 'A', role: 'story' }, steps: [{ sleep: 600 }, { write: 'src/A.txt', content: 'A\n' }] },
      ...['B', 'C'].map(work),
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode, run.result.stderr).toBe(0);
    const [first, , guided] = agentInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_STORY_ID === 'B');
    expect(guided?.cwd).toBe(first?.cwd);
    expect(argValue(guided!, '--resume')).toBe(first?.sessionId);
    expect(promptOf(guided!)).toContain('Surgeon sends it back');
  });

  it('starts a new session when its worktree went to another story: its old one is found only from there', async () => {
    const repo = await makeTempRepo();
    // C starts first in level 2 and takes B's worktree, the last given back.
    const plan = planOf('Moved demo', [{ id: 'A' }, { id: 'C', dependsOn: ['A'] }, { id: 'B' }]);
    const scripts: FakeScript[] = [
      { match: { role: 'surgeon' }, result: { type: 'auth' } },
      {
        match: { storyId: 'B', role: 'story', attempt: 1 },
        steps: [{ sleep: 2000 }, { write: 'src/B.txt', content: 'half\n' }],
        result: { type: 'max_turns' },
      },
      ...['A', 'B', 'C'].map(work),
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode, run.result.stderr).toBe(0);
    const turns = agentInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_STORY_ID === 'B');
    expect(turns.map((inv) => inv.env.BARO_ROLE)).toEqual(['story', 'surgeon', 'story']);
    const [first, , guided] = turns;
    const c = agentInvocations(run.fake.logPath).find((inv) => inv.env.BARO_STORY_ID === 'C');
    expect(c?.cwd).toBe(first?.cwd);
    expect(guided?.cwd).not.toBe(first?.cwd);
    expect(argValue(guided!, '--resume')).toBeUndefined();
    expect(guided?.sessionId).not.toBe(first?.sessionId);
    // The whole story again, with the Surgeon's guidance and a word about the work already on its branch.
    expect(promptOf(guided!)).toContain('# Your story: B');
    expect(promptOf(guided!)).toContain('Guidance after an earlier attempt failed');
    expect(await git(repo, 'show', 'baro/moved-demo:src/B.txt')).toBe('B');
  });

  it('retries its new round after a transient failure as a retry, not as a turn baro was stopped in', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Rounds demo', [{ id: 'B' }]);
    // B's invocations: 1-2 its first round (overloaded, then out of turns), 3 the Surgeon, 4-5 its second round.
    const b = (attempt: number, result: FakeResult): FakeScript => ({
      match: { storyId: 'B', attempt },
      steps: [{ write: `src/B-${attempt}.txt`, content: `${attempt}\n` }],
      result,
    });
    const scripts: FakeScript[] = [
      { match: { role: 'surgeon' }, result: { type: 'auth' } },
      b(1, { type: 'api_error', status: 529, retries: 0 }),
      b(2, { type: 'max_turns' }),
      b(4, { type: 'api_error', status: 529, retries: 0 }),
      b(5, { type: 'success' }),
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode, run.result.stderr).toBe(0);
    expect(eventsOf(run.events, 'story.resumed')).toEqual([]);
    const turns = agentInvocations(run.fake.logPath).filter((inv) => inv.env.BARO_STORY_ID === 'B');
    expect(turns.map((inv) => inv.env.BARO_ROLE)).toEqual(['story', 'story', 'surgeon', 'story', 'story']);
    const [, , , guided, retry] = turns;
    expect(promptOf(guided!)).toContain('Surgeon sends it back');
    expect(promptOf(retry!)).toContain('(transient');
    expect(promptOf(retry!)).not.toContain('baro was stopped');
    expect(argValue(retry!, '--resume')).toBe(guided?.sessionId);
    // Every turn of both rounds keeps its own log.
    const started = eventsOf(run.events, 'story.started').map((e) => e['attempt']);
    expect(started).toEqual([1, 2, 3, 4]);
    const runDir = String(eventsOf(run.events, 'run.started')[0]?.['runDir']);
    for (const attempt of started)
      expect(existsSync(join(runDir, 'stories', 'B', `attempt-${attempt}.jsonl`))).toBe(true);
    expect(await git(repo, 'show', 'baro/rounds-demo:src/B-5.txt')).toBe('5');
  });
});
