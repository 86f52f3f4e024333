import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, ToolCall } from '../../../services/claude/events.js';
import { createStreamParser } from '../../../services/claude/parse.js';
import { MAX_RESULT_TEXT } from '../../../services/claude/tool-events.js';

const FIXTURES = new URL('../../fixtures/claude/', import.meta.url);

function fixtureLines(file: string): string[] {
  return readFileSync(new URL(file, FIXTURES), 'utf8').split('\n');
}

function parseLines(lines: readonly string[]): AgentEvent[] {
  const parser = createStreamParser();
  return lines.flatMap((line) => parser.push(line));
}

function ofType<T extends AgentEvent['type']>(
  events: readonly AgentEvent[],
  type: T,
): Extract<AgentEvent, { type: T }>[] {
  return events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);
}

function assistantToolUse(id: string, name: string, input: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'assistant',
    session_id: 's',
    message: { content: [{ type: 'tool_use', id, name, input }] },
  });
}

function toolResult(id: string, content: unknown, extra: Record<string, unknown> = {}, isError?: boolean): string {
  const block =
    isError === undefined
      ? { type: 'tool_result', tool_use_id: id, content }
      : { type: 'tool_result', tool_use_id: id, content, is_error: isError };
  return JSON.stringify({ type: 'user', message: { role: 'user', content: [block] }, ...extra });
}

describe('createStreamParser on success.jsonl', () => {
  const events = parseLines(fixtureLines('success.jsonl'));

  it('starts the session with the init facts', () => {
    expect(events[0]).toEqual({
      type: 'session.started',
      sessionId: 'e3cc7770-9088-4175-a643-62986d9c1078',
      model: 'claude-sonnet-5-5',
      tools: ['Bash', 'Edit', 'Glob', 'Grep', 'Read'],
      cliVersion: '2.1.332',
      cwd: '/home/dev/calc-demo',
      permissionMode: 'acceptEdits',
    });
  });

  it('maps each tool call to its kind, paths, pattern and command', () => {
    const calls = ofType(events, 'tool.call').map((event) => event.call);
    expect(calls.map((call) => [call.name, call.kind])).toEqual([
      ['Read', 'read'],
      ['Grep', 'search'],
      ['Read', 'read'],
      ['Edit', 'edit'],
      ['Bash', 'bash'],
    ]);
    expect(calls[0]?.paths).toEqual(['/home/dev/calc-demo/package.json']);
    expect(calls[1]).toMatchObject({ paths: ['/home/dev/calc-demo/src'], pattern: 'function add' });
    expect(calls[3]?.paths).toEqual(['/home/dev/calc-demo/src/math.js']);
    expect(calls[4]).toEqual({
      id: 'toolu_01UskknxPMb9xbsLDTSuMrWa',
      name: 'Bash',
      kind: 'bash',
      paths: [],
      command: 'npm test',
    });
  });

  it('attaches each result to its call and derives read, search and bash facts', () => {
    const results = ofType(events, 'tool.result');
    expect(results.map((result) => result.call?.name)).toEqual(['Read', 'Grep', 'Read', 'Edit', 'Bash']);
    expect(results.every((result) => result.ok)).toBe(true);
    // Read keeps the raw file (not the numbered listing) and its size.
    expect(results[2]?.text).toBe('export function add(a, b) {\n  return a - b;\n}\n');
    expect(results[2]?.fileSize).toBe(46);
    expect(results[1]?.files).toEqual([]);
    expect(results[4]?.exitCode).toBe(0);
    expect(results[4]?.text).toContain('# pass 1');
  });

  it('reports rate-limit info, text and the final result', () => {
    expect(ofType(events, 'rate_limit')).toEqual([
      { type: 'rate_limit', info: { status: 'allowed', resetsAt: 1795935600, limitType: 'five_hour' } },
    ]);
    expect(ofType(events, 'text').at(-1)?.text).toBe(
      'Fixed `add` in src/math.js (it subtracted instead of adding). `npm test` now passes.',
    );
    expect(ofType(events, 'result')).toEqual([
      {
        type: 'result',
        subtype: 'success',
        isError: false,
        sessionId: 'e3cc7770-9088-4175-a643-62986d9c1078',
        text: 'Fixed `add` in src/math.js (it subtracted instead of adding). `npm test` now passes.',
      },
    ]);
  });
});

describe('createStreamParser on other fixtures', () => {
  it('reports retries, the model fallback and denials', () => {
    const events = parseLines(fixtureLines('overloaded-fallback-model.jsonl'));
    expect(ofType(events, 'api.retry')[0]).toEqual({
      type: 'api.retry',
      attempt: 1,
      maxRetries: 10,
      delayMs: 577,
      status: 529,
      error: 'overloaded',
    });
    expect(ofType(events, 'model.fallback')).toEqual([
      { type: 'model.fallback', from: 'claude-sonnet-5-5', to: 'claude-haiku-5-5', trigger: 'overloaded' },
    ]);
    expect(ofType(events, 'permission.denied')).toEqual([
      {
        type: 'permission.denied',
        tool: 'Bash',
        toolUseId: 'toolu_01nmvXpZPzmKoipuil3n9Q7f',
        message: 'This command requires approval',
      },
    ]);
    const denied = ofType(events, 'tool.result').find(
      (result) => result.toolUseId === 'toolu_01nmvXpZPzmKoipuil3n9Q7f',
    );
    // A denied command never ran, so it has no exit code.
    expect(denied).toMatchObject({ ok: false, text: 'This command requires approval' });
    expect(denied?.exitCode).toBeUndefined();
  });

  it('keeps the error text of a failed tool result whose tool_use_result is a string', () => {
    const events = parseLines(fixtureLines('error-max-budget.jsonl'));
    const grep = ofType(events, 'tool.result').find((result) => result.call?.name === 'Grep');
    expect(grep).toMatchObject({ ok: false });
    expect(grep?.text).toContain('No such tool available: Grep');
    expect(grep?.files).toBeUndefined();
  });

  it('remembers the rejected event and the synthetic error line for the classifier', () => {
    const parser = createStreamParser();
    for (const line of fixtureLines('usage-limit.jsonl')) parser.push(line);
    const summary = parser.summary();
    expect(summary.lastRejected).toEqual({ status: 'rejected', resetsAt: 1795935600, limitType: 'five_hour' });
    expect(summary.assistantRateLimit).toMatchObject({
      status: 'rejected',
      resetsAt: 1795935600,
      limitType: 'five_hour',
    });
    expect(summary.assistantError).toBe('rate_limit');
    expect(summary.sessionId).toBe('9afc7e92-e22b-42f6-ad0b-b36a546dfb65');
    expect(summary.result?.api_error).toBe('usage_limit_reached');
  });

  it('keeps the structured output of a --json-schema run', () => {
    const parser = createStreamParser();
    for (const line of fixtureLines('structured-output.jsonl')) parser.push(line);
    expect(parser.summary().result?.structured_output).toEqual({ status: 'fixed', files_changed: ['src/math.js'] });
  });

  it('parses every line of every fixture without a malformed event', () => {
    const files = readdirSync(FIXTURES).filter((file) => /\.jsonl?$/.test(file));
    for (const file of files) expect(ofType(parseLines(fixtureLines(file)), 'malformed'), file).toEqual([]);
  });

  it('never throws on truncated lines', () => {
    const parser = createStreamParser();
    for (const line of fixtureLines('success.jsonl')) {
      for (let cut = 0; cut < line.length; cut += 97) {
        const events = parser.push(line.slice(0, cut));
        if (cut > 0) expect(events.map((event) => event.type)).toEqual(['malformed']);
      }
    }
  });
});

describe('tool mapping', () => {
  it.each([
    ['Read', { file_path: 'a.ts' }, 'read', ['a.ts']],
    ['NotebookRead', { notebook_path: 'n.ipynb' }, 'read', ['n.ipynb']],
    ['Glob', { pattern: '**/*.ts', path: 'src' }, 'search', ['src']],
    ['Edit', { file_path: 'a.ts', old_string: 'x', new_string: 'y' }, 'edit', ['a.ts']],
    ['MultiEdit', { file_path: 'b.ts', edits: [] }, 'edit', ['b.ts']],
    ['NotebookEdit', { notebook_path: 'n.ipynb' }, 'edit', ['n.ipynb']],
    ['Write', { file_path: 'c.ts', content: '' }, 'write', ['c.ts']],
    ['WebFetch', { url: 'https://example.com' }, 'other', []],
    ['mcp__db__query', { path: 42 }, 'other', []],
  ] as const)('%s → %s', (name, input, kind, paths) => {
    const [event] = parseLines([assistantToolUse('t1', name, input)]);
    expect(event).toMatchObject({ type: 'tool.call', call: { name, kind, paths } });
  });

  it('reads the exit code of a failed Bash command', () => {
    const events = parseLines([
      assistantToolUse('t1', 'Bash', { command: 'npm test' }),
      toolResult(
        't1',
        'Exit code 1\n> calc-demo@1.0.0 test\nnot ok 1 - add',
        { tool_use_result: 'Error: Exit code 1' },
        true,
      ),
    ]);
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ ok: false, exitCode: 1, call: { command: 'npm test' } });
  });

  it('takes Grep files from tool_use_result.filenames', () => {
    const events = parseLines([
      assistantToolUse('t1', 'Grep', { pattern: 'add', output_mode: 'files_with_matches' }),
      toolResult('t1', 'Found 2 files\nsrc/a.js\nsrc/b.js', {
        tool_use_result: { mode: 'files_with_matches', filenames: ['src/a.js', 'src/b.js'], numFiles: 2 },
      }),
    ]);
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ ok: true, files: ['src/a.js', 'src/b.js'] });
  });

  it('bounds the kept text of a large Read and still reports its full size', () => {
    const content = 'x'.repeat(MAX_RESULT_TEXT + 10);
    const events = parseLines([
      assistantToolUse('t1', 'Read', { file_path: '/big.txt' }),
      toolResult('t1', 'numbered', { tool_use_result: { type: 'text', file: { filePath: '/big.txt', content } } }),
    ]);
    const result = ofType(events, 'tool.result')[0];
    expect(result?.text.length).toBe(MAX_RESULT_TEXT);
    expect(result?.fileSize).toBe(MAX_RESULT_TEXT + 10);
  });

  it('reports a result whose call was never seen with call undefined', () => {
    const [event] = parseLines([
      toolResult('nope', [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }]),
    ]);
    expect(event).toEqual({ type: 'tool.result', toolUseId: 'nope', call: undefined, ok: true, text: 'a\nb' });
  });

  it('gives each result of a multi-result line its own call, without guessing the structured output', () => {
    const user = JSON.stringify({
      type: 'user',
      message: {
        content: [
          { type: 'tool_result', tool_use_id: 'r1', content: 'one' },
          { type: 'tool_result', tool_use_id: 'r2', content: 'two' },
        ],
      },
      tool_use_result: { file: { content: 'which one?' } },
    });
    const events = parseLines([
      assistantToolUse('r1', 'Read', { file_path: 'a' }),
      assistantToolUse('r2', 'Read', { file_path: 'b' }),
      user,
    ]);
    const results = ofType(events, 'tool.result');
    expect(results.map((result) => [result.call?.paths, result.text])).toEqual([
      [['a'], 'one'],
      [['b'], 'two'],
    ]);
  });

  it('forgets a call once its result arrived', () => {
    const events = parseLines([
      assistantToolUse('t1', 'Read', { file_path: 'a' }),
      toolResult('t1', 'x'),
      toolResult('t1', 'again'),
    ]);
    const calls = ofType(events, 'tool.result').map((result) => result.call);
    expect(calls).toEqual([expect.objectContaining<Partial<ToolCall>>({ id: 't1' }), undefined]);
  });
});

describe('live input lines (docs/claude-cli.md §9)', () => {
  it('reports each command_lifecycle state and the uuids a result answered', () => {
    const events = parseLines([
      '{"type":"command_lifecycle","command_uuid":"u1","state":"queued"}',
      '{"type":"command_lifecycle","command_uuid":"u1","state":"started"}',
      '{"type":"command_lifecycle","command_uuid":"u1","state":"completed"}',
      '{"type":"command_lifecycle","command_uuid":"u1","state":"paused"}',
      '{"type":"result","subtype":"success","is_error":false,"result":"ok","user_message_uuids":["p","u1"]}',
    ]);
    expect(events.slice(0, 4)).toEqual([
      { type: 'message.lifecycle', uuid: 'u1', state: 'queued' },
      { type: 'message.lifecycle', uuid: 'u1', state: 'started' },
      { type: 'message.lifecycle', uuid: 'u1', state: 'completed' },
      { type: 'unknown', messageType: 'command_lifecycle', subtype: 'paused' },
    ]);
    expect(events[4]).toMatchObject({ type: 'result', messageUuids: ['p', 'u1'] });
  });

  it('refuses a lifecycle line without its uuid', () => {
    expect(parseLines(['{"type":"command_lifecycle","state":"queued"}'])[0]).toMatchObject({ type: 'malformed' });
  });
});

describe('unknown and malformed input', () => {
  it.each([
    ['{"type":"keep_alive"}', { type: 'unknown', messageType: 'keep_alive' }],
    [
      '{"type":"system","subtype":"hook_started","hook_id":"h"}',
      { type: 'unknown', messageType: 'system', subtype: 'hook_started' },
    ],
    ['{"type":"stream_event","event":{"type":"message_stop"}}', { type: 'unknown', messageType: 'stream_event' }],
  ])('%s → unknown', (line, event) => {
    expect(parseLines([line])).toEqual([event]);
  });

  it.each([
    ['{"type":"assistant"', 'invalid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['{"subtype":"init"}', 'no string "type" field'],
    ['{"type":"result","subtype":"success"}', 'is_error'],
    ['{"type":"system","subtype":"init"}', 'session_id'],
    ['{"type":"rate_limit_event","rate_limit_info":{"status":"maybe"}}', 'rate_limit_info.status'],
  ])('%s → malformed (%s)', (line, reason) => {
    const parser = createStreamParser();
    const events = parser.push(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'malformed', line });
    expect(events[0]?.type === 'malformed' ? events[0].reason : '').toContain(reason);
    expect(parser.summary().malformedLines).toBe(1);
  });

  it('ignores blank lines and unknown content blocks, and keeps extra fields out of the way', () => {
    const parser = createStreamParser();
    expect(parser.push('')).toEqual([]);
    expect(parser.push('   ')).toEqual([]);
    const line = JSON.stringify({
      type: 'assistant',
      brand_new: { x: 1 },
      message: {
        content: [
          { type: 'redacted_thinking', data: 'x' },
          { type: 'thinking', thinking: 'hm', signature: 's' },
          { type: 'text', text: 'hi' },
        ],
      },
    });
    expect(parser.push(line)).toEqual([{ type: 'text', text: 'hi' }]);
    expect(parser.summary().lines).toBe(1);
  });

  it('caps the echoed text of a huge malformed line', () => {
    const [event] = parseLines([`{${'x'.repeat(100_000)}`]);
    expect(event?.type === 'malformed' ? event.line.length : 0).toBe(2048);
  });
});
