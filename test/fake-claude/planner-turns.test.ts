// The fake claude answering as the planner: --tools and --json-schema, and scripts per turn of one session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClaudePath, setupFakeClaude } from './scenario.js';
import type { FakeScenario } from './scenario.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-claude-planner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = JSON.stringify({ type: 'object', properties: { goal: { type: 'string' } } });
const STREAM = ['-p', '--output-format', 'stream-json', '--verbose', '--model', 'opus'];

const scenario: FakeScenario = {
  scripts: [
    { match: { role: 'planner', turn: 1 }, result: { type: 'success', structuredOutput: { goal: 'first' } } },
    { match: { role: 'planner', turn: 2 }, result: { type: 'success', structuredOutput: { goal: 'repaired' } } },
    { match: { role: 'planner' }, result: { type: 'success', text: '{"goal":"as text"}' } },
  ],
};

async function turn(session: string[], extra: readonly string[] = [`--json-schema=${SCHEMA}`]) {
  const fake = setupFakeClaude(dir, scenario);
  const child = await execa(
    fakeClaudePath,
    [...STREAM, ...session, '--tools=Read,Grep,Glob,Bash', ...extra, '--', 'plan'],
    {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', ...fake.env, BARO_ROLE: 'planner', BARO_RUN_ID: 'r1' },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
    },
  );
  const lines = child.stdout.split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
  return { init: lines[0], result: lines.at(-1) };
}

describe('fake claude as planner', () => {
  it('answers each turn of one session with its own script, through StructuredOutput with --json-schema', async () => {
    const id = randomUUID();
    const first = await turn(['--session-id', id]);
    expect(first.init).toMatchObject({ tools: ['Bash', 'Glob', 'Grep', 'Read', 'StructuredOutput'] });
    expect(first.result).toMatchObject({ structured_output: { goal: 'first' }, result: '{"goal":"first"}' });

    const repair = await turn(['--resume', id]);
    expect(repair.result).toMatchObject({ session_id: id, structured_output: { goal: 'repaired' } });

    const third = await turn(['--resume', id]);
    expect(third.result).toMatchObject({ result: '{"goal":"as text"}' });
    expect(third.result).not.toHaveProperty('structured_output');
  });

  it('gives the structured output as text only when no --json-schema was passed', async () => {
    const { result } = await turn(['--session-id', randomUUID()], []);
    expect(result).toMatchObject({ result: '{"goal":"first"}' });
    expect(result).not.toHaveProperty('structured_output');
  });
});
