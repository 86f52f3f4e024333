import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../services/claude/events.js';
import type { LiveSession } from '../../../services/claude/live-input.js';
import { runSession } from '../../../services/claude/session.js';
import type { SessionOptions } from '../../../services/claude/session.js';
import { readInvocations, readMessages, setupFakeClaude } from '../../fake-claude/scenario.js';
import type { FakeScenario } from '../../fake-claude/scenario.js';

const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(BARO_|ANTHROPIC_|CLAUDE_CODE_)/.test(name)),
);

let dir: string;
let work: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'live-session-'));
  work = join(dir, 'worktree');
  mkdirSync(work);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Recorded {
  readonly events: AgentEvent[];
  readonly delivered: { uuid: string; latencyMs: number }[];
  session: LiveSession | undefined;
}

function liveOptions(scenario: FakeScenario, recorded: Recorded, onEvent?: (event: AgentEvent) => void) {
  const fake = setupFakeClaude(dir, scenario);
  const options: SessionOptions = {
    bin: fake.bin,
    cwd: work,
    prompt: 'Build the story',
    model: 'sonnet',
    sessionId: randomUUID(),
    role: 'story',
    runId: 'run-1',
    storyId: 'S1',
    baseEnv: { ...inherited, ...fake.env },
    rawLogPath: join(dir, 'raw.jsonl'),
    onEvent: (event) => {
      recorded.events.push(event);
      onEvent?.(event);
    },
    live: {
      onOpen: (session) => {
        recorded.session = session;
      },
      onDelivered: (uuid, latencyMs) => recorded.delivered.push({ uuid, latencyMs }),
    },
  };
  return { fake, options };
}

const fresh = (): Recorded => ({ events: [], delivered: [], session: undefined });
const rawTypes = () =>
  readFileSync(join(dir, 'raw.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; subtype?: string; state?: string });

describe('a live session (stream-json input)', () => {
  it('sends the prompt as the first stdin line and ends at its result when nothing was said', async () => {
    const recorded = fresh();
    const { fake, options } = liveOptions({ scripts: [{ steps: [{ say: 'All done' }] }] }, recorded);
    const result = await runSession(options);
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.resultText).toBe('All done');
    const [invocation] = readInvocations(fake.logPath);
    expect(invocation?.argv).toContain('--input-format');
    expect(invocation?.argv).not.toContain('Build the story');
    expect(invocation?.stdinPrompt).toBe('Build the story');
    expect(invocation?.stdinPromptUuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(invocation?.exitCode).toBe(0);
  });

  it('folds a message said while a tool runs into the same turn, and closes stdin at the one result', async () => {
    const recorded = fresh();
    const scenario: FakeScenario = { scripts: [{ steps: [{ awaitMessage: 20_000 }, { say: 'Heard it' }] }] };
    let said: string | undefined;
    const { fake, options } = liveOptions(scenario, recorded, (event) => {
      if (event.type === 'tool.call') said = recorded.session?.say('S2 is editing src/a.ts too');
    });
    const result = await runSession(options);
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(said).toBeDefined();
    const types = rawTypes();
    expect(types.filter((line) => line.type === 'system' && line.subtype === 'init')).toHaveLength(1);
    expect(types.filter((line) => line.type === 'result')).toHaveLength(1);
    const lifecycle = types.filter((line) => line.type === 'command_lifecycle').map((line) => line.state);
    expect(lifecycle).toEqual(['queued', 'started', 'completed']);
    expect(types.at(-1)?.type).toBe('result');
    expect(recorded.delivered.map((d) => d.uuid)).toEqual([said]);
    expect(readMessages(fake.logPath).map((m) => [m.state, m.text])).toContainEqual([
      'started',
      'S2 is editing src/a.ts too',
    ]);
    expect(recorded.session?.say('too late')).toBeUndefined();
  });

  it('runs a message said during the final answer as one extra turn, then ends at that turn’s result', async () => {
    const recorded = fresh();
    const scenario: FakeScenario = { scripts: [{ steps: [{ say: 'Finished' }], extraTurnText: 'Noted the news' }] };
    const { options } = liveOptions(scenario, recorded, (event) => {
      if (event.type === 'text' && event.text === 'Finished') recorded.session?.say('S3 merged src/b.ts');
    });
    const result = await runSession(options);
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.resultText).toBe('Noted the news');
    const results = recorded.events.filter((event) => event.type === 'result');
    expect(results).toHaveLength(2);
    expect(recorded.delivered).toHaveLength(1);
    // The second result is cumulative (docs/claude-cli.md §9): the session's cost includes both turns.
    expect(result.costUsd).toBeGreaterThan(0.005);
  });

  it('stops at Ctrl-C as before while a message waits for the running tool: killed, the message never delivered', async () => {
    const recorded = fresh();
    const controller = new AbortController();
    const scenario: FakeScenario = { scripts: [{ steps: [{ bash: 'sleep 60' }, { say: 'Never' }] }] };
    let said: string | undefined;
    const { fake, options } = liveOptions(scenario, recorded, (event) => {
      if (event.type === 'message.lifecycle' && event.state === 'queued') controller.abort();
      if (event.type === 'tool.call') said = recorded.session?.say('S2 is editing src/a.ts too');
    });
    const result = await runSession({ ...options, signal: controller.signal, killGraceMs: 1000 });
    expect(result.outcome.kind).toBe('killed');
    expect(said).toBeDefined();
    expect(recorded.delivered).toEqual([]);
    expect(readMessages(fake.logPath).map((m) => m.state)).toEqual(['queued']);
    expect(recorded.session?.say('after the stop')).toBeUndefined();
  });

  it('keeps usage limits what they were: the error result closes stdin and classifies as before', async () => {
    const recorded = fresh();
    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    const scenario: FakeScenario = {
      scripts: [{ steps: [{ read: 'missing.txt' }], result: { type: 'usage_limit', resetsAt } }],
    };
    const { options } = liveOptions(scenario, recorded);
    const result = await runSession(options);
    expect(result.outcome).toMatchObject({ kind: 'usage_limit', resetsAt });
    expect(result.exitCode).toBe(1);
  });
});
