// What the run's journal (events.jsonl) tells the report beyond the stories' results: collisions, conflicts,
// permission denials, what the Librarian shared, the Auditor's checks, the Critic's verdicts, the replans, the
// participants' notes and the usage-limit pauses.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export interface JournalFacts {
  readonly collisions: readonly {
    readonly path: string;
    readonly stories: readonly string[];
    readonly source: 'edit' | 'plan';
  }[];
  /** Conflict rounds per story: how often a merge went back to the story's own session. */
  readonly conflicts: Readonly<Record<string, number>>;
  readonly denials: readonly { readonly storyId: string; readonly tool: string; readonly message: string }[];
  readonly knowledge: readonly { readonly storyId: string; readonly kind: string; readonly summary: string }[];
  /** Every verify.completed, in order: story evidence, integration gates, the final gate. */
  readonly checks: readonly CheckFact[];
  readonly verdicts: readonly {
    readonly storyId: string;
    readonly round: number;
    readonly verdict: 'pass' | 'fail';
    readonly reasons: readonly string[];
  }[];
  /** Live messages: said into running sessions, delivered (with their latency), or kept for a next prompt. */
  readonly messages: {
    readonly sent: readonly { readonly storyId: string; readonly from: string; readonly kind: string }[];
    readonly latenciesMs: readonly number[];
    readonly withheld: number;
  };
  /** What participants asked to have said in the PR body, in order. */
  readonly notes: readonly { readonly name: string; readonly text: string }[];
  /** What the Surgeon (or the fixed policy) did about failed stories and gates, and the replans it could not make. */
  readonly replans: readonly ReplanFact[];
  /** Each story's usage-limit pauses (epoch ms); `to` is undefined for one the run ended in. */
  readonly quotaPauses: readonly { readonly storyId: string; readonly from: number; readonly to: number | undefined }[];
}

export interface ReplanFact {
  readonly level: number;
  /** The failed story, or the failing commands of an integration gate. */
  readonly cause:
    | { readonly kind: 'story'; readonly storyId: string }
    | { readonly kind: 'gate'; readonly commands: readonly string[] };
  /** `skipped`: no replan was made (the budget was spent). */
  readonly action: 'retry' | 'split' | 'drop' | 'fix' | 'skipped';
  readonly by: 'surgeon' | 'policy' | undefined;
  readonly reason: string;
  /** The stories the replan added, and those it left blocked. */
  readonly added: readonly string[];
  readonly blocked: readonly string[];
}

const causeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('story'), storyId: z.string() }),
  z.object({ kind: z.literal('gate'), commands: z.array(z.string()) }),
]);

export interface CheckFact {
  readonly scope: 'story' | 'integration' | 'final';
  readonly storyId?: string | undefined;
  readonly level?: number | undefined;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly results: readonly {
    readonly command: string;
    readonly status: 'passed' | 'failed' | 'notRun';
    /** Its output, or why it did not run. */
    readonly tail?: string | undefined;
  }[];
}

const lineSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('collision.warning'),
    path: z.string(),
    stories: z.array(z.string()),
    source: z.enum(['edit', 'plan']),
  }),
  z.object({ type: z.literal('story.conflict'), storyId: z.string(), round: z.number() }),
  z.object({
    type: z.literal('story.denied'),
    storyId: z.string(),
    tool: z.string(),
    message: z.string(),
    rule: z.string().optional(),
  }),
  z.object({
    type: z.literal('verify.completed'),
    scope: z.enum(['story', 'integration', 'final']),
    storyId: z.string().optional(),
    level: z.number().optional(),
    status: z.enum(['passed', 'failed', 'skipped']),
    results: z.array(
      z.object({ command: z.string(), status: z.enum(['passed', 'failed', 'notRun']), tail: z.string().optional() }),
    ),
  }),
  z.object({
    type: z.literal('story.verdict'),
    storyId: z.string(),
    round: z.number(),
    verdict: z.enum(['pass', 'fail']),
    reasons: z.array(z.string()),
  }),
  z.object({ type: z.literal('message.sent'), storyId: z.string(), from: z.string(), kind: z.string() }),
  z.object({ type: z.literal('message.delivered'), latencyMs: z.number() }),
  z.object({ type: z.literal('message.withheld') }),
  z.object({ type: z.literal('quota.paused'), storyId: z.string(), ts: z.iso.datetime() }),
  z.object({ type: z.literal('quota.resumed'), storyId: z.string(), ts: z.iso.datetime() }),
  z.object({ type: z.literal('quota.held'), ts: z.iso.datetime() }),
  z.object({ type: z.literal('quota.released'), ts: z.iso.datetime() }),
  z.object({
    type: z.literal('knowledge.added'),
    storyId: z.string(),
    fact: z.object({ kind: z.string(), summary: z.string() }),
  }),
  z.object({ type: z.literal('participant.note'), name: z.string(), text: z.string() }),
  z.object({
    type: z.literal('replan.applied'),
    level: z.number(),
    cause: causeSchema,
    action: z.enum(['retry', 'split', 'drop', 'fix']),
    by: z.enum(['surgeon', 'policy']),
    reason: z.string(),
    before: z.array(z.object({ id: z.string() })),
    after: z.array(z.object({ id: z.string(), status: z.string() })),
  }),
  z.object({ type: z.literal('replan.skipped'), level: z.number(), cause: causeSchema, reason: z.string() }),
]);

// Only lines of these types are facts: a run of hundreds of stories journals thousands of others, not worth parsing.
const FACT_TYPES = new RegExp(
  `"type"\\s*:\\s*"(${lineSchema.options.map((option) => option.shape.type.value.replaceAll('.', '\\.')).join('|')})"`,
);

const parseLine = (line: string): z.infer<typeof lineSchema> | undefined => {
  if (!FACT_TYPES.test(line)) return undefined;
  try {
    const parsed = lineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A line cut short by a crash is not a fact.
    return undefined;
  }
};

/** The facts in journal text; lines of other types, or damaged, are skipped. */
export function journalFacts(text: string): JournalFacts {
  const collisions: JournalFacts['collisions'][number][] = [];
  const conflicts: Record<string, number> = {};
  const denials: JournalFacts['denials'][number][] = [];
  const knowledge: JournalFacts['knowledge'][number][] = [];
  const checks: CheckFact[] = [];
  const verdicts: JournalFacts['verdicts'][number][] = [];
  const sent: JournalFacts['messages']['sent'][number][] = [];
  const latenciesMs: number[] = [];
  let withheld = 0;
  const notes: JournalFacts['notes'][number][] = [];
  const replans: ReplanFact[] = [];
  const quotaPauses: { storyId: string; from: number; to: number | undefined }[] = [];
  for (const line of text.split('\n')) {
    const event = line.trim() === '' ? undefined : parseLine(line);
    if (event?.type === 'collision.warning')
      collisions.push({ path: event.path, stories: event.stories, source: event.source });
    if (event?.type === 'story.conflict')
      conflicts[event.storyId] = Math.max(conflicts[event.storyId] ?? 0, event.round);
    if (event?.type === 'story.denied')
      denials.push({ storyId: event.storyId, tool: event.rule ?? event.tool, message: event.message });
    if (event?.type === 'verify.completed') {
      const { type: _type, ...check } = event;
      checks.push(check);
    }
    if (event?.type === 'story.verdict') {
      const { type: _type, ...verdict } = event;
      verdicts.push(verdict);
    }
    if (event?.type === 'knowledge.added')
      knowledge.push({ storyId: event.storyId, kind: event.fact.kind, summary: event.fact.summary });
    if (event?.type === 'message.sent') sent.push({ storyId: event.storyId, from: event.from, kind: event.kind });
    if (event?.type === 'message.delivered') latenciesMs.push(event.latencyMs);
    if (event?.type === 'message.withheld') withheld += 1;
    if (event?.type === 'participant.note') notes.push({ name: event.name, text: event.text });
    if (event?.type === 'replan.applied') {
      const { level, cause, action, by, reason, before, after } = event;
      const added = after.filter((story) => !before.some((b) => b.id === story.id)).map((story) => story.id);
      const blocked = after.filter((story) => story.status === 'blocked').map((story) => story.id);
      replans.push({ level, cause, action, by, reason, added, blocked });
    }
    if (event?.type === 'replan.skipped') {
      const { level, cause, reason } = event;
      replans.push({ level, cause, action: 'skipped', by: undefined, reason, added: [], blocked: [] });
    }
    // The schedule's hold for a quota warning counts as a pause of its own.
    if (event?.type === 'quota.held') quotaPauses.push({ storyId: '', from: Date.parse(event.ts), to: undefined });
    if (event?.type === 'quota.released') {
      const open = quotaPauses.findLast((pause) => pause.storyId === '' && pause.to === undefined);
      if (open) open.to = Date.parse(event.ts);
    }
    if (event?.type === 'quota.paused')
      quotaPauses.push({ storyId: event.storyId, from: Date.parse(event.ts), to: undefined });
    if (event?.type === 'quota.resumed') {
      const open = quotaPauses.findLast((pause) => pause.storyId === event.storyId && pause.to === undefined);
      if (open) open.to = Date.parse(event.ts);
    }
  }
  return {
    collisions,
    conflicts,
    denials,
    knowledge,
    checks,
    verdicts,
    messages: { sent, latenciesMs, withheld },
    notes,
    replans,
    quotaPauses,
  };
}

/** Reads the journal at path; a run with no journal yet has no facts. */
export async function readJournalFacts(path: string): Promise<JournalFacts> {
  try {
    return journalFacts(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return journalFacts('');
    throw error;
  }
}
