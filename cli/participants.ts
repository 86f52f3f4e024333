// The config's participants, loaded before anything of the run exists: one that cannot join is bad input (exit 2).
import { MERGING } from '../machines/herald-events.js';
import type { ParticipantEntry } from '../services/config/schema.js';
import { loadParticipants, ParticipantLoadError } from '../services/participants/load.js';
import type { LoadedParticipant } from '../services/participants/load.js';
import { UsageError } from './errors.js';
import { RUN_EVENT_TYPES } from './run-event-types.js';

/** None outside a repository: the run is refused there anyway, for that reason. */
export async function loadRunParticipants(
  entries: readonly ParticipantEntry[],
  repoDir: string | undefined,
  configFile: string | undefined,
): Promise<LoadedParticipant[]> {
  if (entries.length === 0 || repoDir === undefined) return [];
  try {
    return await loadParticipants({ entries, repoDir, knownEvents: RUN_EVENT_TYPES });
  } catch (error) {
    if (!(error instanceof ParticipantLoadError)) throw error;
    throw new UsageError(
      `${error.message}\nFix the participants list in ${configFile ?? 'the config'} (docs/participants.md says what a participant module exports) and run again.`,
      { option: '--config', value: configFile, cause: error },
    );
  }
}

// Past a participant's own timeout the Herald has stopped it and let the story go: the story's wait is a backstop.
const VETO_GRACE_MS = 5000;

/** How long a story waits at its veto hook: 0 (no hook) unless a participant is sent `story.merging`. */
export function vetoTimeoutMs(participants: readonly LoadedParticipant[]): number {
  const voters = participants.filter((p) => p.definition.events?.includes(MERGING) ?? true);
  return voters.length === 0 ? 0 : Math.max(...voters.map((p) => p.timeoutMs)) + VETO_GRACE_MS;
}
