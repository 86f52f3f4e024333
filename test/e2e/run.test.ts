// `baro run --plan` end to end: real git, the fake claude, the real CLI process.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentInvocations, maxConcurrent, promptOf } from '../fake-claude/scenario.js';
import type { FakeScript } from '../fake-claude/scenario.js';
import { checkoutFingerprint, git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan, tsOf } from './helpers.js';

useGitSandbox();

const work = (id: string, extra: Partial<FakeScript> = {}): FakeScript => ({
  match: { storyId: id },
  steps: [{ read: 'README.md' }, { sleep: 150 }, { write: `src/${id}.txt`, content: `${id}\n` }],
  ...extra,
});

describe('baro run --plan', () => {
  // Six agents, six reviews and three gates: more processes than the default timeout allows on a loaded machine.
  it(
    'runs a 6-story diamond at --parallel 2 onto baro/<slug> without touching the checkout',
    { timeout: 120_000 },
    async () => {
      const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'notes.txt': 'mine\n' } });
      // A dirty checkout: unstaged, staged, untracked and stashed work that baro must leave exactly as it is.
      await writeFile(join(repo, 'notes.txt'), 'stash me\n');
      await git(repo, 'stash', '--quiet');
      await writeFile(join(repo, 'notes.txt'), 'unstaged edit\n');
      await writeFile(join(repo, 'staged.txt'), 'staged\n');
      await git(repo, 'add', 'staged.txt');
      await writeFile(join(repo, 'untracked.txt'), 'untracked\n');
      const before = await checkoutFingerprint(repo);

      const plan = planOf('Diamond demo', [
        { id: 'A' },
        { id: 'B' },
        { id: 'C', dependsOn: ['A'] },
        { id: 'D', dependsOn: ['A', 'B'] },
        { id: 'E', dependsOn: ['C', 'D'] },
        { id: 'F', dependsOn: ['D'] },
      ]);
      const scripts = ['A', 'B', 'C', 'D', 'E', 'F'].map((id) =>
        // A commits its own work; the others leave it for baro to commit.
        id === 'A'
          ? work(id, {
              steps: [
                { write: 'src/A.txt', content: 'A\n' },
                { sleep: 150 },
                { bash: "git add -A && git commit -qm 'A: story A'" },
              ],
            })
          : work(id),
      );
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2']);

      expect(run.result.stderr).toBe('');
      expect(run.result.exitCode).toBe(0);
      const completed = eventsOf(run.events, 'run.completed')[0];
      expect(completed).toMatchObject({ status: 'succeeded', branch: 'baro/diamond-demo' });
      expect(
        eventsOf(run.events, 'story.merged')
          .map((e) => e.storyId)
          .sort(),
      ).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
      expect(eventsOf(run.events, 'level.started').map((e) => e.stories)).toEqual([
        ['A', 'B'],
        ['C', 'D'],
        ['E', 'F'],
      ]);

      for (const id of ['A', 'B', 'C', 'D', 'E', 'F']) {
        expect(await git(repo, 'show', `baro/diamond-demo:src/${id}.txt`)).toBe(id);
      }
      const merges = (await git(repo, 'log', '--merges', '--format=%s', 'baro/diamond-demo')).split('\n');
      expect(merges).toHaveLength(6);
      expect(await git(repo, 'log', '--format=%s', 'baro/diamond-demo')).toContain('A: story A');

      const invocations = agentInvocations(run.fake.logPath);
      expect(invocations).toHaveLength(6);
      expect(maxConcurrent(invocations)).toBeLessThanOrEqual(2);
      const mergedAt = new Map(eventsOf(run.events, 'story.merged').map((e) => [e.storyId, tsOf(e)]));
      for (const story of plan.stories) {
        const started = invocations.find((inv) => inv.env.BARO_STORY_ID === story.id);
        expect(started?.env).toMatchObject({ BARO_ROLE: 'story', ANTHROPIC_API_KEY: false });
        for (const dep of story.dependsOn)
          expect(started?.startTs).toBeGreaterThanOrEqual(mergedAt.get(dep) ?? Infinity);
      }

      // C starts after A and B: its prompt carries what they learned (B read the README).
      const cInvocation = invocations.find((inv) => inv.env.BARO_STORY_ID === 'C');
      const cPrompt = (cInvocation && promptOf(cInvocation)) ?? '';
      expect(cPrompt).toContain('What other agents already learned');
      expect(cPrompt).toContain('README.md');
      expect(eventsOf(run.events, 'knowledge.added').length).toBeGreaterThan(0);

      expect(await checkoutFingerprint(repo)).toBe(before);
      expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('baro-home');
    },
  );

  it('blocks the dependents of a story that fails for good, merges the rest and exits 1 with partial', async () => {
    const repo = await makeTempRepo();
    // No replan budget: the failure stays (test/e2e/replan.test.ts has the Surgeon's side).
    const config = join(dirname(repo), 'no-replans.json');
    await writeFile(config, JSON.stringify({ replan: { budget: 0 } }));
    const plan = planOf('Partial demo', [
      { id: 'A' },
      { id: 'B' },
      { id: 'C', dependsOn: ['B'] },
      { id: 'D', dependsOn: ['C'] },
    ]);
    const scripts = [
      work('A'),
      {
        match: { storyId: 'B' },
        steps: [{ write: 'src/B.txt', content: 'half\n' }],
        result: { type: 'max_turns' as const },
      },
      work('C'),
      work('D'),
    ];
    const run = await runPlan(repo, plan, { scripts }, ['--config', config]);

    expect(run.result.exitCode).toBe(1);
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed?.status).toBe('partial');
    expect(completed?.stories).toEqual([
      expect.objectContaining({ id: 'A', status: 'merged' }),
      expect.objectContaining({ id: 'B', status: 'failed', reason: expect.stringContaining('max_turns') }),
      expect.objectContaining({ id: 'C', status: 'blocked' }),
      expect.objectContaining({ id: 'D', status: 'blocked' }),
    ]);
    expect(eventsOf(run.events, 'story.blocked').map((e) => e.storyId)).toEqual(['C', 'D']);
    expect(
      agentInvocations(run.fake.logPath)
        .map((inv) => inv.env.BARO_STORY_ID)
        .sort(),
    ).toEqual(['A', 'B']);
    expect(await git(repo, 'show', 'baro/partial-demo:src/A.txt')).toBe('A');
    // The failed story's work is kept on its branch, never deleted.
    const branches = await git(repo, 'branch', '--list', '--format=%(refname:short)');
    const failedBranch = branches.split('\n').find((b) => b.endsWith('/B'));
    expect(failedBranch).toBeDefined();
    expect(await git(repo, 'show', `${failedBranch}:src/B.txt`)).toBe('half');
  });

  it("warns both stories that edit one file and hands the merge conflict back to the second story's own session", async () => {
    const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'shared.txt': 'greeting = hello\n' } });
    const plan = planOf('Collision demo', [
      { id: 'S1', writes: ['shared.txt'] },
      { id: 'S2', writes: ['shared.txt'] },
    ]);
    const resolved = 'greeting = hello from S1 and S2\n';
    const scripts: FakeScript[] = [
      { match: { role: 'resolver' }, steps: [{ read: 'shared.txt' }, { write: 'shared.txt', content: resolved }] },
      // S1 works on long enough that S2's edit (after its own later start, which load can delay) comes while it runs.
      {
        match: { storyId: 'S1' },
        steps: [{ edit: 'shared.txt', old: 'hello', new: 'hello from S1' }, { sleep: 2000 }],
      },
      {
        match: { storyId: 'S2' },
        steps: [{ sleep: 150 }, { edit: 'shared.txt', old: 'hello', new: 'hello from S2' }, { sleep: 400 }],
      },
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'collision.warning').filter((e) => e.source === 'plan')).toEqual([
      expect.objectContaining({ path: 'shared.txt', stories: ['S1', 'S2'] }),
    ]);
    const warning = eventsOf(run.events, 'collision.warning').find((e) => e.source === 'edit');
    expect(warning).toMatchObject({ path: 'shared.txt', source: 'edit' });
    expect([...(warning?.stories as string[])].sort()).toEqual(['S1', 'S2']);
    const conflict = eventsOf(run.events, 'story.conflict')[0];
    expect(conflict).toMatchObject({ files: ['shared.txt'] });
    expect(await git(repo, 'show', 'baro/collision-demo:shared.txt')).toBe(resolved.trim());

    const invocations = agentInvocations(run.fake.logPath);
    const resolver = invocations.find((inv) => inv.env.BARO_ROLE === 'resolver');
    const first = invocations.find(
      (inv) => inv.env.BARO_ROLE === 'story' && inv.env.BARO_STORY_ID === conflict?.storyId,
    );
    expect(resolver?.env.BARO_STORY_ID).toBe(conflict?.storyId);
    expect(resolver?.argv).toContain('--resume');
    expect(resolver?.sessionId).toBe(first?.sessionId);
    const resolverPrompt = (resolver && promptOf(resolver)) ?? '';
    expect(resolverPrompt).toContain('shared.txt');
    // A later turn carries a fresh brief: what the other story did since this one's first prompt.
    expect(resolverPrompt).toContain('## What other agents learned since your last brief');
    const other = conflict?.storyId === 'S1' ? 'S2' : 'S1';
    expect(resolverPrompt).toMatch(new RegExp(`shared\\.txt.*${other}`));
    // The plan's overlapping writes were said in each story's first prompt.
    for (const id of ['S1', 'S2']) {
      const prompt = promptOf(
        invocations.find((inv) => inv.env.BARO_STORY_ID === id && inv.env.BARO_ROLE === 'story')!,
      );
      expect(prompt).toContain('## Collision warnings');
    }
    // The Sentry told both sessions while they worked, so the resolver's prompt does not repeat it.
    const told = eventsOf(run.events, 'message.sent').filter((e) => e['kind'] === 'collision');
    expect(told.map((e) => e['storyId']).sort()).toEqual(['S1', 'S2']);
  });

  it('pauses a story at a usage limit and resumes the same session after the reset', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Quota demo', [{ id: 'Q' }]);
    const pastReset = Math.floor(Date.now() / 1000) - 3600;
    const scripts: FakeScript[] = [
      { match: { storyId: 'Q', resume: true }, steps: [{ write: 'src/Q.txt', content: 'Q\n' }] },
      { match: { storyId: 'Q' }, steps: [{ read: 'README.md' }], result: { type: 'usage_limit', resetsAt: pastReset } },
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'quota.paused')).toHaveLength(1);
    expect(eventsOf(run.events, 'quota.resumed')).toHaveLength(1);
    const [first, second] = agentInvocations(run.fake.logPath);
    expect(second?.argv).toContain('--resume');
    expect(second?.sessionId).toBe(first?.sessionId);
    const runDir = eventsOf(run.events, 'run.started')[0]?.runDir as string;
    const journal = await readFile(join(runDir, 'events.jsonl'), 'utf8');
    expect(journal).toContain('"type":"quota.paused"');
  });

  it('refuses an invalid plan with exit 2 and a message naming the story and the rule', async () => {
    const repo = await makeTempRepo();
    const run = await runPlan(repo, planOf('Bad', [{ id: 'A', dependsOn: ['Z'] }]), { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('A');
    expect(run.result.stderr).toContain('Z');
    expect(agentInvocations(run.fake.logPath)).toHaveLength(0);
  });
});
