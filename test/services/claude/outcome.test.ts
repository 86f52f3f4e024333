import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, Outcome } from '../../../services/claude/events.js';
import { classifyOutcome, classifyText } from '../../../services/claude/outcome.js';
import type { ProcessExit } from '../../../services/claude/outcome.js';
import { createStreamParser } from '../../../services/claude/parse.js';
import type { StreamSummary } from '../../../services/claude/parse.js';
import { resultTotals } from '../../../services/claude/totals.js';

const FIXTURES = new URL('../../fixtures/claude/', import.meta.url);

type EventType = AgentEvent['type'];

interface FixtureCase {
  readonly file: string;
  /** The exit code the README records for the capture. */
  readonly exitCode: number;
  readonly outcome: Outcome;
  readonly events: Partial<Record<EventType, number>>;
}

const FIVE_HOUR = 1795935600;
const WEEKLY = 1796097600;

// Every output fixture with its exit code (README.md), expected outcome and event counts.
const CASES: readonly FixtureCase[] = [
  {
    file: 'success.jsonl',
    exitCode: 0,
    outcome: { kind: 'ok' },
    events: { 'session.started': 1, text: 3, 'tool.call': 5, 'tool.result': 5, rate_limit: 1, result: 1 },
  },
  {
    file: 'error-max-turns.jsonl',
    exitCode: 1,
    outcome: { kind: 'max_turns', text: 'Reached maximum number of turns (3)' },
    events: { 'tool.call': 3, 'tool.result': 3, result: 1 },
  },
  {
    file: 'error-max-budget.jsonl',
    exitCode: 1,
    outcome: { kind: 'budget', text: 'Reached maximum budget ($0.01)' },
    events: { 'tool.call': 2, 'tool.result': 2, result: 1 },
  },
  {
    file: 'usage-limit.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'usage_limit',
      resetsAt: FIVE_HOUR,
      limitKind: 'five_hour',
      text: "You've hit your 5-hour limit · resets 7am (UTC)",
    },
    events: { 'session.started': 1, rate_limit: 1, text: 1, result: 1 },
  },
  {
    file: 'usage-limit-weekly.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'usage_limit',
      resetsAt: WEEKLY,
      limitKind: 'seven_day',
      text: "You've hit your weekly limit · resets Dec 1, 4am (UTC)",
    },
    events: { rate_limit: 1, text: 1, result: 1 },
  },
  {
    file: 'usage-limit-mid-session.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'usage_limit',
      resetsAt: FIVE_HOUR,
      limitKind: 'five_hour',
      text: "You've hit your 5-hour limit · resets 7am (UTC)",
    },
    events: { 'tool.call': 2, 'tool.result': 2, rate_limit: 2, result: 1 },
  },
  {
    file: 'usage-limit.v2.1.197.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'usage_limit',
      resetsAt: FIVE_HOUR,
      limitKind: 'five_hour',
      text: "You've hit your session limit · resets 7am (UTC)",
    },
    events: { 'session.started': 1, rate_limit: 1, text: 1, result: 1 },
  },
  {
    file: 'resume-after-usage-limit.jsonl',
    exitCode: 0,
    outcome: { kind: 'ok' },
    events: { 'tool.call': 3, 'tool.result': 3, result: 1 },
  },
  { file: 'json-success.json', exitCode: 0, outcome: { kind: 'ok' }, events: { result: 1 } },
  {
    file: 'json-usage-limit.json',
    exitCode: 1,
    outcome: { kind: 'usage_limit', text: "You've hit your 5-hour limit · resets 7am (UTC)" },
    events: { result: 1 },
  },
  {
    file: 'api-error-500.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'transient',
      status: 500,
      text: 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.',
    },
    events: { 'api.retry': 2, text: 1, result: 1 },
  },
  {
    file: 'api-key-429-retries-exhausted.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'transient',
      status: 429,
      text: 'API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit',
    },
    events: { 'api.retry': 2, rate_limit: 0, text: 1, result: 1 },
  },
  {
    file: 'overloaded-fallback-model.jsonl',
    exitCode: 0,
    outcome: {
      kind: 'denied',
      denials: [
        {
          tool: 'Bash',
          toolUseId: 'toolu_01nmvXpZPzmKoipuil3n9Q7f',
          input: { command: 'npm test', description: 'Run the test suite' },
        },
      ],
    },
    events: {
      'api.retry': 2,
      'model.fallback': 1,
      'tool.call': 5,
      'tool.result': 5,
      'permission.denied': 1,
      result: 1,
    },
  },
  {
    file: 'permission-denied.jsonl',
    exitCode: 0,
    outcome: {
      kind: 'denied',
      denials: [
        {
          tool: 'Edit',
          toolUseId: 'toolu_01HdWrgYaRqK4spV5VprPLzL',
          input: {
            file_path: '/home/dev/calc-demo/src/math.js',
            old_string: 'return a - b;',
            new_string: 'return a + b;',
            replace_all: false,
          },
        },
        {
          tool: 'Bash',
          toolUseId: 'toolu_01WFHaCxCfxamplMoVizzl13',
          input: { command: 'npm test', description: 'Run the test suite' },
        },
      ],
    },
    events: { 'tool.call': 5, 'tool.result': 5, 'permission.denied': 2, result: 1 },
  },
  {
    file: 'startup-failure-resume-not-found.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'startup_failure',
      text: 'No conversation found with session ID: 00000000-0000-4000-8000-000000000000',
    },
    events: { 'session.started': 0, result: 1 },
  },
  {
    file: 'startup-failure-bypass-root.jsonl',
    exitCode: 1,
    outcome: {
      kind: 'startup_failure',
      text: '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons',
    },
    events: { 'session.started': 0, result: 1 },
  },
  {
    file: 'not-logged-in.jsonl',
    exitCode: 1,
    outcome: { kind: 'auth', text: 'Not logged in · Please run /login' },
    events: { 'session.started': 1, text: 1, result: 1 },
  },
  {
    file: 'partial-messages.jsonl',
    exitCode: 0,
    outcome: { kind: 'ok' },
    events: { unknown: 7, text: 1, rate_limit: 1, result: 1 },
  },
  {
    file: 'stream-input.jsonl',
    exitCode: 0,
    outcome: { kind: 'ok' },
    events: { 'session.started': 2, text: 2, result: 2 },
  },
  {
    file: 'stream-input-interrupt.jsonl',
    exitCode: 1,
    outcome: { kind: 'error', text: '[ede_diagnostic] result_type=user last_content_type=n/a stop_reason=null' },
    events: { unknown: 1, result: 1 },
  },
  {
    file: 'structured-output.jsonl',
    exitCode: 0,
    outcome: { kind: 'ok' },
    events: { 'tool.call': 6, 'tool.result': 6, result: 1 },
  },
];

/** Files in the fixture folder that are not stream-json output, each checked on its own below. */
const NOT_STREAM_OUTPUT = ['README.md', 'text-usage-limit.txt', 'stream-input.stdin.jsonl'];

function fixture(file: string): string {
  return readFileSync(new URL(file, FIXTURES), 'utf8');
}

function parseAll(text: string): { events: AgentEvent[]; summary: StreamSummary } {
  const parser = createStreamParser();
  const events = text.split('\n').flatMap((line) => parser.push(line));
  return { events, summary: parser.summary() };
}

function exited(exitCode: number | undefined, extra: Partial<ProcessExit> = {}): ProcessExit {
  return { exitCode, signal: undefined, stderr: '', aborted: false, ...extra };
}

function count(events: readonly AgentEvent[], type: EventType): number {
  return events.filter((event) => event.type === type).length;
}

function resultLine(fields: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: true,
    num_turns: 1,
    session_id: 's1',
    total_cost_usd: 0,
    permission_denials: [],
    ...fields,
  });
}

describe('classifyOutcome over every fixture', () => {
  it('has a case for every fixture file', () => {
    const files = readdirSync(FIXTURES)
      .filter((file) => !NOT_STREAM_OUTPUT.includes(file))
      .sort();
    expect(CASES.map((c) => c.file).sort()).toEqual(files);
  });

  it.each(CASES)('$file → $outcome.kind', ({ file, exitCode, outcome, events: expected }) => {
    const { events, summary } = parseAll(fixture(file));
    expect(count(events, 'malformed')).toBe(0);
    expect(summary.malformedLines).toBe(0);
    for (const [type, n] of Object.entries(expected)) expect(count(events, type as EventType), type).toBe(n);
    // Every result belongs to a call seen earlier in the same stream.
    for (const event of events) if (event.type === 'tool.result') expect(event.call?.id).toBe(event.toolUseId);
    expect(classifyOutcome(summary, exited(exitCode))).toEqual(outcome);
  });

  it('keeps the session id across a resume', () => {
    const before = parseAll(fixture('usage-limit-mid-session.jsonl')).summary.sessionId;
    const after = parseAll(fixture('resume-after-usage-limit.jsonl')).summary.sessionId;
    expect(before).toMatch(/^ca9aa325-/);
    expect(after).toBe(before);
  });

  it('classifies the text-format usage limit without a reset time', () => {
    expect(classifyText(fixture('text-usage-limit.txt'), 1)).toEqual({
      kind: 'usage_limit',
      text: "You've hit your 5-hour limit · resets 7am (UTC)",
    });
  });

  it('reads the stdin input fixture without errors or events', () => {
    const { events, summary } = parseAll(fixture('stream-input.stdin.jsonl'));
    expect(events).toEqual([]);
    expect(summary.lines).toBe(2);
  });
});

describe('classifyOutcome rules', () => {
  it('reads the 1.0.x legacy usage-limit text as a reset time', () => {
    const { summary } = parseAll(resultLine({ result: 'Claude AI usage limit reached|1795935600' }));
    expect(classifyOutcome(summary, exited(1))).toEqual({
      kind: 'usage_limit',
      resetsAt: 1795935600,
      text: 'Claude AI usage limit reached|1795935600',
    });
  });

  it.each([
    '5-hour limit reached ∙ resets 3pm',
    'Weekly limit reached ∙ resets Mon 9am',
    'Session limit reached',
    'Opus weekly limit reached',
    'Usage limit reached ∙ resets 5pm',
    "You're out of usage credits · resets Dec 1",
  ])('reads the older text %j as a usage limit', (text) => {
    const { summary } = parseAll(resultLine({ result: text }));
    expect(classifyOutcome(summary, exited(1))).toEqual({ kind: 'usage_limit', text });
  });

  it('ignores a rejected rate-limit event when the turn succeeded (extra usage paid for it)', () => {
    const rejected = JSON.stringify({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'rejected', resetsAt: 1, rateLimitType: 'five_hour' },
    });
    const { summary } = parseAll(`${rejected}\n${resultLine({ is_error: false, result: 'done' })}`);
    expect(summary.lastRejected).toEqual({ status: 'rejected', resetsAt: 1, limitType: 'five_hour' });
    expect(classifyOutcome(summary, exited(0))).toEqual({ kind: 'ok' });
  });

  it('does not treat model_requires_usage_credits as a wait', () => {
    const { summary } = parseAll(
      resultLine({
        result: 'Opus needs usage credits',
        api_error: 'model_requires_usage_credits',
        api_error_status: 429,
      }),
    );
    expect(classifyOutcome(summary, exited(1))).toEqual({ kind: 'error', text: 'Opus needs usage credits' });
  });

  it('treats 529 as transient', () => {
    const { summary } = parseAll(resultLine({ result: 'API Error: 529 Overloaded.', api_error_status: 529 }));
    expect(classifyOutcome(summary, exited(1))).toEqual({
      kind: 'transient',
      status: 529,
      text: 'API Error: 529 Overloaded.',
    });
  });

  it('calls a run without a result line killed, with its signal', () => {
    const { summary } = parseAll(fixture('success.jsonl').split('\n').slice(0, 5).join('\n'));
    expect(classifyOutcome(summary, exited(undefined, { signal: 'SIGTERM' }))).toEqual({
      kind: 'killed',
      signal: 'SIGTERM',
    });
    expect(classifyOutcome(summary, exited(0))).toEqual({ kind: 'killed', exitCode: 0 });
  });

  it('calls an aborted run killed even when a result arrived', () => {
    const { summary } = parseAll(fixture('success.jsonl'));
    expect(classifyOutcome(summary, exited(143, { aborted: true }))).toEqual({ kind: 'killed', exitCode: 143 });
  });

  it('reports a non-zero exit with empty stdout as a startup failure with the stderr text', () => {
    const { summary } = parseAll('');
    const stderr = 'Error: When using --print, --output-format=stream-json requires --verbose\n';
    expect(classifyOutcome(summary, exited(1, { stderr }))).toEqual({ kind: 'startup_failure', text: stderr.trim() });
    expect(classifyOutcome(summary, exited(1))).toEqual({
      kind: 'startup_failure',
      text: 'claude exited with code 1 and printed nothing',
    });
  });

  it('does not trust a successful result from a process that exited non-zero', () => {
    const { summary } = parseAll(fixture('success.jsonl'));
    expect(classifyOutcome(summary, exited(2)).kind).toBe('error');
  });
});

describe('classifyText', () => {
  it.each([
    [
      'Claude AI usage limit reached|1795935600',
      1,
      { kind: 'usage_limit', resetsAt: 1795935600, text: 'Claude AI usage limit reached|1795935600' },
    ],
    ['Fixed it.\n', 0, { kind: 'ok' }],
    ['Error: Reached max turns (1)\n', 1, { kind: 'max_turns', text: 'Error: Reached max turns (1)' }],
    ['Not logged in · Please run /login\n', 1, { kind: 'auth', text: 'Not logged in · Please run /login' }],
    ['something else\n', 1, { kind: 'error', text: 'something else' }],
  ] as const)('%j (exit %i)', (text, exitCode, outcome) => {
    expect(classifyText(text, exitCode)).toEqual(outcome);
  });
});

describe('resultTotals', () => {
  it('sums tokens from modelUsage and takes the cost from total_cost_usd', () => {
    const { summary } = parseAll(fixture('success.jsonl'));
    expect(resultTotals(summary.result)).toEqual({
      costUsd: 0.0328895,
      numTurns: 6,
      usage: { inputTokens: 36, outputTokens: 474, cacheReadTokens: 84000, cacheCreationTokens: 7871 },
    });
  });

  it('sums every model (main model and fallback or subagent models)', () => {
    const modelUsage = {
      'claude-sonnet-5-5': {
        inputTokens: 1,
        outputTokens: 2,
        cacheReadInputTokens: 3,
        cacheCreationInputTokens: 4,
        costUSD: 0.1,
      },
      'claude-haiku-5-5': {
        inputTokens: 10,
        outputTokens: 20,
        cacheReadInputTokens: 30,
        cacheCreationInputTokens: 40,
        costUSD: 0.01,
      },
    };
    const { summary } = parseAll(resultLine({ is_error: false, result: 'ok', total_cost_usd: 0.11, modelUsage }));
    expect(resultTotals(summary.result)).toEqual({
      costUsd: 0.11,
      numTurns: 1,
      usage: { inputTokens: 11, outputTokens: 22, cacheReadTokens: 33, cacheCreationTokens: 44 },
    });
  });

  it('falls back to usage when modelUsage is missing, and to zero without a result', () => {
    const { summary } = parseAll(
      resultLine({
        is_error: false,
        result: 'ok',
        usage: { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 5, cache_creation_input_tokens: 6 },
      }),
    );
    expect(resultTotals(summary.result).usage).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      cacheReadTokens: 5,
      cacheCreationTokens: 6,
    });
    expect(resultTotals(undefined)).toEqual({
      costUsd: 0,
      numTurns: 0,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
    });
  });
});
