// The run's inspection record, `inspect.jsonl` in its run folder: what `baro inspect RUN_ID` replays.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecordLine } from './records.js';
import type { InspectRecord } from './records.js';

export const inspectJournalPath = (runDir: string): string => join(runDir, 'inspect.jsonl');

export interface InspectJournal {
  readonly write: (record: InspectRecord) => void;
  /** Resolves once every record is on disk. */
  readonly close: () => Promise<void>;
}

export function openInspectJournal(runDir: string): InspectJournal {
  const stream = createWriteStream(inspectJournalPath(runDir), { flags: 'a' });
  return {
    write: (record) => void stream.write(`${JSON.stringify(record)}\n`),
    close: () => new Promise((resolveClose) => stream.end(() => resolveClose())),
  };
}

/** The records of a run; a line cut short by a killed process is skipped. */
export async function readInspectJournal(runDir: string): Promise<InspectRecord[]> {
  const text = await readFile(inspectJournalPath(runDir), 'utf8');
  return text.split('\n').flatMap((line) => parseRecordLine(line) ?? []);
}
