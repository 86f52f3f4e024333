// `baro run` with an integration gate that fails after a level: the Surgeon's fix story runs, the gate goes green.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { runCommand } from '../../cli/commands/run.js';
import type { RunIo } from '../../cli/commands/run.js';
import { parseRunOptions } from '../../cli/options.js';
import type { conductorMachine } from '../../machines/conductor.js';
import type { IntegrationGateOutput } from '../../machines/types.js';
import { planOf } from '../e2e/helpers.js';
import { readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

const BRANCH = 'baro/gate-demo';
const CHECK = `git show ${BRANCH}:fixed.txt`;

/** A scripted Auditor: the integration branch passes once it has fixed.txt. */
function gateOn(repo: string, levels: number[]) {
  return fromPromise<IntegrationGateOutput, { level: number }>(async ({ input }) => {
    levels.push(input.level);
    const shown = await execa('git', ['show', `${BRANCH}:fixed.txt`], { cwd: repo, reject: false });
    const status = shown.exitCode === 0 ? 'passed' : 'failed';
    return {
      status,
      results: [{ command: CHECK, status, exitCode: shown.exitCode ?? null, durationMs: 5, tail: shown.stderr }],
    };
  });
}

function withGate(gate: ReturnType<typeof gateOn>): NonNullable<RunIo['adaptTree']> {
  return (tree) => {
    const conductor = tree.implementations.actors['conductor'] as typeof conductorMachine;
    return tree.provide({ actors: { conductor: conductor.provide({ actors: { integrationGate: gate } }) } });
  };
}

const fix = {
  id: 'fix-gate',
  title: 'Add fixed.txt',
  description: 'The integration check needs fixed.txt at the root.',
  dependsOn: [],
  acceptance: [`\`${CHECK}\` exits 0`],
};

describe('baro run with a failing integration gate', () => {
  it('has the Surgeon add a fix story that runs in the next level, and ends succeeded once the gate is green', async () => {
    const repo = await makeTempRepo();
    const dir = dirname(repo);
    const planPath = join(dir, 'plan.json');
    await writeFile(planPath, JSON.stringify(planOf('Gate demo', [{ id: 'A' }, { id: 'B' }])));
    const scripts: FakeScript[] = [
      {
        match: { role: 'surgeon' },
        result: {
          type: 'success',
          structuredOutput: { action: 'fix', reason: 'fixed.txt is missing', stories: [fix] },
        },
      },
      { match: { storyId: 'fix-gate' }, steps: [{ write: 'fixed.txt', content: 'fixed\n' }] },
      { steps: [{ bash: 'echo "$BARO_STORY_ID" > "$BARO_STORY_ID.txt"' }] },
    ];
    const fake = setupFakeClaude(dir, { scripts });
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const levels: number[] = [];
    const exitCode = await runCommand(
      undefined,
      parseRunOptions({ plan: planPath, json: true, push: false, yes: true }),
      {
        cwd: repo,
        env: { ...process.env, ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') },
        out,
        stopRequested: new Promise<void>(() => undefined),
        adaptTree: withGate(gateOn(repo, levels)),
      },
    );
    const events = lines
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(exitCode).toBe(0);
    expect(levels).toEqual([0, 1]);
    expect(events.filter((e) => e['type'] === 'level.started').map((e) => e['stories'])).toEqual([
      ['A', 'B'],
      ['fix-gate'],
    ]);
    expect(events.find((e) => e['type'] === 'replan.applied')).toMatchObject({
      cause: { kind: 'gate', commands: [CHECK] },
      action: 'fix',
      by: 'surgeon',
      levels: [['fix-gate']],
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run.completed',
      status: 'succeeded',
      stories: [
        expect.objectContaining({ id: 'A', status: 'merged' }),
        expect.objectContaining({ id: 'B', status: 'merged' }),
        expect.objectContaining({ id: 'fix-gate', status: 'merged' }),
      ],
    });
    expect(await git(repo, 'show', `${BRANCH}:fixed.txt`)).toBe('fixed');
    const surgeon = readInvocations(fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'surgeon');
    expect(surgeon).toHaveLength(1);
    expect(surgeon[0]?.env.BARO_STORY_ID).toBeUndefined();
    expect(surgeon[0]?.cwd).toMatch(/worktrees\/.*\/integration$/);
  });
});
