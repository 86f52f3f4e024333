// What the run's journal (events.jsonl) tells the report beyond the stories' results: collisions, conflicts,
// permission denials and what the Librarian shared.
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
}

const lineSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('collision.warning'),
    path: z.string(),
    stories: z.array(z.string()),
    source: z.enum(['edit', 'plan']),
  }),
  z.object({ type: z.literal('story.conflict'), storyId: z.string(), round: z.number() }),
  z.object({ type: z.literal('story.denied'), storyId: z.string(), tool: z.string(), message: z.string() }),
  z.object({
    type: z.literal('knowledge.added'),
    storyId: z.string(),
    fact: z.object({ kind: z.string(), summary: z.string() }),
  }),
]);

const parseLine = (line: string): z.infer<typeof lineSchema> | undefined => {
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
  for (const line of text.split('\n')) {
    const event = line.trim() === '' ? undefined : parseLine(line);
    if (event?.type === 'collision.warning')
      collisions.push({ path: event.path, stories: event.stories, source: event.source });
    if (event?.type === 'story.conflict')
      conflicts[event.storyId] = Math.max(conflicts[event.storyId] ?? 0, event.round);
    if (event?.type === 'story.denied')
      denials.push({ storyId: event.storyId, tool: event.tool, message: event.message });
    if (event?.type === 'knowledge.added')
      knowledge.push({ storyId: event.storyId, kind: event.fact.kind, summary: event.fact.summary });
  }
  return { collisions, conflicts, denials, knowledge };
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
