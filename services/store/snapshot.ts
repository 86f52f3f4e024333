// `snapshot.json`: the whole actor tree of a run, persisted by XState, inside an envelope that says who wrote it.
import { z } from 'zod';
import { StoreError } from './errors.js';
import { readJson, writeText } from './files.js';
import type { RunPaths } from './paths.js';

/** Bumped whenever a machine changes so that an older snapshot would restore into the wrong states. */
export const SNAPSHOT_SCHEMA_VERSION = 2;

const EnvelopeSchema = z.object({
  schemaVersion: z.number().int(),
  baroVersion: z.string(),
  runId: z.string().min(1),
  savedAt: z.iso.datetime({ offset: true }),
  /** The Run's input: XState asks for one even when it restores a snapshot. */
  input: z.unknown(),
  snapshot: z.record(z.string(), z.unknown()),
});
export type SnapshotEnvelope = z.infer<typeof EnvelopeSchema>;

/** Replaces the run's snapshot atomically; `text` is the envelope already serialised (the writer compares texts). */
export const writeSnapshot = (paths: Pick<RunPaths, 'snapshotJson'>, text: string): Promise<void> =>
  writeText(paths.snapshotJson, text);

/** The run's snapshot; a snapshot of another schema version or another run is refused, never half-applied. */
export async function loadSnapshot(
  paths: Pick<RunPaths, 'snapshotJson' | 'runId'>,
  baroVersion: string,
): Promise<SnapshotEnvelope> {
  const envelope = await readJson(paths.snapshotJson, EnvelopeSchema);
  if (envelope.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    // A build between releases may change the format too: "resume it with baro <this version>" would say nothing.
    const writer =
      envelope.baroVersion === baroVersion ? `an earlier build of baro ${baroVersion}` : `baro ${envelope.baroVersion}`;
    throw new StoreError(
      `Cannot resume run ${paths.runId}: its snapshot (${paths.snapshotJson}) was written by ${writer} in format ${envelope.schemaVersion}, and this baro ${baroVersion} reads format ${SNAPSHOT_SCHEMA_VERSION}. Resume it with ${writer.replace('an earlier', 'that')}, or start the plan again with \`baro run --plan\` (the run's plan is in its plan.json).`,
      { path: paths.snapshotJson, reason: 'invalid' },
    );
  }
  if (envelope.runId !== paths.runId) {
    throw new StoreError(
      `Cannot resume run ${paths.runId}: ${paths.snapshotJson} belongs to run ${envelope.runId}. Move the file away, or resume that run.`,
      { path: paths.snapshotJson, reason: 'invalid' },
    );
  }
  return envelope;
}

/** Every `agentPid` recorded in the contexts of the persisted tree: the agents that may still run from before. */
export function recordedAgentPids(snapshot: unknown): number[] {
  if (typeof snapshot !== 'object' || snapshot === null) return [];
  const context: unknown = Reflect.get(snapshot, 'context');
  const own = typeof context === 'object' && context !== null ? Reflect.get(context, 'agentPid') : undefined;
  const children: unknown = Reflect.get(snapshot, 'children');
  const nested =
    typeof children === 'object' && children !== null
      ? Object.values(children).flatMap((child: unknown) =>
          typeof child === 'object' && child !== null ? recordedAgentPids(Reflect.get(child, 'snapshot')) : [],
        )
      : [];
  return typeof own === 'number' ? [own, ...nested] : nested;
}
