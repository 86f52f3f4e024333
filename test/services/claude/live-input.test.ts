// When a live session's stdin closes: at once at the result that leaves no message pending, never after a quiet
// window (docs/claude-cli.md §11a). A PassThrough stands in for the process's stdin; no clock is involved.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../services/claude/events.js';
import { createLiveInput } from '../../../services/claude/live-input.js';

function open() {
  const stdin = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stdin.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
  });
  const delivered: string[] = [];
  let clock = 1000;
  const live = createLiveInput({
    stdin,
    prompt: 'Build it',
    now: () => clock,
    onDelivered: (uuid, latencyMs) => delivered.push(`${uuid}:${latencyMs}`),
  });
  return { stdin, lines, delivered, live, tick: (ms: number) => (clock += ms) };
}

const init: AgentEvent = {
  type: 'session.started',
  sessionId: 's',
  model: 'sonnet',
  tools: [],
  cliVersion: '2.1.332',
  cwd: '/w',
  permissionMode: 'dontAsk',
};
const result = (messageUuids: readonly string[] = [], isError = false): AgentEvent => ({
  type: 'result',
  subtype: isError ? 'error_during_execution' : 'success',
  isError,
  text: '',
  sessionId: 's',
  messageUuids,
});
const lifecycle = (uuid: string, state: 'queued' | 'started' | 'completed'): AgentEvent => ({
  type: 'message.lifecycle',
  uuid,
  state,
});

describe('live input', () => {
  it('writes the prompt as the first line, with a uuid, and closes stdin at the result when nothing is pending', () => {
    const { stdin, lines, live } = open();
    live.observe(init);
    expect(stdin.writableEnded).toBe(false);
    live.observe(result());
    expect(stdin.writableEnded).toBe(true);
    expect(lines[0]).toMatchObject({ type: 'user', message: { role: 'user', content: 'Build it' } });
    expect(lines[0]?.['uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(live.say('too late')).toBeUndefined();
  });

  it('keeps stdin open past a result while a message is pending, and closes it at the extra turn’s result', () => {
    const { stdin, delivered, live, tick } = open();
    live.observe(init);
    const uuid = live.say('S2 edits a.ts too') ?? '';
    live.observe(lifecycle(uuid, 'queued'));
    live.observe(result());
    expect(stdin.writableEnded).toBe(false);
    live.observe(init);
    tick(40);
    live.observe(lifecycle(uuid, 'started'));
    live.observe(lifecycle(uuid, 'completed'));
    expect(stdin.writableEnded).toBe(false);
    live.observe(result([uuid]));
    expect(stdin.writableEnded).toBe(true);
    expect(delivered).toEqual([`${uuid}:40`]);
  });

  it('closes at the one result of a turn a message was folded into', () => {
    const { stdin, live } = open();
    live.observe(init);
    const uuid = live.say('S3 merged b.ts') ?? '';
    live.observe(lifecycle(uuid, 'queued'));
    live.observe(lifecycle(uuid, 'started'));
    live.observe(lifecycle(uuid, 'completed'));
    expect(stdin.writableEnded).toBe(false);
    live.observe(result(['prompt', uuid]));
    expect(stdin.writableEnded).toBe(true);
  });

  it('closes at an error result even with a message pending: it would only run into the same error', () => {
    const { stdin, live } = open();
    live.observe(init);
    live.say('news');
    live.observe(result([], true));
    expect(stdin.writableEnded).toBe(true);
  });
});
