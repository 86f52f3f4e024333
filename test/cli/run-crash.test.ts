// `baro run` when a shared service crashes: the run ends failed, on record, with the reason, and exit 1.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { AnyActorRef, EventObject } from 'xstate';
import { runCommand } from '../../cli/commands/run.js';
import type { RunIo } from '../../cli/commands/run.js';
import { parseRunOptions } from '../../cli/options.js';
import { planOf } from '../e2e/helpers.js';
import { agentInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

interface BriefRequest extends EventObject {
  readonly storyId: string;
  readonly replyTo: AnyActorRef;
}

/** A Librarian that briefs A with nothing, then crashes on B's request. */
const crashingLibrarian = fromCallback<EventObject>(({ receive }) =>
  receive((event) => {
    if (event.type !== 'librarian.brief.request') return;
    const { storyId, replyTo } = event as BriefRequest;
    if (storyId === 'B') throw new Error('the knowledge index is corrupt');
    replyTo.send({ type: 'librarian.brief', storyId, brief: '' });
  }),
);

type AdaptTree = NonNullable<RunIo['adaptTree']>;

async function runWith(adaptTree: AdaptTree) {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Crash demo', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }])));
  const fake = setupFakeClaude(dir, { scripts: [{ steps: [{ write: 'done.txt', content: 'done\n' }] }] });
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const exitCode = await runCommand(
    undefined,
    parseRunOptions({ plan: planPath, json: true, push: false, yes: true }),
    {
      cwd: repo,
      env: { ...process.env, ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') },
      out,
      stopRequested: new Promise<void>(() => undefined),
      adaptTree,
    },
  );
  const events = lines
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; runDir?: string; branch?: string });
  const runDir = events.find((e) => e.type === 'run.started')?.runDir ?? '';
  const record: unknown = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
  return { repo, exitCode, events, record, invocations: agentInvocations(fake.logPath) };
}

describe('baro run with a crashing service', () => {
  it('ends failed when the Librarian crashes, keeping the story merged before it, and exits 1', async () => {
    // A stand-in speaks the Librarian's protocol, not its context: no callback can have the slot's machine type.
    const run = await runWith((tree) => tree.provide({ actors: { librarian: crashingLibrarian as never } }));

    expect(run.exitCode).toBe(1);
    const completed = run.events.at(-1);
    expect(completed).toMatchObject({
      type: 'run.completed',
      status: 'failed',
      error: 'the Librarian crashed: the knowledge index is corrupt',
      // B asked for its brief, which crashed the Librarian: its agent never started.
      stories: [
        { id: 'A', status: 'merged' },
        { id: 'B', status: 'pending', attempts: 0 },
      ],
    });
    expect(run.record).toMatchObject({ status: 'failed', stories: [{ id: 'A', status: 'merged' }, { id: 'B' }] });
    expect(await git(run.repo, 'show', `${completed?.branch ?? ''}:done.txt`)).toBe('done');
    expect(run.invocations.map((inv) => inv.env.BARO_STORY_ID)).toEqual(['A']);
  });
});
