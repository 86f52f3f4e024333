// What the inspector records of a run: actors, their machines, their states and the events between them, as JSON lines.
import { z } from 'zod';
import type { MachineGraph } from './machine-graph.js';

const graphTransition = z.object({
  event: z.string(),
  targets: z.array(z.string()),
  guard: z.string().optional(),
  reenter: z.boolean(),
});

interface GraphNodeInput {
  id: string;
  key: string;
  path: string[];
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: string | undefined;
  transitions: z.infer<typeof graphTransition>[];
  children: GraphNodeInput[];
}

const graphNode: z.ZodType<GraphNodeInput> = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    path: z.array(z.string()),
    type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
    initial: z.string().optional(),
    transitions: z.array(graphTransition),
    children: z.array(graphNode),
  }),
);

const machineGraphSchema: z.ZodType<MachineGraph> = z.object({ id: z.string(), root: graphNode });

export const inspectRecordSchema = z.discriminatedUnion('kind', [
  /** A machine definition, recorded once before the first actor that runs it. */
  z.object({ kind: z.literal('machine'), t: z.number(), machine: z.string(), graph: machineGraphSchema }),
  z.object({
    kind: z.literal('actor'),
    t: z.number(),
    session: z.string(),
    id: z.string(),
    parent: z.string().optional(),
    systemId: z.string().optional(),
    machine: z.string().optional(),
  }),
  /** Recorded when an actor's status or active states change, not on every context update. */
  z.object({
    kind: z.literal('snapshot'),
    t: z.number(),
    session: z.string(),
    status: z.string(),
    active: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('event'),
    t: z.number(),
    session: z.string(),
    from: z.string().optional(),
    type: z.string(),
  }),
  /** A baro process starts driving the run (the first, or a resume): the actors of any process before it are gone. */
  z.object({ kind: z.literal('start'), t: z.number() }),
  /** The run is over; a replay of a run with no `end` shows an interrupted run. */
  z.object({ kind: z.literal('end'), t: z.number(), status: z.string() }),
]);

export type InspectRecord = z.infer<typeof inspectRecordSchema>;

/** Parses one line of inspect.jsonl; undefined for a line that is not a record (a torn last line of a killed run). */
export function parseRecordLine(line: string): InspectRecord | undefined {
  if (line.trim() === '') return undefined;
  try {
    const parsed = inspectRecordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
