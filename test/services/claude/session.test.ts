import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../../services/claude/events.js';
import { runSession } from '../../../services/claude/session.js';
import type { SessionOptions } from '../../../services/claude/session.js';
import { readInvocations, setupFakeClaude } from '../../fake-claude/scenario.js';
import type { FakeClaudeSetup, FakeScenario } from '../../fake-claude/scenario.js';

const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(BARO_|ANTHROPIC_|CLAUDE_CODE_)/.test(name)),
);

let dir: string;
let work: string;
let fake: FakeClaudeSetup;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-'));
  work = join(dir, 'worktree');
  mkdirSync(work);
  writeFileSync(join(work, 'math.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function options(scenario: FakeScenario, overrides: Partial<SessionOptions> = {}): SessionOptions {
  fake = setupFakeClaude(dir, scenario);
  return {
    bin: fake.bin,
    cwd: work,
    prompt: 'Fix add',
    model: 'sonnet',
    sessionId: randomUUID(),
    role: 'story',
    runId: 'run-1',
    storyId: 'S1',
    permissionMode: 'acceptEdits',
    baseEnv: { ...inherited, ...fake.env, ANTHROPIC_API_KEY: 'sk-must-not-leak' },
    ...overrides,
  };
}

function alive(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}

/** True once neither the process nor anything of its group is left (polled: the kernel reaps asynchronously). */
async function goneWithGroup(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i += 1) {
    if (!alive(pid) && !alive(-pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

describe('runSession against the fake claude', () => {
  it('streams typed events and ends ok with the cost of the result', async () => {
    const steps = [
      { say: 'Reading.' },
      { read: 'math.js' },
      { edit: 'math.js', old: 'a - b', new: 'a + b' },
      { bash: 'echo tested' },
      { say: 'Fixed.' },
    ];
    const events: AgentEvent[] = [];
    const opts = options(
      { scripts: [{ steps, costUsd: 0.42 }] },
      { onEvent: (event) => events.push(event), rawLogPath: join(dir, 'raw', 'attempt-1.jsonl') },
    );
    const result = await runSession(opts);
    expect(result).toMatchObject({
      outcome: { kind: 'ok' },
      sessionId: opts.sessionId,
      costUsd: 0.42,
      numTurns: 4,
      exitCode: 0,
      resultText: 'Fixed.',
      malformedLines: 0,
    });
    expect(readFileSync(join(work, 'math.js'), 'utf8')).toContain('a + b');
    expect(events[0]).toMatchObject({
      type: 'session.started',
      sessionId: opts.sessionId,
      model: 'claude-sonnet-5-5',
      cwd: work,
      permissionMode: 'acceptEdits',
    });
    const calls = events.flatMap((event) => (event.type === 'tool.call' ? [event.call] : []));
    expect(calls.map((call) => [call.kind, call.paths])).toEqual([
      ['read', [join(work, 'math.js')]],
      ['edit', [join(work, 'math.js')]],
      ['bash', []],
    ]);
    expect(
      events.filter((event) => event.type === 'tool.result').map((event) => event.type === 'tool.result' && event.ok),
    ).toEqual([true, true, true]);
    expect(events.at(-1)).toMatchObject({ type: 'result', subtype: 'success', isError: false, text: 'Fixed.' });
    expect(
      readFileSync(join(dir, 'raw', 'attempt-1.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeGreaterThan(8);
  });

  it('keeps every line of an agent that ended before its raw log was open', async () => {
    // A FIFO's open waits for a reader: the log opens only once the agent has exited.
    const rawLogPath = join(dir, 'attempt-1.jsonl');
    execFileSync('mkfifo', [rawLogPath]);
    let pid: number | undefined;
    const result = runSession(
      options({ scripts: [{ steps: [{ say: 'Done.' }] }] }, { rawLogPath, onSpawn: (spawned) => (pid = spawned) }),
    );
    await vi.waitFor(() => expect(pid !== undefined && !alive(pid)).toBe(true), { timeout: 10_000 });
    const logged = readFile(rawLogPath, 'utf8');
    expect(await result).toMatchObject({ outcome: { kind: 'ok' }, resultText: 'Done.' });
    expect((await logged).trim().split('\n').length).toBeGreaterThan(2);
  }, 20_000);

  it('rejects when its raw log cannot be opened, and leaves no agent running', async () => {
    // The log's folder would be under a file: the open fails after the agent started.
    writeFileSync(join(dir, 'raw'), 'not a folder');
    let pid: number | undefined;
    const opts = options(
      { scripts: [{ steps: [{ say: 'working' }] }] },
      { rawLogPath: join(dir, 'raw', 'attempt-1.jsonl'), onSpawn: (spawned) => (pid = spawned) },
    );
    await expect(runSession(opts)).rejects.toThrow(/Could not open the agent log .*attempt-1\.jsonl/);
    expect(pid).toBeDefined();
    expect(await goneWithGroup(pid ?? 0)).toBe(true);
  });

  it('classifies a usage limit with its reset time, a 500 as transient, and max turns', async () => {
    const resetsAt = 1_900_000_000;
    const limited = await runSession(
      options({ scripts: [{ steps: [{ read: 'math.js' }], result: { type: 'usage_limit', resetsAt } }] }),
    );
    expect(limited.outcome).toMatchObject({
      kind: 'usage_limit',
      resetsAt,
      limitKind: 'five_hour',
      text: expect.stringMatching(/^You've hit your 5-hour limit/),
    });
    expect(limited.exitCode).toBe(1);
    const failed = await runSession(options({ scripts: [{ result: { type: 'api_error', status: 500 } }] }));
    expect(failed.outcome).toMatchObject({ kind: 'transient', status: 500 });
    const long = await runSession(
      options({ scripts: [{ steps: [{ bash: 'true' }, { bash: 'true' }, { bash: 'true' }] }] }, { maxTurns: 2 }),
    );
    expect(long.outcome).toMatchObject({ kind: 'max_turns', text: 'Reached maximum number of turns (2)' });
  });

  it('resumes an earlier session under the same id, and reports an unknown one as a startup failure', async () => {
    const scenario: FakeScenario = {
      scripts: [
        { match: { resume: true }, steps: [{ say: 'continued' }] },
        { result: { type: 'usage_limit', resetsAt: 1_900_000_000 } },
      ],
    };
    const first = await runSession(options(scenario));
    expect(first.outcome.kind).toBe('usage_limit');
    const sessionId = first.sessionId ?? 'missing';
    const events: AgentEvent[] = [];
    const resumed = await runSession(
      options(scenario, { sessionId, resume: true, prompt: 'continue', onEvent: (event) => events.push(event) }),
    );
    expect(resumed).toMatchObject({ outcome: { kind: 'ok' }, sessionId, resultText: 'continued' });
    expect(events[0]).toMatchObject({ type: 'session.started', sessionId });
    const unknown = await runSession(options(scenario, { sessionId: randomUUID(), resume: true }));
    expect(unknown.outcome).toMatchObject({
      kind: 'startup_failure',
      text: expect.stringContaining('No conversation found with session ID'),
    });
  });

  it('gives the agent the BARO_* variables and never the API key', async () => {
    await runSession(options({ scripts: [{}] }, { role: 'critic', runId: 'run-7', storyId: 'S3' }));
    const [invocation] = readInvocations(fake.logPath);
    expect(invocation?.env).toEqual({
      BARO_RUN_ID: 'run-7',
      BARO_ROLE: 'critic',
      BARO_STORY_ID: 'S3',
      ANTHROPIC_API_KEY: false,
    });
    expect(invocation?.argv.slice(-2)).toEqual(['--', 'Fix add']);
  });

  it('on abort stops the process and its whole group, and reports killed', async () => {
    const controller = new AbortController();
    let pid: number | undefined;
    const steps = [{ say: 'working' }, { bash: 'sleep 60' }, { sleep: 60_000 }];
    const opts = options(
      { scripts: [{ steps }] },
      {
        signal: controller.signal,
        killGraceMs: 1000,
        onSpawn: (spawned) => {
          pid = spawned;
        },
        onEvent: (event) => {
          if (event.type === 'tool.call') controller.abort();
        },
      },
    );
    const result = await runSession(opts);
    expect(result.outcome.kind).toBe('killed');
    expect(pid).toBeTypeOf('number');
    expect(await goneWithGroup(pid ?? 0)).toBe(true);
    expect(readInvocations(fake.logPath)[0]?.pid).toBe(pid);
  });

  it('reports a process that dies mid-stream as killed', async () => {
    const result = await runSession(options({ scripts: [{ steps: [{ say: 'working' }, { die: 'SIGKILL' }] }] }));
    expect(result.outcome).toMatchObject({ kind: 'killed', signal: 'SIGKILL' });
    expect(result.exitCode).toBeUndefined();
  });

  it('stops an agent silent for longer than idleMs, with its group, as a transient failure', async () => {
    let pid: number | undefined;
    const steps = [{ say: 'working' }, { sleep: 60_000 }];
    const opts = options(
      { scripts: [{ steps }] },
      {
        idleMs: 300,
        killGraceMs: 1000,
        onSpawn: (spawned) => {
          pid = spawned;
        },
      },
    );
    const result = await runSession(opts);
    expect(result.outcome).toMatchObject({ kind: 'transient', status: null });
    expect(result.outcome.kind === 'transient' ? result.outcome.text : '').toContain('printed nothing for');
    expect(await goneWithGroup(pid ?? 0)).toBe(true);
  });

  it('lets an agent that keeps talking run past idleMs', async () => {
    const steps = [{ say: 'one' }, { sleep: 100 }, { say: 'two' }, { sleep: 100 }, { say: 'three' }];
    const result = await runSession(options({ scripts: [{ steps }] }, { idleMs: 60_000 }));
    expect(result.outcome.kind).toBe('ok');
  });
});
