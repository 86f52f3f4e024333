// Live messages end to end: the Sentry's and the Librarian's news reach running fake-claude sessions through
// stream-json stdin, folded into the running turn (docs/claude-cli.md §9); real git, the real CLI process.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentInvocations, promptOf, readInvocations, readMessages } from '../fake-claude/scenario.js';
import type { FakeClaudeSetup, FakeScript, FakeStep } from '../fake-claude/scenario.js';
import { makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';
import type { E2eRun, ReportedEvent } from './helpers.js';

useGitSandbox();

// Long enough never to end a wait in a working run; a run that lost a message still ends, and fails its assertions.
const WAIT_MS = 60_000;
const LIVE_TIMEOUT = 120_000;

/** Fifty lines; story i changes line 10·i + 1, far enough from the others for git to merge them all cleanly. */
const SHARED = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
const editLine = (n: number): FakeStep => ({ edit: 'shared.txt', old: `line ${n}\n`, new: `line ${n} changed\n` });

const script = (storyId: string, steps: readonly FakeStep[]): FakeScript => ({ match: { storyId }, steps });

/** Each story's live messages as the fake claude received them, by story id. */
function messagesByStory(fake: FakeClaudeSetup): Map<string, ReturnType<typeof readMessages>> {
  const storyOf = new Map(readInvocations(fake.logPath).map((inv) => [inv.pid, inv.env.BARO_STORY_ID ?? '']));
  const out = new Map<string, ReturnType<typeof readMessages>>();
  for (const record of readMessages(fake.logPath)) {
    const id = storyOf.get(record.pid) ?? '';
    out.set(id, [...(out.get(id) ?? []), record]);
  }
  return out;
}

const indexOf = (run: E2eRun, test: (event: ReportedEvent) => boolean) => run.events.findIndex(test);

async function rawLines(run: E2eRun, storyId: string): Promise<{ type: string; subtype?: string; state?: string }[]> {
  const runDir = String(eventsOf(run.events, 'run.started')[0]?.['runDir']);
  const text = await readFile(join(runDir, 'stories', storyId, 'attempt-1.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; subtype?: string; state?: string });
}

describe('live messages into running sessions', () => {
  it(
    'tells two stories editing one file at once, inside their running turns, each before it commits',
    async () => {
      const repo = await makeTempRepo({ files: { 'shared.txt': SHARED } });
      const plan = planOf('Two editors', [{ id: 'A' }, { id: 'B' }]);
      const scripts = [
        script('A', [editLine(1), { awaitMessage: WAIT_MS }, { say: 'A done' }]),
        script('B', [editLine(41), { awaitMessage: WAIT_MS }, { say: 'B done' }]),
      ];
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2']);
      expect(run.result.exitCode, run.result.stderr).toBe(0);

      const sent = eventsOf(run.events, 'message.sent');
      expect(sent.map((e) => [e['storyId'], e['from'], e['kind']]).sort()).toEqual([
        ['A', 'sentry', 'collision'],
        ['B', 'sentry', 'collision'],
      ]);
      const delivered = eventsOf(run.events, 'message.delivered');
      expect(delivered.map((e) => e['uuid']).sort()).toEqual(sent.map((e) => e['uuid']).sort());
      // Each before its own story commits; one story's delivery against the other's commit is a race of two processes.
      for (const { uuid, storyId } of sent.map((e) => ({ uuid: e['uuid'], storyId: e['storyId'] })))
        expect(indexOf(run, (e) => e.type === 'message.delivered' && e['uuid'] === uuid)).toBeLessThan(
          indexOf(run, (e) => e.type === 'story.committed' && e['storyId'] === storyId),
        );

      // Folded into the running turn: one init, one result, the message started before that result.
      for (const id of ['A', 'B']) {
        const lines = await rawLines(run, id);
        expect(lines.filter((l) => l.type === 'system' && l.subtype === 'init')).toHaveLength(1);
        expect(lines.filter((l) => l.type === 'result')).toHaveLength(1);
        const started = lines.findIndex((l) => l.type === 'command_lifecycle' && l.state === 'started');
        expect(started).toBeGreaterThan(-1);
        expect(started).toBeLessThan(lines.findIndex((l) => l.type === 'result'));
      }
      const heard = messagesByStory(run.fake);
      expect(heard.get('A')?.find((m) => m.state === 'started')?.text).toMatch(
        /^baro Sentry: B is editing `shared.txt`/,
      );
      expect(heard.get('B')?.find((m) => m.state === 'started')?.text).toMatch(
        /^baro Sentry: A is editing `shared.txt`/,
      );
      // One session each: the warning was folded in, not given a turn of its own (the Critic's reviews left out).
      expect(agentInvocations(run.fake.logPath)).toHaveLength(2);
    },
    LIVE_TIMEOUT,
  );

  it(
    'tells a running story that read a file that another story changed and merged it, while it still works',
    async () => {
      const repo = await makeTempRepo({ files: { 'lib.txt': 'export 1\n' } });
      const plan = planOf('Reader and writer', [{ id: 'R' }, { id: 'W' }]);
      const scripts = [
        script('R', [{ read: 'lib.txt' }, { awaitMessage: WAIT_MS }, { write: 'r.txt', content: 'r\n' }]),
        script('W', [{ edit: 'lib.txt', old: 'export 1', new: 'export 2' }]),
      ];
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2']);
      expect(run.result.exitCode, run.result.stderr).toBe(0);

      const merged = eventsOf(run.events, 'story.merged').find((e) => e['storyId'] === 'W');
      const sent = eventsOf(run.events, 'message.sent');
      expect(sent.map((e) => [e['storyId'], e['from'], e['kind']])).toEqual([['R', 'librarian', 'merged']]);
      const deliveredAt = indexOf(run, (e) => e.type === 'message.delivered' && e['uuid'] === sent[0]?.['uuid']);
      expect(indexOf(run, (e) => e === merged)).toBeLessThan(deliveredAt);
      expect(deliveredAt).toBeLessThan(indexOf(run, (e) => e.type === 'story.committed' && e['storyId'] === 'R'));
      const text =
        messagesByStory(run.fake)
          .get('R')
          ?.find((m) => m.state === 'started')?.text ?? '';
      const sha = String(merged?.['sha']).slice(0, 8);
      expect(text).toContain(`baro Librarian: W changed \`lib.txt\`, which you used, and merged it as commit ${sha}`);
    },
    LIVE_TIMEOUT,
  );

  it(
    "keeps news that comes during a story's review for the feedback turn the Critic sends it back with",
    async () => {
      const repo = await makeTempRepo({ files: { 'shared.txt': SHARED } });
      const plan = planOf('Feedback news', [{ id: 'R' }, { id: 'W' }]);
      // W edits R's file once R's turn is committed and marks when the Sentry's warning reached it; the Sentry told
      // R at the same moment, so R's first review answers only after that mark.
      const untilRCommitted = 'until git -C ../R log -1 --format=%s | grep -q "^R:"; do sleep 0.05; done';
      const verdict = (pass: boolean) => ({
        type: 'success' as const,
        structuredOutput: { verdict: pass ? 'pass' : 'fail', reasons: ['r.txt'], unmetCriteria: [] },
      });
      const scripts: FakeScript[] = [
        {
          match: { role: 'critic', storyId: 'R', call: 1 },
          steps: [{ bash: 'until [ -f ../W.heard ]; do sleep 0.05; done' }],
          result: verdict(false),
        },
        { match: { role: 'critic', storyId: 'R', call: 2 }, result: verdict(true) },
        script('R', [editLine(1)]),
        script('W', [{ bash: untilRCommitted }, editLine(41), { awaitMessage: WAIT_MS }, { bash: 'touch ../W.heard' }]),
      ];
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2']);
      expect(run.result.exitCode, run.result.stderr).toBe(0);

      expect(eventsOf(run.events, 'message.sent').filter((e) => e['kind'] === 'collision')).toMatchObject([
        { storyId: 'W', from: 'sentry' },
      ]);
      expect(eventsOf(run.events, 'message.withheld')).toContainEqual(
        expect.objectContaining({ storyId: 'R', from: 'sentry', kind: 'collision' }),
      );
      const [first, feedback, ...more] = agentInvocations(run.fake.logPath).filter(
        (inv) => inv.env.BARO_STORY_ID === 'R',
      );
      expect(more).toEqual([]);
      expect(promptOf(first!)).not.toContain('held back');
      const prompt = promptOf(feedback!) ?? '';
      expect(prompt).toContain('## Messages from baro held back while you worked');
      expect(prompt).toContain('- baro Sentry: W is editing `shared.txt` at the same time as you.');
      expect(
        eventsOf(run.events, 'story.started')
          .filter((e) => e['storyId'] === 'R')
          .map((e) => e['purpose']),
      ).toEqual(['story', 'feedback']);
    },
    LIVE_TIMEOUT,
  );

  it(
    'sees a Bash sed -i edit of a shared file as it sees an Edit',
    async () => {
      const repo = await makeTempRepo({ files: { 'shared.txt': SHARED } });
      const plan = planOf('Sed and edit', [{ id: 'E' }, { id: 'S' }]);
      const scripts = [
        script('E', [editLine(1), { awaitMessage: WAIT_MS }]),
        script('S', [{ bash: "sed -i 's/^line 41$/line 41 sed/' shared.txt" }, { awaitMessage: WAIT_MS }]),
      ];
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2']);
      expect(run.result.exitCode, run.result.stderr).toBe(0);

      expect(eventsOf(run.events, 'collision.warning')).toMatchObject([
        { path: 'shared.txt', source: 'edit', stories: expect.arrayContaining(['E', 'S']) },
      ]);
      const sent = eventsOf(run.events, 'message.sent');
      expect(sent.map((e) => [e['storyId'], e['kind']]).sort()).toEqual([
        ['E', 'collision'],
        ['S', 'collision'],
      ]);
      expect(eventsOf(run.events, 'message.delivered')).toHaveLength(2);
      const heard = messagesByStory(run.fake);
      expect(heard.get('E')?.find((m) => m.state === 'started')?.text).toMatch(/^baro Sentry: S is editing/);
    },
    LIVE_TIMEOUT,
  );

  it(
    'says nothing to a story that shares nothing, and holds the budget and de-duplication with five on one file',
    async () => {
      const repo = await makeTempRepo({ files: { 'shared.txt': SHARED, 'other.txt': 'alone\n' } });
      await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ live: { maxMessages: 2 } }));
      const { execa } = await import('execa');
      await execa('git', ['add', 'baro.config.json'], { cwd: repo });
      await execa('git', ['commit', '-qm', 'config'], { cwd: repo });
      // LAST edits first and keeps working until the four others merged: a collision and four merges are five pieces
      // of news for it, three more than its budget of 2. The others edit only once LAST has, so each hears the Sentry.
      const others = ['S1', 'S2', 'S3', 'S4'];
      const lastEdited = 'until grep -q "^line 41 changed$" ../LAST/shared.txt; do sleep 0.05; done';
      const fourMerged =
        'until [ "$(git show baro/five-on-one-file:shared.txt | grep -c changed)" -ge 4 ]; do sleep 0.05; done';
      const plan = planOf('Five on one file', [...others.map((id) => ({ id })), { id: 'LAST' }, { id: 'LONE' }]);
      const scripts = [
        ...others.map((id, i) =>
          script(id, [{ bash: lastEdited }, editLine(10 * i + 1), { awaitMessage: WAIT_MS }, { say: `${id} done` }]),
        ),
        script('LAST', [editLine(41), { awaitMessage: WAIT_MS }, { bash: fourMerged }, { say: 'LAST done' }]),
        script('LONE', [{ edit: 'other.txt', old: 'alone', new: 'still alone' }]),
      ];
      const run = await runPlan(repo, plan, { scripts }, ['--parallel', '6']);
      expect(run.result.exitCode, run.result.stderr).toBe(0);
      expect(eventsOf(run.events, 'story.merged')).toHaveLength(6);

      const sent = eventsOf(run.events, 'message.sent');
      const withheld = eventsOf(run.events, 'message.withheld');
      expect(sent.filter((e) => e['storyId'] === 'LONE')).toEqual([]);
      expect(withheld.filter((e) => e['storyId'] === 'LONE')).toEqual([]);
      expect(messagesByStory(run.fake).get('LONE')).toBeUndefined();
      for (const id of [...others, 'LAST']) {
        const mine = sent.filter((e) => e['storyId'] === id);
        expect(mine.length).toBeGreaterThan(0);
        expect(mine.length).toBeLessThanOrEqual(2);
        // One collision message per file, however many stories join it.
        expect(mine.filter((e) => e['kind'] === 'collision')).toHaveLength(1);
        const texts = (messagesByStory(run.fake).get(id) ?? []).filter((m) => m.state === 'queued').map((m) => m.text);
        expect(new Set(texts).size).toBe(texts.length);
        for (const text of texts) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
      }
      // LAST heard its budget's worth while it worked; the merges past it were kept for a next prompt.
      expect(sent.filter((e) => e['storyId'] === 'LAST').map((e) => e['kind'])).toEqual(['collision', 'merged']);
      expect(withheld.filter((e) => e['storyId'] === 'LAST').map((e) => e['kind'])).toEqual([
        'merged',
        'merged',
        'merged',
      ]);
    },
    LIVE_TIMEOUT,
  );
});
