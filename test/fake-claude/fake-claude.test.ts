import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { usageLimitText } from './outcomes.mjs';
import { argValue, fakeClaudePath, maxConcurrent, readInvocations, setupFakeClaude } from './scenario.js';
import type { FakeClaudeSetup, FakeInvocation, FakeScenario } from './scenario.js';

const STREAM = ['-p', '--output-format', 'stream-json', '--verbose', '--model', 'sonnet'];
const TOOLS = '--tools=Bash,Read,Edit,Write,Grep';
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(BARO_|ANTHROPIC_|CLAUDE_CODE_)/.test(name)),
);

const line = z.looseObject({ type: z.string(), subtype: z.string().optional(), session_id: z.string() });
const toolUse = z.object({
  type: z.literal('tool_use'),
  id: z.string().regex(/^toolu_01[A-Za-z0-9]{22}$/),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const assistant = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string(),
    model: z.string(),
    content: z.tuple([z.looseObject({ type: z.string() })]),
  }),
  request_id: z.string().optional(),
});
const toolResult = z.looseObject({
  type: z.literal('user'),
  message: z.object({
    role: z.literal('user'),
    content: z.tuple([
      z.looseObject({
        type: z.literal('tool_result'),
        tool_use_id: z.string(),
        content: z.string(),
        is_error: z.boolean().optional(),
      }),
    ]),
  }),
  tool_use_result: z.unknown(),
});
const result = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean(),
  num_turns: z.number(),
  session_id: z.string(),
  total_cost_usd: z.number(),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }),
  modelUsage: z.record(z.string(), z.looseObject({ costUSD: z.number() })),
  permission_denials: z.array(z.object({ tool_name: z.string(), tool_use_id: z.string(), tool_input: z.unknown() })),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
  terminal_reason: z.string().optional(),
  api_error_status: z.number().nullable().optional(),
  api_error: z.string().optional(),
});
type Line = z.infer<typeof line>;

let dir: string;
let work: string;
let fake: FakeClaudeSetup;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-claude-'));
  work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'math.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(
  scenario: FakeScenario,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
) {
  fake = setupFakeClaude(dir, scenario);
  const subprocess = execa(fakeClaudePath, args, {
    cwd: opts.cwd ?? work,
    env: { ...inherited, TZ: 'UTC', ...fake.env, ...opts.env },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });
  const child = await subprocess;
  const lines: Line[] = child.stdout === '' ? [] : child.stdout.split('\n').map((text) => line.parse(JSON.parse(text)));
  return { ...child, pid: subprocess.pid, lines, last: lines.at(-1) };
}

const toolUsesOf = (lines: readonly Line[]) =>
  lines
    .flatMap((l) => (l.type === 'assistant' ? [assistant.parse(l).message.content[0]] : []))
    .flatMap((block) => (block.type === 'tool_use' ? [toolUse.parse(block)] : []));
const resultsOf = (lines: readonly Line[]) => lines.filter((l) => l.type === 'user').map((l) => toolResult.parse(l));

describe('fake claude: steps and stream', () => {
  it('performs every step for real and reports it like the real CLI', async () => {
    const steps = [
      { say: 'Looking.' },
      { read: 'math.js' },
      { grep: 'function add' },
      { edit: 'math.js', old: 'a - b', new: 'a + b' },
      { write: 'src/new.txt', content: 'one\n' },
      { append: 'src/new.txt', content: 'two\n' },
      { bash: 'echo out; echo err >&2' },
      { bash: 'echo nope; exit 3' },
      { deny: 'Bash', command: 'npm publish' },
      { say: 'Fixed add.' },
    ] as const;
    const out = await run({ scripts: [{ steps, costUsd: 0.25 }] }, [
      ...STREAM,
      TOOLS,
      '--session-id',
      '7d1c5d0e-1b8e-4f55-9a51-6f2b7cfa2c11',
      '--',
      'fix',
    ]);
    expect(out.exitCode).toBe(0);
    expect(readFileSync(join(work, 'math.js'), 'utf8')).toContain('return a + b;');
    expect(readFileSync(join(work, 'src/new.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(out.lines[0]).toMatchObject({
      type: 'system',
      subtype: 'init',
      cwd: work,
      model: 'claude-sonnet-5-5',
      claude_code_version: '2.1.332',
      apiKeySource: 'none',
      tools: ['Bash', 'Edit', 'Grep', 'Read', 'Write'],
    });
    expect(new Set(out.lines.map((l) => l.session_id))).toEqual(new Set(['7d1c5d0e-1b8e-4f55-9a51-6f2b7cfa2c11']));
    const uses = toolUsesOf(out.lines);
    expect(uses.map((u) => u.name)).toEqual(['Read', 'Grep', 'Edit', 'Write', 'Edit', 'Bash', 'Bash', 'Bash']);
    expect(uses[0]?.input['file_path']).toBe(join(work, 'math.js'));
    const results = resultsOf(out.lines);
    expect(results.map((r) => r.message.content[0].tool_use_id)).toEqual(uses.map((u) => u.id));
    expect(results[0]?.tool_use_result).toMatchObject({
      type: 'text',
      file: { filePath: join(work, 'math.js'), numLines: 4, startLine: 1, totalLines: 4 },
    });
    expect(results[1]?.tool_use_result).toMatchObject({
      mode: 'files_with_matches',
      numFiles: 1,
      filenames: ['math.js'],
    });
    expect(results[2]?.tool_use_result).toMatchObject({
      oldString: 'a - b',
      newString: 'a + b',
      structuredPatch: [{ oldStart: 1, oldLines: 3 }],
    });
    expect(results[3]?.tool_use_result).toMatchObject({ type: 'create', filePath: join(work, 'src/new.txt') });
    expect(results[5]?.tool_use_result).toEqual({
      stdout: 'out',
      stderr: 'err',
      interrupted: false,
      isImage: false,
      noOutputExpected: false,
    });
    expect(results[6]?.message.content[0]).toMatchObject({ is_error: true, content: 'Exit code 3\nnope' });
    expect(out.lines.find((l) => l.subtype === 'permission_denied')).toMatchObject({
      tool_name: 'Bash',
      tool_use_id: uses[7]?.id,
    });
    const done = result.parse(out.last);
    expect(done).toMatchObject({
      subtype: 'success',
      is_error: false,
      result: 'Fixed add.',
      num_turns: 9,
      total_cost_usd: 0.25,
      terminal_reason: 'completed',
    });
    expect(done.permission_denials).toEqual([
      { tool_name: 'Bash', tool_use_id: uses[7]?.id, tool_input: { command: 'npm publish' } },
    ]);
  });

  it('refuses Grep when the session has the default tool set, as 2.1.332 does', async () => {
    const out = await run({ scripts: [{ steps: [{ grep: 'add' }] }] }, [...STREAM, '--', 'find']);
    expect(resultsOf(out.lines)[0]?.message.content[0]).toMatchObject({
      is_error: true,
      content: expect.stringContaining('No such tool available: Grep'),
    });
    expect(result.parse(out.last)).toMatchObject({ subtype: 'success', result: 'Done.' });
  });

  it('stops at --max-turns with error_max_turns before the next step runs', async () => {
    const steps = [{ bash: 'true' }, { bash: 'true' }, { write: 'late.txt', content: 'x' }];
    const out = await run({ scripts: [{ steps }] }, [...STREAM, TOOLS, '--max-turns', '2', '--', 'go']);
    expect(out.exitCode).toBe(1);
    expect(existsSync(join(work, 'late.txt'))).toBe(false);
    expect(result.parse(out.last)).toMatchObject({
      subtype: 'error_max_turns',
      is_error: true,
      num_turns: 3,
      errors: ['Reached maximum number of turns (2)'],
      terminal_reason: 'max_turns',
    });
  });

  it('ends with the three usage-limit lines of docs/claude-cli.md §6', async () => {
    const resetsAt = Math.floor(Date.now() / 86_400_000) * 86_400 + 7 * 3600;
    const out = await run({ scripts: [{ result: { type: 'usage_limit', resetsAt } }] }, [...STREAM, '--', 'go']);
    expect(out.exitCode).toBe(1);
    expect(out.lines.map((l) => l.type)).toEqual(['system', 'rate_limit_event', 'assistant', 'result']);
    expect(out.lines[1]).toMatchObject({
      rate_limit_info: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' },
    });
    expect(out.lines[2]).toMatchObject({
      error: 'rate_limit',
      api_error: 'usage_limit_reached',
      api_error_status: 429,
      api_error_params: { rate_limit_info: { resetsAt } },
      message: { model: '<synthetic>' },
    });
    expect(result.parse(out.last)).toMatchObject({
      subtype: 'success',
      is_error: true,
      api_error_status: 429,
      api_error: 'usage_limit_reached',
      result: "You've hit your 5-hour limit · resets 7am (UTC)",
    });
  });

  it('reports a 500 as two api_retry lines and an api_error result', async () => {
    const out = await run({ scripts: [{ result: { type: 'api_error', status: 500 } }] }, [...STREAM, '--', 'go']);
    expect(out.exitCode).toBe(1);
    expect(out.lines.filter((l) => l.subtype === 'api_retry')).toMatchObject([
      { attempt: 1, error_status: 500, error: 'server_error' },
      { attempt: 2 },
    ]);
    expect(result.parse(out.last)).toMatchObject({
      is_error: true,
      api_error_status: 500,
      terminal_reason: 'api_error',
      result: expect.stringMatching(/^API Error: 500/),
    });
  });

  it('reports not-logged-in, budget and structured output', async () => {
    const auth = await run({ scripts: [{ result: { type: 'auth' } }] }, [...STREAM, '--', 'go']);
    expect([auth.exitCode, auth.lines[1]?.['error'], result.parse(auth.last).result]).toEqual([
      1,
      'authentication_failed',
      'Not logged in · Please run /login',
    ]);
    const budget = await run({ scripts: [{ result: { type: 'budget', limitUsd: 0.5 } }] }, [...STREAM, '--', 'go']);
    expect(result.parse(budget.last)).toMatchObject({
      subtype: 'error_max_budget_usd',
      errors: ['Reached maximum budget ($0.5)'],
    });
    const plan = { stories: [{ id: 'S1' }] };
    const structured = await run({ scripts: [{ result: { type: 'success', structuredOutput: plan } }] }, [
      ...STREAM,
      '--json-schema={"type":"object"}',
      '--',
      'plan',
    ]);
    expect(toolUsesOf(structured.lines).map((u) => u.name)).toEqual(['StructuredOutput']);
    expect(result.parse(structured.last)).toMatchObject({
      is_error: false,
      structured_output: plan,
      result: JSON.stringify(plan),
    });
  });

  it('dies by the scripted signal with no result line and no end record', async () => {
    const out = await run({ scripts: [{ steps: [{ say: 'working' }, { die: 'SIGKILL' }, { say: 'never' }] }] }, [
      ...STREAM,
      '--',
      'go',
    ]);
    expect(out.signal).toBe('SIGKILL');
    expect(out.lines.map((l) => l.type)).toEqual(['system', 'assistant']);
    expect(readInvocations(fake.logPath)).toMatchObject([{ pid: out.pid, exitCode: undefined, endTs: undefined }]);
  });

  it('exits 143 on SIGTERM mid-step, leaving no result line', async () => {
    fake = setupFakeClaude(dir, { scripts: [{ steps: [{ say: 'sleeping' }, { sleep: 30_000 }] }] });
    const child = execa(fakeClaudePath, [...STREAM, '--', 'go'], {
      cwd: work,
      env: { ...inherited, ...fake.env },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      lines: true,
    });
    for await (const text of child) {
      if (text.includes('"sleeping"')) child.kill('SIGTERM');
    }
    const exited = await child;
    expect(exited.exitCode).toBe(143);
    expect(exited.stdout.some((text) => text.includes('"type":"result"'))).toBe(false);
    expect(readInvocations(fake.logPath)).toMatchObject([{ exitCode: 143 }]);
  });
});

describe('fake claude: argv, sessions and scripts', () => {
  it('refuses what the real CLI refuses, with empty stdout', async () => {
    const cases: [string[], string][] = [
      [
        ['-p', '--output-format', 'stream-json', '--', 'x'],
        'Error: When using --print, --output-format=stream-json requires --verbose',
      ],
      [[...STREAM, '--bogus-flag', '--', 'x'], "error: unknown option '--bogus-flag'"],
      [[...STREAM], 'Error: Input must be provided either through stdin or as a prompt argument when using --print'],
      [[...STREAM, '--session-id', 'not-a-uuid', '--', 'x'], 'Error: Invalid session ID. Must be a valid UUID.'],
      [
        [...STREAM, '--allowedTools', 'Bash(npm test)', 'Fix it'],
        'Error: Input must be provided either through stdin or as a prompt argument when using --print',
      ],
    ];
    for (const [args, message] of cases) {
      const out = await run({ scripts: [{}] }, args);
      expect([out.exitCode, out.stdout, out.stderr.trim().split('\n').at(-1)]).toEqual([1, '', message]);
    }
    const swallowed = await run({ scripts: [{}] }, [...STREAM, '--allowedTools', 'Bash(npm test)', 'Fix it']);
    expect(swallowed.stderr).toContain('"Fix it" was read as a value of --allowedTools, not as a prompt');
    const version = await execa(fakeClaudePath, ['--version'], { stdin: 'ignore' });
    expect(version.stdout).toBe('2.1.332 (Claude Code)');
  });

  it('enforces new session ids, and resumes only a known session in its own cwd', async () => {
    const id = '0b9f2f3e-8f0a-4d6e-9c3b-2a1d4e5f6a7b';
    const scenario: FakeScenario = {
      scripts: [{ match: { resume: true }, steps: [{ say: 'resumed' }] }, { steps: [{ say: 'fresh' }] }],
    };
    expect((await run(scenario, [...STREAM, '--session-id', id, '--', 'go'])).exitCode).toBe(0);
    const reused = await run(scenario, [...STREAM, '--session-id', id, '--', 'go']);
    expect([reused.exitCode, reused.stdout, reused.stderr.trim()]).toEqual([
      1,
      '',
      `Error: Session ID ${id} is already in use.`,
    ]);
    const resumed = await run(scenario, [...STREAM, '--resume', id, '--', 'continue']);
    expect([resumed.exitCode, result.parse(resumed.last).result]).toEqual([0, 'resumed']);
    expect(new Set(resumed.lines.map((l) => l.session_id))).toEqual(new Set([id]));
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [resumeId, cwd] of [
      [unknown, work],
      [id, dir],
    ] as const) {
      const out = await run(scenario, [...STREAM, '--resume', resumeId, '--', 'continue'], { cwd });
      expect(out.exitCode).toBe(1);
      expect(out.lines).toHaveLength(1);
      expect(result.parse(out.last)).toMatchObject({
        subtype: 'error_during_execution',
        num_turns: 0,
        errors: [`No conversation found with session ID: ${resumeId}`],
      });
      expect(out.stderr).toContain(`No conversation found with session ID: ${resumeId}`);
    }
  });

  it('picks the first matching script by story, role and attempt', async () => {
    const scenario: FakeScenario = {
      scripts: [
        { match: { storyId: 'S2', attempt: 1 }, result: { type: 'api_error', status: 500 } },
        { match: { storyId: 'S2', role: 'story' }, steps: [{ say: 'S2 done' }] },
        { match: { role: 'critic' }, steps: [{ say: 'critic' }] },
      ],
    };
    const story = { BARO_STORY_ID: 'S2', BARO_ROLE: 'story', BARO_RUN_ID: 'r1' };
    expect(result.parse((await run(scenario, [...STREAM, '--', 'go'], { env: story })).last)).toMatchObject({
      is_error: true,
      api_error_status: 500,
    });
    expect(result.parse((await run(scenario, [...STREAM, '--', 'go'], { env: story })).last)).toMatchObject({
      is_error: false,
      result: 'S2 done',
    });
    expect(
      result.parse((await run(scenario, [...STREAM, '--', 'go'], { env: { BARO_ROLE: 'critic' } })).last).result,
    ).toBe('critic');
    const none = await run(scenario, [...STREAM, '--', 'go'], { env: { BARO_ROLE: 'planner' } });
    expect([none.exitCode, none.stderr]).toEqual([2, expect.stringContaining('no script')]);
  });

  it('takes the prompt from stdin when argv has none, and names a broken scenario', async () => {
    fake = setupFakeClaude(dir, { scripts: [{ steps: [{ say: 'from stdin' }] }] });
    const piped = await execa(fakeClaudePath, STREAM, {
      cwd: work,
      env: { ...inherited, ...fake.env },
      extendEnv: false,
      input: 'a long prompt',
      reject: false,
    });
    expect([piped.exitCode, result.parse(JSON.parse(piped.stdout.split('\n').at(-1) ?? '')).result]).toEqual([
      0,
      'from stdin',
    ]);
    const broken = await run({ scripts: [{ steps: [{ jump: 'x' }] }] } as unknown as FakeScenario, [
      ...STREAM,
      '--',
      'go',
    ]);
    expect([broken.exitCode, broken.stderr]).toEqual([
      2,
      expect.stringContaining('scripts[0].steps[0] must have one of'),
    ]);
  });

  it('logs start and end records that pair by pid', async () => {
    const out = await run({ scripts: [{}] }, [...STREAM, '--', 'go'], {
      env: { BARO_RUN_ID: 'r9', BARO_ROLE: 'story', BARO_STORY_ID: 'S1', ANTHROPIC_API_KEY: 'sk-test' },
    });
    expect(out.lines[0]).toMatchObject({ apiKeySource: 'ANTHROPIC_API_KEY', model: 'claude-sonnet-5-5' });
    const [invocation] = readInvocations(fake.logPath);
    expect(invocation).toMatchObject({
      pid: out.pid,
      cwd: work,
      exitCode: 0,
      sessionId: out.lines[0]?.session_id,
      env: { BARO_RUN_ID: 'r9', BARO_ROLE: 'story', BARO_STORY_ID: 'S1', ANTHROPIC_API_KEY: true },
    });
    expect(invocation?.endTs).toBeGreaterThanOrEqual(invocation?.startTs ?? Infinity);
    expect(invocation === undefined ? undefined : argValue(invocation, '--model')).toBe('sonnet');
  });

  it('counts the most processes alive at once from the log timestamps', () => {
    const at = (startTs: number, endTs: number | undefined): FakeInvocation => ({
      pid: startTs,
      argv: [],
      cwd: '/',
      env: { ANTHROPIC_API_KEY: false },
      stdinPrompt: undefined,
      stdinPromptUuid: undefined,
      sessionId: undefined,
      startTs,
      endTs,
      exitCode: endTs === undefined ? undefined : 0,
    });
    expect(maxConcurrent([])).toBe(0);
    expect(maxConcurrent([at(0, 10), at(10, 20), at(20, 30)])).toBe(1);
    expect(maxConcurrent([at(0, 10), at(5, 15), at(6, 7), at(12, 20)])).toBe(3);
    expect(maxConcurrent([at(0, undefined), at(50, 60)])).toBe(2);
  });
});

describe('fake claude: the usage-limit text', () => {
  const at = (iso: string) => Date.parse(iso);
  const seconds = (iso: string) => at(iso) / 1000;
  // 1 December is the day a reset on 1 December of another year once read as "today".
  it.each([
    ['UTC', '2026-12-01T10:00:00Z', '2020-12-01T04:00:00Z', 'resets Dec 1, 4am (UTC)'],
    ['UTC', '2026-12-01T02:00:00Z', '2026-12-01T07:30:00Z', 'resets 7:30am (UTC)'],
    ['UTC', '2026-03-14T23:00:00Z', '2026-03-15T01:00:00Z', 'resets Mar 15, 1am (UTC)'],
    ['Europe/Berlin', '2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z', 'resets 5am (Europe/Berlin)'],
    ['Europe/Berlin', '2026-12-01T10:00:00Z', '2020-12-01T04:00:00Z', 'resets Dec 1, 5am (Europe/Berlin)'],
    ['Europe/Berlin', '2026-07-01T21:30:00Z', '2026-07-01T22:00:00Z', 'resets Jul 2, 12am (Europe/Berlin)'],
    ['America/New_York', '2026-12-01T02:00:00Z', '2026-12-01T04:00:00Z', 'resets 11pm (America/New_York)'],
    ['America/New_York', '2026-12-01T12:00:00Z', '2026-12-01T04:00:00Z', 'resets Nov 30, 11pm (America/New_York)'],
    ['America/New_York', '2026-12-01T15:00:00Z', '2020-12-01T17:00:00Z', 'resets Dec 1, 12pm (America/New_York)'],
  ])('in %s at %s, a reset at %s reads "%s"', (zone, now, reset, expected) => {
    expect(usageLimitText('five_hour', seconds(reset), { now: at(now), zone })).toBe(
      `You've hit your 5-hour limit · ${expected}`,
    );
  });

  it('names the limit, and falls back to "usage limit" for an unknown kind', () => {
    const clock = { now: at('2026-12-01T00:00:00Z'), zone: 'UTC' };
    expect(usageLimitText('seven_day', seconds('2026-12-03T04:00:00Z'), clock)).toBe(
      "You've hit your weekly limit · resets Dec 3, 4am (UTC)",
    );
    expect(usageLimitText('mystery', seconds('2026-12-01T09:00:00Z'), clock)).toBe(
      "You've hit your usage limit · resets 9am (UTC)",
    );
  });
});
