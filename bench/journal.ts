// Reading a run's journal (events.jsonl) and the fake agent's log: when each story started, committed, merged.
import { z } from 'zod';
import type { readInvocations } from '../test/fake-claude/scenario.js';

export type Invocations = ReturnType<typeof readInvocations>;

const ts = z.iso.datetime().transform((value) => Date.parse(value));
const eventSchema = z.union([
  z.object({ type: z.literal('run.started'), ts, runDir: z.string() }),
  z.object({ type: z.literal('level.started'), ts, level: z.number(), stories: z.array(z.string()) }),
  z.object({ type: z.literal('level.completed'), ts, level: z.number() }),
  z.object({
    type: z.enum(['story.started', 'story.committed', 'story.merged', 'story.failed']),
    ts,
    storyId: z.string(),
  }),
  z.object({ type: z.literal('run.completed'), ts, status: z.string(), timing: z.object({ wallMs: z.number() }) }),
  z.object({ type: z.string(), ts }),
]);
export type BenchEvent = z.infer<typeof eventSchema>;
export const parseEvents = (text: string): BenchEvent[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => eventSchema.parse(JSON.parse(l)));

export const timeOf = (events: readonly BenchEvent[], type: string, storyId: string): number | undefined =>
  events.find((e) => e.type === type && 'storyId' in e && e.storyId === storyId)?.ts;

/**
 * When each story's agent slot opened: its level's start for the first `parallel`, else the (k-p)-th agent of its
 * level to end (a slot is an agent at work; commits and merges hold none).
 */
export function readyTimes(
  events: readonly BenchEvent[],
  invocations: Invocations,
  parallel: number,
): Map<string, number> {
  const at = (type: string, id: string) => timeOf(events, type, id);
  const agentEnd = (id: string) => invocations.find((inv) => inv.env.BARO_STORY_ID === id)?.endTs ?? Infinity;
  const ready = new Map<string, number>();
  for (const level of events.filter((e) => e.type === 'level.started')) {
    if (!('stories' in level)) continue;
    const started = level.stories
      .filter((id) => at('story.started', id) !== undefined)
      .sort((a, b) => (at('story.started', a) ?? 0) - (at('story.started', b) ?? 0));
    const finishes = level.stories.map(agentEnd).sort((a, b) => a - b);
    started.forEach((id, k) => ready.set(id, k < parallel ? level.ts : (finishes[k - parallel] ?? level.ts)));
  }
  return ready;
}

/** Each story's time on its slot, split at the journal's events and the fake's own start and end. */
export function slotPhases(events: readonly BenchEvent[], invocations: Invocations, parallel: number, agentMs: number) {
  const at = (type: string, id: string) => timeOf(events, type, id);
  const phases = {
    queue: [] as number[],
    spawn: [] as number[],
    agent: [] as number[],
    commit: [] as number[],
    merge: [] as number[],
    total: [] as number[],
  };
  for (const [id, ready] of readyTimes(events, invocations, parallel)) {
    const inv = invocations.find((i) => i.env.BARO_STORY_ID === id);
    const [started, committed, merged] = [at('story.started', id), at('story.committed', id), at('story.merged', id)];
    if (inv?.endTs === undefined || started === undefined || committed === undefined || merged === undefined) continue;
    phases.queue.push(started - ready);
    phases.spawn.push(inv.startTs - started);
    phases.agent.push(inv.endTs - inv.startTs - agentMs);
    phases.commit.push(committed - inv.endTs);
    phases.merge.push(merged - committed);
    phases.total.push(merged - ready - agentMs);
  }
  return phases;
}
