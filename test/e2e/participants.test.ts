// Participants through the real CLI: modules written the way a user would, loaded from baro.config.json, with the
// fake claude and real git; the shipped webhook and command participants against a loopback server and a shell.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessages } from '../fake-claude/scenario.js';
import type { FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

const work = (id: string): FakeScript => ({
  match: { storyId: id },
  steps: [{ sleep: 100 }, { write: `src/${id}.txt`, content: `${id}\n` }],
});

/** A repository with the participant modules (file name → source) and the config listing `participants`. */
async function repoWith(modules: Record<string, string>, participants: unknown[], config = {}): Promise<string> {
  const repo = await makeTempRepo();
  for (const [file, source] of Object.entries(modules)) await writeFile(join(repo, file), source);
  await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ participants, ...config }));
  return repo;
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('participants', () => {
  it('delivers run.started, each story.merged and run.completed in order, and its note reaches the report', async () => {
    const repo = await repoWith(
      {
        // Sent every event: what it sees is the journal's events, never a file's contents, and no token counts.
        'watcher.mjs': `import { appendFileSync } from 'node:fs';
export default {
  name: 'watcher',
  onEvent(event) {
    appendFileSync(process.env.WATCHER_LOG, JSON.stringify(event) + '\\n');
  },
};
`,
        'recorder.mjs': `import { appendFileSync } from 'node:fs';
export default {
  name: 'recorder',
  events: ['run.started', 'story.merged', 'run.completed'],
  async onEvent(event, baro) {
    appendFileSync(process.env.PARTICIPANT_LOG, JSON.stringify(event) + '\\n');
    if (event.type === 'story.merged') baro.note('recorder saw ' + event.storyId + ' merge');
  },
};
`,
      },
      ['./recorder.mjs', './watcher.mjs'],
    );
    const log = join(dirname(repo), 'participant.jsonl');
    const watched = join(dirname(repo), 'watcher.jsonl');
    const plan = planOf('Recorded', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }]);
    const secretive: FakeScript = {
      match: { storyId: 'A' },
      steps: [
        { write: 'src/A.txt', content: 'SECRET-CONTENT-OF-A\n' },
        { read: 'src/A.txt' },
        { bash: 'cat src/A.txt' },
      ],
    };
    const run = await runPlan(repo, plan, { scripts: [secretive, work('B')] }, [], {
      env: { PARTICIPANT_LOG: log, WATCHER_LOG: watched },
    });

    expect(run.result.exitCode).toBe(0);
    const seen = lines(log);
    expect(seen.map((e) => [e.type, e.storyId])).toEqual([
      ['run.started', undefined],
      ['story.merged', 'A'],
      ['story.merged', 'B'],
      ['run.completed', undefined],
    ]);
    // The same objects --json prints, time included.
    expect(seen[0]).toEqual(eventsOf(run.events, 'run.started')[0]);
    expect(seen[3]).toMatchObject({ status: 'succeeded', branch: 'baro/recorded' });
    const notes = eventsOf(run.events, 'participant.note');
    expect(notes.map((n) => n.text)).toEqual(['recorder saw A merge', 'recorder saw B merge']);
    const report = await readFile(String(eventsOf(run.events, 'run.completed')[0]?.report), 'utf8');
    expect(report).toContain('## Notes\n\n- recorder saw A merge (recorder)\n- recorder saw B merge (recorder)');

    // Every event, the same as the journal's from run.started on, with the agent's tool calls but not what they read.
    const all = lines(watched);
    const journal = lines(join(String(eventsOf(run.events, 'run.started')[0]?.runDir), 'events.jsonl'));
    expect(all).toEqual(journal.slice(journal.findIndex((e) => e.type === 'run.started')));
    expect(all.filter((e) => e.type === 'story.tool' && e.storyId === 'A').map((e) => e.name)).toEqual(
      expect.arrayContaining(['Write', 'Read', 'Bash']),
    );
    expect(JSON.stringify(all)).not.toContain('SECRET-CONTENT');
    expect(JSON.stringify(all)).not.toMatch(/tokens"/i);

    // Each participant is an actor of the run, under the Herald, in the record --inspect draws.
    const inspected = lines(join(String(eventsOf(run.events, 'run.started')[0]?.runDir), 'inspect.jsonl'));
    const herald = inspected.find((r) => r.kind === 'actor' && r.id === 'herald');
    const participants = inspected.filter((r) => r.kind === 'actor' && String(r.systemId).startsWith('participant:'));
    expect(participants.map((r) => [r.systemId, r.parent])).toEqual([
      ['participant:recorder', herald?.session],
      ['participant:watcher', herald?.session],
    ]);
  });

  it('a veto keeps a story from merging with the participant reason; a silent one does not stall the merge', async () => {
    const repo = await repoWith(
      {
        'gatekeeper.mjs': `export default {
  name: 'gatekeeper',
  events: ['story.merging'],
  onEvent(event, baro) {
    if (event.storyId === 'B') baro.veto('B', 'B must wait for the release');
  },
};
`,
        'sleeper.mjs': `export default {
  name: 'sleeper',
  events: ['story.merging'],
  onEvent: () => new Promise(() => {}),
};
`,
      },
      ['./gatekeeper.mjs', { module: './sleeper.mjs', timeoutSeconds: 1 }],
      // A vetoed story fails like any other; without replans nobody tries it again.
      { replan: { budget: 0 } },
    );
    const run = await runPlan(repo, planOf('Gated', [{ id: 'A' }, { id: 'B' }]), { scripts: [work('A'), work('B')] });

    expect(run.result.exitCode).toBe(1);
    expect(eventsOf(run.events, 'story.merged').map((e) => e.storyId)).toEqual(['A']);
    expect(eventsOf(run.events, 'story.failed')).toMatchObject([
      { storyId: 'B', reason: 'vetoed by gatekeeper: B must wait for the release' },
    ]);
    expect(eventsOf(run.events, 'participant.failed')).toMatchObject([{ name: 'sleeper' }]);
    expect(String(eventsOf(run.events, 'participant.failed')[0]?.reason)).toContain('did not handle story.merging');
    expect(await git(repo, 'show', 'baro/gated:src/A.txt')).toBe('A');
  });

  it('tells a running story live, into its working session, and pauses and resumes the schedule', async () => {
    const repo = await repoWith(
      {
        'teller.mjs': `export default {
  name: 'teller',
  events: ['story.started', 'story.committed'],
  onEvent(event, baro) {
    if (event.type === 'story.started') {
      baro.tell(event.storyId, 'indent with tabs');
      baro.pause();
    }
    if (event.type === 'story.committed') baro.resume();
  },
};
`,
      },
      ['./teller.mjs'],
    );
    const listening: FakeScript = {
      match: { storyId: 'A' },
      steps: [{ awaitMessage: 60_000 }, { write: 'src/A.txt', content: 'A\n' }],
    };
    const run = await runPlan(repo, planOf('Told', [{ id: 'A' }]), { scripts: [listening] });

    expect(run.result.exitCode, run.result.stderr).toBe(0);
    expect(eventsOf(run.events, 'message.sent')).toMatchObject([{ storyId: 'A', from: 'participant', kind: 'tell' }]);
    expect(readMessages(run.fake.logPath).map((m) => m.text)).toContainEqual(
      expect.stringContaining('From the participant teller: indent with tabs'),
    );
    expect(eventsOf(run.events, 'schedule.paused')).toMatchObject([{ by: 'teller' }]);
    expect(eventsOf(run.events, 'schedule.resumed')).toMatchObject([{ by: 'teller' }]);
  });

  it('stops a participant that throws on its first event, says so, and the run still succeeds', async () => {
    const repo = await repoWith(
      {
        'clumsy.mjs': `export default {
  name: 'clumsy',
  onEvent() {
    throw new Error('boom');
  },
};
`,
      },
      ['./clumsy.mjs'],
    );
    const run = await runPlan(repo, planOf('Clumsy', [{ id: 'A' }]), { scripts: [work('A')] });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'participant.failed')).toMatchObject([{ name: 'clumsy', reason: 'run.started: boom' }]);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a module whose default export is not a participant with exit 2, before anything runs', async () => {
    const repo = await repoWith({ 'broken.mjs': `export default { name: 'Broken Name' };\n` }, ['./broken.mjs']);
    const run = await runPlan(repo, planOf('Broken', [{ id: 'A' }]), { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('participant ./broken.mjs: name:');
    expect(run.result.stderr).toContain('give exactly one of onEvent (a function) and logic');
  });

  it('webhook: POSTs to a loopback server, retries after a 500, signs the body; command: the event on stdin', async () => {
    const received: { body: string; signature: string | undefined; event: string | undefined }[] = [];
    let calls = 0;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        calls += 1;
        const signature = request.headers['x-baro-signature-256'];
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: typeof signature === 'string' ? signature : undefined,
          event: typeof request.headers['x-baro-event'] === 'string' ? request.headers['x-baro-event'] : undefined,
        });
        response.statusCode = calls === 1 ? 500 : 204;
        response.end();
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const repo = await repoWith({}, [
        { module: 'webhook', options: { url, events: ['run.completed'], secretEnv: 'HOOK_SECRET' } },
        { module: 'command', options: { run: 'cat > "$OUT_DIR/$BARO_EVENT.json"', events: ['story.merged'] } },
      ]);
      const out = dirname(repo);
      const run = await runPlan(repo, planOf('Hooked', [{ id: 'A' }]), { scripts: [work('A')] }, [], {
        env: { HOOK_SECRET: 's3cret', OUT_DIR: out },
      });

      expect(run.result.exitCode).toBe(0);
      expect(eventsOf(run.events, 'participant.failed')).toEqual([]);
      expect(received).toHaveLength(2);
      const [first, second] = received;
      expect(second?.body).toBe(first?.body);
      expect(second?.event).toBe('run.completed');
      const expected = `sha256=${createHmac('sha256', 's3cret')
        .update(second?.body ?? '')
        .digest('hex')}`;
      expect(second?.signature).toBe(expected);
      expect(JSON.parse(second?.body ?? '{}')).toEqual(eventsOf(run.events, 'run.completed')[0]);

      const merged = JSON.parse(await readFile(join(out, 'story.merged.json'), 'utf8')) as Record<string, unknown>;
      expect(merged).toEqual(eventsOf(run.events, 'story.merged')[0]);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});
