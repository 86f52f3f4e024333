// A turn restarted with the same attempt number was in flight when baro stopped: its raw log says how far it got.
import { readFileSync } from 'node:fs';

export interface PriorTurn {
  /** The session the interrupted turn ran, when its agent had named it. */
  readonly sessionId: string | undefined;
}

function sessionOf(line: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || !('session_id' in parsed)) return undefined;
    return typeof parsed.session_id === 'string' ? parsed.session_id : undefined;
  } catch {
    // A line cut short by the crash says nothing.
    return undefined;
  }
}

/** The interrupted turn behind this attempt's log (opened as its agent starts), or undefined when it never ran. */
export function priorTurn(rawLogPath: string): PriorTurn | undefined {
  let text: string;
  try {
    text = readFileSync(rawLogPath, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return { sessionId: lines.map(sessionOf).find((id) => id !== undefined) };
}
