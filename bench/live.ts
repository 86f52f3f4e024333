// How soon a live session (stream-json input) ends after its last result: baro closes stdin at once when no message
// is pending, instead of keeping it open for a quiet window. Drives the fake claude through runSession, real processes.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runSession } from '../services/claude/session.js';
import { setupFakeClaude } from '../test/fake-claude/scenario.js';
import type { FakeScenario } from '../test/fake-claude/scenario.js';

const TARGET_MS = 100;
const SESSIONS = 10;

interface Timing {
  readonly endMs: number;
  readonly deliveredMs: number | undefined;
}

async function oneSession(dir: string, scenario: FakeScenario, say: boolean): Promise<Timing> {
  const fake = setupFakeClaude(join(dir, randomUUID()), scenario);
  const cwd = join(dir, 'worktree');
  mkdirSync(cwd, { recursive: true });
  let lastResultAt = 0;
  let deliveredMs: number | undefined;
  let told = false;
  let session: { say: (text: string) => string | undefined } | undefined;
  await runSession({
    bin: fake.bin,
    cwd,
    prompt: 'Do the story',
    model: 'sonnet',
    sessionId: randomUUID(),
    role: 'story',
    runId: 'bench',
    storyId: 'S1',
    baseEnv: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...fake.env },
    onEvent: (event) => {
      if (event.type === 'result') lastResultAt = performance.now();
      if (say && !told && event.type === 'tool.call')
        told = session?.say('baro Sentry: S2 edits this file too') !== undefined;
    },
    live: {
      onOpen: (opened) => {
        session = opened;
      },
      onDelivered: (_uuid, latencyMs) => {
        deliveredMs = latencyMs;
      },
    },
  });
  return { endMs: performance.now() - lastResultAt, deliveredMs };
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
};

export async function benchLive(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baro-bench-live-'));
  try {
    const quiet: FakeScenario = { scripts: [{ steps: [{ bash: 'true' }, { say: 'Done' }] }] };
    const told: FakeScenario = { scripts: [{ steps: [{ bash: 'sleep 0.2' }, { say: 'Done' }] }] };
    const ends: number[] = [];
    const delivered: number[] = [];
    for (let i = 0; i < SESSIONS; i += 1) ends.push((await oneSession(dir, quiet, false)).endMs);
    for (let i = 0; i < SESSIONS; i += 1) {
      const timing = await oneSession(dir, told, true);
      ends.push(timing.endMs);
      if (timing.deliveredMs !== undefined) delivered.push(timing.deliveredMs);
    }
    const end = stats(ends);
    const ratio = end.max / TARGET_MS;
    process.stdout.write(
      `live sessions: ${ends.length} fake-claude sessions with stream-json input (half told a message)\n`,
    );
    process.stdout.write(
      `  last result → session ended: p50 ${end.p50.toFixed(1)} ms, max ${end.max.toFixed(1)} ms (target ≤ ${TARGET_MS} ms, ${ratio.toFixed(2)}× the target) ${ratio <= 1 ? '✓' : '✗ missed'}\n`,
    );
    const folded = stats(delivered);
    process.stdout.write(
      `  message written during a 200 ms tool → folded into the next request: ${delivered.length}/${SESSIONS}, p50 ${folded.p50} ms, max ${folded.max} ms (the running tool's remaining time)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
